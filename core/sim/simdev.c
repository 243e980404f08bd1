/* simdev.c - the simulated machine; see simdev.h.
 *
 * The order of checks in simdev_device_add() follows QEMU 7.2's
 * qdev_device_add_from_qdict() and do_pci_register_device(), because the
 * first failing check decides which error text the user sees.
 */
#include "sim/simdev.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define R_IO(b, s) { (b), 1, 0, 0, (s) }
#define R_MEM(b, s) { (b), 0, 0, 0, (s) }
#define R_PREF(b, s) { (b), 0, 1, 0, (s) }
#define R_PREF64(b, s) { (b), 0, 1, 1, (s) }

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
};

const struct simdev_kinfo *
simdev_kind_info(enum simdev_kind k)
{
	return &kinds[k];
}

static int
eset(struct simdev_err *e, enum simdev_ecls cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
eset(struct simdev_err *e, enum simdev_ecls cls, const char *fmt, ...)
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

/* ---- the GLib hash table model ------------------------------------- */

static const unsigned prime_mod[] = { 1, 2, 3, 7, 13, 31, 61, 127, 251,
	509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 };

static unsigned
str_hash(const char *s)
{
	unsigned h = 5381;
	const signed char *p;

	/* g_str_hash reads the string as signed chars */
	for (p = (const signed char *)s; *p; p++)
		h = (h << 5) + h + (unsigned)(int)*p;
	return h;
}

static unsigned
to_index(const struct simdev_qtab *t, unsigned h)
{
	return (h * 11u) % t->mod;
}

static void
set_shift(struct simdev_qtab *t, int shift)
{
	t->size = 1u << shift;
	t->mod = prime_mod[shift];
	t->mask = t->size - 1;
}

static void
set_shift_from_size(struct simdev_qtab *t, unsigned n)
{
	int shift = 0;

	while (n) {
		shift++;
		n >>= 1;
	}
	if (shift < 3)
		shift = 3;
	set_shift(t, shift);
}

void
simdev_qtab_init(struct simdev_qtab *t)
{
	memset(t, 0, sizeof *t);
	set_shift(t, 3);
	t->hash = calloc(t->size, sizeof *t->hash);
	t->key = calloc(t->size, sizeof *t->key);
	t->val = calloc(t->size, sizeof *t->val);
}

void
simdev_qtab_free(struct simdev_qtab *t)
{
	unsigned i;

	if (t->key)
		for (i = 0; i < t->size; i++)
			free(t->key[i]);
	free(t->hash);
	free(t->key);
	free(t->val);
	memset(t, 0, sizeof *t);
}

static unsigned
lookup(const struct simdev_qtab *t, const char *key, unsigned *hret)
{
	unsigned h = str_hash(key), i, step = 0, tomb = 0;
	int have_tomb = 0;

	if (h < 2)
		h = 2;
	*hret = h;
	i = to_index(t, h);
	while (t->hash[i] != 0) {
		if (t->hash[i] == h && strcmp(t->key[i], key) == 0)
			return i;
		if (t->hash[i] == 1 && !have_tomb) {
			tomb = i;
			have_tomb = 1;
		}
		step++;
		i = (i + step) & t->mask;
	}
	return have_tomb ? tomb : i;
}

/* GLib's in-place resize: rehash every live entry with eviction. */
static int
resize(struct simdev_qtab *t)
{
	unsigned old = t->size, i, big;
	unsigned char *done;

	set_shift_from_size(t, (unsigned)(t->nnodes * 1.333));
	if (t->size > old) {
		unsigned *h = realloc(t->hash, t->size * sizeof *h);
		char **k;
		const char **v;

		if (h == NULL)
			return -1;
		t->hash = h;
		k = realloc(t->key, t->size * sizeof *k);
		if (k == NULL)
			return -1;
		t->key = k;
		v = realloc(t->val, t->size * sizeof *v);
		if (v == NULL)
			return -1;
		t->val = v;
		for (i = old; i < t->size; i++) {
			t->hash[i] = 0;
			t->key[i] = NULL;
			t->val[i] = NULL;
		}
	}
	big = t->size > old ? t->size : old;
	done = calloc(big, 1);
	if (done == NULL)
		return -1;
	for (i = 0; i < old; i++) {
		unsigned nh = t->hash[i];
		char *key;
		const char *val;

		if (nh < 2) {
			t->hash[i] = 0;
			continue;
		}
		if (done[i])
			continue;
		t->hash[i] = 0;
		key = t->key[i];
		val = t->val[i];
		t->key[i] = NULL;
		t->val[i] = NULL;
		for (;;) {
			unsigned j = to_index(t, nh), step = 0, rh;
			char *rk;
			const char *rv;

			while (done[j]) {
				step++;
				j = (j + step) & t->mask;
			}
			done[j] = 1;
			rh = t->hash[j];
			rk = t->key[j];
			rv = t->val[j];
			t->hash[j] = nh;
			t->key[j] = key;
			t->val[j] = val;
			if (rh < 2)
				break;
			nh = rh;
			key = rk;
			val = rv;
		}
	}
	free(done);
	if (t->size < old) {
		/* shrinking: the tail is empty now */
		unsigned *h = realloc(t->hash, t->size * sizeof *h);
		char **k = realloc(t->key, t->size * sizeof *k);
		const char **v = realloc(t->val, t->size * sizeof *v);

		if (h)
			t->hash = h;
		if (k)
			t->key = k;
		if (v)
			t->val = v;
	}
	t->noccupied = t->nnodes;
	return 0;
}

static void
maybe_resize(struct simdev_qtab *t)
{
	unsigned noc = t->noccupied, size = t->size;

	if ((size > t->nnodes * 4 && size > 8) || size <= noc + noc / 16)
		resize(t);
}

int
simdev_qtab_insert(struct simdev_qtab *t, const char *key, const char *val)
{
	unsigned h, i = lookup(t, key, &h), old = t->hash[i];
	char *k;

	if (old >= 2)
		return 1;
	k = strdup(key);
	if (k == NULL)
		return -1;
	t->hash[i] = h;
	t->key[i] = k;
	t->val[i] = val;
	t->nnodes++;
	if (old == 0) {
		t->noccupied++;
		maybe_resize(t);
	}
	return 0;
}

int
simdev_qtab_remove(struct simdev_qtab *t, const char *key)
{
	unsigned h, i = lookup(t, key, &h);

	if (t->hash[i] < 2)
		return -1;
	t->hash[i] = 1;
	free(t->key[i]);
	t->key[i] = NULL;
	t->val[i] = NULL;
	t->nnodes--;
	maybe_resize(t);
	return 0;
}

const char *
simdev_qtab_get(const struct simdev_qtab *t, const char *key)
{
	unsigned h, i = lookup(t, key, &h);

	return t->hash[i] >= 2 ? t->val[i] : NULL;
}

/* ---- machine -------------------------------------------------------- */

static int
push_fn(struct simdev_machine *m, const struct simdev_fn *f)
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
	return push_fn(m, &f);
}

