/* catalog_demo.c - the Baihe demo catalogue: the published items of
 * data/catalog/items.json, the stationing of every department, the hall's
 * windows, the items each window accepts and the demo staff at windows.
 *
 * Stationing: a few small departments are 'delegated' (their items are
 * accepted at the comprehensive windows), departments without items are
 * 'none' with a reason, every other department is 'full' and gets a 专窗.
 * Windows: A01–A04 综合窗口 (县行政审批服务局's own items and those of the
 * delegated departments), B.. one 专窗 per fully stationed department
 * (its stationed items), C01 办不成事窗口, C02 帮办代办窗口.
 *
 * Idempotent: items are matched by (impl_code, handle_code), windows by
 * number, departments are only filled while untouched, staff only assigned
 * when they have no assignment; a second run changes nothing. */
#include "service/catalog/catalog.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/embedded.h"
#include "demo/demo.h"
#include "core/catalog.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define HALL_DEPT "县行政审批服务局"

static const char *const delegated_depts[] = {
	"县生态环境分局", "县残联", "县烟草专卖局", "县应急管理局",
	"县消防救援大队",
};

static const char *const people[] = {
	"李建平", "王晓梅", "张志强", "刘芳", "陈国栋", "杨秀英", "赵文博",
	"黄丽娟", "周永刚", "吴敏", "徐卫东", "孙晓红", "马俊", "朱海燕",
	"胡志明", "郭玉兰", "何建军", "高淑芬", "林涛", "罗春花", "梁永平",
	"宋丽萍", "郑家明", "谢红梅", "韩东升", "唐秀兰", "冯德才", "于慧",
	"董建华", "萧雅琴", "程立新", "曹敏华", "袁志刚", "邓丽君",
};

static bool
in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

struct demo_tx {
	struct ctx *c;
	json_t *items;
	int created;
};

static int
dept_lookup(struct db *db, const char *name, int64_t *id, char credit[24],
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	*id = 0;
	credit[0] = '\0';
	s = db_query(db, e, "SELECT id, credit_code FROM departments "
	    "WHERE name = ?", "s", name);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		snprintf(credit, 24, "%s", db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (*id == 0)
		return err_internal(e, "demo catalogue: department %s is missing",
		    name);
	return 0;
}

static int
load_items(struct demo_tx *t, struct err *e)
{
	size_t i;
	json_t *el;
	int rc;

	json_array_foreach(t->items, i, el) {
		const char *dname = json_string_value(json_object_get(el, "dept"));
		const char *impl = json_string_value(json_object_get(el,
		    "impl_code"));
		const char *basic = json_string_value(json_object_get(el,
		    "basic_code"));
		json_t *copy = NULL, *canon = NULL;
		char credit[24], code[CATALOG_IMPL_CODE_LEN + 1];
		int64_t dept_id, item_id;
		bool created;

		if (dname == NULL || impl == NULL || basic == NULL)
			return err_internal(e, "%s: item %zu incomplete",
			    CATALOG_ITEMS_FILE, i);
		rc = dept_lookup(t->c->db, dname, &dept_id, credit, e);
		if (rc != 0)
			return rc;
		copy = json_deep_copy(el);
		if (copy == NULL)
			return err_internal(e, "out of memory");
		if (credit[0] != '\0' && strncmp(impl, credit, 18) != 0) {
			if (catalog_impl_code_build(credit, (int)json_integer_value(
			    json_object_get(el, "level")), basic, code) != 0) {
				json_decref(copy);
				return err_internal(e, "%s: item %zu: cannot build "
				    "impl_code", CATALOG_ITEMS_FILE, i);
			}
			json_object_set_new(copy, "impl_code", json_string(code));
		}
		rc = catalog_check_json(copy, false, &canon, e);
		json_decref(copy);
		if (rc != 0)
			return err_internal(e, "%s: item %zu (%s): %s: %s",
			    CATALOG_ITEMS_FILE, i, json_string_value(
			    json_object_get(el, "name")), e->field, e->msg);
		rc = catalog_item_insert_published(t->c, dept_id, dname, canon,
		    &created, &item_id, e);
		json_decref(canon);
		if (rc != 0)
			return rc;
		if (created)
			t->created++;
	}
	return 0;
}

/* Stationing, responsible person and lead office of untouched
 * departments. */
static int
load_stationing(struct demo_tx *t, struct err *e)
{
	struct db *db = t->c->db;
	json_t *rows, *d;
	size_t i;
	int rc = 0;

	rows = db_query_json(db, e, "SELECT d.id, d.name, d.short_name, d.kind, "
	    "(SELECT COUNT(*) FROM items i WHERE i.dept_id = d.id AND "
	    "i.stationed = 1) AS n FROM departments d WHERE "
	    "d.stationing_mode = 'none' AND d.not_stationed_reason = '' AND "
	    "d.responsible_person = '' ORDER BY d.id", "");
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, d) {
		int64_t id = json_integer_value(json_object_get(d, "id"));
		const char *name = json_string_value(json_object_get(d, "name"));
		const char *kind = json_string_value(json_object_get(d, "kind"));
		int64_t n = json_integer_value(json_object_get(d, "n"));
		const char *mode, *reason = "";
		const char *office;
		char phone[24], idb[24];
		json_t *sum;

		if (in_list(delegated_depts, NELEM(delegated_depts), name) &&
		    n > 0)
			mode = "delegated";
		else if (n > 0)
			mode = "full";
		else {
			mode = "none";
			reason = "本部门无依申请政务服务事项，不设窗口；"
			    "相关咨询由综合窗口统一受理";
		}
		office = strcmp(kind, "utility") == 0 ? "客户服务中心" :
		    strcmp(name, HALL_DEPT) == 0 ? "政务服务股" :
		    "行政审批股";
		snprintf(phone, sizeof(phone), "0915-78121%02d",
		    (int)(id % 100));
		rc = db_exec(db, e, "UPDATE departments SET stationing_mode = ?, "
		    "not_stationed_reason = ?, responsible_person = ?, "
		    "responsible_phone = ?, lead_office = ?, contact_phone = ?, "
		    "address = ? WHERE id = ?", "sssssssi", mode, reason,
		    people[(size_t)id % NELEM(people)], phone, office, phone,
		    strcmp(mode, "none") == 0 ? "" :
		    "白河县政务服务中心（白河县城关镇）", id);
		if (rc != 0)
			break;
		snprintf(idb, sizeof(idb), "%" PRId64, id);
		sum = json_pack("{s:{s:s, s:s, s:s}}", "after",
		    "stationing_mode", mode, "responsible_person",
		    people[(size_t)id % NELEM(people)], "lead_office", office);
		rc = audit_append(t->c, "dept.update", "department", idb, sum, e);
		json_decref(sum);
		if (rc != 0)
			break;
	}
	json_decref(rows);
	return rc;
}

