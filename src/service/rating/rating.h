/* rating.h - the public interface of the service domain "rating" (好差评).
 *
 * Ratings of cases (service/rating/rating.c): only the case's applicant
 * rates, after the step they experienced (the acceptance at a window, the
 * result), at most a first rating and one follow-up per case
 * (core/rating.h). At the window the clerk shows a QR code that opens the
 * rating of the case just handled on a phone without a password: a signed
 * token bound to the case, valid rating.qr_ttl_seconds.
 *
 * Every bad rating (不满意, 非常不满意) opens a loop (service/rating/loop.c):
 * 核实 by the department (valid, or a 误评/恶意差评 claim that the hall
 * admin decides through the request queue, kind "rating_appeal"), 整改
 * (立行立改, 限期整改 with at most one approved extension, kind
 * "rating_extension", or 解释说明), 反馈 to the rater (in-app and SMS), 回访,
 * 监督 by the supervisor (close or send back). Each stage has a deadline in
 * working days (settings rating.*_days); the sweeper flags yellow/red once
 * per stage and tells the department. Each step is audited.
 *
 * Every rating and every loop step is written to the outbox (kind
 * "upload") in its own transaction, for the provincial system
 * (jobs/outbox.c). */
#ifndef ONETRIP_SERVICE_RATING_RATING_H
#define ONETRIP_SERVICE_RATING_RATING_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

#define RATING_TOKEN_MAX 128

/* Start-up: registers the request kinds "rating_appeal" and
 * "rating_extension". */
void rating_requests_register(void);

/* Public: {levels:[{level, label, bad}], dims:[{code, label, online}],
 * channels:[{code, label}], steps:[{step, label}], stages:[...]}. */
json_t *rating_options(void);

struct rating_in {
	const char *step;      /* "accept" | "result"; NULL: by the case */
	int level;             /* 1..5 */
	const json_t *dims;    /* array of dimension codes, may be NULL */
	const char *text;      /* may be NULL */
	const char *channel;   /* GB/T 39046 code "1".."7" */
	bool anonymous;
};

/* The acting applicant rates case_id. *out = the rating (see
 * rating_list_mine). 404 when the case is not theirs to see, 403 when the
 * actor is not its applicant, 409 for a step not reached yet or a third
 * rating, 400 for bad input. */
int rating_create(struct ctx *c, int64_t case_id, const struct rating_in *in,
    json_t **out, struct err *e);

/* The rating state of one of the applicant's cases, for the invitation on
 * "我的办件": {case_id, can_rate, step, reason, ratings:[...]}. */
int rating_case_state(struct ctx *c, int64_t case_id, json_t **out,
    struct err *e);

/* The acting applicant's ratings, newest first, with the loop's progress
 * of bad ones: {items:[{id, case_id, case_no, item_name, dept_name, step,
 * level, level_label, dims:[{code,label}], text, channel, channel_label,
 * anonymous, assess_number, created_at, loop:{stage, stage_label,
 * steps:[...]}|null}], next_cursor}. */
int rating_list_mine(struct ctx *c, int64_t before_id, int limit,
    json_t **out, struct err *e);

/* Staff of the case's window or department: issues a QR token for the
 * case: {token, url, expires_at, svg}. 409 when the case is not accepted
 * yet. */
int rating_qr_issue(struct ctx *c, int64_t case_id, json_t **out,
    struct err *e);

/* The rating link printed on the case's 受理通知书 (documents_link_fn of
 * service/records): valid until rating.notice_qr_days after doc_date. */
int rating_notice_link(struct ctx *c, int64_t case_id, const char *doc_date,
    char *url, size_t url_size, char *caption, size_t caption_size,
    struct err *e);

/* Anyone holding a valid token: the case to rate {case_no, item_name,
 * dept_name, step, step_label, can_rate, reason, expires_at}. 404 for a
 * bad or expired token. */
int rating_token_open(struct ctx *c, const char *token, json_t **out,
    struct err *e);

/* Anyone holding a valid token rates the case as its applicant, channel
 * "3" (二维码). */
int rating_token_rate(struct ctx *c, const char *token,
    const struct rating_in *in, json_t **out, struct err *e);

