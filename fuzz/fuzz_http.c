/* libFuzzer: the request path of the HTTP layer without a socket - the
 * request target decoded (http/request.c), routed over every route of the
 * server (the patterns of src/api/access.txt, http/router.c), path ids and
 * numeric query arguments read (http/params.c), Accept-Encoding picked
 * (http/compress.c), static files opened under a root (http/static.c) and
 * a download name put into Content-Disposition (http/response.c).
 *
 * Input: one byte choosing the method, then lines: the request target, the
 * Accept-Encoding value, a file name. The header lines themselves are split
 * by libmicrohttpd; these are the functions of ours that read their values.
 * Each step checks what the server relies on and aborts when it breaks. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"
#include "http/http_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ROUTES 1024

static struct route routes[MAX_ROUTES + 1];
static const struct route *tables[2] = { routes, NULL };
static char root[PATH_MAX];

static void
handler_unused(struct http_req *r, struct http_resp *w)
{
	(void)r;
	(void)w;
}

/* The route patterns of the server, one "METHOD /pattern who" a line. */
static void
load_routes(void)
{
	const char *path = getenv("ONETRIP_ACCESS_TXT");
	char line[512], m[16], p[400];
	size_t n = 0;
	FILE *f;

	f = fopen(path != NULL ? path : "src/api/access.txt", "r");
	if (f == NULL) {
		perror("fuzz_http: src/api/access.txt (run from the checkout)");
		exit(1);
	}
	while (n < MAX_ROUTES && fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || sscanf(line, "%15s %399s", m, p) != 2)
			continue;
		routes[n].method = strdup(m);
		routes[n].pattern = strdup(p);
		routes[n].handler = handler_unused;
		n++;
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "fuzz_http: no routes read\n");
		exit(1);
	}
}

static void
put_file(const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void
remove_root(void)
{
	static const char *const rel[] = { "assets/app.js", "index.html",
	    ".secret", "out", "assets" };
	char p[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, rel[i]);
		(void)remove(p);
	}
	(void)rmdir(root);
}

/* A static root with a page, an asset, a hidden file and a link out. */
static void
make_root(void)
{
	char tmpl[] = "/tmp/onetrip-fuzz-static-XXXXXX", p[PATH_MAX + 16];

	if (mkdtemp(tmpl) == NULL || realpath(tmpl, root) == NULL)
		abort();
	snprintf(p, sizeof(p), "%s/assets", root);
	if (mkdir(p, 0700) != 0)
		abort();
	put_file("index.html", "<!doctype html>");
	put_file("assets/app.js", "x");
	put_file(".secret", "s");
	snprintf(p, sizeof(p), "%s/out", root);
	if (symlink("/etc", p) != 0)
		abort();
	atexit(remove_root);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	load_routes();
	make_root();
	return 0;
}

/* The next line of the input (NUL-terminated copy in a), or "". */
static char *
next_line(struct arena *a, const char **p, const char *end)
{
	const char *s = *p, *nl;

	if (s >= end)
		return arena_strdup(a, "");
	nl = memchr(s, '\n', (size_t)(end - s));
	if (nl == NULL)
		nl = end;
	*p = nl < end ? nl + 1 : end;
	return arena_strndup(a, s, (size_t)(nl - s));
}

