/* seals.h - electronic approval seals (行政审批专用章) of departments and
 * their usage ledger (service/seals.c; cryptography in docs/sm2.h).
 *
 * A seal is an SM2 key pair: the private key is a file of mode 0600 at
 * <var>/keys/seal-<dept_id>.pem (the folder 0700), the public key and its
 * SM3 fingerprint are in the seals table. Every signature writes a ledger
 * row (seal_usage) and an audit record in the caller's transaction, so a
 * signature without its ledger entry cannot exist.
 *
 * Seal object (JSON): {id, dept_id, dept_name, name, fingerprint, custodian,
 * created_at, active, public_key_pem}. The key file path is never shown
 * outside the CLI. */
#ifndef ONETRIP_SERVICE_SEALS_H
#define ONETRIP_SERVICE_SEALS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "docs/sm2.h"
#include "docs/sm3.h"
#include "service/ctx.h"

#define SEAL_KIND_MAX 32      /* document kind: [a-z0-9_.-], e.g. "acceptance" */
#define SEAL_REF_MAX 128      /* document reference: a case or document number */
#define SEAL_DATA_MAX ((size_t)64 << 20)  /* bytes signed at once */

/* Creates the department's seal; hall_admin, sysadmin or the system actor.
 * Generates the key file (refusing to overwrite one), stores the seal named
 * "<department>行政审批专用章" and audits "seal.create". ERR_CONFLICT when
 * the department already has an active seal or the key file exists;
 * ERR_NOT_FOUND for an unknown department. *out (may be NULL) receives the
 * seal object plus "key_path" (the file's path), a new reference. */
int seal_create(struct ctx *c, int64_t dept_id, const char *custodian,
    json_t **out, struct err *e);

/* Signs len bytes of data with the department's active seal and records
 * the use (ledger row + audit "seal.use"). MUST run inside db_tx() (it
 * returns -ERR_INTERNAL otherwise), in the transaction of the use case that
 * issues the document, which has already decided the actor may issue it;
 * here only staff and the system actor pass. kind is a short machine name
 * ("acceptance", "rejection", "decision", ...), ref the document's number
 * or case reference. sig receives the hex signature, sm3 the hex digest of
 * data; *usage_id (may be NULL) the ledger row id. ERR_UNPROCESSABLE
 * ("no_seal") when the department has no active seal. */
int seal_sign(struct ctx *c, int64_t dept_id, const char *kind,
    const char *ref, const void *data, size_t len,
    char sig[SM2_SIG_HEX_MAX + 1], char sm3[SM3_HEX_LEN + 1],
    int64_t *usage_id, struct err *e);

/* Verifies sig over data against the department's seals (active or
 * retired); no authorisation needed. 0 when one of them verifies (its id in
 * *seal_id, may be NULL), ERR_UNPROCESSABLE ("bad_signature") when none
 * does, ERR_NOT_FOUND when the department never had a seal. */
int seal_verify(struct ctx *c, int64_t dept_id, const void *data, size_t len,
    const char *sig, int64_t *seal_id, struct err *e);

/* Checks a document someone holds (the QR verification page): finds the
 * ledger entry with the SM3 digest of data and verifies its signature.
 * *out = {valid:true, document_kind, document_ref, signed_at, seal_name,
 * dept_name, sm3}; ERR_NOT_FOUND ("document_unknown") when no seal ever
 * signed these bytes. Public. */
int seal_check_document(struct ctx *c, const void *data, size_t len,
    json_t **out, struct err *e);

/* The department's active seal object (without "key_path"); ERR_NOT_FOUND
 * when none. Public: a seal's public key is meant to be known. */
int seal_get(struct ctx *c, int64_t dept_id, json_t **out, struct err *e);

/* The usage ledger of the department's seals, newest first:
 * *out = {"items":[{id, seal_id, document_kind, document_ref, sm3,
 * signature, signed_at, actor_id, actor_login, request_id}..],
 * "next_before": id|null}. before_id 0 starts at the newest; limit 0 means
 * LIMIT_PAGE_DEFAULT, at most LIMIT_PAGE_MAX. Allowed for hall_admin,
 * sysadmin, supervisor, and dept_admin/approver of that department. */
int seal_ledger(struct ctx *c, int64_t dept_id, int64_t before_id, int limit,
    json_t **out, struct err *e);

#endif
