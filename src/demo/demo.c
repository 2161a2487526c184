/* demo.c - the Baihe County demo dataset. */
#include "demo/demo.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/embedded.h"
#include "base/idno.h"
#include "base/log.h"
#include "service/platform/platform.h"
#include "service/account/account.h"
#include "service/catalog/catalog.h"
#include "service/records/records.h"
#include "store/db.h"

typedef int (*demo_loader_fn)(struct ctx *c, struct err *e);

/* The demo loaders, run in this order by demo_load(). Each must be
 * idempotent and create data through the services (so it is audited).
 * Further datasets (catalogue, windows, cases, ...) are added here with one
 * line each, after what they depend on. */
static const struct {
	const char *name;
	demo_loader_fn fn;
} demo_loaders[] = {
	{ "departments", demo_load_departments },
	{ "accounts", demo_load_accounts },
	{ "catalog", demo_load_catalog },
	{ "seals", demo_load_seals },
	{ "ratings", demo_load_ratings },
	{ "bundles", demo_load_bundles },
	{ "supervise", demo_load_supervise },
	{ "projects", demo_load_projects },
	{ "stats", demo_load_stats },
	{ "responsible", demo_load_responsible },
};

/* Staff accounts (contracts.md). dept is a department name from
 * departments.json, or NULL. */
static const struct demo_staff {
	const char *login;
	const char *name;
	const char *mobile;
	unsigned roles;
	const char *dept;
	const char *label;
} demo_staff[] = {
	{ "admin", "系统管理员", "13891500001", ROLE_SYSADMIN, NULL,
	    "系统管理员" },
	{ "hall", "王静", "13891500002", ROLE_HALL_ADMIN, "县行政审批服务局",
	    "大厅管理员（县行政审批服务局）" },
	{ "ducha", "刘建国", "13891500003", ROLE_SUPERVISOR, "县政府督查室",
	    "督查人员（县政府督查室）" },
	{ "window01", "陈晓燕", "13891500004", ROLE_CLERK, "县行政审批服务局",
	    "综合窗口1 窗口人员（县行政审批服务局）" },
	{ "scjg_clerk", "赵磊", "13891500005", ROLE_CLERK, "县市场监管局",
	    "窗口人员（县市场监管局）" },
	{ "scjg_sp", "孙丽", "13891500006", ROLE_APPROVER, "县市场监管局",
	    "审批人员（县市场监管局）" },
	{ "scjg_admin", "周海涛", "13891500007", ROLE_DEPT_ADMIN, "县市场监管局",
	    "部门管理员（县市场监管局）" },
	{ "zj_sp", "吴刚", "13891500008", ROLE_APPROVER, "县住建局",
	    "审批人员（县住建局）" },
	{ "zj_admin", "郑伟", "13891500009", ROLE_DEPT_ADMIN, "县住建局",
	    "部门管理员（县住建局）" },
	{ "zj_clerk", "冯丽", "13891500010", ROLE_CLERK, "县住建局",
	    "住建专窗 窗口人员（县住建局）" },
};

