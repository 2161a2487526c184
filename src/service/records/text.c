/* text.c - the official text of each kind of document. */
#include "service/records/documents_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/alloc.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/idno.h"
#include "base/ttlcache.h"
#include "core/calendar.h"
#include "core/form.h"
#include "service/platform/platform.h"
#include "store/db.h"

/* --- what a document takes from its item --- */

/* The result's name and the promised days, from the item version's
 * elements (1-3 kB of JSON, ~50 us to parse: 3-5 % of a sealed document,
 * a certificate parsed them twice): kept per elements text, by its
 * digest, so that an edited version is read afresh. A name too long for
 * the slot is read from the elements each time. */
struct item_terms {
	int64_t promised_days;
	char result_name[1016];
};

static struct ttl_cache item_terms_cache = TTL_CACHE_INIT("item_terms", 64,
    sizeof(struct item_terms), 3600);

char *
document_item_terms(json_t *row, int64_t *promised_days)
{
	const char *text = document_str(row, "elements");
	unsigned char key[16];
	struct item_terms v;
	uint64_t gen;
	json_t *el;
	char *name;
	size_t n;

	crypto_generichash(key, sizeof(key), (const unsigned char *)text,
	    strlen(text), NULL, 0);
	if (ttl_cache_get(&item_terms_cache, key, sizeof(key), &v)) {
		*promised_days = v.promised_days;
		return xstrdup(v.result_name);
	}
	gen = ttl_cache_generation(&item_terms_cache);
	el = json_loads(text, 0, NULL);
	name = xstrdup(document_str(el, "result_name"));
	*promised_days = document_num(el, "promised_days");
	json_decref(el);
	n = strlen(name);
	if (n < sizeof(v.result_name)) {
		memset(&v, 0, sizeof(v));
		v.promised_days = *promised_days;
		memcpy(v.result_name, name, n);
		ttl_cache_put(&item_terms_cache, key, sizeof(key), &v, gen);
	}
	return name;
}

/* --- the text of each kind --- */

#define xprintf xasprintf

/* A paragraph or row that does not fit marks the text incomplete, and an
 * incomplete notice is not issued (build_text fails). */
static void
para(struct document_text *t, char *s)
{
	if (t->nparas >= DOC_MAX_PARAS) {
		free(s);
		t->incomplete = true;
		return;
	}
	t->paras[t->nparas++] = s;
}

static void
row3(struct document_text *t, char *a, char *b, char *c)
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

void
document_text_free(struct document_text *t)
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

/* ---- the 食品经营许可证 (《食品经营许可和备案管理办法》) ---- */

#define FOOD_LICENCE "食品经营许可证"
#define FOOD_LICENCE_YEARS 5

/* A form value of the application, or dflt. */
static const char *
form_str(json_t *content, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(json_object_get(
	    content, "form"), key));

	return v != NULL && v[0] != '\0' ? v : dflt;
}

/* Multiple choices of the electronic form (经营项目) become one text
 * joined by "、" in the content, so form_str() reads them. */
static void
form_flatten(json_t *content)
{
	json_t *form = json_object_get(content, "form"), *v;
	const char *k;

	json_object_foreach(form, k, v) {
		if (!json_is_array(v))
			continue;
		{
			char *t = form_value_text(NULL, v);

			if (t != NULL)
				json_object_set_new(form, k, json_string(t));
			free(t);
		}
	}
}

/* 许可证编号: "JY" and 14 digits - the 主体业态 (1 食品销售经营者,
 * 2 餐饮服务经营者, 3 单位食堂), the county's 6-digit division code, a
 * 6-digit sequence (the document's number on this platform, so that a
 * re-rendered licence keeps its number) and a check digit (Luhn). */
