/* notices.c - 督查通报: the supervisor's notice to departments (finding,
 * basis, required rectification, deadline); each department answers with
 * measures and evidence; the supervisor accepts or sends the answer back;
 * the sweeper flags overdue rows; a notice can be published as a 通报批评,
 * a PDF sealed with the supervision office's seal. */
#include "service/supervise/supervise.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/limits.h"
#include "docs/pdf.h"
#include "service/records/records.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

#define NOTICE_MAX_DEPTS 20
#define NOTICE_MAX_EVIDENCE 10
#define NOTICE_LOCK INT64_C(0x6f6e657472690701)

static const char *
row_label(const char *s)
{
	if (strcmp(s, "issued") == 0)
		return "待整改";
	if (strcmp(s, "answered") == 0)
		return "已报送待审核";
	if (strcmp(s, "returned") == 0)
		return "已退回重改";
	if (strcmp(s, "accepted") == 0)
		return "整改通过";
	return s;
}

/* The notice's department rows visible to the actor (all for overseers). */
static int
notice_json(struct ctx *c, struct db *db, int64_t id, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	bool all = sv_overseer(a);
	int64_t mine = sv_dept_staff(a) ? a->dept_id : -1;
	char today[11];
	json_t *n, *depts, *d;
	size_t i;
	bool can_answer = false, can_review = false;

	*out = NULL;
	sv_today(today);
	n = db_query_row(db, e, "SELECT n.id, n.notice_no, n.title, n.finding, "
	    "n.basis, n.rectification, n.deadline_day, n.issued_at, "
	    "n.published_at, n.assessment_id, n.item_id, i.name AS item_name, "
	    "n.window_id, w.name AS window_name FROM sv_notices n LEFT JOIN "
	    "items i ON i.id = n.item_id LEFT JOIN windows w ON w.id = "
	    "n.window_id WHERE n.id = ?", "i", id);
	if (n == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "notice_not_found", "督查通报不存在") : err_rc(e);
	depts = db_query_json(db, e, "SELECT nd.dept_id, d.name AS dept_name, "
	    "nd.status, nd.measures, nd.evidence, nd.answered_at, "
	    "nd.review_comment, nd.reviewed_at, nd.rounds, nd.overdue_at "
	    "FROM sv_notice_depts nd JOIN departments d ON d.id = nd.dept_id "
	    "WHERE nd.notice_id = ? AND (? = 1 OR nd.dept_id = ?) ORDER BY "
	    "nd.dept_id", "iIi", id, (int)all, mine);
	if (depts == NULL) {
		json_decref(n);
		return err_rc(e);
	}
	if (!all && json_array_size(depts) == 0) {
		json_decref(n);
		json_decref(depts);
		return err_set(e, ERR_NOT_FOUND, "notice_not_found",
		    "督查通报不存在");
	}
	json_array_foreach(depts, i, d) {
		const char *st = json_string_value(json_object_get(d,
		    "status"));
		json_t *ev = json_loads(json_string_value(json_object_get(d,
		    "evidence")), 0, NULL);
		bool open = strcmp(st, "issued") == 0 ||
		    strcmp(st, "returned") == 0;

		json_object_set_new(d, "evidence", ev != NULL ? ev :
		    json_array());
		json_object_set_new(d, "status_label", json_string(row_label(st)));
		json_object_set_new(d, "overdue", json_boolean(open && strcmp(
		    json_string_value(json_object_get(n, "deadline_day")),
		    today) < 0));
		if (open && sv_dept_answerer(a, json_integer_value(
		    json_object_get(d, "dept_id"))))
			can_answer = true;
		if (strcmp(st, "answered") == 0 && sv_supervisor(a))
			can_review = true;
	}
	json_object_set_new(n, "depts", depts);
	json_object_set_new(n, "can", json_pack("{s:b, s:b, s:b}", "answer",
	    can_answer, "review", can_review, "publish", sv_supervisor(a) &&
	    json_is_null(json_object_get(n, "published_at"))));
	*out = n;
	return 0;
}

