/* projects.c - construction projects: who may do what, registering a
 * project, its steward and liaisons, and the list. The view and the desk
 * are view.c; stage lists and applications stages.c. */
#include "service/project/project_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/idno.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "store/db.h"

#define PJ_MAX_LIAISONS 16
#define PJ_INVESTMENT_MAX INT64_C(100000000)  /* 万元: 1 万亿 */

bool
pj_overseer(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_SYSTEM || actor_has(a,
	    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN));
}

/* Is department name one of project.steward_depts? */
static bool
steward_dept_name(const char *name)
{
	const char *list = config_str("project.steward_depts");
	size_t n = strlen(name);

	while (list != NULL && *list != '\0') {
		const char *comma = strchr(list, ',');
		size_t len = comma != NULL ? (size_t)(comma - list) :
		    strlen(list);

		if (len == n && strncmp(list, name, n) == 0)
			return true;
		list = comma != NULL ? comma + 1 : NULL;
	}
	return false;
}

static int
user_dept_name(struct ctx *c, int64_t user_id, char name[256], bool *staff,
    struct err *e)
{
	json_t *row;

	name[0] = '\0';
	*staff = false;
	row = db_query_row(c->db, e, "SELECT d.name FROM users u JOIN "
	    "departments d ON d.id = u.dept_id WHERE u.id = ? AND u.kind = 'S' "
	    "AND u.disabled = 0", "i", user_id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? 0 : err_rc(e);
	snprintf(name, 256, "%s", json_string_value(json_object_get(row,
	    "name")));
	*staff = true;
	json_decref(row);
	return 0;
}

int
pj_is_steward_staff(struct ctx *c, int64_t user_id, bool *yes,
    struct err *e)
{
	char name[256];
	bool staff;
	int rc;

	*yes = false;
	rc = user_dept_name(c, user_id, name, &staff, e);
	if (rc == 0)
		*yes = staff && steward_dept_name(name);
	return rc;
}

int
pj_may_manage(struct ctx *c, bool *yes, struct err *e)
{
	const struct actor *a = c->actor;

	*yes = false;
	if (a == NULL)
		return 0;
	if (a->kind == ACTOR_SYSTEM || actor_has(a, ROLE_HALL_ADMIN)) {
		*yes = true;
		return 0;
	}
	if (a->kind != ACTOR_STAFF || a->user_id <= 0)
		return 0;
	return pj_is_steward_staff(c, a->user_id, yes, e);
}

int
pj_staff_scope(struct ctx *c, bool *all, int64_t *dept, struct err *e)
{
	const struct actor *a = c->actor;

	*all = pj_overseer(a) || (a != NULL && a->kind == ACTOR_STAFF &&
	    a->window_id > 0);
	*dept = a != NULL && a->dept_id > 0 ? a->dept_id : -1;
	if (*all)
		return 0;
	return pj_may_manage(c, all, e);
}

/* May the staff actor see project id (pj_staff_scope)? */
static int
staff_sees(struct ctx *c, int64_t id, bool *yes, struct err *e)
{
	int64_t dept, n = 0;
	int rc;

	rc = pj_staff_scope(c, yes, &dept, e);
	if (rc != 0 || *yes)
		return rc;
	rc = db_query_int(c->db, e, &n, "SELECT COUNT(*) FROM projects p WHERE "
	    "p.id = ? AND (p.steward_id = ? OR " PJ_INVOLVED_SQL ")", "iiiii",
	    id, c->actor->user_id, dept, dept, dept);
	if (rc < 0)
		return rc;
	*yes = n > 0;
	return 0;
}

bool
pj_is_owner(const struct actor *a, const json_t *row)
{
	const char *cc = json_string_value(json_object_get(row,
	    "owner_credit_code"));

	/* a project is registered by the hall for a credit code: its owner
	 * is the verified (实名) account of that code */
	return a != NULL && a->kind == ACTOR_ENTERPRISE &&
	    actor_is_applicant_of(a, 0, cc);
}

int
pj_load(struct ctx *c, int64_t id, json_t **row, struct err *e)
{
	const struct actor *a = c->actor;
	json_t *r;

	*row = NULL;
	r = db_query_row(c->db, e, "SELECT p.id, p.code, p.name, "
	    "p.owner_name, p.owner_credit_code, p.type, p.location, "
	    "p.investment, p.key_project, p.target_days, p.steward_id, "
	    "p.status, p.created_at, p.updated_at, p.version, u.name AS "
	    "steward_name, u.mobile AS steward_mobile, d.name AS "
	    "steward_dept_name FROM projects p LEFT JOIN users u ON u.id = "
	    "p.steward_id LEFT JOIN departments d ON d.id = u.dept_id "
	    "WHERE p.id = ?", "i", id);
	if (r == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "project_not_found", "项目不存在") : err_rc(e);
	if (a != NULL && a->kind == ACTOR_STAFF) {
		bool sees = false;
		int rc = staff_sees(c, id, &sees, e);

		if (rc != 0) {
			json_decref(r);
			return rc;
		}
		if (!sees) {
			json_decref(r);
			return err_set(e, ERR_NOT_FOUND, "project_not_found",
			    "项目不存在");
		}
	} else if (!(pj_overseer(a) || pj_is_owner(a, r))) {
		json_decref(r);
		return err_set(e, ERR_NOT_FOUND, "project_not_found",
		    "项目不存在");
	}
	*row = r;
	return 0;
}

int
pj_audit(struct ctx *c, const char *action, int64_t id, json_t *summary,
    struct err *e)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, id);
	return audit_append(c, action, "project", buf, summary, e);
}

