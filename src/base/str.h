/* str.h - C strings into fixed-size arrays. */
#ifndef ONETRIP_BASE_STR_H
#define ONETRIP_BASE_STR_H

#include <stddef.h>

/* snprintf(dst, size, "%s", src) without printf: at most size - 1 bytes of
 * src (size > 0), always NUL-terminated; src is never NULL. For the rows
 * copied field by field on every request. */
void str_copy(char *dst, size_t size, const char *src);

#endif