int
supervise_notice_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!sv_overseer(c->actor) && !sv_dept_staff(c->actor))
		return err_set(e, ERR_NOT_FOUND, "notice_not_found",
		    "督查通报不存在");
	return notice_json(c, c->db, id, out, e);
}

int
supervise_notice_list(struct ctx *c, const struct supervise_notice_q *q,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	bool all = sv_overseer(a);
	int64_t mine = sv_dept_staff(a) ? a->dept_id : -1;
	const char *st = q->status != NULL && q->status[0] != '\0' ?
	    q->status : NULL;
	struct sv_period p;
	char today[11];
	json_t *ids, *items, *v;
	size_t i;

	*out = NULL;
	if (!all && mine <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看督查通报");
	if (!all && q->dept_id != 0 && q->dept_id != mine)
		return err_field(e, ERR_FORBIDDEN, "dept_id", NULL,
		    "只能查看本部门的督查通报");
	if (st != NULL && strcmp(row_label(st), st) == 0)
		return err_field(e, ERR_INVALID, "status", "bad_status",
		    "状态须为 issued、answered、returned 或 accepted");
	if (sv_period(q->from, q->to, &p, e) != 0)
		return -ERR_INVALID;
	sv_today(today);
	ids = db_query_json(c->db, e, "SELECT DISTINCT n.id FROM sv_notices n "
	    "JOIN sv_notice_depts nd ON nd.notice_id = n.id WHERE (? = 1 OR "
	    "nd.dept_id = ?) AND (? = 0 OR nd.dept_id = ?) AND (CAST(? AS "
	    "TEXT) IS NULL OR nd.status = ?) AND (? = 0 OR nd.status <> "
	    "'accepted') AND (? = 0 OR (nd.status <> 'accepted' AND "
	    "n.deadline_day < ?)) AND (? = 0 OR n.window_id = ?) AND (? = 0 OR "
	    "n.item_id = ?) AND n.issued_at >= ? AND n.issued_at < ? "
	    "ORDER BY n.id DESC LIMIT 200",
	    "IiiissIIsiiiiii", (int)all, mine, q->dept_id, q->dept_id, st, st,
	    (int)q->open, (int)q->overdue, today, q->window_id, q->window_id,
	    q->item_id, q->item_id, p.t0, p.t1);
	if (ids == NULL)
		return err_rc(e);
	items = json_array();
	json_array_foreach(ids, i, v) {
		json_t *n;
		int rc = notice_json(c, c->db, json_integer_value(
		    json_object_get(v, "id")), &n, e);

		if (rc != 0) {
			json_decref(ids);
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, n);
	}
	json_decref(ids);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

struct notice_tx {
	struct ctx *c;
	const json_t *in;
	int64_t id, dept, assessment;
	char deadline[11];
	const char *measures, *comment;
	const json_t *evidence;
	bool accept;
	json_t *out;
};

int
sv_notice_insert(struct ctx *c, struct db *db, const json_t *in,
    const char *deadline, int64_t assessment, int64_t *id, struct err *e)
{
	const json_t *depts = json_object_get(in, "dept_ids");
	char no[64], year[5];
	int64_t n = 0, now = clock_now();
	struct db_stmt *s;
	size_t i;
	json_t *v, *sum;
	int rc;

	rc = db_tx_lock(db, NOTICE_LOCK, e);
	if (rc != 0)
		return rc;
	json_array_foreach(depts, i, v) {
		rc = sv_dept_exists(db, json_integer_value(v), "dept_ids", e);
		if (rc != 0)
			return rc;
	}
	/* 白督通〔YYYY〕N号: N counts the year's notices (under the lock). */
	sv_today(no);
	memcpy(year, no, 4);
	year[4] = '\0';
	snprintf(no, sizeof(no), "白督通〔%s〕%%", year);
	rc = db_query_int(db, e, &n, "SELECT count(*) FROM sv_notices WHERE "
	    "notice_no LIKE ?", "s", no);
	if (rc < 0)
		return rc;
	snprintf(no, sizeof(no), "白督通〔%s〕%" PRId64 "号", year, n + 1);
	rc = sv_item_window_exist(db, json_integer_value(json_object_get(in,
	    "item_id")), json_integer_value(json_object_get(in, "window_id")),
	    e);
	if (rc != 0)
		return rc;
	s = db_query(db, e, "INSERT INTO sv_notices (notice_no, title, finding, "
	    "basis, rectification, deadline_day, assessment_id, issued_by, "
	    "issued_at, item_id, window_id) VALUES (?, ?, ?, ?, ?, ?, "
	    "NULLIF(?, 0), ?, ?, NULLIF(?, 0), NULLIF(?, 0)) "
	    "RETURNING id", "ssssssiiiii", no, json_string_value(
	    json_object_get(in, "title")), json_string_value(json_object_get(in,
	    "finding")), json_string_value(json_object_get(in, "basis")),
	    json_string_value(json_object_get(in, "rectification")),
	    deadline, assessment, c->actor->user_id, now,
	    (int64_t)json_integer_value(json_object_get(in, "item_id")),
	    (int64_t)json_integer_value(json_object_get(in, "window_id")));
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "notice: no id");
	json_array_foreach(depts, i, v) {
		char body[300];

		rc = db_exec(db, e, "INSERT INTO sv_notice_depts (notice_id, "
		    "dept_id) VALUES (?, ?) ON CONFLICT DO NOTHING", "ii", *id,
		    json_integer_value(v));
		snprintf(body, sizeof(body), "督查通报 %s「%s」，请于 %s 前报送"
		    "整改情况。", no, json_string_value(json_object_get(in,
		    "title")), deadline);
		if (rc == 0)
			rc = notify_dept_admins(c, json_integer_value(v), 0, 0,
			    "notice_issued", "收到督查通报", body, NULL, e);
		if (rc != 0)
			return rc;
	}
	sum = json_pack("{s:s, s:O, s:s}", "notice_no", no, "dept_ids", depts,
	    "deadline_day", deadline);
	rc = sv_audit(c, "notice.issue", "notice", *id, sum, e);
	json_decref(sum);
	return rc;
}

static int
issue_fn(struct db *db, void *arg, struct err *e)
{
	struct notice_tx *t = arg;
	int rc;

	rc = sv_notice_insert(t->c, db, t->in, t->deadline, t->assessment,
	    &t->id, e);
	return rc != 0 ? rc : notice_json(t->c, db, t->id, &t->out, e);
}

int
supervise_notice_issue(struct ctx *c, const json_t *in, int64_t assessment_id,
    json_t **out, struct err *e)
{
	static const struct { const char *key, *label; size_t max; } f[] = {
		{ "title", "通报标题", 100 },
		{ "finding", "发现的问题", LIMIT_TEXT_CHARS },
		{ "basis", "政策或法律依据", LIMIT_TEXT_CHARS },
		{ "rectification", "整改要求", LIMIT_TEXT_CHARS },
	};
	const json_t *depts = json_object_get(in, "dept_ids");
	struct notice_tx t;
	char today[11];
	size_t i;
	json_t *v;
	int rc;

	*out = NULL;
	if (!sv_supervisor(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有督查室可以下发督查通报");
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const json_t *x = json_object_get(in, f[i].key);

		if (x != NULL && !json_is_null(x) && !json_is_string(x))
			return err_field(e, ERR_INVALID, f[i].key, "bad_type",
			    "%s应为文字", f[i].label);
		rc = sv_text(json_string_value(x), f[i].key, f[i].label,
		    f[i].max, true, e);
		if (rc != 0)
			return rc;
	}
	memset(&t, 0, sizeof(t));
	rc = sv_day(json_string_value(json_object_get(in, "deadline_day")),
	    "deadline_day", "整改期限", t.deadline, e);
	if (rc != 0)
		return rc;
	sv_today(today);
	if (strcmp(t.deadline, today) < 0)
		return err_field(e, ERR_UNPROCESSABLE, "deadline_day",
		    "date_in_past", "整改期限不能早于今天");
	if (!json_is_array(depts) || json_array_size(depts) == 0 ||
	    json_array_size(depts) > NOTICE_MAX_DEPTS)
		return err_field(e, ERR_INVALID, "dept_ids", "required",
		    "请选择被通报的部门（1 至 %d 个）", NOTICE_MAX_DEPTS);
	json_array_foreach(depts, i, v)
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_field(e, ERR_INVALID, "dept_ids", "bad_type",
			    "被通报部门应为部门编号");
	for (i = 0; i < 2; i++) {
		const char *k = i == 0 ? "item_id" : "window_id";
		const json_t *x = json_object_get(in, k);

		if (x != NULL && !json_is_null(x) && (!json_is_integer(x) ||
		    json_integer_value(x) < 0))
			return err_field(e, ERR_INVALID, k, "bad_type",
			    i == 0 ? "事项应为事项编号" : "窗口应为窗口编号");
	}
	t.c = c;
	t.in = in;
	t.assessment = assessment_id;
	rc = db_tx(c->db, issue_fn, &t, e);
	if (rc != 0) {
		json_decref(t.out);
		return rc;
	}
	*out = t.out;
	return 0;
}

static int
answer_fn(struct db *db, void *arg, struct err *e)
{
	struct notice_tx *t = arg;
	char *ev = json_dumps(t->evidence, JSON_COMPACT);
	int64_t n = 0;
	json_t *sum;
	int rc;

	rc = db_query_int(db, e, &n, "SELECT count(*) FROM sv_notice_depts "
	    "WHERE notice_id = ? AND dept_id = ?", "ii", t->id, t->dept);
	if (rc >= 0 && n == 0)
		rc = err_set(e, ERR_NOT_FOUND, "notice_not_found",
		    "督查通报不存在");
	if (rc >= 0)
		rc = db_exec(db, e, "UPDATE sv_notice_depts SET status = "
		    "'answered', measures = ?, evidence = ?, answered_by = ?, "
		    "answered_at = ? WHERE notice_id = ? AND dept_id = ? AND "
		    "status IN ('issued', 'returned')", "ssiiii", t->measures, ev,
		    t->c->actor->user_id, clock_now(), t->id, t->dept);
	free(ev);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0)
		return err_set(e, ERR_CONFLICT, "notice_not_open",
		    "该通报已报送整改情况，等待审核或已通过");
	sum = json_pack("{s:I, s:s}", "dept_id", (json_int_t)t->dept,
	    "measures", t->measures);
	rc = sv_audit(t->c, "notice.answer", "notice", t->id, sum, e);
	json_decref(sum);
	if (rc == 0)
		rc = sv_notify_roles(t->c, ROLE_SUPERVISOR, "notice_answered",
		    "督查通报已报送整改", "部门已报送整改情况，请审核。", e);
	return rc != 0 ? rc : notice_json(t->c, db, t->id, &t->out, e);
}

int
supervise_notice_answer(struct ctx *c, int64_t id, const char *measures,
    const json_t *evidence, json_t **out, struct err *e)
{
	struct notice_tx t;
	json_t *ev, *v;
	size_t i;
	int rc;

	*out = NULL;
	if (!sv_dept_answerer(c->actor, c->actor->dept_id))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有被通报部门的审批人员或部门管理员可以报送整改情况");
	rc = sv_text(measures, "measures", "整改措施", LIMIT_TEXT_CHARS, true,
	    e);
	if (rc != 0)
		return rc;
	if (evidence != NULL && !json_is_null(evidence) &&
	    (!json_is_array(evidence) ||
	    json_array_size(evidence) > NOTICE_MAX_EVIDENCE))
		return err_field(e, ERR_INVALID, "evidence", "bad_type",
		    "佐证材料应为文件列表，最多 %d 个", NOTICE_MAX_EVIDENCE);
	ev = json_array();
	if (json_is_array(evidence))
		json_array_foreach(evidence, i, v) {
			if (!files_sha256_valid(json_string_value(v))) {
				json_decref(ev);
				return err_field(e, ERR_INVALID, "evidence",
				    "bad_file", "佐证材料文件无效");
			}
			json_array_append(ev, v);
		}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.dept = c->actor->dept_id;
	t.measures = measures;
	t.evidence = ev;
	rc = db_tx(c->db, answer_fn, &t, e);
	json_decref(ev);
	if (rc != 0) {
		json_decref(t.out);
		return rc;
	}
	*out = t.out;
	return 0;
}

static int
review_fn(struct db *db, void *arg, struct err *e)
{
	struct notice_tx *t = arg;
	json_t *sum;
	char body[300];
	int rc;

	rc = db_exec(db, e, t->accept ?
	    "UPDATE sv_notice_depts SET status = 'accepted', review_comment = ?, "
	    "reviewed_by = ?, reviewed_at = ? WHERE notice_id = ? AND "
	    "dept_id = ? AND status = 'answered'" :
	    "UPDATE sv_notice_depts SET status = 'returned', review_comment = ?, "
	    "reviewed_by = ?, reviewed_at = ?, rounds = rounds + 1 WHERE "
	    "notice_id = ? AND dept_id = ? AND status = 'answered'", "siiii",
	    t->comment != NULL ? t->comment : "", t->c->actor->user_id,
	    clock_now(), t->id, t->dept);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0) {
		json_t *probe = NULL;

		rc = notice_json(t->c, db, t->id, &probe, e);
		json_decref(probe);
		return rc != 0 ? rc : err_set(e, ERR_CONFLICT, "not_answered",
		    "该部门尚未报送整改情况，不能审核");
	}
	sum = json_pack("{s:I, s:b, s:s}", "dept_id", (json_int_t)t->dept,
	    "accepted", t->accept, "comment", t->comment != NULL ? t->comment :
	    "");
	rc = sv_audit(t->c, t->accept ? "notice.accept" : "notice.return",
	    "notice", t->id, sum, e);
	json_decref(sum);
	snprintf(body, sizeof(body), t->accept ? "整改情况已审核通过。" :
	    "整改情况被退回：%s", t->comment != NULL ? t->comment : "");
	if (rc == 0)
		rc = notify_dept_admins(t->c, t->dept, 0, 0, t->accept ?
		    "notice_accepted" : "notice_returned", t->accept ?
		    "督查通报整改通过" : "督查通报整改被退回", body, NULL, e);
	return rc != 0 ? rc : notice_json(t->c, db, t->id, &t->out, e);
}

