/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unplug.c - the unplug lifecycle: requested (hotplug_del) -> pending ->
 * completed (unplug_complete, the one writer of a completion, whether
 * hotplug_del saw QEMU confirm it or a refresh did).  See unplug.h.
 */
#include "fleet/unplug.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet/hostnet.h"
#include "fleet/journal.h"
#include "model/devid.h"
#include "model/slotmap.h"
#include "qemu/monerr.h"
#include "store/audit.h"

/* One backend op; a failure other than "not found" goes to note.  QEMU
 * lets go of a block node a moment after the device left the bus (the
 * device is finalised later): "is in use" is asked again for a while. */
static void
del_one(struct mon *m, int drive, const char *id, char *note, size_t sz)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct err e;
	int rc, tries = 0;

	while ((rc = mon_do(m, &(struct mon_req){ .op = drive ?
	    MON_OP_DRIVE_DEL : MON_OP_NETDEV_DEL, .id = id }, NULL, &e)) < 0 &&
	    drive && strstr(e.msg, "is in use") != NULL && ++tries < 25)
		nanosleep(&ts, NULL);

	if (rc < 0 && mon_last_kind(m) != MONERR_NOT_FOUND && note != NULL)
		snprintf(note, sz, "backend removal failed: %.200s", e.msg);
}

void
unplug_del_backend(struct mon *m, const struct store_dev *d, char *note,
    size_t notesz)
{
	struct err e;

	if (d->backend.netdev[0])
		del_one(m, 0, d->backend.netdev, note, notesz);
	/* a tap that outlives QEMU's fd (made with ip tuntap) leaves the
	 * bridge it was put on */
	if (d->backend.bridge[0] && d->backend.tap[0] &&
	    hostnet_detach(d->backend.tap, d->backend.bridge, &e) < 0 &&
	    note != NULL && notesz > 0 && note[0] == '\0')
		snprintf(note, notesz, "%s", e.msg);
	if (d->backend.drive[0])
		del_one(m, 1, d->backend.drive, note, notesz);
}

static int
listed(const char *const *ids, size_t n, const char *id)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (strcmp(ids[k], id) == 0)
			return 1;
	return 0;
}

/* A session of our own, checked to answer before the file is touched. */
static struct mon *
open_session(const struct hotplug_target *t, struct err *e)
{
	struct mon *m = hotplug_connect(t, e);

	if (m != NULL && mon_do(m, &(struct mon_req){
	    .op = MON_OP_QUERY_VERSION }, NULL, e) < 0) {
		mon_free(m);
		return NULL;
	}
	return m;
}

int
unplug_complete(const struct hotplug_target *t, const char *const *ids, size_t nids, int lock_ms, const char *audit_log,
    struct err *e)
{
	char done[STORE_MAX_DEVICES][128], note[256] = "";
	struct store_txn txn;
	struct mon *m = NULL;
	size_t j, k, n = 0;
	int backends = 0;
	struct err e2;

	if (store_open_seeded(t->runtime_dir, t->state_dir, t->inst, &txn,
	    lock_ms, NULL, e) < 0)
		return -1;
	for (j = 0; j < txn.rt.ndev && n < STORE_MAX_DEVICES; j++) {
		const struct store_dev *d = &txn.rt.dev[j];

		if (d->state != STORE_DEV_UNPLUGGING ||
		    !listed(ids, nids, d->id))
			continue;
		snprintf(done[n++], sizeof done[0], "%s", d->id);
		backends |= d->backend.netdev[0] || d->backend.drive[0];
	}
	if (n == 0) {
		store_abort(&txn);	/* someone else was first */
		return 0;
	}
	if (backends && (m = open_session(t, e)) == NULL) {
		store_abort(&txn);
		return err_prefix(e, "%s: cannot remove the backend of %s",
		    t->inst, done[0]);
	}
	for (k = 0; k < n; k++) {
		const struct store_dev *d = store_find_id(&txn.rt, done[k]);

		if (backends)
			unplug_del_backend(m, d, note, sizeof note);
		store_remove_dev(&txn.rt, done[k], &e2);
	}
	if (m != NULL)
		mon_free(m);
	if (store_commit(&txn, e) < 0)
		return -1;
	for (k = 0; k < n; k++) {
		char what[192], res[300];

		snprintf(what, sizeof what, "unplug-confirmed %.127s", done[k]);
		snprintf(res, sizeof res, "ok%s%s", note[0] ? "; " : "", note);
		audit_record(audit_log, t->audit_syslog, NULL, t->inst, what,
		    res, &e2);
	}
	return (int)n;
}

