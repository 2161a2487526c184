#include "base/clock.h"


static int64_t clock_offset; /* configuration: set once before threads start */

int64_t
clock_now(void)
{
	return (int64_t)time(NULL) + clock_offset;
}

void
clock_set_now(int64_t epoch_seconds)
{
	clock_offset = epoch_seconds - (int64_t)time(NULL);
}

void
clock_date(int64_t epoch_seconds, char out[11])
{
	time_t t = (time_t)(epoch_seconds + CLOCK_UTC_OFFSET_S);
	struct tm tm;

	gmtime_r(&t, &tm);
	/* strftime cannot overflow here: the year is four digits until 9999. */
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
clock_datetime(int64_t epoch_seconds, char out[17])
{
	time_t t = (time_t)(epoch_seconds + CLOCK_UTC_OFFSET_S);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

int64_t
clock_day_start(int64_t epoch_seconds)
{
	int64_t local = epoch_seconds + CLOCK_UTC_OFFSET_S;
	int64_t day = local / 86400 - (local % 86400 < 0);

	return day * 86400 - CLOCK_UTC_OFFSET_S;
}

double
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
