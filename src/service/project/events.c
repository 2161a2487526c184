/* events.c - joint events of construction projects (联合踏勘、联合评审、联合
 * 审图、联合验收): the lead department schedules one event for a project
 * (or one case of it) with the departments invited; the clocks of the
 * involved cases stop as a special procedure from scheduling until the
 * outcome is sealed; each department records its opinion (同意 / 整改后同意
 * / 不同意) with attachments and the rectification items it requires; the
 * outcome (core/project.h) is sealed as one joint opinion PDF carrying
 * every participating department's seal (each department's SM2 seal signs
 * the same bytes, in the seal ledger); rectification items are tracked to
 * closure: the owner reports, the department closes or reopens. */
#include "service/project/project_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "core/calendar.h"
#include "docs/pdf.h"
#include "service/case/case.h"
#include "service/records/records.h"
#include "store/db.h"

#define EV_MAX_DEPTS PDF_MAX_CO_SEALS
#define EV_MAX_FILES 10
#define EV_MAX_RECTS 20
#define EV_TEXT 2000

static const char *
str(const json_t *in, const char *k)
{
	return json_string_value(json_object_get(in, k));
}

static bool
dept_staff(const struct actor *a, int64_t dept)
{
	return a != NULL && a->kind == ACTOR_STAFF && a->dept_id == dept &&
	    actor_has(a, ROLE_APPROVER | ROLE_DEPT_ADMIN);
}

/* ---- reading ---- */

static int
event_row(struct ctx *c, int64_t id, json_t **row, struct err *e)
{
	*row = db_query_row(c->db, e, "SELECT ev.id, ev.project_id, ev.kind, "
	    "ev.lead_dept_id, d.name AS lead_dept_name, ev.case_id, ev.day, "
	    "ev.place, ev.note, ev.status, ev.outcome, ev.conclusion, "
	    "ev.paused_day, ev.resumed_day, ev.doc_no, ev.pdf_sha256, "
	    "ev.created_at, ev.sealed_at, ev.version FROM project_events ev "
	    "JOIN departments d ON d.id = ev.lead_dept_id WHERE ev.id = ?", "i",
	    id);
	if (*row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "event_not_found", "联合事项不存在") : err_rc(e);
	return 0;
}

int
project_event_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	json_t *ev = NULL, *p = NULL, *depts, *cases, *rects, *d;
	enum project_event_kind k;
	bool answer = false;
	size_t i;
	int rc;

	*out = NULL;
	rc = event_row(c, id, &ev, e);
	if (rc == 0)
		rc = pj_load(c, json_integer_value(json_object_get(ev,
		    "project_id")), &p, e);
	if (rc != 0) {
		json_decref(ev);
		return rc == -ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "event_not_found", "联合事项不存在") : rc;
	}
	k = project_event_kind_parse(str(ev, "kind"));
	json_object_set_new(ev, "kind_label", json_string(
	    project_event_kind_label(k)));
	json_object_set_new(ev, "outcome_label", json_string(
	    project_outcome_label(project_outcome_parse(str(ev, "outcome")))));
	json_object_set_new(ev, "project_name", json_incref(json_object_get(p,
	    "name")));
	json_object_set_new(ev, "project_code", json_incref(json_object_get(p,
	    "code")));
	depts = db_query_json(c->db, e, "SELECT ed.dept_id, dp.name AS "
	    "dept_name, ed.person, ed.opinion, ed.comment, ed.attachments, "
	    "ed.answered_at, u.name AS answered_by_name, ed.signature IS NOT "
	    "NULL AS sealed FROM project_event_depts ed JOIN departments dp ON "
	    "dp.id = ed.dept_id LEFT JOIN users u ON u.id = ed.answered_by "
	    "WHERE ed.event_id = ? ORDER BY ed.dept_id = ? DESC, dp.id", "ii",
	    id, (int64_t)json_integer_value(json_object_get(ev,
	    "lead_dept_id")));
	cases = db_query_json(c->db, e, "SELECT k.id AS case_id, k.case_no, "
	    "i.name AS item_name, dp.name AS dept_name, k.state, ec.paused "
	    "FROM project_event_cases ec JOIN cases k ON k.id = ec.case_id "
	    "JOIN items i ON i.id = k.item_id JOIN departments dp ON dp.id = "
	    "k.dept_id WHERE ec.event_id = ? ORDER BY k.id", "i", id);
	rects = db_query_json(c->db, e, "SELECT r.id, r.dept_id, dp.name AS "
	    "dept_name, r.item, r.due_day, r.status, r.report, r.evidence, "
	    "r.note, r.submitted_at, r.closed_at FROM project_rectifications r "
	    "JOIN departments dp ON dp.id = r.dept_id WHERE r.event_id = ? "
	    "ORDER BY r.id", "i", id);
	if (depts == NULL || cases == NULL || rects == NULL) {
		json_decref(depts);
		json_decref(cases);
		json_decref(rects);
		json_decref(ev);
		json_decref(p);
		return err_rc(e);
	}
	json_array_foreach(depts, i, d) {
		json_t *att = json_loads(str(d, "attachments"), 0, NULL);

		json_object_set_new(d, "attachments", att != NULL ? att :
		    json_array());
		json_object_set_new(d, "opinion_label", json_string(
		    project_opinion_label(project_opinion_parse(str(d,
		    "opinion")))));
		json_object_set_new(d, "sealed", json_boolean(
		    json_integer_value(json_object_get(d, "sealed")) != 0));
		if (dept_staff(a, json_integer_value(json_object_get(d,
		    "dept_id"))))
			answer = true;
	}
	json_array_foreach(rects, i, d) {
		json_t *ev2 = json_loads(str(d, "evidence"), 0, NULL);

		json_object_set_new(d, "evidence", ev2 != NULL ? ev2 :
		    json_array());
	}
	{
		bool scheduled = strcmp(str(ev, "status"), "scheduled") == 0;
		bool lead = dept_staff(a, json_integer_value(json_object_get(ev,
		    "lead_dept_id")));

		*out = json_pack("{s:o, s:o, s:o, s:o, s:{s:b, s:b, s:b}}",
		    "event", ev, "depts", depts, "cases", cases,
		    "rectifications", rects, "can", "answer", scheduled &&
		    answer, "seal", scheduled && lead, "report",
		    pj_is_owner(a, p));
	}
	json_decref(p);
	return 0;
}