int
simdev_machine_init(struct simdev_machine *m, enum simdev_machine_type t)
{
	int r = 0;

	memset(m, 0, sizeof *m);
	m->type = t;
	m->guest = SIMDEV_GUEST_NONE;
	m->ack_ms = 100;
	simdev_qtab_init(&m->periph);
	simdev_qtab_init(&m->anon);
	if (m->periph.hash == NULL || m->anon.hash == NULL) {
		simdev_machine_free(m);
		return -1;
	}
	if (t == SIMDEV_Q35) {
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
		if (t == SIMDEV_PC) {
			r |= builtin(m, SIMDEV_VGA, 2, 0);
			r |= builtin(m, SIMDEV_E1000_BUILTIN, 3, 0);
		}
	}
	if (r) {
		simdev_machine_free(m);
		return -1;
	}
	return 0;
}

static void
fn_free(struct simdev_fn *f)
{
	free(f->id);
	free(f->netdev);
	free(f->drive);
}

void
simdev_machine_free(struct simdev_machine *m)
{
	size_t i;

	for (i = 0; i < m->nfn; i++)
		fn_free(&m->fn[i]);
	free(m->fn);
	for (i = 0; i < m->nnet; i++) {
		free(m->net[i].id);
		free(m->net[i].type);
	}
	free(m->net);
	for (i = 0; i < m->ndrv; i++)
		free(m->drv[i].id);
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

const char *
simdev_bus_name(const struct simdev_machine *m)
{
	return m->type == SIMDEV_Q35 ? "pcie.0" : "pci.0";
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

static struct simdev_fn *
at(struct simdev_machine *m, int slot, int func)
{
	size_t i;

	for (i = 0; i < m->nfn; i++)
		if (m->fn[i].slot == slot && m->fn[i].func == func)
			return &m->fn[i];
	return NULL;
}

static struct simdev_netdev *
find_net(struct simdev_machine *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nnet; i++)
		if (strcmp(m->net[i].id, id) == 0)
			return &m->net[i];
	return NULL;
}

static struct simdev_drive *
find_drv(struct simdev_machine *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->ndrv; i++)
		if (strcmp(m->drv[i].id, id) == 0)
			return &m->drv[i];
	return NULL;
}