/* Inserts a window unless its number exists. *id = its id; *created. */
static int
window_add(struct demo_tx *t, const char *number, const char *name,
    const char *kind, const char *zone, int64_t dept_id, int64_t *id,
    bool *created, struct err *e)
{
	struct db *db = t->c->db;
	int64_t now = clock_now();
	char idb[24];
	json_t *sum;
	int rc;

	*created = false;
	rc = db_query_int(db, e, id, "SELECT id FROM windows WHERE number = ?",
	    "s", number);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return 0;
	rc = db_query_int(db, e, id, "INSERT INTO windows (number, name, kind, "
	    "zone, dept_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, "
	    "?, 1, ?, ?) RETURNING id", "ssssiii", number, name, kind, zone,
	    dept_id, now, now);
	if (rc < 0)
		return rc;
	snprintf(idb, sizeof(idb), "%" PRId64, *id);
	sum = json_pack("{s:{s:s, s:s, s:s, s:s, s:I}}", "after", "number",
	    number, "name", name, "kind", kind, "zone", zone, "dept_id",
	    (json_int_t)dept_id);
	rc = audit_append(t->c, "window.create", "window", idb, sum, e);
	json_decref(sum);
	if (rc == 0)
		*created = true;
	return rc;
}

static int
window_items_fill(struct demo_tx *t, int64_t window_id, bool comprehensive,
    int64_t dept_id, struct err *e)
{
	struct db *db = t->c->db;
	char idb[24];
	json_t *sum;
	int rc;

	if (comprehensive)
		rc = db_exec(db, e, "INSERT INTO window_items (window_id, item_id) "
		    "SELECT ?, i.id FROM items i JOIN departments d ON d.id = "
		    "i.dept_id WHERE i.status = 'published' AND i.stationed = 1 "
		    "AND (d.stationing_mode = 'delegated' OR d.name = ?) "
		    "ON CONFLICT DO NOTHING", "is", window_id, HALL_DEPT);
	else
		rc = db_exec(db, e, "INSERT INTO window_items (window_id, item_id) "
		    "SELECT ?, i.id FROM items i WHERE i.status = 'published' AND "
		    "i.stationed = 1 AND i.dept_id = ? ON CONFLICT DO NOTHING",
		    "ii", window_id, dept_id);
	if (rc != 0)
		return rc;
	snprintf(idb, sizeof(idb), "%" PRId64, window_id);
	sum = json_pack("{s:I}", "added", (json_int_t)db_last_changes(db));
	rc = audit_append(t->c, "window.items", "window", idb, sum, e);
	json_decref(sum);
	return rc;
}

