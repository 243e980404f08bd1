/* SPDX-License-Identifier: GPL-3.0-or-later */
/* devcheck.c - recorded backends against QEMU's; see devcheck.h. */
#include "fleet/devcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fleet/hotplug.h"
#include "model/blkopt.h"
#include "qemu/mon.h"

void
devcheck_read(const struct hotplug_target *t, struct devcheck_live *l)
{
	struct mon *m;
	struct err e;

	memset(l, 0, sizeof *l);
	if ((m = hotplug_connect(t, &e)) == NULL ||
	    netinfo_query(m, &l->net, &e) < 0 ||
	    blkinfo_query(m, &l->blk, &e) < 0)
		snprintf(l->why, sizeof l->why, "%s", e.msg);
	else
		l->ok = 1;
	if (m != NULL)
		mon_free(m);
}

/* A mismatch: the first one found is what is said (cut to fit). */
static void diff(struct devcheck *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
diff(struct devcheck *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->why, sizeof out->why, fmt, ap);
	va_end(ap);
	out->match = 0;
}

#define DIFF(...) diff(out, __VA_ARGS__)

static void
nic(const struct store_dev *d, const struct netinfo *ni,
    struct devcheck *out)
{
	const struct netinfo_nic *n = netinfo_find(ni, d->id);
	int q = d->backend.queues > 1 ? d->backend.queues : 1;

	if (n == NULL)
		DIFF("QEMU has no NIC %s", d->id);
	else if (d->mac[0] && strcasecmp(n->mac, d->mac) != 0)
		DIFF("mac %s in QEMU, %s recorded", n->mac[0] ? n->mac : "none",
		    d->mac);
	else if (d->backend.netdev[0] && strcmp(n->peer, d->backend.netdev))
		DIFF("netdev %s in QEMU, %s recorded", n->peer[0] ? n->peer :
		    "none", d->backend.netdev);
	else if (n->queues != q)
		DIFF("%d queues in QEMU, %d recorded", n->queues, q);
	else if (d->backend.kind == STORE_BK_TAP && n->peer_type[0] &&
	    strcmp(n->peer_type, "tap") != 0)
		DIFF("netdev type %s in QEMU, tap recorded", n->peer_type);
}

static void
disk(const struct store_dev *d, const struct blkinfo *bi,
    struct devcheck *out)
{
	const struct blkinfo_dev *b = blkinfo_find(bi, d->id);
	const struct blkopt_cache *c = blkopt_cache(d->backend.cache[0] ?
	    d->backend.cache : "writeback");
	const struct blkopt_cache *lc;

	if (b == NULL) {
		DIFF("QEMU has no block backend attached to %s", d->id);
		return;
	}
	lc = blkopt_cache_of(b->direct, b->no_flush, b->writeback);
	if (d->backend.path[0] && strcmp(b->file, d->backend.path) != 0)
		DIFF("image %s in QEMU, %s recorded", b->file,
		    d->backend.path);
	else if (d->backend.format[0] && strcmp(b->format,
	    d->backend.format) != 0)
		DIFF("format %s in QEMU, %s recorded", b->format,
		    d->backend.format);
	else if (d->backend.protocol[0] && b->protocol[0] &&
	    strcmp(b->protocol, d->backend.protocol) != 0)
		DIFF("driver %s in QEMU, %s recorded", b->protocol,
		    d->backend.protocol);
	else if (!b->ro != !d->backend.readonly)
		DIFF("%s in QEMU, %s recorded", b->ro ? "read-only" :
		    "read-write", d->backend.readonly ? "read-only" :
		    "read-write");
	else if (c != NULL && lc != c)
		DIFF("cache %s in QEMU, %s recorded", lc ? lc->name : "mixed",
		    c->name);
}

void
devcheck_one(const struct store_dev *d, const struct devcheck_live *l,
    struct devcheck *out)
{
	memset(out, 0, sizeof *out);
	if (!l->ok || d->state != STORE_DEV_PLUGGED)
		return;
	out->checked = 1;
	out->match = 1;
	if (strcmp(d->type, "nic") == 0)
		nic(d, &l->net, out);
	else if (strcmp(d->type, "disk") == 0)
		disk(d, &l->blk, out);
}
