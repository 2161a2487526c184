/* supervise.h - pure rules of supervision (督查): when a case stalls, how a
 * problem ticket escalates once its promised date has passed, how a
 * department's 三集中三到位 assessment is scored, when a reported monthly
 * volume shows acceptance outside the system (体外循环), and which quarter a
 * day belongs to. No I/O: the service layer (service/supervise) feeds them. */
#ifndef ONETRIP_CORE_SUPERVISE_H
#define ONETRIP_CORE_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"

#define SUPERVISE_MAX_LEVELS 8       /* bodies on the escalation path */
#define SUPERVISE_BODY_MAX 64        /* bytes of one body's name */

/* Working days without a step: the working days in (last_step, today]
 * (0 when today is not after last_step). cal may be NULL (weekends only). */
int supervise_idle_workdays(const struct calendar *cal, int32_t last_step,
    int32_t today);

/* True when a running case has had no step for at least threshold working
 * days (threshold <= 0: never). */
bool supervise_is_stalled(const struct calendar *cal, int32_t last_step,
    int32_t today, int threshold);

/* The escalation path: names separated by commas or "→" (e.g. the setting
 * "县职转办,县营商办,县审改办"). Blank names are skipped. */
struct supervise_path {
	int n;
	char body[SUPERVISE_MAX_LEVELS][SUPERVISE_BODY_MAX];
};

/* Parses text into p; -ERR_INVALID when it names no body, names more than
 * SUPERVISE_MAX_LEVELS or a name is too long. */
struct err;
int supervise_path_parse(const char *text, struct supervise_path *p,
    struct err *e);

/* The level a ticket has reached: 0 while today <= promised (not escalated);
 * 1 (the first body) on the first working day after promised; one level more
 * every step working days after that; never beyond levels (levels <= 0: 0).
 * step <= 0 counts as 1. */
int supervise_escalation_level(const struct calendar *cal, int32_t promised,
    int32_t today, int step, int levels);

/* One measure of the 三集中三到位 checklist. */
enum supervise_check_state {
	SV_CHECK_UNKNOWN = 0,  /* no data and no evidence yet */
	SV_CHECK_MET,
	SV_CHECK_PARTIAL,
	SV_CHECK_UNMET,
};

struct supervise_check {
	const char *key;       /* "stationing_rate", ... */
	int weight;            /* points when fully met */
	bool has_ratio;        /* computed from data: ratio in [0, 1] */
	double ratio;
	double target;         /* ratio meeting the measure (e.g. 1.0, 0.9) */
	int evidence;          /* evidence-based: -1 none, 0 rejected/unsigned, 1 accepted */
	/* Outputs of supervise_score(). */
	enum supervise_check_state state;
	double points;
};

/* Scores the checklist: a ratio check earns weight * min(1, ratio/target)
 * points and is met at ratio >= target, partial above 0, unmet at 0; an
 * evidence check earns weight when evidence is 1 (met), nothing otherwise
 * (unmet at 0, unknown at -1). Returns the score out of 100 (points over the
 * total weight, rounded to one decimal; 0 when the weights sum to 0). */
double supervise_score(struct supervise_check *checks, int n);

/* True when a check needs rectification (a finding): unmet, partial, or
 * unknown (no data and no evidence is itself a finding). */
bool supervise_check_is_finding(const struct supervise_check *c);

/* 体外循环: the gap between the volume a department reports for an item and
 * month and the cases the platform holds. *gap_percent = (reported -
 * platform) / reported * 100 (0 when reported <= 0). True when reported
 * exceeds platform by more than threshold_percent and by at least min_abs
 * cases. */
bool supervise_volume_gap(int64_t reported, int64_t platform,
    int threshold_percent, int64_t min_abs, double *gap_percent);

/* 补录 after the fact: a case created and decided by the same person within
 * minutes (created_at, decided_at in Unix seconds; creator and decider user
 * ids, 0 unknown). */
bool supervise_quick_case(int64_t created_at, int64_t decided_at,
    int64_t creator, int64_t decider, int minutes);

/* "YYYY-Qn" of a day into out (8 bytes). */
char *supervise_quarter(int32_t day, char out[8]);

/* The first and last day of quarter "YYYY-Qn"; -ERR_INVALID when malformed. */
int supervise_quarter_range(const char *quarter, int32_t *first,
    int32_t *last, struct err *e);

#endif