/* "市场监管局" -> "市场监管专窗"; "国网白河县供电分公司" -> "...专窗". */
static void
dedicated_name(const char *shortn, char *out, size_t outsz)
{
	size_t n = strlen(shortn);
	const char *suffix = "局";
	size_t sl = strlen(suffix);

	if (n > sl && strcmp(shortn + n - sl, suffix) == 0)
		n -= sl;
	snprintf(out, outsz, "%.*s专窗", (int)n, shortn);
}

static int
load_windows(struct demo_tx *t, struct err *e)
{
	struct db *db = t->c->db;
	json_t *rows, *d;
	char credit[24], number[16], name[160];
	int64_t hall_id, wid;
	bool created;
	size_t i;
	int rc;

	rc = dept_lookup(db, HALL_DEPT, &hall_id, credit, e);
	if (rc != 0)
		return rc;
	for (int k = 1; k <= 4; k++) {
		snprintf(number, sizeof(number), "A%02d", k);
		snprintf(name, sizeof(name), "综合窗口%d", k);
		rc = window_add(t, number, name, "comprehensive", "A区", hall_id,
		    &wid, &created, e);
		if (rc == 0 && created)
			rc = window_items_fill(t, wid, true, 0, e);
		if (rc != 0)
			return rc;
	}
	rows = db_query_json(db, e, "SELECT id, name, short_name FROM "
	    "departments WHERE stationing_mode = 'full' AND name <> ? "
	    "ORDER BY id", "s", HALL_DEPT);
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, d) {
		const char *sn = json_string_value(json_object_get(d,
		    "short_name"));
		int64_t did = json_integer_value(json_object_get(d, "id"));

		snprintf(number, sizeof(number), "B%02d", (int)(i + 1) % 100);
		dedicated_name(sn != NULL && sn[0] != '\0' ? sn :
		    json_string_value(json_object_get(d, "name")), name,
		    sizeof(name));
		rc = window_add(t, number, name, "dedicated", "B区", did, &wid,
		    &created, e);
		if (rc == 0 && created)
			rc = window_items_fill(t, wid, false, did, e);
		if (rc != 0)
			break;
	}
	json_decref(rows);
	if (rc != 0)
		return rc;
	rc = window_add(t, "C01", "办不成事窗口", "cannot_do", "C区", hall_id,
	    &wid, &created, e);
	if (rc == 0)
		rc = window_add(t, "C02", "帮办代办窗口", "assist", "C区", hall_id,
		    &wid, &created, e);
	return rc;
}

/* Seats a demo clerk at a window unless they already have a seat. */
static int
assign(struct demo_tx *t, const char *login, const char *window_name,
    struct err *e)
{
	struct db *db = t->c->db;
	int64_t uid = 0, dept = 0, wid = 0, one = 0;
	struct db_stmt *s;
	char day[11], idb[24];
	json_t *sum;
	int rc;

	s = db_query(db, e, "SELECT id, dept_id FROM users WHERE login = ?",
	    "s", login);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		uid = db_col_int(s, 0);
		dept = db_col_int(s, 1);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (uid == 0 || dept == 0)
		return 0; /* account not loaded: nothing to seat */
	rc = db_query_int(db, e, &wid, "SELECT id FROM windows WHERE name = ?",
	    "s", window_name);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_internal(e, "demo window %s is missing", window_name);
	rc = db_query_int(db, e, &one, "SELECT 1 FROM staff_assignments "
	    "WHERE user_id = ? AND active = 1", "i", uid);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return 0;
	clock_date(clock_now(), day);
	rc = db_exec(db, e, "INSERT INTO staff_assignments (user_id, window_id, "
	    "dept_id, since, active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
	    "iiisi", uid, wid, dept, day, clock_now());
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE users SET window_id = ?, "
		    "updated_at = ? WHERE id = ?", "iii", wid, clock_now(), uid);
	if (rc != 0)
		return rc;
	snprintf(idb, sizeof(idb), "%" PRId64, uid);
	sum = json_pack("{s:s, s:I}", "login", login, "window_id",
	    (json_int_t)wid);
	rc = audit_append(t->c, "staff.assign", "user", idb, sum, e);
	json_decref(sum);
	return rc;
}

