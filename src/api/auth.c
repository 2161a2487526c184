/* auth.c - registration, login, logout and "me".
 *
 *   POST /api/auth/register {kind, idno, name, mobile, password} -> 201
 *        {message}: the same answer whether or not the number was taken
 *        (auth_register_public); the account starts unverified (实名)
 *   POST /api/auth/login {login, password, client?} -> 200 {user, csrf_token}
 *        + session cookie, or with client "api" {user, token, csrf_token}
 *   POST /api/auth/logout -> 204
 *   GET  /api/me -> 200 {user, csrf_token} */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "base/config.h"
#include "service/account/account.h"

#define AUTH_BODY_MAX 4096 /* a few short strings */

static void
set_cookie(struct http_req *r, struct http_resp *w, const char *token)
{
	const struct config *cfg = ((const struct ctx *)r->ctx)->cfg;
	/* Secure whenever the public URL is https, or when told. */
	bool secure = cfg != NULL && (cfg->secure_cookies ||
	    (cfg->public_url != NULL &&
	    strncmp(cfg->public_url, "https://", 8) == 0));
	char v[160];

	if (token != NULL)
		snprintf(v, sizeof(v), "%s=%s; HttpOnly; SameSite=Strict; "
		    "Path=/%s", SESSION_COOKIE, token, secure ? "; Secure" : "");
	else
		snprintf(v, sizeof(v), "%s=; HttpOnly; SameSite=Strict; "
		    "Path=/; Max-Age=0%s", SESSION_COOKIE,
		    secure ? "; Secure" : "");
	http_add_header(r, w, "Set-Cookie", v);
}

static void
post_register(struct http_req *r, struct http_resp *w)
{
	const char *kind, *idno, *name, *mobile, *password;
	enum actor_kind k;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "kind", HTTP_BODY_STRICT, &kind, &e) ||
	    !http_body_str(r, "idno", HTTP_BODY_STRICT, &idno, &e) ||
	    !http_body_str(r, "name", HTTP_BODY_STRICT, &name, &e) ||
	    !http_body_str(r, "mobile", HTTP_BODY_STRICT, &mobile, &e) ||
	    !http_body_str(r, "password", HTTP_BODY_STRICT, &password, &e))
		goto fail;
	if (kind != NULL && strcmp(kind, "person") == 0)
		k = ACTOR_PERSON;
	else if (kind != NULL && strcmp(kind, "enterprise") == 0)
		k = ACTOR_ENTERPRISE;
	else
		k = ACTOR_NONE;
	if (auth_register_public(r->ctx, k, idno, name, mobile, password,
	    NULL, &e) != 0)
		goto fail;
	http_json(w, 201, json_pack("{s:s}", "message",
	    "注册成功，请登录后完成实名核验"));
	return;
fail:
	http_error(w, &e);
}

static void
post_login(struct http_req *r, struct http_resp *w)
{
	const char *login, *password, *client;
	struct auth_session s;
	json_t *user = NULL, *out;
	bool api;
	struct err e;

	err_clear(&e);
	if (!http_body_str(r, "login", HTTP_BODY_STRICT, &login, &e) ||
	    !http_body_str(r, "password", HTTP_BODY_STRICT, &password, &e) ||
	    !http_body_str(r, "client", HTTP_BODY_STRICT, &client, &e))
		goto fail;
	if (client != NULL && strcmp(client, "api") != 0 &&
	    strcmp(client, "browser") != 0) {
		err_field(&e, ERR_INVALID, "client", NULL,
		    "client 只能为 api 或 browser");
		goto fail;
	}
	api = client != NULL && strcmp(client, "api") == 0;
	if (auth_login(r->ctx, login, password, http_header(r, "User-Agent"),
	    &s, &user, &e) != 0)
		goto fail;
	if (api) {
		out = json_pack("{s:o, s:s, s:s}", "user", user, "token",
		    s.token, "csrf_token", s.csrf);
	} else {
		out = json_pack("{s:o, s:s}", "user", user, "csrf_token",
		    s.csrf);
		set_cookie(r, w, s.token);
	}
	memset(&s, 0, sizeof(s));
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
post_logout(struct http_req *r, struct http_resp *w)
{
	struct err e;

	err_clear(&e);
	if (auth_logout(r->ctx, r->session_hash, &e) != 0) {
		http_error(w, &e);
		return;
	}
	if (r->via_cookie)
		set_cookie(r, w, NULL);
	w->status = 204;
}

static void
get_me(struct http_req *r, struct http_resp *w)
{
	char csrf[AUTH_HASH_HEX + 1];
	json_t *user = NULL;
	struct err e;

	err_clear(&e);
	if (user_get_me(r->ctx, &user, &e) != 0 ||
	    session_csrf(r->ctx, r->session_hash, csrf, &e) != 0) {
		json_decref(user);
		http_error(w, &e);
		return;
	}
	/* A window clerk's pages talk to the devices on the clerk's machine. */
	if (json_integer_value(json_object_get(user, "window_id")) > 0 &&
	    config_str("devices.url")[0] != '\0')
		json_object_set_new(user, "devices_url",
		    json_string(config_str("devices.url")));
	http_json(w, 200, json_pack("{s:o, s:s}", "user", user, "csrf_token",
	    csrf));
}

const struct route api_auth_routes[] = {
	{ "POST", "/api/auth/register", post_register, ACCESS_PUBLIC,
	    AUTH_BODY_MAX },
	{ "POST", "/api/auth/login", post_login, ACCESS_PUBLIC, AUTH_BODY_MAX },
	{ "POST", "/api/auth/logout", post_logout, ACCESS_LOGIN,
	    AUTH_BODY_MAX },
	{ "GET", "/api/me", get_me, ACCESS_LOGIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
