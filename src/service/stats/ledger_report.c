/* ledger_report.c - the county roll-up of the quarterly ledgers (县审改办
 * 汇总: every government department's ledger status, the rows of those
 * submitted) and the exports of one ledger or of the roll-up, as XLSX in
 * the layout of the notice's attachment (docs/xlsx.c) or as CSV. */
#include "service/stats/stats_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "core/ledger.h"
#include "docs/csv.h"
#include "docs/xlsx.h"
#include "store/db.h"

static const char *const area_labels[] = {
	"", "深化改革优流程", "推进协同优流程", "创新机制优流程"
};
static const char *const quarter_labels[] = {
	"", "一季度", "二季度", "三季度", "四季度"
};

#define LEDGER_FOOTNOTE "备注：由县级各有关部门于每季度最后一月 23 日前填写，" \
    "报县审改办汇总上报市审改。"

static int
period_check(int year, int quarter, struct err *e)
{
	if (year < 2024 || year > 2100)
		return err_field(e, ERR_INVALID, "year", NULL, "年度无效");
	if (quarter < 1 || quarter > 4)
		return err_field(e, ERR_INVALID, "quarter", NULL,
		    "季度只能是 1 至 4");
	return 0;
}

static const char *
phase_name(enum ledger_phase p)
{
	switch (p) {
	case LEDGER_REMIND:
		return "remind";
	case LEDGER_LATE:
		return "late";
	case LEDGER_SUBMITTED:
		return "submitted";
	case LEDGER_OPEN:
		break;
	}
	return "open";
}

/* The rows of submitted or accepted ledgers of the quarter (dept 0: all),
 * with the department, ordered by area. */
static json_t *
rollup_rows(struct db *db, int year, int quarter, int64_t dept,
    struct err *e)
{
	json_t *rows, *r;
	size_t i;

	rows = db_query_json(db, e, "SELECT r.seq, r.area, r.lead_unit, "
	    "r.participants, r.deliverable, r.plan, r.progress, r.remarks, "
	    "r.task_id, l.id AS ledger_id, l.dept_id, d.name AS dept FROM "
	    "ledger_rows r JOIN ledgers l ON l.id = r.ledger_id JOIN "
	    "departments d ON d.id = l.dept_id WHERE l.year = ? AND "
	    "l.quarter = ? AND l.status IN ('submitted', 'accepted') AND "
	    "(? = 0 OR l.dept_id = ?) ORDER BY r.area, d.id, r.seq", "IIii",
	    year, quarter, dept, dept);
	if (rows == NULL)
		return NULL;
	json_array_foreach(rows, i, r) {
		int area = (int)json_integer_value(json_object_get(r, "area"));

		json_object_set_new(r, "area_label", json_string(
		    area >= 1 && area <= 3 ? area_labels[area] : ""));
	}
	return rows;
}

int
reform_ledger_rollup(struct ctx *c, int year, int quarter, json_t **out,
    struct err *e)
{
	int remind_dom = (int)config_int("ledger.remind_from_day");
	int due_dom = (int)config_int("ledger.due_day");
	int64_t own = 0;
	json_t *depts, *d, *counts, *rows;
	char today[11], due[11], submit_by[11];
	int32_t day;
	size_t i;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看工作台账");
	if (period_check(year, quarter, e) != 0)
		return -(int)e->code;
	if (!actor_has(c->actor, STATS_WIDE))
		own = c->actor->dept_id > 0 ? c->actor->dept_id : -1;
	depts = db_query_json(c->db, e, "SELECT d.id AS dept_id, d.name AS "
	    "dept, l.id AS ledger_id, COALESCE(l.status, 'none') AS status, "
	    "COALESCE(l.late, 0) AS late, l.submitted_at, l.reviewed_at, "
	    "l.review_note, l.reminded_day, (SELECT COUNT(*) FROM ledger_rows r "
	    "WHERE r.ledger_id = l.id) AS n_rows, (SELECT COUNT(*) FROM "
	    "ledger_rows r WHERE r.ledger_id = l.id AND r.progress <> '') AS "
	    "filled FROM departments d LEFT JOIN ledgers l ON l.dept_id = d.id "
	    "AND l.year = ? AND l.quarter = ? WHERE (d.kind = 'government' OR "
	    "l.id IS NOT NULL) AND (? = 0 OR d.id = ?) ORDER BY d.id", "IIii",
	    year, quarter, own, own);
	if (depts == NULL)
		return -(int)e->code;
	clock_date(clock_now(), today);
	if (calendar_day_parse(today, &day, e) != 0) {
		json_decref(depts);
		return -(int)e->code;
	}
	counts = json_pack("{s:i s:i s:i s:i s:i s:i s:i}", "total",
	    (int)json_array_size(depts), "none", 0, "draft", 0, "submitted", 0,
	    "returned", 0, "accepted", 0, "late", 0);
	json_array_foreach(depts, i, d) {
		const char *st = json_string_value(json_object_get(d, "status"));
		json_t *n = json_object_get(counts, st);
		bool late = json_integer_value(json_object_get(d, "late")) != 0;

		if (n != NULL)
			json_integer_set(n, json_integer_value(n) + 1);
		/* Not submitted and past the due date: late even when the
		 * watch has not flagged it (or it was never opened). */
		if (!late && (strcmp(st, "none") == 0 ||
		    strcmp(st, "draft") == 0) && ledger_phase(day, year, quarter,
		    remind_dom, due_dom, false) == LEDGER_LATE)
			late = true;
		json_object_set_new(d, "late", json_boolean(late));
		if (late) {
			n = json_object_get(counts, "late");
			json_integer_set(n, json_integer_value(n) + 1);
		}
	}
	rows = rollup_rows(c->db, year, quarter, own > 0 ? own : 0, e);
	if (rows == NULL) {
		json_decref(depts);
		json_decref(counts);
		return -(int)e->code;
	}
	calendar_day_format(ledger_due(year, quarter, due_dom), due);
	if (stats_ledger_submit_by(c, due, submit_by, e) != 0) {
		json_decref(depts);
		json_decref(counts);
		json_decref(rows);
		return -(int)e->code;
	}
	*out = json_pack("{s:i s:i s:s s:s s:s s:o s:o s:o}", "year", year,
	    "quarter", quarter, "due_day", due, "submit_by", submit_by, "phase",
	    phase_name(ledger_phase(day, year, quarter, remind_dom, due_dom,
	    false)), "departments", depts, "counts", counts, "rows", rows);
	return 0;
}

