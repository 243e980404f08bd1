/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storehash.c - a hash of everything a runtime (struct store_rt) says,
 * field by field (strings to their NUL, so what lies past it in the
 * arrays does not count): two runtimes that hash alike say the same, so
 * a view made from one stands for the other (fleetseen.c).  A field
 * added to store_rt, store_dev, store_backend or store_intent must be
 * hashed here: the size checks below (LP64's sizes) fail to build until
 * it is. */
#include "store/store.h"

#include <string.h>

#include "base/siphash.h"

#if defined(__LP64__)
_Static_assert(sizeof(struct store_backend) == 4 + 64 + 16 + 1024 + 16 +
    64 + 16 + 4 + 16 + 16 + 8 + 24 + 16 + 4 + 4 + 4,
    "store_backend changed: hash its new field in storehash.c");
_Static_assert(sizeof(struct store_dev) == 128 + 16 + 40 + DEVID_BUS_MAX +
    4 + 4 + 32 + 18 + 2 + sizeof(struct store_backend),
    "store_dev changed: hash its new field in storehash.c");
_Static_assert(sizeof(struct store_intent) == 4 + 4 + 8 + 8 +
    sizeof(struct store_dev),
    "store_intent changed: hash its new field in storehash.c");
_Static_assert(sizeof(struct store_rt) == STORE_NAME_MAX + 1 + 4 + 4 + 8 + 8 +
    8 + 4 + 4 + STORE_MAX_INTENTS * sizeof(struct store_intent) + 8,
    "store_rt changed: hash its new field in storehash.c");
#endif

/* What is hashed, appended to a small buffer hashed in pieces. */
struct acc {
	const uint64_t *key;
	uint64_t h;
	unsigned char b[512];
	size_t n;
};

static void
flush(struct acc *a)
{
	uint64_t k[2] = { a->key[0] ^ a->h, a->key[1] };

	a->h = siphash13(k, a->b, a->n);
	a->n = 0;
}

static void
put(struct acc *a, const void *p, size_t n)
{
	while (n > 0) {
		size_t k = sizeof a->b - a->n < n ? sizeof a->b - a->n : n;

		memcpy(a->b + a->n, p, k);
		a->n += k;
		p = (const char *)p + k;
		n -= k;
		if (a->n == sizeof a->b)
			flush(a);
	}
}

static void
str(struct acc *a, const char *s, size_t max)
{
	put(a, s, strnlen(s, max) + 1 <= max ? strnlen(s, max) + 1 : max);
}

static void
num(struct acc *a, long long v)
{
	put(a, &v, sizeof v);
}

static void
backend(struct acc *a, const struct store_backend *b)
{
	num(a, b->kind);
	str(a, b->netdev, sizeof b->netdev);
	str(a, b->tap, sizeof b->tap);
	str(a, b->path, sizeof b->path);
	str(a, b->format, sizeof b->format);
	str(a, b->drive, sizeof b->drive);
	str(a, b->protocol, sizeof b->protocol);
	num(a, b->readonly);
	str(a, b->cache, sizeof b->cache);
	str(a, b->aio, sizeof b->aio);
	str(a, b->discard, sizeof b->discard);
	str(a, b->serial, sizeof b->serial);
	str(a, b->bridge, sizeof b->bridge);
	num(a, b->created);
	num(a, b->vhost);
	num(a, b->queues);
}

static void
dev(struct acc *a, const struct store_dev *d)
{
	str(a, d->id, sizeof d->id);
	str(a, d->type, sizeof d->type);
	str(a, d->uuid, sizeof d->uuid);
	str(a, d->bus, sizeof d->bus);
	num(a, d->slot);
	num(a, d->state);
	str(a, d->driver, sizeof d->driver);
	str(a, d->mac, sizeof d->mac);
	backend(a, &d->backend);
}

uint64_t
store_rt_hash(const struct store_rt *rt, const uint64_t key[2])
{
	struct acc a = { .key = key };
	size_t k;

	str(&a, rt->inst, sizeof rt->inst);
	num(&a, rt->reserved.bits);
	num(&a, rt->fresh);
	num(&a, (long long)rt->ndev);
	for (k = 0; k < rt->ndev; k++)
		dev(&a, &rt->dev[k]);
	num(&a, (long long)rt->nintent);
	for (k = 0; k < rt->nintent && k < STORE_MAX_INTENTS; k++) {
		num(&a, rt->intent[k].op);
		num(&a, rt->intent[k].step);
		num(&a, rt->intent[k].pid);
		num(&a, rt->intent[k].started);
		dev(&a, &rt->intent[k].dev);
	}
	flush(&a);
	return a.h;
}
