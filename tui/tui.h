/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tui.h - the interactive mode: a live ncurses grid of every instance's 32
 * PCI slots, a detail pane, an event log and a GNU readline command line.
 *
 * The caller (tui/main.c, or a mode such as --demo that prepares instances
 * first) owns the fleet and keeps it alive until tui_run() returns; the TUI
 * only refreshes it and runs commands on it through core/cmd.h.
 */
#ifndef SLOTSCOPE_TUI_H
#define SLOTSCOPE_TUI_H


#include "base/err.h"
#include "fleet/fleet.h"

/* --colors: which palette (auto: from COLORFGBG, dark when it says
 * nothing); NO_COLOR in the environment wins over all of them. */
enum tui_colors { TUI_COLORS_AUTO, TUI_COLORS_DARK, TUI_COLORS_LIGHT,
	TUI_COLORS_NONE };

struct tui_opts {
	double interval;		/* seconds between refreshes (2) */
	const char *audit_log;		/* passed to the command language */
	const char *history_file;	/* NULL: $XDG_STATE_HOME/slotscope/history */
	const char *title;		/* shown in the header, e.g. "demo" */
	enum tui_colors colors;		/* --colors, default auto */
	int unplug_wait_ms;		/* how long an unplug's background job
					 * waits for the guest's answer
					 * (TUI_UNPLUG_WAIT_MS) */
};

/* Short: while the job waits, its instance's row keeps its last view (the
 * job holds the monitor, whose session receives the guest's answer); an
 * unplug still pending then is shown `unplugging` and completed by a later
 * refresh.  A guest's refusal comes well within it. */
#define TUI_UNPLUG_WAIT_MS 3000

void tui_opts_init(struct tui_opts *o);

/* Run the interactive screen until the user quits.  Needs a terminal on
 * stdin/stdout.  Returns 0, or -1 with e filled (no terminal, ...). */
int tui_run(struct fleet *f, const struct tui_opts *o, struct err *e);

/* termcheck.c: 0 when $TERM can show the screen (it can move the cursor),
 * else -1 with e saying so and pointing to -c.  Leaves no terminal set up;
 * call it before tui_run, and before starting anything worth undoing. */
int tui_term_check(struct err *e);

#endif
