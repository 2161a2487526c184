/* auth.c - registration, login with throttling, logout (passwords:
 * password.c).
 *
 * Argon2id runs outside any transaction: it takes tens of milliseconds and
 * must not hold the SQLite write lock. Only the outcome (counter, lock,
 * session row, audit record) is written, in one transaction. */
#include "service/account/account.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/config.h"
#include "base/clock.h"
#include "base/idno.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/utf8.h"
#include "service/platform/platform.h"
#include "store/db.h"


int
auth_login_normalise(const char *in, char *out, size_t outsz)
{
	char up[AUTH_LOGIN_MAX + 1];
	size_t n;
	bool id;

	if (in == NULL || outsz == 0)
		return -1;
	n = strlen(in);
	if (n == 0 || n > AUTH_LOGIN_MAX || n >= outsz)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch <= 0x20 || ch >= 0x7f)
			return -1;
		up[i] = (char)toupper(ch);
	}
	up[n] = '\0';
	id = idno_person_valid(up) || idno_credit_code_valid(up);
	for (size_t i = 0; i <= n; i++)
		out[i] = id ? up[i] : (char)tolower((unsigned char)in[i]);
	return 0;
}

static int
lock_limit(const struct ctx *c, int *max_failures)
{
	int n = 0, s = 0;

	if (c->cfg != NULL) {
		n = c->cfg->login_max_failures;
		s = c->cfg->login_lock_s;
	}
	*max_failures = n > 0 ? n : 5;
	return s > 0 ? s : 15 * 60;
}

/* --- registration --- */