/* QEMU's QDict bucket of a key (tdb_hash % 512): properties are set in
 * this order, which decides which of two bad properties is reported. */
static unsigned
qdict_bucket(const char *name)
{
	unsigned v = 0x238F13AFu * (unsigned)strlen(name), i;

	for (i = 0; name[i]; i++)
		v = v + ((unsigned)(unsigned char)name[i] << (i * 5 % 24));
	return (1103515243u * v + 12345u) % 512u;
}

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

int
simdev_device_add(struct simdev_machine *m, const struct simdev_kv *kv,
    size_t nkv, struct simdev_err *e)
{
	const char *driver = NULL, *bus = NULL, *id = NULL;
	const struct simdev_kv *props[64];
	size_t np = 0, i, j;
	enum simdev_kind k;
	const struct simdev_kinfo *ki;
	int ok, devfn = -1, multifunction = 0, anon = -1;
	char anon_name[32];
	struct simdev_netdev *net = NULL;
	struct simdev_drive *drv = NULL;
	struct simdev_fn f;

	for (i = 0; i < nkv; i++) {
		if (strcmp(kv[i].key, "driver") == 0)
			driver = kv[i].val;
		else if (strcmp(kv[i].key, "bus") == 0)
			bus = kv[i].val;
		else if (strcmp(kv[i].key, "id") == 0)
			id = kv[i].val;
		else {
			/* a later duplicate key replaces the earlier one */
			for (j = 0; j < np; j++)
				if (strcmp(props[j]->key, kv[i].key) == 0)
					break;
			if (j < np)
				props[j] = &kv[i];
			else if (np < 64)
				props[np++] = &kv[i];
		}
	}
	if (driver == NULL)
		return eset(e, SIMDEV_GENERIC, "Parameter 'driver' is missing");
	k = user_kind(driver, &ok);
	if (!ok)
		return eset(e, SIMDEV_GENERIC,
		    "'%s' is not a valid device model name", driver);
	ki = &kinds[k];
	if (bus != NULL && strcmp(bus, simdev_bus_name(m)) != 0)
		return eset(e, SIMDEV_GENERIC, "Bus '%s' not found", bus);
	if (m->type == SIMDEV_Q35)
		return eset(e, SIMDEV_GENERIC,
		    "Bus '%s' does not support hotplugging",
		    simdev_bus_name(m));
	/* qdev_set_id(): the child property exists from here on */
	if (id != NULL) {
		int r = simdev_qtab_insert(&m->periph, id, ki->type);

		if (r == 1)
			return eset(e, SIMDEV_GENERIC,
			    "Duplicate device ID '%s'", id);
		if (r < 0)
			return eset(e, SIMDEV_GENERIC, "out of memory");
	} else {
		anon = lowest_anon(m);
		snprintf(anon_name, sizeof anon_name, "device[%d]", anon);
		if (simdev_qtab_insert(&m->anon, anon_name, ki->type) < 0)
			return eset(e, SIMDEV_GENERIC, "out of memory");
	}
	/* properties, in QDict order (bucket, then newest first) */
	for (i = 1; i < np; i++) {
		const struct simdev_kv *x = props[i];

		for (j = i; j > 0 &&
		    qdict_bucket(props[j - 1]->key) > qdict_bucket(x->key); j--)
			props[j] = props[j - 1];
		props[j] = x;
	}
	for (i = 0; i < np; i++) {
		const char *key = props[i]->key, *val = props[i]->val;
		const char *inner = k == SIMDEV_VIRTIO_NET ?
		    "virtio-net-device" : k == SIMDEV_VIRTIO_BLK ?
		    "virtio-blk-device" : ki->type;

		if (strcmp(key, "addr") == 0) {
			if (parse_devfn(val, &devfn) < 0) {
				eset(e, SIMDEV_GENERIC, "Property '%s.addr' "
				    "doesn't take value '%s'", ki->type, val);
				goto fail;
			}
		} else if (strcmp(key, "multifunction") == 0) {
			if (on_off(val, &multifunction) < 0) {
				eset(e, SIMDEV_GENERIC, "Parameter "
				    "'multifunction' expects 'on' or 'off'");
				goto fail;
			}
		} else if (strcmp(key, "netdev") == 0 && k != SIMDEV_VIRTIO_BLK) {
			struct simdev_netdev *n = find_net(m, val);

			if (n == NULL) {
				eset(e, SIMDEV_GENERIC, "Property '%s.netdev' "
				    "can't find value '%s'", inner, val);
				goto fail;
			}
			if (n->in_use) {
				eset(e, SIMDEV_GENERIC, "Property '%s.netdev' "
				    "can't take value '%s', it's in use",
				    inner, val);
				goto fail;
			}
			net = n;
		} else if (strcmp(key, "mac") == 0 && k != SIMDEV_VIRTIO_BLK) {
			if (!mac_ok(val)) {
				eset(e, SIMDEV_GENERIC, "Property '%s.mac' "
				    "doesn't take value '%s'", inner, val);
				goto fail;
			}
		} else if (strcmp(key, "drive") == 0 && k == SIMDEV_VIRTIO_BLK) {
			struct simdev_drive *d;

			if (*val == '\0')
				continue;
			d = find_drv(m, val);
			if (d == NULL) {
				eset(e, SIMDEV_GENERIC, "Property '%s.drive' "
				    "can't find value '%s'", inner, val);
				goto fail;
			}
			if (d->in_use) {
				eset(e, SIMDEV_GENERIC, "Drive '%s' is already "
				    "in use by another device", val);
				goto fail;
			}
			drv = d;
		} else if (!known_prop(k, key)) {
			eset(e, SIMDEV_GENERIC, "Property '%s.%s' not found",
			    ki->type, key);
			goto fail;
		}
	}
	/* realize: do_pci_register_device() */
	if (devfn < 0) {
		int s;

		for (s = 0; s < 32; s++)
			if (at(m, s, 0) == NULL)
				break;
		if (s == 32) {
			eset(e, SIMDEV_GENERIC, "PCI: no slot/function "
			    "available for %s, all in use or reserved",
			    ki->type);
			goto fail;
		}
		devfn = s << 3;
	} else {
		struct simdev_fn *o = at(m, devfn >> 3, devfn & 7);
		struct simdev_fn *f0 = at(m, devfn >> 3, 0);

		if (o != NULL) {
			eset(e, SIMDEV_GENERIC, "PCI: slot %d function %d not "
			    "available for %s, in use by %s,id=%s", devfn >> 3,
			    devfn & 7, ki->type, kinds[o->kind].type,
			    o->id ? o->id : "(null)");
			goto fail;
		}
		if ((devfn & 7) != 0 && f0 != NULL) {
			eset(e, SIMDEV_GENERIC, "PCI: slot %d function 0 "
			    "already occupied by %s, new func %s cannot be "
			    "exposed to guest.", devfn >> 3,
			    kinds[f0->kind].type, ki->type);
			goto fail;
		}
	}
	if ((devfn & 7) == 0 && !multifunction) {
		int fn;

		for (fn = 1; fn < 8; fn++)
			if (at(m, devfn >> 3, fn) != NULL) {
				eset(e, SIMDEV_GENERIC, "PCI: %x.0 indicates "
				    "single function, but %x.%x is already "
				    "populated.", devfn >> 3, devfn >> 3, fn);
				goto fail;
			}
	}
	if (k == SIMDEV_VIRTIO_BLK && drv == NULL) {
		eset(e, SIMDEV_GENERIC, "drive property not set");
		goto fail;
	}
	memset(&f, 0, sizeof f);
	f.kind = k;
	f.slot = devfn >> 3;
	f.func = devfn & 7;
	f.anon = anon;
	f.unplug_due_ms = -1;
	if ((id && (f.id = strdup(id)) == NULL) ||
	    (net && (f.netdev = strdup(net->id)) == NULL) ||
	    (drv && (f.drive = strdup(drv->id)) == NULL) ||
	    push_fn(m, &f) < 0) {
		fn_free(&f);
		eset(e, SIMDEV_GENERIC, "out of memory");
		goto fail;
	}
	if (net)
		net->in_use = 1;
	if (drv)
		drv->in_use = 1;
	simdev_sort(m);
	return 0;
fail:
	if (id != NULL)
		simdev_qtab_remove(&m->periph, id);
	else
		simdev_qtab_remove(&m->anon, anon_name);
	return -1;
}

