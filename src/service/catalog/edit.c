/* edit.c - creating items, drafts, review and publication. */
#include "service/catalog/catalog_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/catalog.h"
#include "service/platform/platform.h"
#include "store/db.h"




/* Checks elements for saving; canon gets the canonical form. The
 * department named by the elements must exist (its id and credit code are
 * returned) and the 实施编码 must start with its credit code. */
int
catalog_check_elements(struct ctx *c, const json_t *el, bool partial, json_t **canon,
    int64_t *dept_id, char dept_name[400], struct err *e)
{
	const char *dname, *impl;
	struct db_stmt *s;
	char credit[24] = "";
	int rc;

	*canon = NULL;
	*dept_id = 0;
	if (el == NULL || !json_is_object(el))
		return err_field(e, ERR_INVALID, "elements", "bad_elements",
		    "事项要素须为 JSON 对象");
	rc = catalog_check_json(el, partial, canon, e);
	if (rc != 0)
		return rc;
	rc = catalog_files_check(c->db, *canon, e);
	if (rc != 0)
		goto fail;
	dname = json_string_value(json_object_get(*canon, "dept"));
	if (dname == NULL || dname[0] == '\0') {
		rc = err_field(e, ERR_UNPROCESSABLE, "dept", "dept_required",
		    "请填写实施主体");
		goto fail;
	}
	s = db_query(c->db, e, "SELECT id, credit_code, name FROM departments "
	    "WHERE name = ?", "s", dname);
	if (s == NULL) {
		rc = err_rc(e);
		goto fail;
	}
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		*dept_id = db_col_int(s, 0);
		snprintf(credit, sizeof(credit), "%s", db_col_text(s, 1));
		snprintf(dept_name, 400, "%s", db_col_text(s, 2));
	}
	db_finish(s);
	if (rc < 0)
		goto fail;
	if (rc == DB_DONE) {
		rc = err_field(e, ERR_UNPROCESSABLE, "dept", "dept_not_found",
		    "实施主体“%.60s”不是本县的部门", dname);
		goto fail;
	}
	impl = json_string_value(json_object_get(*canon, "impl_code"));
	if (impl != NULL && impl[0] != '\0' && credit[0] != '\0' &&
	    strncmp(impl, credit, 18) != 0) {
		rc = err_field(e, ERR_UNPROCESSABLE, "impl_code",
		    "impl_code_dept", "实施编码前18位须为实施主体的统一社会信用代码"
		    "（%s）", credit);
		goto fail;
	}
	return 0;
fail:
	json_decref(*canon);
	*canon = NULL;
	return rc;
}


int
catalog_lock_item(struct db *db, int64_t id, struct err *e)
{
	return db_tx_lock(db, ITEM_LOCK_BASE + id, e);
}

int
catalog_audit_item(struct ctx *c, const char *action, int64_t id, json_t *sum,
    struct err *e)
{
	char idb[24];
	int rc;

	catalog_idtxt(idb, id);
	rc = audit_append(c, action, "item", idb, sum, e);
	json_decref(sum);
	return rc;
}

int
catalog_create_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	struct catalog_item it;
	struct cols k;
	char *text = NULL;
	int64_t now = clock_now(), vid = 0;
	int rc;

	rc = catalog_parse_el(t->canon, &it, e);
	if (rc != 0)
		return rc;
	catalog_cols_from(&it, &k);
	rc = db_query_int(db, e, &t->item_id, "INSERT INTO items (dept_id, "
	    "basic_code, impl_code, handle_code, name, type, status, "
	    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?) "
	    "RETURNING id", "isssssii", t->dept_id, it.basic_code,
	    it.impl_code, it.handle_code, it.name, it.type, now, now);
	if (rc == -ERR_CONFLICT) {
		rc = err_field(e, ERR_CONFLICT, "impl_code", "item_exists",
		    "该实施编码（及业务办理项编码）的事项已存在");
		goto out;
	}
	if (rc < 0)
		goto out;
	rc = catalog_item_columns_set(db, t->item_id, &it, e);
	if (rc != 0)
		goto out;
	text = catalog_el_dump(t->canon);
	rc = db_query_int(db, e, &vid, "INSERT INTO item_versions (item_id, "
	    "version_no, status, elements, change_note, created_by, created_at) "
	    "VALUES (?, 1, 'draft', ?, ?, ?, ?) RETURNING id", "issii",
	    t->item_id, text, t->note != NULL ? t->note : "",
	    t->c->actor->user_id, now);
	if (rc < 0)
		goto out;
	rc = catalog_search_put(db, t->item_id, t->canon, t->dept_name, e);
	if (rc == 0)
		rc = catalog_audit_item(t->c, "item.create", t->item_id, json_pack(
		    "{s:s, s:s, s:s}", "impl_code", it.impl_code, "handle_code",
		    it.handle_code, "name", it.name), e);
