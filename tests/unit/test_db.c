/* Unit tests for store/db.h: the SQLite driver always (in a mkdtemp folder),
 * the PostgreSQL driver too when ONETRIP_TEST_PG_URL names a throwaway
 * database (its public schema is dropped and re-created!). */
#include "unit.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/config.h"
#include "base/embedded.h"
#include "base/err.h"
#include "base/log.h"
#include "base/config.h"
#include "store/db.h"

struct fixture {
	struct db *db;
	char dir[64];   /* SQLite: the temporary folder */
	char url[512];
	bool pg;
};

static struct fixture sq_fx, pg_fx;

static void
rm_dir(const char *dir)
{
	char cmd[128];

	if (dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static int
setup_sqlite(void **state)
{
	struct fixture *fx = &sq_fx;
	struct err e;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/onetrip-test-db-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	if (snprintf(fx->url, sizeof(fx->url), "sqlite:%s/t.db", fx->dir) >=
	    (int)sizeof(fx->url))
		return -1;
	if (db_open(&fx->db, fx->url, &e) != 0) {
		fprintf(stderr, "db_open: %s\n", e.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
setup_pg(void **state)
{
	struct fixture *fx = &pg_fx;
	const char *url = getenv("ONETRIP_TEST_PG_URL");
	struct err e;

	fx->pg = true;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/onetrip-test-db-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->url, sizeof(fx->url), "%s", url);
	if (db_open(&fx->db, fx->url, &e) != 0) {
		fprintf(stderr, "db_open %s: %s\n", url, e.msg);
		return -1;
	}
	if (db_exec(fx->db, &e, "DROP SCHEMA public CASCADE", "") != 0 ||
	    db_exec(fx->db, &e, "CREATE SCHEMA public", "") != 0) {
		fprintf(stderr, "reset schema: %s\n", e.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	db_close(fx->db);
	fx->db = NULL;
	rm_dir(fx->dir);
	return 0;
}

/* Creates a fresh table (dropping an older one). */
static void
fresh_table(struct db *db, const char *drop, const char *create)
{
	struct err e;

	assert_int_equal(db_exec(db, &e, drop, ""), 0);
	assert_int_equal(db_exec(db, &e, create, ""), 0);
}

static void
open_refuses_bad_urls(void **state)
{
	struct db *db = NULL;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(db_open(&db, "mysql://x/y", &e), -ERR_INVALID);
	assert_null(db);
	assert_int_equal(db_open(&db, "sqlite:", &e), -ERR_INVALID);
	assert_int_equal(db_open(&db, "sqlite:/no/such/folder/x.db", &e),
	    -ERR_INVALID);
	assert_string_equal(e.key, "db_dir_missing");
	assert_non_null(strstr(e.msg, "/no/such/folder"));
	/* Nobody listens on port 1; the password never shows. */
	assert_true(db_open(&db,
	    "postgresql://u:s3cretpw@127.0.0.1:1/x?connect_timeout=2", &e) < 0);
	assert_null(db);
	assert_null(strstr(e.msg, "s3cretpw"));
	assert_non_null(strstr(e.msg, "u:***@127.0.0.1:1"));
}

/* A statement assembled from parts binds each part's arguments in turn;
 * more arguments than placeholders is an error, never a write past them. */
static void
parts_bind_in_turn(void **state)
{
	struct fixture *fx = *state;
	struct db_stmt *s;
	struct err e;
	int at = 0;

	err_clear(&e);
	s = db_prepare(fx->db, "SELECT CAST(? AS BIGINT) + CAST(? AS BIGINT), "
	    "CAST(? AS TEXT) || CAST(? AS TEXT)", &e);
	assert_non_null(s);
	assert_int_equal(db_bind_next(s, &at, &e, "iI", (int64_t)40, 2), 0);
	assert_int_equal(at, 2);
	assert_int_equal(db_bind_next(s, &at, &e, "ss", "ab", "cd"), 0);
	assert_int_equal(at, 4);
	assert_int_equal(db_bind_next(s, &at, &e, "i", (int64_t)1),
	    -ERR_INTERNAL);
	assert_int_equal(at, 4);
	assert_int_equal(db_step(s, &e), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 42);
	assert_string_equal(db_col_text(s, 1), "abcd");
	assert_int_equal(db_step(s, &e), DB_DONE);
	db_finish(s);
}

static void
url_safe_hides_the_password(void **state)
{
	struct fixture *fx = *state;

	if (!fx->pg || strchr(fx->url, '@') == NULL)
		assert_string_equal(db_url_safe(fx->db), fx->url);
	assert_true(db_ping(fx->db));
	assert_int_equal(db_kind(fx->db), fx->pg ? DB_POSTGRES : DB_SQLITE);
}

static void
crud_through_every_wrapper(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	struct db_stmt *s;
	struct err e;
	json_t *row, *rows;
	int64_t n = -1;
	int rc, seen = 0;

	fresh_table(db, "DROP TABLE IF EXISTS t_crud",
	    "CREATE TABLE t_crud (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	    "score DOUBLE PRECISION, note TEXT)");
	assert_int_equal(db_exec(db, &e, "INSERT INTO t_crud (id, name, score, "
	    "note) VALUES (?, ?, ?, ?)", "isdn", (int64_t)1, "张明", 4.5), 0);
	assert_int_equal(db_last_changes(db), 1);
	assert_int_equal(db_exec(db, &e, "INSERT INTO t_crud (id, name, score, "
	    "note) VALUES (?, ?, ?, ?)", "Isds", 2, "李华", -1.25, "备注"), 0);

	/* Prepare, bind, step, columns. */
	s = db_prepare(db, "SELECT id, name, score, note FROM t_crud "
	    "WHERE id >= ? ORDER BY id", &e);
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, 1, 1), 0);
	assert_int_not_equal(db_bind_int(s, 2, 1), 0); /* no such parameter */
	while ((rc = db_step(s, &e)) == DB_ROW) {
		seen++;
		assert_int_equal(db_col_count(s), 4);
		assert_string_equal(db_col_name(s, 1), "name");
		if (db_col_int(s, 0) == 1) {
			assert_string_equal(db_col_text(s, 1), "张明");
			assert_true(db_col_double(s, 2) == 4.5);
			assert_true(db_col_is_null(s, 3));
			assert_string_equal(db_col_text(s, 3), "");
		} else {
			assert_string_equal(db_col_text(s, 3), "备注");
			assert_true(db_col_double(s, 2) == -1.25);
		}
	}
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(seen, 2);
	db_finish(s);

	/* Text with explicit length; NULL text binds NULL. */
	s = db_prepare(db, "UPDATE t_crud SET note = ?, name = ? WHERE id = ?", &e);
	assert_non_null(s);
	assert_int_equal(db_bind_textn(s, 1, "abcdef", 3), 0);
	assert_int_equal(db_bind_text(s, 2, "王五"), 0);
	assert_int_equal(db_bind_int(s, 3, 1), 0);
	assert_int_equal(db_step(s, &e), DB_DONE);
	assert_int_equal(db_changes(s), 1);
	db_finish(s);
	row = db_query_row(db, &e, "SELECT name, note FROM t_crud WHERE id = ?",
	    "i", (int64_t)1);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "note")), "abc");
	assert_string_equal(json_string_value(json_object_get(row, "name")), "王五");
	json_decref(row);

	assert_int_equal(db_query_int(db, &e, &n, "SELECT COUNT(*) FROM t_crud "
	    "WHERE name <> ?", "s", "nobody"), DB_ROW);
	assert_int_equal(n, 2);
	assert_int_equal(db_query_int(db, &e, &n, "SELECT id FROM t_crud "
	    "WHERE id = ?", "i", (int64_t)99), DB_DONE);

	/* A '?' inside a string literal or comment is not a placeholder. */
	row = db_query_row(db, &e, "SELECT 'a?b' AS lit, -- what? \n"
	    "? AS v /* ? */", "s", "x");
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "lit")), "a?b");
	assert_string_equal(json_string_value(json_object_get(row, "v")), "x");
	json_decref(row);

	/* The same statement used again while still being stepped. */
	s = db_query(db, &e, "SELECT id FROM t_crud WHERE id > ? ORDER BY id",
	    "i", (int64_t)0);
	assert_non_null(s);
	seen = 0;
	while (db_step(s, &e) == DB_ROW) {
		assert_int_equal(db_query_int(db, &e, &n, "SELECT id FROM t_crud "
		    "WHERE id > ? ORDER BY id", "i", db_col_int(s, 0)),
		    seen == 0 ? DB_ROW : DB_DONE);
		seen++;
	}
	db_finish(s);
	assert_int_equal(seen, 2);

	assert_int_equal(db_exec(db, &e, "DELETE FROM t_crud WHERE id = ?", "i",
	    (int64_t)2), 0);
	assert_int_equal(db_last_changes(db), 1);
	assert_int_equal(db_exec(db, &e, "DELETE FROM t_crud WHERE id = ?", "i",
	    (int64_t)2), 0);
	assert_int_equal(db_last_changes(db), 0);
	err_clear(&e);
	assert_null(db_query_row(db, &e, "SELECT * FROM t_crud WHERE id = ?",
	    "i", (int64_t)2));
	assert_int_equal(e.code, ERR_NOT_FOUND);
	rows = db_query_json(db, &e, "SELECT id FROM t_crud", "");
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);
}

