/* indicators.h - the five reform indicators of 白政办发〔2024〕1号, computed
 * over catalogue items (事项), not over cases. Pure: no I/O.
 *
 * Scope: the items whose type is in scope (catalog_type_in_scope(): 依申请六类
 * 01 05 07 08 09 10, 公共服务 20 and 行政备案 11); the caller passes the
 * published elements only. Definitions (domain.md section 3):
 *   time_reduction  减时间比例: items with a statutory limit > 0;
 *                   mean of (法定 - 承诺) / 法定 (INDICATOR_TIME_MEAN), or
 *                   Σ(法定 - 承诺) / Σ法定 (INDICATOR_TIME_SUM); numerator and
 *                   denominator are always Σ(法定 - 承诺) and Σ法定 in working
 *                   days, "items" the number of items counted;
 *   max_one_trip    "最多跑一次"占比: visits <= 1, over all items in scope;
 *   instant         即办事项占比: case_kind = 1 (即办件);
 *   online          网上可办率: online level >= Ⅱ with at least one of the
 *                   depth codes 2 收件, 3 预审, 4 受理, 5 办理;
 *   full_online     全程网办率: level Ⅳ, depth has 4 and 5, visits = 0.
 * Targets (the notice): 70, 95, 50, 90, 70 per cent; met = value >= target. */
#ifndef ONETRIP_CORE_INDICATORS_H
#define ONETRIP_CORE_INDICATORS_H

#include <stdbool.h>

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

struct indicator {
	const char *key;     /* "time_reduction", "max_one_trip", ... */
	const char *label;   /* "减时间比例", ... */
	double numerator;    /* items, or working days for time_reduction */
	double denominator;
	int items;           /* items counted (denominator for the shares) */
	double percent;      /* 0..100; 0 when nothing is counted */
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

/* Computes the indicators over a JSON array of item elements. targets may
 * be NULL (the notice's targets). Returns 0, or -ERR_INVALID when items is
 * not an array. */
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
/* How one item stands for an indicator: -1 not counted (out of scope, or
 * no statutory limit for time_reduction), 0 counted and not meeting it, 1
 * meeting it (time_reduction: its own reduction reaches the target). This
 * is what the supervisor's "items behind a figure" list shows. */
struct catalog_item;
int indicators_item_status(const struct catalog_item *it, enum indicator_id id,
    const double *targets);
/* "减时间比例", ... */
const char *indicators_label(enum indicator_id id);
/* "time_reduction", ... -> enum indicator_id; -1 if unknown. */
int indicators_key_parse(const char *key);
/* "mean" / "sum" -> formula; returns -1 for anything else. */
int indicators_formula_parse(const char *s);

#endif
