/* facts.c - the facts of every published item version (item_version_facts,
 * written by the catalogue when it publishes, service/catalog/facts.c),
 * and the version of each item in force at a date: what the indicators at
 * any past date are computed from.
 *
 * A province catalogue has tens of thousands of versions, whose elements
 * (kilobytes each) sit in item_versions: looking there for versions without
 * facts on every request read the whole table. The rows are immutable once
 * written, so the process keeps the last set it loaded (a snapshot) with
 * the catalogue's stamp at that moment: the highest version id, the latest
 * publication instant and how many versions were published at that
 * instant (index item_versions_published, migration 134). A version gets
 * published either as a new row (a higher id) or by setting published_at
 * to now (a later instant, or one more at the same instant), so an
 * unchanged stamp means no new facts; any change, by this server or
 * another on the same database, reads them again. */
#include "service/stats/stats_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "core/calendar.h"
#include "service/catalog/catalog.h"
#include "store/db.h"

/* Versions published without facts (a catalogue loaded straight into the
 * database without `onetrip indicators facts`): two index counts tell
 * whether any is missing, and only then are the missing ones read and
 * written (catalog_facts_fill). The job indicator_facts (jobs/indicators.c)
 * does it at start and within 30 s of any change of the catalogue, so a
 * request does it only when it comes first; it stays in the request path
 * so that an answer never leaves out a published item. */
static int
facts_sync(struct ctx *c, struct err *e)
{
	int64_t missing, written, skipped;
	int rc;

	rc = catalog_facts_missing(c->db, &missing, e);
	if (rc != 0 || missing <= 0)
		return rc;
	rc = catalog_facts_fill(c->db, &written, &skipped, e);
	if (rc == 0 && written > 0)
		log_warn("indicators: wrote the facts of %lld published "
		    "versions that had none (run `onetrip indicators facts` "
		    "after loading a catalogue)", (long long)written);
	return rc;
}

void
fact_rows_free(struct fact_rows *r)
{
	free(r->f);
	free(r->published_at);
	memset(r, 0, sizeof(*r));
}

struct stamp {
	int64_t max_id, max_published, at_max;
};

static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool have;
	const struct db *db;
	struct stamp stamp;
	struct fact_rows rows;
} snap;

static int
read_stamp(struct ctx *c, struct stamp *s, struct err *e)
{
	struct db_stmt *st;
	int rc;

	memset(s, 0, sizeof(*s));
	st = db_query(c->db, e, "SELECT (SELECT MAX(id) FROM item_versions), "
	    "(SELECT MAX(published_at) FROM item_versions), "
	    "(SELECT COUNT(*) FROM item_versions WHERE published_at = "
	    "(SELECT MAX(published_at) FROM item_versions))", NULL);
	if (st == NULL)
		return -(int)e->code;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		s->max_id = db_col_int(st, 0);
		s->max_published = db_col_int(st, 1);
		s->at_max = db_col_int(st, 2);
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}

static int
rows_copy(const struct fact_rows *from, struct fact_rows *to)
{
	size_t n = from->n > 0 ? from->n : 1;

	to->n = 0;
	to->f = malloc(n * sizeof(*to->f));
	to->published_at = malloc(n * sizeof(*to->published_at));
	if (to->f == NULL || to->published_at == NULL) {
		fact_rows_free(to);
		return -1;
	}
	memcpy(to->f, from->f, from->n * sizeof(*to->f));
	memcpy(to->published_at, from->published_at,
	    from->n * sizeof(*to->published_at));
	to->n = from->n;
	return 0;
}

static int facts_read(struct ctx *c, struct fact_rows *out, struct err *e);

static int
facts_load(struct ctx *c, struct fact_rows *out, bool *reloaded,
    struct err *e)
{
	struct stamp now;
	struct fact_rows keep;
	bool hit = false;
	int rc;

	memset(out, 0, sizeof(*out));
	*reloaded = false;
	rc = read_stamp(c, &now, e);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&snap_lock);
	if (snap.have && snap.db == c->db &&
	    memcmp(&snap.stamp, &now, sizeof(now)) == 0) {
		if (rows_copy(&snap.rows, out) != 0) {
			pthread_mutex_unlock(&snap_lock);
			return err_internal(e, "out of memory");
		}
		hit = true;
	}
	pthread_mutex_unlock(&snap_lock);
	if (hit)
		return 0;
	/* Read with the stamp taken before: a version published meanwhile
	 * changes the stamp, and the next call reads again. */
	rc = facts_sync(c, e);
	if (rc == 0)
		rc = facts_read(c, out, e);
	if (rc != 0 || rows_copy(out, &keep) != 0)
		return rc;
	pthread_mutex_lock(&snap_lock);
	fact_rows_free(&snap.rows);
	snap.rows = keep;
	snap.stamp = now;
	snap.db = c->db;
	snap.have = true;
	pthread_mutex_unlock(&snap_lock);
	*reloaded = true;
	return 0;
}

int
stats_facts_load(struct ctx *c, struct fact_rows *out, struct err *e)
{
	bool reloaded;

	return facts_load(c, out, &reloaded, e);
}

int
reform_facts_refresh(struct ctx *c, size_t *loaded, struct err *e)
{
	struct fact_rows rows;
	bool reloaded;
	int rc;

	*loaded = 0;
	if (c->actor->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "只有系统任务可以刷新指标要素");
	rc = facts_load(c, &rows, &reloaded, e);
	if (rc == 0 && reloaded)
		*loaded = rows.n;
	fact_rows_free(&rows);
	return rc;
}

static int
facts_read(struct ctx *c, struct fact_rows *out, struct err *e)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

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
