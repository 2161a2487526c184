/* sweeper.c - job_deadline_sweeper: runs the deadline watch of open cases
 * (case_sweep() in service/case/sweep.c) and flags requests of the request
 * queue past their due date (requests_sweep_overdue()), runs the
 * supervision pass (supervise_sweep(): ticket escalation, stalled cases,
 * overdue notices), the project pass (project_sweep(): stalled or overdue
 * approvals of construction projects raise tickets for the steward), the
 * quarterly ledger's watch (reform_ledger_sweep(): reminders before the
 * 23rd, late flags and tickets after), makes sure next year's partition
 * of cases exists (case_partitions_ensure()), and reports what it did. A stopping
 * server (ctx_stopping()) skips the passes not yet begun. */
#include "jobs/jobs.h"

#include "base/clock.h"
#include "base/log.h"
#include "service/case/case.h"
#include "service/platform/platform.h"
#include "service/project/project.h"
#include "service/stats/stats.h"
#include "service/supervise/supervise.h"

static int
sweeper_run(struct ctx *c, struct err *e)
{
	int acted = 0, failed = 0, flagged = 0, rc;
	char today[11];

	rc = case_sweep(c, &acted, &failed, e);
	if (rc == 0 && !ctx_stopping(c)) {
		/* Requests past their due date, flagged like warnings. */
		clock_date(clock_now(), today);
		rc = requests_sweep_overdue(c, today, &flagged, e);
		acted += flagged;
	}
	if (rc == 0 && !ctx_stopping(c)) {
		/* Tickets past their date escalate; stalled cases get one. */
		rc = supervise_sweep(c, &flagged, e);
		acted += flagged;
	}
	if (rc == 0 && !ctx_stopping(c)) {
		/* Project approvals overdue or stalled: a ticket each. */
		rc = project_sweep(c, &flagged, e);
		acted += flagged;
	}
	if (rc == 0 && !ctx_stopping(c)) {
		/* The quarterly ledger: reminders, late flags, tickets. */
		rc = reform_ledger_sweep(c, &flagged, e);
		acted += flagged;
	}
	if (rc == 0 && !ctx_stopping(c))
		/* This year's and next year's partitions of cases. */
		rc = case_partitions_ensure(c, e);
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
	"deadline_sweeper", 30000, sweeper_run, false
};
