/* documents.c - notices, decisions and certificates of cases: numbering,
 * the official text of each kind, rendering, sealing, verification. */
#include "service/records/records.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "base/config.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/embedded.h"
#include "base/idno.h"
#include "base/log.h"
#include "docs/pdf.h"
#include "docs/sm3.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define DOC_COUNTY "白"               /* the county in document numbers */
#define DOC_COUNTY_FULL "白河县"
#define DOC_CONTENT_MAX ((size_t)64 << 10)
#define DOC_CODE_LEN 20               /* 100 random bits */
#define DOC_MAX_ATTEMPTS 5
#define DOC_STALE_S 300               /* a claim older than this is abandoned */
#define DOC_NO_SEAL_RETRY_S 60
#define DOC_MAX_PARAS 24
#define DOC_MAX_ROWS 60
#define DOC_DEPARTMENTS_FILE "data/demo/departments.json"

static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
static const char MSG_NO_SEAL[] = "部门尚未配置审批专用章";

static const struct kind_info {
	const char *kind;
	const char *label;
	const char *word;  /* in the number: 白审受字〔2026〕第0001号 */
} kinds[] = {
	{ DOC_ACCEPT_NOTICE, "受理通知书", "受" },
	{ DOC_REJECT_NOTICE, "不予受理通知书", "不受" },
	{ DOC_SUPPLEMENT_NOTICE, "补正材料通知书", "补" },
	{ DOC_RONGQUE_NOTICE, "容缺受理通知书", "容" },
	{ DOC_COMMITMENT, "告知承诺书", "诺" },
	{ DOC_APPROVAL, "准予行政许可决定书", "许" },
	{ DOC_DENIAL, "不予行政许可决定书", "不许" },
	{ DOC_CERTIFICATE, "证照", "证" },
	{ DOC_TERMINATION, "终止办理告知书", "终" },
	{ DOC_EXTENSION, "延长审批期限告知书", "延" },
	{ DOC_RONGQUE_PLEDGE, "容缺受理承诺书", "容诺" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const struct kind_info *
kind_find(const char *kind)
{
	if (kind == NULL)
		return NULL;
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

const char *
document_kind_label(const char *kind)
{
	const struct kind_info *k = kind_find(kind);

	return k != NULL ? k->label : NULL;
}

static int
stmt_err(struct err *e)
{
	return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
}

/* String member of a row object; "" when absent or null. */
static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static int64_t
num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return 0;
}

static bool
has(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return v != NULL && !json_is_null(v) &&
	    !(json_is_string(v) && json_string_value(v)[0] == '\0');
}

/* The organ's official name: full_name from the county's department list
 * when known, else "白河县" + the short form "县…", else the name. */
static void
organ_name(const char *name, char *out, size_t outsz)
{
	const struct embedded_file *f = embedded_find(DOC_DEPARTMENTS_FILE);
	json_t *root = NULL, *d;
	size_t i;

	if (f != NULL)
		root = json_loadb(f->data, f->len, 0, NULL);
	json_array_foreach(json_object_get(root, "departments"), i, d) {
		if (strcmp(str(d, "name"), name) == 0 && has(d, "full_name")) {
			snprintf(out, outsz, "%s", str(d, "full_name"));
			json_decref(root);
			return;
		}
	}
	json_decref(root);
	if (strncmp(name, "县", strlen("县")) == 0)
		snprintf(out, outsz, "白河%s", name);
	else
		snprintf(out, outsz, "%s", name);
}

/* The first character of the department's short name ("审批局" -> "审"). */
static void
dept_abbr(const char *short_name, const char *name, char out[8])
{
	const char *s = short_name[0] != '\0' ? short_name : name;
	size_t n = 1;

	if (strncmp(s, "县", strlen("县")) == 0 && s[strlen("县")] != '\0')
		s += strlen("县");
	if (((unsigned char)s[0] & 0xe0) == 0xc0)
		n = 2;
	else if (((unsigned char)s[0] & 0xf0) == 0xe0)
		n = 3;
	else if (((unsigned char)s[0] & 0xf8) == 0xf0)
		n = 4;
	if (s[0] == '\0' || strnlen(s, n) < n)
		n = 0;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void
make_code(char out[DOC_CODE_LEN + 1])
{
	unsigned char r[DOC_CODE_LEN];

	randombytes_buf(r, sizeof(r));
	for (size_t i = 0; i < DOC_CODE_LEN; i++)
		out[i] = CODE_ALPHABET[r[i] & 31];
	out[DOC_CODE_LEN] = '\0';
	sodium_memzero(r, sizeof(r));
}

/* Normalises a code typed or scanned: upper case, alphabet only. */
static bool
code_normalise(const char *in, char out[DOC_CODE_LEN + 1])
{
	size_t n = in != NULL ? strlen(in) : 0;

	if (n != DOC_CODE_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = in[i];

		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == '\0' || strchr(CODE_ALPHABET, ch) == NULL)
			return false;
		out[i] = ch;
	}
	out[n] = '\0';
	return true;
}

/* --- enqueue --- */

static int
enqueue(struct ctx *c, int64_t case_id, const char *kind, json_t *content,
    int64_t *doc_id, json_t **doc, struct err *e)
{
	const struct kind_info *ki = kind_find(kind);
	struct db_stmt *s;
	char day[11], abbr[8], prefix[96], doc_no[160], code[DOC_CODE_LEN + 1];
	char shortn[128] = "", dname[256] = "", idbuf[24];
	int64_t dept = 0, n = 0, id = 0, now;
	char *text = NULL;
	json_t *sum;
	int rc;

	if (doc_id != NULL)
		*doc_id = 0;
	if (ki == NULL)
		return err_field(e, ERR_INVALID, "kind", NULL, "文书类型不正确");
	if (!db_in_tx(c->db))
		return err_internal(e, "document_enqueue outside db_tx");
	if (content != NULL && !json_is_object(content))
		return err_field(e, ERR_INVALID, "content", NULL,
		    "文书内容须为 JSON 对象");
	text = content != NULL ? json_dumps(content, JSON_COMPACT |
	    JSON_SORT_KEYS) : strdup("{}");
	if (text == NULL)
		return err_internal(e, "out of memory");
	if (strlen(text) > DOC_CONTENT_MAX) {
		rc = err_field(e, ERR_TOO_LARGE, "content", NULL,
		    "文书内容过长");
		goto out;
	}
	s = db_query(c->db, e, "SELECT k.dept_id, p.short_name, p.name FROM "
	    "cases k JOIN departments p ON p.id = k.dept_id WHERE k.id = ?",
	    "i", case_id);
	if (s == NULL) {
		rc = stmt_err(e);
		goto out;
	}
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		dept = db_col_int(s, 0);
		snprintf(shortn, sizeof(shortn), "%s", db_col_text(s, 1));
		snprintf(dname, sizeof(dname), "%s", db_col_text(s, 2));
	}
	db_finish(s);
	if (rc < 0)
		goto out;
	if (rc != DB_ROW) {
		rc = err_set(e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
		goto out;
	}
	now = clock_now();
	clock_date(now, day);
	dept_abbr(shortn, dname, abbr);
	snprintf(prefix, sizeof(prefix), "%s%s%s字", DOC_COUNTY, abbr,
	    ki->word);
	rc = db_query_int(c->db, e, &n, "INSERT INTO document_seq (prefix, "
	    "year, n) VALUES (?, ?, 1) ON CONFLICT (prefix, year) DO UPDATE "
	    "SET n = document_seq.n + 1 RETURNING n", "sI", prefix,
	    atoi(day));
	if (rc < 0)
		goto out;
	if (rc != DB_ROW) {
		rc = err_internal(e, "document_seq: no number");
		goto out;
	}
	snprintf(doc_no, sizeof(doc_no), "%s〔%.4s〕第%04" PRId64 "号", prefix,
	    day, n);
	make_code(code);
	rc = db_query_int(c->db, e, &id, "INSERT INTO documents (case_id, "
	    "dept_id, kind, doc_no, status, content, doc_date, verify_code, "
	    "created_by, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, "
	    "?, ?) RETURNING id", "iisssssii", case_id, dept, kind, doc_no,
	    text, day, code, c->actor != NULL ? c->actor->user_id : 0, now);
	if (rc < 0)
		goto out;
	if (rc != DB_ROW) {
		rc = err_internal(e, "INSERT documents: no id");
		goto out;
	}
	if (doc != NULL) {
		/* The caller's audit record names the document. */
		*doc = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id,
		    "kind", kind, "doc_no", doc_no);
		rc = *doc != NULL ? 0 : err_internal(e, "out of memory");
	} else {
		snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
		sum = json_pack("{s:I, s:s, s:s}", "case_id",
		    (json_int_t)case_id, "kind", kind, "doc_no", doc_no);
		rc = audit_append(c, "document.enqueue", "document", idbuf,
		    sum, e);
		json_decref(sum);
	}
	if (rc == 0 && doc_id != NULL)
		*doc_id = id;
out:
	free(text);
	return rc;
}

int
document_enqueue(struct ctx *c, int64_t case_id, const char *kind,
    json_t *content, int64_t *doc_id, struct err *e)
{
	return enqueue(c, case_id, kind, content, doc_id, NULL, e);
}

int
document_enqueue_noaudit(struct ctx *c, int64_t case_id, const char *kind,
    json_t *content, json_t **doc, struct err *e)
{
	*doc = NULL;
	return enqueue(c, case_id, kind, content, NULL, doc, e);
}

/* --- the text of each kind --- */

/* What one document says, built from its row; owns every string. */
struct text {
	char *title;
	char *addressee;
	char *paras[DOC_MAX_PARAS];
	size_t nparas;
	const char *headers[3];
	double widths[3];
	char *cells[DOC_MAX_ROWS * 3];      /* owned, three per row */
	const char *view[DOC_MAX_ROWS * 3]; /* ncols per row, borrowed */
	size_t nrows, ncols;
	size_t table_after;
	bool has_table;
	bool incomplete;     /* a paragraph or row did not fit */
	char organ[256];
	char verify_url[1024];
	struct pdf_table table;
	struct pdf_doc doc;
};

#define xprintf xasprintf

/* A paragraph or row that does not fit marks the text incomplete, and an
 * incomplete notice is not issued (build_text fails). */
static void
para(struct text *t, char *s)
{
	if (t->nparas >= DOC_MAX_PARAS) {
		free(s);
		t->incomplete = true;
		return;
	}
	t->paras[t->nparas++] = s;
}

static void
row3(struct text *t, char *a, char *b, char *c)
{
	if (t->nrows >= DOC_MAX_ROWS) {
		free(a);
		free(b);
		free(c);
		t->incomplete = true;
		return;
	}
	t->cells[t->nrows * 3] = a;
	t->cells[t->nrows * 3 + 1] = b;
	t->cells[t->nrows * 3 + 2] = c;
	t->nrows++;
}

static void
text_free(struct text *t)
{
	free(t->title);
	free(t->addressee);
	for (size_t i = 0; i < t->nparas; i++)
		free(t->paras[i]);
	for (size_t i = 0; i < t->nrows * 3; i++)
		free(t->cells[i]);
	memset(t, 0, sizeof(*t));
}

/* "2026-09-28" -> "2026年9月28日"; "" stays "". */
static void
day_text(const char *ymd, char *out, size_t outsz)
{
	int y, m, d;

	if (ymd == NULL || sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		snprintf(out, outsz, "%s", ymd != NULL ? ymd : "");
		return;
	}
	snprintf(out, outsz, "%d年%d月%d日", y, m, d);
}

/* Person names are masked in public pages ("张*"); enterprise names are
 * public. */
static void
mask_name(const char *name, bool person, char *out, size_t outsz)
{
	size_t n = strlen(name), first = 1;

	if (!person || n == 0) {
		snprintf(out, outsz, "%s", name);
		return;
	}
	while (first < n && ((unsigned char)name[first] & 0xc0) == 0x80)
		first++;
	snprintf(out, outsz, "%.*s", (int)first, name);
	for (size_t i = first; i < n; i++)
		if (((unsigned char)name[i] & 0xc0) != 0x80 &&
		    strlen(out) + 2 < outsz)
			strcat(out, "*");
}

static const char *
rights_text(void)
{
	return "如不服本决定，可以自收到本文书之日起六十日内向" DOC_COUNTY_FULL
	    "人民政府申请行政复议，也可以自收到本文书之日起六个月内依法向"
	    "人民法院提起行政诉讼。";
}

/* The materials a supplement or rongque notice lists: content.materials
 * [{name, requirement|problem, note}], or else the case's materials in
 * the given statuses. */
static int
material_rows(struct ctx *c, struct text *t, json_t *row, json_t *content,
    bool rongque, struct err *e)
{
	json_t *list = json_object_get(content, "materials"), *m;
	struct db_stmt *s;
	size_t i;
	int rc;

	if (json_is_array(list) && json_array_size(list) > 0) {
		json_array_foreach(list, i, m) {
			const char *req = has(m, "requirement") ?
			    str(m, "requirement") : str(m, "problem");
			const char *note = str(m, "note");

			if (!json_is_object(m))
				continue;
			row3(t, xprintf("%zu", t->nrows + 1),
			    xprintf("%s", str(m, "name")),
			    xprintf("%s%s%s", req, req[0] != '\0' &&
			    note[0] != '\0' ? "；" : "", note));
		}
		return 0;
	}
	s = db_query(c->db, e, "SELECT name, problem, status FROM "
	    "case_materials WHERE case_id = ? AND status IN (?, ?) ORDER BY "
	    "idx", "iss", num(row, "case_id"), rongque ? "rongque" : "flawed",
	    rongque ? "missing" : "flawed");
	if (s == NULL)
		return stmt_err(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *p = db_col_text(s, 1);

		row3(t, xprintf("%zu", t->nrows + 1),
		    xprintf("%s", db_col_text(s, 0)),
		    xprintf("%s", p[0] != '\0' ? p : rongque ?
		    "容缺受理后补交" : "请按要求补正"));
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* Fills t from the joined document row (see load_row). */
static int
build_text(struct ctx *c, json_t *row, struct text *t, struct err *e)
{
	const char *kind = str(row, "kind");
	const struct kind_info *ki = kind_find(kind);
	json_t *content = NULL, *el = NULL;
	bool person = strcmp(str(row, "applicant_kind"), "E") != 0;
	bool licence = strcmp(str(row, "item_type"), "01") == 0;
	const char *you = person ? "你" : "你单位";
	const char *item = str(row, "item_name"), *case_no = str(row, "case_no");
	char applied[32], accepted[32], due[32], sdue[32], dday[11];
	char idmask[64];
	const char *reason, *result_name, *due_src, *sdue_src;
	int64_t budget;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (ki == NULL)
		return err_internal(e, "document %" PRId64 ": unknown kind %s",
		    num(row, "id"), kind);
	content = json_loads(str(row, "content"), 0, NULL);
	if (!json_is_object(content)) {
		json_decref(content);
		content = json_object();
	}
	el = json_loads(str(row, "elements"), 0, NULL);
	if (!json_is_object(el)) {
		json_decref(el);
		el = json_object();
	}
	organ_name(str(row, "dept_name"), t->organ, sizeof(t->organ));
	clock_date(num(row, "applied_at"), dday);
	day_text(dday, applied, sizeof(applied));
	day_text(has(content, "accepted_day") ? str(content, "accepted_day") :
	    str(row, "accepted_day"), accepted, sizeof(accepted));
	due_src = has(content, "due_day") ? str(content, "due_day") :
	    str(row, "due_day");
	day_text(due_src, due, sizeof(due));
	sdue_src = has(content, "supplement_due") ?
	    str(content, "supplement_due") : str(row, "supplement_due");
	day_text(sdue_src, sdue, sizeof(sdue));
	reason = has(content, "reason") ? str(content, "reason") :
	    str(row, "decision_reason");
	result_name = str(el, "result_name");
	budget = has(content, "promised_days") ? num(content, "promised_days") :
	    has(row, "budget_days") ? num(row, "budget_days") :
	    num(el, "promised_days");

	t->title = xprintf("%s", kind == NULL ? "" : ki->label);
	t->addressee = xprintf("%s", str(row, "applicant_name"));

	if (strcmp(kind, DOC_ACCEPT_NOTICE) == 0) {
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），经审查，申请"
		    "材料齐全、符合法定形式。%s本机关决定予以受理。", you, applied,
		    item, case_no, licence ? "根据《中华人民共和国行政许可法》"
		    "第三十二条第一款第（五）项的规定，" : ""));
		if (budget > 0)
			para(t, xprintf("本事项承诺办结时限为%" PRId64 "个工作日，"
			    "本机关将自受理之日（%s）起%" PRId64 "个工作日内%s%s%s"
			    "作出决定。依法需要听证、招标、拍卖、检验、检测、检疫、"
			    "鉴定和专家评审的，所需时间不计算在上述期限内，本机关将"
			    "另行书面告知。", budget, accepted, budget,
			    due_src[0] != '\0' ? "，即于" : "", due,
			    due_src[0] != '\0' ? "前" : ""));
		else
			para(t, xprintf("本事项为即办件，本机关将于受理当日作出"
			    "决定。"));
		para(t, xprintf("%s可凭申请编号通过白河县政务服务网或到县政务"
		    "服务中心窗口查询办理进度。", you));
		para(t, xprintf("特此通知。"));
	} else if (strcmp(kind, DOC_REJECT_NOTICE) == 0) {
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），经审查，"
		    "不符合受理条件，理由如下：%s", you, applied, item, case_no,
		    reason[0] != '\0' ? reason : "申请事项不符合受理条件。"));
		para(t, xprintf("%s本机关决定不予受理。", licence ?
		    "根据《中华人民共和国行政许可法》第三十二条第一款的规定，" :
		    ""));
		para(t, xprintf("%s", rights_text()));
		para(t, xprintf("特此通知。"));
	} else if (strcmp(kind, DOC_SUPPLEMENT_NOTICE) == 0) {
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），经审查，申请"
		    "材料不齐全或者不符合法定形式。%s现一次性告知%s需要补正的全部"
		    "材料如下：", you, applied, item, case_no, licence ?
		    "根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的"
		    "规定，" : "", you));
		rc = material_rows(c, t, row, content, false, e);
		if (rc != 0)
			goto out;
		t->has_table = true;
		t->headers[0] = "序号";
		t->headers[1] = "材料名称";
		t->headers[2] = "补正要求";
		t->table_after = t->nparas;
		if (has(content, "note"))
			para(t, xprintf("其他说明：%s", str(content, "note")));
		para(t, xprintf("请%s%s%s一次性提交上述全部补正材料。补正材料齐全、"
		    "符合法定形式的，本机关将予以受理；逾期未补正的，视为撤回"
		    "申请。", sdue_src[0] != '\0' ? "于" : "在收到本通知书后",
		    sdue, sdue_src[0] != '\0' ? "前" : ""));
		para(t, xprintf("特此通知。"));
	} else if (strcmp(kind, DOC_RONGQUE_NOTICE) == 0) {
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），经审查，基本"
		    "条件具备、主要申请材料齐全且符合法定形式，但尚欠缺下列次要"
		    "材料。根据容缺受理有关规定，本机关决定予以容缺受理，现一次性"
		    "告知%s需要补齐的材料如下：", you, applied, item, case_no,
		    you));
		rc = material_rows(c, t, row, content, true, e);
		if (rc != 0)
			goto out;
		t->has_table = true;
		t->headers[0] = "序号";
		t->headers[1] = "容缺材料";
		t->headers[2] = "补交要求";
		t->table_after = t->nparas;
		para(t, xprintf("请%s于%s前补齐上述材料。材料补齐且符合要求的，"
		    "本机关将依法作出决定；逾期未补正的，终止办理（退办），本次"
		    "申请不再继续办理。", you, sdue_src[0] != '\0' ? sdue :
		    "本机关规定的期限"));
		if (budget > 0)
			para(t, xprintf("本事项承诺办结时限为%" PRId64 "个工作日，"
			    "自受理之日（%s）起计算。", budget, accepted));
		para(t, xprintf("特此通知。"));
	} else if (strcmp(kind, DOC_COMMITMENT) == 0) {
		para(t, xprintf("%s申请的%s（申请编号：%s）按照告知承诺制办理。"
		    "本机关现将有关事项告知如下：", you, item, case_no));
		para(t, xprintf("一、办理条件：%s", has(el, "conditions") ?
		    str(el, "conditions") : "符合法律、法规规定的条件。"));
		para(t, xprintf("二、%s承诺：%s", you, has(content, "commitment") ?
		    str(content, "commitment") : has(row, "commitment_text") ?
		    str(row, "commitment_text") : "所填写的信息和提交的材料真实、"
		    "准确、完整，符合上述办理条件。"));
		para(t, xprintf("三、本机关将在作出决定后对承诺内容进行核查。发现"
		    "承诺内容与实际情况不符的，本机关将依法撤销相关决定，并将失信"
		    "情况记入信用记录，%s应当依法承担相应责任。", you));
		para(t, xprintf("四、本告知承诺书一式两份，本机关与%s各执一份，"
		    "自受理之日起生效。", you));
	} else if (strcmp(kind, DOC_APPROVAL) == 0) {
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），本机关已于%s"
		    "依法受理。经审查，%s的申请符合法定条件、标准。根据《中华人民"
		    "共和国行政许可法》第三十四条、第三十八条第一款的规定，本机关"
		    "决定准予行政许可。", you, applied, item, case_no,
		    accepted[0] != '\0' ? accepted : applied, you));
		if (result_name[0] != '\0')
			para(t, xprintf("本机关依法向%s颁发《%s》，%s可按选定的送达"
			    "方式领取，或在白河县政务服务网下载电子证照。", you,
			    result_name, you));
		para(t, xprintf("%s应当按照许可的内容从事相关活动，依法接受监督"
		    "检查。", you));
	} else if (strcmp(kind, DOC_DENIAL) == 0) {
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），本机关已于%s"
		    "依法受理。经审查，%s的申请不符合法定条件、标准，理由如下：%s",
		    you, applied, item, case_no, accepted[0] != '\0' ? accepted :
		    applied, you, reason[0] != '\0' ? reason :
		    "申请不符合法定条件、标准。"));
		para(t, xprintf("根据《中华人民共和国行政许可法》第三十八条第二款"
		    "的规定，本机关决定不予行政许可。"));
		para(t, xprintf("%s", rights_text()));
	} else if (strcmp(kind, DOC_TERMINATION) == 0) {
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），本机关已于%s"
		    "依法受理。因下列原因，本机关决定终止办理（按退办件处理）：%s",
		    you, applied, item, case_no, accepted[0] != '\0' ? accepted :
		    applied, reason[0] != '\0' ? reason : "申请人未按要求补齐材料。"));
		if (has(content, "supplement_due"))
			para(t, xprintf("%s承诺于%s前补齐容缺材料，逾期未补齐。根据"
			    "容缺受理有关规定和%s签署的容缺受理承诺书，本次申请不再"
			    "继续办理，由此产生的后果由%s承担；未履行的承诺记入信用"
			    "记录。", you, sdue, you, you));
		para(t, xprintf("%s如需继续办理，可重新提出申请。", you));
		para(t, xprintf("%s", rights_text()));
		para(t, xprintf("特此告知。"));
	} else if (strcmp(kind, DOC_EXTENSION) == 0) {
		char odue[32];

		day_text(str(content, "original_due_day"), odue, sizeof(odue));
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），本机关已于%s"
		    "依法受理，原定于%s前作出决定。", you, applied, item, case_no,
		    accepted[0] != '\0' ? accepted : applied, odue));
		para(t, xprintf("因%s，本机关不能在上述期限内作出决定。根据《中华"
		    "人民共和国行政许可法》第四十二条%s的规定，经本机关负责人批准，"
		    "审批期限延长%" PRId64 "个工作日，将于%s前作出决定。",
		    reason[0] != '\0' ? reason : "情况复杂", has(content, "basis") ?
		    str(content, "basis") : "第一款", num(content, "days"), due));
		para(t, xprintf("特此告知。"));
	} else if (strcmp(kind, DOC_RONGQUE_PLEDGE) == 0) {
		para(t, xprintf("本人（单位）%s申请%s（申请编号：%s），基本条件"
		    "具备、主要申请材料齐全，自愿申请容缺受理，并郑重承诺：",
		    str(row, "applicant_name"), item, case_no));
		para(t, xprintf("%s", has(content, "commitment") ?
		    str(content, "commitment") : has(row, "commitment_text") ?
		    str(row, "commitment_text") : "在补交期限内补齐容缺材料。"));
		para(t, xprintf("本人（单位）于%s前补齐下列容缺材料；逾期未补齐的，"
		    "同意终止办理（按退办件处理），自行承担由此产生的后果，并同意"
		    "将未履行承诺的情况记入信用记录，信用修复前不再适用容缺受理和"
		    "告知承诺制。", sdue));
		rc = material_rows(c, t, row, content, true, e);
		if (rc != 0)
			goto out;
		t->has_table = true;
		t->headers[0] = "序号";
		t->headers[1] = "容缺材料";
		t->headers[2] = "补交要求";
		t->table_after = t->nparas;
		para(t, xprintf("承诺人：%s（已签署）", str(row, "applicant_name")));
	} else {
		/* certificate */
		free(t->title);
		t->title = xprintf("%s", result_name[0] != '\0' ? result_name :
		    item);
		free(t->addressee);
		t->addressee = NULL;
		idno_mask(str(row, "applicant_idno"), idmask, sizeof(idmask));
		t->has_table = true;
		t->headers[0] = "项目";
		t->headers[1] = "内容";
		t->ncols = 2;
		row3(t, xprintf("持证%s", person ? "人" : "单位"),
		    xprintf("%s", str(row, "applicant_name")), NULL);
		row3(t, xprintf("%s", person ? "身份证号码" :
		    "统一社会信用代码"), xprintf("%s", idmask), NULL);
		row3(t, xprintf("许可事项"), xprintf("%s", item), NULL);
		if (has(content, "scope"))
			row3(t, xprintf("许可范围"),
			    xprintf("%s", str(content, "scope")), NULL);
		row3(t, xprintf("申请编号"), xprintf("%s", case_no), NULL);
		day_text(str(row, "doc_date"), due, sizeof(due));
		row3(t, xprintf("发证日期"), xprintf("%s", due), NULL);
		row3(t, xprintf("有效期限"), xprintf("%s",
		    has(content, "valid_until") ? str(content, "valid_until") :
		    "长期"), NULL);
		row3(t, xprintf("发证机关"), xprintf("%s", t->organ), NULL);
		t->table_after = 0;
		para(t, xprintf("本证照由%s依法核发，加盖电子印章，与纸质证照具有"
		    "同等效力。可扫描二维码或访问下方地址查验真伪。", t->organ));
	}
	if (t->has_table && t->ncols == 0)
		t->ncols = 3;
	if (t->has_table && t->nrows == 0)
		row3(t, xprintf("1"), xprintf("（无）"), xprintf("（无）"));
	if (t->incomplete)
		rc = err_internal(e, "document %" PRId64 " (%s): more paragraphs "
		    "or rows than a notice holds (%d, %d); not issued",
		    num(row, "id"), kind, DOC_MAX_PARAS, DOC_MAX_ROWS);
