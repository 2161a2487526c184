/* sweep.c - the deadline watch of open cases: case_sweep(), run by the
 * sweeper job every 30 seconds.
 *
 * Every round, each case in its own transaction (one bad row never stops
 * the others; failures are logged and counted):
 *   1. open accepted cases not looked at today (swept_day: once a day,
 *      and again after the case or the calendar changed): refresh due
 *      day, remaining days and level;
 *      a case reaching yellow (<= 20% of its time or <= 1 working day
 *      left) or red (overdue) claims the warning row (case_id, level)
 *      with ON CONFLICT DO NOTHING and, only when it inserted it, notifies
 *      the handler and the department administrators (in-app and SMS) in
 *      the same transaction;
 *   2. cases waiting for a 补正 (state supplement, or an open "supplement"
 *      suspension) longer than case.supplement_timeout_days working days
 *      are closed (已退办) with a notice to the applicant;
 *   3. 容缺 cases past supplement_due with materials still outstanding are
 *      flagged, the missed promise recorded (applicant_credit) and the
 *      department administrators told;
 *   4. 容缺 cases whose supplement_due is rules.rongque_reminder_days
 *      working days away or less, materials still outstanding: the
 *      applicant is reminded once (case_reminders).
 * 2 and 3 change the case, so they go through the change plan (plan.c) like
 * every action of a person: the state machine is checked there and the
 * plan is the only writer of case_events. Every transaction first takes
 * DEADLINES_LOCK_CALENDAR: on PostgreSQL one server at a time sweeps, and
 * never against a calendar being edited. */
#include "service/case/case_internal.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "service/case/case.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define SWEEP_BATCH 200
#define TEXT_BYTES 512

struct case_info {
	char case_no[64];
	char item[256];
	char state[32];
	int64_t dept_id, handler_id, applicant_id, version;
	char applicant_mobile[32];
	int64_t supplement_requested_at, updated_at;
	bool closed;
};

static int
load_case(struct db *db, int64_t id, struct case_info *ci, struct err *e)
{
	struct db_stmt *s;
	int rc;

	memset(ci, 0, sizeof(*ci));
	s = db_query(db, e, "SELECT k.case_no, i.name, k.state, k.dept_id, "
	    "k.handler_id, k.applicant_id, k.version, k.applicant_mobile, "
	    "k.supplement_requested_at, k.updated_at, k.closed_at FROM cases k "
	    "LEFT JOIN items i ON i.id = k.item_id WHERE k.id = ?", "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(ci->case_no, sizeof(ci->case_no), "%s",
		    db_col_text(s, 0));
		snprintf(ci->item, sizeof(ci->item), "%s", db_col_text(s, 1));
		snprintf(ci->state, sizeof(ci->state), "%s", db_col_text(s, 2));
		ci->dept_id = db_col_int(s, 3);
		ci->handler_id = db_col_int(s, 4);
		ci->applicant_id = db_col_int(s, 5);
		ci->version = db_col_int(s, 6);
		snprintf(ci->applicant_mobile, sizeof(ci->applicant_mobile),
		    "%s", db_col_text(s, 7));
		ci->supplement_requested_at = db_col_int(s, 8);
		ci->updated_at = db_col_int(s, 9);
		ci->closed = !db_col_is_null(s, 10);
	}
	db_finish(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
	return rc < 0 ? rc : 0;
}

/* Claims the warning (case, level): true when this call inserted it. */
static int
claim_warning(struct db *db, int64_t case_id, int64_t dept_id,
    const char *level, bool *claimed, struct err *e)
{
	int rc;

	*claimed = false;
	rc = db_exec(db, e, "INSERT INTO case_warnings (case_id, dept_id, "
	    "level, at) VALUES (?, ?, ?, ?) ON CONFLICT (case_id, level) DO "
	    "NOTHING", "iisi", case_id, dept_id, level, clock_now());
	if (rc != 0)
		return rc;
	*claimed = db_last_changes(db) == 1;
	return 0;
}

static int
audit_case(struct ctx *c, const char *action, int64_t case_id, json_t *sum,
    struct err *e)
{
	char idbuf[24];
	int rc;

