/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state.h - one state per slot, from the live bus (pci_info), the
 * reservation map and the runtime file (store_rt); the rule for the slot of
 * a new device; and the checks `reserve` and `free` make.
 *
 * Everything here is pure: no I/O, nothing allocated.  Arrays of 32
 * slot_views are the caller's.
 *
 * Unplug completion: state_reconcile() reports, as a bit mask, the slots
 * whose runtime device is `unplugging` while the bus shows the slot empty
 * (or shows another id there).  That is QEMU's confirmation.  A refresh
 * (fleet.c) only reports it; the unplug lifecycle (fleet/unplug.h) records
 * it, under the store lock, after re-reading the file.  Until it is
 * persisted such a slot is shown free/reserved (or as what now lives
 * there), never given to a new device (state_first_free still counts the
 * runtime device).
 */
#ifndef SLOTSCOPE_STATE_H
#define SLOTSCOPE_STATE_H

#include <stdint.h>

#include "base/err.h"
#include "model/pci.h"
#include "model/slotmap.h"
#include "store/store.h"

enum slot_state {
	SLOT_FREE,		/* nothing live, not reserved */
	SLOT_RESERVED,		/* reserved, nothing live */
	SLOT_BUILTIN,		/* live device with an empty qdev id */
	SLOT_USED,		/* live device the runtime file knows */
	SLOT_FOREIGN,		/* live device with an id the runtime doesn't know */
	SLOT_MISSING,		/* runtime has a device there, the bus does not */
	SLOT_UNPLUGGING,	/* device_del sent, removal not yet confirmed */
	SLOT_BRIDGE,		/* a bridge, or a root port with a device
				 * behind it: slot_view.behind / .places */
	SLOT_PORT,		/* an empty root port: a free hotplug place */
	SLOT_CLOSED,		/* empty, but nothing can be hot-added here
				 * (q35's pcie.0; slot 0 of a pci-bridge) */
	SLOT_UNKNOWN,		/* the bus could not be read (state_unknown) */
	SLOT_NSTATES		/* a new state goes before this, with its
				 * name in state.c */
};

const char *slot_state_name(enum slot_state s);	/* "free", ... */

struct slot_view {
	enum slot_state state;
	int reserved;			/* in the reservation map */
	char id[128];			/* device id (runtime's or live), or "" */
	char type[16];			/* from the runtime, or "" */
	char uuid[40];			/* from the runtime, or "" */
	char backend[200];		/* the runtime's backend in one line
					 * (store_backend_text), or "" */
	int nfn;			/* live functions in this slot */
	enum pci_bridge_kind bridge;	/* the slot holds a bridge */
	int behind;			/* devices behind it (all its buses);
					 * -1 when that is not known */
	int places;			/* free hotplug places behind it */
	int anonymous;			/* foreign: added without an id */
	/* who placed or keeps it (core/mgr's mgr_apply): "slotscope",
	 * "ganeti", "proxmox" or "" (nobody known) */
	char owner[12];
	char mname[64];			/* the manager's name for it: Ganeti's
					 * device name, a Proxmox key, what a
					 * reservation is for; or "" */
	char mac[18];			/* the manager's MAC, or "" */
	char where[256];		/* the manager's link or disk path */
	char conflict[96];		/* the manager records another device
					 * here: its id (and why), or "" */
};

/* Parse a state name; -1 with a message listing the names. */
int slot_state_parse(const char *buf, size_t len, enum slot_state *out,
    struct err *e);

/* One view per slot (out[0..31]), rules in this order:
 *   a bridge in the slot (pcitree.h):
 *     a root port known to be empty                   -> port
 *     otherwise                                       -> bridge
 *   live functions in the slot:
 *     a live id that the runtime has as `unplugging` -> unplugging
 *     a live id the runtime knows                     -> used
 *     every live function has an empty id            -> builtin, unless
 *       one of them is anonymous (pci_fn.anon)        -> foreign, anonymous
 *     otherwise                                       -> foreign (live id)
 *   no live function:
 *     runtime device there, `plugged`                 -> missing
 *     runtime device there, `unplugging`              -> free/reserved, and
 *                                                        its bit is returned
 *     reserved                                        -> reserved
 *     a root bus that takes no hotplug (q35)          -> closed
 *     otherwise                                       -> free
 * A runtime device `unplugging` whose id is nowhere on the bus also sets its
 * slot's bit when another device now lives in that slot.
 * `reserved` is set from the map whatever the state, on a pc root bus: a
 * PCIe root bus (q35) has no hotplug slot to reserve, so there the map is
 * not applied (its empty slots are closed, none reserved).  A runtime
 * device is
 * matched to a live function by id, so a device the runtime puts in slot 5
 * whose id is live in slot 7 makes 7 used and 5 missing.
 * Returns the mask of slots whose unplug QEMU has confirmed (see above). */
