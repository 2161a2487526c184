/* case_admin.c - the list of time-limit extensions for the department. */
#include "service/case/case.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idno.h"
#include "base/limits.h"
#include "core/calendar.h"
#include "store/db.h"

/* The cursor is the decimal id of the last row shown. */
static int
parse_cursor(const char *s, int64_t *id, struct err *e)
{
	char *end;
	long long v;

	*id = 0;
	if (s == NULL || s[0] == '\0')
		return 0;
	if (s[0] < '0' || s[0] > '9')
		goto bad;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		goto bad;
	*id = (int64_t)v;
	return 0;
bad:
	return err_field(e, ERR_INVALID, "cursor", "bad_cursor",
	    "分页参数 cursor 无效");
}

#define EXT_COLUMNS "SELECT x.id, x.case_id, c.case_no, i.name AS item_name, " \
	"x.dept_id, d.name AS dept_name, c.applicant_name, " \
	"c.applicant_idno, x.days, x.reason, x.status, " \
	"ru.name AS requested_by_name, x.requested_at, " \
	"du.name AS decided_by_name, x.decided_at, x.decision_reason, " \
	"c.state, c.due_day, c.remaining_days, c.warn_level, " \
	"c.extension_days, c.closed_at FROM case_extensions x " \
	"JOIN cases c ON c.id = x.case_id JOIN items i ON i.id = c.item_id " \
	"JOIN departments d ON d.id = x.dept_id " \
	"LEFT JOIN users ru ON ru.id = x.requested_by " \
	"LEFT JOIN users du ON du.id = x.decided_by " \
	"WHERE (? = 0 OR x.dept_id = ?) AND (CAST(? AS BIGINT) = 0 OR " \
	"x.case_id = ?) " \
	"AND (CAST(? AS TEXT) = 'all' OR x.status = ?) "

/* Adds the derived members to one row and drops the raw ID number. */
static int
decorate(struct ctx *c, const struct calendar *cal, json_t *o,
    struct err *e)
{
	const struct actor *a = c->actor;
	const char *idno, *status, *due, *warn;
	char masked[64], day[11];
	int32_t d;
	bool pending, open;
	int64_t dept;
	struct err ignore;

	idno = json_string_value(json_object_get(o, "applicant_idno"));
	idno_mask(idno != NULL ? idno : "", masked, sizeof(masked));
	if (json_object_set_new(o, "applicant_idno_masked",
	    json_string(masked)) != 0)
		return err_internal(e, "extension_list: out of memory");
	json_object_del(o, "applicant_idno");

	status = json_string_value(json_object_get(o, "status"));
	pending = status != NULL && strcmp(status, "pending") == 0;
	open = json_is_null(json_object_get(o, "closed_at"));
	dept = json_integer_value(json_object_get(o, "dept_id"));
	json_object_set_new(o, "can_decide", json_boolean(pending && open &&
	    a->kind == ACTOR_STAFF && actor_has(a, ROLE_DEPT_ADMIN) &&
	    a->dept_id == dept));

	due = json_string_value(json_object_get(o, "due_day"));
	warn = json_string_value(json_object_get(o, "warn_level"));
	err_clear(&ignore);
	if (pending && open && cal != NULL && due != NULL &&
	    (warn == NULL || strcmp(warn, "paused") != 0) &&
	    calendar_day_parse(due, &d, &ignore) == 0) {
		d = calendar_add_workdays(cal, d, (int)json_integer_value(
		    json_object_get(o, "days")));
		json_object_set_new(o, "new_due_day",
		    json_string(calendar_day_format(d, day)));
	} else {
		json_object_set_new(o, "new_due_day", json_null());
	}
	return 0;
}

int
extension_list(struct ctx *c, const struct extension_filter *f,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	const struct calendar *cal = NULL;
	const char *status = f->status;
	json_t *items = NULL;
	int64_t after, dept;
	char next[24];
	int limit = f->limit;
	bool pending;
	size_t n;
	int rc;

	*out = NULL;
	if (a == NULL || a->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (status == NULL || status[0] == '\0')
		status = "pending";
	if (strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "rejected") != 0 && strcmp(status, "all") != 0)
		return err_field(e, ERR_INVALID, "status", "bad_status",
		    "status 须为 pending、approved、rejected 或 all");
	rc = parse_cursor(f->cursor, &after, e);
	if (rc != 0)
		return rc;
	if (f->dept_id < 0 || f->case_id < 0)
		return err_set(e, ERR_INVALID, NULL, "查询参数不正确");
	if (a->kind == ACTOR_STAFF &&
	    actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR)) {
		dept = f->dept_id;
	} else if (a->kind == ACTOR_STAFF &&
	    actor_has(a, ROLE_DEPT_ADMIN | ROLE_APPROVER) && a->dept_id > 0) {
		if (f->dept_id != 0 && f->dept_id != a->dept_id)
			return err_set(e, ERR_FORBIDDEN, NULL,
			    "只能查看本部门的延期申请");
		dept = a->dept_id;
	} else {
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看延期申请");
	}
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;

	/* Waiting requests oldest first; decided ones newest first. One row
	 * more than asked tells whether there is a next page. */
	pending = strcmp(status, "pending") == 0;
	if (pending)
		items = db_query_json(c->db, e, EXT_COLUMNS "AND x.id > ? "
		    "ORDER BY x.id LIMIT ?", "iiiissiI", dept, dept,
		    f->case_id, f->case_id, status, status, after, limit + 1);
	else
		items = db_query_json(c->db, e, EXT_COLUMNS "AND (? = 0 OR "
		    "x.id < ?) ORDER BY x.id DESC LIMIT ?", "iiiissiiI", dept,
		    dept, f->case_id, f->case_id, status, status, after, after,
		    limit + 1);
	if (items == NULL)
		return err_rc(e);

	next[0] = '\0';
	n = json_array_size(items);
	if (n > (size_t)limit) {
		json_array_remove(items, n - 1);
		n--;
		snprintf(next, sizeof(next), "%" PRId64, (int64_t)
		    json_integer_value(json_object_get(json_array_get(items,
		    n - 1), "id")));
	}
	/* The projected due day needs the calendar; without it the list
	 * is still useful, so a calendar error only drops that member. */
	if (n > 0) {
		struct err ce;

		err_clear(&ce);
		if (case_calendar_current(c, &cal, &ce) != 0)
			cal = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		rc = decorate(c, cal, json_array_get(items, i), e);
		if (rc != 0)
			goto fail;
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    next[0] != '\0' ? json_string(next) : json_null());
	if (*out == NULL)
		return err_internal(e, "extension_list: out of memory");
	return 0;
fail:
	json_decref(items);
	return rc;
}
