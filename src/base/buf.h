/* buf.h - a growable byte buffer with a ceiling.
 *
 * The buffer is always NUL-terminated (data[len] == 0) once anything has been
 * appended. Appends beyond max fail with -ERR_TOO_LARGE and leave the buffer
 * unchanged, so every producer of unbounded data has a limit. */
#ifndef ONETRIP_BASE_BUF_H
#define ONETRIP_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 means BUF_DEFAULT_MAX */
};

#define BUF_DEFAULT_MAX ((size_t)64 << 20)
#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
/* v in decimal (no printf: for the hot paths that write many numbers). */
int buf_put_uint(struct buf *b, uint64_t v);
int buf_appendf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Frees the contents; the struct may be reused after buf_init(). */
void buf_release(struct buf *b);
/* Hands the data (malloc'd, NUL-terminated, never NULL) to the caller, who
 * frees it; the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
