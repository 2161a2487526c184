/* users.c - user administration.
 *
 *   GET  /api/users?kind=P|E|S&dept_id=&role=&q=&after=&limit=
 *        -> 200 {items:[user..], next_after}
 *   POST /api/users {login, name, mobile?, roles:["clerk",..], dept_id?,
 *        window_id?, password, reason?} -> 202 {request}: a staff account
 *        is asked for on the hall's staff-change requests and exists once
 *        another administrator approves it (service/hall/accounts.c). */
#include "http/http.h"

#include <string.h>

#include "base/limits.h"
#include "service/account/account.h"
#include "service/hall/hall.h"

#define USERS_BODY_MAX 8192

static void
get_users(struct http_req *r, struct http_resp *w)
{
	struct user_filter f;
	const char *kind, *role;
	int64_t limit = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	memset(&f, 0, sizeof(f));
	kind = http_query(r, "kind");
	if (kind != NULL && kind[0] != '\0') {
		if (strcmp(kind, "P") == 0 || strcmp(kind, "person") == 0)
			f.kind = 'P';
		else if (strcmp(kind, "E") == 0 ||
		    strcmp(kind, "enterprise") == 0)
			f.kind = 'E';
		else if (strcmp(kind, "S") == 0 || strcmp(kind, "staff") == 0)
			f.kind = 'S';
		else {
			err_field(&e, ERR_INVALID, "kind", NULL,
			    "用户类型须为 person、enterprise 或 staff");
			goto fail;
		}
	}
	role = http_query(r, "role");
	if (role != NULL && role[0] != '\0') {
		f.roles = role_parse(role);
		if (f.roles == 0) {
			err_field(&e, ERR_INVALID, "role", NULL, "角色不存在");
			goto fail;
		}
	}
	f.q = http_query(r, "q");
	if (!http_query_uint(r, "dept_id", INT64_MAX, &f.dept_id, &e) ||
	    !http_query_uint(r, "after", INT64_MAX, &f.after_id, &e) ||
	    !http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		goto fail;
	f.limit = (int)limit;
	if (user_list(r->ctx, &f, &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
post_users(struct http_req *r, struct http_resp *w)
{
	const char *login, *name, *mobile, *password, *reason;
	json_t *req = NULL;
	unsigned mask = 0;
	int64_t dept_id, window_id;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_str(r, "login", HTTP_BODY_REQUIRED, &login, &e) ||
	    !http_body_str(r, "name", HTTP_BODY_REQUIRED, &name, &e) ||
	    !http_body_str(r, "mobile", 0, &mobile, &e) ||
	    !http_body_str(r, "password", HTTP_BODY_REQUIRED, &password, &e) ||
	    !http_body_str(r, "reason", 0, &reason, &e) ||
	    !http_body_uint(r, "dept_id", 0, &dept_id, &e) ||
	    !http_body_uint(r, "window_id", 0, &window_id, &e) ||
	    user_roles_from_json(json_object_get(r->json, "roles"), &mask,
	    &e) != 0)
		goto fail;
	if (hall_staff_account_request(r->ctx, login, name, mobile, mask,
	    dept_id, window_id, password, reason, &req, &e) != 0)
		goto fail;
	http_json(w, 202, json_pack("{s:o}", "request", req));
	return;
fail:
	http_error(w, &e);
}

const struct route api_users_routes[] = {
	{ "GET", "/api/users", get_users, ROLE_SYSADMIN | ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/users", post_users, ROLE_SYSADMIN | ROLE_HALL_ADMIN |
	    ROLE_DEPT_ADMIN, USERS_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
