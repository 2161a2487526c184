/* supervise.h - the public interface of the service domain "supervise"
 * (县政府督查室): problem tickets (问题处置协同) with their escalation,
 * 亲商助企日 events, the supervision desk, 督查通报 notices with
 * rectification, leaders at the window (一把手坐窗口、走流程), the 体外循环
 * check and the 三集中三到位 assessment.
 *
 * Who may do what (checked here, never only in the handler):
 *   supervisor   sees everything, opens tickets, issues and reviews notices,
 *                runs assessments; never acts as a department (answering a
 *                ticket or a notice is the department's own act: 403);
 *   hall_admin   sees everything, read-only;
 *   department staff (clerk, approver, dept_admin) see the tickets and
 *                notices of their own department only; the dept_admin (and
 *                approver) answers them, records leaders' sittings, reports
 *                monthly volumes and uploads evidence;
 *   the reporter of a ticket sees it and rates its result. */
#ifndef ONETRIP_SERVICE_SUPERVISE_SUPERVISE_H
#define ONETRIP_SERVICE_SUPERVISE_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

struct db;

/* ---- problem tickets (service/supervise/tickets.c) ---- */

#define SUPERVISE_MAX_DEPTS 8    /* departments responsible for one ticket */

/* What opens a ticket. source is one of: "qinshang" (a 亲商助企日 problem),
 * "complaint", "walkthrough" (a leader's walk-through), "steward" (an
 * enterprise's request through its project steward), "stalled" and
 * "overdue" (cases, from the sweeper), "volume_gap" (体外循环), "project"
 * (a stalled project approval), "rating" (a bad rating), "other". */
struct supervise_ticket_in {
	const char *source;
	const char *ref_type;      /* what it is about: "case", "project", ...; NULL: "" */
	int64_t ref_id;            /* 0: none */
	int64_t case_id;           /* the case behind it (click-through), 0: none */
	int64_t item_id;           /* the item it is about; 0: the case's (or none) */
	int64_t window_id;         /* the window it is about; 0: the case's (or none) */
	int64_t dept_id;           /* the lead department responsible */
	const int64_t *other_depts;/* co-responsible departments (may be NULL) */
	int n_other;               /* at most SUPERVISE_MAX_DEPTS - 1 */
	const char *title;         /* 1..100 characters; NULL: the problem's start */
	const char *problem;       /* 1..5000 characters */
	const char *promised_day;  /* YYYY-MM-DD; NULL: supervise.ticket_due_workdays
	                              working days from today (case calendar) */
	int64_t reporter_id;       /* who sees the result and rates it; 0: the
	                              actor; -1: nobody (the supervisor closes) */
	const char *auto_key;      /* NULL, or once per key ("stalled:case:12") */
};

/* Inside the caller's db_tx (no role check: the calling domain has decided
 * the actor may raise it): opens a ticket, its departments, its first
 * timeline event and the audit record "ticket.open"; notifies the lead
 * department's admins (not for automatic tickets, which have an auto_key). *id is the new ticket (0 when auto_key was used
 * before: nothing is written). Errors: ERR_INVALID for bad fields,
 * ERR_NOT_FOUND for an unknown department. */
int supervise_ticket_open(struct ctx *c, struct db *db,
    const struct supervise_ticket_in *in, int64_t *id, struct err *e);

/* The supervisor opens a ticket by hand in its own transaction; *out is the
 * ticket (as supervise_ticket_get). */
int supervise_ticket_create(struct ctx *c,
    const struct supervise_ticket_in *in, json_t **out, struct err *e);

struct supervise_ticket_q {
	const char *status;     /* NULL/"": every status; "open" also matches answered */
	const char *source;     /* NULL/"": every source */
	int64_t dept_id;        /* 0: every department in scope */
	int64_t case_id;        /* 0: any */
	bool overdue;           /* only unresolved tickets past their promised day */
	bool escalated;         /* only tickets with level > 0 */
	int64_t window_id;      /* 0: any; else only tickets about this window */
	int64_t item_id;        /* 0: any; else only tickets about this item */
	const char *from, *to;  /* opened on these days YYYY-MM-DD (NULL: open) */
	const char *ref_type;   /* with ref_id: one subject's tickets */
	int64_t ref_id;
	int64_t before_id;      /* keyset cursor */
	int limit;              /* 0: LIMIT_PAGE_DEFAULT */
};

