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

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "service/warnings.h"

#define EXPLAIN_BODY_MAX 65536

static bool
query_id(struct http_req *r, const char *name, int64_t max, int64_t *out,
    struct err *e)
{
	const char *v = http_query(r, name);
	char *end;
	long long n;

	*out = 0;
	if (v == NULL || v[0] == '\0')
		return true;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || v[0] < '0' || v[0] > '9' || n < 0 ||
	    n > max) {
		err_field(e, ERR_INVALID, name, NULL, "参数 %s 须为非负整数",
		    name);
		return false;
	}
	*out = (int64_t)n;
	return true;
}

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
	if (!query_id(r, "dept_id", INT64_MAX, &f.dept_id, &e) ||
	    !query_id(r, "cursor", INT64_MAX, &f.before_id, &e) ||
	    !query_id(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		goto fail;
	f.limit = (int)limit;
	if (warnings_list(&r->ctx, &f, &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static bool
body_str(json_t *j, const char *name, const char **out, struct err *e)
{
	json_t *v = json_object_get(j, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		err_field(e, ERR_INVALID, name, "bad_type",
		    "字段 %s 须为字符串", name);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

static void
post_explanation(struct http_req *r, struct http_resp *w)
{
	const char *reason, *measures, *new_date;
	int64_t id = http_param_id(r, "id");
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (id <= 0) {
		err_set(&e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
		goto fail;
	}
	if (r->json == NULL || !json_is_object(r->json)) {
		err_set(&e, ERR_INVALID, "bad_json", "请求内容须为 JSON 对象");
		goto fail;
	}
	if (!body_str(r->json, "reason", &reason, &e) ||
	    !body_str(r->json, "measures", &measures, &e) ||
	    !body_str(r->json, "new_date", &new_date, &e))
		goto fail;
	if (overdue_explain(&r->ctx, id, reason, measures, new_date, &out,
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
