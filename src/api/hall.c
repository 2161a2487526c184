/* hall.c - departments, windows and staff at windows over HTTP.
 *
 *   GET  /api/departments   GET /api/departments/:id   (public)
 *   PUT  /api/departments/:id (hall_admin)
 *   GET  /api/windows   POST /api/windows   PUT /api/windows/:id
 *   GET  /api/windows/:id/items   PUT /api/windows/:id/items {item_ids}
 *   GET  /api/windows/:id/staff
 *   POST /api/staff-assignments {user_id, window_id}
 *   GET  /api/staff-assignments/history?user_id=
 *   POST /api/staff-changes {kind, user_id, to_window_id?, reason}
 *   GET  /api/staff-changes?status=
 *   POST /api/staff-changes/:id/approve {reason?} | /reject {reason} */
#include "http/http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "service/hall.h"

#define HALL_BODY_MAX 65536

static void
reply(struct http_resp *w, int rc, int status, json_t *out,
    const struct err *e)
{
	if (rc != 0) {
		json_decref(out);
		http_error(w, e);
		return;
	}
	http_json(w, status, out);
}

static bool
body_obj(struct http_req *r, struct err *e)
{
	if (r->json == NULL || !json_is_object(r->json)) {
		err_set(e, ERR_INVALID, "bad_json", "请求内容须为 JSON 对象");
		return false;
	}
	return true;
}

static bool
body_str(struct http_req *r, const char *name, const char **out,
    struct err *e)
{
	json_t *v = r->json != NULL ? json_object_get(r->json, name) : NULL;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		err_field(e, ERR_INVALID, name, "bad_type", "字段 %s 须为字符串",
		    name);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

static bool
body_id(struct http_req *r, const char *name, int64_t *out, struct err *e)
{
	json_t *v = r->json != NULL ? json_object_get(r->json, name) : NULL;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		err_field(e, ERR_INVALID, name, "bad_type",
		    "字段 %s 须为非负整数", name);
		return false;
	}
	*out = (int64_t)json_integer_value(v);
	return true;
}

static bool
path_id(struct http_req *r, int64_t *id, struct err *e)
{
	*id = http_param_id(r, "id");
	if (*id <= 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "对象不存在");
		return false;
	}
	return true;
}

static void
get_departments(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = hall_departments_list(&r->ctx, &out, &e);
	reply(w, rc, 200, out, &e);
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
		rc = hall_department_get(&r->ctx, id, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
put_department(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (path_id(r, &id, &e) && body_obj(r, &e))
		rc = hall_department_update(&r->ctx, id, r->json, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
get_windows(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = hall_windows_list(&r->ctx, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
post_windows(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (body_obj(r, &e))
		rc = hall_window_create(&r->ctx, r->json, &out, &e);
	reply(w, rc, 201, out, &e);
}

static void
put_window(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (path_id(r, &id, &e) && body_obj(r, &e))
		rc = hall_window_update(&r->ctx, id, r->json, &out, &e);
	reply(w, rc, 200, out, &e);
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
		rc = hall_window_items(&r->ctx, id, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
put_window_items(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (path_id(r, &id, &e) && body_obj(r, &e))
		rc = hall_window_items_put(&r->ctx, id, json_object_get(r->json,
		    "item_ids"), &out, &e);
	reply(w, rc, 200, out, &e);
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
		rc = hall_window_staff(&r->ctx, id, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
post_assignment(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t user_id, window_id;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (body_obj(r, &e) && body_id(r, "user_id", &user_id, &e) &&
	    body_id(r, "window_id", &window_id, &e))
		rc = hall_staff_assign(&r->ctx, user_id, window_id, &out, &e);
	reply(w, rc, 201, out, &e);
}

static void
get_history(struct http_req *r, struct http_resp *w)
{
	const char *v = http_query(r, "user_id");
	json_t *out = NULL;
	struct err e;
	char *end = NULL;
	long long id = 0;
	int rc;

	err_clear(&e);
	if (v != NULL) {
		errno = 0;
		id = strtoll(v, &end, 10);
	}
	if (v == NULL || *end != '\0' || errno != 0 || id <= 0)
		rc = err_field(&e, ERR_INVALID, "user_id", NULL,
		    "请用 user_id 指定工作人员");
	else
		rc = hall_staff_history(&r->ctx, (int64_t)id, &out, &e);
	reply(w, rc, 200, out, &e);
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
	if (body_obj(r, &e) && body_str(r, "kind", &kind, &e) &&
	    body_str(r, "reason", &reason, &e) &&
	    body_id(r, "user_id", &user_id, &e) &&
	    body_id(r, "to_window_id", &to, &e))
		rc = hall_staff_change_request(&r->ctx, kind, user_id, to,
		    reason, &out, &e);
	reply(w, rc, 201, out, &e);
}

static void
get_changes(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = hall_staff_changes_list(&r->ctx, http_query(r, "status"), &out,
	    &e);
	reply(w, rc, 200, out, &e);
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
	if (path_id(r, &id, &e) && body_str(r, "reason", &reason, &e))
		rc = hall_staff_change_decide(&r->ctx, id, approve, reason, &out,
		    &e);
	reply(w, rc, 200, out, &e);
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
