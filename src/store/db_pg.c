/* db_pg.c - the PostgreSQL driver (libpq): one connection per thread,
 * '?' rewritten to $n once per statement, named prepared statements, text
 * parameters, whole results read row by row by db_step(). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "base/log.h"
#include "store/db_internal.h"

/* Type OIDs (catalog/pg_type.h). */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

enum pg_col { PGC_TEXT, PGC_INT, PGC_REAL, PGC_NUMERIC, PGC_BOOL };

struct pg_conn {
	struct db_conn base;
	PGconn *h;
	bool broken;         /* reconnect before the next statement */
	uint32_t gen;        /* bumped on reconnect: prepared names are gone */
	uint32_t next_name;
};

struct pg_param {
	char *heap;          /* kept between executions */
	size_t cap;
	char small[32];
};

struct pg_stmt {
	struct db_stmt base;
	char *pgsql;         /* with $n placeholders */
	char name[24];
	bool cached;
	bool select;         /* a plain SELECT: safe to run again */
	uint32_t gen;        /* connection generation it was prepared in */
	const char **values; /* NULL: SQL NULL */
	int *lengths;
	struct pg_param *params;
	PGresult *res;
	bool executed;
	int row, nrows, ncols;
	enum pg_col *cols;
	int cols_cap;
};

static PGconn *
hconn(struct db_conn *c)
{
	return ((struct pg_conn *)c)->h;
}

static bool state_lost(const char *state);

/* Notices go to the debug log. What the server sends on an idle
 * connection arrives here too: a FATAL (pg_terminate_backend(), a fast
 * shutdown, a standby being stopped) says it is closing the session, so
 * the next statement reconnects first instead of meeting the closed
 * socket (pg_conn_check() reads it). */
static void
notice_receiver(void *arg, const PGresult *res)
{
	struct pg_conn *c = arg;
	const char *sev = PQresultErrorField(res,
	    PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (c != NULL && ((sev != NULL && strcmp(sev, "FATAL") == 0) ||
	    (state != NULL && state_lost(state))))
		c->broken = true;
	log_debug("postgresql: %s", PQresultErrorMessage(res));
}

static bool
ident_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch >= 0x80;
}

/* Copies sql replacing each '?' outside strings, quoted identifiers,
 * comments and dollar quotes by $1, $2, ... Returns malloc'd text. */
static char *
rewrite_placeholders(const char *sql, int *nparams)
{
	size_t len = strlen(sql), nq = 0, i, j;
	char *out, *o;
	int n = 0, depth;

	for (i = 0; i < len; i++)
		if (sql[i] == '?')
			nq++;
	out = malloc(len + nq * 6 + 1);
	if (out == NULL)
		return NULL;
	o = out;
	for (i = 0; i < len;) {
		char ch = sql[i];

		if (ch == '\'') {
			bool esc = i > 0 && (sql[i - 1] == 'E' ||
			    sql[i - 1] == 'e') && (i < 2 ||
			    !ident_char((unsigned char)sql[i - 2]));

			*o++ = sql[i++];
			while (i < len) {
				if (esc && sql[i] == '\\' && i + 1 < len) {
					*o++ = sql[i++];
					*o++ = sql[i++];
					continue;
				}
				*o++ = sql[i];
				if (sql[i++] == '\'')
					break;
			}
		} else if (ch == '"') {
			*o++ = sql[i++];
			while (i < len) {
				*o++ = sql[i];
				if (sql[i++] == '"')
					break;
			}
		} else if (ch == '-' && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				*o++ = sql[i++];
		} else if (ch == '/' && sql[i + 1] == '*') {
			depth = 0;
			while (i < len) {
				if (sql[i] == '/' && sql[i + 1] == '*') {
					depth++;
					*o++ = sql[i++];
				} else if (sql[i] == '*' && sql[i + 1] == '/') {
					depth--;
					*o++ = sql[i++];
					if (depth == 0) {
						*o++ = sql[i++];
						break;
					}
				}
				*o++ = sql[i++];
			}
		} else if (ch == '$' && (i == 0 ||
		    !ident_char((unsigned char)sql[i - 1]))) {
			/* $tag$ ... $tag$ (tag may be empty); $1 is not one. */
			j = i + 1;
			if (j < len && (isalpha((unsigned char)sql[j]) ||
			    sql[j] == '_'))
				while (j < len && ident_char((unsigned char)sql[j]))
					j++;
			if (j < len && sql[j] == '$') {
				size_t taglen = j - i + 1, k, end = len;

				for (k = j + 1; k + taglen <= len; k++)
					if (memcmp(sql + k, sql + i, taglen) == 0) {
						end = k + taglen;
						break;
					}
				memcpy(o, sql + i, end - i);
				o += end - i;
				i = end;
			} else
				*o++ = sql[i++];
		} else if (ch == '?') {
			o += sprintf(o, "$%d", ++n);
			i++;
		} else
			*o++ = sql[i++];
	}
	*o = '\0';
	*nparams = n;
	return out;
}

