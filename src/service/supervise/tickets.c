/* tickets.c - problem tickets (问题处置协同) and 亲商助企日 events.
 *
 * A ticket is opened by the supervisor (a 亲商助企日 problem, a complaint,
 * a leader's walk-through), by another domain inside its own transaction
 * (supervise_ticket_open: ratings, projects) or by the sweeper (stalled
 * cases). The responsible department answers with the reason and measures,
 * may ask for a later date through the one request queue, and gives the
 * result; the reporter rates it. Past the promised date the sweeper
 * escalates it along supervise.escalation_path. */
#include "service/supervise/supervise.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "core/supervise.h"
#include "service/case/case.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

#define TITLE_CHARS 100

static const struct {
	const char *key, *label;
} sources[] = {
	{ "qinshang", "亲商助企日" },
	{ "complaint", "投诉" },
	{ "walkthrough", "领导走流程" },
	{ "steward", "项目管家反映" },
	{ "stalled", "久拖无进展" },
	{ "overdue", "办件逾期" },
	{ "volume_gap", "体外循环" },
	{ "project", "项目审批滞后" },
	{ "rating", "差评" },
	{ "other", "其他" },
};

static const char *
source_label(const char *key)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (key != NULL && strcmp(sources[i].key, key) == 0)
			return sources[i].label;
	return NULL;
}

static const char *
status_label(const char *s)
{
	if (strcmp(s, "open") == 0)
		return "待处置";
	if (strcmp(s, "answered") == 0)
		return "整改中";
	if (strcmp(s, "resolved") == 0)
		return "已办结待评价";
	if (strcmp(s, "closed") == 0)
		return "已关闭";
	return s;
}

/* The body at level (1-based) of the configured path, "" when none. */
static void
level_body(int level, char out[SUPERVISE_BODY_MAX])
{
	struct supervise_path p;
	struct err e;

	out[0] = '\0';
	if (level <= 0 || supervise_path_parse(config_str(
	    "supervise.escalation_path"), &p, &e) != 0)
		return;
	if (level > p.n)
		level = p.n;
	snprintf(out, SUPERVISE_BODY_MAX, "%s", p.body[level - 1]);
}

/* ---- opening ---- */

static void
title_from(const char *problem, char out[TITLE_CHARS * 4 + 1])
{
	size_t i = 0, chars = 0;

	while (problem[i] != '\0' && chars < 30) {
		unsigned char ch = (unsigned char)problem[i];
		size_t n = ch < 0x80 ? 1 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4;

		if (ch == '\n' || ch == '\r')
			break;
		i += n;
		chars++;
	}
	if (i > TITLE_CHARS * 4)
		i = TITLE_CHARS * 4;
	memcpy(out, problem, i);
	out[i] = '\0';
}

