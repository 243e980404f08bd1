/* state.h - CONTRACT (to be implemented in core/state.c by the issue-4 work):
 * one state per slot, from the live bus, the reservation map and the
 * runtime file.
 */
#ifndef SLOTSCOPE_STATE_H
#define SLOTSCOPE_STATE_H

#include "pci.h"
#include "slotmap.h"

enum slot_state {
	SLOT_FREE,		/* nothing live, not reserved */
	SLOT_RESERVED,		/* reserved, nothing live */
	SLOT_BUILTIN,		/* live device with an empty qdev id */
	SLOT_USED,		/* live device the runtime file knows */
	SLOT_FOREIGN,		/* live device with an id the runtime doesn't know */
	SLOT_MISSING,		/* runtime has a device there, the bus does not */
	SLOT_UNPLUGGING,	/* device_del sent, removal not yet confirmed */
	SLOT_NSTATES
};

const char *slot_state_name(enum slot_state s);	/* "free", ... */

struct slot_view {
	enum slot_state state;
	int reserved;			/* in the reservation map */
	char id[128];			/* device id (runtime's or live), or "" */
	char type[16];			/* from the runtime, or "" */
	char uuid[40];			/* from the runtime, or "" */
	int nfn;			/* live functions in this slot */
};

#endif
