/* catalog.c - catalogue management over HTTP (staff): items, versions,
 * review, withdrawals, blank forms, import and export.
 *
 *   GET  /api/items?dept_id=&status=&type=&theme=&q=&cursor=&limit=
 *   GET  /api/items?indicator=KEY&met=0|1&dept_id= (items behind a figure)
 *   GET  /api/indicators?formula=mean|sum&as_of=YYYY-MM-DD
 *   POST /api/items {elements, partial?} -> 201 {item, draft}
 *   GET  /api/items/:id -> {item, published, draft}
 *   PUT  /api/items/:id/draft {elements, change_note?, partial?}
 *   POST /api/items/:id/submit | /publish | /return {reason}
 *        (/publish of a restricting version: 202 {request, item}, the hall
 *        decides it on the request queue)
 *   GET  /api/reviews
 *   GET  /api/items/:id/versions   GET /api/items/:id/versions/:no
 *   GET  /api/items/:id/diff?from=N&to=M
 *   POST /api/items/:id/withdrawals {scope, reason}
 *   GET  /api/withdrawals?status=&cursor=
 *   POST /api/withdrawals/:id/approve {reason?} | /reject {reason}
 *   POST /api/files?name= (raw body) -> 201 {sha256, content_type, size}
 *   GET  /api/catalog/export?format=csv|xlsx
 *   POST /api/catalog/import (text/csv) -> {imported} | 422 {error, rows} */
#include "http/http.h"

#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "service/catalog/catalog.h"
#include "service/records/records.h"
#include "service/stats/stats.h"

#define ITEM_BODY_MAX ((size_t)512 << 10)
#define SMALL_BODY_MAX 16384
#define IMPORT_BODY_MAX ((size_t)16 << 20)
#define FILE_BODY_MAX ((size_t)LIMIT_UPLOAD_FILE)

static bool
item_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "item_not_found", "事项不存在", id, e);
}

static bool
list_filter(struct http_req *r, struct item_filter *f, struct err *e)
{
	int64_t limit = 0;

	memset(f, 0, sizeof(*f));
	if (!http_query_uint(r, "dept_id", INT64_MAX, &f->dept_id, e) ||
	    !http_query_uint(r, "limit", INT64_MAX, &limit, e) ||
	    !http_query_int(r, "cursor", 0, INT64_MAX, false, "cursor 不正确",
	    &f->after_id, e))
		return false;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	f->limit = (int)limit;
	f->status = http_query(r, "status");
	f->type = http_query(r, "type");
	f->theme = http_query(r, "theme");
	f->object = http_query(r, "object");
	f->q = http_query(r, "q");
	return true;
}

/* GET /api/indicators?formula=mean|sum&as_of= (as of the end of a past
 * date, from the item version history) */
static void
get_indicators(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = reform_indicators_at(r->ctx, http_query(r, "formula"),
	    http_query(r, "as_of"), &out, &e);
	http_reply(w, rc, 200, out, &e);
}

