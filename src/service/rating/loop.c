/* loop.c - the loop of a bad rating: 核实 -> 申诉复核 -> 整改 -> 反馈 ->
 * 回访 -> 监督 (rating.h). */
#include "service/rating/rating.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "core/rating.h"
#include "service/case/case.h"
#include "service/rating/rating_internal.h"
#include "store/db.h"

#define LOOP_STALE_MSG "该差评已被他人处理，请刷新后重试"

int
rating_stage_due(struct ctx *c, enum rating_stage s, char out[11],
    struct err *e)
{
	const char *key = rating_stage_setting(s);
	int days = key != NULL ? (int)config_int(key) :
	    rating_stage_default_days(s);

	return case_workdays_after_today(c, days, out, e);
}

json_t *
rating_loop_steps(struct ctx *c, int64_t loop_id, struct err *e)
{
	json_t *rows, *v;
	size_t i;

	rows = db_query_json(c->db, e, "SELECT id, stage, action, actor_name, "
	    "note, data, at FROM rating_loop_steps WHERE loop_id = ? ORDER BY "
	    "id", "i", loop_id);
	if (rows == NULL)
		return NULL;
	json_array_foreach(rows, i, v) {
		const char *st = json_string_value(json_object_get(v, "stage"));
		json_t *d = json_loads(json_string_value(json_object_get(v,
		    "data")), 0, NULL);

		json_object_set_new(v, "stage_label", json_string(
		    rating_stage_label(rating_stage_parse(st))));
		json_object_set_new(v, "data", d != NULL ? d : json_object());
	}
	return rows;
}

int
rating_upload_step(struct ctx *c, int64_t loop_id, int64_t step_id,
    const char *stage, const char *action, const char *note, struct err *e)
{
	char key[96], tcode[16];
	json_t *row, *p;
	int rc;

	row = db_query_row(c->db, e, "SELECT cs.case_no, r.id AS rating_id, "
	    "l.stage, COALESCE(l.rectify_kind, '') AS rk, COALESCE(l.measures, "
	    "'') AS m, COALESCE(l.rectify_due, '') AS rd, d.name AS dept "
	    "FROM rating_loops l JOIN ratings r ON r.id = l.rating_id JOIN "
	    "cases cs ON cs.id = l.case_id JOIN departments d ON d.id = "
	    "l.dept_id WHERE l.id = ?", "i", loop_id);
	if (row == NULL)
		return err_rc(e);
	snprintf(key, sizeof(key), "%s-rating-step-%" PRId64,
	    config_str("rating.region_code"), step_id);
	rating_time_code(clock_now(), tcode);
	p = json_pack("{s:s, s:s, s:O, s:O, s:I, s:s, s:s, s:O, s:s, s:s, "
	    "s:s, s:O, s:O, s:O, s:s}", "idemKey", key, "recordType",
	    "rectification", "projectNo", json_object_get(row, "case_no"),
	    "evalId", json_object_get(row, "rating_id"), "loopId",
	    (json_int_t)loop_id, "step", stage, "action", action,
	    "stageNow", json_object_get(row, "stage"), "content",
	    note != NULL ? note : "", "handleTime", tcode, "handleUser",
	    c->actor->name, "rectifyType", json_object_get(row, "rk"),
	    "rectifyMeasures", json_object_get(row, "m"), "rectifyDeadline",
	    json_object_get(row, "rd"), "areaCode",
	    config_str("rating.region_code"));
	json_object_set(p, "proDepart", json_object_get(row, "dept"));
	json_decref(row);
	rc = outbox_enqueue(c, "upload", "rating", key, p, e);
	json_decref(p);
	return rc;
}

/* Inside db_tx: one step of the history, its audit record and its upload. */
static int
step_write(struct ctx *c, int64_t loop_id, const char *stage,
    const char *action, const char *note, const json_t *data, struct err *e)
{
	struct db_stmt *s;
	char *dtext, idbuf[24];
	int64_t step_id = 0;
	json_t *sum;
	int rc;

	dtext = data != NULL ? json_dumps(data, JSON_COMPACT) : strdup("{}");
	if (dtext == NULL)
		return err_internal(e, "loop: out of memory");
	s = db_query(c->db, e, "INSERT INTO rating_loop_steps (loop_id, stage, "
	    "action, actor_id, actor_name, note, data, at) VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?) RETURNING id", "issiissi", loop_id, stage, action,
	    c->actor->user_id, c->actor->name, note != NULL ? note : "", dtext,
	    clock_now());
	free(dtext);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		step_id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "loop step: no id");
	sum = json_pack("{s:I, s:s, s:s, s:s, s:O}", "loop_id",
	    (json_int_t)loop_id, "stage", stage, "action", action, "note",
	    note != NULL ? note : "", "data", data != NULL ? (json_t *)data :
	    json_null());
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, loop_id);
	{
		char act[64];

		snprintf(act, sizeof(act), "rating.loop.%s", action);
		rc = audit_append(c, act, "rating_loop", idbuf, sum, e);
	}
	json_decref(sum);
	if (rc != 0)
		return rc;
	return rating_upload_step(c, loop_id, step_id, stage, action, note, e);
}