static int
demo_catalog_tx(struct db *db, void *arg, struct err *e)
{
	struct demo_tx *t = arg;
	int rc;

	(void)db;
	t->created = 0;
	rc = load_items(t, e);
	if (rc == 0)
		rc = load_stationing(t, e);
	if (rc == 0)
		rc = load_windows(t, e);
	if (rc == 0)
		rc = assign(t, "window01", "综合窗口1", e);
	if (rc == 0)
		rc = assign(t, "scjg_clerk", "市场监管专窗", e);
	/* Online applications of 县住建局's items are received at its own
	 * window (成建制进驻), not by its back office. */
	if (rc == 0)
		rc = assign(t, "zj_clerk", "住建专窗", e);
	return rc;
}

int
demo_load_catalog(struct ctx *c, struct err *e)
{
	const struct embedded_file *f;
	struct demo_tx t;
	json_error_t je;
	json_t *root;
	int rc;

	f = embedded_find(CATALOG_ITEMS_FILE);
	if (f == NULL)
		return err_internal(e, "%s is not embedded", CATALOG_ITEMS_FILE);
	root = json_loadb(f->data, f->len, 0, &je);
	if (root == NULL)
		return err_internal(e, "%s:%d: %s", CATALOG_ITEMS_FILE, je.line,
		    je.text);
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.items = json_object_get(root, "items");
	if (!json_is_array(t.items)) {
		json_decref(root);
		return err_internal(e, "%s: no items array", CATALOG_ITEMS_FILE);
	}
	rc = db_tx(c->db, demo_catalog_tx, &t, e);
	json_decref(root);
	return rc;
}

/* 明确责任人员: each department with published items and no responsible
 * account yet gets one of its own staff accounts (the department admin
 * first, then an approver, then a clerk), its name and mobile copied; a
 * department without any account is left for the hall to fill (its page
 * flags it). */
static int
responsible_fn(struct db *db, void *arg, struct err *e)
{
	struct demo_tx *t = arg;
	json_t *rows, *d;
	size_t i;
	int rc = 0;

	rows = db_query_json(db, e, "SELECT d.id, u.id AS user_id, u.name, "
	    "COALESCE(u.mobile, '') AS mobile FROM departments d JOIN users u "
	    "ON u.id = (SELECT x.id FROM users x WHERE x.kind = 'S' AND "
	    "x.dept_id = d.id AND x.disabled = 0 ORDER BY CASE WHEN "
	    "(x.roles & ?) <> 0 THEN 0 WHEN (x.roles & ?) <> 0 THEN 1 ELSE 2 "
	    "END, x.id LIMIT 1) WHERE d.responsible_user_id IS NULL AND "
	    "EXISTS (SELECT 1 FROM items i WHERE i.dept_id = d.id AND "
	    "i.status = 'published') ORDER BY d.id", "II",
	    (int)ROLE_DEPT_ADMIN, (int)ROLE_APPROVER);
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, d) {
		int64_t id = json_integer_value(json_object_get(d, "id"));
		int64_t uid = json_integer_value(json_object_get(d, "user_id"));
		const char *name = json_string_value(json_object_get(d, "name"));
		char idb[24];
		json_t *sum;

		rc = db_exec(db, e, "UPDATE departments SET responsible_user_id "
		    "= ?, responsible_person = ?, responsible_phone = ? WHERE "
		    "id = ?", "issi", uid, name, json_string_value(
		    json_object_get(d, "mobile")), id);
		if (rc != 0)
			break;
		snprintf(idb, sizeof(idb), "%" PRId64, id);
		sum = json_pack("{s:{s:I, s:s}}", "after",
		    "responsible_user_id", (json_int_t)uid,
		    "responsible_person", name);
		rc = audit_append(t->c, "dept.update", "department", idb, sum, e);
		json_decref(sum);
		if (rc != 0)
			break;
	}
	json_decref(rows);
	return rc;
}

int
demo_load_responsible(struct ctx *c, struct err *e)
{
	struct demo_tx t;

	memset(&t, 0, sizeof(t));
	t.c = c;
	return db_tx(c->db, responsible_fn, &t, e);
}
