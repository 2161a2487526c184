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

/* Documents made ready per transaction: one commit for several, while the
 * writer is held only for their statements (the signing is done before). */
#define READY_BATCH 10

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

/* One claimed document on its way: rendered and written, then made
 * ready in its transaction. */
struct job {
	struct ctx *c;
	int64_t id;
	json_t *row;
	struct buf pdf;
	int attempts;
	char sha[65];
	char fname[320];
	char cert[256];
	struct seal_sig sg; /* the signature, made before the transaction */
};

static int
ready_fn(struct db *db, void *arg, struct err *e)
{
	struct job *t = arg;
	const char *sm3 = t->sg.sm3, *sig = t->sg.sig;
	char idbuf[24];
	int64_t usage = 0, id = t->id;
	int64_t dept = document_num(t->row, "dept_id");
	json_t *sum;
	int rc;

	/* The file's row, in the same transaction (the bytes are on disk:
	 * file_sync() ran). */
	rc = file_record(t->c, t->sha, t->pdf.len, t->fname, e);
	if (rc != 0)
		return rc;
	/* The signature (made before, over the bytes as stored: the ones
	 * written, which the file's name, their sha256, stands for) goes
	 * into the seal's ledger. */
	rc = seal_sign_record(t->c, dept, document_str(t->row, "kind"),
	    document_str(t->row, "doc_no"), &t->sg, &usage, e);
	if (rc != 0)
		return rc;
	/* The seal that signed (t->sg.seal_id): seal_sign_record() checked
	 * it is still the department's active one. */
	rc = db_exec(db, e, "UPDATE documents SET status = 'ready', "
	    "sha256 = ?, size = ?, sm3 = ?, signature = ?, seal_id = ?, "
	    "seal_usage_id = ?, error = '', ready_at = ? WHERE id = ? AND "
	    "status = 'rendering'", "sissiiii", t->sha, (int64_t)t->pdf.len,
	    sm3, sig, t->sg.seal_id, usage, clock_now(), id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "document_not_claimed",
		    "文书已由其他进程处理");
	if (strcmp(document_str(t->row, "kind"), DOC_CERTIFICATE) == 0) {
		rc = certificate_issue(t->c, document_num(t->row, "case_id"), id,
		    t->cert, e);
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
	/* The file too (file_record() recorded none): its sha256, size and
	 * name. */
	sum = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "case_id",
	    (json_int_t)document_num(t->row, "case_id"), "kind",
	    document_str(t->row, "kind"), "doc_no",
	    document_str(t->row, "doc_no"), "sha256", t->sha, "size",
	    (json_int_t)t->pdf.len, "name", t->fname, "sm3", sm3);
	rc = audit_append(t->c, "document.ready", "document", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static void
job_fail(struct job *j, struct err *e)
{
	log_error("documents: document %" PRId64 " (%s) attempt %d failed: %s",
	    j->id, document_str(j->row, "doc_no"), j->attempts, e->msg);
	release(j->c, j->id, e->msg[0] != '\0' ? e->msg : "文书生成失败",
	    10 * j->attempts, true, j->attempts >= DOC_MAX_ATTEMPTS);
}

/* Renders one claimed document and writes its file (not yet synced).
 * Returns 1 when it is ready to be signed, 0 when it was put back or
 * failed (already recorded). */
static int
job_prepare(struct job *j)
{
	struct ctx *c = j->c;
	struct err e;
	int64_t one = 0, days;
	int rc;

	err_clear(&e);
	j->row = document_load_row(c, j->id, &e);
	if (j->row == NULL) {
		log_error("documents: document %" PRId64 ": %s", j->id, e.msg);
		release(c, j->id, "文书数据不完整", 60, true, false);
		return 0;
	}
	j->attempts = (int)document_num(j->row, "attempts");
	rc = db_query_int(c->db, &e, &one, "SELECT 1 FROM seals WHERE "
	    "dept_id = ? AND active = 1", "i", document_num(j->row, "dept_id"));
	if (rc == DB_DONE) {
		if (strcmp(document_str(j->row, "error"), MSG_NO_SEAL) != 0)
			log_warn("documents: %s (%s) waits: department %" PRId64
			    " (%s) has no approval seal; create one with "
			    "`onetrip seal create --dept %" PRId64 "`",
			    document_str(j->row, "doc_no"),
			    document_str(j->row, "kind"),
			    document_num(j->row, "dept_id"),
			    document_str(j->row, "dept_name"),
			    document_num(j->row, "dept_id"));
		release(c, j->id, MSG_NO_SEAL, DOC_NO_SEAL_RETRY_S, false,
		    false);
		return 0;
	}
	if (rc >= 0)
		rc = render_row(c, j->row, &j->pdf, &e);
	if (rc >= 0 && strncmp(j->pdf.data, "%PDF-", 5) != 0)
		rc = err_internal(&e, "renderer made no PDF");
	if (rc >= 0)
		rc = file_write_unsynced(c, j->pdf.data, j->pdf.len, j->sha, &e);
	if (rc < 0) {
		job_fail(j, &e);
		return 0;
	}
	snprintf(j->fname, sizeof(j->fname), "%s-%s.pdf",
	    document_kind_label(document_str(j->row, "kind")),
	    document_str(j->row, "doc_no"));
	if (strcmp(document_str(j->row, "kind"), DOC_CERTIFICATE) == 0) {
		/* The certificate's name, for its register row. */
		char *name = document_item_terms(j->row, &days);

		snprintf(j->cert, sizeof(j->cert), "%s", name[0] != '\0' ?
		    name : document_str(j->row, "item_name"));
		free(name);
	}
	return 1;
}

/* Signs the rendered documents jobs[0..n) together (their digests are
 * computed at once) and keeps those signed at the front. Returns how many
 * were signed; the others are put back or failed (recorded). */
static int
jobs_sign(struct job *jobs, int n)
{
	struct seal_sign_item *it = calloc((size_t)n + 1, sizeof(*it));
	int kept = 0;

	if (it == NULL) {
		struct err e;

		err_internal(&e, "out of memory");
		for (int k = 0; k < n; k++)
			job_fail(&jobs[k], &e);
		return 0;
	}
	for (int k = 0; k < n; k++)
		it[k] = (struct seal_sign_item){ .dept_id =
		    document_num(jobs[k].row, "dept_id"),
		    .data = jobs[k].pdf.data, .len = jobs[k].pdf.len };
	if (n > 0)
		seal_sign_prepare_many(jobs[0].c, it, (size_t)n);
	for (int k = 0; k < n; k++) {
		struct job *j = &jobs[k];

		if (it[k].rc == -ERR_UNPROCESSABLE &&
		    strcmp(it[k].e.key, "no_seal") == 0)
			release(j->c, j->id, MSG_NO_SEAL, DOC_NO_SEAL_RETRY_S,
			    false, false);
		else if (it[k].rc != 0)
			job_fail(j, &it[k].e);
		else {
			/* Signed: to the front, past the ones put back. */
			j->sg = it[k].sg;
			if (kept != k) {
				struct job t = jobs[kept];

				jobs[kept] = *j;
				*j = t;
			}
			kept++;
		}
	}
	free(it);
	return kept;
}

static void job_ready_log(const struct job *j);

/* Makes a rendered, synced document ready. Returns 1 when it became
 * ready. */
static int
job_finish(struct job *j)
{
	struct err e;
	int rc;

	err_clear(&e);
	rc = db_tx(j->c->db, ready_fn, j, &e);
	if (rc == -ERR_UNPROCESSABLE && strcmp(e.key, "no_seal") == 0) {
		release(j->c, j->id, MSG_NO_SEAL, DOC_NO_SEAL_RETRY_S, false,
		    false);
		return 0;
	}
	if (rc == -ERR_CONFLICT && strcmp(e.key, "document_not_claimed") == 0)
		return 0;
	if (rc == -ERR_CONFLICT && strcmp(e.key, "seal_changed") == 0) {
		/* Signed with the seal just replaced: again, at once. */
		release(j->c, j->id, e.msg, 0, false, false);
		return 0;
	}
	if (rc != 0) {
		job_fail(j, &e);
		return 0;
	}
	job_ready_log(j);
	return 1;
}

struct batch_tx {
	struct job *jobs;
	int n;
};

/* Several documents made ready in one transaction (one commit); any
 * failure rolls them all back, and each is then tried alone. */
static int
batch_fn(struct db *db, void *arg, struct err *e)
{
	struct batch_tx *b = arg;
	int rc = 0;

	for (int i = 0; rc == 0 && i < b->n; i++)
		rc = ready_fn(db, &b->jobs[i], e);
	return rc;
}

static void
job_ready_log(const struct job *j)
{
	log_info("documents: %s %s ready (case %" PRId64 ", %zu bytes)",
	    document_str(j->row, "kind"), document_str(j->row, "doc_no"),
	    document_num(j->row, "case_id"), j->pdf.len);
}

struct claim_tx {
	json_t *ids;
	int64_t *claimed;
	int n;
};

static int
claim_fn(struct db *db, void *arg, struct err *e)
{
	struct claim_tx *t = arg;
	json_t *v;
	size_t i;
	int rc;

	t->n = 0;
	json_array_foreach(t->ids, i, v) {
		int64_t id = document_num(v, "id");

		/* Of two servers, only one changes the row. */
		rc = db_exec(db, e, "UPDATE documents SET status = "
		    "'rendering', claimed_at = ?, attempts = attempts + 1 "
		    "WHERE id = ? AND status = 'pending'", "ii", clock_now(),
		    id);
		if (rc != 0)
			return rc;
		if (db_last_changes(db) == 1)
			t->claimed[t->n++] = id;
	}
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
	json_t *ids;
	int64_t now = clock_now(), stale = 0;
	struct claim_tx ct = { 0 };
	struct job *jobs;
	struct err se;
	bool ok = true;
	int rc, nj = 0, signed_n;

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
	/* The oldest due documents of this shard: the new ones (next_try_at
	 * 0) read in id order from the index (status, next_try_at, id), the
	 * few due retries sorted apart. One query ordering every pending row
	 * by id sorted the whole backlog for each batch. */
	ids = db_query_json(c->db, e, "SELECT id FROM (SELECT id FROM "
	    "documents WHERE status = 'pending' AND next_try_at = 0 AND "
	    "id % ? = ? ORDER BY id LIMIT ?) AS fresh UNION ALL SELECT id "
	    "FROM (SELECT id FROM documents WHERE status = 'pending' AND "
	    "next_try_at > 0 AND next_try_at <= ? AND id % ? = ? ORDER BY id "
	    "LIMIT ?) AS retried ORDER BY id LIMIT ?", "iiIiiiII",
	    (int64_t)shards, (int64_t)shard, max, now, (int64_t)shards,
	    (int64_t)shard, max, max);
	if (ids == NULL)
		return err_rc(e);
	/* Claimed in one transaction, rendered and written one by one, the
	 * files synced together, then each made ready in its own
	 * transaction. */
	ct.ids = ids;
	ct.claimed = calloc(json_array_size(ids) + 1, sizeof(*ct.claimed));
	jobs = calloc(json_array_size(ids) + 1, sizeof(*jobs));
	if (ct.claimed == NULL || jobs == NULL) {
		free(ct.claimed);
		free(jobs);
		json_decref(ids);
		return err_internal(e, "out of memory");
	}
	rc = json_array_size(ids) > 0 ? db_tx(c->db, claim_fn, &ct, e) : 0;
	if (rc != 0) {
		free(ct.claimed);
		free(jobs);
		json_decref(ids);
		return rc;
	}
	for (int k = 0; k < ct.n; k++) {
		struct job *j = &jobs[nj];

		j->c = c;
		j->id = ct.claimed[k];
		buf_init(&j->pdf, PDF_MAX_BYTES);
		if (job_prepare(j) == 1)
			nj++;
		else {
			json_decref(j->row);
			buf_release(&j->pdf);
		}
	}
	/* Unsigned ones stay behind the signed, for their release below. */
	signed_n = jobs_sign(jobs, nj);
	if (signed_n > 0 && file_sync(c, &se) != 0) {
		for (int k = 0; k < signed_n; k++)
			job_fail(&jobs[k], &se);
		ok = false;
	}
	for (int k = 0; ok && k < signed_n; k += READY_BATCH) {
		struct batch_tx bt = { jobs + k, signed_n - k < READY_BATCH ?
		    signed_n - k : READY_BATCH };
		struct err be;

		err_clear(&be);
		if (bt.n > 1 && db_tx(c->db, batch_fn, &bt, &be) == 0) {
			for (int i = 0; i < bt.n; i++)
				job_ready_log(&bt.jobs[i]);
			if (done != NULL)
				*done += bt.n;
			continue;
		}
		for (int i = 0; i < bt.n; i++)
			if (job_finish(&bt.jobs[i]) == 1 && done != NULL)
				(*done)++;
	}
	for (int k = 0; k < nj; k++) {
		json_decref(jobs[k].row);
		buf_release(&jobs[k].pdf);
	}
	free(ct.claimed);
	free(jobs);
	json_decref(ids);
	return 0;
}
