/* Unit tests for the working-day clock of cases on SQLite:
 * service/deadlines.c (refresh, suspend, resume, the calendar cache),
 * service/calendar_admin.c (edits recompute open cases), jobs/sweeper.c
 * (warnings once, supplement time-out, 容缺 flag), jobs/outbox.c and
 * service/notify.c. */
#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "app.h"
#include "base/clock.h"
#include "core/calendar.h"
#include "jobs/jobs.h"
#include "service/case/case.h"
#include "service/platform/platform.h"
#include "store/db.h"
#include "unit_db.h"

struct fixture {
	char dir[UNIT_DB_DIR_MAX];
	struct db *db;
	struct config cfg;
	struct actor sys;
	struct ctx c;
	int64_t dept, handler, admin, applicant, item, version;
	int ncases;
};

/* 10:00 in Baihe (UTC+8) on date. */
static void
set_today(const char *date)
{
	int32_t day;
	struct err e;

	assert_int_equal(calendar_day_parse(date, &day, &e), 0);
	clock_set_now((int64_t)day * 86400 + 2 * 3600);
}

static int64_t
insert_id(struct fixture *f, const char *sql)
{
	struct db_stmt *s;
	struct err e;
	int64_t id = 0;

	s = db_query(f->db, &e, sql, "");
	assert_non_null(s);
	assert_int_equal(db_step(s, &e), DB_ROW);
	id = db_col_int(s, 0);
	db_finish(s);
	return id;
}

static int64_t
qint(struct fixture *f, const char *sql, int64_t arg)
{
	struct err e;
	int64_t v = -1;

	assert_int_equal(db_query_int(f->db, &e, &v, sql, "i", arg), DB_ROW);
	return v;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || unit_db_open("dl", f->dir, &f->db) < 0)
		return -1;
	config_defaults(&f->cfg);
	f->cfg.var_dir = f->dir;
	actor_system(&f->sys, "system");
	f->c.db = f->db;
	f->c.cfg = &f->cfg;
	f->c.actor = &f->sys;
	f->c.client_ip = "";
	f->c.request_id = "";
	case_calendar_cache_reset();
	set_today("2026-09-28");

	f->dept = insert_id(f, "INSERT INTO departments (name, created_at) "
	    "VALUES ('县市场监管局', 0) RETURNING id");
	f->handler = insert_id(f, "INSERT INTO users (kind, login, name, mobile, "
	    "password_hash, roles, dept_id, created_at, updated_at) VALUES "
	    "('S', 'sp', '审批员', '13900000001', 'x', 4, 1, 0, 0) RETURNING id");
	f->admin = insert_id(f, "INSERT INTO users (kind, login, name, mobile, "
	    "password_hash, roles, dept_id, created_at, updated_at) VALUES "
	    "('S', 'adm', '管理员', '13900000002', 'x', 8, 1, 0, 0) RETURNING id");
	f->applicant = insert_id(f, "INSERT INTO users (kind, login, name, "
	    "mobile, password_hash, roles, created_at, updated_at) VALUES "
	    "('P', '61092919900315001X', '张明', '13900000003', 'x', 1, 0, 0) "
	    "RETURNING id");
	f->item = insert_id(f, "INSERT INTO items (dept_id, basic_code, "
	    "impl_code, name, type, created_at, updated_at) VALUES (1, 'B1', "
	    "'I1', '食品经营许可', 'permit', 0, 0) RETURNING id");
	f->version = insert_id(f, "INSERT INTO item_versions (item_id, "
	    "version_no, elements, created_at) VALUES (1, 1, '{}', 0) "
	    "RETURNING id");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	case_calendar_cache_reset();
	rc = unit_db_remove(f->db, f->dir);
	free(f);
	return rc;
}

