/* outbox.c - the outbox of messages to other systems (platform.h). */
#include "service/platform/platform.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/limits.h"
#include "store/db.h"

#define OUTBOX_LOCK INT64_C(0x6f6e657472690223)

int
outbox_enqueue(struct ctx *c, const char *kind, const char *recipient,
    const char *idem_key, const json_t *payload, struct err *e)
{
	int64_t now = clock_now();
	char *text;
	int rc;

	text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL)
		return err_internal(e, "outbox: cannot encode payload");
	rc = db_exec(c->db, e, "INSERT INTO outbox (kind, recipient, payload, "
	    "created_at, next_attempt_at, idem_key) VALUES (?, ?, ?, ?, ?, ?)",
	    "sssiis", kind, recipient, text, now, now, idem_key);
	free(text);
	return rc;
}

void
outbox_msgs_free(struct outbox_msg *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].recipient);
		free(m[i].payload);
		free(m[i].idem_key);
		m[i].recipient = m[i].payload = m[i].idem_key = NULL;
	}
}

struct claim_tx {
	const char *kind;
	int lease_s;
	struct outbox_msg *m;
	size_t max, n;
	int64_t now;
};

static int
claim_fn(struct db *db, void *arg, struct err *e)
{
	struct claim_tx *t = arg;
	struct db_stmt *s;
	int rc;

	outbox_msgs_free(t->m, t->n); /* a retried transaction starts over */
	t->n = 0;
	rc = db_tx_lock(db, OUTBOX_LOCK, e);
	if (rc != 0)
		return rc;
	s = db_query(db, e, "SELECT id, kind, attempts, recipient, payload, "
	    "COALESCE(idem_key, '') FROM outbox WHERE delivered_at IS NULL "
	    "AND dead_at IS NULL AND next_attempt_at <= ? AND (CAST(? AS TEXT) "
	    "IS NULL OR kind = ?) ORDER BY next_attempt_at, id LIMIT ?", "issI",
	    t->now, t->kind, t->kind, (int)t->max);
	if (s == NULL)
		return err_rc(e);
	while (t->n < t->max && (rc = db_step(s, e)) == DB_ROW) {
		struct outbox_msg *m = &t->m[t->n];

		m->id = db_col_int(s, 0);
		snprintf(m->kind, sizeof(m->kind), "%s", db_col_text(s, 1));
		m->attempts = (int)db_col_int(s, 2) + 1;
		m->recipient = strdup(db_col_text(s, 3));
		m->payload = strdup(db_col_text(s, 4));
		m->idem_key = strdup(db_col_text(s, 5));
		t->n++;
		if (m->recipient == NULL || m->payload == NULL ||
		    m->idem_key == NULL) {
			db_finish(s);
			return err_internal(e, "outbox: out of memory");
		}
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < t->n; i++) {
		t->m[i].lease_end = t->now + t->lease_s;
		rc = db_exec(db, e, "UPDATE outbox SET attempts = ?, "
		    "next_attempt_at = ? WHERE id = ?", "Iii", t->m[i].attempts,
		    t->m[i].lease_end, t->m[i].id);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
outbox_claim(struct ctx *c, const char *kind, int lease_s,
    struct outbox_msg *m, size_t max, size_t *n, struct err *e)
{
	struct claim_tx t = { kind, lease_s, m, max, 0, clock_now() };
	int rc;

	if (max > OUTBOX_BATCH_MAX)
		t.max = OUTBOX_BATCH_MAX;
	memset(m, 0, sizeof(*m) * t.max);
	rc = db_tx(c->db, claim_fn, &t, e);
	if (rc != 0) {
		outbox_msgs_free(m, t.n);
		t.n = 0;
	}
	*n = t.n;
	return rc;
}

int64_t
outbox_backoff(int attempts)
{
	int64_t d = config_int("outbox.backoff_seconds");

	if (d < 1)
		d = 1;
	for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_MAX_S; i++)
		d *= 2;
	return d < OUTBOX_BACKOFF_MAX_S ? d : OUTBOX_BACKOFF_MAX_S;
}

struct mark_tx {
	const struct outbox_msg *m;
	const char *error;
	bool dead;
	int64_t now;
};

static int
mark_fn(struct db *db, void *arg, struct err *e)
{
	struct mark_tx *t = arg;

	if (t->error == NULL)
		return db_exec(db, e, "UPDATE outbox SET delivered_at = ?, "
		    "last_error = NULL WHERE id = ? AND delivered_at IS NULL",
		    "ii", t->now, t->m->id);
	t->dead = t->m->attempts >= config_int("outbox.max_attempts");
	if (t->dead)
		return db_exec(db, e, "UPDATE outbox SET last_error = ?, "
		    "dead_at = ? WHERE id = ? AND delivered_at IS NULL", "sii",
		    t->error, t->now, t->m->id);
	return db_exec(db, e, "UPDATE outbox SET last_error = ?, "
	    "next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL", "sii",
	    t->error, t->now + outbox_backoff(t->m->attempts), t->m->id);
}

int
outbox_mark(struct ctx *c, const struct outbox_msg *m, const char *error,
    bool *dead, struct err *e)
{
	struct mark_tx t = { m, error, false, clock_now() };
	int rc;

	rc = db_tx(c->db, mark_fn, &t, e);
	if (dead != NULL)
		*dead = rc == 0 && t.dead;
	return rc;
}

struct release_tx {
	const struct outbox_msg *m;
	size_t n;
	int64_t now;
};

static int
release_fn(struct db *db, void *arg, struct err *e)
{
	struct release_tx *t = arg;
	int rc;

	for (size_t i = 0; i < t->n; i++) {
		/* Still this claim's: not delivered, and the lease unchanged. */
		rc = db_exec(db, e, "UPDATE outbox SET attempts = ?, "
		    "next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL "
		    "AND dead_at IS NULL AND next_attempt_at = ?", "Iiii",
		    t->m[i].attempts - 1, t->now, t->m[i].id,
		    t->m[i].lease_end);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
outbox_release(struct ctx *c, const struct outbox_msg *m, size_t n,
    struct err *e)
{
	struct release_tx t = { m, n, clock_now() };

	if (n == 0)
		return 0;
	return db_tx(c->db, release_fn, &t, e);
}

static bool
may_admin(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_SYSTEM ||
	    actor_has(a, ROLE_SYSADMIN | ROLE_HALL_ADMIN));
}

static const char *
status_of(struct db_stmt *s, int delivered, int dead, int err)
{
	if (!db_col_is_null(s, delivered))
		return "delivered";
	if (!db_col_is_null(s, dead))
		return "dead";
	if (!db_col_is_null(s, err))
		return "failed";
	return "waiting";
}

static json_t *
int_or_null(struct db_stmt *s, int col)
{
	return db_col_is_null(s, col) ? json_null() :
	    json_integer(db_col_int(s, col));
}

static int
outbox_counts(struct ctx *c, json_t *out, struct err *e)
{
	json_t *total = json_pack("{s:i, s:i, s:i, s:i}", "waiting", 0,
	    "failed", 0, "dead", 0, "delivered", 0);
	json_t *kinds = json_object();
	struct db_stmt *s;
	int rc;

	json_object_set_new(out, "counts", total);
	json_object_set_new(out, "by_kind", kinds);
	s = db_query(c->db, e, "SELECT kind, CASE WHEN delivered_at IS NOT "
	    "NULL THEN 'delivered' WHEN dead_at IS NOT NULL THEN 'dead' WHEN "
	    "last_error IS NOT NULL THEN 'failed' ELSE 'waiting' END AS st, "
	    "COUNT(*) FROM outbox GROUP BY kind, st", "");
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *k = db_col_text(s, 0), *st = db_col_text(s, 1);
		json_int_t n = db_col_int(s, 2);
		json_t *o = json_object_get(kinds, k);

		if (o == NULL) {
			o = json_pack("{s:i, s:i, s:i, s:i}", "waiting", 0,
			    "failed", 0, "dead", 0, "delivered", 0);
			json_object_set_new(kinds, k, o);
		}
		json_object_set_new(o, st, json_integer(n));
		json_object_set_new(total, st, json_integer(n +
		    json_integer_value(json_object_get(total, st))));
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

int
outbox_status(struct ctx *c, const char *kind, const char *status,
    int64_t before_id, int limit, json_t **out, struct err *e)
{
	struct db_stmt *s;
	json_t *items;
	int rc, n = 0;
	int64_t last = 0;

	*out = NULL;
	if (!may_admin(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看发件箱");
	if (kind != NULL && kind[0] == '\0')
		kind = NULL;
	if (status == NULL)
		status = "";
	if (status[0] != '\0' && strcmp(status, "waiting") != 0 &&
	    strcmp(status, "failed") != 0 && strcmp(status, "dead") != 0 &&
	    strcmp(status, "delivered") != 0)
		return err_field(e, ERR_INVALID, "status", "bad_status",
		    "状态须为 waiting、failed、dead 或 delivered");
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	if (before_id <= 0)
		before_id = INT64_MAX;
	*out = json_object();
	rc = outbox_counts(c, *out, e);
	if (rc != 0)
		goto fail;
	items = json_array();
	json_object_set_new(*out, "items", items);
	s = db_query(c->db, e, "SELECT id, kind, recipient, COALESCE(idem_key, "
	    "''), attempts, created_at, next_attempt_at, delivered_at, dead_at, "
	    "last_error FROM outbox WHERE id < ? AND (CAST(? AS TEXT) IS NULL "
	    "OR kind = ?) AND CASE WHEN ? = '' THEN delivered_at IS NULL "
	    "WHEN ? = 'delivered' THEN delivered_at IS NOT NULL "
	    "WHEN ? = 'dead' THEN dead_at IS NOT NULL AND delivered_at IS NULL "
	    "WHEN ? = 'failed' THEN last_error IS NOT NULL AND dead_at IS NULL "
	    "AND delivered_at IS NULL ELSE last_error IS NULL AND dead_at IS "
	    "NULL AND delivered_at IS NULL END ORDER BY id DESC LIMIT ?",
	    "issssssI", before_id, kind, kind, status, status, status, status,
	    limit + 1);
	if (s == NULL) {
		rc = err_rc(e);
		goto fail;
	}
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (n == limit)
			break;
		last = db_col_int(s, 0);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, "
		    "s:i, s:I, s:I, s:o, s:o, s:o, s:s}", "id", (json_int_t)last,
		    "kind", db_col_text(s, 1), "recipient", db_col_text(s, 2),
		    "idem_key", db_col_text(s, 3), "attempts",
		    (int)db_col_int(s, 4), "created_at",
		    (json_int_t)db_col_int(s, 5), "next_attempt_at",
		    (json_int_t)db_col_int(s, 6), "delivered_at",
		    int_or_null(s, 7), "dead_at", int_or_null(s, 8),
		    "last_error", db_col_is_null(s, 9) ? json_null() :
		    json_string(db_col_text(s, 9)), "status",
		    status_of(s, 7, 8, 9)));
		n++;
	}
	db_finish(s);
	if (rc < 0)
		goto fail;
	if (rc == DB_ROW) {
		char cur[24];

		snprintf(cur, sizeof(cur), "%" PRId64, last);
		json_object_set_new(*out, "next_cursor", json_string(cur));
	} else {
		json_object_set_new(*out, "next_cursor", json_null());
	}
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}

struct resend_tx {
	struct ctx *c;
	int64_t id;
};

static int
resend_fn(struct db *db, void *arg, struct err *e)
{
	struct resend_tx *t = arg;
	json_t *row, *sum;
	char idbuf[24];
	int rc;

	row = db_query_row(db, e, "SELECT kind, attempts, delivered_at, dead_at, "
	    "last_error FROM outbox WHERE id = ?", "i", t->id);
	if (row == NULL)
		return e->code != ERR_NOT_FOUND ? err_rc(e) :
		    err_set(e, ERR_NOT_FOUND, "outbox_not_found", "消息不存在");
	if (!json_is_null(json_object_get(row, "delivered_at"))) {
		json_decref(row);
		return err_set(e, ERR_CONFLICT, "already_delivered",
		    "该消息已送达，无需重发");
	}
	rc = db_exec(db, e, "UPDATE outbox SET attempts = 0, dead_at = NULL, "
	    "next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL", "ii",
	    clock_now(), t->id);
	if (rc == 0) {
		sum = json_pack("{s:O}", "before", row);
		snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
		rc = audit_append(t->c, "outbox.resend", "outbox", idbuf, sum,
		    e);
		json_decref(sum);
	}
	json_decref(row);
	return rc;
}

int
outbox_resend(struct ctx *c, int64_t id, struct err *e)
{
	struct resend_tx t = { c, id };

	if (!may_admin(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权重发消息");
	return db_tx(c->db, resend_fn, &t, e);
}
