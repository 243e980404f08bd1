/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hotplug.c - the hotplug flow over one monitor connection, under the
 * runtime store's lock, as steps: prepare (place, id), the NIC or the disk
 * backend, plug.  See hotplug.h for the rules; the request's words are
 * hotreq.c's, unplugs unplug.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet/hostnet.h"
#include "fleet/hotplug.h"
#include "fleet/journal.h"
#include "fleet/hpnic.h"
#include "fleet/unplug.h"
#include "model/devid.h"
#include "qemu/anon.h"
#include "qemu/mon.h"
#include "qemu/moncmd.h"
#include "qemu/monerr.h"
#include "qemu/netinfo.h"
#include "model/blkopt.h"
#include "model/imgfmt.h"
#include "model/mac.h"
#include "model/nicmodel.h"
#include "model/pci.h"
#include "model/pcitree.h"
#include "model/places.h"
#include "model/slotmap.h"
#include "model/state.h"
#include "qemu/qom.h"

/* What QEMU's NICs had when the bus was read (query_live): their MACs,
 * or why they could not be read (said only when the MAC check needs
 * them, as when it asked on its own). */
struct nics {
	struct netinfo ni;
	int rc;
	struct err e;
};

/* ---- the flows ---------------------------------------------------------- */

struct mon *
hotplug_connect(const struct hotplug_target *t, struct err *e)
{
	struct mon_opts o;

	memset(&o, 0, sizeof o);
	o.greet_ms = t->greet_ms > 0 ? t->greet_ms : HOTPLUG_GREET_MS;
	o.op_ms = t->op_ms;
	o.keep_open = 1;
	if (t->on_connect != NULL)
		t->on_connect(t->on_connect_arg);
	return mon_new(t->endpoint, &o, e);
}

int
hotplug_lock_ms(const struct hotplug_target *t)
{
	return t->lock_ms > 0 ? t->lock_ms : HOTPLUG_LOCK_MS;
}

/* live := what the monitor sees on its PCI buses (the old list is
 * freed), with what QOM has behind unnumbered bridges; with nics, QEMU's
 * NICs too, asked in the same write as the bus (QMP pipelining: one round
 * trip for both; HMP asks in turn); with anon, the qom-list of the
 * anonymous devices (qemu/anon.h) just before the bus, in the same write,
 * its reply's text into *anon (NULL when there is none: whoever wanted it
 * asks itself) */
static int
query_live(struct mon *m, struct pci_info *live, struct nics *nics,
    char **anon, struct err *e)
{
	const struct mon_result *r;
	struct pci_info pci;
	struct err te;
	int p, q = -1, l = -1;

	if (anon != NULL)
		l = anon_queue_list_text(m, NULL);	/* handed on */
	if ((p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI,
	    .pipe = l >= 0 }, e)) < 0 || (nics != NULL &&
	    (q = nics->rc = hpnic_queue_macs(m, &nics->e)) < 0))
		return p < 0 ? -1 : err_set(e, "%s", nics->e.msg);
	mon_run(m, &te);
	if (l >= 0 && (r = mon_result(m, l)) != NULL && r->done && r->ok &&
	    r->text != NULL) {
		free(*anon);
		*anon = strdup(r->text);
	}
	r = mon_result(m, p);
	if (r == NULL || !r->done) {
		if (mon_error(m, e) == MONERR_NONE)
			err_set(e, "the monitor did not answer");
		return -1;
	}
	if (!r->ok)
		return err_set(e, "%s", r->msg);
	if (mon_take_pci(m, p, &pci) < 0)
		return err_set(e, "query-pci gave no bus");
	pci_info_free(live);
	*live = pci;
	if (nics != NULL)
		nics->rc = hpnic_take_macs(m, q, &nics->ni, &nics->e);
	return qom_scan_run(m, live, e) < 0 ? err_prefix(e, "reading QOM") :
	    0;
}

