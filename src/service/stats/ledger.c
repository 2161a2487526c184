/* ledger.c - the quarterly work ledger (优化办理流程工作台账): one per
 * department and quarter, drafted from the reform tasks the department
 * takes part in (and its latest progress on them), edited and submitted by
 * the department admin by the 23rd of the quarter's last month (late after,
 * core/ledger.c), accepted or returned by the hall (县审改办). */
#include "service/stats/stats_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/utf8.h"
#include "core/ledger.h"
#include "service/case/case.h"
#include "store/db.h"

#define LEDGER_TEXT_MAX 2000

int
stats_ledger_submit_by(struct ctx *c, const char *due, char out[11],
    struct err *e)
{
	const struct calendar *cal;
	int32_t day;

	if (calendar_day_parse(due, &day, e) != 0)
		return -(int)e->code;
	if (case_calendar_current(c, &cal, e) != 0)
		return -(int)e->code;
	calendar_day_format(ledger_submit_by(cal, day), out);
	return 0;
}

int
stats_ledger_json(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct db *db = c->db;
	struct db_stmt *s;
	char submit_by[11];
	json_t *rows;
	int rc;

	*out = NULL;
	s = db_query(db, e, "SELECT l.id, l.dept_id, d.name, l.year, l.quarter, "
	    "l.status, l.due_day, l.late, l.version, l.review_note FROM ledgers l "
	    "JOIN departments d ON d.id = l.dept_id WHERE l.id = ?", "i", id);
	if (s == NULL)
		return -(int)e->code;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*out = json_pack("{s:I s:I s:s s:i s:i s:s s:s s:b s:I s:s?}",
		    "id", (json_int_t)db_col_int(s, 0),
		    "dept_id", (json_int_t)db_col_int(s, 1),
		    "dept", db_col_text(s, 2), "year", (int)db_col_int(s, 3),
		    "quarter", (int)db_col_int(s, 4), "status",
		    db_col_text(s, 5), "due_day", db_col_text(s, 6), "late",
		    db_col_int(s, 7) != 0, "version",
		    (json_int_t)db_col_int(s, 8), "review_note",
		    db_col_is_null(s, 9) ? NULL : db_col_text(s, 9));
	db_finish(s);
	if (rc < 0)
		return rc;
	if (*out == NULL)
		return err_set(e, ERR_NOT_FOUND, "ledger_not_found", "台账不存在");
	if (stats_ledger_submit_by(c, json_string_value(json_object_get(*out,
	    "due_day")), submit_by, e) != 0) {
		json_decref(*out);
		*out = NULL;
		return -(int)e->code;
	}
	json_object_set_new(*out, "submit_by", json_string(submit_by));
	s = db_query(db, e, "SELECT seq, area, lead_unit, participants, "
	    "deliverable, plan, progress, remarks, task_id FROM ledger_rows "
	    "WHERE ledger_id = ? ORDER BY area, seq", "i", id);
	if (s == NULL) {
		json_decref(*out);
		*out = NULL;
		return -(int)e->code;
	}
	rows = json_array();
	while ((rc = db_step(s, e)) == DB_ROW)
		json_array_append_new(rows, json_pack("{s:i s:i s:s s:s s:s s:s "
		    "s:s s:s s:I}", "seq", (int)db_col_int(s, 0), "area",
		    (int)db_col_int(s, 1), "lead_unit", db_col_text(s, 2),
		    "participants", db_col_text(s, 3), "deliverable",
		    db_col_text(s, 4), "plan", db_col_text(s, 5), "progress",
		    db_col_text(s, 6), "remarks", db_col_text(s, 7), "task_id",
		    (json_int_t)(db_col_is_null(s, 8) ? 0 : db_col_int(s, 8))));
	db_finish(s);
	json_object_set_new(*out, "rows", rows);
	return rc < 0 ? rc : 0;
}

struct open_tx {
	struct ctx *c;
	int64_t dept_id, id;
	int year, quarter;
	json_t *tasks;
	char note[600];	/* the department's indicators, for the first row */
};

/* The department's five indicators at the end of the quarter (or today,
 * within it) as a remark the draft starts from: "本部门五项指标（截至
 * 2024-06-30）：减时间 72.5%（目标 70%，达标）；…". Empty when the
 * department has no published item in scope. */