static int
check_person_idno(const char *s, struct err *e)
{
	size_t n = strlen(s);

	if (n != 18)
		return err_field(e, ERR_INVALID, "idno", "invalid_id_number",
		    "身份证号码应为 18 位");
	for (size_t i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return err_field(e, ERR_INVALID, "idno",
			    "invalid_id_number", "身份证号码格式不正确：前 17 位"
			    "应为数字");
	if (idno_person_check(s) != s[17])
		return err_field(e, ERR_INVALID, "idno", "invalid_id_number",
		    "身份证号码校验码不正确，请核对后重新输入");
	if (!idno_person_valid(s))
		return err_field(e, ERR_INVALID, "idno", "invalid_id_number",
		    "身份证号码中的出生日期或地区码不正确，请核对后重新输入");
	return 0;
}

static int
check_credit_code(const char *s, struct err *e)
{
	if (strlen(s) != 18)
		return err_field(e, ERR_INVALID, "idno", "invalid_credit_code",
		    "统一社会信用代码应为 18 位");
	if (idno_credit_code_check(s) == 0)
		return err_field(e, ERR_INVALID, "idno", "invalid_credit_code",
		    "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）");
	if (!idno_credit_code_valid(s))
		return err_field(e, ERR_INVALID, "idno", "invalid_credit_code",
		    "统一社会信用代码校验码不正确，请核对后重新输入");
	return 0;
}

int
auth_check_name(const char *in, char *out, size_t outsz, struct err *e)
{
	size_t n, chars;
	const char *p = in;

	if (in == NULL)
		return err_field(e, ERR_INVALID, "name", "name_required",
		    "请输入名称");
	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return err_field(e, ERR_INVALID, "name", "name_required",
		    "请输入名称");
	chars = utf8_chars(p, n);
	if (chars == (size_t)-1)
		return err_field(e, ERR_INVALID, "name", "bad_utf8",
		    "名称含有无效字符");
	if (chars > LIMIT_NAME_CHARS || n >= outsz)
		return err_field(e, ERR_INVALID, "name", "name_too_long",
		    "名称过长，最多 %d 个字", LIMIT_NAME_CHARS);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch < 0x20 || ch == 0x7f)
			return err_field(e, ERR_INVALID, "name", "invalid_name",
			    "名称不能包含控制字符");
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

struct register_tx {
	struct ctx *c;
	char kind;
	const char *login;
	const char *name;
	const char *mobile;
	const char *hash;
	int64_t id;
};

static int
register_fn(struct db *db, void *arg, struct err *e)
{
	struct register_tx *t = arg;
	struct actor self;
	struct ctx sc;
	struct db_stmt *s;
	json_t *sum = NULL;
	char masked[AUTH_LOGIN_MAX + 1], idbuf[24];
	char kind[2] = { t->kind, '\0' };
	int64_t now = clock_now();
	int rc;

	s = db_query(db, e, "INSERT INTO users (kind, login, name, mobile, "
	    "password_hash, roles, failed_logins, locked_until, disabled, "
	    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?) "
	    "RETURNING id", "sssssIii", kind,
	    t->login, t->name, t->mobile, t->hash, (int)ROLE_APPLICANT, now,
	    now);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "INSERT users returned "
		    "no id");

	/* A self-registration is recorded as the new user's own act. */
	sc = *t->c;
	if (sc.actor == NULL || sc.actor->kind == ACTOR_NONE) {
		memset(&self, 0, sizeof(self));
		self.user_id = t->id;
		self.kind = (enum actor_kind)t->kind;
		self.roles = ROLE_APPLICANT;
		snprintf(self.login, sizeof(self.login), "%s", t->login);
		snprintf(self.role_used, sizeof(self.role_used), "applicant");
		sc.actor = &self;
	}
	idno_mask(t->login, masked, sizeof(masked));
	sum = json_pack("{s:s, s:s, s:s}", "kind",
	    t->kind == 'P' ? "person" : "enterprise", "login", masked,
	    "name", t->name);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	rc = audit_append(&sc, "user.register", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

struct taken_sms {
	struct ctx *c;
	const char *mobile;
};

static int
taken_sms_fn(struct db *db, void *arg, struct err *e)
{
	struct taken_sms *t = arg;

	(void)db;
	return notify_sms(t->c, t->mobile, 0, "register_taken",
	    "您提交的证件号码已注册过账户。如该账户不是您本人注册，请携带证件"
	    "到政务服务大厅窗口办理实名核验，收回该证件号码。", e);
}

int
auth_register(struct ctx *c, enum actor_kind kind, const char *idno,
    const char *name, const char *mobile, const char *password,
    json_t **user_out, int64_t *id_out, struct err *e)
{
	struct register_tx t;
	char login[AUTH_LOGIN_MAX + 1];
	char nm[LIMIT_NAME_CHARS * 4 + 1];
	char hash[AUTH_PASSWORD_HASH_MAX];
	size_t n;
	int rc;

	if (user_out != NULL)
		*user_out = NULL;
	if (kind != ACTOR_PERSON && kind != ACTOR_ENTERPRISE)
		return err_field(e, ERR_INVALID, "kind", "invalid_kind",
		    "请选择注册类型：自然人或法人");
	if (idno == NULL || idno[0] == '\0')
		return err_field(e, ERR_INVALID, "idno", "idno_required",
		    kind == ACTOR_PERSON ? "请输入身份证号码" :
		    "请输入统一社会信用代码");
	n = strlen(idno);
	if (n > 18) {
		login[0] = '\0';
	} else {
		for (size_t i = 0; i <= n; i++)
			login[i] = (char)toupper((unsigned char)idno[i]);
	}
	if (kind == ACTOR_PERSON)
		rc = check_person_idno(login, e);
	else
		rc = check_credit_code(login, e);
	if (rc != 0)
		return rc;
	rc = auth_check_name(name, nm, sizeof(nm), e);
	if (rc != 0)
		return rc;
	if (mobile == NULL || mobile[0] == '\0')
		return err_field(e, ERR_INVALID, "mobile", "mobile_required",
		    "请输入手机号码");
	if (!idno_mobile_valid(mobile))
		return err_field(e, ERR_INVALID, "mobile", "invalid_mobile",
		    "手机号码格式不正确，应为 11 位数字");
	rc = auth_password_check(password, "password", login, e);
	if (rc != 0)
		return rc;

	/* Friendly early answer; the unique index still decides races. */
	{
		int64_t one = 0;

		rc = db_query_int(c->db, e, &one, "SELECT 1 FROM users "
		    "WHERE login = ?", "s", login);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW)
			goto taken;
	}
	rc = auth_password_hash(password, hash, e);
	if (rc != 0)
		return rc;

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.kind = (char)kind;
	t.login = login;
	t.name = nm;
	t.mobile = mobile;
	t.hash = hash;
	rc = db_tx(c->db, register_fn, &t, e);
	sodium_memzero(hash, sizeof(hash));
	if (rc == -ERR_CONFLICT)
		goto taken;
	if (rc != 0)
		return rc;
	if (id_out != NULL)
		*id_out = t.id;
	if (user_out != NULL)
		return user_json_by_id(c, t.id, false, user_out, e);
	return 0;
taken:
	return err_field(e, ERR_CONFLICT, "idno", "login_taken",
	    kind == ACTOR_PERSON ? "该证件号码已注册" :
	    "该统一社会信用代码已注册");
}

