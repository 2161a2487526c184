/* common.c - helpers shared by the supervise domain. */
#include "service/supervise/supervise_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/calendar.h"

bool
sv_overseer(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_SYSTEM || actor_has(a,
	    ROLE_SUPERVISOR | ROLE_HALL_ADMIN | ROLE_SYSADMIN));
}

bool
sv_supervisor(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_SYSTEM ||
	    actor_has(a, ROLE_SUPERVISOR));
}

bool
sv_dept_staff(const struct actor *a)
{
	return a != NULL && a->kind == ACTOR_STAFF && a->dept_id > 0 &&
	    actor_has(a, ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN);
}

bool
sv_dept_answerer(const struct actor *a, int64_t dept_id)
{
	return a != NULL && a->kind == ACTOR_STAFF && a->dept_id > 0 &&
	    a->dept_id == dept_id &&
	    actor_has(a, ROLE_APPROVER | ROLE_DEPT_ADMIN);
}

int
sv_text(const char *s, const char *field, const char *what, size_t max,
    bool required, struct err *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0') {
		if (!required)
			return 0;
		return err_field(e, ERR_INVALID, field, "required", "请填写%s",
		    what);
	}
	n = utf8_strlen(s);
	if (n == (size_t)-1)
		return err_field(e, ERR_INVALID, field, "invalid_utf8",
		    "%s含有无效字符", what);
	if (n > max)
		return err_field(e, ERR_INVALID, field, "too_long",
		    "%s不能超过 %zu 个字", what, max);
	return 0;
}

int
sv_day(const char *s, const char *field, const char *what, char out[11],
    struct err *e)
{
	int32_t d;
	struct err tmp;

	if (s == NULL || s[0] == '\0')
		return err_field(e, ERR_INVALID, field, "required", "请填写%s",
		    what);
	if (calendar_day_parse(s, &d, &tmp) != 0)
		return err_field(e, ERR_INVALID, field, "bad_date",
		    "%s格式应为 YYYY-MM-DD", what);
	calendar_day_format(d, out);
	return 0;
}

int
sv_period(const char *from, const char *to, struct sv_period *p,
    struct err *e)
{
	int32_t d;

	p->from[0] = p->to[0] = '\0';
	p->t0 = 0;
	p->t1 = INT64_MAX;
	if (from != NULL && from[0] != '\0') {
		if (sv_day(from, "from", "起始日期", p->from, e) != 0)
			return -ERR_INVALID;
		(void)calendar_day_parse(p->from, &d, e);
		p->t0 = (int64_t)d * 86400 - CLOCK_UTC_OFFSET_S;
	}
	if (to != NULL && to[0] != '\0') {
		if (sv_day(to, "to", "截止日期", p->to, e) != 0)
			return -ERR_INVALID;
		(void)calendar_day_parse(p->to, &d, e);
		p->t1 = ((int64_t)d + 1) * 86400 - CLOCK_UTC_OFFSET_S;
	}
	if (p->from[0] != '\0' && p->to[0] != '\0' &&
	    strcmp(p->from, p->to) > 0)
		return err_field(e, ERR_INVALID, "to", "bad_range",
		    "截止日期不能早于起始日期");
	return 0;
}

void
sv_today(char out[11])
{
	clock_date(clock_now(), out);
}

int
sv_audit(struct ctx *c, const char *action, const char *type, int64_t id,
    json_t *summary, struct err *e)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, id);
	return audit_append(c, action, type, buf, summary, e);
}

int
sv_notify_roles(struct ctx *c, unsigned roles, const char *kind,
    const char *title, const char *body, struct err *e)
{
	struct db_stmt *s;
	int64_t ids[64];
	int n = 0, rc;

	s = db_query(c->db, e, "SELECT id FROM users WHERE kind = 'S' AND "
	    "disabled = 0 AND (roles & ?) <> 0 ORDER BY id LIMIT 64", "i",
	    (int64_t)roles);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW && n < 64)
		ids[n++] = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		rc = notify_user(c, ids[i], 0, kind, title, body, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
sv_dept_exists(struct db *db, int64_t dept_id, const char *field,
    struct err *e)
{
	int64_t n = 0;
	int rc;

	if (dept_id <= 0)
		return err_field(e, ERR_INVALID, field, "required",
		    "请选择责任部门");
	rc = db_query_int(db, e, &n, "SELECT count(*) FROM departments "
	    "WHERE id = ?", "i", dept_id);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_field(e, ERR_NOT_FOUND, field, "dept_not_found",
		    "部门不存在");
	return 0;
}

int
sv_item_window_exist(struct db *db, int64_t item_id, int64_t window_id,
    struct err *e)
{
	int64_t n = 0;
	int rc;

	if (item_id > 0) {
		rc = db_query_int(db, e, &n, "SELECT count(*) FROM items "
		    "WHERE id = ?", "i", item_id);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_field(e, ERR_NOT_FOUND, "item_id",
			    "item_not_found", "事项不存在");
	}
	if (window_id > 0) {
		rc = db_query_int(db, e, &n, "SELECT count(*) FROM windows "
		    "WHERE id = ?", "i", window_id);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_field(e, ERR_NOT_FOUND, "window_id",
			    "window_not_found", "窗口不存在");
	}
	return 0;
}

int
sv_limit(int limit)
{
	if (limit <= 0)
		return LIMIT_PAGE_DEFAULT;
	return limit > LIMIT_PAGE_MAX ? LIMIT_PAGE_MAX : limit;
}

json_t *
sv_json_col(struct db_stmt *s, int col)
{
	json_t *j = NULL;

	if (!db_col_is_null(s, col))
		j = json_loads(db_col_text(s, col), 0, NULL);
	return j != NULL ? j : json_array();
}

json_t *
sv_text_or_null(struct db_stmt *s, int col)
{
	return db_col_is_null(s, col) ? json_null() :
	    json_string(db_col_text(s, col));
}

int
sv_ticket_event(struct ctx *c, struct db *db, int64_t ticket_id,
    const char *action, const char *note, struct err *e)
{
	return db_exec(db, e, "INSERT INTO sv_ticket_events (ticket_id, at, "
	    "actor_id, actor_name, action, note) VALUES (?, ?, ?, ?, ?, ?)",
	    "iiisss", ticket_id, clock_now(), c->actor->user_id,
	    c->actor->name, action, note != NULL ? note : "");
}
