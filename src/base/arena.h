/* arena.h - a region allocator: many small allocations, one free.
 *
 * Each HTTP request owns an arena released when its response has been sent,
 * so handlers and services can allocate strings without tracking them. */
#ifndef ONETRIP_BASE_ARENA_H
#define ONETRIP_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total; /* bytes handed out, checked against max */
	size_t max;   /* 0 means ARENA_DEFAULT_MAX */
};

#define ARENA_DEFAULT_MAX ((size_t)256 << 20)

void arena_init(struct arena *a, size_t max);
/* Zeroed, 16-byte aligned memory, or NULL when the arena is over its max or
 * memory is exhausted. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_sprintf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena may be reused. */
void arena_release(struct arena *a);

#endif
