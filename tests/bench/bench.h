/* bench.h - tiny timing helpers shared by the benchmarks.  Benchmarks print
 * figures; they never fail on time. */
#ifndef SLOTSCOPE_BENCH_H
#define SLOTSCOPE_BENCH_H

#include <stdio.h>
#include <time.h>

static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One line per figure: "bench NAME: VALUE UNIT (detail)". */
static inline void
bench_report(const char *name, double value, const char *unit,
    const char *detail)
{
	printf("bench %-40s %12.1f %s%s%s%s\n", name, value, unit,
	    detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
	fflush(stdout);
}

#endif