static int
indicators_note(struct ctx *c, int64_t dept_id, int year, int quarter,
    char *out, size_t size, struct err *e)
{
	char as_of[11], today[11];
	json_t *all = NULL, *d, *x;
	size_t i, used;
	int rc;

	out[0] = '\0';
	calendar_day_format(calendar_day_from_ymd(quarter == 4 ? year + 1 :
	    year, quarter == 4 ? 1 : quarter * 3 + 1, 1) - 1, as_of);
	clock_date(clock_now(), today);
	if (strcmp(today, as_of) < 0)
		memcpy(as_of, today, sizeof(as_of));
	rc = reform_indicators_at(c, NULL, as_of, &all, e);
	if (rc != 0)
		return rc;
	json_array_foreach(json_object_get(all, "departments"), i, d) {
		if (json_integer_value(json_object_get(d, "dept_id")) != dept_id)
			continue;
		used = (size_t)snprintf(out, size, "本部门五项指标（截至 %s）：",
		    as_of);
		json_array_foreach(json_object_get(d, "indicators"), i, x) {
			if (used >= size)
				break;
			used += (size_t)snprintf(out + used, size - used,
			    "%s%s %.1f%%（目标 %.0f%%，%s）", i > 0 ? "；" : "",
			    json_string_value(json_object_get(x, "label")),
			    json_real_value(json_object_get(x, "percent")),
			    json_real_value(json_object_get(x, "target")),
			    json_is_true(json_object_get(x, "met")) ? "达标" :
			    "未达标");
		}
		break;
	}
	json_decref(all);
	return 0;
}