/* The message of a database that went away while serving (a failover:
 * the primary is gone and no standby has been promoted yet). */
static int
pg_unavailable(struct err *e)
{
	return err_set(e, ERR_BUSY, "db_unavailable",
	    "数据库暂时不可用（可能正在主备切换），请稍后重试");
}

/* A connection that cannot be made: with the URL and libpq's reason at
 * start-up (for the operator), the plain message afterwards (for users;
 * the reason goes to the log). */
static int
pg_connect_error(struct db *db, PGconn *h, struct err *e)
{
	char msg[200];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", h != NULL ? PQerrorMessage(h) :
	    "内存不足");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (db->serving) {
		log_error("postgresql: cannot connect to %s: %s",
		    db->url_safe, msg);
		return pg_unavailable(e);
	}
	return err_set(e, ERR_BUSY, "db_unavailable",
	    "无法连接 PostgreSQL 数据库 %s：%s", db->url_safe, msg);
}

static int
pg_conn_open(struct db *db, struct db_conn **out, struct err *e)
{
	/* Generic plans: the statements are prepared once per connection,
	 * and with cases partitioned by year (migration 141) a custom plan
	 * re-plans every partition on each execution — the inbox took 2-7
	 * times longer. A generic plan prunes partitions at run time. Keys
	 * before dbname are defaults the URL may override (options=...). */
	static const char *const keys[] = { "application_name",
		"client_encoding", "connect_timeout", "options", "dbname",
		NULL };
	const char *vals[] = { "onetrip", "UTF8", "10",
		"-c plan_cache_mode=force_generic_plan", db->target, NULL };
	struct pg_conn *c;
	PGconn *h;
	int rc;

	*out = NULL;
	h = PQconnectdbParams(keys, vals, 1);
	if (h == NULL || PQstatus(h) != CONNECTION_OK) {
		rc = pg_connect_error(db, h, e);
		PQfinish(h);
		return rc;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		PQfinish(h);
		return err_internal(e, "postgresql: out of memory");
	}
	PQsetNoticeReceiver(h, notice_receiver, c);
	c->h = h;
	c->gen = 1;
	*out = &c->base;
	return 0;
}

static void
pg_conn_close(struct db_conn *base)
{
	struct pg_conn *c = (struct pg_conn *)base;

	PQfinish(c->h);
	free(c);
}

/* PQreset() closes and connects again with the same parameters: with
 * several hosts and target_session_attrs=read-write, to whichever host
 * accepts writes now (the promoted standby after a failover). */
static int
pg_reconnect(struct pg_conn *c, struct err *e)
{
	PQreset(c->h);
	c->gen++;
	if (PQstatus(c->h) != CONNECTION_OK) {
		log_error("postgresql: cannot reconnect to %s: %s",
		    c->base.db->url_safe, PQerrorMessage(c->h));
		return pg_unavailable(e);
	}
	c->broken = false;
	log_info("postgresql: reconnected to %s (%s:%s)", c->base.db->url_safe,
	    PQhost(c->h), PQport(c->h));
	return 0;
}