int
rating_loop_open(struct ctx *c, int64_t rating_id, int64_t case_id,
    int64_t dept_id, struct err *e)
{
	struct db_stmt *s;
	char today[11], due[11];
	int64_t id = 0, now = clock_now();
	int rc;

	rc = rating_stage_due(c, RATING_STAGE_VERIFY, due, e);
	if (rc != 0)
		return rc;
	clock_date(now, today);
	s = db_query(c->db, e, "INSERT INTO rating_loops (rating_id, case_id, "
	    "dept_id, stage, stage_started_day, due_day, created_at, "
	    "updated_at) VALUES (?, ?, ?, 'verify', ?, ?, ?, ?) RETURNING id",
	    "iiissii", rating_id, case_id, dept_id, today, due, now, now);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "loop: no id");
	rc = notify_dept_admins(c, dept_id, 0, case_id, "rating_bad",
	    "收到差评，请及时核实", "办件收到差评，请在期限内核实并整改。",
	    NULL, e);
	if (rc != 0)
		return rc;
	return step_write(c, id, "verify", "open", "差评进入核实", NULL, e);
}

/* ---- the loop's row ---- */

struct loop_row {
	int64_t id, rating_id, case_id, dept_id, rater_id, ext_req;
	enum rating_stage stage;
	int extension_days, sent_back;
	char rectify_kind[16], rectify_due[11], due_day[11];
};

static int
loop_load(struct db *db, int64_t id, struct loop_row *l, struct err *e)
{
	struct db_stmt *s;
	int rc;

	memset(l, 0, sizeof(*l));
	s = db_query(db, e, "SELECT l.id, l.rating_id, l.case_id, l.dept_id, "
	    "COALESCE(r.rater_id, 0), l.stage, l.extension_days, l.sent_back, "
	    "COALESCE(l.rectify_kind, ''), COALESCE(l.rectify_due, ''), "
	    "COALESCE(l.due_day, ''), COALESCE(l.extension_request_id, 0) FROM "
	    "rating_loops l JOIN ratings r ON r.id = l.rating_id WHERE l.id = ?",
	    "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		l->id = db_col_int(s, 0);
		l->rating_id = db_col_int(s, 1);
		l->case_id = db_col_int(s, 2);
		l->dept_id = db_col_int(s, 3);
		l->rater_id = db_col_int(s, 4);
		l->stage = rating_stage_parse(db_col_text(s, 5));
		l->extension_days = (int)db_col_int(s, 6);
		l->sent_back = (int)db_col_int(s, 7);
		snprintf(l->rectify_kind, sizeof(l->rectify_kind), "%s",
		    db_col_text(s, 8));
		snprintf(l->rectify_due, sizeof(l->rectify_due), "%s",
		    db_col_text(s, 9));
		snprintf(l->due_day, sizeof(l->due_day), "%s",
		    db_col_text(s, 10));
		l->ext_req = db_col_int(s, 11);
	}
	db_finish(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "loop_not_found",
		    "差评处置记录不存在");
	return rc < 0 ? rc : 0;
}

/* Moves the loop from stage `from` to `to` (a new due day), guarded by the
 * stage: 409 when another actor moved it first. */
static int
loop_move(struct ctx *c, const struct loop_row *l, enum rating_stage to,
    const char *due, struct err *e)
{
	char today[11];
	int64_t now = clock_now();
	int rc;

	clock_date(now, today);
	rc = db_exec(c->db, e, "UPDATE rating_loops SET stage = ?, "
	    "stage_started_day = ?, due_day = ?, warn_level = 'green', "
	    "updated_at = ?, closed_at = CASE WHEN ? = 'closed' THEN CAST(? AS BIGINT) ELSE "
	    "NULL END, version = version + 1 WHERE id = ? AND stage = ?",
	    "sssisiis", rating_stage_name(to), today, due, now,
	    rating_stage_name(to), now, l->id, rating_stage_name(l->stage));
	if (rc != 0)
		return rc;
	if (db_last_changes(c->db) != 1)
		return err_set(e, ERR_CONFLICT, "stale", LOOP_STALE_MSG);
	return 0;
}

static int
move_to(struct ctx *c, const struct loop_row *l, enum rating_stage to,
    struct err *e)
{
	char due[11] = "";
	int rc = 0;

	if (to != RATING_STAGE_CLOSED)
		rc = rating_stage_due(c, to, due, e);
	if (rc != 0)
		return rc;
	return loop_move(c, l, to, to == RATING_STAGE_CLOSED ? NULL : due, e);
}

/* ---- input helpers ---- */

static const char *
body_str(const json_t *body, const char *name)
{
	return json_string_value(json_object_get(body, name));
}

static int
need_text(const json_t *body, const char *name, const char *what,
    bool required, const char **out, struct err *e)
{
	const char *s = body_str(body, name);
	size_t n;

	*out = s != NULL ? s : "";
	if (s == NULL || s[0] == '\0') {
		if (!required)
			return 0;
		return err_field(e, ERR_INVALID, name, "required", "请填写%s",
		    what);
	}
	n = utf8_strlen(s);
	if (n == (size_t)-1 || n > LIMIT_TEXT_CHARS)
		return err_field(e, ERR_INVALID, name, "too_long",
		    "%s不能超过 %d 个字", what, LIMIT_TEXT_CHARS);
	return 0;
}

/* ---- the actions ---- */

struct act_tx {
	struct ctx *c;
	int64_t loop_id;
	const char *action;
	const json_t *body;
};

