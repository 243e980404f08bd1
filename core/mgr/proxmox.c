/* SPDX-License-Identifier: GPL-3.0-or-later */
/* proxmox.c - Proxmox VE's VM config (/etc/pve/qemu-server/VMID.conf),
 * read (never written), and its fixed PCI address table.
 *
 * qemu-server does not pick the lowest free slot: every device key has
 * its own address, the same on every VM (PVE/QemuServer/PCI.pm).  Its
 * table has buses 0-4: bus 0 is the root bus of an i440fx VM, bus N the
 * pci-bridge with the qdev id pci.N (pci.1 at root slot 30, pci.2 at 31,
 * pci.3 at 5 for virtio-scsi-single, pci.4 at slot 28 of pci.1).  A q35
 * VM's root bus is PCIe: qemu-server reads its own q35 config there (USB
 * controllers, a sound card, root ports ich9-pcie-port-1..4, a DMI bridge
 * pcidmi with the bridges pci.0-pci.3 behind it), so the table's bus 0 is
 * the bridge pci.0 instead, and a few keys have PCIe places of their own
 * (the first display on pcie.0 slot 1, a passed-through device with
 * pcie=1 in root port ich9-pcie-port-N+1).  The qdev id of a device is
 * its config key (net0, virtio0, balloon0, ...), so a live id names its
 * key.  The config is `key: value` lines; the current config ends at the
 * first `[section]` (snapshots follow).  tests/fixtures/managers/README.md
 * describes all of it in our words.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strcopy.h"
#include "mgr/mgr.h"

#define ROOT (-1)		/* a PCIe place: the root bus itself */

/* Runs of keys at consecutive addresses: PREFIX<first>..PREFIX<last> (a
 * single key PREFIX when first < 0) from address addr on table bus `bus`.
 * Where two keys share an address (one or the other exists) the first
 * listed names it. */
struct run {
	const char *prefix;
	int first, last;
	int bus, addr;
	int pc;			/* 1: i440fx only (q35 has it elsewhere
				 * or not at all) */
};

/* K: one key, R: a run of keys; PC_: on i440fx only. */
#define K(p, b, a) { p, -1, -1, b, a, 0 }
#define PC_K(p, b, a) { p, -1, -1, b, a, 1 }
#define R(p, f, l, b, a) { p, f, l, b, a, 0 }

static const struct run table[] = {
	PC_K("piix3", 0, 1), PC_K("vga", 0, 2), K("balloon0", 0, 3),
	K("watchdog", 0, 4), R("scsihw", 0, 0, 0, 5), PC_K("pci.3", 0, 5),
	R("scsihw", 1, 1, 0, 6), K("ahci0", 0, 7), K("qga0", 0, 8),
	K("spice", 0, 9), R("virtio", 0, 5, 0, 10), R("hostpci", 0, 1, 0, 16),
	R("net", 0, 5, 0, 18), R("vga", 1, 3, 0, 24),
	R("hostpci", 2, 3, 0, 27),
	PC_K("usb", 0, 29),		/* USB 2 from pve-usb.cfg (ehci) */
	PC_K("pci.1", 0, 30), PC_K("pci.2", 0, 31),
	/* behind pci.1 */
	R("net", 6, 31, 1, 1), K("xhci", 1, 27), K("pci.4", 1, 28),
	K("rng0", 1, 29),
	K("pci.2-igd", 1, 30),		/* pci.2 moved for legacy IGD */
	/* behind pci.2 */
	R("virtio", 6, 15, 2, 1), K("ivshmem", 2, 11), K("audio0", 2, 12),
	R("hostpci", 4, 15, 2, 13),
	/* behind pci.3: one virtio-scsi controller per disk */
	R("virtioscsi", 0, 30, 3, 1),
	/* behind pci.4: lsi controllers for scsi14 and up */
	R("scsihw", 2, 4, 4, 1),
};

