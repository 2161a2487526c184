/* withdrawals.c - item withdrawals (requests of kind "item_withdrawal")
 * and restricting versions (kind "item_restriction") on the one request
 * queue: both are decided by the hall (进驻事项不得随意撤回). */
#include "service/catalog/catalog_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "core/catalog.h"
#include "service/platform/platform.h"
#include "store/db.h"



/* --- withdrawals: requests of kind "item_withdrawal" --- */

struct withdrawal_tx {
	struct ctx *c;
	int64_t item_id, dept_id, id;
	const char *scope, *reason, *item_name, *impl_code;
};

static int
withdrawal_request_fn(struct db *db, void *arg, struct err *e)
{
	struct withdrawal_tx *t = arg;
	struct request_in in;
	char key[64];
	json_t *p;
	int rc;

	p = json_pack("{s:s, s:s, s:s}", "scope", t->scope, "item_name",
	    t->item_name, "impl_code", t->impl_code);
	snprintf(key, sizeof(key), "withdrawal:%" PRId64 ":%s", t->item_id,
	    t->scope);
	memset(&in, 0, sizeof(in));
	in.kind = "item_withdrawal";
	in.dept_id = t->dept_id;
	in.subject_type = "item";
	in.subject_id = t->item_id;
	in.subject_label = t->item_name;
	in.pending_key = key;
	in.pending_msg = "该事项已有待审批的撤回申请";
	in.payload = p;
	in.reason = t->reason;
	rc = requests_submit(t->c, db, &in, &t->id, e);
	json_decref(p);
	return rc;
}

/* The legacy shape of a withdrawal: the queue's row plus item_id,
 * item_name, impl_code, scope and decision_reason. */
static void
withdrawal_shape(json_t *row)
{
	json_t *p = json_object_get(row, "payload");

	json_object_set(row, "item_id", json_object_get(row, "subject_id"));
	json_object_set(row, "item_name", json_object_get(p, "item_name"));
	json_object_set(row, "impl_code", json_object_get(p, "impl_code"));
	json_object_set(row, "scope", json_object_get(p, "scope"));
	json_object_set(row, "decision_reason", json_object_get(row,
	    "decision_comment"));
}

static int
withdrawal_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	int rc = requests_get(c, id, out, e);

	if (rc == 0)
		withdrawal_shape(*out);
	return rc;
}

int
catalog_withdrawal_request(struct ctx *c, int64_t item_id, const char *scope,
    const char *reason, json_t **out, struct err *e)
{
	struct item_row r;
	struct withdrawal_tx t;
	json_t *nm;
	int64_t stationed = 0, online = 0;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权申请撤回事项");
	rc = catalog_item_load(c->db, item_id, &r, e);
	if (rc == 0)
		rc = catalog_check_edit(c->actor, r.dept_id, e);
	if (rc != 0)
		return rc;
	if (scope == NULL || (strcmp(scope, "hall") != 0 &&
	    strcmp(scope, "online") != 0))
		return err_field(e, ERR_INVALID, "scope", NULL,
		    "撤回范围须为 hall（撤出大厅）或 online（停止网上办理）");
	rc = catalog_check_reason(reason, "reason", true, e);
	if (rc != 0)
		return rc;
	if (strcmp(r.status, "published") != 0)
		return err_set(e, ERR_UNPROCESSABLE, "not_published",
		    "只有已发布的事项可以申请撤回");
	rc = db_query_int(c->db, e, &stationed, "SELECT stationed FROM items "
	    "WHERE id = ?", "i", item_id);
	if (rc >= 0)
		rc = db_query_int(c->db, e, &online, "SELECT online FROM items "
		    "WHERE id = ?", "i", item_id);
	if (rc < 0)
		return rc;
	if (strcmp(scope, "hall") == 0 && stationed == 0)
		return err_field(e, ERR_UNPROCESSABLE, "scope", "not_stationed",
		    "该事项未进驻政务大厅");
	if (strcmp(scope, "online") == 0 && online == 0)
		return err_field(e, ERR_UNPROCESSABLE, "scope", "not_online",
		    "该事项未开通网上办理");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = item_id;
	t.dept_id = r.dept_id;
	t.scope = scope;
	t.reason = reason;
	nm = db_query_row(c->db, e, "SELECT name FROM items WHERE id = ?", "i",
	    item_id);
	if (nm == NULL)
		return err_rc(e);
	t.item_name = json_string_value(json_object_get(nm, "name"));
	t.impl_code = r.impl_code;
	rc = db_tx(c->db, withdrawal_request_fn, &t, e);
	json_decref(nm);
	if (rc == 0)
		rc = withdrawal_get(c, t.id, out, e);
	return rc;
}

