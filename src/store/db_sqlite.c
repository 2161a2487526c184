/* db_sqlite.c - the SQLite driver: WAL, one connection per thread for reads
 * and one shared writer connection for transactions, batched durable commits
 * (or synchronous=FULL), persistent prepared statements. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stdatomic.h>

#include <sqlite3.h>

#include "base/log.h"
#include "store/db_internal.h"
#include "store/sqlite_walbuf.h"

#define BUSY_TIMEOUT_MS 5000

/* The statements that open and end the writer's transactions, prepared
 * once per connection (sq_control): with sqlite3_exec() each one was parsed
 * and compiled again, four times per write transaction. */
enum sq_control { SQ_BEGIN, SQ_SAVEPOINT, SQ_RELEASE, SQ_COMMIT, SQ_CONTROLS };

static const char *const sq_control_sql[SQ_CONTROLS] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_SAVEPOINT] = "SAVEPOINT onetrip_tx",
	[SQ_RELEASE] = "RELEASE onetrip_tx",
	[SQ_COMMIT] = "COMMIT",
};

struct sq_conn {
	struct db_conn base;
	sqlite3 *h;
	bool writing;        /* holds db->write_mu */
	sqlite3_stmt *control[SQ_CONTROLS]; /* prepared on first use */
};

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	bool autocommit_write; /* a write outside a transaction, not yet
				  known durable */
	bool holds_writer;     /* that write holds db->write_mu */
};

/* WAL syncs made by group commit, all handles of the process. */
static atomic_uint_fast64_t sync_count;

static sqlite3 *
handle(struct db_stmt *s)
{
	return ((struct sq_conn *)s->conn)->h;
}

static sqlite3_stmt *
st(struct db_stmt *s)
{
	return ((struct sq_stmt *)s)->st;
}

/* Maps a failed result code to an error; marks busy ones retryable. */
static int
sq_error(struct db_conn *c, sqlite3 *h, int rc, const char *what,
    const char *sql, struct err *e)
{
	int ext = sqlite3_extended_errcode(h);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		c->retryable = true;
		return db_err_busy(e);
	case SQLITE_CONSTRAINT:
		if (ext == SQLITE_CONSTRAINT_UNIQUE ||
		    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			return err_set(e, ERR_CONFLICT, "duplicate",
			    "数据已存在，不能重复添加");
		if (ext == SQLITE_CONSTRAINT_FOREIGNKEY ||
		    ext == SQLITE_CONSTRAINT_CHECK ||
		    ext == SQLITE_CONSTRAINT_TRIGGER)
			return err_set(e, ERR_CONFLICT, "conflict",
			    "数据与现有记录冲突，无法保存");
		break;
	default:
		break;
	}
	return err_internal(e, "sqlite %s: %s (%d) in: %s", what,
	    sqlite3_errmsg(h), ext, sql != NULL ? sql : "");
}

static int
parent_dir_exists(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat sb;

	if (slash == NULL)
		return 1;
	if (slash == path)
		return 1;
	if ((size_t)(slash - path) >= sizeof(dir))
		return 0;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Process-wide settings, before SQLite's first use: no memory-use
 * statistics (they take a global mutex on every allocation); the VFS that
 * writes a commit's WAL frames at once (sqlite_walbuf.c). */
static int walbuf_rc = SQLITE_ERROR;

static void
sqlite_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	walbuf_rc = sqlite_walbuf_register();
	if (walbuf_rc != SQLITE_OK)
		log_warn("sqlite: WAL write buffering not available (%d)",
		    walbuf_rc);
}

/* The writer connection's page cache (see sq_conn_open), and how long its
 * WAL grows before the commit that passes it checkpoints. The checkpoint
 * runs under the writer's lock: 4,000 pages (16 MiB) instead of SQLite's
 * 1,000 make a quarter as many, each copying the pages that many commits
 * rewrote (index edges, chain heads) once. 16 clients: 267-274 us instead
 * of 330-335 us inside the lock per transaction, 5-9 % more window lives
 * (bench/README.md §3); a pause of ~5 ms every second instead of ~3 ms
 * every 30 ms. */