/* q35: the keys whose place is on the PCIe side. */
static const struct run pcie_table[] = {
	K("vga", ROOT, 1),
	R("hostpci", 4, 10, ROOT, 9),	/* hostpciNbus0 (pcie=1, Windows 7) */
	R("hostpci", 0, 3, ROOT, 16), K("ivshmem", ROOT, 20),
	R("hostpci", 11, 15, ROOT, 21),
};

/* q35: what qemu-server's own config puts on the root bus and behind
 * the DMI bridge, always. */
static const struct {
	const char *id, *bus, *type, *driver;
	int addr;
} q35cfg[] = {
	{ "ehci", "", "other", "ich9-usb-ehci1", 0x1d },
	{ "ehci-2", "", "other", "ich9-usb-ehci2", 0x1a },
	{ "audio0", "", "other", "ich9-intel-hda", 0x1b },
	{ "ich9-pcie-port-1", "", "bridge", "pcie-root-port", 0x1c },
	{ "ich9-pcie-port-2", "", "bridge", "pcie-root-port", 0x1c },
	{ "ich9-pcie-port-3", "", "bridge", "pcie-root-port", 0x1c },
	{ "ich9-pcie-port-4", "", "bridge", "pcie-root-port", 0x1c },
	{ "pcidmi", "", "bridge", "i82801b11-bridge", 0x1e },
	{ "pci.0", "pcidmi", "bridge", "pci-bridge", 1 },
	{ "pci.1", "pcidmi", "bridge", "pci-bridge", 2 },
	{ "pci.2", "pcidmi", "bridge", "pci-bridge", 3 },
	{ "pci.3", "pcidmi", "bridge", "pci-bridge", 4 },
};
#define NQ35CFG (sizeof q35cfg / sizeof q35cfg[0])

/* key = PREFIX + number, 0 <= number <= max: the number, else -1. */
static int
keynum(const char *key, const char *prefix, int max)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(key, prefix, n) != 0 || !isdigit((unsigned char)key[n]))
		return -1;
	v = strtol(key + n, &end, 10);
	if (*end != '\0' || v > max)
		return -1;
	return (int)v;
}

/* The run of runs[0..n) that has key (on q35 or not), and the key's
 * address; NULL. */
static const struct run *
find_run(const struct run *runs, size_t n, int q35, const char *key,
    int *addr)
{
	size_t k;
	int i;

	for (k = 0; k < n; k++) {
		const struct run *r = &runs[k];

		if (q35 && r->pc)
			continue;

		i = r->first < 0 ? (strcmp(key, r->prefix) == 0 ? 0 : -1) :
		    keynum(key, r->prefix, r->last);
		if (i < 0 || (r->first >= 0 && i < r->first))
			continue;
		*addr = r->addr + (r->first < 0 ? 0 : i - r->first);
		return r;
	}
	return NULL;
}

/* The bus name of table bus b: "" the root bus, else a bridge's id. */
static void
bus_name(int q35, int b, char *out, size_t sz)
{
	if (b == 0 && !q35)
		strcopy(out, sz, "");
	else
		snprintf(out, sz, "pci.%d", b);
}

int
mgr_proxmox_place(const char *key, int q35, int pcie_port, char *bus,
    size_t sz)
{
	const struct run *r = NULL;
	int addr = -1, n;

	strcopy(bus, sz, "");
	if (q35 && pcie_port && (n = keynum(key, "hostpci", 15)) >= 0) {
		snprintf(bus, sz, "ich9-pcie-port-%d", n + 1);
		return 0;
	}
	if (q35 && strcmp(key, "vga") == 0)
		r = find_run(pcie_table, sizeof pcie_table /
		    sizeof pcie_table[0], q35, key, &addr);
	if (r == NULL && (r = find_run(table, sizeof table / sizeof table[0],
	    q35, key, &addr)) == NULL)
		return -1;
	if (r->bus >= 0)
		bus_name(q35, r->bus, bus, sz);
	return addr;
}

int
mgr_proxmox_addr(const char *key)
{
	char bus[24];
	int a = mgr_proxmox_place(key, 0, 0, bus, sizeof bus);

	return bus[0] == '\0' ? a : -1;
}

