/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simdev.h - the simulator's machine model: bus 0 of a QEMU 7.2 `pc`,
 * `pc -nodefaults` or `q35` machine (q35 also with root ports, pc also
 * with a pci-bridge), the buses behind those bridges, its hot-pluggable
 * devices, netdevs,
 * drives/block nodes, fds received by getfd, and the QOM containers
 * /machine/peripheral and /machine/peripheral-anon.
 *
 * It knows no sockets and no text protocol: simhmp.c and simqmpcmd.c
 * turn commands into calls here and render the results.  Error texts are
 * QEMU's own (qdev, PCI core, QemuOpts) so that both monitors can print
 * them.  The model is four files: simdev.c (kinds, built-in functions,
 * unplug and removal), simdevadd.c (device_add), simdevback.c (netdevs,
 * drives, fds) and simdevqom.c (the QOM tables).
 *
 * A struct simdev_machine is caller-allocated; simdev_machine_init() fills
 * it and simdev_machine_free() releases what it allocated (device ids,
 * tables, received fds).  Nothing here is global.
 */
#ifndef SLOTSCOPE_SIMDEV_H
#define SLOTSCOPE_SIMDEV_H

#include <stddef.h>
#include <stdint.h>

struct json_t;
struct strbuf;

enum simdev_machine_type {
	SIMDEV_PC,		/* qemu-system-x86_64 -machine pc -S */
	SIMDEV_PC_NODEFAULTS,	/* ... -nodefaults */
	SIMDEV_Q35,		/* -machine q35 -S */
	SIMDEV_Q35_PORTS,	/* q35 with pcie-root-port rp4, rp5, rp6 at
				 * 0x4-0x6 (chassis 4-6), as the fixtures */
	SIMDEV_PC_BRIDGE,	/* pc with pci-bridge br1 at slot 5
				 * (chassis_nr 1) */
};

/* Machines are paused before firmware ran: no bridge's bus is numbered,
 * so info pci / query-pci list nothing behind a bridge (QEMU 7.2 does
 * the same); qom-list / qom-get show such devices. */

/* What a PCI function is.  The first ones are built into the machines;
 * the last four, and e1000e, can be created by device_add. */
enum simdev_kind {
	SIMDEV_I440FX, SIMDEV_PIIX3, SIMDEV_PIIX3_IDE, SIMDEV_PIIX4_PM,
	SIMDEV_VGA, SIMDEV_E1000_BUILTIN, SIMDEV_MCH, SIMDEV_E1000E,
	SIMDEV_ICH9_LPC, SIMDEV_ICH9_AHCI, SIMDEV_ICH9_SMB,
	SIMDEV_VIRTIO_NET, SIMDEV_VIRTIO_BLK, SIMDEV_E1000, SIMDEV_RTL8139,
	SIMDEV_ROOT_PORT, SIMDEV_PCI_BRIDGE, SIMDEV_PCIE_PCI_BRIDGE,
	SIMDEV_NKINDS
};

struct simdev_region {
	int bar;
	int io;			/* 1 = I/O, 0 = memory */
	int prefetch, mem64;
	uint64_t size;
};

/* The fixed facts of one kind (see the table in simdev.c). */
struct simdev_kinfo {
	const char *type;	/* QOM type name, "virtio-net-pci", "VGA" */
	const char *desc;	/* class description, "Ethernet controller" */
	int class_code;
	unsigned vendor, device, sub_vendor, sub_device;
	int irq_pin;		/* 0 = none, 1 = INTA */
	int nregions;
	struct simdev_region region[6];
	int user;		/* can be created by device_add */
	int virtio;		/* has a virtio-backend child (two events) */
	int bridge;		/* a PCI-to-PCI bridge: no subsystem ids, its
				 * bus numbers and windows are listed */
	unsigned io_base;	/* the windows' bases before firmware */
	uint32_t mem_base;
};

const struct simdev_kinfo *simdev_kind_info(enum simdev_kind k);

struct simdev_fn {
	enum simdev_kind kind;
	int slot, func;
	char *bus;		/* the id of the bridge it is behind, NULL on
				 * the root bus */
	char *id;		/* qdev id, NULL for built-in and anonymous */
	int anon;		/* index N of /machine/peripheral-anon/device[N] or -1 */
	char *netdev;		/* backend names claimed, or NULL */
	char *drive;
	int unplug_pending;
	int64_t unplug_due_ms;	/* when the simulated guest acks; -1 never */
	char mac[18];		/* NICs: macaddr as info network shows it */
	unsigned seq;		/* creation order (info network) */
};

/* A string-keyed table that iterates exactly like GLib's GHashTable (QOM
 * keeps child properties in one), so qom-list lists children in QEMU's
 * order.  Values are the QOM type of the child. */
struct simdev_qtab {
	unsigned *hash;
	char **key;
	const char **val;
	unsigned size, mod, mask, nnodes, noccupied;
};

struct simdev_netdev {
	char *id;
	char *type;
	int queues;		/* tap: fds given (fds=A:B), else 1 */
	int vhost;
	int hmp_opts;		/* created by HMP netdev_add (QemuOpts kept) */
	int in_use;
	int fd;			/* tap: the fd it took over, else -1 */
	unsigned seq;		/* creation order (info network) */
};

