/* transfer.c - catalogue import (CSV) and export (CSV, XLSX). */
#include "service/catalog/catalog_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "core/catalog.h"
#include "docs/csv.h"
#include "docs/xlsx.h"
#include "store/db.h"



/* --- import and export --- */

/* Column kinds: S text, I integer, N integer or empty (null), B 0/1,
 * J JSON text. */
static const struct csv_col {
	const char *name;
	char kind;
} csv_cols[] = {
	{ "basic_code", 'S' }, { "impl_code", 'S' }, { "handle_code", 'S' },
	{ "type", 'S' }, { "name", 'S' }, { "dept", 'S' }, { "level", 'I' },
	{ "legal_basis", 'S' }, { "objects", 'J' }, { "conditions", 'S' },
	{ "materials", 'J' }, { "statutory_days", 'N' },
	{ "promised_days", 'I' }, { "time_note", 'S' }, { "case_kind", 'I' },
	{ "fee_charged", 'B' }, { "fee_basis", 'S' }, { "fee_items", 'J' },
	{ "handling_forms", 'J' }, { "online_depth", 'S' },
	{ "online_level", 'I' }, { "online_url", 'S' }, { "visits", 'I' },
	{ "visit_reason", 'S' }, { "stationed", 'B' },
	{ "window_authorised", 'B' }, { "rongque", 'B' }, { "commitment", 'B' },
	{ "high_risk", 'B' }, { "result_name", 'S' }, { "result_type", 'S' },
	{ "delivery", 'J' }, { "tongban", 'S' }, { "consult_phone", 'S' },
	{ "complaint_phone", 'S' }, { "faq", 'J' }, { "place", 'S' },
	{ "hours", 'S' }, { "themes", 'J' },
};

const char *const catalog_csv_columns[] = {
	"basic_code", "impl_code", "handle_code", "type", "name", "dept",
	"level", "legal_basis", "objects", "conditions", "materials",
	"statutory_days", "promised_days", "time_note", "case_kind",
	"fee_charged", "fee_basis", "fee_items", "handling_forms",
	"online_depth", "online_level", "online_url", "visits", "visit_reason",
	"stationed", "window_authorised", "rongque", "commitment", "high_risk",
	"result_name", "result_type", "delivery", "tongban", "consult_phone",
	"complaint_phone", "faq", "place", "hours", "themes", NULL,
};

static json_t *
export_cell(const json_t *v, char kind)
{
	char *s;
	json_t *out;

	if (v == NULL || json_is_null(v))
		return json_string("");
	if (kind == 'B')
		return json_integer(json_is_true(v) ? 1 : 0);
	if (kind == 'J') {
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		out = json_string(s != NULL ? s : "");
		free(s);
		return out;
	}
	if (json_is_string(v))
		return json_string(json_string_value(v));
	return json_deep_copy(v);
}

int
catalog_export(struct ctx *c, const char *format, struct buf *out,
    const char **ctype, struct err *e)
{
	json_t *rows = NULL, *list, *headers, *r;
	bool xlsx;
	size_t i;
	int rc;

	if (!catalog_is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权导出实施清单");
	if (format == NULL || format[0] == '\0' || strcmp(format, "csv") == 0)
		xlsx = false;
	else if (strcmp(format, "xlsx") == 0)
		xlsx = true;
	else
		return err_field(e, ERR_INVALID, "format", NULL,
		    "导出格式须为 csv 或 xlsx");
	list = db_query_json(c->db, e, "SELECT v.elements FROM items i JOIN "
	    "item_versions v ON v.id = i.current_version_id WHERE i.status = "
	    "'published' ORDER BY i.dept_id, i.id", "");
	if (list == NULL)
		return err_rc(e);
	headers = json_array();
	for (size_t k = 0; k < NELEM(csv_cols); k++) {
		const char *l = catalog_field_label(csv_cols[k].name);

		json_array_append_new(headers, json_string(xlsx && l != NULL &&
		    l[0] != '\0' ? l : csv_cols[k].name));
	}
	rows = json_array();
	json_array_foreach(list, i, r) {
		json_t *el = json_loads(json_string_value(json_object_get(r,
		    "elements")), 0, NULL), *row = json_array();

		for (size_t k = 0; k < NELEM(csv_cols); k++)
			json_array_append_new(row, export_cell(el != NULL ?
			    json_object_get(el, csv_cols[k].name) : NULL,
			    csv_cols[k].kind));
		json_decref(el);
		json_array_append_new(rows, row);
	}
	json_decref(list);
	if (xlsx) {
		*ctype = "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet";
		rc = xlsx_table_to_buf(out, NULL, "实施清单", headers, rows, NULL,
		    clock_now(), e);
	} else {
		*ctype = "text/csv; charset=utf-8";
		rc = csv_write_json(out, headers, rows, CSV_BOM | CSV_NEUTRALISE,
		    e);
	}
	json_decref(headers);
	json_decref(rows);
	return rc;
}

struct import_row {
	size_t line;
	json_t *canon;
	int64_t dept_id;
	char dept_name[400];
};

struct import_ctx {
	struct ctx *c;
	int map[NELEM(csv_cols)]; /* column index of each csv_cols entry */
	bool header_done;
	json_t *bad;              /* [{line, column, reason}] */
	struct import_row *rows;
	size_t n, cap;
	int imported;
};

static int
bad_row(struct import_ctx *x, size_t line, const char *column,
    const char *reason)
{
	json_array_append_new(x->bad, json_pack("{s:I, s:s, s:s}", "line",
	    (json_int_t)line, "column", column, "reason", reason));
	return 0;
}

static const char *
unneutralise(const char *s)
{
	if (s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' ||
	    s[1] == '@' || s[1] == '\t' || s[1] == '\r'))
		return s + 1;
	return s;
}

