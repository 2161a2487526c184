/* requests.c - the one request -> approve queue. See platform.h. */
#include "service/platform/platform.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/cursor.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "store/db.h"

static const struct request_kind *kinds[REQUESTS_MAX_KINDS];
static size_t nkinds;
static requests_workday_fn workday_fn;

void
requests_register(const struct request_kind *k)
{
	if (k == NULL || k->kind == NULL || requests_kind(k->kind) != NULL)
		return;
	if (nkinds >= REQUESTS_MAX_KINDS) {
		log_error("requests: too many kinds, %s not registered",
		    k->kind);
		return;
	}
	kinds[nkinds++] = k;
}

const struct request_kind *
requests_kind(const char *kind)
{
	if (kind == NULL)
		return NULL;
	for (size_t i = 0; i < nkinds; i++)
		if (strcmp(kinds[i]->kind, kind) == 0)
			return kinds[i];
	return NULL;
}

void
requests_set_workday_fn(requests_workday_fn fn)
{
	workday_fn = fn;
}

static int
due_date(struct ctx *c, const struct request_kind *k, char out[11],
    struct err *e)
{
	int n = k->due_workdays > 0 ? k->due_workdays :
	    (int)config_int("requests.due_workdays");

	char today[11];
	int32_t d;

	if (workday_fn != NULL)
		return workday_fn(c, n, out, e);
	clock_date(clock_now(), today);
	if (calendar_day_parse(today, &d, e) != 0)
		return -(int)e->code;
	calendar_day_format(calendar_add_workdays(NULL, d, n), out);
	return 0;
}

static int
audit_req(struct ctx *c, const char *action, int64_t id, json_t *sum,
    struct err *e)
{
	char idb[24];
	int rc;

	snprintf(idb, sizeof(idb), "%" PRId64, id);
	rc = audit_append(c, action, "request", idb, sum, e);
	json_decref(sum);
	return rc;
}

