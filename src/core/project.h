/* project.h - the pure rules of construction projects (工程建设项目审批):
 * project types and their stages, the order of the stages, the national
 * project code, the working days a stage and a project have used against
 * the target, and the joint opinion of a joint event (联合踏勘、联合评审、
 * 联合审图、联合验收). No I/O: service/project feeds them.
 *
 * Stages (domain.md §7): 1 立项用地规划许可, 2 工程建设许可, 3 施工许可,
 * 4 竣工验收. A small social-investment project (land sold with a design
 * plan) skips the design review and merges stages 2 and 3: its stages are
 * 1, 2 (工程建设许可和施工许可) and 4. A stage may be applied for once the
 * stage before it in the type's list is done. */
#ifndef ONETRIP_CORE_PROJECT_H
#define ONETRIP_CORE_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"

struct err;

#define PROJECT_STAGES 4
#define PROJECT_CODE_LEN 24          /* 2409-610929-04-01-873215 */
#define PROJECT_MAX_PAUSES 64
#define PROJECT_MAX_OPINIONS 16

enum project_type {
	PROJECT_TYPE_NONE = 0,
	PROJECT_TYPE_GOV,            /* 政府投资项目 */
	PROJECT_TYPE_SOCIAL,         /* 社会投资项目 */
	PROJECT_TYPE_SMALL,          /* 小型社会投资项目 */
};

/* "gov", "social", "small"; PROJECT_TYPE_NONE when unknown. */
enum project_type project_type_parse(const char *s);
const char *project_type_name(enum project_type t);
/* "政府投资项目", ...; "" when unknown. */
const char *project_type_label(enum project_type t);

/* The stages of a type in order into stages[] (at most PROJECT_STAGES);
 * returns how many (0 for an unknown type). */
int project_stages(enum project_type t, int *stages);
/* True when stage is one of the type's stages. */
bool project_stage_valid(enum project_type t, int stage);
/* Chinese name of a stage of a type ("立项用地规划许可", for a small
 * project stage 2 "工程建设许可和施工许可"); "" when not valid. */
const char *project_stage_label(enum project_type t, int stage);

/* State of a stage as the rules see it. */
enum project_stage_state {
	PROJECT_STAGE_NOT_STARTED = 0,
	PROJECT_STAGE_APPLIED,       /* applied, not accepted yet */
	PROJECT_STAGE_RUNNING,       /* accepted, approvals running */
	PROJECT_STAGE_DONE,          /* every required approval given */
};
const char *project_stage_state_name(enum project_stage_state s);
const char *project_stage_state_label(enum project_stage_state s);
/* The stage state from the state of its application (a 一件事 application
 * of service/bundle: submitted, supplement, running, completed, delivered,
 * ended, rejected, withdrawn; NULL: none). An ended, rejected or withdrawn
 * application leaves the stage not started (it may be applied for again). */
enum project_stage_state project_stage_state_of(const char *app_state);

/* May stage be applied for now? state[s] is the state of stage s
 * (index 1..PROJECT_STAGES, 0 unused). 0, or -ERR_INVALID for a stage
 * the type does not have, -ERR_CONFLICT when the stage is already applied
 * for, running or done, or when the stage before it is not done
 * ("“立项用地规划许可”阶段尚未完成，不能申报本阶段"). */
int project_stage_may_apply(enum project_type t, int stage,
    const enum project_stage_state *state, struct err *e);

/* The national project code (全国投资项目在线审批监管平台): YYMM-AAAAAA-
 * II-TT-NNNNNN (month of the code 01..12, region code six digits, industry
 * two digits, type two digits, serial six digits). */
bool project_code_valid(const char *code);

/* A pause of a stage's clock: working days in (start, end] are not
 * counted; end CALENDAR_NO_DAY: still open (up to the end of the count). */
struct project_pause {
	int32_t start;
	int32_t end;
};

/* Working days a stage used: the working days in (start, end] less those
 * covered by a pause (overlapping pauses count once). 0 when end <= start.
 * cal may be NULL (weekends only). n <= PROJECT_MAX_PAUSES. */
int project_stage_days(const struct calendar *cal, int32_t start,
    int32_t end, const struct project_pause *p, int n);

enum project_clock_level {
	PROJECT_CLOCK_GREEN = 0,     /* within 80% of the target */
	PROJECT_CLOCK_YELLOW,        /* over 80% used */
	PROJECT_CLOCK_RED,           /* over the target */
};

struct project_clock {
	int used;                    /* working days used so far */
	int target;
	int remaining;               /* target - used, negative when over */
	enum project_clock_level level;
};

/* The project's clock: the days its stages used against the target. */
void project_clock(int used, int target, struct project_clock *out);
const char *project_clock_level_name(enum project_clock_level l);
const char *project_clock_level_label(enum project_clock_level l);

/* ---- joint events ---- */

enum project_event_kind {
	PROJECT_EVENT_NONE = 0,
	PROJECT_EVENT_SITE,          /* 联合踏勘 */
	PROJECT_EVENT_REVIEW,        /* 联合评审 */
	PROJECT_EVENT_DRAWING,       /* 联合审图 */
	PROJECT_EVENT_ACCEPTANCE,    /* 联合验收 */
};

enum project_event_kind project_event_kind_parse(const char *s);
const char *project_event_kind_name(enum project_event_kind k);
const char *project_event_kind_label(enum project_event_kind k);
/* The suspension kind (core/deadline.h names) a joint event puts the
 * involved cases' clocks in while it runs: 联合踏勘 and 联合验收 are site
 * work ("site"), 联合评审 and 联合审图 expert review ("expert"). These
 * special procedures are not counted in the approval time limit. */
const char *project_event_pause_kind(enum project_event_kind k);

enum project_opinion {
	PROJECT_OPINION_NONE = 0,    /* not given yet */
	PROJECT_OPINION_AGREE,       /* 同意 */
	PROJECT_OPINION_RECTIFY,     /* 整改后同意 */
	PROJECT_OPINION_DISAGREE,    /* 不同意 */
};

enum project_opinion project_opinion_parse(const char *s);
const char *project_opinion_name(enum project_opinion o);
const char *project_opinion_label(enum project_opinion o);

enum project_outcome {
	PROJECT_OUTCOME_PENDING = 0, /* an invited department has not answered */
	PROJECT_OUTCOME_PASSED,      /* 通过: every department agrees */
	PROJECT_OUTCOME_RECTIFY,     /* 整改后通过: some agree after rectification */
	PROJECT_OUTCOME_FAILED,      /* 不通过: a department disagrees */
};

/* The joint opinion from the departments' opinions: pending while any is
 * missing, failed when one disagrees, rectify when one asks for
 * rectification, else passed. n 0: pending. */
enum project_outcome project_joint_outcome(const enum project_opinion *ops,
    int n);
const char *project_outcome_name(enum project_outcome o);
/* PROJECT_OUTCOME_PENDING for NULL or an unknown name. */
enum project_outcome project_outcome_parse(const char *s);
const char *project_outcome_label(enum project_outcome o);

#endif
