/* render.c - rendering queued documents to sealed, signed PDF. */
#include "service/records/documents_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "docs/pdf.h"
#include "docs/sm3.h"
#include "service/platform/platform.h"
#include "store/db.h"

static const char MSG_NO_SEAL[] = "部门尚未配置审批专用章";

static documents_ready_fn ready_hook;

void
documents_ready_hook_set(documents_ready_fn fn)
{
	ready_hook = fn;
}

/* --- rendering --- */

static int
render_row(struct ctx *c, json_t *row, struct buf *pdf, struct err *e)
{
	struct document_text t;
	int rc;

	rc = document_build_text(c, row, &t, e);
	if (rc == 0)
		rc = document_assemble(c, row, &t, e);
	if (rc == 0)
		rc = pdf_render(&t.doc, pdf, e);
	document_text_free(&t);
	return rc;
}

/* Puts a claimed document back: pending again after delay seconds, or
 * failed for good after DOC_MAX_ATTEMPTS. counted says whether this try
 * counts as an attempt (a missing seal does not). */
static void
release(struct ctx *c, int64_t id, const char *msg, int delay, bool counted,
    bool final)
{
	struct err e;
	int rc;

	err_clear(&e);
	if (final)
		rc = db_exec(c->db, &e, "UPDATE documents SET status = 'failed', "
		    "error = ? WHERE id = ? AND status = 'rendering'", "si", msg,
		    id);
	else
		rc = db_exec(c->db, &e, "UPDATE documents SET status = "
		    "'pending', error = ?, next_try_at = ?, attempts = attempts "
		    "- ? WHERE id = ? AND status = 'rendering'", "siIi", msg,
		    clock_now() + delay, counted ? 0 : 1, id);
	if (rc != 0)
		log_error("documents: cannot release document %" PRId64 ": %s",
		    id, e.msg);
}

struct ready_tx {
	struct ctx *c;
	json_t *row;
	const char *sha256;
	size_t size;
	const char *cert_name;
};

