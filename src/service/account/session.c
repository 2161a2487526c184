/* session.c - login sessions: creation, resolution with an in-memory cache,
 * CSRF tokens.
 *
 * Resolution is on the path of every authenticated request, so a cache hit
 * costs one SHA-256 of 43 bytes and a copy from the one cache of the program
 * (base/ttlcache.h), keyed by the token hash: no database work. An entry is
 * trusted for at most SESSION_CACHE_TTL seconds, after which the row is read
 * again (so a logout or a disabled account in another process takes effect
 * within that time).
 *
 * last_seen_at is written back at most once per SESSION_TOUCH_S seconds per
 * session. The idle check uses the last written value, so a session may
 * expire up to SESSION_TOUCH_S seconds early; that is the price of not
 * writing on every request. The write-back is not audited: it records no
 * decision. */
#include "service/account/account.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/config.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/ttlcache.h"
#include "store/db.h"

#define SESSION_CACHE_SLOTS 2048 /* power of two */
#define SESSION_CACHE_TTL 5      /* seconds an entry is trusted */
#define SESSION_TOUCH_S 60       /* last_seen_at write-back interval */
#define SESSION_UA_MAX 256

struct cache_entry {
	int64_t last_seen_at;
	int64_t expires_at;
	struct session_info info;
};

static struct ttl_cache sessions = TTL_CACHE_INIT("sessions",
    SESSION_CACHE_SLOTS, sizeof(struct cache_entry), SESSION_CACHE_TTL);

static int
cfg_int(const struct ctx *c, int which)
{
	const struct config *cfg = c != NULL ? c->cfg : NULL;
	int v = 0;

	if (cfg != NULL)
		v = which == 0 ? cfg->session_idle_s : cfg->session_absolute_s;
	if (v <= 0)
		v = which == 0 ? 30 * 60 : 12 * 60 * 60;
	return v;
}