#define WRITER_PRAGMAS "PRAGMA cache_size = -32768;" \
	"PRAGMA wal_autocheckpoint = 4000;"

static int
sq_conn_open(struct db *db, struct db_conn **out, struct err *e)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	static const char pragmas[] =
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY;"
	    /* No memory mapping: a connection drops its mapping, with its
	     * page cache, each time another one has changed the file, and
	     * under a stream of writes the munmap/mmap and page faults that
	     * follow cost more than reading the pages. The reading
	     * connections (one per thread) keep 4 MiB of pages each: the
	     * upper levels of the indexes; the rest comes from the kernel's
	     * page cache, shared and outside the process (with 16 threads
	     * and 10,000,000 cases, 32 MiB each made the server's resident
	     * memory grow to 16 times that). The one writer connection gets
	     * a larger cache (WRITER_PRAGMAS), which survives its
	     * transactions. */
	    "PRAGMA mmap_size = 0;"
	    "PRAGMA cache_size = -4096;";
	struct sq_conn *c;
	char *msg = NULL;
	int rc;

	*out = NULL;
	pthread_once(&configured, sqlite_configure);
	if (strcmp(db->target, ":memory:") == 0 || db->target[0] == ':')
		return err_set(e, ERR_INVALID, "bad_db_url",
		    "不支持内存数据库，请指定 SQLite 数据库文件路径");
	if (!parent_dir_exists(db->target))
		return err_set(e, ERR_INVALID, "db_dir_missing",
		    "数据库文件所在的文件夹不存在：%s", db->target);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return err_internal(e, "sqlite: out of memory");
	rc = sqlite3_open_v2(db->target, &c->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    walbuf_rc == SQLITE_OK ? SQLITE_WALBUF_VFS : NULL);
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_INTERNAL, "db_open_failed",
		    "无法打开数据库文件 %s：%s", db->target,
		    c->h != NULL ? sqlite3_errmsg(c->h) : "内存不足");
		goto fail;
	}
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_busy_timeout(c->h, BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(c->h, pragmas, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->h, db->group_commit ?
		    "PRAGMA synchronous = NORMAL" :
		    "PRAGMA synchronous = FULL", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_INTERNAL, "db_open_failed",
		    "无法使用数据库文件 %s：%s", db->target,
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		goto fail;
	}
	*out = &c->base;
	return 0;
fail:
	sqlite3_close(c->h);
	free(c);
	return rc;
}

static void
sq_conn_close(struct db_conn *base)
{
	struct sq_conn *c = (struct sq_conn *)base;
	int i;

	for (i = 0; i < SQ_CONTROLS; i++)
		sqlite3_finalize(c->control[i]);
	if (sqlite3_close(c->h) != SQLITE_OK) {
		log_warn("sqlite: closing with statements still open");
		sqlite3_close_v2(c->h);
	}
	free(c);
}

