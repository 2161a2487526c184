/* view.c - the project view (stages as a timeline with the approvals in
 * each, days used against the target, team, tickets), the list and the
 * steward's desk. */
#include "service/project/project_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "service/case/case.h"
#include "store/db.h"

int
pj_stage_states(struct ctx *c, int64_t id, enum project_stage_state *state,
    json_t **apps, json_t **latest, struct err *e)
{
	json_t *a;
	size_t i;

	for (int s = 0; s <= PROJECT_STAGES; s++) {
		state[s] = PROJECT_STAGE_NOT_STARTED;
		latest[s] = NULL;
	}
	*apps = db_query_json(c->db, e, "SELECT a.id, a.stage, "
	    "a.bundle_case_id, b.bundle_no, b.state, b.accepted_day, "
	    "b.completed_at, b.limit_days, b.version FROM project_stage_apps a "
	    "JOIN bundle_cases b ON b.id = a.bundle_case_id WHERE "
	    "a.project_id = ? ORDER BY a.id", "i", id);
	if (*apps == NULL)
		return err_rc(e);
	json_array_foreach(*apps, i, a) {
		int s = (int)json_integer_value(json_object_get(a, "stage"));

		if (s < 1 || s > PROJECT_STAGES)
			continue;
		latest[s] = a;
		state[s] = project_stage_state_of(json_string_value(
		    json_object_get(a, "state")));
	}
	return 0;
}

/* The pauses of a project's clock: its joint events from the day they
 * started to the day their outcome was sealed. */
static int
load_pauses(struct ctx *c, int64_t id, struct project_pause *p, int *n,
    struct err *e)
{
	json_t *rows, *r;
	size_t i;

	*n = 0;
	rows = db_query_json(c->db, e, "SELECT paused_day, resumed_day FROM "
	    "project_events WHERE project_id = ? AND paused_day IS NOT NULL "
	    "ORDER BY id", "i", id);
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, r) {
		const char *a = json_string_value(json_object_get(r,
		    "paused_day"));
		const char *b = json_string_value(json_object_get(r,
		    "resumed_day"));
		struct err tmp;

		if (*n >= PROJECT_MAX_PAUSES || a == NULL ||
		    calendar_day_parse(a, &p[*n].start, &tmp) != 0)
			continue;
		if (b == NULL || calendar_day_parse(b, &p[*n].end, &tmp) != 0)
			p[*n].end = CALENDAR_NO_DAY;
		(*n)++;
	}
	json_decref(rows);
	return 0;
}

/* Working days stage application a used (0 before acceptance). */
static int
app_days(const struct calendar *cal, const json_t *a,
    const struct project_pause *p, int np, char completed_day[11])
{
	const char *acc = json_string_value(json_object_get(a,
	    "accepted_day"));
	const json_t *done = json_object_get(a, "completed_at");
	int32_t start, end;
	struct err tmp;
	char today[11];

	completed_day[0] = '\0';
	if (acc == NULL || calendar_day_parse(acc, &start, &tmp) != 0)
		return 0;
	if (json_is_integer(done)) {
		clock_date(json_integer_value(done), completed_day);
		(void)calendar_day_parse(completed_day, &end, &tmp);
	} else {
		clock_date(clock_now(), today);
		(void)calendar_day_parse(today, &end, &tmp);
	}
	return project_stage_days(cal, start, end, p, np);
}

/* The approvals of a stage application: the departments' cases with what
 * blocks each, and the items still waiting. */
static int
approvals(struct ctx *c, int64_t bcase_id, bool accepted, json_t *stage,
    struct err *e)
{
	json_t *ch = NULL, *kids, *k, *waiting;
	size_t i;
	int rc;

