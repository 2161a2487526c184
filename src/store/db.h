/* db.h - one interface over SQLite and PostgreSQL.
 *
 * SQL is written once in a portable dialect with '?' placeholders; the
 * PostgreSQL driver rewrites them to $1..$n. Each thread gets its own
 * connection, opened lazily and kept until db_close() (on SQLite, db_tx()
 * runs on the one writer connection instead); prepared statements are
 * cached per connection by SQL text, so callers pass string literals and never
 * build SQL from input.
 *
 * Types: integers are int64; booleans are stored as INTEGER 0/1; times are
 * INTEGER Unix seconds; dates are TEXT 'YYYY-MM-DD'; structured values are TEXT
 * holding JSON. No BLOB columns: files live on disk, addressed by SHA-256.
 *
 * A statement is used as: s = db_prepare(); db_bind_*(); while ((rc =
 * db_step(s, e)) == DB_ROW) { db_col_*() }; db_finish(s). db_finish() is
 * always called, also after an error.
 *
 * PostgreSQL infers parameter types from context; where it cannot (a bare
 * "? IS NULL"), write CAST(? AS TEXT). PostgreSQL booleans read as 0/1,
 * integral NUMERIC results (SUM of BIGINT) as integers. */
#ifndef ONETRIP_STORE_DB_H
#define ONETRIP_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

struct db;
struct db_stmt;

enum db_kind { DB_SQLITE, DB_POSTGRES };

#define DB_ROW 1
#define DB_DONE 0

/* Opens a handle for "sqlite:PATH" or "postgresql://..." (also "postgres://").
 * Checks that a connection can be made. The handle is shared by all threads. */
int db_open(struct db **out, const char *url, struct err *e);
/* Closes every connection of every thread. No statement may be in use. */
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* The URL it was opened with, for messages (password removed). */
const char *db_url_safe(const struct db *db);
/* True when a round trip to the database succeeds (for /readyz). */
bool db_ping(struct db *db);
/* Closes this thread's connection (call at thread exit). */
void db_thread_done(struct db *db);

/* Returns a prepared statement from this thread's cache, reset and with no
 * bindings; NULL on error (e filled). sql must stay valid (use literals). */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e);
/* Parameters are numbered from 1. Text is copied. NULL text binds NULL. */
int db_bind_int(struct db_stmt *s, int idx, int64_t v);
int db_bind_text(struct db_stmt *s, int idx, const char *v);
int db_bind_textn(struct db_stmt *s, int idx, const char *v, size_t len);
int db_bind_double(struct db_stmt *s, int idx, double v);
int db_bind_null(struct db_stmt *s, int idx);
/* Binds the next parameters after *at (0 before the first) from the type
 * letters of db_exec() and advances *at: a statement assembled from parts
 * binds each part's arguments in turn. */
int db_bind_next(struct db_stmt *s, int *at, struct err *e, const char *types,
    ...);
/* Executes on the first call; returns DB_ROW with a row ready, DB_DONE when
 * there are no (more) rows, or a negative error (e filled: a unique or
 * foreign-key violation is ERR_CONFLICT, busy/serialization after the driver's
 * own wait is ERR_BUSY). */
int db_step(struct db_stmt *s, struct err *e);
int db_col_count(struct db_stmt *s);
const char *db_col_name(struct db_stmt *s, int col);
bool db_col_is_null(struct db_stmt *s, int col);
int64_t db_col_int(struct db_stmt *s, int col);
double db_col_double(struct db_stmt *s, int col);
/* Valid until the next db_step() or db_finish(); "" for NULL. */
const char *db_col_text(struct db_stmt *s, int col);
/* Resets the statement and returns it to the cache. Accepts NULL. */
void db_finish(struct db_stmt *s);
/* Rows changed by the last INSERT/UPDATE/DELETE statement of this thread. */
int64_t db_changes(struct db_stmt *s);

/* Convenience wrappers. types is a string with one letter per argument:
 *   i int64_t, I int (promoted), s const char * (NULL binds NULL),
 *   d double, n (no argument) NULL.
 * Example: db_exec(db, e, "UPDATE t SET a = ? WHERE id = ?", "si", "x", id); */
int db_exec(struct db *db, struct err *e, const char *sql, const char *types,
    ...);
