/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qom.h - devices QEMU has but does not list: what is behind the bridges
 * of a machine paused before its firmware ran, read from QOM.
 *
 * The trap (QEMU 7.2, tests/fixtures/README.md): firmware numbers the
 * bridges' buses; under -S every secondary bus is 0 and `info pci` /
 * `query-pci` show nothing behind any bridge or root port, though QEMU
 * has the devices (cold-plugged, or hot-added by another client).  QOM
 * has them all: every device with an id is /machine/peripheral/ID; its
 * `parent_bus` property is the path of its bus ("/machine/peripheral/rp5/
 * rp5": a bridge's bus is a child of the bridge, named after its id), its
 * `addr` property the devfn (slot * 8 + function).  HMP and QMP both have
 * qom-list and qom-get in 7.2; HMP's qom-get prints the value as JSON,
 * like QMP's return.
 *
 * The scan: qom-list /machine/peripheral; for each device there that the
 * PCI listing lacks, qom-get parent_bus and addr; a device whose parent
 * bus belongs to a bridge (by the bridge's id) is entered into the
 * pci_info with bus PCI_BUS_UNNUMBERED and `parent` = that id (pci.h);
 * pci_info.qom_read is set.  Devices without an id (QOM's
 * /machine/unattached) cannot be found this way.
 *
 * The parts are pure (commands as text, replies parsed from (buf, len));
 * qom_scan_run() drives them over a blocking session.  A struct qom_scan
 * owns its array: qom_scan_free().
 */
#ifndef SLOTSCOPE_QOM_H
#define SLOTSCOPE_QOM_H

#include <stddef.h>

#include "base/err.h"
#include "model/pci.h"
#include "qemu/moncmd.h"

#define QOM_MAX_CAND 128		/* devices looked up in one scan */
#define QOM_CMD_MAX 256			/* one command, either protocol */

struct qom_cand {
	char name[PCI_ID_MAX];		/* its id in /machine/peripheral */
	char type[64];			/* "virtio-net-pci" */
	char parent[PCI_ID_MAX];	/* the bridge whose bus it is on, or
					 * "" (not behind a bridge with id) */
	int devfn;			/* addr; -1 until read */
};

struct qom_scan {
	struct qom_cand *c;
	size_t n;
};

void qom_scan_init(struct qom_scan *s);
void qom_scan_free(struct qom_scan *s);

/* The commands, as HMP and QMP text (a RAW mon_req takes both): the list
 * of /machine/peripheral, and qom-get of property prop ("parent_bus",
 * "addr") of device name (checked as a QEMU id: nothing unchecked goes
 * into a command).  hmp and qmp hold QOM_CMD_MAX bytes. */
int qom_cmd_list(char *hmp, char *qmp, struct err *e);
int qom_cmd_get(const char *name, const char *prop, char *hmp, char *qmp,
    struct err *e);

/* The reply to qom-list (HMP: "name (child<type>)" lines; QMP: the
 * return value as JSON text): keep the devices (child<...>) whose id pi
 * does not list. */
int qom_scan_list(struct qom_scan *s, enum mon_proto p, const char *buf,
    size_t len, const struct pci_info *pi, struct err *e);
/* The reply to qom-get parent_bus / addr of candidate i (JSON text in
 * both protocols). */
int qom_scan_set_bus(struct qom_scan *s, size_t i, const char *buf,
    size_t len, struct err *e);
int qom_scan_set_addr(struct qom_scan *s, size_t i, const char *buf,
    size_t len, struct err *e);
/* Enter the candidates found behind bridges into pi; sets pi->qom_read. */
int qom_scan_merge(const struct qom_scan *s, struct pci_info *pi,
    struct err *e);

/* The bridge kind of a QOM type name ("pcie-root-port"), PCI_BR_NONE for
 * the rest. */
enum pci_bridge_kind qom_bridge_kind(const char *type);

struct mon;
/* The whole scan over a connected blocking session (mon_do), when pi has
 * an unnumbered bridge; pi gains the hidden devices.  0 also when nothing
 * was needed. */
int qom_scan_run(struct mon *m, struct pci_info *pi, struct err *e);

#endif
