/* calendar.h - dates as day numbers, and the working-day calendar.
 *
 * A day is an int32_t counting days since 1970-01-01 (day 0, a Thursday).
 * A day is a working day when it is Monday to Friday and not overridden
 * "off" (statutory holiday block, including the weekend days inside it), or
 * when it is a Saturday/Sunday overridden "work" (调休上班). Years without
 * data still compute with plain weekends; calendar_has_year() tells the
 * caller when to warn.
 *
 * Counting follows domain.md §6.1: working day 1 is the first working day
 * AFTER the start date (the 受理 date never counts), so "1 working day" is
 * never 24 hours: accepted on a Friday, due the next Monday.
 *
 * Overrides come from data/holidays/YYYY.txt (embedded in the binary), one
 * line per date:
 *     2026-10-01 off 国庆节
 *     2026-10-10 work 国庆节调休
 * '#' starts a comment; blank lines are ignored. The hall administration
 * edits the calendar at run time (calendar_set/calendar_unset); the service
 * keeps those edits in the database and rebuilds the struct. */
#ifndef ONETRIP_CORE_CALENDAR_H
#define ONETRIP_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Years a date string may carry (validation range of calendar_day_parse). */
#define CALENDAR_YEAR_MIN 1970
#define CALENDAR_YEAR_MAX 2999
/* Largest |n| calendar_add_workdays() honours (about 40 years); callers
 * validate user input against it. */
#define CALENDAR_MAX_WORKDAYS 10000
/* Override names: at most this many characters (code points). */
#define CALENDAR_NAME_CHARS 32
#define CALENDAR_NAME_BYTES (CALENDAR_NAME_CHARS * 4 + 1)
/* A calendar text (one year file) is at most this big, lines this long. */
#define CALENDAR_TEXT_MAX ((size_t)256 << 10)
#define CALENDAR_LINE_MAX 512
/* Most overrides one calendar holds (about 60 a year). */
#define CALENDAR_MAX_OVERRIDES 20000

/* A date that is no day: "none" in the API. */
#define CALENDAR_NO_DAY INT32_MIN

enum calendar_kind {
	CALENDAR_OFF = 1,  /* rest day (放假) */
	CALENDAR_WORK = 2, /* working weekend day (调休上班) */
};

struct calendar_override {
	int32_t day;
	enum calendar_kind kind;
	char name[CALENDAR_NAME_BYTES];
};

struct calendar;

/* ---- day numbers ---- */

/* Day number of a civil date (proleptic Gregorian); no range check. */
int32_t calendar_day_from_ymd(int y, int m, int d);
/* Civil date of a day number. */
void calendar_day_to_ymd(int32_t day, int *y, int *m, int *d);
/* True for a valid date (month 1..12, day within the month, leap years). */
bool calendar_ymd_valid(int y, int m, int d);
/* Parses exactly "YYYY-MM-DD" (zero padded, CALENDAR_YEAR_MIN..MAX).
 * Returns 0, or -ERR_INVALID with a Chinese message naming the text. */
int calendar_day_parse(const char *s, int32_t *out, struct err *e);
/* Writes "YYYY-MM-DD" into out (at least 11 bytes); returns out. */
char *calendar_day_format(int32_t day, char out[11]);
/* ISO weekday: 1 = Monday .. 7 = Sunday. */
int calendar_weekday(int32_t day);
/* Chinese weekday name: "星期一" .. "星期日". */
const char *calendar_weekday_label(int32_t day);

/* ---- the calendar ---- */

/* An empty calendar (plain weekends); NULL when out of memory. */
struct calendar *calendar_new(void);
/* Accepts NULL. */
void calendar_free(struct calendar *cal);

/* Adds the overrides of one calendar text (format above). All or nothing:
 * on error nothing is added and e names the line ("第 3 行：..."). A date
 * given twice in the text is an error; a date already in the calendar is
 * replaced. "work" on a Monday-Friday is refused as a data error. */
int calendar_load_text(struct calendar *cal, const char *text,
    struct err *e);
/* Loads every embedded data/holidays/YYYY.txt (2024, 2025, 2026, ...). */
int calendar_load_embedded(struct calendar *cal, struct err *e);

/* Sets (adds or replaces) one override. name: 1..CALENDAR_NAME_CHARS
 * characters of valid UTF-8 without control characters. "work" on a weekday
 * is refused (-ERR_UNPROCESSABLE). */
int calendar_set(struct calendar *cal, int32_t day, enum calendar_kind kind,
    const char *name, struct err *e);
/* Removes the override of day; returns 0, or -ERR_NOT_FOUND if none. */
int calendar_unset(struct calendar *cal, int32_t day, struct err *e);
/* The override of day, or NULL (pointer valid until the next change). */
const struct calendar_override *calendar_get(const struct calendar *cal,
    int32_t day);
/* Number of overrides, and the i-th in date order (i < count). */
size_t calendar_count(const struct calendar *cal);
const struct calendar_override *calendar_at(const struct calendar *cal,
    size_t i);
/* Index of the first override on or after day (== count when none). */
size_t calendar_lower_bound(const struct calendar *cal, int32_t day);

/* True when year y's official schedule has been loaded: a calendar text
 * with dates in y (calendar_load_text, the embedded files) or
 * calendar_mark_year. Single edits (calendar_set) do not count: a hall
 * edit in a year whose schedule is not out yet leaves it provisional. */
bool calendar_has_year(const struct calendar *cal, int y);
/* Records that year y's schedule is loaded (kept outside the calendar, as
 * the service's calendar_years table). */
void calendar_mark_year(struct calendar *cal, int y);

/* A deadline counted from `from` to `to` is provisional (暂按周末计算)
 * while a year of that span has no holidays loaded: those years count
 * plain weekends only. Writes the years lacking data in order, at most max
 * of them, into years (may be NULL with max 0) and returns how many there
 * are: 0 when the deadline is final. to < from counts as from alone. */
int calendar_missing_years(const struct calendar *cal, int32_t from,
    int32_t to, int *years, int max);

/* The hall is reminded to load next year's holidays from this month on
 * (the State Council publishes the schedule in October-December). */
#define CALENDAR_REMIND_MONTH 11

/* The year to remind the hall to load on day today: the next year when
 * today is in CALENDAR_REMIND_MONTH or later and that year has no data,
 * else 0. */
int calendar_remind_year(const struct calendar *cal, int32_t today);

/* True when day is a working day. cal may be NULL: plain weekends. */
bool calendar_is_workday(const struct calendar *cal, int32_t day);
/* The n-th working day after start (n = 0: start itself). Negative n
 * counts backwards: -1 is the last working day before start. |n| is
 * clamped to CALENDAR_MAX_WORKDAYS. */
int32_t calendar_add_workdays(const struct calendar *cal, int32_t start,
    int n);
/* Number of working days in (a, b]; negative (minus those in (b, a]) when
 * b < a; 0 when a == b. */
int calendar_workdays_between(const struct calendar *cal, int32_t a,
    int32_t b);

#endif
