/* Unit tests for service/auth.c, session.c and users.c on a real SQLite
 * file: registration, login and lock-out, sessions and their expiry, staff
 * accounts and role checks made by the services themselves. */
#include "unit.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "app.h"
#include "base/clock.h"
#include "base/err.h"
#include "service/account/account.h"
#include "service/platform/platform.h"
#include "store/db.h"
#include "unit_db.h"

#define PW "Baihe@2024"
#define PERSON "61092919900315001X"
#define ENTERPRISE "91610929MA0BHE001T"

struct fixture {
	char dir[UNIT_DB_DIR_MAX];
	struct db *db;
	struct config cfg;
	struct actor anon;
	struct ctx c;
	int64_t dept_id;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL)
		return -1;
	clock_set_now((int64_t)time(NULL));
	session_cache_clear();
	user_dept_cache_clear();
	if (unit_db_open("auth", f->dir, &f->db) < 0)
		return -1;
	config_defaults(&f->cfg);
	memset(&f->anon, 0, sizeof(f->anon));
	f->c.db = f->db;
	f->c.cfg = &f->cfg;
	f->c.actor = &f->anon;
	f->c.client_ip = "10.0.0.9";
	f->c.request_id = "";
	if (db_query_int(f->db, &e, &f->dept_id, "INSERT INTO departments "
	    "(name, short_name, kind, created_at) VALUES (?, ?, ?, ?) "
	    "RETURNING id", "sssi", "白河县市场监督管理局", "县市场监管局",
	    "government", (int64_t)time(NULL)) != DB_ROW)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc = unit_db_remove(f->db, f->dir);

	session_cache_clear();
	clock_set_now((int64_t)time(NULL));
	free(f);
	return rc;
}

static int64_t
count(struct fixture *f, const char *sql)
{
	struct err e;
	int64_t n = -1;

	assert_int_equal(db_query_int(f->db, &e, &n, sql, ""), DB_ROW);
	return n;
}

static int64_t
register_person(struct fixture *f, const char *idno)
{
	struct err e;
	int64_t id = 0;

	err_clear(&e);
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, idno, "张明",
	    "13800000001", PW, NULL, &id, &e), 0);
	assert_true(id > 0);
	return id;
}

static void
staff_actor(struct actor *a, unsigned roles)
{
	memset(a, 0, sizeof(*a));
	a->user_id = 900;
	a->kind = ACTOR_STAFF;
	a->roles = roles;
	snprintf(a->login, sizeof(a->login), "tester");
	snprintf(a->role_used, sizeof(a->role_used), "%s",
	    user_primary_role(ACTOR_STAFF, roles));
}

static void
register_person_and_enterprise(void **state)
{
	struct fixture *f = *state;
	json_t *user = NULL;
	struct err e;
	int64_t id = 0;

	err_clear(&e);
	/* A lower-case x is accepted and stored upper-case. */
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON,
	    "61092919900315001x", "  张明 ", "13800000001", PW, &user, &id,
	    &e), 0);
	assert_non_null(user);
	assert_string_equal(json_string_value(json_object_get(user, "login")),
	    PERSON);
	assert_string_equal(json_string_value(json_object_get(user, "kind")),
	    "person");
	assert_string_equal(json_string_value(json_object_get(user, "name")),
	    "张明");
	assert_string_equal(json_string_value(json_object_get(user,
	    "login_masked")), "610929********001X");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(user, "roles"), 0)), "applicant");
	assert_null(json_object_get(user, "password_hash"));
	json_decref(user);

	assert_int_equal(auth_register(&f->c, ACTOR_ENTERPRISE, ENTERPRISE,
	    "白河县秦岭餐饮有限公司", "13900000002", PW, NULL, NULL, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users WHERE "
	    "password_hash LIKE '$argon2id$%'"), 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'user.register'"), 2);
}

