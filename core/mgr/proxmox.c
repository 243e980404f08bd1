/* SPDX-License-Identifier: GPL-3.0-or-later */
/* proxmox.c - Proxmox VE's VM config (/etc/pve/qemu-server/VMID.conf),
 * read (never written), and its fixed PCI address table.
 *
 * qemu-server does not pick the lowest free slot: every device key has
 * its own address, the same on every VM (PVE/QemuServer/PCI.pm), and
 * devices past the first few of a kind go behind the bridges pci.1 (slot
 * 30) and pci.2 (slot 31).  The qdev id of a device is its config key
 * (net0, virtio0, balloon0, ...), so a live id names its key.  The
 * config is `key: value` lines; the current config ends at the first
 * `[section]` (snapshots follow).  tests/fixtures/managers/README.md
 * describes both in our words.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr/mgr.h"

/* Bus 0 of an i440fx VM: which key has which slot.  Where two keys share
 * a slot (one or the other exists) the first is listed. */
static const struct {
	const char *key;
	int slot;
} bus0[] = {
	{ "piix3", 1 }, { "vga", 2 }, { "balloon0", 3 }, { "watchdog", 4 },
	{ "scsihw0", 5 }, { "pci.3", 5 }, { "scsihw1", 6 }, { "ahci0", 7 },
	{ "qga0", 8 }, { "spice", 9 },
	{ "virtio0", 10 }, { "virtio1", 11 }, { "virtio2", 12 },
	{ "virtio3", 13 }, { "virtio4", 14 }, { "virtio5", 15 },
	{ "hostpci0", 16 }, { "hostpci1", 17 },
	{ "net0", 18 }, { "net1", 19 }, { "net2", 20 }, { "net3", 21 },
	{ "net4", 22 }, { "net5", 23 },
	{ "vga1", 24 }, { "vga2", 25 }, { "vga3", 26 },
	{ "hostpci2", 27 }, { "hostpci3", 28 },
	{ "usb", 29 },		/* usb-host, from pve-usb.cfg */
	{ "pci.1", 30 }, { "pci.2", 31 },
};
#define NBUS0 (sizeof bus0 / sizeof bus0[0])

/* Copy, cut to fit. */
static void
cp(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (n >= sz)
		n = sz - 1;
	memmove(dst, src, n);
	dst[n] = '\0';
}

int
mgr_proxmox_addr(const char *key)
{
	size_t k;

	for (k = 0; k < NBUS0; k++)
		if (strcmp(bus0[k].key, key) == 0)
			return bus0[k].slot;
	return -1;
}

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
	cp(d->key, sizeof d->key, key);
	cp(d->id, sizeof d->id, id);
	cp(d->type, sizeof d->type, type);
	cp(d->driver, sizeof d->driver, driver);
	d->slot = mgr_proxmox_addr(id);
	return d;
}

static const char *
nic_driver(const char *model)
{
	if (strcmp(model, "virtio") == 0)
		return "virtio-net-pci";
	return model;
}

/* One `key: value` of the current config. */
static void
entry(struct mgr_info *mi, const char *key, const char *val, int *balloon,
    int *vga, char *scsihw, size_t scsihwsz)
{
	struct mgr_dev *d;
	char id[32], model[32];
	int n;
	size_t m;

	if (strcmp(key, "name") == 0)
		cp(mi->name, sizeof mi->name, val);
	else if (strcmp(key, "machine") == 0)
		snprintf(mi->machine, sizeof mi->machine, "%.*s",
		    (int)strcspn(val, ","), val);
	else if (strcmp(key, "balloon") == 0)
		*balloon = strcmp(val, "0") != 0;
	else if (strcmp(key, "vga") == 0)
		*vga = strncmp(val, "none", 4) != 0 &&
		    strncmp(val, "serial", 6) != 0;
	else if (strcmp(key, "scsihw") == 0)
		cp(scsihw, scsihwsz, val);
	else if (strcmp(key, "agent") == 0) {
		if (val[0] == '1' || strstr(val, "enabled=1") != NULL)
			add(mi, "agent", "qga0", "other", "virtio-serial-pci");
	} else if ((n = keynum(key, "net", 31)) >= 0) {
		m = strcspn(val, "=,");
		snprintf(model, sizeof model, "%.*s", (int)m, val);
		if ((d = add(mi, key, key, "nic", nic_driver(model))) == NULL)
			return;
		if (val[m] == '=')
			snprintf(d->mac, sizeof d->mac, "%.*s",
			    (int)strcspn(val + m + 1, ","), val + m + 1);
		opt(val, "bridge", d->where, sizeof d->where);
	} else if ((n = keynum(key, "virtio", 15)) >= 0) {
		if ((d = add(mi, key, key, "disk", "virtio-blk-pci")) != NULL)
			snprintf(d->where, sizeof d->where, "%.*s",
			    (int)strcspn(val, ","), val);
	} else if ((n = keynum(key, "scsi", 30)) >= 0) {
		/* the disk sits on a controller; the controller is on the
		 * bus (virtio-scsi-single: one per disk, behind pci.3) */
		if (strcmp(scsihw, "virtio-scsi-single") == 0) {
			snprintf(id, sizeof id, "virtioscsi%d", n);
			add(mi, "pci.3", "pci.3", "bridge", "pci-bridge");
		} else
			snprintf(id, sizeof id, "scsihw%d",
			    strcmp(scsihw, "virtio-scsi-pci") == 0 ? 0 : n / 7);
		if ((d = add(mi, key, id, "controller", scsihw[0] ? scsihw :
		    "lsi")) != NULL && d->where[0] == '\0')
			snprintf(d->where, sizeof d->where, "%.*s",
			    (int)strcspn(val, ","), val);
	} else if (keynum(key, "sata", 5) >= 0)
		add(mi, key, "ahci0", "controller", "ich9-ahci");
	else if (keynum(key, "hostpci", 15) >= 0)
		add(mi, key, key, "other", "vfio-pci");
}

