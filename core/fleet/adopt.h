/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adopt.h - taking over what slotscope did not place, and letting go of a
 * record whose device is gone.
 *
 * adopt: a live device on bus 0 with a qdev id that the runtime file does
 *   not record (booted with the VM -- `-device virtio-net-pci,id=...` --,
 *   added by hand or by another tool) is recorded as plugged, so that it
 *   shows as used and can be unplugged.  Its driver, mac and backend come
 *   from QEMU (qom-get of type, mac, netdev / drive under
 *   /machine/peripheral/ID; the netdev's kind from `info network`), its
 *   type (nic or disk) from its PCI class, or from the caller when the
 *   class says neither.  A device without an id is refused: QEMU can only
 *   be asked to unplug a device by its id.
 * forget: a runtime device that is not on the bus any more (`missing`) is
 *   dropped from the file; its backend, if QEMU still has it and no device
 *   uses it, is removed.  A live device is refused (unplug it).
 *
 * Both take the store lock, open a session of their own (lock, then
 * monitor, as every flow), resolve the journal first (fleet/journal.h),
 * and change nothing on failure.  Nothing is allocated for the caller.
 */
#ifndef SLOTSCOPE_ADOPT_H
#define SLOTSCOPE_ADOPT_H

#include "base/err.h"
#include "fleet/hotplug.h"
#include "store/store.h"

/* what: a slot number or a qdev id; type: "nic", "disk" or NULL (from the
 * PCI class).  On success *out is the device as recorded. */
int adopt_device(const struct hotplug_target *t, const char *what,
    const char *type, struct store_dev *out, struct err *e);

/* Driver, mac and backend of live device d->id (d->type "nic": its
 * netdev and mac; otherwise its drive), from QEMU over m (qom-get under
 * /machine/peripheral). */
struct mon;
int adopt_describe(struct mon *m, struct store_dev *d, struct err *e);

/* what: a slot number or a recorded id.  On success *out is the device
 * dropped; note (when not NULL) says what happened to its backend. */
int adopt_forget_device(const struct hotplug_target *t, const char *what,
    struct store_dev *out, char *note, size_t notesz, struct err *e);

#endif
