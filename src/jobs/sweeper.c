/* sweeper.c - job_deadline_sweeper: the deadline watch of open cases.
 *
 * Every round, each case in its own transaction (one bad row never stops
 * the others; failures are logged and counted):
 *   1. open accepted cases: refresh due day, remaining days and level;
 *      a case reaching yellow (<= 20% of its time or <= 1 working day
 *      left) or red (overdue) claims the warning row (case_id, level)
 *      with ON CONFLICT DO NOTHING and, only when it inserted it, notifies
 *      the handler and the department administrators (in-app and SMS) in
 *      the same transaction;
 *   2. cases waiting for a 补正 (state supplement, or an open "supplement"
 *      suspension) longer than the configured working days are closed
 *      (已退办) with a notice to the applicant;
 *   3. 容缺 cases past supplement_due with materials still outstanding are
 *      flagged and the department administrators told;
 *   4. pending requests of the request queue past their due date are
 *      flagged once and their deciders told (requests_sweep_overdue).
 * Every transaction first takes DEADLINES_LOCK_CALENDAR: on PostgreSQL one
 * server at a time sweeps, and never against a calendar being edited. */
#include "jobs/jobs.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "base/config.h"
#include "service/platform/platform.h"
#include "service/case/case.h"
#include "store/db.h"

#define SWEEP_BATCH 200
#define TEXT_BYTES 512

static int
stmt_error(const struct err *e)
{
	return e != NULL && e->code != ERR_NONE ? -(int)e->code :
	    -ERR_INTERNAL;
}