static int
act_verify(struct act_tx *t, struct loop_row *l, struct err *e)
{
	const char *note, *kind, *reason, *evidence;
	struct request_in in;
	char label[128];
	int64_t req = 0;
	json_t *p, *row;
	int rc;

	if (strcmp(t->action, "valid") == 0) {
		rc = need_text(t->body, "note", "核实情况", false, &note, e);
		if (rc == 0)
			rc = db_exec(t->c->db, e, "UPDATE rating_loops SET "
			    "verify_result = 'valid' WHERE id = ?", "i", l->id);
		if (rc == 0)
			rc = move_to(t->c, l, RATING_STAGE_RECTIFY, e);
		if (rc == 0)
			rc = step_write(t->c, l->id, "verify", "valid", note,
			    NULL, e);
		return rc;
	}
	/* claim: 误评 / 恶意差评 with evidence, decided by the hall. */
	kind = body_str(t->body, "claim_kind");
	if (rating_claim_label(kind) == NULL)
		return err_field(e, ERR_INVALID, "claim_kind", "bad_claim",
		    "申诉类型须为 mistaken（误评）或 malicious（恶意差评）");
	rc = need_text(t->body, "reason", "申诉理由", true, &reason, e);
	if (rc == 0)
		rc = need_text(t->body, "evidence", "证据说明", true, &evidence,
		    e);
	if (rc != 0)
		return rc;
	row = db_query_row(t->c->db, e, "SELECT cs.case_no FROM cases cs "
	    "WHERE cs.id = ?", "i", l->case_id);
	if (row == NULL)
		return err_rc(e);
	snprintf(label, sizeof(label), "%s 差评申诉（%s）",
	    json_string_value(json_object_get(row, "case_no")),
	    rating_claim_label(kind));
	json_decref(row);
	p = json_pack("{s:I, s:I, s:s, s:s, s:s}", "loop_id",
	    (json_int_t)l->id, "rating_id", (json_int_t)l->rating_id,
	    "claim_kind", kind, "claim_label", rating_claim_label(kind),
	    "evidence", evidence);
	memset(&in, 0, sizeof(in));
	in.kind = "rating_appeal";
	in.dept_id = l->dept_id;
	in.subject_type = "rating_loop";
	in.subject_id = l->id;
	in.subject_label = label;
	in.pending_msg = "该差评已有待复核的申诉";
	in.payload = p;
	in.reason = reason;
	rc = requests_submit(t->c, t->c->db, &in, &req, e);
	json_decref(p);
	if (rc != 0)
		return rc;
	rc = db_exec(t->c->db, e, "UPDATE rating_loops SET verify_result = ?, "
	    "claim_kind = ?, claim_request_id = ? WHERE id = ?", "ssii", kind,
	    kind, req, l->id);
	if (rc == 0) {
		/* The queue's due date is the stage's deadline. */
		json_t *r = db_query_row(t->c->db, e, "SELECT due_date FROM "
		    "requests WHERE id = ?", "i", req);

		if (r == NULL)
			return err_rc(e);
		rc = loop_move(t->c, l, RATING_STAGE_APPEAL,
		    json_string_value(json_object_get(r, "due_date")), e);
		json_decref(r);
	}
	if (rc == 0) {
		json_t *d = json_pack("{s:s, s:s, s:I}", "claim_kind", kind,
		    "evidence", evidence, "request_id", (json_int_t)req);

		rc = step_write(t->c, l->id, "verify", "claim", reason, d, e);
		json_decref(d);
	}
	return rc;
}

static int
act_rectify(struct act_tx *t, struct loop_row *l, struct err *e)
{
	const char *kind, *measures, *due, *note;
	char maxday[11];
	int32_t d, today, dmax;
	json_t *data;
	int rc;

	if (strcmp(t->action, "rectify_done") == 0) {
		if (strcmp(l->rectify_kind, "plan") != 0)
			return err_set(e, ERR_CONFLICT, "no_plan",
			    "尚未制定限期整改计划");
		rc = need_text(t->body, "note", "整改完成情况", true, &note, e);
		if (rc == 0)
			rc = move_to(t->c, l, RATING_STAGE_FEEDBACK, e);
		if (rc == 0)
			rc = step_write(t->c, l->id, "rectify", "rectify_done",
			    note, NULL, e);
		return rc;
	}
	if (l->rectify_kind[0] != '\0')
		return err_set(e, ERR_CONFLICT, "already_planned",
		    "已制定整改计划，请在完成后提交整改结果");
	kind = body_str(t->body, "kind");
	if (rating_rectify_label(kind) == NULL)
		return err_field(e, ERR_INVALID, "kind", "bad_kind",
		    "整改方式须为 immediate（立行立改）、plan（限期整改）或 "
		    "explain（解释说明）");
	rc = need_text(t->body, "measures", strcmp(kind, "explain") == 0 ?
	    "解释说明" : "整改措施", true, &measures, e);
	if (rc != 0)
		return rc;
	data = json_pack("{s:s, s:s}", "kind", kind, "kind_label",
	    rating_rectify_label(kind));
	if (strcmp(kind, "plan") != 0) {
		rc = db_exec(t->c->db, e, "UPDATE rating_loops SET rectify_kind "
		    "= ?, measures = ?, rectify_due = NULL WHERE id = ?", "ssi",
		    kind, measures, l->id);
		if (rc == 0)
			rc = move_to(t->c, l, RATING_STAGE_FEEDBACK, e);
		goto step;
	}
	due = body_str(t->body, "due_day");
	if (due == NULL || calendar_day_parse(due, &d, e) != 0) {
		json_decref(data);
		err_clear(e);
		return err_field(e, ERR_INVALID, "due_day", "bad_date",
		    "整改期限格式应为 YYYY-MM-DD");
	}
	rc = case_workdays_after_today(t->c,
	    (int)config_int("rating.rectify_max_days"), maxday, e);
	if (rc == 0)
		rc = calendar_day_parse(maxday, &dmax, e);
	if (rc != 0) {
		json_decref(data);
		return rc;
	}
	today = deadlines_today();
	if (d < today || d > dmax) {
		json_decref(data);
		return err_field(e, ERR_UNPROCESSABLE, "due_day", "bad_due",
		    "整改期限须在今天到 %s 之间（不超过 %d 个工作日）", maxday,
		    (int)config_int("rating.rectify_max_days"));
	}
	json_object_set_new(data, "due_day", json_string(due));
	rc = db_exec(t->c->db, e, "UPDATE rating_loops SET rectify_kind = ?, "
	    "measures = ?, rectify_due = ? WHERE id = ?", "sssi", kind,
	    measures, due, l->id);
	if (rc == 0)
		rc = db_exec(t->c->db, e, "UPDATE rating_loops SET due_day = ?, "
		    "warn_level = 'green', version = version + 1 WHERE id = ?",
		    "si", due, l->id);
step:
	if (rc == 0)
		rc = step_write(t->c, l->id, "rectify", "rectify", measures,
		    data, e);
	json_decref(data);
	return rc;
}

