/* cases.c - cases (办件) over HTTP.
 *
 *   POST /api/cases {item_id, form, materials:[{index, sha256}]} -> 201 case
 *   POST /api/cases/walkin {item_id, applicant:{kind, idno, name, mobile},
 *        form, materials} -> 201 case
 *   GET  /api/cases?mine=1&cursor=&limit=     GET /api/cases/:id
 *   GET  /api/cases/:id/timeline              GET /api/cases/lookup?no=|idno=
 *   GET  /api/work/inbox?queue=&warn=&item_id=&cursor=&limit=
 *   POST /api/cases/:id/accept {mode, missing, supplement_due,
 *        commitment_text, approve, deliver_method, tracking_no, version}
 *   POST /api/cases/:id/reject {reason, version}
 *   POST /api/cases/:id/supplement-request {items:[{index, problem}], note,
 *        version}
 *   POST /api/cases/:id/supplement {materials, version?}
 *   POST /api/cases/:id/actions/:action {reason, items, kind, version}
 *   POST /api/cases/:id/deliver {method, tracking_no, version}
 *   POST /api/cases/:id/trips {purpose}
 *   POST /api/cases/:id/special {kind, reason, version?}
 *   POST /api/cases/:id/special/end {result, version?}
 *   POST /api/cases/:id/extensions {days, reason, basis?} -> 201 extension
 *   POST /api/extensions/:id/approve {reason?}  POST /api/extensions/:id/reject
 *        {reason}
 *   GET  /api/commitment-checks?status=&cursor=&limit=
 *   POST /api/commitment-checks/:id/result {status:"passed"|"false", result}
 * Every case answer is the case JSON (service/cases.h). */
#include "http/http.h"

#include <string.h>

#include "base/limits.h"
#include "service/case/case.h"

#define CASES_BODY_MAX (256 * 1024)
#define CASE_BODY_SMALL (32 * 1024)
/* Case writes take a JSON object body; a string holding a NUL is refused. */
#define STRICT HTTP_BODY_STRICT

static bool
case_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "case_not_found", "办件不存在", id, e);
}

