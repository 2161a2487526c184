/* cases.c - the case-based counterparts of the indicators over a period,
 * from the tallies the case plan keeps (case_tally_day, case_tally_item):
 * share of closed cases with at most one recorded trip, closed the day they
 * were applied for, applied online, with no trip at all, the real time
 * saved (working days used against the statutory limit), on-time share;
 * 减材料 (materials reused, submissions saved by bundles); and the items
 * that declare 最多跑一次 while their cases needed two trips or more. */
#include "service/stats/stats_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "store/db.h"

enum { T_CLOSED, T_APPROVED, T_LE1, T_ZERO, T_SAME, T_ONLINE, T_TIMED,
    T_ONTIME, T_USED, T_LIMIT, T_MATS, T_REUSED, T_BCASES, T_BUNDLES, T__N };

static double
pct(double a, double b)
{
	return b > 0 ? round(10000.0 * a / b) / 100.0 : 0;
}

static json_t *
share(const char *key, const char *label, const char *item_key, double num,
    double den)
{
	return json_pack("{s:s s:s s:s? s:I s:I s:f}", "key", key, "label", label,
	    "item_indicator", item_key, "numerator", (json_int_t)num,
	    "denominator", (json_int_t)den, "percent", pct(num, den));
}

static json_t *
tally_json(const int64_t *t)
{
	json_t *o = json_object(), *a = json_array();

	json_array_append_new(a, share("le_one_trip", "最多跑一次办件占比",
	    "max_one_trip", (double)t[T_LE1], (double)t[T_CLOSED]));
	json_array_append_new(a, share("same_day", "当日办结办件占比",
	    "instant", (double)t[T_SAME], (double)t[T_CLOSED]));
	json_array_append_new(a, share("online", "网上申请办件占比", "online",
	    (double)t[T_ONLINE], (double)t[T_CLOSED]));
	json_array_append_new(a, share("zero_trip", "零跑动办件占比",
	    "full_online", (double)t[T_ZERO], (double)t[T_CLOSED]));
	json_array_append_new(a, share("time_saved", "实际减时间比例",
	    "time_reduction", (double)(t[T_LIMIT] - t[T_USED]),
	    (double)t[T_LIMIT]));
	json_array_append_new(a, share("on_time", "按时办结率", NULL,
	    (double)t[T_ONTIME], (double)t[T_TIMED]));
	json_object_set_new(o, "closed", json_integer(t[T_CLOSED]));
	json_object_set_new(o, "approved", json_integer(t[T_APPROVED]));
	json_object_set_new(o, "shares", a);
	json_object_set_new(o, "materials", json_pack("{s:I s:I s:I s:I s:I}",
	    "provided", (json_int_t)t[T_MATS],
	    "reused", (json_int_t)t[T_REUSED],
	    "bundle_cases", (json_int_t)t[T_BCASES],
	    "bundles", (json_int_t)t[T_BUNDLES],
	    "saved_by_bundles", (json_int_t)(t[T_BCASES] - t[T_BUNDLES])));
	json_object_set_new(o, "days", json_pack("{s:I s:I}", "used",
	    (json_int_t)t[T_USED], "limit", (json_int_t)t[T_LIMIT]));
	return o;
}

static int
period(const char *from, const char *to, char f[11], char t[11],
    struct err *e)
{
	int32_t a, b;

	clock_date(clock_now(), t);
	if (to != NULL && to[0] != '\0')
		snprintf(t, 11, "%s", to);
	if (calendar_day_parse(t, &b, e) != 0)
		return err_field(e, ERR_INVALID, "to", NULL,
		    "截止日期“%s”无效", t);
	if (from == NULL || from[0] == '\0')
		snprintf(f, 11, "%s", "2024-03-22");
	else
		snprintf(f, 11, "%s", from);
	if (calendar_day_parse(f, &a, e) != 0 || a > b)
		return err_field(e, ERR_INVALID, "from", NULL,
		    "起始日期“%s”无效或晚于截止日期", f);
	return 0;
}