static int
act_extend(struct act_tx *t, struct loop_row *l, struct err *e)
{
	const char *reason;
	struct request_in in;
	json_int_t days;
	json_t *p, *d;
	int64_t req = 0;
	int rc;

	if (strcmp(l->rectify_kind, "plan") != 0)
		return err_set(e, ERR_CONFLICT, "no_plan",
		    "只有限期整改可以申请延期");
	if (l->ext_req != 0)
		return err_set(e, ERR_CONFLICT, "extension_used",
		    "限期整改只能申请一次延期");
	d = json_object_get(t->body, "days");
	days = json_is_integer(d) ? json_integer_value(d) : 0;
	if (days < 1 || days > config_int("rating.rectify_max_days"))
		return err_field(e, ERR_INVALID, "days", "bad_days",
		    "延期天数须为 1 到 %d 个工作日",
		    (int)config_int("rating.rectify_max_days"));
	rc = need_text(t->body, "reason", "延期理由", true, &reason, e);
	if (rc != 0)
		return rc;
	p = json_pack("{s:I, s:I, s:s}", "loop_id", (json_int_t)l->id, "days",
	    days, "rectify_due", l->rectify_due);
	memset(&in, 0, sizeof(in));
	in.kind = "rating_extension";
	in.dept_id = l->dept_id;
	in.subject_type = "rating_loop";
	in.subject_id = l->id;
	in.subject_label = "差评整改延期";
	in.pending_msg = "该差评已有待审批的延期申请";
	in.payload = p;
	in.reason = reason;
	rc = requests_submit(t->c, t->c->db, &in, &req, e);
	json_decref(p);
	if (rc == 0)
		rc = db_exec(t->c->db, e, "UPDATE rating_loops SET "
		    "extension_request_id = ? WHERE id = ?", "ii", req, l->id);
	if (rc == 0) {
		d = json_pack("{s:I, s:I}", "days", days, "request_id",
		    (json_int_t)req);
		rc = step_write(t->c, l->id, "rectify", "extend", reason, d, e);
		json_decref(d);
	}
	return rc;
}

static int
act_feedback(struct act_tx *t, struct loop_row *l, struct err *e)
{
	const char *text;
	int rc;

	rc = need_text(t->body, "text", "反馈内容", true, &text, e);
	if (rc != 0)
		return rc;
	rc = db_exec(t->c->db, e, "UPDATE rating_loops SET feedback_text = ? "
	    "WHERE id = ?", "si", text, l->id);
	if (rc == 0 && l->rater_id > 0)
		rc = notify_user_sms(t->c, l->rater_id, l->case_id,
		    "rating_feedback", "您的评价已处理", text, e);
	if (rc == 0)
		rc = move_to(t->c, l, RATING_STAGE_REVISIT, e);
	if (rc == 0)
		rc = step_write(t->c, l->id, "feedback", "feedback", text, NULL,
		    e);
	return rc;
}

static int
act_revisit(struct act_tx *t, struct loop_row *l, struct err *e)
{
	const json_t *b = t->body;
	json_t *sat = json_object_get(b, "satisfaction"), *d;
	bool contacted = json_is_true(json_object_get(b, "contacted"));
	bool reachable = json_is_true(json_object_get(b, "reachable"));
	const char *note;
	int level = json_is_integer(sat) ? (int)json_integer_value(sat) : 0;
	int rc;

	if (!json_is_boolean(json_object_get(b, "contacted")) ||
	    !json_is_boolean(json_object_get(b, "reachable")))
		return err_field(e, ERR_INVALID, "contacted", "required",
		    "请填写是否已联系、是否联系上评价人");
	if (reachable && rating_level_label(level) == NULL)
		return err_field(e, ERR_INVALID, "satisfaction", "bad_level",
		    "请填写评价人对处置的满意度（1 到 5）");
	rc = need_text(b, "note", "回访情况", false, &note, e);
	if (rc != 0)
		return rc;
	rc = db_exec(t->c->db, e, "UPDATE rating_loops SET revisit_contacted = "
	    "?, revisit_reachable = ?, revisit_satisfaction = NULLIF(?, 0), "
	    "revisit_note = ? WHERE id = ?", "IIIsi", contacted ? 1 : 0,
	    reachable ? 1 : 0, reachable ? level : 0, note, l->id);
	if (rc == 0)
		rc = move_to(t->c, l, RATING_STAGE_SUPERVISE, e);
	if (rc == 0) {
		d = json_pack("{s:b, s:b, s:o}", "contacted", contacted,
		    "reachable", reachable, "satisfaction", reachable ?
		    json_integer(level) : json_null());
		rc = step_write(t->c, l->id, "revisit", "revisit", note, d, e);
		json_decref(d);
	}
	return rc;
}

