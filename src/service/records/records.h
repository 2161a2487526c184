/* records.h - the public interface of the service domain "records". */
#ifndef ONETRIP_SERVICE_RECORDS_RECORDS_H
#define ONETRIP_SERVICE_RECORDS_RECORDS_H

/* files.h - stored files, addressed by content (service/files.c).
 *
 * Bytes live under <var>/files/<first two hex>/<sha256>; the files table
 * records size, sniffed type and original name. Storing the same bytes twice
 * stores them once (减材料: an upload is reused, never copied). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

/* What the content is, judged from its first bytes, never from a name:
 * "application/pdf", "image/jpeg", "image/png", or NULL when none of them
 * (service/records/filetype.c, like the three below). */
const char *files_sniff(const void *data, size_t len);

/* Bytes of a stored original file name, with its NUL. */
#define FILES_NAME_BYTES 256
/* The name to keep of what a client sent: the last path component, valid
 * UTF-8 without control characters, cut to fit at a character boundary; ""
 * when in is NULL. ERR_INVALID naming "name" otherwise. */
int files_clean_name(const char *in, char out[FILES_NAME_BYTES],
    struct err *e);
/* The extension of a sniffed type: ".pdf", ".png", ".jpg" (else ".bin"). */
const char *files_type_ext(const char *ctype);
/* The name a stored file is served under: the kept name with its extension
 * replaced by the real type's (a "poly.html" that is a PDF is served as
 * "poly.pdf"); "" when no name was kept. */
void files_download_name(const char *stored, const char *ctype,
    char out[FILES_NAME_BYTES]);

/* Files stored with any_type (the documents the server renders itself) may
 * be larger than an upload. */
#define FILES_MAX_ANY ((size_t)64 << 20)

/* Stores data (at most LIMIT_UPLOAD_FILE bytes; only PDF/JPEG/PNG unless
 * any_type, then at most FILES_MAX_ANY) and records it; safe to call inside
 * or outside db_tx. The bytes go to a temporary file that is fsync'ed and
 * renamed into place, so a reader never sees half a file; the same bytes
 * are stored once (the files row is inserted ON CONFLICT DO NOTHING, and
 * audited as "file.store" when new). name (may be NULL) is kept as the
 * first original name. Fills sha256_out (hex) and ctype_out. Errors:
 * ERR_INVALID (empty), ERR_TOO_LARGE (413, "文件超过 20 MB 上限"),
 * ERR_UNSUPPORTED_TYPE (415, "仅支持 PDF、JPEG、PNG 格式的文件"). */
int file_store(struct ctx *c, const void *data, size_t len, const char *name,
    bool any_type, char sha256_out[65], char ctype_out[32], struct err *e);

/* Opens a stored file for reading: *fd (caller closes), size and type. */
int file_open(struct ctx *c, const char *sha256, int *fd, uint64_t *size,
    char ctype_out[32], struct err *e);

/* Reads a whole stored file into memory (caller frees *data). */
int file_read(struct ctx *c, const char *sha256, void **data, size_t *len,
    struct err *e);

/* True for 64 lowercase hex digits. */
bool files_sha256_valid(const char *sha256);

/* --- uploads: who uploaded what (table uploads) ---
 *
 * The files table is shared and deduplicated; uploads records, per user,
 * which stored files that user has uploaded, so that an applicant can only
 * reference files they uploaded themselves (the same bytes uploaded by
 * someone else do not become theirs to read). The per-case total
 * (LIMIT_UPLOAD_CASE) is checked where materials are attached to a case. */

/* Stores an uploaded material for the actor (applicant or clerk) and
 * records the ownership. *out = {sha256, content_type, size, name}. */
int upload_create(struct ctx *c, const void *data, size_t len,
    const char *name, json_t **out, struct err *e);

/* 0 when user_id may use sha256 as a material of their own: they uploaded
 * it, or it is the PDF of a valid certificate issued to them.
 * ERR_FORBIDDEN ("material_not_owned") otherwise. */
int upload_check_owner(struct ctx *c, int64_t user_id, const char *sha256,
    struct err *e);

/* Opens an uploaded file for the actor: the uploader, the holder of a
 * certificate with these bytes, staff of a department that has a case
 * using it (case_materials), the clerk at the case's window, or
 * hall_admin/supervisor/sysadmin. ERR_NOT_FOUND for anyone else (the
 * file's existence is not revealed). name_out receives the actor's own
 * name for the upload, or "". */
int upload_open(struct ctx *c, const char *sha256, int *fd, uint64_t *size,
    char ctype_out[32], char name_out[256], struct err *e);

/* The actor's own uploads, newest first: JSON array of {sha256, name,
 * content_type, size, created_at} (new reference), at most
 * UPLOADS_MINE_MAX; *cut says that older ones were left out. */
#define UPLOADS_MINE_MAX 500
int uploads_mine(struct ctx *c, json_t **out, bool *cut, struct err *e);


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

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "docs/sm2.h"
#include "docs/sm3.h"

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

/* seal_sign in two steps, so that the signing (the costly part) runs
 * outside the transaction that records it: seal_sign_prepare() signs data
 * with the department's active seal (no transaction needed), and
 * seal_sign_record(), inside the caller's db_tx, writes the ledger row and
 * its audit record, or refuses with ERR_CONFLICT ("seal_changed") when the
 * department's active seal is no longer the one that signed. */