int
auth_register_public(struct ctx *c, enum actor_kind kind, const char *idno,
    const char *name, const char *mobile, const char *password,
    int64_t *id_out, struct err *e)
{
	struct err quiet;
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	rc = auth_register(c, kind, idno, name, mobile, password, NULL, id_out,
	    e);
	if (rc != -ERR_CONFLICT || strcmp(e->key, "login_taken") != 0)
		return rc;
	/* Taken: the same answer, the same work (a hash), and word to the
	 * mobile given of how the real holder reclaims the number. */
	err_clear(e);
	err_clear(&quiet);
	{
		char hash[AUTH_PASSWORD_HASH_MAX];

		if (auth_password_hash(password, hash, &quiet) == 0)
			sodium_memzero(hash, sizeof(hash));
	}
	if (platform_rate_take("register-taken", c->client_ip, 5, &quiet) == 0 &&
	    platform_rate_take("register-taken-m", mobile, 1, &quiet) == 0) {
		struct taken_sms t = { c, mobile };

		(void)db_tx(c->db, taken_sms_fn, &t, &quiet);
	}
	return 0;
}

/* --- login --- */

struct login_user {
	int64_t id;
	char kind;
	char login[AUTH_LOGIN_MAX + 1];
	char hash[AUTH_PASSWORD_HASH_MAX];
	unsigned roles;
	int disabled;
};

static int
load_login_user(struct ctx *c, const char *login, struct login_user *u,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(c->db, e, "SELECT id, kind, login, password_hash, roles, "
	    "0, disabled FROM users WHERE login = ?", "s", login);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		u->id = db_col_int(s, 0);
		u->kind = db_col_text(s, 1)[0];
		snprintf(u->login, sizeof(u->login), "%s", db_col_text(s, 2));
		snprintf(u->hash, sizeof(u->hash), "%s", db_col_text(s, 3));
		u->roles = (unsigned)db_col_int(s, 4);
		u->disabled = (int)db_col_int(s, 6);
	}
	db_finish(s);
	return rc;
}

static void
actor_of(const struct login_user *u, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user_id = u->id;
	a->kind = (enum actor_kind)u->kind;
	a->roles = u->roles;
	snprintf(a->login, sizeof(a->login), "%s", u->login);
	snprintf(a->role_used, sizeof(a->role_used), "%s",
	    user_primary_role(a->kind, a->roles));
}

/* --- throttling ---
 *
 * Before a password is evaluated, one attempt is claimed in each of three
 * scopes (login_throttle): the login at this address ('pair'), the login
 * from every address ('login'), the address across logins ('addr'). The
 * claim is the conditional UPDATE that checks the limit, so concurrent
 * guesses cannot overtake the count; when any scope refuses, nothing is
 * claimed (the transaction rolls back) and no password is evaluated. A
 * failure that reaches a scope's limit delays that scope by
 * login.delay_seconds, doubled at each further block up to
 * login.lock_seconds (also the counting window). Unknown logins are
 * throttled exactly like known ones, so the answers tell nothing. */

enum { SCOPE_PAIR, SCOPE_LOGIN, SCOPE_ADDR, NSCOPES };
static const char *const scope_names[NSCOPES] = { "pair", "login", "addr" };

struct throttle {
	char keys[NSCOPES][AUTH_LOGIN_MAX + 64];
	int limits[NSCOPES];
	int window_s;
	int delay_s;
	int64_t wait_s;             /* out: seconds to wait when refused */
};

