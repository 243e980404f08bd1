/* tui.h - the interactive mode: a live ncurses grid of every instance's 32
 * PCI slots, a detail pane, an event log and a GNU readline command line.
 *
 * The caller (tui/main.c, or a mode such as --demo that prepares instances
 * first) owns the fleet and keeps it alive until tui_run() returns; the TUI
 * only refreshes it and runs commands on it through core/cmd.h.
 */
#ifndef SLOTSCOPE_TUI_H
#define SLOTSCOPE_TUI_H

#include <poll.h>
#include <stddef.h>

#include "err.h"
#include "fleet.h"

/* Optional extra file descriptors served from the TUI's poll loop, for a
 * mode that must keep something running in this process (e.g. an
 * in-process simulator).  Both functions are called once per loop turn. */
struct tui_hook {
	void *arg;
	/* Fill up to max (64) pollfds; lower *timeout_ms if needed (-1 =
	 * none yet); return count. */
	size_t (*pollfds)(void *arg, struct pollfd *pfd, size_t max,
	    int *timeout_ms);
	/* Handle what poll() returned for them. */
	void (*step)(void *arg, const struct pollfd *pfd, size_t n);
};

struct tui_opts {
	double interval;		/* seconds between refreshes (2) */
	const char *audit_log;		/* passed to the command language */
	const char *history_file;	/* NULL: $XDG_STATE_HOME/slotscope/history */
	const char *title;		/* shown in the header, e.g. "demo" */
	struct tui_hook hook;		/* all NULL when unused */
};

void tui_opts_init(struct tui_opts *o);

/* Run the interactive screen until the user quits.  Needs a terminal on
 * stdin/stdout.  Returns 0, or -1 with e filled (no terminal, ...). */
int tui_run(struct fleet *f, const struct tui_opts *o, struct err *e);

#endif