static void
post_apply(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t item;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (http_body_uint(r, "item_id", STRICT, &item, &e))
		rc = case_apply(r->ctx, item, json_object_get(r->json, "form"),
		    json_object_get(r->json, "materials"), &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
post_walkin(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t item;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (http_body_uint(r, "item_id", STRICT, &item, &e))
		rc = case_register_walkin(r->ctx, item,
		    json_object_get(r->json, "applicant"),
		    json_object_get(r->json, "form"),
		    json_object_get(r->json, "materials"), &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_cases(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		rc = case_list_mine(r->ctx, http_query(r, "cursor"),
		    (int)limit, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_lookup(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		rc = case_lookup(r->ctx, http_query(r, "no"),
		    http_query(r, "idno"), http_query(r, "cursor"),
		    (int)limit, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_inbox(struct http_req *r, struct http_resp *w)
{
	struct case_inbox_q q;
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -1;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.queue = http_query(r, "queue");
	q.warn = http_query(r, "warn");
	q.cursor = http_query(r, "cursor");
	if (http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e) &&
	    http_query_uint(r, "item_id", INT64_MAX, &q.item_id, &e)) {
		q.limit = (int)limit;
		rc = case_inbox(r->ctx, &q, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
get_case(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e))
		rc = case_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_timeline(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e))
		rc = case_timeline(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_accept(struct http_req *r, struct http_resp *w)
{
	struct case_accept_in in;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "mode", STRICT, &in.mode, &e) &&
	    http_body_str(r, "supplement_due", STRICT, &in.supplement_due,
	    &e) &&
	    http_body_str(r, "commitment_text", STRICT, &in.commitment_text,
	    &e) &&
	    http_body_bool(r, "approve", STRICT, &in.approve, &e) &&
	    http_body_str(r, "deliver_method", STRICT, &in.deliver_method,
	    &e) &&
	    http_body_str(r, "tracking_no", STRICT, &in.tracking_no, &e) &&
	    http_body_uint(r, "version", STRICT, &in.version, &e)) {
		in.missing = json_object_get(r->json, "missing");
		rc = case_accept(r->ctx, id, &in, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
post_reject(struct http_req *r, struct http_resp *w)
{
	const char *reason;
	json_t *out = NULL;
	int64_t id, version;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "reason", STRICT, &reason, &e) &&
	    http_body_uint(r, "version", STRICT, &version, &e))
		rc = case_reject(r->ctx, id, reason, version, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_supplement_request(struct http_req *r, struct http_resp *w)
{
	const char *note;
	json_t *out = NULL;
	int64_t id, version;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "note", STRICT, &note, &e) &&
	    http_body_uint(r, "version", STRICT, &version, &e))
		rc = case_request_supplement(r->ctx, id,
		    json_object_get(r->json, "items"), note, version, &out,
		    &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_supplement(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t id, version;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_uint(r, "version", STRICT, &version, &e))
		rc = case_supplement(r->ctx, id, json_object_get(r->json,
		    "materials"), version, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_action(struct http_req *r, struct http_resp *w)
{
	struct case_act_in in;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "reason", STRICT, &in.reason, &e) &&
	    http_body_str(r, "kind", STRICT, &in.kind, &e) &&
	    http_body_uint(r, "version", STRICT, &in.version, &e)) {
		in.items = json_object_get(r->json, "items");
		rc = case_act(r->ctx, id, http_param(r, "action"), &in, &out,
		    &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
post_deliver(struct http_req *r, struct http_resp *w)
{
	const char *method, *tracking;
	json_t *out = NULL;
	int64_t id, version;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "method", STRICT, &method, &e) &&
	    http_body_str(r, "tracking_no", STRICT, &tracking, &e) &&
	    http_body_uint(r, "version", STRICT, &version, &e))
		rc = case_deliver(r->ctx, id, method, tracking, version, &out,
		    &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_trip(struct http_req *r, struct http_resp *w)
{
	const char *purpose;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "purpose", STRICT, &purpose, &e))
		rc = case_record_trip(r->ctx, id, purpose, &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
post_special(struct http_req *r, struct http_resp *w)
{
	const char *kind, *reason;
	json_t *out = NULL;
	int64_t id, version;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "kind", STRICT, &kind, &e) &&
	    http_body_str(r, "reason", STRICT, &reason, &e) &&
	    http_body_uint(r, "version", STRICT, &version, &e))
		rc = case_special_start(r->ctx, id, kind, reason, version,
		    &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_special_end(struct http_req *r, struct http_resp *w)
{
	const char *result;
	json_t *out = NULL;
	int64_t id, version;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_str(r, "result", STRICT, &result, &e) &&
	    http_body_uint(r, "version", STRICT, &version, &e))
		rc = case_special_end(r->ctx, id, result, version, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_extension(struct http_req *r, struct http_resp *w)
{
	const char *reason, *basis;
	json_t *out = NULL;
	int64_t id, days;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (case_id(r, &id, &e) &&
	    http_body_uint(r, "days", STRICT, &days, &e) &&
	    http_body_str(r, "reason", STRICT, &reason, &e) &&
	    http_body_str(r, "basis", STRICT, &basis, &e))
		rc = case_extension_request(r->ctx, id,
		    days > 10000 ? 10001 : (int)days, reason, basis, &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
extension_decide(struct http_req *r, struct http_resp *w, bool approve)
{
	const char *reason = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (http_path_id(r, "id", NULL, "延期申请不存在", &id, &e) &&
	    (r->json == NULL ||
	    http_body_str(r, "reason", STRICT, &reason, &e)))
		rc = case_extension_decide(r->ctx, id, approve, reason, &out,
		    &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_ext_approve(struct http_req *r, struct http_resp *w)
{
	extension_decide(r, w, true);
}

static void
post_ext_reject(struct http_req *r, struct http_resp *w)
{
	extension_decide(r, w, false);
}

static void
get_checks(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		rc = case_check_list(r->ctx, http_query(r, "status"),
		    http_query(r, "cursor"), (int)limit, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_check_result(struct http_req *r, struct http_resp *w)
{
	const char *status, *result;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (http_path_id(r, "id", NULL, "核查任务不存在", &id, &e) &&
	    http_body_str(r, "status", STRICT, &status, &e) &&
	    http_body_str(r, "result", STRICT, &result, &e)) {
		if (status == NULL || (strcmp(status, "passed") != 0 &&
		    strcmp(status, "false") != 0))
			err_field(&e, ERR_INVALID, "status", NULL,
			    "核查结论须为 passed 或 false");
		else
			rc = case_check_result(r->ctx, id,
			    strcmp(status, "passed") == 0, result, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

#define STAFF ((unsigned)ROLE_STAFF_ANY)

const struct route api_cases_routes[] = {
	{ "POST", "/api/cases/walkin", post_walkin, ROLE_CLERK,
	    CASES_BODY_MAX },
	{ "GET", "/api/cases/lookup", get_lookup, STAFF, 0 },
	{ "GET", "/api/work/inbox", get_inbox, STAFF, 0 },
	{ "POST", "/api/cases", post_apply, ROLE_APPLICANT, CASES_BODY_MAX },
	{ "GET", "/api/cases", get_cases, ROLE_APPLICANT, 0 },
	{ "GET", "/api/cases/:id", get_case, ACCESS_LOGIN, 0 },
	{ "GET", "/api/cases/:id/timeline", get_timeline, ACCESS_LOGIN, 0 },
	{ "POST", "/api/cases/:id/accept", post_accept, STAFF,
	    CASE_BODY_SMALL },
	{ "POST", "/api/cases/:id/reject", post_reject, STAFF,
	    CASE_BODY_SMALL },
	{ "POST", "/api/cases/:id/supplement-request", post_supplement_request,
	    STAFF, CASES_BODY_MAX },
	{ "POST", "/api/cases/:id/supplement", post_supplement, ACCESS_LOGIN,
	    CASES_BODY_MAX },
	{ "POST", "/api/cases/:id/actions/:action", post_action, ACCESS_LOGIN,
	    CASES_BODY_MAX },
	{ "POST", "/api/cases/:id/deliver", post_deliver, STAFF,
	    CASE_BODY_SMALL },
	{ "POST", "/api/cases/:id/trips", post_trip, STAFF, CASE_BODY_SMALL },
	{ "POST", "/api/cases/:id/special", post_special, STAFF,
	    CASE_BODY_SMALL },
	{ "POST", "/api/cases/:id/special/end", post_special_end, STAFF,
	    CASE_BODY_SMALL },
	{ "POST", "/api/cases/:id/extensions", post_extension, STAFF,
	    CASE_BODY_SMALL },
	{ "POST", "/api/extensions/:id/approve", post_ext_approve, STAFF,
	    CASE_BODY_SMALL },
	{ "POST", "/api/extensions/:id/reject", post_ext_reject, STAFF,
	    CASE_BODY_SMALL },
	{ "GET", "/api/commitment-checks", get_checks, STAFF, 0 },
	{ "POST", "/api/commitment-checks/:id/result", post_check_result,
	    STAFF, CASE_BODY_SMALL },
	{ NULL, NULL, NULL, 0, 0 },
};
