/* stats.h - the public interface of the service domain "stats". */
#ifndef ONETRIP_SERVICE_STATS_STATS_H
#define ONETRIP_SERVICE_STATS_STATS_H

/* reform.h - the five reform indicators of 白政办发〔2024〕1号 over the
 * published catalogue, and the items behind each figure (service/reform.c).
 * The rules are core/indicators.c; this module only loads the published
 * elements and checks who may look. */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "service/platform/platform.h"

/* Overall and per-department indicators (staff only). formula is "mean"
 * (default when NULL) or "sum". *out is a new reference. */
int reform_indicators(struct ctx *c, const char *formula, json_t **out,
    struct err *e);

/* The published items counted by one indicator (key "time_reduction",
 * "max_one_trip", "instant", "online", "full_online"), those meeting it
 * (met = 1), not meeting it (met = 0) or all (met = -1), optionally of one
 * department. {"indicator", "label", "items": [{id, name, basic_code,
 * dept_id, dept_name, visits, case_kind, online_level, statutory_days,
 * promised_days, met}]}. */
int reform_indicator_items(struct ctx *c, const char *key, int met,
    int64_t dept_id, json_t **out, struct err *e);

/* The same as of the end of a past date as_of ("YYYY-MM-DD"; NULL: now),
 * from the item version history: {"formula", "as_of", "scope_types",
 * "overall", "departments"}. */
int reform_indicators_at(struct ctx *c, const char *formula, const char *as_of,
    json_t **out, struct err *e);
int reform_indicator_items_at(struct ctx *c, const char *key, int met,
    int64_t dept_id, const char *as_of, json_t **out, struct err *e);

/* The five indicators at the end of each month from `from` (default the
 * notice, 2024-03-22) to `to` (default today), of one department or all
 * (dept_id 0), with the item-side 五减 figures (steps_avg 减环节,
 * materials_avg 减材料, fee_free_percent 减费用):
 * {"from", "to", "targets", "points": [{"day", "items", "indicators":
 * {key: percent}, "steps_avg", "materials_avg", "fee_free_percent"}]}. */
int reform_trend(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e);

/* The background job's part (system actor only): the facts snapshot the
 * indicator requests read, loaded again when the catalogue changed (and
 * the facts of published versions without them written first,
 * service/stats/facts.c), so that the first request after a start or an
 * import finds it ready. *loaded: versions read, 0 when nothing changed. */
int reform_facts_refresh(struct ctx *c, size_t *loaded, struct err *e);

/* The gap planner: for each indicator below its target, the smallest set
 * of item changes that closes the gap, each with its department. Staff of
 * a department see their department's part; the hall, the supervisors
 * and the system administrator see the county (dept_id 0) or any one. */
int reform_gap(struct ctx *c, int64_t dept_id, json_t **out, struct err *e);

/* Case-based counterparts over closed cases of a period (closing days
 * from..to, defaults the notice and today): {"from", "to", "closed",
 * "approved", "shares": [{"key", "label", "item_indicator", "numerator",
 * "denominator", "percent"}], "materials": {...}, "days": {...},
 * "departments": [...]}. */
int reform_cases(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e);
/* The dashboard's other numbers: {today (the server's day), from, to,
 * dept_id, ratings:{count, satisfied, bad, satisfied_percent} (given in
 * from..to, appeals' exclusions left out), loops:{open, overdue},
 * tickets:{open, overdue}, notices:{open, overdue}} (open now; overdue:
 * past the stage's due day, the promised day, the deadline). Hall,
 * supervisors, sysadmin: the county or dept_id; department staff: their
 * own department only. */
int reform_board(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e);
/* Closed cases per month with the on-time share, and open, overdue (red)
 * and stalled (untouched 10 days) cases now. */
int reform_case_volume(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e);
/* Items declaring at most one visit whose closed cases of the period
 * recorded two trips or more. */
int reform_discrepancies(struct ctx *c, const char *from, const char *to,
    int64_t dept_id, json_t **out, struct err *e);