int
pj_text(const char *s, const char *field, const char *what, size_t max,
    bool required, struct err *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return required ? err_field(e, ERR_INVALID, field, "required",
		    "请填写%s", what) : 0;
	n = utf8_strlen(s);
	if (n == (size_t)-1)
		return err_field(e, ERR_INVALID, field, "invalid_utf8",
		    "%s含有无效字符", what);
	if (n > max)
		return err_field(e, ERR_INVALID, field, "too_long",
		    "%s不能超过 %zu 个字", what, max);
	return 0;
}

/* ---- the team: steward and liaisons ---- */

static int
check_steward(struct ctx *c, int64_t user_id, struct err *e)
{
	bool ok = false;
	int rc;

	if (user_id <= 0)
		return 0;
	rc = pj_is_steward_staff(c, user_id, &ok, e);
	if (rc == 0 && !ok)
		rc = err_field(e, ERR_UNPROCESSABLE, "steward_id", "bad_steward",
		    "项目管家须为政务服务中心或发改部门的工作人员");
	return rc;
}

/* liaisons: [{dept_id, user_id}], each user staff of that department,
 * each department once. */
static int
check_liaisons(struct ctx *c, const json_t *l, struct err *e)
{
	int64_t seen[PJ_MAX_LIAISONS];
	const json_t *x;
	size_t i;

	if (l == NULL || json_is_null(l))
		return 0;
	if (!json_is_array(l) || json_array_size(l) > PJ_MAX_LIAISONS)
		return err_field(e, ERR_INVALID, "liaisons", "bad_liaisons",
		    "联络员应为数组，最多 %d 个部门", PJ_MAX_LIAISONS);
	json_array_foreach(l, i, x) {
		int64_t dept = json_integer_value(json_object_get(x, "dept_id"));
		int64_t user = json_integer_value(json_object_get(x, "user_id"));
		int64_t n = 0;
		int rc;

		if (dept <= 0 || user <= 0)
			return err_field(e, ERR_INVALID, "liaisons", "required",
			    "请为每个部门选择联络员");
		for (size_t k = 0; k < i; k++)
			if (seen[k] == dept)
				return err_field(e, ERR_INVALID, "liaisons",
				    "duplicate_dept", "每个部门只设一名联络员");
		seen[i] = dept;
		rc = db_query_int(c->db, e, &n, "SELECT count(*) FROM users "
		    "WHERE id = ? AND dept_id = ? AND kind = 'S' AND disabled = 0",
		    "ii", user, dept);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_field(e, ERR_UNPROCESSABLE, "liaisons",
			    "bad_liaison", "联络员须为该部门的工作人员");
	}
	return 0;
}

static int
write_liaisons(struct db *db, int64_t id, const json_t *l, struct err *e)
{
	const json_t *x;
	size_t i;
	int rc;

	rc = db_exec(db, e, "DELETE FROM project_liaisons WHERE project_id = ?",
	    "i", id);
	json_array_foreach(l, i, x) {
		if (rc != 0)
			break;
		rc = db_exec(db, e, "INSERT INTO project_liaisons (project_id, "
		    "dept_id, user_id, assigned_at) VALUES (?, ?, ?, ?)", "iiii",
		    id, (int64_t)json_integer_value(json_object_get(x,
		    "dept_id")), (int64_t)json_integer_value(json_object_get(x,
		    "user_id")), clock_now());
	}
	return rc;
}

