/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simdevadd.c - device_add on the simulated machine; see simdev.h.
 *
 * The order of checks follows QEMU 7.2's qdev_device_add_from_qdict() and
 * do_pci_register_device(), because the first failing check decides
 * which error text the user sees: driver, bus, id, then the properties in
 * QDict order (each kind's own ones are a table below), then the slot.
 */
#include "sim/simdev.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/simdevpriv.h"
#include "sim/simqdict.h"

static enum simdev_kind
user_kind(const char *driver, int *ok)
{
	*ok = 1;
	if (strcmp(driver, "virtio-net-pci") == 0)
		return SIMDEV_VIRTIO_NET;
	if (strcmp(driver, "virtio-blk-pci") == 0)
		return SIMDEV_VIRTIO_BLK;
	if (strcmp(driver, "e1000") == 0)
		return SIMDEV_E1000;
	if (strcmp(driver, "e1000e") == 0)
		return SIMDEV_E1000E;
	if (strcmp(driver, "rtl8139") == 0)
		return SIMDEV_RTL8139;
	*ok = 0;
	return SIMDEV_NKINDS;
}

/* Properties that exist on the simulated devices and are accepted
 * without being modelled. */
static int
known_prop(enum simdev_kind k, const char *key)
{
	static const char *const common[] = { "multifunction", "romfile",
		"rombar", "bootindex", "x-pcie-lnksta-dllla", "failover_pair_id",
		"acpi-index", NULL };
	static const char *const vnet[] = { "vectors", "mq", "host_mtu",
		"rx_queue_size", "tx_queue_size", "ioeventfd",
		"disable-legacy", "disable-modern", "speed", "duplex",
		"csum", "guest_csum", "gso", "mrg_rxbuf", "tx", "failover",
		"packed", "page-per-vq", NULL };
	static const char *const vblk[] = { "serial", "num-queues",
		"write-cache", "logical_block_size", "physical_block_size",
		"discard_granularity", "vectors", "ioeventfd", "config-wce",
		"disable-legacy", "disable-modern", "queue-size", "packed",
		"share-rw", NULL };
	static const char *const e1k[] = { "autonegotiation",
		"mitigation", "extra_mac_registers", "migrate_tso_props",
		"init-vet", NULL };
	const char *const *l;

	for (l = common; *l; l++)
		if (strcmp(*l, key) == 0)
			return 1;
	l = k == SIMDEV_VIRTIO_NET ? vnet : k == SIMDEV_VIRTIO_BLK ? vblk :
	    e1k;
	for (; *l; l++)
		if (strcmp(*l, key) == 0)
			return 1;
	return 0;
}

static int
mac_ok(const char *s)
{
	int i, p;

	for (i = 0, p = 0; i < 6; i++, p += 3) {
		if (!isxdigit((unsigned char)s[p]) ||
		    !isxdigit((unsigned char)s[p + 1]))
			return 0;
		if (i == 5) {
			if (s[p + 2] != '\0')
				return 0;
		} else if (s[p + 2] != ':' && s[p + 2] != '-')
			return 0;
	}
	return 1;
}

/* set_pci_devfn(): hex slot, optional .fn, QEMU's very sscanf. */
static int
parse_devfn(const char *s, int *devfn)
{
	unsigned slot, fn;
	int n = 0;

	if (sscanf(s, "%x.%x%n", &slot, &fn, &n) != 2) {
		fn = 0;
		if (sscanf(s, "%x%n", &slot, &n) != 1)
			return -1;
	}
	if (s[n] != '\0' || fn > 7 || slot > 31)
		return -1;
	*devfn = (int)(slot << 3 | fn);
	return 0;
}

static int
on_off(const char *v, int *out)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "true") == 0 || strcmp(v, "y") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "false") == 0 || strcmp(v, "n") == 0) {
		*out = 0;
		return 0;
	}
	return -1;
}

static int
lowest_anon(const struct simdev_machine *m)
{
	char name[32];
	int i;

	for (i = 0;; i++) {
		snprintf(name, sizeof name, "device[%d]", i);
		if (simdev_qtab_get(&m->anon, name) == NULL)
			return i;
	}
}

/* One device_add in the making. */
struct add {
	struct simdev_machine *m;
	enum simdev_kind k;
	const struct simdev_kinfo *ki;
	const char *inner;	/* the type QEMU names in a backend's error */
	int devfn;		/* -1 until addr= */
	int multifunction;
	struct simdev_netdev *net;
	struct simdev_drive *drv;
	int wc_off;		/* write-cache=off: the drive writes through */
	const char *id;		/* NULL: anonymous */
	int anon;		/* its device[N], or -1 */
	char anon_name[32];
	const char *bus;	/* the bridge it goes behind, NULL = root */
	char mac[18];		/* mac= as given, "" */
};

