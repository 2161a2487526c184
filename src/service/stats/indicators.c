/* indicators.c - the five reform indicators of 白政办发〔2024〕1号 over the
 * catalogue as it stood at any date (from item_version_facts), their trend
 * since the notice, the items behind each figure and the gap planner. The
 * rules are core/indicators.c; this module loads facts and checks who may
 * look. */
#include "service/stats/stats_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "core/calendar.h"
#include "store/db.h"

#define NOTICE_DAY "2024-03-22"
#define GAP_MAX 500

static double
round2(double x)
{
	return round(x * 100.0) / 100.0;
}

static const char *
dept_name(json_t *names, int64_t id)
{
	char key[24];
	const char *s;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	s = json_string_value(json_object_get(names, key));
	return s != NULL ? s : "（未知部门）";
}

/* The as-of instant: the end of day (NULL or "": now). day_out gets the
 * date. */
static int
as_of_instant(const char *day, int64_t *t, char day_out[11], struct err *e)
{
	if (day == NULL || day[0] == '\0') {
		*t = clock_now();
		clock_date(*t, day_out);
		return 0;
	}
	if (stats_day_end(day, t, e) != 0)
		return err_field(e, ERR_INVALID, "as_of", NULL,
		    "日期“%s”无效，应为 YYYY-MM-DD", day);
	snprintf(day_out, 11, "%s", day);
	return 0;
}

static int
parse_formula(const char *formula, int *f, struct err *e)
{
	*f = -1;
	if (formula != NULL && formula[0] != '\0') {
		*f = indicators_formula_parse(formula);
		if (*f < 0)
			return err_field(e, ERR_INVALID, "formula", NULL,
			    "计算口径只能是 mean 或 sum");
	}
	return 0;
}

