/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet.h - the instances slotscope watches, their live bus, and the
 * refresh engine.
 *
 * A refresh of one instance is: connect to its monitor (non-blocking,
 * core/qemu), query version + PCI, then reconcile the live bus with the
 * instance's runtime file (store_load, no lock) into one slot state per slot
 * (state.h), then disconnect: QEMU serves one client per monitor socket, so
 * no socket is held between refreshes.  Many refreshes run at once from one
 * poll loop: the caller asks for pollfds and a timeout, polls, and hands the
 * results back to fleet_step().  Nothing here blocks except
 * fleet_refresh_wait().  A slow, dead or busy monitor only delays its own
 * instance (its conn becomes busy/unreachable/error with a one-line error).
 *
 * Truth: a bus that could not be read on the last refresh is never shown,
 * counted or used as free: the instance's slots are then `unknown`; the
 * last good map (last[], live) stays, with its time (last_read), for a
 * view that says it is old.  Changes (the event log) compare two reads.
 *
 * A refresh only reads.  When it sees that a device the runtime file has
 * as `unplugging` is gone from the bus, QEMU has confirmed the unplug: the
 * slot is shown free/reserved in that same refresh (state_reconcile), and
 * the device is REPORTED (fleet_take_unplugs), once until taken.  Recording
 * it (backend removed, device dropped from the runtime file, audit line) is
 * the unplug lifecycle's job, unplug.h: whoever consumes refresh results
 * calls unplug_record_reported() after fleet_step / fleet_refresh_wait.  A
 * report not recorded (lock held, monitor busy) comes again with the next
 * refresh, as long as the file still says `unplugging`.  Likewise a
 * runtime file with intents (operations that died half-way, journal.h) is
 * only noted (instance.journal) for journal_resolve_reported().
 *
 * Memory: the fleet owns its instances, their pci_info, slot packs and
 * messages, each instance's priv (a struct mon and refresh state) and the
 * undrained changes and reports; fleet_free() frees all.  An instance is
 * kept small (a few KB with its bus) so that a fleet of 10,000 fits in
 * tens of MB: slot views are packed (slotpack.h), messages allocated,
 * and a monitor session's buffers exist only while it is open.
 * fleet_add() may move the instance array: do not keep struct instance
 * pointers across it (keep indexes).
 */
#ifndef SLOTSCOPE_FLEET_H
#define SLOTSCOPE_FLEET_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/nameidx.h"
#include "mgr/mgrref.h"
#include "store/instsrc.h"
#include "model/pci.h"
#include "model/slotpack.h"
#include "model/state.h"

enum inst_conn {
	INST_NEW,		/* never refreshed */
	INST_OK,		/* last refresh succeeded */
	INST_BUSY,		/* another client holds the monitor socket */
	INST_UNREACHABLE,	/* connect failed / socket gone / died */
	INST_ERROR,		/* the monitor answered garbage or an error */
};
const char *inst_conn_name(enum inst_conn c);	/* "ok", "busy", ... */

/* An instance's backend (fleetback.h drives them). */
enum fleet_back_kind {
	FLEET_BACK_MONITOR,	/* the QEMU monitor at its endpoint */
	FLEET_BACK_LIBVIRT,	/* a libvirt connection's domain */
	FLEET_BACK_AGENT,	/* an instance of a host over ssh */
	FLEET_BACK_N
};

/* One bus behind a bridge as the last refresh saw it: the grid's child
 * rows (pcitree.h names buses by the bridge's place). */
struct inst_bus {
	char path[24];			/* "5", "2.1-0" */
	char name[128];			/* the bridge's id, or its path */
	enum pci_bridge_kind kind;
	int nslots;			/* 32, or 1 behind a root port */
	int places;			/* free hotplug places on it */
	int known;			/* 0: what is behind it is not known */
	struct slotpack slots;		/* its slots' states (slotpack.h) */
};