static int
act_supervise(struct act_tx *t, struct loop_row *l, struct err *e)
{
	const char *note;
	bool back = strcmp(t->action, "send_back") == 0;
	int rc;

	rc = need_text(t->body, back ? "reason" : "note", back ? "退回理由" :
	    "监督意见", back, &note, e);
	if (rc != 0)
		return rc;
	if (back) {
		rc = db_exec(t->c->db, e, "UPDATE rating_loops SET sent_back = "
		    "sent_back + 1, rectify_kind = NULL, measures = NULL, "
		    "rectify_due = NULL WHERE id = ?", "i", l->id);
		if (rc == 0)
			rc = move_to(t->c, l, RATING_STAGE_RECTIFY, e);
		if (rc == 0)
			rc = notify_dept_admins(t->c, l->dept_id, 0, l->case_id,
			    "rating_sent_back", "差评整改被督查室退回", note,
			    NULL, e);
	} else {
		rc = db_exec(t->c->db, e, "UPDATE rating_loops SET outcome = "
		    "'rectified' WHERE id = ?", "i", l->id);
		if (rc == 0)
			rc = move_to(t->c, l, RATING_STAGE_CLOSED, e);
	}
	if (rc == 0)
		rc = step_write(t->c, l->id, "supervise", t->action, note, NULL,
		    e);
	return rc;
}

