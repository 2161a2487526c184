/* db.c - the driver-independent half of db.h: handles, per-thread
 * connections, the statement cache, typed wrappers and transactions. */
#include "store/db.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/config.h"
#include "base/log.h"
#include "store/db_internal.h"

#define CACHE_MIN 64

static void conn_free(struct db_conn *c);

/* The connection this thread's statements run on now, or NULL. */
static struct db_conn *
conn_current(struct db *db)
{
	struct db_conn *c = pthread_getspecific(db->key);

	return c != NULL && c->borrowed != NULL ? c->borrowed : c;
}

/* Thread exit: the thread's connection goes with it. */
static void
conn_destructor(void *p)
{
	struct db_conn *c = p;
	struct db *db = c->db;

	pthread_mutex_lock(&db->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		db->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&db->mu);
	conn_free(c);
}

int
db_err_busy(struct err *e)
{
	return err_set(e, ERR_BUSY, "db_busy", "数据库繁忙，请稍后重试");
}

/* Keeps scheme and host, replaces a password in "user:password@" or in a
 * "password=" query parameter by "***". */
static char *
url_hide_password(const char *url)
{
	const char *scheme, *auth, *at, *colon, *q;
	size_t n = strlen(url);
	char *out, *p;

	out = malloc(n + 8);
	if (out == NULL)
		return NULL;
	scheme = strstr(url, "://");
	if (scheme == NULL) {
		memcpy(out, url, n + 1);
		return out;
	}
	auth = scheme + 3;
	at = auth + strcspn(auth, "@/?");
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (*at == '@' && colon != NULL) {
		p = out;
		memcpy(p, url, (size_t)(colon + 1 - url));
		p += colon + 1 - url;
		memcpy(p, "***", 3);
		p += 3;
		memcpy(p, at, strlen(at) + 1);
	} else
		memcpy(out, url, n + 1);
	/* "password=..." in the query string, up to '&'. */
	q = strstr(out, "password=");
	if (q != NULL) {
		char *v = (char *)q + strlen("password=");
		char *end = v + strcspn(v, "&");

		if (end - v >= 3) {
			memcpy(v, "***", 3);
			memmove(v + 3, end, strlen(end) + 1);
		} else {
			memmove(v + 3, end, strlen(end) + 1);
			memcpy(v, "***", 3);
		}
	}
	return out;
}

int
db_open(struct db **out, const char *url, struct err *e)
{
	struct db *db;
	struct db_conn *c;
	int rc;

	*out = NULL;
	if (url == NULL || url[0] == '\0')
		return err_set(e, ERR_INVALID, "bad_db_url", "未指定数据库地址");
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return err_internal(e, "db_open: out of memory");
	if (strncmp(url, "sqlite:", 7) == 0) {
		db->kind = DB_SQLITE;
		db->ops = &db_sqlite_ops;
		db->target = strdup(url + 7);
	} else if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0) {
		db->kind = DB_POSTGRES;
		db->ops = &db_pg_ops;
		db->target = strdup(url);
	} else {
		free(db);
		return err_set(e, ERR_INVALID, "bad_db_url",
		    "数据库地址格式不正确，应为 sqlite:文件路径 或 postgresql://…");
	}
	db->url_safe = url_hide_password(url);
	if (db->target == NULL || db->url_safe == NULL) {
		free(db->target);
		free(db->url_safe);
		free(db);
		return err_internal(e, "db_open: out of memory");
	}
	if (db->kind == DB_SQLITE && db->target[0] == '\0') {
		rc = err_set(e, ERR_INVALID, "bad_db_url",
		    "SQLite 数据库地址缺少文件路径（sqlite:文件路径）");
		goto fail_nokey;
	}
	if (pthread_key_create(&db->key, conn_destructor) != 0) {
		rc = err_internal(e, "db_open: pthread_key_create failed");
		goto fail_nokey;
	}
	pthread_mutex_init(&db->mu, NULL);
	pthread_mutex_init(&db->write_mu, NULL);
	pthread_mutex_init(&db->sync_mu, NULL);
	pthread_cond_init(&db->sync_cv, NULL);
	if (db->kind == DB_SQLITE)
		db->group_commit = config_bool("sqlite.group_commit");
	rc = db_conn_acquire(db, &c, e);
	if (rc != 0) {
		db_close(db);
		return rc;
	}
	db->serving = true;
	*out = db;
	return 0;
