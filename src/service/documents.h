/* documents.h - notices, decisions and certificates of cases
 * (service/documents.c).
 *
 * A case action enqueues a document inside its own transaction; a background
 * job renders the PDF (docs/pdf), seals it with the department's approval
 * seal (seal_sign: SM2 over the SM3 digest of the exact PDF bytes), stores it
 * (file_store) and marks it ready. The case shows the document once ready.
 * Each document has a public verification code: /verify/<code> checks the
 * signature against the stored bytes and shows the metadata. */
#ifndef ONETRIP_SERVICE_DOCUMENTS_H
#define ONETRIP_SERVICE_DOCUMENTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* Document kinds. */
#define DOC_ACCEPT_NOTICE "accept_notice"          /* 受理通知书 */
#define DOC_REJECT_NOTICE "reject_notice"          /* 不予受理通知书 */
#define DOC_SUPPLEMENT_NOTICE "supplement_notice"  /* 补正材料通知书 */
#define DOC_RONGQUE_NOTICE "rongque_notice"        /* 容缺受理通知书 */
#define DOC_COMMITMENT "commitment"                /* 告知承诺书 */
#define DOC_APPROVAL "approval_decision"           /* 准予行政许可决定书 */
#define DOC_DENIAL "denial_decision"               /* 不予行政许可决定书 */
#define DOC_CERTIFICATE "certificate"              /* the item's result certificate */

/* Inside the caller's db_tx: records a pending document for the case with a
 * document number and a random verification code. content (borrowed) holds
 * what the text needs beyond the case row: {"reason": ..., "materials":
 * [{"name","requirement","note"}], "supplement_due": ..., "commitment": ...}.
 * Certificates also enter the applicant's certificate library when ready. */
int document_enqueue(struct ctx *c, int64_t case_id, const char *kind,
    json_t *content, int64_t *doc_id, struct err *e);
/* The same without an audit record of its own, for a caller whose single
 * audit record of the change names the document: *doc (new reference) is
 * {"id", "kind", "doc_no"} to put in that record's summary. */
int document_enqueue_noaudit(struct ctx *c, int64_t case_id,
    const char *kind, json_t *content, json_t **doc, struct err *e);

/* Renders up to max pending documents (the job calls it); *done counts
 * them. Each document is rendered and sealed in its own transaction. */
int documents_render_pending(struct ctx *c, int max, int *done, struct err *e);
/* The same for the pending documents whose id % shards == shard, so that
 * several threads (or servers) render a backlog without claiming the same
 * ones. 0 <= shard < shards. */
int documents_render_shard(struct ctx *c, int max, int shard, int shards,
    int *done, struct err *e);

/* Documents of a case, for whoever may see the case (JSON array, new ref):
 * [{id, kind, kind_label, doc_no, status:"pending"|"ready"|"failed",
 * verify_code, created_at, ready_at}]. */
int documents_of_case(struct ctx *c, int64_t case_id, json_t **out,
    struct err *e);

/* The Chinese name of a kind ("受理通知书"), or NULL for an unknown one. */
const char *document_kind_label(const char *kind);

/* 0 when the actor may see the case: its applicant, staff of the case's
 * department, the clerk of its window, hall_admin, supervisor, sysadmin and
 * the system actor. ERR_NOT_FOUND otherwise (existence is not revealed). */
int documents_case_visible(struct ctx *c, int64_t case_id, struct err *e);

/* Opens the PDF of a ready document for whoever may see its case: *fd
 * (caller closes), *size, and filename ("受理通知书-<doc_no>.pdf").
 * ERR_CONFLICT ("document_pending") while it is not ready yet. */
int document_pdf_open(struct ctx *c, int64_t doc_id, int *fd, uint64_t *size,
    char filename[256], struct err *e);

/* Public verification by code (/verify/<code>): recomputes the SM3 digest
 * of the STORED bytes and checks the seal's signature each time.
 * *out = {valid, status, message, kind, kind_label, doc_no, dept_name,
 * date, case_no, applicant (masked), sm3, sm3_matches, signature_valid,
 * seal_name, signed_at, certificate?: {name, valid, revoked_at}}.
 * ERR_NOT_FOUND for an unknown code. */
int document_verify_code(struct ctx *c, const char *code, json_t **out,
    struct err *e);

/* Public check of a copy someone holds: its SM3 must equal that of a ready
 * document (the one with code, when code is not NULL) and the seal's
 * signature must verify over these very bytes. *out = {valid, message,
 * sm3, document?: {...as above}}; a copy changed by one byte gives
 * valid false. */
int document_verify_bytes(struct ctx *c, const void *data, size_t len,
    const char *code, json_t **out, struct err *e);

/* Renders a document (pending or ready) as a PNG page for previews and
 * checks; page from 1. Staff of the case only. */
int document_render_png(struct ctx *c, int64_t doc_id, int page,
    const char *path, struct err *e);

/* Demo loader: gives every department an approval seal (seal_create by the
 * system actor); departments with one are left alone. */
int demo_load_seals(struct ctx *c, struct err *e);

#endif
