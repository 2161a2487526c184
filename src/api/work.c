/* work.c - the department's work lists beside the case pages.
 *
 *   GET /api/extensions?status=pending|approved|rejected|all&dept_id=&case_id=
 *       &cursor=&limit= (dept_admin, approver: own department; hall_admin,
 *       supervisor: all) -> {items:[extension], next_cursor}
 * Deciding an extension is POST /api/extensions/:id/approve|reject
 * (api/cases.c). */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "service/case/case.h"

static void
get_extensions(struct http_req *r, struct http_resp *w)
{
	struct extension_filter f;
	json_t *out = NULL;
	int64_t limit;
	char msg[64];
	struct err e;
	int rc = -1;

	err_clear(&e);
	memset(&f, 0, sizeof(f));
	f.status = http_query(r, "status");
	f.cursor = http_query(r, "cursor");
	snprintf(msg, sizeof(msg), "参数 limit 应为 1 至 %d 的整数",
	    LIMIT_PAGE_MAX);
	if (http_query_int(r, "limit", 1, LIMIT_PAGE_MAX, false, msg, &limit,
	    &e) &&
	    http_query_uint(r, "dept_id", INT64_MAX, &f.dept_id, &e) &&
	    http_query_uint(r, "case_id", INT64_MAX, &f.case_id, &e)) {
		f.limit = (int)limit;
		rc = extension_list(r->ctx, &f, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

const struct route api_work_routes[] = {
	{ "GET", "/api/extensions", get_extensions,
	    (unsigned)ROLE_STAFF_ANY, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
