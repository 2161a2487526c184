/* requests.h - what the hall's request queues (staff change requests, item
 * withdrawal requests) share: the status filter and who sees which
 * department's requests (service/requests.c). */
#ifndef ONETRIP_SERVICE_REQUESTS_H
#define ONETRIP_SERVICE_REQUESTS_H

#include <stdint.h>

#include "base/err.h"
#include "service/ctx.h"

/* Checks a list request: status is NULL, "", "pending", "approved" or
 * "rejected"; the hall admin, supervisor and sysadmin see every department
 * (*dept_id = 0), a department admin only their own; anyone else gets
 * ERR_FORBIDDEN with forbidden_msg. */
int requests_list_scope(const struct actor *a, const char *status,
    const char *forbidden_msg, int64_t *dept_id, struct err *e);

#endif
