/* realname.c - real-name levels of applicant accounts (实名等级).
 *
 * A self-registered person or enterprise account is unverified: it sees the
 * cases it filed itself and nothing registered for its ID number at a window
 * (the one rule: actor_is_applicant_of, service/platform/ctx.c). It becomes
 * verified in one of three ways, each audited "realname.verify":
 *   - at a window: a clerk checks the ID card (or business licence) and the
 *     holder gives the account's registered mobile (realname_window_confirm);
 *   - by a one-time code sent to the mobile recorded on the most recent
 *     walk-in case of that ID number (realname_sms_request / _confirm): six
 *     digits, only their SHA-256 kept, valid 10 minutes, 5 tries, a new code
 *     replaces the old one, at most RN_CODES_PER_DAY codes a day;
 *   - through the provincial identity service at realname.provincial_url
 *     (provincial.c): ID number, name and the account's mobile must match.
 * Verifying links the window cases, 一件事 cases and certificates of that ID
 * number to the account, so notifications and certificates reach it.
 *
 * A number taken by someone else is reclaimed at a window
 * (realname_window_reclaim): the clerk checks the ID card, the account that
 * holds the number is detached (login renamed "reclaimed.<id>", disabled,
 * sessions ended) and a verified account for the holder takes the number;
 * its password is set through 忘记密码 with the mobile given at the window. */
#include "service/account/account.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/idno.h"
#include "service/account/code_internal.h"
#include "service/account/realname_internal.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define RN_TTL_S (10 * 60)
#define RN_MAX_ATTEMPTS 5
#define RN_PER_MINUTE 30       /* per client address (a hall may share one) */
#define RN_CODES_PER_MINUTE 2  /* per account */
#define RN_CODES_PER_DAY 5

/* ---- the account ---- */

struct rn_account {
	int64_t id;
	char kind;
	char login[AUTH_LOGIN_MAX + 1];
	char name[LIMIT_NAME_CHARS * 4 + 1];
	char mobile[32];
	int level;
	char method[16];
	int64_t at, created_at;
	int disabled;
};