/* {"items":[ticket], "next_cursor"}; newest first, in the actor's scope. */
int supervise_ticket_list(struct ctx *c, const struct supervise_ticket_q *q,
    json_t **out, struct err *e);
/* One ticket with "events" and "depts"; ERR_NOT_FOUND outside scope. A
 * ticket is {id, source, source_label, ref_type, ref_id, case_id, case_no,
 * dept_id, dept_name, depts:[{id, name, lead}], title, problem, reason,
 * measures, promised_day, status, status_label, level, level_body, overdue,
 * result, rating, rating_comment, reporter_id, reporter_name, created_at,
 * resolved_at, closed_at, can:{answer, resolve, extend, rate, close}}. */
int supervise_ticket_get(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* A responsible department states the reason found and its measures, and
 * may promise a date (NULL: unchanged; not earlier than today; later than
 * the current promise only through supervise_ticket_extend). */
int supervise_ticket_answer(struct ctx *c, int64_t id, const char *reason,
    const char *measures, const char *promised_day, json_t **out,
    struct err *e);
/* A responsible department asks for a later promised date: a request of
 * kind "ticket_extension" in the one queue, decided by the supervisor;
 * approval moves the date and resets the escalation. *out: the request. */
int supervise_ticket_extend(struct ctx *c, int64_t id, const char *new_day,
    const char *reason, json_t **out, struct err *e);
/* A responsible department gives the result (status resolved). */
int supervise_ticket_resolve(struct ctx *c, int64_t id, const char *result,
    json_t **out, struct err *e);
/* The reporter rates the result 1..5 (comment required at 1 or 2); the
 * ticket closes, or, at 1 or 2, goes back to the department (open). */
int supervise_ticket_rate(struct ctx *c, int64_t id, int rating,
    const char *comment, json_t **out, struct err *e);
/* The supervisor closes a resolved ticket (note required). */
int supervise_ticket_close(struct ctx *c, int64_t id, const char *note,
    json_t **out, struct err *e);

/* Start-up: registers the request kind "ticket_extension". */
void supervise_requests_register(void);

/* ---- 亲商助企日 (service/supervise/tickets.c) ---- */

/* The supervisor records a day: {day, host, enterprises:[names], notes,
 * problems:[{dept_id, problem, title?}]}; each problem becomes a ticket
 * (source "qinshang"). *out = the event with "ticket_ids". */
int supervise_qinshang_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e);
/* {"items":[{id, day, host, enterprises, notes, tickets, open_tickets}]}
 * newest first; supervisor and hall_admin. */
int supervise_qinshang_list(struct ctx *c, json_t **out, struct err *e);

/* ---- the sweeper pass (service/supervise/sweep.c) ---- */

/* One round: escalates tickets past their promised date (each level once,
 * notifying the body's people and the department), opens a ticket for each
 * running case without a step for supervise.stall_workdays working days and
 * for each open case past its due day (once per case), and flags notices
 * past their deadline. *acted counts what it did. */
int supervise_sweep(struct ctx *c, int *acted, struct err *e);

/* ---- the supervision desk (service/supervise/desk.c) ---- */

struct supervise_desk_q {
	int64_t dept_id;        /* 0: every department */
	int64_t window_id;      /* 0: every window */
	int64_t item_id;        /* 0: every item */
	const char *from, *to;  /* period YYYY-MM-DD (NULL: open): the day a
	                           case was accepted, a ticket opened, a notice
	                           issued, a rating given */
};

/* Supervisor, hall_admin (read_only true) and sysadmin: the numbers of the
 * desk, overall and by department: {totals:{yellow, red, stalled, extended,
 * tickets_open, tickets_overdue, notices_open, notices_overdue,
 * bad_ratings, loops_open, loops_overdue}, by_dept:[{dept_id, dept_name,
 * ...the same}], stall_workdays, read_only}. Every number uses the same
 * filter, and the list behind it takes the same parameters: cases (open,
 * accepted in the period) -> supervise_desk_cases; tickets open (opened in
 * the period, about the window and item; in the row of each responsible
 * department, once in the totals) -> supervise_ticket_list; notices with a
 * row not accepted (issued in the period, naming the window and item) ->
 * supervise_notice_list; bad ratings (given in the period) -> rating_list;
 * loops open of the ratings in the filter -> rating_loop_list (past_due). */
