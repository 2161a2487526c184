/* reset.c - password recovery by an SMS code to the registered mobile.
 *
 * Asking for a code names the account (ID number, credit code or login) and
 * its registered mobile; when both match, a six-digit code valid for ten
 * minutes is sent through the SMS outbox. The answer is the same whether or
 * not they matched, so the form tells no one which accounts exist. Only the
 * SHA-256 of the code is kept; five wrong codes spend it; a new code
 * replaces the old one. Setting the new password ends every session of the
 * account and lifts a login lock. Both steps are rate-limited per client
 * address and per account. */
#include "service/account/account.h"
#include "service/account/code_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define RESET_TTL_S (10 * 60)
#define RESET_MAX_ATTEMPTS 5
#define RESET_PER_MINUTE 5

void
account_code_new(char out[ACCOUNT_CODE_BYTES])
{
	snprintf(out, ACCOUNT_CODE_BYTES, "%06u",
	    (unsigned)randombytes_uniform(1000000));
}

void
account_code_hash(const char *purpose, int64_t user_id, const char *code,
    char out[AUTH_HASH_HEX + 1])
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s:%" PRId64 ":%s", purpose, user_id, code);
	session_token_hash(buf, out);
	sodium_memzero(buf, sizeof(buf));
}

struct account_ref {
	int64_t id;
	char mobile[32];
};

static int
find_account(struct ctx *c, const char *login, struct account_ref *a,
    struct err *e)
{
	char norm[AUTH_LOGIN_MAX + 1];
	struct db_stmt *s;
	int rc;

	memset(a, 0, sizeof(*a));
	if (login == NULL || strlen(login) > AUTH_LOGIN_MAX ||
	    auth_login_normalise(login, norm, sizeof(norm)) != 0)
		return 0;
	s = db_query(c->db, e, "SELECT id, mobile FROM users WHERE login = ? "
	    "AND disabled = 0", "s", norm);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		a->id = db_col_int(s, 0);
		snprintf(a->mobile, sizeof(a->mobile), "%s", db_col_text(s, 1));
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

struct request_tx {
	struct ctx *c;
	const struct account_ref *a;
	const char *code;
};

static int
request_fn(struct db *db, void *arg, struct err *e)
{
	struct request_tx *t = arg;
	char hash[AUTH_HASH_HEX + 1], text[160], idbuf[24];
	int64_t now = clock_now();
	int rc;

	account_code_hash("reset", t->a->id, t->code, hash);
	/* a new code replaces every earlier one */
	rc = db_exec(db, e, "UPDATE password_resets SET used_at = ? "
	    "WHERE user_id = ? AND used_at IS NULL", "ii", now, t->a->id);
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "INSERT INTO password_resets (user_id, "
	    "code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)", "isii",
	    t->a->id, hash, now, now + RESET_TTL_S);
	if (rc < 0)
		return rc;
	snprintf(text, sizeof(text), "您正在找回密码，验证码%s，10分钟内有效，"
	    "请勿告诉他人。", t->code);
	rc = notify_sms(t->c, t->a->mobile, 0, "password_reset", text, e);
	sodium_memzero(text, sizeof(text));
	if (rc != 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->a->id);
	return audit_append(t->c, "auth.reset_requested", "user", idbuf, NULL,
	    e);
}

int
auth_reset_request(struct ctx *c, const char *login, const char *mobile,
    struct err *e)
{
	struct account_ref a;
	struct request_tx t;
	char code[8];
	int rc;

	if (login == NULL || login[0] == '\0')
		return err_field(e, ERR_INVALID, "login", "required",
		    "请输入证件号码或账号");
	if (mobile == NULL || mobile[0] == '\0')
		return err_field(e, ERR_INVALID, "mobile", "required",
		    "请输入注册时填写的手机号码");
	rc = platform_rate_take("reset", c->client_ip, RESET_PER_MINUTE, e);
	if (rc == 0)
		rc = platform_rate_take("reset-login", login, 2, e);
	if (rc != 0)
		return rc;
	rc = find_account(c, login, &a, e);
	if (rc != 0)
		return rc;
	if (a.id == 0 || a.mobile[0] == '\0' || strcmp(a.mobile, mobile) != 0)
		return 0;   /* the same answer: nothing is said */
	account_code_new(code);
	t.c = c;
	t.a = &a;
	t.code = code;
	rc = db_tx(c->db, request_fn, &t, e);
	sodium_memzero(code, sizeof(code));
	return rc;
}