/* device_add at pci.0; when the machine has no pci.0 (q35: pcie.0) find
 * out whether its root bus takes hotplug at all and say it plainly. */
static int
add_device(struct mon *m, struct moncmd_device *md, struct err *e)
{
	struct err e2;

	if (mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = md }, NULL, e) == 0)
		return 0;
	if (strstr(e->msg, "Bus 'pci.0' not found") != NULL) {
		md->bus = "pcie.0";
		if (mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
		    .device = md }, NULL, &e2) == 0)
			return 0;	/* a root bus that takes it after all */
		if (mon_last_kind(m) == MONERR_NO_HOTPLUG)
			return err_set(e, "this machine's root bus does not "
			    "support hotplug (%s)", e2.msg);
		*e = e2;
		return -1;
	}
	if (mon_last_kind(m) == MONERR_NO_HOTPLUG)
		return err_prefix(e, "this machine's root bus does not support "
		    "hotplug");
	return -1;
}

/* One hotplug_add: what it has built so far, which is what its rollback
 * undoes. */
struct add {
	struct hotplug_req r;
	struct store_txn txn;		/* held from prepare() on */
	struct store_dev d;		/* the device as it will be persisted */
	struct pci_info live;
	struct pcitree tree;		/* of live, when the place is chosen */
	struct mon *m;
	struct moncmd_device md;
	struct moncmd_prop props[6];
	char vectors[8];
	struct hpnic_fds tf;		/* the tap's fds, one per queue */
	const char *rest;		/* "-6f1a2b3c-pci-5", from d.id */
	struct nics nics;		/* a NIC's: QEMU's NICs */
	int read_anon;			/* a refresh follows over the session */
	char *anon;			/* the anonymous devices' qom-list
					 * reply read with the last bus, or
					 * NULL; owned */
	char busid[PCI_ID_MAX];		/* device_add's bus= */
	int backend_added, dev_added;
};

/* The place of the new device (places.h): its slot, *bus its tree
 * index; -1 with e saying why there is none. */
static int
choose(struct add *a, int *bus, struct err *e)
{
	const struct hotplug_req *r = &a->r;
	struct place p;
	int b = -1;

	pcitree_build(&a->live, &a->tree);
	if (r->bus[0] != '\0' && pcitree_parse_bus(&a->tree, r->bus, &b,
	    e) < 0)
		return -1;
	if (r->slot < 0) {
		if (places_first(&a->live, &a->tree, &a->txn.rt, b, &p, e) < 0)
			return -1;
		*bus = p.bus;
		return p.slot;
	}
	*bus = b < 0 ? PCITREE_ROOT : b;
	if (places_check(&a->live, &a->tree, &a->txn.rt, *bus, r->slot,
	    e) < 0)
		return -1;
	return r->slot;
}

/* Lock, connect, read the bus, pick the slot and the id; the common part
 * of the device.  On failure the lock is still held (store_abort). */
