/* indicators.c - the scoreboard's figures beyond today's indicators
 * (GET /api/indicators and /api/items?indicator= stay in catalog.c):
 *
 *   GET /api/indicators/trend?from=&to=&dept_id=   monthly trend since the
 *       notice, with the item-side 五减 figures
 *   GET /api/indicators/gap?dept_id=               the gap planner
 *   GET /api/indicators/cases?from=&to=&dept_id=   case-based counterparts
 *   GET /api/indicators/volume?from=&to=&dept_id=  case volume, on-time
 *       share, open/overdue/stalled
 *   GET /api/indicators/board?from=&to=&dept_id=  satisfaction and bad
 *       ratings, open loops, tickets and notices, the server's today
 *   GET /api/indicators/case-list?key=&from=&to=&dept_id=  the cases
 *       behind a case-based figure
 *   GET /api/indicators/discrepancies?from=&to=&dept_id=  items declaring
 *       最多跑一次 whose cases needed two trips or more
 *   GET  /api/tasks?dept_id=          the reform tasks, by area and unit
 *   POST /api/tasks/:id/progress {note, evidence, done}  (department admin)
 *   POST /api/ledgers {dept_id?, year, quarter}  the quarter's ledger,
 *        drafted from the tasks when new
 *   GET  /api/ledgers/:id
 *   PUT  /api/ledgers/:id {rows: [{seq, plan, progress, remarks}]}
 *   POST /api/ledgers/:id/submit {rows?}
 *   POST /api/ledgers/:id/review {accept, note}  (hall admin)
 *   GET  /api/ledgers?year=&quarter=   the county roll-up (own department
 *        for department staff)
 *   GET  /api/ledgers/export?year=&quarter=&format=xlsx|csv  the roll-up
 *   GET  /api/ledgers/:id/export?format=xlsx|csv  one ledger */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

#include "service/stats/stats.h"

typedef int (*period_fn)(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e);

