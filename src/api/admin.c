/* admin.c - the administration pages' reads: the audit log and the
 * settings of the configuration (users and roles are api/users.c and the
 * hall's staff-change requests, api/hall.c).
 *
 *   GET  /api/audit?from=&to=&actor=&action=&object_type=&object_id=
 *        &dept_id=&before=&limit=  -> {items, next_before}
 *   GET  /api/audit/export?<the same filters>  -> text/csv (audited)
 *   POST /api/audit/verify {}  -> {intact, checked, bad_seq, message}
 *   GET  /api/settings  -> {items:[{key, group, value, default, source,
 *        doc, basis, rule, secret}]}  (read-only; secrets never shown) */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "service/platform/platform.h"

#define ADMIN_BODY_MAX 256

static bool
audit_filter_read(struct http_req *r, struct audit_filter *f, struct err *e)
{
	int64_t limit = 0;

	memset(f, 0, sizeof(*f));
	if (!http_query_uint(r, "dept_id", INT64_MAX, &f->dept_id, e) ||
	    !http_query_uint(r, "before", INT64_MAX, &f->before, e) ||
	    !http_query_int(r, "limit", 0, 200, false,
	    "每页条数须为 1 至 200 的整数", &limit, e))
		return false;
	f->limit = (int)limit;
	f->from = http_query(r, "from");
	f->to = http_query(r, "to");
	f->actor = http_query(r, "actor");
	f->action = http_query(r, "action");
	f->object_type = http_query(r, "object_type");
	f->object_id = http_query(r, "object_id");
	return true;
}

static void
get_audit(struct http_req *r, struct http_resp *w)
{
	struct audit_filter f;
	json_t *out = NULL;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	if (audit_filter_read(r, &f, &e))
		rc = audit_list(r->ctx, &f, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_audit_export(struct http_req *r, struct http_resp *w)
{
	struct audit_filter f;
	struct buf b;
	struct err e;
	size_t len;
	void *data;

	err_clear(&e);
	buf_init(&b, 0);
	if (!audit_filter_read(r, &f, &e) ||
	    audit_export_csv(r->ctx, &f, &b, &e) != 0) {
		buf_release(&b);
		http_error(w, &e);
		return;
	}
	http_add_disposition(r, w, "attachment", "审计日志.csv", "audit.csv");
	data = buf_detach(&b, &len);
	http_bytes(w, 200, "text/csv; charset=utf-8", data, len, true);
}

static void
post_audit_verify(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = audit_check(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_settings(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = settings_list(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

#define AUDITORS (ROLE_HALL_ADMIN | ROLE_SUPERVISOR)

const struct route api_admin_routes[] = {
	{ "GET", "/api/audit", get_audit, AUDITORS, 0 },
	{ "GET", "/api/audit/export", get_audit_export, AUDITORS, 0 },
	{ "POST", "/api/audit/verify", post_audit_verify, AUDITORS,
	    ADMIN_BODY_MAX },
	{ "GET", "/api/settings", get_settings,
	    ROLE_HALL_ADMIN | ROLE_SYSADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
