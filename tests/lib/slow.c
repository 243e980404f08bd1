/* SPDX-License-Identifier: GPL-3.0-or-later */
/* slow.c - the one knob for how long a test may wait (testutil.h):
 * Check's own CK_TIMEOUT_MULTIPLIER, which already scales every test
 * case's timeout (also Check's default 4 s), scales the deadlines of the
 * tests' own waits too (tu_ms), and the runner raises it for a
 * sanitizer build (tu_slow_setup), whose code runs a few times slower.
 * A deadline only bounds a wait for something that must come; none is
 * what a test asserts (no timed assertions: DEVELOPERS.md), so a slower
 * build or a loaded machine waits longer and checks the same.
 */
#include "testutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* How much slower this build is than the plain one: the unit suites
 * under ASan + UBSan at -O1 took 4.5 times as long as the plain build's
 * (8.5 times the CPU; 2 cores, load 5).  The suites that wait on QEMU or
 * tmux are slowed less. */
#if defined(__SANITIZE_ADDRESS__)
#define BUILD_FACTOR 5.0
#else
#define BUILD_FACTOR 1.0
#endif

double
tu_slow(void)
{
	const char *s = getenv("CK_TIMEOUT_MULTIPLIER");
	char *end;
	double f;

	if (s == NULL || *s == '\0')
		return 1.0;
	f = strtod(s, &end);
	return *end == '\0' && f > 0 && f < 1000 ? f : 1.0;
}

void
tu_slow_setup(void)
{
	char v[32];

	snprintf(v, sizeof v, "%g", tu_slow() * BUILD_FACTOR);
	setenv("CK_TIMEOUT_MULTIPLIER", v, 1);
}

int
tu_ms(int ms)
{
	double t = ms * tu_slow();

	return t >= INT_MAX ? INT_MAX : (int)t;
}