static int
import_header(struct import_ctx *x, char **f, size_t n)
{
	for (size_t k = 0; k < NELEM(csv_cols); k++) {
		const char *l = catalog_field_label(csv_cols[k].name);

		x->map[k] = -1;
		for (size_t j = 0; j < n; j++)
			if (strcmp(f[j], csv_cols[k].name) == 0 || (l != NULL &&
			    l[0] != '\0' && strcmp(f[j], l) == 0))
				x->map[k] = (int)j;
		if (x->map[k] < 0 && csv_cols[k].kind != 'S')
			bad_row(x, 1, csv_cols[k].name, "缺少该列");
	}
	x->header_done = true;
	return 0;
}

static int
import_row_fn(void *arg, size_t line, char **f, size_t n, struct err *e)
{
	struct import_ctx *x = arg;
	json_t *el, *canon = NULL;
	struct import_row *row;
	char dname[400];
	int64_t dept_id;
	struct err ve;
	int rc;

	if (!x->header_done)
		return import_header(x, f, n);
	el = json_object();
	for (size_t k = 0; k < NELEM(csv_cols); k++) {
		const struct csv_col *col = &csv_cols[k];
		const char *s;
		json_t *v = NULL;

		if (x->map[k] < 0 || (size_t)x->map[k] >= n)
			continue;
		s = unneutralise(f[x->map[k]]);
		switch (col->kind) {
		case 'S':
			v = json_string(s);
			break;
		case 'N':
			if (s[0] == '\0') {
				v = json_null();
				break;
			}
			/* FALLTHROUGH */
		case 'I': {
			char *end;
			long long iv;

			errno = 0;
			iv = strtoll(s, &end, 10);
			if (s[0] == '\0' || *end != '\0' || errno != 0) {
				bad_row(x, line, col->name, "须为整数");
				json_decref(el);
				return 0;
			}
			v = json_integer(iv);
			break;
		}
		case 'B':
			if (strcmp(s, "1") == 0 || strcmp(s, "是") == 0 ||
			    strcmp(s, "true") == 0)
				v = json_true();
			else if (strcmp(s, "0") == 0 || strcmp(s, "否") == 0 ||
			    strcmp(s, "false") == 0 || s[0] == '\0')
				v = json_false();
			else {
				bad_row(x, line, col->name, "须为 1（是）或 0（否）");
				json_decref(el);
				return 0;
			}
			break;
		case 'J':
			v = s[0] == '\0' ? json_array() : json_loads(s,
			    JSON_DECODE_ANY, NULL);
			if (v == NULL) {
				bad_row(x, line, col->name, "须为 JSON 格式");
				json_decref(el);
				return 0;
			}
			break;
		}
		json_object_set_new(el, col->name, v);
	}
	err_clear(&ve);
	rc = catalog_check_elements(x->c, el, false, &canon, &dept_id, dname, &ve);
	json_decref(el);
	if (rc == -ERR_INTERNAL || rc == -ERR_BUSY) {
		*e = ve;
		return rc;
	}
	if (rc != 0) {
		char colname[ERR_FIELD_MAX];
		size_t cut = strcspn(ve.field, ".[");

		snprintf(colname, sizeof(colname), "%.*s", (int)cut, ve.field);
		return bad_row(x, line, colname, ve.msg);
	}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		struct import_row *nr = realloc(x->rows, cap * sizeof(*nr));

		if (nr == NULL) {
			json_decref(canon);
			return err_internal(e, "out of memory");
		}
		x->rows = nr;
		x->cap = cap;
	}
	row = &x->rows[x->n++];
	row->line = line;
	row->canon = canon;
	row->dept_id = dept_id;
	snprintf(row->dept_name, sizeof(row->dept_name), "%s", dname);
	return 0;
}