static int
p_addr(struct add *a, const char *val, struct simdev_err *e)
{
	if (parse_devfn(val, &a->devfn) < 0)
		return simdev_eset(e, SIMDEV_GENERIC, "Property '%s.addr' "
		    "doesn't take value '%s'", a->ki->type, val);
	return 0;
}

static int
p_multifunction(struct add *a, const char *val, struct simdev_err *e)
{
	if (on_off(val, &a->multifunction) < 0)
		return simdev_eset(e, SIMDEV_GENERIC, "Parameter "
		    "'multifunction' expects 'on' or 'off'");
	return 0;
}

static int
p_netdev(struct add *a, const char *val, struct simdev_err *e)
{
	struct simdev_netdev *n = simdev_find_net(a->m, val);

	if (n == NULL)
		return simdev_eset(e, SIMDEV_GENERIC, "Property '%s.netdev' "
		    "can't find value '%s'", a->inner, val);
	if (n->in_use)
		return simdev_eset(e, SIMDEV_GENERIC, "Property '%s.netdev' "
		    "can't take value '%s', it's in use", a->inner, val);
	a->net = n;
	return 0;
}

static int
p_mac(struct add *a, const char *val, struct simdev_err *e)
{
	if (!mac_ok(val))
		return simdev_eset(e, SIMDEV_GENERIC, "Property '%s.mac' "
		    "doesn't take value '%s'", a->inner, val);
	/* info network prints it as QEMU stores it: lower case */
	for (size_t i = 0; i < sizeof a->mac - 1 && val[i]; i++)
		a->mac[i] = (char)tolower((unsigned char)val[i]);
	return 0;
}

static int
p_drive(struct add *a, const char *val, struct simdev_err *e)
{
	struct simdev_drive *d;

	if (*val == '\0')
		return 0;
	d = simdev_find_drv(a->m, val);
	if (d == NULL)
		return simdev_eset(e, SIMDEV_GENERIC, "Property '%s.drive' "
		    "can't find value '%s'", a->inner, val);
	if (d->in_use)
		return simdev_eset(e, SIMDEV_GENERIC, "Drive '%s' is already "
		    "in use by another device", val);
	a->drv = d;
	return 0;
}

static int
p_write_cache(struct add *a, const char *val, struct simdev_err *e)
{
	if (strcmp(val, "on") && strcmp(val, "off") && strcmp(val, "auto"))
		return simdev_eset(e, SIMDEV_GENERIC, "Parameter 'write-cache' "
		    "does not accept value '%s'", val);
	a->wc_off = strcmp(val, "off") == 0;
	return 0;
}

#define K(kind) (1u << (kind))
#define NICS (K(SIMDEV_VIRTIO_NET) | K(SIMDEV_E1000) | K(SIMDEV_E1000E) | \
	K(SIMDEV_RTL8139))
#define ALL_USER (NICS | K(SIMDEV_VIRTIO_BLK))
#define BRIDGES (K(SIMDEV_ROOT_PORT) | K(SIMDEV_PCI_BRIDGE) | \
	K(SIMDEV_PCIE_PCI_BRIDGE))

/* The properties the simulator models, and the kinds that have them;
 * every other one is known_prop()'s (accepted) or not found. */
static const struct {
	const char *key;
	unsigned kinds;
	int (*set)(struct add *a, const char *val, struct simdev_err *e);
} props_modelled[] = {
	{ "addr", ALL_USER | BRIDGES, p_addr },
	{ "multifunction", ALL_USER, p_multifunction },
	{ "netdev", NICS, p_netdev },
	{ "mac", NICS, p_mac },
	{ "drive", K(SIMDEV_VIRTIO_BLK), p_drive },
	{ "write-cache", K(SIMDEV_VIRTIO_BLK), p_write_cache },
};

static int
set_prop(struct add *a, const char *key, const char *val,
    struct simdev_err *e)
{
	size_t i;

	for (i = 0; i < sizeof props_modelled / sizeof props_modelled[0]; i++)
		if (strcmp(props_modelled[i].key, key) == 0 &&
		    (props_modelled[i].kinds & K(a->k)))
			return props_modelled[i].set(a, val, e);
	if (!known_prop(a->k, key))
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Property '%s.%s' not found", a->ki->type, key);
	return 0;
}

/* Sort driver, bus and id out of kv; the rest go to props (a later
 * duplicate key replaces the earlier one), at most 64 of them. */
