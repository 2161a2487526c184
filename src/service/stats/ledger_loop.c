/* ledger_loop.c - the ledger's watch (run by the deadline sweeper): from
 * the reminder day (setting ledger.remind_from_day, the 16th) of the
 * quarter's last month up to the due date every government department's
 * ledger of the quarter is drafted if missing, and the admins of each department that has not
 * submitted are reminded once a day up to the due date (ledger.due_day,
 * the 23rd); a ledger still not submitted when the due date has passed is
 * flagged late, its department's admins are told, and a supervision ticket
 * (督查室) is opened once for it. Only ledgers that exist are flagged: the
 * drafting happens in the reminder days, so a department never reminded
 * (the server was not running then) is not escalated. Every step is
 * idempotent. */
#include "service/stats/stats_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "core/ledger.h"
#include "service/supervise/supervise.h"
#include "store/db.h"

static const char *const quarter_names[] = {
	"", "第一季度", "第二季度", "第三季度", "第四季度"
};

struct watch_tx {
	struct ctx *c;
	int64_t id, dept;
	int year, quarter;
	const char *dept_name, *due, *today;
	char submit_by[11];	/* the last working day on or before due */
	bool done;
};

static int
remind_fn(struct db *db, void *arg, struct err *e)
{
	struct watch_tx *t = arg;
	char title[160], body[700], note[120];
	int64_t n = 0;
	int rc;

	t->done = false;
	rc = db_query_int(db, e, &n, "SELECT COUNT(*) FROM ledgers WHERE "
	    "id = ? AND status IN ('draft', 'returned') AND (reminded_day IS "
	    "NULL OR reminded_day < ?)", "is", t->id, t->today);
	if (rc < 0)
		return rc;
	if (n == 0)
		return 0;
	rc = db_exec(db, e, "UPDATE ledgers SET reminded_day = ? WHERE id = ?",
	    "si", t->today, t->id);
	if (rc != 0)
		return rc;
	snprintf(title, sizeof(title), "请于 %s 前报送%d年%s工作台账",
	    t->submit_by, t->year, quarter_names[t->quarter]);
	/* A due date on a weekend or holiday: say which working day to use. */
	note[0] = '\0';
	if (strcmp(t->submit_by, t->due) != 0)
		snprintf(note, sizeof(note), "（%s 为休息日，请于 %s 前报送）",
		    t->due, t->submit_by);
	snprintf(body, sizeof(body), "%s的%d年%s优化办理流程工作台账尚未报送。"
	    "按白政办发〔2024〕1号，工作进展情况须于每季度最后一月23日前报县"
	    "审改办%s，请在“工作台账”页面填写并报送。", t->dept_name, t->year,
	    quarter_names[t->quarter], note);
	rc = notify_dept_admins(t->c, t->dept, 0, 0, "ledger_remind", title,
	    body, NULL, e);
	t->done = rc == 0;
	return rc;
}

static int
late_fn(struct db *db, void *arg, struct err *e)
{
	struct watch_tx *t = arg;
	struct supervise_ticket_in in;
	char key[48], title[160], problem[600];
	int64_t n = 0, ticket = 0;
	int rc;

	t->done = false;
	rc = db_query_int(db, e, &n, "SELECT COUNT(*) FROM ledgers WHERE "
	    "id = ? AND status = 'draft' AND late = 0", "i", t->id);
	if (rc < 0)
		return rc;
	if (n == 0)
		return 0;
	rc = db_exec(db, e, "UPDATE ledgers SET late = 1, updated_at = ? "
	    "WHERE id = ?", "ii", clock_now(), t->id);
	if (rc != 0)
		return rc;
	snprintf(title, sizeof(title), "%d年%s工作台账逾期未报送", t->year,
	    quarter_names[t->quarter]);
	snprintf(problem, sizeof(problem), "%s的%d年%s优化办理流程工作台账"
	    "应于 %s 前报县审改办，至今未报送。请说明原因并尽快报送。",
	    t->dept_name, t->year, quarter_names[t->quarter], t->due);
	rc = notify_dept_admins(t->c, t->dept, 0, 0, "ledger_late", title,
	    problem, NULL, e);
	if (rc != 0)
		return rc;
	snprintf(key, sizeof(key), "ledger_late:%" PRId64, t->id);
	memset(&in, 0, sizeof(in));
	in.source = "other";
	in.ref_type = "ledger";
	in.ref_id = t->id;
	in.dept_id = t->dept;
	in.title = title;
	in.problem = problem;
	in.auto_key = key;
	rc = supervise_ticket_open(t->c, db, &in, &ticket, e);
	t->done = rc == 0;
	return rc;
}

