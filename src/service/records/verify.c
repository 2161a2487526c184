/* verify.c - verifying a document by its code or its bytes. */
#include "service/records/documents_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "docs/pdf.h"
#include "docs/sm3.h"
#include "service/platform/platform.h"
#include "store/db.h"

/* --- verification --- */

static json_t *
verify_row(struct ctx *c, const char *by, const char *key, struct err *e)
{
	if (strcmp(by, "code") == 0)
		return db_query_row(c->db, e, "SELECT d.id, d.case_id, "
		    "d.dept_id, d.kind, d.doc_no, d.status, d.doc_date, "
		    "d.verify_code, d.sha256, d.sm3, d.signature, d.ready_at, "
		    "k.case_no, k.applicant_kind, k.applicant_name, "
		    "p.name AS dept_name, s.name AS seal_name, "
		    "u.signed_at FROM documents d JOIN cases k ON "
		    "k.id = d.case_id JOIN departments p ON p.id = d.dept_id "
		    "LEFT JOIN seals s ON s.id = d.seal_id LEFT JOIN seal_usage "
		    "u ON u.id = d.seal_usage_id WHERE d.verify_code = ?", "s",
		    key);
	return db_query_row(c->db, e, "SELECT d.id, d.case_id, "
	    "d.dept_id, d.kind, d.doc_no, d.status, d.doc_date, "
	    "d.verify_code, d.sha256, d.sm3, d.signature, d.ready_at, "
	    "k.case_no, k.applicant_kind, k.applicant_name, "
	    "p.name AS dept_name, s.name AS seal_name, "
	    "u.signed_at FROM documents d JOIN cases k ON "
	    "k.id = d.case_id JOIN departments p ON p.id = d.dept_id "
	    "LEFT JOIN seals s ON s.id = d.seal_id LEFT JOIN seal_usage "
	    "u ON u.id = d.seal_usage_id WHERE d.sm3 = ? AND "
	    "d.status = 'ready' ORDER BY d.id LIMIT 1", "s", key);
}

/* The public description of a document row. */
static json_t *
verify_meta(struct ctx *c, json_t *row, struct err *e)
{
	char organ[256], masked[256];
	json_t *o, *cert;
	const char *st = document_str(row, "status");

	document_organ_name(document_str(row, "dept_name"), organ, sizeof(organ));
	document_mask_name(document_str(row, "applicant_name"),
	    strcmp(document_str(row, "applicant_kind"), "E") != 0, masked,
	    sizeof(masked));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "kind", document_str(row, "kind"),
	    "kind_label", document_kind_label(document_str(row, "kind")),
	    "doc_no", document_str(row, "doc_no"),
	    "dept_name", organ,
	    "date", document_str(row, "doc_date"),
	    "case_no", document_str(row, "case_no"),
	    "applicant", masked,
	    "status", strcmp(st, "rendering") == 0 ? "pending" : st,
	    "verify_code", document_str(row, "verify_code"));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "seal_name", document_has(row, "seal_name") ?
	    json_string(document_str(row, "seal_name")) : json_null());
	json_object_set_new(o, "signed_at", document_has(row, "signed_at") ?
	    json_integer(document_num(row, "signed_at")) : json_null());
	if (strcmp(document_str(row, "kind"), DOC_CERTIFICATE) == 0) {
		cert = db_query_row(c->db, e, "SELECT name, valid, revoked_at "
		    "FROM certificates WHERE document_id = ?", "i",
		    document_num(row, "id"));
		if (cert != NULL) {
			json_object_set_new(cert, "valid", json_boolean(
			    document_num(cert, "valid") != 0));
			json_object_set_new(o, "certificate", cert);
		} else
			err_clear(e);
	}
	return o;
}

static bool
cert_revoked(json_t *meta)
{
	json_t *cert = json_object_get(meta, "certificate");

	return cert != NULL && !json_is_true(json_object_get(cert, "valid"));
}

int
document_verify_code(struct ctx *c, const char *code, json_t **out,
    struct err *e)
{
	char norm[DOC_CODE_LEN + 1], sm3[SM3_HEX_LEN + 1] = "", organ[256];
	char msg[512];
	json_t *row = NULL, *o = NULL;
	bool matches = false, sigok = false, valid = false;
	void *data = NULL;
	size_t len = 0;
	struct err fe;
	int rc;

