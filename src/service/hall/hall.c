/* hall.c - departments, windows, window items, staff at windows and staff
 * change requests. See hall.h. */
#include "service/hall/hall.h"
#include "service/hall/hall_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/idno.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "service/platform/platform.h"
#include "service/account/account.h"
#include "store/db.h"


static bool
is_staff(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_STAFF || a->kind == ACTOR_SYSTEM)
	    && actor_has(a, ROLE_STAFF_ANY);
}

static int
audit_obj(struct ctx *c, const char *action, const char *type, int64_t id,
    json_t *sum, struct err *e)
{
	char idb[24];
	int rc;

	snprintf(idb, sizeof(idb), "%" PRId64, id);
	rc = audit_append(c, action, type, idb, sum, e);
	json_decref(sum);
	return rc;
}

/* Optional string member: NULL when absent; false with e set when it is of
 * another type, invalid or longer than max characters. */
static bool
member_str(const json_t *in, const char *name, size_t max, const char **out,
    struct err *e)
{
	const json_t *v = json_object_get(in, name);
	const char *s;

	*out = NULL;
	if (v == NULL)
		return true;
	if (!json_is_string(v)) {
		err_field(e, ERR_INVALID, name, "bad_type", "字段 %s 须为字符串",
		    name);
		return false;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || !utf8_valid(s, strlen(s)) ||
	    utf8_strlen(s) > max) {
		err_field(e, ERR_INVALID, name, "too_long",
		    "字段 %s 过长（最多 %zu 字）或含有无效字符", name, max);
		return false;
	}
	*out = s;
	return true;
}

bool
hall_reason_ok(const char *s, bool required, struct err *e)
{
	if (s == NULL || s[0] == '\0') {
		if (required) {
			err_field(e, ERR_UNPROCESSABLE, "reason", "reason_required",
			    "请填写理由");
			return false;
		}
		return true;
	}
	if (!utf8_valid(s, strlen(s)) || utf8_strlen(s) > LIMIT_TEXT_CHARS) {
		err_field(e, ERR_INVALID, "reason", NULL, "理由过长或含有无效字符");
		return false;
	}
	return true;
}

/* --- departments --- */

#define DEPT_COLS "SELECT d.id, d.name, d.short_name, d.credit_code, d.kind, " \
	"d.stationing_mode, d.not_stationed_reason, d.responsible_person, " \
	"d.responsible_phone, d.lead_office, d.contact_phone, d.address, " \
	"d.responsible_user_id, " \
	"(SELECT COUNT(*) FROM items i WHERE i.dept_id = d.id AND " \
	"i.status = 'published') AS item_count FROM departments d "

int
hall_department_resolve(struct ctx *c, const char *id_or_name, int64_t *id,
    struct err *e)
{
	size_t n = strlen(id_or_name);
	bool digits = n > 0 && n <= 18;
	int rc;

	*id = 0;
	for (size_t i = 0; digits && i < n; i++)
		digits = id_or_name[i] >= '0' && id_or_name[i] <= '9';
	if (digits)
		rc = db_query_int(c->db, e, id, "SELECT id FROM departments "
		    "WHERE id = ?", "i", (int64_t)strtoll(id_or_name, NULL, 10));
	else
		rc = db_query_int(c->db, e, id, "SELECT id FROM departments "
		    "WHERE name = ? OR short_name = ? ORDER BY id LIMIT 1", "ss",
		    id_or_name, id_or_name);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "department_not_found",
		    "部门“%s”不存在", id_or_name);
	return 0;
}

int
hall_departments_list(struct ctx *c, json_t **out, struct err *e)
{
	json_t *list = db_query_json(c->db, e, DEPT_COLS "ORDER BY d.id", "");

	*out = NULL;
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:o, s:n}", "items", list, "next_cursor");
	return 0;
}

int
hall_department_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	*out = db_query_row(c->db, e, DEPT_COLS "WHERE d.id = ?", "i", id);
	if (*out == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "dept_not_found", "部门不存在") : err_rc(e);
	return 0;
}

struct dept_tx {
	struct ctx *c;
	int64_t id;
	json_t *before;
	const char *v[11];
	int64_t responsible;   /* users.id; 0: none */
	json_t *user;          /* the responsible account's name and mobile */
};

static const char *const dept_fields[11] = {
	"name", "short_name", "credit_code", "kind", "stationing_mode",
	"not_stationed_reason", "responsible_person", "responsible_phone",
	"lead_office", "contact_phone", "address",
};

