/* bundles.c - 一件事 over HTTP.
 *
 * The guide (public):
 *   GET  /api/guide/bundles                 published bundles by life event
 *   GET  /api/guide/bundles/:id             one bundle: items, combined
 *                                           materials, one limit, questions
 * Definitions (hall admin; publishing is a "bundle_publish" request decided
 * through /api/requests/:id/approve):
 *   GET  /api/bundles/defs | POST {code, definition}
 *   POST /api/bundles/defs/check {definition}
 *   GET  /api/bundles/defs/:id | PUT {definition, change_note}
 *   POST /api/bundles/defs/:id/submit {reason}
 * Applications:
 *   POST /api/bundles/:id/apply {answers, form, materials}       applicant
 *   POST /api/bundles/:id/register {applicant, answers, form, materials}
 *   GET  /api/bundle-cases?state=  |  GET /api/bundle-cases/mine
 *   GET  /api/bundle-cases/:id
 *   POST /api/bundle-cases/:id/accept {mode, missing, supplement_due,
 *        commitment_text, version}
 *   POST /api/bundle-cases/:id/reject {reason, version}
 *   POST /api/bundle-cases/:id/request-supplement {items, note, version}
 *   POST /api/bundle-cases/:id/supplement {materials, version}
 *   POST /api/bundle-cases/:id/deliver {method, tracking_no, version} */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

#include "service/bundle/bundle.h"

#define STRICT HTTP_BODY_STRICT
#define REQ (HTTP_BODY_STRICT | HTTP_BODY_REQUIRED)

static bool
bundle_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "bundle_not_found", "一件事不存在", id, e);
}

static bool
bcase_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "bundle_case_not_found", "一件事申请不存在",
	    id, e);
}

static const json_t *
body(struct http_req *r, const char *k)
{
	return json_object_get(r->json, k);
}

