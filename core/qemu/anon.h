/* SPDX-License-Identifier: GPL-3.0-or-later */
/* anon.h - which live PCI functions a user added without an id.
 *
 * query-pci (and `info pci`) give such a device an empty qdev id, as they
 * give the machine's own devices (host bridge, PIIX3, VGA, the default
 * NIC).  QEMU keeps every device made by -device or device_add under
 * /machine/peripheral (named by its id) or, without an id, under
 * /machine/peripheral-anon as device[N]; the machine's own are elsewhere
 * (/machine/unattached, /machine/i440fx ...).  So, learnt from QEMU 7.2:
 * `qom-list /machine/peripheral-anon` lists the anonymous devices
 * ({"name": "device[0]", "type": "child<e1000>"}; HMP "device[0]
 * (child<e1000>)"), and for each `qom-get PATH addr` gives its devfn
 * (slot * 8 + function, an integer: 40 is 05.0) and `qom-get PATH
 * parent_bus` its bus ("/machine/i440fx/pci.0"; HMP prints the value as
 * JSON, "40" or "\"/machine/i440fx/pci.0\"").  A bus-0 function at that
 * devfn is marked anonymous (pci_fn.anon): foreign, never builtin.  A
 * device that is no PCI device has no addr (QEMU refuses): it is skipped.
 *
 * The requests are MON_OP_RAW ones built from fixed text and names QEMU
 * gave that match device[N] exactly: nothing unchecked reaches the
 * monitor.  Pure parsing apart from queueing on a caller's struct mon.
 */
#ifndef SLOTSCOPE_ANON_H
#define SLOTSCOPE_ANON_H

#include <stddef.h>

#include "base/err.h"
#include "model/pci.h"
#include "qemu/mon.h"

#define ANON_MAX 32		/* anonymous devices looked at */

/* Queue `qom-list /machine/peripheral-anon`: the op index, or -1.  Over
 * QMP its reply is read in place for anon_children (the result's kids,
 * mon.h: no text, no malloc); anon_queue_list_text keeps the reply's
 * text (a flow hands it to the refresh after it, fleet_session_anon). */
int anon_queue_list(struct mon *m, struct err *e);
int anon_queue_list_text(struct mon *m, struct err *e);
/* The N of each device[N] child in a qom-list result (protocol p), from
 * its kids or its text: up to max into idx; returns how many (0 for a
 * failed op). */
size_t anon_children(const struct mon_result *r, enum mon_proto p, int *idx,
    size_t max);
/* Queue qom-get of addr and of parent_bus for device[n]: the index of the
 * first op (the second follows it), or -1. */
int anon_queue_get(struct mon *m, int n, struct err *e);
/* With the two results of anon_queue_get: mark the bus-0 functions of pi
 * at that devfn anonymous.  Returns 1 when one was marked. */
int anon_mark(struct pci_info *pi, const struct mon_result *addr,
    const struct mon_result *bus);

/* The whole look, blocking, over a session that stays open (keep_open):
 * list, get, mark.  Refusals are not errors (nothing is marked); -1 only
 * when the connection failed. */
int anon_run(struct mon *m, struct pci_info *pi, struct err *e);

#endif