out:
	json_decref(content);
	json_decref(el);
	return rc;
}

/* Points t->doc at t's strings; verify_url from the public URL. */
static int
assemble(struct ctx *c, json_t *row, struct text *t, struct err *e)
{
	static const double w3[3] = { 0.7, 3.2, 4.6 };
	static const double w2[2] = { 1.4, 4.0 };
	const char *base = c->cfg != NULL && c->cfg->public_url != NULL ?
	    c->cfg->public_url : "";
	size_t bl = strlen(base);

	if (t->title == NULL || (t->addressee == NULL &&
	    strcmp(str(row, "kind"), DOC_CERTIFICATE) != 0))
		return err_internal(e, "out of memory building a document");
	for (size_t i = 0; i < t->nparas; i++)
		if (t->paras[i] == NULL)
			return err_internal(e, "out of memory building a document");
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(t->verify_url, sizeof(t->verify_url), "%.*s/verify/%s",
	    (int)bl, base, str(row, "verify_code"));
	memset(&t->doc, 0, sizeof(t->doc));
	t->doc.title = t->title;
	t->doc.doc_no = str(row, "doc_no");
	t->doc.addressee = t->addressee;
	t->doc.paragraphs = (const char *const *)t->paras;
	t->doc.nparagraphs = t->nparas;
	t->doc.dept_name = t->organ;
	t->doc.date = str(row, "doc_date");
	t->doc.sealed = true;
	t->doc.seal_text = t->organ;
	t->doc.verify_url = t->verify_url;
	if (t->has_table) {
		/* Rows were filled three wide; the view has ncols per row. */
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t k = 0; k < t->ncols; k++)
				t->view[r * t->ncols + k] = t->cells[r * 3 + k];
		t->table.ncols = t->ncols;
		t->table.headers = t->headers;
		t->table.widths = t->ncols == 3 ? w3 : w2;
		t->table.nrows = t->nrows;
		t->table.cells = t->view;
		t->doc.table = &t->table;
		t->doc.table_after = t->table_after;
	}
	return 0;
}

