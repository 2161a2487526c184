/* sweep.c - the supervision pass of the sweeper: escalation of tickets past
 * their promised date, tickets for stalled and for overdue cases, overdue
 * notices. Each ticket or case is its own transaction; one failure is
 * logged and does not stop the others. A stopping server ends each loop
 * between batches (ctx_stopping()); the next round takes up what is left. */
#include "service/supervise/supervise.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "core/calendar.h"
#include "core/supervise.h"
#include "service/case/case.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

#define SWEEP_BATCH 500

struct esc_tx {
	struct ctx *c;
	int64_t id, dept;
	int level;
	const char *body;
	const char *title;
	bool done;
};

static int
escalate_fn(struct db *db, void *arg, struct err *e)
{
	struct esc_tx *t = arg;
	char note[200], body[400];
	json_t *sum;
	int rc;

	t->done = false;
	rc = db_exec(db, e, "UPDATE sv_tickets SET level = ?, escalated_at = ?, "
	    "updated_at = ? WHERE id = ? AND level < ? AND status IN ('open', "
	    "'answered')", "IiiiI", t->level, clock_now(), clock_now(), t->id,
	    t->level);
	if (rc != 0 || db_last_changes(db) == 0)
		return rc;
	t->done = true;
	snprintf(note, sizeof(note), "逾期未解决，升级至%s", t->body);
	rc = sv_ticket_event(t->c, db, t->id, "escalate", note, e);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:i, s:s}", "level", t->level, "body", t->body);
	rc = sv_audit(t->c, "ticket.escalate", "ticket", t->id, sum, e);
	json_decref(sum);
	snprintf(body, sizeof(body), "问题工单 #%" PRId64 "「%s」逾期未解决，"
	    "已升级至%s督办。", t->id, t->title, t->body);
	if (rc == 0)
		rc = sv_notify_roles(t->c, ROLE_SUPERVISOR | ROLE_HALL_ADMIN,
		    "ticket_escalated", "问题工单升级", body, e);
	if (rc == 0)
		rc = notify_dept_admins(t->c, t->dept, 0, 0, "ticket_escalated",
		    "问题工单升级", body, NULL, e);
	return rc;
}

static int
escalate_all(struct ctx *c, const struct calendar *cal, int32_t today,
    const char *today_s, int *acted, struct err *e)
{
	struct supervise_path path;
	struct db_stmt *s;
	struct { int64_t id, dept; int level; char title[404]; } rows[64];
	int n = 0, rc, scanned;
	int64_t after = 0;

	if (supervise_path_parse(config_str("supervise.escalation_path"),
	    &path, e) != 0)
		return -ERR_INVALID;
	for (;;) {
		if (ctx_stopping(c))
			break;
		n = 0;
		scanned = 0;
		s = db_query(c->db, e, "SELECT id, dept_id, level, "
		    "promised_day, title FROM sv_tickets WHERE status IN "
		    "('open', 'answered') AND promised_day < ? AND id > ? "
		    "ORDER BY id LIMIT 64", "si", today_s, after);
		if (s == NULL)
			return err_rc(e);
		while ((rc = db_step(s, e)) == DB_ROW) {
			int32_t promised;
			struct err pe;
			int lvl;

			after = db_col_int(s, 0);
			scanned++;
			if (calendar_day_parse(db_col_text(s, 3), &promised,
			    &pe) != 0)
				continue;
			lvl = supervise_escalation_level(cal, promised, today,
			    (int)config_int("supervise.escalation_step_days"),
			    path.n);
			if (lvl <= db_col_int(s, 2))
				continue;
			rows[n].id = after;
			rows[n].dept = db_col_int(s, 1);
			rows[n].level = lvl;
			snprintf(rows[n].title, sizeof(rows[n].title), "%s",
			    db_col_text(s, 4));
			n++;
		}
		db_finish(s);
		if (rc < 0)
			return rc;
		for (int i = 0; i < n; i++) {
			struct esc_tx t = { .c = c, .id = rows[i].id,
			    .dept = rows[i].dept, .level = rows[i].level,
			    .body = path.body[rows[i].level - 1],
			    .title = rows[i].title };
			struct err te;

			err_clear(&te);
			if (db_tx(c->db, escalate_fn, &t, &te) != 0)
				log_error("supervise: escalating ticket %" PRId64
				    ": %s", t.id, te.msg);
			else if (t.done)
				(*acted)++;
		}
		if (scanned < 64)
			break;
	}
	return 0;
}

struct stall_tx {
	struct ctx *c;
	int64_t case_id, dept;
	const char *case_no, *item;
	int idle;
	int64_t ticket;
};