static int
pg_conn_check(struct db_conn *base, struct err *e)
{
	struct pg_conn *c = (struct pg_conn *)base;

	/* PQconsumeInput() reads what is waiting without blocking and
	 * PQisBusy() parses it: the end of a connection the server closed
	 * (it was killed) or its FATAL message (it shut down, the session
	 * was terminated; notice_receiver()) marks it bad here, before a
	 * statement is sent on it, so that even a write outside a
	 * transaction meets a fresh connection. */
	if (PQstatus(c->h) == CONNECTION_OK && !c->broken &&
	    PQtransactionStatus(c->h) == PQTRANS_IDLE &&
	    PQconsumeInput(c->h) == 1)
		(void)PQisBusy(c->h);
	if (PQstatus(c->h) == CONNECTION_OK && !c->broken)
		return 0;
	return pg_reconnect(c, e);
}

/* SQLSTATEs saying the session is no use any more, although libpq may
 * still call the connection OK: class 08 (connection exception), 57P01..3
 * (the server shuts down, crashed, or is starting), 25006 (a read-only
 * server: a standby, or a demoted primary). */
static bool
state_lost(const char *state)
{
	return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0 ||
	    strcmp(state, "25006") == 0;
}

/* Maps a failed result to an error; marks the retryable ones. */
static int
pg_error(struct db_conn *c, PGresult *res, const char *sql, struct err *e)
{
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res != NULL ? PQresultErrorMessage(res) : "";

	if (state != NULL) {
		if (strcmp(state, "23505") == 0)
			return err_set(e, ERR_CONFLICT, "duplicate",
			    "数据已存在，不能重复添加");
		if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0)
			return err_set(e, ERR_CONFLICT, "conflict",
			    "数据与现有记录冲突，无法保存");
		if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		    strcmp(state, "55P03") == 0) {
			c->retryable = true;
			return db_err_busy(e);
		}
	}
	if (PQstatus(hconn(c)) != CONNECTION_OK ||
	    (state != NULL && state_lost(state))) {
		/* Inside a transaction nothing has committed: db_tx() may
		 * run it again once a connection is made (pg_commit() says
		 * otherwise for a lost COMMIT). A statement outside one is
		 * not repeated (pg_step() only repeats queries). */
		((struct pg_conn *)c)->broken = true;
		c->retryable = true;
		log_error("postgresql: connection lost (%s): %s",
		    state != NULL ? state : "-", msg != NULL && msg[0] != '\0' ?
		    msg : PQerrorMessage(hconn(c)));
		return pg_unavailable(e);
	}
	if (msg == NULL || msg[0] == '\0')
		msg = PQerrorMessage(hconn(c));
	return err_internal(e, "postgresql %s: %s in: %s",
	    state != NULL ? state : "", msg, sql != NULL ? sql : "");
}