/* ---- scheduling ---- */

struct sched_tx {
	struct ctx *c;
	int64_t project, lead, case_id;
	enum project_event_kind kind;
	int64_t depts[EV_MAX_DEPTS];
	int n_depts;
	char day[11];
	const char *place, *note;
	int64_t id;
};

/* The cases the event stops: the given case, or every open case of the
 * project's running stages in a participating department. */
static int
involved_cases(struct sched_tx *t, struct db *db, json_t **rows,
    struct err *e)
{
	*rows = db_query_json(db, e, "SELECT k.id FROM cases k JOIN "
	    "project_stage_apps a ON a.bundle_case_id = k.bundle_id WHERE "
	    "a.project_id = ? AND k.closed_at IS NULL AND (CAST(? AS BIGINT) "
	    "= 0 OR k.id = ?) ORDER BY k.id", "iii", t->project, t->case_id,
	    t->case_id);
	return *rows == NULL ? err_rc(e) : 0;
}

static bool
participates(const struct sched_tx *t, int64_t dept)
{
	for (int i = 0; i < t->n_depts; i++)
		if (t->depts[i] == dept)
			return true;
	return false;
}

static int
sched_fn(struct db *db, void *arg, struct err *e)
{
	struct sched_tx *t = arg;
	json_t *rows = NULL, *r, *sum;
	char today[11], reason[300];
	size_t i;
	int rc;

	rc = db_tx_lock(db, PJ_LOCK_BASE ^ t->project, e);
	if (rc != 0)
		return rc;
	clock_date(clock_now(), today);
	rc = db_query_int(db, e, &t->id, "INSERT INTO project_events "
	    "(project_id, kind, lead_dept_id, case_id, day, place, note, "
	    "paused_day, created_by, created_at) VALUES (?, ?, ?, "
	    "NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?) RETURNING id", "isiissssii", t->project,
	    project_event_kind_name(t->kind), t->lead, t->case_id, t->day,
	    t->place, t->note != NULL ? t->note : "", today,
	    t->c->actor->user_id, clock_now());
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "event: no id");
	for (int k = 0; k < t->n_depts; k++) {
		rc = db_exec(db, e, "INSERT INTO project_event_depts (event_id, "
		    "dept_id) VALUES (?, ?)", "ii", t->id, t->depts[k]);
		if (rc != 0)
			return rc;
	}
	rc = involved_cases(t, db, &rows, e);
	if (rc != 0)
		return rc;
	snprintf(reason, sizeof(reason), "%s（%s，%s）",
	    project_event_kind_label(t->kind), t->day, t->place);
	json_array_foreach(rows, i, r) {
		int64_t cid = json_integer_value(json_object_get(r, "id"));
		int64_t dept = 0;
		bool paused = false;

		rc = db_query_int(db, e, &dept, "SELECT dept_id FROM cases WHERE "
		    "id = ?", "i", cid);
		if (rc < 0)
			break;
		rc = 0;
		if (t->case_id == 0 && !participates(t, dept))
			continue;
		rc = case_joint_pause(t->c, cid, project_event_pause_kind(
		    t->kind), reason, &paused, e);
		if (rc == 0)
			rc = db_exec(db, e, "INSERT INTO project_event_cases "
			    "(event_id, case_id, paused) VALUES (?, ?, ?)", "iiI",
			    t->id, cid, (int)paused);
		if (rc != 0)
			break;
	}
	json_decref(rows);
	for (int k = 0; k < t->n_depts && rc == 0; k++) {
		char body[400];

		snprintf(body, sizeof(body), "请于 %s 派员参加%s（%s），并在系统中"
		    "提出本部门意见。", t->day, project_event_kind_label(t->kind),
		    t->place);
		rc = notify_dept_admins(t->c, t->depts[k], t->c->actor->user_id,
		    0, "project_event", project_event_kind_label(t->kind), body,
		    NULL, e);
	}
	if (rc != 0)
		return rc;
	sum = json_pack("{s:I, s:s, s:s, s:I}", "event_id", (json_int_t)t->id,
	    "kind", project_event_kind_name(t->kind), "day", t->day, "lead",
	    (json_int_t)t->lead);
	rc = pj_audit(t->c, "project.event_schedule", t->project, sum, e);
	json_decref(sum);
	return rc;
}

