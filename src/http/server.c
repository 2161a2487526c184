/* server.c - libmicrohttpd glue: the request pipeline.
 *
 * One request goes through these steps:
 *   URI callback   allocate the request state in its own arena, keep the raw
 *                  target's length and decode its path;
 *   first call     request id, client address, URI/header/query limits, route
 *                  match, Content-Length against the route's max_body,
 *                  session, access rule, CSRF. Nothing is queued here (a
 *                  response queued on the first call costs the keep-alive),
 *                  except a 413/414/431 that must not read the body;
 *   upload calls   body accumulation within max_body; a request that already
 *                  failed is answered at its first body chunk;
 *   last call      JSON body, service context, handler, response;
 *   completion     access log line, arena released.
 */
#include "http/http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/utf8.h"

/* Room for the request line and headers in MHD's per-connection pool: the
 * largest request we accept plus MHD's own bookkeeping and the response
 * headers. Requests above it are refused by MHD itself (414 or 431); the
 * exact limits below it are checked here. */
#define CONN_MEMORY_LIMIT ((size_t)LIMIT_HEADER_BYTES + LIMIT_URI_BYTES + \
    12288)

#define STOP_WAIT_MS 10000
/* Body bytes read and dropped after a chunked body passed its limit. */
#define DISCARD_LIMIT ((size_t)8 << 20)

static const char JSON_TYPE[] = "application/json; charset=utf-8";
static const char CSP[] = "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'";

struct server {
	struct MHD_Daemon *daemon;
	struct http_hooks hooks;
	char *static_root;         /* resolved static_dir, or NULL */
	atomic_int inflight;       /* requests between URI callback and completion */
	atomic_bool stopping;
	unsigned port;
};

struct reqstate {
	struct http_req req;       /* req.arena owns this whole struct */
	struct http_resp resp;
	struct server *srv;
	const struct route *route;
	struct err err;            /* pending error when failed */
	struct buf body;
	struct http_identity id;
	double t0;
	size_t uri_len;
	const char *log_path;      /* sanitised raw path for the access log */
	bool started;
	bool failed;               /* err holds the answer; the body is not read */
	bool is_static;
	bool path_bad;
	bool responded;
	bool token_rejected;
	const char *allow;         /* Allow header for 405 */
	int status;
	uint64_t bytes;
	size_t discarded;
};

/* Request ids: a per-thread generator seeded from the system's randomness;
 * ids need to be unique enough to find a log line, not secret. */
static _Thread_local uint64_t rid_state;

static void
make_request_id(char out[24])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t z;

	if (rid_state == 0)
		randombytes_buf(&rid_state, sizeof(rid_state));
	/* splitmix64 */
	rid_state += 0x9e3779b97f4a7c15ULL;
	z = rid_state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	for (int i = 0; i < 16; i++)
		out[i] = hex[(z >> (60 - 4 * i)) & 0xf];
	out[16] = '\0';
}

static void
client_address(struct MHD_Connection *conn, char out[48])
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	strcpy(out, "-");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		/* By hand: inet_ntop goes through sprintf, on every request. */
		const unsigned char *b = (const unsigned char *)&((const struct
		    sockaddr_in *)(const void *)sa)->sin_addr;
		char *p = out;

		for (int i = 0; i < 4; i++) {
			if (b[i] >= 100)
				*p++ = (char)('0' + b[i] / 100);
			if (b[i] >= 10)
				*p++ = (char)('0' + b[i] / 10 % 10);
			*p++ = (char)('0' + b[i] % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
	} else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)
		    sa)->sin6_addr, out, 48);
}

/* A copy of the raw path safe to print on one log line. */
static const char *
log_safe_path(struct arena *a, const char *uri)
{
	size_t n = strcspn(uri, "?#");
	char *p;

	if (n > 200)
		n = 200;
	p = arena_strndup(a, uri, n);
	if (p == NULL)
		return "-";
	for (char *q = p; *q != '\0'; q++)
		if ((unsigned char)*q < 0x21 || *q == 0x7f || *q == '"')
			*q = '?';
	return p;
}

