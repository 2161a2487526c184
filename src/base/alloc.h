/* alloc.h - the one policy for running out of memory: log a line and
 * abort, as Redis does. A server that cannot allocate a few bytes cannot
 * keep any promise it makes afterwards, and a half-built notice or JSON
 * answer is worse than a restart (systemd restarts the service).
 *
 * jansson allocates through these once alloc_init() has run, so a
 * json_*_new() never returns NULL in the server and its callers need not
 * check it. Large buffers whose size a client controls are limited before
 * they are allocated (base/limits.h), so this is not a denial of service. */
#ifndef ONETRIP_BASE_ALLOC_H
#define ONETRIP_BASE_ALLOC_H

#include <stddef.h>

/* Installs the policy for jansson; call first thing in main(). */
void alloc_init(void);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* vasprintf into a new string; never NULL. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
