/* requests.c - the one request -> approve queue over HTTP.
 *
 *   GET  /api/requests?kind=&status=&dept_id=&overdue=1&cursor=&limit=
 *   GET  /api/requests/kinds
 *   GET  /api/requests/:id
 *   POST /api/requests/:id/approve {reason?} | /reject {reason}
 *   POST /api/requests/:id/cancel {reason?}   (the requester)
 * Submitting is each domain's own route (staff changes, withdrawals, item
 * drafts, ...): the request carries that domain's checks. */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

#include "service/platform/platform.h"

#define REQUESTS_BODY_MAX 65536

static void
get_requests(struct http_req *r, struct http_resp *w)
{
	struct request_query q;
	json_t *out = NULL;
	struct err e;
	int64_t dept = 0, overdue = 0, limit = 0;
	int rc = -ERR_INVALID;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	if (http_query_uint(r, "dept_id", INT64_MAX, &dept, &e) &&
	    http_query_uint(r, "overdue", 1, &overdue, &e) &&
	    http_query_uint(r, "limit", REQUESTS_PAGE_MAX, &limit, &e)) {
		q.kind = http_query(r, "kind");
		q.status = http_query(r, "status");
		q.cursor = http_query(r, "cursor");
		q.dept_id = dept;
		q.overdue = overdue != 0;
		q.limit = (int)limit;
		rc = requests_list(r->ctx, &q, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
get_kinds(struct http_req *r, struct http_resp *w)
{
	struct err e;

	(void)r;
	err_clear(&e);
	http_reply(w, 0, 200, requests_kinds_json(), &e);
}

static void
get_request(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (http_path_id(r, "id", "request_not_found", "申请不存在", &id, &e))
		rc = requests_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
decide(struct http_req *r, struct http_resp *w, int how)
{
	const char *reason;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (http_path_id(r, "id", "request_not_found", "申请不存在", &id, &e) &&
	    http_body_str(r, "reason", 0, &reason, &e)) {
		rc = how == 2 ? requests_cancel(r->ctx, id, reason, &e) :
		    requests_decide(r->ctx, id, NULL, how == 1, reason, &e);
		if (rc == 0)
			rc = requests_get(r->ctx, id, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
post_approve(struct http_req *r, struct http_resp *w)
{
	decide(r, w, 1);
}

static void
post_reject(struct http_req *r, struct http_resp *w)
{
	decide(r, w, 0);
}

static void
post_cancel(struct http_req *r, struct http_resp *w)
{
	decide(r, w, 2);
}

#define STAFF (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)

const struct route api_requests_routes[] = {
	{ "GET", "/api/requests", get_requests, STAFF, 0 },
	{ "GET", "/api/requests/kinds", get_kinds, STAFF, 0 },
	{ "GET", "/api/requests/:id", get_request, STAFF, 0 },
	{ "POST", "/api/requests/:id/approve", post_approve, STAFF,
	    REQUESTS_BODY_MAX },
	{ "POST", "/api/requests/:id/reject", post_reject, STAFF,
	    REQUESTS_BODY_MAX },
	{ "POST", "/api/requests/:id/cancel", post_cancel, STAFF,
	    REQUESTS_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
