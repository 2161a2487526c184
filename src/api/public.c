/* public.c - what anyone may ask without an account.
 *
 *   POST /api/public/progress {no, mobile?, name?} -> 200 {case_no, item_name,
 *        dept_name, applicant_name_masked, state, state_label, step, finished,
 *        submitted_at, accepted_day, due_day, supplement_due, decision,
 *        closed_at, events}   (办件进度查询; POST keeps the mobile number out
 *        of URLs and logs; 404 for an unknown case or a wrong pair, 429)
 *   POST /api/auth/reset/request {login, mobile} -> 202 (the same answer
 *        whether or not they matched)
 *   POST /api/auth/reset/confirm {login, code, password} -> 204 */
#include "http/http.h"

#include "app.h"
#include "service/account/account.h"
#include "service/case/case.h"

#define PUBLIC_BODY_MAX 2048 /* a few short strings */

static void
post_progress(struct http_req *r, struct http_resp *w)
{
	const char *no, *mobile, *name;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "no", HTTP_BODY_STRICT, &no, &e) ||
	    !http_body_str(r, "mobile", HTTP_BODY_STRICT, &mobile, &e) ||
	    !http_body_str(r, "name", HTTP_BODY_STRICT, &name, &e) ||
	    case_progress_public(r->ctx, no, mobile, name, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
post_reset_request(struct http_req *r, struct http_resp *w)
{
	const char *login, *mobile;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "login", HTTP_BODY_STRICT, &login, &e) ||
	    !http_body_str(r, "mobile", HTTP_BODY_STRICT, &mobile, &e) ||
	    auth_reset_request(r->ctx, login, mobile, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 202, json_pack("{s:s}", "message",
	    "如果账号与手机号码相符，验证码已发送到该手机，10分钟内有效"));
}

static void
post_reset_confirm(struct http_req *r, struct http_resp *w)
{
	const char *login, *code, *password;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "login", HTTP_BODY_STRICT, &login, &e) ||
	    !http_body_str(r, "code", HTTP_BODY_STRICT, &code, &e) ||
	    !http_body_str(r, "password", HTTP_BODY_STRICT, &password, &e) ||
	    auth_reset_confirm(r->ctx, login, code, password, &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 204;
}

const struct route api_public_routes[] = {
	{ "POST", "/api/public/progress", post_progress, ACCESS_PUBLIC,
	    PUBLIC_BODY_MAX },
	{ "POST", "/api/auth/reset/request", post_reset_request, ACCESS_PUBLIC,
	    PUBLIC_BODY_MAX },
	{ "POST", "/api/auth/reset/confirm", post_reset_confirm, ACCESS_PUBLIC,
	    PUBLIC_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
