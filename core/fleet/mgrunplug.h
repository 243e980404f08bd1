/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgrunplug.h - `unplug --force` of a device the VM's manager (Ganeti,
 * Proxmox) placed: slotscope asks QEMU to remove it and, once QEMU
 * confirms, removes its backend as the manager's own removal does
 * (netdev_del, drive_del), and records nothing.
 *
 * Why apart from the unplug lifecycle (unplug.h): that one is about the
 * devices of slotscope's runtime file, whose intent it persists before
 * device_del so that a crash is resolved later.  A manager's device is
 * not slotscope's: it never goes into slotscope's runtime file (nor, of
 * course, into the manager's, which slotscope never writes), so there is
 * no intent to keep.  A refresh after a crash simply shows what QEMU has
 * against what the manager records (the device `missing` once gone).
 * The store lock is still taken (and released unwritten) so that this
 * waits for, and is not overlapped by, another slotscope change of the
 * same VM.
 *
 * Nothing is allocated for the caller.
 */
#ifndef SLOTSCOPE_MGRUNPLUG_H
#define SLOTSCOPE_MGRUNPLUG_H

#include "base/err.h"
#include "fleet/hotplug.h"
#include "fleet/unplug.h"
#include "store/store.h"

struct mgr_unplug {
	struct store_dev d;	/* the device as QEMU describes it (id, type,
				 * driver, mac, backend); never recorded */
	struct unplug_why why;	/* why it is not gone yet */
	char note[256];		/* what happened to its backend, or "" */
};

/* Unplug live device id (type "nic", "disk" or another word) of
 * t->inst, which sits on the bus at path bus ("" the root bus), waiting
 * up to wait_ms for QEMU to confirm.  Returns HOTPLUG_DELETED (gone, its
 * backend removed: out->note says when that failed), HOTPLUG_PENDING
 * (device_del taken, not confirmed: out->why says why; the backend
 * stays), HOTPLUG_REFUSED (the guest said no: the device stays), or -1
 * with e set when nothing was sent or device_del failed. */
int unplug_managed(const struct hotplug_target *t, const char *id,
    const char *type, const char *bus, int wait_ms, struct mgr_unplug *out,
    struct err *e);

#endif