static int
open_tx(struct db *db, void *arg, struct err *e)
{
	struct open_tx *o = arg;
	struct db_stmt *s;
	char due[11], idbuf[24];
	int64_t now = clock_now();
	json_t *t, *sum;
	size_t i;
	int rc, seq = 0;

	rc = db_query_int(db, e, &o->id, "SELECT id FROM ledgers WHERE "
	    "dept_id = ? AND year = ? AND quarter = ?", "iII", o->dept_id,
	    o->year, o->quarter);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return 0;
	calendar_day_format(ledger_due(o->year, o->quarter,
	    (int)config_int("ledger.due_day")), due);
	s = db_query(db, e, "INSERT INTO ledgers (dept_id, year, quarter, "
	    "due_day, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
	    "RETURNING id", "iIIsii", o->dept_id, o->year, o->quarter, due, now,
	    now);
	if (s == NULL)
		return -(int)e->code;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		o->id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	json_array_foreach(o->tasks, i, t) {
		const char *remark = json_is_true(json_object_get(t, "overdue")) ?
		    "任务已逾期" : "";
		char plan[3000], remarks[700];

		snprintf(plan, sizeof(plan), "%s：%s",
		    json_string_value(json_object_get(t, "title")),
		    json_string_value(json_object_get(t, "content")));
		/* The first row (area 1, 深化改革优流程) carries the
		 * department's indicators. */
		snprintf(remarks, sizeof(remarks), "%s%s%s", i == 0 ? o->note :
		    "", i == 0 && o->note[0] != '\0' && remark[0] != '\0' ?
		    "；" : "", remark);
		rc = db_exec(db, e, "INSERT INTO ledger_rows (ledger_id, seq, "
		    "area, task_id, lead_unit, participants, deliverable, plan, "
		    "progress, remarks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "iIIisssss" "s", o->id, ++seq,
		    (int)json_integer_value(json_object_get(t, "area")),
		    (int64_t)json_integer_value(json_object_get(t, "id")),
		    json_string_value(json_object_get(t, "lead_units")),
		    json_string_value(json_object_get(t, "participants")),
		    json_string_value(json_object_get(t, "deliverable")), plan,
		    json_string_value(json_object_get(t, "last_progress")) != NULL ?
		    json_string_value(json_object_get(t, "last_progress")) : "",
		    remarks);
		if (rc != 0)
			return rc;
	}
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)o->id);
	sum = json_pack("{s:I s:i s:i}", "dept_id", (json_int_t)o->dept_id,
	    "year", o->year, "quarter", o->quarter);
	rc = audit_append(o->c, "ledger.draft", "ledger", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static int
own_dept(struct ctx *c, int64_t dept_id, int64_t *out, struct err *e)
{
	if (actor_has(c->actor, ROLE_HALL_ADMIN) && dept_id != 0) {
		*out = dept_id;
		return 0;
	}
	if (!actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN) ||
	    c->actor->dept_id == 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有部门管理员可以填报工作台账");
	if (dept_id != 0 && dept_id != c->actor->dept_id)
		return err_set(e, ERR_FORBIDDEN, NULL, "只能填报本部门的台账");
	*out = c->actor->dept_id;
	return 0;
}

int
stats_ledger_draft(struct ctx *c, int64_t dept_id, int year, int quarter,
    int64_t *id, struct err *e)
{
	struct open_tx o;
	json_t *list = NULL;
	int rc;

	*id = 0;
	memset(&o, 0, sizeof(o));
	rc = reform_tasks_list(c, dept_id, &list, e);
	if (rc != 0)
		return rc;
	o.c = c;
	o.dept_id = dept_id;
	o.year = year;
	o.quarter = quarter;
	o.tasks = json_object_get(list, "tasks");
	rc = indicators_note(c, dept_id, year, quarter, o.note, sizeof(o.note),
	    e);
	if (rc == 0)
		rc = db_tx(c->db, open_tx, &o, e);
	json_decref(list);
	if (rc == 0)
		*id = o.id;
	return rc;
}

int
reform_ledger_open(struct ctx *c, int64_t dept_id, int year, int quarter,
    json_t **out, struct err *e)
{
	int64_t dept, id;
	int rc;

	*out = NULL;
	if (own_dept(c, dept_id, &dept, e) != 0)
		return -(int)e->code;
	if (year < 2024 || year > 2100)
		return err_field(e, ERR_INVALID, "year", NULL, "年度无效");
	if (quarter < 1 || quarter > 4)
		return err_field(e, ERR_INVALID, "quarter", NULL,
		    "季度只能是 1 至 4");
	rc = stats_ledger_draft(c, dept, year, quarter, &id, e);
	if (rc != 0)
		return rc;
	return stats_ledger_json(c, id, out, e);
}

/* Loads the ledger's department and status for a change. */
static int
ledger_head(struct ctx *c, int64_t id, int64_t *dept, char status[16],
    char due[11], struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(c->db, e, "SELECT dept_id, status, due_day FROM ledgers "
	    "WHERE id = ?", "i", id);
	if (s == NULL)
		return -(int)e->code;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		*dept = db_col_int(s, 0);
		snprintf(status, 16, "%s", db_col_text(s, 1));
		snprintf(due, 11, "%s", db_col_text(s, 2));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "ledger_not_found", "台账不存在");
	return 0;
}

int
reform_ledger_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	char status[16], due[11];
	int64_t dept;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看工作台账");
	rc = ledger_head(c, id, &dept, status, due, e);
	if (rc != 0)
		return rc;
	if (!actor_has(c->actor, STATS_WIDE) && dept != c->actor->dept_id)
		return err_set(e, ERR_FORBIDDEN, NULL, "只能查看本部门的台账");
	return stats_ledger_json(c, id, out, e);
}

struct change_tx {
	struct ctx *c;
	int64_t id;
	const char *action, *status, *note;
	const json_t *rows;
	int late;
};

