/* app.c - the service layer's side of the transport's interface
 * (struct http_hooks): the per-request service context, session
 * resolution and readiness. http/ knows none of these types. */
#include "app.h"

#include <string.h>

#include "http/http.h"
#include "service/account/account.h"
#include "store/db.h"

/* The context handed to handlers as r->ctx, with the actor it points at. */
struct app_req_ctx {
	struct ctx ctx;
	struct actor actor;
};

static void *
hook_ctx_new(void *cls, struct http_req *r)
{
	struct app *app = cls;
	struct app_req_ctx *c = arena_alloc(&r->arena, sizeof(*c));

	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->actor.kind = ACTOR_NONE;
	c->ctx.db = app->db;
	c->ctx.cfg = &app->cfg;
	c->ctx.actor = &c->actor;
	c->ctx.client_ip = r->client_ip;
	c->ctx.request_id = r->request_id;
	c->ctx.arena = &r->arena;
	return c;
}

static int
hook_resolve(void *cls, void *ctx, const char *token,
    struct http_identity *id, struct err *e)
{
	struct app_req_ctx *c = ctx;
	struct session_info si;
	int rc;

	(void)cls;
	memset(id, 0, sizeof(*id));
	rc = session_resolve(&c->ctx, token, &si, e);
	if (rc != 0)
		return rc;
	c->actor = si.actor;
	id->authenticated = si.actor.kind != ACTOR_NONE;
	id->roles = si.actor.roles;
	id->user_id = si.actor.user_id;
	memcpy(id->token_hash, si.token_hash, sizeof(id->token_hash));
	memcpy(id->csrf, si.csrf, sizeof(id->csrf));
	id->token_hash[sizeof(id->token_hash) - 1] = '\0';
	id->csrf[sizeof(id->csrf) - 1] = '\0';
	return 0;
}

static void
hook_anonymous(void *cls, void *ctx)
{
	struct app_req_ctx *c = ctx;

	(void)cls;
	memset(&c->actor, 0, sizeof(c->actor));
	c->actor.kind = ACTOR_NONE;
}

/* A route that may be answered from the standby: its statements go to
 * db.read_url from here on (the session was resolved on the primary). */
static void
hook_use_standby(void *cls, void *ctx)
{
	struct app *app = cls;
	struct app_req_ctx *c = ctx;

	if (app->db_read != NULL)
		c->ctx.db = app->db_read;
}

static bool
hook_ready(void *cls)
{
	struct app *app = cls;

	return app->db != NULL && db_ping(app->db);
}

void
app_http_hooks(struct app *app, struct http_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->cls = app;
	h->session_cookie = SESSION_COOKIE;
	h->csrf_header = SESSION_CSRF_HEADER;
	h->ctx_new = hook_ctx_new;
	h->resolve = hook_resolve;
	h->anonymous = hook_anonymous;
	h->use_standby = hook_use_standby;
	h->ready = hook_ready;
}
