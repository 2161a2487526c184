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
 * Joint events (联合踏勘、评审、审图、验收):
 *   POST /api/projects/:id/events {kind, day, place, note, dept_ids,
 *        case_id, lead_dept_id}
 *   GET  /api/project-events/:id
 *   POST /api/project-events/:id/opinion {opinion, person, comment,
 *        attachments, rectifications}
 *   POST /api/project-events/:id/seal {conclusion}
 *   GET  /api/project-events/:id/pdf
 *   POST /api/project-events/:id/attachments?name=  (the file as the body)
 *   GET  /api/project-events/:id/attachments/:sha256
 *   POST /api/project-rectifications/:id/report {report, evidence}
 *   POST /api/project-rectifications/:id/review {accept, note} */
#include "http/http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
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

static bool
event_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "event_not_found", "联合事项不存在", id,
	    e);
}

static void
post_event(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (project_id(r, &id, &e) && http_body_object(r, &e))
		rc = project_event_schedule(r->ctx, id, r->json, &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_event(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (event_id(r, &id, &e))
		rc = project_event_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_opinion(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (event_id(r, &id, &e) && http_body_object(r, &e))
		rc = project_event_opinion(r->ctx, id, r->json, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_seal(struct http_req *r, struct http_resp *w)
{
	const char *conclusion = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (event_id(r, &id, &e) &&
	    http_body_str(r, "conclusion", STRICT, &conclusion, &e))
		rc = project_event_seal(r->ctx, id, conclusion, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_event_pdf(struct http_req *r, struct http_resp *w)
{
	char name[256], fallback[64];
	uint64_t size = 0;
	int64_t id;
	int fd = -1;
	struct err e;

	err_clear(&e);
	if (!event_id(r, &id, &e) ||
	    project_event_pdf(r->ctx, id, &fd, &size, name, &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 200;
	w->fd = fd;
	w->fd_size = size;
	w->content_type = "application/pdf";
	snprintf(fallback, sizeof(fallback), "joint-opinion-%lld.pdf",
	    (long long)id);
	http_add_disposition(r, w, "attachment", name, fallback);
	http_add_header(r, w, "Cache-Control", "private, no-store");
}

static void
post_attachment(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (event_id(r, &id, &e))
		rc = project_event_attach(r->ctx, id, r->body, r->body_len,
		    http_query(r, "name"), &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_attachment(struct http_req *r, struct http_resp *w)
{
	char name[256], ctype[32];
	uint64_t size = 0;
	int64_t id;
	int fd = -1;
	struct err e;

	err_clear(&e);
	if (!event_id(r, &id, &e) || project_event_file(r->ctx, id,
	    http_param(r, "sha256"), &fd, &size, ctype, name, &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 200;
	w->fd = fd;
	w->fd_size = size;
	w->content_type = strcmp(ctype, "image/png") == 0 ? "image/png" :
	    strcmp(ctype, "image/jpeg") == 0 ? "image/jpeg" :
	    "application/pdf";
	http_add_disposition(r, w, "attachment", name, "attachment");
	http_add_header(r, w, "Cache-Control", "private, no-store");
}

static void
post_rect_report(struct http_req *r, struct http_resp *w)
{
	const char *report = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (http_path_id(r, "id", "rect_not_found", "整改事项不存在", &id, &e) &&
	    http_body_str(r, "report", STRICT, &report, &e))
		rc = project_rect_report(r->ctx, id, report, body(r,
		    "evidence"), &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_rect_review(struct http_req *r, struct http_resp *w)
{
	const char *note = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	bool accept = false;
	int rc = -1;

	err_clear(&e);
	if (http_path_id(r, "id", "rect_not_found", "整改事项不存在", &id, &e) &&
	    http_body_bool(r, "accept", REQ, &accept, &e) &&
	    http_body_str(r, "note", STRICT, &note, &e))
		rc = project_rect_review(r->ctx, id, accept, note, &out, &e);
	http_reply(w, rc, 200, out, &e);
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
	{ "POST", "/api/projects/:id/events", post_event, MANAGE, 0 },
	{ "GET", "/api/project-events/:id", get_event, STAFF | ROLE_APPLICANT,
	    0 },
	{ "POST", "/api/project-events/:id/opinion", post_opinion,
	    ROLE_APPROVER | ROLE_DEPT_ADMIN, 0 },
	{ "POST", "/api/project-events/:id/seal", post_seal,
	    ROLE_APPROVER | ROLE_DEPT_ADMIN, 0 },
	{ "GET", "/api/project-events/:id/pdf", get_event_pdf,
	    STAFF | ROLE_APPLICANT, 0 },
	{ "POST", "/api/project-events/:id/attachments", post_attachment,
	    ROLE_APPROVER | ROLE_DEPT_ADMIN, LIMIT_UPLOAD_FILE },
	{ "GET", "/api/project-events/:id/attachments/:sha256", get_attachment,
	    STAFF | ROLE_APPLICANT, 0 },
	{ "POST", "/api/project-rectifications/:id/report", post_rect_report,
	    ROLE_APPLICANT, 0 },
	{ "POST", "/api/project-rectifications/:id/review", post_rect_review,
	    ROLE_APPROVER | ROLE_DEPT_ADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