static void
bad_calls_are_internal_errors(void **state)
{
	struct fixture *fx = *state;
	struct err e;

	/* Wrong number of arguments, unknown type letter, bad SQL, two
	 * statements at once. */
	assert_int_equal(db_exec(fx->db, &e, "SELECT ? + ?", "i", (int64_t)1),
	    -ERR_INTERNAL);
	assert_int_equal(db_exec(fx->db, &e, "SELECT ?", "x", 1), -ERR_INTERNAL);
	assert_int_equal(db_exec(fx->db, &e, "SELEC 1", ""), -ERR_INTERNAL);
	assert_null(db_prepare(fx->db, "SELECT 1; SELECT 2", &e));
	assert_null(db_query_json(fx->db, &e, "SELECT * FROM no_such_table", ""));
	assert_int_equal(e.code, ERR_INTERNAL);
	/* The connection is still fine afterwards. */
	assert_true(db_ping(fx->db));
}

static void
query_json_maps_types(void **state)
{
	struct fixture *fx = *state;
	struct err e;
	json_t *rows, *r;

	fresh_table(fx->db, "DROP TABLE IF EXISTS t_types",
	    "CREATE TABLE t_types (a BIGINT, b INTEGER, f DOUBLE PRECISION, "
	    "t TEXT)");
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_types VALUES "
	    "(?, ?, ?, ?)", "iids", (int64_t)9007199254740993LL, (int64_t)2,
	    0.5, "01"), 0);
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_types VALUES "
	    "(?, ?, ?, ?)", "iidn", (int64_t)-3, (int64_t)4, 2.0), 0);
	rows = db_query_json(fx->db, &e, "SELECT a, b, f, t, a IS NULL AS nul, "
	    "CAST(NULL AS TEXT) AS z FROM t_types ORDER BY b", "");
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 2);
	r = json_array_get(rows, 0);
	assert_true(json_is_integer(json_object_get(r, "a")));
	assert_int_equal(json_integer_value(json_object_get(r, "a")),
	    9007199254740993LL);
	assert_true(json_is_integer(json_object_get(r, "b")));
	assert_true(json_is_real(json_object_get(r, "f")));
	assert_true(json_real_value(json_object_get(r, "f")) == 0.5);
	assert_true(json_is_string(json_object_get(r, "t")));
	assert_string_equal(json_string_value(json_object_get(r, "t")), "01");
	/* A boolean expression reads as 0/1 on both databases. */
	assert_true(json_is_integer(json_object_get(r, "nul")));
	assert_int_equal(json_integer_value(json_object_get(r, "nul")), 0);
	assert_true(json_is_null(json_object_get(r, "z")));
	r = json_array_get(rows, 1);
	assert_true(json_is_null(json_object_get(r, "t")));
	assert_true(json_is_real(json_object_get(r, "f")));
	json_decref(rows);

	/* Aggregates: COUNT and SUM of integers are integers, AVG a real. */
	r = db_query_row(fx->db, &e, "SELECT COUNT(*) AS n, SUM(a) AS s, "
	    "SUM(b) AS sb, AVG(b) AS av FROM t_types", "");
	assert_non_null(r);
	assert_true(json_is_integer(json_object_get(r, "n")));
	assert_int_equal(json_integer_value(json_object_get(r, "n")), 2);
	assert_true(json_is_integer(json_object_get(r, "s")));
	assert_int_equal(json_integer_value(json_object_get(r, "s")),
	    9007199254740990LL);
	assert_true(json_is_integer(json_object_get(r, "sb")));
	assert_true(json_is_real(json_object_get(r, "av")));
	assert_true(json_real_value(json_object_get(r, "av")) == 3.0);
	json_decref(r);
}

