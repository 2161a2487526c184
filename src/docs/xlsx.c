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

typedef int (*xlsx_writer_fn)(const char *path, void *arg, struct err *e);

/* Runs write into a temporary file of tmp_dir, reads it into out and
 * removes it. */
static int
tmp_to_buf(struct buf *out, const char *tmp_dir, xlsx_writer_fn write,
    void *arg, struct err *e)
{
	char path[4096], chunk[65536];
	const char *dir = tmp_dir;
	ssize_t n = 0;
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
	rc = write(path, arg, e);
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

struct table_args {
	const char *sheet;
	json_t *headers, *rows;
	const double *widths;
	int64_t created;
};

static int
table_write(const char *path, void *arg, struct err *e)
{
	struct table_args *t = arg;

	return xlsx_write_table(path, t->sheet, t->headers, t->rows,
	    t->widths, t->created, e);
}

int
xlsx_table_to_buf(struct buf *out, const char *tmp_dir, const char *sheet,
    json_t *headers, json_t *rows, const double *widths, int64_t created,
    struct err *e)
{
	struct table_args t = { sheet, headers, rows, widths, created };

	return tmp_to_buf(out, tmp_dir, table_write, &t, e);
}

/* ---- the ledger in the attachment's layout ---- */

#define LEDGER_COLS 9

struct ledger_fmt {
	lxw_format *title, *subtitle, *head, *body, *center, *note;
};

static lxw_format *
ledger_format(lxw_workbook *wb, const char *font, double size, bool center,
    bool border)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_font_name(f, font);
	format_set_font_size(f, size);
	format_set_text_wrap(f);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (center)
		format_set_align(f, LXW_ALIGN_CENTER);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	return f;
}

/* A cell over rows r0..r1 and columns c0..c1, merged when more than one. */
static void
span(lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1,
    lxw_col_t c1, const char *text, lxw_format *f)
{
	if (r0 == r1 && c0 == c1)
		worksheet_write_string(ws, r0, c0, text, f);
	else
		worksheet_merge_range(ws, r0, c0, r1, c1, text, f);
}

static const char *
field(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v != NULL ? v : "";
}

static int
ledger_check(const json_t *l, struct err *e)
{
	const json_t *rows = json_object_get(l, "rows"), *r, *v;
	const char *k;
	size_t i;

	if (!json_is_object(l) || !json_is_array(rows) ||
	    json_array_size(rows) > XLSX_MAX_ROWS)
		return err_set(e, ERR_INVALID, NULL, "导出数据格式错误");
	json_array_foreach(rows, i, r) {
		if (!json_is_object(r))
			return err_set(e, ERR_INVALID, NULL,
			    "导出数据格式错误：行须为对象");
		json_object_foreach((json_t *)r, k, v) {
			if (json_is_string(v) && check_cell((json_t *)v, e) != 0)
				return -(int)e->code;
		}
	}
	return 0;
}

static void
ledger_head(lxw_worksheet *ws, const struct ledger_fmt *f, const json_t *l,
    lxw_col_t last, bool dept)
{
	static const char *const heads[LEDGER_COLS] = {
		"序号", "所属领域", "牵头单位", "参与单位", "成果形式",
		"工作计划", "", "进展情况", "备注"
	};
	static const double widths[LEDGER_COLS] = {
		6, 12, 18, 18, 22, 8, 44, 44, 18
	};

	for (lxw_col_t c = 0; c < LEDGER_COLS; c++)
		worksheet_set_column(ws, c, c, widths[c], NULL);
	if (dept)
		worksheet_set_column(ws, LEDGER_COLS, LEDGER_COLS, 18, NULL);
	worksheet_set_row(ws, 0, 36, NULL);
	span(ws, 0, 0, 0, last, field(l, "title"), f->title);
	span(ws, 1, 0, 1, last, field(l, "subtitle"), f->subtitle);
	for (lxw_col_t c = 0; c < LEDGER_COLS; c++) {
		if (c == 5)
			span(ws, 2, 5, 2, 6, heads[5], f->head);
		else if (c != 6)
			span(ws, 2, c, 3, c, heads[c], f->head);
	}
	worksheet_write_string(ws, 3, 5, "季度", f->head);
	worksheet_write_string(ws, 3, 6, "计划内容", f->head);
	if (dept)
		span(ws, 2, LEDGER_COLS, 3, LEDGER_COLS, "填报单位", f->head);
	worksheet_repeat_rows(ws, 2, 3);
	worksheet_freeze_panes(ws, 4, 0);
}