/*
 * Group commit.
 *
 * With synchronous=NORMAL a WAL commit appends its frames with write(2) and
 * does not sync; SQLite syncs the WAL before each checkpoint and the database
 * file after it (https://sqlite.org/pragma.html#pragma_synchronous,
 * https://sqlite.org/wal.html). We make the commit durable ourselves before
 * returning from it: each successful commit takes a ticket (sync_issued + 1)
 * once its frames are written, then waits until sync_done covers it. The
 * first waiter finding no sync in progress becomes the syncer: it notes the
 * highest ticket issued so far, fdatasyncs the WAL, and publishes that ticket
 * as done. Every commit with a ticket up to the noted one had written its
 * frames before the fdatasync started, so that one fdatasync made them all
 * durable; commits made during the sync wait for the next one. The write
 * mutex is released before waiting, so the next writer's statements run while
 * the previous commits are being synced.
 *
 * The sync goes through SQLite's own WAL file object (xSync with
 * SQLITE_SYNC_NORMAL, which is what synchronous=FULL does after a WAL commit
 * unless PRAGMA fullfsync is set, a macOS-only flag; the unix VFS also syncs
 * the directory on the first sync of a new WAL file, as it would for FULL).
 * fdatasync works on the file, not the descriptor, so syncing our
 * connection's descriptor covers frames any connection of the file wrote.
 *
 * Checkpoints: a checkpoint first syncs the WAL (NORMAL does that), copies
 * frames into the database file and syncs it before recording them as
 * backfilled, so it never loses a frame, acknowledged or not.
 * WAL restart: a writer may start the WAL again from its beginning only
 * when every frame of it has been backfilled, i.e. is already durable in the
 * database file (synced after the copy, before the restart is allowed); the
 * new header is synced by SQLite (checkpoint sync flags) before new frames
 * follow. So whenever a sync races with a restart, the older commits it
 * covers are durable in the database file, and the newer ones are in the
 * same WAL file (same inode, not unlinked while we hold it open), which the
 * fdatasync covers whatever the offsets.
 * Other processes on the same file do not share our tickets, but each one's
 * commits are synced by its own driver (or by SQLite under FULL) before they
 * return, so every process keeps the guarantee for what it acknowledges.
 * Writes outside a transaction (autocommit) wait for a ticket too (sq_step).
 * the setting sqlite.group_commit=0 turns all of this off: synchronous=FULL.
 */
