/* projects.c - construction projects over HTTP.
 *
 * Stage lists (the hall admin keeps which 一件事 serves a stage of a type):
 *   GET  /api/project-stages
 *   PUT  /api/project-stages/:type/:stage {bundle_id}
 * Projects:
 *   GET  /api/projects?type=&key=1&q=&mine=1 | POST {code, name, ...}
 *   GET  /api/projects/desk                 the steward's desk
 *   GET  /api/projects/:id                  the project view
 *   PUT  /api/projects/:id/team {steward_id, liaisons, version}
 *   POST /api/projects/:id/stages/:stage/apply {answers, form, materials}
 *   POST /api/projects/:id/stages/:stage/register {answers, form, materials}
 * Acceptance and the departments' decisions are the bundle's and the
 * cases' own routes (/api/bundle-cases/:id/accept, /api/cases/...).
 * Joint events: api/project_events.c. */
#include "http/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/project/project.h"

#define STRICT HTTP_BODY_STRICT
#define REQ (HTTP_BODY_STRICT | HTTP_BODY_REQUIRED)

static bool
project_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "project_not_found", "项目不存在", id, e);
}

static bool
stage_no(struct http_req *r, int *stage, struct err *e)
{
	int64_t s = 0;

	if (!http_path_id(r, "stage", "stage_not_found", "审批阶段不存在", &s,
	    e))
		return false;
	if (s > 4) {
		err_set(e, ERR_NOT_FOUND, "stage_not_found", "审批阶段不存在");
		return false;
	}
	*stage = (int)s;
	return true;
}

static const json_t *
body(struct http_req *r, const char *k)
{
	return json_object_get(r->json, k);
}

static void
get_stage_defs(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = project_stage_defs(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_stage_def(struct http_req *r, struct http_resp *w)
{
	const char *type = http_param(r, "type");
	json_t *out = NULL;
	struct err e;
	int64_t bundle = 0;
	int stage = 0, rc = -1;

	err_clear(&e);
	if (stage_no(r, &stage, &e) &&
	    http_body_uint(r, "bundle_id", REQ, &bundle, &e))
		rc = project_stage_def_set(r->ctx, type, stage, bundle, &out,
		    &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_projects(struct http_req *r, struct http_resp *w)
{
	struct project_q q;
	json_t *out = NULL;
	struct err e;
	int64_t key = 0, mine = 0;
	int rc = -1;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.type = http_query(r, "type");
	q.q = http_query(r, "q");
	if (http_query_uint(r, "key", 1, &key, &e) &&
	    http_query_uint(r, "mine", 1, &mine, &e)) {
		q.key_only = (int)key;
		q.mine = mine == 1;
		rc = project_list(r->ctx, &q, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
post_project(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (http_body_object(r, &e))
		rc = project_create(r->ctx, r->json, &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_desk(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = project_desk(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_project(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (project_id(r, &id, &e))
		rc = project_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_team(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id, version = 0, steward = 0;
	int rc = -1;

	err_clear(&e);
	if (project_id(r, &id, &e) &&
	    http_body_uint(r, "version", REQ, &version, &e) &&
	    http_body_uint(r, "steward_id", STRICT, &steward, &e))
		rc = project_team_set(r->ctx, id, r->json, version, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
stage_apply(struct http_req *r, struct http_resp *w, bool walkin)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int stage = 0, rc = -1;

	err_clear(&e);
	if (project_id(r, &id, &e) && stage_no(r, &stage, &e) &&
	    http_body_object(r, &e))
		rc = (walkin ? project_stage_register : project_stage_apply)(
		    r->ctx, id, stage, body(r, "answers"), body(r, "form"),
		    body(r, "materials"), &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
post_apply(struct http_req *r, struct http_resp *w)
{
	stage_apply(r, w, false);
}

static void
post_register(struct http_req *r, struct http_resp *w)
{
	stage_apply(r, w, true);
}

#define STAFF ROLE_STAFF_ANY
/* The hall admin and staff of the steward departments (the service checks
 * the department). */
#define MANAGE (ROLE_HALL_ADMIN | ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN)

const struct route api_projects_routes[] = {
	{ "GET", "/api/project-stages", get_stage_defs, ACCESS_LOGIN, 0 },
	{ "PUT", "/api/project-stages/:type/:stage", put_stage_def,
	    ROLE_HALL_ADMIN, 0 },
	{ "GET", "/api/projects", get_projects, STAFF | ROLE_APPLICANT, 0 },
	{ "POST", "/api/projects", post_project, MANAGE, 0 },
	{ "GET", "/api/projects/desk", get_desk, STAFF, 0 },
	{ "GET", "/api/projects/:id", get_project, STAFF | ROLE_APPLICANT, 0 },
	{ "PUT", "/api/projects/:id/team", put_team, MANAGE, 0 },
	{ "POST", "/api/projects/:id/stages/:stage/apply", post_apply,
	    ROLE_APPLICANT, 0 },
	{ "POST", "/api/projects/:id/stages/:stage/register", post_register,
	    ROLE_CLERK, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
