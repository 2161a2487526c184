/* deadline.h - a case deadline: a budget of working days plus a ledger of
 * suspensions, never a fixed instant.
 *
 * Counting (domain.md §4.3, §6.1):
 *   - the clock starts the day after the 受理 date: working day 1 is the first
 *     working day after accepted_day (calendar_add_workdays);
 *   - the total is budget + extension_days. An extension (延长审批, §42: +10
 *     with approval) adds days; it is not a suspension;
 *   - a suspension [start, end] (both inclusive; end = the day before the
 *     clock resumes) stops the clock: no working day start..end consumes
 *     budget. The day a 补正 notice is issued or a special procedure starts
 *     is therefore not counted, and the resume day is. Overlapping closed
 *     suspensions count once;
 *   - an open suspension (end == CALENDAR_NO_DAY) means the clock is stopped
 *     now: the due day is undefined and the status is "paused", never yellow
 *     or red while the case waits for the applicant or a special procedure;
 *   - an instant item (即办件, total 0) is due on the acceptance day itself.
 * Recomputing from the ledger whenever the calendar changes keeps open
 * deadlines right (design.md, lesson 2). */
#ifndef ONETRIP_CORE_DEADLINE_H
#define ONETRIP_CORE_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/calendar.h"

/* Limits on the inputs (a 承诺时限 over 1000 working days is a typo). */
#define DEADLINE_MAX_BUDGET 1000
#define DEADLINE_MAX_EXTENSION 1000
#define DEADLINE_MAX_SUSPENSIONS 64

/* deadline_compute() result when the clock is stopped by an open
 * suspension before the budget ran out. */
#define DEADLINE_PAUSED 1

/* Why the clock stopped. */
enum suspension_kind {
	SUSPEND_SUPPLEMENT = 1, /* 补正：等待申请人补正材料 */
	SUSPEND_HEARING,        /* 听证 */
	SUSPEND_INSPECTION,     /* 检验、检测、检疫、鉴定 */
	SUSPEND_EXPERT,         /* 专家评审 */
	SUSPEND_SITE,           /* 现场踏勘 */
	SUSPEND_PUBLICITY,      /* 公示 */
	SUSPEND__COUNT
};

struct suspension {
	int32_t start; /* first day not counted (day number) */
	int32_t end;   /* last day not counted, or CALENDAR_NO_DAY while open */
	enum suspension_kind kind;
};

enum deadline_level {
	DEADLINE_LEVEL_GREEN = 0, /* on time */
	DEADLINE_LEVEL_YELLOW, /* <= 20% of the total or <= 1 working day left */
	DEADLINE_LEVEL_RED,    /* overdue: today is after the due day */
	DEADLINE_LEVEL_PAUSED, /* clock stopped by an open suspension */
};

struct deadline_status {
	enum deadline_level level;
	bool paused;        /* an open suspension exists */
	int32_t due_day;    /* CALENDAR_NO_DAY when paused before the budget ran out */
	int total;          /* budget + extension */
	int used;           /* working days consumed up to today (up to the
	                     * open suspension's start when paused) */
	int remaining;      /* total - used: negative working days overdue */
	int suspended;      /* working days up to today not counted because of
	                     * suspensions */
};

/* Stable English name ("supplement", "hearing", "inspection", "expert",
 * "site", "publicity") and Chinese label ("补正", "听证", ...); "" when
 * unknown. */
const char *suspension_kind_name(enum suspension_kind k);
const char *suspension_kind_label(enum suspension_kind k);
/* 0 when unknown. */
enum suspension_kind suspension_kind_parse(const char *name);

/* The due day. Returns 0 with *due_day set, DEADLINE_PAUSED with *due_day =
 * CALENDAR_NO_DAY when an open suspension stops the clock before the budget
 * ran out, or -ERR_INVALID for a bad ledger (start before acceptance, end
 * before start, more than one open suspension, a suspension after an open
 * one, limits). susp may be NULL when n == 0. cal may be NULL. */
int deadline_compute(const struct calendar *cal, int32_t accepted_day,
    int budget, const struct suspension *susp, size_t n, int extension_days,
    int32_t *due_day, struct err *e);

/* Where the case stands on day today: due day, working days used and left,
 * warning level (see struct deadline_status). Same inputs and errors as
 * deadline_compute(). */
int deadline_status(const struct calendar *cal, int32_t accepted_day,
    int budget, const struct suspension *susp, size_t n, int extension_days,
    int32_t today, struct deadline_status *out, struct err *e);

/* "green", "yellow", "red", "paused" and the Chinese labels "正常", "预警",
 * "超期", "暂停计时". */
const char *deadline_level_name(enum deadline_level l);
const char *deadline_level_label(enum deadline_level l);

/* Extensions (延长审批期限), 行政许可法 §42: a decision due in 20 working
 * days may be extended once, by at most general_max (10) working days, with
 * the approval of the head of the organ; 联合办理/集中办理 (45 working days)
 * by at most joint_max (15). Any other statutory limit (or none) is
 * extended only where the request records the law that allows it
 * (has_basis), by at most other_max. The limits come from the
 * configuration (rules.extension_*). */
struct extension_limits {
	int general_max;  /* §42 ¶1: 20 -> +10 */
	int joint_max;    /* §42 ¶2: 45 -> +15 */
	int other_max;    /* other limits, with a recorded legal basis */
};

#define EXTENSION_GENERAL_LIMIT 20
#define EXTENSION_JOINT_LIMIT 45

/* May a case of an item with this statutory limit (-1 or 0: not set by
 * law) be extended by days, given prior approved extensions? 0 when it may
 * (*max, when not NULL, is the most allowed); otherwise:
 *   -ERR_INVALID       days < 1 ("bad_days");
 *   -ERR_CONFLICT      already extended once ("extension_once");
 *   -ERR_UNPROCESSABLE more days than the law allows ("extension_too_long"),
 *                      or another limit without a legal basis
 *                      ("extension_basis_required").
 * Messages in Chinese, naming the article. */
int deadline_extension_check(int statutory_days, bool has_basis, int prior,
    int days, const struct extension_limits *lim, int *max, struct err *e);

#endif
