/* case.h - the public interface of the service domain "case". */
#ifndef ONETRIP_SERVICE_CASE_CASE_H
#define ONETRIP_SERVICE_CASE_CASE_H

/* deadlines.h - the working-day clock of cases (service/deadlines.c).
 *
 * The calendar is the embedded holiday data plus the hall's edits stored in
 * calendar_overrides; it is cached and rebuilt when its version changes.
 * A case's deadline is its budget of working days from the acceptance date,
 * plus approved extensions, minus the working days inside its suspensions
 * (case_suspensions): waiting for the applicant or a special procedure
 * stops the clock and is never overdue. */

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "service/platform/platform.h"

/* Recomputes the scoreboard's case tallies (case_tally_day, case_tally_item)
 * from every closed case, each counted on the day it closed, in one
 * transaction; for cases stored without the change plan (the demo's
 * history, data brought over). System actor or sysadmin. *count: closed
 * cases counted. */
int case_tally_rebuild(struct ctx *c, int *count, struct err *e);

/* The current calendar (shared, read-only; valid until the next call that
 * may rebuild it on this thread - do not keep it across requests). */
int case_calendar_current(struct ctx *c, const struct calendar **out,
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

/* The date n working days after today by the hall's calendar. */
int case_workdays_after_today(struct ctx *c, int n, char out[11],
    struct err *e);
/* Start-up: gives the request queue (service/platform) the hall's calendar
 * for its due dates, and registers the case domain's request kinds. */
void case_requests_register(void);
/* Start-up (called by case_requests_register): the renderer tells the
 * applicant when a certificate is ready (case/messages.c). */
void case_messages_register(void);

/* The applicant's messages (消息通知, case/messages.c): the templates in
 * force, {items:[{kind, label, title, body, sms, edited, default}],
 * placeholders:[{name, label, sms}], sms_chars}; hall admin. */
int case_messages_list(struct ctx *c, json_t **out, struct err *e);
/* Sets the template of a kind (title, body required; sms "" for none; it
 * must fit one SMS with the longest values); all NULL restores the
 * default. Audited. *out as case_messages_list(). */
int case_message_set(struct ctx *c, const char *kind, const char *title,
    const char *body, const char *sms, json_t **out, struct err *e);

/* Loads a year's holiday schedule (the State Council's notice, in the
 * format of data/holidays/YYYY.txt) into the hall's calendar: every date
 * must lie in that year, at least one rest day; the days are stored as the
 * hall's overrides (replacing edits of the same days), and the open cases'
 * deadlines are recomputed as after an edit, in one transaction. Hall
 * admin or system. *out {year, days, recomputed, version}. Audited
 * ("calendar.load"). */
int case_calendar_load(struct ctx *c, int year, const char *text,
    json_t **out, struct err *e);

/* The sweeper's reminder: from November on, while next year's holidays
 * are not loaded, every hall admin gets an in-app notification
 * ("calendar_year", at most one a week each) until the year is loaded.
 * *sent: notifications written. */
int case_calendar_remind(struct ctx *c, int *sent, struct err *e);

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
int case_calendar_build(struct ctx *c, struct calendar **out, struct err *e);

/* Like case_calendar_current() but checks the database version now instead of at
 * most once a second (jobs, after taking their lock). */
int case_calendar_current_fresh(struct ctx *c, const struct calendar **out,
    struct err *e);

/* Forgets the cached calendar: the next case_calendar_current() rebuilds it.
 * case_calendar_cache_reset() also frees it and this thread's reference
 * (tests, shutdown). */
void case_calendar_cache_invalidate(void);
void case_calendar_cache_reset(void);

/* Inside db_tx: case_deadline_refresh() with a given calendar. Fills st (may
 * be NULL) with the new status; *started (may be NULL) is false when the
 * case is not accepted yet (nothing computed, nothing written). swept is
 * stored as the case's swept_day: today's date from the deadline pass, ""
 * from anything else (the pass then looks at the case again). */
int case_deadline_refresh_with(struct ctx *c, const struct calendar *cal,
    int64_t case_id, const char *swept, struct deadline_status *st,
    bool *started, struct err *e);

/* The values of a case row its deadline is computed from. */
struct case_clock {
	const char *accepted_day;  /* NULL: not accepted, the clock not started */
	int64_t budget_days, extension_days;
	const char *state;
	int64_t closed_at;         /* 0: open */
	bool overdue;              /* overdue_day is set */
	bool unsuspended;          /* certainly without suspensions: none read */
};
/* A deadline as stored in the case row. */
struct case_due {
	bool stored;               /* false: not accepted, nothing written */
	char due_day[11];          /* "" when NULL */
	int remaining_days;
	char warn_level[8];
};
/* Inside db_tx: case_deadline_refresh() for a transaction that already
 * knows the row's clock values k (it has just written them): the row is
 * not read again. written (may be NULL) gets what was stored. */
int case_deadline_refresh_known(struct ctx *c, int64_t case_id,
    const struct case_clock *k, struct case_due *written, struct err *e);


/* cases.h - cases (办件) through one window (service/cases_*.c).
 *
 * A case is created only by an applicant applying online for the current
 * published version of an item (case_apply) or by a window clerk
 * registering a walk-in applicant for an item accepted at the clerk's
 * window (case_register_walkin). Its life follows core/workflow.h:
 * acceptance (normal, 容缺, 告知承诺), 一次性告知补正, rejection, review
 * and decision by the department (or the window when authorised), special
 * procedures and 补正 that stop the clock, extensions, delivery, and the
 * 告知承诺 核查 that may revoke a decision.
 *
 * Every change is one transaction: one UPDATE of the case guarded by its
 * version (optimistic concurrency: a stale version is 409 "办件已被他人处理，
 * 请刷新后重试"), the timeline event(s), the documents it produces
 * (document_enqueue), the deadline (case_deadline_refresh / case_suspend /
 * case_resume) and the audit record.
 *
 * Who may see a case: the applicant (same ID number as the case), staff of
 * the case's department, the clerk of the window that accepted it (or, before
 * acceptance, of any window accepting the item), hall_admin and supervisor.
 * An applicant asking for someone else's case gets 404 (its existence is not
 * revealed); staff of another department get 403.
 *
 * Material indices are 0-based positions in the item version's materials.
 * Functions returning a case fill *out with the case JSON of phase2.md
 * (new reference) as seen by the actor. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

#define CASE_NO_MAX 48           /* 31 + 8 + 4 (5 beyond 9999 a day) */
#define CASE_QUERY_CODE_LEN 8    /* 办件查询码: 8 of 23456789ABCDEFGHJKMNPQRSTUVWXYZ */
#define CASE_FORM_MAX_FIELDS 64  /* members of the application form */
#define CASE_FORM_VALUE_CHARS 2000
#define CASE_FORM_MAX_BYTES 32768
#define CASE_REASON_CHARS 1000   /* reasons, problems, results */
#define CASE_COMMITMENT_CHARS 5000
#define CASE_TRACKING_MAX 40
#define CASE_CHECK_DAYS 20       /* 核查 of a commitment: working days */
#define CASE_STALE_MSG "办件已被他人处理，请刷新后重试"

/* Body of an acceptance. */
struct case_accept_in {
	const char *mode;            /* "normal" (NULL), "rongque", "commitment" */
	const json_t *missing;       /* rongque: array of material indices */
	const char *supplement_due;  /* rongque: YYYY-MM-DD */
	const char *commitment_text; /* commitment (required), rongque */
	bool approve;                /* 即办件: approve at once */
	const char *deliver_method;  /* with approve: also deliver (or NULL) */
	const char *tracking_no;
	int64_t version;
};

/* Body of a workflow action. */
struct case_act_in {
	const char *reason;          /* 意见/理由 */
	const json_t *items;         /* request_more: [{index, problem}] */
	const char *kind;            /* special_procedure: suspension kind */
	int64_t version;
};

/* Inbox query. queue: "accept" (submitted), "forward" (accepted, to be
 * sent for review), "review", "decide", "deliver", "all". */
struct case_inbox_q {
	const char *queue;
	const char *warn;            /* "red", "yellow", "green", "paused" or NULL */
	int64_t item_id;
	const char *cursor;
	int limit;
};

/* ---- creating cases ---- */

/* Online application by the acting applicant. form: JSON object (may be
 * NULL); materials: [{index, sha256}] of files the applicant uploaded or
 * certificates issued to them. 404 unknown item, 422 missing required
 * material ("缺少必要材料：…") unless it is 容缺可后补 on a 容缺 item. */
int case_apply(struct ctx *c, int64_t item_id, const json_t *form,
    const json_t *materials, json_t **out, struct err *e);

/* Walk-in registration by a clerk for item_id accepted at the clerk's
 * window (403 otherwise). applicant: {kind:"person"|"enterprise", idno,
 * name, mobile}. Records a trip. */
int case_register_walkin(struct ctx *c, int64_t item_id,
    const json_t *applicant, const json_t *form, const json_t *materials,
    json_t **out, struct err *e);

/* ---- before acceptance ---- */

int case_accept(struct ctx *c, int64_t id, const struct case_accept_in *in,
    json_t **out, struct err *e);
/* 不予受理 with a reason. */
int case_reject(struct ctx *c, int64_t id, const char *reason,
    int64_t version, json_t **out, struct err *e);
/* 一次性告知补正: items [{index, problem}] lists every flawed or missing
 * material at once. */
int case_request_supplement(struct ctx *c, int64_t id, const json_t *items,
    const char *note, int64_t version, json_t **out, struct err *e);
/* The applicant (or the clerk at the window) hands in materials
 * [{index, sha256}]: 补正 (back to submitted once complete), 容缺 late
 * materials (flagged when after supplement_due), or post-acceptance 补正
 * (the clock resumes once complete). version 0: not checked. */
int case_supplement(struct ctx *c, int64_t id, const json_t *materials,
    int64_t version, json_t **out, struct err *e);

/* ---- processing ---- */

/* A workflow action by code (forward, pass, approve, deny, request_more,
 * special_procedure, resume, terminate, withdraw, revoke, accept, reject,
 * request_supplement, deliver). */
int case_act(struct ctx *c, int64_t id, const char *action,
    const struct case_act_in *in, json_t **out, struct err *e);
/* Delivery: method "window" (a trip), "post" (tracking_no), "download";
 * closes the case. */
int case_deliver(struct ctx *c, int64_t id, const char *method,
    const char *tracking_no, int64_t version, json_t **out, struct err *e);
/* Records an in-person visit. */
int case_record_trip(struct ctx *c, int64_t id, const char *purpose,
    json_t **out, struct err *e);
/* Special procedure (听证, 检验检测, 专家评审, 现场踏勘, 公示): stops the
 * clock; end with a result resumes it. version 0: not checked. */
int case_special_start(struct ctx *c, int64_t id, const char *kind,
    const char *reason, int64_t version, json_t **out, struct err *e);
int case_special_end(struct ctx *c, int64_t id, const char *result,
    int64_t version, json_t **out, struct err *e);

/* Extension of the time limit (行政许可法 §42, core/deadline.h
 * deadline_extension_check): requested by an approver of the case's
 * department with a written reason (and, for a limit other than 20 or 45
 * working days, the legal basis), decided by its dept_admin (the head of
 * the organ); approval issues the sealed 延长审批期限告知书 and tells the
 * applicant. *out: the extension object. */
int case_extension_request(struct ctx *c, int64_t id, int days,
    const char *reason, const char *basis, json_t **out, struct err *e);
int case_extension_decide(struct ctx *c, int64_t ext_id, bool approve,
    const char *reason, json_t **out, struct err *e);

/* 告知承诺 核查 tasks of the actor's department (status NULL: pending):
 * {items:[...], next_cursor}. */
int case_check_list(struct ctx *c, const char *status, const char *cursor,
    int limit, json_t **out, struct err *e);
/* Result of a check: passed, or false (the decision is revoked). */
int case_check_result(struct ctx *c, int64_t check_id, bool passed,
    const char *result, json_t **out, struct err *e);

/* ---- queries ---- */

int case_get(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* {items:[{at, actor_name, role, action, action_label, from_state,
 * to_state, note, data}]} oldest first. */
int case_timeline(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* The acting applicant's cases, newest first: {items, next_cursor}. */
int case_list_mine(struct ctx *c, const char *cursor, int limit,
    json_t **out, struct err *e);
/* Staff look-up by case number or applicant ID number, among the cases
 * the actor may see: {items, next_cursor}. */
int case_lookup(struct ctx *c, const char *no, const char *idno,
    const char *cursor, int limit, json_t **out, struct err *e);
/* The actor's work queue, most urgent first: {items, next_cursor}. */
int case_inbox(struct ctx *c, const struct case_inbox_q *q, json_t **out,
    struct err *e);

/* ---- the public side (service/case/progress.c) ---- */

/* Anyone: the progress of the case whose number or query code is no, when
 * mobile (the case's) or name (the applicant's) matches: {case_no,
 * item_name, dept_name, applicant_name_masked, state, state_label, step
 * (0..4 of 申请 受理 审查 决定 办结), finished, submitted_at, accepted_day,
 * due_day, supplement_due, decision, closed_at, events:[{at, state, label}]}.
 * A wrong pair is the same 404 as an unknown case; 10 calls a minute per
 * client address (429). */
int case_progress_public(struct ctx *c, const char *no, const char *mobile,
    const char *name, json_t **out, struct err *e);
/* The step (0..4) of a state, as above. */
int case_step_of(const char *state);

/* ---- case ids (service/case/numbers.c) ---- */

/* Registers a new case's number and query code (NULL for none) in
 * case_numbers and gives the case its id, Y * 10^10 + n with Y the year of
 * day ("YYYY-MM-DD", the day of the number), in the transaction that then
 * inserts the case with that id. A number or code already given fails on
 * the database's unique key. */
int case_number_take(struct db *db, const char *day, const char *case_no,
    const char *query_code, int64_t *id, struct err *e);
/* The system actor only: makes sure the partitions of cases for this year
 * and the next exist (PostgreSQL; nothing on SQLite). Run by the sweeper,
 * so that a new year never finds its cases without a partition. */
int case_partitions_ensure(struct ctx *c, struct err *e);

/* ---- pure helpers (service/case/rules.c) ---- */

/* "<impl_code><YYYYMMDD><seq, 4 digits or more>" into out; -ERR_INVALID
 * when the parts are malformed (day "YYYY-MM-DD"). */
int case_no_format(const char *impl_code, const char *day, int64_t seq,
    char out[CASE_NO_MAX], struct err *e);
/* The inbox rank of a warning level and due day (same as the column). */
void case_rank(const char *warn_level, const char *due_day, char out[16]);
/* Chinese label of a delivery method ("窗口领取", "邮寄送达", "网上下载"),
 * NULL when unknown. */
const char *case_delivery_label(const char *method);
/* Chinese label of an acceptance mode, NULL when unknown. */
const char *case_mode_label(const char *mode);
/* Which materials block a normal acceptance: for each material i,
 * necessity[i] (enum catalog_necessity) and provided[i]; writes into
 * blocking[] the indices of required or 容缺可后补 materials not provided
 * and returns how many. */
int case_missing_required(const int *necessity, const bool *provided, int n,
    int *blocking);


/* case_admin.h - the department's side of time-limit extensions
 * (service/case_admin.c): the list behind the 延期审批 page.
 *
 * Extensions are requested and decided by service/cases_process.c
 * (case_extension_request, case_extension_decide); this module only reads
 * case_extensions joined with cases and items. */

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Filters and page of extension_list(). */
struct extension_filter {
	const char *status;   /* "pending" (NULL, ""), "approved", "rejected", "all" */
	int64_t dept_id;      /* 0: no filter (hall_admin, supervisor) */
	int64_t case_id;      /* 0: no filter */
	const char *cursor;   /* next_cursor of the previous page, or NULL */
	int limit;            /* 0: LIMIT_PAGE_DEFAULT; at most LIMIT_PAGE_MAX */
};

/* Extensions visible to the actor: dept_admin and approver see their own
 * department (another dept_id is 403), hall_admin and supervisor all
 * (dept_id filters); anyone else 403. Pending extensions come oldest first
 * (the longest waiting on top), the others newest first; keyset paging on
 * the id. *out = {items:[{id, case_id, case_no, item_name, dept_id,
 * dept_name, applicant_name, applicant_idno_masked, days, reason, status,
 * requested_by_name, requested_at, decided_by_name, decided_at,
 * decision_reason, state, due_day, new_due_day, remaining_days,
 * warn_level, extension_days, can_decide}], next_cursor}. new_due_day is
 * the due day after approving (pending, running cases), else null. */
int extension_list(struct ctx *c, const struct extension_filter *f,
    json_t **out, struct err *e);


/* warnings.h - deadline warnings and overdue explanations
 * (service/warnings.c).
 *
 * The sweeper (jobs/sweeper.c) raises one warning per case and level in
 * case_warnings: "yellow" (预警), "red" (超期), "supplement_timeout" (补正
 * 超时，自动退办) and "rongque_missed" (容缺材料逾期未补). A red case's
 * department explains the delay (超期说明). */

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Chinese label of a warning level; "" when unknown. */
const char *warning_level_label(const char *level);

/* Staff of the case's department (clerk, approver, dept_admin): records an
 * overdue explanation of a red case: reason and measures 1..5000
 * characters, new_date "YYYY-MM-DD" not before today. Audit
 * "case.overdue_explanation". *out = {id, case_id, reason, measures,
 * new_date, at, by_name}. 409 when the case is not overdue. */
int overdue_explain(struct ctx *c, int64_t case_id, const char *reason,
    const char *measures, const char *new_date, json_t **out,
    struct err *e);

struct warning_filter {
	const char *level;  /* NULL: every level */
	int64_t dept_id;    /* 0: every department (dept_admin: own) */
	int64_t before_id;  /* keyset cursor: warnings with a smaller id */
	int limit;          /* 0: LIMIT_PAGE_DEFAULT */
};

/* dept_admin (own department), supervisor, hall_admin (all): warnings,
 * newest first: *out = {"items":[{id, level, level_label, at, case_id,
 * case_no, item_name, dept_id, dept_name, state, due_day, remaining_days,
 * days_overdue, closed, explanation:{..}|null}], "next_cursor"}. */
int warnings_list(struct ctx *c, const struct warning_filter *f,
    json_t **out, struct err *e);


/* calendar_admin.h - reading and editing the working-day calendar
 * (service/calendar_admin.c).
 *
 * The effective calendar is the embedded national schedule plus the hall's
 * overrides (calendar_overrides). An edit stores the override, bumps
 * calendar_version and recomputes the deadline of every open case in the
 * same transaction, so that no case is left on the old calendar. */

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* hall_admin (or the system actor): sets date "YYYY-MM-DD" to kind "off"
 * (rest day), "work" (working weekend day) or "normal" (plain weekday rule,
 * also over the national schedule). name: 1..32 characters, required for
 * off and work. Audit "calendar.set" {before, after, recomputed}. *out =
 * {day, kind, name, workday, version, recomputed}. */
int case_calendar_set(struct ctx *c, const char *date, const char *kind,
    const char *name, json_t **out, struct err *e);

/* Public: the year's calendar: *out = {year, has_data, version,
 * overrides:[{day, kind, name, source:"national"|"hall"}],
 * days:[{date, workday}] (every date of the year)}. */
int case_calendar_year(struct ctx *c, int year, json_t **out,
    struct err *e);

/* Public: the due day of n working days from acceptance on date (as
 * `onetrip calendar deadline`): *out = {date, n, due_day, weekday,
 * missing_years:[..]}. */
int case_calendar_deadline(struct ctx *c, const char *date, int n,
    json_t **out, struct err *e);

/* Inside db_tx: recomputes the deadline of every open (accepted, not
 * closed) case with cal, in batches by id; *count is how many. */
struct calendar;
int case_calendar_recompute_open(struct ctx *c, const struct calendar *cal,
    int64_t *count, struct err *e);


/* ---- 一件事: the child cases of a bundle (service/case/bundle_child.c) ----
 *
 * A bundle (service/bundle) is accepted once; each item it combines becomes
 * one child case (cases.bundle_id = bundle_cases.id), created through the
 * change plan already accepted and forwarded to its department's back
 * office, with its own state machine and a step budget within the bundle's
 * limit. A child's decision or end calls the bundle's hook inside the
 * child's transaction. */

struct case_child_in {
	int64_t bundle_id;
	int64_t item_id;
	char kind;                   /* 'P' / 'E' */
	const char *name, *idno, *mobile;
	int64_t applicant_id;
	int64_t uploader_id;         /* who handed in the bundle's files */
	const char *channel;         /* "online" / "window" */
	int64_t window_id;           /* the window that accepted the bundle */
	int64_t accepted_by;
	const json_t *form;          /* the item's form (mapped) */
	const json_t *materials;     /* [{index, sha256}] of this item */
	int budget_days;             /* step budget */
	const json_t *missing;       /* 容缺: material indices, or NULL */
	const char *supplement_due;
	const char *commitment_text;
	const char *note;            /* timeline note of the forwarding */
};

/* Inside the caller's db_tx: creates the child case, accepts it (normal,
 * or 容缺 with missing) and forwards it to the department; *case_id is its
 * id. No 受理通知书 of its own: the bundle has one. */
int case_child_create(struct ctx *c, const struct case_child_in *in,
    int64_t *case_id, struct err *e);

/* Inside the caller's db_tx: delivers an approved child (certify -> done)
 * as part of the bundle's one delivery; the actor must be a clerk of the
 * window that accepted it. No trip is recorded on the child. */
int case_child_deliver(struct ctx *c, int64_t case_id, const char *method,
    const char *tracking_no, struct err *e);

/* Called in the transaction of a change that decides (certify) or ends a
 * child case; registered by the bundle domain at start-up. */
typedef int (*case_bundle_hook_fn)(struct ctx *c, int64_t bundle_id,
    int64_t case_id, struct err *e);
void case_bundle_hook_set(case_bundle_hook_fn fn);

/* The children of a bundle as its view shows them (the caller checks who
 * may see the bundle): *out = {"children":[{id, case_no, item_id, state,
 * state_label, dept_id, dept_name, holder, due_day, remaining_days,
 * warn_level, budget_days, decision, decision_reason, suspend_kind,
 * version, closed}], "suspensions":[{case_id, start_day, end_day}]} (the
 * applicant's 补正 pauses, for the bundle's clock). */
int case_bundle_children(struct ctx *c, int64_t bundle_id, json_t **out,
    struct err *e);
/* ---- joint events of construction projects (service/case/joint.c) ---- */

/* Inside or outside a transaction (nested calls join it): stops the clock
 * of a case under review or awaiting its decision for a joint event, as a
 * special procedure of kind ("site", "expert", ... of core/deadline.h) on
 * behalf of its department; *paused is false (nothing done) when the case
 * is in another state. The caller has checked who acts. */
int case_joint_pause(struct ctx *c, int64_t case_id, const char *kind,
    const char *reason, bool *paused, struct err *e);
/* Resumes a case a joint event stopped (a case no longer suspended by a
 * special procedure is left alone). */
int case_joint_resume(struct ctx *c, int64_t case_id, const char *result,
    struct err *e);

/* ---- the applicant's credit (service/case/credit.c) ---- */

/* Has the applicant (ID number or credit code) a record not cleared (a
 * false commitment or a missed 容缺 promise)? Then 容缺受理 and 告知承诺
 * are refused until the hall clears it. */
int case_credit_excluded(struct ctx *c, const char *idno, bool *excluded,
    struct err *e);
/* Records, newest first (at most LIMIT_PAGE_MAX): hall admin,
 * supervisor, sysadmin and clerks all, approvers and department admins
 * those of their department's cases.
 * idno NULL: every applicant; status "active" (NULL), "cleared", "all".
 * *out = {items:[{id, applicant_idno, applicant_name, kind, kind_label,
 * case_id, case_no, note, at, cleared_at, clear_reason, cleared_by_name,
 * dept_name}]}. */
int case_credit_list(struct ctx *c, const char *idno, const char *status,
    json_t **out, struct err *e);
/* 信用修复 by the hall admin with a reason; audit "credit.clear". 409 when
 * already cleared. */
int case_credit_clear(struct ctx *c, int64_t id, const char *reason,
    json_t **out, struct err *e);

/* ---- the deadline watch (service/case/sweep.c) ---- */

/* One round over open cases, each in its own transaction: yellow/red
 * warnings, 补正 time-outs closing cases and 容缺 promises missed, the last
 * two through the change plan. *acted counts warnings raised and cases
 * closed or flagged; a case that fails is logged and counted in *failed and
 * does not stop the others. */
int case_sweep(struct ctx *c, int *acted, int *failed, struct err *e);

#endif
