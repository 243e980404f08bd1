/* SPDX-License-Identifier: GPL-3.0-or-later */
/* clock.c - see clock.h. */
#include "base/clock.h"

#include <time.h>
#include <unistd.h>

int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
clock_wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

unsigned
clock_seed(void)
{
	static const unsigned mul = 2654435761u;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((unsigned)ts.tv_nsec ^ (unsigned)ts.tv_sec << 20 ^
	    (unsigned)getpid() << 8) * mul;
}
