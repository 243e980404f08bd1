/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hpnic.h - the NIC steps of a hotplug that are about the instance's
 * other NICs: its MAC must be one no NIC of the instance has, live (QEMU's
 * `info network`, which also lists the board's own NICs) or recorded in
 * the runtime file, and a generated one is picked to avoid them all. */
#ifndef SLOTSCOPE_HPNIC_H
#define SLOTSCOPE_HPNIC_H

#include "base/err.h"
#include "fleet/hotplug.h"
#include "model/nicmodel.h"
#include "store/store.h"

struct mon;
struct moncmd_netdev;
struct netinfo;

/* The fds of a tap backend, one per queue, and their getfd names. */
struct hpnic_fds {
	int fd[NICMODEL_MAX_QUEUES];
	char name[NICMODEL_MAX_QUEUES][64];
	const char *names[NICMODEL_MAX_QUEUES];
	int n;		/* opened */
	int passed;	/* given to QEMU with getfd */
};

void hpnic_fds_init(struct hpnic_fds *f);
/* Close ours (QEMU keeps its copies). */
void hpnic_fds_close(struct hpnic_fds *f);
/* Open r's tap once per queue, pass each fd with getfd as
 * "fd<rest>" / "fd<rest>-qN", and point nd at them.  On failure what was
 * passed is closed in QEMU again. */
int hpnic_tap(struct mon *m, const struct hotplug_req *r, const char *rest,
    struct hpnic_fds *f, struct moncmd_netdev *nd, struct err *e);
/* After a refused netdev_add: closefd what getfd passed. */
void hpnic_tap_undo(struct mon *m, struct hpnic_fds *f);

/* The backend options of r into b (protocol, read-only, cache, aio,
 * discard, serial; bridge, created, vhost, queues) as persisted. */
void hpnic_describe(const struct hotplug_req *r, struct store_backend *b);

/* The MACs QEMU's NICs have (`info network`, qemu/netinfo.h), in two
 * halves so that the question can share a write with the query before
 * it (mon_req.pipe: QMP writes both at once, HMP asks in turn): queue it
 * (the op's index, or -1), then, once the session ran, read its answer
 * into ni (0, or -1 with e saying why). */
int hpnic_queue_macs(struct mon *m, struct err *e);
int hpnic_take_macs(struct mon *m, int op, struct netinfo *ni,
    struct err *e);
/* r->mac given: refuse it when taken (naming who has it) by a NIC of live
 * or a device of rt; empty: set it to a free generated one. */
int hpnic_pick_mac(const struct netinfo *live, const struct store_rt *rt,
    struct hotplug_req *r, struct err *e);

#endif
