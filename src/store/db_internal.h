/* db_internal.h - what db.c shares with its two drivers (db_sqlite.c,
 * db_pg.c) and with migrate.c. Nothing outside src/store/ includes this.
 *
 * db.c owns the handle, the per-thread connections, the statement cache, the
 * typed wrappers and the transaction loop; a driver only opens connections,
 * prepares, binds, steps and reads columns. */
#ifndef ONETRIP_STORE_DB_INTERNAL_H
#define ONETRIP_STORE_DB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

/* Value types of a column in the current row. */
enum db_type { DB_T_NULL, DB_T_INT, DB_T_REAL, DB_T_TEXT };

/* Transaction attempts before db_tx() gives up with ERR_BUSY. */
#define DB_TX_ATTEMPTS 8

struct db_conn;
struct db_stmt;

struct db_ops {
	/* Opens a connection (driver struct embedding struct db_conn first). */
	int (*conn_open)(struct db *db, struct db_conn **out, struct err *e);
	/* Closes it; every statement has been freed already. */
	void (*conn_close)(struct db_conn *c);
	/* Before a statement outside a transaction: repairs a broken
	 * connection (PostgreSQL reconnects). May be NULL. */
	int (*conn_check)(struct db_conn *c, struct err *e);
	/* A new statement for sql (driver struct embedding struct db_stmt);
	 * sql outlives it. cached: kept for reuse, else run once. Sets
	 * nparams. */
	int (*stmt_new)(struct db_conn *c, const char *sql, bool cached,
	    struct db_stmt **out, struct err *e);
	void (*stmt_free)(struct db_stmt *s);
	/* Forgets bindings and results; the statement may run again. */
	void (*stmt_reset)(struct db_stmt *s);
	int (*bind_int)(struct db_stmt *s, int idx, int64_t v);
	int (*bind_text)(struct db_stmt *s, int idx, const char *v, size_t len);
	int (*bind_double)(struct db_stmt *s, int idx, double v);
	int (*bind_null)(struct db_stmt *s, int idx);
	int (*step)(struct db_stmt *s, struct err *e);
	int (*col_count)(struct db_stmt *s);
	const char *(*col_name)(struct db_stmt *s, int col);
	enum db_type (*col_type)(struct db_stmt *s, int col);
	int64_t (*col_int)(struct db_stmt *s, int col);
	double (*col_double)(struct db_stmt *s, int col);
	const char *(*col_text)(struct db_stmt *s, int col);
	/* Starts a write transaction for the thread whose connection is own
	 * and sets *tx to the connection it runs on: own (PostgreSQL), or
	 * the shared writer connection (SQLite), held until commit/rollback. */
	int (*begin)(struct db_conn *own, struct db_conn **tx, struct err *e);
	/* Commits tx; returns once the commit is durable. own: the calling
	 * thread's connection (for work after tx has been handed on). */
	int (*commit)(struct db_conn *tx, struct db_conn *own, struct err *e);
	void (*rollback)(struct db_conn *tx, struct db_conn *own);
	/* Runs a text holding several statements (migrations). */
	int (*exec_script)(struct db_conn *c, const char *sql, struct err *e);
	/* Serialises transactions holding the same key until they end. */
	int (*tx_lock)(struct db_conn *c, int64_t key, struct err *e);
	int (*backup_to)(struct db_conn *c, const char *dest, struct err *e);
};

struct db {
	enum db_kind kind;
	const struct db_ops *ops;
	char *target;        /* SQLite file path, or PostgreSQL URL */
	char *url_safe;      /* for messages: password hidden */
	pthread_key_t key;   /* this thread's struct db_conn */
	pthread_mutex_t mu;  /* guards conns */
	/* db_open() has made its first connection: a connection failing
	 * later is a database gone while serving (PostgreSQL: a failover),
	 * told to users without the URL. */
	bool serving;
	struct db_conn *conns;
	/* SQLite: held from BEGIN IMMEDIATE to COMMIT/ROLLBACK, so that the
	 * writers of this process queue here and are woken at once, instead
	 * of sleeping in SQLite's busy handler (which polls). Writers of
	 * other processes still meet the busy handler. */
	pthread_mutex_t write_mu;
	/* SQLite: the one connection every write transaction of the process
	 * runs on, used by whoever holds write_mu. SQLite drops a
	 * connection's page cache (and its mapping of the file) whenever
	 * another connection has changed the database; with the writes on
	 * one connection its cache stays warm across transactions, and the
	 * per-thread connections are left to the reads outside
	 * transactions. Opened on first use; in conns. */
	struct db_conn *writer;
	/* SQLite transaction batching (with group commit): while more
	 * transactions are queued on write_mu, the writer keeps one SQLite
	 * transaction open across several db_tx() transactions, each in its
	 * own savepoint; the last of them commits them all, and every one of
	 * them returns once that commit is durable (db_sqlite.c). Guarded by
	 * write_mu; write_waiters counts the threads queued on it. */
	atomic_int write_waiters;
	bool batch_open;
	int batch_n;
	int64_t batch_started_ns;
	struct sq_batch_member *batch_members;
	/* SQLite group commit (db_sqlite.c): commits run with
	 * synchronous=NORMAL and each takes a ticket; a commit returns once
	 * the WAL has been synced past its ticket, one fdatasync covering
	 * every commit made while the previous one ran. False: the env
	 * the setting sqlite.group_commit=0 asked for synchronous=FULL. */
	bool group_commit;
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_cv;
	uint64_t sync_issued;   /* tickets handed out */
	uint64_t sync_done;     /* every ticket <= this is on stable storage */
	uint64_t sync_failed;   /* tickets <= this met a failed sync */
	bool syncing;           /* a thread is in fdatasync */
};

struct db_cache_entry {
	uint32_t hash;
	const char *sql;     /* the caller's pointer (a literal) */
	struct db_stmt *stmt;
};

struct db_conn {
	struct db *db;
	struct db_conn *next, *prev;  /* every open connection of db */
	struct db_cache_entry *cache; /* open addressing, power-of-two size */
	uint32_t cache_cap, cache_len;
	int tx_depth;                 /* > 0 inside db_tx() */
	bool rollback_only;           /* a nested db_tx() failed */
	int nested_rc;
	struct err nested_err;
	bool retryable;               /* the last error was busy/serialization */
	int64_t changes;              /* of the last INSERT/UPDATE/DELETE */
	/* A thread's own connection, while its transaction runs on another
	 * one (the SQLite writer): that one. Statements go there. */
	struct db_conn *borrowed;
};

struct db_stmt {
	struct db_conn *conn;
	const char *sql;
	int nparams;
	bool cached;   /* lives in conn's cache, else freed by db_finish() */
	bool in_use;   /* handed out by db_prepare(), not yet finished */
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* The connection this thread's statements run on: its own, opened on first
 * use, or the one its transaction borrowed. */
int db_conn_acquire(struct db *db, struct db_conn **out, struct err *e);
/* A connection of no thread (the SQLite writer), closed by db_close(). */
int db_conn_open_unbound(struct db *db, struct db_conn **out, struct err *e);
/* Fills e for a database that stayed busy and returns -ERR_BUSY. */
int db_err_busy(struct err *e);

/* The statement with its dialect tokens ({{TEXT_SEARCH …}}, store/dialect.c)
 * expanded for kind; NULL when it has none (use it as it is). */
char *db_dialect_expand(enum db_kind kind, const char *sql);

#endif