static int
ready_fn(struct db *db, void *arg, struct err *e)
{
	struct ready_tx *t = arg;
	char sig[SM2_SIG_HEX_MAX + 1], sm3[SM3_HEX_LEN + 1], idbuf[24];
	int64_t usage = 0, seal_id = 0, id = document_num(t->row, "id");
	int64_t dept = document_num(t->row, "dept_id");
	void *bytes = NULL;
	size_t len = 0;
	json_t *sum;
	int rc;

	/* Sign the bytes as stored, read back from the file. */
	rc = file_read(t->c, t->sha256, &bytes, &len, e);
	if (rc != 0)
		return rc;
	rc = seal_sign(t->c, dept, document_str(t->row, "kind"), document_str(t->row, "doc_no"),
	    bytes, len, sig, sm3, &usage, e);
	free(bytes);
	if (rc != 0)
		return rc;
	rc = db_query_int(db, e, &seal_id, "SELECT seal_id FROM seal_usage "
	    "WHERE id = ?", "i", usage);
	if (rc < 0)
		return rc;
	rc = db_exec(db, e, "UPDATE documents SET status = 'ready', "
	    "sha256 = ?, size = ?, sm3 = ?, signature = ?, seal_id = ?, "
	    "seal_usage_id = ?, error = '', ready_at = ? WHERE id = ? AND "
	    "status = 'rendering'", "sissiiii", t->sha256, (int64_t)t->size,
	    sm3, sig, seal_id, usage, clock_now(), id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "document_not_claimed",
		    "文书已由其他进程处理");
	if (strcmp(document_str(t->row, "kind"), DOC_CERTIFICATE) == 0) {
		rc = certificate_issue(t->c, document_num(t->row, "case_id"), id,
		    t->cert_name, e);
		if (rc != 0)
			return rc;
	}
	if (ready_hook != NULL) {
		rc = ready_hook(t->c, document_num(t->row, "case_id"),
		    document_str(t->row, "kind"), e);
		if (rc != 0)
			return rc;
	}
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	sum = json_pack("{s:I, s:s, s:s, s:s, s:s}", "case_id",
	    (json_int_t)document_num(t->row, "case_id"), "kind", document_str(t->row, "kind"),
	    "doc_no", document_str(t->row, "doc_no"), "sha256", t->sha256, "sm3", sm3);
	rc = audit_append(t->c, "document.ready", "document", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

/* Renders, stores and seals one claimed document. Returns 1 when it became
 * ready, 0 when it was put back or failed (already recorded). */
static int
render_one(struct ctx *c, int64_t id)
{
	struct buf pdf;
	struct ready_tx t;
	struct err e;
	char sha[65], ctype[32], fname[320], cert[256] = "";
	json_t *row, *el;
	int64_t one = 0;
	int rc, attempts;

	err_clear(&e);
	buf_init(&pdf, PDF_MAX_BYTES);
	row = document_load_row(c, id, &e);
	if (row == NULL) {
		log_error("documents: document %" PRId64 ": %s", id, e.msg);
		release(c, id, "文书数据不完整", 60, true, false);
		return 0;
	}
	attempts = (int)document_num(row, "attempts");
	rc = db_query_int(c->db, &e, &one, "SELECT 1 FROM seals WHERE "
	    "dept_id = ? AND active = 1", "i", document_num(row, "dept_id"));
	if (rc == DB_DONE) {
		if (strcmp(document_str(row, "error"), MSG_NO_SEAL) != 0)
			log_warn("documents: %s (%s) waits: department %" PRId64
			    " (%s) has no approval seal; create one with "
			    "`onetrip seal create --dept %" PRId64 "`",
			    document_str(row, "doc_no"), document_str(row, "kind"),
			    document_num(row, "dept_id"), document_str(row, "dept_name"),
			    document_num(row, "dept_id"));
		release(c, id, MSG_NO_SEAL, DOC_NO_SEAL_RETRY_S, false, false);
		goto out;
	}
	if (rc < 0)
		goto fail;
	rc = render_row(c, row, &pdf, &e);
	if (rc != 0)
		goto fail;
	snprintf(fname, sizeof(fname), "%s-%s.pdf",
	    document_kind_label(document_str(row, "kind")), document_str(row, "doc_no"));
	rc = file_store(c, pdf.data, pdf.len, fname, true, sha, ctype, &e);
	if (rc != 0)
		goto fail;
	el = json_loads(document_str(row, "elements"), 0, NULL);
	snprintf(cert, sizeof(cert), "%s", document_str(el, "result_name")[0] != '\0' ?
	    document_str(el, "result_name") : document_str(row, "item_name"));
	json_decref(el);
	t.c = c;
	t.row = row;
	t.sha256 = sha;
	t.size = pdf.len;
	t.cert_name = cert;
	rc = db_tx(c->db, ready_fn, &t, &e);
	if (rc == -ERR_UNPROCESSABLE && strcmp(e.key, "no_seal") == 0) {
		release(c, id, MSG_NO_SEAL, DOC_NO_SEAL_RETRY_S, false, false);
		goto out;
	}
	if (rc == -ERR_CONFLICT && strcmp(e.key, "document_not_claimed") == 0)
		goto out;
	if (rc != 0)
		goto fail;
	log_info("documents: %s %s ready (case %" PRId64 ", %zu bytes)",
	    document_str(row, "kind"), document_str(row, "doc_no"), document_num(row, "case_id"),
	    pdf.len);
	json_decref(row);
	buf_release(&pdf);
	return 1;
fail:
	log_error("documents: document %" PRId64 " (%s) attempt %d failed: %s",
	    id, document_str(row, "doc_no"), attempts, e.msg);
	release(c, id, e.msg[0] != '\0' ? e.msg : "文书生成失败",
	    10 * attempts, true, attempts >= DOC_MAX_ATTEMPTS);
out:
	json_decref(row);
	buf_release(&pdf);
	return 0;
}

int
documents_render_pending(struct ctx *c, int max, int *done, struct err *e)
{
	return documents_render_shard(c, max, 0, 1, done, e);
}

int
documents_render_shard(struct ctx *c, int max, int shard, int shards,
    int *done, struct err *e)
{
	json_t *ids, *v;
	int64_t now = clock_now(), stale = 0;
	size_t i;
	int rc;

	if (done != NULL)
		*done = 0;
	if (max <= 0)
		max = 20;
	/* A claim left by a server that died while rendering (looked for
	 * first, so that an idle round writes nothing). */
	rc = db_query_int(c->db, e, &stale, "SELECT COUNT(*) FROM documents "
	    "WHERE status = 'rendering' AND claimed_at < ?", "i",
	    now - DOC_STALE_S);
	if (rc < 0)
		return rc;
	if (stale > 0) {
		rc = db_exec(c->db, e, "UPDATE documents SET status = 'pending' "
		    "WHERE status = 'rendering' AND claimed_at < ?", "i",
		    now - DOC_STALE_S);
		if (rc != 0)
			return rc;
		log_warn("documents: %" PRId64 " abandoned rendering claim(s) "
		    "released", stale);
	}
	if (shards < 1 || shard < 0 || shard >= shards)
		return err_internal(e, "documents: shard %d of %d", shard,
		    shards);
	ids = db_query_json(c->db, e, "SELECT id FROM documents WHERE "
	    "status = 'pending' AND next_try_at <= ? AND id % ? = ? "
	    "ORDER BY id LIMIT ?", "iiiI", now, (int64_t)shards,
	    (int64_t)shard, max);
	if (ids == NULL)
		return err_rc(e);
	json_array_foreach(ids, i, v) {
		int64_t id = document_num(v, "id");

		/* Claim it: of two servers, only one changes the row. */
		rc = db_exec(c->db, e, "UPDATE documents SET status = "
		    "'rendering', claimed_at = ?, attempts = attempts + 1 WHERE "
		    "id = ? AND status = 'pending'", "ii", clock_now(), id);
		if (rc != 0) {
			json_decref(ids);
			return rc;
		}
		if (db_last_changes(c->db) != 1)
			continue;
		if (render_one(c, id) == 1 && done != NULL)
			(*done)++;
	}
	json_decref(ids);
	return 0;
}
