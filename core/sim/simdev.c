/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simdev.c - the simulated machine's bus: the kinds of PCI function and
 * their fixed facts, the built-in functions of each machine type, and a
 * device's life after device_add (device_del, the guest's ack, removal);
 * see simdev.h.  device_add itself is simdevadd.c, the backends
 * simdevback.c, the QOM containers simdevqom.c.
 */
#include "sim/simdev.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/simdevpriv.h"

#define R_IO(b, s) { (b), 1, 0, 0, (s) }
#define R_MEM(b, s) { (b), 0, 0, 0, (s) }
#define R_PREF(b, s) { (b), 0, 1, 0, (s) }
#define R_PREF64(b, s) { (b), 0, 1, 1, (s) }
#define R_MEM64(b, s) { (b), 0, 0, 1, (s) }

static const struct simdev_kinfo kinds[SIMDEV_NKINDS] = {
	[SIMDEV_I440FX] = { "i440FX", "Host bridge", 0x0600,
	    0x8086, 0x1237, 0x1af4, 0x1100, 0, 0, { { 0 } }, 0, 0 },
	[SIMDEV_PIIX3] = { "PIIX3", "ISA bridge", 0x0601,
	    0x8086, 0x7000, 0x1af4, 0x1100, 0, 0, { { 0 } }, 0, 0 },
	[SIMDEV_PIIX3_IDE] = { "piix3-ide", "IDE controller", 0x0101,
	    0x8086, 0x7010, 0x1af4, 0x1100, 0, 1, { R_IO(4, 16) }, 0, 0 },
	[SIMDEV_PIIX4_PM] = { "PIIX4_PM", "Bridge", 0x0680,
	    0x8086, 0x7113, 0x1af4, 0x1100, 1, 0, { { 0 } }, 0, 0 },
	[SIMDEV_VGA] = { "VGA", "VGA controller", 0x0300,
	    0x1234, 0x1111, 0x1af4, 0x1100, 0, 3,
	    { R_PREF(0, 16777216), R_MEM(2, 4096), R_MEM(6, 65536) }, 0, 0 },
	[SIMDEV_E1000_BUILTIN] = { "e1000", "Ethernet controller", 0x0200,
	    0x8086, 0x100e, 0x1af4, 0x1100, 1, 3,
	    { R_MEM(0, 131072), R_IO(1, 64), R_MEM(6, 262144) }, 0, 0 },
	[SIMDEV_MCH] = { "mch", "Host bridge", 0x0600,
	    0x8086, 0x29c0, 0x1af4, 0x1100, 0, 0, { { 0 } }, 0, 0 },
	[SIMDEV_E1000E] = { "e1000e", "Ethernet controller", 0x0200,
	    0x8086, 0x10d3, 0x8086, 0x0000, 1, 5,
	    { R_MEM(0, 131072), R_MEM(1, 131072), R_IO(2, 32),
	    R_MEM(3, 16384), R_MEM(6, 262144) }, 0, 0 },
	[SIMDEV_ICH9_LPC] = { "ICH9-LPC", "ISA bridge", 0x0601,
	    0x8086, 0x2918, 0x1af4, 0x1100, 0, 0, { { 0 } }, 0, 0 },
	[SIMDEV_ICH9_AHCI] = { "ich9-ahci", "SATA controller", 0x0106,
	    0x8086, 0x2922, 0x1af4, 0x1100, 1, 2,
	    { R_IO(4, 32), R_MEM(5, 4096) }, 0, 0 },
	[SIMDEV_ICH9_SMB] = { "ICH9-SMB", "SMBus", 0x0c05,
	    0x8086, 0x2930, 0x1af4, 0x1100, 1, 1, { R_IO(4, 64) }, 0, 0 },
	[SIMDEV_VIRTIO_NET] = { "virtio-net-pci", "Ethernet controller",
	    0x0200, 0x1af4, 0x1000, 0x1af4, 0x0001, 1, 4,
	    { R_IO(0, 32), R_MEM(1, 4096), R_PREF64(4, 16384),
	    R_MEM(6, 262144) }, 1, 1 },
	[SIMDEV_VIRTIO_BLK] = { "virtio-blk-pci", "SCSI controller", 0x0100,
	    0x1af4, 0x1001, 0x1af4, 0x0002, 1, 3,
	    { R_IO(0, 128), R_MEM(1, 4096), R_PREF64(4, 16384) }, 1, 1 },
	[SIMDEV_E1000] = { "e1000", "Ethernet controller", 0x0200,
	    0x8086, 0x100e, 0x1af4, 0x1100, 1, 3,
	    { R_MEM(0, 131072), R_IO(1, 64), R_MEM(6, 262144) }, 1, 0 },
	[SIMDEV_RTL8139] = { "rtl8139", "Ethernet controller", 0x0200,
	    0x10ec, 0x8139, 0x1af4, 0x1100, 1, 3,
	    { R_IO(0, 256), R_MEM(1, 256), R_MEM(6, 262144) }, 1, 0 },
	/* bridges (cold-plugged only): windows as 7.2 lists them under -S */
	[SIMDEV_ROOT_PORT] = { "pcie-root-port", "PCI bridge", 0x0604,
	    0x1b36, 0x000c, 0, 0, 1, 1, { R_MEM(0, 4096) }, 0, 0, 1,
	    0xf000, 0xfff00000 },
	[SIMDEV_PCI_BRIDGE] = { "pci-bridge", "PCI bridge", 0x0604,
	    0x1b36, 0x0001, 0, 0, 1, 1, { R_MEM64(0, 256) }, 0, 0, 1, 0, 0 },
	[SIMDEV_PCIE_PCI_BRIDGE] = { "pcie-pci-bridge", "PCI bridge", 0x0604,
	    0x1b36, 0x000e, 0, 0, 1, 1, { R_MEM64(0, 256) }, 0, 0, 1, 0, 0 },
};

