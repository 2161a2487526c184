/* clock.h - the one source of "now" for the whole program.
 *
 * Tests and demos may shift the clock (onetrip serve --now 2026-09-28T09:00:00)
 * so that a deadline crossing a holiday can be shown on any day; it is part of
 * the server configuration, set once at start-up. */
#ifndef ONETRIP_BASE_CLOCK_H
#define ONETRIP_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Seconds since the epoch, shifted by the configured offset. */
int64_t clock_now(void);
/* Sets the offset so that clock_now() starts at the given instant. */
void clock_set_now(int64_t epoch_seconds);
/* The hall's time zone, the one the whole program uses: China Standard Time,
 * UTC+8 all year (no daylight saving time). */
#define CLOCK_UTC_OFFSET_S (8 * 3600)

/* Local calendar date of an instant in the hall's time zone,
 * written as YYYY-MM-DD into out (at least 11 bytes). */
void clock_date(int64_t epoch_seconds, char out[11]);
/* Local date and time "YYYY-MM-DD HH:MM" into out (at least 17 bytes). */
void clock_datetime(int64_t epoch_seconds, char out[17]);
/* The instant the hall's local day containing epoch_seconds began. */
int64_t clock_day_start(int64_t epoch_seconds);
/* Monotonic milliseconds, for durations. */
double clock_mono_ms(void);

#endif