/* ---- registering ---- */

struct create_tx {
	struct ctx *c;
	const json_t *in;
	char code[40];
	char credit[24];
	enum project_type type;
	int64_t investment, steward;
	bool key;
	int64_t id;
};

static const char *
str(const json_t *in, const char *k)
{
	return json_string_value(json_object_get(in, k));
}

static int
create_fn(struct db *db, void *arg, struct err *e)
{
	struct create_tx *t = arg;
	int64_t now = clock_now(), n = 0;
	char type_key[48];
	struct db_stmt *s;
	json_t *sum;
	int rc;

	if (t->code[0] == '\0') {
		char day[11];

		rc = db_tx_lock(db, PJ_LOCK_CODES, e);
		if (rc == 0)
			rc = db_query_int(db, e, &n, "SELECT count(*) FROM "
			    "projects WHERE code LIKE 'BH-%'", "");
		if (rc < 0)
			return rc;
		clock_date(now, day);
		snprintf(t->code, sizeof(t->code), "BH-%.4s-%06" PRId64, day,
		    n + 1);
	}
	rc = db_query_int(db, e, &n, "SELECT count(*) FROM projects WHERE "
	    "code = ?", "s", t->code);
	if (rc < 0)
		return rc;
	if (n > 0)
		return err_field(e, ERR_CONFLICT, "code", "duplicate_code",
		    "项目代码 %s 已登记", t->code);
	snprintf(type_key, sizeof(type_key), "project.target_days_%s",
	    project_type_name(t->type));
	s = db_query(db, e, "INSERT INTO projects (code, name, owner_name, "
	    "owner_credit_code, type, location, investment, key_project, "
	    "target_days, steward_id, created_by, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?) "
	    "RETURNING id", "ssssssiiiiiii", t->code, str(t->in, "name"),
	    str(t->in, "owner_name"), t->credit, project_type_name(t->type),
	    str(t->in, "location"), t->investment, (int64_t)t->key,
	    config_int(type_key), t->steward, t->c->actor->user_id, now, now);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "project: no id");
	if (json_is_array(json_object_get(t->in, "liaisons"))) {
		rc = write_liaisons(db, t->id, json_object_get(t->in,
		    "liaisons"), e);
		if (rc != 0)
			return rc;
	}
	sum = json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", t->code, "name",
	    str(t->in, "name"), "owner_credit_code", t->credit, "type",
	    project_type_name(t->type), "key_project", t->key);
	rc = pj_audit(t->c, "project.create", t->id, sum, e);
	json_decref(sum);
	return rc;
}

static int
create_check(struct ctx *c, const json_t *in, struct create_tx *t,
    struct err *e)
{
	const char *code = str(in, "code"), *credit = str(in,
	    "owner_credit_code");
	const json_t *inv = json_object_get(in, "investment");
	const json_t *key = json_object_get(in, "key_project");
	size_t i;
	int rc;