static int
pg_prepare_named(struct pg_stmt *s, struct err *e)
{
	struct pg_conn *c = (struct pg_conn *)s->base.conn;
	PGresult *res;
	int rc = 0;

	snprintf(s->name, sizeof(s->name), "ot%u", ++c->next_name);
	res = PQprepare(c->h, s->name, s->pgsql, s->base.nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_error(&c->base, res, s->base.sql, e);
	else
		s->gen = c->gen;
	PQclear(res);
	return rc;
}

static void
pg_stmt_free(struct db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	int i;

	PQclear(s->res);
	for (i = 0; i < s->base.nparams; i++)
		free(s->params[i].heap);
	free(s->params);
	free(s->values);
	free(s->lengths);
	free(s->cols);
	free(s->pgsql);
	free(s);
}

static int
pg_stmt_new(struct db_conn *c, const char *sql, bool cached,
    struct db_stmt **out, struct err *e)
{
	struct pg_stmt *s;
	int n = 0, rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_internal(e, "postgresql: out of memory");
	s->base.conn = c;
	s->base.sql = sql;
	s->cached = cached;
	s->select = strncasecmp(sql + strspn(sql, " \t\r\n("), "SELECT", 6) == 0;
	s->pgsql = rewrite_placeholders(sql, &n);
	s->base.nparams = n;
	if (s->pgsql == NULL)
		goto oom;
	if (n > 0) {
		s->values = calloc((size_t)n, sizeof(*s->values));
		s->lengths = calloc((size_t)n, sizeof(*s->lengths));
		s->params = calloc((size_t)n, sizeof(*s->params));
		if (s->values == NULL || s->lengths == NULL || s->params == NULL)
			goto oom;
	}
	if (cached) {
		rc = pg_prepare_named(s, e);
		if (rc != 0) {
			pg_stmt_free(&s->base);
			return rc;
		}
	}
	*out = &s->base;
	return 0;
oom:
	pg_stmt_free(&s->base);
	return err_internal(e, "postgresql: out of memory");
}

static void
pg_stmt_reset(struct db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	int i;

	PQclear(s->res);
	s->res = NULL;
	s->executed = false;
	s->row = s->nrows = s->ncols = 0;
	for (i = 0; i < s->base.nparams; i++)
		s->values[i] = NULL;
}

/* Room for len bytes plus NUL for parameter idx (1-based). */
static char *
param_room(struct pg_stmt *s, int idx, size_t len)
{
	struct pg_param *p = &s->params[idx - 1];
	char *nb;
	size_t cap;

	if (len < sizeof(p->small))
		return p->small;
	if (len >= p->cap) {
		cap = p->cap ? p->cap : 64;
		while (cap <= len)
			cap *= 2;
		nb = realloc(p->heap, cap);
		if (nb == NULL)
			return NULL;
		p->heap = nb;
		p->cap = cap;
	}
	return p->heap;
}

static int
pg_bind_text(struct db_stmt *base, int idx, const char *v, size_t len)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	char *dst;

	if (len > INT32_MAX)
		return -ERR_TOO_LARGE;
	dst = param_room(s, idx, len);
	if (dst == NULL)
		return -ERR_INTERNAL;
	memcpy(dst, v, len);
	dst[len] = '\0';
	s->values[idx - 1] = dst;
	s->lengths[idx - 1] = (int)len;
	return 0;
}

static int
pg_bind_int(struct db_stmt *base, int idx, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);

	return pg_bind_text(base, idx, tmp, (size_t)n);
}

static int
pg_bind_double(struct db_stmt *base, int idx, double v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%.17g", v);

	return pg_bind_text(base, idx, tmp, (size_t)n);
}

static int
pg_bind_null(struct db_stmt *base, int idx)
{
	struct pg_stmt *s = (struct pg_stmt *)base;

	s->values[idx - 1] = NULL;
	s->lengths[idx - 1] = 0;
	return 0;
}

static enum pg_col
col_kind(Oid t)
{
	switch (t) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return PGC_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return PGC_REAL;
	case OID_NUMERIC:
		return PGC_NUMERIC;
	case OID_BOOL:
		return PGC_BOOL;
	default:
		return PGC_TEXT;
	}
}

static int
take_result(struct pg_stmt *s, struct err *e)
{
	struct db_conn *c = s->base.conn;
	PGresult *res = s->res;
	const char *tag;
	enum pg_col *cols;
	int i;

	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		break;
	default:
		return pg_error(c, res, s->base.sql, e);
	}
	s->nrows = PQntuples(res);
	s->ncols = PQnfields(res);
	if (s->ncols > s->cols_cap) {
		cols = realloc(s->cols, (size_t)s->ncols * sizeof(*cols));
		if (cols == NULL)
			return err_internal(e, "postgresql: out of memory");
		s->cols = cols;
		s->cols_cap = s->ncols;
	}
	for (i = 0; i < s->ncols; i++)
		s->cols[i] = col_kind(PQftype(res, i));
	tag = PQcmdStatus(res);
	if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
	    strncmp(tag, "DELETE", 6) == 0 || strncmp(tag, "MERGE", 5) == 0)
		c->changes = strtoll(PQcmdTuples(res), NULL, 10);
	return 0;
}