	snprintf(idbuf, sizeof(idbuf), "%" PRId64, case_id);
	rc = audit_append(c, action, "case", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

/* ---- 1. deadlines and yellow/red warnings ---- */

struct one_tx {
	struct ctx *c;
	int64_t id;
	int timeout_days;
	int acted; /* warnings raised, cases closed or flagged */
	const char *today; /* the deadline pass: stored as swept_day */
};

static int
deadline_fn(struct db *db, void *arg, struct err *e)
{
	struct one_tx *t = arg;
	const struct calendar *cal;
	struct deadline_status st;
	struct case_info ci;
	const char *level;
	char title[TEXT_BYTES], body[TEXT_BYTES], due[11] = "";
	bool started, claimed;
	int rc, admins = 0;

	t->acted = 0;
	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc == 0)
		rc = case_calendar_current_fresh(t->c, &cal, e);
	if (rc == 0)
		rc = load_case(db, t->id, &ci, e);
	if (rc != 0 || ci.closed)
		return rc;
	rc = case_deadline_refresh_with(t->c, cal, t->id, t->today, &st,
	    &started, e);
	if (rc != 0 || !started)
		return rc;
	if (st.level == DEADLINE_LEVEL_YELLOW)
		level = "yellow";
	else if (st.level == DEADLINE_LEVEL_RED)
		level = "red";
	else
		return 0;
	rc = claim_warning(db, t->id, ci.dept_id, level, &claimed, e);
	if (rc != 0 || !claimed)
		return rc;
	if (st.due_day != CALENDAR_NO_DAY)
		calendar_day_format(st.due_day, due);
	if (st.level == DEADLINE_LEVEL_YELLOW) {
		snprintf(title, sizeof(title), "办件临期预警：%s", ci.case_no);
		if (st.remaining <= 0)
			snprintf(body, sizeof(body), "“%s”（办件编号 %s）今天"
			    "（%s）到期，请抓紧办理。", ci.item, ci.case_no, due);
		else
			snprintf(body, sizeof(body), "“%s”（办件编号 %s）距承诺"
			    "办结期限 %s 仅剩 %d 个工作日，请抓紧办理。", ci.item,
			    ci.case_no, due, st.remaining);
	} else {
		snprintf(title, sizeof(title), "办件已超期：%s", ci.case_no);
		snprintf(body, sizeof(body), "“%s”（办件编号 %s）已超过承诺办结"
		    "期限 %s，超期 %d 个工作日，请尽快办结并填写超期说明。",
		    ci.item, ci.case_no, due, -st.remaining);
	}
	if (ci.handler_id > 0) {
		rc = notify_user_sms(t->c, ci.handler_id, t->id,
		    st.level == DEADLINE_LEVEL_YELLOW ? "deadline_yellow" :
		    "deadline_red", title, body, e);
		if (rc != 0)
			return rc;
	}
	rc = notify_dept_admins(t->c, ci.dept_id, ci.handler_id, t->id,
	    st.level == DEADLINE_LEVEL_YELLOW ? "deadline_yellow" :
	    "deadline_red", title, body, &admins, e);
	if (rc != 0)
		return rc;
	t->acted = 1;
	return audit_case(t->c, "case.warning", t->id, json_pack(
	    "{s:s, s:s, s:i, s:b, s:i}", "level", level, "due_day", due,
	    "remaining_days", st.remaining, "handler_notified",
	    ci.handler_id > 0, "admins_notified", admins), e);
}

/* ---- 2. supplement time-out, through the change plan ---- */

struct timeout_hook {
	int64_t dept_id;
};

/* Inside the plan's transaction, before anything is written: the calendar
 * lock, and the one claim per case; a claim already taken means another
 * server closed it (nothing to do). */
static int
timeout_pre(struct case_plan *p, struct db *db, struct err *e)
{
	struct timeout_hook *h = p->hook_arg;
	bool claimed;
	int rc;

	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc == 0)
		rc = claim_warning(db, p->row->id, h->dept_id,
		    "supplement_timeout", &claimed, e);
	if (rc != 0)
		return rc;
	return claimed ? 0 : 1;
}

/* Since when has case id waited for the applicant's 补正? A post-acceptance
 * 补正 has an open suspension; a pre-acceptance one only the request time.
 * CALENDAR_NO_DAY when it is not waiting. */
