/* seals.c - approval seals (审批专用章) over HTTP.
 *
 *   GET /api/departments/:id/seal          the active seal (public key, custodian)
 *   GET /api/departments/:id/seal/ledger?before=&limit=
 *                                          every document it sealed, newest first */
#include "http/http.h"

#include "service/records/records.h"

static void
get_seal(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (seal_get(r->ctx, http_param_id(r, "id"), &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_ledger(struct http_req *r, struct http_resp *w)
{
	int64_t before, limit;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_query_uint(r, "before", INT64_MAX, &before, &e) ||
	    !http_query_uint(r, "limit", INT64_MAX, &limit, &e) ||
	    seal_ledger(r->ctx, http_param_id(r, "id"), before,
	    (int)(limit > 1000 ? 1000 : limit), &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

const struct route api_seals_routes[] = {
	{ "GET", "/api/departments/:id/seal", get_seal, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/departments/:id/seal/ledger", get_ledger, ACCESS_LOGIN,
	    0 },
	{ NULL, NULL, NULL, 0, 0 },
};
