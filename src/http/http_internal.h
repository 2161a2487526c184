/* http_internal.h - pieces of the HTTP layer shared between its files and the
 * unit tests; nothing outside src/http/ includes this. */
#ifndef ONETRIP_HTTP_INTERNAL_H
#define ONETRIP_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "http/http.h"

/* params.c: http_query_int() on the argument's text v. */
bool http_arg_int(const char *v, const char *name, int64_t lo, int64_t hi,
    bool required, const char *msg, int64_t *out, struct err *e);

/* router.c */

enum route_result {
	ROUTE_FOUND,      /* m->route set, parameters filled */
	ROUTE_NO_PATH,    /* no pattern matches the path: 404 */
	ROUTE_NO_METHOD,  /* the path exists for other methods: 405, m->allow */
};

struct route_match {
	const struct route *route;
	const char *names[HTTP_MAX_PATH_PARAMS];
	const char *values[HTTP_MAX_PATH_PARAMS]; /* arena copies */
	int nparams;
	char allow[96];   /* "GET, HEAD, POST" for the Allow header */
};

/* Finds the route for method and path in a NULL-terminated list of tables,
 * each ending with a zeroed row. HEAD matches GET routes. Parameter values
 * are copied into a. */
enum route_result router_match(const struct route *const *tables,
    const char *method, const char *path, struct arena *a,
    struct route_match *m);

/* json_limits.c */

/* Parses a JSON body with jansson (duplicate keys rejected) and checks it
 * against the LIMIT_JSON_* ceilings. On success *out is a new reference.
 * Errors are ERR_INVALID with keys bad_json, json_too_deep,
 * json_too_many_fields, json_string_too_long. */
int http_json_parse(const char *body, size_t len, json_t **out,
    struct err *e);
/* Deepest nesting of arrays/objects in raw JSON text, scanning no further
 * than one level past limit (strings are skipped correctly). */
int json_text_depth(const char *s, size_t len, int limit);
/* Checks a parsed value: depth, members per container, string bytes. */
int json_check_limits(const json_t *j, int max_depth, size_t max_fields,
    size_t max_string, struct err *e);

/* static.c */

struct static_file {
	int fd;                    /* open, regular file; caller closes */
	uint64_t size;
	const char *content_type;
	const char *cache_control; /* or NULL */
};

/* Opens the file for a URL path under root (an absolute, resolved
 * directory). Rejects "..", hidden segments, NUL and backslashes; resolves
 * symlinks and checks the result stays under root. A path without an
 * extension that names nothing falls back to root/index.html. Returns 0,
 * -ERR_NOT_FOUND or -ERR_INVALID. */
int static_open(const char *root, const char *path, struct static_file *f);
/* Content type for a file name by its extension. */
const char *static_content_type(const char *name);

/* metrics.c */

enum http_counter {
	HTTP_CUT_HEAD,      /* connections cut by the head deadline */
	HTTP_CUT_BODY,      /* ... by the minimum body rate */
	HTTP_BODY_SPOOLED,  /* bodies written to a temporary file */
	HTTP_BODY_BUDGET,   /* bodies refused past the memory budget */
	HTTP_COUNTER_MAX,
};
void http_metrics_count(enum http_counter c, unsigned long long n);
/* One answered request: pattern is the route's own string (or a literal
 * for static files and unmatched requests). */
void http_metrics_record(const char *method, const char *pattern,
    int status, double seconds);

/* compress.c */

enum http_encoding { ENC_IDENTITY, ENC_GZIP, ENC_BR };
/* The encoding to use for an Accept-Encoding header (br before gzip). */
enum http_encoding http_pick_encoding(const char *accept);
/* Text-like types worth compressing. */
bool http_compressible(const char *ctype);
/* A new malloc'd compressed copy, or NULL when small or not shrinking. */
void *http_compress(enum http_encoding enc, const void *in, size_t len,
    bool best, size_t *outlen);
/* A static file's compressed bytes (computed once, kept in a table);
 * a malloc'd copy, or NULL. */
void *http_static_compressed(const char *path, int fd, uint64_t size,
    enum http_encoding enc, size_t *outlen);

/* request.c */

/* Percent-decodes the path part (up to '?' or '#') of a raw request target
 * into the arena. Fails with ERR_INVALID "bad_utf8" on NUL, invalid escapes
 * or invalid UTF-8. */
int http_decode_path(struct arena *a, const char *uri, char **out,
    struct err *e);

#endif