static void
execute(struct pg_stmt *s, struct err *e)
{
	struct pg_conn *c = (struct pg_conn *)s->base.conn;
	int n = s->base.nparams;

	if (s->cached) {
		if (s->gen != c->gen && pg_prepare_named(s, e) != 0) {
			s->res = NULL;
			return;
		}
		s->res = PQexecPrepared(c->h, s->name, n, s->values,
		    s->lengths, NULL, 0);
	} else
		s->res = PQexecParams(c->h, s->pgsql, n, NULL, s->values,
		    s->lengths, NULL, 0);
}

static int
pg_step(struct db_stmt *base, struct err *e)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_conn *c = (struct pg_conn *)base->conn;
	int rc;

	if (!s->executed) {
		s->executed = true;
		s->row = -1;
		execute(s, e);
		if (PQstatus(c->h) != CONNECTION_OK && c->base.tx_depth == 0 &&
		    s->select) {
			/* The server went away since the last statement: a
			 * query outside a transaction may simply run again.
			 * A write is not repeated (it may have committed);
			 * its error is retryable and the next statement or
			 * db_tx() attempt reconnects. */
			PQclear(s->res);
			s->res = NULL;
			rc = pg_reconnect(c, e);
			if (rc != 0)
				return rc;
			execute(s, e);
		}
		if (s->res == NULL) {
			if (e != NULL && e->code != ERR_NONE)
				return -(int)e->code;
			return pg_error(&c->base, NULL, base->sql, e);
		}
		rc = take_result(s, e);
		if (rc != 0) {
			PQclear(s->res);
			s->res = NULL;
			s->nrows = s->ncols = 0;
			return rc;
		}
	}
	if (s->res == NULL)
		return DB_DONE;
	if (++s->row < s->nrows)
		return DB_ROW;
	s->row = s->nrows;
	return DB_DONE;
}

static bool
row_ok(struct pg_stmt *s, int col)
{
	return s->res != NULL && s->row >= 0 && s->row < s->nrows &&
	    col >= 0 && col < s->ncols;
}

static int
pg_col_count(struct db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;

	return s->res != NULL ? s->ncols : 0;
}

static const char *
pg_col_name(struct db_stmt *base, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)base;

	if (s->res == NULL || col < 0 || col >= s->ncols)
		return "";
	return PQfname(s->res, col);
}

/* An integral NUMERIC ("42", "-7") that fits int64 reads as an integer. */
static bool
numeric_is_int(const char *v)
{
	size_t i = v[0] == '-' ? 1 : 0, digits = 0;

	for (; v[i] != '\0'; i++, digits++)
		if (!isdigit((unsigned char)v[i]))
			return false;
	return digits > 0 && digits <= 18;
}

static enum db_type
pg_col_type(struct db_stmt *base, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)base;

	if (!row_ok(s, col) || PQgetisnull(s->res, s->row, col))
		return DB_T_NULL;
	switch (s->cols[col]) {
	case PGC_INT:
	case PGC_BOOL:
		return DB_T_INT;
	case PGC_REAL:
		return DB_T_REAL;
	case PGC_NUMERIC:
		return numeric_is_int(PQgetvalue(s->res, s->row, col)) ?
		    DB_T_INT : DB_T_REAL;
	default:
		return DB_T_TEXT;
	}
}

