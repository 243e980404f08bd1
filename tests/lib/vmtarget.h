/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vmtarget.h - a hotplug target (fleet/hotplug.h) on a test's QEMU
 * (struct tu_vm, testutil.h): the instance "vm1" on one of the QEMU's
 * monitor sockets, its runtime file in the QEMU's dir, under rt/.  The
 * strings the target points to live in the struct itself; nothing is
 * allocated.
 */
#ifndef SLOTSCOPE_VMTARGET_H
#define SLOTSCOPE_VMTARGET_H

#include "fleet/hotplug.h"
#include "testutil.h"

struct vmtarget {
	char ep[4200], rtdir[4200];
	struct hotplug_target t;
};

/* g for v (asserted to be up) through its socket sock ("qmp.sock",
 * "hmp.sock"): endpoint unix:DIR/sock, runtime dir DIR/rt. */
void vmtarget_init(struct vmtarget *g, const struct tu_vm *v,
    const char *sock);

#endif