	rc = case_bundle_children(c, bcase_id, &ch, e);
	if (rc != 0)
		return rc;
	kids = json_object_get(ch, "children");
	json_array_foreach(kids, i, k) {
		const char *st = json_string_value(json_object_get(k, "state"));
		const char *warn = json_string_value(json_object_get(k,
		    "warn_level"));
		const char *sk = json_string_value(json_object_get(k,
		    "suspend_kind"));
		int64_t tickets = 0;
		char why[256] = "";

		rc = db_query_int(c->db, e, &tickets, "SELECT count(*) FROM "
		    "sv_tickets WHERE case_id = ? AND status IN ('open', "
		    "'answered')", "i", (int64_t)json_integer_value(
		    json_object_get(k, "id")));
		if (rc < 0)
			goto out;
		if (json_is_true(json_object_get(k, "closed")))
			;
		else if (st != NULL && strcmp(st, "suspended") == 0)
			snprintf(why, sizeof(why), "暂停计时（%s）",
			    sk != NULL && strcmp(sk, "supplement") == 0 ?
			    "等待申请人补正" : "联合踏勘、评审或验收等特别程序");
		else if (warn != NULL && strcmp(warn, "red") == 0)
			snprintf(why, sizeof(why), "已超过承诺时限");
		if (tickets > 0) {
			size_t l = strlen(why);

			snprintf(why + l, sizeof(why) - l, "%s有 %lld 张问题工单"
			    "待处置", l > 0 ? "；" : "", (long long)tickets);
		}
		json_object_set_new(k, "case_id", json_incref(json_object_get(k,
		    "id")));
		json_object_set_new(k, "blocked_by", why[0] != '\0' ?
		    json_string(why) : json_null());
	}
	waiting = db_query_json(c->db, e, "SELECT bc.item_key, bc.item_name, "
	    "d.name AS dept_name FROM bundle_children bc JOIN departments d ON "
	    "d.id = bc.dept_id WHERE bc.bundle_case_id = ? AND bc.state = "
	    "'waiting' ORDER BY bc.idx", "i", bcase_id);
	if (waiting == NULL) {
		rc = err_rc(e);
		goto out;
	}
	json_array_foreach(waiting, i, k)
		json_object_set_new(k, "waits_for", json_string(accepted ?
		    "等待前置审批事项办结" : "等待窗口受理"));
	json_object_set(stage, "approvals", kids);
	json_object_set_new(stage, "waiting", waiting);
	rc = 0;
out:
	json_decref(ch);
	return rc;
}

static json_t *
stage_bundle(struct ctx *c, const char *type, int stage, struct err *e)
{
	json_t *b = db_query_row(c->db, e, "SELECT b.id, b.code, b.name FROM "
	    "project_stage_defs s JOIN bundles b ON b.id = s.bundle_id WHERE "
	    "s.type = ? AND s.stage = ?", "sI", type, stage);

	return b != NULL ? b : json_null();
}

static int
stages_json(struct ctx *c, const json_t *row, json_t **out, int *used,
    struct err *e)
{
	int64_t id = json_integer_value(json_object_get(row, "id"));
	const char *tname = json_string_value(json_object_get(row, "type"));
	enum project_type type = project_type_parse(tname);
	enum project_stage_state state[PROJECT_STAGES + 1];
	json_t *apps = NULL, *latest[PROJECT_STAGES + 1], *arr;
	struct project_pause pauses[PROJECT_MAX_PAUSES];
	const struct calendar *cal = NULL;
	int stages[PROJECT_STAGES], n, np = 0, rc;

	*out = NULL;
	*used = 0;
	rc = pj_stage_states(c, id, state, &apps, latest, e);
	if (rc == 0)
		rc = load_pauses(c, id, pauses, &np, e);
	if (rc == 0)
		rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		goto out;
	arr = json_array();
	n = project_stages(type, stages);
	for (int i = 0; i < n; i++) {
		int s = stages[i], days = 0;
		json_t *st, *a = latest[s];
		struct err tmp;
		char done[11] = "";

		st = json_pack("{s:i, s:s, s:s, s:s, s:o, s:b}", "stage", s,
		    "label", project_stage_label(type, s), "state",
		    project_stage_state_name(state[s]), "state_label",
		    project_stage_state_label(state[s]), "bundle",
		    stage_bundle(c, tname, s, e), "may_apply",
		    project_stage_may_apply(type, s, state, &tmp) == 0);
		json_array_append_new(arr, st);
		if (a == NULL) {
			json_object_set_new(st, "application", json_null());
			json_object_set_new(st, "approvals", json_array());
			json_object_set_new(st, "waiting", json_array());
			json_object_set_new(st, "days_used", json_integer(0));
			continue;
		}
		days = app_days(cal, a, pauses, np, done);
		*used += days;
		json_object_set_new(a, "completed_day", done[0] != '\0' ?
		    json_string(done) : json_null());
		json_object_set(st, "application", a);
		json_object_set_new(st, "days_used", json_integer(days));
		rc = approvals(c, json_integer_value(json_object_get(a,
		    "bundle_case_id")), !json_is_null(json_object_get(a,
		    "accepted_day")), st, e);
		if (rc != 0) {
			json_decref(arr);
			goto out;
		}
	}
	*out = arr;
out:
	json_decref(apps);
	return rc;
}

