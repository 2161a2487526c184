/* users.c - staff accounts, password changes, the user list and "me". */
#include "service/account/account.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/config.h"
#include "base/clock.h"
#include "base/ttlcache.h"
#include "base/idno.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/workflow.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define STAFF_LOGIN_MIN 3
#define STAFF_LOGIN_MAX 32
#define NAME_BYTES (LIMIT_NAME_CHARS * 4 + 1)

/* Department names for user_get_me(), so that GET /api/me needs no query;
 * a renamed department shows its new name within DEPT_CACHE_TTL seconds. */
#define DEPT_CACHE_SLOTS 64
#define DEPT_CACHE_TTL 60

struct dept_name {
	char name[NAME_BYTES];
};

static struct ttl_cache dept_names = TTL_CACHE_INIT("dept_names",
    DEPT_CACHE_SLOTS, sizeof(struct dept_name), DEPT_CACHE_TTL);

static const unsigned role_order[] = {
	ROLE_SYSADMIN, ROLE_HALL_ADMIN, ROLE_SUPERVISOR, ROLE_DEPT_ADMIN,
	ROLE_APPROVER, ROLE_CLERK, ROLE_APPLICANT,
};

const char *
user_primary_role(enum actor_kind kind, unsigned roles)
{
	if (kind == ACTOR_SYSTEM)
		return "system";
	if (kind == ACTOR_PERSON || kind == ACTOR_ENTERPRISE)
		return "applicant";
	for (size_t i = 0; i < sizeof(role_order) / sizeof(role_order[0]); i++)
		if (roles & role_order[i])
			return role_name(role_order[i]);
	return "";
}

static const char *
kind_name(char kind)
{
	switch (kind) {
	case 'P':
		return "person";
	case 'E':
		return "enterprise";
	case 'S':
		return "staff";
	default:
		return "";
	}
}

static json_t *
roles_json(unsigned roles)
{
	json_t *a = json_array();

	for (unsigned bit = 1; bit != 0 && bit <= ROLE_SYSADMIN; bit <<= 1)
		if ((roles & bit) && role_name(bit)[0] != '\0')
			json_array_append_new(a, json_string(role_name(bit)));
	return a;
}

static json_t *
id_or_null(int64_t id)
{
	return id > 0 ? json_integer((json_int_t)id) : json_null();
}

/* The user object. Applicants' logins are masked when mask is set. */
static json_t *
user_object(int64_t id, char kind, const char *login, const char *name,
    unsigned roles, int64_t dept_id, const char *dept_name,
    int64_t window_id, bool mask)
{
	char masked[AUTH_LOGIN_MAX + 1];
	bool applicant = kind == 'P' || kind == 'E';

	if (applicant)
		idno_mask(login, masked, sizeof(masked));
	else
		snprintf(masked, sizeof(masked), "%s", login);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)id,
	    "kind", kind_name(kind),
	    "login", mask ? masked : login,
	    "login_masked", masked,
	    "name", name,
	    "roles", roles_json(roles),
	    "dept_id", id_or_null(dept_id),
	    "dept_name", dept_name != NULL && dept_id > 0 ?
	    json_string(dept_name) : json_null(),
	    "window_id", id_or_null(window_id));
}

int
user_json_by_id(struct ctx *c, int64_t id, bool mask, json_t **out,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	*out = NULL;
	s = db_query(c->db, e, "SELECT u.id, u.kind, u.login, u.name, u.roles, "
	    "u.dept_id, d.name, u.window_id FROM users u LEFT JOIN departments "
	    "d ON d.id = u.dept_id WHERE u.id = ?", "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		*out = user_object(db_col_int(s, 0), db_col_text(s, 1)[0],
		    db_col_text(s, 2), db_col_text(s, 3),
		    (unsigned)db_col_int(s, 4), db_col_int(s, 5),
		    db_col_is_null(s, 6) ? NULL : db_col_text(s, 6),
		    db_col_int(s, 7), mask);
		rc = *out != NULL ? 0 : err_internal(e, "user_object failed");
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "user_not_found", "用户不存在");
	}
	db_finish(s);
	return rc;
}

int
user_id_by_login(struct ctx *c, const char *login, int64_t *id,
    struct err *e)
{
	char norm[AUTH_LOGIN_MAX + 1];
	int rc;

