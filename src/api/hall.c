/* hall.c - departments, windows and staff at windows over HTTP.
 *
 *   GET  /api/departments   GET /api/departments/:id   (public)
 *   PUT  /api/departments/:id (hall_admin)
 *   GET  /api/hall/departments (hall_admin, supervisor, sysadmin): each
 *        department's acceptance against its stationing mode, with flags
 *   GET  /api/windows   POST /api/windows   PUT /api/windows/:id
 *   GET  /api/windows/:id/items   PUT /api/windows/:id/items {item_ids}
 *   GET  /api/windows/:id/staff
 *   POST /api/staff-assignments {user_id, window_id}
 *   GET  /api/staff-assignments/history?user_id=
 *   POST /api/staff-changes {kind, user_id, to_window_id?, reason}
 *        kind: move | remove | roles {roles, dept_id?} | disable | enable
 *   GET  /api/staff-changes?status=&cursor=
 *   POST /api/staff-changes/:id/approve {reason?} | /reject {reason} */
#include "http/http.h"

#include <string.h>

#include "service/account/account.h"
#include "service/hall/hall.h"

#define HALL_BODY_MAX 65536

static bool
path_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", NULL, "对象不存在", id, e);
}

static void
get_hall_departments(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = hall_departments_acceptance(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_departments(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = hall_departments_list(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_department(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (path_id(r, &id, &e))
		rc = hall_department_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_department(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (path_id(r, &id, &e) && http_body_object(r, &e))
		rc = hall_department_update(r->ctx, id, r->json, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_windows(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = hall_windows_list(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_windows(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (http_body_object(r, &e))
		rc = hall_window_create(r->ctx, r->json, &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
put_window(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (path_id(r, &id, &e) && http_body_object(r, &e))
		rc = hall_window_update(r->ctx, id, r->json, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_window_items(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (path_id(r, &id, &e))
		rc = hall_window_items(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_window_items(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (path_id(r, &id, &e) && http_body_object(r, &e))
		rc = hall_window_items_put(r->ctx, id, json_object_get(r->json,
		    "item_ids"), &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_window_staff(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (path_id(r, &id, &e))
		rc = hall_window_staff(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_assignment(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t user_id, window_id;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (http_body_object(r, &e) &&
	    http_body_uint(r, "user_id", 0, &user_id, &e) &&
	    http_body_uint(r, "window_id", 0, &window_id, &e))
		rc = hall_staff_assign(r->ctx, user_id, window_id, &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_history(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (http_query_int(r, "user_id", 1, INT64_MAX, true,
	    "请用 user_id 指定工作人员", &id, &e))
		rc = hall_staff_history(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_change(struct http_req *r, struct http_resp *w)
{
	const char *kind, *reason;
	int64_t user_id, to;
	json_t *out = NULL;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (http_body_object(r, &e) &&
	    http_body_str(r, "kind", 0, &kind, &e) &&
	    http_body_str(r, "reason", 0, &reason, &e) &&
	    http_body_uint(r, "user_id", 0, &user_id, &e) &&
	    http_body_uint(r, "to_window_id", 0, &to, &e)) {
		unsigned mask;
		int64_t dept;

		if (kind != NULL && (strcmp(kind, "disable") == 0 ||
		    strcmp(kind, "enable") == 0))
			rc = hall_staff_status_request(r->ctx, user_id,
			    strcmp(kind, "enable") == 0, reason, &out, &e);
		else if (kind == NULL || strcmp(kind, "roles") != 0)
			rc = hall_staff_change_request(r->ctx, kind, user_id,
			    to, reason, &out, &e);
		else if (http_body_uint(r, "dept_id", 0, &dept, &e) &&
		    user_roles_from_json(json_object_get(r->json, "roles"),
		    &mask, &e) == 0)
			rc = hall_staff_roles_request(r->ctx, user_id, mask,
			    dept, reason, &out, &e);
	}
	http_reply(w, rc, 201, out, &e);
}

static void
get_changes(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = hall_staff_changes_page(r->ctx, http_query(r, "status"),
	    http_query(r, "cursor"), 0, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
decide(struct http_req *r, struct http_resp *w, bool approve)
{
	const char *reason;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (path_id(r, &id, &e) &&
	    http_body_str(r, "reason", 0, &reason, &e))
		rc = hall_staff_change_decide(r->ctx, id, approve, reason, &out,
		    &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_change_approve(struct http_req *r, struct http_resp *w)
{
	decide(r, w, true);
}

static void
post_change_reject(struct http_req *r, struct http_resp *w)
{
	decide(r, w, false);
}

#define STAFF (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)

const struct route api_hall_routes[] = {
	{ "GET", "/api/departments", get_departments, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/departments/:id", get_department, ACCESS_PUBLIC, 0 },
	{ "PUT", "/api/departments/:id", put_department, ROLE_HALL_ADMIN,
	    HALL_BODY_MAX },
	{ "GET", "/api/hall/departments", get_hall_departments,
	    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN, 0 },
	{ "GET", "/api/windows", get_windows, STAFF, 0 },
	{ "POST", "/api/windows", post_windows, ROLE_HALL_ADMIN,
	    HALL_BODY_MAX },
	{ "PUT", "/api/windows/:id", put_window, ROLE_HALL_ADMIN,
	    HALL_BODY_MAX },
	{ "GET", "/api/windows/:id/items", get_window_items, STAFF, 0 },
	{ "PUT", "/api/windows/:id/items", put_window_items, ROLE_HALL_ADMIN,
	    HALL_BODY_MAX },
	{ "GET", "/api/windows/:id/staff", get_window_staff, STAFF, 0 },
	{ "POST", "/api/staff-assignments", post_assignment, ROLE_HALL_ADMIN,
	    HALL_BODY_MAX },
	{ "GET", "/api/staff-assignments/history", get_history, STAFF, 0 },
	{ "POST", "/api/staff-changes", post_change,
	    ROLE_HALL_ADMIN | ROLE_DEPT_ADMIN, HALL_BODY_MAX },
	{ "GET", "/api/staff-changes", get_changes, STAFF, 0 },
	{ "POST", "/api/staff-changes/:id/approve", post_change_approve,
	    ROLE_HALL_ADMIN, HALL_BODY_MAX },
	{ "POST", "/api/staff-changes/:id/reject", post_change_reject,
	    ROLE_HALL_ADMIN, HALL_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
