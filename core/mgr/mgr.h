/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgr.h - the managers that own VMs (Ganeti, Proxmox): one interface, one
 * file per manager.
 *
 *   mgr.c       kinds, loading a manager's file, the overlay of what the
 *               manager records on the reconciled slots (mgr_apply)
 *   ganeti.c    Ganeti's KVM runtime file (both formats)
 *   proxmox.c   Proxmox's VMID.conf and its fixed PCI address table
 *   mgrcmd.c    the manager's own command for what slotscope refuses
 *   mgrfind.c   detection from the layout, Proxmox names, config lines
 *
 * Why: a device that the manager placed is not foreign, and a device that
 * slotscope hot-adds behind the manager's back is lost at its next restart
 * of the VM and breaks live migration (the destination is built from the
 * manager's records).  So slotscope shows the manager's devices and
 * reservations as the manager's, and refuses to change a managed bus
 * unless told --force.
 *
 * Everything here reads; nothing writes a manager's file.  Parsers take
 * (buf, len) and never trust it.  Memory: struct mgr_info is the caller's;
 * mgr_info_free releases its command line.
 */
#ifndef SLOTSCOPE_MGR_H
#define SLOTSCOPE_MGR_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "mgr/mgrref.h"
#include "model/pci.h"
#include "model/pcitree.h"
#include "model/state.h"

#define MGR_MAX_DEV 64		/* devices of one instance */
#define MGR_MAX_FILE (1 << 20)	/* a bigger manager file is refused */

/* One device the manager placed. */
struct mgr_dev {
	char key[24];		/* Proxmox: config key (net0, virtio0, scsi0,
				 * balloon0, pci.1); Ganeti: nic/0, disk/1,
				 * or the driver of a -device it put in its
				 * command line */
	char id[64];		/* qdev id on the bus */
	char type[16];		/* nic, disk, controller, bridge, other */
	int slot;		/* slot on the root bus, -1 elsewhere or
				 * unknown */
	char bus[24];		/* "" the root bus (or not known), else the
				 * qdev id of the bridge it sits behind
				 * (Proxmox: pci.1, ich9-pcie-port-1) */
	int addr;		/* its slot there, when bus is a bridge's */
	char uuid[40];		/* Ganeti's uuid, or "" */
	char name[64];		/* Ganeti's device name, or "" */
	char mac[18];		/* NICs: the MAC, or "" */
	char where[256];	/* NIC link/bridge or disk path, or "" */
	char driver[32];	/* virtio-net-pci ..., or "" */
};

struct mgr_info {
	enum mgr_kind kind;
	char format[16];	/* "ganeti-2.16", "ganeti-2.10", "proxmox" */
	char vmid[16];		/* Proxmox's VMID, or "" */
	char name[64];		/* Proxmox's `name:`, or "" */
	uint32_t reserved;	/* bus-0 slots the manager keeps for itself */
	char reserved_for[32][24]; /* per reserved slot: what for
				 * ("kvm_pci_reservations", "net1", ...) */
	int npci_reservations;	/* Ganeti: kvm_pci_reservations (or its
				 * default), -1 otherwise */
	char machine[64];	/* machine type from the manager, or "" */
	int q35;		/* Proxmox: a q35 machine (its PCIe table) */
	char *cmdline;		/* Ganeti: the kvm command, malloc'd; NULL */
	struct mgr_dev dev[MGR_MAX_DEV];
	size_t ndev;
};

const char *mgr_kind_name(enum mgr_kind k);	/* "none", "ganeti", ... */
/* "Ganeti", "Proxmox", "" for none. */
const char *mgr_kind_title(enum mgr_kind k);
int mgr_kind_parse(const char *s, enum mgr_kind *out, struct err *e);

void mgr_info_init(struct mgr_info *mi, enum mgr_kind kind);
void mgr_info_free(struct mgr_info *mi);

/* Ganeti's runtime file (ganeti.c): JSON [kvm command, NICs, hvparams,
 * disks]; mi is initialised here (free it even on failure). */
int mgr_ganeti_parse(const char *buf, size_t len, struct mgr_info *mi,
    struct err *e);
/* Proxmox's VMID.conf (proxmox.c); vmid is kept in mi. */
int mgr_proxmox_parse(const char *buf, size_t len, const char *vmid,
    struct mgr_info *mi, struct err *e);
/* Proxmox's fixed bus-0 address of a device key on an i440fx machine
 * (net0 -> 18), -1 when the key has none on the root bus. */
int mgr_proxmox_addr(const char *key);
/* Proxmox's place for a device key: its slot, and in bus the bus ("" the
 * root bus, else the bridge's qdev id: net6 -> pci.1 slot 1; on q35 net0
 * -> pci.0 slot 18, and hostpciN with pcie=1 (pcie_port) -> root port
 * ich9-pcie-port-N+1 slot 0); -1 when the key has no fixed place. */
int mgr_proxmox_place(const char *key, int q35, int pcie_port, char *bus,
    size_t sz);
/* The key Proxmox keeps slot `slot` of bus (as above) for: 1 with the key
 * in out, 0 when its table has nothing there. */
int mgr_proxmox_key_at(int q35, const char *bus, int slot, char *out,
    size_t sz);

/* Read and parse the manager's file of ref (none: an empty info). */
int mgr_load(const struct mgr_ref *ref, struct mgr_info *mi, struct err *e);

/* The manager's device with this qdev id, or NULL. */
const struct mgr_dev *mgr_find_id(const struct mgr_info *mi, const char *id);

/* Lay what the manager records over the states state_reconcile() gave:
 *   a live id the manager placed                 -> used, owner = manager
 *   Ganeti: a device without an id (anonymous) in its reserved slots,
 *     where QEMU places what Ganeti's kvm command adds -> used, ganeti
 *   a manager device whose id is nowhere live    -> its slot missing
 *     (when the slot is empty) or a conflict (when another device lives
 *     there: v.conflict names the manager's device)
 *   a manager device live elsewhere than recorded -> its recorded slot is
 *     a conflict too (the manager will count it taken, or reuse it)
 *   Ganeti: a live device in the slot Ganeti's own rule gives its next
 *     device (the lowest slot its file leaves)    -> a conflict (#1620)
 *   the manager's reserved slots                  -> reserved (when
 *     nothing lives there), owner = manager, what for in v.mname
 *   devices of slotscope's own runtime file        -> owner "slotscope"
 * mi NULL: only the last rule. */
void mgr_apply(const struct mgr_info *mi, const struct pci_info *live,
    struct slot_view v[32]);

/* The same overlay on the slots of bus b of tree t (views from
 * state_reconcile_bus): the manager's live ids used, its recorded places
 * missing or in conflict, the places it keeps reserved (Proxmox's table
 * behind its bridges), slotscope's own devices owned by "slotscope".
 * b = PCITREE_ROOT is mgr_apply. */
void mgr_apply_bus(const struct mgr_info *mi, const struct pci_info *live,
    const struct pcitree *t, int b, struct slot_view v[32]);
/* The last rule alone: the owner a slot in state st gets when no manager
 * names one -- "slotscope" for its own devices (used, unplugging,
 * missing), else NULL (nobody). */
const char *mgr_default_owner(enum slot_state st);

/* Slots a device slotscope adds with --force must avoid on a managed
 * root bus: the manager's reservations and recorded slots. */
uint32_t mgr_taken(const struct mgr_info *mi);

/* What the manager keeps slot `slot` of bus for (bus: "" the root bus,
 * else a bridge's qdev id): 1 with what in out ("kvm_pci_reservations",
 * a Proxmox key), 0 when it keeps nothing there.  Its recorded devices'
 * places are not counted here (mgr_hold counts both). */
int mgr_kept(const struct mgr_info *mi, const char *bus, int slot,
    char *out, size_t sz);

/* Mark in t (pcitree_bus.held) every place the manager keeps or records
 * a device at, on every bus of the tree, so that places.h neither counts
 * them in the capacity nor gives them to a new device.  mi NULL or a VM
 * without a manager: nothing. */
void mgr_hold(const struct mgr_info *mi, struct pcitree *t);

/* What slotscope refuses on a managed instance, and the manager's own
 * command for it (mgrcmd.c). */
enum mgr_action {
	MGR_ACT_HOTPLUG,	/* arg: "nic" or "disk"; kv: hotplug's words */
	MGR_ACT_UNPLUG,		/* arg: the device id or slot */
	MGR_ACT_RESERVE,	/* arg: the slot */
	MGR_ACT_FREE,		/* arg: the slot */
};
/* Write into out the sentence that refuses act on instance inst (as the
 * user named it) and gives the manager's command, e.g.
 * "web1 is managed by Ganeti: ... run `gnt-instance modify --hotplug --net
 * add:mac=...,link=br0 web1` (or add --force: audited)". */
void mgr_refusal(const struct mgr_info *mi, const char *inst,
    enum mgr_action act, const char *arg, const char *const *kv, size_t nkv,
    char *out, size_t sz);
/* Only the manager's command (no sentence around it). */
void mgr_command(const struct mgr_info *mi, const char *inst,
    enum mgr_action act, const char *arg, const char *const *kv, size_t nkv,
    char *out, size_t sz);

#endif
