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

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/calendar.h"
#include "core/deadline.h"
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

/* ---- helpers for the deadline modules (calendar_admin, warnings, jobs) ---- */

/* db_tx_lock() key of everything that recomputes deadlines in bulk
 * (calendar edits, the sweeper), so that no transaction writes a deadline
 * computed with a calendar another one is replacing. */
#define DEADLINES_LOCK_CALENDAR INT64_C(0x6f6e657472690221)

/* Today's day number in the hall's time zone (clock_now). */
int32_t deadlines_today(void);

/* A fresh calendar: the embedded years plus the database overrides as this
 * connection sees them (inside a transaction: its own uncommitted edits).
 * The caller frees it with calendar_free(). */
int calendar_build(struct ctx *c, struct calendar **out, struct err *e);

/* Like calendar_current() but checks the database version now instead of at
 * most once a second (jobs, after taking their lock). */
int calendar_current_fresh(struct ctx *c, const struct calendar **out,
    struct err *e);

/* Forgets the cached calendar: the next calendar_current() rebuilds it.
 * calendar_cache_reset() also frees it and this thread's reference
 * (tests, shutdown). */
void calendar_cache_invalidate(void);
void calendar_cache_reset(void);

/* Inside db_tx: case_deadline_refresh() with a given calendar. Fills st (may
 * be NULL) with the new status; *started (may be NULL) is false when the
 * case is not accepted yet (nothing computed, nothing written). */
int case_deadline_refresh_with(struct ctx *c, const struct calendar *cal,
    int64_t case_id, struct deadline_status *st, bool *started,
    struct err *e);

#endif