/* A case accepted on accepted (NULL: not accepted) with budget days. */
static int64_t
new_case(struct fixture *f, const char *state, const char *accepted,
    int budget)
{
	struct err e;
	char no[32];

	snprintf(no, sizeof(no), "T%03d", ++f->ncases);
	assert_int_equal(db_exec(f->db, &e, "INSERT INTO cases (case_no, "
	    "item_id, item_version_id, dept_id, applicant_id, applicant_kind, "
	    "applicant_name, applicant_idno, applicant_mobile, channel, state, "
	    "accepted_day, budget_days, handler_id, created_at, updated_at) "
	    "VALUES (?, 1, 1, 1, ?, 'P', '张明', '61092919900315001X', "
	    "'13900000003', 'online', ?, ?, ?, ?, ?, ?)", "sissIiii", no,
	    f->applicant, state, accepted, budget, f->handler, clock_now(),
	    clock_now()), 0);
	return qint(f, "SELECT max(id) FROM cases WHERE ? > 0", 1);
}

/* Column col of the case as text, "(null)" for NULL. */
static void
case_text(struct fixture *f, int64_t id, const char *col, char out[32])
{
	json_t *row, *v;
	struct err e;

	row = db_query_row(f->db, &e, "SELECT due_day, warn_level, "
	    "remaining_days, state FROM cases WHERE id = ?", "i", id);
	assert_non_null(row);
	v = json_object_get(row, col);
	assert_non_null(v);
	if (json_is_null(v))
		snprintf(out, 32, "(null)");
	else if (json_is_integer(v))
		snprintf(out, 32, "%lld", (long long)json_integer_value(v));
	else
		snprintf(out, 32, "%s", json_string_value(v));
	json_decref(row);
}

struct call {
	struct fixture *f;
	int64_t id;
	const char *kind;
	int op; /* 0 refresh, 1 suspend, 2 resume */
};

static int
call_fn(struct db *db, void *arg, struct err *e)
{
	struct call *k = arg;

	(void)db;
	if (k->op == 0)
		return case_deadline_refresh(&k->f->c, k->id, e);
	if (k->op == 1)
		return case_suspend(&k->f->c, k->id, k->kind, "材料不全", e);
	return case_resume(&k->f->c, k->id, "已补正", e);
}

static int
call(struct fixture *f, int op, int64_t id, const char *kind)
{
	struct call k = { f, id, kind, op };
	struct err e;

	err_clear(&e);
	return db_tx(f->db, call_fn, &k, &e);
}

static void
assert_case(struct fixture *f, int64_t id, const char *due,
    const char *level, const char *remaining)
{
	char v[32];

	case_text(f, id, "due_day", v);
	assert_string_equal(v, due);
	case_text(f, id, "warn_level", v);
	assert_string_equal(v, level);
	if (remaining != NULL) {
		case_text(f, id, "remaining_days", v);
		assert_string_equal(v, remaining);
	}
}

/* Accepted on the Monday before the National Day holiday with 5 working
 * days: 9-29, 9-30, (10-1..10-7 off), 10-8, 10-9 and the 调休 Saturday
 * 10-10, as `onetrip calendar deadline 2026-09-28 5` prints. */
static void
test_refresh_crosses_national_day(void **state)
{
	struct fixture *f = *state;
	int64_t id = new_case(f, "accepted", "2026-09-28", 5);
	int64_t pending = new_case(f, "submitted", NULL, 5);
	char v[32];

	assert_int_equal(call(f, 0, id, NULL), 0);
	assert_case(f, id, "2026-10-10", "green", "5");
	set_today("2026-10-09");
	assert_int_equal(call(f, 0, id, NULL), 0);
	assert_case(f, id, "2026-10-10", "yellow", "1");
	set_today("2026-10-12");
	assert_int_equal(call(f, 0, id, NULL), 0);
	assert_case(f, id, "2026-10-10", "red", "-1");
	/* Not accepted: nothing computed. */
	assert_int_equal(call(f, 0, pending, NULL), 0);
	case_text(f, pending, "warn_level", v);
	assert_string_equal(v, "(null)");
	assert_int_equal(call(f, 0, 999, NULL), -ERR_NOT_FOUND);
}