static int
stall_fn(struct db *db, void *arg, struct err *e)
{
	struct stall_tx *t = arg;
	struct supervise_ticket_in in;
	char key[48], problem[600], title[200];

	snprintf(key, sizeof(key), "stalled:case:%" PRId64, t->case_id);
	snprintf(title, sizeof(title), "办件 %s 久拖无进展", t->case_no);
	snprintf(problem, sizeof(problem), "办件 %s（%s）已连续 %d 个工作日"
	    "没有任何办理环节，请说明原因、提出措施和解决时限。", t->case_no,
	    t->item, t->idle);
	memset(&in, 0, sizeof(in));
	in.source = "stalled";
	in.ref_type = "case";
	in.ref_id = t->case_id;
	in.case_id = t->case_id;
	in.dept_id = t->dept;
	in.title = title;
	in.problem = problem;
	in.auto_key = key;
	return supervise_ticket_open(t->c, db, &in, &t->ticket, e);
}

static int
stalled_cases(struct ctx *c, const struct calendar *cal, int32_t today,
    int *acted, struct err *e)
{
	int threshold = (int)config_int("supervise.stall_workdays");
	struct row { int64_t id, dept; int idle; char no[64], item[256]; };
	struct row rows[64];
	int64_t after = 0;
	int n, rc, scanned;

	for (;;) {
		struct db_stmt *s;

		if (ctx_stopping(c))
			break;

		n = 0;
		scanned = 0;
		s = db_query(c->db, e, "SELECT k.id, k.dept_id, k.case_no, "
		    "COALESCE(i.name, ''), COALESCE((SELECT max(ev.at) FROM "
		    "case_events ev WHERE ev.case_id = k.id), k.created_at) "
		    "FROM cases k LEFT JOIN items i ON i.id = k.item_id "
		    "WHERE k.closed_at IS NULL AND k.accepted_at IS NOT NULL AND "
		    "k.suspend_kind IS NULL AND k.id > ? AND NOT EXISTS (SELECT "
		    "1 FROM sv_tickets t WHERE t.source = 'stalled' AND "
		    "t.case_id = k.id) ORDER BY k.id LIMIT ?", "iI", after,
		    SWEEP_BATCH);
		if (s == NULL)
			return err_rc(e);
		while ((rc = db_step(s, e)) == DB_ROW) {
			char d[11];
			int32_t last;
			struct err pe;

			if (n >= 64)
				break;  /* the rest of the batch comes next */
			after = db_col_int(s, 0);
			scanned++;
			clock_date(db_col_int(s, 4), d);
			if (calendar_day_parse(d, &last, &pe) != 0 ||
			    !supervise_is_stalled(cal, last, today, threshold))
				continue;
			rows[n].id = after;
			rows[n].dept = db_col_int(s, 1);
			rows[n].idle = supervise_idle_workdays(cal, last, today);
			snprintf(rows[n].no, sizeof(rows[n].no), "%s",
			    db_col_text(s, 2));
			snprintf(rows[n].item, sizeof(rows[n].item), "%s",
			    db_col_text(s, 3));
			n++;
		}
		db_finish(s);
		if (rc < 0)
			return rc;
		for (int i = 0; i < n; i++) {
			struct stall_tx t = { .c = c, .case_id = rows[i].id,
			    .dept = rows[i].dept, .case_no = rows[i].no,
			    .item = rows[i].item, .idle = rows[i].idle };
			struct err te;

			err_clear(&te);
			if (db_tx(c->db, stall_fn, &t, &te) != 0)
				log_error("supervise: stalled case %" PRId64
				    ": %s", t.case_id, te.msg);
			else if (t.ticket > 0)
				(*acted)++;
		}
		if (n < 64 && scanned < SWEEP_BATCH)
			break;
	}
	return 0;
}

struct overdue_tx {
	struct ctx *c;
	int64_t case_id, dept;
	const char *case_no, *item, *due;
	int64_t ticket;
};

static int
overdue_fn(struct db *db, void *arg, struct err *e)
{
	struct overdue_tx *t = arg;
	struct supervise_ticket_in in;
	char key[48], problem[700], title[200];

	snprintf(key, sizeof(key), "overdue:case:%" PRId64, t->case_id);
	snprintf(title, sizeof(title), "办件 %s 超期未办结", t->case_no);
	snprintf(problem, sizeof(problem), "办件 %s（%s）已超过承诺办结期限 %s "
	    "仍未办结，请说明原因、提出措施和解决时限。", t->case_no, t->item,
	    t->due);
	memset(&in, 0, sizeof(in));
	in.source = "overdue";
	in.ref_type = "case";
	in.ref_id = t->case_id;
	in.case_id = t->case_id;
	in.dept_id = t->dept;
	in.title = title;
	in.problem = problem;
	in.reporter_id = -1;
	in.auto_key = key;
	return supervise_ticket_open(t->c, db, &in, &t->ticket, e);
}

