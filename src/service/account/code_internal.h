/* code_internal.h - the one-time SMS codes of the account domain (password
 * reset, reset.c; real-name verification, realname.c): made and hashed one
 * way, each purpose in its own table. */
#ifndef ONETRIP_SERVICE_ACCOUNT_CODE_INTERNAL_H
#define ONETRIP_SERVICE_ACCOUNT_CODE_INTERNAL_H

#include <stdint.h>

#include "service/account/account.h"

#define ACCOUNT_CODE_BYTES 7   /* six digits and the NUL */

/* A random six-digit code. */
void account_code_new(char out[ACCOUNT_CODE_BYTES]);

/* The stored form of a code: bound to its purpose ("reset", "realname")
 * and account, so a code of one never matches another. */
void account_code_hash(const char *purpose, int64_t user_id, const char *code,
    char out[AUTH_HASH_HEX + 1]);

#endif
