/* account.h - the public interface of the service domain "account". */
#ifndef ONETRIP_SERVICE_ACCOUNT_ACCOUNT_H
#define ONETRIP_SERVICE_ACCOUNT_ACCOUNT_H

/* users.h - staff accounts, passwords, the user list and "me"
 * (service/users.c).
 *
 * A user object (JSON) is
 *   {id, kind:"person"|"enterprise"|"staff", login, login_masked, name,
 *    roles:["clerk",..], dept_id, dept_name, window_id}
 * and never carries password data. In lists, logins and mobiles of
 * applicants are masked (login is then the masked form too). */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "base/limits.h"
#include "service/platform/platform.h"

struct db;
#define AUTH_PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */

/* Filters and page of user_list(). Zero/NULL fields do not filter. */
struct user_filter {
	char kind;          /* 'P', 'E', 'S' or 0 */
	int64_t dept_id;
	unsigned roles;     /* any of these role bits */
	const char *q;      /* part of the name, or the exact login */
	int64_t after_id;   /* keyset cursor: ids greater than this */
	int limit;          /* 0: LIMIT_PAGE_DEFAULT; at most LIMIT_PAGE_MAX */
};

/* Creates an active staff account (kind 'S') at once: only for the system
 * actor (the operator's `onetrip user add`, the demo loader); people ask for
 * staff accounts through the hall's staff-change requests
 * (hall_staff_account_request). Checks as user_staff_check(). Audit
 * "user.add_staff". */
int user_add_staff(struct ctx *c, const char *login, const char *name,
    const char *mobile, unsigned roles, int64_t dept_id, int64_t window_id,
    const char *password, struct err *e);

/* A staff account about to be created (user_staff_check fills it). */
struct user_staff_new {
	struct ctx *c;
	char login[33];
	char name[LIMIT_NAME_CHARS * 4 + 1];
	char mobile[16];
	unsigned roles;
	int64_t dept_id, window_id;
	char hash[AUTH_PASSWORD_HASH_MAX];
};

/* Checks a new staff account and hashes its password (no authorisation
 * check beyond: only a sysadmin grants sysadmin). login: 3..32 of a-z 0-9
 * _ . -, starting with a letter (stored lower-case), not a credit code;
 * mobile NULL/"" or 11 digits; roles as user_roles_check(); dept_id 0 or
 * an existing department; the password rules; the login not taken
 * (ERR_CONFLICT "login_taken"). */
int user_staff_check(struct ctx *c, const char *login, const char *name,
    const char *mobile, unsigned roles, int64_t dept_id, int64_t window_id,
    const char *password, struct user_staff_new *n, struct err *e);
/* Inside db_tx: stores n; active false makes a pending account (disabled,
 * no roles, no window) that user_staff_set(.., enable) activates. */
int user_staff_insert(struct ctx *c, struct db *db,
    const struct user_staff_new *n, bool active, int64_t *id, struct err *e);
/* Inside db_tx: sets a staff account's roles and department (enable: and
 * lets it log in). Audit "user.roles". The caller forgets the account's
 * cached sessions after the commit. */
int user_staff_set(struct ctx *c, struct db *db, int64_t id, unsigned roles,
    int64_t dept_id, bool enable, struct err *e);
/* Inside db_tx: lets an approved staff account log in again (enable) or
 * stops it (its sessions end). Audit "user.enable" / "user.disable". A
 * pending account (no roles) is ERR_NOT_FOUND. */
int user_staff_enable(struct ctx *c, struct db *db, int64_t id, bool enable,
    struct err *e);
/* Inside db_tx: removes a pending staff account whose request was rejected
 * or withdrawn, so that no disabled row is left behind and the login is
 * free again (the request keeps the login and name asked for). Does
 * nothing unless the row is still pending (never enabled, no roles, no
 * window, no session). Audit "user.discard". */
int user_staff_discard(struct ctx *c, struct db *db, int64_t id,
    struct err *e);
/* A non-empty mask of staff roles that one person may hold together
 * (workflow_roles_compatible: 不相容岗位分离). */
int user_roles_check(unsigned roles, struct err *e);
/* A JSON array of staff role names ("clerk", ...) into *mask: ERR_INVALID
 * (field roles) when empty, not an array, or naming an unknown role or
 * "applicant". */
int user_roles_from_json(const json_t *roles, unsigned *mask, struct err *e);

/* Sets a password. A sysadmin (or the system actor) may set anyone's
 * without old_password; a user may set their own when old_password matches.
 * Clears the failure counter and lock. When set for someone else, that
 * user's sessions end. Audit "user.set_password". */
int user_set_password(struct ctx *c, const char *login,
    const char *old_password, const char *new_password, struct err *e);

