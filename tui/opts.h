/* SPDX-License-Identifier: GPL-3.0-or-later */
/* opts.h - slotscope's command line: every option of every mode in one
 * table, read by one getopt_long() pass, and the mode decided from what
 * was given (not from argv scanned by hand).  `--opt=X` and `--opt X` both
 * work; an option that does not go with the mode, or two modes at once, is
 * a one-line usage error.
 *
 * The modes: the screen (the default), batch mode (-c COMMAND), --probe,
 * --demo, --simulate, --scenario list and --agent (what `ssh NODE
 * slotscope --agent` runs for another host's slotscope); --help and
 * --version.
 */
#ifndef SLOTSCOPE_OPTS_H
#define SLOTSCOPE_OPTS_H

#include <stdio.h>

#include "base/err.h"
#include "batch.h"
#include "sim/simdev.h"
#include "tui.h"

enum opts_mode {
	OPTS_TUI,		/* the live screen */
	OPTS_BATCH,		/* -c COMMAND ... */
	OPTS_PROBE,		/* --probe ENDPOINT */
	OPTS_DEMO,		/* --demo */
	OPTS_SIMULATE,		/* --simulate DIR */
	OPTS_SCENARIOS,		/* --scenario list */
	OPTS_AGENT,		/* --agent: the other end of a host */
	OPTS_HELP,		/* --help: print opts_usage() */
	OPTS_VERSION,		/* --version */
	OPTS_NMODES
};

#define OPTS_MAX_MONITOR_DIRS 8
#define OPTS_MAX_LIBVIRT 8
#define OPTS_MAX_HOSTS 64

/* The strings point into argv, which must outlive the struct. */
struct opts {
	enum opts_mode mode;

	/* the screen and batch mode: where instances come from */
	const char *config;		/* --config FILE, NULL = default */
	const char *monitor_dir[OPTS_MAX_MONITOR_DIRS];
	int nmonitor_dir;
	const char *libvirt[OPTS_MAX_LIBVIRT];	/* --libvirt [URI]; "" is
						 * libvirt's default URI */
	int nlibvirt;
	const char *host[OPTS_MAX_HOSTS];	/* --host NAME=ssh://... */
	int nhost;
	const char *runtime_dir;
	const char *state_dir;
	const char *audit_log;
	double interval;		/* also --demo; 0 = not given */
	char **args;			/* NAME=ENDPOINT ... */
	int nargs;

	/* the screen and --demo */
	enum tui_colors colors;		/* --colors WHEN, default auto */

	/* batch mode (tui/batch.c) */
	const char *cmds[BATCH_MAX_CMDS];	/* -c COMMAND ... */
	int ncmds;
	int json;			/* --json, also --probe's */
	const char *columns;		/* -o, --output COLUMNS */
	int raw;			/* --raw */
	int noheadings;			/* --noheadings */
	int unplug_wait_ms;		/* --unplug-wait MS, -1 = default */

	const char *probe;		/* --probe ENDPOINT */

	/* the simulator (tui/simcli.c) */
	const char *simulate;		/* --simulate DIR */
	const char *scenario;		/* --scenario NAME (a known one) */
	const char *names;		/* --names NAME,... */
	const char *guest;		/* --guest MODE, parsed by simcli */
	const char *fault;		/* --fault LIST, parsed by simcli */
	const char *sockets;		/* --sockets WHICH, parsed by simcli */
	int instances;			/* --instances N, default 1 */
	int root_ports;			/* --root-ports N (q35), default 0 */
	enum simdev_machine_type machine;	/* --machine, default pc */
};

/* Read argv into o and decide the mode.  Returns 0, or -1 with e holding
 * one line for the user (the caller exits with status 2).  Uses getopt's
 * globals and may permute argv, as getopt_long does. */
int opts_parse(int argc, char **argv, struct opts *o, struct err *e);

/* The --help text: every mode and every option. */
void opts_usage(FILE *out);

#endif