int
supervise_ticket_open(struct ctx *c, struct db *db,
    const struct supervise_ticket_in *in, int64_t *id, struct err *e)
{
	char promised[11], today[11], title[TITLE_CHARS * 4 + 1];
	int64_t reporter = in->reporter_id > 0 ? in->reporter_id :
	    in->reporter_id < 0 ? 0 : c->actor->user_id, now = clock_now();
	const char *reporter_name = "";
	struct db_stmt *s;
	json_t *sum;
	int rc;

	*id = 0;
	if (source_label(in->source) == NULL)
		return err_field(e, ERR_INVALID, "source", "bad_source",
		    "问题来源无效");
	rc = sv_text(in->problem, "problem", "问题描述", LIMIT_TEXT_CHARS,
	    true, e);
	if (rc == 0)
		rc = sv_text(in->title, "title", "标题", TITLE_CHARS, false, e);
	if (rc == 0)
		rc = sv_dept_exists(db, in->dept_id, "dept_id", e);
	if (rc == 0)
		rc = sv_item_window_exist(db, in->item_id, in->window_id, e);
	if (rc != 0)
		return rc;
	if (in->n_other < 0 || in->n_other >= SUPERVISE_MAX_DEPTS)
		return err_field(e, ERR_INVALID, "other_dept_ids", "too_many",
		    "责任部门最多 %d 个", SUPERVISE_MAX_DEPTS);
	for (int i = 0; i < in->n_other; i++) {
		rc = sv_dept_exists(db, in->other_depts[i], "other_dept_ids",
		    e);
		if (rc != 0)
			return rc;
	}
	sv_today(today);
	if (in->promised_day != NULL && in->promised_day[0] != '\0') {
		rc = sv_day(in->promised_day, "promised_day", "承诺解决日期",
		    promised, e);
		if (rc != 0)
			return rc;
		if (strcmp(promised, today) < 0)
			return err_field(e, ERR_UNPROCESSABLE, "promised_day",
			    "date_in_past", "承诺解决日期不能早于今天");
	} else {
		rc = case_workdays_after_today(c, (int)config_int(
		    "supervise.ticket_due_workdays"), promised, e);
		if (rc != 0)
			return rc;
	}
	if (in->title != NULL && in->title[0] != '\0')
		snprintf(title, sizeof(title), "%s", in->title);
	else
		title_from(in->problem, title);
	if (in->auto_key != NULL) {
		int64_t n = 0;

		rc = db_query_int(db, e, &n, "SELECT count(*) FROM sv_tickets "
		    "WHERE auto_key = ?", "s", in->auto_key);
		if (rc < 0)
			return rc;
		if (n > 0)
			return 0;
	}
	if (reporter > 0 && reporter == c->actor->user_id)
		reporter_name = c->actor->name;
	s = db_query(db, e, "INSERT INTO sv_tickets (source, ref_type, ref_id, "
	    "case_id, dept_id, title, problem, promised_day, reporter_id, "
	    "reporter_name, auto_key, opened_by, created_at, updated_at, "
	    "item_id, window_id) "
	    "VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, "
	    "NULLIF(?, 0), "
	    "COALESCE((SELECT name FROM users WHERE id = ?), ?), ?, ?, ?, ?, "
	    "COALESCE(NULLIF(?, 0), (SELECT k.item_id FROM cases k WHERE "
	    "k.id = ?)), COALESCE(NULLIF(?, 0), (SELECT k.window_id FROM "
	    "cases k WHERE k.id = ?))) "
	    "RETURNING id", "ssiiisssiissiiiiiii", in->source,
	    in->ref_type != NULL ? in->ref_type : "", in->ref_id, in->case_id,
	    in->dept_id, title, in->problem, promised, reporter, reporter,
	    reporter_name, in->auto_key, c->actor->user_id, now, now,
	    in->item_id, in->case_id, in->window_id, in->case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "ticket: no id");
	rc = db_exec(db, e, "INSERT INTO sv_ticket_depts (ticket_id, dept_id, "
	    "lead) VALUES (?, ?, 1)", "ii", *id, in->dept_id);
	for (int i = 0; rc == 0 && i < in->n_other; i++)
		if (in->other_depts[i] != in->dept_id)
			rc = db_exec(db, e, "INSERT INTO sv_ticket_depts "
			    "(ticket_id, dept_id, lead) VALUES (?, ?, 0) "
			    "ON CONFLICT DO NOTHING", "ii", *id,
			    in->other_depts[i]);
	if (rc == 0)
		rc = sv_ticket_event(c, db, *id, "open", in->problem, e);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s}", "source", in->source,
	    "ref_type", in->ref_type != NULL ? in->ref_type : "", "ref_id",
	    (json_int_t)in->ref_id, "dept_id", (json_int_t)in->dept_id,
	    "title", title, "promised_day", promised);
	rc = sv_audit(c, "ticket.open", "ticket", *id, sum, e);
	json_decref(sum);
	/* Automatic tickets (auto_key) do not notify: the department finds
	 * them in its list, and the deadline warnings have told it already;
	 * their escalation does notify. */
	if (rc == 0 && in->auto_key == NULL) {
		char body[600];

		snprintf(body, sizeof(body), "问题：%s；请于 %s 前说明原因、"
		    "提出措施并解决。", title, promised);
		rc = notify_dept_admins(c, in->dept_id, 0, in->case_id,
		    "ticket_open", "新的问题工单", body, NULL, e);
	}
	return rc;
}

/* ---- reading ---- */

