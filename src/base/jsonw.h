/* jsonw.h - compact JSON text written straight into a buf.
 *
 * The same bytes as jansson's json_dumps() with JSON_COMPACT (keys in their
 * insertion order, non-ASCII as is, "\u00XX" in upper case for the other
 * control characters), in one pass and without its per-token callbacks: the
 * writer of every JSON answer and of the payloads built in hot paths. Text
 * that is not well-formed UTF-8 fails, as it does in jansson. On failure the
 * buffer may hold part of the text. */
#ifndef ONETRIP_BASE_JSONW_H
#define ONETRIP_BASE_JSONW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* The len bytes at s as a JSON string, quotes included. */
int jsonw_string(struct buf *b, const char *s, size_t len);
/* The same without the quotes: a piece of a string the caller opens and
 * closes. */
int jsonw_chars(struct buf *b, const char *s, size_t len);
int jsonw_int(struct buf *b, int64_t v);
/* Any value (scalars too); 0, or a negative ERR_* code. */
int jsonw_value(struct buf *b, const json_t *v);

#endif
