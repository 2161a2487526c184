/* stats_internal.h - shared inside service/stats only. */
#ifndef ONETRIP_SERVICE_STATS_INTERNAL_H
#define ONETRIP_SERVICE_STATS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/indicators.h"

struct db;
#include "service/stats/stats.h"

#define STATS_VIEWERS (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)
#define STATS_WIDE (ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)

/* Every published version's facts, ordered by item and publication. */
struct fact_rows {
	struct indicator_fact *f;
	int64_t *published_at;
	size_t n;
};

/* Reads the facts of versions published since the last call (stored in
 * item_version_facts) and loads all of them. Free with fact_rows_free. */
int stats_facts_load(struct ctx *c, struct fact_rows *out, struct err *e);
void fact_rows_free(struct fact_rows *r);
/* The version of each item in force at the instant t (the end of a day):
 * out (n allocated by the caller, >= r->n) gets copies; *n_out set. */
void stats_facts_at(const struct fact_rows *r, int64_t t,
    struct indicator_fact *out, size_t *n_out);
/* The options from the settings indicators.*; formula overrides when >= 0. */
int stats_opts(int formula, struct indicator_opts *o, struct err *e);
/* The instant a hall date ends; -ERR_INVALID for a bad date. */
int stats_day_end(const char *day, int64_t *t, struct err *e);
/* {id: name} of all departments (new reference). */
int stats_dept_names(struct ctx *c, json_t **out, struct err *e);

/* The ledger of (dept_id, year, quarter), drafted from the tasks the
 * department takes part in when it does not exist yet (own transaction).
 * No role check: the caller has decided. */
int stats_ledger_draft(struct ctx *c, int64_t dept_id, int year, int quarter,
    int64_t *id, struct err *e);
/* One ledger with its rows, as reform_ledger_get. */
int stats_ledger_json(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* The practical day to submit a ledger due on due ("YYYY-MM-DD"): the last
 * working day of the county calendar on or before it (core/ledger.c). */
int stats_ledger_submit_by(struct ctx *c, const char *due, char out[11],
    struct err *e);

#endif