fail_nokey:
	free(db->target);
	free(db->url_safe);
	free(db);
	return rc;
}

void
db_close(struct db *db)
{
	struct db_conn *c, *next;

	if (db == NULL)
		return;
	pthread_mutex_lock(&db->mu);
	c = db->conns;
	db->conns = NULL;
	pthread_mutex_unlock(&db->mu);
	for (; c != NULL; c = next) {
		next = c->next;
		conn_free(c);
	}
	pthread_setspecific(db->key, NULL);
	pthread_key_delete(db->key);
	pthread_mutex_destroy(&db->mu);
	pthread_mutex_destroy(&db->write_mu);
	pthread_mutex_destroy(&db->sync_mu);
	pthread_cond_destroy(&db->sync_cv);
	free(db->target);
	free(db->url_safe);
	free(db);
}

enum db_kind
db_kind(const struct db *db)
{
	return db->kind;
}

const char *
db_url_safe(const struct db *db)
{
	return db->url_safe;
}

/* Adds a new connection to db's list (closed by db_close()). */
static void
conn_link(struct db *db, struct db_conn *c)
{
	c->db = db;
	c->prev = NULL;
	pthread_mutex_lock(&db->mu);
	c->next = db->conns;
	if (db->conns != NULL)
		db->conns->prev = c;
	db->conns = c;
	pthread_mutex_unlock(&db->mu);
}

int
db_conn_acquire(struct db *db, struct db_conn **out, struct err *e)
{
	struct db_conn *c = pthread_getspecific(db->key);
	int rc;

	if (c != NULL) {
		*out = c->borrowed != NULL ? c->borrowed : c;
		return 0;
	}
	*out = NULL;
	rc = db->ops->conn_open(db, &c, e);
	if (rc != 0)
		return rc;
	if (pthread_setspecific(db->key, c) != 0) {
		db->ops->conn_close(c);
		return err_internal(e, "pthread_setspecific failed");
	}
	conn_link(db, c);
	*out = c;
	return 0;
}

int
db_conn_open_unbound(struct db *db, struct db_conn **out, struct err *e)
{
	struct db_conn *c;
	int rc;

	*out = NULL;
	rc = db->ops->conn_open(db, &c, e);
	if (rc != 0)
		return rc;
	conn_link(db, c);
	*out = c;
	return 0;
}

void
db_thread_done(struct db *db)
{
	struct db_conn *c = pthread_getspecific(db->key);

	if (c == NULL)
		return;
	pthread_setspecific(db->key, NULL);
	conn_destructor(c);
}

bool
db_ping(struct db *db)
{
	struct err e;
	int64_t v = 0;

	if (db_in_tx(db))
		return true;
	return db_query_int(db, &e, &v, "SELECT 1", "") == DB_ROW && v == 1;
}

/* Statement cache: open addressing on a hash of the SQL text's length and
 * its first and last SQL_HASH_EDGE bytes (FNV-1a). Statements run by the
 * hundred per request and are often a few hundred bytes long: hashing all
 * of each text cost more than the look-up; texts alike at both ends meet
 * in a chain and are told apart by cache_slot()'s comparison. */
#define SQL_HASH_EDGE 32

