/* accounts.c - staff accounts through the hall's staff-change requests.
 *
 * A new staff account, and a change of a staff member's roles or
 * department, is a request of kind "staff_change" (payload kind "create" or
 * "roles") on the one request queue: asked by the hall admin, the sysadmin
 * or a department admin (for their own department, department roles only),
 * decided by the hall admin or the sysadmin, never by who asked (四眼原则).
 * Until approved, a new account exists only as a pending row (disabled, no
 * roles), so its login is reserved and nothing can log in with it. Roles
 * that conflict (workflow_roles_compatible) are refused when asked and again
 * when approved. The operator's `onetrip user add` (bootstrap) is the one
 * path that creates an account directly. */
#include "service/hall/hall.h"
#include "service/hall/hall_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "service/account/account.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define DEPT_ROLES (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN)

static json_t *
role_names(unsigned roles)
{
	json_t *a = json_array();

	for (unsigned bit = 1; bit != 0 && bit <= ROLE_SYSADMIN; bit <<= 1)
		if ((roles & bit) && role_name(bit)[0] != '\0')
			json_array_append_new(a, json_string(role_name(bit)));
	return a;
}

static unsigned
role_mask(const json_t *names)
{
	unsigned mask = 0;
	const json_t *v;
	size_t i;

	json_array_foreach(names, i, v)
		mask |= role_parse(json_string_value(v));
	return mask;
}

/* Who may ask for an account of roles in department dept (0: none)? */
static int
may_ask(const struct actor *a, unsigned roles, int64_t dept, struct err *e)
{
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SYSADMIN))
		return 0;
	if (!actor_has(a, ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权申请人员变动");
	if (dept != a->dept_id)
		return err_field(e, ERR_FORBIDDEN, "dept_id", "other_department",
		    "只能为本部门的工作人员申请");
	if ((roles & ~(unsigned)DEPT_ROLES) != 0)
		return err_field(e, ERR_FORBIDDEN, "roles", NULL,
		    "部门管理员只能申请本部门的窗口人员、审批人员或部门管理员角色");
	return 0;
}

struct account_tx {
	struct ctx *c;
	const struct user_staff_new *n;
	int64_t user_id, request_id, dept_id;
	unsigned roles, from_roles;
	int64_t from_dept;
	const char *reason;
};

static int
create_fn(struct db *db, void *arg, struct err *e)
{
	struct account_tx *t = arg;
	const struct user_staff_new *n = t->n;
	struct request_in in;
	json_t *p;
	char key[48];
	int rc;

	rc = user_staff_insert(t->c, db, n, false, &t->user_id, e);
	if (rc != 0)
		return rc;
	p = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "kind", "create",
	    "login", n->login, "user_name", n->name, "roles",
	    role_names(n->roles), "dept_id", n->dept_id > 0 ?
	    json_integer(n->dept_id) : json_null(), "to_window_id",
	    n->window_id > 0 ? json_integer(n->window_id) : json_null());
	snprintf(key, sizeof(key), "staff:%" PRId64, t->user_id);
	memset(&in, 0, sizeof(in));
	in.kind = "staff_change";
	in.dept_id = n->dept_id;
	in.subject_type = "user";
	in.subject_id = t->user_id;
	in.subject_label = n->name;
	in.pending_key = key;
	in.payload = p;
	in.reason = t->reason;
	rc = requests_submit(t->c, db, &in, &t->request_id, e);
	json_decref(p);
	return rc;
}

int
hall_staff_account_request(struct ctx *c, const char *login,
    const char *name, const char *mobile, unsigned roles, int64_t dept_id,
    int64_t window_id, const char *password, const char *reason,
    json_t **out, struct err *e)
{
	struct user_staff_new n;
	struct account_tx t;
	int rc;

	*out = NULL;
	if (c->actor->kind != ACTOR_STAFF && c->actor->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权申请人员变动");
	if (dept_id == 0 && !actor_has(c->actor, ROLE_HALL_ADMIN |
	    ROLE_SYSADMIN))
		dept_id = c->actor->dept_id;
	rc = may_ask(c->actor, roles, dept_id, e);
	if (rc != 0)
		return rc;
	if (reason == NULL || reason[0] == '\0')
		reason = "新设工作人员账户";
	if (!hall_reason_ok(reason, true, e))
		return -(int)e->code;
	if (window_id > 0) {
		rc = hall_window_exists(c->db, window_id, e);
		if (rc != 0)
			return rc;
		if (dept_id <= 0)
			return err_field(e, ERR_UNPROCESSABLE, "dept_id", NULL,
			    "安排到窗口的工作人员须归属部门");
	}
	rc = user_staff_check(c, login, name, mobile, roles, dept_id,
	    window_id, password, &n, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.n = &n;
	t.reason = reason;
	rc = db_tx(c->db, create_fn, &t, e);
	sodium_memzero(n.hash, sizeof(n.hash));
	if (rc == 0)
		rc = hall_change_get(c, t.request_id, out, e);
	return rc;
}

static int
roles_fn(struct db *db, void *arg, struct err *e)
{
	struct account_tx *t = arg;
	struct request_in in;
	json_t *p, *u;
	char key[48], name[128] = "", login[64] = "";
	int rc;

	u = db_query_row(db, e, "SELECT name, login FROM users WHERE id = ?",
	    "i", t->user_id);
	if (u == NULL)
		return err_rc(e);
	snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(u,
	    "name")));
	snprintf(login, sizeof(login), "%s", json_string_value(
	    json_object_get(u, "login")));
	json_decref(u);
	p = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "kind", "roles",
	    "login", login, "user_name", name, "roles", role_names(t->roles),
	    "dept_id", json_integer(t->dept_id), "from_roles",
	    role_names(t->from_roles), "from_dept_id",
	    t->from_dept > 0 ? json_integer(t->from_dept) : json_null());
	snprintf(key, sizeof(key), "staff:%" PRId64, t->user_id);
	memset(&in, 0, sizeof(in));
	in.kind = "staff_change";
	in.dept_id = t->dept_id;
	in.subject_type = "user";
	in.subject_id = t->user_id;
	in.subject_label = name;
	in.pending_key = key;
	in.pending_msg = "该工作人员已有待审批的变动申请";
	in.payload = p;
	in.reason = t->reason;
	rc = requests_submit(t->c, db, &in, &t->request_id, e);
	json_decref(p);
	return rc;
}