/* MHD_OPTION_URI_LOG_CALLBACK: runs once per request, before the headers;
 * its result becomes the request's context. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *srv = cls;
	struct reqstate *st;
	struct arena a;
	char *path;

	(void)conn;
	arena_init(&a, 0);
	st = arena_alloc(&a, sizeof(*st));
	if (st == NULL) {
		arena_release(&a);
		return NULL;
	}
	st->req.arena = a;
	st->srv = srv;
	st->t0 = clock_mono_ms();
	st->resp.fd = -1;
	st->uri_len = strlen(uri);
	st->log_path = log_safe_path(&st->req.arena, uri);
	buf_init(&st->body, LIMIT_JSON_BODY);
	if (http_decode_path(&st->req.arena, uri, &path, NULL) != 0) {
		st->path_bad = true;
		st->req.path = st->log_path;
	} else
		st->req.path = path;
	atomic_fetch_add(&srv->inflight, 1);
	return st;
}

static void
fail(struct reqstate *st, enum err_code code, const char *key,
    const char *msg)
{
	err_set(&st->err, code, key, "%s", msg);
	st->failed = true;
}

struct header_tally {
	size_t bytes;
	unsigned count;
};

static enum MHD_Result
tally_header(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct header_tally *t = cls;

	(void)kind;
	(void)key;
	(void)value;
	t->bytes += key_size + value_size + 4;
	t->count++;
	return MHD_YES;
}

struct query_check {
	unsigned count;
	bool bad;
};

static enum MHD_Result
check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct query_check *q = cls;

	(void)kind;
	q->count++;
	if (memchr(key, '\0', key_size) != NULL || !utf8_valid(key, key_size))
		q->bad = true;
	if (value != NULL && (memchr(value, '\0', value_size) != NULL ||
	    !utf8_valid(value, value_size)))
		q->bad = true;
	return MHD_YES;
}

/* True when the request announces a body (a length above zero or chunks). */
static bool
has_body(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return true;
	return cl != NULL && strspn(cl, "0 ") != strlen(cl);
}

static bool
is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    strcmp(m, "OPTIONS") == 0;
}

/* Token from "Authorization: Bearer", else from the session cookie. */
static const char *
session_token(struct reqstate *st, bool *via_cookie)
{
	const char *h = http_header(&st->req, "Authorization");

	*via_cookie = false;
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return *h != '\0' ? h : NULL;
	}
	h = http_cookie(&st->req, st->srv->hooks.session_cookie);
	if (h != NULL && *h != '\0') {
		*via_cookie = true;
		return h;
	}
	return NULL;
}

bool
http_ready(const struct http_req *r)
{
	return r->hooks != NULL && r->hooks->ready != NULL &&
	    r->hooks->ready(r->hooks->cls);
}

/* 413 naming the route's own limit, so that an applicant uploading a 30 MB
 * scan learns that the ceiling is 20 MB. */
static void
fail_too_large(struct reqstate *st)
{
	size_t max = st->route->max_body != 0 ? st->route->max_body :
	    LIMIT_JSON_BODY;

	if (max >= ((size_t)1 << 20))
		err_set(&st->err, ERR_TOO_LARGE, NULL,
		    "请求内容过大，上限为 %zu MB", max >> 20);
	else
		err_set(&st->err, ERR_TOO_LARGE, NULL,
		    "请求内容过大，上限为 %zu KB", max >> 10);
	st->failed = true;
}