	*out = NULL;
	if (!document_code_normalise(code, norm))
		return err_set(e, ERR_NOT_FOUND, "document_unknown",
		    "未找到该验证码对应的文书，请核对验证码");
	row = verify_row(c, "code", norm, e);
	if (row == NULL) {
		if (e->code == ERR_NOT_FOUND)
			return err_set(e, ERR_NOT_FOUND, "document_unknown",
			    "未找到该验证码对应的文书，请核对验证码");
		return err_rc(e);
	}
	o = verify_meta(c, row, e);
	if (o == NULL) {
		rc = err_internal(e, "out of memory");
		goto out;
	}
	document_organ_name(document_str(row, "dept_name"), organ, sizeof(organ));
	if (strcmp(document_str(row, "status"), "ready") != 0) {
		snprintf(msg, sizeof(msg), "%s", strcmp(document_str(row, "status"),
		    "failed") == 0 ? "该文书未能生成，不具有效力" :
		    "该文书正在制作中，请稍后再查验");
		goto answer;
	}
	err_clear(&fe);
	/* The stored bytes, digested and checked again every time. */
	if (file_read(c, document_str(row, "sha256"), &data, &len, &fe) != 0) {
		log_error("documents: verify %s: stored file %s: %s",
		    document_str(row, "doc_no"), document_str(row, "sha256"), fe.msg);
	} else {
		sm3_hex(data, len, sm3);
		matches = strcmp(sm3, document_str(row, "sm3")) == 0;
		sigok = seal_verify(c, document_num(row, "dept_id"), data, len,
		    document_str(row, "signature"), NULL, &fe) == 0;
	}
	valid = matches && sigok && !cert_revoked(o);
	if (valid)
		snprintf(msg, sizeof(msg), "验证通过：该文书由%s出具，签章有效",
		    organ);
	else if (matches && sigok)
		snprintf(msg, sizeof(msg), "该证照已被撤销，不再有效");
	else
		snprintf(msg, sizeof(msg), "验证未通过：存档文书与签章不符，"
		    "请勿采信，并向%s核实", organ);
answer:
	json_object_set_new(o, "valid", json_boolean(valid));
	json_object_set_new(o, "sm3", sm3[0] != '\0' ? json_string(sm3) :
	    document_has(row, "sm3") ? json_string(document_str(row, "sm3")) : json_null());
	json_object_set_new(o, "sm3_matches", json_boolean(matches));
	json_object_set_new(o, "signature_valid", json_boolean(sigok));
	json_object_set_new(o, "message", json_string(msg));
	*out = o;
	o = NULL;
	rc = 0;
out:
	free(data);
	json_decref(o);
	json_decref(row);
	return rc;
}

int
document_verify_bytes(struct ctx *c, const void *data, size_t len,
    const char *code, json_t **out, struct err *e)
{
	char norm[DOC_CODE_LEN + 1], sm3[SM3_HEX_LEN + 1], organ[256];
	char msg[512];
	json_t *row = NULL, *meta = NULL;
	bool matches = false, sigok = false, valid = false;
	struct err fe;

	*out = NULL;
	if (data == NULL || len == 0)
		return err_set(e, ERR_INVALID, "empty_file",
		    "请上传需要查验的文书文件");
	if (sm3_hex(data, len, sm3) != 0)
		return err_internal(e, "sm3 unavailable");
	if (code != NULL && code[0] != '\0') {
		if (!document_code_normalise(code, norm))
			return err_set(e, ERR_NOT_FOUND, "document_unknown",
			    "未找到该验证码对应的文书，请核对验证码");
		row = verify_row(c, "code", norm, e);
	} else
		row = verify_row(c, "sm3", sm3, e);
	if (row == NULL && e->code != ERR_NOT_FOUND)
		return err_rc(e);
	if (row == NULL && code != NULL && code[0] != '\0')
		return err_set(e, ERR_NOT_FOUND, "document_unknown",
		    "未找到该验证码对应的文书，请核对验证码");
	err_clear(e);
	if (row != NULL) {
		meta = verify_meta(c, row, e);
		document_organ_name(document_str(row, "dept_name"), organ, sizeof(organ));
		err_clear(&fe);
		matches = strcmp(document_str(row, "status"), "ready") == 0 &&
		    strcmp(sm3, document_str(row, "sm3")) == 0;
		sigok = matches && seal_verify(c, document_num(row, "dept_id"), data,
		    len, document_str(row, "signature"), NULL, &fe) == 0;
		valid = matches && sigok && !cert_revoked(meta);
	}
	if (valid)
		snprintf(msg, sizeof(msg), "验证通过：该文件与%s出具的登记文书"
		    "完全一致，签章有效", organ);
	else if (row == NULL)
		snprintf(msg, sizeof(msg), "验证未通过：未找到与该文件一致的登记"
		    "文书，文件可能被修改，或并非本系统出具");
	else if (matches && sigok)
		snprintf(msg, sizeof(msg), "该证照已被撤销，不再有效");
	else
		snprintf(msg, sizeof(msg), "验证未通过：该文件与登记的文书不一致，"
		    "可能已被修改");
	*out = json_pack("{s:b, s:s, s:s, s:b, s:b, s:o}", "valid", valid,
	    "message", msg, "sm3", sm3, "sm3_matches", matches,
	    "signature_valid", sigok, "document",
	    meta != NULL ? meta : json_null());
	json_decref(row);
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

int
document_render_png(struct ctx *c, int64_t doc_id, int page,
    const char *path, struct err *e)
{
	const struct actor *a = c->actor;
	struct document_text t;
	json_t *row;
	int rc;

	row = document_load_row(c, doc_id, e);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "document_not_found", "文书不存在") : err_rc(e);
	if (a == NULL || !(a->kind == ACTOR_SYSTEM || (a->kind == ACTOR_STAFF &&
	    (actor_has(a, ROLE_HALL_ADMIN | ROLE_SYSADMIN) ||
	    a->dept_id == document_num(row, "dept_id"))))) {
		json_decref(row);
		return err_set(e, ERR_NOT_FOUND, "document_not_found",
		    "文书不存在");
	}
	rc = document_build_text(c, row, &t, e);
	if (rc == 0)
		rc = document_assemble(c, row, &t, e);
	if (rc == 0)
		rc = pdf_render_png(&t.doc, page, 2.0, path, NULL, e);
	document_text_free(&t);
	json_decref(row);
	return rc;
}