/* The document joined with its case, item version and department. */
static json_t *
load_row(struct ctx *c, int64_t id, struct err *e)
{
	return db_query_row(c->db, e, "SELECT d.id, d.case_id, d.dept_id, "
	    "d.kind, d.doc_no, d.status, d.content, d.doc_date, d.verify_code, "
	    "d.sha256, d.sm3, d.signature, d.seal_id, d.attempts, d.error, "
	    "d.ready_at, k.case_no, k.applicant_id, k.applicant_kind, "
	    "k.applicant_name, k.applicant_idno, k.created_at AS applied_at, "
	    "k.accepted_day, k.due_day, k.budget_days, k.decision_reason, "
	    "k.commitment_text, k.supplement_due, i.name AS item_name, "
	    "i.type AS item_type, v.elements, p.name AS dept_name "
	    "FROM documents d JOIN cases k ON k.id = d.case_id "
	    "JOIN items i ON i.id = k.item_id "
	    "JOIN item_versions v ON v.id = k.item_version_id "
	    "JOIN departments p ON p.id = d.dept_id WHERE d.id = ?", "i", id);
}

/* --- rendering --- */

static int
render_row(struct ctx *c, json_t *row, struct buf *pdf, struct err *e)
{
	struct text t;
	int rc;

	rc = build_text(c, row, &t, e);
	if (rc == 0)
		rc = assemble(c, row, &t, e);
	if (rc == 0)
		rc = pdf_render(&t.doc, pdf, e);
	text_free(&t);
	return rc;
}

