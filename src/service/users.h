/* users.h - staff accounts, passwords, the user list and "me"
 * (service/users.c).
 *
 * A user object (JSON) is
 *   {id, kind:"person"|"enterprise"|"staff", login, login_masked, name,
 *    roles:["clerk",..], dept_id, dept_name, window_id}
 * and never carries password data. In lists, logins and mobiles of
 * applicants are masked (login is then the masked form too). */
#ifndef ONETRIP_SERVICE_USERS_H
#define ONETRIP_SERVICE_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* Filters and page of user_list(). Zero/NULL fields do not filter. */
struct user_filter {
	char kind;          /* 'P', 'E', 'S' or 0 */
	int64_t dept_id;
	unsigned roles;     /* any of these role bits */
	const char *q;      /* part of the name, or the exact login */
	int64_t after_id;   /* keyset cursor: ids greater than this */
	int limit;          /* 0: LIMIT_PAGE_DEFAULT; at most LIMIT_PAGE_MAX */
};

/* Creates a staff account (kind 'S'). Allowed for sysadmin and hall_admin
 * (and the system actor); a hall_admin may not grant sysadmin. mobile may be
 * NULL or ""; dept_id and window_id may be 0 (none). roles must be a
 * non-empty mask of staff roles. login: 3..32 of a-z 0-9 _ . -, starting
 * with a letter (stored lower-case). Audit "user.add_staff". */
int user_add_staff(struct ctx *c, const char *login, const char *name,
    const char *mobile, unsigned roles, int64_t dept_id, int64_t window_id,
    const char *password, struct err *e);

/* Sets a password. A sysadmin (or the system actor) may set anyone's
 * without old_password; a user may set their own when old_password matches.
 * Clears the failure counter and lock. When set for someone else, that
 * user's sessions end. Audit "user.set_password". */
int user_set_password(struct ctx *c, const char *login,
    const char *old_password, const char *new_password, struct err *e);

/* Page of users for sysadmin and hall_admin: *out = new reference to
 * {"items":[user..], "next_after": id|null}. */
int user_list(struct ctx *c, const struct user_filter *f, json_t **out,
    struct err *e);

/* The acting user's object (unmasked login). Served from the session's
 * actor and a short-lived department-name cache: no database work in the
 * common case. ERR_UNAUTHENTICATED when anonymous. */
int user_get_me(struct ctx *c, json_t **out, struct err *e);

/* Loads user id as a user object, without an authorisation check: for
 * services that have already decided the caller may see it. mask: mask an
 * applicant's login as in lists. ERR_NOT_FOUND when absent. */
int user_json_by_id(struct ctx *c, int64_t id, bool mask, json_t **out,
    struct err *e);

/* The id of the account with this login (normalised as at login), without
 * an authorisation check. ERR_NOT_FOUND when absent. */
int user_id_by_login(struct ctx *c, const char *login, int64_t *id,
    struct err *e);

/* The audit role name of an account's roles ("applicant", "sysadmin", ...):
 * its most powerful role. */
const char *user_primary_role(enum actor_kind kind, unsigned roles);

/* Forgets cached department names (tests; after renaming a department). */
void user_dept_cache_clear(void);

#endif
