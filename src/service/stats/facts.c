/* facts.c - the facts of every published item version (item_version_facts),
 * read once from the version's elements, and the version of each item in
 * force at a date: what the indicators at any past date are computed from. */
#include "service/stats/stats_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "core/calendar.h"
#include "store/db.h"

struct pending {
	int64_t version_id, item_id, dept_id, published_at;
	struct indicator_fact f;
};

struct sync {
	struct pending *p;
	size_t n;
};

static int
sync_tx(struct db *db, void *arg, struct err *e)
{
	struct sync *s = arg;

	for (size_t i = 0; i < s->n; i++) {
		const struct pending *p = &s->p[i];
		const struct indicator_fact *f = &p->f;
		int rc = db_exec(db, e, "INSERT INTO item_version_facts "
		    "(version_id, item_id, dept_id, type, published_at, "
		    "statutory_days, promised_days, visits, case_kind, "
		    "window_authorised, online, full_online, online_level, "
		    "n_materials, n_required, steps, fee_charged) VALUES (?, ?, ?, "
		    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		    "ON CONFLICT (version_id) DO NOTHING",
		    "iiisiIIIIIIIIIIII", p->version_id, p->item_id, p->dept_id,
		    f->type, p->published_at, f->statutory_days,
		    f->promised_days, f->visits, f->case_kind,
		    (int)f->window_authorised, (int)f->online,
		    (int)f->full_online, f->online_level, f->n_materials,
		    f->n_required, f->steps, (int)f->fee_charged);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Facts of published versions that have none yet. */
static int
facts_sync(struct ctx *c, struct err *e)
{
	struct sync s = { NULL, 0 };
	size_t cap = 0;
	struct db_stmt *st;
	json_error_t je;
	struct err pe;
	int rc;

	st = db_query(c->db, e, "SELECT v.id, v.item_id, i.dept_id, "
	    "v.published_at, v.elements FROM item_versions v "
	    "JOIN items i ON i.id = v.item_id "
	    "LEFT JOIN item_version_facts f ON f.version_id = v.id "
	    "WHERE v.published_at IS NOT NULL AND f.version_id IS NULL "
	    "AND v.status IN ('published', 'superseded')", NULL);
	if (st == NULL)
		return -(int)e->code;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *el = json_loads(db_col_text(st, 4), 0, &je);
		struct pending *p;

		if (s.n == cap) {
			cap = cap ? cap * 2 : 64;
			s.p = realloc(s.p, cap * sizeof(*s.p));
			if (s.p == NULL) {
				json_decref(el);
				db_finish(st);
				return err_internal(e, "out of memory");
			}
		}
		p = &s.p[s.n];
		p->version_id = db_col_int(st, 0);
		p->item_id = db_col_int(st, 1);
		p->dept_id = db_col_int(st, 2);
		p->published_at = db_col_int(st, 3);
		if (indicator_fact_from_json(el, &p->f, &pe) == 0)
			s.n++;
		json_decref(el);
	}
	db_finish(st);
	if (rc < 0) {
		free(s.p);
		return rc;
	}
	rc = s.n > 0 ? db_tx(c->db, sync_tx, &s, e) : 0;
	free(s.p);
	return rc;
}

void
fact_rows_free(struct fact_rows *r)
{
	free(r->f);
	free(r->published_at);
	memset(r, 0, sizeof(*r));
}

int
stats_facts_load(struct ctx *c, struct fact_rows *out, struct err *e)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = facts_sync(c, e);
	if (rc != 0)
		return rc;
	st = db_query(c->db, e, "SELECT item_id, dept_id, type, published_at, "
	    "statutory_days, promised_days, visits, case_kind, "
	    "window_authorised, online, full_online, online_level, n_materials, "
	    "n_required, steps, fee_charged FROM item_version_facts "
	    "ORDER BY item_id, published_at, version_id", NULL);
	if (st == NULL)
		return -(int)e->code;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct indicator_fact *f;

		if (out->n == cap) {
			cap = cap ? cap * 2 : 1024;
			out->f = realloc(out->f, cap * sizeof(*out->f));
			out->published_at = realloc(out->published_at,
			    cap * sizeof(*out->published_at));
			if (out->f == NULL || out->published_at == NULL) {
				db_finish(st);
				fact_rows_free(out);
				return err_internal(e, "out of memory");
			}
		}
		f = &out->f[out->n];
		memset(f, 0, sizeof(*f));
		f->item_id = db_col_int(st, 0);
		f->dept_id = db_col_int(st, 1);
		snprintf(f->type, sizeof(f->type), "%s", db_col_text(st, 2));
		out->published_at[out->n] = db_col_int(st, 3);
		f->statutory_days = (int)db_col_int(st, 4);
		f->promised_days = (int)db_col_int(st, 5);
		f->visits = (int)db_col_int(st, 6);
		f->case_kind = (int)db_col_int(st, 7);
		f->window_authorised = db_col_int(st, 8) != 0;
		f->online = db_col_int(st, 9) != 0;
		f->full_online = db_col_int(st, 10) != 0;
		f->online_level = (int)db_col_int(st, 11);
		f->n_materials = (int)db_col_int(st, 12);
		f->n_required = (int)db_col_int(st, 13);
		f->steps = (int)db_col_int(st, 14);
		f->fee_charged = db_col_int(st, 15) != 0;
		out->n++;
	}
	db_finish(st);
	if (rc < 0) {
		fact_rows_free(out);
		return rc;
	}
	return 0;
}

void
stats_facts_at(const struct fact_rows *r, int64_t t,
    struct indicator_fact *out, size_t *n_out)
{
	indicators_facts_at(r->f, r->published_at, r->n, t, out, n_out);
}

int
stats_opts(int formula, struct indicator_opts *o, struct err *e)
{
	int f;

	indicator_opts_default(o);
	if (indicator_scope_parse(config_str("indicators.scope_types"), o,
	    e) != 0)
		return -(int)e->code;
	f = indicators_formula_parse(config_str("indicators.time_formula"));
	o->formula = (enum indicator_time_formula)(formula >= 0 ? formula :
	    f >= 0 ? f : 0);
	return 0;
}

int
stats_day_end(const char *day, int64_t *t, struct err *e)
{
	int32_t d;

	if (calendar_day_parse(day, &d, e) != 0)
		return -(int)e->code;
	*t = ((int64_t)d + 1) * 86400 - CLOCK_UTC_OFFSET_S - 1;
	return 0;
}

int
stats_dept_names(struct ctx *c, json_t **out, struct err *e)
{
	struct db_stmt *st;
	char key[24];
	int rc;

	*out = json_object();
	st = db_query(c->db, e, "SELECT id, name FROM departments", NULL);
	if (st == NULL) {
		json_decref(*out);
		*out = NULL;
		return -(int)e->code;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 0));
		json_object_set_new(*out, key, json_string(db_col_text(st, 1)));
	}
	db_finish(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}
