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
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/jsonw.h"
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

/* Retry-After of every 503 (busy, shutting down, the database switching
 * to its standby) that does not set its own: seconds. */
#define RETRY_AFTER_S "3"

static const char JSON_TYPE[] = "application/json; charset=utf-8";
static const char CSP[] = "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'";

/* A body below this many bytes per second on average, after the grace
 * below, is cut off (slow-body attacks); and the reaper's period. */
#define BODY_RATE_GRACE_MS 10000
#define REAPER_PERIOD_MS 500

/* One connection as the reaper sees it (socket context). */
enum conn_phase { PHASE_HEAD, PHASE_BODY, PHASE_BUSY };
struct conntrack {
	struct conntrack *prev, *next;
	int fd;
	atomic_int phase;
	atomic_llong since_ms;     /* head or body started */
	atomic_ullong body_bytes;
	bool cut;
};

struct server {
	struct MHD_Daemon *daemon;
	struct http_hooks hooks;
	char *static_root;         /* resolved static_dir, or NULL */
	atomic_int inflight;       /* requests between URI callback and completion */
	atomic_bool stopping;
	unsigned port;
	struct server_opts opts;
	char *tmp_dir;
	char public_origin[256];   /* "https://host:port", or "" */
	char csp[320];             /* Content-Security-Policy of pages */
	bool https;
	atomic_size_t body_mem;    /* body bytes held in memory, all requests */
	atomic_ullong cut_head;    /* connections cut by the head deadline */
	atomic_ullong cut_body;    /* ... by the body rate */
	pthread_mutex_t ct_lock;
	struct conntrack *conns;
	pthread_t reaper;
	bool reaper_on;
	atomic_bool reaper_quit;
};