static int
supplement_timeout_days(void)
{
	return (int)config_int("case.supplement_timeout_days");
}

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
		return stmt_error(e);
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
add_event(struct db *db, int64_t case_id, const char *action,
    const char *from, const char *to, const char *note, struct err *e)
{
	return db_exec(db, e, "INSERT INTO case_events (case_id, at, actor_id, "
	    "actor_name, role, action, from_state, to_state, note) VALUES (?, "
	    "?, 0, '系统', 'system', ?, ?, ?, ?)", "iissss", case_id,
	    clock_now(), action, from, to, note);
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
	rc = case_deadline_refresh_with(t->c, cal, t->id, &st, &started, e);
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

/* ---- 2. supplement time-out ---- */

static int
timeout_fn(struct db *db, void *arg, struct err *e)
{
	struct one_tx *t = arg;
	const struct calendar *cal;
	struct case_info ci;
	struct db_stmt *s;
	int32_t start = CALENDAR_NO_DAY, today = deadlines_today();
	char start_s[11] = "", yday[11], title[TEXT_BYTES], body[TEXT_BYTES];
	char note[TEXT_BYTES];
	bool suspended = false, claimed;
	int64_t now = clock_now();
	int rc, waited;

	t->acted = 0;
	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc == 0)
		rc = case_calendar_current_fresh(t->c, &cal, e);
	if (rc == 0)
		rc = load_case(db, t->id, &ci, e);
	if (rc != 0 || ci.closed)
		return rc;
	/* Since when has it waited? A post-acceptance 补正 has an open
	 * suspension; a pre-acceptance one only the request time. */
	s = db_query(db, e, "SELECT start_day FROM case_suspensions WHERE "
	    "case_id = ? AND end_day IS NULL AND kind = 'supplement'", "i",
	    t->id);
	if (s == NULL)
		return stmt_error(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		struct err pe;

		suspended = true;
		if (calendar_day_parse(db_col_text(s, 0), &start, &pe) != 0)
			start = CALENDAR_NO_DAY;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (!suspended) {
		struct err pe;
		char ds[11];

		if (strcmp(ci.state, "supplement") != 0)
			return 0;
		clock_date(ci.supplement_requested_at > 0 ?
		    ci.supplement_requested_at : ci.updated_at, ds);
		if (calendar_day_parse(ds, &start, &pe) != 0)
			start = CALENDAR_NO_DAY;
	}
	if (start == CALENDAR_NO_DAY)
		return 0;
	waited = calendar_workdays_between(cal, start, today);
	if (waited <= t->timeout_days)
		return 0;
	rc = claim_warning(db, t->id, ci.dept_id, "supplement_timeout",
	    &claimed, e);
	if (rc != 0 || !claimed)
		return rc;
	calendar_day_format(start, start_s);
	if (suspended) {
		calendar_day_format(today - 1, yday);
		rc = db_exec(db, e, "UPDATE case_suspensions SET end_day = ?, "
		    "result = '补正超时，系统自动退办', ended_at = ? WHERE "
		    "case_id = ? AND end_day IS NULL", "sii", yday, now, t->id);
		if (rc != 0)
			return rc;
	}
	rc = db_exec(db, e, "UPDATE cases SET state = 'terminated', closed_at = "
	    "?, updated_at = ?, version = version + 1, suspend_kind = NULL "
	    "WHERE id = ? AND closed_at IS NULL", "iii", now, now, t->id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "case_closed", "办件已办结");
	snprintf(note, sizeof(note), "自 %s 起等待申请人补正材料已超过 %d 个"
	    "工作日，系统自动退办", start_s, t->timeout_days);
	rc = add_event(db, t->id, "terminate", ci.state, "terminated", note, e);
	if (rc != 0)
		return rc;
	snprintf(title, sizeof(title), "办件已退办：%s", ci.case_no);
	snprintf(body, sizeof(body), "您申请的“%s”（办件编号 %s）自 %s 起需要"
	    "补正材料，超过 %d 个工作日未补正，已按规定退办。如需办理请重新申请。",
	    ci.item, ci.case_no, start_s, t->timeout_days);
	/* The mobile given with the application, else the account's. */
	if (ci.applicant_mobile[0] != '\0') {
		rc = notify_user(t->c, ci.applicant_id, t->id,
		    "supplement_timeout", title, body, e);
		if (rc == 0)
			rc = notify_sms(t->c, ci.applicant_mobile, t->id,
			    "supplement_timeout", body, e);
	} else {
		rc = notify_user_sms(t->c, ci.applicant_id, t->id,
		    "supplement_timeout", title, body, e);
	}
	if (rc != 0)
		return rc;
	t->acted = 1;
	return audit_case(t->c, "case.supplement_timeout", t->id, json_pack(
	    "{s:s, s:s, s:s, s:i, s:i}", "from_state", ci.state, "to_state",
	    "terminated", "waiting_since", start_s, "working_days", waited,
	    "limit_days", t->timeout_days), e);
}

/* ---- 3. 容缺 materials not supplemented in time ---- */

static int
rongque_fn(struct db *db, void *arg, struct err *e)
{
	struct one_tx *t = arg;
	struct case_info ci;
	struct db_stmt *s;
	char due[11] = "", today[11], title[TEXT_BYTES], body[TEXT_BYTES];
	int64_t outstanding = 0;
	bool claimed;
	int rc, admins = 0;

	t->acted = 0;
	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc == 0)
		rc = load_case(db, t->id, &ci, e);
	if (rc != 0 || ci.closed)
		return rc;
	clock_date(clock_now(), today);
	s = db_query(db, e, "SELECT supplement_due, (SELECT count(*) FROM "
	    "case_materials m WHERE m.case_id = k.id AND m.status = 'rongque') "
	    "FROM cases k WHERE k.id = ? AND k.acceptance_mode = 'rongque' AND "
	    "k.flagged = 0 AND k.supplement_due IS NOT NULL AND "
	    "k.supplement_due < ?", "is", t->id, today);
	if (s == NULL)
		return stmt_error(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(due, sizeof(due), "%s", db_col_text(s, 0));
		outstanding = db_col_int(s, 1);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || outstanding == 0)
		return 0;
	rc = claim_warning(db, t->id, ci.dept_id, "rongque_missed", &claimed,
	    e);
	if (rc != 0 || !claimed)
		return rc;
	rc = db_exec(db, e, "UPDATE cases SET flagged = 1, updated_at = ? "
	    "WHERE id = ?", "ii", clock_now(), t->id);
	if (rc != 0)
		return rc;
	snprintf(body, sizeof(body), "容缺受理的“%s”（办件编号 %s）应于 %s "
	    "前补齐 %" PRId64 " 项材料，逾期未补，已标记。可依规定退办。", ci.item,
	    ci.case_no, due, outstanding);
	rc = add_event(db, t->id, "rongque_missed", ci.state, ci.state, body,
	    e);
	if (rc != 0)
		return rc;
	snprintf(title, sizeof(title), "容缺材料逾期未补：%s", ci.case_no);
	rc = notify_dept_admins(t->c, ci.dept_id, 0, t->id, "rongque_missed",
	    title, body, &admins, e);
	if (rc != 0)
		return rc;
	t->acted = 1;
	return audit_case(t->c, "case.rongque_missed", t->id, json_pack(
	    "{s:s, s:I, s:i}", "supplement_due", due, "outstanding",
	    (json_int_t)outstanding, "admins_notified", admins), e);
}