int
hall_staff_roles_request(struct ctx *c, int64_t user_id, unsigned roles,
    int64_t dept_id, const char *reason, json_t **out, struct err *e)
{
	struct account_tx t;
	int64_t dept, win, cur = 0;
	int rc;

	*out = NULL;
	if (!hall_reason_ok(reason, true, e))
		return -(int)e->code;
	rc = user_roles_check(roles, e);
	if (rc != 0)
		return rc;
	if (user_id <= 0)
		return err_field(e, ERR_INVALID, "user_id", NULL,
		    "请指定工作人员");
	rc = hall_staff_load(c->db, user_id, &dept, &win, e);
	if (rc != 0)
		return rc;
	if (dept_id == 0)
		dept_id = dept;
	/* A department admin asks only for their own people. */
	if (!actor_has(c->actor, ROLE_HALL_ADMIN | ROLE_SYSADMIN) &&
	    dept != c->actor->dept_id)
		return err_set(e, ERR_FORBIDDEN, "other_department",
		    "只能为本部门的工作人员申请变动");
	rc = may_ask(c->actor, roles, dept_id, e);
	if (rc != 0)
		return rc;
	if ((roles & ROLE_SYSADMIN) && !actor_has(c->actor, ROLE_SYSADMIN))
		return err_field(e, ERR_FORBIDDEN, "roles", NULL,
		    "只有系统管理员可以授予系统管理员角色");
	if (dept_id != dept && win > 0)
		return err_field(e, ERR_UNPROCESSABLE, "dept_id", "seated",
		    "该工作人员仍在窗口就位：调整部门前须先申请撤出大厅");
	rc = db_query_int(c->db, e, &cur, "SELECT roles FROM users WHERE id = ?",
	    "i", user_id);
	if (rc < 0)
		return rc;
	if ((unsigned)cur == roles && dept_id == dept)
		return err_field(e, ERR_UNPROCESSABLE, "roles", NULL,
		    "角色和部门均未改变");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.user_id = user_id;
	t.roles = roles;
	t.from_roles = (unsigned)cur;
	t.dept_id = dept_id;
	t.from_dept = dept;
	t.reason = reason;
	rc = db_tx(c->db, roles_fn, &t, e);
	if (rc == 0)
		rc = hall_change_get(c, t.request_id, out, e);
	return rc;
}

/* An approved disable or enable: a disabled account also leaves its
 * window (the assignment is closed, kept in the history). */
static int
status_apply(struct ctx *c, struct db *db, int64_t user_id, bool enable,
    struct err *e)
{
	struct staff_tx t;
	int64_t win = 0;
	int rc;

	rc = user_staff_enable(c, db, user_id, enable, e);
	if (rc != 0 || enable)
		return rc;
	rc = db_query_int(db, e, &win, "SELECT COUNT(*) FROM staff_assignments "
	    "WHERE user_id = ? AND active = 1", "i", user_id);
	if (rc < 0 || win == 0)
		return rc < 0 ? rc : 0;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.user_id = user_id;
	return hall_seat(db, &t, 0, e);
}

struct status_tx {
	struct ctx *c;
	int64_t user_id, dept_id, request_id;
	bool enable;
	const char *reason;
	json_t *payload;
	const char *label;
};

static int
status_fn(struct db *db, void *arg, struct err *e)
{
	struct status_tx *t = arg;
	struct request_in in;
	char key[48];

	snprintf(key, sizeof(key), "staff:%" PRId64, t->user_id);
	memset(&in, 0, sizeof(in));
	in.kind = "staff_change";
	in.dept_id = t->dept_id;
	in.subject_type = "user";
	in.subject_id = t->user_id;
	in.subject_label = t->label;
	in.pending_key = key;
	in.pending_msg = "该工作人员已有待审批的变动申请";
	in.payload = t->payload;
	in.reason = t->reason;
	return requests_submit(t->c, db, &in, &t->request_id, e);
}