static void
bad_registrations_store_nothing(void **state)
{
	struct fixture *f = *state;
	char longname[400];
	struct err e;

	memset(longname, 0, sizeof(longname));
	for (int i = 0; i < 101; i++)
		strcat(longname, "名");

	err_clear(&e);
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON,
	    "610929199003150010", "张明", "13800000001", PW, NULL, NULL, &e),
	    -ERR_INVALID);
	assert_string_equal(e.key, "invalid_id_number");
	assert_string_equal(e.field, "idno");
	assert_true(strstr(e.msg, "校验码") != NULL);

	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, "6109291990031500",
	    "张明", "13800000001", PW, NULL, NULL, &e), -ERR_INVALID);
	assert_string_equal(e.field, "idno");
	/* A credit code is not an ID number. */
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, ENTERPRISE,
	    "张明", "13800000001", PW, NULL, NULL, &e), -ERR_INVALID);
	assert_int_equal(auth_register(&f->c, ACTOR_ENTERPRISE,
	    "91610929MA0BHE001U", "某公司", "13800000001", PW, NULL, NULL, &e),
	    -ERR_INVALID);
	assert_string_equal(e.key, "invalid_credit_code");
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, PERSON, "张明",
	    "1380000000", PW, NULL, NULL, &e), -ERR_INVALID);
	assert_string_equal(e.field, "mobile");
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, PERSON, "",
	    "13800000001", PW, NULL, NULL, &e), -ERR_INVALID);
	assert_string_equal(e.field, "name");
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, PERSON, longname,
	    "13800000001", PW, NULL, NULL, &e), -ERR_INVALID);
	assert_string_equal(e.key, "name_too_long");
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, PERSON, "张\x01明",
	    "13800000001", PW, NULL, NULL, &e), -ERR_INVALID);
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, PERSON, "张\xff",
	    "13800000001", PW, NULL, NULL, &e), -ERR_INVALID);
	/* Password policy. */
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, PERSON, "张明",
	    "13800000001", "baihe2024", NULL, NULL, &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "weak_password");
	assert_string_equal(e.field, "password");
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON, PERSON, "张明",
	    "13800000001", "Ba@1", NULL, NULL, &e), -ERR_UNPROCESSABLE);
	assert_int_equal(auth_register(&f->c, ACTOR_NONE, PERSON, "张明",
	    "13800000001", PW, NULL, NULL, &e), -ERR_INVALID);
	assert_string_equal(e.field, "kind");

	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log"), 0);
}

static void
password_policy(void **state)
{
	char big[200];
	struct err e;

	(void)state;
	assert_int_equal(auth_password_check("Abcdefg1", "p", NULL, &e), 0);
	assert_int_equal(auth_password_check("abcdef1!", "p", NULL, &e), 0);
	assert_int_equal(auth_password_check("密码abc1234", "p", NULL, &e), 0);
	assert_int_equal(auth_password_check("Abc1!", "p", NULL, &e),
	    -ERR_UNPROCESSABLE);
	assert_int_equal(auth_password_check("abcdefgh123", "p", NULL, &e),
	    -ERR_UNPROCESSABLE);
	assert_int_equal(auth_password_check("ABCDEFGHabcd", "p", NULL, &e),
	    -ERR_UNPROCESSABLE);
	memset(big, 'a', sizeof(big));
	memcpy(big, "A1!", 3);
	big[129] = '\0';
	assert_int_equal(auth_password_check(big, "p", NULL, &e),
	    -ERR_UNPROCESSABLE);
	big[128] = '\0';
	assert_int_equal(auth_password_check(big, "p", NULL, &e), 0);
	assert_int_equal(auth_password_check("", "p", NULL, &e), -ERR_INVALID);
	/* Characters, not bytes: four characters in ten bytes. */
	assert_int_equal(auth_password_check("密码1a", "p", NULL, &e),
	    -ERR_UNPROCESSABLE);
	assert_int_equal(auth_password_check("Password1!", "p", NULL, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "common_password");
	assert_int_equal(auth_password_check("Zhang#1990x", "p", "zhang1990x",
	    &e), 0);
	assert_int_equal(auth_password_check("A#61092919900315001x", "p",
	    "61092919900315001X", &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "password_has_login");
	assert_int_equal(auth_password_check("Abc#15001X", "p",
	    "61092919900315001X", &e), -ERR_UNPROCESSABLE);
}

static void
duplicate_login_is_refused(void **state)
{
	struct fixture *f = *state;
	struct err e;

	register_person(f, PERSON);
	err_clear(&e);
	assert_int_equal(auth_register(&f->c, ACTOR_PERSON,
	    "61092919900315001x", "张明", "13800000001", PW, NULL, NULL, &e),
	    -ERR_CONFLICT);
	assert_string_equal(e.key, "login_taken");
	assert_string_equal(e.msg, "该证件号码已注册");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), 1);
}

