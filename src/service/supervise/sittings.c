/* sittings.c - 一把手坐窗口、走流程 (extended to 分管领导 and 股长): a
 * leader's sitting at a window or walk-through of an item as an applicant
 * would; the problems found become tickets of the department; the count
 * per department and quarter against supervise.sittings_per_quarter. */
#include "service/supervise/supervise.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/limits.h"
#include "core/calendar.h"
#include "core/supervise.h"
#include "service/case/case.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

#define SITTING_MAX_PROBLEMS 20

struct sit_tx {
	struct ctx *c;
	const json_t *in;
	const char *kind;
	int64_t dept, window, item, minutes, trips;
	char day[11];
	int64_t id;
	json_t *tickets;
};

static const char *
str(const json_t *in, const char *k)
{
	return json_string_value(json_object_get(in, k));
}

static int
sit_fn(struct db *db, void *arg, struct err *e)
{
	struct sit_tx *t = arg;
	const json_t *probs = json_object_get(t->in, "problems");
	struct db_stmt *s;
	json_t *p, *sum;
	size_t i;
	int rc;

	rc = sv_dept_exists(db, t->dept, "dept_id", e);
	if (rc != 0)
		return rc;
	s = db_query(db, e, "INSERT INTO sv_sittings (kind, dept_id, "
	    "leader_name, leader_title, day, window_id, item_id, steps, "
	    "minutes, trips, findings, created_by, created_at) VALUES (?, ?, ?, "
	    "?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, NULLIF(?, -1), NULLIF(?, -1), "
	    "?, ?, ?) RETURNING id", "sisssiisiisii", t->kind, t->dept,
	    str(t->in, "leader_name"), str(t->in, "leader_title"), t->day,
	    t->window, t->item, str(t->in, "steps") != NULL ?
	    str(t->in, "steps") : "", t->minutes, t->trips,
	    str(t->in, "findings") != NULL ? str(t->in, "findings") : "",
	    t->c->actor->user_id, clock_now());
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "sitting: no id");
	json_array_clear(t->tickets);
	json_array_foreach(probs, i, p) {
		struct supervise_ticket_in in;
		int64_t tid;

		memset(&in, 0, sizeof(in));
		in.source = "walkthrough";
		in.ref_type = "sitting";
		in.ref_id = t->id;
		in.dept_id = t->dept;
		in.item_id = t->item > 0 ? t->item : 0;
		in.window_id = t->window > 0 ? t->window : 0;
		in.problem = str(p, "problem");
		in.title = str(p, "title");
		rc = supervise_ticket_open(t->c, db, &in, &tid, e);
		if (rc != 0)
			return rc;
		json_array_append_new(t->tickets, json_integer(tid));
	}
	sum = json_pack("{s:s, s:I, s:s, s:O}", "kind", t->kind, "dept_id",
	    (json_int_t)t->dept, "day", t->day, "tickets", t->tickets);
	rc = sv_audit(t->c, "sitting.record", "sitting", t->id, sum, e);
	json_decref(sum);
	return rc;
}

static bool
opt_int(const json_t *in, const char *k, int64_t max, int64_t *out)
{
	const json_t *v = json_object_get(in, k);

	*out = -1;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

int
supervise_sitting_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	const json_t *probs = json_object_get(in, "problems");
	struct sit_tx t;
	size_t i;
	json_t *p;
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	t.kind = str(in, "kind");
	if (t.kind == NULL || (strcmp(t.kind, "sitting") != 0 &&
	    strcmp(t.kind, "walkthrough") != 0))
		return err_field(e, ERR_INVALID, "kind", "bad_kind",
		    "类型须为 sitting（坐窗口）或 walkthrough（走流程）");
	t.dept = json_integer_value(json_object_get(in, "dept_id"));
	if (!sv_supervisor(a) && !(a->kind == ACTOR_STAFF &&
	    actor_has(a, ROLE_DEPT_ADMIN) && a->dept_id == t.dept))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有本部门管理员或督查室可以登记坐窗口、走流程");
	rc = sv_text(str(in, "leader_name"), "leader_name", "领导姓名",
	    LIMIT_NAME_CHARS, true, e);
	if (rc == 0)
		rc = sv_text(str(in, "leader_title"), "leader_title", "领导职务",
		    32, true, e);
	if (rc == 0)
		rc = sv_day(str(in, "day"), "day", "日期", t.day, e);
	if (rc == 0)
		rc = sv_text(str(in, "steps"), "steps", "办理环节",
		    LIMIT_TEXT_CHARS, strcmp(t.kind, "walkthrough") == 0, e);
	if (rc == 0)
		rc = sv_text(str(in, "findings"), "findings", "发现的问题",
		    LIMIT_TEXT_CHARS, false, e);
	if (rc != 0)
		return rc;
	if (!opt_int(in, "minutes", 100000, &t.minutes))
		return err_field(e, ERR_INVALID, "minutes", "bad_number",
		    "用时（分钟）须为非负整数");
	if (!opt_int(in, "trips", 100, &t.trips))
		return err_field(e, ERR_INVALID, "trips", "bad_number",
		    "跑动次数须为 0 至 100 的整数");
	t.window = json_integer_value(json_object_get(in, "window_id"));
	t.item = json_integer_value(json_object_get(in, "item_id"));
	if (probs != NULL && (!json_is_array(probs) ||
	    json_array_size(probs) > SITTING_MAX_PROBLEMS))
		return err_field(e, ERR_INVALID, "problems", "bad_problems",
		    "问题清单应为数组，最多 %d 条", SITTING_MAX_PROBLEMS);
	json_array_foreach(probs, i, p)
		if (!json_is_string(json_object_get(p, "problem")))
			return err_field(e, ERR_INVALID, "problems", "required",
			    "请填写每条问题的描述");
	t.c = c;
	t.in = in;
	t.tickets = json_array();
	rc = db_tx(c->db, sit_fn, &t, e);
	if (rc != 0) {
		json_decref(t.tickets);
		return rc;
	}
	*out = json_pack("{s:I, s:o}", "id", (json_int_t)t.id, "ticket_ids",
	    t.tickets);
	return 0;
}

