/* fleet.h - CONTRACT (to be implemented in core/fleet.c by the issue-4 work):
 * the instances slotscope watches, their live bus, and the refresh engine.
 *
 * A refresh of one instance is: connect to its monitor (non-blocking),
 * query version + PCI, disconnect, then reconcile the live bus with the
 * instance's runtime file into one slot state per slot (state.h).  Many
 * refreshes run at once from one poll loop: the caller asks for pollfds and
 * a timeout, polls, and hands the results back to fleet_step().  Nothing here
 * blocks except fleet_refresh_wait().
 */
#ifndef SLOTSCOPE_FLEET_H
#define SLOTSCOPE_FLEET_H

#include <poll.h>
#include <stddef.h>

#include "err.h"
#include "pci.h"
#include "state.h"

enum inst_conn {
	INST_NEW,		/* never refreshed */
	INST_OK,		/* last refresh succeeded */
	INST_BUSY,		/* another client holds the monitor socket */
	INST_UNREACHABLE,	/* connect failed / socket gone / died */
	INST_ERROR,		/* the monitor answered garbage or an error */
};
const char *inst_conn_name(enum inst_conn c);	/* "ok", "busy", ... */

struct instance {
	char name[64];
	char endpoint[256];		/* unix:PATH, tcp:HOST:PORT or PATH */
	char protocol[8];		/* "hmp", "qmp", "" before first refresh */
	struct qemu_version version;
	enum inst_conn conn;
	char error[256];		/* last error, "" when none */
	double last_refresh;		/* wall-clock seconds; 0 = never */
	int refreshing;			/* a refresh is under way */
	struct pci_info live;		/* bus as last seen */
	struct slot_view slots[32];	/* reconciled states, state.h */
	void *priv;			/* fleet.c's own per-instance state */
};

/* One slot's state changed between two refreshes (for the event log). */
struct fleet_change {
	size_t inst;
	int slot;
	enum slot_state from, to;
	char id[128];
};

struct fleet {
	struct instance *inst;
	size_t n, cap;
	char runtime_dir[4096];
	int monitor_timeout_ms;		/* connect/banner deadline, default 500 */
	/* changes seen by refreshes, drained by fleet_take_changes() */
	struct fleet_change *changes;
	size_t nchanges, capchanges;
};

void fleet_init(struct fleet *f, const char *runtime_dir);
void fleet_free(struct fleet *f);
int fleet_add(struct fleet *f, const char *name, const char *endpoint,
    struct err *e);
/* Index of the instance called name, or -1 (with a message in e). */
long fleet_find(const struct fleet *f, const char *name, struct err *e);

/* Start refreshing instance i (or all, i == (size_t)-1); one already under
 * way is left alone. */
void fleet_refresh_start(struct fleet *f, size_t i, double now);
/* Fill up to max pollfds for the refreshes under way; *timeout_ms is lowered
 * to the nearest deadline.  Returns how many were filled. */
size_t fleet_pollfds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms);
/* Advance every refresh under way with what poll() returned (pfd/n as
 * filled by fleet_pollfds) and expire deadlines. */
void fleet_step(struct fleet *f, const struct pollfd *pfd, size_t n,
    double now);
/* Run refreshes started on i (or all) to the end: for batch mode. */
void fleet_refresh_wait(struct fleet *f, size_t i);

/* Move the collected changes to the caller (who free()s *out). */
size_t fleet_take_changes(struct fleet *f, struct fleet_change **out);

#endif