static void
throttle_init(const struct ctx *c, const char *login, struct throttle *t)
{
	const struct config *cfg = c->cfg;
	const char *addr = c->client_ip != NULL && c->client_ip[0] != '\0' ?
	    c->client_ip : "-";

	memset(t, 0, sizeof(*t));
	snprintf(t->keys[SCOPE_PAIR], sizeof(t->keys[0]), "%s|%s", login, addr);
	snprintf(t->keys[SCOPE_LOGIN], sizeof(t->keys[0]), "%s", login);
	snprintf(t->keys[SCOPE_ADDR], sizeof(t->keys[0]), "%s", addr);
	t->window_s = lock_limit(c, &t->limits[SCOPE_PAIR]);
	t->limits[SCOPE_LOGIN] = cfg != NULL && cfg->login_account_max_failures >
	    0 ? cfg->login_account_max_failures : 20;
	t->limits[SCOPE_ADDR] = cfg != NULL && cfg->login_address_max_failures >
	    0 ? cfg->login_address_max_failures : 50;
	t->delay_s = cfg != NULL && cfg->login_delay_s > 0 ?
	    cfg->login_delay_s : 60;
}

static int
throttled_error(struct err *e, int64_t wait_s)
{
	int64_t minutes = (wait_s + 59) / 60;

	if (minutes < 1)
		minutes = 1;
	return err_set(e, ERR_LOCKED, "account_locked", "登录失败次数过多，"
	    "请 %" PRId64 " 分钟后再试", minutes);
}

/* The seconds scope i of t still waits (0: not blocked). */
static int
scope_wait(struct db *db, const struct throttle *t, int i, int64_t now,
    int64_t *wait, struct err *e)
{
	int64_t until = 0;
	int rc;

	rc = db_query_int(db, e, &until, "SELECT blocked_until FROM "
	    "login_throttle WHERE scope = ? AND key = ?", "ss", scope_names[i],
	    t->keys[i]);
	if (rc < 0)
		return rc;
	*wait = rc == DB_ROW && until > now ? until - now : 0;
	return 0;
}

static int
claim_fn(struct db *db, void *arg, struct err *e)
{
	struct throttle *t = arg;
	int64_t now = clock_now(), old = now - t->window_s, wait;
	struct db_stmt *s;
	int i, rc;

	t->wait_s = 0;
	for (i = 0; i < NSCOPES; i++) {
		rc = db_exec(db, e, "INSERT INTO login_throttle (scope, key, "
		    "window_start, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT "
		    "(scope, key) DO NOTHING", "ssii", scope_names[i], t->keys[i],
		    now, now);
		if (rc < 0)
			return rc;
		s = db_query(db, e, "UPDATE login_throttle SET failures = CASE "
		    "WHEN window_start < ? THEN 1 ELSE failures + 1 END, "
		    "window_start = CASE WHEN window_start < ? THEN ? ELSE "
		    "window_start END, updated_at = ? WHERE scope = ? AND key = ? "
		    "AND blocked_until <= ? AND (failures < ? OR window_start < ?) "
		    "RETURNING failures", "iiiissiii", old, old, now, now,
		    scope_names[i], t->keys[i], now, (int64_t)t->limits[i], old);
		if (s == NULL)
			return err_rc(e);
		rc = db_step(s, e);
		db_finish(s);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW)
			continue;
		/* Refused: the limit is reached (perhaps by attempts still
		 * being evaluated) or the scope is blocked. */
		rc = scope_wait(db, t, i, now, &wait, e);
		if (rc != 0)
			return rc;
		t->wait_s = wait > 0 ? wait : t->delay_s;
		return throttled_error(e, t->wait_s);
	}
	return 0;
}

struct fail_tx {
	struct ctx *c;
	const struct throttle *t;
	const char *login;
	bool blocked;               /* out: this failure blocked a scope */
};