static void
constraint_violations_are_conflicts(void **state)
{
	struct fixture *fx = *state;
	struct err e;
	int64_t n = 0;

	assert_int_equal(db_exec(fx->db, &e, "DROP TABLE IF EXISTS t_child", ""), 0);
	fresh_table(fx->db, "DROP TABLE IF EXISTS t_parent",
	    "CREATE TABLE t_parent (id INTEGER PRIMARY KEY, login TEXT UNIQUE, "
	    "age INTEGER CHECK (age >= 0))");
	assert_int_equal(db_exec(fx->db, &e, "CREATE TABLE t_child (id INTEGER "
	    "PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES t_parent(id))",
	    ""), 0);
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_parent VALUES "
	    "(1, ?, 30)", "s", "zhang"), 0);
	err_clear(&e);
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_parent VALUES "
	    "(2, ?, 30)", "s", "zhang"), -ERR_CONFLICT);
	assert_string_equal(e.key, "duplicate");
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_parent VALUES "
	    "(1, ?, 30)", "s", "li"), -ERR_CONFLICT);
	assert_string_equal(e.key, "duplicate");
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_child VALUES "
	    "(1, ?)", "i", (int64_t)42), -ERR_CONFLICT);
	assert_string_equal(e.key, "conflict");
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_parent VALUES "
	    "(3, ?, -1)", "s", "wang"), -ERR_CONFLICT);
	assert_string_equal(e.key, "conflict");
	assert_int_equal(db_query_int(fx->db, &e, &n,
	    "SELECT COUNT(*) FROM t_parent", ""), DB_ROW);
	assert_int_equal(n, 1);
}

static int
insert_then_fail(struct db *db, void *arg, struct err *e)
{
	int rc;

	(void)arg;
	assert_true(db_in_tx(db));
	rc = db_exec(db, e, "INSERT INTO t_tx (v) VALUES (?)", "s", "lost");
	if (rc != 0)
		return rc;
	return err_set(e, ERR_UNPROCESSABLE, "rule", "不符合规则");
}

static int
insert_ok(struct db *db, void *arg, struct err *e)
{
	return db_exec(db, e, "INSERT INTO t_tx (v) VALUES (?)", "s",
	    (const char *)arg);
}

static int
outer_with_inner(struct db *db, void *arg, struct err *e)
{
	int rc;

	rc = db_exec(db, e, "INSERT INTO t_tx (v) VALUES (?)", "s", "outer");
	if (rc != 0)
		return rc;
	rc = db_tx(db, insert_ok, "inner", e);
	if (rc != 0)
		return rc;
	assert_true(db_in_tx(db));
	if (arg != NULL) {
		/* The inner failure is swallowed: still nothing commits. */
		rc = db_tx(db, insert_then_fail, NULL, e);
		assert_int_equal(rc, -ERR_UNPROCESSABLE);
		return 0;
	}
	return 0;
}