int
catalog_withdrawals_list(struct ctx *c, const char *status, json_t **out,
    struct err *e)
{
	return catalog_withdrawals_page(c, status, NULL, 0, out, e);
}

int
catalog_withdrawals_page(struct ctx *c, const char *status,
    const char *cursor, int limit, json_t **out, struct err *e)
{
	struct request_query q;
	json_t *v;
	size_t i;
	int rc;

	memset(&q, 0, sizeof(q));
	q.kind = "item_withdrawal";
	q.status = status;
	q.cursor = cursor;
	q.limit = limit;
	q.forbidden_msg = "无权查看撤回申请";
	rc = requests_list(c, &q, out, e);
	if (rc == 0)
		json_array_foreach(json_object_get(*out, "items"), i, v)
			withdrawal_shape(v);
	return rc;
}

/* The elements of a withdrawal: a copy of the current ones with the hall
 * or the online handling taken away. */
static json_t *
withdrawn_elements(const json_t *cur, const char *scope, const char *reason)
{
	json_t *el = json_deep_copy(cur), *forms, *keep, *v;
	size_t i;

	if (el == NULL)
		return NULL;
	if (strcmp(scope, "hall") == 0) {
		json_object_set_new(el, "stationed", json_false());
		return el;
	}
	forms = json_object_get(el, "handling_forms");
	keep = json_array();
	json_array_foreach(forms, i, v) {
		json_int_t f = json_integer_value(v);

		if (f != 2 && f != 3)
			json_array_append(keep, v);
	}
	if (json_array_size(keep) == 0)
		json_array_append_new(keep, json_integer(1));
	json_object_set_new(el, "handling_forms", keep);
	json_object_set_new(el, "online_level", json_integer(1));
	json_object_set_new(el, "online_depth", json_string("1"));
	json_object_set_new(el, "online_url", json_string(""));
	if (json_integer_value(json_object_get(el, "visits")) < 1)
		json_object_set_new(el, "visits", json_integer(1));
	v = json_object_get(el, "visit_reason");
	if (!json_is_string(v) || json_string_length(v) == 0)
		json_object_set_new(el, "visit_reason", json_string(reason));
	return el;
}

/* The kind's apply(): an approved withdrawal publishes a new version made
 * from the current one, in the deciding transaction. */