static int
dept_fn(struct db *db, void *arg, struct err *e)
{
	struct dept_tx *t = arg;
	json_t *after;
	int rc;

	rc = db_exec(db, e, "UPDATE departments SET name = ?, short_name = ?, "
	    "credit_code = ?, kind = ?, stationing_mode = ?, "
	    "not_stationed_reason = ?, responsible_person = ?, "
	    "responsible_phone = ?, lead_office = ?, contact_phone = ?, "
	    "address = ?, responsible_user_id = NULLIF(?, 0) WHERE id = ?",
	    "sssssssssssii", t->v[0], t->v[1], t->v[2], t->v[3], t->v[4],
	    t->v[5], t->v[6], t->v[7], t->v[8], t->v[9], t->v[10],
	    t->responsible, t->id);
	if (rc == -ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "name", "dept_exists",
		    "部门名称已存在");
	if (rc != 0)
		return rc;
	after = json_object();
	for (int i = 0; i < 11; i++)
		json_object_set_new(after, dept_fields[i], json_string(t->v[i]));
	json_object_set_new(after, "responsible_user_id",
	    t->responsible > 0 ? json_integer(t->responsible) : json_null());
	return audit_obj(t->c, "dept.update", "department", t->id,
	    json_pack("{s:O, s:o}", "before", t->before, "after", after), e);
}

/* 明确责任人员: the responsible person is an active staff account of the
 * department (responsible_user_id), its name and mobile copied; a typed
 * name is refused; a department with published items must have one. */
static int
dept_responsible(struct ctx *c, int64_t id, const json_t *in,
    const json_t *cur, struct dept_tx *t, struct err *e)
{
	const json_t *v = json_object_get(in, "responsible_user_id");
	const char *was = json_string_value(json_object_get(cur,
	    "responsible_person"));
	int64_t items = 0;
	json_t *u;
	int rc;

	t->responsible = json_integer_value(json_object_get(cur,
	    "responsible_user_id"));
	if (v != NULL && !json_is_null(v) && (!json_is_integer(v) ||
	    json_integer_value(v) <= 0))
		return err_field(e, ERR_INVALID, "responsible_user_id", NULL,
		    "responsible_user_id 须为工作人员账号编号");
	if (v != NULL)
		t->responsible = json_is_integer(v) ? json_integer_value(v) : 0;
	if (v == NULL && json_object_get(in, "responsible_person") != NULL &&
	    strcmp(t->v[6], was != NULL ? was : "") != 0)
		return err_field(e, ERR_UNPROCESSABLE, "responsible_person",
		    "responsible_account_required", "责任人员须选择本部门的工作"
		    "人员账号（responsible_user_id），不能直接填写姓名");
	if (t->responsible == 0) {
		rc = db_query_int(c->db, e, &items, "SELECT COUNT(*) FROM "
		    "items WHERE dept_id = ? AND status = 'published'", "i", id);
		if (rc < 0)
			return rc;
		if (items > 0 && v != NULL)
			return err_field(e, ERR_UNPROCESSABLE,
			    "responsible_user_id", "responsible_required",
			    "有审批事项的部门须明确责任人员：请选择本部门的工作"
			    "人员账号");
		if (v != NULL) {
			t->v[6] = "";
			t->v[7] = "";
		}
		return 0;
	}
	if (v == NULL)
		return 0;
	u = db_query_row(c->db, e, "SELECT name, COALESCE(mobile, '') AS "
	    "mobile FROM users WHERE id = ? AND kind = 'S' AND disabled = 0 "
	    "AND dept_id = ?", "ii", t->responsible, id);
	if (u == NULL)
		return e->code == ERR_NOT_FOUND ? err_field(e,
		    ERR_UNPROCESSABLE, "responsible_user_id",
		    "responsible_not_staff", "责任人员须为本部门在岗的工作人员"
		    "账号") : err_rc(e);
	t->user = u;
	t->v[6] = json_string_value(json_object_get(u, "name"));
	if (json_object_get(in, "responsible_phone") == NULL)
		t->v[7] = json_string_value(json_object_get(u, "mobile"));
	return 0;
}

/* 委托综合窗口受理: a department delegated to the comprehensive windows has
 * no window of its own accepting its items. */
static int
dept_mode_check(struct ctx *c, int64_t id, const char *mode, struct err *e)
{
	int64_t n = 0;
	int rc;

	if (strcmp(mode, "delegated") != 0)
		return 0;
	rc = db_query_int(c->db, e, &n, "SELECT COUNT(DISTINCT wi.item_id) "
	    "FROM window_items wi JOIN windows w ON w.id = wi.window_id JOIN "
	    "items i ON i.id = wi.item_id WHERE w.dept_id = ? AND w.kind <> "
	    "'comprehensive' AND w.active = 1 AND i.dept_id = ?", "ii", id, id);
	if (rc < 0)
		return rc;
	if (n > 0)
		return err_field(e, ERR_CONFLICT, "stationing_mode",
		    "own_window_accepts", "本部门窗口仍在受理其 %lld 项事项；"
		    "委托综合窗口受理的部门不得保留自己的受理窗口，请先调整窗口"
		    "事项", (long long)n);
	return 0;
}