static int
ledger_write(const char *path, void *arg, struct err *e)
{
	const json_t *l = arg, *rows = json_object_get(l, "rows"), *r;
	bool dept = json_is_true(json_object_get(l, "dept_column"));
	lxw_col_t last = dept ? LEDGER_COLS : LEDGER_COLS - 1;
	lxw_doc_properties props;
	struct ledger_fmt f;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t row = 4, start = 4;
	lxw_error xe;
	size_t i, n = json_array_size(rows);
	int group = 0;
	char num[16];

	wb = workbook_new(path);
	if (wb == NULL)
		return err_internal(e, "xlsx: cannot create %s", path);
	memset(&props, 0, sizeof(props));
	props.title = (char *)field(l, "title");
	props.created = (time_t)json_integer_value(json_object_get(l,
	    "created"));
	workbook_set_properties(wb, &props);
	ws = workbook_add_worksheet(wb, "工作台账");
	f.title = ledger_format(wb, "黑体", 18, true, false);
	f.subtitle = ledger_format(wb, "仿宋", 12, false, false);
	f.head = ledger_format(wb, "黑体", 12, true, true);
	f.body = ledger_format(wb, "仿宋", 11, false, true);
	f.center = ledger_format(wb, "仿宋", 11, true, true);
	f.note = ledger_format(wb, "仿宋", 11, false, false);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);
	worksheet_fit_to_pages(ws, 1, 0);
	ledger_head(ws, &f, l, last, dept);
	for (i = 0; i < n; i++) {
		const char *area;

		r = json_array_get(rows, i);
		area = field(r, "area_label");
		worksheet_write_string(ws, row, 2, field(r, "lead_unit"), f.body);
		worksheet_write_string(ws, row, 3, field(r, "participants"),
		    f.body);
		worksheet_write_string(ws, row, 4, field(r, "deliverable"),
		    f.body);
		worksheet_write_string(ws, row, 5, field(r, "quarter_label"),
		    f.center);
		worksheet_write_string(ws, row, 6, field(r, "plan"), f.body);
		worksheet_write_string(ws, row, 7, field(r, "progress"), f.body);
		worksheet_write_string(ws, row, 8, field(r, "remarks"), f.body);
		if (dept)
			worksheet_write_string(ws, row, LEDGER_COLS,
			    field(r, "dept"), f.body);
		/* The three areas are row groups: 序号 and 所属领域 merged. */
		if (i + 1 == n || strcmp(area, field(json_array_get(rows,
		    i + 1), "area_label")) != 0) {
			snprintf(num, sizeof(num), "%d", ++group);
			span(ws, start, 0, row, 0, num, f.center);
			span(ws, start, 1, row, 1, area, f.center);
			start = row + 1;
		}
		row++;
	}
	span(ws, row + 1, 0, row + 1, last, field(l, "footnote"), f.note);
	xe = workbook_close(wb);
	if (xe != LXW_NO_ERROR)
		return err_internal(e, "xlsx %s: %s", path, lxw_strerror(xe));
	return 0;
}

int
xlsx_ledger_to_buf(struct buf *out, const char *tmp_dir, const json_t *ledger,
    struct err *e)
{
	if (ledger_check(ledger, e) != 0)
		return -(int)e->code;
	return tmp_to_buf(out, tmp_dir, ledger_write, (void *)ledger, e);
}