static uint32_t
sql_hash(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	bool whole = n < 2 * SQL_HASH_EDGE;
	size_t head = whole ? n : SQL_HASH_EDGE;
	size_t tail = whole ? n : n - SQL_HASH_EDGE;
	uint32_t h = 2166136261u ^ (uint32_t)n;

	for (size_t i = 0; i < head; i++)
		h = (h ^ p[i]) * 16777619u;
	for (size_t i = tail; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct db_cache_entry *
cache_slot(struct db_conn *c, uint32_t h, const char *sql)
{
	uint32_t i, mask = c->cache_cap - 1;

	for (i = h & mask;; i = (i + 1) & mask) {
		struct db_cache_entry *en = &c->cache[i];

		if (en->sql == NULL)
			return en;
		if (en->hash == h && (en->sql == sql || strcmp(en->sql, sql) == 0))
			return en;
	}
}

static int
cache_grow(struct db_conn *c)
{
	struct db_cache_entry *old = c->cache;
	uint32_t i, oldcap = c->cache_cap;
	uint32_t cap = oldcap ? oldcap * 2 : CACHE_MIN;

	c->cache = calloc(cap, sizeof(*c->cache));
	if (c->cache == NULL) {
		c->cache = old;
		return -1;
	}
	c->cache_cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].sql != NULL)
			*cache_slot(c, old[i].hash, old[i].sql) = old[i];
	free(old);
	return 0;
}

static void
conn_free(struct db_conn *c)
{
	const struct db_ops *ops = c->db->ops;
	uint32_t i;

	for (i = 0; i < c->cache_cap; i++) {
		if (c->cache[i].sql == NULL)
			continue;
		if (c->cache[i].stmt->sql != c->cache[i].sql)
			free((char *)c->cache[i].stmt->sql);
		ops->stmt_free(c->cache[i].stmt);
		free((char *)c->cache[i].sql);
	}
	free(c->cache);
	c->cache = NULL;
	c->cache_cap = c->cache_len = 0;
	ops->conn_close(c);
}

static int
prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e)
{
	const struct db_ops *ops = db->ops;
	struct db_cache_entry *en;
	struct db_conn *c;
	struct db_stmt *s;
	char *key, *text;
	uint32_t h;
	int rc;

	*out = NULL;
	if (sql == NULL)
		return err_internal(e, "db_prepare: no SQL");
	rc = db_conn_acquire(db, &c, e);
	if (rc != 0)
		return rc;
	if (c->tx_depth == 0 && ops->conn_check != NULL) {
		rc = ops->conn_check(c, e);
		if (rc != 0)
			return rc;
	}
	if ((c->cache_len + 1) * 4 > c->cache_cap * 3 && cache_grow(c) != 0)
		return err_internal(e, "db_prepare: out of memory");
	h = sql_hash(sql);
	en = cache_slot(c, h, sql);
	if (en->sql != NULL) {
		s = en->stmt;
		if (!s->in_use) {
			s->in_use = true;
			*out = s;
			return 0;
		}
		/* The cached one is being stepped (a query inside a loop
		 * over the same query): use a private statement. */
		rc = ops->stmt_new(c, en->stmt->sql, false, &s, e);
		if (rc != 0)
			return rc;
		s->conn = c;
		s->sql = en->stmt->sql;
		s->cached = false;
		s->in_use = true;
		*out = s;
		return 0;
	}
	key = strdup(sql);
	if (key == NULL)
		return err_internal(e, "db_prepare: out of memory");
	text = db_dialect_expand(db->kind, key);
	rc = ops->stmt_new(c, text != NULL ? text : key, true, &s, e);
	if (rc != 0) {
		free(text);
		free(key);
		return rc;
	}
	s->conn = c;
	s->sql = text != NULL ? text : key;
	s->cached = true;
	s->in_use = true;
	en->hash = h;
	en->sql = key;
	en->stmt = s;
	c->cache_len++;
	*out = s;
	return 0;
}

struct db_stmt *
db_prepare(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *s;

	prepare(db, sql, &s, e);
	return s;
}

void
db_finish(struct db_stmt *s)
{
	if (s == NULL)
		return;
	if (!s->cached) {
		s->conn->db->ops->stmt_free(s);
		return;
	}
	s->conn->db->ops->stmt_reset(s);
	s->in_use = false;
}