uint32_t state_reconcile(const struct pci_info *live,
    const struct store_rt *rt, struct slot_view out[32]);

struct pcitree;
/* The same for the slots of bus b of tree t (built from live): slots
 * beyond the bus's nslots and slots without hotplug that are empty are
 * `closed`; there are no reservations behind a bridge.  Runtime devices
 * are matched by their "bus".  Returns the mask of that bus's confirmed
 * unplugs. */
uint32_t state_reconcile_bus(const struct pci_info *live,
    const struct pcitree *t, int b, const struct store_rt *rt,
    struct slot_view out[32]);

/* The same, each slot kept small: slot_view's small fields, and where its
 * strings come from rather than copies of them -- for a refresh of
 * thousands that packs them (slotpack_set_res) without filling 32 wide
 * views.  The pointers are into live, t and rt (valid while they are
 * and unchanged).  state_res_view makes the view state_reconcile_bus
 * gives of the slot; state_reconcile_bus is state_reconcile_res and
 * state_res_view of each slot. */
struct slot_res {
	enum slot_state state;
	int reserved, nfn, anonymous, behind, places;
	enum pci_bridge_kind bridge;
	const char *id;			/* slot_view.id, NULL for "" */
	const struct store_dev *dev;	/* the runtime device whose type,
					 * uuid and backend it shows, or
					 * NULL */
	const char *owner;		/* slot_view.owner, NULL for "" (the
					 * caller's: NULL here) */
};
uint32_t state_reconcile_res(const struct pci_info *live,
    const struct pcitree *t, int b, const struct store_rt *rt,
    struct slot_res out[32]);
void state_res_view(const struct slot_res *r, struct slot_view *v);

/* One view per slot for an instance whose bus was not read on the last
 * refresh (busy, unreachable, garbage, never read): every state is
 * unknown; `reserved`, and the id, type and uuid of the runtime device of
 * a slot, come from the runtime file (nfn 0).  Nothing here is live: no
 * slot is free.  last: the bus as the last read found it (NULL or empty:
 * never read); when that was a PCIe root bus (q35's pcie.0) the
 * reservation map is not applied there, as state_reconcile_bus does not,
 * so no slot is marked reserved. */
void state_unknown(const struct store_rt *rt, const struct pci_info *last,
    struct slot_view out[32]);

/* Slots no new device may take: reservations | live bus 0 slots | slots of
 * root-bus runtime devices (plugged, missing or unplugging: a slot is reused only
 * after its unplug is confirmed and persisted). */
struct slotmap state_taken(const struct pci_info *live,
    const struct store_rt *rt);

/* The slot for a new device: the lowest slot not in state_taken(), or -1
 * with "all 32 PCI slots are taken" (Ganeti's _UpdatePCISlots +
 * _GetFreePCISlot as one rule). */
int state_first_free(const struct pci_info *live, const struct store_rt *rt,
    struct err *e);

/* May a new device go to this slot (slot=N)?  Refuses, saying why: out of
 * range, reserved, live (with the id or "built-in"), or held by a runtime
 * device. */
int state_check_new_slot(const struct pci_info *live,
    const struct store_rt *rt, int slot, struct err *e);

/* `reserve SLOT`: refuses an already reserved slot, a slot with a live
 * device, a slot a runtime device holds, and any slot of a PCIe root bus
 * (no hotplug there: the map is not applied to it, state_reconcile_bus).  Does not change anything:
 * the caller then calls slotmap_reserve on its locked runtime. */
int state_check_reserve(const struct pci_info *live,
    const struct store_rt *rt, int slot, struct err *e);

/* `free SLOT [--force]`: refuses a slot that is not reserved, and a slot
 * with a live device unless force (freeing a live builtin slot would let a
 * later hotplug try it; --force is the operator's call). */
int state_check_free(const struct pci_info *live, const struct store_rt *rt,
    int slot, int force, struct err *e);

#endif
