/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simfleet.h - the one way tests and benchmarks start a simulated fleet:
 * core/sim serving `pc` instances vm1..vmN in a forked child (one poll
 * loop, as `slotscope --simulate` runs it), returned to once every
 * instance listens.  The child dies with the caller (PR_SET_PDEATHSIG),
 * so a test killed by its timeout leaves no simulator behind; the socket
 * files stay in the caller's dir (its tu_rmrf removes them).
 */
#ifndef SLOTSCOPE_SIMFLEET_H
#define SLOTSCOPE_SIMFLEET_H

#include <sys/types.h>

#include "base/err.h"
#include "sim/sim.h"

/* Serve n instances vm1..vmN in dir (DIR/vmK.monitor, DIR/vmK.qmp, as
 * sockets says; SIM_SOCK_DEFAULT is both).  The child raises its
 * open-files limit to what they need (nofile_need) and then to the hard
 * limit.  Sets *pid and returns 0 once all listen; -1 with e saying why
 * (the child's own error when it had one), nothing left running. */
int tu_simfleet_start(const char *dir, int n, enum sim_sockets sockets,
    pid_t *pid, struct err *e);

/* The same in one child for several dirs: counts[i] instances vm1.. in
 * dirs[i], for i < ndirs. */
int tu_simfleet_start_dirs(const char *const *dirs, const int *counts,
    int ndirs, enum sim_sockets sockets, pid_t *pid, struct err *e);

/* SIGTERM the simulator of *pid and reap it; *pid becomes -1.  Harmless
 * when *pid <= 0. */
void tu_simfleet_stop(pid_t *pid);

#endif
