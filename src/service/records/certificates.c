/* certificates.c - the applicant's certificate library. */
#include "service/records/records.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/clock.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define MINE_MAX 500  /* one applicant's list, newest first */

int
certificate_issue(struct ctx *c, int64_t case_id, int64_t document_id,
    const char *name, struct err *e)
{
	struct db_stmt *s;
	char idbuf[24];
	int64_t holder = 0, id = 0;
	char idno[64] = "";
	json_t *sum;
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "certificate_issue outside db_tx");
	s = db_query(c->db, e, "SELECT applicant_id, applicant_idno FROM cases "
	    "WHERE id = ?", "i", case_id);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		holder = db_col_int(s, 0);
		snprintf(idno, sizeof(idno), "%s", db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
	s = db_query(c->db, e, "INSERT INTO certificates (holder_user_id, "
	    "holder_idno, case_id, document_id, name, issued_at, valid) "
	    "VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, 1) ON CONFLICT (document_id) "
	    "DO NOTHING RETURNING id", "isiisi", holder, idno, case_id,
	    document_id, name, clock_now());
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (id == 0)
		return 0;  /* already issued */
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	sum = json_pack("{s:I, s:I, s:I, s:s}", "case_id", (json_int_t)case_id,
	    "document_id", (json_int_t)document_id, "holder_user_id",
	    (json_int_t)holder, "name", name);
	rc = audit_append(c, "certificate.issue", "certificate", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
certificates_revoke_case(struct ctx *c, int64_t case_id, int *count,
    struct err *e)
{
	char idbuf[24];
	json_t *sum;
	int64_t n;
	int rc;

	if (count != NULL)
		*count = 0;
	if (!db_in_tx(c->db))
		return err_internal(e, "certificates_revoke_case outside db_tx");
	rc = db_exec(c->db, e, "UPDATE certificates SET valid = 0, "
	    "revoked_at = ? WHERE case_id = ? AND valid = 1", "ii",
	    clock_now(), case_id);
	if (rc != 0)
		return rc;
	n = db_last_changes(c->db);
	if (count != NULL)
		*count = (int)n;
	if (n == 0)
		return 0;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, case_id);
	sum = json_pack("{s:I}", "revoked", (json_int_t)n);
	rc = audit_append(c, "certificate.revoke", "case", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static int
need_applicant(struct ctx *c, struct err *e)
{
	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (!actor_has(c->actor, ROLE_APPLICANT))
		return err_set(e, ERR_FORBIDDEN, NULL, "仅申请人可以查看证照库");
	return 0;
}

static json_t *
certificates_query(struct ctx *c, bool valid_only, struct err *e)
{
	json_t *items, *v;
	size_t i;

	items = db_query_json(c->db, e, "SELECT t.id, t.name, t.case_id, "
	    "k.case_no, t.document_id, d.doc_no, d.sha256, f.content_type, "
	    "f.size, d.verify_code, p.name AS dept_name, t.issued_at, t.valid, "
	    "t.revoked_at FROM certificates t JOIN documents d ON "
	    "d.id = t.document_id JOIN cases k ON k.id = t.case_id "
	    "JOIN departments p ON p.id = d.dept_id LEFT JOIN files f ON "
	    "f.sha256 = d.sha256 WHERE t.holder_user_id = ? AND "
	    "(t.valid = 1 OR ? = 0) ORDER BY t.id DESC LIMIT ?", "iII",
	    c->actor->user_id, valid_only ? 1 : 0, MINE_MAX);
	if (items == NULL)
		return NULL;
	json_array_foreach(items, i, v) {
		json_object_set_new(v, "valid", json_boolean(
		    json_integer_value(json_object_get(v, "valid")) != 0));
	}
	return items;
}

int
certificates_mine(struct ctx *c, json_t **out, struct err *e)
{
	json_t *items;
	int rc;

	*out = NULL;
	rc = need_applicant(c, e);
	if (rc != 0)
		return rc;
	items = certificates_query(c, false, e);
	if (items == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	*out = json_pack("{s:o}", "items", items);
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

int
materials_mine(struct ctx *c, json_t **out, struct err *e)
{
	json_t *items = NULL, *ups = NULL, *certs = NULL, *v;
	bool cut;
	size_t i;
	int rc;

	*out = NULL;
	rc = need_applicant(c, e);
	if (rc != 0)
		return rc;
	rc = uploads_mine(c, &ups, &cut, e);
	if (rc != 0)
		return rc;
	certs = certificates_query(c, true, e);
	if (certs == NULL) {
		json_decref(ups);
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	}
	items = json_array();
	json_array_foreach(ups, i, v) {
		json_object_set_new(v, "source", json_string("upload"));
		json_array_append(items, v);
	}
	json_array_foreach(certs, i, v) {
		json_array_append_new(items, json_pack("{s:s, s:O, s:O, s:O, "
		    "s:O, s:O, s:O, s:O, s:O}", "source", "certificate",
		    "sha256", json_object_get(v, "sha256"),
		    "name", json_object_get(v, "name"),
		    "content_type", json_object_get(v, "content_type"),
		    "size", json_object_get(v, "size"),
		    "created_at", json_object_get(v, "issued_at"),
		    "certificate_id", json_object_get(v, "id"),
		    "doc_no", json_object_get(v, "doc_no"),
		    "dept_name", json_object_get(v, "dept_name")));
	}
	json_decref(ups);
	json_decref(certs);
	/* uploads_cut: only the latest UPLOADS_MINE_MAX uploads are listed. */
	*out = json_pack("{s:o, s:b, s:i}", "items", items, "uploads_cut", cut,
	    "uploads_max", UPLOADS_MINE_MAX);
	return 0;
}