static int
prepare(const struct hotplug_target *t, struct add *a, struct err *e)
{
	struct hotplug_req *r = &a->r;
	char id[DEVID_MAX + 1];
	size_t i;
	int slot, bus;

	for (i = 0; i < a->txn.rt.ndev; i++)
		if (strcasecmp(a->txn.rt.dev[i].uuid, r->uuid) == 0)
			return err_set(e, "uuid %s is already used by %s",
			    r->uuid, a->txn.rt.dev[i].id);
	if ((a->m = hotplug_connect(t, e)) == NULL)
		return -1;
	if (journal_settle(t, a->m, &a->txn, e) < 0)
		return -1;
	if (query_live(a->m, &a->live, r->type == HOTPLUG_NIC ? &a->nics :
	    NULL, NULL, e) < 0)
		return err_prefix(e, "monitor of %s", t->inst);
	if ((slot = choose(a, &bus, e)) < 0)
		return -1;
	if (devid_format_at(r->type == HOTPLUG_NIC ? "nic" : "disk", r->uuid,
	    a->tree.bus[bus].path, slot, id, sizeof id, e) < 0)
		return -1;
	if (pci_info_find_any(&a->live, id) != NULL ||
	    store_find_id(&a->txn.rt, id) != NULL)
		return err_set(e, "device id %s is already in use", id);
	snprintf(a->d.id, sizeof a->d.id, "%s", id);
	a->rest = a->d.id + strcspn(a->d.id, "-");
	snprintf(a->d.uuid, sizeof a->d.uuid, "%s", r->uuid);
	a->d.slot = slot;
	snprintf(a->d.bus, sizeof a->d.bus, "%s", a->tree.bus[bus].path);
	a->d.state = STORE_DEV_PLUGGED;
	a->md.id = a->d.id;
	snprintf(a->busid, sizeof a->busid, "%s", bus == PCITREE_ROOT ?
	    "pci.0" : a->tree.bus[bus].id);
	a->md.bus = a->busid;
	a->md.slot = slot;
	a->md.props = a->props;
	if (r->type != HOTPLUG_NIC)
		return 0;
	if (a->nics.rc < 0) {
		*e = a->nics.e;
		return err_prefix(e, "reading the instance's MACs");
	}
	return hpnic_pick_mac(&a->nics.ni, &a->txn.rt, r, e);
}

/* The device as it will be persisted: type, driver, backend names.  The
 * journal records it before anything is sent. */
static void
describe(struct add *a)
{
	struct hotplug_req *r = &a->r;
	struct store_dev *d = &a->d;

	if (r->type == HOTPLUG_NIC) {
		snprintf(d->type, sizeof d->type, "nic");
		snprintf(d->driver, sizeof d->driver, "%s", r->model[0] ?
		    r->model : HOTPLUG_DEFAULT_NIC);
		snprintf(d->mac, sizeof d->mac, "%s", r->mac);
		d->backend.kind = r->backend;
		snprintf(d->backend.netdev, sizeof d->backend.netdev,
		    "hostnet%s", a->rest);
		if (r->backend == STORE_BK_TAP)
			snprintf(d->backend.tap, sizeof d->backend.tap, "%s",
			    r->tap);
		hpnic_describe(r, &d->backend);
		return;
	}
	snprintf(d->type, sizeof d->type, "disk");
	snprintf(d->driver, sizeof d->driver, "%s", HOTPLUG_DEFAULT_DISK);
	d->backend.kind = STORE_BK_FILE;
	snprintf(d->backend.path, sizeof d->backend.path, "%s", r->path);
	snprintf(d->backend.format, sizeof d->backend.format, "%s", r->format);
	snprintf(d->backend.drive, sizeof d->backend.drive, "drive%s",
	    a->rest);
	hpnic_describe(r, &d->backend);
}

/* The NIC's backend: netdev_add user, or tap with its fd passed first. */
static int
add_nic_backend(struct add *a, struct err *e)
{
	struct hotplug_req *r = &a->r;
	struct store_dev *d = &a->d;
	struct moncmd_netdev nd;

	memset(&nd, 0, sizeof nd);
	nd.id = d->backend.netdev;
	if (r->backend == STORE_BK_TAP) {
		if (hpnic_tap(a->m, r, a->rest, &a->tf, &nd, e) < 0)
			return -1;
	} else
		nd.type = MONCMD_NETDEV_USER;
	if (mon_do(a->m, &(struct mon_req){ .op = MON_OP_NETDEV_ADD,
	    .netdev = &nd }, NULL, e) < 0) {
		hpnic_tap_undo(a->m, &a->tf);
		return err_prefix(e, "netdev_add");
	}
	a->backend_added = 1;
	if (r->bridge[0] && hostnet_attach(r->tap, r->bridge, e) < 0)
		return -1;
	a->props[0].key = "netdev";
	a->props[0].val = d->backend.netdev;
	a->props[1].key = "mac";
	a->props[1].val = d->mac;
	a->md.nprops = 2;
	if (r->queues > 1) {
		snprintf(a->vectors, sizeof a->vectors, "%d",
		    nicmodel_vectors(r->queues));
		a->props[2] = (struct moncmd_prop){ "mq", "on" };
		a->props[3] = (struct moncmd_prop){ "vectors", a->vectors };
		a->md.nprops = 4;
	}
	return 0;
}