const struct simdev_kinfo *
simdev_kind_info(enum simdev_kind k)
{
	return &kinds[k];
}

int
simdev_eset(struct simdev_err *e, enum simdev_ecls cls, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->cls = cls;
	va_start(ap, fmt);
	vsnprintf(e->desc, sizeof e->desc, fmt, ap);
	va_end(ap);
	return -1;
}


int
simdev_push_fn(struct simdev_machine *m, const struct simdev_fn *f)
{
	if (m->nfn == m->capfn) {
		size_t cap = m->capfn ? m->capfn * 2 : 16;
		struct simdev_fn *p = realloc(m->fn, cap * sizeof *p);

		if (p == NULL)
			return -1;
		m->fn = p;
		m->capfn = cap;
	}
	m->fn[m->nfn++] = *f;
	return 0;
}

static int
builtin(struct simdev_machine *m, enum simdev_kind k, int slot, int func)
{
	struct simdev_fn f;

	memset(&f, 0, sizeof f);
	f.kind = k;
	f.slot = slot;
	f.func = func;
	f.anon = -1;
	f.unplug_due_ms = -1;
	return simdev_push_fn(m, &f);
}

int
simdev_machine_init(struct simdev_machine *m, enum simdev_machine_type t)
{
	int r = 0;

	memset(m, 0, sizeof *m);
	m->type = t;
	m->guest = SIMDEV_GUEST_NONE;
	m->ack_ms = 100;
	/* the built-in NIC of pc and q35 took QEMU's first default mac */
	m->mac_seq = t == SIMDEV_PC_NODEFAULTS ? 0 : 1;
	simdev_qtab_init(&m->periph);
	simdev_qtab_init(&m->anon);
	if (m->periph.hash == NULL || m->anon.hash == NULL) {
		simdev_machine_free(m);
		return -1;
	}
	if (t == SIMDEV_Q35 || t == SIMDEV_Q35_PORTS) {
		r |= builtin(m, SIMDEV_MCH, 0, 0);
		r |= builtin(m, SIMDEV_VGA, 1, 0);
		r |= builtin(m, SIMDEV_E1000E, 2, 0);
		r |= builtin(m, SIMDEV_ICH9_LPC, 31, 0);
		r |= builtin(m, SIMDEV_ICH9_AHCI, 31, 2);
		r |= builtin(m, SIMDEV_ICH9_SMB, 31, 3);
	} else {
		r |= builtin(m, SIMDEV_I440FX, 0, 0);
		r |= builtin(m, SIMDEV_PIIX3, 1, 0);
		r |= builtin(m, SIMDEV_PIIX3_IDE, 1, 1);
		r |= builtin(m, SIMDEV_PIIX4_PM, 1, 3);
		if (t == SIMDEV_PC || t == SIMDEV_PC_BRIDGE) {
			r |= builtin(m, SIMDEV_VGA, 2, 0);
			r |= builtin(m, SIMDEV_E1000_BUILTIN, 3, 0);
		}
	}
	if (t == SIMDEV_Q35_PORTS) {
		r |= simdev_plug(m, SIMDEV_ROOT_PORT, 4, "rp4", NULL);
		r |= simdev_plug(m, SIMDEV_ROOT_PORT, 5, "rp5", NULL);
		r |= simdev_plug(m, SIMDEV_ROOT_PORT, 6, "rp6", NULL);
	}
	if (t == SIMDEV_PC_BRIDGE)
		r |= simdev_plug(m, SIMDEV_PCI_BRIDGE, 5, "br1", NULL);
	if (r) {
		simdev_machine_free(m);
		return -1;
	}
	return 0;
}