/* Ratings behind a number of the statistics (hall admin, supervisor:
 * all; department admin: own): filters by dept_id, window_id, staff_id,
 * item_id, month "YYYY-MM", bad. The rater's name is hidden for anonymous
 * ratings. {items, next_cursor}. */
struct rating_query {
	int64_t dept_id, window_id, staff_id, item_id;
	const char *month;
	const char *from, *to;  /* rating days YYYY-MM-DD (NULL: open) */
	bool bad_only;
	bool counted_only;      /* leave out ratings excluded by an appeal */
	int64_t before_id;
	int limit;
};
int rating_list(struct ctx *c, const struct rating_query *q, json_t **out,
    struct err *e);

/* Satisfaction grouped by "dept", "window", "staff", "item" or "month":
 * {by, items:[{key, label, count, avg, satisfied, bad, rate}], total:{...}}
 * (rate: share of 非常满意/满意/基本满意 in per cent). Excluded ratings (an
 * accepted appeal) do not count. Same actors as rating_list. */
int rating_stats(struct ctx *c, const char *by, const char *month_from,
    const char *month_to, json_t **out, struct err *e);

/* The default rating (基本满意, channel 8) of cases closed more than
 * rating.default_days days ago without any rating; nothing when the setting
 * is 0. *count: ratings given. */
int rating_default_sweep(struct ctx *c, int *count, struct err *e);

/* ---- the loop (service/rating/loop.c) ---- */

/* An action in the loop's current stage, by its actor:
 *   verify (department): "valid" {note}; "claim" {claim_kind: mistaken |
 *     malicious, reason, evidence} -> a rating_appeal request;
 *   rectify (department): "rectify" {kind: immediate | explain, measures};
 *     "rectify" {kind: plan, measures, due_day} (at most
 *     rating.rectify_max_days working days); "rectify_done" {note};
 *     "extend" {days, reason} -> a rating_extension request (once);
 *   feedback (department): "feedback" {text} (in-app + SMS to the rater);
 *   revisit (department): "revisit" {contacted, reachable, satisfaction
 *     1..5, note};
 *   supervise (supervisor): "close" {note}; "send_back" {reason}.
 * *out = the loop (rating_loop_get). 409 when the action does not fit the
 * stage (or the loop moved meanwhile), 403 for another actor. */
int rating_loop_act(struct ctx *c, int64_t loop_id, const char *action,
    const json_t *body, json_t **out, struct err *e);

/* One loop with its rating and steps. Department staff (own department),
 * hall admin, supervisor. */
int rating_loop_get(struct ctx *c, int64_t loop_id, json_t **out,
    struct err *e);

struct rating_loop_query {
	const char *stage;     /* NULL: every stage */
	bool open;             /* only loops not closed */
	bool overdue;          /* only stages yellow or red */
	bool past_due;         /* only open loops past their stage's due day */
	int64_t dept_id;       /* 0: every department in scope */
	int64_t window_id;     /* 0: any; else the rated window */
	int64_t item_id;       /* 0: any; else the rated item */
	const char *from, *to; /* the rating's day (NULL: open) */
	int64_t before_id;
	int limit;
};
/* Loops in scope (department staff: own department; hall admin,
 * supervisor: all), newest first: {items:[{id, rating_id, case_id, case_no,
 * item_name, dept_id, dept_name, level, level_label, text, stage,
 * stage_label, due_day, warn, claim_kind, claim_request_id, rectify_kind,
 * measures, rectify_due, extension_days, created_at}], next_cursor}. */
int rating_loop_list(struct ctx *c, const struct rating_loop_query *q,
    json_t **out, struct err *e);

/* For the supervision desk (and any domain above): open and overdue steps
 * of the loop: {open, yellow, red, by_stage:[{stage, label, open, yellow,
 * red}], overdue:[loop items as rating_loop_list, red first]}. Hall admin,
 * supervisor, system. */
int rating_loop_open_steps(struct ctx *c, json_t **out, struct err *e);

/* The sweeper: recomputes each open stage's warning level; raises each
 * yellow/red once per stage (and per send-back), audited, with a
 * notification to the department's admins. *raised: how many. */
int rating_loop_sweep(struct ctx *c, int *raised, struct err *e);

#endif
