/* deadlines.h - the working-day clock of cases (service/deadlines.c).
 *
 * The calendar is the embedded holiday data plus the hall's edits stored in
 * calendar_overrides; it is cached and rebuilt when its version changes.
 * A case's deadline is its budget of working days from the acceptance date,
 * plus approved extensions, minus the working days inside its suspensions
 * (case_suspensions): waiting for the applicant or a special procedure
 * stops the clock and is never overdue. */
#ifndef ONETRIP_SERVICE_DEADLINES_H
#define ONETRIP_SERVICE_DEADLINES_H

#include <stdint.h>

#include "base/err.h"
#include "core/calendar.h"
#include "service/ctx.h"

/* The current calendar (shared, read-only; valid until the next call that
 * may rebuild it on this thread - do not keep it across requests). */
int calendar_current(struct ctx *c, const struct calendar **out,
    struct err *e);

/* Inside db_tx: recompute cases.due_day, remaining_days and warn_level of
 * one case from its accepted_day, budget_days, extension_days and
 * suspensions, as of today (clock_now). */
int case_deadline_refresh(struct ctx *c, int64_t case_id, struct err *e);

/* Inside db_tx: open a suspension of the case's clock. kind is a
 * suspension_kind_name() of core/deadline.h ("supplement", "hearing",
 * "inspection", ...). Refuses a second open suspension (409). */
int case_suspend(struct ctx *c, int64_t case_id, const char *kind,
    const char *reason, struct err *e);

/* Inside db_tx: close the open suspension (result recorded) and refresh the
 * deadline. ERR_CONFLICT when none is open. */
int case_resume(struct ctx *c, int64_t case_id, const char *result,
    struct err *e);

#endif