static void
get_guide(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = bundle_guide_list(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_guide_one(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (bundle_id(r, &id, &e))
		rc = bundle_guide_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_defs(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = bundle_defs_list(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static bool
definition(struct http_req *r, const json_t **d, struct err *e)
{
	if (!http_body_object(r, e))
		return false;
	*d = body(r, "definition");
	if (!json_is_object(*d)) {
		err_field(e, ERR_INVALID, "definition", "required",
		    "缺少一件事定义 definition");
		return false;
	}
	return true;
}

static void
post_def(struct http_req *r, struct http_resp *w)
{
	const json_t *d = NULL;
	const char *code = NULL;
	json_t *out = NULL;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (definition(r, &d, &e) && http_body_str(r, "code", REQ, &code, &e))
		rc = bundle_def_create(r->ctx, code, d, &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
post_check(struct http_req *r, struct http_resp *w)
{
	const json_t *d = NULL;
	json_t *out = NULL;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (definition(r, &d, &e))
		rc = bundle_def_check(r->ctx, d, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_def(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (bundle_id(r, &id, &e))
		rc = bundle_def_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_def(struct http_req *r, struct http_resp *w)
{
	const json_t *d = NULL;
	const char *note = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (bundle_id(r, &id, &e) && definition(r, &d, &e) &&
	    http_body_str(r, "change_note", STRICT, &note, &e))
		rc = bundle_def_draft_put(r->ctx, id, d, note, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_submit(struct http_req *r, struct http_resp *w)
{
	const char *reason = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (bundle_id(r, &id, &e) &&
	    http_body_str(r, "reason", STRICT, &reason, &e))
		rc = bundle_def_submit(r->ctx, id, reason, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_apply(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (bundle_id(r, &id, &e) && http_body_object(r, &e))
		rc = bundle_apply(r->ctx, id, body(r, "answers"),
		    body(r, "form"), body(r, "materials"), &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
post_register(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (bundle_id(r, &id, &e) && http_body_object(r, &e))
		rc = bundle_register_walkin(r->ctx, id, body(r, "applicant"),
		    body(r, "answers"), body(r, "form"), body(r, "materials"),
		    &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_bcases(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = bundle_cases_list(r->ctx, http_query(r, "state"), &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_mine(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = bundle_cases_mine(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_bcase(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (bcase_id(r, &id, &e))
		rc = bundle_case_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_accept(struct http_req *r, struct http_resp *w)
{
	struct bundle_accept_in in;
	json_t *out = NULL;
	struct err e;
	int64_t id, version = 0;
	int rc = -1;

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	if (bcase_id(r, &id, &e) &&
	    http_body_str(r, "mode", STRICT, &in.mode, &e) &&
	    http_body_str(r, "supplement_due", STRICT, &in.supplement_due,
	    &e) && http_body_str(r, "commitment_text", STRICT,
	    &in.commitment_text, &e) &&
	    http_body_uint(r, "version", REQ, &version, &e)) {
		in.missing = body(r, "missing");
		in.version = version;
		rc = bundle_accept(r->ctx, id, &in, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
post_reject(struct http_req *r, struct http_resp *w)
{
	const char *reason = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id, version = 0;
	int rc = -1;

	err_clear(&e);
	if (bcase_id(r, &id, &e) &&
	    http_body_str(r, "reason", STRICT, &reason, &e) &&
	    http_body_uint(r, "version", REQ, &version, &e))
		rc = bundle_reject(r->ctx, id, reason, version, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_request_supp(struct http_req *r, struct http_resp *w)
{
	const char *note = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id, version = 0;
	int rc = -1;

	err_clear(&e);
	if (bcase_id(r, &id, &e) &&
	    http_body_str(r, "note", STRICT, &note, &e) &&
	    http_body_uint(r, "version", REQ, &version, &e))
		rc = bundle_request_supplement(r->ctx, id, body(r, "items"),
		    note, version, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_supplement(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id, version = 0;
	int rc = -1;

	err_clear(&e);
	if (bcase_id(r, &id, &e) &&
	    http_body_uint(r, "version", STRICT, &version, &e))
		rc = bundle_supplement(r->ctx, id, body(r, "materials"),
		    version, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_deliver(struct http_req *r, struct http_resp *w)
{
	const char *method = NULL, *tracking = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id, version = 0;
	int rc = -1;

	err_clear(&e);
	if (bcase_id(r, &id, &e) &&
	    http_body_str(r, "method", STRICT, &method, &e) &&
	    http_body_str(r, "tracking_no", STRICT, &tracking, &e) &&
	    http_body_uint(r, "version", REQ, &version, &e))
		rc = bundle_deliver(r->ctx, id, method, tracking, version,
		    &out, &e);
	http_reply(w, rc, 200, out, &e);
}

#define HALL (ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)
#define APPLICANT ROLE_APPLICANT
#define STAFF ROLE_STAFF_ANY

const struct route api_bundles_routes[] = {
	{ "GET", "/api/guide/bundles", get_guide, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/guide/bundles/:id", get_guide_one, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/bundles/defs", get_defs, HALL, 0 },
	{ "POST", "/api/bundles/defs", post_def, ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/bundles/defs/check", post_check, HALL, 0 },
	{ "GET", "/api/bundles/defs/:id", get_def, HALL, 0 },
	{ "PUT", "/api/bundles/defs/:id", put_def, ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/bundles/defs/:id/submit", post_submit,
	    ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/bundles/:id/apply", post_apply, APPLICANT, 0 },
	{ "POST", "/api/bundles/:id/register", post_register, ROLE_CLERK, 0 },
	{ "GET", "/api/bundle-cases", get_bcases, STAFF, 0 },
	{ "GET", "/api/bundle-cases/mine", get_mine, APPLICANT, 0 },
	{ "GET", "/api/bundle-cases/:id", get_bcase, ACCESS_LOGIN, 0 },
	{ "POST", "/api/bundle-cases/:id/accept", post_accept, ROLE_CLERK, 0 },
	{ "POST", "/api/bundle-cases/:id/reject", post_reject, ROLE_CLERK, 0 },
	{ "POST", "/api/bundle-cases/:id/request-supplement",
	    post_request_supp, ROLE_CLERK, 0 },
	{ "POST", "/api/bundle-cases/:id/supplement", post_supplement,
	    APPLICANT | ROLE_CLERK, 0 },
	{ "POST", "/api/bundle-cases/:id/deliver", post_deliver, ROLE_CLERK,
	    0 },
	{ NULL, NULL, NULL, 0, 0 },
};
