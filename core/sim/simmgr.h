/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simmgr.h - simulated VMs that a manager owns, for training: the
 * `ganeti-collision` scenario, a Ganeti node where Ganeti's runtime file
 * and the live bus disagree the way Ganeti issue #1620 shows (a device
 * Ganeti does not record sits in the slot its next hotplug takes) and a
 * recorded NIC is gone.  The runtime file is written in Ganeti's 2.16
 * format (tests/fixtures/managers/README.md). */
#ifndef SLOTSCOPE_SIMMGR_H
#define SLOTSCOPE_SIMMGR_H

#include "base/err.h"
#include "sim/sim.h"

/* Ganeti's layout in dir: DIR/gnt/ctrl (the monitor sockets go there) and
 * DIR/gnt/runtime; ctrl is written (sz bytes) to ctrl_out. */
int simmgr_ganeti_dirs(const char *dir, char *ctrl_out, size_t sz,
    struct err *e);
/* The scenario's devices on instance in. */
int simmgr_ganeti_devices(struct sim_inst *in, struct err *e);
/* Ganeti's runtime file for instance in: ROOT/runtime/NAME next to
 * ROOT/ctrl = ctrl. */
int simmgr_ganeti_runtime(const char *ctrl, const struct sim_inst *in,
    struct err *e);

#endif