/* Puts a claimed document back: pending again after delay seconds, or
 * failed for good after DOC_MAX_ATTEMPTS. counted says whether this try
 * counts as an attempt (a missing seal does not). */
static void
release(struct ctx *c, int64_t id, const char *msg, int delay, bool counted,
    bool final)
{
	struct err e;
	int rc;

	err_clear(&e);
	if (final)
		rc = db_exec(c->db, &e, "UPDATE documents SET status = 'failed', "
		    "error = ? WHERE id = ? AND status = 'rendering'", "si", msg,
		    id);
	else
		rc = db_exec(c->db, &e, "UPDATE documents SET status = "
		    "'pending', error = ?, next_try_at = ?, attempts = attempts "
		    "- ? WHERE id = ? AND status = 'rendering'", "siIi", msg,
		    clock_now() + delay, counted ? 0 : 1, id);
	if (rc != 0)
		log_error("documents: cannot release document %" PRId64 ": %s",
		    id, e.msg);
}

struct ready_tx {
	struct ctx *c;
	json_t *row;
	const char *sha256;
	size_t size;
	const char *cert_name;
};

static int
ready_fn(struct db *db, void *arg, struct err *e)
{
	struct ready_tx *t = arg;
	char sig[SM2_SIG_HEX_MAX + 1], sm3[SM3_HEX_LEN + 1], idbuf[24];
	int64_t usage = 0, seal_id = 0, id = num(t->row, "id");
	int64_t dept = num(t->row, "dept_id");
	void *bytes = NULL;
	size_t len = 0;
	json_t *sum;
	int rc;

	/* Sign the bytes as stored, read back from the file. */
	rc = file_read(t->c, t->sha256, &bytes, &len, e);
	if (rc != 0)
		return rc;
	rc = seal_sign(t->c, dept, str(t->row, "kind"), str(t->row, "doc_no"),
	    bytes, len, sig, sm3, &usage, e);
	free(bytes);
	if (rc != 0)
		return rc;
	rc = db_query_int(db, e, &seal_id, "SELECT seal_id FROM seal_usage "
	    "WHERE id = ?", "i", usage);
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "UPDATE documents SET status = 'ready', "
	    "sha256 = ?, size = ?, sm3 = ?, signature = ?, seal_id = ?, "
	    "seal_usage_id = ?, error = '', ready_at = ? WHERE id = ? AND "
	    "status = 'rendering'", "sissiiii", t->sha256, (int64_t)t->size,
	    sm3, sig, seal_id, usage, clock_now(), id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "document_not_claimed",
		    "文书已由其他进程处理");
	if (strcmp(str(t->row, "kind"), DOC_CERTIFICATE) == 0) {
		rc = certificate_issue(t->c, num(t->row, "case_id"), id,
		    t->cert_name, e);
		if (rc != 0)
			return rc;
	}
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	sum = json_pack("{s:I, s:s, s:s, s:s, s:s}", "case_id",
	    (json_int_t)num(t->row, "case_id"), "kind", str(t->row, "kind"),
	    "doc_no", str(t->row, "doc_no"), "sha256", t->sha256, "sm3", sm3);
	rc = audit_append(t->c, "document.ready", "document", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

/* Renders, stores and seals one claimed document. Returns 1 when it became
 * ready, 0 when it was put back or failed (already recorded). */
static int
render_one(struct ctx *c, int64_t id)
{
	struct buf pdf;
	struct ready_tx t;
	struct err e;
	char sha[65], ctype[32], fname[320], cert[256] = "";
	json_t *row, *el;
	int64_t one = 0;
	int rc, attempts;

	err_clear(&e);
	buf_init(&pdf, PDF_MAX_BYTES);
	row = load_row(c, id, &e);
	if (row == NULL) {
		log_error("documents: document %" PRId64 ": %s", id, e.msg);
		release(c, id, "文书数据不完整", 60, true, false);
		return 0;
	}
	attempts = (int)num(row, "attempts");
	rc = db_query_int(c->db, &e, &one, "SELECT 1 FROM seals WHERE "
	    "dept_id = ? AND active = 1", "i", num(row, "dept_id"));
	if (rc == DB_DONE) {
		if (strcmp(str(row, "error"), MSG_NO_SEAL) != 0)
			log_warn("documents: %s (%s) waits: department %" PRId64
			    " (%s) has no approval seal; create one with "
			    "`onetrip seal create --dept %" PRId64 "`",
			    str(row, "doc_no"), str(row, "kind"),
			    num(row, "dept_id"), str(row, "dept_name"),
			    num(row, "dept_id"));
		release(c, id, MSG_NO_SEAL, DOC_NO_SEAL_RETRY_S, false, false);
		goto out;
	}
	if (rc < 0)
		goto fail;
	rc = render_row(c, row, &pdf, &e);
	if (rc != 0)
		goto fail;
	snprintf(fname, sizeof(fname), "%s-%s.pdf",
	    document_kind_label(str(row, "kind")), str(row, "doc_no"));
	rc = file_store(c, pdf.data, pdf.len, fname, true, sha, ctype, &e);
	if (rc != 0)
		goto fail;
	el = json_loads(str(row, "elements"), 0, NULL);
	snprintf(cert, sizeof(cert), "%s", str(el, "result_name")[0] != '\0' ?
	    str(el, "result_name") : str(row, "item_name"));
	json_decref(el);
	t.c = c;
	t.row = row;
	t.sha256 = sha;
	t.size = pdf.len;
	t.cert_name = cert;
	rc = db_tx(c->db, ready_fn, &t, &e);
	if (rc == -ERR_UNPROCESSABLE && strcmp(e.key, "no_seal") == 0) {
		release(c, id, MSG_NO_SEAL, DOC_NO_SEAL_RETRY_S, false, false);
		goto out;
	}
	if (rc == -ERR_CONFLICT && strcmp(e.key, "document_not_claimed") == 0)
		goto out;
	if (rc != 0)
		goto fail;
	log_info("documents: %s %s ready (case %" PRId64 ", %zu bytes)",
	    str(row, "kind"), str(row, "doc_no"), num(row, "case_id"),
	    pdf.len);
	json_decref(row);
	buf_release(&pdf);
	return 1;
fail:
	log_error("documents: document %" PRId64 " (%s) attempt %d failed: %s",
	    id, str(row, "doc_no"), attempts, e.msg);
	release(c, id, e.msg[0] != '\0' ? e.msg : "文书生成失败",
	    10 * attempts, true, attempts >= DOC_MAX_ATTEMPTS);
out:
	json_decref(row);
	buf_release(&pdf);
	return 0;
}

int
documents_render_pending(struct ctx *c, int max, int *done, struct err *e)
{
	return documents_render_shard(c, max, 0, 1, done, e);
}

int
documents_render_shard(struct ctx *c, int max, int shard, int shards,
    int *done, struct err *e)
{
	json_t *ids, *v;
	int64_t now = clock_now(), stale = 0;
	size_t i;
	int rc;

	if (done != NULL)
		*done = 0;
	if (max <= 0)
		max = 20;
	/* A claim left by a server that died while rendering (looked for
	 * first, so that an idle round writes nothing). */
	rc = db_query_int(c->db, e, &stale, "SELECT COUNT(*) FROM documents "
	    "WHERE status = 'rendering' AND claimed_at < ?", "i",
	    now - DOC_STALE_S);
	if (rc < 0)
		return rc;
	if (stale > 0) {
		rc = db_exec(c->db, e, "UPDATE documents SET status = 'pending' "
		    "WHERE status = 'rendering' AND claimed_at < ?", "i",
		    now - DOC_STALE_S);
		if (rc != 0)
			return rc;
		log_warn("documents: %" PRId64 " abandoned rendering claim(s) "
		    "released", stale);
	}
	if (shards < 1 || shard < 0 || shard >= shards)
		return err_internal(e, "documents: shard %d of %d", shard,
		    shards);
	ids = db_query_json(c->db, e, "SELECT id FROM documents WHERE "
	    "status = 'pending' AND next_try_at <= ? AND id % ? = ? "
	    "ORDER BY id LIMIT ?", "iiiI", now, (int64_t)shards,
	    (int64_t)shard, max);
	if (ids == NULL)
		return stmt_err(e);
	json_array_foreach(ids, i, v) {
		int64_t id = num(v, "id");

		/* Claim it: of two servers, only one changes the row. */
		rc = db_exec(c->db, e, "UPDATE documents SET status = "
		    "'rendering', claimed_at = ?, attempts = attempts + 1 WHERE "
		    "id = ? AND status = 'pending'", "ii", clock_now(), id);
		if (rc != 0) {
			json_decref(ids);
			return rc;
		}
		if (db_last_changes(c->db) != 1)
			continue;
		if (render_one(c, id) == 1 && done != NULL)
			(*done)++;
	}
	json_decref(ids);
	return 0;
}

/* --- reading --- */

int
documents_case_visible(struct ctx *c, int64_t case_id, struct err *e)
{
	const struct actor *a = c->actor;
	struct db_stmt *s;
	int64_t dept = 0, applicant = 0, window = 0;
	bool ok = false;
	int rc;

	s = db_query(c->db, e, "SELECT dept_id, applicant_id, window_id FROM "
	    "cases WHERE id = ?", "i", case_id);
	if (s == NULL)
		return stmt_err(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		dept = db_col_int(s, 0);
		applicant = db_col_int(s, 1);
		window = db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW && a != NULL) {
		if (a->kind == ACTOR_SYSTEM)
			ok = true;
		else if ((a->kind == ACTOR_PERSON ||
		    a->kind == ACTOR_ENTERPRISE) && a->user_id > 0)
			ok = a->user_id == applicant;
		else if (a->kind == ACTOR_STAFF)
			ok = actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR |
			    ROLE_SYSADMIN) || (a->dept_id > 0 &&
			    a->dept_id == dept) || (a->window_id > 0 &&
			    a->window_id == window);
	}
	if (!ok)
		return err_set(e, ERR_NOT_FOUND, "case_not_found",
		    "办件不存在或无权查看");
	return 0;
}

