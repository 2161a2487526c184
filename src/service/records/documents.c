/* documents.c - notices, decisions and certificates of cases: the kinds,
 * numbering, queueing and reading. The text of each kind is in text.c, the
 * rendering and sealing in render.c, the verification in verify.c. */
#include "service/records/documents_internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/embedded.h"
#include "base/log.h"
#include "base/str.h"
#include "service/platform/platform.h"

#include "store/db.h"

#define DOC_CONTENT_MAX ((size_t)64 << 10)
#define DOC_DEPARTMENTS_FILE "data/demo/departments.json"

static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static const struct kind_info kinds[] = {
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
	{ DOC_BUNDLE_ACCEPT, "一件事受理通知书", "一件事受" },
	{ DOC_APPLICATION, "申请表", "申" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const struct kind_info *
document_kind_find(const char *kind)
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
	const struct kind_info *k = document_kind_find(kind);

	return k != NULL ? k->label : NULL;
}

/* String member of a row object; "" when absent or null. */
const char *
document_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

int64_t
document_num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return 0;
}

bool
document_has(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return v != NULL && !json_is_null(v) &&
	    !(json_is_string(v) && json_string_value(v)[0] == '\0');
}

/* The county's department list (name -> full_name), read once from the
 * embedded file: it never changes while the program runs, and parsing it
 * for every document cost more than laying out a paragraph. */
struct organ {
	char *name, *full_name;
};

static struct organ *organs;
static size_t norgans;
static pthread_once_t organs_once = PTHREAD_ONCE_INIT;

static void
organs_load(void)
{
	const struct embedded_file *f = embedded_find(DOC_DEPARTMENTS_FILE);
	json_t *root = NULL, *list, *d;
	size_t i;

	if (f != NULL)
		root = json_loadb(f->data, f->len, 0, NULL);
	list = json_object_get(root, "departments");
	organs = calloc(json_array_size(list) + 1, sizeof(*organs));
	if (organs != NULL)
		json_array_foreach(list, i, d) {
			struct organ *o = &organs[norgans];

			if (!document_has(d, "full_name"))
				continue;
			o->name = strdup(document_str(d, "name"));
			o->full_name = strdup(document_str(d, "full_name"));
			if (o->name == NULL || o->full_name == NULL) {
				free(o->name);
				free(o->full_name);
				continue;
			}
			norgans++;
		}
	json_decref(root);
}

/* The organ's official name: full_name from the county's department list
 * when known, else "白河县" + the short form "县…", else the name. */