/* How a drive / block node was opened (simblk.c checks and renders). */
struct simdev_drive_opts {
	char format[16];	/* "" = probe the header (drive_add) */
	char protocol[16];	/* "file" | "host_device"; "" = from the path */
	char aio[16];		/* "" = threads */
	int ro, direct, no_flush, writeback;
};

struct simdev_drive {
	char *id;		/* drive id or node-name */
	int legacy;		/* drive_add (1) or blockdev-add (0) */
	int in_use;
	char *file;		/* the image, NULL when none was given */
	char format[16];	/* "raw", "qcow2" */
	unsigned seq;		/* creation order (info block) */
	unsigned node[2];	/* the "#blockNNN" numbers of its anonymous
				 * nodes: [0] a drive's format node, [1] the
				 * file node under it */
	char attached[300];	/* the device's QOM path + /virtio-backend
				 * while a device uses it, else "" */
	struct simdev_drive_opts o;	/* how it was opened */
};

struct simdev_fd {
	char *name;
	int fd;
};

/* How the simulated guest answers an unplug request. */
enum simdev_guest {
	SIMDEV_GUEST_NONE,	/* paused QEMU, no guest: pending forever */
	SIMDEV_GUEST_ACK,	/* acknowledges after ack_ms */
	SIMDEV_GUEST_IGNORE,	/* running guest that ignores the request;
				 * a repeated device_del is refused */
	SIMDEV_GUEST_REFUSE,	/* answers after ack_ms with a failure:
				 * QEMU >= 6.2 then sends
				 * DEVICE_UNPLUG_GUEST_ERROR and the device
				 * stays (no longer pending) */
};

struct simdev_machine {
	enum simdev_machine_type type;
	enum simdev_guest guest;
	int ack_ms;
	struct simdev_fn *fn;
	size_t nfn, capfn;
	struct simdev_netdev *net;
	size_t nnet, capnet;
	struct simdev_drive *drv;
	size_t ndrv, capdrv;
	struct simdev_fd *fds;
	size_t nfds, capfds;
	struct simdev_qtab periph, anon;
	unsigned drive_seq;
	unsigned seq;		/* next creation number (fns, netdevs, drives) */
	unsigned mac_seq;	/* NICs given no mac: 52:54:00:12:34:(56+n) */
	unsigned block_seq;	/* next "#blockNNN" */
};

/* Error classes of QMP; HMP prints only the text. */
enum simdev_ecls { SIMDEV_GENERIC, SIMDEV_DEVICE_NOT_FOUND,
	SIMDEV_COMMAND_NOT_FOUND };

struct simdev_err {
	enum simdev_ecls cls;
	char desc[512];
};

/* One key=value of device_add, as strings (QMP numbers and booleans are
 * turned into QemuOpts strings by the caller: 13 -> "13", true -> "on"). */
struct simdev_kv {
	const char *key;
	const char *val;
};

int simdev_machine_init(struct simdev_machine *m, enum simdev_machine_type t);
void simdev_machine_free(struct simdev_machine *m);

/* The root bus name: "pci.0" or "pcie.0". */
const char *simdev_bus_name(const struct simdev_machine *m);
/* 1 for the q35 machines (a PCIe root bus that takes no hotplug). */
int simdev_is_q35(const struct simdev_machine *m);
/* The QOM path of the bus f is on ("/machine/q35/pcie.0",
 * "/machine/peripheral/rp4/rp4"), into out (outsz bytes). */
void simdev_bus_path(const struct simdev_machine *m,
    const struct simdev_fn *f, char *out, size_t outsz);
/* The device a path names (ID, /machine/peripheral/ID,
 * /machine/peripheral-anon/device[N]), or NULL. */
struct simdev_fn *simdev_resolve(struct simdev_machine *m,
    const char *path);

/* Functions sorted by slot, function (the order info pci lists them). */
void simdev_sort(struct simdev_machine *m);

/* QEMU's id rule (letter, then letters, digits, '-', '.', '_'). */
int simdev_id_wellformed(const char *id);

/* device_add.  kv holds every key including driver, id and bus.
 * Returns 0 or -1 with *e set to QEMU's text. */
int simdev_device_add(struct simdev_machine *m, const struct simdev_kv *kv,
    size_t nkv, struct simdev_err *e);

/* device_del: id is an id or a QOM path (also a built-in device's
 * /machine/unattached/device[N], answered as QEMU 7.2 answers for pc
 * and q35).  Marks the unplug pending; with
 * SIMDEV_GUEST_ACK it completes at now_ms + ack_ms (simdev_due()). */
int simdev_device_del(struct simdev_machine *m, const char *id,
    int64_t now_ms, struct simdev_err *e);

/* A device that leaves the bus, for the DEVICE_DELETED events. */
struct simdev_gone {
	char id[256];		/* "" for anonymous devices */
	char path[300];		/* /machine/peripheral/ID */
	int virtio;
	int refused;		/* it stays: the guest refused the unplug */
};