out:
	free(text);
	catalog_item_release(&it);
	return rc;
}

static int
item_with_draft(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	json_t *item = NULL, *draft = NULL;
	int rc;

	rc = catalog_item_summary(c, id, true, &item, e);
	if (rc == 0)
		rc = catalog_open_version(c->db, id, &draft, e);
	if (rc != 0) {
		json_decref(item);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "item", item, "draft",
	    draft != NULL ? draft : json_null());
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

int
catalog_item_create(struct ctx *c, const json_t *elements, bool partial,
    json_t **out, struct err *e)
{
	struct write_tx t;
	json_t *canon = NULL;
	char dname[400];
	int64_t dept_id;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权新增事项");
	rc = catalog_check_elements(c, elements, partial, &canon, &dept_id, dname, e);
	if (rc != 0)
		return rc;
	rc = catalog_check_edit(c->actor, dept_id, e);
	if (rc != 0)
		goto out;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.dept_id = dept_id;
	t.dept_name = dname;
	t.canon = canon;
	t.note = "新增事项";
	rc = db_tx(c->db, catalog_create_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, t.item_id, out, e);
out:
	json_decref(canon);
	return rc;
}

int
catalog_max_version(struct db *db, int64_t item_id, int *out, struct err *e)
{
	int64_t n = 0;
	int rc;

	rc = db_query_int(db, e, &n, "SELECT COALESCE(MAX(version_no), 0) "
	    "FROM item_versions WHERE item_id = ?", "i", item_id);
	if (rc < 0)
		return rc;
	*out = (int)n;
	return 0;
}

int
catalog_draft_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL;
	struct item_row r;
	char *text = NULL;
	int64_t now = clock_now();
	int rc, maxno;

	rc = catalog_lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = catalog_item_load(db, t->item_id, &r, e);
	if (rc == 0)
		rc = catalog_open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	text = catalog_el_dump(t->canon);
	if (open != NULL) {
		const char *st = json_string_value(json_object_get(open,
		    "status"));

		if (strcmp(st, "submitted") == 0) {
			rc = err_set(e, ERR_CONFLICT, "under_review",
			    "该事项的修改已提交审核，审核完成前不能修改");
			goto out;
		}
		t->version_no = (int)json_integer_value(json_object_get(open,
		    "version_no"));
		rc = db_exec(db, e, "UPDATE item_versions SET elements = ?, "
		    "change_note = ?, status = 'draft', created_by = ?, "
		    "created_at = ? WHERE id = ? AND status IN ('draft', "
		    "'returned')", "ssiii", text, t->note, t->c->actor->user_id,
		    now, (int64_t)json_integer_value(json_object_get(open, "id")));
	} else {
		rc = catalog_max_version(db, t->item_id, &maxno, e);
		if (rc != 0)
			goto out;
		t->version_no = maxno + 1;
		rc = db_exec(db, e, "INSERT INTO item_versions (item_id, "
		    "version_no, status, elements, change_note, created_by, "
		    "created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?)", "iIssii",
		    t->item_id, t->version_no, text, t->note,
		    t->c->actor->user_id, now);
	}
	if (rc != 0)
		goto out;
	if (strcmp(r.status, "draft") == 0) {
		struct catalog_item it;

		rc = catalog_parse_el(t->canon, &it, e);
		if (rc == 0)
			rc = catalog_item_columns_set(db, t->item_id, &it, e);
		catalog_item_release(&it);
		if (rc == 0)
			rc = catalog_search_put(db, t->item_id, t->canon, t->dept_name, e);
		if (rc != 0)
			goto out;
	} else {
		rc = db_exec(db, e, "UPDATE items SET updated_at = ? WHERE id = ?",
		    "ii", now, t->item_id);
		if (rc != 0)
			goto out;
	}
	rc = catalog_audit_item(t->c, "item.draft", t->item_id, json_pack("{s:i, s:s}",
	    "version_no", t->version_no, "change_note", t->note), e);
out:
	free(text);
	json_decref(open);
	return rc;
}