size_t
unplug_record_reported(struct fleet *f)
{
	struct fleet_unplug *u = NULL;
	size_t n = fleet_take_unplugs(f, &u), k, j, recorded = 0;

	for (k = 0; k < n; k++) {
		const char *ids[STORE_MAX_DEVICES];
		struct hotplug_target t;
		struct instance *in;
		size_t nids = 0, i = u[k].inst;
		struct err e;
		int rc;

		if (i >= f->n || u[k].slot < 0)
			continue;	/* went with an earlier report */
		/* one transaction per instance: all of its reports */
		for (j = k; j < n && nids < STORE_MAX_DEVICES; j++)
			if (u[j].inst == i && u[j].slot >= 0) {
				ids[nids++] = u[j].id;
				u[j].slot = -1;
			}
		in = &f->inst[i];
		if (in->refreshing || f->runtime_dir[0] == '\0')
			continue;	/* that refresh reports it again */
		memset(&t, 0, sizeof t);
		t.inst = in->name;
		t.endpoint = in->endpoint;
		t.runtime_dir = f->runtime_dir;
		t.state_dir = f->state_dir;
		t.greet_ms = f->monitor_timeout_ms;
		t.op_ms = f->op_timeout_ms;
		t.audit_syslog = f->audit_syslog;
		rc = unplug_complete(&t, ids, nids, 0, f->audit_log, &e);
		if (rc > 0)
			recorded += (size_t)rc;
	}
	free(u);
	return recorded;
}

/* ---- requested -> pending (-> completed) ------------------------------- */

/* A runtime device named by its id or slot number. */
static struct store_dev *
find_dev(const struct store_rt *rt, const char *what, struct err *e)
{
	struct store_dev *d;
	int slot;

	if (what[0] != '\0' && strspn(what, "0123456789") == strlen(what)) {
		if (slotmap_parse_slot(what, strlen(what), &slot, e) < 0)
			return NULL;
		if ((d = store_find_slot(rt, slot)) == NULL)
			err_set(e, "slot %d holds no device slotscope placed "
			    "(see show)", slot);
		return d;
	}
	if (devid_check_qemu_id(what, strlen(what), e) < 0)
		return NULL;
	if ((d = store_find_id(rt, what)) == NULL)
		err_set(e, "no device %s in %s's runtime file (see show)",
		    what, rt->inst);
	return d;
}

/* Send device_del and persist `unplugging`; *gone: QEMU says the device is
 * not there any more.  Returns the session (the caller frees it) or NULL
 * with e set, when nothing or only device_del happened. */
static struct mon *
request(const struct hotplug_target *t, const char *what,
    struct store_dev *d, int *gone, int *repeat, struct err *e)
{
	struct store_txn txn;
	struct store_dev *p;
	struct mon *m;