static void
login_creates_a_session_that_resolves(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct session_info si;
	json_t *user = NULL;
	struct err e;
	char sql[256];
	int64_t id;

	id = register_person(f, PERSON);
	err_clear(&e);
	/* Login is case-insensitive for the x. */
	assert_int_equal(auth_login(&f->c, "61092919900315001x", PW, "ua/1",
	    &s, &user, &e), 0);
	assert_int_equal(strlen(s.token), AUTH_TOKEN_CHARS);
	assert_int_equal(strlen(s.csrf), 64);
	assert_int_equal(s.expires_at - s.created_at, 12 * 3600);
	assert_int_equal(json_integer_value(json_object_get(user, "id")), id);
	json_decref(user);

	/* Only the hash of the token is stored. */
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM sessions WHERE "
	    "token_hash = '%s'", s.token);
	assert_int_equal(count(f, sql), 0);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM sessions WHERE "
	    "token_hash = '%s' AND user_agent = 'ua/1' AND client_ip = "
	    "'10.0.0.9'", s.token_hash);
	assert_int_equal(count(f, sql), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'auth.login'"), 1);

	/* Resolved twice: from the database, then from the cache. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
		assert_int_equal(si.actor.user_id, id);
		assert_int_equal(si.actor.kind, ACTOR_PERSON);
		assert_true(si.actor.roles & ROLE_APPLICANT);
		assert_string_equal(si.actor.login, PERSON);
		assert_string_equal(si.csrf, s.csrf);
		assert_string_equal(si.token_hash, s.token_hash);
	}
	/* Unknown and malformed tokens. */
	s.token[0] = s.token[0] == 'A' ? 'B' : 'A';
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e),
	    -ERR_UNAUTHENTICATED);
	assert_int_equal(session_resolve(&f->c, "short", &si, &e),
	    -ERR_UNAUTHENTICATED);
	assert_int_equal(session_resolve(&f->c, NULL, &si, &e),
	    -ERR_UNAUTHENTICATED);
}

static void
unknown_login_and_bad_password_look_the_same(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct err e1, e2;

	register_person(f, PERSON);
	err_clear(&e1);
	err_clear(&e2);
	assert_int_equal(auth_login(&f->c, "610929198511080025", PW, NULL, &s,
	    NULL, &e1), -ERR_UNAUTHENTICATED);
	assert_int_equal(auth_login(&f->c, PERSON, "Wrong@2024", NULL, &s,
	    NULL, &e2), -ERR_UNAUTHENTICATED);
	assert_string_equal(e1.key, "bad_credentials");
	assert_string_equal(e1.msg, "账号或密码错误");
	assert_string_equal(e1.key, e2.key);
	assert_string_equal(e1.msg, e2.msg);
	/* Counted, not each audited. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action LIKE 'auth.login_failed%'"), 0);
	assert_int_equal(count(f, "SELECT SUM(total) FROM login_throttle WHERE "
	    "scope = 'login'"), 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
}

static void
five_failures_lock_the_account(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct err e;
	int64_t t0 = (int64_t)time(NULL);

	register_person(f, PERSON);
	for (int i = 1; i <= 5; i++) {
		err_clear(&e);
		assert_int_equal(auth_login(&f->c, PERSON, "Wrong@2024", NULL,
		    &s, NULL, &e), -ERR_UNAUTHENTICATED);
	}
	assert_int_equal(count(f, "SELECT COUNT(*) FROM login_throttle WHERE "
	    "scope = 'pair' AND blocked_until > 0"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'auth.throttled'"), 1);
	/* Delayed: even the right password is refused, for one minute. */
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e),
	    -ERR_LOCKED);
	assert_string_equal(e.key, "account_locked");
	assert_string_equal(e.msg, "登录失败次数过多，请 1 分钟后再试");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);

	/* Five more failures after the first delay: the delay doubles. */
	clock_set_now(t0 + 70);
	for (int i = 1; i <= 5; i++)
		assert_int_equal(auth_login(&f->c, PERSON, "Wrong@2024", NULL,
		    &s, NULL, &e), -ERR_UNAUTHENTICATED);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e),
	    -ERR_LOCKED);
	assert_true(strstr(e.msg, "请 2 分钟后再试") != NULL);

	/* After the delay the right password works and resets the count. */
	clock_set_now(t0 + 70 + 125);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM login_throttle WHERE "
	    "scope = 'pair' AND failures = 0 AND strikes = 0"), 1);
	clock_set_now(t0);
}

static void
success_resets_the_failure_count(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct err e;

	register_person(f, PERSON);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 4; i++)
			assert_int_equal(auth_login(&f->c, PERSON, "Wrong@2024",
			    NULL, &s, NULL, &e), -ERR_UNAUTHENTICATED);
		assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL,
		    &e), 0);
	}
	assert_int_equal(count(f, "SELECT COUNT(*) FROM login_throttle WHERE "
	    "blocked_until > 0"), 0);
}

