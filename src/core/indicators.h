/* indicators.h - the five reform indicators of 白政办发〔2024〕1号, computed
 * over catalogue items (事项), not over cases, and the gap planner that
 * says which item changes would close a shortfall. Pure: no I/O.
 *
 * Scope: the item types named by the setting indicators.scope_types
 * (default "01,05,07-29": 依申请六类 01 05 07 08 09 10, 行政备案 11, the
 * other-power extensions 12-19, 公共服务 20 and its extensions 21-29);
 * the caller passes one fact row per item (the version in force at the date
 * asked about). Definitions (domain.md section 3, docs/indicators.md):
 *   time_reduction  减时间比例: items with a statutory limit > 0 and a
 *                   promised limit within it; mean of (法定 - 承诺) / 法定
 *                   (INDICATOR_TIME_MEAN), or Σ(法定 - 承诺) / Σ法定
 *                   (INDICATOR_TIME_SUM); numerator and denominator are
 *                   always Σ(法定 - 承诺) and Σ法定 in working days, "items"
 *                   the number of items counted;
 *   max_one_trip    "最多跑一次"占比: visits <= 1, over all items in scope;
 *   instant         即办事项占比: case_kind = 1 (即办件) AND the window has
 *                   the power to decide (窗口审批决定权); a 即办件 the window
 *                   cannot decide is handled as a 承诺件 in practice;
 *   online          网上可办率: online level >= Ⅱ with at least one of the
 *                   depth codes 2 收件, 3 预审, 4 受理, 5 办理;
 *   full_online     全程网办率: level Ⅳ, depth has 4 and 5, visits = 0.
 * Targets (the notice): 70, 95, 50, 90, 70 per cent; met = value >= target. */
#ifndef ONETRIP_CORE_INDICATORS_H
#define ONETRIP_CORE_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

enum indicator_id {
	IND_TIME_REDUCTION = 0,
	IND_MAX_ONE_TRIP,
	IND_INSTANT,
	IND_ONLINE,
	IND_FULL_ONLINE,
	IND__COUNT
};

enum indicator_time_formula {
	INDICATOR_TIME_MEAN = 0, /* mean of per-item ratios (default) */
	INDICATOR_TIME_SUM,      /* ratio of sums */
};

/* How the indicators are counted (settings indicators.*). */
struct indicator_opts {
	enum indicator_time_formula formula;
	bool scope[100];             /* type code "00".."99" counted */
	double targets[IND__COUNT];  /* per cent */
};

/* What one item version contributes: read from its elements once
 * (indicator_fact_from_json) and kept per version by the stats service. */
struct indicator_fact {
	int64_t item_id;
	int64_t dept_id;
	char type[3];
	int statutory_days;   /* -1: no statutory limit */
	int promised_days;
	int visits;
	int case_kind;        /* 1 即办件, 2 承诺件 */
	bool window_authorised;
	bool online;          /* 网上可办 as defined above */
	bool full_online;     /* 全程网办 as defined above */
	int online_level;     /* 1..4 */
	int n_materials;      /* 减材料 (item side): materials asked for */
	int n_required;       /* of which required */
	int steps;            /* 减环节: handling steps, indicator_steps() */
	bool fee_charged;     /* 减费用: whether it charges a fee */
};

struct indicator {
	const char *key;     /* "time_reduction", "max_one_trip", ... */
	const char *label;   /* "减时间比例", ... */
	double numerator;    /* items, or working days for time_reduction */
	double denominator;
	int items;           /* items counted (denominator for the shares) */
	double percent;      /* 0..100; 0 when nothing is counted */
	double ratio_sum;    /* time_reduction: Σ per-item ratios (mean formula) */
	double target;       /* per cent */
	bool met;
};

struct indicator_set {
	struct indicator v[IND__COUNT];
	int items_total;     /* elements given */
	int items_in_scope;
	int items_skipped;   /* not an object or not parseable */
};

/* Targets of the notice, in per cent, indexed by enum indicator_id. */
extern const double indicator_targets[IND__COUNT];

/* The defaults: mean formula, scope "01,05,07-29", the notice's targets. */
void indicator_opts_default(struct indicator_opts *o);
/* Sets o->scope from a list of two-digit codes and ranges, "01,05,07-29".
 * -ERR_INVALID (message in Chinese) for anything else; o unchanged then. */
