#include "docs/xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/utf8.h"

static bool
sheet_name_ok(const char *s)
{
	size_t n = utf8_strlen(s);

	return n != (size_t)-1 && n >= 1 && n <= 31 &&
	    strpbrk(s, "[]:*?/\\") == NULL && s[0] != '\'';
}

static int
check_cell(json_t *v, struct err *e)
{
	if (json_is_string(v)) {
		size_t n = utf8_chars(json_string_value(v),
		    json_string_length(v));

		if (n == (size_t)-1 || n > XLSX_MAX_CELL)
			return err_set(e, ERR_INVALID, NULL,
			    "导出数据含有过长或无效的文本");
		return 0;
	}
	if (json_is_number(v) || json_is_boolean(v) || json_is_null(v))
		return 0;
	return err_set(e, ERR_INVALID, NULL,
	    "导出数据格式错误：单元格须为文本或数字");
}

static int
check_input(const char *sheet, json_t *headers, json_t *rows,
    struct err *e)
{
	size_t i, j;
	json_t *row, *v;
	int rc;

	if (sheet != NULL && !sheet_name_ok(sheet))
		return err_set(e, ERR_INVALID, NULL, "工作表名称无效");
	if (!json_is_array(headers) || json_array_size(headers) == 0 ||
	    json_array_size(headers) > XLSX_MAX_COLS || !json_is_array(rows) ||
	    json_array_size(rows) > XLSX_MAX_ROWS)
		return err_set(e, ERR_INVALID, NULL, "导出数据格式错误");
	json_array_foreach(headers, i, v) {
		if (!json_is_string(v))
			return err_set(e, ERR_INVALID, NULL,
			    "导出数据格式错误：表头须为文本");
	}
	json_array_foreach(rows, i, row) {
		if (!json_is_array(row) || json_array_size(row) > XLSX_MAX_COLS)
			return err_set(e, ERR_INVALID, NULL,
			    "导出数据格式错误：行须为数组");
		json_array_foreach(row, j, v) {
			rc = check_cell(v, e);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int
xlsx_write_table(const char *path, const char *sheet, json_t *headers,
    json_t *rows, const double *widths, int64_t created, struct err *e)
{
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_doc_properties props;
	lxw_error xe;
	size_t i, j;
	json_t *row, *v;
	int rc;

	rc = check_input(sheet, headers, rows, e);
	if (rc != 0)
		return rc;
	wb = workbook_new(path);
	if (wb == NULL)
		return err_internal(e, "xlsx: cannot create %s", path);
	memset(&props, 0, sizeof(props));
	props.created = (time_t)created;
	workbook_set_properties(wb, &props);
	ws = workbook_add_worksheet(wb, sheet);
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_bg_color(bold, 0xE8E8E8);
	format_set_border(bold, LXW_BORDER_THIN);
	json_array_foreach(headers, i, v) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i,
		    widths != NULL ? widths[i] : 16, NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)i,
		    json_string_value(v), bold);
	}
	worksheet_freeze_panes(ws, 1, 0);
	json_array_foreach(rows, i, row) {
		lxw_row_t r = (lxw_row_t)(i + 1);

		json_array_foreach(row, j, v) {
			lxw_col_t c = (lxw_col_t)j;

			/* Strings stay strings: never written as formulas. */
			if (json_is_string(v))
				worksheet_write_string(ws, r, c,
				    json_string_value(v), NULL);
			else if (json_is_integer(v))
				worksheet_write_number(ws, r, c,
				    (double)json_integer_value(v), NULL);
			else if (json_is_real(v))
				worksheet_write_number(ws, r, c,
				    json_real_value(v), NULL);
			else if (json_is_boolean(v))
				worksheet_write_string(ws, r, c,
				    json_is_true(v) ? "是" : "否", NULL);
		}
	}
	xe = workbook_close(wb);
	if (xe != LXW_NO_ERROR)
		return err_internal(e, "xlsx %s: %s", path,
		    lxw_strerror(xe));
	return 0;
}

int
xlsx_table_to_buf(struct buf *out, const char *tmp_dir, const char *sheet,
    json_t *headers, json_t *rows, const double *widths, int64_t created,
    struct err *e)
{
	char path[4096], chunk[65536];
	const char *dir = tmp_dir;
	ssize_t n;
	int fd, rc;

	if (dir == NULL)
		dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/onetrip-xlsx-XXXXXX",
	    dir) >= sizeof(path))
		return err_internal(e, "xlsx: temporary path too long");
	fd = mkstemp(path);
	if (fd < 0)
		return err_internal(e, "xlsx: mkstemp %s: %s", path,
		    strerror(errno));
	close(fd);
	rc = xlsx_write_table(path, sheet, headers, rows, widths, created, e);
	if (rc != 0)
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = err_internal(e, "xlsx: open %s: %s", path,
		    strerror(errno));
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_append(out, chunk, (size_t)n) != 0) {
			rc = err_set(e, ERR_TOO_LARGE, NULL, "导出文件过大");
			break;
		}
	}
	if (rc == 0 && n < 0)
		rc = err_internal(e, "xlsx: read %s: %s", path,
		    strerror(errno));
	close(fd);
out:
	unlink(path);
	return rc;
}