static void
period_reply(struct http_req *r, struct http_resp *w, period_fn fn)
{
	json_t *out = NULL;
	int64_t dept = 0;
	struct err e;
	int rc;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	rc = fn(r->ctx, http_query(r, "from"), http_query(r, "to"), dept,
	    &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_trend(struct http_req *r, struct http_resp *w)
{
	period_reply(r, w, reform_trend);
}

static void
get_cases(struct http_req *r, struct http_resp *w)
{
	period_reply(r, w, reform_cases);
}

static void
get_board(struct http_req *r, struct http_resp *w)
{
	period_reply(r, w, reform_board);
}

static void
get_volume(struct http_req *r, struct http_resp *w)
{
	period_reply(r, w, reform_case_volume);
}

static void
get_discrepancies(struct http_req *r, struct http_resp *w)
{
	period_reply(r, w, reform_discrepancies);
}

static void
get_case_list(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t dept = 0;
	struct err e;
	int rc;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_case_list(r->ctx, http_query(r, "key"), http_query(r, "from"),
	    http_query(r, "to"), dept, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_gap(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t dept = 0;
	struct err e;
	int rc;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_gap(r->ctx, dept, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_tasks(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t dept = 0;
	struct err e;
	int rc;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_tasks_list(r->ctx, dept, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_progress(struct http_req *r, struct http_resp *w)
{
	const char *note = NULL, *evidence = NULL;
	json_t *out = NULL;
	bool done = false;
	struct err e;
	int64_t id;
	int rc;

	err_clear(&e);
	if (!http_path_id(r, "id", "task_not_found", "任务不存在", &id, &e) ||
	    !http_body_object(r, &e) ||
	    !http_body_str(r, "note", 0, &note, &e) ||
	    !http_body_str(r, "evidence", 0, &evidence, &e) ||
	    !http_body_bool(r, "done", 0, &done, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_task_progress_add(r->ctx, id, note, evidence, done, &out,
	    &e);
	http_reply(w, rc, 201, out, &e);
}

static void
post_ledger(struct http_req *r, struct http_resp *w)
{
	int64_t dept = 0, year = 0, quarter = 0;
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_uint(r, "dept_id", 0, &dept, &e) ||
	    !http_body_uint(r, "year", 0, &year, &e) ||
	    !http_body_uint(r, "quarter", 0, &quarter, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_ledger_open(r->ctx, dept, year > 3000 ? 0 : (int)year,
	    quarter > 4 ? 0 : (int)quarter, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_ledger(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc;

	err_clear(&e);
	if (!http_path_id(r, "id", "ledger_not_found", "台账不存在", &id, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_ledger_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
save_ledger(struct http_req *r, struct http_resp *w, bool submit)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc;

	err_clear(&e);
	if (!http_path_id(r, "id", "ledger_not_found", "台账不存在", &id, &e) ||
	    (!submit && !http_body_object(r, &e))) {
		http_error(w, &e);
		return;
	}
	rc = reform_ledger_save(r->ctx, id, json_object_get(r->json, "rows"),
	    submit, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_ledger(struct http_req *r, struct http_resp *w)
{
	save_ledger(r, w, false);
}

static void
submit_ledger(struct http_req *r, struct http_resp *w)
{
	save_ledger(r, w, true);
}

static void
review_ledger(struct http_req *r, struct http_resp *w)
{
	const char *note = NULL;
	json_t *out = NULL;
	bool accept = false;
	struct err e;
	int64_t id;
	int rc;

	err_clear(&e);
	if (!http_path_id(r, "id", "ledger_not_found", "台账不存在", &id, &e) ||
	    !http_body_object(r, &e) ||
	    !http_body_bool(r, "accept", 0, &accept, &e) ||
	    !http_body_str(r, "note", 0, &note, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_ledger_review(r->ctx, id, accept, note, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static bool
period_query(struct http_req *r, int *year, int *quarter, struct err *e)
{
	int64_t y = 0, q = 0;

	if (!http_query_uint(r, "year", 3000, &y, e) ||
	    !http_query_uint(r, "quarter", 9, &q, e))
		return false;
	*year = (int)y;
	*quarter = (int)q;
	return true;
}

static void
get_rollup(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int year, quarter, rc;
	struct err e;

	err_clear(&e);
	if (!period_query(r, &year, &quarter, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_ledger_rollup(r->ctx, year, quarter, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
export_reply(struct http_req *r, struct http_resp *w, struct buf *b,
    const char *ctype, const char *name)
{
	char disp[160];
	size_t len;
	void *data;

	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.%s\"", name,
	    strncmp(ctype, "text/csv", 8) == 0 ? "csv" : "xlsx");
	http_add_header(r, w, "Content-Disposition", disp);
	data = buf_detach(b, &len);
	http_bytes(w, 200, ctype, data, len, true);
}

static void
get_rollup_export(struct http_req *r, struct http_resp *w)
{
	const char *ctype = NULL;
	int year, quarter;
	struct err e;
	struct buf b;

	err_clear(&e);
	buf_init(&b, 0);
	if (!period_query(r, &year, &quarter, &e) ||
	    reform_ledger_rollup_export(r->ctx, year, quarter,
	    http_query(r, "format"), &b, &ctype, &e) != 0) {
		buf_release(&b);
		http_error(w, &e);
		return;
	}
	export_reply(r, w, &b, ctype, "ledger-county");
}

static void
get_ledger_export(struct http_req *r, struct http_resp *w)
{
	const char *ctype = NULL;
	struct err e;
	struct buf b;
	int64_t id;

	err_clear(&e);
	buf_init(&b, 0);
	if (!http_path_id(r, "id", "ledger_not_found", "台账不存在", &id, &e) ||
	    reform_ledger_export(r->ctx, id, http_query(r, "format"), &b,
	    &ctype, &e) != 0) {
		buf_release(&b);
		http_error(w, &e);
		return;
	}
	export_reply(r, w, &b, ctype, "ledger");
}

#define VIEWERS (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)

const struct route api_indicators_routes[] = {
	{ "GET", "/api/indicators/trend", get_trend, VIEWERS, 0 },
	{ "GET", "/api/indicators/gap", get_gap, VIEWERS, 0 },
	{ "GET", "/api/indicators/cases", get_cases, VIEWERS, 0 },
	{ "GET", "/api/indicators/volume", get_volume, VIEWERS, 0 },
	{ "GET", "/api/indicators/board", get_board, VIEWERS, 0 },
	{ "GET", "/api/indicators/case-list", get_case_list, VIEWERS, 0 },
	{ "GET", "/api/indicators/discrepancies", get_discrepancies, VIEWERS,
	    0 },
	{ "GET", "/api/tasks", get_tasks, VIEWERS, 0 },
	{ "POST", "/api/tasks/:id/progress", post_progress,
	    ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN, 16384 },
	{ "POST", "/api/ledgers", post_ledger, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN,
	    4096 },
	{ "GET", "/api/ledgers", get_rollup, VIEWERS, 0 },
	{ "GET", "/api/ledgers/export", get_rollup_export,
	    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN, 0 },
	{ "GET", "/api/ledgers/:id", get_ledger, VIEWERS, 0 },
	{ "GET", "/api/ledgers/:id/export", get_ledger_export, VIEWERS, 0 },
	{ "PUT", "/api/ledgers/:id", put_ledger,
	    ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN, 262144 },
	{ "POST", "/api/ledgers/:id/submit", submit_ledger,
	    ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN, 262144 },
	{ "POST", "/api/ledgers/:id/review", review_ledger, ROLE_HALL_ADMIN,
	    16384 },
	{ NULL, NULL, NULL, 0, 0 },
};