static void
to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
session_token_hash(const char *token, char out[AUTH_HASH_HEX + 1])
{
	unsigned char dig[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(dig, (const unsigned char *)token, strlen(token));
	to_hex(dig, sizeof(dig), out);
}

/* A token is exactly 43 base64url characters. */
static bool
token_well_formed(const char *t)
{
	size_t n;

	if (t == NULL)
		return false;
	for (n = 0; t[n] != '\0'; n++) {
		char ch = t[n];

		if (n >= AUTH_TOKEN_CHARS)
			return false;
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
	}
	return n == AUTH_TOKEN_CHARS;
}

int
session_token_new(const struct ctx *c, struct auth_session *s, struct err *e)
{
	unsigned char raw[32];
	unsigned char csrf[32];
	int rc;

	rc = auth_crypto_init(e);
	if (rc != 0)
		return rc;
	memset(s, 0, sizeof(*s));
	randombytes_buf(raw, sizeof(raw));
	randombytes_buf(csrf, sizeof(csrf));
	sodium_bin2base64(s->token, sizeof(s->token), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	session_token_hash(s->token, s->token_hash);
	to_hex(csrf, sizeof(csrf), s->csrf);
	sodium_memzero(raw, sizeof(raw));
	s->created_at = clock_now();
	s->expires_at = s->created_at + cfg_int(c, 1);
	return 0;
}

int
session_insert(struct ctx *c, int64_t user_id, const struct auth_session *s,
    const char *user_agent, struct err *e)
{
	char ua[SESSION_UA_MAX + 1];
	size_t n = 0;
	int rc;

	/* Keep printable ASCII only: the header is untrusted bytes and the
	 * column must hold valid UTF-8. */
	if (user_agent != NULL)
		for (; n < SESSION_UA_MAX && user_agent[n] != '\0'; n++) {
			unsigned char ch = (unsigned char)user_agent[n];

			ua[n] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
		}
	ua[n] = '\0';
	rc = db_exec(c->db, e, "INSERT INTO sessions (token_hash, user_id, "
	    "csrf, created_at, last_seen_at, expires_at, client_ip, user_agent) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "sisiiiss", s->token_hash,
	    user_id, s->csrf, s->created_at, s->created_at, s->expires_at,
	    c->client_ip != NULL ? c->client_ip : "", ua);
	return rc < 0 ? rc : 0;
}

static void
copy_utf8(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz) {
		n = dstsz - 1;
		/* Do not cut a multi-byte character in two. */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
unauthenticated(struct err *e, bool expired)
{
	if (expired)
		return err_set(e, ERR_UNAUTHENTICATED, "session_expired",
		    "登录已过期，请重新登录");
	return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
}

static void
touch(struct ctx *c, const char *hash, int64_t now)
{
	struct err e;

	err_clear(&e);
	if (db_exec(c->db, &e, "UPDATE sessions SET last_seen_at = ? "
	    "WHERE token_hash = ?", "is", now, hash) < 0)
		log_warn("session: last-seen write failed: %s", e.msg);
}

static void
drop_row(struct ctx *c, const char *hash)
{
	struct err e;

	err_clear(&e);
	if (db_exec(c->db, &e, "DELETE FROM sessions WHERE token_hash = ?",
	    "s", hash) < 0)
		log_warn("session: expired row not deleted: %s", e.msg);
}

static bool
expired(const struct ctx *c, int64_t now, int64_t last_seen,
    int64_t expires_at)
{
	return now >= expires_at || last_seen + cfg_int(c, 0) < now;
}

/* Reads the session and its user from the database. */
static int
load(struct ctx *c, const char *hash, struct cache_entry *ent,
    struct err *e)
{
	struct db_stmt *s;
	struct actor *a = &ent->info.actor;
	int rc;

	s = db_query(c->db, e, "SELECT s.user_id, s.csrf, s.last_seen_at, "
	    "s.expires_at, u.kind, u.login, u.name, u.roles, u.dept_id, "
	    "u.window_id, u.disabled, u.realname_level FROM sessions s "
	    "JOIN users u "
	    "ON u.id = s.user_id WHERE s.token_hash = ?", "s", hash);
	if (s == NULL)
		return e != NULL && e->code != ERR_NONE ? -(int)e->code :
		    -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_DONE) {
		rc = unauthenticated(e, false);
		goto out;
	}
	if (rc != DB_ROW)
		goto out;
	if (db_col_int(s, 10) != 0) {
		rc = err_set(e, ERR_UNAUTHENTICATED, "account_disabled",
		    "账户已停用，请联系管理员");
		goto out;
	}
	memset(ent, 0, sizeof(*ent));
	a->user_id = db_col_int(s, 0);
	snprintf(ent->info.csrf, sizeof(ent->info.csrf), "%s",
	    db_col_text(s, 1));
	ent->last_seen_at = db_col_int(s, 2);
	ent->expires_at = db_col_int(s, 3);
	a->kind = (enum actor_kind)(unsigned char)db_col_text(s, 4)[0];
	copy_utf8(a->login, sizeof(a->login), db_col_text(s, 5));
	copy_utf8(a->name, sizeof(a->name), db_col_text(s, 6));
	a->roles = (unsigned)db_col_int(s, 7);
	a->dept_id = db_col_int(s, 8);
	a->window_id = db_col_int(s, 9);
	a->realname = (int)db_col_int(s, 11);
	snprintf(a->role_used, sizeof(a->role_used), "%s",
	    user_primary_role(a->kind, a->roles));
	snprintf(ent->info.token_hash, sizeof(ent->info.token_hash), "%s",
	    hash);
	rc = 0;
out:
	db_finish(s);
	return rc;
}

static void
set_last_seen(void *value, void *arg)
{
	((struct cache_entry *)value)->last_seen_at = *(const int64_t *)arg;
}

int
session_resolve(struct ctx *c, const char *token, struct session_info *out,
    struct err *e)
{
	char hash[AUTH_HASH_HEX + 1];
	struct cache_entry ent = { 0 };
	uint64_t gen;
	int64_t now = clock_now();
	int rc;

	if (!token_well_formed(token))
		return unauthenticated(e, false);
	session_token_hash(token, hash);

	if (ttl_cache_get(&sessions, hash, AUTH_HASH_HEX, &ent)) {
		if (expired(c, now, ent.last_seen_at, ent.expires_at)) {
			session_cache_forget(hash);
			drop_row(c, hash);
			return unauthenticated(e, true);
		}
		if (now - ent.last_seen_at >= SESSION_TOUCH_S) {
			touch(c, hash, now);
			ttl_cache_update(&sessions, hash, AUTH_HASH_HEX,
			    set_last_seen, &now);
		}
		*out = ent.info;
		return 0;
	}

	gen = ttl_cache_generation(&sessions);
	rc = load(c, hash, &ent, e);
	if (rc != 0)
		return rc;
	if (expired(c, now, ent.last_seen_at, ent.expires_at)) {
		drop_row(c, hash);
		return unauthenticated(e, true);
	}
	if (now - ent.last_seen_at >= SESSION_TOUCH_S) {
		touch(c, hash, now);
		ent.last_seen_at = now;
	}
	ttl_cache_put(&sessions, hash, AUTH_HASH_HEX, &ent, gen);
	*out = ent.info;
	return 0;
}

int
session_csrf(struct ctx *c, const char *token_hash,
    char out[AUTH_HASH_HEX + 1], struct err *e)
{
	struct cache_entry ent;
	struct db_stmt *s;
	int rc;

	if (token_hash == NULL || strlen(token_hash) != AUTH_HASH_HEX)
		return unauthenticated(e, false);
	if (ttl_cache_get(&sessions, token_hash, AUTH_HASH_HEX, &ent)) {
		memcpy(out, ent.info.csrf, AUTH_HASH_HEX + 1);
		return 0;
	}

	s = db_query(c->db, e, "SELECT csrf FROM sessions WHERE token_hash = ?",
	    "s", token_hash);
	if (s == NULL)
		return e != NULL && e->code != ERR_NONE ? -(int)e->code :
		    -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(out, AUTH_HASH_HEX + 1, "%s", db_col_text(s, 0));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = unauthenticated(e, false);
	}
	db_finish(s);
	return rc;
}

void
session_cache_forget(const char *token_hash)
{
	if (token_hash == NULL || strlen(token_hash) != AUTH_HASH_HEX)
		return;
	ttl_cache_forget(&sessions, token_hash, AUTH_HASH_HEX);
}

static bool
of_user(const void *value, void *arg)
{
	return ((const struct cache_entry *)value)->info.actor.user_id ==
	    *(const int64_t *)arg;
}

void
session_cache_forget_user(int64_t user_id)
{
	ttl_cache_forget_if(&sessions, of_user, &user_id);
}

void
session_cache_clear(void)
{
	ttl_cache_forget_if(&sessions, NULL, NULL);
}
