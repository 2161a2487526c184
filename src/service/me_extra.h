/* me_extra.h - the parts of GET /api/me that are not in the session's actor
 * (service/me_extra.c): the account's own mobile number and, for clerks,
 * the name and number of their window.
 *
 * Served from a small per-user cache (ME_EXTRA_TTL seconds), so that
 * GET /api/me stays free of database work in the common case; a renamed
 * window shows its new name within that time. */
#ifndef ONETRIP_SERVICE_ME_EXTRA_H
#define ONETRIP_SERVICE_ME_EXTRA_H

#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "service/ctx.h"

#define ME_EXTRA_TTL 60
#define ME_MOBILE_BYTES 32
#define ME_WINDOW_BYTES (LIMIT_NAME_CHARS * 4 + 1)
#define ME_WNUMBER_BYTES 64

struct me_extra {
	char mobile[ME_MOBILE_BYTES];          /* "" when none */
	char window_name[ME_WINDOW_BYTES];     /* "" when no window */
	char window_number[ME_WNUMBER_BYTES];  /* "" when no window */
};

/* Fills x for the actor (a person, enterprise or staff account). */
int me_extra_get(struct ctx *c, struct me_extra *x, struct err *e);

/* Forgets every cached entry (tests). */
void me_extra_cache_clear(void);

#endif
