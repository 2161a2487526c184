/* sweep.c - the sweeper's pass over project approvals: a running approval
 * of a project stage that is past its limit or has had no step for
 * project.stall_workdays working days opens a problem ticket (问题处置协同,
 * service/supervise, source "project") for the case's department, reported
 * by the project's steward so that the steward sees and rates it. Once per
 * case (auto_key "project:case:<id>"). */
#include "service/project/project_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "core/calendar.h"
#include "core/supervise.h"
#include "service/case/case.h"
#include "service/supervise/supervise.h"
#include "store/db.h"

#define PJ_SWEEP_MAX 200

struct stall {
	int64_t case_id, dept, project, steward;
	int idle;
	bool overdue;
	char case_no[64], item[256], project_name[256];
};

struct stall_tx {
	struct ctx *c;
	const struct stall *s;
	int64_t ticket;
};

static int
stall_fn(struct db *db, void *arg, struct err *e)
{
	struct stall_tx *t = arg;
	const struct stall *s = t->s;
	struct supervise_ticket_in in;
	char key[64], title[300], problem[1200];

	snprintf(key, sizeof(key), "project:case:%" PRId64, s->case_id);
	snprintf(title, sizeof(title), "项目审批%s：%s", s->overdue ? "超时" :
	    "停滞", s->item);
	snprintf(problem, sizeof(problem), "重点推进的工程建设项目“%s”的审批"
	    "事项“%s”（办件 %s）%s，请说明原因、提出措施和解决时限，项目管家"
	    "跟踪协调。", s->project_name, s->item, s->case_no, s->overdue ?
	    "已超过承诺时限" : "连续多个工作日没有办理环节");
	if (s->idle > 0 && !s->overdue)
		snprintf(problem + strlen(problem), sizeof(problem) -
		    strlen(problem), "（已 %d 个工作日无进展）", s->idle);
	memset(&in, 0, sizeof(in));
	in.source = "project";
	in.ref_type = "project";
	in.ref_id = s->project;
	in.case_id = s->case_id;
	in.dept_id = s->dept;
	in.title = title;
	in.problem = problem;
	in.reporter_id = s->steward;
	in.auto_key = key;
	return supervise_ticket_open(t->c, db, &in, &t->ticket, e);
}

int
project_sweep(struct ctx *c, int *acted, struct err *e)
{
	int threshold = (int)config_int("project.stall_workdays");
	struct stall *rows;
	struct calendar *cal = NULL;
	struct db_stmt *s;
	int32_t today;
	int n = 0, rc;

	*acted = 0;
	rc = case_calendar_build(c, &cal, e);
	if (rc != 0)
		return rc;
	rows = calloc(PJ_SWEEP_MAX, sizeof(*rows));
	if (rows == NULL) {
		calendar_free(cal);
		return err_internal(e, "out of memory");
	}
	today = deadlines_today();
	s = db_query(c->db, e, "SELECT k.id, k.dept_id, k.case_no, "
	    "COALESCE(i.name, ''), COALESCE((SELECT max(ev.at) FROM "
	    "case_events ev WHERE ev.case_id = k.id), k.created_at), "
	    "k.warn_level, p.id, p.name, COALESCE(p.steward_id, 0) FROM cases k "
	    "JOIN project_stage_apps a ON a.bundle_case_id = k.bundle_id JOIN "
	    "projects p ON p.id = a.project_id LEFT JOIN items i ON i.id = "
	    "k.item_id WHERE k.closed_at IS NULL AND k.accepted_at IS NOT NULL "
	    "AND k.suspend_kind IS NULL AND NOT EXISTS (SELECT 1 FROM "
	    "sv_tickets t WHERE t.source = 'project' AND t.case_id = k.id) "
	    "ORDER BY k.id LIMIT ?", "I", PJ_SWEEP_MAX);
	if (s == NULL) {
		rc = err_rc(e);
		goto out;
	}
	while ((rc = db_step(s, e)) == DB_ROW && n < PJ_SWEEP_MAX) {
		struct stall *r = &rows[n];
		const char *warn = db_col_text(s, 5);
		struct err pe;
		int32_t last;
		char d[11];

		clock_date(db_col_int(s, 4), d);
		if (calendar_day_parse(d, &last, &pe) != 0)
			continue;
		r->overdue = warn != NULL && strcmp(warn, "red") == 0;
		if (!r->overdue && !supervise_is_stalled(cal, last, today,
		    threshold))
			continue;
		r->case_id = db_col_int(s, 0);
		r->dept = db_col_int(s, 1);
		r->idle = supervise_idle_workdays(cal, last, today);
		snprintf(r->case_no, sizeof(r->case_no), "%s", db_col_text(s, 2));
		snprintf(r->item, sizeof(r->item), "%s", db_col_text(s, 3));
		r->project = db_col_int(s, 6);
		snprintf(r->project_name, sizeof(r->project_name), "%s",
		    db_col_text(s, 7));
		r->steward = db_col_int(s, 8);
		n++;
	}
	db_finish(s);
	if (rc < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < n; i++) {
		struct stall_tx t = { .c = c, .s = &rows[i] };
		struct err te;

		err_clear(&te);
		if (db_tx(c->db, stall_fn, &t, &te) != 0)
			log_error("project: stalled case %" PRId64 ": %s",
			    rows[i].case_id, te.msg);
		else if (t.ticket > 0)
			(*acted)++;
	}
out:
	free(rows);
	calendar_free(cal);
	return rc;
}
