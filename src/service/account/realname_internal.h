/* realname_internal.h - shared by realname.c and provincial.c (the account
 * domain only). */
#ifndef ONETRIP_SERVICE_ACCOUNT_REALNAME_INTERNAL_H
#define ONETRIP_SERVICE_ACCOUNT_REALNAME_INTERNAL_H

#include <stdbool.h>

#include "base/err.h"

/* POSTs {idno, name, mobile} to realname.provincial_url; a 2xx answer
 * {"match": true|false} sets *match. No URL: ERR_UNPROCESSABLE
 * "provincial_unavailable"; anything else: ERR_BUSY (503)
 * "provincial_failed", so that a failing service never verifies anyone. */
int realname_provincial_check(const char *idno, const char *name,
    const char *mobile, bool *match, struct err *e);

#endif