int
requests_submit(struct ctx *c, struct db *db, const struct request_in *in,
    int64_t *id, struct err *e)
{
	const struct request_kind *k = requests_kind(in->kind);
	char key[160], due[11];
	char *payload;
	int rc;

	*id = 0;
	if (!db_in_tx(db))
		return err_internal(e, "requests_submit outside a transaction");
	if (k == NULL)
		return err_internal(e, "request kind %s not registered",
		    in->kind != NULL ? in->kind : "(null)");
	if (in->reason == NULL || in->reason[0] == '\0')
		return err_field(e, ERR_UNPROCESSABLE, "reason",
		    "reason_required", "请填写理由");
	if (in->payload != NULL && !json_is_object(in->payload))
		return err_internal(e, "request payload is not an object");
	if (in->pending_key != NULL)
		snprintf(key, sizeof(key), "%s", in->pending_key);
	else
		snprintf(key, sizeof(key), "%s:%s:%" PRId64, k->kind,
		    in->subject_type, in->subject_id);
	rc = due_date(c, k, due, e);
	if (rc != 0)
		return rc;
	payload = in->payload != NULL ? json_dumps(in->payload,
	    JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	if (payload == NULL)
		return err_internal(e, "out of memory");
	rc = db_query_int(db, e, id, "INSERT INTO requests (kind, dept_id, "
	    "subject_type, subject_id, subject_label, pending_key, payload, "
	    "reason, status, requested_by, requested_at, due_date) VALUES (?, "
	    "NULLIF(?, 0), ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
	    "sisissssiis", k->kind, in->dept_id, in->subject_type,
	    in->subject_id, in->subject_label != NULL ? in->subject_label : "",
	    key, payload, in->reason, c->actor->user_id, clock_now(), due);
	free(payload);
	if (rc == -ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT, "request_pending", "%s",
		    in->pending_msg != NULL ? in->pending_msg :
		    "已有待审批的同类申请");
	if (rc < 0)
		return rc;
	return audit_req(c, "request.submit", *id, json_pack("{s:s, s:s, "
	    "s:I, s:O?, s:s, s:s}", "kind", k->kind, "subject_type",
	    in->subject_type, "subject_id", (json_int_t)in->subject_id,
	    "payload", (json_t *)in->payload, "reason", in->reason, "due_date",
	    due), e);
}

/* --- deciding --- */

struct decide_tx {
	struct ctx *c;
	int64_t id, subject_id;
	const struct request_kind *k;
	char subject_type[32];
	const char *kind;         /* expected kind or NULL */
	bool approve, cancel;
	const char *comment;
};

/* May the actor decide request r of kind k? */
static bool
may_decide(const struct actor *a, const struct request_kind *k,
    int64_t dept_id)
{
	unsigned mine = a->roles & k->decide_roles;

	if (a->kind == ACTOR_SYSTEM)
		return true;
	if (mine == 0)
		return false;
	if (mine == ROLE_DEPT_ADMIN)
		return dept_id != 0 && a->dept_id == dept_id;
	return true;
}

static const char *
str_or(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static int
decide_fn(struct db *db, void *arg, struct err *e)
{
	struct decide_tx *t = arg;
	const struct request_kind *k;
	struct request r;
	json_t *row, *payload = NULL;
	const char *status, *to;
	char title[256], body[512];
	int rc = 0;

	row = db_query_row(db, e, "SELECT kind, dept_id, subject_type, "
	    "subject_id, subject_label, payload, reason, status, requested_by "
	    "FROM requests WHERE id = ?", "i", t->id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "request_not_found", "申请不存在") : err_rc(e);
	if (t->kind != NULL && strcmp(str_or(row, "kind"), t->kind) != 0) {
		rc = err_set(e, ERR_NOT_FOUND, "request_not_found",
		    "申请不存在");
		goto out;
	}
	k = requests_kind(str_or(row, "kind"));
	if (k == NULL) {
		rc = err_internal(e, "request kind %s not registered",
		    str_or(row, "kind"));
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.id = t->id;
	r.kind = k->kind;
	r.dept_id = json_integer_value(json_object_get(row, "dept_id"));
	r.subject_type = str_or(row, "subject_type");
	r.subject_id = json_integer_value(json_object_get(row, "subject_id"));
	t->k = k;
	t->subject_id = r.subject_id;
	snprintf(t->subject_type, sizeof(t->subject_type), "%s",
	    r.subject_type);
	r.reason = str_or(row, "reason");
	r.requested_by = json_integer_value(json_object_get(row,
	    "requested_by"));
	r.comment = t->comment != NULL ? t->comment : "";
	if (t->cancel) {
		if (t->c->actor->user_id != r.requested_by &&
		    !actor_has(t->c->actor, ROLE_HALL_ADMIN | ROLE_SYSADMIN)) {
			rc = err_set(e, ERR_FORBIDDEN, NULL,
			    "只有申请人可以撤销申请");
			goto out;
		}
	} else if (!may_decide(t->c->actor, k, r.dept_id)) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "无权审批该%s申请",
		    k->label);
		goto out;
	}
	status = str_or(row, "status");
	if (strcmp(status, "pending") != 0) {
		rc = err_set(e, ERR_CONFLICT, "already_decided", "该申请已处理");
		goto out;
	}
	to = t->cancel ? "cancelled" : t->approve ? "approved" : "rejected";
	rc = db_exec(db, e, "UPDATE requests SET status = ?, decided_by = "
	    "NULLIF(?, 0), decided_at = ?, decision_comment = ? WHERE id = ? "
	    "AND status = 'pending'", "siisi", to, t->c->actor->user_id,
	    clock_now(), r.comment, t->id);
	if (rc == 0 && db_last_changes(db) != 1)
		rc = err_set(e, ERR_CONFLICT, "already_decided", "该申请已处理");
	if (rc != 0)
		goto out;
	payload = json_loads(str_or(row, "payload"), 0, NULL);
	if (!json_is_object(payload)) {
		json_decref(payload);
		payload = json_object();
	}
	r.payload = payload;
	if ((!t->cancel || k->apply_on_cancel) && k->apply != NULL) {
		rc = k->apply(t->c, db, &r, t->approve, e);
		if (rc != 0)
			goto out;
	}
	rc = audit_req(t->c, t->cancel ? "request.cancel" : t->approve ?
	    "request.approve" : "request.reject", t->id, json_pack("{s:s, "
	    "s:s, s:I, s:s}", "kind", k->kind, "subject_type", r.subject_type,
	    "subject_id", (json_int_t)r.subject_id, "comment", r.comment), e);
	if (rc != 0 || t->cancel || r.requested_by == t->c->actor->user_id)
		goto out;
	snprintf(title, sizeof(title), "%s申请%s", k->label, t->approve ?
	    "已批准" : "已驳回");
	snprintf(body, sizeof(body), "您提交的%s申请（%s）%s。%s%s", k->label,
	    str_or(row, "subject_label"), t->approve ? "已批准" : "已驳回",
	    r.comment[0] != '\0' ? "意见：" : "", r.comment);
	rc = notify_user(t->c, r.requested_by, 0, t->approve ?
	    "request_approved" : "request_rejected", title, body, e);
out:
	json_decref(payload);
	json_decref(row);
	return rc;
}

static bool
comment_ok(const char *s, bool required, struct err *e)
{
	if (s == NULL || s[0] == '\0') {
		if (required) {
			err_field(e, ERR_UNPROCESSABLE, "reason",
			    "reason_required", "请填写理由");
			return false;
		}
		return true;
	}
	if (!utf8_valid(s, strlen(s)) || utf8_strlen(s) > LIMIT_TEXT_CHARS) {
		err_field(e, ERR_INVALID, "reason", NULL,
		    "理由过长或含有无效字符");
		return false;
	}
	return true;
}

int
requests_decide(struct ctx *c, int64_t id, const char *kind, bool approve,
    const char *comment, struct err *e)
{
	struct decide_tx t;

	if (c->actor == NULL || c->actor->kind != ACTOR_STAFF) {
		if (c->actor == NULL || c->actor->kind != ACTOR_SYSTEM)
			return err_set(e, ERR_FORBIDDEN, NULL, "无权审批申请");
	}
	if (!comment_ok(comment, !approve, e))
		return -(int)e->code;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.kind = kind;
	t.approve = approve;
	t.comment = comment;
	if (db_tx(c->db, decide_fn, &t, e) != 0)
		return -(int)e->code;
	if (t.k != NULL && t.k->committed != NULL)
		t.k->committed(t.subject_type, t.subject_id, approve);
	return 0;
}

int
requests_cancel(struct ctx *c, int64_t id, const char *comment,
    struct err *e)
{
	struct decide_tx t;

	if (!comment_ok(comment, false, e))
		return -(int)e->code;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.cancel = true;
	t.comment = comment;
	return db_tx(c->db, decide_fn, &t, e);
}

/* --- lists --- */

int
requests_list_scope(const struct actor *a, const char *status,
    const char *forbidden_msg, int64_t *dept_id, struct err *e)
{
	*dept_id = 0;
	if (status != NULL && status[0] != '\0' &&
	    strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "rejected") != 0 && strcmp(status, "cancelled") != 0)
		return err_field(e, ERR_INVALID, "status", NULL,
		    "状态须为 pending、approved、rejected 或 cancelled");
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN))
		return 0;
	if (!actor_has(a, ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "%s",
		    forbidden_msg != NULL ? forbidden_msg : "无权查看申请");
	*dept_id = a->dept_id;
	return 0;
}