#define TICKET_COLS "t.id, t.source, t.ref_type, t.ref_id, t.case_id, " \
    "k.case_no, t.dept_id, d.name, t.title, t.problem, t.reason, " \
    "t.measures, t.promised_day, t.status, t.level, t.result, t.rating, " \
    "t.rating_comment, t.reporter_id, t.reporter_name, t.created_at, " \
    "t.resolved_at, t.closed_at, t.escalated_at, t.item_id, " \
    "COALESCE(ti.name, ''), t.window_id, COALESCE(tw.name, '')"
#define TICKET_FROM "FROM sv_tickets t JOIN departments d ON d.id = " \
    "t.dept_id LEFT JOIN cases k ON k.id = t.case_id LEFT JOIN items ti " \
    "ON ti.id = t.item_id LEFT JOIN windows tw ON tw.id = t.window_id "

static bool
in_depts(const json_t *depts, int64_t dept_id)
{
	size_t i;
	json_t *d;

	json_array_foreach(depts, i, d)
		if (json_integer_value(json_object_get(d, "id")) == dept_id)
			return true;
	return false;
}

static json_t *
ticket_row(struct ctx *c, struct db_stmt *s, const json_t *depts)
{
	const char *status = db_col_text(s, 13), *src = db_col_text(s, 1);
	int level = (int)db_col_int(s, 14);
	char today[11], body[SUPERVISE_BODY_MAX];
	bool open, answerer = false, reporter;
	const struct actor *a = c->actor;
	json_t *o;

	sv_today(today);
	level_body(level, body);
	open = strcmp(status, "open") == 0 || strcmp(status, "answered") == 0;
	if (depts != NULL && a->kind == ACTOR_STAFF && a->dept_id > 0 &&
	    actor_has(a, ROLE_APPROVER | ROLE_DEPT_ADMIN))
		answerer = in_depts(depts, a->dept_id);
	reporter = a->user_id > 0 && !db_col_is_null(s, 18) &&
	    db_col_int(s, 18) == a->user_id;
	o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:o, s:I, s:s, s:s, "
	    "s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:b}",
	    "id", (json_int_t)db_col_int(s, 0),
	    "source", src,
	    "source_label", source_label(src) != NULL ? source_label(src) : src,
	    "ref_type", db_col_text(s, 2),
	    "ref_id", (json_int_t)db_col_int(s, 3),
	    "case_id", db_col_is_null(s, 4) ? json_null() :
	    json_integer(db_col_int(s, 4)),
	    "case_no", sv_text_or_null(s, 5),
	    "dept_id", (json_int_t)db_col_int(s, 6),
	    "dept_name", db_col_text(s, 7),
	    "title", db_col_text(s, 8),
	    "problem", db_col_text(s, 9),
	    "reason", db_col_text(s, 10),
	    "measures", db_col_text(s, 11),
	    "promised_day", db_col_text(s, 12),
	    "status", status,
	    "status_label", status_label(status),
	    "level", level,
	    "level_body", body,
	    "overdue", open && strcmp(db_col_text(s, 12), today) < 0);
	json_object_set_new(o, "result", sv_text_or_null(s, 15));
	json_object_set_new(o, "rating", db_col_is_null(s, 16) ? json_null() :
	    json_integer(db_col_int(s, 16)));
	json_object_set_new(o, "rating_comment", sv_text_or_null(s, 17));
	json_object_set_new(o, "reporter_id", db_col_is_null(s, 18) ?
	    json_null() : json_integer(db_col_int(s, 18)));
	json_object_set_new(o, "reporter_name", json_string(db_col_text(s,
	    19)));
	json_object_set_new(o, "created_at", json_integer(db_col_int(s, 20)));
	json_object_set_new(o, "resolved_at", db_col_is_null(s, 21) ?
	    json_null() : json_integer(db_col_int(s, 21)));
	json_object_set_new(o, "closed_at", db_col_is_null(s, 22) ?
	    json_null() : json_integer(db_col_int(s, 22)));
	json_object_set_new(o, "escalated_at", db_col_is_null(s, 23) ?
	    json_null() : json_integer(db_col_int(s, 23)));
	json_object_set_new(o, "item_id", db_col_is_null(s, 24) ?
	    json_null() : json_integer(db_col_int(s, 24)));
	json_object_set_new(o, "item_name", json_string(db_col_text(s, 25)));
	json_object_set_new(o, "window_id", db_col_is_null(s, 26) ?
	    json_null() : json_integer(db_col_int(s, 26)));
	json_object_set_new(o, "window_name", json_string(db_col_text(s,
	    27)));
	json_object_set_new(o, "can", json_pack("{s:b, s:b, s:b, s:b, s:b}",
	    "answer", answerer && open,
	    "resolve", answerer && open,
	    "extend", answerer && open,
	    "rate", reporter && strcmp(status, "resolved") == 0,
	    "close", sv_supervisor(a) && strcmp(status, "resolved") == 0));
	return o;
}

