/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simspawn.h - `slotscope --simulate DIR ARGS...` (the binary under
 * test, tu_bin) started in a child, its output thrown away, as the
 * suites that talk to the simulator's own mode start it (check_sim,
 * check_simbatch, check_cli, check_simdiff, check_hostile,
 * check_unplugwhy, check_tui_wait).  The child dies with the test
 * (PR_SET_PDEATHSIG), so one its timeout killed leaves no simulator
 * behind; waiting for its sockets is the caller's (tu_sim_serves).
 */
#ifndef SLOTSCOPE_SIMSPAWN_H
#define SLOTSCOPE_SIMSPAWN_H

#include <sys/types.h>

/* The simulator serving dir, with the extra arguments that follow
 * (NULL-ended, at most 12); returns its pid (a failed fork fails the
 * test).  The caller ends it (SIGTERM) and reaps it. */
pid_t tu_sim_spawn(const char *dir, ...);

#endif
