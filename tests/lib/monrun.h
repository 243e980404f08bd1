/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monrun.h - a monitor session (core/qemu/mon.h) driven in the test's
 * own thread the way a poll loop drives it: poll its fd for what it asks,
 * no longer than its own timeout, then mon_step.  For the suites that
 * play QEMU themselves (peer.h) and must let the session run between
 * what they say and what they read.
 */
#ifndef SLOTSCOPE_MONRUN_H
#define SLOTSCOPE_MONRUN_H

#include "qemu/mon.h"

/* Step m for up to ms milliseconds or until it is no longer running;
 * its status then. */
enum mon_status tu_mon_run(struct mon *m, int ms);

/* Step m (up to 2 s) and check that it failed: MON_FAILED, its error of
 * kind, and text (unless NULL) in the error's message.  Ends the test
 * when any of them is not so. */
void tu_mon_fails(struct mon *m, enum monerr_kind kind, const char *text);

/* tu_mon_run(m, 5), as the pump of tu_peer_line (m is a struct mon *). */
void tu_mon_run_a_little(void *m);

#endif
