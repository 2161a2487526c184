/* db_sqlite.c - the SQLite driver: WAL, durable commits (group commit, or
 * synchronous=FULL), one connection per thread, persistent prepared
 * statements. */
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

#define BUSY_TIMEOUT_MS 5000

struct sq_conn {
	struct db_conn base;
	sqlite3 *h;
	bool writing;        /* holds db->write_mu */
};

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	bool autocommit_write; /* a write outside a transaction, not yet
				  known durable */
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

static int
sq_conn_open(struct db *db, struct db_conn **out, struct err *e)
{
	static const char pragmas[] =
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY;"
	    /* Pages read through a shared mapping and a larger page cache:
	     * fewer read system calls and copies per query. */
	    "PRAGMA mmap_size = 1073741824;"
	    "PRAGMA cache_size = -32768;";
	struct sq_conn *c;
	char *msg = NULL;
	int rc;

	*out = NULL;
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
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
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
 * ONETRIP_SQLITE_GROUP_COMMIT=0 turns all of this off: synchronous=FULL.
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

static void
sq_stmt_reset(struct db_stmt *s)
{
	struct sq_stmt *q = (struct sq_stmt *)s;

	sqlite3_reset(st(s));
	/* Left before DB_DONE (INSERT ... RETURNING read once): the reset
	 * committed it. */
	if (q->autocommit_write) {
		q->autocommit_write = false;
		/* A failure is logged by err_internal(). */
		(void)commit_durable((struct sq_conn *)s->conn, NULL);
	}
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

static int
sq_step(struct db_stmt *s, struct err *e)
{
	struct sq_stmt *q = (struct sq_stmt *)s;
	int rc;

	/* A write outside a transaction commits by itself when it ends. */
	if (s->conn->db->group_commit && !sqlite3_stmt_busy(st(s)) &&
	    !sqlite3_stmt_readonly(st(s)) && sqlite3_get_autocommit(handle(s)))
		q->autocommit_write = true;
	rc = sqlite3_step(st(s));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		if (!sqlite3_stmt_readonly(st(s)))
			s->conn->changes = sqlite3_changes64(handle(s));
		if (q->autocommit_write) {
			q->autocommit_write = false;
			return commit_durable((struct sq_conn *)s->conn, e);
		}
		return DB_DONE;
	}
	q->autocommit_write = false;
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
sq_simple(struct db_conn *base, const char *sql, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return sq_error(base, c->h, rc, "exec", sql, e);
	return 0;
}

static void
writer_release(struct sq_conn *c)
{
	if (c->writing) {
		c->writing = false;
		pthread_mutex_unlock(&c->base.db->write_mu);
	}
}

static int
sq_begin(struct db_conn *base, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	int rc;

	if (!c->writing) {
		pthread_mutex_lock(&base->db->write_mu);
		c->writing = true;
	}
	rc = sq_simple(base, "BEGIN IMMEDIATE", e);
	if (rc != 0)
		writer_release(c);
	return rc;
}

static int
sq_commit(struct db_conn *base, struct err *e)
{
	struct sq_conn *c = (struct sq_conn *)base;
	int rc = sq_simple(base, "COMMIT", e);

	/* A failed COMMIT leaves the transaction open: the rollback that
	 * follows releases the writer lock. */
	if (rc == 0 || sqlite3_get_autocommit(c->h))
		writer_release(c);
	/* Durable before db_tx() returns; the next writer already runs. */
	if (rc == 0 && base->db->group_commit)
		rc = commit_durable(c, e);
	return rc;
}

static void
sq_rollback(struct db_conn *base)
{
	struct sq_conn *c = (struct sq_conn *)base;

	if (!sqlite3_get_autocommit(c->h) &&
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
