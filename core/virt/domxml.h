/* SPDX-License-Identifier: GPL-3.0-or-later */
/* domxml.h - a running libvirt domain as libvirt describes it: its live
 * XML (virDomainGetXMLDesc, flags 0) read into slotscope's model.
 *
 * Every child of <devices> that has an alias is kept (element, alias,
 * model, MAC, source, PCI address when it has one).  From that list:
 *  - domxml_pci: the live buses (model/pci.h), one function per PCI
 *    address; a controller is the machine's own plumbing (empty id,
 *    "built-in"), any other device carries its alias as id.  A PCI
 *    controller with an index (pcie-root-port, pci-bridge,
 *    pcie-to-pci-bridge, dmi-to-pci-bridge, switch ports, expander buses)
 *    is a bridge whose secondary bus is that index -- libvirt's bus
 *    numbers in every <address bus=...> -- and whose id is its alias
 *    ("pci.1", QEMU's id for it), so the tree (pcitree.h) places what is
 *    behind it and offers its hotplug places.  Bus 0 slot 0, the host
 *    bridge, is never in the XML and is added: q35's (8086:29c0, a PCIe
 *    root bus) when the machine is q35 or has a pcie-root, else
 *    i440fx's.
 *  - domxml_rt: libvirt's view as a runtime (store.h): every non-controller
 *    device with a PCI address, on bus 0 or behind a bridge (its place,
 *    "bus", as the tree names it), is a plugged device owned by libvirt
 *    (type from its element: interface is nic, the others their element
 *    name); an interface's backend is the one QEMU has, from its type:
 *    user is netdev user, network, bridge, ethernet and direct a tap
 *    (target/@dev, on source/@bridge for the first two), each netdev
 *    "host" + alias as libvirt names it; another type records none; a
 *    disk's backend is its image: the path (source/@file or @dev; a
 *    volume's or a network disk's has none here), the format
 *    (driver/@type) and the node QEMU's device reads, named as libvirt
 *    names it (domxml_drive); the reservation map holds the slots
 *    libvirt's address rules keep for the machine: 0 (host bridge),
 *    and 1 (PIIX3) on an i440fx (pc) machine or 31 (ICH9) on a q35
 *    one.
 * The XML is parsed with libxml2 from (buf, len), never trusted: no
 * network, no entities, no DTD, at most DOMXML_MAX bytes and
 * DOMXML_MAX_DEVICES devices.
 *
 * Memory: struct domxml owns its device array; domxml_free frees it.
 */
#ifndef SLOTSCOPE_DOMXML_H
#define SLOTSCOPE_DOMXML_H

#include <stddef.h>

#include "base/err.h"
#include "model/pci.h"
#include "store/store.h"

#define DOMXML_MAX (4 << 20)
#define DOMXML_MAX_DEVICES 512
#define DOMXML_OWNER "libvirt"

struct domxml_dev {
	char element[16];	/* "interface", "disk", "controller", ... */
	char alias[128];	/* libvirt's alias: net0, virtio-disk0, ua-x */
	char model[64];		/* interface/controller model, disk bus */
	char mac[18];		/* interfaces, "" otherwise */
	char target[16];	/* disks: target/@dev ("vda"), "" */
	char source[1024];	/* disk file/dev/volume, interface network or
				 * bridge, "" */
	char srckey[8];		/* the source attribute it is: "file", "dev",
				 * "volume", ... */
	/* disks: the image as the live XML has it */
	char format[16];	/* driver/@type: "raw", "qcow2", "" */
	int srcindex;		/* source/@index: libvirt's number for the
				 * image when it opens it with -blockdev, 0
				 * when the XML has none */
	/* interfaces: the backend as the live XML has it */
	char nettype[16];	/* interface/@type: user, network, bridge,
				 * ethernet, direct, ...; "" */
	char tap[16];		/* target/@dev (vnet0, macvtap0), "" */
	char bridge[16];	/* source/@bridge (bridge, network), "" */
	int vhost;		/* driver/@name is vhost */
	int queues;		/* driver/@queues, 0 when not given */
	int pci;		/* 1 when it has a PCI address: */
	int bus, slot, func;
	int index;		/* a PCI controller's index (its bus), or
				 * -1 for any other device */
};

struct domxml {
	char name[64];
	char uuid[40];
	char machine[64];	/* os/type/@machine: "pc-i440fx-7.2" */
	unsigned long libvirt;	/* the version of the libvirt that wrote it
				 * (virConnectGetLibVersion, major * 1000000
				 * + minor * 1000 + release), 0 unknown; set
				 * by the caller after domxml_parse */
	struct domxml_dev *dev;
	size_t ndev, cap;
};

void domxml_init(struct domxml *d);
void domxml_free(struct domxml *d);
/* Parse a live domain XML.  On error d keeps nothing useful; free it. */
int domxml_parse(const char *buf, size_t len, struct domxml *d,
    struct err *e);
/* The device called alias, or NULL. */
const struct domxml_dev *domxml_find(const struct domxml *d,
    const char *alias);
/* The live bus (pi is cleared first). */
int domxml_pci(const struct domxml *d, struct pci_info *pi, struct err *e);
/* libvirt's view as a runtime for instance inst (rt is initialised here;
 * store_rt_free it, also on failure). */
int domxml_rt(const struct domxml *d, const char *inst, struct store_rt *rt,
    struct err *e);
/* The slotscope device type of a device ("nic" for an interface). */
const char *domxml_type(const struct domxml_dev *v);
/* The block node (or drive) a disk's guest device reads, as libvirt
 * names it, into out; "" when the XML does not say:
 *  - a source without index: libvirt gave QEMU a -drive (before its
 *    -blockdev, libvirt 6.0 and QEMU 4.2), whose id is "drive-" + alias;
 *  - a source with index N: libvirt opened the image as the blockdev
 *    nodes "libvirt-N-storage" (the file or device) and, above it,
 *    "libvirt-N-format" (the format driver), which the device reads.
 *    A raw image has one only up to libvirt 9.0 (seen on Debian 12's);
 *    later releases may leave it out when nothing needs it, and then
 *    the device reads the storage node: with d->libvirt newer or
 *    unknown, a raw image's drive is not known here;
 *  - no source (an empty CD-ROM): none. */
void domxml_drive(const struct domxml *d, const struct domxml_dev *v,
    char *out, size_t sz);
/* The bridge kind of a PCI controller's model ("pcie-root-port" ...);
 * PCI_BR_NONE for the root buses (pci-root, pcie-root) and others. */
enum pci_bridge_kind domxml_bridge_kind(const char *model);

#endif