/* Applicant accounts: logins are the ID numbers / credit code. */
static const struct demo_applicant {
	enum actor_kind kind;
	const char *idno;
	const char *name;
	const char *mobile;
	const char *label;
} demo_applicants[] = {
	{ ACTOR_PERSON, "61092919900315001X", "张明", "13991500001",
	    "申请人（个人）张明" },
	{ ACTOR_PERSON, "610929198511080025", "李华", "13991500002",
	    "申请人（个人）李华" },
	{ ACTOR_ENTERPRISE, "91610929MA0BHE001T", "白河县秦岭餐饮有限公司",
	    "13991500003", "申请人（企业）白河县秦岭餐饮有限公司" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* *id = the department's id, 0 if absent. */
static int
dept_id_by_name(struct db *db, const char *name, int64_t *id, struct err *e)
{
	int rc;

	*id = 0;
	rc = db_query_int(db, e, id, "SELECT id FROM departments "
	    "WHERE name = ?", "s", name);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		*id = 0;
	return 0;
}

/* *found = whether an account with this (normalised) login exists. */
static int
login_exists(struct db *db, const char *login, bool *found, struct err *e)
{
	int64_t id = 0;
	int rc;

	rc = db_query_int(db, e, &id, "SELECT id FROM users WHERE login = ?",
	    "s", login);
	if (rc < 0)
		return rc;
	*found = rc == DB_ROW;
	return 0;
}

struct dept_tx {
	struct ctx *c;
	json_t *list;
	int created;
};

static int
departments_tx(struct db *db, void *arg, struct err *e)
{
	struct dept_tx *t = arg;
	size_t i;
	json_t *d;
	int rc;

	t->created = 0;
	json_array_foreach(t->list, i, d) {
		const char *name = json_string_value(json_object_get(d, "name"));
		const char *shortn = json_string_value(
		    json_object_get(d, "short_name"));
		const char *code = json_string_value(
		    json_object_get(d, "credit_code"));
		const char *kind = json_string_value(json_object_get(d, "kind"));
		char idtxt[24];
		int64_t id = 0;
		json_t *sum;

		if (name == NULL || shortn == NULL || code == NULL ||
		    kind == NULL || !idno_credit_code_valid(code))
			return err_internal(e, "%s: entry %zu is incomplete or "
			    "has an invalid credit code", DEMO_DEPARTMENTS_FILE, i);
		rc = dept_id_by_name(db, name, &id, e);
		if (rc != 0)
			return rc;
		if (id != 0)
			continue;
		rc = db_query_int(db, e, &id, "INSERT INTO departments (name, "
		    "short_name, credit_code, kind, created_at) "
		    "VALUES (?, ?, ?, ?, ?) RETURNING id", "ssssi", name, shortn,
		    code, kind, clock_now());
		if (rc < 0)
			return rc;
		if (rc != DB_ROW)
			return err_internal(e, "INSERT departments returned no id");
		snprintf(idtxt, sizeof(idtxt), "%lld", (long long)id);
		sum = json_pack("{s:{s:s,s:s,s:s,s:s}}", "after", "name", name,
		    "short_name", shortn, "credit_code", code, "kind", kind);
		rc = audit_append(t->c, "dept.create", "department", idtxt, sum,
		    e);
		json_decref(sum);
		if (rc != 0)
			return rc;
		t->created++;
	}
	return 0;
}

int
demo_load_departments(struct ctx *c, struct err *e)
{
	const struct embedded_file *f;
	struct dept_tx t;
	json_error_t je;
	json_t *root;
	int rc;

	f = embedded_find(DEMO_DEPARTMENTS_FILE);
	if (f == NULL)
		return err_internal(e, "%s is not embedded", DEMO_DEPARTMENTS_FILE);
	root = json_loadb(f->data, f->len, 0, &je);
	if (root == NULL)
		return err_internal(e, "%s:%d: %s", DEMO_DEPARTMENTS_FILE,
		    je.line, je.text);
	t.c = c;
	t.list = json_object_get(root, "departments");
	t.created = 0;
	if (!json_is_array(t.list)) {
		json_decref(root);
		return err_internal(e, "%s: no departments array",
		    DEMO_DEPARTMENTS_FILE);
	}
	rc = db_tx(c->db, departments_tx, &t, e);
	json_decref(root);
	return rc;
}

int
demo_load_accounts(struct ctx *c, struct err *e)
{
	bool found;
	int64_t dept, id = 0;
	int rc;

	for (size_t i = 0; i < NELEM(demo_staff); i++) {
		const struct demo_staff *s = &demo_staff[i];

		rc = login_exists(c->db, s->login, &found, e);
		if (rc != 0)
			return rc;
		if (found)
			continue;
		dept = 0;
		if (s->dept != NULL) {
			rc = dept_id_by_name(c->db, s->dept, &dept, e);
			if (rc != 0)
				return rc;
			if (dept == 0)
				return err_internal(e, "demo department %s "
				    "is missing", s->dept);
		}
		rc = user_add_staff(c, s->login, s->name, s->mobile, s->roles,
		    dept, 0, DEMO_PASSWORD, e);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < NELEM(demo_applicants); i++) {
		const struct demo_applicant *a = &demo_applicants[i];

		rc = login_exists(c->db, a->idno, &found, e);
		if (rc != 0)
			return rc;
		if (found)
			continue;
		rc = auth_register(c, a->kind, a->idno, a->name, a->mobile,
		    DEMO_PASSWORD, NULL, &id, e);
		if (rc != 0)
			return rc;
		/* the demo people have shown their ID cards at a window */
		rc = realname_mark_verified(c, id, "window", e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
demo_load(struct ctx *c, struct err *e)
{
	int rc;

	for (size_t i = 0; i < NELEM(demo_loaders); i++) {
		rc = demo_loaders[i].fn(c, e);
		if (rc != 0) {
			log_error("demo: loader %s failed: %s",
			    demo_loaders[i].name, e != NULL ? e->msg : "");
			return rc;
		}
	}
	return 0;
}

static int
add_present(struct db *db, json_t *out, const char *login, const char *label,
    struct err *e)
{
	bool found = false;
	int rc;

	rc = login_exists(db, login, &found, e);
	if (rc != 0)
		return rc;
	if (found && json_array_append_new(out, json_pack("{s:s,s:s}",
	    "login", login, "label", label)) != 0)
		return err_internal(e, "out of memory");
	return 0;
}

json_t *
demo_accounts(struct db *db, struct err *e)
{
	json_t *out = json_array();

	if (out == NULL) {
		err_internal(e, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < NELEM(demo_staff); i++)
		if (add_present(db, out, demo_staff[i].login,
		    demo_staff[i].label, e) != 0)
			goto fail;
	for (size_t i = 0; i < NELEM(demo_applicants); i++)
		if (add_present(db, out, demo_applicants[i].idno,
		    demo_applicants[i].label, e) != 0)
			goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

int
demo_counts(struct ctx *c, int64_t *departments, int64_t *users,
    int64_t *audit_records, struct err *e)
{
	int rc;

	rc = db_query_int(c->db, e, departments, "SELECT COUNT(*) FROM "
	    "departments", "");
	if (rc == DB_ROW)
		rc = db_query_int(c->db, e, users, "SELECT COUNT(*) FROM users",
		    "");
	if (rc == DB_ROW)
		rc = db_query_int(c->db, e, audit_records, "SELECT COUNT(*) "
		    "FROM audit_log", "");
	return rc == DB_ROW ? 0 : rc < 0 ? rc : err_internal(e, "no count");
}