static int
sched_check(struct ctx *c, const json_t *in, struct sched_tx *t,
    struct err *e)
{
	const json_t *ids = json_object_get(in, "dept_ids"), *x;
	char today[11];
	int32_t d;
	size_t i;
	int rc;

	t->kind = project_event_kind_parse(str(in, "kind"));
	if (t->kind == PROJECT_EVENT_NONE)
		return err_field(e, ERR_INVALID, "kind", "bad_kind",
		    "联合事项类型须为 site（联合踏勘）、review（联合评审）、"
		    "drawing（联合审图）或 acceptance（联合验收）");
	if (str(in, "day") == NULL || calendar_day_parse(str(in, "day"), &d,
	    e) != 0)
		return err_field(e, ERR_INVALID, "day", "bad_date",
		    "日期格式应为 YYYY-MM-DD");
	calendar_day_format(d, t->day);
	clock_date(clock_now(), today);
	if (strcmp(t->day, today) < 0)
		return err_field(e, ERR_INVALID, "day", "past_day",
		    "日期不能早于今天");
	rc = pj_text(str(in, "place"), "place", "地点", 200, true, e);
	if (rc == 0)
		rc = pj_text(str(in, "note"), "note", "说明", EV_TEXT, false, e);
	if (rc != 0)
		return rc;
	t->place = str(in, "place");
	t->note = str(in, "note");
	t->depts[0] = t->lead;
	t->n_depts = 1;
	if (!json_is_array(ids) || json_array_size(ids) == 0)
		return err_field(e, ERR_INVALID, "dept_ids", "required",
		    "请选择参加的部门");
	json_array_foreach(ids, i, x) {
		int64_t id = json_integer_value(x), n = 0;

		if (!json_is_integer(x) || id <= 0)
			return err_field(e, ERR_INVALID, "dept_ids", "bad_dept",
			    "参加部门应为部门编号");
		if (participates(t, id))
			continue;
		if (t->n_depts >= EV_MAX_DEPTS)
			return err_field(e, ERR_INVALID, "dept_ids", "too_many",
			    "参加部门最多 %d 个（含牵头部门）", EV_MAX_DEPTS);
		rc = db_query_int(c->db, e, &n, "SELECT count(*) FROM "
		    "departments d WHERE d.id = ? AND EXISTS (SELECT 1 FROM seals "
		    "s WHERE s.dept_id = d.id AND s.active = 1)", "i", id);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_field(e, ERR_UNPROCESSABLE, "dept_ids",
			    "bad_dept", "参加部门不存在或没有电子印章");
		t->depts[t->n_depts++] = id;
	}
	if (t->n_depts < 2)
		return err_field(e, ERR_INVALID, "dept_ids", "required",
		    "联合事项至少需要一个牵头部门以外的部门参加");
	return 0;
}