static int
withdrawal_apply(struct ctx *c, struct db *db, const struct request *rq,
    bool approve, struct err *e)
{
	json_t *pub = NULL, *el = NULL, *canon = NULL;
	struct item_row r;
	struct write_tx w;
	const char *scope, *note;
	char *text = NULL;
	int64_t now = clock_now(), vid = 0;
	int rc, maxno = 0;

	if (!approve)
		return 0;
	scope = json_string_value(json_object_get(rq->payload, "scope"));
	if (scope == NULL)
		return err_internal(e, "withdrawal without scope");
	rc = catalog_lock_item(db, rq->subject_id, e);
	if (rc == 0)
		rc = catalog_item_load(db, rq->subject_id, &r, e);
	if (rc == 0)
		rc = catalog_published_version(db, r.current_version_id, &pub, e);
	if (rc != 0)
		goto out;
	if (pub == NULL) {
		rc = err_set(e, ERR_CONFLICT, "not_published",
		    "该事项没有已发布的版本");
		goto out;
	}
	el = withdrawn_elements(json_object_get(pub, "elements"), scope,
	    rq->reason);
	rc = el != NULL ? catalog_check_json(el, false, &canon, e) :
	    err_internal(e, "out of memory");
	if (rc != 0)
		goto out;
	rc = catalog_max_version(db, rq->subject_id, &maxno, e);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE item_versions SET version_no = ? "
		    "WHERE item_id = ? AND status IN ('draft', 'submitted', "
		    "'returned')", "Ii", maxno + 2, rq->subject_id);
	if (rc != 0)
		goto out;
	text = catalog_el_dump(canon);
	note = strcmp(scope, "hall") == 0 ? "经批准撤出政务大厅" :
	    "经批准停止网上办理";
	rc = db_query_int(db, e, &vid, "INSERT INTO item_versions (item_id, "
	    "version_no, status, elements, change_note, created_by, created_at) "
	    "VALUES (?, ?, 'draft', ?, ?, ?, ?) RETURNING id", "iIssii",
	    rq->subject_id, maxno + 1, text, note, c->actor->user_id, now);
	if (rc < 0)
		goto out;
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.item_id = rq->subject_id;
	w.dept_name = r.dept_name;
	rc = catalog_publish_version(db, &w, vid, canon, e);
	if (rc == 0 && strcmp(scope, "hall") == 0)
		rc = db_exec(db, e, "DELETE FROM window_items WHERE item_id = ?",
		    "i", rq->subject_id);
	if (rc != 0)
		goto out;
	rc = catalog_audit_item(c, "item.publish", rq->subject_id, json_pack(
	    "{s:i, s:s}", "version_no", maxno + 1, "change_note", note), e);
out:
	free(text);
	json_decref(canon);
	json_decref(el);
	json_decref(pub);
	return rc;
}

/* --- restricting versions: requests of kind "item_restriction" --- */

int
catalog_restriction_file(struct ctx *c, struct db *db, int64_t item_id,
    int64_t dept_id, int64_t version_id, const json_t *prev,
    const json_t *canon, const char *reason, int64_t *req_id,
    struct err *e)
{
	struct catalog_item before, after;
	struct request_in in;
	char text[600], key[64];
	json_t *p, *nm;
	unsigned bits;
	int rc;

	*req_id = 0;
	if (prev == NULL)
		return 0;
	catalog_item_init(&before);
	catalog_item_init(&after);
	rc = catalog_parse_el(prev, &before, e);
	if (rc == 0)
		rc = catalog_parse_el(canon, &after, e);
	if (rc != 0)
		goto out;
	bits = catalog_restrictions(&before, &after);
	if (bits == 0)
		goto out;
	catalog_restrictions_text(bits, &before, &after, text, sizeof(text));
	if (reason == NULL || reason[0] == '\0') {
		rc = err_field(e, ERR_UNPROCESSABLE, "reason", "reason_required",
		    "该版本%s，属于限制性变更，须经大厅管理机构批准：请填写理由",
		    text);
		goto out;
	}
	nm = db_query_row(db, e, "SELECT name FROM items WHERE id = ?", "i",
	    item_id);
	if (nm == NULL) {
		rc = err_rc(e);
		goto out;
	}
	p = json_pack("{s:I, s:I, s:s, s:s}", "version_id",
	    (json_int_t)version_id, "bits", (json_int_t)bits, "changes", text,
	    "item_name", json_string_value(json_object_get(nm, "name")));
	snprintf(key, sizeof(key), "restriction:%" PRId64, item_id);
	memset(&in, 0, sizeof(in));
	in.kind = "item_restriction";
	in.dept_id = dept_id;
	in.subject_type = "item";
	in.subject_id = item_id;
	in.subject_label = json_string_value(json_object_get(nm, "name"));
	in.pending_key = key;
	in.pending_msg = "该事项已有待审批的限制性变更申请";
	in.payload = p;
	in.reason = reason;
	rc = requests_submit(c, db, &in, req_id, e);
	json_decref(p);
	json_decref(nm);
	if (rc == 0)
		rc = catalog_audit_item(c, "item.restriction_request", item_id,
		    json_pack("{s:I, s:s}", "request_id", (json_int_t)*req_id,
		    "changes", text), e);
out:
	catalog_item_release(&before);
	catalog_item_release(&after);
	return rc;
}