void
document_food_licence_no(const char *business_type, const char *division,
    int64_t seq, char out[17])
{
	char d[14];
	int sum = 0;
	char kind = '1';

	if (business_type != NULL && strstr(business_type, "食堂") != NULL)
		kind = '3';
	else if (business_type != NULL && strstr(business_type, "餐饮") != NULL)
		kind = '2';
	if (division == NULL || strlen(division) != 6 ||
	    strspn(division, "0123456789") != 6)
		division = "000000";
	d[0] = kind;
	memcpy(d + 1, division, 6);
	seq = seq < 0 ? 0 : seq % 1000000;
	for (int i = 12; i >= 7; i--, seq /= 10)
		d[i] = (char)('0' + seq % 10);
	d[13] = '\0';
	for (int i = 12, k = 0; i >= 0; i--, k++) {
		int v = d[i] - '0';

		if (k % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	memcpy(out, "JY", 2);
	memcpy(out + 2, d, 13);
	out[15] = (char)('0' + (10 - sum % 10) % 10);
	out[16] = '\0';
}

/* The last day of a term of years from a decision day: 2026-09-29 + 5
 * years -> 2031-09-28 (a 29 February start ends on 28 February). */
void
document_term_end(const char *ymd, int years, char out[11])
{
	int y, m, d;
	int32_t day;
	char buf[11];
	struct err e;

	out[0] = '\0';
	if (ymd == NULL || sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return;
	if (m == 2 && d == 29)
		d = 28;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y + years, m, d);
	if (calendar_day_parse(buf, &day, &e) != 0)
		return;
	calendar_day_format(day - 1, out);
}

static void
food_licence(struct document_text *t, json_t *row, json_t *content,
    bool person)
{
	const char *type;
	char no[17], end[11], issued[32], until[32];

	form_flatten(content);
	type = form_str(content, "business_type", "食品销售经营者");

	free(t->title);
	t->title = xprintf("%s", FOOD_LICENCE);
	free(t->addressee);
	t->addressee = NULL;
	/* The county's division code (as reported to the provincial
	 * platform). */
	document_food_licence_no(type, config_str("rating.region_code"),
	    document_num(row, "id"), no);
	day_text(document_str(row, "doc_date"), issued, sizeof(issued));
	document_term_end(document_str(row, "doc_date"), FOOD_LICENCE_YEARS,
	    end);
	day_text(end, until, sizeof(until));
	t->has_table = true;
	t->headers[0] = "项目";
	t->headers[1] = "内容";
	t->ncols = 2;
	row3(t, xprintf("经营者名称"), xprintf("%s", form_str(content,
	    "operator_name", document_str(row, "applicant_name"))), NULL);
	row3(t, xprintf("%s", person ? "身份证号码" : "统一社会信用代码"),
	    xprintf("%s", document_str(row, "applicant_idno")), NULL);
	row3(t, xprintf("法定代表人（负责人）"), xprintf("%s", form_str(content,
	    "legal_rep", document_str(row, "applicant_name"))), NULL);
	row3(t, xprintf("住所"), xprintf("%s", form_str(content, "address",
	    form_str(content, "premises", "（未填写）"))), NULL);
	row3(t, xprintf("经营场所"), xprintf("%s", form_str(content, "premises",
	    "（未填写）")), NULL);
	row3(t, xprintf("主体业态"), xprintf("%s", type), NULL);
	row3(t, xprintf("经营项目"), xprintf("%s", form_str(content,
	    "business_items", form_str(content, "scope", "（未填写）"))), NULL);
	row3(t, xprintf("许可证编号"), xprintf("%s", no), NULL);
	row3(t, xprintf("有效期至"), xprintf("%s", until), NULL);
	row3(t, xprintf("日常监督管理机构"), xprintf("%s", form_str(content,
	    "supervisor_org", t->organ)), NULL);
	row3(t, xprintf("发证机关"), xprintf("%s", t->organ), NULL);
	row3(t, xprintf("发证日期"), xprintf("%s", issued), NULL);
	t->table_after = 0;
	para(t, xprintf("本许可证有效期%d年，自发证之日起计算。由%s依法核发，"
	    "加盖电子印章，与纸质许可证具有同等效力。可扫描二维码或访问下方地址"
	    "查验真伪。", FOOD_LICENCE_YEARS, t->organ));
}

/* Person names are masked in public pages ("张*"); enterprise names are
 * public. */
void
document_mask_name(const char *name, bool person, char *out, size_t outsz)
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
material_rows(struct ctx *c, struct document_text *t, json_t *row, json_t *content,
    bool rongque, struct err *e)
{
	json_t *list = json_object_get(content, "materials"), *m;
	struct db_stmt *s;
	size_t i;
	int rc;

	if (json_is_array(list) && json_array_size(list) > 0) {
		json_array_foreach(list, i, m) {
			const char *req = document_has(m, "requirement") ?
			    document_str(m, "requirement") : document_str(m, "problem");
			const char *note = document_str(m, "note");

			if (!json_is_object(m))
				continue;
			row3(t, xprintf("%zu", t->nrows + 1),
			    xprintf("%s", document_str(m, "name")),
			    xprintf("%s%s%s", req, req[0] != '\0' &&
			    note[0] != '\0' ? "；" : "", note));
		}
		return 0;
	}
	s = db_query(c->db, e, "SELECT name, problem, status FROM "
	    "case_materials WHERE case_id = ? AND status IN (?, ?) ORDER BY "
	    "idx", "iss", document_num(row, "case_id"), rongque ? "rongque" : "flawed",
	    rongque ? "missing" : "flawed");
	if (s == NULL)
		return err_rc(e);
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
int
document_build_text(struct ctx *c, json_t *row, struct document_text *t, struct err *e)
{
	const char *kind = document_str(row, "kind");
	const struct kind_info *ki = document_kind_find(kind);
	json_t *content = NULL;
	bool person = strcmp(document_str(row, "applicant_kind"), "E") != 0;
	bool licence = strcmp(document_str(row, "item_type"), "01") == 0;
	const char *you = person ? "你" : "你单位";
	const char *item = document_str(row, "item_name"), *case_no = document_str(row, "case_no");
	char applied[32], accepted[32], due[32], sdue[32], dday[11];
	char idmask[64];
	const char *reason, *due_src, *sdue_src;
	char *result_name;
	int64_t budget, promised;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (ki == NULL)
		return err_internal(e, "document %" PRId64 ": unknown kind %s",
		    document_num(row, "id"), kind);
	content = json_loads(document_str(row, "content"), 0, NULL);
	if (!json_is_object(content)) {
		json_decref(content);
		content = json_object();
	}
	result_name = document_item_terms(row, &promised);
	document_organ_name(document_str(row, "dept_name"), t->organ, sizeof(t->organ));
	clock_date(document_num(row, "applied_at"), dday);
	day_text(dday, applied, sizeof(applied));
	day_text(document_has(content, "accepted_day") ? document_str(content, "accepted_day") :
	    document_str(row, "accepted_day"), accepted, sizeof(accepted));
	due_src = document_has(content, "due_day") ? document_str(content, "due_day") :
	    document_str(row, "due_day");
	day_text(due_src, due, sizeof(due));
	sdue_src = document_has(content, "supplement_due") ?
	    document_str(content, "supplement_due") : document_str(row, "supplement_due");
	day_text(sdue_src, sdue, sizeof(sdue));
	reason = document_has(content, "reason") ? document_str(content, "reason") :
	    document_str(row, "decision_reason");
	budget = document_has(content, "promised_days") ? document_num(content, "promised_days") :
	    document_has(row, "budget_days") ? document_num(row, "budget_days") :
	    promised;

	t->title = xprintf("%s", kind == NULL ? "" : ki->label);
	t->addressee = xprintf("%s", document_str(row, "applicant_name"));

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
	} else if (strcmp(kind, DOC_BUNDLE_ACCEPT) == 0) {
		json_t *x;
		size_t i;

		day_text(document_str(content, "applied_day"), applied,
		    sizeof(applied));
		para(t, xprintf("%s于%s提出的“%s”一件事申请（一件事编号：%s），"
		    "经审查，申请材料齐全、符合法定形式，本机关决定予以受理（一窗"
		    "受理）。本一件事包含下列事项，由各部门并联审批：", you,
		    applied, document_str(content, "bundle_name"),
		    document_str(content, "bundle_no")));
		json_array_foreach(json_object_get(content, "items"), i, x)
			row3(t, xprintf("%zu", t->nrows + 1),
			    xprintf("%s", document_str(x, "name")),
			    xprintf("%s；%s", document_str(x, "dept"),
			    document_str(x, "start")));
		t->has_table = true;
		t->headers[0] = "序号";
		t->headers[1] = "事项名称";
		t->headers[2] = "办理部门及顺序";
		t->table_after = t->nparas;
		para(t, xprintf("全部事项承诺于受理之日（%s）起%" PRId64 "个工作日"
		    "内%s%s%s办结，办理结果由县政务服务中心综合窗口统一出件。补正"
		    "材料期间暂停计时。", accepted, document_num(content,
		    "limit_days"), due_src[0] != '\0' ? "，即于" : "", due,
		    due_src[0] != '\0' ? "前" : ""));
		if (json_array_size(json_object_get(content, "rongque")) > 0) {
			char *names = xprintf("%s", "");

			json_array_foreach(json_object_get(content, "rongque"),
			    i, x) {
				char *n = xprintf("%s%s%s", names != NULL ? names :
				    "", i > 0 ? "、" : "", json_string_value(x) !=
				    NULL ? json_string_value(x) : "");

				free(names);
				names = n;
			}
			para(t, xprintf("本次为容缺受理，%s须于%s前一次补齐下列材料："
			    "%s。", you, sdue, names != NULL ? names : ""));
			free(names);
		}
		para(t, xprintf("%s可凭一件事编号通过白河县政务服务网或到县政务"
		    "服务中心窗口查询各事项的办理进度。", you));
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
		if (document_has(content, "note"))
			para(t, xprintf("其他说明：%s", document_str(content, "note")));
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
		/* The conditions, for this kind only. */
		json_t *el = json_loads(document_str(row, "elements"), 0,
		    NULL);

		para(t, xprintf("%s申请的%s（申请编号：%s）按照告知承诺制办理。"
		    "本机关现将有关事项告知如下：", you, item, case_no));
		para(t, xprintf("一、办理条件：%s", document_has(el, "conditions") ?
		    document_str(el, "conditions") : "符合法律、法规规定的条件。"));
		json_decref(el);
		para(t, xprintf("二、%s承诺：%s", you, document_has(content, "commitment") ?
		    document_str(content, "commitment") : document_has(row, "commitment_text") ?
		    document_str(row, "commitment_text") : "所填写的信息和提交的材料真实、"
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
		if (document_has(content, "supplement_due"))
			para(t, xprintf("%s承诺于%s前补齐容缺材料，逾期未补齐。根据"
			    "容缺受理有关规定和%s签署的容缺受理承诺书，本次申请不再"
			    "继续办理，由此产生的后果由%s承担；未履行的承诺记入信用"
			    "记录。", you, sdue, you, you));
		para(t, xprintf("%s如需继续办理，可重新提出申请。", you));
		para(t, xprintf("%s", rights_text()));
		para(t, xprintf("特此告知。"));
	} else if (strcmp(kind, DOC_EXTENSION) == 0) {
		char odue[32];

		day_text(document_str(content, "original_due_day"), odue, sizeof(odue));
		para(t, xprintf("%s于%s提出的%s申请（申请编号：%s），本机关已于%s"
		    "依法受理，原定于%s前作出决定。", you, applied, item, case_no,
		    accepted[0] != '\0' ? accepted : applied, odue));
		para(t, xprintf("因%s，本机关不能在上述期限内作出决定。根据《中华"
		    "人民共和国行政许可法》第四十二条%s的规定，经本机关负责人批准，"
		    "审批期限延长%" PRId64 "个工作日，将于%s前作出决定。",
		    reason[0] != '\0' ? reason : "情况复杂", document_has(content, "basis") ?
		    document_str(content, "basis") : "第一款", document_num(content, "days"), due));
		para(t, xprintf("特此告知。"));
	} else if (strcmp(kind, DOC_APPLICATION) == 0) {
		json_t *x;
		size_t i;

		free(t->title);
		t->title = xprintf("%s申请表", item);
		/* Addressed to the organ that decides. */
		free(t->addressee);
		t->addressee = xprintf("%s", t->organ);
		para(t, xprintf("申请编号：%s　　申请日期：%s", case_no, applied));
		json_array_foreach(json_object_get(content, "rows"), i, x)
			row3(t, xprintf("%s", document_str(x, "label")),
			    xprintf("%s", document_has(x, "text") ?
			    document_str(x, "text") : "（未填写）"), NULL);
		t->has_table = true;
		t->headers[0] = "项目";
		t->headers[1] = "填写内容";
		t->ncols = 2;
		t->table_after = t->nparas;
		para(t, xprintf("申请人承诺：%s", document_str(content,
		    "pledge")));
		para(t, xprintf("申请人：%s（已于%s在线勾选承诺并提交）",
		    document_str(row, "applicant_name"), document_str(content,
		    "signed")));
	} else if (strcmp(kind, DOC_RONGQUE_PLEDGE) == 0) {
		para(t, xprintf("本人（单位）%s申请%s（申请编号：%s），基本条件"
		    "具备、主要申请材料齐全，自愿申请容缺受理，并郑重承诺：",
		    document_str(row, "applicant_name"), item, case_no));
		para(t, xprintf("%s", document_has(content, "commitment") ?
		    document_str(content, "commitment") : document_has(row, "commitment_text") ?
		    document_str(row, "commitment_text") : "在补交期限内补齐容缺材料。"));
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
		para(t, xprintf("承诺人：%s（已签署）", document_str(row, "applicant_name")));
	} else if (strcmp(result_name, FOOD_LICENCE) == 0) {
		food_licence(t, row, content, person);
	} else {
		/* certificate */
		free(t->title);
		t->title = xprintf("%s", result_name[0] != '\0' ? result_name :
		    item);
		free(t->addressee);
		t->addressee = NULL;
		/* The holder's full identity: the licence itself is what the
		 * holder shows (masked only on public pages). */
		snprintf(idmask, sizeof(idmask), "%s", document_str(row,
		    "applicant_idno"));
		t->has_table = true;
		t->headers[0] = "项目";
		t->headers[1] = "内容";
		t->ncols = 2;
		row3(t, xprintf("持证%s", person ? "人" : "单位"),
		    xprintf("%s", document_str(row, "applicant_name")), NULL);
		row3(t, xprintf("%s", person ? "身份证号码" :
		    "统一社会信用代码"), xprintf("%s", idmask), NULL);
		row3(t, xprintf("许可事项"), xprintf("%s", item), NULL);
		if (document_has(content, "scope"))
			row3(t, xprintf("许可范围"),
			    xprintf("%s", document_str(content, "scope")), NULL);
		row3(t, xprintf("申请编号"), xprintf("%s", case_no), NULL);
		day_text(document_str(row, "doc_date"), due, sizeof(due));
		row3(t, xprintf("发证日期"), xprintf("%s", due), NULL);
		row3(t, xprintf("有效期限"), xprintf("%s",
		    document_has(content, "valid_until") ? document_str(content, "valid_until") :
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
		    document_num(row, "id"), kind, DOC_MAX_PARAS, DOC_MAX_ROWS);
out:
	json_decref(content);
	free(result_name);
	return rc;
}

static documents_link_fn notice_link;

void
documents_set_notice_link(documents_link_fn fn)
{
	notice_link = fn;
}

/* Points t->doc at t's strings; verify_url from the public URL. */
int
document_assemble(struct ctx *c, json_t *row, struct document_text *t, struct err *e)
{
	static const double w3[3] = { 0.7, 3.2, 4.6 };
	static const double w2[2] = { 1.4, 4.0 };
	const char *base = c->cfg != NULL && c->cfg->public_url != NULL ?
	    c->cfg->public_url : "";
	size_t bl = strlen(base);

	if (t->title == NULL || (t->addressee == NULL &&
	    strcmp(document_str(row, "kind"), DOC_CERTIFICATE) != 0))
		return err_internal(e, "out of memory building a document");
	for (size_t i = 0; i < t->nparas; i++)
		if (t->paras[i] == NULL)
			return err_internal(e, "out of memory building a document");
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	snprintf(t->verify_url, sizeof(t->verify_url), "%.*s/verify/%s",
	    (int)bl, base, document_str(row, "verify_code"));
	memset(&t->doc, 0, sizeof(t->doc));
	t->doc.title = t->title;
	t->doc.doc_no = document_str(row, "doc_no");
	t->doc.addressee = t->addressee;
	t->doc.paragraphs = (const char *const *)t->paras;
	t->doc.nparagraphs = t->nparas;
	t->doc.dept_name = t->organ;
	t->doc.date = document_str(row, "doc_date");
	t->doc.sealed = true;
	t->doc.seal_text = t->organ;
	t->doc.verify_url = t->verify_url;
	if (notice_link != NULL && strcmp(document_str(row, "kind"),
	    DOC_ACCEPT_NOTICE) == 0) {
		int rc = notice_link(c, document_num(row, "case_id"),
		    t->doc.date, t->link_url, sizeof(t->link_url),
		    t->link_caption, sizeof(t->link_caption), e);

		if (rc < 0)
			return rc;
		if (rc == 0) {
			t->doc.link_url = t->link_url;
			t->doc.link_caption = t->link_caption;
		}
	}
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
json_t *
document_load_row(struct ctx *c, int64_t id, struct err *e)
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