int
project_event_schedule(struct ctx *c, int64_t project_id, const json_t *in,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	struct sched_tx t;
	json_t *row = NULL;
	bool manage = false;
	int rc;

	*out = NULL;
	rc = pj_load(c, project_id, &row, e);
	json_decref(row);
	if (rc != 0)
		return rc;
	if (!json_is_object(in))
		return err_set(e, ERR_INVALID, "bad_json",
		    "请求内容须为 JSON 对象");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.project = project_id;
	t.lead = json_integer_value(json_object_get(in, "lead_dept_id"));
	rc = pj_may_manage(c, &manage, e);
	if (rc != 0)
		return rc;
	if (t.lead <= 0 && a->kind == ACTOR_STAFF)
		t.lead = a->dept_id;
	if (!(dept_staff(a, t.lead) || (manage && t.lead > 0)))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有牵头部门的审批人员、"
		    "部门管理员或项目管家可以组织联合事项");
	t.case_id = json_integer_value(json_object_get(in, "case_id"));
	if (t.case_id > 0) {
		int64_t n = 0;

		rc = db_query_int(c->db, e, &n, "SELECT count(*) FROM cases k "
		    "JOIN project_stage_apps a ON a.bundle_case_id = k.bundle_id "
		    "WHERE k.id = ? AND a.project_id = ?", "ii", t.case_id,
		    project_id);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_field(e, ERR_UNPROCESSABLE, "case_id",
			    "case_not_in_project", "该办件不属于本项目");
	}
	rc = sched_check(c, in, &t, e);
	if (rc == 0)
		rc = db_tx(c->db, sched_fn, &t, e);
	if (rc != 0)
		return rc;
	return project_event_get(c, t.id, out, e);
}

/* ---- opinions ---- */

struct op_tx {
	struct ctx *c;
	int64_t id, dept;
	enum project_opinion op;
	const char *comment, *person;
	const json_t *files, *rects;
};

static int
op_fn(struct db *db, void *arg, struct err *e)
{
	struct op_tx *t = arg;
	json_t *ev = NULL, *x, *sum;
	char *files;
	size_t i;
	int rc;

	rc = event_row(t->c, t->id, &ev, e);
	if (rc != 0)
		return rc;
	rc = db_tx_lock(db, PJ_LOCK_BASE ^ json_integer_value(json_object_get(
	    ev, "project_id")), e);
	if (rc == 0 && strcmp(str(ev, "status"), "scheduled") != 0)
		rc = err_set(e, ERR_CONFLICT, "event_sealed",
		    "联合意见已出具，不能再修改意见");
	json_decref(ev);
	if (rc != 0)
		return rc;
	files = json_dumps(t->files != NULL ? t->files : json_array(),
	    JSON_COMPACT);
	rc = db_exec(db, e, "UPDATE project_event_depts SET opinion = ?, "
	    "comment = ?, person = ?, attachments = ?, answered_by = ?, "
	    "answered_at = ? WHERE event_id = ? AND dept_id = ?", "ssssiiii",
	    project_opinion_name(t->op), t->comment != NULL ? t->comment : "",
	    t->person != NULL ? t->person : "", files != NULL ? files : "[]",
	    t->c->actor->user_id, clock_now(), t->id, t->dept);
	free(files);
	if (rc == 0 && db_last_changes(db) == 0)
		rc = err_set(e, ERR_FORBIDDEN, NULL, "本部门未受邀参加该联合事项");
	if (rc == 0)
		rc = db_exec(db, e, "DELETE FROM project_rectifications WHERE "
		    "event_id = ? AND dept_id = ? AND status = 'open'", "ii",
		    t->id, t->dept);
	json_array_foreach(t->rects, i, x) {
		if (rc != 0)
			break;
		rc = db_exec(db, e, "INSERT INTO project_rectifications "
		    "(event_id, dept_id, item, due_day, created_at) VALUES (?, ?, "
		    "?, ?, ?)", "iissi", t->id, t->dept, str(x, "item"),
		    str(x, "due_day"), clock_now());
	}
	if (rc != 0)
		return rc;
	sum = json_pack("{s:I, s:I, s:s}", "event_id", (json_int_t)t->id,
	    "dept_id", (json_int_t)t->dept, "opinion",
	    project_opinion_name(t->op));
	rc = audit_append(t->c, "project.event_opinion", "project_event",
	    "", sum, e);
	json_decref(sum);
	return rc;
}

static int
files_check(struct ctx *c, const json_t *files, const char *field,
    struct err *e)
{
	const json_t *x;
	size_t i;

	if (files == NULL || json_is_null(files))
		return 0;
	if (!json_is_array(files) || json_array_size(files) > EV_MAX_FILES)
		return err_field(e, ERR_INVALID, field, "bad_files",
		    "附件应为数组，最多 %d 个", EV_MAX_FILES);
	json_array_foreach(files, i, x) {
		int rc;

		if (!json_is_string(x) || !files_sha256_valid(
		    json_string_value(x)))
			return err_field(e, ERR_INVALID, field, "bad_file",
			    "附件应为已上传文件的 sha256");
		rc = upload_check_owner(c, c->actor->user_id,
		    json_string_value(x), e);
		if (rc != 0)
			return err_field(e, ERR_FORBIDDEN, field, "not_owned",
			    "只能使用本人上传的附件");
	}
	return 0;
}