int
documents_of_case(struct ctx *c, int64_t case_id, json_t **out,
    struct err *e)
{
	json_t *list, *v;
	size_t i;
	int rc;

	*out = NULL;
	rc = documents_case_visible(c, case_id, e);
	if (rc != 0)
		return rc;
	list = db_query_json(c->db, e, "SELECT id, kind, doc_no, status, "
	    "verify_code, doc_date, created_at, ready_at FROM documents WHERE "
	    "case_id = ? ORDER BY id", "i", case_id);
	if (list == NULL)
		return stmt_err(e);
	json_array_foreach(list, i, v) {
		const char *st = str(v, "status");

		json_object_set_new(v, "kind_label",
		    json_string(document_kind_label(str(v, "kind"))));
		if (strcmp(st, "rendering") == 0)
			json_object_set_new(v, "status", json_string("pending"));
	}
	*out = list;
	return 0;
}

int
document_pdf_open(struct ctx *c, int64_t doc_id, int *fd, uint64_t *size,
    char filename[256], struct err *e)
{
	json_t *row;
	int rc;

	*fd = -1;
	row = db_query_row(c->db, e, "SELECT case_id, kind, doc_no, status, "
	    "sha256 FROM documents WHERE id = ?", "i", doc_id);
	if (row == NULL) {
		if (e->code == ERR_NOT_FOUND)
			return err_set(e, ERR_NOT_FOUND, "document_not_found",
			    "文书不存在或无权查看");
		return stmt_err(e);
	}
	rc = documents_case_visible(c, num(row, "case_id"), e);
	if (rc != 0) {
		if (rc == -ERR_NOT_FOUND)
			rc = err_set(e, ERR_NOT_FOUND, "document_not_found",
			    "文书不存在或无权查看");
		goto out;
	}
	if (strcmp(str(row, "status"), "ready") != 0) {
		rc = err_set(e, ERR_CONFLICT, "document_pending",
		    strcmp(str(row, "status"), "failed") == 0 ?
		    "文书生成失败，请联系办理部门" : "文书正在生成，请稍后再试");
		goto out;
	}
	rc = file_open(c, str(row, "sha256"), fd, size, NULL, e);
	if (rc == 0 && filename != NULL)
		snprintf(filename, 256, "%s-%s.pdf",
		    document_kind_label(str(row, "kind")), str(row, "doc_no"));
out:
	json_decref(row);
	return rc;
}