int
supervise_sitting_list(struct ctx *c, const char *quarter, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	int required = (int)config_int("supervise.sittings_per_quarter");
	int64_t mine = sv_overseer(a) ? 0 : sv_dept_staff(a) ? a->dept_id : -1;
	char q[8], first[11], last[11];
	int32_t f, l;
	json_t *items, *by;
	size_t i;
	json_t *o;
	int rc;

	*out = NULL;
	if (mine < 0)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看坐窗口记录");
	if (quarter == NULL || quarter[0] == '\0')
		quarter = supervise_quarter(deadlines_today(), q);
	rc = supervise_quarter_range(quarter, &f, &l, e);
	if (rc != 0)
		return err_field(e, ERR_INVALID, "quarter", "bad_quarter", "%s",
		    e->msg);
	calendar_day_format(f, first);
	calendar_day_format(l, last);
	items = db_query_json(c->db, e, "SELECT s.id, s.kind, s.dept_id, "
	    "d.name AS dept_name, s.leader_name, s.leader_title, s.day, "
	    "s.window_id, w.name AS window_name, s.item_id, i.name AS "
	    "item_name, s.steps, s.minutes, s.trips, s.findings, (SELECT "
	    "count(*) FROM sv_tickets t WHERE t.ref_type = 'sitting' AND "
	    "t.ref_id = s.id) AS tickets FROM sv_sittings s JOIN departments d "
	    "ON d.id = s.dept_id LEFT JOIN windows w ON w.id = s.window_id "
	    "LEFT JOIN items i ON i.id = s.item_id WHERE s.day >= ? AND "
	    "s.day <= ? AND (? = 0 OR s.dept_id = ?) ORDER BY s.day DESC, "
	    "s.id DESC LIMIT 500", "ssii", first, last, mine, mine);
	if (items == NULL)
		return err_rc(e);
	by = db_query_json(c->db, e, "SELECT d.id AS dept_id, d.name AS "
	    "dept_name, (SELECT count(*) FROM sv_sittings s WHERE s.dept_id = "
	    "d.id AND s.kind = 'sitting' AND s.day >= ? AND s.day <= ?) AS "
	    "sittings, (SELECT count(*) FROM sv_sittings s WHERE s.dept_id = "
	    "d.id AND s.kind = 'walkthrough' AND s.day >= ? AND s.day <= ?) AS "
	    "walkthroughs FROM departments d WHERE d.kind = 'government' AND "
	    "(? = 0 OR d.id = ?) AND EXISTS (SELECT 1 FROM items it WHERE "
	    "it.dept_id = d.id) ORDER BY d.id", "ssssii", first, last, first,
	    last, mine, mine);
	if (by == NULL) {
		json_decref(items);
		return err_rc(e);
	}
	json_array_foreach(by, i, o) {
		int64_t n = json_integer_value(json_object_get(o, "sittings")) +
		    json_integer_value(json_object_get(o, "walkthroughs"));

		json_object_set_new(o, "required", json_integer(required));
		json_object_set_new(o, "met", json_boolean(n >= required));
	}
	*out = json_pack("{s:o, s:s, s:i, s:o}", "items", items, "quarter",
	    quarter, "required", required, "by_dept", by);
	return 0;
}