#define REQ_COLS "SELECT r.id, r.kind, r.dept_id, d.name AS dept_name, " \
	"r.subject_type, r.subject_id, r.subject_label, r.payload, r.reason, " \
	"r.status, r.requested_by, q.name AS requester_name, r.requested_at, " \
	"r.due_date, r.overdue_at, r.decided_by, x.name AS decider_name, " \
	"r.decided_at, r.decision_comment FROM requests r LEFT JOIN " \
	"departments d ON d.id = r.dept_id LEFT JOIN users q ON q.id = " \
	"r.requested_by LEFT JOIN users x ON x.id = r.decided_by "

/* Parses payload, adds kind_label and overdue. */
static void
shape_row(json_t *row, const char *today)
{
	const struct request_kind *k = requests_kind(
	    json_string_value(json_object_get(row, "kind")));
	const char *p = json_string_value(json_object_get(row, "payload"));
	const char *st = json_string_value(json_object_get(row, "status"));
	const char *due = json_string_value(json_object_get(row, "due_date"));
	json_t *pj = p != NULL ? json_loads(p, 0, NULL) : NULL;

	json_object_set_new(row, "payload", json_is_object(pj) ? pj :
	    json_object());
	if (!json_is_object(pj))
		json_decref(pj);
	json_object_set_new(row, "kind_label", json_string(k != NULL ?
	    k->label : json_string_value(json_object_get(row, "kind"))));
	json_object_set_new(row, "overdue", json_boolean(st != NULL &&
	    strcmp(st, "pending") == 0 && ((due != NULL &&
	    strcmp(due, today) < 0) || json_integer_value(json_object_get(row,
	    "overdue_at")) > 0)));
}