/* --- verification --- */

static json_t *
verify_row(struct ctx *c, const char *by, const char *key, struct err *e)
{
	if (strcmp(by, "code") == 0)
		return db_query_row(c->db, e, "SELECT d.id, d.case_id, "
		    "d.dept_id, d.kind, d.doc_no, d.status, d.doc_date, "
		    "d.verify_code, d.sha256, d.sm3, d.signature, d.ready_at, "
		    "k.case_no, k.applicant_kind, k.applicant_name, "
		    "p.name AS dept_name, s.name AS seal_name, "
		    "u.signed_at FROM documents d JOIN cases k ON "
		    "k.id = d.case_id JOIN departments p ON p.id = d.dept_id "
		    "LEFT JOIN seals s ON s.id = d.seal_id LEFT JOIN seal_usage "
		    "u ON u.id = d.seal_usage_id WHERE d.verify_code = ?", "s",
		    key);
	return db_query_row(c->db, e, "SELECT d.id, d.case_id, "
	    "d.dept_id, d.kind, d.doc_no, d.status, d.doc_date, "
	    "d.verify_code, d.sha256, d.sm3, d.signature, d.ready_at, "
	    "k.case_no, k.applicant_kind, k.applicant_name, "
	    "p.name AS dept_name, s.name AS seal_name, "
	    "u.signed_at FROM documents d JOIN cases k ON "
	    "k.id = d.case_id JOIN departments p ON p.id = d.dept_id "
	    "LEFT JOIN seals s ON s.id = d.seal_id LEFT JOIN seal_usage "
	    "u ON u.id = d.seal_usage_id WHERE d.sm3 = ? AND "
	    "d.status = 'ready' ORDER BY d.id LIMIT 1", "s", key);
}

