/* certificates.h - the applicant's certificate library (电子证照库) and
 * reusable materials (service/certificates.c).
 *
 * A certificate document (documents.kind 'certificate') enters the library
 * of the case's applicant when the renderer marks it ready. Certificates
 * held there can be reused as materials of later applications by their
 * sha256 (减材料), as long as they are valid. */
#ifndef ONETRIP_SERVICE_CERTIFICATES_H
#define ONETRIP_SERVICE_CERTIFICATES_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* Inside db_tx (the renderer's): records the ready certificate document
 * document_id of case_id for the case's applicant, named name (the item's
 * result name). Idempotent per document. Audits "certificate.issue". */
int certificate_issue(struct ctx *c, int64_t case_id, int64_t document_id,
    const char *name, struct err *e);

/* Inside db_tx: marks every certificate of the case invalid (撤销许可);
 * *count (may be NULL) receives how many. Audits "certificate.revoke". */
int certificates_revoke_case(struct ctx *c, int64_t case_id, int *count,
    struct err *e);

/* The actor's certificates, newest first: {"items":[{id, name, case_id,
 * case_no, document_id, doc_no, sha256, content_type, size, verify_code,
 * dept_name, issued_at, valid, revoked_at}]}. Applicants only. */
int certificates_mine(struct ctx *c, json_t **out, struct err *e);

/* What the actor can reuse as materials: {"items":[{source:"upload"|
 * "certificate", sha256, name, content_type, size, created_at, ...}]}
 * (uploads first, newest first; certificates only while valid). */
int materials_mine(struct ctx *c, json_t **out, struct err *e);

#endif