static size_t
split_args(const struct simdev_kv *kv, size_t nkv, const char **driver,
    const char **bus, const char **id, const struct simdev_kv **props)
{
	size_t np = 0, i, j;

	for (i = 0; i < nkv; i++) {
		if (strcmp(kv[i].key, "driver") == 0)
			*driver = kv[i].val;
		else if (strcmp(kv[i].key, "bus") == 0)
			*bus = kv[i].val;
		else if (strcmp(kv[i].key, "id") == 0)
			*id = kv[i].val;
		else {
			for (j = 0; j < np; j++)
				if (strcmp(props[j]->key, kv[i].key) == 0)
					break;
			if (j < np)
				props[j] = &kv[i];
			else if (np < 64)
				props[np++] = &kv[i];
		}
	}
	return np;
}

/* Properties are set in QDict order (bucket, then newest first). */
static void
sort_props(const struct simdev_kv **props, size_t np)
{
	size_t i, j;

	for (i = 1; i < np; i++) {
		const struct simdev_kv *x = props[i];

		for (j = i; j > 0 && simqdict_bucket(props[j - 1]->key) >
		    simqdict_bucket(x->key); j--)
			props[j] = props[j - 1];
		props[j] = x;
	}
}

/* qdev_set_id(): the child property exists from here on. */
static int
claim_id(struct add *a, struct simdev_err *e)
{
	int r;

	if (a->id != NULL) {
		r = simdev_qtab_insert(&a->m->periph, a->id, a->ki->type);
		if (r == 1)
			return simdev_eset(e, SIMDEV_GENERIC,
			    "Duplicate device ID '%s'", a->id);
		if (r < 0)
			return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
		return 0;
	}
	a->anon = lowest_anon(a->m);
	snprintf(a->anon_name, sizeof a->anon_name, "device[%d]", a->anon);
	if (simdev_qtab_insert(&a->m->anon, a->anon_name, a->ki->type) < 0)
		return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
	return 0;
}

static void
unclaim_id(struct add *a)
{
	if (a->id != NULL)
		simdev_qtab_remove(&a->m->periph, a->id);
	else
		simdev_qtab_remove(&a->m->anon, a->anon_name);
}

/* realize: do_pci_register_device() picks or checks the slot. */
static int
place(struct add *a, struct simdev_err *e)
{
	struct simdev_machine *m = a->m;
	const char *type = a->ki->type;
	int s, fn;

	if (a->devfn < 0) {
		for (s = 0; s < 32; s++)
			if (simdev_at_bus(m, a->bus, s, 0) == NULL)
				break;
		if (s == 32)
			return simdev_eset(e, SIMDEV_GENERIC, "PCI: no "
			    "slot/function available for %s, all in use or "
			    "reserved", type);
		a->devfn = s << 3;
	} else {
		struct simdev_fn *o = simdev_at_bus(m, a->bus, a->devfn >> 3,
		    a->devfn & 7);
		struct simdev_fn *f0 = simdev_at_bus(m, a->bus, a->devfn >> 3,
		    0);

		if (o != NULL)
			return simdev_eset(e, SIMDEV_GENERIC, "PCI: slot %d "
			    "function %d not available for %s, in use by "
			    "%s,id=%s", a->devfn >> 3, a->devfn & 7, type,
			    simdev_kind_info(o->kind)->type,
			    o->id ? o->id : "(null)");
		if ((a->devfn & 7) != 0 && f0 != NULL)
			return simdev_eset(e, SIMDEV_GENERIC, "PCI: slot %d "
			    "function 0 already occupied by %s, new func %s "
			    "cannot be exposed to guest.", a->devfn >> 3,
			    simdev_kind_info(f0->kind)->type, type);
	}
	if ((a->devfn & 7) == 0 && !a->multifunction)
		for (fn = 1; fn < 8; fn++)
			if (simdev_at_bus(m, a->bus, a->devfn >> 3, fn) !=
			    NULL)
				return simdev_eset(e, SIMDEV_GENERIC, "PCI: "
				    "%x.0 indicates single function, but "
				    "%x.%x is already populated.",
				    a->devfn >> 3, a->devfn >> 3, fn);
	if (a->k == SIMDEV_VIRTIO_BLK && a->drv == NULL)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "drive property not set");
	return 0;
}