/* May the actor see this request? */
static bool
may_see(const struct actor *a, const json_t *row)
{
	const struct request_kind *k = requests_kind(str_or(row, "kind"));
	int64_t dept = json_integer_value(json_object_get(row, "dept_id"));

	if (a->kind == ACTOR_SYSTEM || actor_has(a, ROLE_HALL_ADMIN |
	    ROLE_SUPERVISOR | ROLE_SYSADMIN))
		return true;
	if (a->user_id != 0 && a->user_id == json_integer_value(
	    json_object_get(row, "requested_by")))
		return true;
	if (actor_has(a, ROLE_DEPT_ADMIN) && dept != 0 && a->dept_id == dept)
		return true;
	return k != NULL && may_decide(a, k, dept);
}

int
requests_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	char today[11];

	*out = db_query_row(c->db, e, REQ_COLS "WHERE r.id = ?", "i", id);
	if (*out == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "request_not_found", "申请不存在") : err_rc(e);
	if (!may_see(c->actor, *out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(e, ERR_NOT_FOUND, "request_not_found",
		    "申请不存在");
	}
	clock_date(clock_now(), today);
	shape_row(*out, today);
	return 0;
}

int
requests_list(struct ctx *c, const struct request_query *q, json_t **out,
    struct err *e)
{
	int64_t dept = 0, after = 0, after_key = 0;
	int limit = q->limit > 0 ? q->limit : REQUESTS_PAGE_DEFAULT;
	char today[11], cur[CURSOR_MAX];
	const char *kind = q->kind != NULL ? q->kind : "";
	const char *status = q->status != NULL ? q->status : "";
	const char *stype = q->subject_type != NULL ? q->subject_type : "";
	json_t *list, *v;
	size_t i, n;
	int rc;

	*out = NULL;
	rc = requests_list_scope(c->actor, status, q->forbidden_msg, &dept, e);
	if (rc != 0)
		return rc;
	if (dept == 0)
		dept = q->dept_id;
	else if (q->dept_id != 0 && q->dept_id != dept)
		return err_set(e, ERR_FORBIDDEN, NULL, "只能查看本部门的申请");
	if (kind[0] != '\0' && requests_kind(kind) == NULL)
		return err_field(e, ERR_INVALID, "kind", NULL, "申请类型不存在");
	if (limit > REQUESTS_PAGE_MAX)
		limit = REQUESTS_PAGE_MAX;
	if (q->cursor != NULL && q->cursor[0] != '\0') {
		if (!cursor_decode_int(q->cursor, &after_key, &after))
			return err_field(e, ERR_INVALID, "cursor", NULL,
			    "分页游标无效");
	}
	clock_date(clock_now(), today);
	list = db_query_json(c->db, e, REQ_COLS "WHERE (? = '' OR r.kind = ?) "
	    "AND (? = '' OR r.status = ?) AND (? = 0 OR r.dept_id = ?) AND "
	    "(? = '' OR (r.subject_type = ? AND r.subject_id = ?)) AND (? = 0 "
	    "OR (r.status = 'pending' AND (r.overdue_at IS NOT NULL OR r.due_date < "
	    "?))) AND (? = 0 OR r.id "
	    "< ?) ORDER BY r.id DESC LIMIT ?", "ssssiissiisiiI", kind, kind,
	    status, status, dept, dept, stype, stype, q->subject_id,
	    (int64_t)(q->overdue ? 1 : 0), today, after, after, limit + 1);
	if (list == NULL)
		return err_rc(e);
	n = json_array_size(list);
	cur[0] = '\0';
	if (n > (size_t)limit) {
		json_array_remove(list, (size_t)limit);
		n = (size_t)limit;
		v = json_array_get(list, n - 1);
		cursor_encode_int(0, json_integer_value(json_object_get(v,
		    "id")), cur, sizeof(cur));
	}
	json_array_foreach(list, i, v)
		shape_row(v, today);
	*out = json_pack("{s:o, s:s?}", "items", list, "next_cursor",
	    cur[0] != '\0' ? cur : NULL);
	if (*out != NULL && cur[0] == '\0')
		json_object_set_new(*out, "next_cursor", json_null());
	return 0;
}

