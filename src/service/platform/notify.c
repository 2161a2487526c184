/* notify.c - the in-app inbox and the SMS outbox. */
#include "service/platform/platform.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/jsonw.h"
#include "base/limits.h"
#include "store/db.h"

#define SMS_SIGNATURE "【白河县政务服务】"

int
notify_user(struct ctx *c, int64_t user_id, int64_t case_id,
    const char *kind, const char *title, const char *body, struct err *e)
{
	if (!db_in_tx(c->db))
		return err_internal(e, "notify_user outside a transaction");
	if (user_id <= 0)
		return 0;
	return db_exec(c->db, e, "INSERT INTO notifications (user_id, case_id, "
	    "kind, title, body, created_at) VALUES (?, "
	    "NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?)", "iisssi", user_id, case_id, kind, title,
	    body != NULL ? body : "", clock_now());
}

int
notify_sms(struct ctx *c, const char *mobile, int64_t case_id,
    const char *kind, const char *text, struct err *e)
{
	struct buf payload;
	int64_t now = clock_now();
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "notify_sms outside a transaction");
	if (mobile == NULL || mobile[0] == '\0')
		return 0;
	/* {"text":…,"kind":…,"case_id":…}, the bytes json_dumps gave, written
	 * straight (this runs under the writer's lock, once per message). */
	buf_init(&payload, 0);
	rc = kind != NULL ? buf_puts(&payload, "{\"text\":\"" SMS_SIGNATURE) :
	    -ERR_INVALID;
	if (rc == 0)
		rc = jsonw_chars(&payload, text, strlen(text));
	if (rc == 0)
		rc = buf_puts(&payload, "\",\"kind\":");
	if (rc == 0)
		rc = jsonw_string(&payload, kind, strlen(kind));
	if (rc == 0)
		rc = buf_puts(&payload, ",\"case_id\":");
	if (rc == 0)
		rc = jsonw_int(&payload, case_id);
	if (rc == 0)
		rc = buf_putc(&payload, '}');
	if (rc != 0) {
		buf_release(&payload);
		return err_internal(e, "notify_sms: cannot encode payload");
	}
	rc = db_exec(c->db, e, "INSERT INTO outbox (kind, recipient, payload, "
	    "created_at, next_attempt_at) VALUES ('sms', ?, ?, ?, ?)", "ssii",
	    mobile, payload.data, now, now);
	buf_release(&payload);
	return rc;
}

int
notify_user_sms(struct ctx *c, int64_t user_id, int64_t case_id,
    const char *kind, const char *title, const char *body, struct err *e)
{
	char mobile[64] = "";
	struct db_stmt *s;
	int rc;

	rc = notify_user(c, user_id, case_id, kind, title, body, e);
	if (rc != 0 || user_id <= 0)
		return rc;
	s = db_query(c->db, e, "SELECT mobile FROM users WHERE id = ?", "i",
	    user_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		snprintf(mobile, sizeof(mobile), "%s", db_col_text(s, 0));
	db_finish(s);
	if (rc < 0)
		return rc;
	return notify_sms(c, mobile, case_id, kind, body, e);
}

int
notify_dept_admins(struct ctx *c, int64_t dept_id, int64_t skip_user,
    int64_t case_id, const char *kind, const char *title, const char *body,
    int *count, struct err *e)
{
	int64_t ids[64];
	struct db_stmt *s;
	size_t n = 0;
	int rc;

	if (count != NULL)
		*count = 0;
	/* A department has a handful of administrators; 64 is plenty. */
	s = db_query(c->db, e, "SELECT id FROM users WHERE kind = 'S' AND "
	    "dept_id = ? AND (roles & ?) <> 0 AND disabled = 0 ORDER BY id "
	    "LIMIT 64", "ii", dept_id, (int64_t)ROLE_DEPT_ADMIN);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW)
		ids[n++] = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == skip_user)
			continue;
		rc = notify_user_sms(c, ids[i], case_id, kind, title, body, e);
		if (rc != 0)
			return rc;
		if (count != NULL)
			(*count)++;
	}
	return 0;
}

/* ---- the inbox ---- */