/* object_resolve_path_at(peripheral, id) for the paths that name a
 * device: ID, /machine/peripheral/ID, /machine/peripheral-anon/device[N]. */
static struct simdev_fn *
resolve(struct simdev_machine *m, const char *path)
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

int
simdev_device_del(struct simdev_machine *m, const char *id, int64_t now_ms,
    struct simdev_err *e)
{
	struct simdev_fn *f = resolve(m, id);

	if (f == NULL)
		return eset(e, SIMDEV_DEVICE_NOT_FOUND,
		    "Device '%s' not found", id);
	/* A paused machine's virtual clock stands at 0, so QEMU refuses a
	 * repeated request; a running one accepts it again.  The guest that
	 * ignores unplugs refuses too: that is what operators meet when a
	 * request is stuck (and what the stuck-unplug scenario teaches). */
	if (f->unplug_pending && m->guest != SIMDEV_GUEST_ACK)
		return eset(e, SIMDEV_GENERIC,
		    "Device %s is already in the process of unplug", id);
	if (!f->unplug_pending) {
		f->unplug_pending = 1;
		f->unplug_due_ms = m->guest == SIMDEV_GUEST_ACK ?
		    now_ms + m->ack_ms : -1;
	}
	return 0;
}

static void
release(struct simdev_machine *m, struct simdev_fn *f)
{
	struct simdev_netdev *n = f->netdev ? find_net(m, f->netdev) : NULL;
	struct simdev_drive *d = f->drive ? find_drv(m, f->drive) : NULL;
	char name[32];

	if (n)
		n->in_use = 0;
	if (d)
		d->in_use = 0;
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
		}
		n++;
		release(m, f);
		fn_free(f);
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