static void
test_suspend_resume(void **state)
{
	struct fixture *f = *state;
	int64_t id = new_case(f, "review", "2026-09-28", 5);

	set_today("2026-09-29");
	assert_int_equal(call(f, 1, id, "nonsense"), -ERR_INVALID);
	assert_int_equal(call(f, 1, id, "supplement"), 0);
	assert_case(f, id, "(null)", "paused", "5");
	assert_int_equal(call(f, 1, id, "hearing"), -ERR_CONFLICT);
	/* Paused cases are never overdue, however long they wait. */
	set_today("2026-10-09");
	assert_int_equal(call(f, 0, id, NULL), 0);
	assert_case(f, id, "(null)", "paused", "5");
	/* Resumed on 10-09: 9-29..10-08 not counted; 10-09, 10-10 (调休),
	 * 10-12, 10-13, 10-14; the resume day itself is used. */
	assert_int_equal(call(f, 2, id, NULL), 0);
	assert_case(f, id, "2026-10-14", "green", "4");
	assert_int_equal(call(f, 2, id, NULL), -ERR_CONFLICT);
	assert_int_equal(qint(f, "SELECT count(*) FROM audit_log WHERE "
	    "object_id = CAST(? AS TEXT) AND action LIKE 'case.clock_%'", id),
	    2);
	/* Suspended and resumed the same day: no day is lost. */
	assert_int_equal(call(f, 1, id, "site"), 0);
	assert_int_equal(call(f, 2, id, NULL), 0);
	assert_case(f, id, "2026-10-14", "green", "4");
}

static void
test_calendar_edit_recomputes(void **state)
{
	struct fixture *f = *state;
	const struct calendar *cal;
	struct actor clerk;
	struct ctx cc;
	json_t *out = NULL;
	struct err e;
	int64_t open_id, closed_id;
	int32_t d1012, d1010;

	set_today("2026-10-09");
	calendar_day_parse("2026-10-12", &d1012, &e);
	calendar_day_parse("2026-10-10", &d1010, &e);
	open_id = new_case(f, "review", "2026-10-09", 2);
	closed_id = new_case(f, "done", "2026-10-09", 2);
	assert_int_equal(call(f, 0, open_id, NULL), 0);
	assert_case(f, open_id, "2026-10-12", "green", "2");
	assert_int_equal(db_exec(f->db, &e, "UPDATE cases SET closed_at = 1, "
	    "due_day = 'frozen' WHERE id = ?", "i", closed_id), 0);

	assert_int_equal(case_calendar_current(&f->c, &cal, &e), 0);
	assert_true(calendar_is_workday(cal, d1012));

	/* Only the hall may edit; bad input is refused. */
	memset(&clerk, 0, sizeof(clerk));
	clerk.kind = ACTOR_STAFF;
	clerk.roles = ROLE_CLERK;
	cc = f->c;
	cc.actor = &clerk;
	assert_int_equal(case_calendar_set(&cc, "2026-10-12", "off", "假",
	    &out, &e), -ERR_FORBIDDEN);
	assert_int_equal(case_calendar_set(&f->c, "2026-10-12", "work", "调休",
	    &out, &e), -ERR_UNPROCESSABLE);
	assert_int_equal(case_calendar_set(&f->c, "2026-13-01", "off", "x",
	    &out, &e), -ERR_INVALID);
	assert_int_equal(case_calendar_set(&f->c, "2026-10-12", "holiday",
	    "x", &out, &e), -ERR_INVALID);
	assert_int_equal(case_calendar_set(&f->c, "2026-10-12", "off", "",
	    &out, &e), -ERR_INVALID);

	assert_int_equal(case_calendar_set(&f->c, "2026-10-12", "off",
	    "防汛放假", &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "recomputed")),
	    1);
	assert_false(json_is_true(json_object_get(out, "workday")));
	json_decref(out);
	assert_case(f, open_id, "2026-10-13", "green", "2");
	assert_case(f, closed_id, "frozen", "(null)", NULL);
	assert_int_equal(case_calendar_current(&f->c, &cal, &e), 0);
	assert_false(calendar_is_workday(cal, d1012));
	assert_int_equal(qint(f, "SELECT count(*) FROM audit_log WHERE action = "
	    "'calendar.set' AND summary LIKE '%\"recomputed\":1%' AND ? > 0",
	    1), 1);

	/* "normal" over a national 调休 Saturday is stored; cases follow. */
	assert_int_equal(case_calendar_set(&f->c, "2026-10-10", "normal", NULL,
	    &out, &e), 0);
	json_decref(out);
	assert_int_equal(case_calendar_current(&f->c, &cal, &e), 0);
	assert_false(calendar_is_workday(cal, d1010));
	assert_case(f, open_id, "2026-10-14", "green", "2");
	/* "normal" where the nation says nothing removes the hall's row. */
	assert_int_equal(case_calendar_set(&f->c, "2026-10-12", "normal", NULL,
	    &out, &e), 0);
	json_decref(out);
	assert_int_equal(qint(f, "SELECT count(*) FROM calendar_overrides WHERE "
	    "? > 0", 1), 1);
	assert_case(f, open_id, "2026-10-13", "green", "2");

	/* Another server's edit is seen once the version is checked. */
	assert_int_equal(db_exec(f->db, &e, "INSERT INTO calendar_overrides "
	    "(day, kind, name, updated_at) VALUES ('2026-10-13', 'off', '外部', "
	    "0)", ""), 0);
	assert_int_equal(db_exec(f->db, &e, "UPDATE calendar_version SET "
	    "version = version + 1", ""), 0);
	assert_int_equal(case_calendar_current_fresh(&f->c, &cal, &e), 0);
	assert_false(calendar_is_workday(cal, d1012 + 1));

	/* The year view and the public deadline. */
	assert_int_equal(case_calendar_year(&f->c, 2026, &out, &e), 0);
	assert_int_equal(json_array_size(json_object_get(out, "days")), 365);
	assert_true(json_is_true(json_object_get(out, "has_data")));
	json_decref(out);
	assert_int_equal(case_calendar_deadline(&f->c, "2026-09-28", 5, &out,
	    &e), 0);
	assert_string_equal(json_string_value(json_object_get(out, "due_day")),
	    "2026-10-12"); /* 10-10 is a rest day now, 10-12 works again */
	json_decref(out);
	assert_int_equal(case_calendar_deadline(&f->c, "2026-09-28", 1001,
	    &out, &e), -ERR_INVALID);
}