static int
bind_check(struct db_stmt *s, int idx)
{
	if (idx < 1 || idx > s->nparams) {
		log_error("db: parameter %d out of range 1..%d in: %s", idx,
		    s->nparams, s->sql);
		return -ERR_INTERNAL;
	}
	return 0;
}

int
db_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	if (bind_check(s, idx) != 0)
		return -ERR_INTERNAL;
	return s->conn->db->ops->bind_int(s, idx, v);
}

int
db_bind_text(struct db_stmt *s, int idx, const char *v)
{
	if (bind_check(s, idx) != 0)
		return -ERR_INTERNAL;
	if (v == NULL)
		return s->conn->db->ops->bind_null(s, idx);
	return s->conn->db->ops->bind_text(s, idx, v, strlen(v));
}

int
db_bind_textn(struct db_stmt *s, int idx, const char *v, size_t len)
{
	if (bind_check(s, idx) != 0)
		return -ERR_INTERNAL;
	if (v == NULL)
		return s->conn->db->ops->bind_null(s, idx);
	return s->conn->db->ops->bind_text(s, idx, v, len);
}

int
db_bind_double(struct db_stmt *s, int idx, double v)
{
	if (bind_check(s, idx) != 0)
		return -ERR_INTERNAL;
	return s->conn->db->ops->bind_double(s, idx, v);
}

int
db_bind_null(struct db_stmt *s, int idx)
{
	if (bind_check(s, idx) != 0)
		return -ERR_INTERNAL;
	return s->conn->db->ops->bind_null(s, idx);
}

int
db_step(struct db_stmt *s, struct err *e)
{
	return s->conn->db->ops->step(s, e);
}

int
db_col_count(struct db_stmt *s)
{
	return s->conn->db->ops->col_count(s);
}

const char *
db_col_name(struct db_stmt *s, int col)
{
	return s->conn->db->ops->col_name(s, col);
}

bool
db_col_is_null(struct db_stmt *s, int col)
{
	return s->conn->db->ops->col_type(s, col) == DB_T_NULL;
}

int64_t
db_col_int(struct db_stmt *s, int col)
{
	return s->conn->db->ops->col_int(s, col);
}

double
db_col_double(struct db_stmt *s, int col)
{
	return s->conn->db->ops->col_double(s, col);
}

const char *
db_col_text(struct db_stmt *s, int col)
{
	const char *t = s->conn->db->ops->col_text(s, col);

	return t != NULL ? t : "";
}

int64_t
db_changes(struct db_stmt *s)
{
	return s->conn->changes;
}

int64_t
db_last_changes(struct db *db)
{
	struct db_conn *c = conn_current(db);

	return c != NULL ? c->changes : 0;
}

/* Binds the arguments described by types to the placeholders first,
 * first + 1, ...; the caller has checked that they exist. */
static int
bind_from(struct db_stmt *s, struct err *e, int first, const char *types,
    va_list ap)
{
	const char *sv;
	int i, rc = 0;

	for (i = 0; types[i] != '\0' && rc == 0; i++) {
		switch (types[i]) {
		case 'i':
			rc = db_bind_int(s, first + i, va_arg(ap, int64_t));
			break;
		case 'I':
			rc = db_bind_int(s, first + i, va_arg(ap, int));
			break;
		case 's':
			sv = va_arg(ap, const char *);
			rc = db_bind_text(s, first + i, sv);
			break;
		case 'd':
			rc = db_bind_double(s, first + i, va_arg(ap, double));
			break;
		case 'n':
			rc = db_bind_null(s, first + i);
			break;
		default:
			return err_internal(e, "db: bad type letter '%c' for: %s",
			    types[i], s->sql);
		}
	}
	if (rc != 0)
		return err_internal(e, "db: binding argument %d failed: %s",
		    first + i - 1, s->sql);
	return 0;
}

/* Binds the arguments described by types; the number of letters must match
 * the number of placeholders. */
