/* batch.h - batch mode: `slotscope [options] -c 'COMMAND' [-c ...] [--json]`
 * runs commands of the command language (core/cmd) over a fleet that
 * tui/main.c built from the options, and exits.
 */
#ifndef SLOTSCOPE_BATCH_H
#define SLOTSCOPE_BATCH_H

#include "fleet/fleet.h"

#define BATCH_MAX_CMDS 256
#define BATCH_UNPLUG_WAIT_MS 10000

/* Run the n commands in order (every one, also after a failure): text, or
 * with json one JSON value per line, on stdout; a failed command's one line
 * on stderr.  unplug_wait_ms < 0 means BATCH_UNPLUG_WAIT_MS.  Returns the
 * exit status: 0 every command succeeded, 1 one failed. */
int batch_run(struct fleet *f, const char *audit_log,
    const char *const *cmds, int n, int json, int unplug_wait_ms);

#endif