static int
import_fn(struct db *db, void *arg, struct err *e)
{
	struct import_ctx *x = arg;
	int rc = 0;

	x->imported = 0;
	for (size_t i = 0; i < x->n && rc == 0; i++) {
		struct import_row *row = &x->rows[i];
		const char *impl = json_string_value(json_object_get(row->canon,
		    "impl_code"));
		const char *handle = json_string_value(json_object_get(
		    row->canon, "handle_code"));
		struct write_tx t;
		int64_t id = 0;

		memset(&t, 0, sizeof(t));
		t.c = x->c;
		t.dept_id = row->dept_id;
		t.dept_name = row->dept_name;
		t.canon = row->canon;
		t.note = "CSV 导入";
		rc = db_query_int(db, e, &id, "SELECT id FROM items WHERE "
		    "impl_code = ? AND handle_code = ?", "ss", impl,
		    handle != NULL ? handle : "");
		if (rc < 0)
			break;
		if (rc == DB_ROW) {
			int64_t dept = 0;

			rc = db_query_int(db, e, &dept, "SELECT dept_id FROM items "
			    "WHERE id = ?", "i", id);
			if (rc < 0)
				break;
			if (dept != row->dept_id) {
				rc = err_field(e, ERR_UNPROCESSABLE, "dept",
				    "dept_fixed", "第 %zu 行：不能更改已有事项的实施"
				    "主体", row->line);
				break;
			}
			t.item_id = id;
			/* A version under review is replaced by the import. */
			rc = db_exec(db, e, "UPDATE item_versions SET status = "
			    "'returned' WHERE item_id = ? AND status = "
			    "'submitted'", "i", id);
			if (rc == 0)
				rc = catalog_draft_fn(db, &t, e);
		} else {
			rc = catalog_create_fn(db, &t, e);
		}
		if (rc == 0)
			rc = catalog_submit_fn(db, &t, e);
		if (rc == 0)
			x->imported++;
	}
	return rc;
}

int
catalog_import_csv(struct ctx *c, const char *data, size_t len, int *imported,
    json_t **rows, struct err *e)
{
	struct import_ctx x;
	int rc;

	*imported = 0;
	*rows = NULL;
	if (!catalog_is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以导入实施清单");
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.bad = json_array();
	rc = csv_parse(data, len, NULL, import_row_fn, &x, e);
	if (rc == 0 && !x.header_done)
		rc = err_set(e, ERR_UNPROCESSABLE, "empty_csv",
		    "文件为空：第一行须为列名");
	if (rc == 0 && x.n == 0 && json_array_size(x.bad) == 0)
		rc = err_set(e, ERR_UNPROCESSABLE, "empty_csv",
		    "文件中没有事项");
	/* The same item twice in one file. */
	for (size_t i = 0; rc == 0 && i < x.n; i++)
		for (size_t j = 0; j < i; j++) {
			json_t *a = x.rows[i].canon, *b = x.rows[j].canon;

			if (json_equal(json_object_get(a, "impl_code"),
			    json_object_get(b, "impl_code")) &&
			    json_equal(json_object_get(a, "handle_code"),
			    json_object_get(b, "handle_code"))) {
				bad_row(&x, x.rows[i].line, "impl_code",
				    "与前面的行重复（实施编码及业务办理项编码相同）");
				break;
			}
		}
	if (rc == 0 && json_array_size(x.bad) > 0) {
		rc = err_set(e, ERR_UNPROCESSABLE, "import_invalid",
		    "有 %zu 处错误，未导入任何事项", json_array_size(x.bad));
		*rows = x.bad;
		x.bad = NULL;
	}
	if (rc == 0)
		rc = db_tx(c->db, import_fn, &x, e);
	if (rc == 0)
		*imported = x.imported;
	for (size_t i = 0; i < x.n; i++)
		json_decref(x.rows[i].canon);
	free(x.rows);
	json_decref(x.bad);
	return rc;
}
