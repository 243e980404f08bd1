/* SPDX-License-Identifier: GPL-3.0-or-later */
/* clock.h - the two clocks of the core, kept apart on purpose.
 *
 * Deadlines, timeouts and elapsed times use the MONOTONIC clock
 * (clock_mono_ms): it never jumps when an operator or NTP sets the time.
 * What is shown or recorded as a time of day ("refreshed 12:03:01", audit
 * lines) uses the wall clock (clock_wall_s).  clock_seed() mixes the wall
 * clock's nanoseconds with the pid for values that must differ between
 * processes and sessions (temp file names, QMP command ids); it is no
 * source of secrets.
 */
#ifndef SLOTSCOPE_CLOCK_H
#define SLOTSCOPE_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock (an arbitrary origin). */
int64_t clock_mono_ms(void);
/* Seconds since the epoch on the wall clock, with a fraction. */
double clock_wall_s(void);
/* A value that differs between calls, processes and sessions. */
unsigned clock_seed(void);

#endif
