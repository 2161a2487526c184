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
#ifndef ONETRIP_SERVICE_CASES_H
#define ONETRIP_SERVICE_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

#define CASE_NO_MAX 48           /* 31 + 8 + 4 (5 beyond 9999 a day) */
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

/* Inbox query. queue: "accept", "review", "decide", "deliver", "all". */
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

/* Extension of the time limit: requested by an approver of the case's
 * department, decided by its dept_admin. *out: the extension object. */
int case_extension_request(struct ctx *c, int64_t id, int days,
    const char *reason, json_t **out, struct err *e);
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

/* ---- pure helpers (service/cases_rules.c) ---- */

/* "<impl_code><YYYYMMDD><seq, 4 digits or more>" into out; -ERR_INVALID
 * when the parts are malformed (day "YYYY-MM-DD"). */
int case_no_format(const char *impl_code, const char *day, int64_t seq,
    char out[CASE_NO_MAX], struct err *e);
/* Inbox/list cursor: "<rank>~<id>" (rank may be empty). decode returns
 * false for a malformed cursor. */
void case_cursor_encode(const char *rank, int64_t id, char *out,
    size_t outsz);
bool case_cursor_decode(const char *cursor, char *rank, size_t ranksz,
    int64_t *id);
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

#endif