static int
sweep(struct fixture *f)
{
	struct err e;

	err_clear(&e);
	return job_deadline_sweeper.run(&f->c, &e);
}

static void
test_sweeper_warns_once(void **state)
{
	struct fixture *f = *state;
	int64_t id = new_case(f, "review", "2026-09-28", 5);

	assert_int_equal(sweep(f), 0);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_warnings WHERE "
	    "case_id = ?", id), 0);
	set_today("2026-10-09");
	assert_int_equal(sweep(f), 0);
	assert_int_equal(sweep(f), 0);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_warnings WHERE "
	    "case_id = ? AND level = 'yellow'", id), 1);
	assert_int_equal(qint(f, "SELECT count(*) FROM notifications WHERE "
	    "case_id = ? AND kind = 'deadline_yellow'", id), 2);
	assert_int_equal(qint(f, "SELECT count(*) FROM outbox WHERE ? > 0", 1),
	    2);
	set_today("2026-10-13");
	assert_int_equal(sweep(f), 0);
	assert_int_equal(sweep(f), 0);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_warnings WHERE "
	    "case_id = ? AND level = 'red'", id), 1);
	assert_int_equal(qint(f, "SELECT count(*) FROM notifications WHERE "
	    "user_id = ? AND kind = 'deadline_red'", f->admin), 1);
	assert_int_equal(qint(f, "SELECT count(*) FROM notifications WHERE "
	    "user_id = ? AND kind = 'deadline_red'", f->handler), 1);
	assert_int_equal(qint(f, "SELECT count(*) FROM audit_log WHERE action "
	    "= 'case.warning' AND object_id = CAST(? AS TEXT)", id), 2);

	/* The outbox writes one line per message and marks it delivered. */
	{
		struct err e;
		char p[192], line[1024];
		FILE *fp;
		int lines = 0;

		assert_int_equal(job_outbox.run(&f->c, &e), 0);
		assert_int_equal(qint(f, "SELECT count(*) FROM outbox WHERE "
		    "delivered_at IS NULL AND ? > 0", 1), 0);
		snprintf(p, sizeof(p), "%s/sms-outbox.log", f->dir);
		fp = fopen(p, "r");
		assert_non_null(fp);
		while (fgets(line, sizeof(line), fp) != NULL) {
			lines++;
			assert_non_null(strstr(line, "\"to\":\"1390000000"));
		}
		fclose(fp);
		assert_int_equal(lines, 4);
		/* Nothing left: a second run writes nothing. */
		assert_int_equal(job_outbox.run(&f->c, &e), 0);
	}
}