/* Cursor "u<id>" (still in the unread part) or "r<id>". */
static int
parse_cursor(const char *s, bool *read, int64_t *after, struct err *e)
{
	char *end;
	long long v;

	*read = false;
	*after = INT64_MAX;
	if (s == NULL || s[0] == '\0')
		return 0;
	if ((s[0] != 'u' && s[0] != 'r') || s[1] < '0' || s[1] > '9')
		goto bad;
	errno = 0;
	v = strtoll(s + 1, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		goto bad;
	*read = s[0] == 'r';
	*after = (int64_t)v;
	return 0;
bad:
	return err_field(e, ERR_INVALID, "cursor", "bad_cursor",
	    "分页参数 cursor 无效");
}

/* Appends up to want rows of one group to items. */
static int
fetch_group(struct ctx *c, bool read, int64_t after, int want, json_t *items,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	if (read)
		s = db_query(c->db, e, "SELECT id, case_id, kind, title, body, "
		    "created_at, read_at FROM notifications WHERE user_id = ? "
		    "AND read_at IS NOT NULL AND id < ? ORDER BY id DESC "
		    "LIMIT ?", "iiI", c->actor->user_id, after, want);
	else
		s = db_query(c->db, e, "SELECT id, case_id, kind, title, body, "
		    "created_at, read_at FROM notifications WHERE user_id = ? "
		    "AND read_at IS NULL AND id < ? ORDER BY id DESC LIMIT ?",
		    "iiI", c->actor->user_id, after, want);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		json_t *o = json_pack("{s:I, s:o, s:s, s:s, s:s, s:I, s:b, s:o}",
		    "id", (json_int_t)db_col_int(s, 0),
		    "case_id", db_col_is_null(s, 1) ? json_null() :
		    json_integer(db_col_int(s, 1)),
		    "kind", db_col_text(s, 2),
		    "title", db_col_text(s, 3),
		    "body", db_col_text(s, 4),
		    "created_at", (json_int_t)db_col_int(s, 5),
		    "read", !db_col_is_null(s, 6),
		    "read_at", db_col_is_null(s, 6) ? json_null() :
		    json_integer(db_col_int(s, 6)));

		if (o == NULL || json_array_append_new(items, o) != 0) {
			db_finish(s);
			return err_internal(e, "notify_list: out of memory");
		}
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

int
notify_list(struct ctx *c, const char *cursor, int limit, json_t **out,
    struct err *e)
{
	json_t *items = NULL, *last;
	int64_t after, unread = 0;
	char next[32];
	bool read;
	size_t n;
	int rc;

	*out = NULL;
	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	rc = parse_cursor(cursor, &read, &after, e);
	if (rc != 0)
		return rc;
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	items = json_array();
	if (items == NULL)
		return err_internal(e, "notify_list: out of memory");
	/* One row more than asked tells whether there is a next page. */
	if (!read) {
		rc = fetch_group(c, false, after, limit + 1, items, e);
		if (rc != 0)
			goto fail;
		after = INT64_MAX;
	}
	n = json_array_size(items);
	if ((int)n < limit + 1) {
		rc = fetch_group(c, true, after, limit + 1 - (int)n, items, e);
		if (rc != 0)
			goto fail;
	}
	next[0] = '\0';
	if (json_array_size(items) > (size_t)limit) {
		json_array_remove(items, (size_t)limit);
		last = json_array_get(items, (size_t)limit - 1);
		snprintf(next, sizeof(next), "%c%" PRId64,
		    json_is_true(json_object_get(last, "read")) ? 'r' : 'u',
		    (int64_t)json_integer_value(json_object_get(last, "id")));
	}
	rc = db_query_int(c->db, e, &unread, "SELECT count(*) FROM "
	    "notifications WHERE user_id = ? AND read_at IS NULL", "i",
	    c->actor->user_id);
	if (rc < 0)
		goto fail;
	*out = json_pack("{s:o, s:I, s:o}", "items", items, "unread",
	    (json_int_t)unread, "next_cursor", next[0] != '\0' ?
	    json_string(next) : json_null());
	if (*out == NULL)
		return err_internal(e, "notify_list: out of memory");
	return 0;
fail:
	json_decref(items);
	return rc;
}

struct read_tx {
	struct ctx *c;
	int64_t id;
};

static int
read_fn(struct db *db, void *arg, struct err *e)
{
	struct read_tx *t = arg;
	int64_t n = 0;
	char idbuf[24];
	int rc;

	rc = db_exec(db, e, "UPDATE notifications SET read_at = ? WHERE id = ? "
	    "AND user_id = ? AND read_at IS NULL", "iii", clock_now(), t->id,
	    t->c->actor->user_id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0) {
		rc = db_query_int(db, e, &n, "SELECT count(*) FROM notifications "
		    "WHERE id = ? AND user_id = ?", "ii", t->id,
		    t->c->actor->user_id);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_set(e, ERR_NOT_FOUND, "notification_not_found",
			    "通知不存在");
		return 0; /* already read */
	}
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	return audit_append(t->c, "notification.read", "notification", idbuf,
	    NULL, e);
}

int
notify_mark_read(struct ctx *c, int64_t id, struct err *e)
{
	struct read_tx t = { c, id };

	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (id <= 0)
		return err_set(e, ERR_NOT_FOUND, "notification_not_found",
		    "通知不存在");
	return db_tx(c->db, read_fn, &t, e);
}

struct read_all_tx {
	struct ctx *c;
	int64_t count;
};

static int
read_all_fn(struct db *db, void *arg, struct err *e)
{
	struct read_all_tx *t = arg;
	char idbuf[24];
	json_t *sum;
	int rc;

	t->count = 0;
	rc = db_exec(db, e, "UPDATE notifications SET read_at = ? WHERE "
	    "user_id = ? AND read_at IS NULL", "ii", clock_now(),
	    t->c->actor->user_id);
	if (rc != 0)
		return rc;
	t->count = db_last_changes(db);
	if (t->count == 0)
		return 0;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->c->actor->user_id);
	sum = json_pack("{s:I}", "count", (json_int_t)t->count);
	rc = audit_append(t->c, "notification.read_all", "user", idbuf, sum,
	    e);
	json_decref(sum);
	return rc;
}

int
notify_mark_all_read(struct ctx *c, int64_t *count, struct err *e)
{
	struct read_all_tx t = { c, 0 };
	int rc;

	if (count != NULL)
		*count = 0;
	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	rc = db_tx(c->db, read_all_fn, &t, e);
	if (rc == 0 && count != NULL)
		*count = t.count;
	return rc;
}

/* ---- the actor's channels ---- */

int
notify_prefs_get(struct ctx *c, json_t **out, struct err *e)
{
	struct db_stmt *s;
	char masked[32] = "";
	int64_t sms = 1;
	int rc;

	*out = NULL;
	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	s = db_query(c->db, e, "SELECT notify_sms, mobile FROM users WHERE "
	    "id = ?", "i", c->actor->user_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		const char *m = db_col_text(s, 1);

		sms = db_col_int(s, 0);
		if (strlen(m) == 11)
			snprintf(masked, sizeof(masked), "%.3s****%.4s", m,
			    m + 7);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:b, s:b, s:s}", "in_app", 1, "sms", sms != 0,
	    "mobile_masked", masked);
	return 0;
}

struct prefs_tx {
	struct ctx *c;
	bool sms;
};

static int
prefs_fn(struct db *db, void *arg, struct err *e)
{
	struct prefs_tx *t = arg;
	char idbuf[24];
	json_t *sum;
	int rc;

	rc = db_exec(db, e, "UPDATE users SET notify_sms = ? WHERE id = ?",
	    "ii", (int64_t)(t->sms ? 1 : 0), t->c->actor->user_id);
	if (rc != 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->c->actor->user_id);
	sum = json_pack("{s:b}", "sms", t->sms);
	rc = audit_append(t->c, "notification.prefs", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
notify_prefs_set(struct ctx *c, bool sms, json_t **out, struct err *e)
{
	struct prefs_tx t = { c, sms };
	int rc;

	*out = NULL;
	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	rc = db_tx(c->db, prefs_fn, &t, e);
	return rc != 0 ? rc : notify_prefs_get(c, out, e);
}