static int
login_failed_fn(struct db *db, void *arg, struct err *e)
{
	struct fail_tx *f = arg;
	const struct throttle *t = f->t;
	struct ctx sc = *f->c;
	struct actor sys;
	struct db_stmt *s;
	json_t *sum;
	char masked[AUTH_LOGIN_MAX + 1];
	int64_t now = clock_now(), failures = 0, strikes = 0, delay;
	int i, rc;

	f->blocked = false;
	for (i = 0; i < NSCOPES; i++) {
		s = db_query(db, e, "UPDATE login_throttle SET total = total + 1, "
		    "updated_at = ? WHERE scope = ? AND key = ? RETURNING "
		    "failures, strikes", "iss", now, scope_names[i], t->keys[i]);
		if (s == NULL)
			return err_rc(e);
		rc = db_step(s, e);
		if (rc == DB_ROW) {
			failures = db_col_int(s, 0);
			strikes = db_col_int(s, 1);
		}
		db_finish(s);
		if (rc < 0)
			return rc;
		if (rc != DB_ROW || failures < t->limits[i])
			continue;
		delay = (int64_t)t->delay_s << (strikes < 16 ? strikes : 16);
		if (delay > t->window_s)
			delay = t->window_s;
		rc = db_exec(db, e, "UPDATE login_throttle SET failures = 0, "
		    "window_start = ?, strikes = strikes + 1, blocked_until = ? "
		    "WHERE scope = ? AND key = ? AND blocked_until <= ?", "iissi",
		    now, now + delay, scope_names[i], t->keys[i], now);
		if (rc < 0)
			return rc;
		/* One audit record per block, not one per failed login. */
		idno_mask(i == SCOPE_ADDR ? "" : f->login, masked, sizeof(masked));
		actor_system(&sys, "login");
		sc.actor = &sys;
		sum = json_pack("{s:s, s:s, s:I, s:I}", "scope", scope_names[i],
		    "login", masked, "failures", (json_int_t)failures,
		    "delay_s", (json_int_t)delay);
		rc = audit_append(&sc, "auth.throttled", "login", "", sum, e);
		json_decref(sum);
		if (rc != 0)
			return rc;
		f->blocked = true;
	}
	return 0;
}

struct ok_tx {
	struct ctx *c;
	const struct throttle *t;
	const struct login_user *u;
	const char *new_hash;       /* rehash, or NULL */
	const struct auth_session *sess;
	const char *user_agent;
};