int indicator_scope_parse(const char *spec, struct indicator_opts *o,
    struct err *e);
bool indicator_in_scope(const struct indicator_opts *o, const char *type);

/* The handling steps of an item version (减环节): 受理, 审查, 决定, 送达;
 * a 即办件 the window decides is 受理 + 办结 (2), a result sent online or
 * by post saves no step here. */
int indicator_steps(int case_kind, bool window_authorised);

/* One fact from item elements (the JSON of core/catalog.c). 0, or
 * -ERR_INVALID when they do not parse. item_id and dept_id are set 0. */
int indicator_fact_from_json(const json_t *elements, struct indicator_fact *f,
    struct err *e);

/* How one item stands for an indicator: -1 not counted (out of scope, or
 * no statutory limit for time_reduction), 0 counted and not meeting it, 1
 * meeting it (time_reduction: its own reduction reaches the target). */
int indicators_fact_status(const struct indicator_fact *f, enum indicator_id id,
    const struct indicator_opts *o);

/* The version of each item in force at the instant t: f[0..n-1] are the
 * published versions sorted by item and publication time (published_at[i]
 * for f[i]); out (room for n) gets, per item, the last version published
 * at or before t; items not yet published at t are absent. */
void indicators_facts_at(const struct indicator_fact *f,
    const int64_t *published_at, size_t n, int64_t t,
    struct indicator_fact *out, size_t *n_out);

/* The indicators over n facts; dept_id 0 = all, else only that
 * department's. */
void indicators_compute_facts(const struct indicator_fact *f, size_t n,
    int64_t dept_id, const struct indicator_opts *o, struct indicator_set *out);

/* Computes the indicators over a JSON array of item elements. targets may
 * be NULL (the notice's targets). Scope: the default. Returns 0, or
 * -ERR_INVALID when items is not an array. */
int indicators_compute(const json_t *items, enum indicator_time_formula f,
    const double *targets, struct indicator_set *out, struct err *e);
/* {"items_total", "items_in_scope", "items_skipped", "indicators": [{"key",
 * "label", "numerator", "denominator", "items", "percent" (2 decimals),
 * "target", "met"}]}. New reference. */
json_t *indicators_to_json(const struct indicator_set *s);
/* Overall and per department (grouped by the elements' "dept"; a "dept_id"
 * member on the elements is copied to the group):
 * {"formula": "mean"|"sum", "overall": {...}, "departments": [{"dept",
 * "dept_id"?, ...indicators_to_json...}]} sorted by department name.
 * New reference, or NULL with e filled. */
json_t *indicators_report(const json_t *items, enum indicator_time_formula f,
    const double *targets, struct err *e);
/* indicators_fact_status() for parsed elements (the item list behind a
 * figure). */
struct catalog_item;
int indicators_item_status(const struct catalog_item *it, enum indicator_id id,
    const double *targets);
/* "减时间比例", ... */
const char *indicators_label(enum indicator_id id);
/* "time_reduction", ... -> enum indicator_id; -1 if unknown. */
int indicators_key_parse(const char *key);
const char *indicators_key(enum indicator_id id);
/* "mean" / "sum" -> formula; returns -1 for anything else. */
int indicators_formula_parse(const char *s);

/* ---- gap planner ----------------------------------------------------- */

/* One proposed item change. */
struct indicator_change {
	size_t fact;          /* index into the facts given */
	int effort;           /* element changes needed (1 = one element) */
	double gain;          /* what it adds to the numerator */
	char what[160];       /* the change, in Chinese */
};

/* For an indicator below its target over facts (dept_id 0 = all): the
 * smallest set of item changes that reaches the target, cheapest first,
 * in out[0..*n-1] (at most max). *needed is how many items (or, for
 * time_reduction, how much of the numerator) are missing; 0 when the
 * target is met (nothing proposed). *reachable is false when even changing
 * every candidate would not reach it. */
void indicators_plan_gap(const struct indicator_fact *f, size_t n,
    int64_t dept_id, enum indicator_id id, const struct indicator_opts *o,
    struct indicator_change *out, size_t max, size_t *n_out, double *needed,
    bool *reachable);

#endif