static int
waiting_since(struct ctx *c, int64_t id, const struct case_info *ci,
    int32_t *start, bool *suspended, struct err *e)
{
	struct db_stmt *s;
	struct err pe;
	char ds[11];
	int rc;

	*start = CALENDAR_NO_DAY;
	*suspended = false;
	s = db_query(c->db, e, "SELECT start_day FROM case_suspensions WHERE "
	    "case_id = ? AND end_day IS NULL AND kind = 'supplement'", "i",
	    id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		*suspended = true;
		if (calendar_day_parse(db_col_text(s, 0), start, &pe) != 0)
			*start = CALENDAR_NO_DAY;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (!*suspended && strcmp(ci->state, "supplement") == 0) {
		clock_date(ci->supplement_requested_at > 0 ?
		    ci->supplement_requested_at : ci->updated_at, ds);
		if (calendar_day_parse(ds, start, &pe) != 0)
			*start = CALENDAR_NO_DAY;
	}
	return 0;
}

static int
timeout_one(struct ctx *c, int64_t id, int timeout_days, int *acted,
    struct err *e)
{
	const struct calendar *cal;
	const struct item_facts *f = NULL;
	struct timeout_hook h;
	struct case_plan p;
	struct case_row r;
	struct case_info ci;
	int32_t start;
	char start_s[11], note[TEXT_BYTES], why[TEXT_BYTES];
	bool suspended;
	unsigned roles;
	int rc, waited;

	rc = load_case(c->db, id, &ci, e);
	if (rc != 0 || ci.closed)
		return rc;
	rc = case_calendar_current(c, &cal, e);
	if (rc == 0)
		rc = waiting_since(c, id, &ci, &start, &suspended, e);
	if (rc != 0 || start == CALENDAR_NO_DAY)
		return rc;
	waited = calendar_workdays_between(cal, start, deadlines_today());
	if (waited <= timeout_days)
		return 0;
	rc = case_load_write(c, id, 0, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	calendar_day_format(start, start_s);
	memset(&h, 0, sizeof(h));
	h.dept_id = r.dept_id;
	snprintf(why, sizeof(why), "自 %s 起需要补正材料，超过 %d 个工作日未"
	    "补正", start_s, timeout_days);
	snprintf(note, sizeof(note), "自 %s 起等待申请人补正材料已超过 %d 个"
	    "工作日，系统自动退办", start_s, timeout_days);
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.supplement_timeout";
	if (suspended)
		p.resume = "补正超时，系统自动退办";
	p.pre = timeout_pre;
	p.hook_arg = &h;
	rc = case_plan_terminate(&p, roles, note, false, e);
	p.tell_kind = "supplement_timeout";
	p.tell.reason = why;
	if (rc == 0) {
		p.audit = json_pack("{s:s, s:i, s:i}", "waiting_since", start_s,
		    "working_days", waited, "limit_days", timeout_days);
		rc = case_plan_run(&p, e);
	}
	if (rc == 0 && !p.skipped)
		*acted = 1;
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}

/* ---- 3. 容缺 materials not supplemented in time, through the plan ---- */

struct rongque_hook {
	char due[11], title[TEXT_BYTES], body[2 * TEXT_BYTES];
	int64_t outstanding;
	int admins;
};

/* The calendar lock, the facts read again under it (a supplement may have
 * arrived), and the one claim per case. */
static int
rongque_pre(struct case_plan *p, struct db *db, struct err *e)
{
	struct rongque_hook *h = p->hook_arg;
	struct db_stmt *s;
	char today[11];
	bool claimed;
	int rc;

	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc != 0)
		return rc;
	clock_date(clock_now(), today);
	s = db_query(db, e, "SELECT supplement_due, (SELECT count(*) FROM "
	    "case_materials m WHERE m.case_id = k.id AND m.status = 'rongque') "
	    "FROM cases k WHERE k.id = ? AND k.acceptance_mode = 'rongque' AND "
	    "k.flagged = 0 AND k.closed_at IS NULL AND "
	    "k.supplement_due IS NOT NULL AND k.supplement_due < ?", "is",
	    p->row->id, today);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	h->outstanding = 0;
	if (rc == DB_ROW) {
		snprintf(h->due, sizeof(h->due), "%s", db_col_text(s, 0));
		h->outstanding = db_col_int(s, 1);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (h->outstanding == 0)
		return 1;
	rc = claim_warning(db, p->row->id, p->row->dept_id, "rongque_missed",
	    &claimed, e);
	if (rc != 0)
		return rc;
	return claimed ? 0 : 1;
}

static int
rongque_post(struct case_plan *p, struct db *db, struct err *e)
{
	struct rongque_hook *h = p->hook_arg;

	(void)db;
	return notify_dept_admins(p->c, p->row->dept_id, 0, p->row->id,
	    "rongque_missed", h->title, h->body, &h->admins, e);
}

static int
rongque_one(struct ctx *c, int64_t id, int *acted, struct err *e)
{
	const struct item_facts *f = NULL;
	struct rongque_hook h;
	struct case_plan p;
	struct case_row r;
	unsigned roles;
	int64_t outstanding = 0;
	struct case_mat mats[CATALOG_MATERIALS_MAX];
	int nmats = 0, rc;

	rc = case_load_write(c, id, 0, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	if (r.closed_at != 0 || r.flagged) {
		item_facts_put(f);
		case_row_release(&r);
		return 0;
	}
	rc = case_mats_load(c, id, mats, &nmats, e);
	for (int i = 0; rc == 0 && i < nmats; i++)
		if (strcmp(mats[i].status, "rongque") == 0)
			outstanding++;
	if (rc != 0 || outstanding == 0) {
		item_facts_put(f);
		case_row_release(&r);
		return rc;
	}
	memset(&h, 0, sizeof(h));
	snprintf(h.body, sizeof(h.body), "容缺受理的“%s”（办件编号 %s）应于 %s "
	    "前补齐 %" PRId64 " 项材料，逾期未补，已标记。可依规定退办。",
	    f->name, r.case_no, r.supplement_due, outstanding);
	snprintf(h.title, sizeof(h.title), "容缺材料逾期未补：%s", r.case_no);
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.rongque_missed";
	p.flagged = 1;
	p.credit_kind = "rongque_missed";
	p.credit_note = h.body;
	p.pre = rongque_pre;
	p.post = rongque_post;
	p.hook_arg = &h;
	rc = case_plan_note(&p, "rongque_missed", h.body, NULL);
	if (rc == 0) {
		p.audit = json_pack("{s:s, s:I}", "supplement_due",
		    r.supplement_due, "outstanding", (json_int_t)outstanding);
		rc = case_plan_run(&p, e);
	}
	if (rc == 0 && !p.skipped)
		*acted = 1;
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}

/* ---- 4. the applicant reminded before the 容缺 supplement date ---- */

struct remind_tx {
	struct ctx *c;
	int64_t id;
	int days;
	int acted;
};

static int
remind_fn(struct db *db, void *arg, struct err *e)
{
	struct remind_tx *t = arg;
	const struct calendar *cal;
	struct db_stmt *s;
	char due[11] = "", no[64] = "";
	struct case_tell_vars v;
	char count[24];
	int64_t outstanding = 0;
	int32_t dday;
	struct err pe;
	int rc, left;

	t->acted = 0;
	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc == 0)
		rc = case_calendar_current_fresh(t->c, &cal, e);
	if (rc != 0)
		return rc;
	s = db_query(db, e, "SELECT k.supplement_due, k.case_no, (SELECT "
	    "count(*) FROM case_materials m WHERE m.case_id = k.id AND "
	    "m.status = 'rongque') FROM cases k WHERE k.id = ? AND "
	    "k.closed_at IS NULL AND k.acceptance_mode = 'rongque'", "i",
	    t->id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(due, sizeof(due), "%s", db_col_text(s, 0));
		snprintf(no, sizeof(no), "%s", db_col_text(s, 1));
		outstanding = db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (outstanding == 0 || calendar_day_parse(due, &dday, &pe) != 0)
		return 0;
	left = calendar_workdays_between(cal, deadlines_today(), dday);
	if (dday < deadlines_today() || left > t->days)
		return 0;
	rc = db_exec(db, e, "INSERT INTO case_reminders (case_id, kind, at) "
	    "VALUES (?, 'rongque_due', ?) ON CONFLICT (case_id, kind) DO "
	    "NOTHING", "ii", t->id, clock_now());
	if (rc != 0 || db_last_changes(db) != 1)
		return rc;
	memset(&v, 0, sizeof(v));
	snprintf(count, sizeof(count), "%" PRId64, outstanding);
	v.count = count;
	v.supplement_due = due;
	rc = case_tell(t->c, t->id, "rongque_reminder", &v, e);
	if (rc != 0)
		return rc;
	t->acted = 1;
	return audit_case(t->c, "case.rongque_reminder", t->id, json_pack(
	    "{s:s, s:s, s:I, s:i}", "case_no", no, "supplement_due", due,
	    "outstanding", (json_int_t)outstanding, "days_before", t->days),
	    e);
}

static int
remind_one(struct ctx *c, int64_t id, int days, int *acted, struct err *e)
{
	struct remind_tx t = { c, id, days, 0 };
	int rc;

	rc = db_tx(c->db, remind_fn, &t, e);
	if (rc == 0)
		*acted = t.acted;
	return rc;
}

/* ---- the round ---- */

enum pass { PASS_DEADLINE, PASS_TIMEOUT, PASS_RONGQUE, PASS_REMIND };

static struct db_stmt *
pass_query(struct ctx *c, enum pass p, int64_t after, const char *today,
    struct err *e)
{
	switch (p) {
	case PASS_DEADLINE:
		/* Once a day per case: a case or calendar change sets
		 * swept_day to '' (deadline_store), so it is looked at again
		 * in the next round (its warning, if any, raised then). */
		return db_query(c->db, e, "SELECT id FROM cases WHERE "
		    "accepted_day IS NOT NULL AND closed_at IS NULL AND "
		    "swept_day <> ? AND id > ? ORDER BY id LIMIT ?", "siI", today,
		    after, SWEEP_BATCH);
	case PASS_TIMEOUT:
		return db_query(c->db, e, "SELECT k.id FROM cases k WHERE "
		    "k.closed_at IS NULL AND k.id > ? AND (k.state = "
		    "'supplement' OR EXISTS (SELECT 1 FROM case_suspensions s "
		    "WHERE s.case_id = k.id AND s.end_day IS NULL AND s.kind = "
		    "'supplement')) ORDER BY k.id LIMIT ?", "iI", after,
		    SWEEP_BATCH);
	case PASS_RONGQUE:
		return db_query(c->db, e, "SELECT id FROM cases WHERE "
		    "acceptance_mode = 'rongque' AND flagged = 0 AND closed_at "
		    "IS NULL AND supplement_due < ? AND id > ? ORDER BY id "
		    "LIMIT ?", "siI", today, after, SWEEP_BATCH);
	case PASS_REMIND:
		return db_query(c->db, e, "SELECT id FROM cases k WHERE "
		    "acceptance_mode = 'rongque' AND closed_at IS NULL AND "
		    "supplement_due >= ? AND id > ? AND NOT EXISTS (SELECT 1 "
		    "FROM case_reminders r WHERE r.case_id = k.id AND r.kind = "
		    "'rongque_due') ORDER BY id LIMIT ?", "siI", today, after,
		    SWEEP_BATCH);
	}
	return NULL;
}

/* Deadline pass: its own transaction per case (it changes no state). */
static int
deadline_one(struct ctx *c, int64_t id, const char *today, int *acted,
    struct err *e)
{
	struct one_tx t = { c, id, 0, 0, today };
	int rc;

	rc = db_tx(c->db, deadline_fn, &t, e);
	if (rc == 0)
		*acted = t.acted;
	return rc;
}

static int
sweep_pass(struct ctx *c, enum pass p, int timeout_days, int *acted,
    int *failed, struct err *e)
{
	int64_t ids[SWEEP_BATCH], after = 0;
	char today[11];
	struct db_stmt *s;
	size_t n;
	int rc;

	clock_date(clock_now(), today);
	/* A stopping server ends the pass between two cases (each is its own
	 * transaction); the next round starts again from the first case
	 * needing the pass. */
	for (;;) {
		if (ctx_stopping(c))
			return 0;
		n = 0;
		s = pass_query(c, p, after, today, e);
		if (s == NULL)
			return err_rc(e);
		while ((rc = db_step(s, e)) == DB_ROW)
			ids[n++] = db_col_int(s, 0);
		db_finish(s);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < n; i++) {
			struct err ce;
			int one = 0;

			if (ctx_stopping(c))
				return 0;
			err_clear(&ce);
			switch (p) {
			case PASS_DEADLINE:
				rc = deadline_one(c, ids[i], today, &one, &ce);
				break;
			case PASS_TIMEOUT:
				rc = timeout_one(c, ids[i], timeout_days, &one,
				    &ce);
				break;
			case PASS_RONGQUE:
				rc = rongque_one(c, ids[i], &one, &ce);
				break;
			case PASS_REMIND:
				rc = remind_one(c, ids[i], timeout_days, &one,
				    &ce);
				break;
			}
			if (rc != 0) {
				log_warn("sweeper: case %" PRId64 ": %s (%s)",
				    ids[i], ce.msg, ce.key);
				(*failed)++;
				continue;
			}
			*acted += one;
		}
		if (n < SWEEP_BATCH)
			return 0;
		after = ids[n - 1];
	}
}

int
case_sweep(struct ctx *c, int *acted, int *failed, struct err *e)
{
	int timeout_days = (int)config_int("case.supplement_timeout_days");
	int rc;

	*acted = *failed = 0;
	rc = sweep_pass(c, PASS_DEADLINE, timeout_days, acted, failed, e);
	if (rc == 0)
		rc = sweep_pass(c, PASS_TIMEOUT, timeout_days, acted, failed,
		    e);
	if (rc == 0)
		rc = sweep_pass(c, PASS_RONGQUE, timeout_days, acted, failed,
		    e);
	if (rc == 0)
		rc = sweep_pass(c, PASS_REMIND, (int)config_int(
		    "rules.rongque_reminder_days"), acted, failed, e);
	if (rc == 0) {
		/* From November: next year's holidays to load. */
		int sent = 0;

		rc = case_calendar_remind(c, &sent, e);
		*acted += sent;
	}
	return rc;
}