int
reform_cases(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e)
{
	int64_t total[T__N] = { 0 };
	json_t *names = NULL, *depts;
	struct db_stmt *s;
	char f[11], t[11];
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	if (period(from, to, f, t, e) != 0)
		return -(int)e->code;
	rc = stats_dept_names(c, &names, e);
	if (rc != 0)
		return rc;
	s = db_query(c->db, e, "SELECT dept_id, SUM(closed), SUM(approved), "
	    "SUM(le_one_trip), SUM(zero_trip), SUM(same_day), SUM(online), "
	    "SUM(timed), SUM(on_time), SUM(days_used), SUM(days_limit), "
	    "SUM(materials), SUM(materials_reused), SUM(bundle_cases), "
	    "SUM(bundles) FROM case_tally_day WHERE day >= ? AND day <= ? "
	    "AND (? = 0 OR dept_id = ?) GROUP BY dept_id ORDER BY dept_id",
	    "ssii", f, t, dept_id, dept_id);
	if (s == NULL) {
		json_decref(names);
		return -(int)e->code;
	}
	depts = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		int64_t row[T__N];
		char key[24];
		json_t *d;

		for (int k = 0; k < T__N; k++) {
			row[k] = db_col_int(s, k + 1);
			total[k] += row[k];
		}
		d = tally_json(row);
		snprintf(key, sizeof(key), "%lld", (long long)db_col_int(s, 0));
		json_object_set_new(d, "dept_id", json_integer(db_col_int(s, 0)));
		json_object_set_new(d, "dept", json_string(json_string_value(
		    json_object_get(names, key)) != NULL ? json_string_value(
		    json_object_get(names, key)) : ""));
		json_array_append_new(depts, d);
	}
	db_finish(s);
	json_decref(names);
	if (rc < 0) {
		json_decref(depts);
		return rc;
	}
	*out = tally_json(total);
	json_object_set_new(*out, "from", json_string(f));
	json_object_set_new(*out, "to", json_string(t));
	json_object_set_new(*out, "departments", depts);
	return 0;
}

int
reform_case_volume(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e)
{
	struct db_stmt *s;
	json_t *days;
	char f[11], t[11];
	int64_t open = 0, red = 0, stalled = 0;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	if (period(from, to, f, t, e) != 0)
		return -(int)e->code;
	s = db_query(c->db, e, "SELECT substr(day, 1, 7), SUM(closed), "
	    "SUM(timed), SUM(on_time) FROM case_tally_day WHERE day >= ? AND "
	    "day <= ? AND (? = 0 OR dept_id = ?) GROUP BY substr(day, 1, 7) "
	    "ORDER BY 1", "ssii", f, t, dept_id, dept_id);
	if (s == NULL)
		return -(int)e->code;
	days = json_array();
	while ((rc = db_step(s, e)) == DB_ROW)
		json_array_append_new(days, json_pack("{s:s s:I s:f}", "month",
		    db_col_text(s, 0), "closed", (json_int_t)db_col_int(s, 1),
		    "on_time_percent", pct((double)db_col_int(s, 3),
		    (double)db_col_int(s, 2))));
	db_finish(s);
	if (rc < 0) {
		json_decref(days);
		return rc;
	}
	/* Open, overdue (red) and stalled (open and untouched for 10 days or
	 * more) in one pass over the open cases (index cases_dept_open). */
	s = db_query(c->db, e, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN "
	    "warn_level = 'red' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN "
	    "updated_at < ? THEN 1 ELSE 0 END), 0) FROM cases WHERE closed_at "
	    "IS NULL AND (? = 0 OR dept_id = ?)", "iii", clock_now() - 10 * 86400,
	    dept_id, dept_id);
	if (s == NULL) {
		json_decref(days);
		return -(int)e->code;
	}
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		open = db_col_int(s, 0);
		red = db_col_int(s, 1);
		stalled = db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(days);
		return rc;
	}
	*out = json_pack("{s:s s:s s:o s:I s:I s:I}", "from", f, "to", t,
	    "months", days, "open", (json_int_t)open, "overdue",
	    (json_int_t)red, "stalled", (json_int_t)stalled);
	return 0;
}