static json_t *
ticket_depts(struct db *db, int64_t id, struct err *e)
{
	return db_query_json(db, e, "SELECT d.id, d.name, td.lead FROM "
	    "sv_ticket_depts td JOIN departments d ON d.id = td.dept_id "
	    "WHERE td.ticket_id = ? ORDER BY td.lead DESC, d.id", "i", id);
}

/* The visibility clause: ? = 1 (overseer) or the reporter or a department. */
#define TICKET_SCOPE "(? = 1 OR t.reporter_id = ? OR EXISTS (SELECT 1 " \
    "FROM sv_ticket_depts x WHERE x.ticket_id = t.id AND x.dept_id = ?))"

static void
scope_args(const struct actor *a, int64_t *all, int64_t *uid, int64_t *dept)
{
	*all = sv_overseer(a) ? 1 : 0;
	*uid = a->user_id > 0 ? a->user_id : -1;
	*dept = sv_dept_staff(a) ? a->dept_id : -1;
}

static int
ticket_load(struct ctx *c, struct db *db, int64_t id, bool events,
    json_t **out, struct err *e)
{
	int64_t all, uid, dept;
	struct db_stmt *s;
	json_t *depts, *o;
	int rc;

	*out = NULL;
	scope_args(c->actor, &all, &uid, &dept);
	depts = ticket_depts(db, id, e);
	if (depts == NULL)
		return err_rc(e);
	s = db_query(db, e, "SELECT " TICKET_COLS " " TICKET_FROM
	    "WHERE t.id = ? AND " TICKET_SCOPE, "iiii", id, all, uid, dept);
	if (s == NULL) {
		json_decref(depts);
		return err_rc(e);
	}
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		json_decref(depts);
		if (rc == DB_DONE)
			return err_set(e, ERR_NOT_FOUND, "ticket_not_found",
			    "问题工单不存在");
		return rc;
	}
	o = ticket_row(c, s, depts);
	db_finish(s);
	json_object_set_new(o, "depts", depts);
	if (events) {
		json_t *ev = db_query_json(db, e, "SELECT at, actor_name, "
		    "action, note FROM sv_ticket_events WHERE ticket_id = ? "
		    "ORDER BY id", "i", id);

		if (ev == NULL) {
			json_decref(o);
			return err_rc(e);
		}
		json_object_set_new(o, "events", ev);
	}
	*out = o;
	return 0;
}

int
supervise_ticket_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	return ticket_load(c, c->db, id, true, out, e);
}

