/* messages.c - the applicant's messages (消息通知): the hall's templates
 * and each account's channels.
 *
 *   GET    /api/message-templates (hall_admin) -> {items:[{kind, label,
 *          title, body, sms, edited, default}], placeholders, sms_chars}
 *   PUT    /api/message-templates/:kind {title, body, sms} -> as GET
 *   DELETE /api/message-templates/:kind -> as GET (the default again)
 *   GET    /api/notifications/prefs -> {in_app, sms, mobile_masked}
 *   PUT    /api/notifications/prefs {sms} -> as GET */
#include "http/http.h"

#include "service/case/case.h"
#include "service/platform/platform.h"

#define MESSAGES_BODY_MAX 8192

static void
get_templates(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = case_messages_list(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_template(struct http_req *r, struct http_resp *w)
{
	const char *title, *body, *sms;
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_str(r, "title", HTTP_BODY_REQUIRED, &title, &e) ||
	    !http_body_str(r, "body", HTTP_BODY_REQUIRED, &body, &e) ||
	    !http_body_str(r, "sms", 0, &sms, &e)) {
		http_error(w, &e);
		return;
	}
	rc = case_message_set(r->ctx, http_param(r, "kind"), title, body,
	    sms != NULL ? sms : "", &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
delete_template(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = case_message_set(r->ctx, http_param(r, "kind"), NULL, NULL, NULL,
	    &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_prefs(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = notify_prefs_get(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_prefs(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	bool sms;
	int rc;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_bool(r, "sms", HTTP_BODY_REQUIRED, &sms, &e)) {
		http_error(w, &e);
		return;
	}
	rc = notify_prefs_set(r->ctx, sms, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

const struct route api_messages_routes[] = {
	{ "GET", "/api/message-templates", get_templates,
	    ROLE_HALL_ADMIN | ROLE_SYSADMIN, 0 },
	{ "PUT", "/api/message-templates/:kind", put_template,
	    ROLE_HALL_ADMIN | ROLE_SYSADMIN, MESSAGES_BODY_MAX },
	{ "DELETE", "/api/message-templates/:kind", delete_template,
	    ROLE_HALL_ADMIN | ROLE_SYSADMIN, 0 },
	{ "GET", "/api/notifications/prefs", get_prefs, ACCESS_LOGIN, 0 },
	{ "PUT", "/api/notifications/prefs", put_prefs, ACCESS_LOGIN, 1024 },
	{ NULL, NULL, NULL, 0, 0 },
};