static int
valid_net_type(const char *t)
{
	static const char *const types[] = { "user", "tap", "socket",
		"stream", "dgram", "bridge", "l2tpv3", "vde", "hubport",
		"vhost-user", "vhost-vdpa", "none", NULL };
	const char *const *p;

	for (p = types; *p; p++)
		if (strcmp(*p, t) == 0)
			return 1;
	return 0;
}

static struct simdev_fd *
find_fd(struct simdev_machine *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nfds; i++)
		if (strcmp(m->fds[i].name, name) == 0)
			return &m->fds[i];
	return NULL;
}

int
simdev_netdev_add(struct simdev_machine *m, const char *type,
    const char *id, const char *fdname, int hmp, struct simdev_err *e)
{
	struct simdev_netdev n;

	if (id == NULL)
		return eset(e, SIMDEV_GENERIC, "Parameter 'id' is missing");
	if (type == NULL)
		return eset(e, SIMDEV_GENERIC, "Parameter 'type' is missing");
	if (!valid_net_type(type))
		return eset(e, SIMDEV_GENERIC,
		    "Parameter 'type' does not accept value '%s'", type);
	if (!simdev_id_wellformed(id))
		return eset(e, SIMDEV_GENERIC,
		    "Parameter 'id' expects an identifier");
	if (find_net(m, id) != NULL)
		return eset(e, SIMDEV_GENERIC, "Duplicate ID '%s'", id);
	if (strcmp(type, "tap") == 0 && fdname != NULL) {
		struct simdev_fd *fd = find_fd(m, fdname);

		if (fd == NULL)
			return eset(e, SIMDEV_GENERIC, "File descriptor named "
			    "'%s' has not been found", fdname);
		/* the tap takes the fd over */
		close(fd->fd);
		free(fd->name);
		*fd = m->fds[--m->nfds];
	}
	if (m->nnet == m->capnet) {
		size_t cap = m->capnet ? m->capnet * 2 : 4;
		struct simdev_netdev *p = realloc(m->net, cap * sizeof *p);

		if (p == NULL)
			return eset(e, SIMDEV_GENERIC, "out of memory");
		m->net = p;
		m->capnet = cap;
	}
	n.id = strdup(id);
	n.type = strdup(type);
	n.hmp_opts = hmp;
	n.in_use = 0;
	if (n.id == NULL || n.type == NULL) {
		free(n.id);
		free(n.type);
		return eset(e, SIMDEV_GENERIC, "out of memory");
	}
	m->net[m->nnet++] = n;
	return 0;
}