int
reform_discrepancies(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e)
{
	struct db_stmt *s;
	json_t *list;
	char f[11], t[11], fm[8], tm[8];
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	if (period(from, to, f, t, e) != 0)
		return -(int)e->code;
	memcpy(fm, f, 7);
	fm[7] = '\0';
	memcpy(tm, t, 7);
	tm[7] = '\0';
	/* Items whose current version declares at most one visit. */
	s = db_query(c->db, e, "SELECT ti.item_id, i.name, i.dept_id, d.name, "
	    "i.visits, SUM(ti.closed), SUM(ti.over_one_trip), MAX(ti.max_trips) "
	    "FROM case_tally_item ti JOIN items i ON i.id = ti.item_id "
	    "JOIN departments d ON d.id = i.dept_id "
	    "WHERE ti.month >= ? AND ti.month <= ? AND ti.over_one_trip > 0 "
	    "AND i.visits <= 1 AND (? = 0 OR i.dept_id = ?) "
	    "GROUP BY ti.item_id, i.name, i.dept_id, d.name, i.visits "
	    "ORDER BY SUM(ti.over_one_trip) DESC, ti.item_id LIMIT 500",
	    "ssii", fm, tm, dept_id, dept_id);
	if (s == NULL)
		return -(int)e->code;
	list = json_array();
	while ((rc = db_step(s, e)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I s:s s:I s:s s:I s:I "
		    "s:I s:I}", "item_id", (json_int_t)db_col_int(s, 0),
		    "name", db_col_text(s, 1),
		    "dept_id", (json_int_t)db_col_int(s, 2),
		    "dept_name", db_col_text(s, 3),
		    "declared_visits", (json_int_t)db_col_int(s, 4),
		    "closed", (json_int_t)db_col_int(s, 5),
		    "over_one_trip", (json_int_t)db_col_int(s, 6),
		    "max_trips", (json_int_t)db_col_int(s, 7)));
	db_finish(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:s s:s s:o}", "from", f, "to", t, "items", list);
	return 0;
}

/* The filter behind each drill-down key: closed cases of the period
 * (closed 1) or open cases now (closed 0). */
static const struct {
	const char *key, *label, *where;
	int closed;
} case_keys[] = {
	{ "closed", "期间办结的办件", "1 = 1", 1 },
	{ "le_one_trip", "最多跑一次的办件", "c.trips <= 1", 1 },
	{ "over_one_trip", "跑动两次及以上的办件", "c.trips > 1", 1 },
	{ "zero_trip", "零跑动的办件", "c.trips = 0", 1 },
	{ "online", "网上申请的办件", "c.channel = 'online'", 1 },
	{ "window", "窗口申请的办件", "c.channel = 'window'", 1 },
	{ "open", "在办办件", "1 = 1", 0 },
	{ "overdue", "超期（红色预警）在办办件", "c.warn_level = 'red'", 0 },
	{ "stalled", "10 日以上无进展的在办办件", "c.updated_at < ?", 0 },
};

int
reform_case_list(struct ctx *c, const char *key, const char *from,
    const char *to, int64_t dept_id, json_t **out, struct err *e)
{
	char f[11], t[11], sql[1200];
	int64_t t0, t1;
	json_t *rows;
	size_t k;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看办件");
	for (k = 0; k < sizeof(case_keys) / sizeof(case_keys[0]); k++)
		if (key != NULL && strcmp(key, case_keys[k].key) == 0)
			break;
	if (k == sizeof(case_keys) / sizeof(case_keys[0]))
		return err_field(e, ERR_INVALID, "key", NULL, "未知的办件统计口径");
	if (period(from, to, f, t, e) != 0 || stats_day_end(f, &t0, e) != 0 ||
	    stats_day_end(t, &t1, e) != 0)
		return -(int)e->code;
	/* Staff of a department see their own department's cases only. */
	if (!actor_has(c->actor, STATS_WIDE))
		dept_id = c->actor->dept_id > 0 ? c->actor->dept_id : -1;
	snprintf(sql, sizeof(sql), "SELECT c.id, c.case_no, i.name AS item, "
	    "d.name AS dept, c.channel, c.trips, c.state, c.decision, "
	    "c.warn_level, c.due_day, c.created_at, c.closed_at, c.updated_at "
	    "FROM cases c JOIN items i ON i.id = c.item_id JOIN departments d "
	    "ON d.id = c.dept_id WHERE %s AND %s AND (? = 0 OR c.dept_id = ?) "
	    "ORDER BY %s LIMIT 200", case_keys[k].closed ?
	    "c.closed_at > ? AND c.closed_at <= ?" : "c.closed_at IS NULL AND "
	    "? >= 0 AND ? >= 0", case_keys[k].where, case_keys[k].closed ?
	    /* the latest closed first, read backwards along cases_closed */
	    "c.closed_at DESC, c.id DESC" : "c.id DESC");
	if (strcmp(case_keys[k].key, "stalled") == 0)
		rows = db_query_json(c->db, e, sql, "iiiii", t0 - 86400, t1,
		    clock_now() - 10 * 86400, dept_id, dept_id);
	else
		rows = db_query_json(c->db, e, sql, "iiii", t0 - 86400, t1,
		    dept_id, dept_id);
	if (rows == NULL)
		return -(int)e->code;
	*out = json_pack("{s:s s:s s:s s:s s:b s:o}", "key", case_keys[k].key,
	    "label", case_keys[k].label, "from", f, "to", t, "period",
	    case_keys[k].closed != 0, "items", rows);
	return 0;
}