int
hall_department_update(struct ctx *c, int64_t id, const json_t *in,
    json_t **out, struct err *e)
{
	static const size_t max[11] = { LIMIT_NAME_CHARS, LIMIT_NAME_CHARS, 18,
	    16, 16, LIMIT_TEXT_CHARS, LIMIT_NAME_CHARS, 20, LIMIT_NAME_CHARS,
	    20, 200 };
	struct dept_tx t;
	json_t *cur = NULL;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以维护部门");
	if (in == NULL || !json_is_object(in))
		return err_set(e, ERR_INVALID, "bad_json", "请求内容须为 JSON 对象");
	rc = hall_department_get(c, id, &cur, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.before = cur;
	for (int i = 0; i < 11; i++) {
		const char *s;

		if (!member_str(in, dept_fields[i], max[i], &s, e)) {
			rc = -(int)e->code;
			goto out;
		}
		if (s == NULL)
			s = json_string_value(json_object_get(cur, dept_fields[i]));
		t.v[i] = s != NULL ? s : "";
	}
	if (t.v[0][0] == '\0')
		rc = err_field(e, ERR_UNPROCESSABLE, "name", NULL,
		    "请填写部门名称");
	else if (t.v[2][0] != '\0' && !idno_credit_code_valid(t.v[2]))
		rc = err_field(e, ERR_UNPROCESSABLE, "credit_code",
		    "invalid_credit_code", "统一社会信用代码不正确（应为18位，"
		    "校验位须正确）");
	else if (strcmp(t.v[3], "government") && strcmp(t.v[3], "institution")
	    && strcmp(t.v[3], "utility"))
		rc = err_field(e, ERR_UNPROCESSABLE, "kind", NULL,
		    "部门类型须为 government（政府部门）、institution（事业单位）"
		    "或 utility（公共服务企业）");
	else if (strcmp(t.v[4], "full") && strcmp(t.v[4], "delegated") &&
	    strcmp(t.v[4], "none"))
		rc = err_field(e, ERR_UNPROCESSABLE, "stationing_mode", NULL,
		    "进驻方式须为 full（成建制进驻）、delegated（委托综合窗口受理）"
		    "或 none（不进驻）");
	else if (strcmp(t.v[4], "none") == 0 && t.v[5][0] == '\0')
		rc = err_field(e, ERR_UNPROCESSABLE, "not_stationed_reason",
		    "reason_required", "不进驻大厅的部门须说明原因");
	if (rc == 0)
		rc = dept_responsible(c, id, in, cur, &t, e);
	if (rc == 0)
		rc = dept_mode_check(c, id, t.v[4], e);
	if (rc != 0)
		goto out;
	if (strcmp(t.v[4], "none") != 0)
		t.v[5] = "";
	rc = db_tx(c->db, dept_fn, &t, e);
	if (rc == 0)
		rc = hall_department_get(c, id, out, e);
out:
	json_decref(t.user);
	json_decref(cur);
	return rc;
}

/* --- windows --- */

#define WIN_COLS "SELECT w.id, w.number, w.name, w.kind, w.zone, w.dept_id, " \
	"d.name AS dept_name, w.active, (SELECT COUNT(*) FROM window_items wi " \
	"WHERE wi.window_id = w.id) AS item_count FROM windows w LEFT JOIN " \
	"departments d ON d.id = w.dept_id "

static int
window_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	*out = db_query_row(c->db, e, WIN_COLS "WHERE w.id = ?", "i", id);
	if (*out == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "window_not_found", "窗口不存在") : err_rc(e);
	return 0;
}

int
hall_windows_list(struct ctx *c, json_t **out, struct err *e)
{
	json_t *list;

	*out = NULL;
	if (!is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看窗口");
	list = db_query_json(c->db, e, WIN_COLS "ORDER BY w.number", "");
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:o, s:n}", "items", list, "next_cursor");
	return 0;
}

struct win_tx {
	struct ctx *c;
	int64_t id;
	const char *number, *name, *kind, *zone;
	int64_t dept_id;
	int active;
	json_t *ids;
};

