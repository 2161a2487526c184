/* audit.h - the append-only, hash-chained audit log (service/audit.c).
 *
 * Every write appends one record inside its own transaction: actor, role,
 * action, object, a JSON summary of the change (before/after), time, client
 * address and request id. Each record stores
 *   hash = SM3(prev_hash || canonical record text)
 * (OpenSSL 3). A one-row table audit_head holds the last sequence number and
 * hash; updating it first serialises appenders on both databases. There is no
 * function that updates or deletes an audit record. */
#ifndef ONETRIP_SERVICE_AUDIT_H
#define ONETRIP_SERVICE_AUDIT_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* Appends a record; must run inside db_tx(). summary is borrowed (may be
 * NULL). action is a dotted verb such as "user.register", "case.accept". */
int audit_append(struct ctx *c, const char *action, const char *object_type,
    const char *object_id, json_t *summary, struct err *e);

/* Recomputes the chain from the first record. Returns 0 when intact; when a
 * record does not match, returns -ERR_CONFLICT with *bad_seq set to the first
 * broken record's sequence number. *checked counts records read. */
int audit_verify(struct ctx *c, int64_t *checked, int64_t *bad_seq,
    struct err *e);

#endif
