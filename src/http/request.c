/* request.c - reading a request: path parameters, query, headers, cookies. */
#include "http/http_internal.h"

#include <string.h>

#include <microhttpd.h>

#include "base/utf8.h"

const char *
http_param(const struct http_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

int64_t
http_param_id(const struct http_req *r, const char *name)
{
	const char *s = http_param(r, name);
	int64_t v = 0;

	if (s == NULL || *s == '\0' || *s == '0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

const char *
http_query(const struct http_req *r, const char *name)
{
	if (r->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
http_header(const struct http_req *r, const char *name)
{
	if (r->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
http_cookie(const struct http_req *r, const char *name)
{
	if (r->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
http_decode_path(struct arena *a, const char *uri, char **out,
    struct err *e)
{
	size_t n = strcspn(uri, "?#"), i, j = 0;
	char *p;
	int hi, lo;

	*out = NULL;
	p = arena_alloc(a, n + 1);
	if (p == NULL)
		return err_internal(e, "arena exhausted decoding a path");
	for (i = 0; i < n; i++) {
		if (uri[i] != '%') {
			p[j++] = uri[i];
			continue;
		}
		if (i + 2 >= n)
			goto bad;
		hi = hexval(uri[i + 1]);
		lo = hexval(uri[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto bad;
		p[j++] = (char)(hi * 16 + lo);
		i += 2;
	}
	p[j] = '\0';
	if (!utf8_valid(p, j))
		goto bad;
	*out = p;
	return 0;
bad:
	return err_set(e, ERR_INVALID, "bad_utf8",
	    "请求地址包含无效的字符编码");
}
