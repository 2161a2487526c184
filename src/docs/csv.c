#include "docs/csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

static const struct csv_limits csv_defaults = {
	CSV_MAX_FIELDS, CSV_MAX_FIELD_LEN, CSV_MAX_ROWS
};

struct record {
	struct buf text;               /* the fields, each NUL-terminated */
	size_t starts[CSV_MAX_FIELDS + 1];
	char *fields[CSV_MAX_FIELDS + 1];
	size_t n;
};

static int
syntax(struct err *e, size_t line, const char *what)
{
	return err_field(e, ERR_INVALID, "file", "csv_syntax", "第 %zu 行：%s",
	    line, what);
}

int
csv_parse(const char *data, size_t len, const struct csv_limits *lim,
    csv_row_fn fn, void *arg, struct err *e)
{
	struct record rec;
	size_t i = 0, line = 1, rows = 0, max_fields;
	int rc = 0;

	if (lim == NULL)
		lim = &csv_defaults;
	max_fields = lim->max_fields;
	if (max_fields == 0 || max_fields > CSV_MAX_FIELDS)
		max_fields = CSV_MAX_FIELDS;
	buf_init(&rec.text, 0);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		size_t rec_line = line;
		int end = 0;

		/* Blank lines between records are skipped. */
		if (data[i] == '\n' || (data[i] == '\r' && i + 1 < len &&
		    data[i + 1] == '\n')) {
			i += data[i] == '\r' ? 2 : 1;
			line++;
			continue;
		}
		if (rows >= lim->max_rows) {
			rc = err_field(e, ERR_TOO_LARGE, "file", "csv_too_many_rows",
			    "第 %zu 行：超过 %zu 行的上限", line, lim->max_rows);
			goto out;
		}
		buf_reset(&rec.text);
		rec.n = 0;
		while (!end) {
			size_t start = rec.text.len, flen;

			if (rec.n >= max_fields) {
				rc = err_field(e, ERR_TOO_LARGE, "file",
				    "csv_too_many_fields",
				    "第 %zu 行：字段数超过 %zu 个", rec_line,
				    max_fields);
				goto out;
			}
			if (i < len && data[i] == '"') {
				i++;
				for (;;) {
					if (i >= len) {
						rc = syntax(e, rec_line,
						    "引号未闭合");
						goto out;
					}
					if (data[i] == '"') {
						if (i + 1 < len &&
						    data[i + 1] == '"') {
							rc = buf_putc(&rec.text,
							    '"');
							i += 2;
						} else {
							i++;
							break;
						}
					} else {
						if (data[i] == '\n')
							line++;
						rc = buf_putc(&rec.text,
						    data[i++]);
					}
					if (rc != 0)
						goto too_long;
				}
				if (i < len && data[i] != ',' &&
				    data[i] != '\n' && !(data[i] == '\r' &&
				    i + 1 < len && data[i + 1] == '\n')) {
					rc = syntax(e, line,
					    "引号字段之后有多余字符");
					goto out;
				}
			} else {
				while (i < len && data[i] != ',' &&
				    data[i] != '\n' && !(data[i] == '\r' &&
				    i + 1 < len && data[i + 1] == '\n')) {
					if (data[i] == '"') {
						rc = syntax(e, line,
						    "含引号的字段须整体用双引号括起");
						goto out;
					}
					rc = buf_putc(&rec.text, data[i++]);
					if (rc != 0)
						goto too_long;
				}
			}
			flen = rec.text.len - start;
			if (flen > lim->max_field_len) {
				rc = err_field(e, ERR_TOO_LARGE, "file",
				    "csv_field_too_long",
				    "第 %zu 行：第 %zu 个字段超过 %zu 字节",
				    rec_line, rec.n + 1, lim->max_field_len);
				goto out;
			}
			/* An empty first field leaves the buffer unallocated
			 * (NULL): no pointer arithmetic on it. */
			if (flen > 0 && (memchr(rec.text.data + start, '\0',
			    flen) != NULL || !utf8_valid(rec.text.data + start,
			    flen))) {
				rc = syntax(e, rec_line,
				    "含有无效字符（请以 UTF-8 编码保存）");
				goto out;
			}
			rc = buf_putc(&rec.text, '\0');
			if (rc != 0)
				goto too_long;
			rec.starts[rec.n++] = start;
			if (i >= len) {
				end = 1;
			} else if (data[i] == ',') {
				i++;
			} else {
				i += data[i] == '\r' ? 2 : 1;
				line++;
				end = 1;
			}
		}
		/* The buffer may have moved while growing: point at it now. */
		for (size_t k = 0; k < rec.n; k++)
			rec.fields[k] = rec.text.data + rec.starts[k];
		rec.fields[rec.n] = NULL;
		rows++;
		rc = fn(arg, rec_line, rec.fields, rec.n, e);
		if (rc != 0)
			goto out;
	}
	goto out;