static int
act_fn(struct db *db, void *arg, struct err *e)
{
	struct act_tx *t = arg;
	const struct actor *a = t->c->actor;
	struct loop_row l;
	bool extend;
	int rc;

	rc = db_tx_lock(db, INT64_C(0x6f6e657472690250) + t->loop_id, e);
	if (rc == 0)
		rc = loop_load(db, t->loop_id, &l, e);
	if (rc != 0)
		return rc;
	extend = strcmp(t->action, "extend") == 0;
	if (!extend && rating_stage_next(l.stage, t->action) ==
	    RATING_STAGE_NONE && !(l.stage == RATING_STAGE_RECTIFY &&
	    strcmp(t->action, "rectify") == 0))
		return err_set(e, ERR_CONFLICT, "bad_stage",
		    "当前处于“%s”环节，不能执行该操作",
		    rating_stage_label(l.stage));
	if (extend && l.stage != RATING_STAGE_RECTIFY)
		return err_set(e, ERR_CONFLICT, "bad_stage",
		    "当前处于“%s”环节，不能申请延期", rating_stage_label(l.stage));
	if (l.stage == RATING_STAGE_SUPERVISE) {
		if (a->kind != ACTOR_SYSTEM && !actor_has(a, ROLE_SUPERVISOR))
			return err_set(e, ERR_FORBIDDEN, NULL,
			    "只有督查人员可以办结或退回差评整改");
		return act_supervise(t, &l, e);
	}
	if (!rating_dept_staff(a, l.dept_id) || (a->kind != ACTOR_SYSTEM &&
	    !actor_has(a, ROLE_DEPT_ADMIN | ROLE_APPROVER)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有责任部门的管理员或审批人员可以处置该差评");
	switch (l.stage) {
	case RATING_STAGE_VERIFY:
		return act_verify(t, &l, e);
	case RATING_STAGE_RECTIFY:
		return extend ? act_extend(t, &l, e) : act_rectify(t, &l, e);
	case RATING_STAGE_FEEDBACK:
		return act_feedback(t, &l, e);
	case RATING_STAGE_REVISIT:
		return act_revisit(t, &l, e);
	default:
		return err_set(e, ERR_CONFLICT, "bad_stage",
		    "当前处于“%s”环节，不能执行该操作",
		    rating_stage_label(l.stage));
	}
}

int
rating_loop_act(struct ctx *c, int64_t loop_id, const char *action,
    const json_t *body, json_t **out, struct err *e)
{
	struct act_tx t = { c, loop_id, action, body };
	int rc;

	*out = NULL;
	if (c->actor == NULL || (c->actor->kind != ACTOR_SYSTEM &&
	    !actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_APPROVER |
	    ROLE_SUPERVISOR)))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权处置差评");
	if (action == NULL || (strcmp(action, "extend") != 0 &&
	    strcmp(action, "valid") != 0 && strcmp(action, "claim") != 0 &&
	    strcmp(action, "rectify") != 0 &&
	    strcmp(action, "rectify_done") != 0 &&
	    strcmp(action, "feedback") != 0 && strcmp(action, "revisit") != 0 &&
	    strcmp(action, "close") != 0 && strcmp(action, "send_back") != 0))
		return err_set(e, ERR_NOT_FOUND, "bad_action", "未知的处置操作");
	rc = db_tx(c->db, act_fn, &t, e);
	if (rc != 0)
		return rc;
	return rating_loop_get(c, loop_id, out, e);
}

/* ---- the request kinds ---- */

static int
appeal_apply(struct ctx *c, struct db *db, const struct request *r,
    bool approve, struct err *e)
{
	struct loop_row l;
	int rc;

	(void)db;
	rc = loop_load(c->db, r->subject_id, &l, e);
	if (rc != 0)
		return rc;
	if (l.stage != RATING_STAGE_APPEAL)
		return err_set(e, ERR_CONFLICT, "bad_stage", LOOP_STALE_MSG);
	if (approve) {
		rc = db_exec(c->db, e, "UPDATE ratings SET excluded = 1 WHERE "
		    "id = ?", "i", l.rating_id);
		if (rc == 0)
			rc = db_exec(c->db, e, "UPDATE rating_loops SET outcome = "
			    "'appeal_accepted' WHERE id = ?", "i", l.id);
		if (rc == 0)
			rc = move_to(c, &l, RATING_STAGE_CLOSED, e);
		if (rc == 0)
			rc = step_write(c, l.id, "appeal", "claim_accepted",
			    r->comment, NULL, e);
		return rc;
	}
	rc = move_to(c, &l, RATING_STAGE_RECTIFY, e);
	if (rc == 0)
		rc = step_write(c, l.id, "appeal", "claim_refused", r->comment,
		    NULL, e);
	return rc;
}

static int
extension_apply(struct ctx *c, struct db *db, const struct request *r,
    bool approve, struct err *e)
{
	const struct calendar *cal;
	struct loop_row l;
	int32_t d;
	char due[11];
	json_int_t days = json_integer_value(json_object_get(r->payload,
	    "days"));
	json_t *data;
	int rc;

	(void)db;
	rc = loop_load(c->db, r->subject_id, &l, e);
	if (rc != 0)
		return rc;
	if (!approve)
		return step_write(c, l.id, "rectify", "extension_refused",
		    r->comment, NULL, e);
	if (l.stage != RATING_STAGE_RECTIFY || l.rectify_due[0] == '\0')
		return err_set(e, ERR_CONFLICT, "bad_stage", LOOP_STALE_MSG);
	rc = case_calendar_current(c, &cal, e);
	if (rc == 0)
		rc = calendar_day_parse(l.rectify_due, &d, e);
	if (rc != 0)
		return rc;
	calendar_day_format(calendar_add_workdays(cal, d, (int)days), due);
	rc = db_exec(c->db, e, "UPDATE rating_loops SET rectify_due = ?, "
	    "due_day = ?, extension_days = extension_days + ?, warn_level = "
	    "'green', version = version + 1 WHERE id = ?", "ssIi", due, due,
	    (int)days, l.id);
	if (rc != 0)
		return rc;
	data = json_pack("{s:I, s:s}", "days", days, "due_day", due);
	rc = step_write(c, l.id, "rectify", "extension_approved", r->comment,
	    data, e);
	json_decref(data);
	return rc;
}

static const struct request_kind appeal_kind = {
	.kind = "rating_appeal", .label = "差评申诉复核",
	.decide_roles = ROLE_HALL_ADMIN, .due_workdays = 0,
	.apply = appeal_apply,
};

static const struct request_kind extension_kind = {
	.kind = "rating_extension", .label = "差评整改延期",
	.decide_roles = ROLE_HALL_ADMIN | ROLE_SUPERVISOR, .due_workdays = 0,
	.apply = extension_apply,
};

void
rating_requests_register(void)
{
	requests_register(&appeal_kind);
	requests_register(&extension_kind);
}

/* ---- reading loops ---- */

#define LOOP_COLS "l.id, l.rating_id, l.case_id, cs.case_no, i.name, " \
    "l.dept_id, d.name, r.level, r.text, l.stage, COALESCE(l.due_day, ''), " \
    "COALESCE(l.claim_kind, ''), COALESCE(l.claim_request_id, 0), " \
    "COALESCE(l.rectify_kind, ''), COALESCE(l.measures, ''), " \
    "COALESCE(l.rectify_due, ''), l.extension_days, l.created_at, " \
    "COALESCE(l.outcome, ''), l.sent_back, COALESCE(l.feedback_text, ''), " \
    "COALESCE(l.extension_request_id, 0), r.anonymous, cs.applicant_name, " \
    "l.warn_level"
#define LOOP_FROM "FROM rating_loops l JOIN ratings r ON r.id = " \
    "l.rating_id JOIN cases cs ON cs.id = l.case_id JOIN items i ON i.id = " \
    "r.item_id JOIN departments d ON d.id = l.dept_id "

static json_t *
loop_row_json(struct db_stmt *s, const struct calendar *cal, int32_t today)
{
	const char *stage = db_col_text(s, 9), *due = db_col_text(s, 10);
	int level = (int)db_col_int(s, 7);
	int32_t dd = CALENDAR_NO_DAY;
	struct err e;
	int w = 0;

	err_clear(&e);
	if (strcmp(stage, "closed") != 0 && due[0] != '\0' &&
	    calendar_day_parse(due, &dd, &e) == 0)
		w = rating_stage_warn(cal, dd, today);
	/* What the sweeper flagged stays until the stage moves on. */
	if (strcmp(stage, "closed") != 0) {
		const char *stored = db_col_text(s, 24);

		if (strcmp(stored, "red") == 0)
			w = 2;
		else if (strcmp(stored, "yellow") == 0 && w < 1)
			w = 1;
	}
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:i, s:s, s:s, "
	    "s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:i, s:I, s:s, s:i, s:s, "
	    "s:b, s:s}",
	    "id", (json_int_t)db_col_int(s, 0), "rating_id",
	    (json_int_t)db_col_int(s, 1), "case_id",
	    (json_int_t)db_col_int(s, 2), "case_no", db_col_text(s, 3),
	    "item_name", db_col_text(s, 4), "dept_id",
	    (json_int_t)db_col_int(s, 5), "dept_name", db_col_text(s, 6),
	    "level", level, "level_label", rating_level_label(level), "text",
	    db_col_text(s, 8), "stage", stage, "stage_label",
	    rating_stage_label(rating_stage_parse(stage)), "due_day", due,
	    "claim_kind", db_col_text(s, 11), "claim_request_id",
	    (json_int_t)db_col_int(s, 12), "rectify_kind", db_col_text(s, 13),
	    "measures", db_col_text(s, 14), "rectify_due", db_col_text(s, 15),
	    "extension_days", (int)db_col_int(s, 16), "created_at",
	    (json_int_t)db_col_int(s, 17), "outcome", db_col_text(s, 18),
	    "sent_back", (int)db_col_int(s, 19), "warn", rating_warn_name(w),
	    "extension_used", db_col_int(s, 21) != 0, "rater_name",
	    db_col_int(s, 22) != 0 ? "匿名" : db_col_text(s, 23));
}