/* Opinion attachments: files the department attached to this event. */
static int
event_files_check(struct ctx *c, int64_t id, int64_t dept,
    const json_t *files, struct err *e)
{
	const json_t *x;
	size_t i;

	if (files == NULL || json_is_null(files))
		return 0;
	if (!json_is_array(files) || json_array_size(files) > EV_MAX_FILES)
		return err_field(e, ERR_INVALID, "attachments", "bad_files",
		    "附件应为数组，最多 %d 个", EV_MAX_FILES);
	json_array_foreach(files, i, x) {
		int64_t n = 0;
		int rc;

		if (!json_is_string(x))
			return err_field(e, ERR_INVALID, "attachments",
			    "bad_file", "附件应为已上传文件的 sha256");
		rc = db_query_int(c->db, e, &n, "SELECT count(*) FROM "
		    "project_event_files WHERE event_id = ? AND dept_id = ? AND "
		    "sha256 = ?", "iis", id, dept, json_string_value(x));
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_field(e, ERR_FORBIDDEN, "attachments",
			    "not_owned", "只能使用本部门为该联合事项上传的附件");
	}
	return 0;
}

int
project_event_attach(struct ctx *c, int64_t id, const void *data,
    size_t len, const char *name, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	char sha[65], ctype[32];
	json_t *v = NULL;
	bool can;
	int rc;

	*out = NULL;
	rc = project_event_get(c, id, &v, e);
	if (rc != 0)
		return rc;
	can = json_is_true(json_object_get(json_object_get(v, "can"),
	    "answer"));
	json_decref(v);
	if (!can)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有参加部门可以在联合意见出具前上传附件");
	rc = pj_text(name, "name", "文件名", 100, false, e);
	if (rc == 0)
		rc = file_store(c, data, len, name, false, sha, ctype, e);
	if (rc == 0)
		rc = db_exec(c->db, e, "INSERT INTO project_event_files (event_id, "
		    "dept_id, sha256, name, content_type, size, uploaded_by, "
		    "uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO "
		    "NOTHING", "iisssiii", id, a->dept_id, sha, name != NULL ?
		    name : "", ctype, (int64_t)len, a->user_id, clock_now());
	if (rc != 0)
		return rc;
	*out = json_pack("{s:s, s:s, s:s, s:I}", "sha256", sha, "name",
	    name != NULL ? name : "", "content_type", ctype, "size",
	    (json_int_t)len);
	return 0;
}

int
project_event_file(struct ctx *c, int64_t id, const char *sha, int *fd,
    uint64_t *size, char ctype[32], char filename[256], struct err *e)
{
	json_t *v = NULL;
	char like[80];
	int64_t n = 0;
	int rc;

	rc = project_event_get(c, id, &v, e);
	json_decref(v);
	if (rc != 0)
		return rc;
	if (sha == NULL || !files_sha256_valid(sha))
		return err_set(e, ERR_NOT_FOUND, "file_not_found", "附件不存在");
	snprintf(like, sizeof(like), "%%\"%s\"%%", sha);
	rc = db_query_int(c->db, e, &n, "SELECT (SELECT count(*) FROM "
	    "project_event_files WHERE event_id = ? AND sha256 = ?) + (SELECT "
	    "count(*) FROM project_rectifications WHERE event_id = ? AND "
	    "evidence LIKE ?)", "isis", id, sha, id, like);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "file_not_found", "附件不存在");
	snprintf(filename, 256, "附件-%.12s", sha);
	return file_open(c, sha, fd, size, ctype, e);
}