static int
change_tx(struct db *db, void *arg, struct err *e)
{
	struct change_tx *x = arg;
	const json_t *r;
	char idbuf[24];
	json_t *sum;
	size_t i;
	int rc;

	json_array_foreach(x->rows, i, r) {
		rc = db_exec(db, e, "UPDATE ledger_rows SET plan = ?, "
		    "progress = ?, remarks = ? WHERE ledger_id = ? AND seq = ?",
		    "sssiI", json_string_value(json_object_get(r, "plan")),
		    json_string_value(json_object_get(r, "progress")),
		    json_string_value(json_object_get(r, "remarks")), x->id,
		    (int)json_integer_value(json_object_get(r, "seq")));
		if (rc != 0)
			return rc;
	}
	if (strcmp(x->action, "ledger.submit") == 0)
		rc = db_exec(db, e, "UPDATE ledgers SET status = 'submitted', "
		    "late = ?, submitted_at = ?, submitted_by = ?, updated_at = ?, "
		    "version = version + 1 WHERE id = ?", "Iiiii", x->late,
		    clock_now(), x->c->actor->user_id, clock_now(), x->id);
	else if (x->status != NULL)
		rc = db_exec(db, e, "UPDATE ledgers SET status = ?, "
		    "review_note = ?, reviewed_at = ?, reviewed_by = ?, "
		    "updated_at = ?, version = version + 1 WHERE id = ?",
		    "ssiiii", x->status, x->note, clock_now(),
		    x->c->actor->user_id, clock_now(), x->id);
	else
		rc = db_exec(db, e, "UPDATE ledgers SET updated_at = ?, "
		    "version = version + 1 WHERE id = ?", "ii", clock_now(), x->id);
	if (rc != 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)x->id);
	sum = json_pack("{s:s?}", "status", x->status);
	rc = audit_append(x->c, x->action, "ledger", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static int
rows_check(const json_t *rows, struct err *e)
{
	const json_t *r;
	size_t i;

	if (rows == NULL)
		return 0;
	if (!json_is_array(rows))
		return err_field(e, ERR_INVALID, "rows", NULL, "台账行应为数组");
	json_array_foreach(rows, i, r) {
		const char *f[3] = { "plan", "progress", "remarks" };

		if (!json_is_integer(json_object_get(r, "seq")))
			return err_field(e, ERR_INVALID, "rows", NULL,
			    "第 %zu 行缺少序号", i + 1);
		for (int k = 0; k < 3; k++) {
			const char *v = json_string_value(json_object_get(r,
			    f[k]));
			size_t n = v != NULL ? utf8_strlen(v) : (size_t)-1;

			if (n == (size_t)-1 || n > LEDGER_TEXT_MAX)
				return err_field(e, ERR_INVALID, "rows", NULL,
				    "第 %zu 行的工作计划、进展情况和备注须为 2000 字以内的文本",
				    i + 1);
		}
	}
	return 0;
}

int
reform_ledger_save(struct ctx *c, int64_t id, const json_t *rows, bool submit,
    json_t **out, struct err *e)
{
	struct change_tx x;
	char status[16], due[11], today[11];
	int64_t dept, own;
	int rc;

	*out = NULL;
	rc = ledger_head(c, id, &dept, status, due, e);
	if (rc != 0)
		return rc;
	if (own_dept(c, dept, &own, e) != 0)
		return -(int)e->code;
	if (own != dept)
		return err_set(e, ERR_FORBIDDEN, NULL, "只能填报本部门的台账");
	if (strcmp(status, "draft") != 0 && strcmp(status, "returned") != 0)
		return err_set(e, ERR_CONFLICT, "ledger_submitted",
		    "台账已报送，不能修改");
	if (rows_check(rows, e) != 0)
		return -(int)e->code;
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.id = id;
	x.rows = rows;
	x.action = submit ? "ledger.submit" : "ledger.save";
	clock_date(clock_now(), today);
	x.late = strcmp(today, due) > 0;
	rc = db_tx(c->db, change_tx, &x, e);
	if (rc != 0)
		return rc;
	return stats_ledger_json(c, id, out, e);
}

int
reform_ledger_review(struct ctx *c, int64_t id, bool accept, const char *note,
    json_t **out, struct err *e)
{
	struct change_tx x;
	char status[16], due[11];
	int64_t dept;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有县审改办（大厅管理员）可以审核台账");
	rc = ledger_head(c, id, &dept, status, due, e);
	if (rc != 0)
		return rc;
	if (strcmp(status, "submitted") != 0)
		return err_set(e, ERR_CONFLICT, "ledger_not_submitted",
		    "台账尚未报送");
	if (!accept && (note == NULL || note[0] == '\0'))
		return err_field(e, ERR_INVALID, "note", NULL,
		    "退回台账须说明原因");
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.id = id;
	x.action = accept ? "ledger.accept" : "ledger.return";
	x.status = accept ? "accepted" : "returned";
	x.note = note != NULL ? note : "";
	rc = db_tx(c->db, change_tx, &x, e);
	if (rc != 0)
		return rc;
	return stats_ledger_json(c, id, out, e);
}