static void
transactions_commit_roll_back_and_nest(void **state)
{
	struct fixture *fx = *state;
	struct err e;
	int64_t n = -1;

	fresh_table(fx->db, "DROP TABLE IF EXISTS t_tx",
	    "CREATE TABLE t_tx (v TEXT NOT NULL)");
	assert_false(db_in_tx(fx->db));
	err_clear(&e);
	assert_int_equal(db_tx(fx->db, insert_then_fail, NULL, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "rule");
	assert_false(db_in_tx(fx->db));
	assert_int_equal(db_query_int(fx->db, &e, &n,
	    "SELECT COUNT(*) FROM t_tx", ""), DB_ROW);
	assert_int_equal(n, 0);

	assert_int_equal(db_tx(fx->db, outer_with_inner, NULL, &e), 0);
	assert_int_equal(db_query_int(fx->db, &e, &n,
	    "SELECT COUNT(*) FROM t_tx", ""), DB_ROW);
	assert_int_equal(n, 2);

	err_clear(&e);
	assert_int_equal(db_tx(fx->db, outer_with_inner, "fail", &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "rule");
	assert_int_equal(db_query_int(fx->db, &e, &n,
	    "SELECT COUNT(*) FROM t_tx", ""), DB_ROW);
	assert_int_equal(n, 2);

	/* A failed statement inside the transaction rolls it all back. */
	assert_int_equal(db_tx(fx->db, insert_ok, NULL, &e), -ERR_INTERNAL);
	assert_int_equal(db_query_int(fx->db, &e, &n,
	    "SELECT COUNT(*) FROM t_tx", ""), DB_ROW);
	assert_int_equal(n, 2);
	assert_int_equal(db_tx_lock(fx->db, 1, &e), -ERR_INTERNAL);
}

#define THREADS 4
#define ROUNDS 200

static int
increment(struct db *db, void *arg, struct err *e)
{
	int64_t n = 0;
	int rc;

	(void)arg;
	/* Read, then write what was read plus one: only correct when the
	 * transactions really run one after the other on this counter. */
	rc = db_tx_lock(db, 42, e);
	if (rc != 0)
		return rc;
	rc = db_query_int(db, e, &n, "SELECT n FROM t_counter WHERE id = 1", "");
	if (rc != DB_ROW)
		return rc < 0 ? rc : -ERR_INTERNAL;
	return db_exec(db, e, "UPDATE t_counter SET n = ? WHERE id = 1", "i",
	    n + 1);
}

struct worker {
	struct db *db;
	int failures;
	char msg[ERR_MSG_MAX];
};

static void *
work(void *p)
{
	struct worker *w = p;
	struct err e;
	int i;

	for (i = 0; i < ROUNDS; i++)
		if (db_tx(w->db, increment, NULL, &e) != 0) {
			w->failures++;
			snprintf(w->msg, sizeof(w->msg), "%s", e.msg);
		}
	db_thread_done(w->db);
	return NULL;
}

static void
concurrent_increments_are_exact(void **state)
{
	struct fixture *fx = *state;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct err e;
	int64_t n = -1;
	int i;

	fresh_table(fx->db, "DROP TABLE IF EXISTS t_counter",
	    "CREATE TABLE t_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_counter VALUES "
	    "(1, 0)", ""), 0);
	for (i = 0; i < THREADS; i++) {
		w[i].db = fx->db;
		w[i].failures = 0;
		w[i].msg[0] = '\0';
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failures != 0)
			fprintf(stderr, "worker %d: %d failures, last: %s\n", i,
			    w[i].failures, w[i].msg);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(db_query_int(fx->db, &e, &n,
	    "SELECT n FROM t_counter WHERE id = 1", ""), DB_ROW);
	assert_int_equal(n, THREADS * ROUNDS);
}

static void
backup_copy_is_readable(void **state)
{
	struct fixture *fx = *state;
	struct db *copy = NULL;
	char path[128], url[160];
	struct err e;
	int64_t n = 0;
	struct stat sb;

	fresh_table(fx->db, "DROP TABLE IF EXISTS t_backup",
	    "CREATE TABLE t_backup (id INTEGER PRIMARY KEY, v TEXT)");
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_backup VALUES "
	    "(1, ?), (2, ?)", "ss", "甲", "乙"), 0);
	snprintf(path, sizeof(path), "%s/backup.db", fx->dir);
	err_clear(&e);
	if (fx->pg) {
		assert_int_equal(db_backup_to(fx->db, path, &e),
		    -ERR_UNPROCESSABLE);
		assert_non_null(strstr(e.msg, "pg_dump --format=custom"));
		assert_int_not_equal(stat(path, &sb), 0);
		return;
	}
	assert_int_equal(db_backup_to(fx->db, "/no/such/dir/b.db", &e),
	    -ERR_INVALID);
	assert_int_equal(db_backup_to(fx->db, path, &e), 0);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(db_open(&copy, url, &e), 0);
	assert_int_equal(db_query_int(copy, &e, &n,
	    "SELECT COUNT(*) FROM t_backup WHERE v IN (?, ?)", "ss", "甲", "乙"),
	    DB_ROW);
	assert_int_equal(n, 2);
	db_close(copy);
	/* No temporary file left beside it. */
	snprintf(url, sizeof(url), "%s.tmp-%ld", path, (long)getpid());
	assert_int_not_equal(stat(url, &sb), 0);
}

struct killer {
	struct db *db;
	int64_t pid;
	int rc;
};

