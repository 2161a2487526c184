/* cursor.h - the one keyset cursor every list pages with.
 *
 * A page ends with the sort key and id of its last row; the next page starts
 * strictly after them ("WHERE (key, id) > (?, ?)" in the list's order). The
 * text form is "<key>~<id>", where key is digits and '-' only (a number, a
 * date or a rank such as "1-2026-10-09"), so a cursor never needs escaping
 * in a URL and a forged one is refused rather than interpreted. */
#ifndef ONETRIP_BASE_CURSOR_H
#define ONETRIP_BASE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CURSOR_MAX 64

/* Writes "<key>~<id>" (key may be NULL or "": an id-only cursor). */
void cursor_encode(const char *key, int64_t id, char *out, size_t outsz);
/* The same with an integer key. */
void cursor_encode_int(int64_t key, int64_t id, char *out, size_t outsz);
/* Parses a cursor; false when it is malformed (key not [0-9-], id not a
 * positive integer, key longer than keysz - 1). */
bool cursor_decode(const char *cursor, char *key, size_t keysz, int64_t *id);
/* Parses a cursor with an integer key. */
bool cursor_decode_int(const char *cursor, int64_t *key, int64_t *id);

#endif