int
mgr_proxmox_key_at(int q35, const char *bus, int slot, char *out, size_t sz)
{
	const struct run *runs = table;
	size_t k, n = sizeof table / sizeof table[0];
	char name[24];
	int port;

	if (q35 && sscanf(bus, "ich9-pcie-port-%d", &port) == 1 &&
	    port >= 1 && port <= 16) {
		if (slot != 0)
			return 0;
		snprintf(out, sz, "hostpci%d", port - 1);
		return 1;
	}
	if (q35 && bus[0] == '\0') {
		runs = pcie_table;
		n = sizeof pcie_table / sizeof pcie_table[0];
	}
	for (k = 0; k < n; k++) {
		const struct run *r = &runs[k];
		int len = r->first < 0 ? 1 : r->last - r->first + 1;

		if (q35 && r->pc)
			continue;
		if (r->bus >= 0)
			bus_name(q35, r->bus, name, sizeof name);
		else
			name[0] = '\0';
		if (strcmp(name, bus) != 0 || slot < r->addr ||
		    slot >= r->addr + len)
			continue;
		if (r->first < 0)
			strcopy(out, sz, r->prefix);
		else
			snprintf(out, sz, "%s%d", r->prefix,
			    r->first + slot - r->addr);
		return 1;
	}
	return 0;
}

/* The value of option opt= in a comma list, or "". */
static void
opt(const char *val, const char *o, char *out, size_t sz)
{
	size_t n = strlen(o);
	const char *p = val;

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncmp(p, o, n) == 0 && p[n] == '=') {
			snprintf(out, sz, "%.*s", (int)strcspn(p + n + 1, ","),
			    p + n + 1);
			return;
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
}

/* Place d (its id is its key) on machine mi. */
static void
place(const struct mgr_info *mi, struct mgr_dev *d, int pcie_port)
{
	d->addr = mgr_proxmox_place(d->id, mi->q35, pcie_port, d->bus,
	    sizeof d->bus);
	d->slot = d->bus[0] == '\0' ? d->addr : -1;
}

static struct mgr_dev *
add(struct mgr_info *mi, const char *key, const char *id, const char *type,
    const char *driver)
{
	struct mgr_dev *d;
	size_t k;

	for (k = 0; k < mi->ndev; k++)
		if (strcmp(mi->dev[k].id, id) == 0)
			return &mi->dev[k];	/* one controller, many disks */
	if (mi->ndev == MGR_MAX_DEV)
		return NULL;
	d = &mi->dev[mi->ndev++];
	memset(d, 0, sizeof *d);
	strcopy(d->key, sizeof d->key, key);
	strcopy(d->id, sizeof d->id, id);
	strcopy(d->type, sizeof d->type, type);
	strcopy(d->driver, sizeof d->driver, driver);
	place(mi, d, 0);
	return d;
}

static const char *
nic_driver(const char *model)
{
	if (strcmp(model, "virtio") == 0)
		return "virtio-net-pci";
	return model;
}

/* The SCSI controller of disk scsiN (qemu-server: lsi takes 7 disks,
 * virtio-scsi-single 1, the others 256). */
static void
scsi(struct mgr_info *mi, const char *key, int n, const char *val,
    const char *scsihw)
{
	struct mgr_dev *d;
	char id[32];

	if (strcmp(scsihw, "virtio-scsi-single") == 0)
		snprintf(id, sizeof id, "virtioscsi%d", n);
	else
		snprintf(id, sizeof id, "scsihw%d",
		    strncmp(scsihw, "lsi", 3) == 0 ? n / 7 : n / 256);
	if ((d = add(mi, key, id, "controller", scsihw)) != NULL &&
	    d->where[0] == '\0')
		snprintf(d->where, sizeof d->where, "%.*s",
		    (int)strcspn(val, ","), val);
}

/* What a config entry read in pass 0 sets (before the devices). */
struct early {
	int balloon, vga;
	char scsihw[32];
};

/* One `key: value` of the current config. */
static void
entry(struct mgr_info *mi, const char *key, const char *val,
    struct early *x)
{
	struct mgr_dev *d;
	char model[32], pcie[8];
	size_t m;
	int n;