json_t *
requests_kinds_json(void)
{
	static const unsigned bits[] = { ROLE_CLERK, ROLE_APPROVER,
	    ROLE_DEPT_ADMIN, ROLE_HALL_ADMIN, ROLE_SUPERVISOR, ROLE_SYSADMIN };
	json_t *items = json_array();

	for (size_t i = 0; i < nkinds; i++) {
		json_t *roles = json_array();

		for (size_t b = 0; b < sizeof(bits) / sizeof(bits[0]); b++)
			if (kinds[i]->decide_roles & bits[b])
				json_array_append_new(roles, json_string(
				    role_name(bits[b])));
		json_array_append_new(items, json_pack("{s:s, s:s, s:o}",
		    "kind", kinds[i]->kind, "label", kinds[i]->label,
		    "decide_roles", roles));
	}
	return json_pack("{s:o}", "items", items);
}

/* --- overdue --- */

struct overdue_tx {
	struct ctx *c;
	int64_t id;
	bool flagged;
};

static int
notify_deciders(struct ctx *c, const struct request_kind *k, int64_t dept_id,
    int64_t id, const char *title, const char *body, struct err *e)
{
	unsigned others = k->decide_roles & ~(unsigned)ROLE_DEPT_ADMIN;
	json_t *users;
	size_t i;
	json_t *u;
	int rc = 0;

	if ((k->decide_roles & ROLE_DEPT_ADMIN) != 0 && dept_id != 0) {
		rc = notify_dept_admins(c, dept_id, 0, 0, "request_overdue",
		    title, body, NULL, e);
		if (rc != 0)
			return rc;
	}
	if (others == 0)
		return 0;
	users = db_query_json(c->db, e, "SELECT id FROM users WHERE kind = 'S' "
	    "AND disabled = 0 AND (roles & ?) <> 0 ORDER BY id LIMIT 100", "i",
	    (int64_t)others);
	if (users == NULL)
		return err_rc(e);
	json_array_foreach(users, i, u) {
		rc = notify_user(c, json_integer_value(json_object_get(u, "id")),
		    0, "request_overdue", title, body, e);
		if (rc != 0)
			break;
	}
	(void)id;
	json_decref(users);
	return rc;
}

static int
overdue_fn(struct db *db, void *arg, struct err *e)
{
	struct overdue_tx *t = arg;
	const struct request_kind *k;
	json_t *row;
	char title[256], body[512];
	int rc;

	t->flagged = false;
	rc = db_exec(db, e, "UPDATE requests SET overdue_at = ? WHERE id = ? "
	    "AND status = 'pending' AND overdue_at IS NULL", "ii", clock_now(),
	    t->id);
	if (rc != 0 || db_last_changes(db) != 1)
		return rc;
	row = db_query_row(db, e, "SELECT kind, dept_id, subject_label, "
	    "due_date FROM requests WHERE id = ?", "i", t->id);
	if (row == NULL)
		return err_rc(e);
	k = requests_kind(str_or(row, "kind"));
	rc = audit_req(t->c, "request.overdue", t->id, json_pack("{s:s, s:s}",
	    "kind", str_or(row, "kind"), "due_date", str_or(row, "due_date")),
	    e);
	if (rc == 0 && k != NULL) {
		snprintf(title, sizeof(title), "%s申请逾期未审批", k->label);
		snprintf(body, sizeof(body), "%s申请（%s）应于 %s 前审批，"
		    "至今未处理。", k->label, str_or(row, "subject_label"),
		    str_or(row, "due_date"));
		rc = notify_deciders(t->c, k, json_integer_value(
		    json_object_get(row, "dept_id")), t->id, title, body, e);
	}
	json_decref(row);
	if (rc == 0)
		t->flagged = true;
	return rc;
}

int
requests_sweep_overdue(struct ctx *c, const char *today, int *count,
    struct err *e)
{
	json_t *ids;
	json_t *v;
	size_t i;
	int n = 0;

	if (count != NULL)
		*count = 0;
	ids = db_query_json(c->db, e, "SELECT id FROM requests WHERE status = "
	    "'pending' AND due_date < ? AND overdue_at IS NULL ORDER BY id "
	    "LIMIT 200", "s", today);
	if (ids == NULL)
		return err_rc(e);
	json_array_foreach(ids, i, v) {
		struct overdue_tx t = { c, json_integer_value(json_object_get(v,
		    "id")), false };
		struct err e2;

		err_clear(&e2);
		if (db_tx(c->db, overdue_fn, &t, &e2) != 0)
			log_error("requests: overdue flag of %" PRId64
			    " failed: %s", t.id, e2.msg);
		else if (t.flagged)
			n++;
	}
	json_decref(ids);
	if (count != NULL)
		*count = n;
	return 0;
}