static int
bind_args(struct db_stmt *s, struct err *e, const char *types, va_list ap)
{
	if (types == NULL)
		types = "";
	if ((int)strlen(types) != s->nparams)
		return err_internal(e, "db: %zu arguments for %d placeholders: %s",
		    strlen(types), s->nparams, s->sql);
	return bind_from(s, e, 1, types, ap);
}

int
db_bind_next(struct db_stmt *s, int *at, struct err *e, const char *types,
    ...)
{
	va_list ap;
	int rc;

	if (*at + (int)strlen(types) > s->nparams)
		return err_internal(e, "db: %zu arguments after %d for %d "
		    "placeholders: %s", strlen(types), *at, s->nparams, s->sql);
	va_start(ap, types);
	rc = bind_from(s, e, *at + 1, types, ap);
	va_end(ap);
	if (rc == 0)
		*at += (int)strlen(types);
	return rc;
}

static int
vquery(struct db *db, struct err *e, struct db_stmt **out, const char *sql,
    const char *types, va_list ap)
{
	int rc = prepare(db, sql, out, e);

	if (rc != 0)
		return rc;
	rc = bind_args(*out, e, types, ap);
	if (rc != 0) {
		db_finish(*out);
		*out = NULL;
	}
	return rc;
}

int
db_exec(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
	struct db_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vquery(db, e, &s, sql, types, ap);
	va_end(ap);
	if (rc != 0)
		return rc;
	do
		rc = db_step(s, e);
	while (rc == DB_ROW);
	db_finish(s);
	return rc;
}

struct db_stmt *
db_query(struct db *db, struct err *e, const char *sql, const char *types,
    ...)
{
	struct db_stmt *s;
	va_list ap;

	va_start(ap, types);
	vquery(db, e, &s, sql, types, ap);
	va_end(ap);
	return s;
}

int
db_query_int(struct db *db, struct err *e, int64_t *out, const char *sql,
    const char *types, ...)
{
	struct db_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vquery(db, e, &s, sql, types, ap);
	va_end(ap);
	if (rc != 0)
		return rc;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*out = db_col_int(s, 0);
	db_finish(s);
	return rc;
}

