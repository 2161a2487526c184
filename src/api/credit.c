/* credit.c - the applicant's credit records and 信用修复 over HTTP.
 *
 *   GET  /api/credit?idno=&status=active|cleared|all
 *   POST /api/credit/:id/clear {reason}   (hall admin: 信用修复)
 */
#include "http/http.h"

#include "service/case/case.h"

static void
get_credit(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = case_credit_list(r->ctx, http_query(r, "idno"),
	    http_query(r, "status"), &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_clear(struct http_req *r, struct http_resp *w)
{
	const char *reason = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -1;

	err_clear(&e);
	if (http_path_id(r, "id", NULL, "信用记录不存在", &id, &e) &&
	    http_body_str(r, "reason", HTTP_BODY_STRICT, &reason, &e))
		rc = case_credit_clear(r->ctx, id, reason, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

const struct route api_credit_routes[] = {
	{ "GET", "/api/credit", get_credit, ROLE_STAFF_ANY, 0 },
	{ "POST", "/api/credit/:id/clear", post_clear, ROLE_HALL_ADMIN,
	    16 * 1024 },
	{ NULL, NULL, NULL, 0, 0 },
};
