/* realname.c - real-name levels (实名等级, service/account/realname.c).
 *
 * The applicant's own account:
 *   GET  /api/me/realname -> {level, method, verified_at, sms_mobile_masked,
 *        provincial}
 *   POST /api/me/realname/sms -> 202 {mobile_masked, ttl_seconds}
 *   POST /api/me/realname/sms/confirm {code} -> 200 {level: "verified"}
 *   POST /api/me/realname/provincial -> 200 {level: "verified"}
 * The window (clerks, with the holder's ID card in hand):
 *   GET  /api/realname/lookup?idno= -> {idno_masked, kind, account|null}
 *   POST /api/realname/confirm {idno, mobile} -> 200 {level: "verified"}
 *   POST /api/realname/reclaim {idno, name, mobile} -> 200 {user_id,
 *        reclaimed, mobile_masked} */
#include "http/http.h"

#include "service/account/account.h"

#define REALNAME_BODY_MAX 1024 /* a few short strings */

static void
verified(struct http_resp *w)
{
	http_json(w, 200, json_pack("{s:s}", "level", "verified"));
}

static void
get_status(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (realname_status(r->ctx, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
post_sms(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (realname_sms_request(r->ctx, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 202, out);
}

static void
post_sms_confirm(struct http_req *r, struct http_resp *w)
{
	const char *code;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "code", HTTP_BODY_STRICT, &code, &e) ||
	    realname_sms_confirm(r->ctx, code, &e) != 0) {
		http_error(w, &e);
		return;
	}
	verified(w);
}

static void
post_provincial(struct http_req *r, struct http_resp *w)
{
	struct err e;

	err_clear(&e);
	if (realname_provincial(r->ctx, &e) != 0) {
		http_error(w, &e);
		return;
	}
	verified(w);
}

static void
get_lookup(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (realname_window_lookup(r->ctx, http_query(r, "idno"), &out,
	    &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
post_confirm(struct http_req *r, struct http_resp *w)
{
	const char *idno, *mobile;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "idno", HTTP_BODY_STRICT, &idno, &e) ||
	    !http_body_str(r, "mobile", HTTP_BODY_STRICT, &mobile, &e) ||
	    realname_window_confirm(r->ctx, idno, mobile, &e) != 0) {
		http_error(w, &e);
		return;
	}
	verified(w);
}

static void
post_reclaim(struct http_req *r, struct http_resp *w)
{
	const char *idno, *name, *mobile;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "idno", HTTP_BODY_STRICT, &idno, &e) ||
	    !http_body_str(r, "name", HTTP_BODY_STRICT, &name, &e) ||
	    !http_body_str(r, "mobile", HTTP_BODY_STRICT, &mobile, &e) ||
	    realname_window_reclaim(r->ctx, idno, name, mobile, &out,
	    &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

const struct route api_realname_routes[] = {
	{ "GET", "/api/me/realname", get_status, ROLE_APPLICANT, 0 },
	{ "POST", "/api/me/realname/sms", post_sms, ROLE_APPLICANT,
	    REALNAME_BODY_MAX },
	{ "POST", "/api/me/realname/sms/confirm", post_sms_confirm,
	    ROLE_APPLICANT, REALNAME_BODY_MAX },
	{ "POST", "/api/me/realname/provincial", post_provincial,
	    ROLE_APPLICANT, REALNAME_BODY_MAX },
	{ "GET", "/api/realname/lookup", get_lookup, ROLE_CLERK, 0 },
	{ "POST", "/api/realname/confirm", post_confirm, ROLE_CLERK,
	    REALNAME_BODY_MAX },
	{ "POST", "/api/realname/reclaim", post_reclaim, ROLE_CLERK,
	    REALNAME_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