static int
cmp_dept(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(json_string_value(json_object_get(x, "dept")),
	    json_string_value(json_object_get(y, "dept")));
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Distinct departments of the facts, sorted. */
static size_t
fact_depts(const struct indicator_fact *f, size_t n, int64_t **out)
{
	size_t k = 0;

	*out = malloc((n > 0 ? n : 1) * sizeof(**out));
	if (*out == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		(*out)[k++] = f[i].dept_id;
	qsort(*out, k, sizeof(**out), cmp_i64);
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (m == 0 || (*out)[m - 1] != (*out)[i])
			(*out)[m++] = (*out)[i];
	return m;
}

/* Facts in force at t; *at is malloc'd. */
static int
facts_at(struct ctx *c, int64_t t, struct indicator_fact **at, size_t *n,
    struct err *e)
{
	struct fact_rows rows;
	int rc;

	*at = NULL;
	*n = 0;
	rc = stats_facts_load(c, &rows, e);
	if (rc != 0)
		return rc;
	*at = malloc((rows.n > 0 ? rows.n : 1) * sizeof(**at));
	if (*at == NULL) {
		fact_rows_free(&rows);
		return err_internal(e, "out of memory");
	}
	stats_facts_at(&rows, t, *at, n);
	fact_rows_free(&rows);
	return 0;
}

int
reform_indicators_at(struct ctx *c, const char *formula, const char *as_of,
    json_t **out, struct err *e)
{
	struct indicator_opts o;
	struct indicator_fact *f = NULL;
	struct indicator_set s;
	json_t *names = NULL, *depts, **arr = NULL;
	int64_t t, *ids = NULL;
	char day[11];
	size_t n, nd;
	int fm, rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	if (parse_formula(formula, &fm, e) != 0 ||
	    as_of_instant(as_of, &t, day, e) != 0 || stats_opts(fm, &o, e) != 0)
		return -(int)e->code;
	rc = facts_at(c, t, &f, &n, e);
	if (rc == 0)
		rc = stats_dept_names(c, &names, e);
	if (rc != 0)
		goto out;
	indicators_compute_facts(f, n, 0, &o, &s);
	*out = json_pack("{s:s s:s s:s s:o}", "formula",
	    o.formula == INDICATOR_TIME_SUM ? "sum" : "mean", "as_of", day,
	    "scope_types", config_str("indicators.scope_types"), "overall",
	    indicators_to_json(&s));
	depts = json_array();
	nd = fact_depts(f, n, &ids);
	arr = calloc(nd + 1, sizeof(*arr));
	for (size_t i = 0; arr != NULL && i < nd; i++) {
		indicators_compute_facts(f, n, ids[i], &o, &s);
		arr[i] = indicators_to_json(&s);
		json_object_set_new(arr[i], "dept", json_string(dept_name(names,
		    ids[i])));
		json_object_set_new(arr[i], "dept_id", json_integer(ids[i]));
	}
	if (arr != NULL) {
		qsort(arr, nd, sizeof(*arr), cmp_dept);
		for (size_t i = 0; i < nd; i++)
			json_array_append_new(depts, arr[i]);
	}
	json_object_set_new(*out, "departments", depts);
out:
	free(arr);
	free(ids);
	free(f);
	json_decref(names);
	return rc;
}

int
reform_indicators(struct ctx *c, const char *formula, json_t **out,
    struct err *e)
{
	return reform_indicators_at(c, formula, NULL, out, e);
}

/* Month ends from the notice to today, the notice's day first. */
static size_t
trend_days(const char *from, const char *to, char (*days)[11], size_t max)
{
	int32_t a, b, d;
	int y, m, dd;
	struct err e;
	size_t n = 0;

	if (calendar_day_parse(from, &a, &e) != 0 ||
	    calendar_day_parse(to, &b, &e) != 0 || b < a)
		return 0;
	calendar_day_format(a, days[n++]);
	calendar_day_to_ymd(a, &y, &m, &dd);
	for (;;) {
		m++;
		if (m > 12) {
			m = 1;
			y++;
		}
		d = calendar_day_from_ymd(y, m, 1) - 1; /* end of previous */
		if (d > b || n >= max)
			break;
		if (d > a)
			calendar_day_format(d, days[n++]);
	}
	if (n < max && strcmp(days[n - 1], to) != 0)
		calendar_day_format(b, days[n++]);
	return n;
}

int
reform_trend(struct ctx *c, const char *from, const char *to, int64_t dept_id,
    json_t **out, struct err *e)
{
	struct indicator_opts o;
	struct fact_rows rows;
	struct indicator_fact *f;
	struct indicator_set s;
	char days[240][11], today[11];
	json_t *points;
	int32_t dummy;
	size_t nd, n;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	clock_date(clock_now(), today);
	if (from == NULL || from[0] == '\0')
		from = NOTICE_DAY;
	if (to == NULL || to[0] == '\0')
		to = today;
	if (calendar_day_parse(from, &dummy, e) != 0)
		return err_field(e, ERR_INVALID, "from", NULL,
		    "起始日期“%s”无效", from);
	if (calendar_day_parse(to, &dummy, e) != 0 || strcmp(to, from) < 0)
		return err_field(e, ERR_INVALID, "to", NULL,
		    "截止日期“%s”无效或早于起始日期", to);
	if (stats_opts(-1, &o, e) != 0)
		return -(int)e->code;
	nd = trend_days(from, to, days, sizeof(days) / sizeof(days[0]));
	rc = stats_facts_load(c, &rows, e);
	if (rc != 0)
		return rc;
	f = malloc((rows.n > 0 ? rows.n : 1) * sizeof(*f));
	if (f == NULL) {
		fact_rows_free(&rows);
		return err_internal(e, "out of memory");
	}
	points = json_array();
	for (size_t i = 0; i < nd; i++) {
		int64_t t;
		double steps = 0, mats = 0, free_n = 0, counted = 0;
		json_t *p, *v;

		(void)stats_day_end(days[i], &t, e);
		stats_facts_at(&rows, t, f, &n);
		indicators_compute_facts(f, n, dept_id, &o, &s);
		for (size_t j = 0; j < n; j++) {
			if ((dept_id != 0 && f[j].dept_id != dept_id) ||
			    !indicator_in_scope(&o, f[j].type))
				continue;
			counted++;
			steps += f[j].steps;
			mats += f[j].n_materials;
			free_n += !f[j].fee_charged;
		}
		v = json_object();
		for (int k = 0; k < IND__COUNT; k++)
			json_object_set_new(v, s.v[k].key,
			    json_real(round2(s.v[k].percent)));
		p = json_pack("{s:s s:i s:o s:f s:f s:f}", "day", days[i],
		    "items", s.items_in_scope, "indicators", v,
		    "steps_avg", counted > 0 ? round2(steps / counted) : 0.0,
		    "materials_avg", counted > 0 ? round2(mats / counted) : 0.0,
		    "fee_free_percent", counted > 0 ?
		    round2(100.0 * free_n / counted) : 0.0);
		json_array_append_new(points, p);
	}
	free(f);
	fact_rows_free(&rows);
	*out = json_pack("{s:s s:s s:I s:o}", "from", from, "to", to,
	    "dept_id", (json_int_t)dept_id, "points", points);
	{
		json_t *tg = json_object();

		for (int k = 0; k < IND__COUNT; k++)
			json_object_set_new(tg, indicators_key(
			    (enum indicator_id)k), json_real(o.targets[k]));
		json_object_set_new(*out, "targets", tg);
	}
	return 0;
}

/* {id: {name, basic_code}} of the items named in f. */
static int
item_names(struct ctx *c, json_t **out, struct err *e)
{
	struct db_stmt *st;
	char key[24];
	int rc;

	*out = json_object();
	st = db_query(c->db, e, "SELECT id, name, basic_code FROM items", NULL);
	if (st == NULL) {
		json_decref(*out);
		*out = NULL;
		return -(int)e->code;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 0));
		json_object_set_new(*out, key, json_pack("{s:s s:s}", "name",
		    db_col_text(st, 1), "basic_code", db_col_text(st, 2)));
	}
	db_finish(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

static const json_t *
item_of(json_t *items, int64_t id)
{
	char key[24];

	snprintf(key, sizeof(key), "%lld", (long long)id);
	return json_object_get(items, key);
}

int
reform_indicator_items(struct ctx *c, const char *key, int met,
    int64_t dept_id, json_t **out, struct err *e)
{
	return reform_indicator_items_at(c, key, met, dept_id, NULL, out, e);
}

int
reform_indicator_items_at(struct ctx *c, const char *key, int met,
    int64_t dept_id, const char *as_of, json_t **out, struct err *e)
{
	struct indicator_opts o;
	struct indicator_fact *f = NULL;
	json_t *names = NULL, *depts = NULL, *list;
	char day[11];
	int64_t t;
	size_t n;
	int id, st, rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	id = indicators_key_parse(key);
	if (id < 0)
		return err_field(e, ERR_INVALID, "indicator", NULL,
		    "未知的指标“%s”", key != NULL ? key : "");
	if (as_of_instant(as_of, &t, day, e) != 0 || stats_opts(-1, &o, e) != 0)
		return -(int)e->code;
	rc = facts_at(c, t, &f, &n, e);
	if (rc == 0)
		rc = item_names(c, &names, e);
	if (rc == 0)
		rc = stats_dept_names(c, &depts, e);
	if (rc != 0)
		goto out;
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const json_t *it;

		if (dept_id != 0 && f[i].dept_id != dept_id)
			continue;
		st = indicators_fact_status(&f[i], (enum indicator_id)id, &o);
		if (st < 0 || (met >= 0 && st != met))
			continue;
		it = item_of(names, f[i].item_id);
		json_array_append_new(list, json_pack("{s:I s:O? s:O? s:I s:s "
		    "s:s s:i s:i s:i s:b s:i s:i s:b}",
		    "id", (json_int_t)f[i].item_id,
		    "name", json_object_get(it, "name"),
		    "basic_code", json_object_get(it, "basic_code"),
		    "dept_id", (json_int_t)f[i].dept_id,
		    "dept_name", dept_name(depts, f[i].dept_id),
		    "type", f[i].type,
		    "visits", f[i].visits, "case_kind", f[i].case_kind,
		    "online_level", f[i].online_level,
		    "window_authorised", f[i].window_authorised,
		    "statutory_days", f[i].statutory_days,
		    "promised_days", f[i].promised_days, "met", st == 1));
	}
	*out = json_pack("{s:s s:s s:s s:o}", "indicator", key, "label",
	    indicators_label((enum indicator_id)id), "as_of", day, "items", list);
out:
	free(f);
	json_decref(names);
	json_decref(depts);
	return rc;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* {id: {name, basic_code}} of the items ids[0..n-1] (sorted) only: the
 * planner names a few hundred items of tens of thousands. */
static int
item_names_of(struct ctx *c, const int64_t *ids, size_t n, json_t **out,
    struct err *e)
{
	struct db_stmt *st;
	char key[24];
	int rc;

	*out = json_object();
	st = db_query(c->db, e, "SELECT id, name, basic_code FROM items", NULL);
	if (st == NULL) {
		json_decref(*out);
		*out = NULL;
		return -(int)e->code;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);

		if (bsearch(&id, ids, n, sizeof(*ids), cmp_id) == NULL)
			continue;
		snprintf(key, sizeof(key), "%lld", (long long)id);
		json_object_set_new(*out, key, json_pack("{s:s s:s}", "name",
		    db_col_text(st, 1), "basic_code", db_col_text(st, 2)));
	}
	db_finish(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

struct gap_plan {
	struct indicator_change ch[GAP_MAX];
	size_t n;
	double needed;
	bool reachable;
};

/* The items the plans name, sorted (*ids malloc'd). */
static int
plan_item_ids(const struct gap_plan *p, const struct indicator_fact *f,
    int64_t **ids, size_t *n)
{
	size_t k = 0;

	*ids = malloc((IND__COUNT * GAP_MAX) * sizeof(**ids));
	if (*ids == NULL)
		return -1;
	for (int i = 0; i < IND__COUNT; i++)
		for (size_t j = 0; j < p[i].n; j++)
			(*ids)[k++] = f[p[i].ch[j].fact].item_id;
	qsort(*ids, k, sizeof(**ids), cmp_id);
	*n = k;
	return 0;
}

int
reform_gap(struct ctx *c, int64_t dept_id, json_t **out, struct err *e)
{
	struct indicator_opts o;
	struct indicator_fact *f = NULL;
	struct gap_plan *plan = NULL;
	struct indicator_set s;
	json_t *names = NULL, *depts = NULL, *list;
	int64_t *ids = NULL;
	size_t n, nids;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	/* A department admin (or any department staff) sees their part. */
	if (!actor_has(c->actor, STATS_WIDE)) {
		if (dept_id != 0 && dept_id != c->actor->dept_id)
			return err_set(e, ERR_FORBIDDEN, NULL,
			    "只能查看本部门的差距");
		dept_id = c->actor->dept_id;
	}
	if (stats_opts(-1, &o, e) != 0)
		return -(int)e->code;
	rc = facts_at(c, clock_now(), &f, &n, e);
	plan = calloc(IND__COUNT, sizeof(*plan));
	if (rc == 0 && plan == NULL)
		rc = err_internal(e, "out of memory");
	if (rc != 0)
		goto out;
	indicators_compute_facts(f, n, dept_id, &o, &s);
	for (int k = 0; k < IND__COUNT; k++)
		indicators_plan_gap(f, n, dept_id, (enum indicator_id)k, &o,
		    plan[k].ch, GAP_MAX, &plan[k].n, &plan[k].needed,
		    &plan[k].reachable);
	if (plan_item_ids(plan, f, &ids, &nids) != 0) {
		rc = err_internal(e, "out of memory");
		goto out;
	}
	rc = item_names_of(c, ids, nids, &names, e);
	if (rc == 0)
		rc = stats_dept_names(c, &depts, e);
	if (rc != 0)
		goto out;
	list = json_array();
	for (int k = 0; k < IND__COUNT; k++) {
		const struct gap_plan *p = &plan[k];
		json_t *g, *items;

		items = json_array();
		for (size_t i = 0; i < p->n; i++) {
			const struct indicator_fact *x = &f[p->ch[i].fact];
			const json_t *it = item_of(names, x->item_id);

			json_array_append_new(items, json_pack("{s:I s:O? s:I "
			    "s:s s:s s:i s:f}", "item_id", (json_int_t)x->item_id,
			    "name", json_object_get(it, "name"),
			    "dept_id", (json_int_t)x->dept_id,
			    "dept_name", dept_name(depts, x->dept_id),
			    "change", p->ch[i].what, "effort", p->ch[i].effort,
			    "gain", round2(p->ch[i].gain)));
		}
		g = json_pack("{s:s s:s s:f s:f s:b s:f s:b s:I s:o}",
		    "key", s.v[k].key, "label", s.v[k].label,
		    "percent", round2(s.v[k].percent), "target", s.v[k].target,
		    "met", s.v[k].met, "needed", round2(p->needed),
		    "reachable", p->reachable, "count", (json_int_t)p->n,
		    "changes", items);
		json_array_append_new(list, g);
	}
	*out = json_pack("{s:I s:i s:o}", "dept_id", (json_int_t)dept_id,
	    "items_in_scope", s.items_in_scope, "indicators", list);
out:
	free(ids);
	free(plan);
	free(f);
	json_decref(names);
	json_decref(depts);
	return rc;
}