	*id = 0;
	if (auth_login_normalise(login, norm, sizeof(norm)) != 0)
		return err_field(e, ERR_NOT_FOUND, "login", "user_not_found",
		    "用户不存在");
	rc = db_query_int(c->db, e, id, "SELECT id FROM users WHERE login = ?",
	    "s", norm);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_field(e, ERR_NOT_FOUND, "login", "user_not_found",
		    "用户不存在");
	return 0;
}

void
user_dept_cache_clear(void)
{
	ttl_cache_forget_if(&dept_names, NULL, NULL);
}

/* Department name into out; "" when the department does not exist. */
static int
dept_name(struct ctx *c, int64_t id, char out[NAME_BYTES], struct err *e)
{
	struct dept_name v;
	struct db_stmt *s;
	uint64_t gen;
	int rc;

	if (ttl_cache_get(&dept_names, &id, sizeof(id), &v)) {
		memcpy(out, v.name, NAME_BYTES);
		return 0;
	}
	gen = ttl_cache_generation(&dept_names);
	out[0] = '\0';
	s = db_query(c->db, e, "SELECT name FROM departments WHERE id = ?",
	    "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		snprintf(out, NAME_BYTES, "%s", db_col_text(s, 0));
	db_finish(s);
	if (rc < 0)
		return rc;
	memcpy(v.name, out, NAME_BYTES);
	ttl_cache_put(&dept_names, &id, sizeof(id), &v, gen);
	return 0;
}

int
user_get_me(struct ctx *c, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	char dname[NAME_BYTES];
	struct me_extra x;
	int rc;

	*out = NULL;
	if (a == NULL || a->user_id <= 0 || (a->kind != ACTOR_PERSON &&
	    a->kind != ACTOR_ENTERPRISE && a->kind != ACTOR_STAFF))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	/* actor.name holds up to 127 bytes; a longer name (over ~40 Chinese
	 * characters) was cut, so read the full record. */
	if (strlen(a->name) + 4 >= sizeof(a->name)) {
		rc = user_json_by_id(c, a->user_id, false, out, e);
		if (rc != 0)
			return rc;
	} else {
		dname[0] = '\0';
		if (a->dept_id > 0) {
			rc = dept_name(c, a->dept_id, dname, e);
			if (rc != 0)
				return rc;
		}
		*out = user_object(a->user_id, (char)a->kind, a->login, a->name,
		    a->roles, a->dept_id, dname, a->window_id, false);
		if (*out == NULL)
			return err_internal(e, "user_object failed");
	}
	/* The account's own mobile (unmasked: it is their own data) and the
	 * clerk's window, from a short-lived cache. */
	rc = me_extra_get(c, &x, e);
	if (rc != 0)
		goto fail;
	if (json_object_set_new(*out, "mobile", x.mobile[0] != '\0' ?
	    json_string(x.mobile) : json_null()) != 0 ||
	    json_object_set_new(*out, "window_name", x.window_name[0] != '\0' ?
	    json_string(x.window_name) : json_null()) != 0 ||
	    json_object_set_new(*out, "window_number",
	    x.window_number[0] != '\0' ? json_string(x.window_number) :
	    json_null()) != 0 ||
	    json_object_set_new(*out, "realname", a->kind == ACTOR_STAFF ?
	    json_null() : json_string(a->realname >= REALNAME_VERIFIED ?
	    "verified" : "unverified")) != 0) {
		rc = err_internal(e, "user_get_me: out of memory");
		goto fail;
	}
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}

/* --- staff accounts --- */

static int
staff_login(const char *in, char out[STAFF_LOGIN_MAX + 1], struct err *e)
{
	size_t n;

	if (in == NULL || in[0] == '\0')
		return err_field(e, ERR_INVALID, "login", "login_required",
		    "请输入账号");
	n = strlen(in);
	if (n < STAFF_LOGIN_MIN || n > STAFF_LOGIN_MAX)
		return err_field(e, ERR_INVALID, "login", "invalid_login",
		    "账号长度应为 %d 至 %d 个字符", STAFF_LOGIN_MIN,
		    STAFF_LOGIN_MAX);
	for (size_t i = 0; i < n; i++) {
		char ch = (char)tolower((unsigned char)in[i]);
		bool ok = (ch >= 'a' && ch <= 'z') || (i > 0 &&
		    ((ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '-'));

		if (((unsigned char)in[i]) >= 0x80 || !ok)
			return err_field(e, ERR_INVALID, "login",
			    "invalid_login", "账号须以英文字母开头，只能包含英文"
			    "字母、数字和 _ . -");
		out[i] = ch;
	}
	out[n] = '\0';
	return 0;
}

static int
add_staff_fn(struct db *db, void *arg, struct err *e)
{
	const struct user_staff_new *n = arg;
	int64_t id;

	return user_staff_insert(n->c, db, n, true, &id, e);
}

int
user_staff_insert(struct ctx *c, struct db *db, const struct user_staff_new *n,
    bool active, int64_t *id, struct err *e)
{
	struct db_stmt *s;
	json_t *sum;
	char idbuf[24];
	int64_t now = clock_now();
	int rc;

	*id = 0;
	/* 0 means "none": stored as NULL. A pending account (active false)
	 * holds no role and cannot log in until its request is approved. */
	s = db_query(db, e, "INSERT INTO users (kind, login, name, mobile, "
	    "password_hash, roles, dept_id, window_id, failed_logins, "
	    "locked_until, disabled, created_at, updated_at) VALUES ('S', ?, "
	    "?, NULLIF(?, ''), ?, ?, NULLIF(?, 0), NULLIF(?, 0), 0, 0, ?, ?, ?) "
	    "RETURNING id", "ssssIiiIii", n->login, n->name, n->mobile, n->hash,
	    active ? (int)n->roles : 0, n->dept_id, active ? n->window_id :
	    (int64_t)0, active ? 0 : 1, now, now);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_finish(s);
	if (rc == -ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "login", "login_taken",
		    "该账号已存在");
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "INSERT users returned "
		    "no id");
	sum = json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "login", n->login,
	    "name", n->name, "roles", roles_json(n->roles),
	    "dept_id", id_or_null(n->dept_id),
	    "window_id", id_or_null(n->window_id), "pending", !active);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, *id);
	rc = audit_append(c, "user.add_staff", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
user_staff_check(struct ctx *c, const char *login, const char *name,
    const char *mobile, unsigned roles, int64_t dept_id, int64_t window_id,
    const char *password, struct user_staff_new *n, struct err *e)
{
	int64_t one = 0;
	int rc;

	memset(n, 0, sizeof(*n));
	n->c = c;
	if ((roles & ROLE_SYSADMIN) && !actor_has(c->actor, ROLE_SYSADMIN))
		return err_field(e, ERR_FORBIDDEN, "roles", NULL,
		    "只有系统管理员可以授予系统管理员角色");
	rc = staff_login(login, n->login, e);
	if (rc != 0)
		return rc;
	/* A staff login must never be mistaken for an applicant's. */
	{
		char up[STAFF_LOGIN_MAX + 1];

		for (size_t i = 0; i <= strlen(n->login); i++)
			up[i] = (char)toupper((unsigned char)n->login[i]);
		if (idno_credit_code_valid(up))
			return err_field(e, ERR_INVALID, "login",
			    "invalid_login", "账号不能使用统一社会信用代码");
	}
	rc = auth_check_name(name, n->name, sizeof(n->name), e);
	if (rc != 0)
		return rc;
	if (mobile != NULL && mobile[0] != '\0' && !idno_mobile_valid(mobile))
		return err_field(e, ERR_INVALID, "mobile", "invalid_mobile",
		    "手机号码格式不正确，应为 11 位数字");
	snprintf(n->mobile, sizeof(n->mobile), "%s", mobile != NULL ? mobile :
	    "");
	rc = user_roles_check(roles, e);
	if (rc != 0)
		return rc;
	if (dept_id < 0 || window_id < 0)
		return err_field(e, ERR_INVALID, dept_id < 0 ? "dept_id" :
		    "window_id", NULL, "编号不正确");
	if (dept_id > 0) {
		rc = db_query_int(c->db, e, &one, "SELECT 1 FROM departments "
		    "WHERE id = ?", "i", dept_id);
		if (rc < 0)
			return rc;
		if (rc != DB_ROW)
			return err_field(e, ERR_INVALID, "dept_id",
			    "dept_not_found", "所选部门不存在");
	}
	rc = auth_password_check(password, "password", n->login, e);
	if (rc != 0)
		return rc;
	rc = db_query_int(c->db, e, &one, "SELECT 1 FROM users WHERE login = ?",
	    "s", n->login);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return err_field(e, ERR_CONFLICT, "login", "login_taken",
		    "该账号已存在");
	n->roles = roles;
	n->dept_id = dept_id;
	n->window_id = window_id;
	return auth_password_hash(password, n->hash, e);
}

int
user_roles_check(unsigned roles, struct err *e)
{
	if (roles == 0 || (roles & ~(unsigned)ROLE_STAFF_ANY) != 0)
		return err_field(e, ERR_INVALID, "roles", "invalid_roles",
		    "请为工作人员选择至少一个有效角色");
	return workflow_roles_compatible(roles, e);
}

int
user_roles_from_json(const json_t *roles, unsigned *mask, struct err *e)
{
	const json_t *v;
	unsigned bit;
	size_t i;

	*mask = 0;
	if (!json_is_array(roles) || json_array_size(roles) == 0) {
		return err_field(e, ERR_INVALID, "roles", "invalid_roles",
		    "请为工作人员选择至少一个角色");
	}
	json_array_foreach(roles, i, v) {
		bit = json_is_string(v) ? role_parse(json_string_value(v)) : 0;
		if (bit == 0 || bit == ROLE_APPLICANT) {
			return err_field(e, ERR_INVALID, "roles",
			    "invalid_roles", "角色不存在或不能授予工作人员");
		}
		*mask |= bit;
	}
	return 0;
}

int
user_add_staff(struct ctx *c, const char *login, const char *name,
    const char *mobile, unsigned roles, int64_t dept_id, int64_t window_id,
    const char *password, struct err *e)
{
	struct user_staff_new n;
	int rc;

	/* People ask for staff accounts through the hall's staff-change
	 * requests; only the operator's CLI (bootstrap) and the demo loader
	 * create them directly. */
	if (c->actor == NULL || c->actor->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "工作人员账户须通过人员变动申请创建");
	rc = user_staff_check(c, login, name, mobile, roles, dept_id,
	    window_id, password, &n, e);
	if (rc == 0)
		rc = db_tx(c->db, add_staff_fn, &n, e);
	sodium_memzero(n.hash, sizeof(n.hash));
	return rc;
}

int
user_staff_set(struct ctx *c, struct db *db, int64_t id, unsigned roles,
    int64_t dept_id, bool enable, struct err *e)
{
	json_t *sum;
	char idbuf[24];
	int rc;

	rc = user_roles_check(roles, e);
	if (rc != 0)
		return rc;
	rc = db_exec(db, e, "UPDATE users SET roles = ?, dept_id = NULLIF(?, "
	    "0), disabled = CASE WHEN ? = 1 THEN 0 ELSE disabled END, "
	    "updated_at = ? WHERE id = ? AND kind = 'S'", "IiIii", (int)roles,
	    dept_id, enable ? 1 : 0, clock_now(), id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) != 1)
		return err_set(e, ERR_NOT_FOUND, "user_not_found", "用户不存在");
	sum = json_pack("{s:o, s:o, s:b}", "roles", roles_json(roles),
	    "dept_id", id_or_null(dept_id), "enabled", enable);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	rc = audit_append(c, "user.roles", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
user_staff_enable(struct ctx *c, struct db *db, int64_t id, bool enable,
    struct err *e)
{
	char idbuf[24];
	int rc;

	rc = db_exec(db, e, "UPDATE users SET disabled = ?, updated_at = ? "
	    "WHERE id = ? AND kind = 'S' AND roles <> 0", "Iii", enable ? 0 : 1,
	    clock_now(), id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) != 1)
		return err_set(e, ERR_NOT_FOUND, "user_not_found", "用户不存在");
	if (!enable) {
		rc = db_exec(db, e, "DELETE FROM sessions WHERE user_id = ?", "i",
		    id);
		if (rc != 0)
			return rc;
	}
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	return audit_append(c, enable ? "user.enable" : "user.disable", "user",
	    idbuf, NULL, e);
}

int
user_staff_discard(struct ctx *c, struct db *db, int64_t id, struct err *e)
{
	json_t *row, *sum;
	char idbuf[24];
	int rc;

	/* Only a pending row: a staff account never enabled, without roles,
	 * window or sessions. Anything else is left alone. */
	row = db_query_row(db, e, "SELECT login, name FROM users WHERE id = ? "
	    "AND kind = 'S' AND disabled = 1 AND roles = 0 AND window_id IS "
	    "NULL AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = "
	    "users.id)", "i", id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? (err_clear(e), 0) : err_rc(e);
	rc = db_exec(db, e, "DELETE FROM users WHERE id = ? AND kind = 'S' AND "
	    "disabled = 1 AND roles = 0", "i", id);
	if (rc == 0) {
		sum = json_pack("{s:O, s:O}", "login", json_object_get(row,
		    "login"), "name", json_object_get(row, "name"));
		snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
		rc = audit_append(c, "user.discard", "user", idbuf, sum, e);
		json_decref(sum);
	}
	json_decref(row);
	return rc;
}

/* --- passwords --- */

struct passwd_tx {
	struct ctx *c;
	int64_t id;
	const char *hash;
	bool self;
};

static int
passwd_fn(struct db *db, void *arg, struct err *e)
{
	struct passwd_tx *t = arg;
	json_t *sum;
	char idbuf[24];
	int64_t now = clock_now();
	int rc;

	rc = db_exec(db, e, "UPDATE users SET password_hash = ?, "
	    "failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?",
	    "sii", t->hash, now, t->id);
	if (rc < 0)
		return rc;
	if (!t->self) {
		rc = db_exec(db, e, "DELETE FROM sessions WHERE user_id = ?",
		    "i", t->id);
		if (rc < 0)
			return rc;
	}
	sum = json_pack("{s:b}", "by_self", t->self);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	rc = audit_append(t->c, "user.set_password", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
user_set_password(struct ctx *c, const char *login, const char *old_password,
    const char *new_password, struct err *e)
{
	const struct actor *a = c->actor;
	struct passwd_tx t;
	struct db_stmt *s;
	char norm[AUTH_LOGIN_MAX + 1];
	char old_hash[AUTH_PASSWORD_HASH_MAX] = "";
	char hash[AUTH_PASSWORD_HASH_MAX];
	int64_t id = 0;
	bool admin, self;
	int rc;

	if (a == NULL || (a->user_id <= 0 && a->kind != ACTOR_SYSTEM))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	admin = actor_has(a, ROLE_SYSADMIN);
	if (auth_login_normalise(login, norm, sizeof(norm)) != 0)
		return admin ? err_field(e, ERR_INVALID, "login",
		    "invalid_login", "账号格式不正确") :
		    err_set(e, ERR_FORBIDDEN, NULL, "无权修改该账户的密码");

	s = db_query(c->db, e, "SELECT id, password_hash FROM users "
	    "WHERE login = ?", "s", norm);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		id = db_col_int(s, 0);
		snprintf(old_hash, sizeof(old_hash), "%s", db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	self = id > 0 && a->user_id == id;
	if (!self && !admin)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权修改该账户的密码");
	if (id == 0)
		return err_field(e, ERR_NOT_FOUND, "login", "user_not_found",
		    "用户不存在");
	if (self) {
		if (old_password == NULL || old_password[0] == '\0')
			return err_field(e, ERR_INVALID, "old_password",
			    "password_required", "请输入原密码");
		if (!auth_password_verify(old_hash, old_password))
			return err_field(e, ERR_UNPROCESSABLE, "old_password",
			    "bad_old_password", "原密码不正确");
	}
	sodium_memzero(old_hash, sizeof(old_hash));
	rc = auth_password_check(new_password, "password", norm, e);
	if (rc != 0)
		return rc;
	rc = auth_password_hash(new_password, hash, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.hash = hash;
	t.self = self;
	rc = db_tx(c->db, passwd_fn, &t, e);
	sodium_memzero(hash, sizeof(hash));
	if (rc == 0 && !self)
		session_cache_forget_user(id);
	return rc;
}

/* --- list --- */

int
user_list(struct ctx *c, const struct user_filter *f, json_t **out,
    struct err *e)
{
	struct db_stmt *s;
	json_t *items = NULL, *o;
	char kind[2] = "";
	char like[LIMIT_NAME_CHARS * 8 + 3];
	char qlogin[AUTH_LOGIN_MAX + 1] = "";
	const char *q = "";
	int64_t last = 0;
	int limit, n = 0, rc;
	bool more = false;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_SYSADMIN | ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看用户列表");
	limit = f != NULL ? f->limit : 0;
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	if (f != NULL && f->kind != 0) {
		if (f->kind != 'P' && f->kind != 'E' && f->kind != 'S')
			return err_field(e, ERR_INVALID, "kind", NULL,
			    "用户类型不正确");
		kind[0] = f->kind;
		kind[1] = '\0';
	}
	like[0] = '\0';
	if (f != NULL && f->q != NULL && f->q[0] != '\0') {
		size_t qn = strlen(f->q), chars = utf8_chars(f->q, qn), j = 0;

		if (chars == (size_t)-1 || chars > LIMIT_NAME_CHARS)
			return err_field(e, ERR_INVALID, "q", NULL,
			    "搜索内容过长或含有无效字符");
		q = f->q;
		if (auth_login_normalise(q, qlogin, sizeof(qlogin)) != 0)
			snprintf(qlogin, sizeof(qlogin), "%s", "");
		like[j++] = '%';
		for (size_t i = 0; i < qn; i++) {
			if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
				like[j++] = '\\';
			like[j++] = q[i];
		}
		like[j++] = '%';
		like[j] = '\0';
	}

	s = db_query(c->db, e, "SELECT u.id, u.kind, u.login, u.name, u.roles, "
	    "u.dept_id, d.name, u.window_id, u.mobile, u.disabled, "
	    "u.locked_until, u.created_at, w.number, w.name, "
	    "(SELECT MIN(r.id) FROM requests r WHERE r.subject_type = 'user' "
	    "AND r.subject_id = u.id AND r.status = 'pending' AND r.kind = "
	    "'staff_change'), u.realname_level, u.realname_method "
	    "FROM users u LEFT JOIN departments d "
	    "ON d.id = u.dept_id LEFT JOIN windows w ON w.id = u.window_id "
	    "WHERE u.id > ? "
	    "AND (? = '' OR u.kind = ?) "
	    "AND (? = 0 OR u.dept_id = ?) "
	    "AND (? = 0 OR (u.roles & ?) <> 0) "
	    "AND (? = '' OR u.name LIKE ? ESCAPE '\\' OR u.login = ?) "
	    "ORDER BY u.id LIMIT ?", "issiiIIsssI",
	    f != NULL && f->after_id > 0 ? f->after_id : (int64_t)0,
	    kind, kind,
	    f != NULL ? f->dept_id : (int64_t)0,
	    f != NULL ? f->dept_id : (int64_t)0,
	    f != NULL ? (int)f->roles : 0, f != NULL ? (int)f->roles : 0,
	    q, like, qlogin, limit + 1);
	if (s == NULL)
		return err_rc(e);
	items = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		char mob[16];

		if (n == limit) {
			more = true;
			continue;
		}
		o = user_object(db_col_int(s, 0), db_col_text(s, 1)[0],
		    db_col_text(s, 2), db_col_text(s, 3),
		    (unsigned)db_col_int(s, 4), db_col_int(s, 5),
		    db_col_is_null(s, 6) ? NULL : db_col_text(s, 6),
		    db_col_int(s, 7), true);
		if (o == NULL) {
			rc = err_internal(e, "user_object failed");
			break;
		}
		idno_mask(db_col_text(s, 8), mob, sizeof(mob));
		json_object_set_new(o, "mobile", db_col_is_null(s, 8) ?
		    json_null() : json_string(mob));
		json_object_set_new(o, "disabled",
		    json_boolean(db_col_int(s, 9) != 0));
		json_object_set_new(o, "locked",
		    json_boolean(db_col_int(s, 10) > clock_now()));
		json_object_set_new(o, "created_at",
		    json_integer((json_int_t)db_col_int(s, 11)));
		json_object_set_new(o, "window_number", db_col_is_null(s, 12) ?
		    json_null() : json_string(db_col_text(s, 12)));
		json_object_set_new(o, "window_name", db_col_is_null(s, 13) ?
		    json_null() : json_string(db_col_text(s, 13)));
		json_object_set_new(o, "pending_request_id",
		    db_col_is_null(s, 14) ? json_null() :
		    json_integer((json_int_t)db_col_int(s, 14)));
		/* 实名等级 of an applicant account (null for staff). */
		json_object_set_new(o, "realname", db_col_text(s, 1)[0] == 'S' ?
		    json_null() : json_string(db_col_int(s, 15) >=
		    REALNAME_VERIFIED ? "verified" : "unverified"));
		json_object_set_new(o, "realname_method",
		    db_col_text(s, 1)[0] == 'S' ? json_null() :
		    json_string(db_col_text(s, 16)));
		/* pending: a new staff account awaiting its request. */
		json_object_set_new(o, "status", json_string(
		    db_col_int(s, 9) != 0 ? (db_col_text(s, 1)[0] == 'S' &&
		    db_col_int(s, 4) == 0 ? "pending" : "disabled") :
		    db_col_int(s, 10) > clock_now() ? "locked" : "active"));
		last = db_col_int(s, 0);
		json_array_append_new(items, o);
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_after",
	    more ? json_integer((json_int_t)last) : json_null());
	if (*out == NULL)
		return err_internal(e, "user_list: json_pack failed");
	return 0;
}
