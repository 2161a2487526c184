/* facts.c - the facts of each published item version (item_version_facts,
 * core/indicators.h struct indicator_fact): what the indicators count,
 * read from the version's elements by indicator_fact_from_json.
 *
 * A version's facts are written in the transaction that publishes it
 * (catalog_publish_version, catalog_item_insert_published), so no request
 * ever reads elements to count a publication. Versions that reach the
 * database another way (a province importing its catalogue straight into
 * the tables, a database from before the facts were written at
 * publication) get theirs from catalog_facts_fill: `onetrip indicators
 * facts` runs it as the import's last step, the server's job
 * indicator_facts at start and after changes of the catalogue, and an
 * indicator request that comes first when it finds published versions
 * without facts (service/stats/facts.c), so an answer never misses an
 * item. */
#include "service/catalog/catalog_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/indicators.h"
#include "store/db.h"

struct fact_row {
	int64_t version_id, item_id, dept_id, published_at;
	struct indicator_fact f;
};

#define FACT_COLS "(version_id, item_id, dept_id, type, published_at, " \
	"statutory_days, promised_days, visits, case_kind, window_authorised, " \
	"online, full_online, online_level, n_materials, n_required, steps, " \
	"fee_charged)"
#define FACT_NCOLS 17
#define FACT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
/* Rows per INSERT when many versions come at once (an imported
 * catalogue): one statement instead of 64 round trips. */
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
bind_fact(struct db_stmt *st, int k, const struct fact_row *p)
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

/* The one writer of item_version_facts: rows[0..n-1], FACT_BATCH per
 * statement. A version that has its facts already keeps them (they never
 * change: a published version's elements do not). */
static int
facts_insert(struct db *db, const struct fact_row *rows, size_t n,
    struct err *e)
{
	static const char one_sql[] = "INSERT INTO item_version_facts "
	    FACT_COLS " VALUES " FACT_ROW " ON CONFLICT (version_id) DO NOTHING";
	size_t i = 0;

	pthread_once(&batch_once, batch_sql_build);
	while (i < n) {
		size_t k = n - i >= FACT_BATCH ? FACT_BATCH : 1;
		struct db_stmt *st = db_prepare(db, k > 1 ? batch_sql : one_sql,
		    e);
		int rc;

		if (st == NULL)
			return err_rc(e);
		for (size_t j = 0; j < k; j++)
			bind_fact(st, (int)j * FACT_NCOLS, &rows[i + j]);
		rc = db_step(st, e);
		db_finish(st);
		if (rc < 0)
			return rc;
		i += k;
	}
	return 0;
}

int
catalog_facts_put(struct db *db, int64_t vid, const json_t *elements,
    struct err *e)
{
	struct fact_row r;
	struct db_stmt *st;
	int rc;

	memset(&r, 0, sizeof(r));
	st = db_query(db, e, "SELECT v.item_id, i.dept_id, v.published_at "
	    "FROM item_versions v JOIN items i ON i.id = v.item_id "
	    "WHERE v.id = ? AND v.published_at IS NOT NULL", "i", vid);
	if (st == NULL)
		return err_rc(e);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		r.version_id = vid;
		r.item_id = db_col_int(st, 0);
		r.dept_id = db_col_int(st, 1);
		r.published_at = db_col_int(st, 2);
	}
	db_finish(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_internal(e, "version %lld is not published",
		    (long long)vid);
	/* The elements passed catalog_check_json: they parse. */
	rc = indicator_fact_from_json(elements, &r.f, e);
	if (rc != 0)
		return rc;
	return facts_insert(db, &r, 1, e);
}

struct fill {
	struct fact_row *rows;
	size_t n;
};

static int
fill_tx(struct db *db, void *arg, struct err *e)
{
	struct fill *f = arg;

	return facts_insert(db, f->rows, f->n, e);
}

int
catalog_facts_fill(struct db *db, int64_t *written, int64_t *skipped,
    struct err *e)
{
	struct fill f = { NULL, 0 };
	size_t cap = 0;
	struct db_stmt *st;
	json_error_t je;
	struct err pe;
	int rc;

	*written = *skipped = 0;
	st = db_query(db, e, "SELECT v.id, v.item_id, i.dept_id, "
	    "v.published_at, v.elements FROM item_versions v "
	    "JOIN items i ON i.id = v.item_id "
	    "LEFT JOIN item_version_facts f ON f.version_id = v.id "
	    "WHERE v.published_at IS NOT NULL AND f.version_id IS NULL "
	    "AND v.status IN ('published', 'superseded')", NULL);
	if (st == NULL)
		return err_rc(e);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *el = json_loads(db_col_text(st, 4), 0, &je);
		struct fact_row *p;

		if (f.n == cap) {
			cap = cap ? cap * 2 : 64;
			f.rows = realloc(f.rows, cap * sizeof(*f.rows));
			if (f.rows == NULL) {
				json_decref(el);
				db_finish(st);
				return err_internal(e, "out of memory");
			}
		}
		p = &f.rows[f.n];
		p->version_id = db_col_int(st, 0);
		p->item_id = db_col_int(st, 1);
		p->dept_id = db_col_int(st, 2);
		p->published_at = db_col_int(st, 3);
		/* Elements that do not parse count for nothing (as before
		 * the facts were stored); the others are written. */
		if (indicator_fact_from_json(el, &p->f, &pe) == 0)
			f.n++;
		else
			(*skipped)++;
		json_decref(el);
	}
	db_finish(st);
	if (rc < 0) {
		free(f.rows);
		return rc;
	}
	rc = f.n > 0 ? db_tx(db, fill_tx, &f, e) : 0;
	if (rc == 0)
		*written = (int64_t)f.n;
	free(f.rows);
	return rc;
}

int
catalog_facts_missing(struct db *db, int64_t *missing, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*missing = 0;
	/* Two counts, each read from an index (item_versions_published and
	 * the primary key of item_version_facts), never the elements. */
	st = db_query(db, e, "SELECT (SELECT COUNT(*) FROM item_versions "
	    "WHERE published_at IS NOT NULL), (SELECT COUNT(*) FROM "
	    "item_version_facts)", NULL);
	if (st == NULL)
		return err_rc(e);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*missing = db_col_int(st, 0) - db_col_int(st, 1);
	db_finish(st);
	return rc < 0 ? rc : 0;
}
