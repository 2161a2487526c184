/* stats.h - the public interface of the service domain "stats". */
#ifndef ONETRIP_SERVICE_STATS_STATS_H
#define ONETRIP_SERVICE_STATS_STATS_H

/* reform.h - the five reform indicators of 白政办发〔2024〕1号 over the
 * published catalogue, and the items behind each figure (service/reform.c).
 * The rules are core/indicators.c; this module only loads the published
 * elements and checks who may look. */

#include <stdint.h>

#include <jansson.h>

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