/* GET /api/items?indicator=KEY&met=0|1&dept_id=: the items behind a figure. */
static void
get_indicator_items(struct http_req *r, struct http_resp *w)
{
	const char *met_s = http_query(r, "met");
	json_t *out = NULL;
	int64_t dept = 0;
	struct err e;
	int met = -1, rc;

	err_clear(&e);
	if (met_s != NULL && strcmp(met_s, "0") != 0 && strcmp(met_s, "1") != 0) {
		err_field(&e, ERR_INVALID, "met", NULL, "met 只能是 0 或 1");
		http_error(w, &e);
		return;
	}
	if (met_s != NULL)
		met = met_s[0] - '0';
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	rc = reform_indicator_items_at(r->ctx, http_query(r, "indicator"), met,
	    dept, http_query(r, "as_of"), &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_items(struct http_req *r, struct http_resp *w)
{
	struct item_filter f;
	json_t *out = NULL;
	struct err e;
	int rc;

	if (http_query(r, "indicator") != NULL) {
		get_indicator_items(r, w);
		return;
	}
	err_clear(&e);
	rc = list_filter(r, &f, &e) ? catalog_items_list(r->ctx, &f, &out, &e)
	    : -(int)e.code;
	http_reply(w, rc, 200, out, &e);
}

static bool
partial_flag(struct http_req *r)
{
	return json_is_true(json_object_get(r->json, "partial"));
}

static void
post_items(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (http_body_object(r, &e))
		rc = catalog_item_create(r->ctx, json_object_get(r->json,
		    "elements"), partial_flag(r), &out, &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_item(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (item_id(r, &id, &e))
		rc = catalog_item_get(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
put_draft(struct http_req *r, struct http_resp *w)
{
	const char *note;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (item_id(r, &id, &e) && http_body_object(r, &e) &&
	    http_body_str(r, "change_note", 0, &note, &e))
		rc = catalog_item_draft_put(r->ctx, id, json_object_get(r->json,
		    "elements"), note, partial_flag(r), &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_submit(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (item_id(r, &id, &e))
		rc = catalog_item_submit(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_publish(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	const char *reason = NULL;
	bool filed = false;

	err_clear(&e);
	if (item_id(r, &id, &e) && http_body_str(r, "reason", 0, &reason, &e))
		rc = catalog_item_publish(r->ctx, id, reason, &filed, &out, &e);
	http_reply(w, rc, filed ? 202 : 200, out, &e);
}

static void
post_return(struct http_req *r, struct http_resp *w)
{
	const char *reason;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (item_id(r, &id, &e) && http_body_str(r, "reason", 0, &reason, &e))
		rc = catalog_item_return(r->ctx, id, reason, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_reviews(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		rc = catalog_reviews_list(r->ctx, http_query(r, "cursor"),
		    (int)limit, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_versions(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (item_id(r, &id, &e))
		rc = catalog_item_versions(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_version(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id, no = http_param_id(r, "no");
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (item_id(r, &id, &e)) {
		if (no <= 0 || no > 1000000)
			rc = err_set(&e, ERR_NOT_FOUND, "version_not_found",
			    "版本不存在");
		else
			rc = catalog_item_version(r->ctx, id, (int)no, &out,
			    &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
get_diff(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id, from = 0, to = 0;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (item_id(r, &id, &e) && http_query_uint(r, "from", INT64_MAX, &from, &e) &&
	    http_query_uint(r, "to", INT64_MAX, &to, &e)) {
		if (from > 1000000 || to > 1000000 || to == 0)
			rc = err_field(&e, ERR_INVALID, "to", NULL,
			    "请用 from 和 to 指定要比较的版本号");
		else
			rc = catalog_item_diff(r->ctx, id, (int)from, (int)to,
			    &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
post_withdrawal(struct http_req *r, struct http_resp *w)
{
	const char *scope, *reason;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (item_id(r, &id, &e) && http_body_object(r, &e) &&
	    http_body_str(r, "scope", 0, &scope, &e) &&
	    http_body_str(r, "reason", 0, &reason, &e))
		rc = catalog_withdrawal_request(r->ctx, id, scope, reason, &out,
		    &e);
	http_reply(w, rc, 201, out, &e);
}

static void
get_withdrawals(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = catalog_withdrawals_page(r->ctx, http_query(r, "status"),
	    http_query(r, "cursor"), 0, &out,
	    &e);
	http_reply(w, rc, 200, out, &e);
}

static void
decide_withdrawal(struct http_req *r, struct http_resp *w, bool approve)
{
	const char *reason;
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (http_path_id(r, "id", NULL, "撤回申请不存在", &id, &e) &&
	    http_body_str(r, "reason", 0, &reason, &e))
		rc = catalog_withdrawal_decide(r->ctx, id, approve, reason,
		    &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_wd_approve(struct http_req *r, struct http_resp *w)
{
	decide_withdrawal(r, w, true);
}

static void
post_wd_reject(struct http_req *r, struct http_resp *w)
{
	decide_withdrawal(r, w, false);
}

static void
post_files(struct http_req *r, struct http_resp *w)
{
	char sha[65], ctype[32];
	struct err e;

	err_clear(&e);
	if (!actor_has(((const struct ctx *)r->ctx)->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN)) {
		err_set(&e, ERR_FORBIDDEN, NULL, "无权上传事项文件");
		goto fail;
	}
	if (r->body == NULL || r->body_len == 0) {
		err_set(&e, ERR_INVALID, "empty_file", "文件内容为空");
		goto fail;
	}
	if (file_store(r->ctx, r->body, r->body_len, http_query(r, "name"),
	    false, sha, ctype, &e) != 0 ||
	    catalog_file_register(r->ctx, sha, http_query(r, "name"), &e) != 0)
		goto fail;
	http_json(w, 201, json_pack("{s:s, s:s, s:I}", "sha256", sha,
	    "content_type", ctype, "size", (json_int_t)r->body_len));
	return;
fail:
	http_error(w, &e);
}

static void
get_export(struct http_req *r, struct http_resp *w)
{
	struct buf b;
	const char *ctype = NULL, *fmt = http_query(r, "format");
	bool xlsx = fmt != NULL && strcmp(fmt, "xlsx") == 0;
	struct err e;
	size_t len;
	void *data;

	err_clear(&e);
	buf_init(&b, 0);
	if (catalog_export(r->ctx, fmt, &b, &ctype, &e) != 0) {
		buf_release(&b);
		http_error(w, &e);
		return;
	}
	http_add_header(r, w, "Content-Disposition", xlsx ?
	    "attachment; filename=\"catalog.xlsx\"" :
	    "attachment; filename=\"catalog.csv\"");
	data = buf_detach(&b, &len);
	http_bytes(w, 200, ctype, data, len, true);
}

static void
post_import(struct http_req *r, struct http_resp *w)
{
	json_t *rows = NULL, *out;
	int imported = 0;
	struct err e;

	err_clear(&e);
	if (catalog_import_csv(r->ctx, r->body != NULL ? r->body : "",
	    r->body_len, &imported, &rows, &e) != 0) {
		out = json_pack("{s:{s:s, s:s}, s:o}", "error", "code", e.key,
		    "message", e.msg, "rows", rows != NULL ? rows : json_array());
		if (e.field[0] != '\0')
			json_object_set_new(json_object_get(out, "error"),
			    "field", json_string(e.field));
		http_json(w, http_status_for(e.code), out);
		return;
	}
	http_json(w, 200, json_pack("{s:i}", "imported", imported));
}

#define STAFF (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)

const struct route api_catalog_routes[] = {
	{ "GET", "/api/items", get_items, STAFF, 0 },
	{ "GET", "/api/indicators", get_indicators, STAFF, 0 },
	{ "POST", "/api/items", post_items, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN,
	    ITEM_BODY_MAX },
	{ "GET", "/api/items/:id", get_item, STAFF, 0 },
	{ "PUT", "/api/items/:id/draft", put_draft,
	    ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN, ITEM_BODY_MAX },
	{ "POST", "/api/items/:id/submit", post_submit,
	    ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN, SMALL_BODY_MAX },
	{ "POST", "/api/items/:id/publish", post_publish, ROLE_HALL_ADMIN,
	    SMALL_BODY_MAX },
	{ "POST", "/api/items/:id/return", post_return, ROLE_HALL_ADMIN,
	    SMALL_BODY_MAX },
	{ "GET", "/api/reviews", get_reviews, ROLE_HALL_ADMIN, 0 },
	{ "GET", "/api/items/:id/versions", get_versions, STAFF, 0 },
	{ "GET", "/api/items/:id/versions/:no", get_version, STAFF, 0 },
	{ "GET", "/api/items/:id/diff", get_diff, STAFF, 0 },
	{ "POST", "/api/items/:id/withdrawals", post_withdrawal,
	    ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN, SMALL_BODY_MAX },
	{ "GET", "/api/withdrawals", get_withdrawals, STAFF, 0 },
	{ "POST", "/api/withdrawals/:id/approve", post_wd_approve,
	    ROLE_HALL_ADMIN, SMALL_BODY_MAX },
	{ "POST", "/api/withdrawals/:id/reject", post_wd_reject,
	    ROLE_HALL_ADMIN, SMALL_BODY_MAX },
	{ "POST", "/api/files", post_files, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN,
	    FILE_BODY_MAX },
	{ "GET", "/api/catalog/export", get_export, STAFF, 0 },
	{ "POST", "/api/catalog/import", post_import, ROLE_HALL_ADMIN,
	    IMPORT_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