int
supervise_notice_review(struct ctx *c, int64_t id, int64_t dept_id,
    bool accept, const char *comment, json_t **out, struct err *e)
{
	struct notice_tx t;
	int rc;

	*out = NULL;
	if (!sv_supervisor(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有督查室可以审核整改情况");
	rc = sv_text(comment, "comment", "审核意见", LIMIT_TEXT_CHARS, !accept,
	    e);
	if (rc != 0)
		return rc;
	if (dept_id <= 0)
		return err_field(e, ERR_INVALID, "dept_id", "required",
		    "请指明审核哪个部门的整改情况");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.dept = dept_id;
	t.accept = accept;
	t.comment = comment;
	rc = db_tx(c->db, review_fn, &t, e);
	if (rc != 0) {
		json_decref(t.out);
		return rc;
	}
	*out = t.out;
	return 0;
}

struct publish_tx {
	struct ctx *c;
	int64_t id;
	json_t *n;
	struct buf pdf;
	char sha[65];
	json_t *out;
};

static int
publish_fn(struct db *db, void *arg, struct err *e)
{
	struct publish_tx *t = arg;
	char sig[SM2_SIG_HEX_MAX + 1], sm3[SM3_HEX_LEN + 1];
	const char *no = json_string_value(json_object_get(t->n, "notice_no"));
	int rc;

	rc = seal_sign(t->c, t->c->actor->dept_id, "notice", no, t->pdf.data,
	    t->pdf.len, sig, sm3, NULL, e);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE sv_notices SET published_at = ?, "
		    "pdf_sha256 = ?, pdf_sm3 = ?, pdf_signature = ?, "
		    "seal_dept_id = ? WHERE id = ? AND published_at IS NULL",
		    "isssii", clock_now(), t->sha, sm3, sig,
		    t->c->actor->dept_id, t->id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0)
		return err_set(e, ERR_CONFLICT, "already_published",
		    "该通报已公开发布");
	rc = sv_audit(t->c, "notice.publish", "notice", t->id, NULL, e);
	return rc != 0 ? rc : notice_json(t->c, db, t->id, &t->out, e);
}

int
supervise_notice_publish(struct ctx *c, int64_t id, json_t **out,
    struct err *e)
{
	struct publish_tx t;
	struct pdf_doc doc;
	const char *paras[8];
	char p[4][LIMIT_TEXT_CHARS * 4 + 64], addressee[2048], ctype[32];
	char dept_name[256] = "白河县人民政府督查室";
	json_t *d;
	size_t i;
	int rc;

	*out = NULL;
	if (!sv_supervisor(c->actor) || c->actor->dept_id <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有督查室人员可以发布通报批评");
	memset(&t, 0, sizeof(t));
	rc = notice_json(c, c->db, id, &t.n, e);
	if (rc != 0)
		return rc;
	if (!json_is_null(json_object_get(t.n, "published_at"))) {
		json_decref(t.n);
		return err_set(e, ERR_CONFLICT, "already_published",
		    "该通报已公开发布");
	}
	{
		json_t *row = db_query_row(c->db, e, "SELECT name FROM "
		    "departments WHERE id = ?", "i", c->actor->dept_id);

		if (row != NULL) {
			snprintf(dept_name, sizeof(dept_name), "%s",
			    json_string_value(json_object_get(row, "name")));
			json_decref(row);
		}
	}
	addressee[0] = '\0';
	json_array_foreach(json_object_get(t.n, "depts"), i, d) {
		size_t l = strlen(addressee);

		snprintf(addressee + l, sizeof(addressee) - l, "%s%s",
		    i > 0 ? "、" : "", json_string_value(json_object_get(d,
		    "dept_name")));
	}
	snprintf(p[0], sizeof(p[0]), "经督查发现：%s", json_string_value(
	    json_object_get(t.n, "finding")));
	snprintf(p[1], sizeof(p[1]), "依据：%s", json_string_value(
	    json_object_get(t.n, "basis")));
	snprintf(p[2], sizeof(p[2]), "对上述单位予以通报批评，责令整改：%s",
	    json_string_value(json_object_get(t.n, "rectification")));
	snprintf(p[3], sizeof(p[3]), "请于 %s 前将整改情况报县政府督查室。",
	    json_string_value(json_object_get(t.n, "deadline_day")));
	for (i = 0; i < 4; i++)
		paras[i] = p[i];
	memset(&doc, 0, sizeof(doc));
	doc.title = "通报批评";
	doc.doc_no = json_string_value(json_object_get(t.n, "notice_no"));
	doc.addressee = addressee;
	doc.paragraphs = paras;
	doc.nparagraphs = 4;
	doc.dept_name = dept_name;
	sv_today(ctype);
	doc.date = ctype;
	doc.sealed = true;
	doc.seal_caption = "督查专用章";
	buf_init(&t.pdf, PDF_MAX_BYTES);
	rc = pdf_render(&doc, &t.pdf, e);
	if (rc == 0)
		rc = file_store(c, t.pdf.data, t.pdf.len, "通报批评.pdf", true,
		    t.sha, ctype, e);
	if (rc == 0) {
		t.c = c;
		t.id = id;
		rc = db_tx(c->db, publish_fn, &t, e);
	}
	buf_release(&t.pdf);
	json_decref(t.n);
	if (rc != 0) {
		json_decref(t.out);
		return rc;
	}
	*out = t.out;
	return 0;
}

int
supervise_notice_pdf(struct ctx *c, int64_t id, int *fd, uint64_t *size,
    char filename[256], struct err *e)
{
	json_t *n, *row;
	char ctype[32];
	int rc;

	rc = supervise_notice_get(c, id, &n, e);
	if (rc != 0)
		return rc;
	snprintf(filename, 256, "通报批评-%s.pdf", json_string_value(
	    json_object_get(n, "notice_no")));
	json_decref(n);
	row = db_query_row(c->db, e, "SELECT pdf_sha256 FROM sv_notices WHERE "
	    "id = ? AND pdf_sha256 IS NOT NULL", "i", id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_CONFLICT,
		    "not_published", "该通报尚未公开发布") : err_rc(e);
	rc = file_open(c, json_string_value(json_object_get(row,
	    "pdf_sha256")), fd, size, ctype, e);
	json_decref(row);
	return rc;
}
