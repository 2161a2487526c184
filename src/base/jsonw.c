#include "base/jsonw.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/utf8.h"

/* Deeper values are refused (jansson's parser stops at 2048 levels, so no
 * value read from a request comes near); it also ends a value that holds
 * itself, which jansson refuses too. */
#define JSONW_MAX_DEPTH 4096

#define ONES 0x0101010101010101ULL

/* The escape of each byte that needs one, "" for the others. */
static const char *const escapes[0x60] = {
	['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r",
	['\t'] = "\\t", ['"'] = "\\\"", ['\\'] = "\\\\",
};

/* One byte: the common case skips buf_append's checks when the byte fits in
 * the memory already there and under the ceiling. */
static int
put1(struct buf *b, char c)
{
	size_t max = b->max ? b->max : BUF_DEFAULT_MAX;

	if (b->len + 1 >= b->cap || b->len >= max)
		return buf_putc(b, c);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
	return 0;
}

static int
put_escape(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	if (escapes[c] != NULL)
		return buf_puts(b, escapes[c]);
	return buf_append(b, u, sizeof(u));
}

int
jsonw_chars(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i;
	int rc = 0;

	if (!utf8_valid(s, len))
		return -ERR_INVALID;
	/* Runs of bytes that need no escape go in whole; bytes of 0x80 and
	 * above are parts of characters, checked above. */
	for (i = 0; i < len && rc == 0; i++) {
		/* Eight bytes at a time while none is below 0x20, '"' or
		 * '\\' (the tests for a zero byte of "Bit Twiddling Hacks";
		 * bytes of 0x80 and above never match). */
		while (len - i >= 8) {
			uint64_t w, q, bs;

			memcpy(&w, p + i, sizeof(w));
			q = w ^ (ONES * '"');
			bs = w ^ (ONES * '\\');
			if ((((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) |
			    ((bs - ONES) & ~bs)) & (ONES * 0x80))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
			continue;
		rc = buf_append(b, s + run, i - run);
		if (rc == 0)
			rc = put_escape(b, p[i]);
		run = i + 1;
	}
	return rc != 0 ? rc : buf_append(b, s + run, len - run);
}

int
jsonw_string(struct buf *b, const char *s, size_t len)
{
	int rc = put1(b, '"');

	if (rc == 0)
		rc = jsonw_chars(b, s, len);
	return rc != 0 ? rc : put1(b, '"');
}

int
jsonw_int(struct buf *b, int64_t v)
{
	int rc = 0;

	if (v < 0)
		rc = put1(b, '-');
	/* The magnitude in unsigned arithmetic: INT64_MIN has no positive. */
	return rc != 0 ? rc : buf_put_uint(b, v < 0 ? 0 - (uint64_t)v :
	    (uint64_t)v);
}

/* A real as jansson writes it (its own rules for precision and ".0"). */
static int
put_real(struct buf *b, const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	int rc;

	if (text == NULL)
		return -ERR_INVALID;
	rc = buf_puts(b, text);
	free(text);
	return rc;
}

static int
put_value(struct buf *b, const json_t *v, int depth)
{
	const json_t *m;
	bool first = true;
	void *it;
	size_t i, n;
	int rc;

	if (depth > JSONW_MAX_DEPTH)
		return -ERR_INVALID;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		rc = put1(b, '{');
		for (it = json_object_iter((json_t *)v); it != NULL && rc == 0;
		    it = json_object_iter_next((json_t *)v, it)) {
			if (!first)
				rc = put1(b, ',');
			first = false;
			if (rc == 0)
				rc = jsonw_string(b, json_object_iter_key(it),
				    json_object_iter_key_len(it));
			if (rc == 0)
				rc = put1(b, ':');
			if (rc == 0)
				rc = put_value(b, json_object_iter_value(it),
				    depth + 1);
		}
		return rc != 0 ? rc : put1(b, '}');
	case JSON_ARRAY:
		rc = put1(b, '[');
		n = json_array_size(v);
		for (i = 0; i < n && rc == 0; i++) {
			m = json_array_get(v, i);
			if (i > 0)
				rc = put1(b, ',');
			if (rc == 0)
				rc = put_value(b, m, depth + 1);
		}
		return rc != 0 ? rc : put1(b, ']');
	case JSON_STRING:
		return jsonw_string(b, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		return jsonw_int(b, json_integer_value(v));
	case JSON_REAL:
		return put_real(b, v);
	case JSON_TRUE:
		return buf_append(b, "true", 4);
	case JSON_FALSE:
		return buf_append(b, "false", 5);
	case JSON_NULL:
		return buf_append(b, "null", 4);
	}
	return -ERR_INVALID;
}

int
jsonw_value(struct buf *b, const json_t *v)
{
	if (v == NULL)
		return -ERR_INVALID;
	return put_value(b, v, 0);
}
