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
/* Local calendar date of an instant in the hall's time zone (UTC+8),
 * written as YYYY-MM-DD into out (at least 11 bytes). */
void clock_date(int64_t epoch_seconds, char out[11]);
/* Monotonic milliseconds, for durations. */
double clock_mono_ms(void);

#endif