static const char *
pg_col_text(struct db_stmt *base, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	const char *v;

	if (!row_ok(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	v = PQgetvalue(s->res, s->row, col);
	if (s->cols[col] == PGC_BOOL)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static int64_t
pg_col_int(struct db_stmt *base, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	const char *v = pg_col_text(base, col);

	if (v == NULL)
		return 0;
	if (s->cols[col] == PGC_REAL || (s->cols[col] == PGC_NUMERIC &&
	    !numeric_is_int(v)))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double
pg_col_double(struct db_stmt *base, int col)
{
	const char *v = pg_col_text(base, col);

	return v != NULL ? strtod(v, NULL) : 0.0;
}

static int
pg_simple(struct db_conn *c, const char *sql, struct err *e)
{
	PGresult *res = PQexec(hconn(c), sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_error(c, res, sql, e);
	PQclear(res);
	return rc;
}

static void pg_rollback(struct db_conn *c, struct db_conn *own);

static int
pg_begin(struct db_conn *own, struct db_conn **tx, struct err *e)
{
	*tx = own;
	return pg_simple(own, "BEGIN", e);
}

/* Ends the transaction either way: a failed COMMIT is rolled back. A
 * COMMIT whose answer was lost with the connection may have committed (on
 * the primary and, synchronous_commit being on, on the standby too) or
 * not: it is never run again, and the caller gets 503 saying the outcome
 * is unknown. A serialization failure or deadlock at COMMIT did not
 * commit: db_tx() runs the transaction again. */
static int
pg_commit(struct db_conn *c, struct db_conn *own, struct err *e)
{
	PGresult *res = PQexec(hconn(c), "COMMIT");
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_error(c, res, "COMMIT", e);
		if (((struct pg_conn *)c)->broken) {
			c->retryable = false;
			log_error("postgresql: the connection was lost during "
			    "COMMIT: the transaction may or may not have "
			    "committed");
			rc = err_set(e, ERR_BUSY, "commit_unknown",
			    "数据库正在主备切换，本次提交是否已保存无法确认，"
			    "请稍后刷新查看，确认未保存再重新提交");
		}
	} else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		/* A statement failed and the caller carried on. */
		rc = err_internal(e, "postgresql: transaction was aborted, "
		    "COMMIT rolled back");
	PQclear(res);
	if (rc != 0)
		pg_rollback(c, own);
	return rc;
}

static void
pg_rollback(struct db_conn *c, struct db_conn *own)
{
	PGresult *res;

	(void)own;
	if (PQstatus(hconn(c)) != CONNECTION_OK ||
	    PQtransactionStatus(hconn(c)) == PQTRANS_IDLE)
		return;
	res = PQexec(hconn(c), "ROLLBACK");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		log_error("postgresql: rollback failed: %s",
		    PQerrorMessage(hconn(c)));
	PQclear(res);
}

static int
pg_exec_script(struct db_conn *c, const char *sql, struct err *e)
{
	return pg_simple(c, sql, e);
}

static int
pg_tx_lock(struct db_conn *c, int64_t key, struct err *e)
{
	return db_exec(c->db, e, "SELECT pg_advisory_xact_lock(?)", "i", key);
}

static int
pg_backup_to(struct db_conn *c, const char *dest, struct err *e)
{
	(void)dest;
	return err_set(e, ERR_UNPROCESSABLE, "backup_use_pg_dump",
	    "PostgreSQL 数据库请用 pg_dump 备份：pg_dump --format=custom "
	    "--file=FILE '%s'（密码另行提供）", c->db->url_safe);
}

const struct db_ops db_pg_ops = {
	.conn_open = pg_conn_open,
	.conn_close = pg_conn_close,
	.conn_check = pg_conn_check,
	.stmt_new = pg_stmt_new,
	.stmt_free = pg_stmt_free,
	.stmt_reset = pg_stmt_reset,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.col_type = pg_col_type,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec_script = pg_exec_script,
	.tx_lock = pg_tx_lock,
	.backup_to = pg_backup_to,
};