struct instance {
	char name[64];
	char endpoint[256];		/* unix:PATH, tcp:HOST:PORT or PATH */
	char protocol[8];		/* "hmp", "qmp", "" before first refresh */
	struct qemu_version version;
	enum inst_conn conn;
	/* The messages below are never NULL: "" when none, else owned by
	 * the fleet (set with fleet_set_msg). */
	const char *error;		/* last monitor error, "" when none */
	const char *rt_error;		/* runtime file problem (e.g. it does
					 * not parse: slots are then shown
					 * against the default runtime), "" */
	double last_refresh;		/* wall-clock seconds; 0 = never */
	double last_read;		/* when the bus was last read (the
					 * last refresh that succeeded), wall
					 * seconds; 0 = never */
	int refreshing;			/* a refresh is under way; set and
					 * cleared with fleet_set_refreshing */
	int journal;			/* the last refresh found intents in
					 * the runtime file, for
					 * journal_resolve_reported; set and
					 * cleared with fleet_set_journal */
	struct pci_info live;		/* bus as last READ (at last_read):
					 * current only when inst_read() */
	/* Slot states, packed (slotpack.h: slots.b[s].state; the full
	 * view with slotpack_get):  */
	struct slotpack slots;		/* the states now: reconciled when
					 * inst_read(), else all unknown
					 * (state_unknown) */
	struct slotpack last;		/* the states of the last read
					 * (valid when last_read > 0): the
					 * last good map, shown as such */
	int capacity;			/* free hotplug places (places.h);
					 * -1 before the first refresh */
	struct inst_bus *bus;		/* the buses behind bridges (owned by
					 * the fleet), nbus of them */
	size_t nbus;
	void *priv;			/* fleet.c's own per-instance state */
	/* Its backend (enum fleet_back_kind): FLEET_BACK_MONITOR, the QEMU
	 * monitor at endpoint (fleet.c), src 0; FLEET_BACK_LIBVIRT, libvirt
	 * source src - 1 (fleetvirt.h), endpoint "libvirt:URI";
	 * FLEET_BACK_AGENT, host src - 1 (fleetagent.h), named HOST/NAME,
	 * endpoint the node's. */
	int back;
	int src;
	char vstate[16];		/* libvirt's domain state, "" */
	char vdom[64];			/* libvirt's domain name (name is
					 * NAME@HOST when taken), "" */
	char host[64];			/* libvirt: the connection's host
					 * (the URI's, else its hostname);
					 * an agent's: its host's name; ""
					 * for a monitor */
	const struct mgr_ref *mgr;	/* its manager (core/mgr): never
					 * NULL, &fleet_mgr_none by default
					 * (fleet_set_manager; owned) */
	struct mgr_info *mi;		/* what the manager's file said at the
					 * last view; NULL for none (owned) */
	const char *mgr_error;		/* the manager's file could not be
					 * read, "" */
};

/* Set one of an instance's messages (error, rt_error, mgr_error) to a
 * copy of msg (NULL or "": none); the old one is freed.  Out of memory
 * leaves "out of memory"'s literal. */
void fleet_set_msg(const char **dst, const char *msg);

/* Was the bus read on the last refresh?  When not (busy, unreachable,
 * garbage, never read), nothing about the slots is known now: slots[] are
 * unknown and commands that need the live bus refuse. */
int inst_read(const struct instance *in);

/* A refresh saw the unplug of this runtime device confirmed (it is
 * `unplugging` in the runtime file and gone from the bus). */
struct fleet_unplug {
	size_t inst;
	int slot;
	char id[128];
};

/* One slot's state changed between two refreshes (for the event log). */
struct fleet_change {
	size_t inst;
	int slot;
	enum slot_state from, to;
	char id[128];
};

#define FLEET_MAX_PARALLEL 64
#define FLEET_MAX_CHANGES 16384	/* undrained changes beyond are dropped */

struct fleet {
	struct instance *inst;
	size_t n, cap;
	char runtime_dir[4096];
	char state_dir[4096];		/* where the reservation seeds are;
					 * "" = the runtime dir (one dir) */
	int monitor_timeout_ms;		/* connect/banner deadline, default 500;
					 * read by fleet_add */
	int op_timeout_ms;		/* deadline per query, default 2000;
					 * read by fleet_add */
	char audit_syslog[108];		/* the syslog socket audit lines also
					 * go to (config audit-syslog on:
					 * AUDIT_SYSLOG_SOCKET); "" = none */
	char audit_log[4096];		/* where unplug_record_reported logs
					 * confirmed unplugs; "" = not */
	int max_parallel;		/* monitor sessions open at once,
					 * default FLEET_MAX_PARALLEL; more
					 * refreshes queue for a free one */
	/* changes seen by refreshes, drained by fleet_take_changes() */
	struct fleet_change *changes;
	size_t nchanges, capchanges;
	/* confirmed unplugs seen, taken by fleet_take_unplugs() */
	struct fleet_unplug *unplugs;
	size_t nunplugs, capunplugs;
	/* libvirt connections, fleetvirt.c's (fleet_add_libvirt) */
	struct fleetvirt **virt;
	size_t nvirt;
	/* hosts over ssh, fleetagent.c's (fleet_add_host) */
	struct fleethost **hosts;
	size_t nhosts;
	size_t nother;			/* instances of other backends than
					 * the monitor (fleet_add_backend) */
	/* fleet.c's own bookkeeping, so that a poll wakeup costs what the
	 * sessions under way cost, not what the fleet is: */
	struct nameidx names;		/* instance names -> indexes */
	size_t *run, nrun, caprun;	/* sessions open, in instance order */
	size_t nqueued, qlow;		/* refreshes waiting; none below qlow */
	struct fleetpoll *fpoll;	/* their epoll set (fleetpoll.c) */
	unsigned long turn;		/* wakeups stepped */
	/* Bumped whenever what some instance shows may have changed: a
	 * refresh ended with another view than the one before (state,
	 * slots, buses, messages, version), a first refresh started, a
	 * manager was set.  A screen redraws when it moved, not per
	 * wakeup.  A refresh that read the same as before leaves it (its
	 * last_refresh time changes: fleet_view_hash leaves times out). */
	unsigned long gen;
	size_t njournal;		/* instances with journal set */
	size_t nrefreshing;		/* instances with refreshing set */
	/* the runtime file last parsed (store_load_cached): a command that
	 * reads one instance's file several times parses it once; owned,
	 * NULL when it could not be allocated (then every read parses) */
	struct store_cache *rtc;
	uint64_t pci_key[2];		/* fleetseen.c's siphash key, random
					 * (all zero: none) */
	unsigned long pci_seen;		/* reads whose query-pci reply was the
					 * one read before (fleetseen.c): not
					 * parsed again */
	unsigned long views_kept;	/* of those, the reads whose view was
					 * kept as it was (fleetseen.c) */
};

