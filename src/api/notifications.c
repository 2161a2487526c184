/* notifications.c - the in-app inbox of the logged-in account.
 *
 *   GET  /api/notifications?cursor=&limit= -> {items:[{id, case_id, kind,
 *        title, body, created_at, read, read_at}], unread, next_cursor}
 *        (unread first, newest first)
 *   POST /api/notifications/:id/read -> 204
 *   POST /api/notifications/read-all -> {marked: N, unread: 0} */
#include "http/http.h"

#include <stdio.h>

#include "base/limits.h"
#include "service/platform/platform.h"

static void
get_notifications(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t limit;
	char msg[64];
	struct err e;

	err_clear(&e);
	snprintf(msg, sizeof(msg), "参数 limit 应为 1 至 %d 的整数",
	    LIMIT_PAGE_MAX);
	if (!http_query_int(r, "limit", 1, LIMIT_PAGE_MAX, false, msg, &limit,
	    &e))
		goto fail;
	if (notify_list(r->ctx, http_query(r, "cursor"), (int)limit, &out,
	    &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
post_read(struct http_req *r, struct http_resp *w)
{
	struct err e;

	err_clear(&e);
	if (notify_mark_read(r->ctx, http_param_id(r, "id"), &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 204;
}

static void
post_read_all(struct http_req *r, struct http_resp *w)
{
	int64_t n = 0;
	struct err e;
	int rc;

	err_clear(&e);
	rc = notify_mark_all_read(r->ctx, &n, &e);
	http_reply(w, rc, 200, rc == 0 ? json_pack("{s:I, s:i}", "marked",
	    (json_int_t)n, "unread", 0) : NULL, &e);
}

const struct route api_notifications_routes[] = {
	{ "GET", "/api/notifications", get_notifications, ACCESS_LOGIN, 0 },
	{ "POST", "/api/notifications/read-all", post_read_all, ACCESS_LOGIN,
	    1024 },
	{ "POST", "/api/notifications/:id/read", post_read, ACCESS_LOGIN,
	    1024 },
	{ NULL, NULL, NULL, 0, 0 },
};