/* Complete due unplugs (all pending ones when all != 0, like
 * system_reset).  Fills up to max entries of out; returns how many. */
size_t simdev_complete(struct simdev_machine *m, int64_t now_ms, int all,
    struct simdev_gone *out, size_t max);

/* Earliest unplug completion time, or -1. */
int64_t simdev_next_due(const struct simdev_machine *m);

int simdev_netdev_add(struct simdev_machine *m, const char *type,
    const char *id, const char *fdname, int hmp, struct simdev_err *e);
int simdev_netdev_del(struct simdev_machine *m, const char *id,
    struct simdev_err *e);
/* Defaults of -drive / blockdev-add: read-write, writeback, threads. */
void simdev_drive_opts_init(struct simdev_drive_opts *o);
/* QEMU's checks of opening file with o (protocol driver against what the
 * path is, aio=native against cache.direct, a qcow2 driver against the
 * header); fills o's format and protocol when empty.  -1 with QEMU's
 * text (simblk.c). */
int simdev_drive_check(const char *file, struct simdev_drive_opts *o,
    struct simdev_err *e);
/* drive_add / blockdev-add: file may be NULL (empty drive); format NULL
 * is "raw" (o's format, when o is given and names one, wins); o: how it
 * is opened (NULL: the defaults), checked with simdev_drive_check. */
int simdev_drive_add(struct simdev_machine *m, const char *id,
    const char *file, const char *format, int legacy,
    const struct simdev_drive_opts *o, struct simdev_err *e);
/* legacy 1 = drive_del (a node name given to it acts as blockdev-del),
 * 0 = blockdev-del (nodes only).  Drive ids and node names share one
 * namespace, as in QEMU. */
int simdev_drive_del(struct simdev_machine *m, const char *id, int legacy,
    struct simdev_err *e);
/* getfd: takes ownership of fd (closes an older one of the same name). */
int simdev_getfd(struct simdev_machine *m, const char *name, int fd,
    struct simdev_err *e);
int simdev_closefd(struct simdev_machine *m, const char *name,
    struct simdev_err *e);

/* qom-list of path: calls fn(name, type) in QEMU's order.  -1 with
 * DeviceNotFound when the path is not one the simulator knows. */
/* QEMU's refusal of fd= with fds= (or queues=) on a tap. */
#define SIMDEV_TAP_FD_ONLY "ifname=, script=, downscript=, vnet_hdr=, " \
	"helper=, queues=, fds=, and vhostfds= are invalid with fd="
/* Mark netdev id as vhost=on (the simulator has no vhost to open). */
void simdev_netdev_set_vhost(struct simdev_machine *m, const char *id);


int simdev_qom_list(const struct simdev_machine *m, const char *path,
    void (*fn)(void *arg, const char *name, const char *type), void *arg,
    struct simdev_err *e);

/* qom-get of a device's parent_bus (its bus's QOM path: SIMDEV_QOM_STR
 * into str) or addr (the devfn: SIMDEV_QOM_INT into *num), and of the
 * strings type, and for NICs netdev and mac, for disks drive ("" when
 * unset, as QEMU answers); path as simdev_resolve takes it.  -1 with QEMU's text: "Device 'P' not found",
 * "Property 'TYPE.PROP' not found". */
enum { SIMDEV_QOM_STR = 1, SIMDEV_QOM_INT = 2 };
int simdev_qom_get(struct simdev_machine *m, const char *path,
    const char *prop, char *str, size_t strsz, long *num,
    struct simdev_err *e);

/* The QOM table primitives (exposed for tests). */
void simdev_qtab_init(struct simdev_qtab *t);
void simdev_qtab_free(struct simdev_qtab *t);
int simdev_qtab_insert(struct simdev_qtab *t, const char *key,
    const char *val);	/* 0 added, 1 already there, -1 no memory */
int simdev_qtab_remove(struct simdev_qtab *t, const char *key);
const char *simdev_qtab_get(const struct simdev_qtab *t, const char *key);

/* Add a device as -device does before the session (cold plug: also on
 * q35's root bus, also bridges), for machines and scenarios; bus NULL =
 * the root bus, else a bridge's id.  Returns 0 or -1. */
int simdev_plug(struct simdev_machine *m, enum simdev_kind k, int slot,
    const char *id, struct simdev_err *e);
int simdev_plug_at(struct simdev_machine *m, enum simdev_kind k,
    const char *bus, int slot, const char *id, struct simdev_err *e);
/* n more pcie-root-ports as -device adds them at startup: id rpS at the
 * lowest free root-bus slots S from 4 (q35 machines only).  0 or -1. */
int simdev_add_root_ports(struct simdev_machine *m, int n,
    struct simdev_err *e);
/* device_add from kv as at startup (cold: no hotplug refusal). */
int simdev_device_add_cold(struct simdev_machine *m,
    const struct simdev_kv *kv, size_t nkv, struct simdev_err *e);

/* The QOM path QEMU names a device by in `info block`'s "Attached to:"
 * (/machine/peripheral/ID/virtio-backend, or -anon/device[N]/...). */
void simdev_backend_path(const struct simdev_fn *f, char *out, size_t sz);

#endif