static void
test_outbox_retries(void **state)
{
	struct fixture *f = *state;
	struct err e;
	char p[192];
	int64_t now;

	now = clock_now();
	assert_int_equal(db_exec(f->db, &e, "INSERT INTO outbox (kind, "
	    "recipient, payload, created_at, next_attempt_at) VALUES ('sms', "
	    "'13900000009', '{\"text\":\"测试\"}', ?, ?)", "ii", now, now), 0);
	snprintf(p, sizeof(p), "%s/sms-outbox.log", f->dir);
	assert_int_equal(mkdir(p, 0700), 0); /* the write fails */
	assert_int_not_equal(job_outbox.run(&f->c, &e), 0);
	assert_int_equal(qint(f, "SELECT attempts FROM outbox WHERE id = ?", 1),
	    1);
	assert_int_equal(qint(f, "SELECT count(*) FROM outbox WHERE id = ? AND "
	    "last_error IS NOT NULL AND delivered_at IS NULL", 1), 1);
	assert_true(qint(f, "SELECT next_attempt_at FROM outbox WHERE id = ?",
	    1) > now);
	rmdir(p);
	/* Not due yet: nothing happens. */
	assert_int_equal(job_outbox.run(&f->c, &e), 0);
	assert_int_equal(qint(f, "SELECT attempts FROM outbox WHERE id = ?", 1),
	    1);
	clock_set_now(now + 3600);
	assert_int_equal(job_outbox.run(&f->c, &e), 0);
	assert_int_equal(qint(f, "SELECT count(*) FROM outbox WHERE id = ? AND "
	    "delivered_at IS NOT NULL", 1), 1);
	assert_int_equal(qint(f, "SELECT attempts FROM outbox WHERE id = ?", 1),
	    2);
}

static void
test_supplement_waits_then_times_out(void **state)
{
	struct fixture *f = *state;
	int64_t post, pre;
	struct err e;
	char v[32];

	post = new_case(f, "review", "2026-09-28", 5);
	set_today("2026-09-29");
	assert_int_equal(call(f, 1, post, "supplement"), 0);
	assert_int_equal(db_exec(f->db, &e, "UPDATE cases SET state = "
	    "'suspended' WHERE id = ?", "i", post), 0);
	pre = new_case(f, "supplement", NULL, 5);
	assert_int_equal(db_exec(f->db, &e, "UPDATE cases SET "
	    "supplement_requested_at = ? WHERE id = ?", "ii", clock_now(), pre),
	    0);
	/* 10 working days of waiting (9-30 .. 10-19): overdue by its budget,
	 * but waiting for the applicant is never yellow or red. */
	set_today("2026-10-19");
	assert_int_equal(sweep(f), 0);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_warnings WHERE "
	    "case_id IN (?, 0)", post), 0);
	case_text(f, post, "warn_level", v);
	assert_string_equal(v, "paused");
	case_text(f, pre, "state", v);
	assert_string_equal(v, "supplement");
	/* The 11th working day: both are closed (已退办), once. */
	set_today("2026-10-20");
	assert_int_equal(sweep(f), 0);
	assert_int_equal(sweep(f), 0);
	case_text(f, post, "state", v);
	assert_string_equal(v, "terminated");
	case_text(f, pre, "state", v);
	assert_string_equal(v, "terminated");
	assert_true(qint(f, "SELECT closed_at FROM cases WHERE id = ?", pre) >
	    0);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_suspensions WHERE "
	    "case_id = ? AND end_day IS NULL", post), 0);
	assert_int_equal(qint(f, "SELECT count(*) FROM notifications WHERE "
	    "user_id = ? AND kind = 'supplement_timeout'", f->applicant), 2);
	assert_int_equal(qint(f, "SELECT count(*) FROM outbox WHERE recipient "
	    "= '13900000003' AND ? > 0", 1), 2);
	assert_int_equal(qint(f, "SELECT count(*) FROM audit_log WHERE action "
	    "= 'case.supplement_timeout' AND ? > 0", 1), 2);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_events WHERE "
	    "case_id = ? AND to_state = 'terminated'", pre), 1);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_warnings WHERE "
	    "level IN ('yellow', 'red') AND ? > 0", 1), 0);
}

