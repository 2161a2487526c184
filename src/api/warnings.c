/* warnings.c - deadline warnings and overdue explanations.
 *
 *   GET  /api/warnings?level=&dept_id=&cursor=&limit= (dept_admin: own
 *        department; supervisor, hall_admin: all) -> {items:[{id, level,
 *        level_label, at, case_id, case_no, item_name, dept_id, dept_name,
 *        state, due_day, remaining_days, days_overdue, closed,
 *        explanation}], next_cursor}
 *   POST /api/cases/:id/overdue-explanation {reason, measures, new_date}
 *        (staff of the case's department; red cases only) -> 201 */
#include "http/http.h"

#include <string.h>

#include "base/limits.h"
#include "service/case/case.h"

#define EXPLAIN_BODY_MAX 65536

static void
get_warnings(struct http_req *r, struct http_resp *w)
{
	struct warning_filter f;
	int64_t limit = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	memset(&f, 0, sizeof(f));
	f.level = http_query(r, "level");
	if (!http_query_uint(r, "dept_id", INT64_MAX, &f.dept_id, &e) ||
	    !http_query_uint(r, "cursor", INT64_MAX, &f.before_id, &e) ||
	    !http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		goto fail;
	f.limit = (int)limit;
	if (warnings_list(r->ctx, &f, &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
post_explanation(struct http_req *r, struct http_resp *w)
{
	const char *reason, *measures, *new_date;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "case_not_found", "办件不存在", &id, &e) ||
	    !http_body_object(r, &e) ||
	    !http_body_str(r, "reason", 0, &reason, &e) ||
	    !http_body_str(r, "measures", 0, &measures, &e) ||
	    !http_body_str(r, "new_date", 0, &new_date, &e))
		goto fail;
	if (overdue_explain(r->ctx, id, reason, measures, new_date, &out,
	    &e) != 0)
		goto fail;
	http_json(w, 201, out);
	return;
fail:
	http_error(w, &e);
}

const struct route api_warnings_routes[] = {
	{ "GET", "/api/warnings", get_warnings,
	    ROLE_DEPT_ADMIN | ROLE_SUPERVISOR | ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/cases/:id/overdue-explanation", post_explanation,
	    ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN, EXPLAIN_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