struct confirm_tx {
	struct ctx *c;
	int64_t user_id;
	const char *hash;          /* of the code given */
	const char *pw_hash;       /* NULL: only count the attempt */
	bool ok;
};

static int
confirm_fn(struct db *db, void *arg, struct err *e)
{
	struct confirm_tx *t = arg;
	struct db_stmt *s;
	char stored[AUTH_HASH_HEX + 1] = "", idbuf[24];
	int64_t now = clock_now(), id = 0;
	int attempts = 0, rc;

	t->ok = false;
	s = db_query(db, e, "SELECT id, code_hash, attempts FROM "
	    "password_resets WHERE user_id = ? AND used_at IS NULL AND "
	    "expires_at > ? ORDER BY id DESC LIMIT 1", "ii", t->user_id, now);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		id = db_col_int(s, 0);
		snprintf(stored, sizeof(stored), "%s", db_col_text(s, 1));
		attempts = (int)db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (id == 0 || attempts >= RESET_MAX_ATTEMPTS)
		return 0;
	if (sodium_memcmp(stored, t->hash, AUTH_HASH_HEX) != 0)
		return db_exec(db, e, "UPDATE password_resets SET "
		    "attempts = attempts + 1 WHERE id = ?", "i", id) < 0 ?
		    err_rc(e) : 0;
	t->ok = true;
	rc = db_exec(db, e, "UPDATE password_resets SET used_at = ? "
	    "WHERE id = ?", "ii", now, id);
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "UPDATE users SET password_hash = ?, "
	    "failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?",
	    "sii", t->pw_hash, now, t->user_id);
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "DELETE FROM sessions WHERE user_id = ?",
	    "i", t->user_id);
	if (rc < 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->user_id);
	return audit_append(t->c, "auth.password_reset", "user", idbuf, NULL,
	    e);
}

int
auth_reset_confirm(struct ctx *c, const char *login, const char *code,
    const char *new_password, struct err *e)
{
	struct account_ref a;
	struct confirm_tx t;
	char hash[AUTH_HASH_HEX + 1], pw_hash[AUTH_PASSWORD_HASH_MAX];
	int rc;

	if (login == NULL || login[0] == '\0')
		return err_field(e, ERR_INVALID, "login", "required",
		    "请输入证件号码或账号");
	if (code == NULL || strlen(code) != 6 ||
	    strspn(code, "0123456789") != 6)
		return err_field(e, ERR_INVALID, "code", "invalid_code",
		    "请输入短信中的6位验证码");
	rc = auth_password_check(new_password, "password", login, e);
	if (rc != 0)
		return rc;
	rc = platform_rate_take("reset", c->client_ip, RESET_PER_MINUTE, e);
	if (rc != 0)
		return rc;
	rc = find_account(c, login, &a, e);
	if (rc != 0)
		return rc;
	if (a.id == 0)
		goto bad;
	rc = auth_password_hash(new_password, pw_hash, e);
	if (rc != 0)
		return rc;
	account_code_hash("reset", a.id, code, hash);
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.user_id = a.id;
	t.hash = hash;
	t.pw_hash = pw_hash;
	rc = db_tx(c->db, confirm_fn, &t, e);
	sodium_memzero(pw_hash, sizeof(pw_hash));
	if (rc != 0)
		return rc;
	if (t.ok) {
		session_cache_forget_user(a.id);
		return 0;
	}
bad:
	return err_field(e, ERR_UNPROCESSABLE, "code", "bad_code",
	    "验证码不正确或已失效，请重新获取");
}