	if (strcmp(key, "name") == 0)
		strcopy(mi->name, sizeof mi->name, val);
	else if (strcmp(key, "balloon") == 0)
		x->balloon = strcmp(val, "0") != 0;
	else if (strcmp(key, "vga") == 0)
		x->vga = strncmp(val, "none", 4) != 0 &&
		    strncmp(val, "serial", 6) != 0;
	else if (strcmp(key, "agent") == 0) {
		if (val[0] == '1' || strstr(val, "enabled=1") != NULL)
			add(mi, "agent", "qga0", "other", "virtio-serial-pci");
	} else if (keynum(key, "net", 31) >= 0) {
		m = strcspn(val, "=,");
		snprintf(model, sizeof model, "%.*s", (int)m, val);
		if ((d = add(mi, key, key, "nic", nic_driver(model))) == NULL)
			return;
		if (val[m] == '=')
			snprintf(d->mac, sizeof d->mac, "%.*s",
			    (int)strcspn(val + m + 1, ","), val + m + 1);
		opt(val, "bridge", d->where, sizeof d->where);
	} else if (keynum(key, "virtio", 15) >= 0) {
		if ((d = add(mi, key, key, "disk", "virtio-blk-pci")) != NULL)
			snprintf(d->where, sizeof d->where, "%.*s",
			    (int)strcspn(val, ","), val);
	} else if ((n = keynum(key, "scsi", 30)) >= 0)
		scsi(mi, key, n, val, x->scsihw);
	else if (keynum(key, "sata", 5) >= 0)
		add(mi, key, "ahci0", "controller", "ich9-ahci");
	else if (keynum(key, "hostpci", 15) >= 0 &&
	    (d = add(mi, key, key, "other", "vfio-pci")) != NULL) {
		opt(val, "pcie", pcie, sizeof pcie);
		place(mi, d, strcmp(pcie, "1") == 0);
	}
}

/* The bridge pci.N (table bus n), where the table puts it. */
static void
bridge(struct mgr_info *mi, int n)
{
	char id[16];

	snprintf(id, sizeof id, "pci.%d", n);
	add(mi, id, id, "bridge", "pci-bridge");
}

/* i440fx machines of QEMU 2.3 and later always get pci.1 and pci.2. */
static int
always_bridges(const char *machine)
{
	int maj, min;

	if (sscanf(machine, "pc-i440fx-%d.%d", &maj, &min) == 2)
		return maj > 2 || (maj == 2 && min >= 3);
	return 1;
}

/* q35: qemu-server's own config, and the root ports for hostpci4 and up
 * (ich9-pcie-port-5..16 at 0x10.0-0x10.7, 0x11.0-0x11.3). */
static void
q35_devices(struct mgr_info *mi)
{
	struct mgr_dev *d;
	char id[32];
	size_t k, n = mi->ndev;

	for (k = 0; k < NQ35CFG; k++)
		if ((d = add(mi, q35cfg[k].id, q35cfg[k].id, q35cfg[k].type,
		    q35cfg[k].driver)) != NULL) {
			strcopy(d->bus, sizeof d->bus, q35cfg[k].bus);
			d->addr = q35cfg[k].addr;
			d->slot = d->bus[0] == '\0' ? d->addr : -1;
		}
	for (k = 0; k < n; k++) {
		int port;

		if (sscanf(mi->dev[k].bus, "ich9-pcie-port-%d", &port) != 1 ||
		    port < 5 || port > 16)
			continue;
		snprintf(id, sizeof id, "ich9-pcie-port-%d", port);
		if ((d = add(mi, id, id, "bridge", "pcie-root-port")) != NULL) {
			d->addr = port <= 12 ? 0x10 : 0x11;
			d->slot = d->addr;
		}
	}
}

/* Bridges for devices behind them, the always-there devices, and the
 * table as reservations. */
