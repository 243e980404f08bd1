/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nicmodel.h - the NIC models slotscope hot-adds and what each can do.
 *
 *   virtio-net-pci  multiqueue (mq=on, vectors=2N+2 for N queues: one
 *                   vector per rx and tx queue, one for control, one for
 *                   config changes), vhost
 *   e1000, e1000e, rtl8139  one queue; vhost only speeds up virtio
 * These are what Ganeti, Proxmox and libvirt plug.  A model outside the
 * table is QEMU's to take or refuse, with one queue and no vhost.
 */
#ifndef SLOTSCOPE_NICMODEL_H
#define SLOTSCOPE_NICMODEL_H

#include "base/err.h"

#define NICMODEL_MAX_QUEUES 8

struct nicmodel {
	const char *name;
	int virtio;		/* multiqueue and vhost */
};

/* The model called name, or NULL with a message listing the models (e
 * may be NULL). */
const struct nicmodel *nicmodel_find(const char *name, struct err *e);
/* queues (1..NICMODEL_MAX_QUEUES) and vhost for model m: -1 with a
 * message when m cannot do them. */
int nicmodel_check(const struct nicmodel *m, int queues, int vhost,
    struct err *e);
/* MSI-X vectors for a virtio-net-pci with n queues: 2n + 2. */
int nicmodel_vectors(int queues);

#endif