static void
test_rongque_missed(void **state)
{
	struct fixture *f = *state;
	struct err e;
	int64_t id = new_case(f, "review", "2026-09-28", 20);

	assert_int_equal(db_exec(f->db, &e, "UPDATE cases SET acceptance_mode = "
	    "'rongque', supplement_due = '2026-10-09' WHERE id = ?", "i", id),
	    0);
	assert_int_equal(db_exec(f->db, &e, "INSERT INTO case_materials "
	    "(case_id, idx, name, necessity, status, updated_at) VALUES (?, 0, "
	    "'健康证明', 'rongque', 'rongque', 0)", "i", id), 0);
	set_today("2026-10-09");
	assert_int_equal(sweep(f), 0);
	assert_int_equal(qint(f, "SELECT flagged FROM cases WHERE id = ?", id),
	    0);
	set_today("2026-10-10");
	assert_int_equal(sweep(f), 0);
	assert_int_equal(sweep(f), 0);
	assert_int_equal(qint(f, "SELECT flagged FROM cases WHERE id = ?", id),
	    1);
	assert_int_equal(qint(f, "SELECT count(*) FROM case_warnings WHERE "
	    "case_id = ? AND level = 'rongque_missed'", id), 1);
	assert_int_equal(qint(f, "SELECT count(*) FROM notifications WHERE "
	    "user_id = ? AND kind = 'rongque_missed'", f->admin), 1);
}

static void
test_notifications_and_warnings(void **state)
{
	struct fixture *f = *state;
	struct actor me, other;
	struct warning_filter wf;
	struct ctx mc, oc;
	json_t *out = NULL, *items;
	struct err e;
	const char *cur;
	int64_t id = new_case(f, "review", "2026-09-28", 5);

	set_today("2026-10-13");
	assert_int_equal(sweep(f), 0);
	memset(&me, 0, sizeof(me));
	me.user_id = f->admin;
	me.kind = ACTOR_STAFF;
	me.roles = ROLE_DEPT_ADMIN;
	me.dept_id = f->dept;
	snprintf(me.name, sizeof(me.name), "管理员");
	mc = f->c;
	mc.actor = &me;
	/* Three more notifications; the red warning's is read. */
	assert_int_equal(db_exec(f->db, &e, "INSERT INTO notifications "
	    "(user_id, kind, title, created_at) VALUES (?, 'x', 'a', 0), (?, "
	    "'x', 'b', 0), (?, 'x', 'c', 0)", "iii", f->admin, f->admin,
	    f->admin), 0);
	assert_int_equal(notify_mark_read(&mc, 2, &e), 0);
	assert_int_equal(notify_mark_read(&mc, 2, &e), 0);
	assert_int_equal(notify_mark_read(&mc, 1, &e), -ERR_NOT_FOUND);
	assert_int_equal(notify_list(&mc, NULL, 2, &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "unread")), 3);
	items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    items, 0), "id")), 5);
	cur = json_string_value(json_object_get(out, "next_cursor"));
	assert_string_equal(cur, "u4");
	{
		json_t *p2 = NULL;

		assert_int_equal(notify_list(&mc, cur, 2, &p2, &e), 0);
		items = json_object_get(p2, "items");
		assert_int_equal(json_array_size(items), 2);
		assert_false(json_is_true(json_object_get(json_array_get(items,
		    0), "read")));
		assert_true(json_is_true(json_object_get(json_array_get(items,
		    1), "read")));
		assert_true(json_is_null(json_object_get(p2, "next_cursor")));
		json_decref(p2);
	}
	json_decref(out);
	assert_int_equal(notify_list(&mc, "x1", 2, &out, &e), -ERR_INVALID);

	/* Warnings: own department; explanation of a red case. */
	memset(&wf, 0, sizeof(wf));
	assert_int_equal(warnings_list(&mc, &wf, &out, &e), 0);
	items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    items, 0), "level")), "red");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    items, 0), "days_overdue")), 2);
	json_decref(out);
	wf.dept_id = 99;
	assert_int_equal(warnings_list(&mc, &wf, &out, &e), -ERR_FORBIDDEN);
	wf.dept_id = 0;
	wf.level = "purple";
	assert_int_equal(warnings_list(&mc, &wf, &out, &e), -ERR_INVALID);

	assert_int_equal(overdue_explain(&mc, id, "材料复杂", "加派人手",
	    "2026-10-16", &out, &e), 0);
	json_decref(out);
	assert_int_equal(overdue_explain(&mc, id, "", "加派人手", "2026-10-16",
	    &out, &e), -ERR_INVALID);
	assert_int_equal(overdue_explain(&mc, id, "a", "b", "2026-10-01", &out,
	    &e), -ERR_UNPROCESSABLE);
	other = me;
	other.dept_id = 42;
	oc = mc;
	oc.actor = &other;
	assert_int_equal(overdue_explain(&oc, id, "a", "b", "2026-10-16", &out,
	    &e), -ERR_FORBIDDEN);
	wf.level = "red";
	assert_int_equal(warnings_list(&mc, &wf, &out, &e), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(out, "items"), 0), "explanation"),
	    "measures")), "加派人手");
	json_decref(out);
}