	if (!json_is_object(in))
		return err_set(e, ERR_INVALID, "bad_json",
		    "请求内容须为 JSON 对象");
	rc = pj_text(str(in, "name"), "name", "项目名称", 100, true, e);
	if (rc == 0)
		rc = pj_text(str(in, "owner_name"), "owner_name", "建设单位名称",
		    LIMIT_NAME_CHARS, true, e);
	if (rc == 0)
		rc = pj_text(str(in, "location"), "location", "建设地点", 200,
		    true, e);
	if (rc != 0)
		return rc;
	if (code != NULL && code[0] != '\0') {
		if (!project_code_valid(code))
			return err_field(e, ERR_INVALID, "code", "bad_code",
			    "项目代码格式应为 YYMM-行政区划-行业-类型-流水号，"
			    "如 2409-610929-04-01-873215");
		snprintf(t->code, sizeof(t->code), "%s", code);
	}
	if (credit == NULL || strlen(credit) != 18)
		return err_field(e, ERR_INVALID, "owner_credit_code",
		    credit == NULL || credit[0] == '\0' ? "required" :
		    "bad_credit_code", credit == NULL || credit[0] == '\0' ?
		    "请填写建设单位统一社会信用代码" :
		    "统一社会信用代码应为 18 位");
	for (i = 0; i < 18; i++)
		t->credit[i] = (char)toupper((unsigned char)credit[i]);
	t->credit[18] = '\0';
	if (!idno_credit_code_valid(t->credit))
		return err_field(e, ERR_INVALID, "owner_credit_code",
		    "bad_credit_code", "统一社会信用代码校验不通过");
	t->type = project_type_parse(str(in, "type"));
	if (t->type == PROJECT_TYPE_NONE)
		return err_field(e, ERR_INVALID, "type", "bad_type",
		    "项目类型须为 gov（政府投资）、social（社会投资）或 small"
		    "（小型社会投资）");
	if (inv != NULL && !json_is_null(inv) && (!json_is_integer(inv) ||
	    json_integer_value(inv) < 0 || json_integer_value(inv) >
	    PJ_INVESTMENT_MAX))
		return err_field(e, ERR_INVALID, "investment", "bad_investment",
		    "总投资（万元）须为非负整数");
	t->investment = json_integer_value(inv);
	if (key != NULL && !json_is_null(key) && !json_is_boolean(key))
		return err_field(e, ERR_INVALID, "key_project", "bad_type",
		    "字段 key_project 须为 true 或 false");
	t->key = json_is_true(key);
	t->steward = json_integer_value(json_object_get(in, "steward_id"));
	rc = check_steward(c, t->steward, e);
	if (rc == 0)
		rc = check_liaisons(c, json_object_get(in, "liaisons"), e);
	return rc;
}

int
project_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e)
{
	struct create_tx t;
	bool may = false;
	int rc;

	*out = NULL;
	rc = pj_may_manage(c, &may, e);
	if (rc != 0)
		return rc;
	if (!may)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员或项目管家所在部门可以登记项目");
	memset(&t, 0, sizeof(t));
	rc = create_check(c, in, &t, e);
	if (rc != 0)
		return rc;
	t.c = c;
	t.in = in;
	rc = db_tx(c->db, create_fn, &t, e);
	if (rc != 0)
		return rc;
	return project_get(c, t.id, out, e);
}

struct team_tx {
	struct ctx *c;
	int64_t id, version, steward;
	bool set_steward;
	const json_t *liaisons;
};

static int
team_fn(struct db *db, void *arg, struct err *e)
{
	struct team_tx *t = arg;
	json_t *sum;
	int rc;

	rc = db_exec(db, e, "UPDATE projects SET steward_id = CASE WHEN ? = 1 "
	    "THEN NULLIF(?, 0) ELSE steward_id END, updated_at = ?, version = "
	    "version + 1 WHERE id = ? AND version = ?", "iiiii",
	    (int64_t)t->set_steward, t->steward, clock_now(), t->id,
	    t->version);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0)
		return err_set(e, ERR_CONFLICT, "stale", PROJECT_STALE_MSG);
	if (t->liaisons != NULL) {
		rc = write_liaisons(db, t->id, t->liaisons, e);
		if (rc != 0)
			return rc;
	}
	sum = json_pack("{s:I, s:O}", "steward_id", (json_int_t)t->steward,
	    "liaisons", t->liaisons != NULL ? (json_t *)t->liaisons :
	    json_null());
	rc = pj_audit(t->c, "project.team", t->id, sum, e);
	json_decref(sum);
	return rc;
}

int
project_team_set(struct ctx *c, int64_t id, const json_t *in,
    int64_t version, json_t **out, struct err *e)
{
	struct team_tx t;
	json_t *row = NULL, *l;
	bool may = false;
	int rc;

	*out = NULL;
	rc = pj_load(c, id, &row, e);
	if (rc != 0)
		return rc;
	json_decref(row);
	rc = pj_may_manage(c, &may, e);
	if (rc != 0)
		return rc;
	if (!may)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员或项目管家所在部门可以指定项目管家和联络员");
	memset(&t, 0, sizeof(t));
	t.set_steward = json_object_get(in, "steward_id") != NULL;
	t.steward = json_integer_value(json_object_get(in, "steward_id"));
	l = json_object_get(in, "liaisons");
	t.liaisons = json_is_array(l) ? l : NULL;
	rc = check_steward(c, t.steward, e);
	if (rc == 0)
		rc = check_liaisons(c, l, e);
	if (rc != 0)
		return rc;
	t.c = c;
	t.id = id;
	t.version = version;
	rc = db_tx(c->db, team_fn, &t, e);
	if (rc != 0)
		return rc;
	return project_get(c, id, out, e);
}
