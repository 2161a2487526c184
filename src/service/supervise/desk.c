/* desk.c - the supervision desk (督查工作台): cases at yellow and red with
 * their explanations and whether the promised new date holds, cases that
 * stall, extensions granted, tickets and notices open and overdue, bad
 * ratings and their loops (好差评); by department, window, item and period,
 * each number backed by its list. */
#include "service/supervise/supervise.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "core/calendar.h"
#include "core/supervise.h"
#include "service/case/case.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

#define DESK_CASES_MAX 5000
#define DESK_LIST_MAX 500

static const char *const COUNTERS[] = {
	"yellow", "red", "stalled", "extended", "tickets_open",
	"tickets_overdue", "notices_open", "notices_overdue", "bad_ratings",
	"loops_open", "loops_overdue",
};
#define NCOUNTERS (sizeof(COUNTERS) / sizeof(COUNTERS[0]))

static int
check_q(struct ctx *c, const struct supervise_desk_q *q, char from[11],
    char to[11], struct err *e)
{
	struct sv_period p;

	if (!sv_overseer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有督查室和大厅管理员可以查看督查工作台");
	if (sv_period(q->from, q->to, &p, e) != 0)
		return -ERR_INVALID;
	memcpy(from, p.from, 11);
	memcpy(to, p.to, 11);
	return 0;
}

/* Open accepted cases (or, for "extended", cases with an extension) in the
 * filter, with what the desk needs. */
static struct db_stmt *
cases_query(struct ctx *c, const struct supervise_desk_q *q,
    const char *from, const char *to, bool extended, struct err *e)
{
	return db_query(c->db, e,
	    "SELECT k.id, k.case_no, COALESCE(i.name, ''), k.dept_id, d.name, "
	    "COALESCE(w.name, ''), k.state, k.accepted_day, k.due_day, "
	    "k.remaining_days, COALESCE(k.warn_level, ''), k.extension_days, "
	    "COALESCE((SELECT max(ev.at) FROM case_events ev WHERE "
	    "ev.case_id = k.id), k.created_at), x.reason, x.measures, "
	    "x.new_date, k.suspend_kind, k.closed_at "
	    "FROM cases k JOIN departments d ON d.id = k.dept_id "
	    "LEFT JOIN items i ON i.id = k.item_id "
	    "LEFT JOIN windows w ON w.id = k.window_id "
	    "LEFT JOIN overdue_explanations x ON x.id = (SELECT max(y.id) FROM "
	    "overdue_explanations y WHERE y.case_id = k.id) "
	    "WHERE k.accepted_at IS NOT NULL AND (? = 1 OR k.closed_at IS NULL) "
	    "AND (? = 0 OR k.extension_days > 0) "
	    "AND (? = 0 OR k.dept_id = ?) AND (? = 0 OR k.window_id = ?) "
	    "AND (? = 0 OR k.item_id = ?) AND (? = '' OR k.accepted_day >= ?) "
	    "AND (? = '' OR k.accepted_day <= ?) "
	    "ORDER BY k.inbox_rank, k.id LIMIT ?", "IIiiiiiissssI",
	    (int)extended, (int)extended, q->dept_id, q->dept_id, q->window_id,
	    q->window_id, q->item_id, q->item_id, from, from, to, to,
	    DESK_CASES_MAX);
}

/* Which counters a case row adds to: yellow, red, stalled, extended. */
static void
classify(struct db_stmt *s, const struct calendar *cal, int32_t today,
    int threshold, bool f[4], int *idle)
{
	const char *level = db_col_text(s, 10);
	char d[11];
	int32_t last;
	struct err pe;
	bool open = db_col_is_null(s, 17);

	f[0] = open && strcmp(level, "yellow") == 0;
	f[1] = open && strcmp(level, "red") == 0;
	*idle = 0;
	clock_date(db_col_int(s, 12), d);
	if (calendar_day_parse(d, &last, &pe) == 0)
		*idle = supervise_idle_workdays(cal, last, today);
	f[2] = open && db_col_is_null(s, 16) && *idle >= threshold;
	f[3] = db_col_int(s, 11) > 0;
}

static json_t *
dept_row(json_t *by, int64_t dept, const char *name)
{
	size_t i;
	json_t *o;

	json_array_foreach(by, i, o)
		if (json_integer_value(json_object_get(o, "dept_id")) == dept)
			return o;
	o = json_pack("{s:I, s:s}", "dept_id", (json_int_t)dept, "dept_name",
	    name);
	for (size_t k = 0; k < NCOUNTERS; k++)
		json_object_set_new(o, COUNTERS[k], json_integer(0));
	json_array_append_new(by, o);
	return o;
}

static void
bump(json_t *o, const char *key, int64_t n)
{
	json_object_set_new(o, key, json_integer(json_integer_value(
	    json_object_get(o, key)) + n));
}

/* Adds one grouped query's rows (dept_id, name, all, over) to by_dept. */
static int
add_rows(json_t *by, struct db_stmt *s, const char *key_all,
    const char *key_over, struct err *e)
{
	int rc;

	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		json_t *o = dept_row(by, db_col_int(s, 0), db_col_text(s, 1));

		bump(o, key_all, db_col_int(s, 2));
		if (key_over != NULL)
			bump(o, key_over, db_col_int(s, 3));
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* Adds one total query's row (all, over) to totals. */
static int
add_total(json_t *totals, struct db_stmt *s, const char *key_all,
    const char *key_over, struct err *e)
{
	int rc;

	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		bump(totals, key_all, db_col_int(s, 0));
		if (key_over != NULL)
			bump(totals, key_over, db_col_int(s, 1));
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* Tickets still open (open or answered) opened in the period, about the
 * window and item: by every responsible department (a ticket of two
 * departments is in both rows, as each department's ticket list shows
 * it), the totals counting each ticket once. */
#define TICKETS_WHERE "t.status IN ('open', 'answered') AND (? = 0 OR " \
    "t.window_id = ?) AND (? = 0 OR t.item_id = ?) AND t.created_at >= ? " \
    "AND t.created_at < ? "

static int
add_tickets(struct ctx *c, json_t *totals, json_t *by,
    const struct supervise_desk_q *q, const struct sv_period *p,
    const char *today, struct err *e)
{
	int rc;

	rc = add_rows(by, db_query(c->db, e, "SELECT y.dept_id, d.name, "
	    "count(*), sum(CASE WHEN t.promised_day < ? THEN 1 ELSE 0 END) "
	    "FROM sv_tickets t JOIN sv_ticket_depts y ON y.ticket_id = t.id "
	    "JOIN departments d ON d.id = y.dept_id WHERE " TICKETS_WHERE
	    "AND (? = 0 OR y.dept_id = ?) GROUP BY y.dept_id, d.name",
	    "siiiiiiii", today, q->window_id, q->window_id, q->item_id,
	    q->item_id, p->t0, p->t1, q->dept_id, q->dept_id), "tickets_open",
	    "tickets_overdue", e);
	if (rc != 0)
		return rc;
	return add_total(totals, db_query(c->db, e, "SELECT count(*), "
	    "COALESCE(sum(CASE WHEN t.promised_day < ? THEN 1 ELSE 0 END), 0) "
	    "FROM sv_tickets t WHERE " TICKETS_WHERE "AND (? = 0 OR EXISTS "
	    "(SELECT 1 FROM sv_ticket_depts y WHERE y.ticket_id = t.id AND "
	    "y.dept_id = ?))", "siiiiiiii", today, q->window_id, q->window_id,
	    q->item_id, q->item_id, p->t0, p->t1, q->dept_id, q->dept_id),
	    "tickets_open", "tickets_overdue", e);
}

/* Notices with a department row not yet accepted, issued in the period,
 * naming the window and item: by department row, the totals counting each
 * notice once (overdue: a row not accepted past the deadline). */
#define NOTICES_WHERE "nd.status <> 'accepted' AND (? = 0 OR n.window_id " \
    "= ?) AND (? = 0 OR n.item_id = ?) AND n.issued_at >= ? AND " \
    "n.issued_at < ? AND (? = 0 OR nd.dept_id = ?) "

static int
add_notices(struct ctx *c, json_t *totals, json_t *by,
    const struct supervise_desk_q *q, const struct sv_period *p,
    const char *today, struct err *e)
{
	int rc;

	rc = add_rows(by, db_query(c->db, e, "SELECT nd.dept_id, d.name, "
	    "count(*), sum(CASE WHEN n.deadline_day < ? THEN 1 ELSE 0 END) "
	    "FROM sv_notice_depts nd JOIN sv_notices n ON n.id = nd.notice_id "
	    "JOIN departments d ON d.id = nd.dept_id WHERE " NOTICES_WHERE
	    "GROUP BY nd.dept_id, d.name", "siiiiiiii", today, q->window_id,
	    q->window_id, q->item_id, q->item_id, p->t0, p->t1, q->dept_id,
	    q->dept_id), "notices_open", "notices_overdue", e);
	if (rc != 0)
		return rc;
	return add_total(totals, db_query(c->db, e, "SELECT count(DISTINCT "
	    "n.id), count(DISTINCT CASE WHEN n.deadline_day < ? THEN n.id END) "
	    "FROM sv_notice_depts nd JOIN sv_notices n ON n.id = nd.notice_id "
	    "WHERE " NOTICES_WHERE, "siiiiiiii", today, q->window_id,
	    q->window_id, q->item_id, q->item_id, p->t0, p->t1, q->dept_id,
	    q->dept_id), "notices_open", "notices_overdue", e);
}

/* 好差评: bad ratings given in the filter (department, window, item, day)
 * and the bad-rating loops of ratings in the filter still open (and past
 * their stage's due day), by department. */
static int
add_ratings(struct ctx *c, json_t *totals, json_t *by,
    const struct supervise_desk_q *q, const char *from, const char *to,
    const char *today, struct err *e)
{
	struct db_stmt *s;
	size_t i;
	json_t *o;
	int rc;

	s = db_query(c->db, e, "SELECT r.dept_id, d.name, count(*) FROM ratings "
	    "r JOIN departments d ON d.id = r.dept_id WHERE r.bad = 1 AND "
	    "r.excluded = 0 AND (? = 0 OR r.dept_id = ?) AND (? = 0 OR "
	    "r.window_id = ?) AND (? = 0 OR r.item_id = ?) AND (? = '' OR r.day "
	    ">= ?) AND (? = '' OR r.day <= ?) GROUP BY r.dept_id, d.name",
	    "iiiiiissss", q->dept_id, q->dept_id, q->window_id, q->window_id,
	    q->item_id, q->item_id, from, from, to, to);
	rc = add_rows(by, s, "bad_ratings", NULL, e);
	if (rc == 0)
		rc = add_rows(by, db_query(c->db, e, "SELECT l.dept_id, d.name, "
		    "count(*), sum(CASE WHEN l.due_day IS NOT NULL AND "
		    "l.due_day < ? THEN 1 ELSE 0 END) FROM rating_loops l JOIN "
		    "ratings r ON r.id = l.rating_id JOIN departments d ON d.id "
		    "= l.dept_id WHERE l.closed_at IS NULL AND (? = 0 OR "
		    "l.dept_id = ?) AND (? = 0 OR r.window_id = ?) AND (? = 0 OR "
		    "r.item_id = ?) AND (? = '' OR r.day >= ?) AND (? = '' OR "
		    "r.day <= ?) GROUP BY l.dept_id, d.name", "siiiiiissss",
		    today, q->dept_id, q->dept_id, q->window_id, q->window_id,
		    q->item_id, q->item_id, from, from, to, to), "loops_open",
		    "loops_overdue", e);
	if (rc != 0)
		return rc;
	/* A rating and its loop belong to one department: the totals are
	 * the sums of the rows. */
	json_array_foreach(by, i, o) {
		bump(totals, "bad_ratings", json_integer_value(json_object_get(o,
		    "bad_ratings")));
		bump(totals, "loops_open", json_integer_value(json_object_get(o,
		    "loops_open")));
		bump(totals, "loops_overdue", json_integer_value(json_object_get(
		    o, "loops_overdue")));
	}
	return 0;
}

int
supervise_desk(struct ctx *c, const struct supervise_desk_q *q, json_t **out,
    struct err *e)
{
	int threshold = (int)config_int("supervise.stall_workdays");
	struct calendar *cal = NULL;
	char from[11], to[11], today[11];
	struct sv_period p;
	json_t *totals, *by;
	struct db_stmt *s;
	int rc;

	*out = NULL;
	rc = check_q(c, q, from, to, e);
	if (rc == 0)
		rc = sv_period(q->from, q->to, &p, e);
	if (rc == 0)
		rc = case_calendar_build(c, &cal, e);
	if (rc != 0)
		return rc;
	totals = json_object();
	for (size_t k = 0; k < NCOUNTERS; k++)
		json_object_set_new(totals, COUNTERS[k], json_integer(0));
	by = json_array();
	s = cases_query(c, q, from, to, false, e);
	rc = s == NULL ? err_rc(e) : DB_ROW;
	while (rc == DB_ROW && (rc = db_step(s, e)) == DB_ROW) {
		bool f[4];
		int idle;
		json_t *o;

		classify(s, cal, deadlines_today(), threshold, f, &idle);
		if (!f[0] && !f[1] && !f[2] && !f[3])
			continue;
		o = dept_row(by, db_col_int(s, 3), db_col_text(s, 4));
		for (int k = 0; k < 4; k++)
			if (f[k]) {
				bump(o, COUNTERS[k], 1);
				bump(totals, COUNTERS[k], 1);
			}
	}
	if (s != NULL)
		db_finish(s);
	calendar_free(cal);
	if (rc < 0)
		goto fail;
	sv_today(today);
	rc = add_tickets(c, totals, by, q, &p, today, e);
	if (rc == 0)
		rc = add_notices(c, totals, by, q, &p, today, e);
	if (rc == 0)
		rc = add_ratings(c, totals, by, q, from, to, today, e);
	if (rc != 0)
		goto fail;
	*out = json_pack("{s:o, s:o, s:i, s:b}", "totals", totals, "by_dept",
	    by, "stall_workdays", threshold, "read_only",
	    !sv_supervisor(c->actor));
	return 0;
fail:
	json_decref(totals);
	json_decref(by);
	return rc;
}

int
supervise_desk_cases(struct ctx *c, const char *kind,
    const struct supervise_desk_q *q, json_t **out, struct err *e)
{
	int threshold = (int)config_int("supervise.stall_workdays"), k = -1;
	struct calendar *cal = NULL;
	char from[11], to[11], today[11];
	struct db_stmt *s;
	json_t *items;
	int rc, n = 0;

	*out = NULL;
	for (int i = 0; i < 4; i++)
		if (kind != NULL && strcmp(kind, COUNTERS[i]) == 0)
			k = i;
	if (k < 0)
		return err_field(e, ERR_INVALID, "kind", "bad_kind",
		    "类别须为 yellow、red、stalled 或 extended");
	rc = check_q(c, q, from, to, e);
	if (rc == 0)
		rc = case_calendar_build(c, &cal, e);
	if (rc != 0)
		return rc;
	sv_today(today);
	items = json_array();
	s = cases_query(c, q, from, to, k == 3, e);
	rc = s == NULL ? err_rc(e) : DB_ROW;
	while (rc == DB_ROW && n < DESK_LIST_MAX &&
	    (rc = db_step(s, e)) == DB_ROW) {
		bool f[4];
		int idle;
		json_t *o, *x = json_null(), *holds = json_null();

		classify(s, cal, deadlines_today(), threshold, f, &idle);
		if (!f[k])
			continue;
		if (!db_col_is_null(s, 13)) {
			const char *nd = db_col_text(s, 15);

			x = json_pack("{s:s, s:s, s:s}", "reason",
			    db_col_text(s, 13), "measures", db_col_text(s, 14),
			    "new_date", nd);
			holds = json_boolean(strcmp(nd, today) >= 0);
		}
		o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:o, "
		    "s:o, s:s, s:I, s:i, s:o, s:o}",
		    "case_id", (json_int_t)db_col_int(s, 0),
		    "case_no", db_col_text(s, 1),
		    "item_name", db_col_text(s, 2),
		    "dept_id", (json_int_t)db_col_int(s, 3),
		    "dept_name", db_col_text(s, 4),
		    "window_name", db_col_text(s, 5),
		    "state", db_col_text(s, 6),
		    "accepted_day", sv_text_or_null(s, 7),
		    "due_day", sv_text_or_null(s, 8),
		    "remaining_days", db_col_is_null(s, 9) ? json_null() :
		    json_integer(db_col_int(s, 9)),
		    "warn_level", db_col_text(s, 10),
		    "extension_days", (json_int_t)db_col_int(s, 11),
		    "idle_days", idle,
		    "explanation", x,
		    "new_date_holds", holds);
		json_array_append_new(items, o);
		n++;
	}
	if (s != NULL)
		db_finish(s);
	calendar_free(cal);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:s, s:o}", "kind", kind, "items", items);
	return 0;
}
