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

#include "base/err.h"
#include "service/ctx.h"

/* What the content is, judged from its first bytes, never from a name:
 * "application/pdf", "image/jpeg", "image/png", or NULL when none of them. */
const char *files_sniff(const void *data, size_t len);

/* Stores data (at most LIMIT_UPLOAD_FILE bytes; only PDF/JPEG/PNG unless
 * any_type) and records it; safe to call inside or outside db_tx. Fills
 * sha256_out (hex) and ctype_out. Errors: ERR_TOO_LARGE (413),
 * ERR_UNSUPPORTED_TYPE (415, "仅支持 PDF、JPEG、PNG 格式的文件"). */
int file_store(struct ctx *c, const void *data, size_t len, const char *name,
    bool any_type, char sha256_out[65], char ctype_out[32], struct err *e);

/* Opens a stored file for reading: *fd (caller closes), size and type. */
int file_open(struct ctx *c, const char *sha256, int *fd, uint64_t *size,
    char ctype_out[32], struct err *e);

/* Reads a whole stored file into memory (caller frees *data). */
int file_read(struct ctx *c, const char *sha256, void **data, size_t *len,
    struct err *e);

#endif