	if (store_open_seeded(t->runtime_dir, t->state_dir, t->inst, &txn,
	    hotplug_lock_ms(t), NULL, e) < 0)
		return NULL;
	if ((txn.rt.nintent == 0 && find_dev(&txn.rt, what, e) == NULL) ||
	    (m = hotplug_connect(t, e)) == NULL) {
		store_abort(&txn);
		return NULL;
	}
	/* settle what died first: it may be this very device */
	if (journal_settle(t, m, &txn, e) < 0 ||
	    (p = find_dev(&txn.rt, what, e)) == NULL) {
		mon_free(m);
		store_abort(&txn);
		return NULL;
	}
	*d = *p;
	if (p->state != STORE_DEV_UNPLUGGING && journal_begin(&txn,
	    STORE_OP_UNPLUG, STORE_STEP_DEL, p, e) < 0) {
		mon_free(m);
		store_abort(&txn);
		return NULL;
	}
	p = store_find_id(&txn.rt, d->id);
	/* a repeat: accepted (1), or refused while the first is pending
	 * (-1) */
	*repeat = p->state == STORE_DEV_UNPLUGGING;
	if (mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = d->id }, NULL, e) < 0) {
		enum monerr_kind k = mon_last_kind(m);

		if (k == MONERR_UNPLUG_PENDING && *repeat)
			*repeat = -1;
		if (k == MONERR_NOT_FOUND)
			*gone = 1;	/* already gone: QEMU confirms */
		else if (k != MONERR_UNPLUG_PENDING) {
			struct err e2;

			err_prefix(e, "device_del %s", d->id);
			store_drop_intent(&txn.rt, d->id);
			store_save(&txn, &e2);
			mon_free(m);
			store_abort(&txn);
			return NULL;
		}
	}
	/* persist `unplugging` first: the id and slot stay taken until QEMU
	 * confirms, whatever happens to this process */
	d->state = STORE_DEV_UNPLUGGING;
	if (p->state == STORE_DEV_UNPLUGGING) {
		store_abort(&txn);
		return m;
	}
	p->state = STORE_DEV_UNPLUGGING;
	store_drop_intent(&txn.rt, d->id);
	if (store_commit(&txn, e) < 0) {
		mon_free(m);
		err_prefix(e, "device_del %s sent but `unplugging` not "
		    "recorded", d->id);
		return NULL;
	}
	return m;
}

int
hotplug_del(const struct hotplug_target *t, const char *what, int wait_ms,
    struct store_dev *out, struct err *e)
{
	return hotplug_del_why(t, what, wait_ms, out, NULL, e);
}

int
hotplug_del_why(const struct hotplug_target *t, const char *what,
    int wait_ms, struct store_dev *out, struct unplug_why *why,
    struct err *e)
{
	struct store_dev d;
	const char *id = d.id;
	struct unplug_why w;
	struct mon *m;
	struct err e2;
	int gone = 0, repeat = 0, rc;

	memset(&w, 0, sizeof w);
	if ((m = request(t, what, &d, &gone, &repeat, e)) == NULL)
		return -1;
	/* HMP's wait watches info pci, which never lists a device behind
	 * an unnumbered bridge: such a device is left to a refresh (which
	 * reads QOM) instead of being taken for gone */
	if (d.bus[0] != '\0' && mon_protocol(m) == MON_PROTO_HMP)
		wait_ms = 0;
	w.repeat = repeat;
	if (!gone && wait_ms > 0 && mon_do(m, &(struct mon_req){
	    .op = MON_OP_WAIT_DELETED, .id = d.id, .timeout_ms = wait_ms },
	    NULL, &e2) == 0)
		gone = 1;
	if (!gone)
		unplug_diagnose(m, d.id, &w);
	/* the monitor is let go before the lock is taken again (lock, then
	 * monitor: the order of every flow) */
	mon_free(m);
	if (out != NULL)
		*out = d;
	if (why != NULL)
		*why = w;
	if (!gone && w.refused) {
		/* the guest said no: the device stays, it is used again */
		if (unplug_revert(t, d.id, e) < 0)
			return err_prefix(e, "the guest refused the unplug of "
			    "%s", d.id);
		if (out != NULL)
			out->state = STORE_DEV_PLUGGED;
		return HOTPLUG_REFUSED;
	}
	if (!gone)
		return HOTPLUG_PENDING;
	/* completed: recorded by the one owner (0 = a refresh's report was
	 * recorded meanwhile) */
	rc = unplug_complete(t, &id, 1, hotplug_lock_ms(t), NULL, e);
	if (rc < 0)
		return err_prefix(e, "%s is gone but the runtime file still "
		    "says unplugging (a refresh will finish it)", d.id);
	return HOTPLUG_DELETED;
}