/* The public description of a document row. */
static json_t *
verify_meta(struct ctx *c, json_t *row, struct err *e)
{
	char organ[256], masked[256];
	json_t *o, *cert;
	const char *st = str(row, "status");

	organ_name(str(row, "dept_name"), organ, sizeof(organ));
	mask_name(str(row, "applicant_name"),
	    strcmp(str(row, "applicant_kind"), "E") != 0, masked,
	    sizeof(masked));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "kind", str(row, "kind"),
	    "kind_label", document_kind_label(str(row, "kind")),
	    "doc_no", str(row, "doc_no"),
	    "dept_name", organ,
	    "date", str(row, "doc_date"),
	    "case_no", str(row, "case_no"),
	    "applicant", masked,
	    "status", strcmp(st, "rendering") == 0 ? "pending" : st,
	    "verify_code", str(row, "verify_code"));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "seal_name", has(row, "seal_name") ?
	    json_string(str(row, "seal_name")) : json_null());
	json_object_set_new(o, "signed_at", has(row, "signed_at") ?
	    json_integer(num(row, "signed_at")) : json_null());
	if (strcmp(str(row, "kind"), DOC_CERTIFICATE) == 0) {
		cert = db_query_row(c->db, e, "SELECT name, valid, revoked_at "
		    "FROM certificates WHERE document_id = ?", "i",
		    num(row, "id"));
		if (cert != NULL) {
			json_object_set_new(cert, "valid", json_boolean(
			    num(cert, "valid") != 0));
			json_object_set_new(o, "certificate", cert);
		} else
			err_clear(e);
	}
	return o;
}

static bool
cert_revoked(json_t *meta)
{
	json_t *cert = json_object_get(meta, "certificate");

	return cert != NULL && !json_is_true(json_object_get(cert, "valid"));
}

int
document_verify_code(struct ctx *c, const char *code, json_t **out,
    struct err *e)
{
	char norm[DOC_CODE_LEN + 1], sm3[SM3_HEX_LEN + 1] = "", organ[256];
	char msg[512];
	json_t *row = NULL, *o = NULL;
	bool matches = false, sigok = false, valid = false;
	void *data = NULL;
	size_t len = 0;
	struct err fe;
	int rc;