/* Session, access rule and CSRF for a matched route. */
static void
authorise(struct reqstate *st)
{
	struct http_req *r = &st->req;
	unsigned access = st->route->access, mask;
	const char *token, *csrf;
	bool via_cookie;
	struct err e;
	int rc;

	token = session_token(st, &via_cookie);
	if (token != NULL) {
		err_clear(&e);
		rc = st->srv->hooks.resolve(st->srv->hooks.cls, r->ctx, token,
		    &st->id, &e);
		if (rc == 0 && st->id.authenticated) {
			r->via_cookie = via_cookie;
			memcpy(r->session_hash, st->id.token_hash,
			    sizeof(r->session_hash));
			r->session_hash[sizeof(r->session_hash) - 1] = '\0';
		} else if (rc == -ERR_UNAUTHENTICATED) {
			/* Unknown or expired: anonymous on public routes. */
			st->token_rejected = true;
		} else {
			st->err = e;
			st->failed = true;
			return;
		}
	}
	if (access != ACCESS_PUBLIC) {
		if (!st->id.authenticated) {
			if (st->token_rejected)
				fail(st, ERR_UNAUTHENTICATED, "session_expired",
				    "登录已失效，请重新登录");
			else
				fail(st, ERR_UNAUTHENTICATED, NULL, "请先登录");
			return;
		}
		mask = access & ~ACCESS_LOGIN;
		if (mask != 0 && (st->id.roles & mask) == 0) {
			fail(st, ERR_FORBIDDEN, NULL, "无权执行此操作");
			return;
		}
	}
	if (r->via_cookie && !is_safe_method(r->method)) {
		csrf = http_header(r, st->srv->hooks.csrf_header);
		if (csrf == NULL || st->id.csrf[0] == '\0' ||
		    strlen(csrf) != strlen(st->id.csrf) ||
		    sodium_memcmp(csrf, st->id.csrf, strlen(csrf)) != 0) {
			/* On a public write (login, register) a leftover cookie
			 * must not get in the way: the request simply runs as
			 * anonymous, so the cookie lends it no authority. */
			if (access == ACCESS_PUBLIC) {
				st->srv->hooks.anonymous(st->srv->hooks.cls,
				    r->ctx);
				memset(&st->id, 0, sizeof(st->id));
				r->via_cookie = false;
				r->session_hash[0] = '\0';
				return;
			}
			fail(st, ERR_FORBIDDEN, "csrf_failed",
			    "安全校验失败，请刷新页面后重试");
		}
	}
}

/* Everything that can be decided from the request line and headers.
 * Returns true when the answer must go out now, without reading a body. */
static bool
begin(struct reqstate *st, struct MHD_Connection *conn, const char *method)
{
	struct http_req *r = &st->req;
	struct server *srv = st->srv;
	struct header_tally ht = { 0, 0 };
	struct query_check qc = { 0, false };
	struct route_match m;
	enum route_result rr;
	const char *cl;
	size_t max_body;
	unsigned long long clen;
	char *end;

	r->conn = conn;
	r->hooks = &srv->hooks;
	r->method = method;
	make_request_id(r->request_id);
	client_address(conn, r->client_ip);
	r->ctx = srv->hooks.ctx_new(srv->hooks.cls, r);

	if (st->uri_len > LIMIT_URI_BYTES) {
		fail(st, ERR_URI_TOO_LONG, NULL, "请求地址过长");
		return true;
	}
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, tally_header, &ht);
	if (ht.bytes > LIMIT_HEADER_BYTES || ht.count > LIMIT_HEADER_COUNT) {
		fail(st, ERR_HEADERS_TOO_LARGE, NULL, "请求头过大");
		return true;
	}
	if (st->path_bad) {
		fail(st, ERR_INVALID, "bad_utf8", "请求地址包含无效的字符编码");
		return false;
	}
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND,
	    check_query_arg, &qc);
	if (qc.bad) {
		fail(st, ERR_INVALID, "bad_utf8", "查询参数包含无效的字符编码");
		return false;
	}
	if (qc.count > LIMIT_QUERY_ARGS) {
		fail(st, ERR_INVALID, "too_many_query_args", "查询参数过多");
		return false;
	}

	rr = router_match(api_route_tables, method, r->path, &r->arena, &m);
	if (rr == ROUTE_FOUND) {
		st->route = m.route;
		for (int i = 0; i < m.nparams; i++) {
			r->param_names[i] = m.names[i];
			r->param_values[i] = m.values[i];
		}
		r->nparams = m.nparams;
	} else if (rr == ROUTE_NO_METHOD) {
		st->allow = arena_strdup(&r->arena, m.allow);
		fail(st, ERR_METHOD, NULL, "不支持该请求方法");
		return false;
	} else if (srv->static_root != NULL &&
	    (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) &&
	    strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/api") != 0) {
		st->is_static = true;
		return false;
	} else {
		fail(st, ERR_NOT_FOUND, NULL, "请求的资源不存在");
		return false;
	}

	max_body = st->route->max_body != 0 ? st->route->max_body :
	    LIMIT_JSON_BODY;
	buf_init(&st->body, max_body);
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		clen = strtoull(cl, &end, 10);
		if (errno == 0 && end != cl && clen > max_body) {
			fail_too_large(st);
			return true;
		}
	}
	authorise(st);
	return false;
}