int
simdev_netdev_del(struct simdev_machine *m, const char *id,
    struct simdev_err *e)
{
	struct simdev_netdev *n = find_net(m, id);

	if (n == NULL)
		return eset(e, SIMDEV_DEVICE_NOT_FOUND,
		    "Device '%s' not found", id);
	free(n->id);
	free(n->type);
	*n = m->net[--m->nnet];
	return 0;
}

int
simdev_drive_add(struct simdev_machine *m, const char *id, const char *file,
    int legacy, struct simdev_err *e)
{
	struct simdev_drive d, *d0;
	char gen[32];

	if (id == NULL) {
		snprintf(gen, sizeof gen, "none%u", m->drive_seq++);
		id = gen;
	}
	if (!simdev_id_wellformed(id))
		return eset(e, SIMDEV_GENERIC,
		    "Parameter 'id' expects an identifier");
	d0 = find_drv(m, id);
	if (d0 != NULL) {
		/* drive ids and node names share one namespace */
		if (legacy)
			return d0->legacy ? eset(e, SIMDEV_GENERIC,
			    "Duplicate ID '%s' for drive", id) :
			    eset(e, SIMDEV_GENERIC, "Device name '%s' "
			    "conflicts with an existing node name", id);
		return d0->legacy ? eset(e, SIMDEV_GENERIC, "node-name=%s is "
		    "conflicting with a device id", id) :
		    eset(e, SIMDEV_GENERIC,
		    "Duplicate nodes with node-name='%s'", id);
	}
	if (file != NULL) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return eset(e, SIMDEV_GENERIC, "Could not open '%s': "
			    "%s", file, strerror(errno));
		close(fd);
	}
	if (m->ndrv == m->capdrv) {
		size_t cap = m->capdrv ? m->capdrv * 2 : 4;
		struct simdev_drive *p = realloc(m->drv, cap * sizeof *p);

		if (p == NULL)
			return eset(e, SIMDEV_GENERIC, "out of memory");
		m->drv = p;
		m->capdrv = cap;
	}
	d.id = strdup(id);
	if (d.id == NULL)
		return eset(e, SIMDEV_GENERIC, "out of memory");
	d.legacy = legacy;
	d.in_use = 0;
	m->drv[m->ndrv++] = d;
	return 0;
}