/* The disk's backend: drive_add (HMP) or blockdev-add (QMP). */
static int
add_disk_backend(struct add *a, struct err *e)
{
	struct store_dev *d = &a->d;
	const struct blkopt_cache *c;
	struct moncmd_drive dr;

	memset(&dr, 0, sizeof dr);
	dr.id = d->backend.drive;
	dr.file = d->backend.path;
	dr.format = d->backend.format;
	dr.protocol = d->backend.protocol[0] ? d->backend.protocol : NULL;
	dr.readonly = d->backend.readonly;
	dr.cache = d->backend.cache[0] ? d->backend.cache : NULL;
	dr.aio = d->backend.aio[0] ? d->backend.aio : NULL;
	dr.discard = d->backend.discard[0] ? d->backend.discard : NULL;
	if (mon_do(a->m, &(struct mon_req){ .op = MON_OP_DRIVE_ADD,
	    .drive = &dr }, NULL, e) < 0)
		return err_prefix(e, "%s", mon_protocol(a->m) ==
		    MON_PROTO_QMP ? "blockdev-add" : "drive_add");
	a->backend_added = 1;
	a->props[0].key = "drive";
	a->props[0].val = d->backend.drive;
	a->md.nprops = 1;
	if (d->backend.serial[0])
		a->props[a->md.nprops++] = (struct moncmd_prop){ "serial",
		    d->backend.serial };
	/* the guest-visible write cache is the device's (blkopt.h) */
	if ((c = blkopt_cache(dr.cache)) != NULL && !c->writeback)
		a->props[a->md.nprops++] = (struct moncmd_prop){
		    "write-cache", "off" };
	return 0;
}

/* device_add, then see it live in its slot, then into the runtime. */
static int
plug(struct add *a, struct err *e)
{
	const char *id = a->d.id;

	a->md.driver = a->d.driver;
	if (add_device(a->m, &a->md, e) < 0) {
		if (strncmp(e->msg, "this machine", 12) != 0)
			err_prefix(e, "device_add");
		return -1;
	}
	a->dev_added = 1;
	/* the refresh after it takes the anonymous devices from here */
	if (query_live(a->m, &a->live, NULL, a->read_anon ? &a->anon : NULL,
	    e) < 0)
		return err_prefix(e, "confirming %s", id);
	if (!pcitree_at_place(&a->live, id, a->d.bus, a->d.slot))
		return err_set(e, "device_add of %s was accepted but it is not "
		    "on %s%s slot %d", id, a->d.bus[0] ? "bus " : "bus 0",
		    a->d.bus, a->d.slot);
	return store_add_dev(&a->txn.rt, &a->d, e);
}

static void
add_free(struct add *a)
{
	if (a->m != NULL)
		mon_free(a->m);
	hpnic_fds_close(&a->tf);
	pci_info_free(&a->live);
	free(a->anon);
}

/* Undo what QEMU accepted (device_del, then the backend); the journal
 * still says what was attempted, so whatever QEMU keeps (a device the
 * guest does not release) is resolved by the next contact. */
static void
rollback(struct add *a)
{
	struct err e2;

	if (a->dev_added)
		mon_do(a->m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
		    .id = a->d.id }, NULL, &e2);
	if (a->backend_added)
		unplug_del_backend(a->m, &a->d, NULL, 0);
	a->dev_added = a->backend_added = 0;
}

