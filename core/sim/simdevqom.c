/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simdevqom.c - the QOM containers /machine/peripheral and
 * /machine/peripheral-anon: a string table that iterates exactly like
 * GLib's GHashTable (QOM keeps child properties in one), so that qom-list
 * lists children in QEMU's order; see simdev.h.
 */
#include "sim/simdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/simdevpriv.h"

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
		return simdev_eset(e, SIMDEV_DEVICE_NOT_FOUND,
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
simdev_qom_get(struct simdev_machine *m, const char *path, const char *prop,
    char *str, size_t strsz, long *num, struct simdev_err *e)
{
	const struct simdev_fn *f;
	const char *v;

	/* object_resolve_path(): an id alone is not a path here */
	if (path[0] != '/' || (f = simdev_resolve(m, path)) == NULL)
		return simdev_eset(e, SIMDEV_DEVICE_NOT_FOUND,
		    "Device '%s' not found", path);
	if (strcmp(prop, "parent_bus") == 0) {
		simdev_bus_path(m, f, str, strsz);
		return SIMDEV_QOM_STR;
	}
	if (strcmp(prop, "addr") == 0) {
		*num = f->slot * 8 + f->func;
		return SIMDEV_QOM_INT;
	}
	v = NULL;
	if (strcmp(prop, "type") == 0)
		v = simdev_kind_info(f->kind)->type;
	else if (f->kind != SIMDEV_VIRTIO_BLK && strcmp(prop, "netdev") == 0)
		v = f->netdev ? f->netdev : "";
	else if (f->kind != SIMDEV_VIRTIO_BLK && strcmp(prop, "mac") == 0)
		v = f->mac;
	else if (f->kind == SIMDEV_VIRTIO_BLK && strcmp(prop, "drive") == 0)
		v = f->drive ? f->drive : "";
	if (v != NULL) {
		snprintf(str, strsz, "%s", v);
		return SIMDEV_QOM_STR;
	}
	return simdev_eset(e, SIMDEV_GENERIC, "Property '%s.%s' not found",
	    simdev_kind_info(f->kind)->type, prop);
}
