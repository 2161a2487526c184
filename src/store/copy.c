/* copy.c - db_copy_all(): a county's SQLite database into an empty
 * PostgreSQL database of the same schema (`onetrip migrate-data`).
 *
 * The tables are the target's (pg_class, without schema_migrations, which
 * both already hold), copied parents first (the order of the foreign keys,
 * pg_constraint; keys that form a cycle are checked at the end of the
 * transaction), each in the order of its first column (the id: a row
 * that refers to an earlier row of its own table comes after it). Every
 * value travels as text, as PostgreSQL reads its input: integers and text
 * unchanged, REAL with 17 significant digits, so the audit chain, which
 * hashes the stored text, verifies on the target. The whole copy is one
 * transaction on each side: the source is read under BEGIN IMMEDIATE (a
 * county server still running waits, and the copy is one instant of it);
 * the target gets all rows or none. Identity sequences (and the sequence
 * of case ids) continue after the highest id, or after SQLite's
 * AUTOINCREMENT counter when that is higher (ids of deleted rows are never
 * given again). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "store/db.h"

#define COPY_TABLES_MAX 256
#define COPY_COLS_MAX 128
#define COPY_NAME_MAX 64
#define COPY_BATCH_ROWS 200
#define COPY_PARAMS_MAX 30000

struct table {
	char name[COPY_NAME_MAX];
	int ncols;
	char cols[COPY_COLS_MAX][COPY_NAME_MAX];
	int64_t rows;
};

struct copy {
	struct db *from, *to;
	struct table *t;
	int n;
	int64_t rows;
};

/* A catalogue name as an identifier: [a-z0-9_] only (quoted anyway). */
static bool
name_ok(const char *s)
{
	if (*s == '\0' || strlen(s) >= COPY_NAME_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return false;
	return true;
}

static int
find(const struct copy *cp, const char *name)
{
	for (int i = 0; i < cp->n; i++)
		if (strcmp(cp->t[i].name, name) == 0)
			return i;
	return -1;
}

/* The target's tables, then sorted so that every table comes after the
 * tables its foreign keys refer to. */
static int
list_tables(struct copy *cp, struct err *e)
{
	struct db_stmt *s;
	struct table *sorted;
	bool *placed, (*dep)[COPY_TABLES_MAX];
	int rc, k = 0;

	s = db_query(cp->to, e, "SELECT c.relname FROM pg_class c JOIN "
	    "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
	    "current_schema() AND c.relkind IN ('r', 'p') AND NOT "
	    "c.relispartition AND c.relname <> 'schema_migrations' ORDER BY "
	    "c.relname", "");
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (cp->n == COPY_TABLES_MAX || !name_ok(db_col_text(s, 0))) {
			db_finish(s);
			return err_internal(e, "migrate-data: table %s",
			    db_col_text(s, 0));
		}
		snprintf(cp->t[cp->n++].name, COPY_NAME_MAX, "%s",
		    db_col_text(s, 0));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	dep = calloc((size_t)COPY_TABLES_MAX, sizeof(*dep));
	placed = calloc((size_t)COPY_TABLES_MAX, sizeof(*placed));
	sorted = calloc((size_t)COPY_TABLES_MAX, sizeof(*sorted));
	if (dep == NULL || placed == NULL || sorted == NULL) {
		rc = err_internal(e, "migrate-data: out of memory");
		goto out;
	}
	s = db_query(cp->to, e, "SELECT a.relname, b.relname FROM "
	    "pg_constraint k JOIN pg_class a ON a.oid = k.conrelid JOIN "
	    "pg_class b ON b.oid = k.confrelid JOIN pg_namespace n ON n.oid = "
	    "a.relnamespace WHERE k.contype = 'f' AND n.nspname = "
	    "current_schema()", "");
	if (s == NULL) {
		rc = err_rc(e);
		goto out;
	}
	while ((rc = db_step(s, e)) == DB_ROW) {
		int a = find(cp, db_col_text(s, 0)), b = find(cp,
		    db_col_text(s, 1));

		if (a >= 0 && b >= 0 && a != b)
			dep[a][b] = true;
	}
	db_finish(s);
	if (rc < 0)
		goto out;
	rc = 0;
	while (k < cp->n) {
		int before = k;

		for (int i = 0; i < cp->n; i++) {
			bool ready = !placed[i];

			for (int j = 0; ready && j < cp->n; j++)
				if (dep[i][j] && !placed[j])
					ready = false;
			if (ready) {
				placed[i] = true;
				sorted[k++] = cp->t[i];
			}
		}
		if (k == before) {
			/* A cycle (departments.responsible_user_id -> users,
			 * users.dept_id -> departments): the rest goes in name
			 * order; the target checks its keys at the end
			 * (fks_deferred). */
			for (int i = 0; i < cp->n; i++)
				if (!placed[i]) {
					placed[i] = true;
					sorted[k++] = cp->t[i];
				}
		}
	}
	memcpy(cp->t, sorted, sizeof(*sorted) * (size_t)cp->n);
out:
	free(dep);
	free(placed);
	free(sorted);
	return rc;
}

/* The target's columns of t; each must exist in the source. */
static int
list_columns(struct copy *cp, struct table *t, struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(cp->to, e, "SELECT column_name FROM "
	    "information_schema.columns WHERE table_schema = current_schema() "
	    "AND table_name = ? AND is_generated = 'NEVER' ORDER BY "
	    "ordinal_position", "s", t->name);
	if (s == NULL)
		return err_rc(e);
	t->ncols = 0;
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (t->ncols == COPY_COLS_MAX || !name_ok(db_col_text(s, 0))) {
			db_finish(s);
			return err_internal(e, "migrate-data: %s: column %s",
			    t->name, db_col_text(s, 0));
		}
		snprintf(t->cols[t->ncols++], COPY_NAME_MAX, "%s",
		    db_col_text(s, 0));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (int i = 0; i < t->ncols; i++) {
		int64_t n = 0;

		rc = db_query_int(cp->from, e, &n, "SELECT COUNT(*) FROM "
		    "pragma_table_info(?) WHERE name = ?", "ss", t->name,
		    t->cols[i]);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_set(e, ERR_UNPROCESSABLE, "schema_differs",
			    "源数据库缺少 %s.%s，两边的数据库版本不一致",
			    t->name, t->cols[i]);
	}
	return 0;
}

/* Inserts rows [0, n) of vals (n * ncols texts, NULL for NULL) into t. */
static int
insert_batch(struct copy *cp, const struct table *t, char **vals,
    bool *nulls, int n, struct err *e)
{
	struct db_stmt *s;
	struct buf sql;
	int rc, p = 1;

	buf_init(&sql, 0);
	buf_appendf(&sql, "INSERT INTO \"%s\" (", t->name);
	for (int c = 0; c < t->ncols; c++)
		buf_appendf(&sql, "%s\"%s\"", c ? ", " : "", t->cols[c]);
	buf_puts(&sql, ") VALUES ");
	for (int r = 0; r < n; r++) {
		buf_puts(&sql, r ? ", (" : "(");
		for (int c = 0; c < t->ncols; c++)
			buf_puts(&sql, c ? ", ?" : "?");
		buf_puts(&sql, ")");
	}
	s = db_prepare(cp->to, sql.data, e);
	buf_release(&sql);
	if (s == NULL)
		return err_rc(e);
	for (int i = 0; i < n * t->ncols; i++) {
		rc = nulls[i] ? db_bind_null(s, p++) : db_bind_text(s, p++,
		    vals[i]);
		if (rc != 0) {
			db_finish(s);
			return err_internal(e, "migrate-data: bind");
		}
	}
	rc = db_step(s, e);
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int
copy_table(struct copy *cp, struct table *t, struct err *e)
{
	int per = COPY_PARAMS_MAX / (t->ncols > 0 ? t->ncols : 1), n = 0, rc;
	struct db_stmt *s;
	struct buf sql;
	char **vals;
	bool *nulls;

	if (per > COPY_BATCH_ROWS)
		per = COPY_BATCH_ROWS;
	vals = calloc((size_t)per * (size_t)t->ncols, sizeof(*vals));
	nulls = calloc((size_t)per * (size_t)t->ncols, sizeof(*nulls));
	if (vals == NULL || nulls == NULL) {
		free(vals);
		free(nulls);
		return err_internal(e, "migrate-data: out of memory");
	}
	buf_init(&sql, 0);
	buf_puts(&sql, "SELECT ");
	for (int c = 0; c < t->ncols; c++)
		buf_appendf(&sql, "%sCASE WHEN typeof(\"%s\") = 'real' THEN "
		    "printf('%%.17g', \"%s\") ELSE \"%s\" END", c ? ", " : "",
		    t->cols[c], t->cols[c], t->cols[c]);
	buf_appendf(&sql, " FROM \"%s\" ORDER BY 1", t->name);
	s = db_prepare(cp->from, sql.data, e);
	buf_release(&sql);
	if (s == NULL) {
		rc = err_rc(e);
		goto out;
	}
	t->rows = 0;
	while ((rc = db_step(s, e)) == DB_ROW) {
		for (int c = 0; c < t->ncols; c++) {
			int i = n * t->ncols + c;

			nulls[i] = db_col_is_null(s, c);
			vals[i] = strdup(db_col_text(s, c));
			if (vals[i] == NULL) {
				rc = err_internal(e, "out of memory");
				break;
			}
		}
		if (rc < 0)
			break;
		if (++n == per) {
			rc = insert_batch(cp, t, vals, nulls, n, e);
			for (int i = 0; i < n * t->ncols; i++) {
				free(vals[i]);
				vals[i] = NULL;
			}
			t->rows += n;
			n = 0;
			if (rc != 0)
				break;
		}
	}
	db_finish(s);
	if (rc >= 0 && n > 0) {
		rc = insert_batch(cp, t, vals, nulls, n, e);
		t->rows += n;
	}
	if (rc > 0)
		rc = 0;
out:
	for (int i = 0; i < per * t->ncols; i++)
		free(vals[i]);
	free(vals);
	free(nulls);
	return rc;
}

/* Identity columns (and the sequence of cases) continue after the highest
 * id copied, or after the source's AUTOINCREMENT counter when it is
 * higher. Both are taken below 10^10: a case's id carries its year above
 * (Y * 10^10 + n, service/case/numbers.c) and the sequence gives n. */
static int
set_sequences(struct copy *cp, struct err *e)
{
	json_t *cols;
	size_t i;
	json_t *v;
	int rc = 0;

	cols = db_query_json(cp->to, e, "SELECT table_name AS t, column_name "
	    "AS c FROM information_schema.columns WHERE table_schema = "
	    "current_schema() AND pg_get_serial_sequence(format('%I', "
	    "table_name), column_name) IS NOT NULL", "");
	if (cols == NULL)
		return err_rc(e);
	json_array_foreach(cols, i, v) {
		const char *t = json_string_value(json_object_get(v, "t"));
		const char *c = json_string_value(json_object_get(v, "c"));
		int64_t top = 0, seq = 0;
		struct buf sql;

		if (t == NULL || c == NULL || !name_ok(t) || !name_ok(c))
			continue;
		buf_init(&sql, 0);
		buf_appendf(&sql, "SELECT COALESCE(MAX(\"%s\" %% "
		    "10000000000), 0) FROM \"%s\"", c, t);
		rc = db_query_int(cp->to, e, &top, sql.data, "");
		buf_release(&sql);
		if (rc < 0)
			break;
		rc = db_query_int(cp->from, e, &seq, "SELECT COALESCE(MAX(seq "
		    "% 10000000000), 0) FROM sqlite_sequence WHERE name = ?",
		    "s", t);
		if (rc < 0)
			break;
		if (seq > top)
			top = seq;
		rc = 0;
		if (top == 0)
			continue;
		rc = db_query_int(cp->to, e, &seq, "SELECT setval("
		    "pg_get_serial_sequence(?, ?), ?)", "ssi", t, c, top);
		if (rc < 0)
			break;
		rc = 0;
	}
	json_decref(cols);
	return rc;
}

/* Makes every foreign key of the target deferred (deferrable = true) or
 * as the migrations made it again (false), inside the copy's transaction:
 * rows of tables that refer to each other are then checked at the end,
 * when all are in. A key to a partitioned table (cases) is altered once:
 * PostgreSQL keeps one derived constraint per partition and alters those
 * with it. */
static int
fks_deferrable(struct copy *cp, bool deferrable, struct err *e)
{
	struct db_stmt *s;
	struct buf alters;
	int rc;

	buf_init(&alters, 0);
	s = db_query(cp->to, e, "SELECT a.relname, k.conname FROM "
	    "pg_constraint k JOIN pg_class a ON a.oid = k.conrelid JOIN "
	    "pg_namespace n ON n.oid = a.relnamespace WHERE k.contype = 'f' "
	    "AND k.conparentid = 0 AND n.nspname = current_schema() "
	    "ORDER BY 1, 2", "");
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (!name_ok(db_col_text(s, 0)) ||
		    strlen(db_col_text(s, 1)) >= COPY_NAME_MAX ||
		    strchr(db_col_text(s, 1), '"') != NULL) {
			rc = err_internal(e, "migrate-data: constraint %s",
			    db_col_text(s, 1));
			break;
		}
		buf_appendf(&alters, "ALTER TABLE \"%s\" ALTER CONSTRAINT "
		    "\"%s\" %s\n", db_col_text(s, 0), db_col_text(s, 1),
		    deferrable ? "DEFERRABLE INITIALLY DEFERRED" :
		    "NOT DEFERRABLE");
	}
	db_finish(s);
	if (rc == DB_DONE) {
		char *line = alters.data, *end;

		rc = 0;
		while (rc == 0 && line != NULL &&
		    (end = strchr(line, '\n')) != NULL) {
			*end = '\0';
			rc = db_exec(cp->to, e, line, "");
			line = end + 1;
		}
	}
	buf_release(&alters);
	return rc;
}

static int
target_tx(struct db *to, void *arg, struct err *e)
{
	struct copy *cp = arg;
	int64_t n = 0;
	int rc;

	(void)to;
	cp->rows = 0;
	/* What the migrations themselves wrote (the audit chain's head, the
	 * calendar's version, ...) gives way to the source's rows. */
	for (int i = cp->n - 1; i >= 0; i--) {
		struct buf sql;

		buf_init(&sql, 0);
		buf_appendf(&sql, "SELECT COUNT(*) FROM \"%s\"", cp->t[i].name);
		rc = db_query_int(cp->to, e, &n, sql.data, "");
		buf_release(&sql);
		if (rc < 0)
			return rc;
		if (n == 0)
			continue;
		buf_init(&sql, 0);
		buf_appendf(&sql, "DELETE FROM \"%s\"", cp->t[i].name);
		rc = db_exec(cp->to, e, sql.data, "");
		buf_release(&sql);
		if (rc != 0)
			return rc;
	}
	rc = fks_deferrable(cp, true, e);
	if (rc != 0)
		return rc;
	for (int i = 0; i < cp->n; i++) {
		rc = copy_table(cp, &cp->t[i], e);
		if (rc != 0) {
			log_error("migrate-data: table %s: %s", cp->t[i].name,
			    e->msg);
			return rc;
		}
		cp->rows += cp->t[i].rows;
	}
	/* The keys are checked here, and stay as the migrations made them. */
	rc = db_exec(cp->to, e, "SET CONSTRAINTS ALL IMMEDIATE", "");
	if (rc == 0)
		rc = fks_deferrable(cp, false, e);
	if (rc != 0)
		return rc;
	return set_sequences(cp, e);
}

static int
source_tx(struct db *from, void *arg, struct err *e)
{
	struct copy *cp = arg;

	(void)from;
	return db_tx(cp->to, target_tx, cp, e);
}

int
db_copy_all(struct db *from, struct db *to, int *tables, int64_t *rows,
    struct err *e)
{
	struct copy cp = { from, to, NULL, 0, 0 };
	int64_t used = 0;
	int rc;

	if (db_kind(from) != DB_SQLITE || db_kind(to) != DB_POSTGRES)
		return err_set(e, ERR_UNPROCESSABLE, "bad_direction",
		    "只能从 SQLite 数据库迁移到 PostgreSQL 数据库");
	rc = db_query_int(to, e, &used, "SELECT (SELECT COUNT(*) FROM users) "
	    "+ (SELECT COUNT(*) FROM audit_log) + (SELECT COUNT(*) FROM "
	    "cases)", "");
	if (rc < 0)
		return rc;
	if (used > 0)
		return err_set(e, ERR_CONFLICT, "target_not_empty",
		    "目标数据库已有数据（用户、办件或审计记录），"
		    "迁移只能写入空数据库");
	cp.t = calloc(COPY_TABLES_MAX, sizeof(*cp.t));
	if (cp.t == NULL)
		return err_internal(e, "migrate-data: out of memory");
	rc = list_tables(&cp, e);
	for (int i = 0; rc == 0 && i < cp.n; i++)
		rc = list_columns(&cp, &cp.t[i], e);
	if (rc == 0)
		rc = db_tx(from, source_tx, &cp, e);
	if (rc == 0) {
		*tables = cp.n;
		*rows = cp.rows;
	}
	free(cp.t);
	return rc;
}