/* The current row as a JSON object; NULL when out of memory. */
static json_t *
row_json(struct db_stmt *s)
{
	const struct db_ops *ops = s->conn->db->ops;
	json_t *o = json_object(), *v;
	int i, n = ops->col_count(s);

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		switch (ops->col_type(s, i)) {
		case DB_T_NULL:
			v = json_null();
			break;
		case DB_T_INT:
			v = json_integer(ops->col_int(s, i));
			break;
		case DB_T_REAL:
			v = json_real(ops->col_double(s, i));
			break;
		default:
			v = json_string(db_col_text(s, i));
			/* Not UTF-8: keep the row, never fail on data. */
			if (v == NULL)
				v = json_string("");
			break;
		}
		if (json_object_set_new(o, ops->col_name(s, i), v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *
db_query_json(struct db *db, struct err *e, const char *sql,
    const char *types, ...)
{
	struct db_stmt *s;
	json_t *arr, *row;
	va_list ap;
	int rc;

	va_start(ap, types);
	vquery(db, e, &s, sql, types, ap);
	va_end(ap);
	if (s == NULL)
		return NULL;
	arr = json_array();
	if (arr == NULL)
		goto oom;
	while ((rc = db_step(s, e)) == DB_ROW) {
		row = row_json(s);
		if (row == NULL || json_array_append_new(arr, row) != 0)
			goto oom;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
oom:
	db_finish(s);
	json_decref(arr);
	err_internal(e, "db_query_json: out of memory");
	return NULL;
}

json_t *
db_query_row(struct db *db, struct err *e, const char *sql,
    const char *types, ...)
{
	struct db_stmt *s;
	json_t *row = NULL;
	va_list ap;
	int rc;

	va_start(ap, types);
	vquery(db, e, &s, sql, types, ap);
	va_end(ap);
	if (s == NULL)
		return NULL;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		row = row_json(s);
		if (row == NULL)
			err_internal(e, "db_query_row: out of memory");
	} else if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "记录不存在");
	db_finish(s);
	return row;
}

/* Transactions */

bool
db_in_tx(struct db *db)
{
	struct db_conn *c = conn_current(db);

	return c != NULL && c->tx_depth > 0;
}

/* Sleeps a random 1..(2^attempt) ms, at most about 128 ms. */
static void
backoff(int attempt)
{
	static __thread uint32_t seed;
	struct timespec ts;
	uint32_t span, ms;

	if (seed == 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint32_t)ts.tv_nsec ^ (uint32_t)(uintptr_t)&ts;
		if (seed == 0)
			seed = 1;
	}
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	span = 1u << (attempt < 7 ? attempt + 1 : 7);
	ms = 1 + seed % span;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
tx_nested(struct db_conn *c, db_tx_fn fn, void *arg, struct err *e)
{
	int rc;

	c->tx_depth++;
	rc = fn(c->db, arg, e);
	c->tx_depth--;
	if (rc != 0 && !c->rollback_only) {
		/* The whole transaction will roll back, whatever the outer
		 * function does with this error: on PostgreSQL a failed
		 * statement has already doomed it. */
		c->rollback_only = true;
		c->nested_rc = rc;
		if (e != NULL)
			c->nested_err = *e;
		else
			err_set(&c->nested_err, ERR_INTERNAL, NULL,
			    "服务器内部错误，请稍后重试");
	}
	return rc;
}

int
db_tx(struct db *db, db_tx_fn fn, void *arg, struct err *e)
{
	const struct db_ops *ops = db->ops;
	struct db_conn *own, *c;
	int attempt, rc = -ERR_BUSY;
	bool retry;

	rc = db_conn_acquire(db, &c, e);
	if (rc != 0)
		return rc;
	if (c->tx_depth > 0)
		return tx_nested(c, fn, arg, e);
	own = c;
	for (attempt = 0; attempt < DB_TX_ATTEMPTS; attempt++) {
		if (attempt > 0)
			backoff(attempt);
		own->retryable = false;
		if (ops->conn_check != NULL) {
			rc = ops->conn_check(own, e);
			if (rc != 0)
				return rc;
		}
		rc = ops->begin(own, &c, e);
		if (rc != 0) {
			if (own->retryable)
				continue;
			return rc;
		}
		if (c != own)
			own->borrowed = c;
		c->retryable = false;
		c->tx_depth = 1;
		c->rollback_only = false;
		rc = fn(db, arg, e);
		c->tx_depth = 0;
		if (rc == 0 && c->rollback_only) {
			rc = c->nested_rc;
			if (e != NULL)
				*e = c->nested_err;
		}
		own->borrowed = NULL;
		c->rollback_only = false;
		if (rc == 0) {
			/* Ends the transaction either way and hands c on
			 * (SQLite): only own is ours afterwards. */
			rc = ops->commit(c, own, e);
			if (rc == 0)
				return 0;
			retry = own->retryable;
		} else {
			retry = c->retryable;
			ops->rollback(c, own);
		}
		if (!retry)
			return rc;
		log_debug("db: transaction attempt %d busy, retrying",
		    attempt + 1);
	}
	log_warn("db: transaction still busy after %d attempts",
	    DB_TX_ATTEMPTS);
	return db_err_busy(e);
}

int
db_tx_lock(struct db *db, int64_t key, struct err *e)
{
	struct db_conn *c = conn_current(db);

	if (c == NULL || c->tx_depth == 0)
		return err_internal(e, "db_tx_lock outside a transaction");
	return db->ops->tx_lock(c, key, e);
}

int
db_backup_to(struct db *db, const char *dest_path, struct err *e)
{
	struct db_conn *c;
	int rc;

	if (dest_path == NULL || dest_path[0] == '\0')
		return err_field(e, ERR_INVALID, "file", NULL,
		    "请指定备份文件路径");
	rc = db_conn_acquire(db, &c, e);
	if (rc != 0)
		return rc;
	return db->ops->backup_to(c, dest_path, e);
}
