/* session.h - login sessions (service/session.c).
 *
 * A session token is 32 random bytes (libsodium), given to the client as
 * base64url once; the database keeps only its SHA-256 (hex). Sessions expire
 * after 30 idle minutes and 12 hours in all. Resolution is cached in memory
 * for a few seconds so that an authenticated read costs no database write;
 * last-seen is written back at most once a minute. */
#ifndef ONETRIP_SERVICE_SESSION_H
#define ONETRIP_SERVICE_SESSION_H

#include <stdbool.h>

#include "base/err.h"
#include "service/ctx.h"

#define SESSION_COOKIE "onetrip_session"
#define SESSION_CSRF_HEADER "X-CSRF-Token"

struct session_info {
	struct actor actor;
	char token_hash[65];  /* hex SHA-256 of the token */
	char csrf[65];        /* CSRF token bound to the session (hex) */
};

/* Resolves a raw token (from the cookie or the Bearer header) into the
 * session's actor. ERR_UNAUTHENTICATED when unknown or expired. */
int session_resolve(struct ctx *c, const char *token, struct session_info *out,
    struct err *e);
/* Drops cached sessions (tests, shutdown). */
void session_cache_clear(void);

#endif