static void
finish(struct mgr_info *mi, const struct early *x)
{
	size_t k, n = mi->ndev;
	int need[5] = { 0 }, b;

	for (k = 0; k < n; k++)
		if (sscanf(mi->dev[k].bus, "pci.%d", &b) == 1 && b > 0 &&
		    b < 5)
			need[b] = 1;
	need[1] |= need[4];
	if (!mi->q35 && always_bridges(mi->machine))
		need[1] = need[2] = 1;
	for (b = 1; b < 5; b++)
		if (need[b] && (b == 4 || !mi->q35))
			bridge(mi, b);
	if (mi->q35)
		q35_devices(mi);
	if (x->balloon)
		add(mi, "balloon0", "balloon0", "other", "virtio-balloon-pci");
	if (x->vga)
		add(mi, "vga", "vga", "other", "VGA");
	/* the USB controller of i440fx, function 2 of slot 1 */
	if (!mi->q35) {
		struct mgr_dev *d = add(mi, "usb", "uhci", "other",
		    "piix3-usb-uhci");

		if (d != NULL)
			d->slot = d->addr = 1;
	}
	for (b = 0; b < 32; b++)
		if (mgr_proxmox_key_at(mi->q35, "", b, mi->reserved_for[b],
		    sizeof mi->reserved_for[b]))
			mi->reserved |= (uint32_t)1 << b;
}

/* One pass over the current config: pass 0 reads what places the devices
 * (scsihw, machine: Proxmox writes keys sorted, so they come after
 * hostpci0 and scsi0), pass 1 the rest. */
static int
lines(const char *buf, size_t len, int pass, struct mgr_info *mi,
    struct early *x, struct err *e)
{
	size_t i = 0;
	int line = 0;

	while (i < len) {
		const char *p = buf + i, *nl = memchr(p, '\n', len - i);
		size_t n = nl ? (size_t)(nl - p) : len - i, k;
		char key[32], val[1024];
		int early;

		i += n + (nl != NULL);
		line++;
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		if (n == 0 || p[0] == '#')
			continue;
		if (p[0] == '[')
			break;		/* snapshots and pending changes */
		if (memchr(p, '\0', n) != NULL)
			return err_set(e, "Proxmox config line %d has a NUL "
			    "byte", line);
		for (k = 0; k < n && (isalnum((unsigned char)p[k]) ||
		    p[k] == '_' || p[k] == '-' || p[k] == '.'); k++)
			;
		if (k == 0 || k >= sizeof key || k >= n || p[k] != ':')
			return err_set(e, "Proxmox config line %d is not "
			    "'key: value'", line);
		snprintf(key, sizeof key, "%.*s", (int)k, p);
		for (k++; k < n && p[k] == ' '; k++)
			;
		if (n - k >= sizeof val)
			return err_set(e, "Proxmox config line %d is too long",
			    line);
		snprintf(val, sizeof val, "%.*s", (int)(n - k), p + k);
		early = strcmp(key, "scsihw") == 0 ||
		    strcmp(key, "machine") == 0;
		if (early != (pass == 0))
			continue;
		if (strcmp(key, "scsihw") == 0)
			strcopy(x->scsihw, sizeof x->scsihw, val);
		else if (strcmp(key, "machine") == 0)
			snprintf(mi->machine, sizeof mi->machine, "%.*s",
			    (int)strcspn(val, ","), val);
		else
			entry(mi, key, val, x);
	}
	return 0;
}

int
mgr_proxmox_parse(const char *buf, size_t len, const char *vmid,
    struct mgr_info *mi, struct err *e)
{
	struct early x = { 1, 1, "lsi" };

	mgr_info_init(mi, MGR_PROXMOX);
	strcopy(mi->vmid, sizeof mi->vmid, vmid ? vmid : "");
	snprintf(mi->format, sizeof mi->format, "proxmox");
	if (lines(buf, len, 0, mi, &x, e) < 0)
		return -1;
	mi->q35 = strstr(mi->machine, "q35") != NULL;
	if (lines(buf, len, 1, mi, &x, e) < 0)
		return -1;
	finish(mi, &x);
	return 0;
}