int supervise_desk(struct ctx *c, const struct supervise_desk_q *q,
    json_t **out, struct err *e);

/* The cases behind a number: kind "yellow", "red", "stalled" or
 * "extended": {items:[{case_id, case_no, item_name, dept_id, dept_name,
 * window_name, state, accepted_day, due_day, remaining_days, warn_level,
 * extension_days, idle_days, explanation:{reason, measures, new_date}|null,
 * new_date_holds:true|false|null}]} (at most 500, most urgent first). */
int supervise_desk_cases(struct ctx *c, const char *kind,
    const struct supervise_desk_q *q, json_t **out, struct err *e);

/* ---- 督查通报 notices (service/supervise/notices.c) ---- */

/* The supervisor issues a notice: {title, finding, basis, rectification,
 * deadline_day, dept_ids:[..], item_id?, window_id?} (each 1..5000 characters, deadline not
 * before today, 1..20 departments); numbered 白督通〔YYYY〕N号. *out: the
 * notice as supervise_notice_get. assessment_id 0: none. */
int supervise_notice_issue(struct ctx *c, const json_t *in,
    int64_t assessment_id, json_t **out, struct err *e);
/* {items:[notice]}: overseers every notice, department staff the notices
 * sent to their department (with only their own department's row). A
 * notice is {id, notice_no, title, finding, basis, rectification,
 * deadline_day, issued_at, published_at, item_id, item_name, window_id,
 * window_name, overdue, depts:[{dept_id,
 * dept_name, status, status_label, measures, evidence:[sha256],
 * answered_at, review_comment, reviewed_at, rounds, overdue}], can:{answer,
 * review, publish}}. status filter: a department row status. */
struct supervise_notice_q {
	const char *status;     /* NULL/"": every status of a department row */
	int64_t dept_id;        /* 0: every department in scope */
	int64_t window_id;      /* 0: any; else notices naming this window */
	int64_t item_id;        /* 0: any; else notices naming this item */
	const char *from, *to;  /* issued on these days (NULL: open) */
	bool open;              /* only notices with a row not yet accepted */
	bool overdue;           /* ... and past the deadline */
};
int supervise_notice_list(struct ctx *c, const struct supervise_notice_q *q,
    json_t **out, struct err *e);
