/* calendar_admin.h - reading and editing the working-day calendar
 * (service/calendar_admin.c).
 *
 * The effective calendar is the embedded national schedule plus the hall's
 * overrides (calendar_overrides). An edit stores the override, bumps
 * calendar_version and recomputes the deadline of every open case in the
 * same transaction, so that no case is left on the old calendar. */
#ifndef ONETRIP_SERVICE_CALENDAR_ADMIN_H
#define ONETRIP_SERVICE_CALENDAR_ADMIN_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* hall_admin (or the system actor): sets date "YYYY-MM-DD" to kind "off"
 * (rest day), "work" (working weekend day) or "normal" (plain weekday rule,
 * also over the national schedule). name: 1..32 characters, required for
 * off and work. Audit "calendar.set" {before, after, recomputed}. *out =
 * {day, kind, name, workday, version, recomputed}. */
int calendar_admin_set(struct ctx *c, const char *date, const char *kind,
    const char *name, json_t **out, struct err *e);

/* Public: the year's calendar: *out = {year, has_data, version,
 * overrides:[{day, kind, name, source:"national"|"hall"}],
 * days:[{date, workday}] (every date of the year)}. */
int calendar_admin_year(struct ctx *c, int year, json_t **out,
    struct err *e);

/* Public: the due day of n working days from acceptance on date (as
 * `onetrip calendar deadline`): *out = {date, n, due_day, weekday,
 * missing_years:[..]}. */
int calendar_admin_deadline(struct ctx *c, const char *date, int n,
    json_t **out, struct err *e);

/* Inside db_tx: recomputes the deadline of every open (accepted, not
 * closed) case with cal, in batches by id; *count is how many. */
struct calendar;
int calendar_admin_recompute_open(struct ctx *c, const struct calendar *cal,
    int64_t *count, struct err *e);

#endif
