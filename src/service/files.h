/* files.h - stored files, addressed by content (service/files.c).
 *
 * Bytes live under <var>/files/<first two hex>/<sha256>; the files table
 * records size, sniffed type and original name. Storing the same bytes twice
 * stores them once (减材料: an upload is reused, never copied). */
#ifndef ONETRIP_SERVICE_FILES_H
#define ONETRIP_SERVICE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* What the content is, judged from its first bytes, never from a name:
 * "application/pdf", "image/jpeg", "image/png", or NULL when none of them. */
const char *files_sniff(const void *data, size_t len);

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
 * content_type, size, created_at} (new reference). */
int uploads_mine(struct ctx *c, json_t **out, struct err *e);

#endif