static void *
kill_backend(void *p)
{
	struct killer *k = p;
	struct err e;
	int64_t ok = 0;

	k->rc = db_query_int(k->db, &e, &ok, "SELECT CASE WHEN "
	    "pg_terminate_backend(?) THEN 1 ELSE 0 END", "i", k->pid);
	if (k->rc == DB_ROW && ok != 1)
		k->rc = -1;
	db_thread_done(k->db);
	return NULL;
}

/* Terminates this thread's server connection from another one. */
static int64_t
kill_my_connection(struct db *db)
{
	struct killer k = { db, 0, 0 };
	pthread_t t;
	struct err e;

	assert_int_equal(db_query_int(db, &e, &k.pid,
	    "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_int_equal(pthread_create(&t, NULL, kill_backend, &k), 0);
	pthread_join(t, NULL);
	assert_int_equal(k.rc, DB_ROW);
	usleep(100 * 1000);
	return k.pid;
}

/* Terminates this thread's connection 300 ms from now, while the caller
 * runs a statement on it; join soon_thread afterwards. */
static struct killer soon;
static pthread_t soon_thread;

static void *
kill_backend_soon(void *p)
{
	usleep(300 * 1000);
	return kill_backend(p);
}

static void
kill_my_connection_soon(struct db *db)
{
	struct err e;

	soon.db = db;
	soon.rc = 0;
	assert_int_equal(db_query_int(db, &e, &soon.pid,
	    "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_int_equal(pthread_create(&soon_thread, NULL, kill_backend_soon,
	    &soon), 0);
}

/* PostgreSQL only. */
static void
lost_connections_are_reopened(void **state)
{
	struct fixture *fx = *state;
	struct err e;
	int64_t old, now = 0, n = 0;

	fresh_table(fx->db, "DROP TABLE IF EXISTS t_tx",
	    "CREATE TABLE t_tx (v TEXT NOT NULL)");
	/* A query simply runs again on a new connection. */
	old = kill_my_connection(fx->db);
	assert_int_equal(db_query_int(fx->db, &e, &now,
	    "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_int_not_equal(now, old);
	/* A transaction is retried on a new connection. */
	kill_my_connection(fx->db);
	assert_int_equal(db_tx(fx->db, insert_ok, "after", &e), 0);
	/* A connection the server closed while it was idle is noticed
	 * before the next statement is sent: a lone write meets a new one. */
	kill_my_connection(fx->db);
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_tx (v) VALUES (?)",
	    "s", "fresh"), 0);
	/* A lone write whose connection dies while it runs is not
	 * repeated (it might have committed): it fails as busy, and the
	 * next statement works again. */
	kill_my_connection_soon(fx->db);
	assert_int_equal(db_exec(fx->db, &e, "INSERT INTO t_tx (v) SELECT ? "
	    "FROM pg_sleep(2)", "s", "lost"), -ERR_BUSY);
	assert_string_equal(e.key, "db_unavailable");
	assert_int_equal(db_query_int(fx->db, &e, &n, "SELECT COUNT(*) FROM "
	    "t_tx", ""), DB_ROW);
	assert_int_equal(n, 2);
	assert_true(db_ping(fx->db));
	pthread_join(soon_thread, NULL);
	assert_int_equal(soon.rc, DB_ROW);
}

static int
count_migration_files(void)
{
	const struct embedded_file *f;
	int n = 0;

	for (f = embedded_files; f->path != NULL; f++)
		if (strncmp(f->path, "src/store/migrations/", 21) == 0 &&
		    strlen(f->path) > 25 &&
		    strcmp(f->path + strlen(f->path) - 4, ".sql") == 0)
			n++;
	return n;
}

static void *
migrate_thread(void *p)
{
	struct worker *w = p;
	struct err e;
	int applied = 0;

	if (db_migrate(w->db, &applied, &e) != 0) {
		w->failures = -1;
		snprintf(w->msg, sizeof(w->msg), "%s", e.msg);
	} else
		w->failures = applied;
	db_thread_done(w->db);
	return NULL;
}

static void
migrations_apply_once(void **state)
{
	struct fixture *fx = *state;
	int files = count_migration_files();
	struct worker w[2];
	pthread_t t[2];
	struct err e;
	int64_t n = -1;
	int i, applied = -1;

	/* Two at once on a database that has none: together they apply
	 * every file exactly once. */
	for (i = 0; i < 2; i++) {
		w[i].db = fx->db;
		w[i].failures = 0;
		w[i].msg[0] = '\0';
		assert_int_equal(pthread_create(&t[i], NULL, migrate_thread,
		    &w[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failures < 0)
			fprintf(stderr, "migrate: %s\n", w[i].msg);
		assert_true(w[i].failures >= 0);
	}
	assert_int_equal(w[0].failures + w[1].failures, files);
	assert_int_equal(db_query_int(fx->db, &e, &n,
	    "SELECT COUNT(*) FROM schema_migrations", ""), DB_ROW);
	assert_int_equal(n, files);
	assert_int_equal(db_migrate(fx->db, &applied, &e), 0);
	assert_int_equal(applied, 0);
}

/* Group commit (SQLite): every write is synced before it returns; one WAL
 * sync per commit when commits come one at a time, fewer syncs than commits
 * when threads commit together. Each test uses its own database file. */
#define GC_THREADS 8
#define GC_ROUNDS 40

static struct db *
gc_open(const char *dir, const char *name)
{
	char url[160];
	struct db *db = NULL;
	struct err e;

	snprintf(url, sizeof(url), "sqlite:%s/%s", dir, name);
	if (db_open(&db, url, &e) != 0)
		fail_msg("db_open %s: %s", url, e.msg);
	return db;
}

static int
gc_insert(struct db *db, void *arg, struct err *e)
{
	const int64_t *v = arg;

	return db_exec(db, e, "INSERT INTO t_gc (v) VALUES (?)", "i", *v);
}

static int
gc_fail(struct db *db, void *arg, struct err *e)
{
	(void)arg;
	if (db_exec(db, e, "INSERT INTO t_gc (v) VALUES (-1)", "") != 0)
		return -ERR_INTERNAL;
	return err_set(e, ERR_INVALID, NULL, "回滚");
}

static void
group_commit_syncs_every_write_alone(void **state)
{
	struct fixture *fx = *state;
	struct db *db;
	struct err e;
	uint64_t before;
	int64_t i, n = -1;

	if (fx->pg)
		skip();
	db = gc_open(fx->dir, "gc1.db");
	before = db_sqlite_sync_count();
	assert_int_equal(db_exec(db, &e, "CREATE TABLE t_gc (id INTEGER "
	    "PRIMARY KEY, v BIGINT NOT NULL)", ""), 0);
	/* An autocommit write (DDL) is synced before it returns. */
	assert_int_equal(db_sqlite_sync_count() - before, 1);
	before = db_sqlite_sync_count();
	for (i = 0; i < 20; i++)
		assert_int_equal(db_tx(db, gc_insert, &i, &e), 0);
	assert_int_equal(db_sqlite_sync_count() - before, 20);
	before = db_sqlite_sync_count();
	for (i = 0; i < 5; i++)
		assert_int_equal(db_exec(db, &e,
		    "INSERT INTO t_gc (v) VALUES (?)", "i", 100 + i), 0);
	assert_int_equal(db_sqlite_sync_count() - before, 5);
	/* A write read through RETURNING and left before DB_DONE. */
	before = db_sqlite_sync_count();
	assert_int_equal(db_query_int(db, &e, &n,
	    "INSERT INTO t_gc (v) VALUES (200) RETURNING id", ""), DB_ROW);
	assert_true(n > 0);
	assert_int_equal(db_sqlite_sync_count() - before, 1);
	/* Reads and rolled-back transactions sync nothing. */
	before = db_sqlite_sync_count();
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_gc", ""), DB_ROW);
	assert_int_equal(n, 26);
	assert_int_equal(db_tx(db, gc_fail, NULL, &e), -ERR_INVALID);
	assert_int_equal(db_sqlite_sync_count() - before, 0);
	db_close(db);
	db = gc_open(fx->dir, "gc1.db");
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_gc WHERE v >= 0", ""), DB_ROW);
	assert_int_equal(n, 26);
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_gc WHERE v < 0", ""), DB_ROW);
	assert_int_equal(n, 0);
	db_close(db);
}

struct gc_worker {
	struct db *db;
	int id, failures;
};

static void *
gc_work(void *arg)
{
	struct gc_worker *w = arg;
	struct err e;
	int64_t v;
	int i;

	for (i = 0; i < GC_ROUNDS; i++) {
		v = (int64_t)w->id * 1000 + i;
		if (db_tx(w->db, gc_insert, &v, &e) != 0)
			w->failures++;
	}
	db_thread_done(w->db);
	return NULL;
}

static void
group_commit_shares_syncs_between_threads(void **state)
{
	struct fixture *fx = *state;
	struct gc_worker w[GC_THREADS];
	pthread_t t[GC_THREADS];
	struct db *db;
	struct err e;
	uint64_t before, syncs;
	int64_t n = -1;
	int i;

	if (fx->pg)
		skip();
	db = gc_open(fx->dir, "gc2.db");
	assert_int_equal(db_exec(db, &e, "CREATE TABLE t_gc (id INTEGER "
	    "PRIMARY KEY, v BIGINT NOT NULL UNIQUE)", ""), 0);
	before = db_sqlite_sync_count();
	for (i = 0; i < GC_THREADS; i++) {
		w[i].db = db;
		w[i].id = i;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, gc_work, &w[i]), 0);
	}
	for (i = 0; i < GC_THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	syncs = db_sqlite_sync_count() - before;
	assert_true(syncs >= 1);
	assert_true(syncs < GC_THREADS * GC_ROUNDS);
	db_close(db);
	/* Every acknowledged row is there after reopening. */
	db = gc_open(fx->dir, "gc2.db");
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_gc", ""), DB_ROW);
	assert_int_equal(n, GC_THREADS * GC_ROUNDS);
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_gc WHERE v = ?", "i",
	    (int64_t)(GC_THREADS - 1) * 1000 + GC_ROUNDS - 1), DB_ROW);
	assert_int_equal(n, 1);
	db_close(db);
}

static void
group_commit_can_be_turned_off(void **state)
{
	struct fixture *fx = *state;
	struct db *db;
	struct err e;
	uint64_t before;
	int64_t i, n = -1;

	if (fx->pg)
		skip();
	config_set("sqlite.group_commit", "0", NULL);
	db = gc_open(fx->dir, "gc3.db");
	config_reset();
	before = db_sqlite_sync_count();
	assert_int_equal(db_exec(db, &e, "CREATE TABLE t_gc (id INTEGER "
	    "PRIMARY KEY, v BIGINT NOT NULL)", ""), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(db_tx(db, gc_insert, &i, &e), 0);
	/* SQLite syncs inside COMMIT (synchronous=FULL), not the driver. */
	assert_int_equal(db_sqlite_sync_count() - before, 0);
	assert_int_equal(db_query_int(db, &e, &n, "PRAGMA synchronous", ""),
	    DB_ROW);
	assert_int_equal(n, 2);
	db_close(db);
	db = gc_open(fx->dir, "gc3.db");
	assert_int_equal(db_query_int(db, &e, &n, "PRAGMA synchronous", ""),
	    DB_ROW);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_gc", ""), DB_ROW);
	assert_int_equal(n, 5);
	db_close(db);
}


/* Transactions batched into one SQLite transaction: a failing one rolls back
 * alone, the others all commit; writes outside transactions made meanwhile
 * get through; a plain SQLite connection of its own (another process would
 * use one) sees every acknowledged row. */
struct batch_worker {
	struct db *db;
	int id, ok, failed, unexpected;
};

static void *
batch_work(void *arg)
{
	struct batch_worker *w = arg;
	struct err e;
	int64_t v;
	int i, rc;

	for (i = 0; i < GC_ROUNDS; i++) {
		v = (int64_t)w->id * 1000 + i;
		if (i % 5 == 4) {
			rc = db_tx(w->db, gc_fail, NULL, &e);
			if (rc == -ERR_INVALID)
				w->failed++;
			else
				w->unexpected++;
		} else if (db_tx(w->db, gc_insert, &v, &e) == 0)
			w->ok++;
		else
			w->unexpected++;
	}
	db_thread_done(w->db);
	return NULL;
}

static void
batched_transactions_fail_alone(void **state)
{
	struct fixture *fx = *state;
	struct batch_worker w[GC_THREADS];
	pthread_t t[GC_THREADS];
	char path[512];
	sqlite3 *plain;
	sqlite3_stmt *st;
	struct db *db;
	struct err e;
	int64_t n = -1, ok = 0;
	int i;

	if (fx->pg)
		skip();
	db = gc_open(fx->dir, "batch.db");
	assert_int_equal(db_exec(db, &e, "CREATE TABLE t_gc (id INTEGER "
	    "PRIMARY KEY, v BIGINT NOT NULL)", ""), 0);
	for (i = 0; i < GC_THREADS; i++) {
		w[i] = (struct batch_worker){ .db = db, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, batch_work,
		    &w[i]), 0);
	}
	/* Writes outside any transaction, while the batches run. */
	for (i = 0; i < 20; i++)
		assert_int_equal(db_exec(db, &e,
		    "INSERT INTO t_gc (v) VALUES (?)", "i",
		    (int64_t)500000 + i), 0);
	for (i = 0; i < GC_THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].unexpected, 0);
		assert_int_equal(w[i].failed, GC_ROUNDS / 5);
		ok += w[i].ok;
	}
	/* What another connection sees, through SQLite's own file layer. */
	snprintf(path, sizeof(path), "%s/batch.db", fx->dir);
	assert_int_equal(sqlite3_open_v2(path, &plain, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(plain, "SELECT COUNT(*), "
	    "SUM(v < 0) FROM t_gc", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), ok + 20);
	assert_int_equal(sqlite3_column_int64(st, 1), 0);
	sqlite3_finalize(st);
	sqlite3_close(plain);
	db_close(db);
	db = gc_open(fx->dir, "batch.db");
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_gc", ""), DB_ROW);
	assert_int_equal(n, ok + 20);
	db_close(db);
}