	*out = NULL;
	if (!code_normalise(code, norm))
		return err_set(e, ERR_NOT_FOUND, "document_unknown",
		    "未找到该验证码对应的文书，请核对验证码");
	row = verify_row(c, "code", norm, e);
	if (row == NULL) {
		if (e->code == ERR_NOT_FOUND)
			return err_set(e, ERR_NOT_FOUND, "document_unknown",
			    "未找到该验证码对应的文书，请核对验证码");
		return stmt_err(e);
	}
	o = verify_meta(c, row, e);
	if (o == NULL) {
		rc = err_internal(e, "out of memory");
		goto out;
	}
	organ_name(str(row, "dept_name"), organ, sizeof(organ));
	if (strcmp(str(row, "status"), "ready") != 0) {
		snprintf(msg, sizeof(msg), "%s", strcmp(str(row, "status"),
		    "failed") == 0 ? "该文书未能生成，不具有效力" :
		    "该文书正在制作中，请稍后再查验");
		goto answer;
	}
	err_clear(&fe);
	/* The stored bytes, digested and checked again every time. */
	if (file_read(c, str(row, "sha256"), &data, &len, &fe) != 0) {
		log_error("documents: verify %s: stored file %s: %s",
		    str(row, "doc_no"), str(row, "sha256"), fe.msg);
	} else {
		sm3_hex(data, len, sm3);
		matches = strcmp(sm3, str(row, "sm3")) == 0;
		sigok = seal_verify(c, num(row, "dept_id"), data, len,
		    str(row, "signature"), NULL, &fe) == 0;
	}
	valid = matches && sigok && !cert_revoked(o);
	if (valid)
		snprintf(msg, sizeof(msg), "验证通过：该文书由%s出具，签章有效",
		    organ);
	else if (matches && sigok)
		snprintf(msg, sizeof(msg), "该证照已被撤销，不再有效");
	else
		snprintf(msg, sizeof(msg), "验证未通过：存档文书与签章不符，"
		    "请勿采信，并向%s核实", organ);
answer:
	json_object_set_new(o, "valid", json_boolean(valid));
	json_object_set_new(o, "sm3", sm3[0] != '\0' ? json_string(sm3) :
	    has(row, "sm3") ? json_string(str(row, "sm3")) : json_null());
	json_object_set_new(o, "sm3_matches", json_boolean(matches));
	json_object_set_new(o, "signature_valid", json_boolean(sigok));
	json_object_set_new(o, "message", json_string(msg));
	*out = o;
	o = NULL;
	rc = 0;
out:
	free(data);
	json_decref(o);
	json_decref(row);
	return rc;
}

int
document_verify_bytes(struct ctx *c, const void *data, size_t len,
    const char *code, json_t **out, struct err *e)
{
	char norm[DOC_CODE_LEN + 1], sm3[SM3_HEX_LEN + 1], organ[256];
	char msg[512];
	json_t *row = NULL, *meta = NULL;
	bool matches = false, sigok = false, valid = false;
	struct err fe;

	*out = NULL;
	if (data == NULL || len == 0)
		return err_set(e, ERR_INVALID, "empty_file",
		    "请上传需要查验的文书文件");
	if (sm3_hex(data, len, sm3) != 0)
		return err_internal(e, "sm3 unavailable");
	if (code != NULL && code[0] != '\0') {
		if (!code_normalise(code, norm))
			return err_set(e, ERR_NOT_FOUND, "document_unknown",
			    "未找到该验证码对应的文书，请核对验证码");
		row = verify_row(c, "code", norm, e);
	} else
		row = verify_row(c, "sm3", sm3, e);
	if (row == NULL && e->code != ERR_NOT_FOUND)
		return stmt_err(e);
	if (row == NULL && code != NULL && code[0] != '\0')
		return err_set(e, ERR_NOT_FOUND, "document_unknown",
		    "未找到该验证码对应的文书，请核对验证码");
	err_clear(e);
	if (row != NULL) {
		meta = verify_meta(c, row, e);
		organ_name(str(row, "dept_name"), organ, sizeof(organ));
		err_clear(&fe);
		matches = strcmp(str(row, "status"), "ready") == 0 &&
		    strcmp(sm3, str(row, "sm3")) == 0;
		sigok = matches && seal_verify(c, num(row, "dept_id"), data,
		    len, str(row, "signature"), NULL, &fe) == 0;
		valid = matches && sigok && !cert_revoked(meta);
	}
	if (valid)
		snprintf(msg, sizeof(msg), "验证通过：该文件与%s出具的登记文书"
		    "完全一致，签章有效", organ);
	else if (row == NULL)
		snprintf(msg, sizeof(msg), "验证未通过：未找到与该文件一致的登记"
		    "文书，文件可能被修改，或并非本系统出具");
	else if (matches && sigok)
		snprintf(msg, sizeof(msg), "该证照已被撤销，不再有效");
	else
		snprintf(msg, sizeof(msg), "验证未通过：该文件与登记的文书不一致，"
		    "可能已被修改");
	*out = json_pack("{s:b, s:s, s:s, s:b, s:b, s:o}", "valid", valid,
	    "message", msg, "sm3", sm3, "sm3_matches", matches,
	    "signature_valid", sigok, "document",
	    meta != NULL ? meta : json_null());
	json_decref(row);
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

int
document_render_png(struct ctx *c, int64_t doc_id, int page,
    const char *path, struct err *e)
{
	const struct actor *a = c->actor;
	struct text t;
	json_t *row;
	int rc;

	row = load_row(c, doc_id, e);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "document_not_found", "文书不存在") : stmt_err(e);
	if (a == NULL || !(a->kind == ACTOR_SYSTEM || (a->kind == ACTOR_STAFF &&
	    (actor_has(a, ROLE_HALL_ADMIN | ROLE_SYSADMIN) ||
	    a->dept_id == num(row, "dept_id"))))) {
		json_decref(row);
		return err_set(e, ERR_NOT_FOUND, "document_not_found",
		    "文书不存在");
	}
	rc = build_text(c, row, &t, e);
	if (rc == 0)
		rc = assemble(c, row, &t, e);
	if (rc == 0)
		rc = pdf_render_png(&t.doc, page, 2.0, path, NULL, e);
	text_free(&t);
	json_decref(row);
	return rc;
}

/* --- demo --- */

static const struct {
	const char *dept;
	const char *custodian;
} demo_custodians[] = {
	{ "县行政审批服务局", "王静" },
	{ "县市场监管局", "周海涛" },
	{ "县住建局", "郑伟" },
};

int
demo_load_seals(struct ctx *c, struct err *e)
{
	json_t *list, *v;
	size_t i;
	int rc = 0;

	list = db_query_json(c->db, e, "SELECT d.id, d.name, d.short_name "
	    "FROM departments d WHERE NOT EXISTS (SELECT 1 FROM seals s "
	    "WHERE s.dept_id = d.id AND s.active = 1) ORDER BY d.id", "");
	if (list == NULL)
		return stmt_err(e);
	json_array_foreach(list, i, v) {
		const char *name = str(v, "name"), *custodian = NULL;
		char buf[200];

		for (size_t k = 0; k < sizeof(demo_custodians) /
		    sizeof(demo_custodians[0]); k++)
			if (strcmp(demo_custodians[k].dept, name) == 0)
				custodian = demo_custodians[k].custodian;
		if (custodian == NULL) {
			snprintf(buf, sizeof(buf), "%s办公室",
			    has(v, "short_name") ? str(v, "short_name") : name);
			custodian = buf;
		}
		rc = seal_create(c, num(v, "id"), custodian, NULL, e);
		if (rc == -ERR_CONFLICT) {
			/* A key file left from another database. */
			log_warn("demo: no seal for %s: %s", name, e->msg);
			err_clear(e);
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
	}
	json_decref(list);
	return rc;
}
