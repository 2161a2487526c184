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

/* Renders up to max pending documents (the job calls it); *done counts
 * them. Each document is rendered and sealed in its own transaction. */
int documents_render_pending(struct ctx *c, int max, int *done, struct err *e);

/* Documents of a case, for whoever may see the case (JSON array, new ref). */
int documents_of_case(struct ctx *c, int64_t case_id, json_t **out,
    struct err *e);

#endif
