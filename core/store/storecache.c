/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storecache.c - one runtime file's text and what it parsed to, so that a
 * command that reads the same unchanged file several times (a batch
 * hotplug: the fleet's first view, the check before the flow, the flow's
 * locked read) parses it once.  A hit needs the very bytes read now to
 * equal the bytes parsed then (same dir, same instance): no time stamp or
 * inode is trusted, so a file replaced in between, however quickly, is
 * parsed again.  A locked transaction's writes fill it too (the refresh
 * after a hotplug reads what the hotplug wrote), with the rt made what
 * reading the text back gives: store_format leaves out a few in-memory
 * values (a flag's 2 reads back as 1, one queue as 0), and
 * check_store's cache_write_as_read compares with a real parse.  See
 * store.h.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

void
store_cache_init(struct store_cache *c)
{
	memset(c, 0, sizeof *c);
	store_rt_init(&c->rt, "");
}

void
store_cache_free(struct store_cache *c)
{
	free(c->text);
	store_rt_free(&c->rt);
	store_cache_init(c);
}

/* dst := a copy of src (its own device array); 0, or -1 out of memory
 * (dst is then fresh defaults). */
static int
rt_copy(struct store_rt *dst, const struct store_rt *src)
{
	*dst = *src;
	dst->dev = NULL;
	dst->cap = dst->ndev;
	if (src->ndev == 0)
		return 0;
	dst->dev = malloc(src->ndev * sizeof *dst->dev);
	if (dst->dev == NULL) {
		store_rt_init(dst, src->inst);
		return -1;
	}
	memcpy(dst->dev, src->dev, src->ndev * sizeof *dst->dev);
	return 0;
}

static int
same_key(const struct store_cache *c, const char *dir, const char *inst)
{
	return c->text != NULL && strcmp(c->inst, inst) == 0 &&
	    strcmp(c->dir, dir) == 0;
}

int
store_cache_get(const struct store_cache *c, const char *dir,
    const char *inst, const char *buf, size_t len, struct store_rt *rt)
{
	if (c == NULL || !same_key(c, dir, inst) || c->len != len ||
	    memcmp(c->text, buf, len) != 0)
		return 0;
	store_rt_free(rt);
	return rt_copy(rt, &c->rt) == 0;
}

void
store_cache_put(struct store_cache *c, const char *dir, const char *inst,
    const char *buf, size_t len, const struct store_rt *rt, int take)
{
	char *t;

	if (c == NULL || (!take && c->text != NULL &&
	    !same_key(c, dir, inst)) || strlen(dir) >= sizeof c->dir ||
	    strlen(inst) >= sizeof c->inst)
		return;
	store_cache_free(c);
	if ((t = malloc(len + 1)) == NULL)
		return;
	if (rt_copy(&c->rt, rt) < 0) {
		free(t);
		return;
	}
	store_cache_as_read(&c->rt);
	memcpy(t, buf, len);
	t[len] = '\0';
	c->text = t;
	c->len = len;
	memcpy(c->dir, dir, strlen(dir) + 1);
	memcpy(c->inst, inst, strlen(inst) + 1);
}

static void
dev_as_read(struct store_dev *d)
{
	struct store_backend *b = &d->backend;

	b->readonly = b->readonly != 0;
	b->created = b->created != 0;
	b->vhost = b->vhost != 0;
	b->queues = b->queues > 1 ? b->queues : 0;
}

void
store_cache_as_read(struct store_rt *rt)
{
	size_t i;

	rt->fresh = 0;
	for (i = 0; i < rt->ndev; i++)
		dev_as_read(&rt->dev[i]);
	for (i = 0; i < rt->nintent; i++)
		dev_as_read(&rt->intent[i].dev);
}
