/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simcli.h - the simulator's command-line modes: `--simulate DIR`,
 * `--demo` without a terminal and `--scenario list` (main.c picks the
 * mode; opts.h read the options).  The serving logic is in core (sim.h,
 * simscen.h); this file only starts it and reports.  Each returns the
 * process exit status.
 */
#ifndef SLOTSCOPE_SIMCLI_H
#define SLOTSCOPE_SIMCLI_H

#include "opts.h"

/* Serve o->instances (or o->names) simulated monitors in o->simulate,
 * shaped by o->scenario, o->guest and o->fault, until SIGINT/SIGTERM/
 * SIGHUP; then the sockets are removed.  0, 1 failed, 2 bad --guest or
 * --fault. */
int simcli_simulate(const struct opts *o);

/* The demo instances (scenario may be NULL) without a terminal: print what
 * a probe of each sees, then wait for a signal and remove everything. */
int simcli_demo(const char *scenario);

/* Print the scenarios, one a line: name and what it shows. */
int simcli_scenarios(void);

#endif