static int
big_insert(struct db *db, void *arg, struct err *e)
{
	int rows = *(const int *)arg;
	char blob[3000];
	int i, rc;

	memset(blob, 'x', sizeof(blob) - 1);
	blob[sizeof(blob) - 1] = '\0';
	for (i = 0; i < rows; i++) {
		rc = db_exec(db, e, "INSERT INTO t_big (v, pad) VALUES (?, ?)",
		    "is", (int64_t)i, blob);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Commits whose WAL frames are far larger than the write buffer (and than
 * one write of the file layer) reach the file whole. */
static void
large_commits_reach_the_wal_whole(void **state)
{
	struct fixture *fx = *state;
	struct db *db;
	struct err e;
	json_t *row;
	int64_t n = -1;
	int rows;

	if (fx->pg)
		skip();
	db = gc_open(fx->dir, "big.db");
	assert_int_equal(db_exec(db, &e, "CREATE TABLE t_big (id INTEGER "
	    "PRIMARY KEY, v BIGINT NOT NULL, pad TEXT NOT NULL)", ""), 0);
	for (rows = 1; rows <= 2000; rows *= 3)
		assert_int_equal(db_tx(db, big_insert, &rows, &e), 0);
	db_close(db);
	db = gc_open(fx->dir, "big.db");
	assert_int_equal(db_query_int(db, &e, &n,
	    "SELECT COUNT(*) FROM t_big", ""), DB_ROW);
	assert_int_equal(n, 1 + 3 + 9 + 27 + 81 + 243 + 729);
	row = db_query_row(db, &e, "PRAGMA integrity_check", "");
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row,
	    "integrity_check")), "ok");
	json_decref(row);
	db_close(db);
}