static bool
is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	if (ct == NULL)
		return false;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, "application/json", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void
serve_static(struct reqstate *st)
{
	struct static_file f;
	int rc;

	rc = static_open(st->srv->static_root, st->req.path, &f);
	if (rc == -ERR_INVALID) {
		fail(st, ERR_NOT_FOUND, NULL, "请求的资源不存在");
		return;
	}
	if (rc != 0) {
		fail(st, ERR_NOT_FOUND, NULL, "请求的资源不存在");
		return;
	}
	st->resp.status = 200;
	st->resp.fd = f.fd;
	st->resp.fd_size = f.size;
	st->resp.content_type = f.content_type;
	if (f.cache_control != NULL)
		http_add_header(&st->req, &st->resp, "Cache-Control",
		    f.cache_control);
}

/* The last call: body complete. */
static void
run(struct reqstate *st)
{
	struct http_req *r = &st->req;
	const char *ct;
	int rc;

	if (st->is_static) {
		serve_static(st);
		return;
	}
	r->body = st->body.data;
	r->body_len = st->body.len;
	ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	/* Routes with a body limit up to LIMIT_JSON_BODY take JSON whatever
	 * the Content-Type says; larger ones (uploads) take raw bytes unless
	 * the client says JSON. */
	if (r->body_len > 0 && (is_json_type(ct) ||
	    st->route->max_body <= LIMIT_JSON_BODY)) {
		rc = http_json_parse(r->body, r->body_len, &r->json, &st->err);
		if (rc != 0) {
			st->failed = true;
			return;
		}
	}
	st->route->handler(r, &st->resp);
	if (st->resp.status == 0) {
		err_internal(&st->err, "handler for %s %s set no status",
		    st->route->method, st->route->pattern);
		st->failed = true;
	}
}

static void
add_header(struct MHD_Response *resp, const char *name, const char *value)
{
	if (MHD_add_response_header(resp, name, value) != MHD_YES)
		log_warn("http: cannot add response header %s", name);
}

static int
dump_to_buf(const char *data, size_t size, void *arg)
{
	return buf_append(arg, data, size) == 0 ? 0 : -1;
}

