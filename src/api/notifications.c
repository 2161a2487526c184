/* notifications.c - the in-app inbox of the logged-in account.
 *
 *   GET  /api/notifications?cursor=&limit= -> {items:[{id, case_id, kind,
 *        title, body, created_at, read, read_at}], unread, next_cursor}
 *        (unread first, newest first)
 *   POST /api/notifications/:id/read -> 204 */
#include "http/http.h"

#include <errno.h>
#include <stdlib.h>

#include "base/limits.h"
#include "service/notify.h"

static void
get_notifications(struct http_req *r, struct http_resp *w)
{
	const char *lim = http_query(r, "limit");
	json_t *out = NULL;
	struct err e;
	long limit = 0;
	char *end;

	err_clear(&e);
	if (lim != NULL && lim[0] != '\0') {
		errno = 0;
		limit = strtol(lim, &end, 10);
		if (errno != 0 || *end != '\0' || lim[0] < '0' || lim[0] > '9' ||
		    limit < 1 || limit > LIMIT_PAGE_MAX) {
			err_field(&e, ERR_INVALID, "limit", NULL,
			    "参数 limit 应为 1 至 %d 的整数", LIMIT_PAGE_MAX);
			goto fail;
		}
	}
	if (notify_list(&r->ctx, http_query(r, "cursor"), (int)limit, &out,
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
	if (notify_mark_read(&r->ctx, http_param_id(r, "id"), &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 204;
}

const struct route api_notifications_routes[] = {
	{ "GET", "/api/notifications", get_notifications, ACCESS_LOGIN, 0 },
	{ "POST", "/api/notifications/:id/read", post_read, ACCESS_LOGIN,
	    1024 },
	{ NULL, NULL, NULL, 0, 0 },
};
