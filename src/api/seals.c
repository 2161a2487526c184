/* seals.c - approval seals (审批专用章) over HTTP.
 *
 *   GET /api/departments/:id/seal          the active seal (public key, custodian)
 *   GET /api/departments/:id/seal/ledger?before=&limit=
 *                                          every document it sealed, newest first */
#include "http/http.h"

#include <errno.h>
#include <stdlib.h>

#include "service/seals.h"

/* A non-negative integer query argument; false (e filled) when malformed. */
static bool
query_int(struct http_req *r, const char *name, int64_t *out, struct err *e)
{
	const char *v = http_query(r, name);
	char *end;
	long long n;

	*out = 0;
	if (v == NULL || v[0] == '\0')
		return true;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || v[0] < '0' || v[0] > '9' || n < 0) {
		err_field(e, ERR_INVALID, name, NULL, "参数 %s 须为非负整数",
		    name);
		return false;
	}
	*out = (int64_t)n;
	return true;
}

static void
get_seal(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (seal_get(&r->ctx, http_param_id(r, "id"), &out, &e) != 0) {
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
	if (!query_int(r, "before", &before, &e) ||
	    !query_int(r, "limit", &limit, &e) ||
	    seal_ledger(&r->ctx, http_param_id(r, "id"), before,
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