int
simdev_drive_del(struct simdev_machine *m, const char *id, int legacy,
    struct simdev_err *e)
{
	struct simdev_drive *d = find_drv(m, id);

	/* blockdev-del sees nodes only; drive_del sees drives, and does a
	 * blockdev-del when given a node name */
	if (d != NULL && legacy && !d->legacy)
		legacy = 0;
	if (d == NULL || d->legacy != legacy)
		return legacy ? eset(e, SIMDEV_GENERIC,
		    "Device '%s' not found", id) : eset(e, SIMDEV_GENERIC,
		    "Failed to find node with node-name='%s'", id);
	if (!legacy && d->in_use)
		return eset(e, SIMDEV_GENERIC, "Node %s is in use", id);
	free(d->id);
	*d = m->drv[--m->ndrv];
	return 0;
}

int
simdev_getfd(struct simdev_machine *m, const char *name, int fd,
    struct simdev_err *e)
{
	struct simdev_fd *old;

	if (fd < 0)
		return eset(e, SIMDEV_GENERIC,
		    "No file descriptor supplied via SCM_RIGHTS");
	if (name[0] >= '0' && name[0] <= '9') {
		close(fd);
		return eset(e, SIMDEV_GENERIC, "Parameter 'fdname' expects "
		    "a name not starting with a digit");
	}
	old = find_fd(m, name);
	if (old != NULL) {
		close(old->fd);
		old->fd = fd;
		return 0;
	}
	if (m->nfds == m->capfds) {
		size_t cap = m->capfds ? m->capfds * 2 : 4;
		struct simdev_fd *p = realloc(m->fds, cap * sizeof *p);

		if (p == NULL) {
			close(fd);
			return eset(e, SIMDEV_GENERIC, "out of memory");
		}
		m->fds = p;
		m->capfds = cap;
	}
	m->fds[m->nfds].name = strdup(name);
	if (m->fds[m->nfds].name == NULL) {
		close(fd);
		return eset(e, SIMDEV_GENERIC, "out of memory");
	}
	m->fds[m->nfds++].fd = fd;
	return 0;
}

int
simdev_closefd(struct simdev_machine *m, const char *name,
    struct simdev_err *e)
{
	struct simdev_fd *f = find_fd(m, name);

	if (f == NULL)
		return eset(e, SIMDEV_GENERIC,
		    "File descriptor named '%s' not found", name);
	close(f->fd);
	free(f->name);
	*f = m->fds[--m->nfds];
	return 0;
}

int
simdev_qom_list(const struct simdev_machine *m, const char *path,
    void (*fn)(void *arg, const char *name, const char *type), void *arg,
    struct simdev_err *e)
{
	const struct simdev_qtab *t;
	unsigned i;

	if (strcmp(path, "/machine/peripheral") == 0)
		t = &m->periph;
	else if (strcmp(path, "/machine/peripheral-anon") == 0)
		t = &m->anon;
	else
		return eset(e, SIMDEV_DEVICE_NOT_FOUND,
		    "Device '%s' not found", path);
	/* QEMU prepends while iterating: the class property "type" (seen
	 * last) comes first, then the children in reverse table order. */
	fn(arg, "type", NULL);
	for (i = t->size; i-- > 0;)
		if (t->hash[i] >= 2)
			fn(arg, t->key[i], t->val[i]);
	return 0;
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
	return simdev_device_add(m, kv, n, e);
}
