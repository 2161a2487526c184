/* stats_demo.c - demo quarterly ledgers (优化办理流程工作台账): for the
 * previous quarter 县住建局 and 县市场监管局 filled, submitted and accepted
 * by the hall; for the current quarter 县住建局's submitted and waiting for
 * review. Created through the stats services by the departments' admins
 * and the hall admin; skipped when any ledger exists. No draft is left
 * behind, so the ledger watch has nothing to escalate. */
#include "demo/demo.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "core/ledger.h"
#include "service/stats/stats.h"
#include "store/db.h"

static int
as_user(struct ctx *base, struct ctx *c, struct actor *a, const char *login,
    struct err *e)
{
	json_t *r = db_query_row(base->db, e, "SELECT id, name, roles, "
	    "COALESCE(dept_id, 0) AS dept_id FROM users WHERE login = ?", "s",
	    login);

	if (r == NULL)
		return err_rc(e);
	memset(a, 0, sizeof(*a));
	a->user_id = json_integer_value(json_object_get(r, "id"));
	a->kind = ACTOR_STAFF;
	a->roles = (unsigned)json_integer_value(json_object_get(r, "roles"));
	a->dept_id = json_integer_value(json_object_get(r, "dept_id"));
	snprintf(a->login, sizeof(a->login), "%s", login);
	snprintf(a->name, sizeof(a->name), "%s", json_string_value(
	    json_object_get(r, "name")));
	snprintf(a->role_used, sizeof(a->role_used), "%s", "demo");
	json_decref(r);
	*c = *base;
	c->actor = a;
	return 0;
}

/* Opens the department's ledger, writes progress into every row and
 * submits it; *id is the ledger. */
static int
fill_submit(struct ctx *c, int year, int quarter, const char *how,
    int64_t *id, struct err *e)
{
	json_t *l = NULL, *rows, *r, *done = NULL;
	char progress[400];
	size_t i;
	int rc;

	rc = reform_ledger_open(c, 0, year, quarter, &l, e);
	if (rc != 0)
		return rc;
	*id = json_integer_value(json_object_get(l, "id"));
	rows = json_array();
	json_array_foreach(json_object_get(l, "rows"), i, r) {
		snprintf(progress, sizeof(progress), "%s：%s", how,
		    json_string_value(json_object_get(r, "deliverable")));
		json_array_append_new(rows, json_pack("{s:O s:O s:s s:s}",
		    "seq", json_object_get(r, "seq"), "plan",
		    json_object_get(r, "plan"), "progress", progress, "remarks",
		    i == 0 ? "佐证材料已上传" : ""));
	}
	json_decref(l);
	rc = reform_ledger_save(c, *id, rows, true, &done, e);
	json_decref(rows);
	json_decref(done);
	return rc;
}

int
demo_load_stats(struct ctx *base, struct err *e)
{
	struct actor ha, za, sa;
	struct ctx hall, zj, scjg;
	int64_t n = 0, id;
	json_t *o = NULL;
	char today[11];
	int32_t day;
	int year, quarter, py, pq, rc;

	rc = db_query_int(base->db, e, &n, "SELECT COUNT(*) FROM ledgers", NULL);
	if (rc < 0)
		return rc;
	if (n > 0)
		return 0;
	if (as_user(base, &hall, &ha, "hall", e) != 0 ||
	    as_user(base, &zj, &za, "zj_admin", e) != 0 ||
	    as_user(base, &scjg, &sa, "scjg_admin", e) != 0)
		return -(int)e->code;
	clock_date(clock_now(), today);
	if (calendar_day_parse(today, &day, e) != 0)
		return -(int)e->code;
	ledger_quarter_of(day, &year, &quarter);
	py = quarter == 1 ? year - 1 : year;
	pq = quarter == 1 ? 4 : quarter - 1;
	if (py >= 2024) {
		rc = fill_submit(&zj, py, pq, "已按计划完成", &id, e);
		if (rc == 0)
			rc = reform_ledger_review(&hall, id, true, NULL, &o, e);
		json_decref(o);
		o = NULL;
		if (rc == 0)
			rc = fill_submit(&scjg, py, pq, "已完成阶段任务", &id, e);
		if (rc == 0)
			rc = reform_ledger_review(&hall, id, true, NULL, &o, e);
		json_decref(o);
		if (rc != 0)
			return rc;
	}
	return fill_submit(&zj, year, quarter, "正在推进", &id, e);
}