/* The device joins the bus and claims its backends. */
static int
commit(struct add *a, struct simdev_err *e)
{
	struct simdev_fn f;

	memset(&f, 0, sizeof f);
	f.kind = a->k;
	f.slot = a->devfn >> 3;
	f.func = a->devfn & 7;
	f.anon = a->anon;
	f.unplug_due_ms = -1;
	f.seq = a->m->seq++;
	if (a->k != SIMDEV_VIRTIO_BLK) {
		if (a->mac[0])
			memcpy(f.mac, a->mac, sizeof f.mac);
		else	/* QEMU's default macs count up per process */
			snprintf(f.mac, sizeof f.mac, "52:54:00:12:34:%02x",
			    (0x56 + a->m->mac_seq++) & 0xff);
	}
	if ((a->bus && (f.bus = strdup(a->bus)) == NULL) ||
	    (a->id && (f.id = strdup(a->id)) == NULL) ||
	    (a->net && (f.netdev = strdup(a->net->id)) == NULL) ||
	    (a->drv && (f.drive = strdup(a->drv->id)) == NULL) ||
	    simdev_push_fn(a->m, &f) < 0) {
		simdev_fn_free(&f);
		return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
	}
	if (a->net)
		a->net->in_use = 1;
	if (a->drv) {
		a->drv->in_use = 1;
		simdev_backend_path(&a->m->fn[a->m->nfn - 1],
		    a->drv->attached, sizeof a->drv->attached);
	}
	if (a->drv && a->wc_off)
		a->drv->o.writeback = 0;
	simdev_sort(a->m);
	return 0;
}

/* qbus_find(): the root bus by name, or a bridge's bus by its id; the
 * bus a device goes on into a->bus.  -1: "Bus 'X' not found". */
static int
find_bus(struct add *a, const char *bus, struct simdev_err *e)
{
	size_t i;

	a->bus = NULL;
	if (bus == NULL || strcmp(bus, simdev_bus_name(a->m)) == 0)
		return 0;
	for (i = 0; i < a->m->nfn; i++) {
		const struct simdev_fn *f = &a->m->fn[i];

		if (f->id != NULL && strcmp(f->id, bus) == 0 &&
		    simdev_kind_info(f->kind)->bridge) {
			a->bus = f->id;
			return 0;
		}
	}
	return simdev_eset(e, SIMDEV_GENERIC, "Bus '%s' not found", bus);
}

/* A bridge kind by its type name: created only as at startup. */
static enum simdev_kind
bridge_kind(const char *driver, int *ok)
{
	static const enum simdev_kind b[] = { SIMDEV_ROOT_PORT,
		SIMDEV_PCI_BRIDGE, SIMDEV_PCIE_PCI_BRIDGE };
	size_t i;

	*ok = 1;
	for (i = 0; i < sizeof b / sizeof *b; i++)
		if (strcmp(driver, simdev_kind_info(b[i])->type) == 0)
			return b[i];
	*ok = 0;
	return SIMDEV_NKINDS;
}

static int add(struct simdev_machine *m, const struct simdev_kv *kv,
    size_t nkv, int cold, struct simdev_err *e);

int
simdev_device_add(struct simdev_machine *m, const struct simdev_kv *kv,
    size_t nkv, struct simdev_err *e)
{
	return add(m, kv, nkv, 0, e);
}

int
simdev_device_add_cold(struct simdev_machine *m, const struct simdev_kv *kv,
    size_t nkv, struct simdev_err *e)
{
	return add(m, kv, nkv, 1, e);
}

static int
add(struct simdev_machine *m, const struct simdev_kv *kv, size_t nkv,
    int cold, struct simdev_err *e)
{
	const char *driver = NULL, *bus = NULL;
	const struct simdev_kv *props[64];
	struct add a;
	size_t np, i;
	int ok;

	memset(&a, 0, sizeof a);
	a.m = m;
	a.devfn = -1;
	a.anon = -1;
	np = split_args(kv, nkv, &driver, &bus, &a.id, props);
	if (driver == NULL)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Parameter 'driver' is missing");
	a.k = user_kind(driver, &ok);
	if (!ok && cold)
		a.k = bridge_kind(driver, &ok);
	if (!ok)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "'%s' is not a valid device model name", driver);
	a.ki = simdev_kind_info(a.k);
	a.inner = a.k == SIMDEV_VIRTIO_NET ? "virtio-net-device" :
	    a.k == SIMDEV_VIRTIO_BLK ? "virtio-blk-device" : a.ki->type;
	if (find_bus(&a, bus, e) < 0)
		return -1;
	/* pcie.0 takes no hotplug; root ports and bridges do */
	if (simdev_is_q35(m) && a.bus == NULL && !cold)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Bus '%s' does not support hotplugging",
		    simdev_bus_name(m));
	if (claim_id(&a, e) < 0)
		return -1;
	sort_props(props, np);
	for (i = 0; i < np; i++)
		if (set_prop(&a, props[i]->key, props[i]->val, e) < 0)
			goto fail;
	if (place(&a, e) < 0 || commit(&a, e) < 0)
		goto fail;
	return 0;
fail:
	unclaim_id(&a);
	return -1;
}