int supervise_notice_get(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* The department answers (dept_admin or approver of a department the notice
 * was sent to): measures 1..5000 characters, evidence an array of at most
 * 10 stored files' sha256. Allowed while issued or returned. */
int supervise_notice_answer(struct ctx *c, int64_t id, const char *measures,
    const json_t *evidence, json_t **out, struct err *e);
/* The supervisor accepts a department's answer or sends it back (comment
 * required when sending back). */
int supervise_notice_review(struct ctx *c, int64_t id, int64_t dept_id,
    bool accept, const char *comment, json_t **out, struct err *e);
/* The supervisor publishes the notice as a 通报批评: a PDF sealed with the
 * supervisor's department's seal (SM2 over the SM3 digest), stored. */
int supervise_notice_publish(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* Opens the published PDF (whoever may see the notice). */
int supervise_notice_pdf(struct ctx *c, int64_t id, int *fd, uint64_t *size,
    char filename[256], struct err *e);

/* ---- leaders at the window (service/supervise/sittings.c) ---- */

/* A department's dept_admin (its own department) or the supervisor records
 * a sitting or walk-through: {kind:"sitting"|"walkthrough", dept_id,
 * leader_name, leader_title:"局长"|"分管领导"|"股长"|..., day, window_id?,
 * item_id?, steps?, minutes?, trips?, findings?, problems:[{problem,
 * title?}]}; each problem becomes a ticket (source "walkthrough") of that
 * department. *out = {id, ticket_ids}. */
int supervise_sitting_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e);
/* {items:[sitting], quarter, required, by_dept:[{dept_id, dept_name,
 * sittings, walkthroughs, required, met}]} for quarter "YYYY-Qn" (NULL:
 * the current one); department staff see their own department only. */
int supervise_sitting_list(struct ctx *c, const char *quarter, json_t **out,
    struct err *e);

/* ---- 体外循环 (service/supervise/volumes.c) ---- */

/* A dept_admin (its own department's items) or the supervisor (any) reports
 * the volume of an ended month: {month:"YYYY-MM", rows:[{item_id, volume}]}
 * (1..500 rows). Each row is stored (replacing an earlier report), compared
 * with the cases the platform accepted for the item in that month, and a
 * gap beyond supervise.volume_gap_percent and supervise.volume_gap_min
 * opens a ticket of source "volume_gap" (once per item and month). One
 * transaction: any bad row stores nothing. *out = {items:[{id, item_id,
 * item_name, month, reported, platform, gap_percent, ticket_id}], tickets}. */
int supervise_volume_report(struct ctx *c, const json_t *in, json_t **out,
    struct err *e);
/* The same from CSV text: "月份,实施编码,[业务办理项编码,]办件量" per line
 * (a header line is skipped); errors name the line. */
int supervise_volume_import(struct ctx *c, const char *csv, json_t **out,
    struct err *e);
/* The comparison: {items:[{id, dept_id, dept_name, item_id, item_name,
 * impl_code, month, reported, platform, gap, gap_percent, flagged,
 * ticket_id, ticket_status, source, reported_at}], month, gap_percent,
 * gap_min, can_report}; month NULL/"": every month. Overseers see every
 * department (dept_id filters), department staff their own. */
int supervise_volume_check(struct ctx *c, const char *month, int64_t dept_id,
    json_t **out, struct err *e);
/* Cases created and decided by one person within
 * supervise.quick_case_minutes (补录 after the fact; a 即办件, decided at
 * once by design, is not one), by acceptance day:
 * {items:[{case_id, case_no, item_name, dept_id, dept_name, user_id,
 * user_name, created_at, decided_at, seconds, decision, accepted_day,
 * ticket_id}], minutes}. Scope as supervise_volume_check. */
int supervise_quick_cases(struct ctx *c, const struct supervise_desk_q *q,
    json_t **out, struct err *e);

/* ---- 评估验收 (service/supervise/assess.c) ---- */

/* A dept_admin uploads evidence (PDF/JPEG/PNG) for a measure the platform
 * cannot see: "stationing_plan" (进驻方案 signed and sealed),
 * "responsible_person", "no_outside". *out: the evidence row {id, dept_id,
 * measure, measure_label, note, sha256, file_name, status, ...}. */
int supervise_evidence_upload(struct ctx *c, const char *measure,
    const char *note, const void *data, size_t len, const char *name,
    json_t **out, struct err *e);
/* The supervisor accepts or rejects evidence not yet reviewed (409 after). */
int supervise_evidence_review(struct ctx *c, int64_t id, bool accept,
    json_t **out, struct err *e);
/* {items:[evidence]}: overseers all (dept_id filters), staff their own. */
int supervise_evidence_list(struct ctx *c, int64_t dept_id, json_t **out,
    struct err *e);
/* Opens an evidence file (who may list it). */
int supervise_evidence_file(struct ctx *c, int64_t id, int *fd,
    uint64_t *size, char ctype[32], char name[256], struct err *e);
/* The checklist of one department for a quarter "YYYY-Qn" (NULL: the
 * current one), not stored: {dept_id, dept_name, period, score, findings,
 * checks:[{key, label, weight, target, source:"data"|"evidence", ratio,
 * evidence, evidence_pending, detail, fix, state, state_label, points,
 * finding}]}. Overseers any department, staff their own. */
int supervise_assessment_preview(struct ctx *c, int64_t dept_id,
    const char *period, json_t **out, struct err *e);
/* The supervisor records the assessment; when it has findings a 督查通报
 * (整改完善) with deadline_day (required then) is issued to the department
 * in the same transaction. *out: {id, dept_id, dept_name, period, score,
 * checks, findings, notice_id, notice_no, deadline_day, created_at}. */
int supervise_assessment_create(struct ctx *c, int64_t dept_id,
    const char *period, const char *deadline_day, json_t **out,
    struct err *e);
/* {items:[assessment]} newest first, scope as the preview. */
int supervise_assessment_list(struct ctx *c, int64_t dept_id, json_t **out,
    struct err *e);

#endif