/* The steps after the lock: on failure QEMU's side is rolled back and
 * the intent, if one was written, dropped again (when the file can
 * still be written; otherwise the next contact resolves it).
 *
 * The runtime file is written twice, and only the first write is made
 * durable whole before anything is sent:
 *  - the intent (step backend: device, backend names, place) before the
 *    backend: fsync of the file and of the directory (STORE_SYNC_ALL);
 *  - no write between the backend and the device: the resolver decides
 *    from what QEMU has (journal.h's table), never from the step, so a
 *    step "device" on disk would tell a recovery nothing the bus does not;
 *  - the result (the device recorded, its intent dropped) is synced
 *    before its rename but its directory is not (STORE_SYNC_DATA).  If a
 *    power cut loses that rename, the file read next is the intent's,
 *    whose device is this one field for field: a resolution records it
 *    as plugged when QEMU still has it at its place (a remote QEMU that
 *    lived on), and drops the intent when QEMU has neither (a local one
 *    that died with the host, where a recorded device would be stale).
 *    check_journal's lost_result_resolves shows both from real files.
 */
static int
run(const struct hotplug_target *t, struct add *a, struct err *e)
{
	struct err e2;
	int journaled = 0;

	if (prepare(t, a, e) < 0)
		return -1;
	a->read_anon = t->handover != NULL && t->handed_anon != NULL;
	describe(a);
	if (journal_begin(&a->txn, STORE_OP_HOTPLUG, STORE_STEP_BACKEND,
	    &a->d, e) < 0)
		return -1;
	journaled = 1;
	if ((a->r.type == HOTPLUG_NIC ? add_nic_backend(a, e) :
	    add_disk_backend(a, e)) < 0 || plug(a, e) < 0)
		goto fail;
	store_drop_intent(&a->txn.rt, a->d.id);
	if (store_save_sync(&a->txn, STORE_SYNC_DATA, e) < 0) {
		/* QEMU accepted the device but the file cannot take it */
		rollback(a);
		return err_prefix(e, "%s was added but could not be recorded, "
		    "so it was removed again (device_del sent)", a->d.id);
	}
	return 0;
fail:
	rollback(a);
	if (journaled) {
		/* back to the file as it was (none, for a fresh instance) */
		store_remove_dev(&a->txn.rt, a->d.id, &e2);
		store_drop_intent(&a->txn.rt, a->d.id);
		if (a->txn.rt.fresh && a->txn.rt.nintent == 0)
			store_discard(&a->txn, &e2);
		else
			store_save(&a->txn, &e2);
	}
	return -1;
}

int
hotplug_add(const struct hotplug_target *t, const struct hotplug_req *req,
    struct store_dev *out, struct err *e)
{
	struct add a;
	int rc;

	memset(&a, 0, sizeof a);
	a.r = *req;
	hpnic_fds_init(&a.tf);
	pci_info_init(&a.live);
	if (hotplug_req_check(&a.r, e) < 0)
		return -1;
	if (a.r.uuid[0] == '\0' && hotplug_gen_uuid(a.r.uuid, e) < 0)
		return -1;
	if (store_open_seeded(t->runtime_dir, t->state_dir, t->inst, &a.txn,
	    hotplug_lock_ms(t), t->cache, e) < 0)
		return -1;
	rc = run(t, &a, e);
	/* the monitor goes before the lock: the next waiter connects next
	 * (after the caller's refresh, when the session is handed over) */
	if (a.m != NULL && rc == 0 && t->handover != NULL) {
		struct err e2;

		int bus = !pci_info_has_unnumbered(&a.live);

		/* the confirming query-pci was the last command (unless QOM
		 * was read after it, behind an unnumbered bridge); the
		 * anonymous devices' list, read just before it, goes with the
		 * bus */
		if (mon_hand_over(a.m, t->handover, bus ? &a.live : NULL,
		    &e2) == 0 && bus && a.anon != NULL)
			t->handed_anon(t->handed_anon_arg, a.anon);
	}
	if (a.m != NULL)
		mon_free(a.m);
	a.m = NULL;
	store_abort(&a.txn);
	if (rc == 0 && out != NULL)
		*out = a.d;
	add_free(&a);
	return rc;
}