static int
load_account(struct db *db, const char *where, const char *types,
    const void *key, struct rn_account *u, struct err *e)
{
	char sql[256];
	struct db_stmt *s;
	int rc;

	memset(u, 0, sizeof(*u));
	snprintf(sql, sizeof(sql), "SELECT id, kind, login, name, "
	    "COALESCE(mobile, ''), realname_level, realname_method, "
	    "realname_at, created_at, disabled FROM users WHERE %s", where);
	s = types[0] == 'i' ? db_query(db, e, sql, "i", *(const int64_t *)key) :
	    db_query(db, e, sql, "s", (const char *)key);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		u->id = db_col_int(s, 0);
		u->kind = db_col_text(s, 1)[0];
		snprintf(u->login, sizeof(u->login), "%s", db_col_text(s, 2));
		snprintf(u->name, sizeof(u->name), "%s", db_col_text(s, 3));
		snprintf(u->mobile, sizeof(u->mobile), "%s", db_col_text(s, 4));
		u->level = (int)db_col_int(s, 5);
		snprintf(u->method, sizeof(u->method), "%s",
		    db_col_text(s, 6));
		u->at = db_col_int(s, 7);
		u->created_at = db_col_int(s, 8);
		u->disabled = (int)db_col_int(s, 9);
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static bool
is_applicant(const struct actor *a)
{
	return a != NULL && a->user_id > 0 && (a->kind == ACTOR_PERSON ||
	    a->kind == ACTOR_ENTERPRISE);
}

static int
applicant_only(const struct actor *a, struct err *e)
{
	if (a == NULL || a->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (!is_applicant(a))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "实名核验只适用于个人和企业账户");
	return 0;
}

/* The mobile of the most recent walk-in case of this ID number ("" none). */
static int
walkin_mobile(struct db *db, const char *idno, char kind, char out[32],
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	out[0] = '\0';
	s = db_query(db, e, "SELECT applicant_mobile FROM cases WHERE "
	    "applicant_idno = ? AND applicant_kind = ? AND channel = 'window' "
	    "AND applicant_mobile <> '' ORDER BY id DESC LIMIT 1", "ss", idno,
	    kind == 'E' ? "E" : "P");
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		snprintf(out, 32, "%s", db_col_text(s, 0));
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* Inside db_tx: marks user verified by method and links what was
 * registered for its ID number. Audit "realname.verify". */
static int
verify_in_tx(struct ctx *c, struct db *db, const struct rn_account *u,
    const char *method, struct err *e)
{
	char idbuf[24];
	int64_t now = clock_now();
	json_t *sum;
	int rc;

	rc = db_exec(db, e, "UPDATE users SET realname_level = 1, "
	    "realname_method = ?, realname_at = ?, updated_at = ? WHERE id = ?",
	    "siii", method, now, now, u->id);
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "UPDATE cases SET applicant_id = ? WHERE "
	    "applicant_idno = ? AND applicant_kind = ? AND applicant_id IS NULL",
	    "iss", u->id, u->login, u->kind == 'E' ? "E" : "P");
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "UPDATE bundle_cases SET applicant_id = ? WHERE "
	    "applicant_idno = ? AND applicant_kind = ? AND applicant_id IS NULL",
	    "iss", u->id, u->login, u->kind == 'E' ? "E" : "P");
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "UPDATE certificates SET holder_user_id = ? WHERE "
	    "holder_idno = ? AND holder_user_id IS NULL", "is", u->id,
	    u->login);
	if (rc < 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, u->id);
	sum = json_pack("{s:s}", "method", method);
	rc = audit_append(c, "realname.verify", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static void
mask(const char *in, char *out, size_t n)
{
	if (in[0] == '\0')
		snprintf(out, n, "%s", "");
	else
		idno_mask(in, out, n);
}

/* ---- the applicant's side ---- */

int
realname_status(struct ctx *c, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	struct rn_account u;
	char mob[32], masked[40];
	const char *url;
	int rc;

	*out = NULL;
	rc = applicant_only(a, e);
	if (rc != 0)
		return rc;
	rc = load_account(c->db, "id = ?", "i", &a->user_id, &u, e);
	if (rc != 0)
		return rc;
	if (u.id == 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	rc = walkin_mobile(c->db, u.login, u.kind, mob, e);
	if (rc != 0)
		return rc;
	mask(mob, masked, sizeof(masked));
	url = config_str("realname.provincial_url");
	*out = json_pack("{s:s, s:s, s:o, s:o, s:b}",
	    "level", u.level >= 1 ? "verified" : "unverified",
	    "method", u.method,
	    "verified_at", u.level >= 1 ? json_integer(u.at) : json_null(),
	    "sms_mobile_masked", mob[0] != '\0' ? json_string(masked) :
	    json_null(),
	    "provincial", url != NULL && url[0] != '\0');
	return 0;
}

struct sms_tx {
	struct ctx *c;
	const struct rn_account *u;
	const char *mobile;
	const char *code;
};

static int
sms_request_fn(struct db *db, void *arg, struct err *e)
{
	struct sms_tx *t = arg;
	char hash[AUTH_HASH_HEX + 1], text[200], idbuf[24];
	int64_t now = clock_now(), n = 0;
	int rc;

	rc = db_query_int(db, e, &n, "SELECT count(*) FROM realname_codes "
	    "WHERE user_id = ? AND created_at > ?", "ii", t->u->id,
	    now - 86400);
	if (rc < 0)
		return rc;
	if (n >= RN_CODES_PER_DAY)
		return err_set(e, ERR_LOCKED, "too_many_codes",
		    "今日获取验证码次数已达上限，请明天再试或到窗口核验");
	account_code_hash("realname", t->u->id, t->code, hash);
	rc = db_exec(db, e, "UPDATE realname_codes SET used_at = ? WHERE "
	    "user_id = ? AND used_at IS NULL", "ii", now, t->u->id);
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "INSERT INTO realname_codes (user_id, mobile, "
	    "code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
	    "issii", t->u->id, t->mobile, hash, now, now + RN_TTL_S);
	if (rc < 0)
		return rc;
	snprintf(text, sizeof(text), "您正在进行白河县政务服务网实名核验，"
	    "验证码%s，10分钟内有效。如非本人操作，请勿告诉他人。", t->code);
	rc = notify_sms(t->c, t->mobile, 0, "realname_code", text, e);
	sodium_memzero(text, sizeof(text));
	if (rc != 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->u->id);
	return audit_append(t->c, "realname.code_sent", "user", idbuf, NULL,
	    e);
}

int
realname_sms_request(struct ctx *c, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	struct rn_account u;
	struct sms_tx t;
	char mob[32], masked[40], code[8];
	int rc;

	*out = NULL;
	rc = applicant_only(a, e);
	if (rc != 0)
		return rc;
	rc = platform_rate_take("realname", c->client_ip, RN_PER_MINUTE, e);
	if (rc == 0)
		rc = platform_rate_take("realname-code", a->login,
		    RN_CODES_PER_MINUTE, e);
	if (rc != 0)
		return rc;
	rc = load_account(c->db, "id = ?", "i", &a->user_id, &u, e);
	if (rc != 0)
		return rc;
	if (u.level >= 1)
		return err_set(e, ERR_CONFLICT, "already_verified",
		    "账户已完成实名核验");
	rc = walkin_mobile(c->db, u.login, u.kind, mob, e);
	if (rc != 0)
		return rc;
	if (mob[0] == '\0')
		return err_set(e, ERR_UNPROCESSABLE, "no_walkin_mobile",
		    "没有窗口办件登记的手机号可用于核验，请携带证件到政务服务大厅"
		    "窗口核验");
	account_code_new(code);
	t.c = c;
	t.u = &u;
	t.mobile = mob;
	t.code = code;
	rc = db_tx(c->db, sms_request_fn, &t, e);
	sodium_memzero(code, sizeof(code));
	if (rc != 0)
		return rc;
	mask(mob, masked, sizeof(masked));
	*out = json_pack("{s:s, s:i}", "mobile_masked", masked, "ttl_seconds",
	    RN_TTL_S);
	return 0;
}

struct confirm_tx {
	struct ctx *c;
	const struct rn_account *u;
	const char *hash;
	bool ok;
};

static int
sms_confirm_fn(struct db *db, void *arg, struct err *e)
{
	struct confirm_tx *t = arg;
	struct db_stmt *s;
	char stored[AUTH_HASH_HEX + 1] = "";
	int64_t now = clock_now(), id = 0, tries = 0;
	int rc;

	t->ok = false;
	s = db_query(db, e, "SELECT id, code_hash FROM realname_codes WHERE "
	    "user_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY id "
	    "DESC LIMIT 1", "ii", t->u->id, now);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		id = db_col_int(s, 0);
		snprintf(stored, sizeof(stored), "%s", db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (id == 0)
		return 0;
	/* Count the try before comparing, in one statement: concurrent
	 * guesses cannot share a try. */
	rc = db_query_int(db, e, &tries, "UPDATE realname_codes SET "
	    "attempts = attempts + 1 WHERE id = ? AND attempts < ? AND "
	    "used_at IS NULL RETURNING attempts", "iI", id, RN_MAX_ATTEMPTS);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return 0;   /* spent */
	if (sodium_memcmp(stored, t->hash, AUTH_HASH_HEX) != 0)
		return 0;
	rc = db_exec(db, e, "UPDATE realname_codes SET used_at = ? WHERE "
	    "id = ?", "ii", now, id);
	if (rc < 0)
		return rc;
	t->ok = true;
	return verify_in_tx(t->c, db, t->u, "sms", e);
}

int
realname_sms_confirm(struct ctx *c, const char *code, struct err *e)
{
	const struct actor *a = c->actor;
	struct rn_account u;
	struct confirm_tx t;
	char hash[AUTH_HASH_HEX + 1];
	int rc;

	rc = applicant_only(a, e);
	if (rc != 0)
		return rc;
	if (code == NULL || strlen(code) != 6 ||
	    strspn(code, "0123456789") != 6)
		return err_field(e, ERR_INVALID, "code", "invalid_code",
		    "请输入短信中的6位验证码");
	rc = platform_rate_take("realname", c->client_ip, RN_PER_MINUTE, e);
	if (rc != 0)
		return rc;
	rc = load_account(c->db, "id = ?", "i", &a->user_id, &u, e);
	if (rc != 0)
		return rc;
	if (u.level >= 1)
		return err_set(e, ERR_CONFLICT, "already_verified",
		    "账户已完成实名核验");
	account_code_hash("realname", u.id, code, hash);
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.u = &u;
	t.hash = hash;
	rc = db_tx(c->db, sms_confirm_fn, &t, e);
	if (rc != 0)
		return rc;
	if (!t.ok)
		return err_field(e, ERR_UNPROCESSABLE, "code", "bad_code",
		    "验证码不正确或已失效，请重新获取");
	session_cache_forget_user(u.id);
	return 0;
}

struct verify_tx {
	struct ctx *c;
	const struct rn_account *u;
	const char *method;
};

static int
verify_fn(struct db *db, void *arg, struct err *e)
{
	struct verify_tx *t = arg;

	return verify_in_tx(t->c, db, t->u, t->method, e);
}

int
realname_provincial(struct ctx *c, struct err *e)
{
	const struct actor *a = c->actor;
	struct rn_account u;
	struct verify_tx t;
	bool match = false;
	int rc;

	rc = applicant_only(a, e);
	if (rc != 0)
		return rc;
	rc = platform_rate_take("realname", c->client_ip, RN_PER_MINUTE, e);
	if (rc == 0)
		rc = platform_rate_take("realname-prov", a->login, 2, e);
	if (rc != 0)
		return rc;
	rc = load_account(c->db, "id = ?", "i", &a->user_id, &u, e);
	if (rc != 0)
		return rc;
	if (u.level >= 1)
		return err_set(e, ERR_CONFLICT, "already_verified",
		    "账户已完成实名核验");
	rc = realname_provincial_check(u.login, u.name, u.mobile, &match, e);
	if (rc != 0)
		return rc;
	if (!match)
		return err_set(e, ERR_UNPROCESSABLE, "provincial_mismatch",
		    "省级身份认证未通过：证件号码、姓名与手机号不一致");
	t.c = c;
	t.u = &u;
	t.method = "provincial";
	rc = db_tx(c->db, verify_fn, &t, e);
	if (rc != 0)
		return rc;
	session_cache_forget_user(u.id);
	return 0;
}

/* ---- the window's side ---- */

static int
clerk_only(const struct actor *a, struct err *e)
{
	if (a != NULL && a->kind == ACTOR_SYSTEM)
		return 0;
	if (a == NULL || a->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (!actor_has(a, ROLE_CLERK))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有窗口人员可以核验身份");
	return 0;
}

/* A person's ID number or a credit code, normalised, and its kind. */
static int
parse_idno(const char *idno, char out[AUTH_LOGIN_MAX + 1], char *kind,
    struct err *e)
{
	if (idno == NULL || idno[0] == '\0')
		return err_field(e, ERR_INVALID, "idno", "idno_required",
		    "请输入证件号码");
	if (strlen(idno) > 18 ||
	    auth_login_normalise(idno, out, AUTH_LOGIN_MAX + 1) != 0)
		goto bad;
	if (idno_person_valid(out))
		*kind = 'P';
	else if (idno_credit_code_valid(out))
		*kind = 'E';
	else
		goto bad;
	return 0;
bad:
	return err_field(e, ERR_INVALID, "idno", "invalid_id_number",
	    "证件号码不正确：应为居民身份证号码或统一社会信用代码");
}

struct lookup_tx {
	struct ctx *c;
	const char *masked;
	int64_t user_id;
};

/* A clerk looking a person up is recorded (who looked at whose account). */
static int
lookup_fn(struct db *db, void *arg, struct err *e)
{
	struct lookup_tx *t = arg;
	char idbuf[24];
	json_t *sum;
	int rc;

	(void)db;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->user_id);
	sum = json_pack("{s:s}", "idno_masked", t->masked);
	rc = audit_append(t->c, "realname.lookup", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
realname_window_lookup(struct ctx *c, const char *idno, json_t **out,
    struct err *e)
{
	struct lookup_tx t;
	struct rn_account u;
	char norm[AUTH_LOGIN_MAX + 1], kind, lm[40], mm[40];
	json_t *acc = NULL;
	int rc;

	*out = NULL;
	rc = clerk_only(c->actor, e);
	if (rc == 0)
		rc = parse_idno(idno, norm, &kind, e);
	if (rc == 0)
		rc = load_account(c->db, "login = ?", "s", norm, &u, e);
	if (rc != 0)
		return rc;
	if (u.id != 0) {
		mask(u.login, lm, sizeof(lm));
		mask(u.mobile, mm, sizeof(mm));
		acc = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
		    "id", (json_int_t)u.id, "kind", u.kind == 'E' ?
		    "enterprise" : "person", "name", u.name, "login_masked", lm,
		    "mobile_masked", mm, "realname", u.level >= 1 ? "verified" :
		    "unverified", "method", u.method, "created_at",
		    (json_int_t)u.created_at);
	}
	mask(norm, lm, sizeof(lm));
	if (u.id != 0) {
		t.c = c;
		t.masked = lm;
		t.user_id = u.id;
		rc = db_tx(c->db, lookup_fn, &t, e);
		if (rc != 0) {
			json_decref(acc);
			return rc;
		}
	}
	*out = json_pack("{s:s, s:s, s:o}", "idno_masked", lm, "kind",
	    kind == 'E' ? "enterprise" : "person", "account",
	    acc != NULL ? acc : json_null());
	return 0;
}

int
realname_window_confirm(struct ctx *c, const char *idno, const char *mobile,
    struct err *e)
{
	struct rn_account u;
	struct verify_tx t;
	char norm[AUTH_LOGIN_MAX + 1], kind;
	int rc;

	rc = clerk_only(c->actor, e);
	if (rc == 0)
		rc = parse_idno(idno, norm, &kind, e);
	if (rc != 0)
		return rc;
	if (mobile == NULL || !idno_mobile_valid(mobile))
		return err_field(e, ERR_INVALID, "mobile", "invalid_mobile",
		    "请输入本人账户登记的 11 位手机号码");
	rc = load_account(c->db, "login = ?", "s", norm, &u, e);
	if (rc != 0)
		return rc;
	if (u.id == 0 || u.disabled)
		return err_field(e, ERR_NOT_FOUND, "idno", "no_account",
		    "该证件号码没有可用的账户：请本人先注册，或办理开户");
	if (strcmp(u.mobile, mobile) != 0)
		return err_field(e, ERR_UNPROCESSABLE, "mobile",
		    "mobile_mismatch", "手机号与该账户登记的不一致：如该账户不是"
		    "本人注册，请办理“收回证件号码”");
	if (u.level >= 1)
		return err_set(e, ERR_CONFLICT, "already_verified",
		    "该账户已完成实名核验");
	t.c = c;
	t.u = &u;
	t.method = "window";
	rc = db_tx(c->db, verify_fn, &t, e);
	if (rc != 0)
		return rc;
	session_cache_forget_user(u.id);
	return 0;
}

struct reclaim_tx {
	struct ctx *c;
	const struct rn_account *old;   /* id 0: none */
	char kind;
	const char *login, *name, *mobile, *hash;
	int64_t new_id;
};

static int
reclaim_fn(struct db *db, void *arg, struct err *e)
{
	struct reclaim_tx *t = arg;
	struct rn_account nu;
	char detached[40], idbuf[24];
	int64_t now = clock_now();
	json_t *sum;
	int rc;

	if (t->old->id != 0) {
		snprintf(detached, sizeof(detached), "reclaimed.%" PRId64,
		    t->old->id);
		rc = db_exec(db, e, "UPDATE users SET login = ?, disabled = 1, "
		    "realname_level = 0, realname_method = '', updated_at = ? "
		    "WHERE id = ?", "sii", detached, now, t->old->id);
		if (rc < 0)
			return rc;
		rc = db_exec(db, e, "DELETE FROM sessions WHERE user_id = ?",
		    "i", t->old->id);
		if (rc < 0)
			return rc;
		/* what was linked to the detached account follows the number */
		rc = db_exec(db, e, "UPDATE cases SET applicant_id = NULL "
		    "WHERE applicant_id = ?", "i", t->old->id);
		if (rc < 0)
			return rc;
		rc = db_exec(db, e, "UPDATE bundle_cases SET applicant_id = "
		    "NULL WHERE applicant_id = ?", "i", t->old->id);
		if (rc < 0)
			return rc;
		rc = db_exec(db, e, "UPDATE certificates SET holder_user_id = "
		    "NULL WHERE holder_user_id = ?", "i", t->old->id);
		if (rc < 0)
			return rc;
	}
	rc = db_query_int(db, e, &t->new_id, "INSERT INTO users (kind, login, "
	    "name, mobile, password_hash, roles, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", "sssssIii",
	    t->kind == 'E' ? "E" : "P", t->login, t->name, t->mobile, t->hash,
	    (int)ROLE_APPLICANT, now, now);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_internal(e, "INSERT users: no id");
	memset(&nu, 0, sizeof(nu));
	nu.id = t->new_id;
	nu.kind = t->kind;
	snprintf(nu.login, sizeof(nu.login), "%s", t->login);
	rc = verify_in_tx(t->c, db, &nu, "window", e);
	if (rc != 0)
		return rc;
	rc = notify_sms(t->c, t->mobile, 0, "realname_reclaim",
	    "您的证件号码已在政务服务大厅窗口完成实名核验并开通账户。请在登录页"
	    "点击“忘记密码”，用本手机号设置登录密码。", e);
	if (rc != 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->new_id);
	sum = json_pack("{s:I, s:s, s:s}", "detached_user_id",
	    (json_int_t)t->old->id, "detached_name", t->old->name,
	    "detached_login", t->old->id != 0 ? detached : "");
	rc = audit_append(t->c, t->old->id != 0 ? "realname.reclaim" :
	    "realname.open", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
realname_window_reclaim(struct ctx *c, const char *idno, const char *name,
    const char *mobile, json_t **out, struct err *e)
{
	struct rn_account old;
	struct reclaim_tx t;
	char norm[AUTH_LOGIN_MAX + 1], kind, nm[LIMIT_NAME_CHARS * 4 + 1];
	char hash[AUTH_PASSWORD_HASH_MAX], pw[33], mm[40];
	unsigned char rnd[16];
	int rc;

	*out = NULL;
	rc = clerk_only(c->actor, e);
	if (rc == 0)
		rc = parse_idno(idno, norm, &kind, e);
	if (rc == 0)
		rc = auth_check_name(name, nm, sizeof(nm), e);
	if (rc != 0)
		return rc;
	if (mobile == NULL || !idno_mobile_valid(mobile))
		return err_field(e, ERR_INVALID, "mobile", "invalid_mobile",
		    "请输入本人的 11 位手机号码");
	rc = load_account(c->db, "login = ?", "s", norm, &old, e);
	if (rc != 0)
		return rc;
	if (old.id != 0 && old.level >= 1 && !old.disabled &&
	    strcmp(old.mobile, mobile) == 0)
		return err_set(e, ERR_CONFLICT, "already_verified",
		    "该账户已由本人完成实名核验，无需收回");
	/* The new account has no usable password until the holder sets one
	 * through 忘记密码 with this mobile. */
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(pw, sizeof(pw), rnd, sizeof(rnd));
	rc = auth_password_hash(pw, hash, e);
	sodium_memzero(pw, sizeof(pw));
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.old = &old;
	t.kind = kind;
	t.login = norm;
	t.name = nm;
	t.mobile = mobile;
	t.hash = hash;
	rc = db_tx(c->db, reclaim_fn, &t, e);
	sodium_memzero(hash, sizeof(hash));
	if (rc != 0)
		return rc;
	if (old.id != 0)
		session_cache_forget_user(old.id);
	mask(mobile, mm, sizeof(mm));
	*out = json_pack("{s:I, s:b, s:s}", "user_id", (json_int_t)t.new_id,
	    "reclaimed", old.id != 0, "mobile_masked", mm);
	return 0;
}

int
realname_mark_verified(struct ctx *c, int64_t user_id, const char *method,
    struct err *e)
{
	struct rn_account u;
	struct verify_tx t;
	int rc;

	if (c->actor == NULL || c->actor->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "仅限系统操作");
	rc = load_account(c->db, "id = ?", "i", &user_id, &u, e);
	if (rc != 0)
		return rc;
	if (u.id == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "账户不存在");
	t.c = c;
	t.u = &u;
	t.method = method;
	rc = db_tx(c->db, verify_fn, &t, e);
	if (rc == 0)
		session_cache_forget_user(u.id);
	return rc;
}