void
document_organ_name(const char *name, char *out, size_t outsz)
{
	pthread_once(&organs_once, organs_load);
	for (size_t i = 0; i < norgans; i++)
		if (strcmp(organs[i].name, name) == 0) {
			snprintf(out, outsz, "%s", organs[i].full_name);
			return;
		}
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
bool
document_code_normalise(const char *in, char out[DOC_CODE_LEN + 1])
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
enqueue(struct ctx *c, int64_t case_id, int64_t by_dept, const char *kind,
    json_t *content, int64_t *doc_id, json_t **doc, char *doc_no_out,
    struct err *e)
{
	const struct kind_info *ki = document_kind_find(kind);
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
	/* The issuing department: the case's, or by_dept when given. */
	s = db_query(c->db, e, "SELECT p.id, p.short_name, p.name FROM "
	    "cases k JOIN departments p ON p.id = CASE WHEN ? > 0 THEN ? ELSE "
	    "k.dept_id END WHERE k.id = ?", "iii", by_dept, by_dept, case_id);
	if (s == NULL) {
		rc = err_rc(e);
		goto out;
	}
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		dept = db_col_int(s, 0);
		str_copy(shortn, sizeof(shortn), db_col_text(s, 1));
		str_copy(dname, sizeof(dname), db_col_text(s, 2));
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
	if (rc == 0 && doc_no_out != NULL)
		snprintf(doc_no_out, 160, "%s", doc_no);
out:
	free(text);
	return rc;
}

int
document_enqueue(struct ctx *c, int64_t case_id, const char *kind,
    json_t *content, int64_t *doc_id, struct err *e)
{
	return enqueue(c, case_id, 0, kind, content, doc_id, NULL, NULL, e);
}

int
document_enqueue_dept(struct ctx *c, int64_t case_id, int64_t dept_id,
    const char *kind, json_t *content, int64_t *doc_id, char doc_no_out[160],
    struct err *e)
{
	if (dept_id <= 0)
		return err_internal(e, "document_enqueue_dept: no department");
	return enqueue(c, case_id, dept_id, kind, content, doc_id, NULL,
	    doc_no_out, e);
}

int
document_enqueue_noaudit(struct ctx *c, int64_t case_id, const char *kind,
    json_t *content, json_t **doc, struct err *e)
{
	*doc = NULL;
	return enqueue(c, case_id, 0, kind, content, NULL, doc, NULL, e);
}

/* --- reading --- */

int
documents_case_visible(struct ctx *c, int64_t case_id, struct err *e)
{
	const struct actor *a = c->actor;
	struct db_stmt *s;
	int64_t dept = 0, created_by = 0, window = 0;
	char idno[64] = "";
	bool ok = false;
	int rc;

	s = db_query(c->db, e, "SELECT dept_id, created_by, window_id, "
	    "applicant_idno FROM cases WHERE id = ?", "i", case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		dept = db_col_int(s, 0);
		created_by = db_col_int(s, 1);
		window = db_col_int(s, 2);
		str_copy(idno, sizeof(idno), db_col_text(s, 3));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW && a != NULL) {
		if (a->kind == ACTOR_SYSTEM)
			ok = true;
		else if ((a->kind == ACTOR_PERSON ||
		    a->kind == ACTOR_ENTERPRISE) && a->user_id > 0)
			ok = actor_is_applicant_of(a, created_by, idno);
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
	    "verify_code, doc_date, created_at, ready_at, error FROM documents WHERE "
	    "case_id = ? ORDER BY id", "i", case_id);
	if (list == NULL)
		return err_rc(e);
	json_array_foreach(list, i, v) {
		const char *st = document_str(v, "status");
		/* decided before "status" is replaced (st points into it) */
		bool failed = strcmp(st, "failed") == 0;

		json_object_set_new(v, "kind_label",
		    json_string(document_kind_label(document_str(v, "kind"))));
		if (strcmp(st, "rendering") == 0)
			json_object_set_new(v, "status", json_string("pending"));
		/* Why it failed is for staff; the applicant asks the office. */
		if (!failed || c->actor == NULL ||
		    c->actor->kind != ACTOR_STAFF)
			json_object_del(v, "error");
	}
	*out = list;
	return 0;
}

/* --- retry --- */

struct retry_tx {
	struct ctx *c;
	int64_t doc_id;
	int64_t case_id;
	char kind[48];
	char doc_no[160];
	char error[200];
};

static int
retry_fn(struct db *db, void *arg, struct err *e)
{
	struct retry_tx *t = arg;
	json_t *sum;
	char idbuf[24];
	int64_t n = 0;
	int rc;

	rc = db_query_int(db, e, &n, "UPDATE documents SET status = 'pending', "
	    "attempts = 0, next_try_at = 0, error = '' WHERE id = ? AND "
	    "status = 'failed' RETURNING id", "i", t->doc_id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_CONFLICT, "document_not_failed",
		    "只有生成失败的文书可以重新生成");
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->doc_id);
	sum = json_pack("{s:I, s:s, s:s, s:s}", "case_id",
	    (json_int_t)t->case_id, "kind", t->kind, "doc_no", t->doc_no,
	    "error", t->error);
	rc = audit_append(t->c, "document.retry", "document", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
document_retry(struct ctx *c, int64_t doc_id, struct err *e)
{
	const struct actor *a = c->actor;
	struct retry_tx t;
	json_t *row;
	int rc;

	if (a == NULL || (a->kind != ACTOR_SYSTEM && (a->kind != ACTOR_STAFF ||
	    !actor_has(a, ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN |
	    ROLE_HALL_ADMIN | ROLE_SYSADMIN))))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有办理部门、窗口人员和管理员可以重新生成文书");
	row = db_query_row(c->db, e, "SELECT case_id, kind, doc_no, status, "
	    "error FROM documents WHERE id = ?", "i", doc_id);
	if (row == NULL) {
		if (e->code == ERR_NOT_FOUND)
			return err_set(e, ERR_NOT_FOUND, "document_not_found",
			    "文书不存在或无权查看");
		return err_rc(e);
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.doc_id = doc_id;
	t.case_id = document_num(row, "case_id");
	str_copy(t.kind, sizeof(t.kind), document_str(row, "kind"));
	str_copy(t.doc_no, sizeof(t.doc_no), document_str(row, "doc_no"));
	str_copy(t.error, sizeof(t.error), document_str(row, "error"));
	json_decref(row);
	rc = documents_case_visible(c, t.case_id, e);
	if (rc == -ERR_NOT_FOUND)
		return err_set(e, ERR_NOT_FOUND, "document_not_found",
		    "文书不存在或无权查看");
	if (rc != 0)
		return rc;
	return db_tx(c->db, retry_fn, &t, e);
}

int
documents_failed(struct ctx *c, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;

	*out = NULL;
	if (a == NULL || (a->kind != ACTOR_SYSTEM && !actor_has(a,
	    ROLE_HALL_ADMIN | ROLE_SYSADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看");
	*out = db_query_json(c->db, e, "SELECT d.id, d.case_id, c.case_no, "
	    "d.kind, d.doc_no, d.attempts, d.error, d.created_at FROM "
	    "documents d JOIN cases c ON c.id = d.case_id WHERE d.status = "
	    "'failed' ORDER BY d.id LIMIT 500", "");
	return *out != NULL ? 0 : err_rc(e);
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
		return err_rc(e);
	}
	rc = documents_case_visible(c, document_num(row, "case_id"), e);
	if (rc != 0) {
		if (rc == -ERR_NOT_FOUND)
			rc = err_set(e, ERR_NOT_FOUND, "document_not_found",
			    "文书不存在或无权查看");
		goto out;
	}
	if (strcmp(document_str(row, "status"), "ready") != 0) {
		rc = err_set(e, ERR_CONFLICT, "document_pending",
		    strcmp(document_str(row, "status"), "failed") == 0 ?
		    "文书生成失败，请联系办理部门" : "文书正在生成，请稍后再试");
		goto out;
	}
	rc = file_open(c, document_str(row, "sha256"), fd, size, NULL, e);
	if (rc == 0 && filename != NULL)
		snprintf(filename, 256, "%s-%s.pdf",
		    document_kind_label(document_str(row, "kind")), document_str(row, "doc_no"));
out:
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
		return err_rc(e);
	json_array_foreach(list, i, v) {
		const char *name = document_str(v, "name"), *custodian = NULL;
		char buf[200];

		for (size_t k = 0; k < sizeof(demo_custodians) /
		    sizeof(demo_custodians[0]); k++)
			if (strcmp(demo_custodians[k].dept, name) == 0)
				custodian = demo_custodians[k].custodian;
		if (custodian == NULL) {
			snprintf(buf, sizeof(buf), "%s办公室",
			    document_has(v, "short_name") ? document_str(v, "short_name") : name);
			custodian = buf;
		}
		rc = seal_create(c, document_num(v, "id"), custodian, NULL, e);
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
