/* response.c - filling a response: JSON, errors, raw bytes, headers; and the
 * one table from error codes to HTTP statuses. */
#include "http/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
http_status_for(enum err_code code)
{
	switch (code) {
	case ERR_NONE:
		return 200;
	case ERR_INVALID:
		return 400;
	case ERR_UNPROCESSABLE:
		return 422;
	case ERR_UNAUTHENTICATED:
		return 401;
	case ERR_FORBIDDEN:
		return 403;
	case ERR_NOT_FOUND:
		return 404;
	case ERR_METHOD:
		return 405;
	case ERR_CONFLICT:
		return 409;
	case ERR_TOO_LARGE:
		return 413;
	case ERR_URI_TOO_LONG:
		return 414;
	case ERR_UNSUPPORTED_TYPE:
		return 415;
	case ERR_LOCKED:
		return 429;
	case ERR_HEADERS_TOO_LARGE:
		return 431;
	case ERR_BUSY:
		return 503;
	case ERR_INTERNAL:
	case ERR__COUNT:
		break;
	}
	return 500;
}

/* Drops whatever body the response had. */
static void
resp_clear_body(struct http_resp *w)
{
	if (w->json != NULL) {
		json_decref(w->json);
		w->json = NULL;
	}
	if (w->body != NULL && w->body_owned)
		free(w->body);
	w->body = NULL;
	w->body_len = 0;
	w->body_owned = false;
	w->content_type = NULL;
}

void
http_json(struct http_resp *w, int status, json_t *j)
{
	resp_clear_body(w);
	w->status = status;
	w->json = j;
}

void
http_error(struct http_resp *w, const struct err *e)
{
	enum err_code code = e->code;
	const char *msg = e->msg;
	json_t *inner;

	if (code == ERR_NONE) {
		/* An error without a code is a bug in the caller. */
		code = ERR_INTERNAL;
	}
	if (msg[0] == '\0')
		msg = code == ERR_INTERNAL ? "服务器内部错误，请稍后重试" :
		    "请求无法完成";
	inner = json_pack("{s:s, s:s}", "code",
	    e->key[0] != '\0' && e->code != ERR_NONE ? e->key :
	    err_code_key(code), "message", msg);
	if (inner != NULL && e->field[0] != '\0')
		json_object_set_new(inner, "field", json_string(e->field));
	http_json(w, http_status_for(code),
	    inner != NULL ? json_pack("{s:o}", "error", inner) : NULL);
}

void
http_reply(struct http_resp *w, int rc, int status, json_t *out,
    const struct err *e)
{
	if (rc != 0) {
		json_decref(out);
		http_error(w, e);
		return;
	}
	http_json(w, status, out);
}

void
http_bytes(struct http_resp *w, int status, const char *content_type,
    void *data, size_t len, bool owned)
{
	resp_clear_body(w);
	w->status = status;
	w->content_type = content_type;
	w->body = data;
	w->body_len = len;
	w->body_owned = owned;
}

int
http_add_header(struct http_req *r, struct http_resp *w, const char *name,
    const char *value)
{
	struct http_header *h;

	if (w->nheaders >= HTTP_MAX_RESP_HEADERS)
		return err_internal(NULL, "too many response headers (%s)",
		    name);
	h = &w->headers[w->nheaders];
	h->name = arena_strdup(&r->arena, name);
	h->value = arena_strdup(&r->arena, value);
	if (h->name == NULL || h->value == NULL)
		return err_internal(NULL, "arena exhausted adding header %s",
		    name);
	w->nheaders++;
	return 0;
}

int
http_add_disposition(struct http_req *r, struct http_resp *w,
    const char *type, const char *name, const char *fallback)
{
	static const char hex[] = "0123456789ABCDEF";
	char v[1200];
	size_t n;

	n = (size_t)snprintf(v, sizeof(v), "%s; filename=\"%s\"; "
	    "filename*=UTF-8''", type, fallback);
	if (n >= sizeof(v))
		n = sizeof(v) - 1;
	for (const unsigned char *p = (const unsigned char *)name;
	    *p != '\0' && n + 4 < sizeof(v); p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p) !=
		    NULL) {
			v[n++] = (char)*p;
		} else {
			v[n++] = '%';
			v[n++] = hex[*p >> 4];
			v[n++] = hex[*p & 15];
		}
	}
	v[n] = '\0';
	return http_add_header(r, w, "Content-Disposition", v);
}