struct sms {
	struct fixture *f;
	const char *mobile, *kind, *text;
	int64_t case_id;
};

static int
sms_fn(struct db *db, void *arg, struct err *e)
{
	struct sms *m = arg;

	(void)db;
	return notify_sms(&m->f->c, m->mobile, m->case_id, m->kind, m->text,
	    e);
}

/* The outbox's payload is the JSON the SMS gateway reads: the signed text,
 * the kind and the case, as jansson would write that object. */
static void
test_sms_payload_is_the_json_of_the_message(void **state)
{
	struct fixture *f = *state;
	static const char *const texts[] = {
		"您的办件已受理", "引号\"和\\反斜杠\n换行\t\x01", "",
	};
	char mobile[32];
	json_t *row, *want;
	char *text, *dump;
	struct err e;

	for (int i = 0; i < 3; i++) {
		struct sms m = { f, mobile, "case_accepted", texts[i],
		    i == 2 ? -7 : 1234567890123 };

		snprintf(mobile, sizeof(mobile), "1390000010%d", i);
		err_clear(&e);
		assert_int_equal(db_tx(f->db, sms_fn, &m, &e), 0);
		row = db_query_row(f->db, &e, "SELECT payload FROM outbox "
		    "WHERE recipient = ?", "s", mobile);
		assert_non_null(row);
		assert_int_equal(asprintf(&text, "【白河县政务服务】%s",
		    texts[i]) > 0, 1);
		want = json_pack("{s:s, s:s, s:I}", "text", text, "kind",
		    "case_accepted", "case_id", (json_int_t)m.case_id);
		dump = json_dumps(want, JSON_COMPACT);
		assert_string_equal(json_string_value(json_object_get(row,
		    "payload")), dump);
		free(dump);
		json_decref(want);
		free(text);
		json_decref(row);
	}
	/* A text that is not UTF-8 stores nothing. */
	{
		struct sms m = { f, "13900000199", "case_accepted", "bad \xff",
		    1 };

		err_clear(&e);
		assert_int_not_equal(db_tx(f->db, sms_fn, &m, &e), 0);
		assert_int_equal(qint(f, "SELECT count(*) FROM outbox WHERE "
		    "recipient = '13900000199' AND ? > 0", 1), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_refresh_crosses_national_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_resume, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_calendar_edit_recomputes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweeper_warns_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_retries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_supplement_waits_then_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rongque_missed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_notifications_and_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_sms_payload_is_the_json_of_the_message, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