static int
login_ok_fn(struct db *db, void *arg, struct err *e)
{
	struct ok_tx *t = arg;
	struct actor a;
	struct ctx sc = *t->c;
	json_t *sum;
	char idbuf[24];
	int64_t now = clock_now(), wait = 0;
	int idle = 0;
	int rc, i;

	/* Blocked while this password was being evaluated: the right password
	 * in a burst of guesses does not get in. */
	for (i = SCOPE_PAIR; i <= SCOPE_LOGIN; i++) {
		rc = scope_wait(db, t->t, i, now, &wait, e);
		if (rc != 0)
			return rc;
		if (wait > 0)
			return throttled_error(e, wait);
	}
	rc = db_exec(db, e, "UPDATE login_throttle SET failures = 0, "
	    "strikes = 0 WHERE (scope = 'pair' AND key = ?) OR "
	    "(scope = 'login' AND key = ?)", "ss", t->t->keys[SCOPE_PAIR],
	    t->t->keys[SCOPE_LOGIN]);
	if (rc < 0)
		return rc;
	/* The address's claim was not a failure. */
	rc = db_exec(db, e, "UPDATE login_throttle SET failures = failures - 1 "
	    "WHERE scope = 'addr' AND key = ? AND failures > 0", "s",
	    t->t->keys[SCOPE_ADDR]);
	if (rc < 0)
		return rc;
	actor_of(t->u, &a);
	sc.actor = &a;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->u->id);
	if (t->new_hash != NULL)
		rc = db_exec(db, e, "UPDATE users SET failed_logins = 0, "
		    "locked_until = 0, password_hash = ?, updated_at = ? "
		    "WHERE id = ?", "sii", t->new_hash, now, t->u->id);
	else
		rc = db_exec(db, e, "UPDATE users SET failed_logins = 0, "
		    "locked_until = 0 WHERE id = ? AND (failed_logins <> 0 OR "
		    "locked_until <> 0)", "i", t->u->id);
	if (rc < 0)
		return rc;
	/* Housekeeping: this user's sessions that can no longer be used. */
	if (t->c->cfg != NULL)
		idle = t->c->cfg->session_idle_s;
	if (idle <= 0)
		idle = 30 * 60;
	rc = db_exec(db, e, "DELETE FROM sessions WHERE user_id = ? AND "
	    "(expires_at <= ? OR last_seen_at < ?)", "iii", t->u->id, now,
	    now - idle);
	if (rc < 0)
		return rc;
	rc = session_insert(&sc, t->u->id, t->sess, t->user_agent, e);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:I, s:b}", "expires_at",
	    (json_int_t)t->sess->expires_at, "rehashed", t->new_hash != NULL);
	rc = audit_append(&sc, "auth.login", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static int
bad_credentials(struct err *e)
{
	return err_set(e, ERR_UNAUTHENTICATED, "bad_credentials",
	    "账号或密码错误");
}

int
auth_login(struct ctx *c, const char *login, const char *password,
    const char *user_agent, struct auth_session *out, json_t **user_out,
    struct err *e)
{
	struct login_user u;
	struct throttle th;
	struct fail_tx ft;
	struct ok_tx ot;
	char norm[AUTH_LOGIN_MAX + 1];
	char new_hash[AUTH_PASSWORD_HASH_MAX];
	bool known, good, rehash = false;
	int rc;

	if (user_out != NULL)
		*user_out = NULL;
	if (login == NULL || login[0] == '\0')
		return err_field(e, ERR_INVALID, "login", "login_required",
		    "请输入账号");
	if (password == NULL || password[0] == '\0')
		return err_field(e, ERR_INVALID, "password",
		    "password_required", "请输入密码");
	rc = auth_crypto_init(e);
	if (rc != 0)
		return rc;

	memset(&u, 0, sizeof(u));
	known = false;
	if (auth_login_normalise(login, norm, sizeof(norm)) == 0) {
		rc = load_login_user(c, norm, &u, e);
		if (rc < 0)
			return rc;
		known = rc == DB_ROW;
	} else {
		/* Not a possible login: throttled under one key. */
		snprintf(norm, sizeof(norm), "%s", "?");
	}

	throttle_init(c, norm, &th);
	rc = db_tx(c->db, claim_fn, &th, e);
	if (rc != 0)
		return rc;

	/* The same Argon2id work whether or not the login exists. */
	if (strlen(password) > LIMIT_PASSWORD_BYTES) {
		auth_password_verify_dummy(password);
		good = false;
	} else if (known) {
		good = auth_password_verify(u.hash, password);
	} else {
		auth_password_verify_dummy(password);
		good = false;
	}

	if (!good) {
		memset(&ft, 0, sizeof(ft));
		ft.c = c;
		ft.t = &th;
		ft.login = norm;
		rc = db_tx(c->db, login_failed_fn, &ft, e);
		if (rc != 0)
			return rc;
		if (ft.blocked)
			log_info("auth: logins delayed after repeated failures");
		return bad_credentials(e);
	}
	if (u.disabled)
		return err_set(e, ERR_FORBIDDEN, "account_disabled",
		    "账户已停用，请联系管理员");

	if (auth_password_needs_rehash(u.hash)) {
		rc = auth_password_hash(password, new_hash, e);
		if (rc != 0)
			return rc;
		rehash = true;
	}
	rc = session_token_new(c, out, e);
	if (rc != 0)
		return rc;
	memset(&ot, 0, sizeof(ot));
	ot.c = c;
	ot.t = &th;
	ot.u = &u;
	ot.new_hash = rehash ? new_hash : NULL;
	ot.sess = out;
	ot.user_agent = user_agent;
	rc = db_tx(c->db, login_ok_fn, &ot, e);
	sodium_memzero(u.hash, sizeof(u.hash));
	if (rc != 0) {
		sodium_memzero(out, sizeof(*out));
		return rc;
	}
	if (user_out != NULL) {
		rc = user_json_by_id(c, u.id, false, user_out, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* --- logout --- */

struct logout_tx {
	struct ctx *c;
	const char *hash;
	int64_t removed;
};

static int
logout_fn(struct db *db, void *arg, struct err *e)
{
	struct logout_tx *t = arg;
	struct db_stmt *s;
	char idbuf[24];
	int rc;

	t->removed = 0;
	s = db_query(db, e, "DELETE FROM sessions WHERE token_hash = ? AND "
	    "user_id = ? RETURNING user_id", "si", t->hash,
	    t->c->actor->user_id);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW)
		t->removed++;
	db_finish(s);
	if (rc < 0)
		return rc;
	if (t->removed == 0)
		return 0;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->c->actor->user_id);
	return audit_append(t->c, "auth.logout", "user", idbuf, NULL, e);
}

int
auth_logout(struct ctx *c, const char *token_hash, struct err *e)
{
	struct logout_tx t;
	int rc;

	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (token_hash == NULL || strlen(token_hash) != AUTH_HASH_HEX)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.hash = token_hash;
	rc = db_tx(c->db, logout_fn, &t, e);
	session_cache_forget(token_hash);
	return rc;
}