/* Page of users for sysadmin and hall_admin: *out = new reference to
 * {"items":[user..], "next_after": id|null}; each user also has mobile
 * (masked), disabled, locked, created_at, window_number, window_name,
 * pending_request_id (a pending staff-change request), realname
 * ("verified" | "unverified", null for staff) with realname_method, and status
 * ("active", "locked", "disabled" or "pending": a new staff account
 * awaiting approval). */
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


/* session.h - login sessions (service/session.c).
 *
 * A session token is 32 random bytes (libsodium), given to the client as
 * base64url once; the database keeps only its SHA-256 (hex). Sessions expire
 * after 30 idle minutes and 12 hours in all. Resolution is cached in memory
 * for a few seconds so that an authenticated read costs no database write;
 * last-seen is written back at most once a minute. */

#include <stdbool.h>

#include "base/err.h"

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


/* auth.h - registration, passwords, login and logout (service/auth.c), and
 * the session helpers of service/session.c that session.h does not list.
 *
 * Passwords are hashed with Argon2id (libsodium crypto_pwhash_str). Logins
 * are normalised: an ID number or credit code upper-case, a staff user name
 * lower-case (auth_login_normalise). Attempts are throttled by login at
 * one address, by login and by address (login_throttle; see auth.c): past a
 * limit the scope waits login.delay_seconds, doubling, at most
 * login.lock_seconds; unknown logins are throttled alike. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

#define AUTH_TOKEN_CHARS 43      /* base64url (no padding) of 32 bytes */
#define AUTH_HASH_HEX 64         /* hex SHA-256 */
#define AUTH_LOGIN_MAX 63        /* bytes of a normalised login (fits actor.login) */

/* A new session as handed to the client once. */
struct auth_session {
	char token[AUTH_TOKEN_CHARS + 1];   /* raw token: cookie or Bearer */
	char token_hash[AUTH_HASH_HEX + 1]; /* what the database keeps */
	char csrf[AUTH_HASH_HEX + 1];       /* hex of 32 random bytes */
	int64_t created_at;
	int64_t expires_at;                 /* absolute end */
};

/* Creates an applicant account. kind is ACTOR_PERSON (idno = 居民身份证号码,
 * a lower-case x is accepted and stored upper-case) or ACTOR_ENTERPRISE
 * (idno = 统一社会信用代码). mobile is required. Anyone may register.
 * On success *id_out (if not NULL) is the new id and *user_out (if not NULL)
 * a new reference to the user object (caller decrefs).
 * Errors: ERR_INVALID (field named) for a bad kind, ID number, credit code,
 * name or mobile; ERR_UNPROCESSABLE "weak_password"; ERR_CONFLICT
 * "login_taken". Audit "user.register". */
int auth_register(struct ctx *c, enum actor_kind kind, const char *idno,
    const char *name, const char *mobile, const char *password,
    json_t **user_out, int64_t *id_out, struct err *e);

/* Registration from the public form: as auth_register, but a number that
 * is already registered gets the same answer as a new one (0, *id_out 0,
 * nothing stored) and an SMS to the mobile given telling how to reclaim the
 * number at a window (at most one a minute per mobile and five per client
 * address), so the form tells no one which numbers are registered. */
int auth_register_public(struct ctx *c, enum actor_kind kind,
    const char *idno, const char *name, const char *mobile,
    const char *password, int64_t *id_out, struct err *e);

/* Checks login/password and opens a session. user_agent may be NULL.
 * *user_out (if not NULL) gets a new reference to the user object.
 * Errors: ERR_UNAUTHENTICATED "bad_credentials" (also for unknown logins,
 * after the same hashing work), ERR_LOCKED "account_locked",
 * ERR_FORBIDDEN "account_disabled". Audit "auth.login",
 * "auth.login_failed", "auth.locked". */
int auth_login(struct ctx *c, const char *login, const char *password,
    const char *user_agent, struct auth_session *out, json_t **user_out,
    struct err *e);

/* Password recovery (service/account/reset.c): a six-digit code by SMS to
 * the account's registered mobile, valid 10 minutes, 5 tries. request
 * answers 0 whether or not login and mobile matched; confirm sets the new
 * password and ends the account's sessions, or 422 (field "code"). Both
 * 429 past their per-minute limits. */
int auth_reset_request(struct ctx *c, const char *login, const char *mobile,
    struct err *e);
int auth_reset_confirm(struct ctx *c, const char *login, const char *code,
    const char *new_password, struct err *e);

/* Ends the acting user's session with this token hash (from
 * http_req.session_hash). Audit "auth.logout". */
int auth_logout(struct ctx *c, const char *token_hash, struct err *e);

/* Password policy: at least 8 characters (not bytes), at most
 * LIMIT_PASSWORD_BYTES bytes, valid UTF-8, at least three of lower-case,
 * upper-case, digit, other; not a common password (deny-list, also with
 * digits or symbols appended); not containing login (the ID number, credit
 * code or user name; may be NULL). field names the input in e. */