/* ---- the round ---- */

enum pass { PASS_DEADLINE, PASS_TIMEOUT, PASS_RONGQUE };

static struct db_stmt *
pass_query(struct ctx *c, enum pass p, int64_t after, const char *today,
    struct err *e)
{
	switch (p) {
	case PASS_DEADLINE:
		return db_query(c->db, e, "SELECT id FROM cases WHERE "
		    "accepted_day IS NOT NULL AND closed_at IS NULL AND id > ? "
		    "ORDER BY id LIMIT ?", "iI", after, SWEEP_BATCH);
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
	}
	return NULL;
}

static int
sweep_pass(struct ctx *c, enum pass p, db_tx_fn fn, int timeout_days,
    int *acted, int *failed, struct err *e)
{
	int64_t ids[SWEEP_BATCH], after = 0;
	char today[11];
	struct db_stmt *s;
	size_t n;
	int rc;

	clock_date(clock_now(), today);
	for (;;) {
		n = 0;
		s = pass_query(c, p, after, today, e);
		if (s == NULL)
			return stmt_error(e);
		while ((rc = db_step(s, e)) == DB_ROW)
			ids[n++] = db_col_int(s, 0);
		db_finish(s);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < n; i++) {
			struct one_tx t = { c, ids[i], timeout_days, 0 };
			struct err ce;

			err_clear(&ce);
			if (db_tx(c->db, fn, &t, &ce) != 0) {
				log_warn("sweeper: case %" PRId64 ": %s (%s)",
				    ids[i], ce.msg, ce.key);
				(*failed)++;
				continue;
			}
			*acted += t.acted;
		}
		if (n < SWEEP_BATCH)
			return 0;
		after = ids[n - 1];
	}
}

static int
sweeper_run(struct ctx *c, struct err *e)
{
	int timeout_days = supplement_timeout_days();
	int acted = 0, failed = 0, rc;

	rc = sweep_pass(c, PASS_DEADLINE, deadline_fn, timeout_days, &acted,
	    &failed, e);
	if (rc == 0)
		rc = sweep_pass(c, PASS_TIMEOUT, timeout_fn, timeout_days,
		    &acted, &failed, e);
	if (rc == 0)
		rc = sweep_pass(c, PASS_RONGQUE, rongque_fn, timeout_days,
		    &acted, &failed, e);
	if (rc == 0) {
		char today[11];
		int flagged = 0;

		/* Requests past their due date, flagged like warnings. */
		clock_date(clock_now(), today);
		rc = requests_sweep_overdue(c, today, &flagged, e);
		acted += flagged;
	}
	if (rc != 0)
		return rc;
	if (acted > 0 || failed > 0)
		log_info("sweeper: %d warnings/closures, %d cases failed",
		    acted, failed);
	if (failed > 0)
		return err_set(e, ERR_INTERNAL, "sweeper_failed",
		    "%d 个办件的期限检查失败，详见日志", failed);
	return 0;
}

const struct job job_deadline_sweeper = {
	"deadline_sweeper", 30000, sweeper_run
};