int
catalog_check_reason(const char *s, const char *field, bool required, struct err *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0') {
		if (required)
			return err_field(e, ERR_UNPROCESSABLE, field,
			    "reason_required", "请填写理由");
		return 0;
	}
	n = strlen(s);
	if (!utf8_valid(s, n) || utf8_chars(s, n) > LIMIT_TEXT_CHARS)
		return err_field(e, ERR_INVALID, field, NULL,
		    "内容过长（最多 %d 字）或含有无效字符", LIMIT_TEXT_CHARS);
	return 0;
}

int
catalog_item_draft_put(struct ctx *c, int64_t id, const json_t *elements,
    const char *change_note, bool partial, json_t **out, struct err *e)
{
	struct write_tx t;
	struct item_row r;
	json_t *canon = NULL;
	const char *impl, *handle;
	char dname[400];
	int64_t dept_id;
	int rc;

	*out = NULL;
	rc = catalog_item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	if (!catalog_can_see_drafts(c->actor, r.dept_id) &&
	    !actor_has(c->actor, ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权编辑事项");
	rc = catalog_check_edit(c->actor, r.dept_id, e);
	if (rc == 0)
		rc = catalog_check_reason(change_note, "change_note", false, e);
	if (rc == 0)
		rc = catalog_check_elements(c, elements, partial, &canon, &dept_id,
		    dname, e);
	if (rc != 0)
		return rc;
	impl = json_string_value(json_object_get(canon, "impl_code"));
	handle = json_string_value(json_object_get(canon, "handle_code"));
	if (dept_id != r.dept_id) {
		rc = err_field(e, ERR_UNPROCESSABLE, "dept", "dept_fixed",
		    "不能更改已有事项的实施主体");
		goto out;
	}
	if (strcmp(impl != NULL ? impl : "", r.impl_code) != 0 ||
	    strcmp(handle != NULL ? handle : "", r.handle_code) != 0) {
		rc = err_field(e, ERR_UNPROCESSABLE, "impl_code", "code_fixed",
		    "不能更改已有事项的实施编码或业务办理项编码");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	t.dept_id = dept_id;
	t.dept_name = dname;
	t.canon = canon;
	t.note = change_note != NULL ? change_note : "";
	rc = db_tx(c->db, catalog_draft_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, id, out, e);
out:
	json_decref(canon);
	return rc;
}

int
catalog_submit_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL, *canon = NULL;
	const char *st;
	int rc;

	rc = catalog_lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = catalog_open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	if (open == NULL)
		return err_set(e, ERR_CONFLICT, "no_draft", "没有待提交的草稿");
	st = json_string_value(json_object_get(open, "status"));
	if (strcmp(st, "submitted") == 0) {
		rc = err_set(e, ERR_CONFLICT, "already_submitted",
		    "该版本已提交审核");
		goto out;
	}
	rc = catalog_check_json(json_object_get(open, "elements"), false,
	    &canon, e);
	if (rc == 0)
		rc = catalog_files_check(db, canon, e);
	if (rc != 0)
		goto out;
	t->version_no = (int)json_integer_value(json_object_get(open,
	    "version_no"));
	rc = db_exec(db, e, "UPDATE item_versions SET status = 'submitted', "
	    "submitted_by = ?, submitted_at = ? WHERE id = ?", "iii",
	    t->c->actor->user_id, clock_now(),
	    (int64_t)json_integer_value(json_object_get(open, "id")));
	if (rc == 0)
		rc = catalog_audit_item(t->c, "item.submit", t->item_id,
		    json_pack("{s:i}", "version_no", t->version_no), e);
out:
	json_decref(canon);
	json_decref(open);
	return rc;
}

int
catalog_item_submit(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct write_tx t;
	struct item_row r;
	int rc;

	*out = NULL;
	rc = catalog_item_load(c->db, id, &r, e);
	if (rc == 0)
		rc = catalog_check_edit(c->actor, r.dept_id, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	rc = db_tx(c->db, catalog_submit_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, id, out, e);
	return rc;
}

int
catalog_reviews_list(struct ctx *c, const char *cursor, int limit,
    json_t **out, struct err *e)
{
	int64_t after_t = 0, after_id = 0;
	char next[CURSOR_MAX];
	json_t *rows, *last;

	*out = NULL;
	if (!catalog_is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以审核事项");
	if (cursor != NULL && cursor[0] != '\0' &&
	    !cursor_decode_int(cursor, &after_t, &after_id))
		return err_field(e, ERR_INVALID, "cursor", "bad_cursor",
		    "分页参数不正确");
	if (limit <= 0 || limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_DEFAULT;
	/* Oldest submission first; one row more than the page tells whether
	 * another page follows. */
	rows = db_query_json(c->db, e, "SELECT v.id AS version_id, v.item_id, "
	    "v.version_no, v.change_note, v.submitted_at, i.name, i.impl_code, "
	    "i.dept_id, d.name AS dept_name, i.status AS item_status FROM "
	    "item_versions v JOIN items i ON i.id = v.item_id JOIN departments "
	    "d ON d.id = i.dept_id WHERE v.status = 'submitted' AND "
	    "(v.submitted_at > ? OR (v.submitted_at = ? AND v.id > ?)) "
	    "ORDER BY v.submitted_at, v.id LIMIT ?", "iiii", after_t, after_t,
	    after_id, (int64_t)limit + 1);
	if (rows == NULL)
		return err_rc(e);
	if (json_array_size(rows) <= (size_t)limit) {
		*out = json_pack("{s:o, s:n}", "items", rows, "next_cursor");
		return 0;
	}
	json_array_remove(rows, (size_t)limit);
	last = json_array_get(rows, (size_t)limit - 1);
	cursor_encode_int(json_integer_value(json_object_get(last,
	    "submitted_at")), json_integer_value(json_object_get(last,
	    "version_id")), next, sizeof(next));
	*out = json_pack("{s:o, s:s}", "items", rows, "next_cursor", next);
	return 0;
}

/* Publishes the version vid (already checked) of item t->item_id, with its
 * search text and its indicator facts (facts.c), in the caller's
 * transaction. */
int
catalog_publish_version(struct db *db, struct write_tx *t, int64_t vid,
    const json_t *canon, struct err *e)
{
	struct catalog_item it;
	int64_t now = clock_now();
	int rc;

	rc = db_exec(db, e, "UPDATE item_versions SET status = 'superseded' "
	    "WHERE item_id = ? AND status = 'published'", "i", t->item_id);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE item_versions SET status = "
		    "'published', reviewed_by = ?, reviewed_at = ?, "
		    "published_at = ? WHERE id = ?", "iiii",
		    t->c->actor->user_id, now, now, vid);
	if (rc != 0)
		return rc;
	rc = catalog_parse_el(canon, &it, e);
	if (rc == 0)
		rc = catalog_item_columns_set(db, t->item_id, &it, e);
	catalog_item_release(&it);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE items SET status = 'published', "
		    "current_version_id = ? WHERE id = ?", "ii", vid, t->item_id);
	if (rc == 0)
		rc = catalog_search_put(db, t->item_id, canon, t->dept_name, e);
	if (rc == 0)
		rc = catalog_facts_put(db, vid, canon, e);
	return rc;
}

static int
publish_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL, *canon = NULL, *prev = NULL, *diff = NULL;
	struct item_row r;
	int64_t vid;
	int rc;

	rc = catalog_lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = catalog_item_load(db, t->item_id, &r, e);
	if (rc == 0)
		rc = catalog_open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	if (open == NULL || strcmp(json_string_value(json_object_get(open,
	    "status")), "submitted") != 0) {
		rc = err_set(e, ERR_CONFLICT, "not_submitted",
		    "该事项没有待审核的版本");
		goto out;
	}
	rc = catalog_check_json(json_object_get(open, "elements"), false,
	    &canon, e);
	if (rc == 0)
		rc = catalog_files_check(db, canon, e);
	if (rc != 0)
		goto out;
	t->dept_name = r.dept_name;
	vid = (int64_t)json_integer_value(json_object_get(open, "id"));
	t->version_no = (int)json_integer_value(json_object_get(open,
	    "version_no"));
	rc = catalog_published_version(db, r.current_version_id, &prev, e);
	if (rc == 0) {
		const char *note = json_string_value(json_object_get(open,
		    "change_note"));

		/* A restricting version is the hall's decision (进驻事项不得
		 * 随意撤回): a request, not a publication. */
		rc = catalog_restriction_file(t->c, db, t->item_id, r.dept_id,
		    vid, prev != NULL ? json_object_get(prev, "elements") :
		    NULL, canon, t->reason != NULL && t->reason[0] != '\0' ?
		    t->reason : note, &t->req_id, e);
	}
	if (rc != 0 || t->req_id > 0)
		goto out;
	rc = catalog_publish_version(db, t, vid, canon, e);
	if (rc != 0)
		goto out;
	diff = catalog_diff(prev != NULL ? json_object_get(prev, "elements") :
	    NULL, canon);
	rc = catalog_audit_item(t->c, "item.publish", t->item_id, json_pack(
	    "{s:i, s:i}", "version_no", t->version_no, "changes",
	    diff != NULL ? (int)json_array_size(diff) : 0), e);
out:
	json_decref(diff);
	json_decref(prev);
	json_decref(canon);
	json_decref(open);
	return rc;
}

int
catalog_item_publish(struct ctx *c, int64_t id, const char *reason,
    bool *filed, json_t **out, struct err *e)
{
	struct write_tx t;
	json_t *item = NULL, *req = NULL;
	int rc;

	*out = NULL;
	*filed = false;
	if (!catalog_is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以发布事项");
	rc = catalog_check_reason(reason, "reason", false, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	t.reason = reason;
	rc = db_tx(c->db, publish_fn, &t, e);
	if (rc == 0)
		rc = catalog_item_get(c, id, &item, e);
	if (rc != 0 || t.req_id == 0) {
		*out = item;
		return rc;
	}
	rc = requests_get(c, t.req_id, &req, e);
	if (rc != 0) {
		json_decref(item);
		return rc;
	}
	*filed = true;
	*out = json_pack("{s:o, s:o}", "request", req, "item", item);
	return 0;
}

static int
return_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL;
	int rc;

	rc = catalog_lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = catalog_open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	if (open == NULL || strcmp(json_string_value(json_object_get(open,
	    "status")), "submitted") != 0) {
		json_decref(open);
		return err_set(e, ERR_CONFLICT, "not_submitted",
		    "该事项没有待审核的版本");
	}
	t->version_no = (int)json_integer_value(json_object_get(open,
	    "version_no"));
	rc = db_exec(db, e, "UPDATE item_versions SET status = 'returned', "
	    "reviewed_by = ?, reviewed_at = ?, review_reason = ? WHERE id = ?",
	    "iisi", t->c->actor->user_id, clock_now(), t->reason,
	    (int64_t)json_integer_value(json_object_get(open, "id")));
	json_decref(open);
	if (rc == 0)
		rc = catalog_audit_item(t->c, "item.return", t->item_id, json_pack(
		    "{s:i, s:s}", "version_no", t->version_no, "reason",
		    t->reason), e);
	return rc;
}

int
catalog_item_return(struct ctx *c, int64_t id, const char *reason,
    json_t **out, struct err *e)
{
	struct write_tx t;
	struct item_row r;
	int rc;

	*out = NULL;
	if (!catalog_is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以退回事项");
	rc = catalog_check_reason(reason, "reason", true, e);
	if (rc == 0)
		rc = catalog_item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	t.reason = reason;
	rc = db_tx(c->db, return_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, id, out, e);
	return rc;
}