static int
loop_scope(const struct actor *a, int64_t *dept, struct err *e)
{
	if (a != NULL && (a->kind == ACTOR_SYSTEM ||
	    actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)))
		return 0;
	if (a == NULL || !actor_has(a, ROLE_DEPT_ADMIN | ROLE_APPROVER) ||
	    a->dept_id <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看差评处置");
	if (*dept != 0 && *dept != a->dept_id)
		return err_field(e, ERR_FORBIDDEN, "dept_id", NULL,
		    "只能查看本部门的差评处置");
	*dept = a->dept_id;
	return 0;
}

int
rating_loop_get(struct ctx *c, int64_t loop_id, json_t **out, struct err *e)
{
	const struct calendar *cal;
	struct db_stmt *s;
	int64_t dept = 0;
	json_t *steps;
	int rc;

	*out = NULL;
	rc = loop_scope(c->actor, &dept, e);
	if (rc == 0)
		rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	s = db_query(c->db, e, "SELECT " LOOP_COLS " " LOOP_FROM "WHERE l.id = "
	    "? AND (? = 0 OR l.dept_id = ?)", "iii", loop_id, dept, dept);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*out = loop_row_json(s, cal, deadlines_today());
	db_finish(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "loop_not_found",
		    "差评处置记录不存在");
	if (rc < 0)
		return rc;
	steps = rating_loop_steps(c, loop_id, e);
	if (steps == NULL) {
		json_decref(*out);
		*out = NULL;
		return err_rc(e);
	}
	json_object_set_new(*out, "steps", steps);
	return 0;
}

