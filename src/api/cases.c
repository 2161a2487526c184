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
 *   POST /api/cases/:id/extensions {days, reason} -> 201 extension
 *   POST /api/extensions/:id/approve {reason?}  POST /api/extensions/:id/reject
 *        {reason}
 *   GET  /api/commitment-checks?status=&cursor=&limit=
 *   POST /api/commitment-checks/:id/result {status:"passed"|"false", result}
 * Every case answer is the case JSON (service/cases.h). */
#include "http/http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "service/cases.h"

#define CASES_BODY_MAX (256 * 1024)
#define CASE_BODY_SMALL (32 * 1024)

static bool
body_obj(struct http_req *r, struct err *e)
{
	if (r->json == NULL || !json_is_object(r->json)) {
		err_set(e, ERR_INVALID, "bad_json", "请求内容须为 JSON 对象");
		return false;
	}
	return true;
}

/* String member or NULL; false (e filled) for another type. */
static bool
body_str(struct http_req *r, const char *name, const char **out,
    struct err *e)
{
	json_t *v;

	*out = NULL;
	if (!body_obj(r, e))
		return false;
	v = json_object_get(r->json, name);
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v)) {
		err_field(e, ERR_INVALID, name, "bad_type", "字段 %s 须为字符串",
		    name);
		return false;
	}
	*out = json_string_value(v);
	if (strlen(*out) != json_string_length(v)) {
		err_field(e, ERR_INVALID, name, "bad_string",
		    "字段 %s 含有无效字符", name);
		return false;
	}
	return true;
}

