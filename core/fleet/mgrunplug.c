/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgrunplug.c - `unplug --force` of a device the VM's manager placed:
 * device_del, the wait, the backend; nothing recorded.  See mgrunplug.h.
 */
#include "fleet/mgrunplug.h"

#include <stdio.h>
#include <string.h>

#include "fleet/adopt.h"
#include "qemu/mon.h"
#include "qemu/monerr.h"

/* device_del and the wait, over m; *gone when QEMU confirmed. */
static int
del_and_wait(struct mon *m, struct mgr_unplug *out, const char *bus,
    int wait_ms, int *gone, struct err *e)
{
	const char *id = out->d.id;
	struct err e2;

	if (mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL, .id = id },
	    NULL, e) < 0) {
		enum monerr_kind k = mon_last_kind(m);

		if (k == MONERR_NOT_FOUND)
			*gone = 1;	/* already gone */
		else if (k == MONERR_UNPLUG_PENDING)
			out->why.repeat = -1;
		else
			return err_prefix(e, "device_del %s", id);
	}
	/* HMP's wait reads info pci, which lists nothing behind an
	 * unnumbered bridge: such a device would look gone at once */
	if (bus[0] != '\0' && mon_protocol(m) == MON_PROTO_HMP)
		wait_ms = 0;
	if (!*gone && wait_ms > 0 && mon_do(m, &(struct mon_req){
	    .op = MON_OP_WAIT_DELETED, .id = id, .timeout_ms = wait_ms },
	    NULL, &e2) == 0)
		*gone = 1;
	return 0;
}

int
unplug_managed(const struct hotplug_target *t, const char *id,
    const char *type, const char *bus, int wait_ms, struct mgr_unplug *out,
    struct err *e)
{
	struct store_txn txn;
	struct mon *m;
	int gone = 0, rc;

	memset(out, 0, sizeof *out);
	snprintf(out->d.id, sizeof out->d.id, "%s", id);
	snprintf(out->d.type, sizeof out->d.type, "%s", type);
	snprintf(out->d.bus, sizeof out->d.bus, "%s", bus);
	out->d.slot = -1;
	/* slotscope's own lock: no other slotscope change of this VM
	 * meanwhile; released without writing */
	if (store_open_seeded(t->runtime_dir, t->state_dir, t->inst, &txn,
	    hotplug_lock_ms(t), NULL, e) < 0)
		return -1;
	if ((m = hotplug_connect(t, e)) == NULL) {
		store_abort(&txn);
		return -1;
	}
	/* its backend, while QEMU still has the device to ask (a NIC's
	 * netdev, a disk's drive; anything else has none of ours to
	 * remove) */
	if (((strcmp(type, "nic") == 0 || strcmp(type, "disk") == 0) &&
	    adopt_describe(m, &out->d, e) < 0) ||
	    del_and_wait(m, out, bus, wait_ms, &gone, e) < 0) {
		mon_free(m);
		store_abort(&txn);
		return -1;
	}
	if (gone) {
		unplug_del_backend(m, &out->d, out->note, sizeof out->note);
		rc = HOTPLUG_DELETED;
	} else {
		unplug_diagnose(m, id, &out->why);
		rc = out->why.refused ? HOTPLUG_REFUSED : HOTPLUG_PENDING;
	}
	mon_free(m);
	store_abort(&txn);
	return rc;
}