/* Runs a query and binds its arguments; the caller steps and finishes it. */
struct db_stmt *db_query(struct db *db, struct err *e, const char *sql,
    const char *types, ...);
/* First column of the first row as an integer. Returns DB_ROW with *out set,
 * DB_DONE if there was no row, or a negative error. */
int db_query_int(struct db *db, struct err *e, int64_t *out, const char *sql,
    const char *types, ...);
/* All rows as a JSON array of objects keyed by column name (new reference,
 * caller decrefs); integers become JSON integers, reals reals, NULL null,
 * everything else strings. Returns NULL on error. */
json_t *db_query_json(struct db *db, struct err *e, const char *sql,
    const char *types, ...);
/* The first row as a JSON object, or NULL with ERR_NOT_FOUND when no row. */
json_t *db_query_row(struct db *db, struct err *e, const char *sql,
    const char *types, ...);

/* Runs fn inside one transaction: commit when fn returns 0, roll back
 * otherwise. On SQLite the transaction is BEGIN IMMEDIATE; a busy database
 * or a PostgreSQL serialization failure / deadlock makes the whole fn run
 * again (up to a few times, with back-off), so fn must not keep side effects
 * outside the database. Nested calls join the outer transaction. */
typedef int (*db_tx_fn)(struct db *db, void *arg, struct err *e);
int db_tx(struct db *db, db_tx_fn fn, void *arg, struct err *e);
/* True while this thread is inside db_tx(). */
bool db_in_tx(struct db *db);
/* Inside db_tx(): waits until no other transaction holds key, and keeps it
 * until this transaction ends (PostgreSQL pg_advisory_xact_lock; on SQLite a
 * no-op, as BEGIN IMMEDIATE already runs writers one at a time). On
 * PostgreSQL transactions are READ COMMITTED: a read-then-write of the same
 * data needs either an atomic UPDATE ... SET n = n + 1 or this lock taken
 * first. Negative error outside a transaction. */
int db_tx_lock(struct db *db, int64_t key, struct err *e);
/* Rows changed by this thread's last INSERT/UPDATE/DELETE (e.g. right after
 * db_exec()); 0 before any. */
int64_t db_last_changes(struct db *db);

/* Writes a consistent copy of a SQLite database to dest_path (SQLite online
 * backup, while other threads keep writing; written to a temporary file and
 * renamed into place). On PostgreSQL: -ERR_UNPROCESSABLE with a message
 * saying to use pg_dump. */
int db_backup_to(struct db *db, const char *dest_path, struct err *e);

/* `onetrip migrate-data` (store/copy.c): copies every row of every table
 * of the SQLite database from into the PostgreSQL database to, both
 * migrated to this program's schema, in one transaction on each side:
 * parents before children, ids kept, identity sequences continued.
 * ERR_CONFLICT when to already holds users, cases or audit records;
 * ERR_UNPROCESSABLE for another direction or differing schemas. */
int db_copy_all(struct db *from, struct db *to, int *tables, int64_t *rows,
    struct err *e);

/* SQLite durability: every write (db_tx() commit or a write statement outside
 * a transaction) returns only once it is on stable storage. By default the
 * connections run WAL with synchronous=NORMAL and the driver syncs the WAL
 * itself after each commit, one fdatasync covering every commit of this
 * process made meanwhile (group commit). The environment variable
 * the setting sqlite.group_commit=0, read by db_open(), restores SQLite's own
 * synchronous=FULL (one sync inside every COMMIT).
 * The number of WAL syncs made by group commit in this process so far
 * (not counting SQLite's own checkpoint syncs); for tests. */
uint64_t db_sqlite_sync_count(void);

/* Applies the numbered migrations (store/migrations/NNN_name.sql) that are
 * not yet recorded in schema_migrations, each in its own transaction.
 * Sets *applied to the number applied. Safe when several processes migrate
 * at once: each migration is applied exactly once. */
int db_migrate(struct db *db, int *applied, struct err *e);

/* The dialect-specific spelling of a few things the portable SQL cannot say.
 * In migration files, these tokens are replaced before execution:
 *   {{ID}}     an auto-increment 64-bit primary key column type
 *   {{BIGINT}} a 64-bit integer
 *   {{TEXT_CI}} case-insensitive text (for logins)  */

#endif