/* Integer member (0 when absent). */
static bool
body_int(struct http_req *r, const char *name, int64_t *out, struct err *e)
{
	json_t *v;

	*out = 0;
	if (!body_obj(r, e))
		return false;
	v = json_object_get(r->json, name);
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
body_bool(struct http_req *r, const char *name, bool *out, struct err *e)
{
	json_t *v;

	*out = false;
	if (!body_obj(r, e))
		return false;
	v = json_object_get(r->json, name);
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_boolean(v)) {
		err_field(e, ERR_INVALID, name, "bad_type",
		    "字段 %s 须为 true 或 false", name);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

static bool
query_int(struct http_req *r, const char *name, int64_t max, int64_t *out,
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
	if (errno != 0 || *end != '\0' || n < 0 || n > max || v[0] == '-' ||
	    v[0] == '+' || v[0] == ' ') {
		err_field(e, ERR_INVALID, name, NULL, "参数 %s 须为非负整数",
		    name);
		return false;
	}
	*out = (int64_t)n;
	return true;
}

static int64_t
case_id(struct http_req *r, struct err *e)
{
	int64_t id = http_param_id(r, "id");

	if (id <= 0)
		err_set(e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
	return id;
}

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

static void
post_apply(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t item;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (body_int(r, "item_id", &item, &e))
		rc = case_apply(&r->ctx, item, json_object_get(r->json, "form"),
		    json_object_get(r->json, "materials"), &out, &e);
	reply(w, rc, 201, out, &e);
}

static void
post_walkin(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t item;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (body_int(r, "item_id", &item, &e))
		rc = case_register_walkin(&r->ctx, item,
		    json_object_get(r->json, "applicant"),
		    json_object_get(r->json, "form"),
		    json_object_get(r->json, "materials"), &out, &e);
	reply(w, rc, 201, out, &e);
}

static void
get_cases(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (query_int(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		rc = case_list_mine(&r->ctx, http_query(r, "cursor"),
		    (int)limit, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
get_lookup(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (query_int(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		rc = case_lookup(&r->ctx, http_query(r, "no"),
		    http_query(r, "idno"), http_query(r, "cursor"),
		    (int)limit, &out, &e);
	reply(w, rc, 200, out, &e);
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
	if (query_int(r, "limit", LIMIT_PAGE_MAX, &limit, &e) &&
	    query_int(r, "item_id", INT64_MAX, &q.item_id, &e)) {
		q.limit = (int)limit;
		rc = case_inbox(&r->ctx, &q, &out, &e);
	}
	reply(w, rc, 200, out, &e);
}

static void
get_case(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	id = case_id(r, &e);
	if (id > 0)
		rc = case_get(&r->ctx, id, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
get_timeline(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	id = case_id(r, &e);
	if (id > 0)
		rc = case_timeline(&r->ctx, id, &out, &e);
	reply(w, rc, 200, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "mode", &in.mode, &e) &&
	    body_str(r, "supplement_due", &in.supplement_due, &e) &&
	    body_str(r, "commitment_text", &in.commitment_text, &e) &&
	    body_bool(r, "approve", &in.approve, &e) &&
	    body_str(r, "deliver_method", &in.deliver_method, &e) &&
	    body_str(r, "tracking_no", &in.tracking_no, &e) &&
	    body_int(r, "version", &in.version, &e)) {
		in.missing = json_object_get(r->json, "missing");
		rc = case_accept(&r->ctx, id, &in, &out, &e);
	}
	reply(w, rc, 200, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "reason", &reason, &e) &&
	    body_int(r, "version", &version, &e))
		rc = case_reject(&r->ctx, id, reason, version, &out, &e);
	reply(w, rc, 200, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "note", &note, &e) &&
	    body_int(r, "version", &version, &e))
		rc = case_request_supplement(&r->ctx, id,
		    json_object_get(r->json, "items"), note, version, &out,
		    &e);
	reply(w, rc, 200, out, &e);
}

static void
post_supplement(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t id, version;
	struct err e;
	int rc = -1;

	err_clear(&e);
	id = case_id(r, &e);
	if (id > 0 && body_int(r, "version", &version, &e))
		rc = case_supplement(&r->ctx, id, json_object_get(r->json,
		    "materials"), version, &out, &e);
	reply(w, rc, 200, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "reason", &in.reason, &e) &&
	    body_str(r, "kind", &in.kind, &e) &&
	    body_int(r, "version", &in.version, &e)) {
		in.items = json_object_get(r->json, "items");
		rc = case_act(&r->ctx, id, http_param(r, "action"), &in, &out,
		    &e);
	}
	reply(w, rc, 200, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "method", &method, &e) &&
	    body_str(r, "tracking_no", &tracking, &e) &&
	    body_int(r, "version", &version, &e))
		rc = case_deliver(&r->ctx, id, method, tracking, version, &out,
		    &e);
	reply(w, rc, 200, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "purpose", &purpose, &e))
		rc = case_record_trip(&r->ctx, id, purpose, &out, &e);
	reply(w, rc, 201, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "kind", &kind, &e) &&
	    body_str(r, "reason", &reason, &e) &&
	    body_int(r, "version", &version, &e))
		rc = case_special_start(&r->ctx, id, kind, reason, version,
		    &out, &e);
	reply(w, rc, 200, out, &e);
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
	id = case_id(r, &e);
	if (id > 0 && body_str(r, "result", &result, &e) &&
	    body_int(r, "version", &version, &e))
		rc = case_special_end(&r->ctx, id, result, version, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
post_extension(struct http_req *r, struct http_resp *w)
{
	const char *reason;
	json_t *out = NULL;
	int64_t id, days;
	struct err e;
	int rc = -1;

	err_clear(&e);
	id = case_id(r, &e);
	if (id > 0 && body_int(r, "days", &days, &e) &&
	    body_str(r, "reason", &reason, &e))
		rc = case_extension_request(&r->ctx, id,
		    days > 10000 ? 10001 : (int)days, reason, &out, &e);
	reply(w, rc, 201, out, &e);
}

static void
extension_decide(struct http_req *r, struct http_resp *w, bool approve)
{
	const char *reason = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id = http_param_id(r, "id");
	int rc = -1;

	err_clear(&e);
	if (id <= 0)
		err_set(&e, ERR_NOT_FOUND, NULL, "延期申请不存在");
	else if (r->json == NULL || body_str(r, "reason", &reason, &e))
		rc = case_extension_decide(&r->ctx, id, approve, reason, &out,
		    &e);
	reply(w, rc, 200, out, &e);
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
	if (query_int(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		rc = case_check_list(&r->ctx, http_query(r, "status"),
		    http_query(r, "cursor"), (int)limit, &out, &e);
	reply(w, rc, 200, out, &e);
}

static void
post_check_result(struct http_req *r, struct http_resp *w)
{
	const char *status, *result;
	json_t *out = NULL;
	struct err e;
	int64_t id = http_param_id(r, "id");
	int rc = -1;

	err_clear(&e);
	if (id <= 0) {
		err_set(&e, ERR_NOT_FOUND, NULL, "核查任务不存在");
	} else if (body_str(r, "status", &status, &e) &&
	    body_str(r, "result", &result, &e)) {
		if (status == NULL || (strcmp(status, "passed") != 0 &&
		    strcmp(status, "false") != 0))
			err_field(&e, ERR_INVALID, "status", NULL,
			    "核查结论须为 passed 或 false");
		else
			rc = case_check_result(&r->ctx, id,
			    strcmp(status, "passed") == 0, result, &out, &e);
	}
	reply(w, rc, 200, out, &e);
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