static int
win_create_fn(struct db *db, void *arg, struct err *e)
{
	struct win_tx *t = arg;
	int64_t now = clock_now();
	int rc;

	rc = db_query_int(db, e, &t->id, "INSERT INTO windows (number, name, "
	    "kind, zone, dept_id, active, created_at, updated_at) VALUES (?, ?, "
	    "?, ?, NULLIF(?, 0), ?, ?, ?) RETURNING id", "ssssiIii", t->number,
	    t->name, t->kind, t->zone, t->dept_id, t->active, now, now);
	if (rc == -ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "number", "window_exists",
		    "窗口编号已存在");
	if (rc < 0)
		return rc;
	return audit_obj(t->c, "window.create", "window", t->id, json_pack(
	    "{s:{s:s, s:s, s:s, s:s, s:I}}", "after", "number", t->number,
	    "name", t->name, "kind", t->kind, "zone", t->zone, "dept_id",
	    (json_int_t)t->dept_id), e);
}

static int
win_update_fn(struct db *db, void *arg, struct err *e)
{
	struct win_tx *t = arg;
	int rc;

	rc = db_exec(db, e, "UPDATE windows SET number = ?, name = ?, kind = ?, "
	    "zone = ?, dept_id = NULLIF(?, 0), active = ?, updated_at = ? "
	    "WHERE id = ?", "ssssiIii", t->number, t->name, t->kind, t->zone,
	    t->dept_id, t->active, clock_now(), t->id);
	if (rc == -ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "number", "window_exists",
		    "窗口编号已存在");
	if (rc != 0)
		return rc;
	return audit_obj(t->c, "window.update", "window", t->id, json_pack(
	    "{s:{s:s, s:s, s:s, s:s, s:I, s:i}}", "after", "number", t->number,
	    "name", t->name, "kind", t->kind, "zone", t->zone, "dept_id",
	    (json_int_t)t->dept_id, "active", t->active), e);
}

/* Reads and checks the window members; defaults from cur (may be NULL). */
static int
window_input(struct ctx *c, const json_t *in, const json_t *cur,
    struct win_tx *t, struct err *e)
{
	const json_t *v;
	int64_t one;
	int rc;

