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

/* The quarterly work ledger in the layout of the notice's attachment
 * (优化办理流程工作台账): a title (黑体) and a subtitle line, a two-row
 * header with 工作计划 over 季度 and 计划内容, the rows grouped by area
 * with 序号 and 所属领域 merged over each group, the body in 仿宋, a
 * footnote; landscape A4, one page wide. ledger: {"title", "subtitle",
 * "footnote", "created", "dept_column" (adds 填报单位), "rows": [{
 * "area_label", "lead_unit", "participants", "deliverable",
 * "quarter_label", "plan", "progress", "remarks", "dept"}]} with rows
 * ordered by area. */
int xlsx_ledger_to_buf(struct buf *out, const char *tmp_dir,
    const json_t *ledger, struct err *e);

#endif
