/* xlsx.h - one-sheet Excel workbooks (libxlsxwriter) for exports: ledgers,
 * indicator tables, catalogue lists. */
#ifndef ONETRIP_DOCS_XLSX_H
#define ONETRIP_DOCS_XLSX_H

#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

#define XLSX_MAX_COLS 64
#define XLSX_MAX_ROWS 200000
#define XLSX_MAX_CELL 32767  /* Excel's limit on characters in a cell */

/* Writes a workbook with one sheet to path: a bold header row (headers: a
 * JSON array of strings), frozen, then rows (an array of arrays of strings,
 * numbers, booleans or null). widths gives the column widths in characters
 * for each header (NULL: 16). sheet is the sheet name (at most 31
 * characters, none of []:*?/\; NULL: "Sheet1"). created (Unix seconds, 0 for
 * none) goes into the document properties, so that the same input gives
 * the same file. Returns -ERR_INVALID for malformed input. */
int xlsx_write_table(const char *path, const char *sheet, json_t *headers,
    json_t *rows, const double *widths, int64_t created, struct err *e);

/* The same workbook into memory: written to a temporary file in tmp_dir
 * (NULL: TMPDIR or /tmp), read back into out and removed. */
int xlsx_table_to_buf(struct buf *out, const char *tmp_dir, const char *sheet,
    json_t *headers, json_t *rows, const double *widths, int64_t created,
    struct err *e);

#endif