int
rating_loop_list(struct ctx *c, const struct rating_loop_query *q,
    json_t **out, struct err *e)
{
	const struct calendar *cal;
	const char *stage = q->stage != NULL && q->stage[0] ? q->stage : NULL;
	int64_t dept = q->dept_id, before = q->before_id, last = 0;
	int32_t today = deadlines_today(), d;
	int limit = q->limit <= 0 ? LIMIT_PAGE_DEFAULT :
	    q->limit > LIMIT_PAGE_MAX ? LIMIT_PAGE_MAX : q->limit;
	const char *from = q->from != NULL ? q->from : "";
	const char *to = q->to != NULL ? q->to : "";
	char today_s[11];
	struct db_stmt *s;
	json_t *items;
	int rc, n = 0;

	*out = NULL;
	if (from[0] != '\0' && calendar_day_parse(from, &d, e) != 0)
		return err_field(e, ERR_INVALID, "from", "bad_date",
		    "日期格式应为 YYYY-MM-DD");
	if (to[0] != '\0' && calendar_day_parse(to, &d, e) != 0)
		return err_field(e, ERR_INVALID, "to", "bad_date",
		    "日期格式应为 YYYY-MM-DD");
	rc = loop_scope(c->actor, &dept, e);
	if (rc == 0)
		rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	if (stage != NULL && rating_stage_parse(stage) == RATING_STAGE_NONE)
		return err_field(e, ERR_INVALID, "stage", "bad_stage",
		    "未知的处置环节：%s", stage);
	if (before <= 0)
		before = INT64_MAX;
	items = json_array();
	calendar_day_format(today, today_s);
	s = db_query(c->db, e, "SELECT " LOOP_COLS " " LOOP_FROM "WHERE l.id < "
	    "? AND (? = 0 OR l.dept_id = ?) AND (CAST(? AS TEXT) IS NULL OR "
	    "l.stage = ?) AND (? = 0 OR l.closed_at IS NULL) AND (? = 0 OR "
	    "(l.due_day IS NOT NULL AND l.due_day < ?)) AND (? = 0 OR "
	    "r.window_id = ?) AND (? = 0 OR r.item_id = ?) AND (? = '' OR "
	    "r.day >= ?) AND (? = '' OR r.day <= ?) ORDER BY l.id "
	    "DESC", "iiissIIsiiiissss", before, dept, dept, stage, stage,
	    q->open || q->overdue || q->past_due ? 1 : 0, q->past_due ? 1 : 0,
	    today_s, q->window_id, q->window_id, q->item_id, q->item_id,
	    from, from, to, to);
	if (s == NULL) {
		json_decref(items);
		return err_rc(e);
	}
	while ((rc = db_step(s, e)) == DB_ROW) {
		json_t *o = loop_row_json(s, cal, today);
		const char *w = json_string_value(json_object_get(o, "warn"));

		if (q->overdue && strcmp(w, "green") == 0) {
			json_decref(o);
			continue;
		}
		if (n == limit) {
			json_decref(o);
			break;
		}
		last = db_col_int(s, 0);
		json_array_append_new(items, o);
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	if (rc == DB_ROW) {
		char cur[24];

		snprintf(cur, sizeof(cur), "%" PRId64, last);
		json_object_set_new(*out, "next_cursor", json_string(cur));
	} else {
		json_object_set_new(*out, "next_cursor", json_null());
	}
	return 0;
}

int
rating_loop_open_steps(struct ctx *c, json_t **out, struct err *e)
{
	struct rating_loop_query q;
	json_t *all = NULL, *by, *overdue, *v;
	int open = 0, yellow = 0, red = 0, rc;
	size_t i;

	*out = NULL;
	if (c->actor == NULL || (c->actor->kind != ACTOR_SYSTEM &&
	    !actor_has(c->actor, ROLE_HALL_ADMIN | ROLE_SUPERVISOR |
	    ROLE_SYSADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看差评处置情况");
	memset(&q, 0, sizeof(q));
	q.open = true;
	q.limit = LIMIT_PAGE_MAX;
	rc = rating_loop_list(c, &q, &all, e);
	if (rc != 0)
		return rc;
	by = json_array();
	for (int s = RATING_STAGE_VERIFY; s < RATING_STAGE_CLOSED; s++)
		json_array_append_new(by, json_pack("{s:s, s:s, s:i, s:i, s:i}",
		    "stage", rating_stage_name((enum rating_stage)s), "label",
		    rating_stage_label((enum rating_stage)s), "open", 0,
		    "yellow", 0, "red", 0));
	overdue = json_array();
	json_array_foreach(json_object_get(all, "items"), i, v) {
		const char *w = json_string_value(json_object_get(v, "warn"));
		enum rating_stage st = rating_stage_parse(json_string_value(
		    json_object_get(v, "stage")));
		json_t *b = json_array_get(by, (size_t)st - 1);
		const char *k = strcmp(w, "red") == 0 ? "red" :
		    strcmp(w, "yellow") == 0 ? "yellow" : NULL;

		open++;
		json_object_set_new(b, "open", json_integer(
		    json_integer_value(json_object_get(b, "open")) + 1));
		if (k == NULL)
			continue;
		if (k[0] == 'r')
			red++;
		else
			yellow++;
		json_object_set_new(b, k, json_integer(
		    json_integer_value(json_object_get(b, k)) + 1));
		if (k[0] == 'r')
			json_array_insert(overdue, 0, v);
		else
			json_array_append(overdue, v);
	}
	json_decref(all);
	*out = json_pack("{s:i, s:i, s:i, s:o, s:o}", "open", open, "yellow",
	    yellow, "red", red, "by_stage", by, "overdue", overdue);
	return 0;
}

/* ---- the sweeper ---- */

struct warn_tx {
	struct ctx *c;
	int64_t loop_id, dept_id, case_id;
	const char *stage, *level;
	int sent_back;
	bool raised;
};

static int
warn_fn(struct db *db, void *arg, struct err *e)
{
	struct warn_tx *t = arg;
	char idbuf[24];
	json_t *sum;
	int rc;

	t->raised = false;
	rc = db_exec(db, e, "UPDATE rating_loops SET warn_level = ? WHERE id = "
	    "? AND stage = ?", "sis", t->level, t->loop_id, t->stage);
	if (rc != 0)
		return rc;
	rc = db_exec(db, e, "INSERT INTO rating_loop_warnings (loop_id, stage, "
	    "level, sent_back, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO "
	    "NOTHING", "issIi", t->loop_id, t->stage, t->level, t->sent_back,
	    clock_now());
	if (rc != 0 || db_last_changes(db) != 1)
		return rc;
	t->raised = true;
	rc = notify_dept_admins(t->c, t->dept_id, 0, t->case_id,
	    strcmp(t->level, "red") == 0 ? "rating_red" : "rating_yellow",
	    strcmp(t->level, "red") == 0 ? "差评处置已超期" : "差评处置即将到期",
	    "请尽快完成差评处置的当前环节。", NULL, e);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:s, s:s}", "stage", t->stage, "level", t->level);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->loop_id);
	rc = audit_append(t->c, "rating.loop.warning", "rating_loop", idbuf,
	    sum, e);
	json_decref(sum);
	return rc;
}

int
rating_loop_sweep(struct ctx *c, int *raised, struct err *e)
{
	const struct calendar *cal;
	int32_t today = deadlines_today();
	json_t *rows, *v;
	size_t i;
	int rc;

	*raised = 0;
	rc = case_calendar_current_fresh(c, &cal, e);
	if (rc != 0)
		return rc;
	rows = db_query_json(c->db, e, "SELECT id, dept_id, case_id, stage, "
	    "due_day, warn_level, sent_back FROM rating_loops WHERE closed_at "
	    "IS NULL AND due_day IS NOT NULL ORDER BY id", "");
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, v) {
		struct warn_tx t;
		struct err me;
		int32_t due;
		int w;

		err_clear(&me);
		if (calendar_day_parse(json_string_value(json_object_get(v,
		    "due_day")), &due, &me) != 0)
			continue;
		w = rating_stage_warn(cal, due, today);
		if (w == 0)
			continue;
		memset(&t, 0, sizeof(t));
		t.c = c;
		t.loop_id = json_integer_value(json_object_get(v, "id"));
		t.dept_id = json_integer_value(json_object_get(v, "dept_id"));
		t.case_id = json_integer_value(json_object_get(v, "case_id"));
		t.stage = json_string_value(json_object_get(v, "stage"));
		t.sent_back = (int)json_integer_value(json_object_get(v,
		    "sent_back"));
		t.level = rating_warn_name(w);
		if (db_tx(c->db, warn_fn, &t, &me) == 0 && t.raised)
			(*raised)++;
	}
	json_decref(rows);
	return 0;
}