/* Drafts the quarter's ledger of every government department that has
 * none (from the reminder day on). */
static int
draft_missing(struct ctx *c, int year, int quarter, struct err *e)
{
	json_t *depts;
	json_t *d;
	size_t i;
	int rc = 0;

	depts = db_query_json(c->db, e, "SELECT d.id FROM departments d "
	    "WHERE d.kind = 'government' AND NOT EXISTS (SELECT 1 FROM "
	    "ledgers l WHERE l.dept_id = d.id AND l.year = ? AND "
	    "l.quarter = ?) ORDER BY d.id", "II", year, quarter);
	if (depts == NULL)
		return -(int)e->code;
	json_array_foreach(depts, i, d) {
		int64_t id;

		rc = stats_ledger_draft(c, json_integer_value(json_object_get(d,
		    "id")), year, quarter, &id, e);
		if (rc != 0)
			break;
	}
	json_decref(depts);
	return rc;
}

/* Runs fn for each ledger of the query (id, dept_id, name, year, quarter,
 * due_day), counting those it acted on. */
static int
each_ledger(struct ctx *c, json_t *list, const char *today, db_tx_fn fn,
    int *acted, struct err *e)
{
	json_t *l;
	size_t i;

	json_array_foreach(list, i, l) {
		struct watch_tx t;
		struct err te;

		memset(&t, 0, sizeof(t));
		t.c = c;
		t.id = json_integer_value(json_object_get(l, "id"));
		t.dept = json_integer_value(json_object_get(l, "dept_id"));
		t.dept_name = json_string_value(json_object_get(l, "name"));
		t.year = (int)json_integer_value(json_object_get(l, "year"));
		t.quarter = (int)json_integer_value(json_object_get(l,
		    "quarter"));
		if (t.quarter < 1 || t.quarter > 4)
			continue;
		t.due = json_string_value(json_object_get(l, "due_day"));
		t.today = today;
		err_clear(&te);
		if (t.due == NULL ||
		    stats_ledger_submit_by(c, t.due, t.submit_by, &te) != 0) {
			log_error("ledger watch: ledger %" PRId64 ": %s", t.id,
			    te.msg);
			continue;
		}
		if (db_tx(c->db, fn, &t, &te) != 0) {
			log_error("ledger watch: ledger %" PRId64 ": %s", t.id,
			    te.msg);
			if (te.code == ERR_INTERNAL) {
				*e = te;
				return -(int)te.code;
			}
		} else if (t.done) {
			(*acted)++;
		}
	}
	return 0;
}

int
reform_ledger_sweep(struct ctx *c, int *acted, struct err *e)
{
	int remind_dom = (int)config_int("ledger.remind_from_day");
	int due_dom = (int)config_int("ledger.due_day");
	enum ledger_phase phase;
	char today[11], due[11];
	int32_t day;
	json_t *list;
	int year, quarter, rc;

	*acted = 0;
	clock_date(clock_now(), today);
	if (calendar_day_parse(today, &day, e) != 0)
		return -(int)e->code;
	ledger_quarter_of(day, &year, &quarter);
	calendar_day_format(ledger_due(year, quarter, due_dom), due);
	phase = ledger_phase(day, year, quarter, remind_dom, due_dom, false);
	if (phase == LEDGER_REMIND) {
		rc = draft_missing(c, year, quarter, e);
		if (rc != 0)
			return rc;
		list = db_query_json(c->db, e, "SELECT l.id, l.dept_id, d.name, "
		    "l.year, l.quarter, l.due_day FROM ledgers l JOIN "
		    "departments d ON d.id = l.dept_id WHERE l.year = ? AND "
		    "l.quarter = ? AND l.status IN ('draft', 'returned') AND "
		    "(l.reminded_day IS NULL OR l.reminded_day < ?) ORDER BY "
		    "l.id", "IIs", year, quarter, today);
		if (list == NULL)
			return -(int)e->code;
		rc = each_ledger(c, list, today, remind_fn, acted, e);
		json_decref(list);
		if (rc != 0)
			return rc;
	}
	list = db_query_json(c->db, e, "SELECT l.id, l.dept_id, d.name, "
	    "l.year, l.quarter, l.due_day FROM ledgers l JOIN departments d ON "
	    "d.id = l.dept_id WHERE l.status = 'draft' AND l.late = 0 AND "
	    "l.due_day < ? ORDER BY l.id", "s", today);
	if (list == NULL)
		return -(int)e->code;
	rc = each_ledger(c, list, today, late_fn, acted, e);
	json_decref(list);
	return rc;
}