/* Set or clear instance i's journal note (keeps f->njournal, so that a
 * caller looking for noted instances walks the fleet only when some
 * are). */
void fleet_set_journal(struct fleet *f, size_t i, int on);

/* Set or clear instance i's refreshing (keeps f->nrefreshing, so that
 * what is pending is known without a walk of the fleet). */
void fleet_set_refreshing(struct fleet *f, size_t i, int on);

/* A hash of what instance in shows (not its times): equal views, equal
 * hashes. */
uint64_t fleet_view_hash(const struct instance *in);

/* runtime_dir NULL or "": no runtime files (every instance shows the
 * default reservation and no devices; nothing is written). */
void fleet_init(struct fleet *f, const char *runtime_dir);
void fleet_free(struct fleet *f);
/* Add an instance (name as store_check_name, endpoint as mon_new checks
 * it); a name already present is refused.  Returns the new index (>= 0). */
int fleet_add(struct fleet *f, const char *name, const char *endpoint,
    struct err *e);
/* For other backends than the monitor (fleetback.h's back, fleetvirt.c):
 * an instance with no monitor, fed by fleet_publish.  name:
 * store_check_name's rules, or NAME@HOST with both halves so (it has no
 * runtime file).  Returns the new index (>= 0). */
int fleet_add_backend(struct fleet *f, const char *name,
    const char *endpoint, int back, int src, struct err *e);
/* A backend's refresh of instance i ended with this bus and runtime view:
 * slots reconciled, changes recorded, live taken over (live is left
 * empty), conn ok and the refresh over. */
void fleet_publish(struct fleet *f, size_t i, struct pci_info *live,
    const struct store_rt *rt, double now);
/* Add every instance of a source list; stops at the first error. */
int fleet_add_list(struct fleet *f, const struct instsrc_list *l,
    struct err *e);
/* Instance indexes in display order into order[0..n): monitors first, then
 * each libvirt connection's domains together (rows grouped by host), in
 * the order they came.  order has f->n entries. */
void fleet_display_order(const struct fleet *f, size_t *order);
/* fleetmgr.c: instance i is managed by ref's manager (its file is read
 * now and at every view). */
void fleet_set_manager(struct fleet *f, size_t i, const struct mgr_ref *ref);
/* A refresh's states of instance i for the bus it read: the manager's
 * file read again, state_reconcile (whose mask it returns), then what the
 * manager records (mgr_apply); t receives the tree they were read on
 * (fleet_mgr_tree's), for the caller's bridges and places.  fleet_view
 * applies the manager too. */
struct store_rt;
struct pcitree;
uint32_t fleet_mgr_view(struct fleet *f, size_t i,
    const struct pci_info *live, const struct store_rt *rt,
    struct pcitree *t, struct slotpack *out);
/* The PCI tree of live with in's manager's places held (mgr_hold: they
 * are no free hotplug place), and the root-bus states of live against rt
 * with the manager's overlay (the bridges' free places counted on that
 * tree), whose mask of confirmed unplugs it returns. */
struct pcitree;
void fleet_mgr_tree(const struct instance *in, const struct pci_info *live,
    struct pcitree *t);
uint32_t fleet_mgr_root(const struct instance *in,
    const struct pci_info *live, const struct store_rt *rt,
    struct slot_view out[32]);
