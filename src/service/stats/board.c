/* board.c - the leader's dashboard beyond the indicators: satisfaction and
 * bad ratings (好差评) of a period, the bad-rating loops, problem tickets and
 * 督查通报 still open (and past their dates) now, and the server's today
 * (the dashboard's default period and quarter follow the server's clock,
 * not the browser's). The counts use the same rules as the supervision
 * desk, so the lists behind them (GET /api/ratings?bad=1&counted=1,
 * /api/rating-loops, /api/supervise/tickets, /api/supervise/notices) show
 * the same numbers. */
#include "service/stats/stats_internal.h"

#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "store/db.h"

static int
day_arg(const char *s, const char *field, char out[11], struct err *e)
{
	int32_t d;
	struct err tmp;

	out[0] = '\0';
	if (s == NULL || s[0] == '\0')
		return 0;
	if (calendar_day_parse(s, &d, &tmp) != 0)
		return err_field(e, ERR_INVALID, field, "bad_date",
		    "日期格式应为 YYYY-MM-DD");
	calendar_day_format(d, out);
	return 0;
}

/* Runs a one-row query of two counts into o as {k1, k2}. */
static int
two(struct db_stmt *s, json_t *o, const char *k1, const char *k2,
    struct err *e)
{
	int rc;

	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		json_object_set_new(o, k1, json_integer(db_col_int(s, 0)));
		json_object_set_new(o, k2, json_integer(db_col_int(s, 1)));
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int
ratings_part(struct ctx *c, const char *from, const char *to, int64_t dept,
    json_t *out, struct err *e)
{
	struct db_stmt *s;
	int64_t n, sat, bad;
	int rc;

	s = db_query(c->db, e, "SELECT count(*), COALESCE(sum(CASE WHEN "
	    "level >= 3 THEN 1 ELSE 0 END), 0), COALESCE(sum(bad), 0) FROM "
	    "ratings WHERE excluded = 0 AND (? = 0 OR dept_id = ?) AND (? = '' "
	    "OR day >= ?) AND (? = '' OR day <= ?)", "iissss", dept, dept,
	    from, from, to, to);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	n = rc == DB_ROW ? db_col_int(s, 0) : 0;
	sat = rc == DB_ROW ? db_col_int(s, 1) : 0;
	bad = rc == DB_ROW ? db_col_int(s, 2) : 0;
	db_finish(s);
	if (rc < 0)
		return rc;
	json_object_set_new(out, "ratings", json_pack("{s:I, s:I, s:I, s:f}",
	    "count", (json_int_t)n, "satisfied", (json_int_t)sat, "bad",
	    (json_int_t)bad, "satisfied_percent", n > 0 ?
	    (double)(int64_t)(1000.0 * (double)sat / (double)n + 0.5) / 10.0 :
	    0.0));
	return 0;
}

int
reform_board(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e)
{
	char f[11], t[11], today[11];
	json_t *o, *loops, *tickets, *notices;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革工作看板");
	if (!actor_has(c->actor, STATS_WIDE)) {
		if (dept_id != 0 && dept_id != c->actor->dept_id)
			return err_field(e, ERR_FORBIDDEN, "dept_id", NULL,
			    "只能查看本部门的数字");
		dept_id = c->actor->dept_id;
	}
	if (day_arg(from, "from", f, e) != 0 || day_arg(to, "to", t, e) != 0)
		return -ERR_INVALID;
	if (f[0] != '\0' && t[0] != '\0' && strcmp(f, t) > 0)
		return err_field(e, ERR_INVALID, "to", "bad_range",
		    "截止日期不能早于起始日期");
	clock_date(clock_now(), today);
	o = json_pack("{s:s, s:s, s:s, s:I}", "today", today, "from", f, "to",
	    t, "dept_id", (json_int_t)dept_id);
	loops = json_object();
	tickets = json_object();
	notices = json_object();
	json_object_set_new(o, "loops", loops);
	json_object_set_new(o, "tickets", tickets);
	json_object_set_new(o, "notices", notices);
	rc = ratings_part(c, f, t, dept_id, o, e);
	if (rc == 0)
		rc = two(db_query(c->db, e, "SELECT count(*), COALESCE(sum(CASE "
		    "WHEN l.due_day IS NOT NULL AND l.due_day < ? THEN 1 ELSE 0 "
		    "END), 0) FROM rating_loops l WHERE l.closed_at IS NULL AND "
		    "(? = 0 OR l.dept_id = ?)", "sii", today, dept_id, dept_id),
		    loops, "open", "overdue", e);
	if (rc == 0)
		rc = two(db_query(c->db, e, "SELECT count(*), COALESCE(sum(CASE "
		    "WHEN t.promised_day < ? THEN 1 ELSE 0 END), 0) FROM "
		    "sv_tickets t WHERE t.status IN ('open', 'answered') AND "
		    "(? = 0 OR EXISTS (SELECT 1 FROM sv_ticket_depts y WHERE "
		    "y.ticket_id = t.id AND y.dept_id = ?))", "sii", today,
		    dept_id, dept_id), tickets, "open", "overdue", e);
	if (rc == 0)
		rc = two(db_query(c->db, e, "SELECT count(DISTINCT n.id), "
		    "count(DISTINCT CASE WHEN n.deadline_day < ? THEN n.id END) "
		    "FROM sv_notice_depts nd JOIN sv_notices n ON n.id = "
		    "nd.notice_id WHERE nd.status <> 'accepted' AND (? = 0 OR "
		    "nd.dept_id = ?)", "sii", today, dept_id, dept_id), notices,
		    "open", "overdue", e);
	if (rc != 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}