static void
sessions_expire_idle_and_absolute(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct session_info si;
	struct err e;
	int64_t t0 = (int64_t)time(NULL), t;

	register_person(f, PERSON);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e), 0);

	/* Used every 20 minutes it stays alive, and last_seen_at moves. */
	for (t = t0 + 20 * 60; t < t0 + 12 * 3600; t += 20 * 60) {
		clock_set_now(t);
		assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
	}
	assert_true(count(f, "SELECT MAX(last_seen_at) FROM sessions") >
	    t0 + 11 * 3600);
	/* Twelve hours after login it ends, however busy. */
	clock_set_now(t0 + 12 * 3600 + 5);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e),
	    -ERR_UNAUTHENTICATED);
	assert_string_equal(e.key, "session_expired");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);

	/* Idle for more than 30 minutes: expired. */
	clock_set_now(t0);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
	clock_set_now(t0 + 29 * 60);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
	clock_set_now(t0 + 29 * 60 + 31 * 60);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e),
	    -ERR_UNAUTHENTICATED);
}

static void
logout_ends_the_session(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct session_info si;
	struct ctx c2;
	struct err e;

	register_person(f, PERSON);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
	/* Cached now; logout must still take effect at once. */
	c2 = f->c;
	c2.actor = &si.actor;
	assert_int_equal(auth_logout(&c2, si.token_hash, &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e),
	    -ERR_UNAUTHENTICATED);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'auth.logout'"), 1);
	/* Anonymous logout is refused. */
	assert_int_equal(auth_logout(&f->c, s.token_hash, &e),
	    -ERR_UNAUTHENTICATED);
}

static void
disabled_accounts_cannot_log_in_or_use_sessions(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct session_info si;
	struct err e;
	int64_t id;

	id = register_person(f, PERSON);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e), 0);
	assert_int_equal(db_exec(f->db, &e, "UPDATE users SET disabled = 1 "
	    "WHERE id = ?", "i", id), 0);
	session_cache_forget_user(id);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e),
	    -ERR_UNAUTHENTICATED);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e),
	    -ERR_FORBIDDEN);
	assert_string_equal(e.key, "account_disabled");
}

static void
wrong_role_is_refused_by_the_service(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct session_info si;
	struct actor hall;
	json_t *list = NULL;
	struct err e;

	register_person(f, PERSON);
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
	f->c.actor = &si.actor;
	err_clear(&e);
	assert_int_equal(user_add_staff(&f->c, "evil", "某人", NULL,
	    ROLE_SYSADMIN, 0, 0, PW, &e), -ERR_FORBIDDEN);
	assert_int_equal(user_add_staff(&f->c, "evil", "某人", NULL,
	    ROLE_CLERK, f->dept_id, 0, PW, &e), -ERR_FORBIDDEN);
	assert_int_equal(user_list(&f->c, NULL, &list, &e), -ERR_FORBIDDEN);
	assert_null(list);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users WHERE kind = "
	    "'S'"), 0);

	/* A hall admin asks for staff accounts through the hall's requests
	 * (service/hall/accounts.c): the direct path is the operator's. */
	staff_actor(&hall, ROLE_HALL_ADMIN);
	f->c.actor = &hall;
	assert_int_equal(user_add_staff(&f->c, "root2", "某人", NULL,
	    ROLE_SYSADMIN | ROLE_CLERK, 0, 0, PW, &e), -ERR_FORBIDDEN);
	assert_int_equal(user_add_staff(&f->c, "Window01", "王窗口",
	    "13700000003", ROLE_CLERK, f->dept_id, 3, PW, &e), -ERR_FORBIDDEN);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users WHERE kind = "
	    "'S'"), 0);
	{
		struct actor sys;

		actor_system(&sys, "cli");
		f->c.actor = &sys;
		/* Conflicting roles are refused even to the operator. */
		assert_int_equal(user_add_staff(&f->c, "Window01", "王窗口",
		    "13700000003", ROLE_CLERK | ROLE_APPROVER, f->dept_id, 3,
		    PW, &e), -ERR_UNPROCESSABLE);
		assert_string_equal(e.key, "roles_conflict");
		assert_int_equal(user_add_staff(&f->c, "Window01", "王窗口",
		    "13700000003", ROLE_CLERK, f->dept_id, 3, PW, &e), 0);
	}
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users WHERE login = "
	    "'window01' AND kind = 'S' AND window_id = 3"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'user.add_staff' AND actor_login = 'cli'"), 1);
}