int auth_password_check(const char *password, const char *field,
    const char *login, struct err *e);
/* Argon2id hash string of password into out. */
int auth_password_hash(const char *password,
    char out[AUTH_PASSWORD_HASH_MAX], struct err *e);
/* True when password matches the stored hash string. */
bool auth_password_verify(const char *hash, const char *password);
/* Verifies password against a hash of a random password, so that an unknown
 * login costs the time a known one does. */
void auth_password_verify_dummy(const char *password);
/* True when hash was made with weaker settings than today's. */
bool auth_password_needs_rehash(const char *hash);

/* Copies a person's or organisation's name without surrounding blanks into
 * out (LIMIT_NAME_CHARS * 4 + 1 bytes suffice); checks UTF-8, control
 * characters and 1..LIMIT_NAME_CHARS code points (ERR_INVALID, field
 * "name"). */
int auth_check_name(const char *in, char *out, size_t outsz, struct err *e);

/* Normalises a login for look-up and storage: a valid ID number or credit
 * code (after upper-casing) upper-case, anything else lower-case ASCII.
 * Returns 0, or -1 when in is empty, too long or not printable ASCII. */
int auth_login_normalise(const char *in, char *out, size_t outsz);

/* Makes sure libsodium is initialised (idempotent, thread-safe). */
int auth_crypto_init(struct err *e);

/* --- session.c --- */

/* Fills s with a fresh random token, its hash and a CSRF token; times from
 * clock_now() and cfg->session_absolute_s. No database work. */
int session_token_new(const struct ctx *c, struct auth_session *s,
    struct err *e);
/* Stores the session row (must run inside db_tx). ua is sanitised. */
int session_insert(struct ctx *c, int64_t user_id,
    const struct auth_session *s, const char *user_agent, struct err *e);
/* hex SHA-256 of a raw token. */
void session_token_hash(const char *token, char out[AUTH_HASH_HEX + 1]);
/* The CSRF token of a live session, from the cache or the database. */
int session_csrf(struct ctx *c, const char *token_hash,
    char out[AUTH_HASH_HEX + 1], struct err *e);
/* Drops one session, or every session of a user, from the cache (call after
 * the commit that deleted them or changed the user). */
void session_cache_forget(const char *token_hash);
void session_cache_forget_user(int64_t user_id);


/* me_extra.h - the parts of GET /api/me that are not in the session's actor
 * (service/me_extra.c): the account's own mobile number and, for clerks,
 * the name and number of their window.
 *
 * Served from a small per-user cache (ME_EXTRA_TTL seconds), so that
 * GET /api/me stays free of database work in the common case; a renamed
 * window shows its new name within that time. */

#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"

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


/* realname.h - real-name levels of applicant accounts (实名等级,
 * service/account/realname.c; the rule of who owns a case is
 * actor_is_applicant_of in service/platform).
 *
 * Applicant side (the acting person or enterprise account):
 *   realname_status: {level: "verified"|"unverified", method, verified_at,
 *     sms_mobile_masked (the walk-in mobile a code would go to, or null),
 *     provincial (whether the provincial service is configured)}.
 *   realname_sms_request: a code to the mobile of the latest walk-in case of
 *     the account's ID number; {mobile_masked, ttl_seconds}. 422
 *     no_walkin_mobile; 409 already_verified; 429 past the limits.
 *   realname_sms_confirm: 422 bad_code (wrong, expired or spent: 5 tries).
 *   realname_provincial: asks realname.provincial_url; 422
 *     provincial_mismatch, 503 provincial_failed.
 * Window side (clerks; the clerk has checked the ID card or licence):
 *   realname_window_lookup: {idno_masked, kind, account|null}.
 *   realname_window_confirm: the holder's account, when the mobile the
 *     holder gives is the account's (422 mobile_mismatch otherwise).
 *   realname_window_reclaim: detaches the account holding the number (if
 *     any) and opens a verified one for the holder with name and mobile;
 *     {user_id, reclaimed, mobile_masked}. Audit "realname.reclaim" or
 *     "realname.open".
 * realname_mark_verified: the system actor only (demo data, operators). */
int realname_status(struct ctx *c, json_t **out, struct err *e);
int realname_sms_request(struct ctx *c, json_t **out, struct err *e);
int realname_sms_confirm(struct ctx *c, const char *code, struct err *e);
int realname_provincial(struct ctx *c, struct err *e);
int realname_window_lookup(struct ctx *c, const char *idno, json_t **out,
    struct err *e);
int realname_window_confirm(struct ctx *c, const char *idno,
    const char *mobile, struct err *e);
int realname_window_reclaim(struct ctx *c, const char *idno,
    const char *name, const char *mobile, json_t **out, struct err *e);
int realname_mark_verified(struct ctx *c, int64_t user_id,
    const char *method, struct err *e);

#endif