too_long:
	rc = err_field(e, ERR_TOO_LARGE, "file", "csv_too_large",
	    "第 %zu 行：记录过长", line);
out:
	buf_release(&rec.text);
	return rc;
}

int
csv_write_bom(struct buf *out)
{
	return buf_append(out, "\xef\xbb\xbf", 3);
}

static int
write_field(struct buf *out, const char *s, size_t len, bool apostrophe)
{
	bool quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
	int rc = 0;

	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = true;
	if (quote)
		rc = buf_putc(out, '"');
	if (rc == 0 && apostrophe)
		rc = buf_putc(out, '\'');
	for (size_t i = 0; rc == 0 && i < len; i++) {
		if (s[i] == '"')
			rc = buf_putc(out, '"');
		if (rc == 0)
			rc = buf_putc(out, s[i]);
	}
	if (rc == 0 && quote)
		rc = buf_putc(out, '"');
	return rc;
}

int
csv_write_row(struct buf *out, const char *const *fields, size_t n)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i > 0)
			rc = buf_putc(out, ',');
		if (rc == 0 && fields[i] != NULL)
			rc = write_field(out, fields[i], strlen(fields[i]),
			    false);
	}
	if (rc == 0)
		rc = buf_append(out, "\r\n", 2);
	return rc;
}

static int
write_json_row(struct buf *out, json_t *row, unsigned flags, struct err *e)
{
	size_t i;
	json_t *v;
	int rc = 0;

	if (!json_is_array(row))
		return err_set(e, ERR_INVALID, NULL, "导出数据格式错误：行须为数组");
	json_array_foreach(row, i, v) {
		char num[64];

		if (i > 0)
			rc = buf_putc(out, ',');
		if (rc != 0)
			break;
		if (json_is_string(v)) {
			const char *s = json_string_value(v);
			bool ap = (flags & CSV_NEUTRALISE) && s[0] != '\0' &&
			    strchr("=+-@\t\r", s[0]) != NULL;

			rc = write_field(out, s, json_string_length(v), ap);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			rc = buf_puts(out, num);
		} else if (json_is_real(v)) {
			snprintf(num, sizeof(num), "%.15g", json_real_value(v));
			rc = buf_puts(out, num);
		} else if (json_is_boolean(v)) {
			rc = buf_puts(out, json_is_true(v) ? "是" : "否");
		} else if (!json_is_null(v)) {
			return err_set(e, ERR_INVALID, NULL,
			    "导出数据格式错误：单元格须为文本或数字");
		}
	}
	if (rc == 0)
		rc = buf_append(out, "\r\n", 2);
	if (rc != 0)
		return err_set(e, ERR_TOO_LARGE, NULL, "导出数据过大");
	return 0;
}

int
csv_write_json(struct buf *out, json_t *headers, json_t *rows,
    unsigned flags, struct err *e)
{
	size_t i;
	json_t *row;
	int rc = 0;

	if (!json_is_array(rows) || (headers != NULL && !json_is_array(headers)))
		return err_set(e, ERR_INVALID, NULL, "导出数据格式错误");
	if (flags & CSV_BOM)
		rc = csv_write_bom(out);
	if (rc != 0)
		return err_set(e, ERR_TOO_LARGE, NULL, "导出数据过大");
	if (headers != NULL) {
		rc = write_json_row(out, headers, 0, e);
		if (rc != 0)
			return rc;
	}
	json_array_foreach(rows, i, row) {
		rc = write_json_row(out, row, flags, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}
