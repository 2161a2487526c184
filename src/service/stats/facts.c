/* facts.c - the facts of every published item version (item_version_facts),
 * read once from the version's elements, and the version of each item in
 * force at a date: what the indicators at any past date are computed from.
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

#define FACT_COLS "(version_id, item_id, dept_id, type, published_at, " \
	"statutory_days, promised_days, visits, case_kind, window_authorised, " \
	"online, full_online, online_level, n_materials, n_required, steps, " \
	"fee_charged)"
#define FACT_NCOLS 17
#define FACT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
/* Rows per INSERT when many versions come at once (a catalogue imported or
 * generated): one statement instead of 64 round trips. */
#define FACT_BATCH 64

static char batch_sql[sizeof("INSERT INTO item_version_facts " FACT_COLS
    " VALUES  ON CONFLICT (version_id) DO NOTHING") +
    FACT_BATCH * (sizeof(FACT_ROW) + 2)];
static pthread_once_t batch_once = PTHREAD_ONCE_INIT;

static void
batch_sql_build(void)
{
	size_t n = 0;

	n += (size_t)snprintf(batch_sql + n, sizeof(batch_sql) - n,
	    "INSERT INTO item_version_facts " FACT_COLS " VALUES ");
	for (int i = 0; i < FACT_BATCH; i++)
		n += (size_t)snprintf(batch_sql + n, sizeof(batch_sql) - n,
		    "%s" FACT_ROW, i > 0 ? ", " : "");
	snprintf(batch_sql + n, sizeof(batch_sql) - n,
	    " ON CONFLICT (version_id) DO NOTHING");
}

static void
bind_fact(struct db_stmt *st, int k, const struct pending *p)
{
	const struct indicator_fact *f = &p->f;

	db_bind_int(st, k + 1, p->version_id);
	db_bind_int(st, k + 2, p->item_id);
	db_bind_int(st, k + 3, p->dept_id);
	db_bind_text(st, k + 4, f->type);
	db_bind_int(st, k + 5, p->published_at);
	db_bind_int(st, k + 6, f->statutory_days);
	db_bind_int(st, k + 7, f->promised_days);
	db_bind_int(st, k + 8, f->visits);
	db_bind_int(st, k + 9, f->case_kind);
	db_bind_int(st, k + 10, f->window_authorised);
	db_bind_int(st, k + 11, f->online);
	db_bind_int(st, k + 12, f->full_online);
	db_bind_int(st, k + 13, f->online_level);
	db_bind_int(st, k + 14, f->n_materials);
	db_bind_int(st, k + 15, f->n_required);
	db_bind_int(st, k + 16, f->steps);
	db_bind_int(st, k + 17, f->fee_charged);
}

static int
sync_tx(struct db *db, void *arg, struct err *e)
{
	static const char one_sql[] = "INSERT INTO item_version_facts "
	    FACT_COLS " VALUES " FACT_ROW " ON CONFLICT (version_id) DO NOTHING";
	struct sync *s = arg;
	size_t i = 0;

	pthread_once(&batch_once, batch_sql_build);
	while (i < s->n) {
		size_t k = s->n - i >= FACT_BATCH ? FACT_BATCH : 1;
		struct db_stmt *st = db_prepare(db, k > 1 ? batch_sql : one_sql,
		    e);
		int rc;

		if (st == NULL)
			return -(int)e->code;
		for (size_t j = 0; j < k; j++)
			bind_fact(st, (int)j * FACT_NCOLS, &s->p[i + j]);
		rc = db_step(st, e);
		db_finish(st);
		if (rc < 0)
			return rc;
		i += k;
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

int
stats_facts_load(struct ctx *c, struct fact_rows *out, struct err *e)
{
	struct stamp now;
	struct fact_rows keep;
	bool hit = false;
	int rc;

	memset(out, 0, sizeof(*out));
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
	return 0;
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
