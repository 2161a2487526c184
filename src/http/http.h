/* http.h - the request/response model and the route table.
 *
 * The server (http/server.c) parses and bounds the request, resolves the
 * session, checks the route's access rule and CSRF, parses a JSON body, calls
 * the handler, and writes the response. Handlers only: read the request,
 * call a service, and fill the response. */
#ifndef ONETRIP_HTTP_HTTP_H
#define ONETRIP_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"

struct MHD_Connection;
struct http_hooks;

#define HTTP_MAX_PATH_PARAMS 6

struct http_req {
	const char *method;       /* "GET", "POST", ... */
	const char *path;         /* URL path without query string */
	const char *body;         /* raw body (NUL-terminated), or NULL */
	size_t body_len;
	json_t *json;             /* parsed body when Content-Type is JSON, or NULL (borrowed) */
	const char *param_names[HTTP_MAX_PATH_PARAMS];
	const char *param_values[HTTP_MAX_PATH_PARAMS];
	int nparams;
	char request_id[24];
	char client_ip[48];
	bool via_cookie;          /* authenticated by cookie (CSRF applies) */
	char session_hash[65];    /* hex SHA-256 of the session token, or "" */
	struct arena arena;       /* freed after the response is sent */
	/* The service layer's context for this request (struct ctx, made by
	 * http_hooks.ctx_new); the transport never looks inside. */
	void *ctx;
	const struct http_hooks *hooks;
	struct MHD_Connection *conn;
};

struct http_header {
	const char *name;
	const char *value;        /* arena-owned */
};
#define HTTP_MAX_RESP_HEADERS 12

struct http_resp {
	int status;
	json_t *json;             /* owned; serialised when set */
	const char *content_type; /* for raw bodies */
	void *body;               /* raw body, freed with free() if body_owned */
	size_t body_len;
	bool body_owned;
	int fd;                   /* file to send (static files), -1 if none */
	uint64_t fd_size;
	struct http_header headers[HTTP_MAX_RESP_HEADERS];
	int nheaders;
};

/* Path parameter ":name" of the matched route, or NULL. */
const char *http_param(const struct http_req *r, const char *name);
/* Path parameter parsed as a positive id; 0 if absent or malformed. */
int64_t http_param_id(const struct http_req *r, const char *name);
/* Query-string argument (decoded), or NULL. */
const char *http_query(const struct http_req *r, const char *name);
/* Request header, or NULL. */
const char *http_header(const struct http_req *r, const char *name);
/* Cookie value, or NULL. */
const char *http_cookie(const struct http_req *r, const char *name);

/* Typed request readers (http/params.c). Each returns true, or false with e
 * filled (ERR_INVALID unless said otherwise) for the handler to answer. */

/* Decimal query argument (digits only, no sign or spaces) in [lo, hi].
 * Absent or empty: *out = 0, and true unless required. A bad value names
 * the field and says msg, or "参数 <name> 须为非负整数" when msg is NULL. */
bool http_query_int(const struct http_req *r, const char *name, int64_t lo,
    int64_t hi, bool required, const char *msg, int64_t *out, struct err *e);
/* Optional query argument in [0, max] with the default message. */
bool http_query_uint(const struct http_req *r, const char *name, int64_t max,
    int64_t *out, struct err *e);
/* Path parameter as a positive id (http_param_id); otherwise ERR_NOT_FOUND
 * with key (NULL: the default "not_found") and the caller's msg. */
bool http_path_id(const struct http_req *r, const char *name, const char *key,
    const char *msg, int64_t *out, struct err *e);
/* The JSON body is an object; else "bad_json" 请求内容须为 JSON 对象. */
bool http_body_object(const struct http_req *r, struct err *e);

/* Flags of the http_body_* member readers. */
#define HTTP_BODY_REQUIRED 0x1u /* absent or null: "required" 缺少字段 <name> */
/* The body must be an object (as http_body_object), and a string holding a
 * NUL is "bad_string" 字段 <name> 含有无效字符 rather than "bad_type". */
#define HTTP_BODY_STRICT 0x2u
/* Member `name` of the JSON body. Absent, null, or (without
 * HTTP_BODY_STRICT) no object body: NULL, 0 or false. Another type is
 * "bad_type" naming the field. Strings are borrowed from r->json. */
bool http_body_str(const struct http_req *r, const char *name, unsigned flags,
    const char **out, struct err *e);
/* Non-negative integer member ("字段 <name> 须为非负整数"). */
bool http_body_uint(const struct http_req *r, const char *name, unsigned flags,
    int64_t *out, struct err *e);
/* Boolean member ("字段 <name> 须为 true 或 false"). */
bool http_body_bool(const struct http_req *r, const char *name, unsigned flags,
    bool *out, struct err *e);

/* Sets a JSON response; steals the reference to j. */
void http_json(struct http_resp *w, int status, json_t *j);
/* Sets the error response {"error":{"code","message","field"?}} with the
 * status mapped from e->code. */
void http_error(struct http_resp *w, const struct err *e);
/* A handler's outcome: rc != 0 drops out (json_decref) and sends e as
 * http_error(); otherwise sends out with status, stealing it (http_json). */