void
simdev_fn_free(struct simdev_fn *f)
{
	free(f->bus);
	free(f->id);
	free(f->netdev);
	free(f->drive);
}

void
simdev_machine_free(struct simdev_machine *m)
{
	size_t i;

	for (i = 0; i < m->nfn; i++)
		simdev_fn_free(&m->fn[i]);
	free(m->fn);
	for (i = 0; i < m->nnet; i++) {
		free(m->net[i].id);
		free(m->net[i].type);
	}
	free(m->net);
	for (i = 0; i < m->ndrv; i++) {
		free(m->drv[i].id);
		free(m->drv[i].file);
	}
	free(m->drv);
	for (i = 0; i < m->nfds; i++) {
		free(m->fds[i].name);
		close(m->fds[i].fd);
	}
	free(m->fds);
	simdev_qtab_free(&m->periph);
	simdev_qtab_free(&m->anon);
	memset(m, 0, sizeof *m);
}

int
simdev_is_q35(const struct simdev_machine *m)
{
	return m->type == SIMDEV_Q35 || m->type == SIMDEV_Q35_PORTS;
}

const char *
simdev_bus_name(const struct simdev_machine *m)
{
	return simdev_is_q35(m) ? "pcie.0" : "pci.0";
}

void
simdev_bus_path(const struct simdev_machine *m, const struct simdev_fn *f,
    char *out, size_t outsz)
{
	if (f->bus != NULL)
		snprintf(out, outsz, "/machine/peripheral/%s/%s", f->bus,
		    f->bus);
	else
		snprintf(out, outsz, "/machine/%s/%s", simdev_is_q35(m) ?
		    "q35" : "i440fx", simdev_bus_name(m));
}

static int
fn_cmp(const void *a, const void *b)
{
	const struct simdev_fn *x = a, *y = b;

	return (x->slot * 8 + x->func) - (y->slot * 8 + y->func);
}

void
simdev_sort(struct simdev_machine *m)
{
	qsort(m->fn, m->nfn, sizeof *m->fn, fn_cmp);
}

int
simdev_id_wellformed(const char *id)
{
	size_t i;

	if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' &&
	    id[0] <= 'Z')))
		return 0;
	for (i = 1; id[i]; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_'))
			return 0;
	}
	return 1;
}

struct simdev_fn *
simdev_at_bus(struct simdev_machine *m, const char *bus, int slot, int func)
{
	size_t i;

	for (i = 0; i < m->nfn; i++) {
		const struct simdev_fn *f = &m->fn[i];

		if (f->slot == slot && f->func == func && (bus == NULL ?
		    f->bus == NULL : f->bus != NULL && strcmp(f->bus, bus) == 0))
			return &m->fn[i];
	}
	return NULL;
}

struct simdev_fn *
simdev_at(struct simdev_machine *m, int slot, int func)
{
	return simdev_at_bus(m, NULL, slot, func);
}

struct simdev_netdev *
simdev_find_net(struct simdev_machine *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nnet; i++)
		if (strcmp(m->net[i].id, id) == 0)
			return &m->net[i];
	return NULL;
}

struct simdev_drive *
simdev_find_drv(struct simdev_machine *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->ndrv; i++)
		if (strcmp(m->drv[i].id, id) == 0)
			return &m->drv[i];
	return NULL;
}

/* object_resolve_path_at(peripheral, id) for the paths that name a
 * device: ID, /machine/peripheral/ID, /machine/peripheral-anon/device[N]. */
struct simdev_fn *
simdev_resolve(struct simdev_machine *m, const char *path)
{
	static const char pp[] = "/machine/peripheral/";
	static const char pa[] = "/machine/peripheral-anon/device[";
	size_t i;

	if (strncmp(path, pp, sizeof pp - 1) == 0)
		path += sizeof pp - 1;
	else if (strncmp(path, pa, sizeof pa - 1) == 0) {
		char *end;
		long n = strtol(path + sizeof pa - 1, &end, 10);

		if (end == path + sizeof pa - 1 || strcmp(end, "]") != 0)
			return NULL;
		for (i = 0; i < m->nfn; i++)
			if (m->fn[i].id == NULL && m->fn[i].anon == n)
				return &m->fn[i];
		return NULL;
	} else if (path[0] == '/')
		return NULL;
	for (i = 0; i < m->nfn; i++)
		if (m->fn[i].id && strcmp(m->fn[i].id, path) == 0)
			return &m->fn[i];
	return NULL;
}