int
supervise_ticket_list(struct ctx *c, const struct supervise_ticket_q *q,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	int64_t all, uid, dept, before = q->before_id;
	int limit = sv_limit(q->limit), n = 0, rc;
	const char *status = q->status != NULL && q->status[0] != '\0' ?
	    q->status : NULL;
	const char *source = q->source != NULL && q->source[0] != '\0' ?
	    q->source : NULL;
	char today[11], next[24];
	struct sv_period p;
	struct db_stmt *s;
	json_t *items;

	*out = NULL;
	if (a == NULL || (!sv_overseer(a) && !sv_dept_staff(a) &&
	    a->user_id <= 0))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看问题工单");
	if (status != NULL && strcmp(status, "open") != 0 &&
	    strcmp(status, "answered") != 0 && strcmp(status, "resolved") != 0
	    && strcmp(status, "closed") != 0)
		return err_field(e, ERR_INVALID, "status", "bad_status",
		    "状态须为 open、answered、resolved 或 closed");
	if (source != NULL && source_label(source) == NULL)
		return err_field(e, ERR_INVALID, "source", "bad_source",
		    "问题来源无效");
	if (sv_period(q->from, q->to, &p, e) != 0)
		return -ERR_INVALID;
	scope_args(a, &all, &uid, &dept);
	if (!all && q->dept_id != 0 && q->dept_id != a->dept_id)
		return err_field(e, ERR_FORBIDDEN, "dept_id", NULL,
		    "只能查看本部门的问题工单");
	if (before <= 0)
		before = INT64_MAX;
	sv_today(today);
	s = db_query(c->db, e, "SELECT " TICKET_COLS " " TICKET_FROM
	    "WHERE " TICKET_SCOPE " AND t.id < ? "
	    "AND (CAST(? AS TEXT) IS NULL OR t.status = ? OR (? = 'open' AND "
	    "t.status = 'answered')) "
	    "AND (CAST(? AS TEXT) IS NULL OR t.source = ?) "
	    "AND (? = 0 OR EXISTS (SELECT 1 FROM sv_ticket_depts y WHERE "
	    "y.ticket_id = t.id AND y.dept_id = ?)) "
	    "AND (CAST(? AS BIGINT) = 0 OR t.case_id = ?) "
	    "AND (? = 0 OR (t.status IN ('open', 'answered') AND "
	    "t.promised_day < ?)) AND (? = 0 OR t.level > 0) "
	    "AND (CAST(? AS TEXT) IS NULL OR (t.ref_type = ? AND t.ref_id = ?)) "
	    "AND (? = 0 OR t.window_id = ?) AND (? = 0 OR t.item_id = ?) "
	    "AND t.created_at >= ? AND t.created_at < ? "
	    "ORDER BY t.id DESC LIMIT ?",
	    "iiiisssssiiiiIsIssiiiiiiiI", all, uid, dept, before, status,
	    status, status, source, source, q->dept_id, q->dept_id, q->case_id,
	    q->case_id, (int)q->overdue, today, (int)q->escalated,
	    q->ref_type, q->ref_type, q->ref_id, q->window_id, q->window_id,
	    q->item_id, q->item_id, p.t0, p.t1, limit + 1);
	if (s == NULL)
		return err_rc(e);
	items = json_array();
	next[0] = '\0';
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (++n > limit) {
			snprintf(next, sizeof(next), "%" PRId64,
			    (int64_t)json_integer_value(json_object_get(
			    json_array_get(items, (size_t)limit - 1), "id")));
			break;
		}
		json_array_append_new(items, ticket_row(c, s, NULL));
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    next[0] != '\0' ? json_string(next) : json_null());
	return 0;
}

/* ---- acting ---- */

struct act_tx {
	struct ctx *c;
	int64_t id;
	const char *op;            /* answer, resolve, rate, close, create */
	const char *a1, *a2, *a3;  /* op's texts */
	int rating;
	const struct supervise_ticket_in *in;
	json_t *out;
};

/* Loads the ticket's status, lead department and promised day for a change
 * by a responsible department (dept true) or anyone who may see it. */
static int
ticket_state(struct act_tx *t, struct db *db, char status[16],
    char promised[11], int64_t *lead, int64_t *reporter, struct err *e)
{
	json_t *o;
	int rc;

	rc = ticket_load(t->c, db, t->id, false, &o, e);
	if (rc != 0)
		return rc;
	snprintf(status, 16, "%s", json_string_value(json_object_get(o,
	    "status")));
	snprintf(promised, 11, "%s", json_string_value(json_object_get(o,
	    "promised_day")));
	*lead = json_integer_value(json_object_get(o, "dept_id"));
	*reporter = json_integer_value(json_object_get(o, "reporter_id"));
	if (strcmp(t->op, "answer") == 0 || strcmp(t->op, "resolve") == 0 ||
	    strcmp(t->op, "extend") == 0) {
		bool ok = t->c->actor->kind == ACTOR_STAFF &&
		    actor_has(t->c->actor, ROLE_APPROVER | ROLE_DEPT_ADMIN) &&
		    in_depts(json_object_get(o, "depts"), t->c->actor->dept_id);

		json_decref(o);
		if (!ok)
			return err_set(e, ERR_FORBIDDEN, "not_responsible",
			    "只有责任部门的审批人员或部门管理员可以处置该工单");
		if (strcmp(status, "open") != 0 &&
		    strcmp(status, "answered") != 0)
			return err_set(e, ERR_CONFLICT, "ticket_not_open",
			    "工单已办结，不能再处置");
		return 0;
	}
	json_decref(o);
	return 0;
}

