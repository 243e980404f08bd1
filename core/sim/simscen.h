/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simscen.h - ready-made simulator setups: the training scenarios, the
 * instances of `--simulate`, and the demo (`--demo`): a forked simulator
 * child serving a realistic mix of instances in a private temp dir.
 *
 * Scenarios (simscen_list()):
 *   full-bus          every slot taken: a new device has nowhere to go
 *   orphan-device     a live device whose id no runtime file knows (foreign)
 *   stuck-unplug      the guest ignores unplug requests (pending forever)
 *   busy-monitor      another client holds the monitor sockets
 *   crashed-instance  the monitor goes away after a few commands
 *   q35               a q35 machine: the root bus refuses hotplug
 *   ganeti-collision  a Ganeti node (sim/simmgr.h): the demo puts it in
 *                     Ganeti's layout (DIR/gnt/ctrl, DIR/gnt/runtime)
 *
 * Memory: nothing here is global; struct sim_demo is caller-owned and
 * sim_demo_stop() releases what sim_demo_start() set up.
 */
#ifndef SLOTSCOPE_SIMSCEN_H
#define SLOTSCOPE_SIMSCEN_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "sim/sim.h"

struct simscen {
	const char *name;
	const char *help;	/* one line */
};

/* The scenarios, in a fixed order; *n gets how many. */
const struct simscen *simscen_list(size_t *n);
/* NULL when there is no such scenario. */
const struct simscen *simscen_find(const char *name);

/* --simulate: add `count` instances named vm1..vmN in dir, started like
 * `qemu-system-x86_64 -machine MACHINE -S` (pc: no extra devices), then
 * shaped by the scenario (NULL = none).  Returns 0 or -1. */
int simscen_populate(struct sim *s, const char *dir, int count,
    enum simdev_machine_type machine, const char *scenario, struct err *e);

/* Parse a guest mode: "none" (a paused QEMU: unplugs stay pending),
 * "ack" or "ack=MS" (acknowledges after MS ms, default 100), "ignore"
 * (a running guest that never acknowledges).  0 or -1. */
int simscen_guest_parse(const char *spec, enum simdev_guest *g, int *ack_ms,
    struct err *e);

/* The same with given names ("web1,db1,..."; the rules of runtime file
 * names, store_check_name()) instead of vm1..vmN. */
int simscen_populate_names(struct sim *s, const char *dir, const char *names,
    enum simdev_machine_type machine, const char *scenario, struct err *e);

/* Shape one instance as a scenario says (devices, guest, faults). */
int simscen_apply(struct sim_inst *in, const char *scenario, struct err *e);

/* ---- the demo ------------------------------------------------------- */

#define SIM_DEMO_MAX 8

struct sim_demo_inst {
	char name[64];
	char endpoint[300];	/* "unix:DIR/mon/NAME.qmp" */
	char hmp[300];		/* DIR/mon/NAME.monitor */
	char qmp[300];		/* DIR/mon/NAME.qmp */
};

struct sim_demo {
	char dir[256];		/* the private temp dir (mkdtemp) */
	char monitor_dir[300];	/* DIR/mon: NAME.monitor + NAME.qmp */
	char runtime_dir[300];	/* DIR/run: runtime files of the instances */
	pid_t child;		/* the simulator process, -1 when none */
	struct sim_demo_inst inst[SIM_DEMO_MAX];
	size_t n;
};

/* Start the demo: make the temp dir, write runtime files for the devices
 * the demo places (so they show as used, and an orphan as foreign), fork
 * a child that serves the instances until it gets SIGTERM/SIGINT or its
 * parent dies, and wait until every socket is there.  scenario may be
 * NULL (the standard mix: web1 a busy web VM, db1 a nearly full bus,
 * fresh1 a fresh one) or a scenario name, which adds one instance shaped
 * by it.  On failure nothing is left behind. */
int sim_demo_start(const char *scenario, struct sim_demo *d, struct err *e);

/* Stop the child (SIGTERM, wait) and remove the temp dir.  Safe to call
 * twice and after a failed start. */
void sim_demo_stop(struct sim_demo *d);

#endif