/* What device_del of /machine/unattached/device[N] says on QEMU 7.2's
 * paused pc and q35 (learnt from the real program, one N at a time):
 * the bus (or device) that refuses, "" for the one built-in device that
 * can be unplugged (pc's e1000 NIC: *f is set), NULL past the table.
 * Other machines are not modelled: "not found". */
static const char *const pc_unattached[] = {
	"!Boot CPU is unpluggable", "main-system-bus", "=i440FX", "=PIIX3",
	"isa.0", "isa.0", "isa.0", "isa.0", "=VGA", "main-system-bus",
	"isa.0", "isa.0", "isa.0", "isa.0", "isa.0", "isa.0",
	"floppy-bus.0", "isa.0", "isa.0", "isa.0", "isa.0", "",
	"=piix3-ide", "ide.1", "=PIIX4_PM", "i2c", "i2c", "i2c", "i2c",
	"i2c", "i2c", "i2c",
};
static const char *const q35_unattached[] = {
	"!Boot CPU is unpluggable", "main-system-bus", "pcie.0", "isa.0",
	"isa.0", "isa.0", "isa.0", "main-system-bus", "isa.0", "isa.0",
	"isa.0", "isa.0", "isa.0", "isa.0", "isa.0", "isa.0", "isa.0",
	"pcie.0", "ide.2", "pcie.0", "i2c", "i2c", "i2c", "i2c", "i2c",
	"i2c", "i2c", "i2c", "pcie.0", "pcie.0",
};

static int
unattached(struct simdev_machine *m, const char *path,
    struct simdev_fn **f, struct simdev_err *e)
{
	static const char pu[] = "/machine/unattached/device[";
	const char *const *t = NULL;
	const char *w;
	size_t nt = 0;
	char *end;
	long n;

	if (m->type == SIMDEV_PC || m->type == SIMDEV_PC_BRIDGE) {
		t = pc_unattached;
		nt = sizeof pc_unattached / sizeof *pc_unattached;
	} else if (simdev_is_q35(m)) {
		t = q35_unattached;
		nt = sizeof q35_unattached / sizeof *q35_unattached;
	}
	if (t == NULL || strncmp(path, pu, sizeof pu - 1) != 0)
		return 0;
	n = strtol(path + sizeof pu - 1, &end, 10);
	if (end == path + sizeof pu - 1 || strcmp(end, "]") != 0 || n < 0 ||
	    (size_t)n >= nt)
		return 0;
	w = t[n];
	if (w[0] == '\0') {
		*f = simdev_at(m, 3, 0);	/* pc's own e1000 */
		return 0;
	}
	if (w[0] == '!')
		return simdev_eset(e, SIMDEV_GENERIC, "%s", w + 1);
	if (w[0] == '=')
		return simdev_eset(e, SIMDEV_GENERIC, "Device '%s' does not "
		    "support hotplugging", w + 1);
	return simdev_eset(e, SIMDEV_GENERIC, "Bus '%s' does not support "
	    "hotplugging", w);
}

int
simdev_device_del(struct simdev_machine *m, const char *id, int64_t now_ms,
    struct simdev_err *e)
{
	struct simdev_fn *f = simdev_resolve(m, id);

	if (f == NULL && unattached(m, id, &f, e) < 0)
		return -1;
	if (f == NULL)
		return simdev_eset(e, SIMDEV_DEVICE_NOT_FOUND,
		    "Device '%s' not found", id);
	/* A paused machine's virtual clock stands at 0, so QEMU refuses a
	 * repeated request; a running one accepts it again.  The guest that
	 * ignores unplugs refuses too: that is what operators meet when a
	 * request is stuck (and what the stuck-unplug scenario teaches). */
	if (f->unplug_pending && m->guest != SIMDEV_GUEST_ACK &&
	    m->guest != SIMDEV_GUEST_REFUSE)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Device %s is already in the process of unplug", id);
	if (!f->unplug_pending) {
		f->unplug_pending = 1;
		f->unplug_due_ms = m->guest == SIMDEV_GUEST_ACK ||
		    m->guest == SIMDEV_GUEST_REFUSE ?
		    now_ms + m->ack_ms : -1;
	}
	return 0;
}

void
simdev_backend_path(const struct simdev_fn *f, char *out, size_t sz)
{
	if (f->id != NULL)
		snprintf(out, sz, "/machine/peripheral/%s/virtio-backend",
		    f->id);
	else
		snprintf(out, sz, "/machine/peripheral-anon/device[%d]/"
		    "virtio-backend", f->anon);
}