int
project_event_opinion(struct ctx *c, int64_t id, const json_t *in,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	const json_t *rects = json_object_get(in, "rectifications"), *x;
	struct op_tx t;
	json_t *view = NULL;
	size_t i;
	int rc;

	*out = NULL;
	rc = project_event_get(c, id, &view, e);
	if (rc != 0)
		return rc;
	json_decref(view);
	if (a->kind != ACTOR_STAFF || !actor_has(a, ROLE_APPROVER |
	    ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有参加部门的审批人员或部门管理员可以提出意见");
	memset(&t, 0, sizeof(t));
	t.op = project_opinion_parse(str(in, "opinion"));
	if (t.op == PROJECT_OPINION_NONE)
		return err_field(e, ERR_INVALID, "opinion", "bad_opinion",
		    "意见须为 agree（同意）、rectify（整改后同意）或 disagree"
		    "（不同意）");
	t.comment = str(in, "comment");
	t.person = str(in, "person");
	rc = pj_text(t.comment, "comment", "意见说明", EV_TEXT,
	    t.op == PROJECT_OPINION_DISAGREE, e);
	if (rc == 0)
		rc = pj_text(t.person, "person", "参加人员", 100, true, e);
	if (rc == 0)
		rc = event_files_check(c, id, a->dept_id, json_object_get(in,
		    "attachments"), e);
	if (rc != 0)
		return rc;
	if (rects != NULL && !json_is_null(rects) && (!json_is_array(rects) ||
	    json_array_size(rects) > EV_MAX_RECTS))
		return err_field(e, ERR_INVALID, "rectifications", "bad_list",
		    "整改事项应为数组，最多 %d 条", EV_MAX_RECTS);
	if (t.op == PROJECT_OPINION_RECTIFY && json_array_size(rects) == 0)
		return err_field(e, ERR_INVALID, "rectifications", "required",
		    "整改后同意须列明整改事项");
	if (t.op != PROJECT_OPINION_RECTIFY && json_array_size(rects) > 0)
		return err_field(e, ERR_INVALID, "rectifications", "not_allowed",
		    "只有整改后同意才列整改事项");
	json_array_foreach(rects, i, x) {
		int32_t d;

		rc = pj_text(str(x, "item"), "rectifications", "整改事项",
		    EV_TEXT, true, e);
		if (rc != 0)
			return rc;
		if (str(x, "due_day") != NULL && calendar_day_parse(str(x,
		    "due_day"), &d, e) != 0)
			return err_field(e, ERR_INVALID, "rectifications",
			    "bad_date", "整改期限格式应为 YYYY-MM-DD");
	}
	t.c = c;
	t.id = id;
	t.dept = a->dept_id;
	t.files = json_object_get(in, "attachments");
	t.rects = json_is_array(rects) ? rects : NULL;
	rc = db_tx(c->db, op_fn, &t, e);
	if (rc != 0)
		return rc;
	return project_event_get(c, id, out, e);
}

/* ---- sealing the joint opinion ---- */

struct seal_tx {
	struct ctx *c;
	int64_t id, project;
	json_t *depts;
	enum project_outcome outcome;
	const char *conclusion;
	char doc_no[64], sha[65], ctype[32], today[11];
	struct buf pdf;
};

static int
seal_fn(struct db *db, void *arg, struct err *e)
{
	struct seal_tx *t = arg;
	json_t *d, *cases, *x, *sum;
	size_t i;
	int rc;

	rc = db_tx_lock(db, PJ_LOCK_BASE ^ t->project, e);
	if (rc != 0)
		return rc;
	rc = db_exec(db, e, "UPDATE project_events SET status = 'sealed', "
	    "outcome = ?, conclusion = ?, resumed_day = ?, doc_no = ?, "
	    "pdf_sha256 = ?, sealed_at = ?, sealed_by = ?, version = version + "
	    "1 WHERE id = ? AND status = 'scheduled'", "sssssiii",
	    project_outcome_name(t->outcome), t->conclusion, t->today,
	    t->doc_no, t->sha, clock_now(), t->c->actor->user_id, t->id);
	if (rc == 0 && db_last_changes(db) == 0)
		rc = err_set(e, ERR_CONFLICT, "event_sealed", "联合意见已出具");
	json_array_foreach(t->depts, i, d) {
		char sig[SM2_SIG_HEX_MAX + 1], sm3[SM3_HEX_LEN + 1];
		int64_t dept = json_integer_value(json_object_get(d, "dept_id"));

		if (rc != 0)
			break;
		rc = seal_sign(t->c, dept, "joint_opinion", t->doc_no,
		    t->pdf.data, t->pdf.len, sig, sm3, NULL, e);
		if (rc == 0)
			rc = db_exec(db, e, "UPDATE project_event_depts SET "
			    "signature = ? WHERE event_id = ? AND dept_id = ?",
			    "sii", sig, t->id, dept);
		if (rc == 0 && i == 0)
			rc = db_exec(db, e, "UPDATE project_events SET pdf_sm3 = ? "
			    "WHERE id = ?", "si", sm3, t->id);
	}
	if (rc != 0)
		return rc;
	cases = db_query_json(db, e, "SELECT case_id FROM project_event_cases "
	    "WHERE event_id = ? AND paused = 1", "i", t->id);
	if (cases == NULL)
		return err_rc(e);
	json_array_foreach(cases, i, x) {
		rc = case_joint_resume(t->c, json_integer_value(json_object_get(x,
		    "case_id")), "联合意见已出具，恢复计时", e);
		if (rc != 0)
			break;
	}
	json_decref(cases);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:I, s:s, s:s, s:s}", "event_id", (json_int_t)t->id,
	    "outcome", project_outcome_name(t->outcome), "doc_no", t->doc_no,
	    "sha256", t->sha);
	rc = pj_audit(t->c, "project.event_seal", t->project, sum, e);
	json_decref(sum);
	return rc;
}