int
hall_staff_status_request(struct ctx *c, int64_t user_id, bool enable,
    const char *reason, json_t **out, struct err *e)
{
	struct status_tx t;
	json_t *u;
	unsigned roles;
	int64_t dept;
	bool disabled;
	int rc;

	*out = NULL;
	if (c->actor->kind != ACTOR_STAFF && c->actor->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权申请人员变动");
	if (!hall_reason_ok(reason, true, e))
		return -(int)e->code;
	if (user_id <= 0)
		return err_field(e, ERR_INVALID, "user_id", NULL,
		    "请指定工作人员");
	u = db_query_row(c->db, e, "SELECT kind, name, login, roles, dept_id, "
	    "disabled FROM users WHERE id = ?", "i", user_id);
	if (u == NULL)
		return e->code == ERR_NOT_FOUND ? err_field(e, ERR_NOT_FOUND,
		    "user_id", "user_not_found", "用户不存在") : err_rc(e);
	roles = (unsigned)json_integer_value(json_object_get(u, "roles"));
	dept = json_integer_value(json_object_get(u, "dept_id"));
	disabled = json_integer_value(json_object_get(u, "disabled")) != 0;
	if (strcmp(json_string_value(json_object_get(u, "kind")), "S") != 0) {
		rc = err_field(e, ERR_UNPROCESSABLE, "user_id", "not_staff",
		    "只能停用或启用工作人员账户");
		goto out;
	}
	if (roles == 0) {
		rc = err_field(e, ERR_UNPROCESSABLE, "user_id", "pending",
		    "该账户尚在开户审批中");
		goto out;
	}
	if (user_id == c->actor->user_id) {
		rc = err_field(e, ERR_FORBIDDEN, "user_id", "own_account",
		    "不能申请停用或启用本人的账户");
		goto out;
	}
	if ((roles & ROLE_SYSADMIN) && !actor_has(c->actor, ROLE_SYSADMIN)) {
		rc = err_field(e, ERR_FORBIDDEN, "user_id", NULL,
		    "只有系统管理员可以申请停用系统管理员账户");
		goto out;
	}
	rc = may_ask(c->actor, roles, dept, e);
	if (rc != 0)
		goto out;
	if (disabled != enable) {
		rc = err_field(e, ERR_UNPROCESSABLE, "user_id", enable ?
		    "not_disabled" : "already_disabled", enable ?
		    "该账户未停用" : "该账户已停用");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.user_id = user_id;
	t.dept_id = dept;
	t.enable = enable;
	t.reason = reason;
	t.label = json_string_value(json_object_get(u, "name"));
	t.payload = json_pack("{s:s, s:O, s:O, s:o, s:o}", "kind",
	    enable ? "enable" : "disable", "login", json_object_get(u, "login"),
	    "user_name", json_object_get(u, "name"), "roles",
	    role_names(roles), "dept_id", dept > 0 ? json_integer(dept) :
	    json_null());
	rc = db_tx(c->db, status_fn, &t, e);
	json_decref(t.payload);
	if (rc == 0)
		rc = hall_change_get(c, t.request_id, out, e);
out:
	json_decref(u);
	return rc;
}

int
hall_account_apply(struct ctx *c, struct db *db, const struct request *r,
    const char *kind, bool approve, struct err *e)
{
	const json_t *p = r->payload;
	struct staff_tx t;
	bool create = strcmp(kind, "create") == 0;
	bool status = strcmp(kind, "disable") == 0 ||
	    strcmp(kind, "enable") == 0;
	int64_t dept = json_integer_value(json_object_get(p, "dept_id"));
	int64_t win = json_integer_value(json_object_get(p, "to_window_id"));
	int rc;

	/* A new account not approved (rejected or withdrawn) leaves nothing
	 * behind: the pending row goes, the request keeps what was asked. */
	if (!approve)
		return create ? user_staff_discard(c, db, r->subject_id, e) : 0;
	if (c->actor->kind != ACTOR_SYSTEM && c->actor->user_id ==
	    r->requested_by)
		return err_set(e, ERR_FORBIDDEN, "own_request",
		    "账户和角色的申请须由申请人以外的管理员审批");
	rc = db_tx_lock(db, HALL_LOCK_STAFF + r->subject_id, e);
	if (rc == 0 && status)
		return status_apply(c, db, r->subject_id,
		    strcmp(kind, "enable") == 0, e);
	if (rc == 0)
		rc = user_staff_set(c, db, r->subject_id, role_mask(
		    json_object_get(p, "roles")), dept, create, e);
	if (rc != 0 || !create || win <= 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.user_id = r->subject_id;
	t.dept_id = dept;
	rc = hall_window_exists(db, win, e);
	if (rc == 0)
		rc = hall_seat(db, &t, win, e);
	return rc;
}