/* JOIN_EACH: the first n rows of each group, in one statement, the same on
 * both databases; the sub-select refers to the outer row. */
static void
join_each_gives_top_n_per_row(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	struct db_stmt *s;
	struct err e;
	char got[256] = "";
	int rc;

	fresh_table(db, "DROP TABLE IF EXISTS t_each", "CREATE TABLE t_each "
	    "(id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, rank TEXT NOT NULL)");
	fresh_table(db, "DROP TABLE IF EXISTS t_grp",
	    "CREATE TABLE t_grp (g INTEGER PRIMARY KEY, keep INTEGER NOT NULL)");
	assert_int_equal(db_exec(db, &e, "INSERT INTO t_grp (g, keep) VALUES "
	    "(1, 1), (2, 1), (3, 0)", ""), 0);
	assert_int_equal(db_exec(db, &e, "INSERT INTO t_each (id, grp, rank) "
	    "VALUES (1, 1, 'c'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'z'), "
	    "(5, 3, 'a'), (6, 2, 'y'), (7, 2, 'x')", ""), 0);
	s = db_query(db, &e, "SELECT g.g, k.id FROM t_grp g {{JOIN_EACH k "
	    "t_each}} (SELECT x.id FROM t_each x WHERE x.grp = g.g AND "
	    "x.rank > ? ORDER BY x.rank, x.id LIMIT ?){{END_EACH k}} WHERE "
	    "g.keep = ? ORDER BY g.g, k.rank", "sii", "a", (int64_t)2,
	    (int64_t)1);
	assert_non_null(s);
	while ((rc = db_step(s, &e)) == DB_ROW)
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%lld:%lld ", (long long)db_col_int(s, 0),
		    (long long)db_col_int(s, 1));
	db_finish(s);
	assert_int_equal(rc, DB_DONE);
	/* Group 1 past 'a': b, c; group 2: x, y of x, y, z; group 3 left. */
	assert_string_equal(got, "1:3 1:1 2:7 2:6 ");
}