static enum MHD_Result
respond(struct reqstate *st, struct MHD_Connection *conn)
{
	struct http_resp *w = &st->resp;
	struct MHD_Response *resp = NULL;
	const char *ctype = NULL;
	bool has_cache = false;
	enum MHD_Result ret;
	struct buf out;
	size_t len = 0;
	char *text;

	st->responded = true;
	if (st->failed) {
		/* Drop whatever the handler may have started. */
		if (w->fd >= 0) {
			close(w->fd);
			w->fd = -1;
		}
		w->nheaders = 0;
		http_error(w, &st->err);
		if (st->allow != NULL)
			http_add_header(&st->req, w, "Allow", st->allow);
	}
	if (w->fd >= 0) {
		resp = MHD_create_response_from_fd((size_t)w->fd_size, w->fd);
		if (resp == NULL)
			close(w->fd);
		w->fd = -1;
		len = (size_t)w->fd_size;
		ctype = w->content_type;
	} else if (w->json != NULL) {
		/* One pass over the value (json_dumpb would need two: one
		 * to size the buffer, one to fill it). */
		buf_init(&out, 0);
		if (json_dump_callback(w->json, dump_to_buf, &out,
		    JSON_COMPACT) == 0 && out.len > 0) {
			len = out.len;
			text = buf_detach(&out, NULL);
			resp = MHD_create_response_from_buffer(len, text,
			    MHD_RESPMEM_MUST_FREE);
			if (resp == NULL)
				free(text);
		}
		buf_release(&out);
		json_decref(w->json);
		w->json = NULL;
		ctype = JSON_TYPE;
	} else if (w->body != NULL) {
		len = w->body_len;
		resp = MHD_create_response_from_buffer(len, w->body,
		    w->body_owned ? MHD_RESPMEM_MUST_FREE :
		    MHD_RESPMEM_PERSISTENT);
		if (resp == NULL && w->body_owned)
			free(w->body);
		w->body = NULL;
		ctype = w->content_type;
	} else
		resp = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		log_error("http: cannot create a response (%s)",
		    st->req.request_id);
		st->status = 500;
		return MHD_NO;
	}
	if (ctype != NULL)
		add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	for (int i = 0; i < w->nheaders; i++) {
		add_header(resp, w->headers[i].name, w->headers[i].value);
		if (strcasecmp(w->headers[i].name, "Cache-Control") == 0)
			has_cache = true;
	}
	if (!has_cache && !st->is_static)
		add_header(resp, "Cache-Control", "no-store");
	add_header(resp, "X-Request-Id", st->req.request_id);
	add_header(resp, "X-Content-Type-Options", "nosniff");
	add_header(resp, "X-Frame-Options", "DENY");
	add_header(resp, "Referrer-Policy", "same-origin");
	if (ctype != NULL && strncmp(ctype, "text/html", 9) == 0)
		add_header(resp, "Content-Security-Policy", CSP);
	if (atomic_load(&st->srv->stopping))
		add_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	st->status = w->status != 0 ? w->status : 200;
	st->bytes = len;
	ret = MHD_queue_response(conn, (unsigned)st->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct reqstate *st = *req_cls;

	(void)cls;
	(void)url;
	(void)version;
	if (st == NULL)
		return MHD_NO;
	if (!st->started) {
		st->started = true;
		/* libmicrohttpd 0.9.75 cannot queue a response while a body is
		 * arriving, so a request refused before its body is answered
		 * now (the connection then closes); one without a body is
		 * answered on the next call, which keeps the connection. */
		if (begin(st, conn, method) ||
		    (st->failed && has_body(conn)))
			return respond(st, conn);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!st->failed && buf_append(&st->body, upload_data,
		    *upload_data_size) != 0)
			fail_too_large(st);
		if (st->failed) {
			/* Read and drop the rest, within reason: a client
			 * streaming without end is cut off. */
			st->discarded += *upload_data_size;
			if (st->discarded > DISCARD_LIMIT)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (st->responded)
		return MHD_YES;
	if (!st->failed)
		run(st);
	return respond(st, conn);
}

/* MHD_OPTION_NOTIFY_COMPLETED: the response has been sent (or the
 * connection died). */
static void
on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct reqstate *st = *req_cls;
	struct arena a;
	long long tenths;

	(void)conn;
	if (st == NULL)
		return;
	*req_cls = NULL;
	/* Duration in tenths of a millisecond, formatted as integers: one
	 * line per request, so floating-point formatting would show up. */
	tenths = (long long)((clock_mono_ms() - st->t0) * 10.0);
	log_info("http %s %s %d %llu %lld.%lldms rid=%s ip=%s uid=%lld%s",
	    st->req.method != NULL ? st->req.method : "-", st->log_path,
	    st->status, (unsigned long long)st->bytes, tenths / 10, tenths % 10,
	    st->req.request_id[0] != '\0' ? st->req.request_id : "-",
	    st->req.client_ip[0] != '\0' ? st->req.client_ip : "-",
	    (long long)st->id.user_id,
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	if (st->req.json != NULL)
		json_decref(st->req.json);
	if (st->resp.json != NULL)
		json_decref(st->resp.json);
	if (st->resp.body != NULL && st->resp.body_owned)
		free(st->resp.body);
	if (st->resp.fd >= 0)
		close(st->resp.fd);
	buf_release(&st->body);
	a = st->req.arena;
	arena_release(&a);
	atomic_fetch_sub(&srv->inflight, 1);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_warn("libmicrohttpd: %s", line);
}

/* "HOST:PORT" or "[IPv6]:PORT" into a socket address. */
static int
parse_listen(const char *listen, struct sockaddr_storage *ss,
    socklen_t *sslen, struct err *e)
{
	char host[256], port[16];
	const char *colon, *h = listen, *hend;
	struct addrinfo hints, *res = NULL;
	int rc;

	if (listen == NULL || *listen == '\0')
		goto bad;
	if (*listen == '[') {
		h = listen + 1;
		hend = strchr(h, ']');
		if (hend == NULL || hend[1] != ':')
			goto bad;
		colon = hend + 1;
	} else {
		colon = strrchr(listen, ':');
		if (colon == NULL)
			goto bad;
		hend = colon;
	}
	if ((size_t)(hend - h) >= sizeof(host) || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= sizeof(port) ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) > 65535)
		goto bad;
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';
	strcpy(port, colon + 1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] != '\0' && strcmp(host, "*") != 0 ? host :
	    NULL, port, &hints, &res);
	if (rc != 0 || res == NULL || res->ai_addrlen > sizeof(*ss)) {
		if (res != NULL)
			freeaddrinfo(res);
		return err_set(e, ERR_INVALID, "bad_listen",
		    "无法解析监听地址 \"%s\"", listen);
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
bad:
	return err_set(e, ERR_INVALID, "bad_listen",
	    "监听地址应为 主机:端口，例如 127.0.0.1:8080");
}