static int
wal_fsync(struct sq_conn *c)
{
	sqlite3_file *f = NULL;
	char path[PATH_MAX];
	int fd, rc;

	if (sqlite3_file_control(c->h, "main", SQLITE_FCNTL_JOURNAL_POINTER,
	    &f) == SQLITE_OK && f != NULL && f->pMethods != NULL)
		return f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) == SQLITE_OK ?
		    0 : -1;
	/* Not expected once a WAL commit has happened: sync by name. */
	if (snprintf(path, sizeof(path), "%s-wal", c->base.db->target) >=
	    (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fdatasync(fd);
	close(fd);
	return rc;
}

/* After a commit (its frames written): returns once they are durable. */
static int
commit_durable(struct sq_conn *c, struct err *e)
{
	struct db *db = c->base.db;
	uint64_t ticket, upto;
	int rc = 0, src;

	pthread_mutex_lock(&db->sync_mu);
	ticket = ++db->sync_issued;
	while (db->sync_done < ticket) {
		if (db->sync_failed >= ticket) {
			rc = -1;
			break;
		}
		if (db->syncing) {
			pthread_cond_wait(&db->sync_cv, &db->sync_mu);
			continue;
		}
		db->syncing = true;
		upto = db->sync_issued;
		pthread_mutex_unlock(&db->sync_mu);
		src = wal_fsync(c);
		pthread_mutex_lock(&db->sync_mu);
		db->syncing = false;
		if (src == 0) {
			atomic_fetch_add(&sync_count, 1);
			if (upto > db->sync_done)
				db->sync_done = upto;
		} else if (upto > db->sync_failed)
			db->sync_failed = upto;
		pthread_cond_broadcast(&db->sync_cv);
	}
	pthread_mutex_unlock(&db->sync_mu);
	if (rc != 0)
		return err_internal(e, "sqlite: syncing the WAL of %s failed",
		    db->target);
	return 0;
}

uint64_t
db_sqlite_sync_count(void)
{
	return atomic_load(&sync_count);
}

static int
sq_simple(struct db_conn *base, const char *sql, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return sq_error(base, c->h, rc, "exec", sql, e);
	return 0;
}

/* Runs one of the transaction statements, as sq_simple() would. */
static int
sq_control(struct db_conn *base, enum sq_control which, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	const char *sql = sq_control_sql[which];
	int rc;

	if (c->control[which] == NULL) {
		rc = sqlite3_prepare_v3(c->h, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &c->control[which], NULL);
		if (rc != SQLITE_OK)
			return sq_error(base, c->h, rc, "prepare", sql, e);
	}
	rc = sqlite3_step(c->control[which]);
	rc = rc == SQLITE_DONE ? 0 : sq_error(base, c->h, rc, "exec", sql, e);
	(void)sqlite3_reset(c->control[which]);
	return rc;
}

/*
 * Writers and transaction batching.
 *
 * Write transactions run on db->writer (see struct db), one at a time: the
 * writers of this process queue on write_mu and are woken in turn, instead
 * of polling in SQLite's busy handler. Writers of other processes still meet
 * the busy handler.
 *
 * With group commit, a transaction that ends while others are queued does
 * not commit: it releases its savepoint, leaves the SQLite transaction open
 * and waits; the next one runs in a new savepoint of the same SQLite
 * transaction and sees the earlier ones' changes, as if they had committed
 * just before it. The one that ends with nobody queued (or the BATCH_MAX-th,
 * or after BATCH_MAX_NS) commits the batch, syncs the WAL (commit_durable)
 * and wakes the others with the outcome. So no db_tx() returns before its
 * changes are durable, a failed transaction only rolls back its own
 * savepoint, and the pages that consecutive transactions share (the right
 * edges of indexes, the audit chain's head) go to the WAL once per batch
 * instead of once per transaction. If SQLite rolls back the whole
 * transaction (I/O error, out of memory), every member of the batch fails.
 */
#define BATCH_MAX 32
/* A batch stays open at most this long. Under a steady load writers are
 * always queued, so this, not "nobody waiting", ends most batches, and the
 * first member waits for every later one. 16 clients made 571 window
 * lives/s with 5 ms and 630 with 1 ms (means of six alternated runs,
 * bench/README.md §3): the batches are smaller and the WAL takes more
 * bytes, but each request waits less. */
#define BATCH_MAX_NS 1000000LL

/* A transaction waiting for its batch's commit. Each waits on its own
 * condition, so that a batch's outcome wakes only its members, and neither
 * a sync's end nor another batch's wakes them for nothing (with one shared
 * condition every waiting thread woke for each, and went back to sleep). */
struct sq_batch_member {
	struct sq_batch_member *next;
	pthread_cond_t cv;   /* signalled under db->sync_mu when done */
	bool done;
	int rc;
	struct err err;
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
writer_lock(struct db *db)
{
	atomic_fetch_add(&db->write_waiters, 1);
	pthread_mutex_lock(&db->write_mu);
	atomic_fetch_sub(&db->write_waiters, 1);
}

static void
writer_release(struct sq_conn *c)
{
	if (c->writing) {
		c->writing = false;
		pthread_mutex_unlock(&c->base.db->write_mu);
	}
}

/* Hands the outcome of a batch to its members. */
static void
batch_publish(struct db *db, struct sq_batch_member *list, int rc,
    const struct err *e)
{
	struct sq_batch_member *m, *next;

	pthread_mutex_lock(&db->sync_mu);
	for (m = list; m != NULL; m = next) {
		next = m->next;
		m->rc = rc;
		if (rc != 0)
			m->err = *e;
		m->done = true;
		/* m cannot return (and end its cv) before sync_mu is free. */
		pthread_cond_signal(&m->cv);
	}
	pthread_mutex_unlock(&db->sync_mu);
}

static int
batch_wait(struct db *db, struct sq_batch_member *m, struct err *e)
{
	pthread_mutex_lock(&db->sync_mu);
	while (!m->done)
		pthread_cond_wait(&m->cv, &db->sync_mu);
	pthread_mutex_unlock(&db->sync_mu);
	pthread_cond_destroy(&m->cv);
	if (m->rc != 0 && e != NULL)
		*e = m->err;
	return m->rc;
}

/* Writer lock held, batch open: commits it. *list: its members. */
static int
batch_commit_locked(struct db *db, struct sq_batch_member **list,
    struct err *e)
{
	struct sq_conn *w = (struct sq_conn *)db->writer;
	int rc;

	*list = db->batch_members;
	db->batch_members = NULL;
	db->batch_n = 0;
	db->batch_open = false;
	rc = sq_control(&w->base, SQ_COMMIT, e);
	if (rc != 0 && !sqlite3_get_autocommit(w->h) &&
	    sqlite3_exec(w->h, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		log_error("sqlite: rollback failed: %s", sqlite3_errmsg(w->h));
	return rc;
}

/* Writer lock held: commits the open batch if nobody else will, makes it
 * durable and tells its members; then releases the writer. own: the calling
 * thread's connection. */
static void
writer_leave(struct db *db, struct db_conn *own)
{
	struct sq_conn *w = (struct sq_conn *)db->writer;
	struct sq_batch_member *list;
	struct err ce;
	int rc;

	if (!db->batch_open || (atomic_load(&db->write_waiters) > 0 &&
	    db->batch_n < BATCH_MAX &&
	    mono_ns() - db->batch_started_ns < BATCH_MAX_NS)) {
		writer_release(w);
		return;
	}
	err_clear(&ce);
	rc = batch_commit_locked(db, &list, &ce);
	writer_release(w);
	if (rc == 0 && list != NULL)
		rc = commit_durable((struct sq_conn *)own, &ce);
	if (list != NULL)
		batch_publish(db, list, rc, &ce);
}

/* The whole SQLite transaction was rolled back under a batch (SQLite does
 * that on I/O errors and when out of memory): its members fail. */
static void
batch_lost(struct db *db)
{
	struct sq_batch_member *list = db->batch_members;
	struct err e;

	db->batch_members = NULL;
	db->batch_n = 0;
	db->batch_open = false;
	err_set(&e, ERR_INTERNAL, "db_write_failed", "数据写入失败，请重试");
	if (list != NULL) {
		log_error("sqlite: a batch of transactions was rolled back");
		batch_publish(db, list, -ERR_INTERNAL, &e);
	}
}


static int
sq_stmt_new(struct db_conn *base, const char *sql, bool cached,
    struct db_stmt **out, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	struct sq_stmt *s;
	const char *tail = NULL;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_internal(e, "sqlite: out of memory");
	rc = sqlite3_prepare_v3(c->h, sql, -1,
	    cached ? SQLITE_PREPARE_PERSISTENT : 0, &s->st, &tail);
	if (rc != SQLITE_OK) {
		rc = sq_error(base, c->h, rc, "prepare", sql, e);
		free(s);
		return rc;
	}
	if (s->st == NULL) {
		free(s);
		return err_internal(e, "sqlite: empty statement");
	}
	if (tail != NULL && tail[strspn(tail, " \t\r\n;")] != '\0') {
		sqlite3_finalize(s->st);
		free(s);
		return err_internal(e, "sqlite: more than one statement in: %s",
		    sql);
	}
	s->base.nparams = sqlite3_bind_parameter_count(s->st);
	*out = &s->base;
	return 0;
}

static void
sq_stmt_free(struct db_stmt *s)
{
	sqlite3_finalize(st(s));
	free(s);
}

static int autocommit_write_end(struct sq_stmt *q, bool committed,
    struct err *e);

static void
sq_stmt_reset(struct db_stmt *s)
{
	struct sq_stmt *q = (struct sq_stmt *)s;

	sqlite3_reset(st(s));
	/* Left before DB_DONE (INSERT ... RETURNING read once): the reset
	 * committed it. */
	if (q->autocommit_write)
		/* A failure is logged by err_internal(). */
		(void)autocommit_write_end(q, true, NULL);
	sqlite3_clear_bindings(st(s));
}

static int
bind_rc(int rc)
{
	return rc == SQLITE_OK ? 0 : -ERR_INTERNAL;
}

static int
sq_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	return bind_rc(sqlite3_bind_int64(st(s), idx, v));
}

static int
sq_bind_text(struct db_stmt *s, int idx, const char *v, size_t len)
{
	return bind_rc(sqlite3_bind_text64(st(s), idx, v, len,
	    SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int
sq_bind_double(struct db_stmt *s, int idx, double v)
{
	return bind_rc(sqlite3_bind_double(st(s), idx, v));
}

static int
sq_bind_null(struct db_stmt *s, int idx)
{
	return bind_rc(sqlite3_bind_null(st(s), idx));
}

/* A write outside a transaction, on this thread's own connection: waits for
 * the writer lock, and commits the batch left open, so that the write neither
 * meets the writer's open transaction nor overtakes it. */
static void
autocommit_write_begin(struct sq_stmt *q)
{
	struct db_conn *own = q->base.conn;
	struct db *db = own->db;
	struct sq_batch_member *list;
	struct err ce;
	int rc;

	writer_lock(db);
	q->holds_writer = true;
	if (!db->batch_open)
		return;
	err_clear(&ce);
	rc = batch_commit_locked(db, &list, &ce);
	if (rc == 0 && list != NULL)
		rc = commit_durable((struct sq_conn *)own, &ce);
	if (list != NULL)
		batch_publish(db, list, rc, &ce);
}

/* The write has committed (or failed): lets the writers go on, then makes
 * it durable. */
static int
autocommit_write_end(struct sq_stmt *q, bool committed, struct err *e)
{
	struct db_conn *own = q->base.conn;

	q->autocommit_write = false;
	if (q->holds_writer) {
		q->holds_writer = false;
		pthread_mutex_unlock(&own->db->write_mu);
	}
	return committed ? commit_durable((struct sq_conn *)own, e) : 0;
}

static int
sq_step(struct db_stmt *s, struct err *e)
{
	struct sq_stmt *q = (struct sq_stmt *)s;
	int rc;

	/* A write outside a transaction commits by itself when it ends. */
	if (s->conn->db->group_commit && !sqlite3_stmt_busy(st(s)) &&
	    !sqlite3_stmt_readonly(st(s)) && sqlite3_get_autocommit(handle(s))) {
		q->autocommit_write = true;
		autocommit_write_begin(q);
	}
	rc = sqlite3_step(st(s));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		if (!sqlite3_stmt_readonly(st(s)))
			s->conn->changes = sqlite3_changes64(handle(s));
		if (q->autocommit_write) {
			rc = autocommit_write_end(q, true, e);
			return rc != 0 ? rc : DB_DONE;
		}
		return DB_DONE;
	}
	if (q->autocommit_write)
		(void)autocommit_write_end(q, false, NULL);
	rc = sq_error(s->conn, handle(s), rc, "step", s->sql, e);
	/* Leave the statement reusable (and release its read lock). */
	sqlite3_reset(st(s));
	return rc;
}

static int
sq_col_count(struct db_stmt *s)
{
	return sqlite3_column_count(st(s));
}

static const char *
sq_col_name(struct db_stmt *s, int col)
{
	const char *n = sqlite3_column_name(st(s), col);

	return n != NULL ? n : "";
}

static enum db_type
sq_col_type(struct db_stmt *s, int col)
{
	switch (sqlite3_column_type(st(s), col)) {
	case SQLITE_NULL:
		return DB_T_NULL;
	case SQLITE_INTEGER:
		return DB_T_INT;
	case SQLITE_FLOAT:
		return DB_T_REAL;
	default:
		return DB_T_TEXT;
	}
}

static int64_t
sq_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(st(s), col);
}

static double
sq_col_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(st(s), col);
}

static const char *
sq_col_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(st(s), col);
}

static int
sq_begin(struct db_conn *own, struct db_conn **tx, struct err *e)
{
	struct db *db = own->db;
	struct sq_conn *c;
	int rc;

	*tx = NULL;
	writer_lock(db);
	if (db->writer == NULL) {
		rc = db_conn_open_unbound(db, &db->writer, e);
		if (rc == 0)
			rc = sq_simple(db->writer, WRITER_PRAGMAS, e);
		if (rc != 0) {
			pthread_mutex_unlock(&db->write_mu);
			return rc;
		}
	}
	c = (struct sq_conn *)db->writer;
	c->writing = true;
	c->base.retryable = false;
	if (!db->batch_open) {
		rc = sq_control(&c->base, SQ_BEGIN, e);
		if (rc != 0) {
			own->retryable = c->base.retryable;
			writer_release(c);
			return rc;
		}
		if (!db->group_commit) {
			*tx = &c->base;
			return 0;
		}
		db->batch_open = true;
		db->batch_started_ns = mono_ns();
	}
	rc = sq_control(&c->base, SQ_SAVEPOINT, e);
	if (rc != 0) {
		if (sqlite3_get_autocommit(c->h))
			batch_lost(db);
		writer_leave(db, own);
		return rc;
	}
	*tx = &c->base;
	return 0;
}

static void sq_rollback(struct db_conn *tx, struct db_conn *own);

/* Ends tx; returns once its changes are durable (group commit: with the
 * batch it belongs to, synced on own, this thread's connection, while the
 * next writer already runs). */
static int
sq_commit(struct db_conn *tx, struct db_conn *own, struct err *e)
{
	struct db *db = own->db;
	struct sq_batch_member self;
	int rc;

	if (!db->batch_open) {
		/* synchronous=FULL: one durable COMMIT per transaction. */
		rc = sq_control(tx, SQ_COMMIT, e);
		if (rc != 0) {
			/* A failed COMMIT may leave the transaction open. */
			own->retryable = tx->retryable;
			sq_rollback(tx, own);
			return rc;
		}
		writer_release((struct sq_conn *)tx);
		return 0;
	}
	rc = sq_control(tx, SQ_RELEASE, e);
	if (rc != 0) {
		own->retryable = tx->retryable;
		sq_rollback(tx, own);
		return rc;
	}
	memset(&self, 0, sizeof(self));
	pthread_cond_init(&self.cv, NULL);
	self.next = db->batch_members;
	db->batch_members = &self;
	db->batch_n++;
	writer_leave(db, own);
	return batch_wait(db, &self, e);
}

static void
sq_rollback(struct db_conn *tx, struct db_conn *own)
{
	struct sq_conn *c = (struct sq_conn *)tx;
	struct db *db = tx->db;

	if (db->batch_open) {
		if (!sqlite3_get_autocommit(c->h) && sqlite3_exec(c->h,
		    "ROLLBACK TO onetrip_tx; RELEASE onetrip_tx", NULL, NULL,
		    NULL) != SQLITE_OK)
			log_error("sqlite: rollback to savepoint failed: %s",
			    sqlite3_errmsg(c->h));
		if (sqlite3_get_autocommit(c->h))
			batch_lost(db);
		else {
			writer_leave(db, own);
			return;
		}
	} else if (!sqlite3_get_autocommit(c->h) &&
	    sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		log_error("sqlite: rollback failed: %s", sqlite3_errmsg(c->h));
	writer_release(c);
}

static int
sq_exec_script(struct db_conn *base, const char *sql, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	const char *p = sql, *tail;
	sqlite3_stmt *stmt;
	bool wrote = false;
	int rc;

	while (*p != '\0') {
		stmt = NULL;
		rc = sqlite3_prepare_v2(c->h, p, -1, &stmt, &tail);
		if (rc != SQLITE_OK)
			return sq_error(base, c->h, rc, "prepare", p, e);
		if (stmt == NULL)
			break; /* only blanks and comments left */
		if (!sqlite3_stmt_readonly(stmt) && sqlite3_get_autocommit(c->h))
			wrote = true;
		do
			rc = sqlite3_step(stmt);
		while (rc == SQLITE_ROW);
		if (rc != SQLITE_DONE) {
			rc = sq_error(base, c->h, rc, "exec",
			    sqlite3_sql(stmt), e);
			sqlite3_finalize(stmt);
			return rc;
		}
		sqlite3_finalize(stmt);
		p = tail;
	}
	if (wrote && base->db->group_commit)
		return commit_durable(c, e);
	return 0;
}

static int
sq_tx_lock(struct db_conn *c, int64_t key, struct err *e)
{
	(void)c;
	(void)key;
	(void)e;
	return 0;
}

static int
fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
sq_backup_to(struct db_conn *base, const char *dest, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	sqlite3_backup *bk = NULL;
	sqlite3 *out = NULL;
	char tmp[PATH_MAX], dir[PATH_MAX];
	struct timespec ts = { 0, 20 * 1000000L };
	const char *slash;
	int rc, tries = 0;

	if (!parent_dir_exists(dest))
		return err_field(e, ERR_INVALID, "file", "backup_dir_missing",
		    "备份文件所在的文件夹不存在：%s", dest);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", dest, (long)getpid()) >=
	    (int)sizeof(tmp))
		return err_field(e, ERR_INVALID, "file", NULL,
		    "备份文件路径过长");
	unlink(tmp);
	rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_INTERNAL, "backup_failed",
		    "无法创建备份文件 %s：%s", dest,
		    out != NULL ? sqlite3_errmsg(out) : "内存不足");
		goto fail;
	}
	bk = sqlite3_backup_init(out, "main", c->h, "main");
	if (bk == NULL) {
		rc = err_internal(e, "sqlite backup_init: %s",
		    sqlite3_errmsg(out));
		goto fail;
	}
	/* All pages in one step: one read transaction, one snapshot, while
	 * writers carry on (WAL). */
	for (;;) {
		rc = sqlite3_backup_step(bk, -1);
		if (rc == SQLITE_DONE)
			break;
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 250) {
			nanosleep(&ts, NULL);
			continue;
		}
		rc = err_set(e, ERR_INTERNAL, "backup_failed",
		    "备份失败：%s", sqlite3_errstr(rc));
		goto fail;
	}
	rc = sqlite3_backup_finish(bk);
	bk = NULL;
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_INTERNAL, "backup_failed", "备份失败：%s",
		    sqlite3_errmsg(out));
		goto fail;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		out = NULL;
		rc = err_set(e, ERR_INTERNAL, "backup_failed",
		    "备份文件写入失败：%s", dest);
		goto fail;
	}
	out = NULL;
	if (fsync_path(tmp, O_RDONLY) != 0 || rename(tmp, dest) != 0) {
		rc = err_set(e, ERR_INTERNAL, "backup_failed",
		    "备份文件写入失败：%s：%s", dest, strerror(errno));
		goto fail;
	}
	slash = strrchr(dest, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dest)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - dest), dest);
	fsync_path(dir, O_RDONLY | O_DIRECTORY);
	return 0;
fail:
	if (bk != NULL)
		sqlite3_backup_finish(bk);
	if (out != NULL)
		sqlite3_close(out);
	unlink(tmp);
	return rc;
}

const struct db_ops db_sqlite_ops = {
	.conn_open = sq_conn_open,
	.conn_close = sq_conn_close,
	.conn_check = NULL,
	.stmt_new = sq_stmt_new,
	.stmt_free = sq_stmt_free,
	.stmt_reset = sq_stmt_reset,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_name = sq_col_name,
	.col_type = sq_col_type,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec_script = sq_exec_script,
	.tx_lock = sq_tx_lock,
	.backup_to = sq_backup_to,
};