/* The joint opinion's text: one paragraph per department. */
static int
render(struct seal_tx *t, const json_t *v, struct err *e)
{
	const json_t *ev = json_object_get(v, "event"), *d;
	const char *paras[EV_MAX_DEPTS + 3], *seals[EV_MAX_DEPTS];
	char p[EV_MAX_DEPTS + 3][EV_TEXT * 4 + 300];
	char title[64], lead[256];
	struct pdf_doc doc;
	size_t i, n = 0, ns = 0;

	snprintf(title, sizeof(title), "%s意见书", str(ev, "kind_label"));
	snprintf(lead, sizeof(lead), "%s", str(ev, "lead_dept_name"));
	snprintf(p[n++], sizeof(p[0]), "%s，%s牵头，会同%zu个部门在%s对“%s”"
	    "（项目代码 %s）开展%s，意见如下：", str(ev, "day"), lead,
	    json_array_size(json_object_get(v, "depts")) - 1, str(ev, "place"),
	    str(ev, "project_name"), str(ev, "project_code"),
	    str(ev, "kind_label"));
	json_array_foreach(json_object_get(v, "depts"), i, d) {
		if (n >= EV_MAX_DEPTS + 1)
			break;
		snprintf(p[n++], sizeof(p[0]), "%s（%s）：%s。%s", str(d,
		    "dept_name"), str(d, "person"), str(d, "opinion_label"),
		    str(d, "comment") != NULL ? str(d, "comment") : "");
		seals[ns++] = str(d, "dept_name");
	}
	snprintf(p[n++], sizeof(p[0]), "联合意见：%s。%s",
	    project_outcome_label(t->outcome), t->conclusion);
	for (i = 0; i < n; i++)
		paras[i] = p[i];
	memset(&doc, 0, sizeof(doc));
	doc.title = title;
	doc.doc_no = t->doc_no;
	doc.addressee = str(json_object_get(v, "event"), "project_name");
	doc.paragraphs = paras;
	doc.nparagraphs = n;
	doc.dept_name = lead;
	doc.date = t->today;
	doc.sealed = true;
	doc.co_seals = seals + 1;
	doc.n_co_seals = ns - 1;
	buf_init(&t->pdf, PDF_MAX_BYTES);
	return pdf_render(&doc, &t->pdf, e);
}

int
project_event_seal(struct ctx *c, int64_t id, const char *conclusion,
    json_t **out, struct err *e)
{
	enum project_opinion ops[EV_MAX_DEPTS];
	json_t *v = NULL, *ev, *d;
	struct seal_tx t;
	size_t i;
	int no = 0, rc;

	*out = NULL;
	rc = project_event_get(c, id, &v, e);
	if (rc != 0)
		return rc;
	ev = json_object_get(v, "event");
	memset(&t, 0, sizeof(t));
	if (!dept_staff(c->actor, json_integer_value(json_object_get(ev,
	    "lead_dept_id"))))
		rc = err_set(e, ERR_FORBIDDEN, NULL,
		    "只有牵头部门可以出具联合意见");
	else if (strcmp(str(ev, "status"), "scheduled") != 0)
		rc = err_set(e, ERR_CONFLICT, "event_sealed", "联合意见已出具");
	else
		rc = pj_text(conclusion, "conclusion", "联合意见结论", EV_TEXT,
		    false, e);
	if (rc != 0)
		goto out;
	json_array_foreach(json_object_get(v, "depts"), i, d)
		if (no < EV_MAX_DEPTS)
			ops[no++] = project_opinion_parse(str(d, "opinion"));
	t.outcome = project_joint_outcome(ops, no);
	if (t.outcome == PROJECT_OUTCOME_PENDING) {
		rc = err_set(e, ERR_CONFLICT, "opinions_pending",
		    "尚有部门未提出意见，不能出具联合意见");
		goto out;
	}
	t.conclusion = conclusion != NULL ? conclusion : "";
	clock_date(clock_now(), t.today);
	/* 白联意〔YYYY〕N号: N is the event's number, unique without a lock. */
	snprintf(t.doc_no, sizeof(t.doc_no), "白联意〔%.4s〕%" PRId64 "号",
	    t.today, id);
	rc = render(&t, v, e);
	if (rc == 0)
		rc = file_store(c, t.pdf.data, t.pdf.len, "联合意见书.pdf", true,
		    t.sha, t.ctype, e);
	if (rc == 0) {
		t.c = c;
		t.id = id;
		t.project = json_integer_value(json_object_get(ev, "project_id"));
		t.depts = json_object_get(v, "depts");
		rc = db_tx(c->db, seal_fn, &t, e);
	}
	buf_release(&t.pdf);
out:
	json_decref(v);
	if (rc != 0)
		return rc;
	return project_event_get(c, id, out, e);
}

