/* SPDX-License-Identifier: GPL-3.0-or-later */
/* batch.h - batch mode: `slotscope [options] -c 'COMMAND' [-c ...] [--json]`
 * runs commands of the command language (core/cmd) over a fleet that
 * tui/main.c built from the options, and exits.
 */
#ifndef SLOTSCOPE_BATCH_H
#define SLOTSCOPE_BATCH_H

#include "fleet/fleet.h"
#include "table.h"

#define BATCH_MAX_CMDS 256
#define BATCH_UNPLUG_WAIT_MS 10000

struct batch_opts {
	int json;		/* --json: one JSON value per line */
	int unplug_wait_ms;	/* < 0: BATCH_UNPLUG_WAIT_MS */
	struct table_opts table;	/* -o, --raw, --noheadings */
};

/* Run the n commands in order (every one, also after a failure): text, a
 * table for list and show (table.h), or with json one JSON value per line,
 * on stdout; a failed command's one line on stderr (with json its JSON
 * value too, on stdout).  Returns the exit
 * status: 0 every command succeeded, 1 one failed, 2 -o names a column
 * that a list or show among the commands does not have (nothing runs). */
int batch_run(struct fleet *f, const char *audit_log,
    const char *const *cmds, int n, const struct batch_opts *o);

#endif