static json_t *
days_json(int used, int target)
{
	struct project_clock k;

	project_clock(used, target, &k);
	return json_pack("{s:i, s:i, s:i, s:s, s:s}", "used", k.used,
	    "target", k.target, "remaining", k.remaining, "level",
	    project_clock_level_name(k.level), "level_label",
	    project_clock_level_label(k.level));
}

static int
view(struct ctx *c, json_t *row, json_t **out, struct err *e)
{
	int64_t id = json_integer_value(json_object_get(row, "id"));
	enum project_type type = project_type_parse(json_string_value(
	    json_object_get(row, "type")));
	json_t *stages = NULL, *liaisons, *tickets, *events;
	bool manage = false, owner = pj_is_owner(c->actor, row), apply = false;
	size_t i;
	json_t *s;
	int used = 0, rc;

	*out = NULL;
	rc = stages_json(c, row, &stages, &used, e);
	if (rc == 0)
		rc = pj_may_manage(c, &manage, e);
	if (rc != 0)
		return rc;
	json_object_set_new(row, "type_label", json_string(
	    project_type_label(type)));
	json_object_set_new(row, "key_project", json_boolean(
	    json_integer_value(json_object_get(row, "key_project")) != 0));
	liaisons = db_query_json(c->db, e, "SELECT l.dept_id, d.name AS "
	    "dept_name, l.user_id, u.name, u.mobile FROM project_liaisons l "
	    "JOIN departments d ON d.id = l.dept_id JOIN users u ON u.id = "
	    "l.user_id WHERE l.project_id = ? ORDER BY d.id", "i", id);
	tickets = db_query_json(c->db, e, "SELECT t.id, t.title, t.status, "
	    "t.case_id, t.promised_day, t.level, d.name AS dept_name, "
	    "t.created_at FROM sv_tickets t JOIN departments d ON d.id = "
	    "t.dept_id WHERE t.ref_type = 'project' AND t.ref_id = ? ORDER BY "
	    "t.id DESC", "i", id);
	events = db_query_json(c->db, e, "SELECT id, kind, day, place, status, "
	    "outcome FROM project_events WHERE project_id = ? ORDER BY day, id",
	    "i", id);
	if (liaisons == NULL || tickets == NULL || events == NULL) {
		json_decref(liaisons);
		json_decref(tickets);
		json_decref(events);
		json_decref(stages);
		return err_rc(e);
	}
	json_array_foreach(stages, i, s)
		if (json_is_true(json_object_get(s, "may_apply")))
			apply = true;
	*out = json_pack("{s:O, s:{s:O?, s:O?, s:O?, s:o}, s:o, s:o, s:o, s:o, "
	    "s:{s:b, s:b, s:b}}", "project", row, "team", "steward_id",
	    json_object_get(row, "steward_id"), "steward_name",
	    json_object_get(row, "steward_name"), "steward_dept_name",
	    json_object_get(row, "steward_dept_name"), "liaisons", liaisons,
	    "stages", stages, "days", days_json(used, (int)json_integer_value(
	    json_object_get(row, "target_days"))), "tickets", tickets,
	    "events", events, "can", "edit", manage, "apply", owner && apply,
	    "register", apply && c->actor->kind == ACTOR_STAFF &&
	    actor_has(c->actor, ROLE_CLERK) && c->actor->window_id > 0);
	return 0;
}

int
project_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	json_t *row = NULL;
	int rc;

	*out = NULL;
	rc = pj_load(c, id, &row, e);
	if (rc == 0)
		rc = view(c, row, out, e);
	json_decref(row);
	return rc;
}

