/* health.c - liveness and readiness probes for load balancers. */
#include "http/http.h"

static const char HEALTH_OK[] = "{\"status\":\"ok\"}";

/* Liveness: the process answers. Never touches the database, and costs no
 * allocation beyond the response itself. */
static void
get_healthz(struct http_req *r, struct http_resp *w)
{
	(void)r;
	http_bytes(w, 200, "application/json; charset=utf-8",
	    (void *)HEALTH_OK, sizeof(HEALTH_OK) - 1, false);
}

/* Readiness: the database answers a round trip. */
static void
get_readyz(struct http_req *r, struct http_resp *w)
{
	struct err e;

	if (http_ready(r)) {
		http_json(w, 200, json_pack("{s:s}", "status", "ready"));
		return;
	}
	err_set(&e, ERR_BUSY, "db_unavailable", "数据库暂时不可用，请稍后重试");
	http_error(w, &e);
}

const struct route api_health_routes[] = {
	{ "GET", "/healthz", get_healthz, ACCESS_PUBLIC, 0 },
	{ "GET", "/readyz", get_readyz, ACCESS_PUBLIC, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