static void
staff_input_is_checked(void **state)
{
	struct fixture *f = *state;
	struct actor sys;
	struct err e;

	actor_system(&sys, "cli");
	f->c.actor = &sys;
	assert_int_equal(user_add_staff(&f->c, "1abc", "某人", NULL,
	    ROLE_CLERK, 0, 0, PW, &e), -ERR_INVALID);
	assert_string_equal(e.field, "login");
	assert_int_equal(user_add_staff(&f->c, "ab", "某人", NULL, ROLE_CLERK,
	    0, 0, PW, &e), -ERR_INVALID);
	assert_int_equal(user_add_staff(&f->c, "张三", "某人", NULL,
	    ROLE_CLERK, 0, 0, PW, &e), -ERR_INVALID);
	assert_int_equal(user_add_staff(&f->c, "clerk1", "某人", NULL, 0, 0, 0,
	    PW, &e), -ERR_INVALID);
	assert_string_equal(e.field, "roles");
	assert_int_equal(user_add_staff(&f->c, "clerk1", "某人", NULL,
	    ROLE_APPLICANT, 0, 0, PW, &e), -ERR_INVALID);
	assert_int_equal(user_add_staff(&f->c, "clerk1", "某人", NULL,
	    ROLE_CLERK, 99999, 0, PW, &e), -ERR_INVALID);
	assert_string_equal(e.field, "dept_id");
	assert_int_equal(user_add_staff(&f->c, "clerk1", "某人", "123",
	    ROLE_CLERK, 0, 0, PW, &e), -ERR_INVALID);
	assert_string_equal(e.field, "mobile");
	assert_int_equal(user_add_staff(&f->c, "clerk1", "某人", NULL,
	    ROLE_CLERK, 0, 0, "password", &e), -ERR_UNPROCESSABLE);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), 0);
	assert_int_equal(user_add_staff(&f->c, "admin", "系统管理员", NULL,
	    ROLE_SYSADMIN, 0, 0, PW, &e), 0);
	assert_int_equal(user_add_staff(&f->c, "ADMIN", "系统管理员", NULL,
	    ROLE_SYSADMIN, 0, 0, PW, &e), -ERR_CONFLICT);
	assert_string_equal(e.key, "login_taken");
}