/* The export document (see xlsx_ledger_to_buf) of rows. */
static json_t *
export_doc(const char *unit, int year, int quarter, json_t *rows, bool dept)
{
	char sub[400], due[11];
	json_t *r;
	size_t i;

	calendar_day_format(ledger_due(year, quarter,
	    (int)config_int("ledger.due_day")), due);
	snprintf(sub, sizeof(sub), "%s：%s　　%d年%s　　报送时限：%s前",
	    dept ? "汇总单位" : "填报单位", unit, year, quarter_labels[quarter],
	    due);
	json_array_foreach(rows, i, r) {
		int area = (int)json_integer_value(json_object_get(r, "area"));

		json_object_set_new(r, "area_label", json_string(
		    area >= 1 && area <= 3 ? area_labels[area] : ""));
		json_object_set_new(r, "quarter_label",
		    json_string(quarter_labels[quarter]));
	}
	return json_pack("{s:s s:s s:s s:I s:b s:O}", "title",
	    "优化办理流程工作台账", "subtitle", sub, "footnote",
	    LEDGER_FOOTNOTE, "created", (json_int_t)clock_now(),
	    "dept_column", dept, "rows", rows);
}

static int
export_csv(const json_t *doc, struct buf *out, struct err *e)
{
	bool dept = json_is_true(json_object_get(doc, "dept_column"));
	json_t *headers, *rows, *r;
	const char *prev = NULL;
	size_t i;
	int group = 0, rc;

	headers = json_pack("[s s s s s s s s s]", "序号", "所属领域",
	    "牵头单位", "参与单位", "成果形式", "季度", "工作计划", "进展情况",
	    "备注");
	if (dept)
		json_array_append_new(headers, json_string("填报单位"));
	rows = json_array();
	json_array_foreach(json_object_get(doc, "rows"), i, r) {
		const char *area = json_string_value(json_object_get(r,
		    "area_label"));
		json_t *row;

		if (prev == NULL || strcmp(prev, area) != 0)
			group++;
		prev = area;
		row = json_pack("[i s O O O O O O O]", group, area,
		    json_object_get(r, "lead_unit"),
		    json_object_get(r, "participants"),
		    json_object_get(r, "deliverable"),
		    json_object_get(r, "quarter_label"), json_object_get(r, "plan"),
		    json_object_get(r, "progress"), json_object_get(r, "remarks"));
		if (dept)
			json_array_append(row, json_object_get(r, "dept"));
		json_array_append_new(rows, row);
	}
	rc = csv_write_json(out, headers, rows, CSV_BOM | CSV_NEUTRALISE, e);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

static int
export_write(json_t *doc, const char *format, struct buf *out,
    const char **ctype, struct err *e)
{
	if (strcmp(format, "csv") == 0) {
		*ctype = "text/csv; charset=utf-8";
		return export_csv(doc, out, e);
	}
	*ctype = "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet";
	return xlsx_ledger_to_buf(out, NULL, doc, e);
}

static int
format_check(const char *format, struct err *e)
{
	if (format == NULL || (strcmp(format, "xlsx") != 0 &&
	    strcmp(format, "csv") != 0))
		return err_field(e, ERR_INVALID, "format", NULL,
		    "导出格式须为 xlsx 或 csv");
	return 0;
}

int
reform_ledger_export(struct ctx *c, int64_t id, const char *format,
    struct buf *out, const char **ctype, struct err *e)
{
	json_t *l = NULL, *doc;
	int rc;

	if (format_check(format, e) != 0)
		return -(int)e->code;
	rc = reform_ledger_get(c, id, &l, e);
	if (rc != 0)
		return rc;
	doc = export_doc(json_string_value(json_object_get(l, "dept")),
	    (int)json_integer_value(json_object_get(l, "year")),
	    (int)json_integer_value(json_object_get(l, "quarter")),
	    json_object_get(l, "rows"), false);
	rc = export_write(doc, format, out, ctype, e);
	json_decref(doc);
	json_decref(l);
	return rc;
}

int
reform_ledger_rollup_export(struct ctx *c, int year, int quarter,
    const char *format, struct buf *out, const char **ctype, struct err *e)
{
	json_t *rows, *doc;
	int rc;

	if (!actor_has(c->actor, STATS_WIDE))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有县审改办和督查室可以导出全县汇总台账");
	if (format_check(format, e) != 0 || period_check(year, quarter, e) != 0)
		return -(int)e->code;
	rows = rollup_rows(c->db, year, quarter, 0, e);
	if (rows == NULL)
		return -(int)e->code;
	doc = export_doc("县审改办", year, quarter, rows, true);
	rc = export_write(doc, format, out, ctype, e);
	json_decref(doc);
	json_decref(rows);
	return rc;
}