/* YEAR_ID: ids in the range of the year given, distinct, growing within a
 * year whatever year came between (cases, migration 141). */
static void
year_id_gives_ids_in_the_year(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	static const int64_t years[] = { 2025, 2026, 2025, 2026 };
	int64_t id[4];
	struct err e;

	fresh_table(db, "DROP TABLE IF EXISTS t_year", db_kind(db) ==
	    DB_POSTGRES ? "CREATE TABLE t_year (id BIGINT GENERATED BY "
	    "DEFAULT AS IDENTITY PRIMARY KEY, y INTEGER NOT NULL)" :
	    "CREATE TABLE t_year (id INTEGER PRIMARY KEY, y INTEGER NOT NULL)");
	for (int i = 0; i < 4; i++) {
		assert_int_equal(db_query_int(db, &e, &id[i], "INSERT INTO "
		    "t_year (id, y) VALUES ({{YEAR_ID t_year}}, ?) RETURNING id",
		    "ii", years[i], years[i]), DB_ROW);
		assert_int_equal(id[i] / 10000000000LL, years[i]);
	}
	assert_true(id[2] > id[0]);
	assert_true(id[3] > id[1]);
}

#define DB_TESTS \
	cmocka_unit_test(url_safe_hides_the_password), \
	cmocka_unit_test(parts_bind_in_turn), \
	cmocka_unit_test(migrations_apply_once), \
	cmocka_unit_test(crud_through_every_wrapper), \
	cmocka_unit_test(bad_calls_are_internal_errors), \
	cmocka_unit_test(query_json_maps_types), \
	cmocka_unit_test(join_each_gives_top_n_per_row), \
	cmocka_unit_test(year_id_gives_ids_in_the_year), \
	cmocka_unit_test(constraint_violations_are_conflicts), \
	cmocka_unit_test(transactions_commit_roll_back_and_nest), \
	cmocka_unit_test(concurrent_increments_are_exact), \
	cmocka_unit_test(backup_copy_is_readable)

int
main(void)
{
	const struct CMUnitTest plain[] = {
		cmocka_unit_test(open_refuses_bad_urls),
	};
	const struct CMUnitTest sqlite_tests[] = {
		DB_TESTS,
		cmocka_unit_test(group_commit_syncs_every_write_alone),
		cmocka_unit_test(group_commit_shares_syncs_between_threads),
		cmocka_unit_test(group_commit_can_be_turned_off),
		cmocka_unit_test(batched_transactions_fail_alone),
		cmocka_unit_test(large_commits_reach_the_wal_whole),
	};
	const struct CMUnitTest pg_tests[] = {
		DB_TESTS,
		cmocka_unit_test(lost_connections_are_reopened),
	};
	int failed = 0;

	/* Expected failures below log internal errors; keep the output
	 * for real ones. */
	log_set_level(LOG_ERROR + 1);
	failed += cmocka_run_group_tests_name("db", plain, NULL, NULL);
	failed += cmocka_run_group_tests_name("db sqlite", sqlite_tests,
	    setup_sqlite, teardown);
	if (getenv("ONETRIP_TEST_PG_URL") != NULL &&
	    getenv("ONETRIP_TEST_PG_URL")[0] != '\0')
		failed += cmocka_run_group_tests_name("db postgresql", pg_tests,
		    setup_pg, teardown);
	else
		printf("[  SKIPPED ] db postgresql: ONETRIP_TEST_PG_URL not set\n");
	fflush(stdout);
	return failed != 0;
}
