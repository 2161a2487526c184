/* warnings.c - deadline warnings and overdue explanations. */
#include "service/case/case.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "service/platform/platform.h"
#include "store/db.h"

const char *
warning_level_label(const char *level)
{
	if (level == NULL)
		return "";
	if (strcmp(level, "yellow") == 0)
		return "临期预警";
	if (strcmp(level, "red") == 0)
		return "超期";
	if (strcmp(level, "supplement_timeout") == 0)
		return "补正超时";
	if (strcmp(level, "rongque_missed") == 0)
		return "容缺材料逾期未补";
	return "";
}

static int
check_text(const char *s, const char *field, const char *what,
    struct err *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return err_field(e, ERR_INVALID, field, "required",
		    "请填写%s", what);
	n = utf8_strlen(s);
	if (n == (size_t)-1)
		return err_field(e, ERR_INVALID, field, "invalid_utf8",
		    "%s含有无效字符", what);
	if (n > LIMIT_TEXT_CHARS)
		return err_field(e, ERR_INVALID, field, "too_long",
		    "%s不能超过 %d 个字", what, LIMIT_TEXT_CHARS);
	return 0;
}

struct explain_tx {
	struct ctx *c;
	int64_t case_id;
	const char *reason, *measures, *new_date;
	int64_t id, at;
	char case_no[64];
};

static int
explain_fn(struct db *db, void *arg, struct err *e)
{
	struct explain_tx *t = arg;
	struct db_stmt *s;
	char level[16], idbuf[24];
	int64_t dept;
	json_t *sum;
	int rc;

	s = db_query(db, e, "SELECT dept_id, warn_level, case_no FROM cases "
	    "WHERE id = ?", "i", t->case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		if (rc == DB_DONE)
			return err_set(e, ERR_NOT_FOUND, "case_not_found",
			    "办件不存在");
		return rc;
	}
	dept = db_col_int(s, 0);
	snprintf(level, sizeof(level), "%s", db_col_text(s, 1));
	snprintf(t->case_no, sizeof(t->case_no), "%s", db_col_text(s, 2));
	db_finish(s);
	if (t->c->actor->kind != ACTOR_SYSTEM &&
	    (t->c->actor->dept_id <= 0 || t->c->actor->dept_id != dept))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有本部门工作人员可以填写超期说明");
	if (strcmp(level, "red") != 0)
		return err_set(e, ERR_CONFLICT, "not_overdue",
		    "该办件未超期，无需填写超期说明");
	t->at = clock_now();
	s = db_query(db, e, "INSERT INTO overdue_explanations (case_id, reason, "
	    "measures, new_date, explained_by, at) VALUES (?, ?, ?, ?, "
	    "NULLIF(?, 0), ?) RETURNING id", "isssii", t->case_id, t->reason,
	    t->measures, t->new_date, t->c->actor->user_id, t->at);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "explanation: no id");
	sum = json_pack("{s:I, s:s, s:s, s:s}", "explanation_id",
	    (json_int_t)t->id, "reason", t->reason, "measures", t->measures,
	    "new_date", t->new_date);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->case_id);
	rc = audit_append(t->c, "case.overdue_explanation", "case", idbuf, sum,
	    e);
	json_decref(sum);
	return rc;
}

int
overdue_explain(struct ctx *c, int64_t case_id, const char *reason,
    const char *measures, const char *new_date, json_t **out,
    struct err *e)
{
	struct explain_tx t;
	int32_t day;
	char ds[11];
	int rc;