/* The kind's apply(): an approval publishes the submitted version, a
 * rejection returns it to the department with the hall's comment. */
static int
restriction_apply(struct ctx *c, struct db *db, const struct request *rq,
    bool approve, struct err *e)
{
	json_t *open = NULL, *canon = NULL;
	struct item_row r;
	struct write_tx w;
	int64_t vid = json_integer_value(json_object_get(rq->payload,
	    "version_id"));
	unsigned bits = (unsigned)json_integer_value(json_object_get(
	    rq->payload, "bits"));
	int rc;

	rc = catalog_lock_item(db, rq->subject_id, e);
	if (rc == 0)
		rc = catalog_item_load(db, rq->subject_id, &r, e);
	if (rc == 0)
		rc = catalog_open_version(db, rq->subject_id, &open, e);
	if (rc != 0)
		return rc;
	if (open == NULL || json_integer_value(json_object_get(open, "id")) !=
	    vid || strcmp(json_string_value(json_object_get(open, "status")),
	    "submitted") != 0) {
		rc = err_set(e, ERR_CONFLICT, "not_submitted",
		    "申请所涉版本已不在待发布状态");
		goto out;
	}
	if (!approve) {
		rc = db_exec(db, e, "UPDATE item_versions SET status = "
		    "'returned', reviewed_by = ?, reviewed_at = ?, "
		    "review_reason = ? WHERE id = ?", "iisi", c->actor->user_id,
		    clock_now(), rq->comment, vid);
		if (rc == 0)
			rc = catalog_audit_item(c, "item.return", rq->subject_id,
			    json_pack("{s:I, s:s}", "request_id",
			    (json_int_t)rq->id, "reason", rq->comment), e);
		goto out;
	}
	rc = catalog_check_json(json_object_get(open, "elements"), false,
	    &canon, e);
	if (rc != 0)
		goto out;
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.item_id = rq->subject_id;
	w.dept_name = r.dept_name;
	rc = catalog_publish_version(db, &w, vid, canon, e);
	if (rc == 0 && (bits & CATALOG_RESTRICT_UNSTATIONED))
		rc = db_exec(db, e, "DELETE FROM window_items WHERE item_id = ?",
		    "i", rq->subject_id);
	if (rc == 0)
		rc = catalog_audit_item(c, "item.publish", rq->subject_id,
		    json_pack("{s:I, s:I}", "version_no", json_integer_value(
		    json_object_get(open, "version_no")), "request_id",
		    (json_int_t)rq->id), e);
out:
	json_decref(canon);
	json_decref(open);
	return rc;
}

static const struct request_kind restriction_kind = {
	.kind = "item_restriction",
	.label = "事项限制性变更",
	.decide_roles = ROLE_HALL_ADMIN,
	.apply = restriction_apply,
};

static const struct request_kind withdrawal_kind = {
	.kind = "item_withdrawal",
	.label = "事项撤回",
	.decide_roles = ROLE_HALL_ADMIN,
	.apply = withdrawal_apply,
};

void
catalog_requests_register(void)
{
	requests_register(&withdrawal_kind);
	requests_register(&restriction_kind);
}

int
catalog_withdrawal_decide(struct ctx *c, int64_t id, bool approve,
    const char *reason, json_t **out, struct err *e)
{
	int rc;

	*out = NULL;
	if (!catalog_is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理机构可以审批撤回申请");
	rc = catalog_check_reason(reason, "reason", !approve, e);
	if (rc != 0)
		return rc;
	rc = requests_decide(c, id, "item_withdrawal", approve, reason, e);
	if (rc == 0)
		rc = withdrawal_get(c, id, out, e);
	return rc;
}