static int
act_fn(struct db *db, void *arg, struct err *e)
{
	struct act_tx *t = arg;
	struct ctx *c = t->c;
	char status[16], promised[11], today[11];
	int64_t lead = 0, reporter = 0, now = clock_now();
	json_t *sum = NULL;
	int rc;

	if (strcmp(t->op, "create") == 0) {
		rc = supervise_ticket_open(c, db, t->in, &t->id, e);
		if (rc != 0)
			return rc;
		return ticket_load(c, db, t->id, true, &t->out, e);
	}
	rc = ticket_state(t, db, status, promised, &lead, &reporter, e);
	if (rc != 0)
		return rc;
	sv_today(today);
	if (strcmp(t->op, "answer") == 0) {
		const char *day = t->a3 != NULL && t->a3[0] != '\0' ? t->a3 :
		    promised;

		if (strcmp(day, promised) > 0)
			return err_field(e, ERR_UNPROCESSABLE, "promised_day",
			    "later_needs_request", "推迟承诺日期须提交延期申请，"
			    "由督查室审批");
		if (strcmp(day, today) < 0)
			return err_field(e, ERR_UNPROCESSABLE, "promised_day",
			    "date_in_past", "承诺解决日期不能早于今天");
		rc = db_exec(db, e, "UPDATE sv_tickets SET reason = ?, "
		    "measures = ?, promised_day = ?, status = 'answered', "
		    "updated_at = ? WHERE id = ?", "sssii", t->a1, t->a2, day,
		    now, t->id);
		if (rc == 0) {
			char note[LIMIT_TEXT_CHARS * 2 * 4 + 64];

			snprintf(note, sizeof(note), "原因：%s；措施：%s；承诺 %s "
			    "前解决", t->a1, t->a2, day);
			rc = sv_ticket_event(c, db, t->id, "answer", note, e);
		}
		sum = json_pack("{s:s, s:s, s:s}", "reason", t->a1, "measures",
		    t->a2, "promised_day", day);
	} else if (strcmp(t->op, "resolve") == 0) {
		rc = db_exec(db, e, "UPDATE sv_tickets SET result = ?, "
		    "status = 'resolved', resolved_at = ?, updated_at = ? "
		    "WHERE id = ?", "siii", t->a1, now, now, t->id);
		if (rc == 0)
			rc = sv_ticket_event(c, db, t->id, "resolve", t->a1, e);
		if (rc == 0 && reporter > 0 && reporter != c->actor->user_id)
			rc = notify_user(c, reporter, 0, "ticket_resolved",
			    "问题工单已办结", "您反映的问题已办结，请查看处理结果"
			    "并评价。", e);
		sum = json_pack("{s:s}", "result", t->a1);
	} else if (strcmp(t->op, "rate") == 0) {
		bool low = t->rating <= 2;

		if (c->actor->user_id <= 0 || reporter != c->actor->user_id)
			return err_set(e, ERR_FORBIDDEN, "not_reporter",
			    "只有问题反映人可以评价处理结果");
		if (strcmp(status, "resolved") != 0)
			return err_set(e, ERR_CONFLICT, "ticket_not_resolved",
			    "工单尚未办结，不能评价");
		rc = db_exec(db, e, low ?
		    "UPDATE sv_tickets SET rating = ?, rating_comment = ?, "
		    "status = 'open', resolved_at = NULL, updated_at = ? "
		    "WHERE id = ?" :
		    "UPDATE sv_tickets SET rating = ?, rating_comment = ?, "
		    "status = 'closed', closed_at = ?, updated_at = ? "
		    "WHERE id = ?", low ? "Isii" : "Isiii", t->rating,
		    t->a1 != NULL ? t->a1 : "", now, now, t->id);
		if (rc == 0) {
			char note[LIMIT_TEXT_CHARS * 4 + 64];

			snprintf(note, sizeof(note), "评价 %d 分%s%s", t->rating,
			    t->a1 != NULL && t->a1[0] != '\0' ? "：" : "",
			    t->a1 != NULL ? t->a1 : "");
			rc = sv_ticket_event(c, db, t->id, low ? "reopen" :
			    "rate", note, e);
		}
		if (rc == 0 && low)
			rc = notify_dept_admins(c, lead, 0, 0, "ticket_reopened",
			    "问题工单被退回", "反映人对处理结果不满意，工单已退回"
			    "重新处置。", NULL, e);
		sum = json_pack("{s:i, s:b}", "rating", t->rating, "reopened",
		    low);
	} else if (strcmp(t->op, "close") == 0) {
		if (!sv_supervisor(c->actor))
			return err_set(e, ERR_FORBIDDEN, NULL,
			    "只有督查室可以关闭问题工单");
		if (strcmp(status, "resolved") != 0)
			return err_set(e, ERR_CONFLICT, "ticket_not_resolved",
			    "工单尚未办结，不能关闭");
		rc = db_exec(db, e, "UPDATE sv_tickets SET status = 'closed', "
		    "closed_at = ?, updated_at = ? WHERE id = ?", "iii", now, now,
		    t->id);
		if (rc == 0)
			rc = sv_ticket_event(c, db, t->id, "close", t->a1, e);
		sum = json_pack("{s:s}", "note", t->a1);
	} else {
		return err_internal(e, "ticket: unknown op %s", t->op);
	}
	if (rc == 0) {
		char action[32];

		snprintf(action, sizeof(action), "ticket.%s", t->op);
		rc = sv_audit(c, action, "ticket", t->id, sum, e);
	}
	json_decref(sum);
	if (rc == 0)
		rc = ticket_load(c, db, t->id, true, &t->out, e);
	return rc;
}

