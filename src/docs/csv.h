/* csv.h - CSV (RFC 4180) for catalogue import and export.
 *
 * Writing: fields are quoted when they hold a comma, a quote, CR or LF, or
 * begin or end with a space; quotes are doubled; records end with CRLF. A
 * file for Excel starts with the UTF-8 byte order mark (csv_write_bom).
 *
 * Reading: a leading BOM is skipped; records end with CRLF or LF; quoted
 * fields may hold commas, doubled quotes and line breaks; blank lines are
 * skipped. Every error names the line it was found on ("第 3 行：..."). */
#ifndef ONETRIP_DOCS_CSV_H
#define ONETRIP_DOCS_CSV_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

struct csv_limits {
	size_t max_fields;    /* fields in one record */
	size_t max_field_len; /* bytes in one field */
	size_t max_rows;      /* records, the header included */
};

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD_LEN 8192
#define CSV_MAX_ROWS 100000

/* Called once per record. line is the line the record starts on (from 1).
 * fields[0..n-1] are NUL-terminated, valid UTF-8 and valid until the
 * callback returns. Return 0 to go on; a negative error stops the parse and
 * is returned by csv_parse() (fill e). */
typedef int (*csv_row_fn)(void *arg, size_t line, char **fields, size_t n,
    struct err *e);

/* Parses len bytes of data. lim NULL means the CSV_MAX_* defaults. Returns
 * 0, -ERR_INVALID for a syntax error or invalid UTF-8 (message with the line
 * number), -ERR_TOO_LARGE over a limit, or the callback's error. */
int csv_parse(const char *data, size_t len, const struct csv_limits *lim,
    csv_row_fn fn, void *arg, struct err *e);

/* Writes the UTF-8 byte order mark Excel needs to read UTF-8. */
int csv_write_bom(struct buf *out);
/* Writes one record of n fields (NULL writes an empty field). */
int csv_write_row(struct buf *out, const char *const *fields, size_t n);

/* Flags for csv_write_json(). */
#define CSV_BOM 1u        /* start with the byte order mark */
#define CSV_NEUTRALISE 2u /* prefix text cells starting with = + - @ TAB CR
                           * with an apostrophe so that spreadsheets do not
                           * run them as formulas */
/* Writes headers (array of strings, may be NULL) and rows (array of arrays
 * of strings, numbers, booleans or null). -ERR_INVALID when a row is not an
 * array or a cell is an object or array. */
int csv_write_json(struct buf *out, json_t *headers, json_t *rows,
    unsigned flags, struct err *e);

#endif
