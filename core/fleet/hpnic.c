/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hpnic.c - a hot-added NIC's MAC against the instance's others (QEMU's
 * NICs, asked in the same write as the bus: hpnic_queue_macs), and its
 * tap's fds; see hpnic.h. */
#include "fleet/hpnic.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/rnd.h"
#include "fleet/hostnet.h"
#include "model/mac.h"
#include "qemu/mon.h"
#include "qemu/moncmd.h"
#include "qemu/monerr.h"
#include "qemu/netinfo.h"

#define TRIES 16

int
hpnic_queue_macs(struct mon *m, struct err *e)
{
	return netinfo_queue(m, 1, e);
}

int
hpnic_take_macs(struct mon *m, int op, struct netinfo *ni, struct err *e)
{
	const struct mon_result *r = mon_result(m, op);

	ni->n = 0;
	if (r == NULL || !r->done) {
		if (mon_error(m, e) == MONERR_NONE)
			err_set(e, "the monitor did not answer");
		return err_prefix(e, "info network");
	}
	if (!r->ok)
		return err_set(e, "info network: %s", r->msg);
	return netinfo_take(m, r->text, ni, e);
}

int
hpnic_pick_mac(const struct netinfo *live, const struct store_rt *rt,
    struct hotplug_req *r, struct err *e)
{
	struct mac_set set;
	unsigned char b[3 * TRIES];
	const char *who;
	size_t i;

	mac_set_init(&set);
	for (i = 0; i < live->n; i++)
		if (live->nic[i].mac[0])
			mac_set_add(&set, live->nic[i].mac, live->nic[i].name);
	for (i = 0; i < rt->ndev; i++)
		if (rt->dev[i].mac[0])
			mac_set_add(&set, rt->dev[i].mac, rt->dev[i].id);
	if (r->mac[0] != '\0') {
		if ((who = mac_set_find(&set, r->mac)) != NULL)
			return err_set(e, "mac %s is already used by %s in "
			    "this instance: give another mac= or none (one "
			    "is generated)", r->mac, who);
		return 0;
	}
	if (rnd_bytes(b, sizeof b, e) < 0)
		return -1;
	return mac_pick(&set, b, TRIES, r->mac, e);
}

void
hpnic_fds_init(struct hpnic_fds *f)
{
	memset(f, 0, sizeof *f);
}

void
hpnic_fds_close(struct hpnic_fds *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		close(f->fd[i]);
	f->n = 0;
}

void
hpnic_tap_undo(struct mon *m, struct hpnic_fds *f)
{
	struct err ce;
	int i;

	for (i = 0; i < f->passed; i++)
		if (mon_add(m, &(struct mon_req){ .op = MON_OP_CLOSEFD,
		    .name = f->name[i] }, &ce) >= 0)
			mon_run(m, &ce);
	f->passed = 0;
}

int
hpnic_tap(struct mon *m, const struct hotplug_req *r, const char *rest,
    struct hpnic_fds *f, struct moncmd_netdev *nd, struct err *e)
{
	int q = r->queues > 1 ? r->queues : 1, i;

	if (hostnet_open_tap(r->tap, q, r->create, f->fd, e) < 0)
		return -1;
	f->n = q;
	for (i = 0; i < q; i++) {
		if (i == 0)
			snprintf(f->name[i], sizeof f->name[i], "fd%s", rest);
		else
			snprintf(f->name[i], sizeof f->name[i], "fd%s-q%d",
			    rest, i);
		f->names[i] = f->name[i];
		if (mon_do(m, &(struct mon_req){ .op = MON_OP_GETFD,
		    .name = f->name[i], .fd = f->fd[i] }, NULL, e) < 0) {
			hpnic_tap_undo(m, f);
			return err_prefix(e, "getfd");
		}
		f->passed = i + 1;
	}
	nd->type = MONCMD_NETDEV_TAP;
	nd->fdname = f->name[0];
	nd->fdnames = f->names;
	nd->nfds = (size_t)q;
	nd->vhost = r->vhost;
	return 0;
}

void
hpnic_describe(const struct hotplug_req *r, struct store_backend *b)
{
	if (r->type == HOTPLUG_NIC) {
		snprintf(b->bridge, sizeof b->bridge, "%s", r->bridge);
		b->created = r->create;
		b->vhost = r->vhost;
		b->queues = r->queues > 1 ? r->queues : 0;
		return;
	}
	snprintf(b->protocol, sizeof b->protocol, "%s", r->protocol);
	b->readonly = r->readonly;
	snprintf(b->cache, sizeof b->cache, "%s", r->cache);
	snprintf(b->aio, sizeof b->aio, "%s", r->aio);
	snprintf(b->discard, sizeof b->discard, "%s", r->discard);
	snprintf(b->serial, sizeof b->serial, "%s", r->serial);
}