static void
check_route(const char *method, const char *path, struct arena *a)
{
	struct route_match m;
	struct http_req r;
	enum route_result rr;
	struct err e;
	int64_t id;

	rr = router_match(tables, method, path, a, &m);
	if (rr == ROUTE_NO_METHOD && m.allow[0] == '\0')
		abort();
	if (rr != ROUTE_FOUND)
		return;
	if (m.route == NULL || (strcmp(m.route->method, method) != 0 &&
	    !(strcmp(method, "HEAD") == 0 &&
	    strcmp(m.route->method, "GET") == 0)))
		abort();
	if (m.nparams < 0 || m.nparams > HTTP_MAX_PATH_PARAMS)
		abort();
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < m.nparams; i++) {
		/* A parameter is one non-empty path segment. */
		if (m.values[i] == NULL || m.values[i][0] == '\0' ||
		    strchr(m.values[i], '/') != NULL)
			abort();
		r.param_names[i] = m.names[i];
		r.param_values[i] = m.values[i];
	}
	r.nparams = m.nparams;
	for (int i = 0; i < m.nparams; i++) {
		id = http_param_id(&r, m.names[i]);
		if (id < 0)
			abort();
		if (!http_path_id(&r, m.names[i], NULL, "不存在", &id, &e) &&
		    e.code != ERR_NOT_FOUND)
			abort();
	}
}

/* Each "name=value" of the query string as a bounded integer. */
static void
check_query(const char *uri, struct arena *a)
{
	const char *q = strchr(uri, '?');
	char *s, *tok, *save = NULL, *eq;
	struct err e;
	int64_t v;

	if (q == NULL)
		return;
	s = arena_strdup(a, q + 1);
	if (s == NULL)
		return;
	for (tok = strtok_r(s, "&", &save); tok != NULL;
	    tok = strtok_r(NULL, "&", &save)) {
		eq = strchr(tok, '=');
		if (eq != NULL)
			*eq++ = '\0';
		err_clear(&e);
		if (http_arg_int(eq, tok, 1, 500, false, NULL, &v, &e)) {
			if (eq != NULL && eq[0] != '\0' && (v < 1 || v > 500))
				abort();
		} else if (e.code != ERR_INVALID) {
			abort();
		}
	}
}

/* A file opened for a URL path is under the root, whatever the path. */
static void
check_static(const char *path)
{
	struct static_file f;
	char link[64], real[PATH_MAX];
	ssize_t n;
	size_t rl = strlen(root);

	if (static_open(root, path, &f) != 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", f.fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n < 0)
		abort();
	real[n] = '\0';
	if (strncmp(real, root, rl) != 0 || real[rl] != '/' ||
	    strstr(real + rl, "/.") != NULL)
		abort();
	close(f.fd);
}

/* The header value stays one line of visible ASCII. */
static void
check_disposition(const char *name)
{
	struct http_req r;
	struct http_resp w;
	const char *v;

	memset(&r, 0, sizeof(r));
	memset(&w, 0, sizeof(w));
	arena_init(&r.arena, 64 * 1024);
	if (http_add_disposition(&r, &w, "inline", name, "material.pdf") == 0) {
		if (w.nheaders != 1)
			abort();
		for (v = w.headers[0].value; *v != '\0'; v++)
			if (*v < 0x20 || *v > 0x7e)
				abort();
	}
	arena_release(&r.arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT",
	    "PATCH", "DELETE", "OPTIONS", "TRACE" };
	const char *p, *end, *method;
	char *uri, *accept, *name, *path = NULL;
	struct arena a;
	struct err e;
	enum http_encoding enc;

	if (size < 1)
		return 0;
	method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	arena_init(&a, 1 << 20);
	uri = next_line(&a, &p, end);
	accept = next_line(&a, &p, end);
	name = next_line(&a, &p, end);
	if (uri == NULL || accept == NULL || name == NULL)
		goto out;

	err_clear(&e);
	if (http_decode_path(&a, uri, &path, &e) == 0) {
		size_t len = strlen(path);

		/* Decoded: valid UTF-8, no NUL smuggled in by %00. */
		if (!utf8_valid(path, len) || len > strlen(uri))
			abort();
		check_route(method, path, &a);
		check_static(path);
	} else if (e.code != ERR_INVALID) {
		abort();
	}
	check_query(uri, &a);
	enc = http_pick_encoding(accept);
	if (enc != ENC_IDENTITY && enc != ENC_GZIP && enc != ENC_BR)
		abort();
	(void)static_content_type(name);
	check_disposition(name);
out:
	arena_release(&a);
	return 0;
}