/* The cases behind a case-based figure (the dashboard's drill-down), at
 * most 200, newest first. key: "closed", "le_one_trip", "over_one_trip",
 * "zero_trip", "online", "window" (closed in from..to), "open", "overdue"
 * (red warning), "stalled" (untouched 10 days; open now). Department staff
 * see their own department's only. {"key", "label", "from", "to",
 * "period", "items": [{id, case_no, item, dept, channel, trips, state,
 * decision, warn_level, due_day, created_at, closed_at, updated_at}]}. */
int reform_case_list(struct ctx *c, const char *key, const char *from,
    const char *to, int64_t dept_id, json_t **out, struct err *e);

/* The reform tasks (all, or those dept_id takes part in) with their units
 * (lead or participating), overdue flag and last progress, and the
 * supervisor's summary by area and by unit:
 * {"tasks": [...], "by_area": {label: {...}}, "by_unit": {name: {...}}}. */
int reform_tasks_list(struct ctx *c, int64_t dept_id, json_t **out,
    struct err *e);
/* A progress entry of the actor's department on a task it leads or takes
 * part in (department admin); done (lead units only) closes the task. */
int reform_task_progress_add(struct ctx *c, int64_t task_id, const char *note,
    const char *evidence, bool done, json_t **out, struct err *e);

/* The quarterly ledger of a department (dept_id 0: the actor's; the hall
 * admin may name any): returned, or drafted from the tasks the department
 * takes part in. {"id", "dept_id", "dept", "year", "quarter", "status",
 * "due_day", "late", "version", "review_note", "rows": [{"seq", "area",
 * "lead_unit", "participants", "deliverable", "plan", "progress",
 * "remarks", "task_id"}]}. */
int reform_ledger_open(struct ctx *c, int64_t dept_id, int year, int quarter,
    json_t **out, struct err *e);
int reform_ledger_get(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* Edits rows [{seq, plan, progress, remarks}] (may be NULL) of a draft or
 * returned ledger of the actor's department; submit sends it (late when
 * after the due day). */
int reform_ledger_save(struct ctx *c, int64_t id, const json_t *rows,
    bool submit, json_t **out, struct err *e);
/* The hall admin accepts or returns (note required) a submitted ledger. */
int reform_ledger_review(struct ctx *c, int64_t id, bool accept,
    const char *note, json_t **out, struct err *e);

/* The county roll-up of a quarter: every government department's ledger
 * (status "none" when not opened, late, rows and rows with progress) and
 * the rows of the submitted and accepted ledgers; department staff see
 * their own department only. {"year", "quarter", "due_day", "phase"
 * ("open", "remind", "late"), "departments": [{dept_id, dept, ledger_id,
 * status, late, submitted_at, reviewed_at, review_note, reminded_day,
 * n_rows, filled}], "counts": {total, none, draft, submitted, returned,
 * accepted, late}, "rows": [{..., dept_id, dept, area_label}]}. */
int reform_ledger_rollup(struct ctx *c, int year, int quarter, json_t **out,
    struct err *e);
/* One ledger (as reform_ledger_get may see it), or the county roll-up
 * (hall, supervisors, system administrator), as format "xlsx" (the
 * attachment's layout) or "csv"; *ctype is the content type. */
int reform_ledger_export(struct ctx *c, int64_t id, const char *format,
    struct buf *out, const char **ctype, struct err *e);
int reform_ledger_rollup_export(struct ctx *c, int year, int quarter,
    const char *format, struct buf *out, const char **ctype, struct err *e);
/* The ledger watch (service/stats/ledger_loop.c), run by the sweeper:
 * drafts and reminds from the reminder day to the due date, flags late
 * drafts after it with a notification and a supervision ticket. *acted:
 * reminders and late flags. */
int reform_ledger_sweep(struct ctx *c, int *acted, struct err *e);

/* Queue depths and lags for the metrics page (service/stats/queues.c).
 * The lags are the age in seconds of the oldest item waiting (0: none). */
struct stats_queues {
	int64_t documents_pending;  /* pending or rendering */
	int64_t documents_failed;
	int64_t renderer_lag_s;
	int64_t outbox_pending;     /* neither delivered nor dead */
	int64_t outbox_dead;
	int64_t outbox_lag_s;       /* oldest message due and not yet sent */
	int64_t warnings;           /* deadline warnings raised */
};
int stats_queues(struct ctx *c, struct stats_queues *q, struct err *e);

#endif