/* The current stage of a listed project: the first stage not done. */
static int
list_extras(struct ctx *c, json_t *p, struct err *e)
{
	json_t *v = NULL, *s, *cur = NULL;
	size_t i;
	int rc;

	rc = view(c, p, &v, e);
	if (rc != 0)
		return rc;
	json_array_foreach(json_object_get(v, "stages"), i, s) {
		if (strcmp(json_string_value(json_object_get(s, "state")),
		    "done") != 0) {
			cur = s;
			break;
		}
	}
	json_object_set_new(p, "current_stage", cur != NULL ? json_incref(
	    json_object_get(cur, "stage")) : json_null());
	json_object_set_new(p, "current_stage_label", json_string(cur !=
	    NULL ? json_string_value(json_object_get(cur, "label")) :
	    "全部阶段已完成"));
	json_object_set_new(p, "current_stage_state", json_string(cur != NULL ?
	    json_string_value(json_object_get(cur, "state_label")) : ""));
	json_object_set(p, "days", json_object_get(v, "days"));
	json_object_set_new(p, "open_tickets", json_integer(0));
	json_array_foreach(json_object_get(v, "tickets"), i, s) {
		const char *st = json_string_value(json_object_get(s, "status"));

		if (strcmp(st, "open") == 0 || strcmp(st, "answered") == 0)
			json_object_set_new(p, "open_tickets", json_integer(
			    json_integer_value(json_object_get(p,
			    "open_tickets")) + 1));
	}
	json_decref(v);
	return 0;
}

int
project_list(struct ctx *c, const struct project_q *q, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	const char *owner = NULL;
	bool all = true;  /* enterprises: filtered by owner instead */
	int64_t dept = -1;
	json_t *items, *p;
	char like[256];
	size_t i;

	*out = NULL;
	if (a->kind == ACTOR_PERSON) {
		/* A person owns no construction project. */
		*out = json_pack("{s:[]}", "items");
		return 0;
	}
	if (a->kind == ACTOR_ENTERPRISE)
		owner = actor_claim_idno(a);  /* "" until verified: none */
	else if (a->kind != ACTOR_STAFF && a->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看项目");
	if (a->kind == ACTOR_STAFF && pj_staff_scope(c, &all, &dept, e) != 0)
		return err_rc(e);
	if (q->type != NULL && q->type[0] != '\0' &&
	    project_type_parse(q->type) == PROJECT_TYPE_NONE)
		return err_field(e, ERR_INVALID, "type", "bad_type",
		    "项目类型须为 gov、social 或 small");
	snprintf(like, sizeof(like), "%%%s%%", q->q != NULL ? q->q : "");
	items = db_query_json(c->db, e, "SELECT p.id, p.code, p.name, "
	    "p.owner_name, p.owner_credit_code, p.type, p.location, "
	    "p.investment, p.key_project, p.target_days, p.steward_id, "
	    "p.status, p.created_at, p.updated_at, p.version, u.name AS "
	    "steward_name FROM projects p LEFT JOIN users u ON u.id = "
	    "p.steward_id WHERE (CAST(? AS TEXT) IS NULL OR "
	    "p.owner_credit_code = ?) AND (? = '' OR p.type = ?) AND (? = 0 OR "
	    "p.key_project = 1) AND (? = 0 OR p.steward_id = ?) AND (p.name "
	    "LIKE ? OR p.code LIKE ?) AND (? = 1 OR p.steward_id = ? OR "
	    PJ_INVOLVED_SQL ") ORDER BY p.id DESC LIMIT 200",
	    "sssiiiissiiiii", owner, owner, q->type != NULL ? q->type : "",
	    q->type != NULL ? q->type : "", (int64_t)q->key_only,
	    (int64_t)q->mine, a->user_id, like, like, (int64_t)all, a->user_id,
	    dept, dept, dept);
	if (items == NULL)
		return err_rc(e);
	json_array_foreach(items, i, p) {
		int rc = list_extras(c, p, e);

		if (rc != 0) {
			json_decref(items);
			return rc;
		}
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
project_desk(struct ctx *c, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	bool all = pj_overseer(a);
	json_t *ids, *items, *r;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (a->kind != ACTOR_STAFF && a->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "只有工作人员可以使用管家工作台");
	ids = db_query_json(c->db, e, "SELECT id FROM projects WHERE "
	    "status = 'active' AND ((? = 1 AND key_project = 1) OR steward_id "
	    "= ?) ORDER BY id LIMIT 100", "ii", (int64_t)all, a->user_id);
	if (ids == NULL)
		return err_rc(e);
	items = json_array();
	json_array_foreach(ids, i, r) {
		json_t *v = NULL;

		rc = project_get(c, json_integer_value(json_object_get(r, "id")),
		    &v, e);
		if (rc != 0)
			break;
		json_array_append_new(items, v);
	}
	json_decref(ids);
	if (rc != 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
