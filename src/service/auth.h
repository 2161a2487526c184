/* auth.h - registration, passwords, login and logout (service/auth.c), and
 * the session helpers of service/session.c that session.h does not list.
 *
 * Passwords are hashed with Argon2id (libsodium crypto_pwhash_str). Logins
 * are normalised: an ID number or credit code upper-case, a staff user name
 * lower-case (auth_login_normalise). After cfg->login_max_failures wrong
 * passwords in a row an account is locked for cfg->login_lock_s seconds. */
#ifndef ONETRIP_SERVICE_AUTH_H
#define ONETRIP_SERVICE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

#define AUTH_TOKEN_CHARS 43      /* base64url (no padding) of 32 bytes */
#define AUTH_HASH_HEX 64         /* hex SHA-256 */
#define AUTH_PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
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

/* Checks login/password and opens a session. user_agent may be NULL.
 * *user_out (if not NULL) gets a new reference to the user object.
 * Errors: ERR_UNAUTHENTICATED "bad_credentials" (also for unknown logins,
 * after the same hashing work), ERR_LOCKED "account_locked",
 * ERR_FORBIDDEN "account_disabled". Audit "auth.login",
 * "auth.login_failed", "auth.locked". */
int auth_login(struct ctx *c, const char *login, const char *password,
    const char *user_agent, struct auth_session *out, json_t **user_out,
    struct err *e);

/* Ends the acting user's session with this token hash (from
 * http_req.session_hash). Audit "auth.logout". */
int auth_logout(struct ctx *c, const char *token_hash, struct err *e);

/* Password policy: 8..LIMIT_PASSWORD_BYTES bytes, valid UTF-8, at least three
 * of lower-case, upper-case, digit, other. field names the input in e. */
int auth_password_check(const char *password, const char *field,
    struct err *e);
/* Argon2id hash string of password into out. */
int auth_password_hash(const char *password,
    char out[AUTH_PASSWORD_HASH_MAX], struct err *e);
/* True when password matches the stored hash string. */
bool auth_password_verify(const char *hash, const char *password);

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

#endif