/* A ticket for each open case past its due day (warn level red, which the
 * deadline watch keeps), once per case. */
static int
overdue_cases(struct ctx *c, int *acted, struct err *e)
{
	json_t *rows;
	size_t i;
	json_t *r;
	int64_t after = 0;

	for (;;) {
		if (ctx_stopping(c))
			break;
		rows = db_query_json(c->db, e, "SELECT k.id, k.dept_id, "
		    "k.case_no, COALESCE(i.name, '') AS item, COALESCE(k.due_day, "
		    "'') AS due FROM cases k LEFT JOIN items i ON i.id = k.item_id "
		    "WHERE k.closed_at IS NULL AND k.warn_level = 'red' AND k.id > "
		    "? AND NOT EXISTS (SELECT 1 FROM sv_tickets t WHERE t.source = "
		    "'overdue' AND t.case_id = k.id) ORDER BY k.id LIMIT 64", "i",
		    after);
		if (rows == NULL)
			return err_rc(e);
		json_array_foreach(rows, i, r) {
			struct overdue_tx t = { .c = c };
			struct err te;

			t.case_id = json_integer_value(json_object_get(r, "id"));
			t.dept = json_integer_value(json_object_get(r, "dept_id"));
			t.case_no = json_string_value(json_object_get(r, "case_no"));
			t.item = json_string_value(json_object_get(r, "item"));
			t.due = json_string_value(json_object_get(r, "due"));
			after = t.case_id;
			err_clear(&te);
			if (db_tx(c->db, overdue_fn, &t, &te) != 0)
				log_error("supervise: overdue case %" PRId64 ": %s",
				    t.case_id, te.msg);
			else if (t.ticket > 0)
				(*acted)++;
		}
		i = json_array_size(rows);
		json_decref(rows);
		if (i < 64)
			break;
	}
	return 0;
}

struct notice_tx {
	struct ctx *c;
	const char *today;
	int flagged;
};

static int
notices_fn(struct db *db, void *arg, struct err *e)
{
	struct notice_tx *t = arg;
	json_t *rows;
	size_t i;
	json_t *r;
	int rc = 0;

	rows = db_query_json(db, e, "SELECT nd.notice_id, nd.dept_id, "
	    "n.notice_no, n.title FROM sv_notice_depts nd JOIN sv_notices n "
	    "ON n.id = nd.notice_id WHERE nd.status IN ('issued', 'returned') "
	    "AND nd.overdue_at IS NULL AND n.deadline_day < ? LIMIT 200", "s",
	    t->today);
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, r) {
		int64_t nid = json_integer_value(json_object_get(r,
		    "notice_id")), dept = json_integer_value(json_object_get(r,
		    "dept_id"));
		char body[400];

		rc = db_exec(db, e, "UPDATE sv_notice_depts SET overdue_at = ? "
		    "WHERE notice_id = ? AND dept_id = ?", "iii", clock_now(),
		    nid, dept);
		if (rc != 0)
			break;
		snprintf(body, sizeof(body), "督查通报 %s「%s」已超过整改期限，"
		    "请尽快报送整改情况。", json_string_value(json_object_get(r,
		    "notice_no")), json_string_value(json_object_get(r,
		    "title")));
		rc = notify_dept_admins(t->c, dept, 0, 0, "notice_overdue",
		    "督查通报整改逾期", body, NULL, e);
		if (rc == 0)
			rc = sv_audit(t->c, "notice.overdue", "notice", nid,
			    NULL, e);
		if (rc != 0)
			break;
		t->flagged++;
	}
	json_decref(rows);
	return rc;
}

int
supervise_sweep(struct ctx *c, int *acted, struct err *e)
{
	struct calendar *cal = NULL;
	char today_s[11];
	int32_t today;
	struct notice_tx nt;
	int rc;

	*acted = 0;
	/* Our own copy: opening a ticket may rebuild the shared one. */
	rc = case_calendar_build(c, &cal, e);
	if (rc != 0)
		return rc;
	today = deadlines_today();
	calendar_day_format(today, today_s);
	rc = escalate_all(c, cal, today, today_s, acted, e);
	if (rc == 0)
		rc = stalled_cases(c, cal, today, acted, e);
	calendar_free(cal);
	if (rc == 0)
		rc = overdue_cases(c, acted, e);
	if (rc != 0)
		return rc;
	memset(&nt, 0, sizeof(nt));
	nt.c = c;
	nt.today = today_s;
	rc = db_tx(c->db, notices_fn, &nt, e);
	*acted += nt.flagged;
	return rc;
}