struct seal_sig {
	int64_t seal_id;
	char sig[SM2_SIG_HEX_MAX + 1];
	char sm3[SM3_HEX_LEN + 1];
};
int seal_sign_prepare(struct ctx *c, int64_t dept_id, const void *data,
    size_t len, struct seal_sig *out, struct err *e);
/* seal_sign_prepare() for several documents at once (their digests are
 * computed together, sm3_many): each item gets its own result, rc 0 or
 * the error in e. */
struct seal_sign_item {
	int64_t dept_id;
	const void *data;
	size_t len;
	struct seal_sig sg; /* out */
	int rc;             /* out */
	struct err e;       /* out, when rc != 0 */
};
void seal_sign_prepare_many(struct ctx *c, struct seal_sign_item *items,
    size_t n);
int seal_sign_record(struct ctx *c, int64_t dept_id, const char *kind,
    const char *ref, const struct seal_sig *sg, int64_t *usage_id,
    struct err *e);

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


/* certificates.h - the applicant's certificate library (电子证照库) and
 * reusable materials (service/certificates.c).
 *
 * A certificate document (documents.kind 'certificate') enters the library
 * of the case's applicant when the renderer marks it ready. Certificates
 * held there can be reused as materials of later applications by their
 * sha256 (减材料), as long as they are valid. */

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

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


/* documents.h - notices, decisions and certificates of cases
 * (service/documents.c).
 *
 * A case action enqueues a document inside its own transaction; a background
 * job renders the PDF (docs/pdf), seals it with the department's approval
 * seal (seal_sign: SM2 over the SM3 digest of the exact PDF bytes), stores it
 * (file_store) and marks it ready. The case shows the document once ready.
 * Each document has a public verification code: /verify/<code> checks the
 * signature against the stored bytes and shows the metadata. */

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Document kinds. */
#define DOC_ACCEPT_NOTICE "accept_notice"          /* 受理通知书 */
#define DOC_REJECT_NOTICE "reject_notice"          /* 不予受理通知书 */
#define DOC_SUPPLEMENT_NOTICE "supplement_notice"  /* 补正材料通知书 */
#define DOC_RONGQUE_NOTICE "rongque_notice"        /* 容缺受理通知书 */
#define DOC_COMMITMENT "commitment"                /* 告知承诺书 */
#define DOC_APPROVAL "approval_decision"           /* 准予行政许可决定书 */
#define DOC_DENIAL "denial_decision"               /* 不予行政许可决定书 */
#define DOC_CERTIFICATE "certificate"              /* the item's result certificate */
#define DOC_TERMINATION "termination_notice"       /* 终止办理告知书 */
#define DOC_EXTENSION "extension_notice"           /* 延长审批期限告知书 */
#define DOC_RONGQUE_PLEDGE "rongque_pledge"        /* 容缺受理承诺书 */
#define DOC_BUNDLE_ACCEPT "bundle_accept_notice"   /* 一件事受理通知书 */
/* 申请表: the electronic form of an online application as the applicant
 * signed it; content {"rows": [{"label", "text"}..], "pledge", "signed"}. */
#define DOC_APPLICATION "application_form"

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

/* A document issued by another department than the case's: the one
 * 受理通知书 of a 一件事 bundle, issued and sealed by the accepting
 * window's department (dept_id) and kept with the bundle's first child
 * case (case_id). doc_no_out (may be NULL) receives its number. */
int document_enqueue_dept(struct ctx *c, int64_t case_id, int64_t dept_id,
    const char *kind, json_t *content, int64_t *doc_id, char doc_no_out[160],
    struct err *e);

/* Called inside the transaction that marks a document ready (the case
 * domain registers it at start-up to tell the applicant). */
typedef int (*documents_ready_fn)(struct ctx *c, int64_t case_id,
    const char *kind, struct err *e);
void documents_ready_hook_set(documents_ready_fn fn);

/* Renders up to max pending documents (the job calls it); *done counts
 * them. Each document is rendered and sealed in its own transaction. */
int documents_render_pending(struct ctx *c, int max, int *done, struct err *e);

/* A second QR code on a case's 受理通知书 (the rating of the service, a
 * domain above this one): given the case and the notice's date
 * (YYYY-MM-DD), writes the link and its caption; returns 0, or 1 when the
 * notice gets no such code. The link must depend only on its arguments:
 * a document renders to the same bytes every time. Set once at start-up,
 * before any thread renders; NULL (the default) prints none. */
typedef int (*documents_link_fn)(struct ctx *c, int64_t case_id,
    const char *doc_date, char *url, size_t url_size, char *caption,
    size_t caption_size, struct err *e);
void documents_set_notice_link(documents_link_fn fn);
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

/* Puts a failed document back in the renderer's queue (status pending, its
 * tries counted afresh); audited. Staff who may see the case except the
 * supervisor, and the system actor (`onetrip documents retry`).
 * ERR_CONFLICT ("document_not_failed") unless it failed. */
int document_retry(struct ctx *c, int64_t doc_id, struct err *e);
/* The failed documents of every case (hall admin, sysadmin, system):
 * [{id, case_id, case_no, kind, doc_no, attempts, error, created_at}]. */
int documents_failed(struct ctx *c, json_t **out, struct err *e);

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