/* The states of bus b of t (from fleet_mgr_tree) with the overlay. */
void fleet_mgr_bus(const struct instance *in, const struct pci_info *live,
    const struct pcitree *t, int b, const struct store_rt *rt,
    struct slot_view out[32]);
/* The same packed into out, its mask of confirmed unplugs returned
 * (without a manager no slot_view is made: state_reconcile_res). */
uint32_t fleet_mgr_pack(const struct instance *in,
    const struct pci_info *live, const struct pcitree *t, int b,
    const struct store_rt *rt, struct slotpack *out);
/* Release instance i's manager info (mi; not its mgr ref). */
void fleet_mgr_free(struct instance *in);
/* What an instance no manager manages points at. */
extern const struct mgr_ref fleet_mgr_none;
/* Index of the instance called name, or -1 (with a message in e).  With
 * hosts, a bare NAME also finds the one HOST/NAME there is; when several
 * hosts have one it is -1 and e names them. */
long fleet_find(const struct fleet *f, const char *name, struct err *e);
/* Index of the instance called exactly name, or -1. */
long fleet_find_exact(const struct fleet *f, const char *name);
/* Instance i's runtime file as it is on disk now (the defaults when the
 * fleet has no runtime dir).  rt is initialised either way; free it with
 * store_rt_free, also on failure. */
struct store_rt;
int fleet_load_rt(const struct fleet *f, size_t i, struct store_rt *rt,
    struct err *e);

/* The states of instance i now, against the runtime file rt as it is now:
 * state_reconcile with the live bus when inst_read(), else state_unknown.
 * Returns the mask of confirmed unplugs (0 when not read). */
uint32_t fleet_view(const struct fleet *f, size_t i,
    const struct store_rt *rt, struct slot_view out[32]);

/* Start refreshing instance i (or all, i == (size_t)-1); one already under
 * way is left alone. */
void fleet_refresh_start(struct fleet *f, size_t i, double now);
/* Fill up to max pollfds for the refreshes under way (give max >=
 * fleet_npending(): a pollfd left out is not polled and its sessions may
 * run into their deadlines); *timeout_ms (-1 = none yet) is lowered to the
 * nearest deadline.  Returns how many were filled.  The open monitor
 * sessions (at most max_parallel) are one pollfd: their epoll set
 * (fleetpoll.c), so a wakeup costs what the ready sessions cost.  A forked
 * child shares that set with its parent until its first
 * fleet_refresh_start or fleet_refresh_cancel, which give it its own
 * (cmd_job's child cancels all first). */
size_t fleet_pollfds(struct fleet *f, struct pollfd *pfd, size_t max,
    int *timeout_ms);
/* Advance every refresh under way with what poll() returned (pfd/n as
 * filled by fleet_pollfds) and expire deadlines. */
void fleet_step(struct fleet *f, const struct pollfd *pfd, size_t n,
    double now);
/* Run refreshes started on i (or all) to the end: for batch mode. */
void fleet_refresh_wait(struct fleet *f, size_t i);
/* Instance i's own monitor session, idle between its refreshes (NULL for
 * a libvirt instance or while it refreshes; the fleet owns it): a flow
 * that has just used the monitor may hand its open connection to it
 * (mon_hand_over) so that the next refresh reads over that connection
 * instead of opening one.  The refresh closes it as always. */
struct mon;
struct mon *fleet_session(struct fleet *f, size_t i);
/* With a hand-over whose bus answers the next refresh's query-pci: the
 * reply (mon_result text, the protocol's form) to `qom-list` of the
 * anonymous devices (qemu/anon.h) the flow read with that bus, so that
 * the refresh takes the anonymous devices from it instead of asking
 * again (their qom-gets are still asked).  Copied; 0, or -1 (out of
 * memory, or no idle monitor session: the refresh asks). */
int fleet_session_anon(struct fleet *f, size_t i, const char *text);
/* Abandon the refresh under way on i (or all): the connection is closed
 * at once (nothing was sent before the banner, and queries change
 * nothing), the instance keeps its last view.  For a command that needs
 * the monitor now (hotplug) while a refresh holds it. */
void fleet_refresh_cancel(struct fleet *f, size_t i);
/* How many refreshes are under way, plus the pollfds each other backend
 * may fill (one per libvirt source): size the pollfd array with it. */
size_t fleet_npending(const struct fleet *f);

/* Move the collected changes to the caller (who free()s *out). */
size_t fleet_take_changes(struct fleet *f, struct fleet_change **out);
/* Move the reported confirmed unplugs to the caller (who free()s *out);
 * unplug_record_reported() is the caller that records them. */
size_t fleet_take_unplugs(struct fleet *f, struct fleet_unplug **out);

#endif