static void
release(struct simdev_machine *m, struct simdev_fn *f)
{
	struct simdev_netdev *n = f->netdev ?
	    simdev_find_net(m, f->netdev) : NULL;
	struct simdev_drive *d = f->drive ? simdev_find_drv(m, f->drive) :
	    NULL;
	char name[32];

	if (n)
		n->in_use = 0;
	if (d) {
		d->in_use = 0;
		d->attached[0] = '\0';
	}
	if (f->id)
		simdev_qtab_remove(&m->periph, f->id);
	else {
		snprintf(name, sizeof name, "device[%d]", f->anon);
		simdev_qtab_remove(&m->anon, name);
	}
}

size_t
simdev_complete(struct simdev_machine *m, int64_t now_ms, int all,
    struct simdev_gone *out, size_t max)
{
	size_t i = 0, n = 0;

	while (i < m->nfn) {
		struct simdev_fn *f = &m->fn[i];

		if (!f->unplug_pending || (!all && (f->unplug_due_ms < 0 ||
		    f->unplug_due_ms > now_ms))) {
			i++;
			continue;
		}
		if (n < max) {
			struct simdev_gone *g = &out[n];

			snprintf(g->id, sizeof g->id, "%s", f->id ? f->id : "");
			if (f->id)
				snprintf(g->path, sizeof g->path,
				    "/machine/peripheral/%s", f->id);
			else
				snprintf(g->path, sizeof g->path,
				    "/machine/peripheral-anon/device[%d]",
				    f->anon);
			g->virtio = kinds[f->kind].virtio;
			g->refused = 0;
		}
		n++;
		if (!all && m->guest == SIMDEV_GUEST_REFUSE) {
			/* the guest said no: the device stays */
			if (n <= max)
				out[n - 1].refused = 1;
			f->unplug_pending = 0;
			f->unplug_due_ms = -1;
			i++;
			continue;
		}
		release(m, f);
		simdev_fn_free(f);
		memmove(f, f + 1, (m->nfn - i - 1) * sizeof *f);
		m->nfn--;
	}
	return n;
}

int64_t
simdev_next_due(const struct simdev_machine *m)
{
	int64_t best = -1;
	size_t i;

	for (i = 0; i < m->nfn; i++)
		if (m->fn[i].unplug_pending && m->fn[i].unplug_due_ms >= 0 &&
		    (best < 0 || m->fn[i].unplug_due_ms < best))
			best = m->fn[i].unplug_due_ms;
	return best;
}

int
simdev_plug(struct simdev_machine *m, enum simdev_kind k, int slot,
    const char *id, struct simdev_err *e)
{
	struct simdev_kv kv[3];
	char addr[16];
	size_t n = 0;

	snprintf(addr, sizeof addr, "0x%x", (unsigned)slot);
	kv[n].key = "driver";
	kv[n++].val = kinds[k].type;
	if (id) {
		kv[n].key = "id";
		kv[n++].val = id;
	}
	kv[n].key = "addr";
	kv[n++].val = addr;
	return simdev_device_add_cold(m, kv, n, e);
}

int
simdev_plug_at(struct simdev_machine *m, enum simdev_kind k,
    const char *bus, int slot, const char *id, struct simdev_err *e)
{
	struct simdev_kv kv[4];
	char addr[16];
	size_t n = 0;

	snprintf(addr, sizeof addr, "0x%x", (unsigned)slot);
	kv[n].key = "driver";
	kv[n++].val = kinds[k].type;
	if (bus) {
		kv[n].key = "bus";
		kv[n++].val = bus;
	}
	if (id) {
		kv[n].key = "id";
		kv[n++].val = id;
	}
	kv[n].key = "addr";
	kv[n++].val = addr;
	return simdev_device_add_cold(m, kv, n, e);
}


int
simdev_add_root_ports(struct simdev_machine *m, int n, struct simdev_err *e)
{
	char id[16];
	int s;

	if (!simdev_is_q35(m))
		return simdev_eset(e, SIMDEV_GENERIC, "root ports need a q35 "
		    "machine");
	for (s = 4; s < 31 && n > 0; s++) {
		if (simdev_at(m, s, 0) != NULL)
			continue;
		snprintf(id, sizeof id, "rp%d", s);
		if (simdev_plug(m, SIMDEV_ROOT_PORT, s, id, e) < 0)
			return -1;
		n--;
	}
	if (n > 0)
		return simdev_eset(e, SIMDEV_GENERIC, "no free root-bus slot "
		    "left for %d more root port%s", n, n == 1 ? "" : "s");
	return 0;
}