int
server_start(struct server **out, const struct http_hooks *hooks,
    const struct server_opts *o, struct err *e)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct server *srv;
	const union MHD_DaemonInfo *di;
	unsigned threads = o->threads > 0 ? o->threads : 1;
	unsigned flags;
	char resolved[PATH_MAX];
	int rc;

	*out = NULL;
	rc = parse_listen(o->listen, &ss, &sslen, e);
	if (rc != 0)
		return rc;
	if (sodium_init() < 0)
		return err_internal(e, "sodium_init failed");
	/* jansson's hash seed must be set before threads use it. */
	json_object_seed(0);
	/* Peers that close early must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return err_internal(e, "out of memory");
	srv->hooks = *hooks;
	atomic_init(&srv->inflight, 0);
	atomic_init(&srv->stopping, false);
	if (o->static_dir != NULL && *o->static_dir != '\0') {
		if (realpath(o->static_dir, resolved) == NULL) {
			log_warn("static directory %s: %s; serving the API only",
			    o->static_dir, strerror(errno));
		} else {
			srv->static_root = strdup(resolved);
			if (srv->static_root == NULL) {
				free(srv);
				return err_internal(e, "out of memory");
			}
		}
	}
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG;
	flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ?
	    MHD_USE_EPOLL : MHD_USE_POLL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL,
	    on_request, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, /* must come first */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)LIMIT_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)LIMIT_CONN_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY_LIMIT,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		free(srv->static_root);
		free(srv);
		return err_set(e, ERR_INTERNAL, "listen_failed",
		    "无法在 %s 上启动服务（端口被占用或地址无效）", o->listen);
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di != NULL ? di->port : 0;
	*out = srv;
	return 0;
}

void
server_stop(struct server *s)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	MHD_socket fd;
	int waited = 0;

	if (s == NULL)
		return;
	atomic_store(&s->stopping, true);
	fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	while (atomic_load(&s->inflight) > 0 && waited < STOP_WAIT_MS) {
		nanosleep(&ts, NULL);
		waited += 10;
	}
	if (atomic_load(&s->inflight) > 0)
		log_warn("http: stopping with %d requests still running",
		    atomic_load(&s->inflight));
	MHD_stop_daemon(s->daemon);
	free(s->static_root);
	free(s);
}

unsigned
server_port(const struct server *s)
{
	return s != NULL ? s->port : 0;
}