/* Bridges for devices behind them, the always-there devices, and the
 * table as reservations. */
static void
finish(struct mgr_info *mi, int balloon, int vga)
{
	size_t k, n = mi->ndev;
	int need1 = 0, need2 = 0;

	for (k = 0; k < n; k++) {
		const char *key = mi->dev[k].id;

		need1 |= keynum(key, "net", 31) >= 6;
		need2 |= keynum(key, "virtio", 15) >= 6 ||
		    keynum(key, "hostpci", 15) >= 4;
	}
	if (need1)
		add(mi, "pci.1", "pci.1", "bridge", "pci-bridge");
	if (need2)
		add(mi, "pci.2", "pci.2", "bridge", "pci-bridge");
	if (balloon)
		add(mi, "balloon0", "balloon0", "other", "virtio-balloon-pci");
	if (vga)
		add(mi, "vga", "vga", "other", "VGA");
	/* the USB controller of i440fx, function 2 of slot 1 */
	if (strstr(mi->machine, "q35") == NULL) {
		struct mgr_dev *d = add(mi, "usb", "uhci", "other",
		    "piix3-usb-uhci");

		if (d != NULL)
			d->slot = 1;
	}
	for (k = 0; k < NBUS0; k++) {
		int s = bus0[k].slot;

		if (mi->reserved & ((uint32_t)1 << s))
			continue;
		mi->reserved |= (uint32_t)1 << s;
		snprintf(mi->reserved_for[s], sizeof mi->reserved_for[s],
		    "%s", bus0[k].key);
	}
}

/* One pass over the current config: pass 0 reads scsihw alone (Proxmox
 * writes keys sorted, so it comes after scsi0), pass 1 the rest. */
static int
lines(const char *buf, size_t len, int pass, struct mgr_info *mi,
    int *balloon, int *vga, char *scsihw, size_t scsihwsz, struct err *e)
{
	size_t i = 0;
	int line = 0;

	while (i < len) {
		const char *p = buf + i, *nl = memchr(p, '\n', len - i);
		size_t n = nl ? (size_t)(nl - p) : len - i, k;
		char key[32], val[1024];

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
		if ((strcmp(key, "scsihw") == 0) == (pass == 0))
			entry(mi, key, val, balloon, vga, scsihw, scsihwsz);
	}
	return 0;
}

int
mgr_proxmox_parse(const char *buf, size_t len, const char *vmid,
    struct mgr_info *mi, struct err *e)
{
	int balloon = 1, vga = 1;
	char scsihw[32] = "lsi";

	mgr_info_init(mi, MGR_PROXMOX);
	cp(mi->vmid, sizeof mi->vmid, vmid ? vmid : "");
	snprintf(mi->format, sizeof mi->format, "proxmox");
	if (lines(buf, len, 0, mi, &balloon, &vga, scsihw, sizeof scsihw,
	    e) < 0 || lines(buf, len, 1, mi, &balloon, &vga, scsihw,
	    sizeof scsihw, e) < 0)
		return -1;
	finish(mi, balloon, vga);
	return 0;
}