int
project_event_pdf(struct ctx *c, int64_t id, int *fd, uint64_t *size,
    char filename[256], struct err *e)
{
	json_t *v = NULL;
	const json_t *ev;
	char ctype[32];
	int rc;

	rc = project_event_get(c, id, &v, e);
	if (rc != 0)
		return rc;
	ev = json_object_get(v, "event");
	if (str(ev, "pdf_sha256") == NULL) {
		json_decref(v);
		return err_set(e, ERR_CONFLICT, "not_sealed",
		    "联合意见尚未出具");
	}
	snprintf(filename, 256, "联合意见书-%s.pdf", str(ev, "doc_no"));
	rc = file_open(c, str(ev, "pdf_sha256"), fd, size, ctype, e);
	json_decref(v);
	return rc;
}

/* ---- rectification ---- */

struct rect_tx {
	struct ctx *c;
	int64_t id;
	bool report, accept;
	const char *text;
	const json_t *files;
};

static int
rect_fn(struct db *db, void *arg, struct err *e)
{
	struct rect_tx *t = arg;
	char *files;
	json_t *sum;
	int rc;

	if (t->report) {
		files = json_dumps(t->files != NULL ? t->files : json_array(),
		    JSON_COMPACT);
		rc = db_exec(db, e, "UPDATE project_rectifications SET status = "
		    "'submitted', report = ?, evidence = ?, submitted_at = ? "
		    "WHERE id = ? AND status = 'open'", "ssii", t->text,
		    files != NULL ? files : "[]", clock_now(), t->id);
		free(files);
	} else if (t->accept) {
		rc = db_exec(db, e, "UPDATE project_rectifications SET status = "
		    "'closed', note = ?, closed_at = ?, closed_by = ? WHERE id = ? "
		    "AND status = 'submitted'", "siii", t->text != NULL ? t->text :
		    "", clock_now(), t->c->actor->user_id, t->id);
	} else {
		rc = db_exec(db, e, "UPDATE project_rectifications SET status = "
		    "'open', note = ?, closed_by = ? WHERE id = ? AND status = "
		    "'submitted'", "sii", t->text, t->c->actor->user_id, t->id);
	}
	if (rc == 0 && db_last_changes(db) == 0)
		rc = err_set(e, ERR_CONFLICT, "rect_state", t->report ?
		    "该整改事项不在待整改状态" : "该整改事项尚未报送整改情况");
	if (rc != 0)
		return rc;
	sum = json_pack("{s:I, s:s}", "rectification_id", (json_int_t)t->id,
	    "action", t->report ? "report" : t->accept ? "close" : "reopen");
	rc = audit_append(t->c, "project.rectification", "project_event", "",
	    sum, e);
	json_decref(sum);
	return rc;
}

static int
rect_common(struct ctx *c, int64_t rid, struct rect_tx *t, json_t **out,
    struct err *e)
{
	json_t *r, *v = NULL;
	int64_t ev, dept;
	bool owner;
	int rc;

	*out = NULL;
	r = db_query_row(c->db, e, "SELECT event_id, dept_id FROM "
	    "project_rectifications WHERE id = ?", "i", rid);
	if (r == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "rect_not_found", "整改事项不存在") : err_rc(e);
	ev = json_integer_value(json_object_get(r, "event_id"));
	dept = json_integer_value(json_object_get(r, "dept_id"));
	json_decref(r);
	rc = project_event_get(c, ev, &v, e);
	if (rc != 0)
		return rc;
	owner = json_is_true(json_object_get(json_object_get(v, "can"),
	    "report"));
	json_decref(v);
	if (t->report && !owner)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有建设单位可以报送整改情况");
	if (!t->report && !dept_staff(c->actor, dept))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有提出整改要求的部门可以确认整改");
	t->c = c;
	t->id = rid;
	rc = db_tx(c->db, rect_fn, t, e);
	if (rc != 0)
		return rc;
	return project_event_get(c, ev, out, e);
}

int
project_rect_report(struct ctx *c, int64_t id, const char *report,
    const json_t *evidence, json_t **out, struct err *e)
{
	struct rect_tx t;
	int rc;

	*out = NULL;
	rc = pj_text(report, "report", "整改情况", EV_TEXT, true, e);
	if (rc == 0)
		rc = files_check(c, evidence, "evidence", e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.report = true;
	t.text = report;
	t.files = evidence;
	return rect_common(c, id, &t, out, e);
}

int
project_rect_review(struct ctx *c, int64_t id, bool accept,
    const char *note, json_t **out, struct err *e)
{
	struct rect_tx t;
	int rc;

	*out = NULL;
	rc = pj_text(note, "note", "复核意见", EV_TEXT, !accept, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.accept = accept;
	t.text = note;
	return rect_common(c, id, &t, out, e);
}
