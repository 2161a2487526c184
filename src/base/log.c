#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;

/* Formatting the time is the costly part of a log line at tens of thousands
 * of lines a second: each thread formats the seconds once per second. */
static _Thread_local time_t cached_sec = -1;
static _Thread_local char cached_stamp[24];

void
log_set_level(enum log_level level)
{
	min_level = level;
}

void
log_write(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	size_t n;
	int m;

	if (level < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(cached_stamp, sizeof(cached_stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = ts.tv_sec;
	}
	m = snprintf(line, sizeof(line), "%s.%03ldZ %s ", cached_stamp,
	    ts.tv_nsec / 1000000, names[level]);
	n = m > 0 ? (size_t)m : 0;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += (size_t)m < sizeof(line) - n - 1 ? (size_t)m : sizeof(line) - n - 2;
	line[n++] = '\n';
	/* One write(2) per record: lines of concurrent threads never interleave,
	 * and there is no stdio lock to contend for. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}
