/* SPDX-License-Identifier: GPL-3.0-or-later */
/* devcheck.h - a recorded device's backend against what QEMU has: a NIC's
 * MAC, netdev peer and queue count (`info network`), a disk's image path,
 * format, protocol driver, read-only flag and cache mode (`query-block` /
 * `info block`), so that `show` can say when the runtime file and the
 * running QEMU disagree (someone changed the VM by hand, a hotplug was
 * rolled back halfway, the file was edited).
 *
 * Nothing is allocated; results go to caller-owned structs.
 */
#ifndef SLOTSCOPE_DEVCHECK_H
#define SLOTSCOPE_DEVCHECK_H

#include "base/err.h"
#include "qemu/blkinfo.h"
#include "qemu/netinfo.h"
#include "store/store.h"

struct hotplug_target;

/* What QEMU has, read once for a whole instance. */
struct devcheck_live {
	struct netinfo net;
	struct blkinfo blk;
	int ok;			/* read; else why says what failed */
	char why[256];
};

struct devcheck {
	int checked;		/* QEMU was asked */
	int match;		/* QEMU has it as recorded */
	char why[256];		/* the first difference, "" when match */
};

/* Ask the instance's monitor (one session); live->ok says whether it
 * answered, and live->why why not. */
void devcheck_read(const struct hotplug_target *t, struct devcheck_live *l);
/* One device against l (not checked when l->ok is 0, or the device is
 * unplugging). */
void devcheck_one(const struct store_dev *d, const struct devcheck_live *l,
    struct devcheck *out);

#endif