void http_reply(struct http_resp *w, int rc, int status, json_t *out,
    const struct err *e);
/* Raw body; if owned, free() is called after sending. */
void http_bytes(struct http_resp *w, int status, const char *content_type,
    void *data, size_t len, bool owned);
/* Adds a response header (value copied into the request arena). */
int http_add_header(struct http_req *r, struct http_resp *w, const char *name,
    const char *value);

/* Content-Disposition "<type>; filename=\"<fallback>\"; filename*=UTF-8''<name>"
 * with name percent-encoded (RFC 5987), so Chinese names survive; fallback
 * must be plain ASCII. type is "attachment" or "inline". */
int http_add_disposition(struct http_req *r, struct http_resp *w,
    const char *type, const char *name, const char *fallback);

/* The one table from error codes to HTTP statuses. */
int http_status_for(enum err_code code);

/* Route access rules. */
#define ACCESS_PUBLIC 0u          /* anyone, no session needed */
#define ACCESS_LOGIN (1u << 31)   /* any logged-in account */
/* Otherwise: a mask of enum role bits; the actor must hold one of them. */

typedef void (*http_handler_fn)(struct http_req *r, struct http_resp *w);

struct route {
	const char *method;
	const char *pattern;      /* "/api/items/:id/versions" */
	http_handler_fn handler;
	unsigned access;          /* ACCESS_PUBLIC, ACCESS_LOGIN or role mask */
	size_t max_body;          /* 0 means LIMIT_JSON_BODY */
};

/* Every API module exports a table ending with a zeroed row; api/routes.c
 * lists the tables. */
extern const struct route *const api_route_tables[];
/* "METHOD /pattern" of the public reads that tolerate the standby's lag,
 * NULL-terminated (api/routes.c): with db.read_url set they are answered
 * from the standby (http_hooks.use_standby, docs/deploy.md). */
extern const char *const api_standby_routes[];

/* What the transport knows of a caller once a session token is resolved:
 * enough for the route's access rule, CSRF and the access log. */
struct http_identity {
	bool authenticated;
	unsigned roles;           /* role bits tested against route.access */
	int64_t user_id;          /* for the access log */
	char token_hash[65];      /* hex SHA-256 of the token */
	char csrf[65];            /* CSRF token bound to the session */
};

/* The interface the service layer fills in (src/app.c): the transport
 * includes no service or store header. Every function gets cls. */
struct http_hooks {
	void *cls;
	const char *session_cookie;   /* cookie holding the session token */
	const char *csrf_header;      /* header echoing the CSRF token */
	/* The per-request context, allocated in r->arena, anonymous. */
	void *(*ctx_new)(void *cls, struct http_req *r);
	/* Resolves a token: 0 and id filled (and the context now acts for
	 * that account), -ERR_UNAUTHENTICATED when unknown or expired, or
	 * another error to answer. */
	int (*resolve)(void *cls, void *ctx, const char *token,
	    struct http_identity *id, struct err *e);
	/* Makes the context anonymous again (a cookie without its CSRF
	 * token on a public write). */
	void (*anonymous)(void *cls, void *ctx);
	/* The route is marked standby: the request's reads may go to the
	 * read-only standby. May be NULL. */
	void (*use_standby)(void *cls, void *ctx);
	/* Readiness: the database answers. */
	bool (*ready)(void *cls);
};

/* True when the service layer says it is ready (GET /readyz). */
bool http_ready(const struct http_req *r);

/* Metrics (http/metrics.c): per-route counts and latency histograms and
 * the transport's counters, appended to b in the Prometheus text format. */
struct buf;
int http_metrics_write(struct buf *b);

/* Server lifecycle (http/server.c). */
struct server;
struct server_opts {
	const char *listen;       /* "127.0.0.1:8080" */
	const char *static_dir;   /* built web front-end, or NULL */
	unsigned threads;         /* worker threads, at least 1 */
	unsigned per_ip_conns;    /* connections from one address; 0: no limit */
	unsigned header_deadline_s; /* whole request head within; 0: none */
	unsigned body_min_rate;   /* bytes/s a body must average; 0: none */
	size_t spool_bytes;       /* bodies above go to a temporary file */
	size_t body_memory;       /* all bodies held in memory together */
	const char *tmp_dir;      /* for spooled bodies (created if absent) */
};
int server_start(struct server **out, const struct http_hooks *hooks,
    const struct server_opts *o, struct err *e);
/* The public URL ("https://host"): Origin checks, HSTS when https. Call
 * before the first request. */
void server_set_public_url(struct server *s, const char *url);
/* The window's local device service ("http://127.0.0.1:port" or
 * "http://localhost:port"; NULL or "": none): the pages may connect to it
 * (the Content-Security-Policy's connect-src). Returns -1, changing
 * nothing, for any other URL. Call before the first request. */
int server_set_device_url(struct server *s, const char *url);
/* Stops accepting, lets in-flight requests finish, frees everything. */
void server_stop(struct server *s);
/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *s);

#endif