	*out = NULL;
	if (c->actor == NULL || (c->actor->kind != ACTOR_SYSTEM &&
	    !actor_has(c->actor, ROLE_CLERK | ROLE_APPROVER |
	    ROLE_DEPT_ADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有本部门工作人员可以填写超期说明");
	rc = check_text(reason, "reason", "超期原因", e);
	if (rc == 0)
		rc = check_text(measures, "measures", "整改措施", e);
	if (rc != 0)
		return rc;
	if (new_date == NULL || calendar_day_parse(new_date, &day, e) != 0)
		return err_field(e, ERR_INVALID, "new_date", "bad_date",
		    "预计办结日期格式应为 YYYY-MM-DD");
	if (day < deadlines_today())
		return err_field(e, ERR_UNPROCESSABLE, "new_date",
		    "date_in_past", "预计办结日期不能早于今天");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.case_id = case_id;
	t.reason = reason;
	t.measures = measures;
	t.new_date = calendar_day_format(day, ds);
	rc = db_tx(c->db, explain_fn, &t, e);
	if (rc != 0)
		return rc;
	*out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "id",
	    (json_int_t)t.id, "case_id", (json_int_t)case_id, "reason", reason,
	    "measures", measures, "new_date", t.new_date, "at",
	    (json_int_t)t.at, "by_name", c->actor->name);
	return *out != NULL ? 0 : err_internal(e, "explain: out of memory");
}

static json_t *
text_or_null(struct db_stmt *s, int col)
{
	return db_col_is_null(s, col) ? json_null() :
	    json_string(db_col_text(s, col));
}

int
warnings_list(struct ctx *c, const struct warning_filter *f, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	int64_t dept = f->dept_id, before = f->before_id;
	int limit = f->limit;
	json_t *items;
	struct db_stmt *s;
	int rc, n = 0;
	char next[24];

	*out = NULL;
	if (a == NULL || (a->kind != ACTOR_SYSTEM && !actor_has(a,
	    ROLE_DEPT_ADMIN | ROLE_SUPERVISOR | ROLE_HALL_ADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看预警信息");
	if (a->kind != ACTOR_SYSTEM &&
	    !actor_has(a, ROLE_SUPERVISOR | ROLE_HALL_ADMIN)) {
		if (dept != 0 && dept != a->dept_id)
			return err_field(e, ERR_FORBIDDEN, "dept_id", NULL,
			    "只能查看本部门的预警信息");
		dept = a->dept_id;
		if (dept <= 0)
			return err_set(e, ERR_FORBIDDEN, NULL,
			    "账号未关联部门，无法查看预警信息");
	}
	if (f->level != NULL && f->level[0] != '\0' &&
	    warning_level_label(f->level)[0] == '\0')
		return err_field(e, ERR_INVALID, "level", "bad_level",
		    "预警级别须为 yellow、red、supplement_timeout 或 "
		    "rongque_missed");
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	if (before <= 0)
		before = INT64_MAX;
	items = json_array();
	if (items == NULL)
		return err_internal(e, "warnings_list: out of memory");
	s = db_query(c->db, e,
	    "SELECT w.id, w.level, w.at, k.id, k.case_no, i.name, k.dept_id, "
	    "d.name, k.state, k.due_day, k.remaining_days, k.closed_at, "
	    "x.reason, x.measures, x.new_date, x.at, u.name "
	    "FROM case_warnings w JOIN cases k ON k.id = w.case_id "
	    "LEFT JOIN items i ON i.id = k.item_id "
	    "LEFT JOIN departments d ON d.id = k.dept_id "
	    "LEFT JOIN overdue_explanations x ON x.id = (SELECT max(y.id) FROM "
	    "overdue_explanations y WHERE y.case_id = k.id) "
	    "LEFT JOIN users u ON u.id = x.explained_by "
	    "WHERE (? = 0 OR w.dept_id = ?) AND (CAST(? AS TEXT) IS NULL OR "
	    "w.level = ?) AND w.id < ? ORDER BY w.id DESC LIMIT ?",
	    "iissiI", dept, dept,
	    f->level != NULL && f->level[0] != '\0' ? f->level : NULL,
	    f->level != NULL && f->level[0] != '\0' ? f->level : NULL,
	    before, limit + 1);
	if (s == NULL) {
		json_decref(items);
		return err_rc(e);
	}
	next[0] = '\0';
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *level = db_col_text(s, 1);
		int64_t remaining = db_col_int(s, 10);
		json_t *o, *x;

		if (++n > limit) {
			snprintf(next, sizeof(next), "%" PRId64,
			    (int64_t)json_integer_value(json_object_get(
			    json_array_get(items, (size_t)limit - 1), "id")));
			break;
		}
		x = db_col_is_null(s, 12) ? json_null() : json_pack(
		    "{s:s, s:s, s:s, s:I, s:o}", "reason", db_col_text(s, 12),
		    "measures", db_col_text(s, 13), "new_date",
		    db_col_text(s, 14), "at", (json_int_t)db_col_int(s, 15),
		    "by_name", text_or_null(s, 16));
		o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:o, s:I, s:o, "
		    "s:s, s:o, s:o, s:I, s:b, s:o}",
		    "id", (json_int_t)db_col_int(s, 0),
		    "level", level,
		    "level_label", warning_level_label(level),
		    "at", (json_int_t)db_col_int(s, 2),
		    "case_id", (json_int_t)db_col_int(s, 3),
		    "case_no", db_col_text(s, 4),
		    "item_name", text_or_null(s, 5),
		    "dept_id", (json_int_t)db_col_int(s, 6),
		    "dept_name", text_or_null(s, 7),
		    "state", db_col_text(s, 8),
		    "due_day", text_or_null(s, 9),
		    "remaining_days", db_col_is_null(s, 10) ? json_null() :
		    json_integer(remaining),
		    "days_overdue", (json_int_t)(strcmp(level, "red") == 0 &&
		    remaining < 0 ? -remaining : 0),
		    "closed", !db_col_is_null(s, 11),
		    "explanation", x);
		if (o == NULL || json_array_append_new(items, o) != 0) {
			db_finish(s);
			json_decref(items);
			return err_internal(e, "warnings_list: out of memory");
		}
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    next[0] != '\0' ? json_string(next) : json_null());
	return *out != NULL ? 0 : err_internal(e, "warnings_list: oom");
}
