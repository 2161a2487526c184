/* cputime.h - the CPU time of the benchmark programs in bench/: user +
 * system seconds of the whole process so far, from getrusage(). */
#ifndef ONETRIP_BENCH_CPUTIME_H
#define ONETRIP_BENCH_CPUTIME_H

#include <sys/resource.h>

static inline double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

#endif