static int
act_run(struct act_tx *t, json_t **out, struct err *e)
{
	int rc = db_tx(t->c->db, act_fn, t, e);

	if (rc != 0) {
		json_decref(t->out);
		return rc;
	}
	*out = t->out;
	return 0;
}

int
supervise_ticket_create(struct ctx *c, const struct supervise_ticket_in *in,
    json_t **out, struct err *e)
{
	struct act_tx t = { .c = c, .op = "create", .in = in };

	*out = NULL;
	if (!sv_supervisor(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有督查室可以登记问题工单");
	return act_run(&t, out, e);
}

int
supervise_ticket_answer(struct ctx *c, int64_t id, const char *reason,
    const char *measures, const char *promised_day, json_t **out,
    struct err *e)
{
	struct act_tx t = { .c = c, .id = id, .op = "answer", .a1 = reason,
	    .a2 = measures };
	char day[11];
	int rc;

	*out = NULL;
	rc = sv_text(reason, "reason", "原因", LIMIT_TEXT_CHARS, true, e);
	if (rc == 0)
		rc = sv_text(measures, "measures", "解决措施", LIMIT_TEXT_CHARS,
		    true, e);
	if (rc == 0 && promised_day != NULL && promised_day[0] != '\0') {
		rc = sv_day(promised_day, "promised_day", "承诺解决日期", day,
		    e);
		t.a3 = day;
	}
	if (rc != 0)
		return rc;
	return act_run(&t, out, e);
}

int
supervise_ticket_resolve(struct ctx *c, int64_t id, const char *result,
    json_t **out, struct err *e)
{
	struct act_tx t = { .c = c, .id = id, .op = "resolve", .a1 = result };
	int rc;

	*out = NULL;
	rc = sv_text(result, "result", "处理结果", LIMIT_TEXT_CHARS, true, e);
	return rc != 0 ? rc : act_run(&t, out, e);
}

int
supervise_ticket_rate(struct ctx *c, int64_t id, int rating,
    const char *comment, json_t **out, struct err *e)
{
	struct act_tx t = { .c = c, .id = id, .op = "rate", .a1 = comment,
	    .rating = rating };
	int rc;

	*out = NULL;
	if (rating < 1 || rating > 5)
		return err_field(e, ERR_INVALID, "rating", "bad_rating",
		    "评价须为 1 至 5 分");
	rc = sv_text(comment, "comment", "评价意见", LIMIT_TEXT_CHARS,
	    rating <= 2, e);
	return rc != 0 ? rc : act_run(&t, out, e);
}

int
supervise_ticket_close(struct ctx *c, int64_t id, const char *note,
    json_t **out, struct err *e)
{
	struct act_tx t = { .c = c, .id = id, .op = "close", .a1 = note };
	int rc;

	*out = NULL;
	if (!sv_supervisor(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有督查室可以关闭问题工单");
	rc = sv_text(note, "note", "关闭说明", LIMIT_TEXT_CHARS, true, e);
	return rc != 0 ? rc : act_run(&t, out, e);
}

/* ---- a later date: the one request queue ---- */

struct extend_tx {
	struct act_tx a;
	const char *day;
	const char *reason;
	int64_t req_id;
};

static int
extend_fn(struct db *db, void *arg, struct err *e)
{
	struct extend_tx *t = arg;
	char status[16], promised[11], label[160], key[48];
	int64_t lead, reporter;
	struct request_in in;
	json_t *payload;
	int rc;

	rc = ticket_state(&t->a, db, status, promised, &lead, &reporter, e);
	if (rc != 0)
		return rc;
	if (strcmp(t->day, promised) <= 0)
		return err_field(e, ERR_UNPROCESSABLE, "new_day", "not_later",
		    "延期后的日期应晚于当前承诺日期 %s", promised);
	snprintf(label, sizeof(label), "问题工单 #%" PRId64 " 延期至 %s",
	    t->a.id, t->day);
	snprintf(key, sizeof(key), "ticket_extension:%" PRId64, t->a.id);
	payload = json_pack("{s:s, s:s}", "new_day", t->day, "old_day",
	    promised);
	memset(&in, 0, sizeof(in));
	in.kind = "ticket_extension";
	in.dept_id = t->a.c->actor->dept_id;
	in.subject_type = "ticket";
	in.subject_id = t->a.id;
	in.subject_label = label;
	in.pending_key = key;
	in.pending_msg = "该工单已有待审批的延期申请";
	in.payload = payload;
	in.reason = t->reason;
	rc = requests_submit(t->a.c, db, &in, &t->req_id, e);
	json_decref(payload);
	if (rc == 0)
		rc = sv_ticket_event(t->a.c, db, t->a.id, "extend_request",
		    label, e);
	return rc;
}

int
supervise_ticket_extend(struct ctx *c, int64_t id, const char *new_day,
    const char *reason, json_t **out, struct err *e)
{
	struct extend_tx t;
	char day[11], today[11];
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	rc = sv_day(new_day, "new_day", "延期后的日期", day, e);
	if (rc == 0)
		rc = sv_text(reason, "reason", "延期理由", LIMIT_TEXT_CHARS, true,
		    e);
	if (rc != 0)
		return rc;
	sv_today(today);
	if (strcmp(day, today) < 0)
		return err_field(e, ERR_UNPROCESSABLE, "new_day",
		    "date_in_past", "延期后的日期不能早于今天");
	t.a.c = c;
	t.a.id = id;
	t.a.op = "extend";
	t.day = day;
	t.reason = reason;
	rc = db_tx(c->db, extend_fn, &t, e);
	if (rc != 0)
		return rc;
	return requests_get(c, t.req_id, out, e);
}

/* apply(): an approved extension moves the date and resets the escalation;
 * either way the ticket's timeline records the decision. */
static int
extension_apply(struct ctx *c, struct db *db, const struct request *r,
    bool approve, struct err *e)
{
	const char *day = json_string_value(json_object_get(r->payload,
	    "new_day"));
	char note[200];
	int rc = 0;

	if (approve && day != NULL)
		rc = db_exec(db, e, "UPDATE sv_tickets SET promised_day = ?, "
		    "level = 0, updated_at = ? WHERE id = ?", "sii", day,
		    clock_now(), r->subject_id);
	snprintf(note, sizeof(note), "%s延期至 %s%s%s", approve ? "同意" :
	    "不同意", day != NULL ? day : "", r->comment[0] != '\0' ? "：" : "",
	    r->comment);
	if (rc == 0)
		rc = sv_ticket_event(c, db, r->subject_id, approve ?
		    "extend_approved" : "extend_rejected", note, e);
	return rc;
}

static const struct request_kind extension_kind = {
	.kind = "ticket_extension",
	.label = "问题工单延期",
	.decide_roles = ROLE_SUPERVISOR,
	.due_workdays = 3,
	.apply = extension_apply,
};

void
supervise_requests_register(void)
{
	requests_register(&extension_kind);
}