static void
me_and_list(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct session_info si;
	struct actor sys;
	json_t *me = NULL, *list = NULL, *item;
	struct err e;
	size_t i;
	char *text;

	register_person(f, PERSON);
	actor_system(&sys, "cli");
	f->c.actor = &sys;
	assert_int_equal(user_add_staff(&f->c, "scjg_clerk", "李窗口", NULL,
	    ROLE_CLERK | ROLE_DEPT_ADMIN, f->dept_id, 0, PW, &e), 0);
	assert_int_equal(user_add_staff(&f->c, "hall", "大厅管理员", NULL,
	    ROLE_HALL_ADMIN, 0, 0, PW, &e), 0);

	f->c.actor = &f->anon;
	assert_int_equal(user_get_me(&f->c, &me, &e), -ERR_UNAUTHENTICATED);
	assert_int_equal(auth_login(&f->c, "SCJG_clerk", PW, NULL, &s, NULL,
	    &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
	f->c.actor = &si.actor;
	assert_int_equal(user_get_me(&f->c, &me, &e), 0);
	assert_string_equal(json_string_value(json_object_get(me, "kind")),
	    "staff");
	assert_string_equal(json_string_value(json_object_get(me, "login")),
	    "scjg_clerk");
	assert_string_equal(json_string_value(json_object_get(me,
	    "dept_name")), "白河县市场监督管理局");
	assert_int_equal(json_integer_value(json_object_get(me, "dept_id")),
	    f->dept_id);
	assert_true(json_is_null(json_object_get(me, "window_id")));
	assert_int_equal(json_array_size(json_object_get(me, "roles")), 2);
	json_decref(me);

	/* The list is for hall/system admins, with ID numbers masked. */
	assert_int_equal(user_list(&f->c, NULL, &list, &e), -ERR_FORBIDDEN);
	assert_int_equal(auth_login(&f->c, "hall", PW, NULL, &s, NULL, &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &si, &e), 0);
	assert_int_equal(user_list(&f->c, NULL, &list, &e), 0);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 3);
	text = json_dumps(list, 0);
	assert_null(strstr(text, PERSON));
	assert_null(strstr(text, "argon2"));
	assert_non_null(strstr(text, "610929********001X"));
	free(text);
	json_array_foreach(json_object_get(list, "items"), i, item)
		assert_non_null(json_object_get(item, "login_masked"));
	json_decref(list);

	/* Filters and keyset paging. */
	{
		struct user_filter uf;

		memset(&uf, 0, sizeof(uf));
		uf.kind = 'S';
		uf.limit = 1;
		assert_int_equal(user_list(&f->c, &uf, &list, &e), 0);
		assert_int_equal(json_array_size(json_object_get(list,
		    "items")), 1);
		uf.after_id = json_integer_value(json_object_get(list,
		    "next_after"));
		assert_true(uf.after_id > 0);
		json_decref(list);
		assert_int_equal(user_list(&f->c, &uf, &list, &e), 0);
		assert_int_equal(json_array_size(json_object_get(list,
		    "items")), 1);
		assert_true(json_is_null(json_object_get(list, "next_after")));
		json_decref(list);

		memset(&uf, 0, sizeof(uf));
		uf.q = "窗口";
		assert_int_equal(user_list(&f->c, &uf, &list, &e), 0);
		assert_int_equal(json_array_size(json_object_get(list,
		    "items")), 1);
		json_decref(list);
		uf.q = "61092919900315001x";
		assert_int_equal(user_list(&f->c, &uf, &list, &e), 0);
		assert_int_equal(json_array_size(json_object_get(list,
		    "items")), 1);
		json_decref(list);
		memset(&uf, 0, sizeof(uf));
		uf.roles = ROLE_DEPT_ADMIN;
		assert_int_equal(user_list(&f->c, &uf, &list, &e), 0);
		assert_int_equal(json_array_size(json_object_get(list,
		    "items")), 1);
		json_decref(list);
	}
}

static void
passwords_are_changed_by_the_owner_or_sysadmin(void **state)
{
	struct fixture *f = *state;
	struct auth_session s;
	struct session_info me, other;
	struct actor sys;
	struct err e;

	register_person(f, PERSON);
	register_person(f, "610929198511080025");
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &me, &e), 0);
	assert_int_equal(auth_login(&f->c, "610929198511080025", PW, NULL, &s,
	    NULL, &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &other, &e), 0);

	/* Someone else's password: refused. */
	f->c.actor = &other.actor;
	assert_int_equal(user_set_password(&f->c, PERSON, PW, "New@2024x",
	    &e), -ERR_FORBIDDEN);
	/* One's own: only with the old password. */
	f->c.actor = &me.actor;
	assert_int_equal(user_set_password(&f->c, PERSON, "Bad@2024x",
	    "New@2024x", &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.field, "old_password");
	assert_int_equal(user_set_password(&f->c, PERSON, PW, "weak", &e),
	    -ERR_UNPROCESSABLE);
	assert_int_equal(user_set_password(&f->c, PERSON, PW, "New@2024x", &e),
	    0);
	f->c.actor = &f->anon;
	assert_int_equal(auth_login(&f->c, PERSON, PW, NULL, &s, NULL, &e),
	    -ERR_UNAUTHENTICATED);
	assert_int_equal(auth_login(&f->c, PERSON, "New@2024x", NULL, &s, NULL,
	    &e), 0);

	/* The system actor resets the other user's password; their sessions
	 * end. */
	actor_system(&sys, "cli");
	f->c.actor = &sys;
	assert_int_equal(user_set_password(&f->c, "610929198511080025", NULL,
	    "Reset@2024", &e), 0);
	assert_int_equal(session_resolve(&f->c, s.token, &me, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions s JOIN users "
	    "u ON u.id = s.user_id WHERE u.login = '610929198511080025'"), 0);
	assert_int_equal(user_set_password(&f->c, "nobody", NULL, "Reset@2024",
	    &e), -ERR_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(register_person_and_enterprise,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(bad_registrations_store_nothing,
		    setup, teardown),
		cmocka_unit_test(password_policy),
		cmocka_unit_test_setup_teardown(duplicate_login_is_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    login_creates_a_session_that_resolves, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    unknown_login_and_bad_password_look_the_same, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(five_failures_lock_the_account,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    success_resets_the_failure_count, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sessions_expire_idle_and_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(logout_ends_the_session,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    disabled_accounts_cannot_log_in_or_use_sessions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    wrong_role_is_refused_by_the_service, setup, teardown),
		cmocka_unit_test_setup_teardown(staff_input_is_checked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(me_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    passwords_are_changed_by_the_owner_or_sysadmin, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