struct reqstate {
	struct http_req req;       /* req.arena owns this whole struct */
	struct http_resp resp;
	struct server *srv;
	const struct route *route;
	struct err err;            /* pending error when failed */
	struct buf body;
	size_t body_mem;           /* counted in srv->body_mem */
	int spool_fd;              /* body in a temporary file, or -1 */
	size_t spooled;
	void *spool_map;           /* the spooled body mapped for the handler */
	size_t spool_map_len;
	struct conntrack *ct;
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
	st->spool_fd = -1;
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

/* A write that a browser may send on a user's behalf (cookie or none,
 * login included) must come from our own pages: Sec-Fetch-Site, when
 * sent, is same-origin or none; Origin, when sent, is the public URL's
 * origin or the scheme and Host of this very request. Clients that send
 * neither (curl, scripts with a Bearer token) are not browsers. */
static bool
same_origin(struct reqstate *st)
{
	const char *sfs = http_header(&st->req, "Sec-Fetch-Site");
	const char *origin = http_header(&st->req, "Origin");
	const char *host, *rest;
	size_t n;

	if (sfs != NULL && strcmp(sfs, "same-origin") != 0 &&
	    strcmp(sfs, "none") != 0)
		return false;
	if (origin == NULL)
		return true;
	if (st->srv->public_origin[0] != '\0' &&
	    strcasecmp(origin, st->srv->public_origin) == 0)
		return true;
	host = http_header(&st->req, "Host");
	if (host == NULL)
		return false;
	if (strncasecmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else if (strncasecmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else
		return false;
	n = strlen(host);
	return strlen(rest) == n && strncasecmp(rest, host, n) == 0;
}

/* True for a route of api_standby_routes. */
static bool
route_standby(const struct route *rt)
{
	size_t n = strlen(rt->method);

	for (int i = 0; api_standby_routes[i] != NULL; i++) {
		const char *s = api_standby_routes[i];

		if (strncmp(s, rt->method, n) == 0 && s[n] == ' ' &&
		    strcmp(s + n + 1, rt->pattern) == 0)
			return true;
	}
	return false;
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
	if (!is_safe_method(r->method) && (token == NULL || via_cookie) &&
	    !same_origin(st)) {
		fail(st, ERR_FORBIDDEN, "cross_origin",
		    "跨站请求被拒绝，请从本站页面操作");
		return;
	}
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
		} else if (rc == -ERR_BUSY && access == ACCESS_PUBLIC &&
		    is_safe_method(r->method) && route_standby(st->route)) {
			/* The primary is away (a failover) and the session
			 * cannot be read: the guide, answered by the standby,
			 * is the same for everyone. */
			st->srv->hooks.anonymous(st->srv->hooks.cls, r->ctx);
			memset(&st->id, 0, sizeof(st->id));
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
	{
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

		st->ct = ci != NULL ? ci->socket_context : NULL;
		if (st->ct != NULL) {
			atomic_store(&st->ct->body_bytes, 0);
			atomic_store(&st->ct->since_ms,
			    (long long)clock_mono_ms());
			atomic_store(&st->ct->phase, has_body(conn) ?
			    PHASE_BODY : PHASE_BUSY);
		}
	}

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

/* Request bodies. A body up to opts.spool_bytes stays in memory, counted
 * against opts.body_memory for all requests together (503 past it); a
 * larger one goes to an unlinked temporary file, so unfinished uploads
 * cost disk, not memory, and is mapped for the handler when complete. */
static int
spool_open(struct server *srv)
{
	char path[PATH_MAX];
	int fd;

	fd = open(srv->tmp_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (snprintf(path, sizeof(path), "%s/body-XXXXXX", srv->tmp_dir) >=
	    (int)sizeof(path))
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
body_unaccount(struct reqstate *st)
{
	if (st->body_mem > 0) {
		atomic_fetch_sub(&st->srv->body_mem, st->body_mem);
		st->body_mem = 0;
	}
}

static void
body_take(struct reqstate *st, const char *data, size_t n)
{
	struct server *srv = st->srv;
	size_t max = st->route != NULL && st->route->max_body != 0 ?
	    st->route->max_body : LIMIT_JSON_BODY;

	if (st->body.len + st->spooled + n > max) {
		fail_too_large(st);
		return;
	}
	if (st->spool_fd < 0 && st->body.len + n > srv->opts.spool_bytes) {
		st->spool_fd = spool_open(srv);
		if (st->spool_fd < 0 || write_all(st->spool_fd, st->body.data !=
		    NULL ? st->body.data : "", st->body.len) != 0) {
			log_error("http: cannot spool a request body to %s: %s",
			    srv->tmp_dir, strerror(errno));
			fail(st, ERR_BUSY, "busy", "服务器繁忙，请稍后重试");
			return;
		}
		st->spooled = st->body.len;
		http_metrics_count(HTTP_BODY_SPOOLED, 1);
		buf_release(&st->body);
		buf_init(&st->body, max);
		body_unaccount(st);
	}
	if (st->spool_fd >= 0) {
		if (write_all(st->spool_fd, data, n) != 0) {
			log_error("http: cannot spool a request body: %s",
			    strerror(errno));
			fail(st, ERR_BUSY, "busy", "服务器繁忙，请稍后重试");
			return;
		}
		st->spooled += n;
		return;
	}
	if (atomic_fetch_add(&srv->body_mem, n) + n > srv->opts.body_memory) {
		atomic_fetch_sub(&srv->body_mem, n);
		http_metrics_count(HTTP_BODY_BUDGET, 1);
		fail(st, ERR_BUSY, "busy", "服务器繁忙，请稍后重试");
		return;
	}
	st->body_mem += n;
	if (buf_append(&st->body, data, n) != 0)
		fail_too_large(st);
}

/* Maps a complete spooled body, NUL-terminated as r->body promises. */
static int
map_spool(struct reqstate *st)
{
	void *m;

	if (write_all(st->spool_fd, "", 1) != 0)
		goto bad;
	m = mmap(NULL, st->spooled + 1, PROT_READ, MAP_PRIVATE, st->spool_fd,
	    0);
	if (m == MAP_FAILED)
		goto bad;
	st->spool_map = m;
	st->spool_map_len = st->spooled + 1;
	st->req.body = m;
	st->req.body_len = st->spooled;
	return 0;
bad:
	log_error("http: cannot read a spooled body: %s", strerror(errno));
	fail(st, ERR_BUSY, "busy", "服务器繁忙，请稍后重试");
	return -1;
}

static void
body_drop(struct reqstate *st)
{
	if (st->spool_map != NULL)
		munmap(st->spool_map, st->spool_map_len);
	st->spool_map = NULL;
	if (st->spool_fd >= 0)
		close(st->spool_fd);
	st->spool_fd = -1;
	body_unaccount(st);
	buf_release(&st->body);
}

/* Connections: MHD_OPTION_NOTIFY_CONNECTION keeps a list that the reaper
 * walks. MHD's own timeout is an idle timeout, which a client trickling a
 * byte at a time never meets; the reaper enforces an absolute deadline on
 * each request head and a minimum average rate on each body by shutting
 * the socket down, which MHD then sees as the peer closing. The entry is
 * unlinked (under the lock) before MHD closes the descriptor, so the
 * reaper never touches a reused one. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;
	struct conntrack *ct = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		ct = calloc(1, sizeof(*ct));
		if (ct == NULL || ci == NULL) {
			free(ct);
			*socket_context = NULL;
			return;
		}
		ct->fd = ci->connect_fd;
		atomic_init(&ct->phase, PHASE_HEAD);
		atomic_init(&ct->since_ms, (long long)clock_mono_ms());
		atomic_init(&ct->body_bytes, 0);
		pthread_mutex_lock(&srv->ct_lock);
		ct->next = srv->conns;
		if (srv->conns != NULL)
			srv->conns->prev = ct;
		srv->conns = ct;
		pthread_mutex_unlock(&srv->ct_lock);
		*socket_context = ct;
		return;
	}
	if (ct == NULL)
		return;
	pthread_mutex_lock(&srv->ct_lock);
	if (ct->prev != NULL)
		ct->prev->next = ct->next;
	else
		srv->conns = ct->next;
	if (ct->next != NULL)
		ct->next->prev = ct->prev;
	pthread_mutex_unlock(&srv->ct_lock);
	free(ct);
	*socket_context = NULL;
}

static void *
reaper_main(void *arg)
{
	struct server *srv = arg;
	struct timespec ts = { 0, REAPER_PERIOD_MS * 1000000L };
	long long head_ms = (long long)srv->opts.header_deadline_s * 1000;
	unsigned long long rate = srv->opts.body_min_rate;

	while (!atomic_load(&srv->reaper_quit)) {
		long long now = (long long)clock_mono_ms(), age;

		pthread_mutex_lock(&srv->ct_lock);
		for (struct conntrack *c = srv->conns; c != NULL; c = c->next) {
			if (c->cut)
				continue;
			age = now - atomic_load(&c->since_ms);
			switch (atomic_load(&c->phase)) {
			case PHASE_HEAD:
				if (head_ms > 0 && age > head_ms) {
					c->cut = true;
					atomic_fetch_add(&srv->cut_head, 1);
					http_metrics_count(HTTP_CUT_HEAD, 1);
				}
				break;
			case PHASE_BODY:
				if (rate > 0 && age > BODY_RATE_GRACE_MS &&
				    atomic_load(&c->body_bytes) <
				    rate * (unsigned long long)age / 1000) {
					c->cut = true;
					atomic_fetch_add(&srv->cut_body, 1);
					http_metrics_count(HTTP_CUT_BODY, 1);
				}
				break;
			default:
				break;
			}
			if (c->cut)
				shutdown(c->fd, SHUT_RDWR);
		}
		pthread_mutex_unlock(&srv->ct_lock);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

void
server_set_public_url(struct server *s, const char *url)
{
	const char *p;
	size_t n;

	s->public_origin[0] = '\0';
	s->https = false;
	if (url == NULL)
		return;
	s->https = strncasecmp(url, "https://", 8) == 0;
	p = strstr(url, "://");
	if (p == NULL)
		return;
	n = (size_t)(p + 3 - url) + strcspn(p + 3, "/?#");
	if (n < sizeof(s->public_origin)) {
		memcpy(s->public_origin, url, n);
		s->public_origin[n] = '\0';
	}
}

int
server_set_device_url(struct server *s, const char *url)
{
	const char *port;
	size_t n;

	if (url == NULL || url[0] == '\0') {
		snprintf(s->csp, sizeof(s->csp), "%s", CSP);
		return 0;
	}
	/* Only a service on the clerk's own machine: the policy opens no
	 * other host to the pages. */
	if (strncmp(url, "http://127.0.0.1:", 17) == 0)
		port = url + 17;
	else if (strncmp(url, "http://localhost:", 17) == 0)
		port = url + 17;
	else
		return -1;
	n = strspn(port, "0123456789");
	if (n == 0 || n > 5 || (port[n] != '\0' && strcmp(port + n, "/") != 0))
		return -1;
	snprintf(s->csp, sizeof(s->csp), "%s; connect-src 'self' %.*s", CSP,
	    (int)(port + n - url), url);
	return 0;
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
	if (st->spool_fd >= 0) {
		if (map_spool(st) != 0)
			return;
	} else {
		r->body = st->body.data;
		r->body_len = st->body.len;
	}
	ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	/* A JSON route takes only JSON: a form or text/plain body is what a
	 * cross-site form sends. */
	if (r->body_len > 0 && st->route->max_body <= LIMIT_JSON_BODY &&
	    !is_json_type(ct)) {
		fail(st, ERR_UNSUPPORTED_TYPE, "json_required",
		    "请求内容须为 JSON（Content-Type: application/json）");
		return;
	}
	/* Routes with a body limit up to LIMIT_JSON_BODY take JSON whatever
	 * the Content-Type says; larger ones (uploads) take raw bytes unless
	 * the client says JSON. */
	if (r->body_len > 0 && is_json_type(ct)) {
		rc = http_json_parse(r->body, r->body_len, &r->json, &st->err);
		if (rc != 0) {
			st->failed = true;
			return;
		}
	}
	if (st->srv->hooks.use_standby != NULL && route_standby(st->route))
		st->srv->hooks.use_standby(st->srv->hooks.cls, r->ctx);
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

static enum MHD_Result
respond(struct reqstate *st, struct MHD_Connection *conn)
{
	struct http_resp *w = &st->resp;
	struct MHD_Response *resp = NULL;
	const char *ctype = NULL;
	bool has_cache = false, has_retry = false;
	enum MHD_Result ret;
	struct buf out;
	size_t len = 0, zlen = 0;
	char *text;
	void *z;
	const char *encoding = NULL;
	enum http_encoding enc = http_pick_encoding(http_header(&st->req,
	    "Accept-Encoding"));
	bool vary = false;

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
	if (w->fd >= 0 && http_compressible(w->content_type)) {
		vary = true;
		z = enc != ENC_IDENTITY ? http_static_compressed(st->req.path,
		    w->fd, w->fd_size, enc, &zlen) : NULL;
		if (z != NULL) {
			close(w->fd);
			w->fd = -1;
			resp = MHD_create_response_from_buffer(zlen, z,
			    MHD_RESPMEM_MUST_FREE);
			if (resp == NULL)
				free(z);
			len = zlen;
			ctype = w->content_type;
			encoding = enc == ENC_BR ? "br" : "gzip";
		}
	}
	if (encoding != NULL) {
		/* the compressed static file above */
	} else if (w->fd >= 0) {
		resp = MHD_create_response_from_fd((size_t)w->fd_size, w->fd);
		if (resp == NULL)
			close(w->fd);
		w->fd = -1;
		len = (size_t)w->fd_size;
		ctype = w->content_type;
	} else if (w->json != NULL) {
		/* jansson's compact text, written in one pass without a
		 * callback per token; like json_dumps, only an object or an
		 * array is an answer. */
		buf_init(&out, 0);
		if ((json_is_object(w->json) || json_is_array(w->json)) &&
		    jsonw_value(&out, w->json) == 0 && out.len > 0) {
			len = out.len;
			text = buf_detach(&out, NULL);
			vary = true;
			z = enc != ENC_IDENTITY ? http_compress(enc, text, len,
			    false, &zlen) : NULL;
			if (z != NULL) {
				free(text);
				text = z;
				len = zlen;
				encoding = enc == ENC_BR ? "br" : "gzip";
			}
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
	if (encoding != NULL)
		add_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, encoding);
	if (vary)
		add_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	for (int i = 0; i < w->nheaders; i++) {
		add_header(resp, w->headers[i].name, w->headers[i].value);
		if (strcasecmp(w->headers[i].name, "Cache-Control") == 0)
			has_cache = true;
		if (strcasecmp(w->headers[i].name, "Retry-After") == 0)
			has_retry = true;
	}
	if (!has_cache && !st->is_static)
		add_header(resp, "Cache-Control", "no-store");
	if (w->status == 503 && !has_retry)
		add_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, RETRY_AFTER_S);
	add_header(resp, "X-Request-Id", st->req.request_id);
	add_header(resp, "X-Content-Type-Options", "nosniff");
	add_header(resp, "X-Frame-Options", "DENY");
	add_header(resp, "Referrer-Policy", "same-origin");
	if (ctype != NULL && strncmp(ctype, "text/html", 9) == 0)
		add_header(resp, "Content-Security-Policy", st->srv->csp);
	if (st->srv->https)
		add_header(resp, "Strict-Transport-Security",
		    "max-age=31536000; includeSubDomains");
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
		if (st->ct != NULL)
			atomic_fetch_add(&st->ct->body_bytes,
			    (unsigned long long)*upload_data_size);
		if (!st->failed)
			body_take(st, upload_data, *upload_data_size);
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
	if (st->ct != NULL)
		atomic_store(&st->ct->phase, PHASE_BUSY);
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
	if (st->req.method != NULL)
		http_metrics_record(st->req.method, st->route != NULL ?
		    st->route->pattern : st->is_static ? "(static)" :
		    "(unmatched)", st->status, (double)tenths / 10000.0);
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
	body_drop(st);
	if (st->ct != NULL) {
		/* The next request on this connection starts its head now. */
		atomic_store(&st->ct->since_ms, (long long)clock_mono_ms());
		atomic_store(&st->ct->phase, PHASE_HEAD);
	}
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
	server_set_device_url(srv, NULL);
	srv->opts = *o;
	if (srv->opts.spool_bytes == 0)
		srv->opts.spool_bytes = (size_t)64 << 10;
	if (srv->opts.body_memory == 0)
		srv->opts.body_memory = (size_t)64 << 20;
	srv->tmp_dir = strdup(o->tmp_dir != NULL ? o->tmp_dir : "/tmp");
	if (srv->tmp_dir == NULL) {
		free(srv);
		return err_internal(e, "out of memory");
	}
	if (mkdir(srv->tmp_dir, 0700) != 0 && errno != EEXIST)
		log_warn("http: cannot create %s: %s", srv->tmp_dir,
		    strerror(errno));
	atomic_init(&srv->body_mem, 0);
	atomic_init(&srv->cut_head, 0);
	atomic_init(&srv->cut_body, 0);
	atomic_init(&srv->reaper_quit, false);
	pthread_mutex_init(&srv->ct_lock, NULL);
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
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)o->per_ip_conns,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		free(srv->static_root);
		free(srv->tmp_dir);
		pthread_mutex_destroy(&srv->ct_lock);
		free(srv);
		return err_set(e, ERR_INTERNAL, "listen_failed",
		    "无法在 %s 上启动服务（端口被占用或地址无效）", o->listen);
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di != NULL ? di->port : 0;
	if ((o->header_deadline_s > 0 || o->body_min_rate > 0) &&
	    pthread_create(&srv->reaper, NULL, reaper_main, srv) == 0)
		srv->reaper_on = true;
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
	if (s->reaper_on) {
		atomic_store(&s->reaper_quit, true);
		pthread_join(s->reaper, NULL);
	}
	MHD_stop_daemon(s->daemon);
	pthread_mutex_destroy(&s->ct_lock);
	free(s->tmp_dir);
	free(s->static_root);
	free(s);
}

unsigned
server_port(const struct server *s)
{
	return s != NULL ? s->port : 0;
}
