/* utf8.h - UTF-8 validation and length in code points.
 *
 * Valid means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), no
 * code point above U+10FFFF. NUL bytes are valid UTF-8 but callers that take C
 * strings reject them separately. */
#ifndef ONETRIP_BASE_UTF8_H
#define ONETRIP_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes at s are well-formed UTF-8. */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in the len bytes at s, or (size_t)-1 when they are
 * not well-formed UTF-8. */
size_t utf8_chars(const char *s, size_t len);
/* utf8_chars() of a NUL-terminated string. */
size_t utf8_strlen(const char *s);
/* The length in bytes of the longest prefix of the NUL-terminated s that is
 * at most max_bytes long and does not end inside a character (for "%.*s"). */
int utf8_prefix(const char *s, size_t max_bytes);

#endif