	if (in == NULL || !json_is_object(in))
		return err_set(e, ERR_INVALID, "bad_json", "请求内容须为 JSON 对象");
	if (!member_str(in, "number", 16, &t->number, e) ||
	    !member_str(in, "name", LIMIT_NAME_CHARS, &t->name, e) ||
	    !member_str(in, "kind", 16, &t->kind, e) ||
	    !member_str(in, "zone", 32, &t->zone, e))
		return -(int)e->code;
#define DEF(f) if (t->f == NULL) t->f = cur != NULL ? \
	json_string_value(json_object_get(cur, #f)) : NULL
	DEF(number);
	DEF(name);
	DEF(kind);
	DEF(zone);
#undef DEF
	if (t->kind == NULL)
		t->kind = "dedicated";
	if (t->zone == NULL)
		t->zone = "";
	v = json_object_get(in, "dept_id");
	if (v != NULL && !json_is_null(v) && (!json_is_integer(v) ||
	    json_integer_value(v) < 0))
		return err_field(e, ERR_INVALID, "dept_id", NULL,
		    "dept_id 须为部门编号");
	t->dept_id = v != NULL && json_is_integer(v) ? json_integer_value(v) :
	    cur != NULL ? json_integer_value(json_object_get(cur, "dept_id")) :
	    0;
	v = json_object_get(in, "active");
	t->active = v != NULL ? json_is_true(v) || (json_is_integer(v) &&
	    json_integer_value(v) != 0) : cur != NULL ?
	    (int)json_integer_value(json_object_get(cur, "active")) : 1;
	if (t->number == NULL || t->number[0] == '\0')
		return err_field(e, ERR_UNPROCESSABLE, "number", NULL,
		    "请填写窗口编号");
	if (t->name == NULL || t->name[0] == '\0')
		return err_field(e, ERR_UNPROCESSABLE, "name", NULL,
		    "请填写窗口名称");
	if (strcmp(t->kind, "comprehensive") && strcmp(t->kind, "dedicated") &&
	    strcmp(t->kind, "cannot_do") && strcmp(t->kind, "assist") &&
	    strcmp(t->kind, "consult"))
		return err_field(e, ERR_UNPROCESSABLE, "kind", NULL,
		    "窗口类型须为综合窗口、专窗、办不成事窗口、帮办代办或咨询窗口");
	if (t->dept_id > 0) {
		rc = db_query_int(c->db, e, &one, "SELECT 1 FROM departments "
		    "WHERE id = ?", "i", t->dept_id);
		if (rc < 0)
			return rc;
		if (rc != DB_ROW)
			return err_field(e, ERR_UNPROCESSABLE, "dept_id",
			    "dept_not_found", "所选部门不存在");
	} else if (strcmp(t->kind, "dedicated") == 0) {
		return err_field(e, ERR_UNPROCESSABLE, "dept_id", NULL,
		    "专窗须指定所属部门");
	}
	return 0;
}

int
hall_window_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e)
{
	struct win_tx t;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以设置窗口");
	memset(&t, 0, sizeof(t));
	t.c = c;
	rc = window_input(c, in, NULL, &t, e);
	if (rc == 0)
		rc = db_tx(c->db, win_create_fn, &t, e);
	if (rc == 0)
		rc = window_get(c, t.id, out, e);
	return rc;
}

int
hall_window_update(struct ctx *c, int64_t id, const json_t *in, json_t **out,
    struct err *e)
{
	struct win_tx t;
	json_t *cur = NULL;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以设置窗口");
	rc = window_get(c, id, &cur, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	rc = window_input(c, in, cur, &t, e);
	if (rc == 0)
		rc = db_tx(c->db, win_update_fn, &t, e);
	json_decref(cur);
	if (rc == 0)
		rc = window_get(c, id, out, e);
	return rc;
}

int
hall_window_items(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	json_t *w = NULL, *list;
	int rc;

	*out = NULL;
	if (!is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看窗口");
	rc = window_get(c, id, &w, e);
	if (rc != 0)
		return rc;
	json_decref(w);
	list = db_query_json(c->db, e, "SELECT i.id, i.name, i.impl_code, "
	    "i.handle_code, i.dept_id, d.name AS dept_name, i.type FROM "
	    "window_items wi JOIN items i ON i.id = wi.item_id JOIN departments "
	    "d ON d.id = i.dept_id WHERE wi.window_id = ? ORDER BY i.id", "i",
	    id);
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

static int
win_items_fn(struct db *db, void *arg, struct err *e)
{
	struct win_tx *t = arg;
	json_t *v;
	size_t i;
	int rc;

	rc = db_exec(db, e, "DELETE FROM window_items WHERE window_id = ?", "i",
	    t->id);
	json_array_foreach(t->ids, i, v) {
		if (rc != 0)
			break;
		rc = db_exec(db, e, "INSERT INTO window_items (window_id, item_id) "
		    "VALUES (?, ?) ON CONFLICT DO NOTHING", "ii", t->id,
		    (int64_t)json_integer_value(v));
	}
	if (rc != 0)
		return rc;
	return audit_obj(t->c, "window.items", "window", t->id, json_pack(
	    "{s:O}", "item_ids", t->ids), e);
}

int
hall_window_items_put(struct ctx *c, int64_t id, const json_t *item_ids,
    json_t **out, struct err *e)
{
	struct win_tx t;
	json_t *w = NULL, *v;
	const char *kind;
	int64_t wdept;
	size_t i;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员可以设置窗口事项");
	if (!json_is_array(item_ids) || json_array_size(item_ids) > 2000)
		return err_field(e, ERR_INVALID, "item_ids", NULL,
		    "item_ids 须为事项编号数组");
	rc = window_get(c, id, &w, e);
	if (rc != 0)
		return rc;
	kind = json_string_value(json_object_get(w, "kind"));
	wdept = json_integer_value(json_object_get(w, "dept_id"));
	json_array_foreach(item_ids, i, v) {
		struct db_stmt *s;
		int64_t dept = 0, stationed = 0;
		char status[16] = "", mode[16] = "";

		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			rc = err_field(e, ERR_INVALID, "item_ids", NULL,
			    "item_ids 须为事项编号数组");
			break;
		}
		s = db_query(c->db, e, "SELECT i.dept_id, i.stationed, i.status, "
		    "d.stationing_mode FROM items i JOIN departments d ON d.id = "
		    "i.dept_id WHERE i.id = ?", "i",
		    (int64_t)json_integer_value(v));
		if (s == NULL) {
			rc = err_rc(e);
			break;
		}
		rc = db_step(s, e);
		if (rc == DB_ROW) {
			dept = db_col_int(s, 0);
			stationed = db_col_int(s, 1);
			snprintf(status, sizeof(status), "%s", db_col_text(s, 2));
			snprintf(mode, sizeof(mode), "%s", db_col_text(s, 3));
		}
		db_finish(s);
		if (rc < 0)
			break;
		if (rc == DB_DONE || strcmp(status, "published") != 0) {
			rc = err_field(e, ERR_UNPROCESSABLE, "item_ids",
			    "item_not_published", "事项 %lld 不存在或未发布",
			    (long long)json_integer_value(v));
			break;
		}
		if (!stationed) {
			rc = err_field(e, ERR_UNPROCESSABLE, "item_ids",
			    "item_not_stationed", "事项 %lld 未进驻政务大厅",
			    (long long)json_integer_value(v));
			break;
		}
		if (strcmp(kind, "comprehensive") != 0 &&
		    strcmp(mode, "delegated") == 0) {
			rc = err_field(e, ERR_UNPROCESSABLE, "item_ids",
			    "delegated_department", "事项 %lld 所属部门委托综合窗口"
			    "受理，只能由综合窗口受理",
			    (long long)json_integer_value(v));
			break;
		}
		if (strcmp(kind, "dedicated") == 0 && dept != wdept) {
			rc = err_field(e, ERR_UNPROCESSABLE, "item_ids",
			    "other_department", "专窗只能受理本部门的事项"
			    "（事项 %lld）", (long long)json_integer_value(v));
			break;
		}
		rc = 0;
	}
	json_decref(w);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.ids = (json_t *)item_ids;
	rc = db_tx(c->db, win_items_fn, &t, e);
	if (rc == 0)
		rc = hall_window_items(c, id, out, e);
	return rc;
}

int
hall_window_staff(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	json_t *w = NULL, *list;
	int rc;

	*out = NULL;
	if (!is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看窗口");
	rc = window_get(c, id, &w, e);
	if (rc != 0)
		return rc;
	json_decref(w);
	list = db_query_json(c->db, e, "SELECT a.id AS assignment_id, "
	    "a.user_id, u.login, u.name, a.dept_id, d.name AS dept_name, "
	    "a.since FROM staff_assignments a JOIN users u ON u.id = a.user_id "
	    "JOIN departments d ON d.id = a.dept_id WHERE a.window_id = ? AND "
	    "a.active = 1 ORDER BY a.since, a.id", "i", id);
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

/* --- staff --- */


/* Staff member user_id: *dept and *window (active assignment, 0 if none). */
int
hall_staff_load(struct db *db, int64_t user_id, int64_t *dept, int64_t *window,
    struct err *e)
{
	struct db_stmt *s;
	char kind[4] = "";
	int rc;

	*dept = 0;
	*window = 0;
	s = db_query(db, e, "SELECT u.kind, u.dept_id, a.window_id FROM users u "
	    "LEFT JOIN staff_assignments a ON a.user_id = u.id AND "
	    "a.active = 1 WHERE u.id = ?", "i", user_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(kind, sizeof(kind), "%s", db_col_text(s, 0));
		*dept = db_col_int(s, 1);
		*window = db_col_is_null(s, 2) ? -1 : db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || strcmp(kind, "S") != 0)
		return err_field(e, ERR_UNPROCESSABLE, "user_id", "not_staff",
		    "该用户不是工作人员");
	if (*dept == 0)
		return err_field(e, ERR_UNPROCESSABLE, "user_id", "no_department",
		    "该工作人员未归属部门");
	return 0;
}

int
hall_window_exists(struct db *db, int64_t id, struct err *e)
{
	int64_t one = 0;
	int rc;

	rc = db_query_int(db, e, &one, "SELECT 1 FROM windows WHERE id = ? AND "
	    "active = 1", "i", id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_field(e, ERR_UNPROCESSABLE, "window_id",
		    "window_not_found", "窗口不存在或已停用");
	return 0;
}

int
hall_seat(struct db *db, struct staff_tx *t, int64_t window_id,
    struct err *e)
{
	char day[11];
	int rc;

	clock_date(clock_now(), day);
	rc = db_exec(db, e, "UPDATE staff_assignments SET active = 0, "
	    "until = ? WHERE user_id = ? AND active = 1", "si", day,
	    t->user_id);
	if (rc == 0 && window_id > 0)
		rc = db_exec(db, e, "INSERT INTO staff_assignments (user_id, "
		    "window_id, dept_id, since, active, created_at) VALUES (?, ?, "
		    "?, ?, 1, ?)", "iiisi", t->user_id, window_id, t->dept_id, day,
		    clock_now());
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE users SET window_id = NULLIF(?, 0), "
		    "updated_at = ? WHERE id = ?", "iii", window_id, clock_now(),
		    t->user_id);
	return rc;
}

static int
assign_fn(struct db *db, void *arg, struct err *e)
{
	struct staff_tx *t = arg;
	int64_t dept, win;
	int rc;

	rc = db_tx_lock(db, HALL_LOCK_STAFF + t->user_id, e);
	if (rc == 0)
		rc = hall_staff_load(db, t->user_id, &dept, &win, e);
	if (rc != 0)
		return rc;
	if (win > 0)
		return err_set(e, ERR_CONFLICT, "already_assigned",
		    "该工作人员已在窗口就位；调整须提交人员变动申请");
	t->dept_id = dept;
	rc = hall_seat(db, t, t->window_id, e);
	if (rc == 0)
		rc = audit_obj(t->c, "staff.assign", "user", t->user_id,
		    json_pack("{s:I}", "window_id", (json_int_t)t->window_id), e);
	return rc;
}

static int
history(struct ctx *c, int64_t user_id, json_t **out, struct err *e)
{
	json_t *list = db_query_json(c->db, e, "SELECT a.id, a.user_id, "
	    "a.window_id, w.number AS window_number, w.name AS window_name, "
	    "a.dept_id, a.since, a.until, a.active FROM staff_assignments a "
	    "LEFT JOIN windows w ON w.id = a.window_id WHERE a.user_id = ? "
	    "ORDER BY a.id DESC", "i", user_id);

	*out = NULL;
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

int
hall_staff_assign(struct ctx *c, int64_t user_id, int64_t window_id,
    json_t **out, struct err *e)
{
	struct staff_tx t;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员可以安排窗口人员");
	if (user_id <= 0)
		return err_field(e, ERR_INVALID, "user_id", NULL, "请选择工作人员");
	rc = hall_window_exists(c->db, window_id, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.user_id = user_id;
	t.window_id = window_id;
	rc = db_tx(c->db, assign_fn, &t, e);
	if (rc == 0) {
		/* Live sessions carry the window: let them see the new seat. */
		session_cache_forget_user(user_id);
		rc = history(c, user_id, out, e);
	}
	return rc;
}

/* --- staff changes on the request queue (kind "staff_change") --- */

/* The legacy shape of a staff change: the queue's row plus kind
 * (move/remove), user, windows and decision_reason, as the hall pages and
 * clients have always read it. */
static void
change_shape(json_t *row)
{
	json_t *p = json_object_get(row, "payload");

	json_object_set(row, "request_kind", json_object_get(row, "kind"));
	json_object_set(row, "kind", json_object_get(p, "kind"));
	json_object_set(row, "user_id", json_object_get(row, "subject_id"));
	json_object_set(row, "user_name", json_object_get(p, "user_name"));
	json_object_set(row, "login", json_object_get(p, "login"));
	json_object_set(row, "from_window_id", json_object_get(p,
	    "from_window_id"));
	json_object_set(row, "to_window_id", json_object_get(p,
	    "to_window_id"));
	json_object_set(row, "decision_reason", json_object_get(row,
	    "decision_comment"));
	if (json_object_get(p, "roles") != NULL)
		json_object_set(row, "roles", json_object_get(p, "roles"));
}

int
hall_change_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	int rc = requests_get(c, id, out, e);

	if (rc == 0)
		change_shape(*out);
	return rc;
}

static int
change_request_fn(struct db *db, void *arg, struct err *e)
{
	struct staff_tx *t = arg;
	struct request_in in;
	json_t *p;
	char key[48], name[128] = "", login[64] = "";
	json_t *u;
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
	p = json_pack("{s:s, s:I, s:o, s:s, s:s}", "kind", t->kind,
	    "from_window_id", (json_int_t)t->window_id, "to_window_id",
	    t->to_window_id > 0 ? json_integer(t->to_window_id) : json_null(),
	    "user_name", name, "login", login);
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
	rc = requests_submit(t->c, db, &in, &t->id, e);
	json_decref(p);
	return rc;
}

int
hall_staff_change_request(struct ctx *c, const char *kind, int64_t user_id,
    int64_t to_window_id, const char *reason, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	struct staff_tx t;
	int64_t dept, win;
	int rc;

	*out = NULL;
	if (!actor_has(a, ROLE_HALL_ADMIN | ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权申请人员变动");
	if (kind == NULL || (strcmp(kind, "move") && strcmp(kind, "remove")))
		return err_field(e, ERR_INVALID, "kind", NULL,
		    "变动类型须为 move（调整窗口）、remove（撤出大厅）、"
		    "roles（调整角色）、disable（停用账户）或 enable（启用账户）");
	if (!hall_reason_ok(reason, true, e))
		return -(int)e->code;
	rc = hall_staff_load(c->db, user_id, &dept, &win, e);
	if (rc != 0)
		return rc;
	if (!actor_has(a, ROLE_HALL_ADMIN) && a->dept_id != dept)
		return err_set(e, ERR_FORBIDDEN, "other_department",
		    "只能为本部门的工作人员申请变动");
	if (win <= 0)
		return err_field(e, ERR_UNPROCESSABLE, "user_id", "not_assigned",
		    "该工作人员尚未在窗口就位");
	if (strcmp(kind, "move") == 0) {
		rc = hall_window_exists(c->db, to_window_id, e);
		if (rc != 0) {
			snprintf(e->field, sizeof(e->field), "to_window_id");
			return rc;
		}
		if (to_window_id == win)
			return err_field(e, ERR_UNPROCESSABLE, "to_window_id",
			    NULL, "目标窗口与当前窗口相同");
	} else {
		to_window_id = 0;
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.kind = kind;
	t.user_id = user_id;
	t.dept_id = dept;
	t.window_id = win;
	t.to_window_id = to_window_id;
	t.reason = reason;
	rc = db_tx(c->db, change_request_fn, &t, e);
	if (rc == 0)
		rc = hall_change_get(c, t.id, out, e);
	return rc;
}

int
hall_staff_changes_list(struct ctx *c, const char *status, json_t **out,
    struct err *e)
{
	return hall_staff_changes_page(c, status, NULL, 0, out, e);
}

int
hall_staff_changes_page(struct ctx *c, const char *status,
    const char *cursor, int limit, json_t **out, struct err *e)
{
	struct request_query q;
	json_t *v;
	size_t i;
	int rc;

	memset(&q, 0, sizeof(q));
	q.kind = "staff_change";
	q.status = status;
	q.cursor = cursor;
	q.limit = limit;
	q.forbidden_msg = "无权查看人员变动申请";
	rc = requests_list(c, &q, out, e);
	if (rc == 0)
		json_array_foreach(json_object_get(*out, "items"), i, v)
			change_shape(v);
	return rc;
}

/* The kind's apply(): an approved change moves or removes the staff member
 * in the deciding transaction. */
static int
staff_change_apply(struct ctx *c, struct db *db, const struct request *r,
    bool approve, struct err *e)
{
	struct staff_tx t;
	const char *kind = json_string_value(json_object_get(r->payload,
	    "kind"));
	int64_t dept, win;
	int rc;

	if (kind != NULL && (strcmp(kind, "create") == 0 ||
	    strcmp(kind, "roles") == 0 || strcmp(kind, "disable") == 0 ||
	    strcmp(kind, "enable") == 0))
		return hall_account_apply(c, db, r, kind, approve, e);
	if (!approve)
		return 0;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员可以审批窗口人员调整");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.user_id = r->subject_id;
	rc = db_tx_lock(db, HALL_LOCK_STAFF + t.user_id, e);
	if (rc == 0)
		rc = hall_staff_load(db, t.user_id, &dept, &win, e);
	if (rc != 0)
		return rc;
	t.dept_id = dept;
	return hall_seat(db, &t, kind != NULL && strcmp(kind, "move") == 0 ?
	    json_integer_value(json_object_get(r->payload, "to_window_id")) :
	    0, e);
}

static void
staff_change_committed(const char *subject_type, int64_t subject_id,
    bool approve)
{
	(void)subject_type;
	/* Live sessions carry the window and roles: let them see the new
	 * seat, or end when the account was disabled. */
	if (approve)
		session_cache_forget_user(subject_id);
}

static const struct request_kind staff_change_kind = {
	.kind = "staff_change",
	.label = "人员变动",
	/* Moves and removals: the hall admin; new accounts and roles: the
	 * hall admin or the sysadmin, never who asked (accounts.c). */
	.decide_roles = ROLE_HALL_ADMIN | ROLE_SYSADMIN,
	.apply = staff_change_apply,
	.committed = staff_change_committed,
	/* A withdrawn new-account request discards its pending row too. */
	.apply_on_cancel = true,
};

void
hall_requests_register(void)
{
	requests_register(&staff_change_kind);
}

int
hall_staff_change_decide(struct ctx *c, int64_t id, bool approve,
    const char *reason, json_t **out, struct err *e)
{
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN | ROLE_SYSADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员可以审批人员变动");
	rc = requests_decide(c, id, "staff_change", approve, reason, e);
	if (rc == 0)
		rc = hall_change_get(c, id, out, e);
	return rc;
}

int
hall_staff_history(struct ctx *c, int64_t user_id, json_t **out,
    struct err *e)
{
	int64_t dept, win;
	int rc;

	*out = NULL;
	if (!is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看人员安排");
	if (user_id <= 0)
		return err_field(e, ERR_INVALID, "user_id", NULL, "请指定工作人员");
	rc = hall_staff_load(c->db, user_id, &dept, &win, e);
	if (rc != 0)
		return rc;
	return history(c, user_id, out, e);
}
