/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.c - writing intents step by step, and resolving the intents of
 * operations that died from what QEMU has (the bus, its backends); see
 * journal.h for the table of cases.
 */
#include "fleet/journal.h"

#include <stdio.h>
#include <string.h>

#include "fleet/unplug.h"
#include "model/pci.h"
#include "model/pcitree.h"
#include "qemu/backends.h"
#include "qemu/mon.h"
#include "qemu/monerr.h"
#include "qemu/qom.h"
#include "store/audit.h"

int
journal_begin(struct store_txn *t, enum store_intent_op op,
    enum store_intent_step step, const struct store_dev *d, struct err *e)
{
	struct store_intent in;
	int k;

	memset(&in, 0, sizeof in);
	in.op = op;
	in.step = step;
	in.dev = *d;
	if ((k = store_add_intent(&t->rt, &in, e)) < 0)
		return -1;
	if (store_save(t, e) < 0) {
		store_drop_intent(&t->rt, d->id);
		return err_prefix(e, "the intent to %s %s was not recorded, "
		    "nothing was sent to QEMU", store_intent_op_name(op),
		    d->id);
	}
	return 0;
}

/* Remove one backend if QEMU has it: 1 removed, 0 it was not there. */
static int
del_backend(struct mon *m, const struct backends *b, int drive,
    const char *name, char *note, size_t sz)
{
	struct err e;

	if (name[0] == '\0' || backends_find(b, drive ? BACKEND_BLOCK :
	    BACKEND_NETDEV, name) == NULL)
		return 0;
	if (mon_do(m, &(struct mon_req){ .op = drive ? MON_OP_DRIVE_DEL :
	    MON_OP_NETDEV_DEL, .id = name }, NULL, &e) < 0) {
		if (mon_last_kind(m) == MONERR_NOT_FOUND)
			return 0;
		snprintf(note, sz, "; removing %s failed: %.160s", name, e.msg);
		return 0;
	}
	return 1;
}

/* The tap fd a hotplug passed with getfd ("fd-<uuid8>-pci-N"). */
static void
close_fd(struct mon *m, const struct store_dev *d)
{
	char name[140];
	struct err e;

	if (d->backend.kind != STORE_BK_TAP)
		return;
	snprintf(name, sizeof name, "fd%s", d->id + strcspn(d->id, "-"));
	mon_do(m, &(struct mon_req){ .op = MON_OP_CLOSEFD, .name = name },
	    NULL, &e);
}

/* A cancelled hotplug whose device QEMU has: device_del, and recorded as
 * unplugging (with its backend) so that the unplug's owner completes it
 * when QEMU confirms. */
static void
roll_back_device(struct mon *m, struct store_rt *rt, const struct store_dev *d,
    struct journal_note *n)
{
	struct store_dev u = *d;
	struct err e;

	if (mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = d->id }, NULL, &e) < 0 &&
	    mon_last_kind(m) != MONERR_UNPLUG_PENDING) {
		snprintf(n->result, sizeof n->result, "cancel: device_del "
		    "failed (%.150s); the device stays live", e.msg);
		store_add_dev(rt, d, &e);	/* so that it can be unplugged */
		return;
	}
	u.state = STORE_DEV_UNPLUGGING;
	store_remove_dev(rt, d->id, &e);
	if (store_add_dev(rt, &u, &e) < 0)
		snprintf(n->result, sizeof n->result, "cancel: device_del sent "
		    "but not recorded (%.150s)", e.msg);
	else
		snprintf(n->result, sizeof n->result, "ok: cancelled, device_del "
		    "sent, unplugging until QEMU confirms");
}

static void
resolve_hotplug(struct mon *m, struct store_rt *rt,
    const struct store_intent *in, const struct pci_info *live,
    const struct backends *b, int rollback, struct journal_note *n)
{
	const struct store_dev *d = &in->dev;
	char fail[200] = "";
	struct err e;
	int gone = 0;

	/* live at its place: the root bus, or behind its bridge */
	if (pcitree_at_place(live, d->id, d->bus, d->slot) && rollback) {
		roll_back_device(m, rt, d, n);
		return;
	}
	if (pcitree_at_place(live, d->id, d->bus, d->slot)) {
		if (store_find_id(rt, d->id) != NULL)
			snprintf(n->result, sizeof n->result, "ok: device "
			    "live, already recorded");
		else if (store_add_dev(rt, d, &e) < 0)
			snprintf(n->result, sizeof n->result, "device live but "
			    "not recorded (%.180s); see adopt", e.msg);
		else
			snprintf(n->result, sizeof n->result, "ok: device "
			    "live in slot %d, recorded as plugged", d->slot);
		return;
	}
	gone += del_backend(m, b, 0, d->backend.netdev, fail, sizeof fail);
	gone += del_backend(m, b, 1, d->backend.drive, fail, sizeof fail);
	close_fd(m, d);
	if (gone)
		snprintf(n->result, sizeof n->result, "ok: no device, backend "
		    "%.63s removed%.150s", d->backend.netdev[0] ? d->backend.netdev :
		    d->backend.drive, fail);
	else
		snprintf(n->result, sizeof n->result, "ok: QEMU has neither "
		    "device nor backend, intent dropped%.150s", fail);
}

/* 0, or -1 when device_del failed for another reason than a pending or
 * finished unplug (the intent is then kept). */
static int
resolve_unplug(struct mon *m, struct store_rt *rt,
    const struct store_intent *in, const struct pci_info *live,
    struct journal_note *n, struct err *e)
{
	struct store_dev *d = store_find_id(rt, in->dev.id);
	char note[256] = "";

	if (pci_info_find_any(live, in->dev.id) != NULL) {
		if (mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
		    .id = in->dev.id }, NULL, e) < 0 &&
		    mon_last_kind(m) != MONERR_UNPLUG_PENDING &&
		    mon_last_kind(m) != MONERR_NOT_FOUND)
			return err_prefix(e, "device_del %s", in->dev.id);
		if (d != NULL)
			d->state = STORE_DEV_UNPLUGGING;
		snprintf(n->result, sizeof n->result, "ok: device still live, "
		    "device_del sent, recorded as unplugging");
		return 0;
	}
	unplug_del_backend(m, &in->dev, note, sizeof note);
	if (d != NULL)
		store_remove_dev(rt, d->id, e);
	snprintf(n->result, sizeof n->result, "ok: device gone, unplug "
	    "completed%s%.200s", note[0] ? "; " : ", backend removed", note);
	return 0;
}

static int
resolve_all(struct mon *m, struct store_txn *t, struct journal_note *notes,
    size_t max, int rollback, struct err *e);

int
journal_resolve(struct mon *m, struct store_txn *t,
    struct journal_note *notes, size_t max, struct err *e)
{
	return resolve_all(m, t, notes, max, 0, e);
}

static int
resolve_all(struct mon *m, struct store_txn *t, struct journal_note *notes,
    size_t max, int rollback, struct err *e)
{
	struct store_rt *rt = &t->rt;
	struct mon_result res;
	struct backends *b, bk;
	size_t done = 0;
	int rc = 0;

	if (rt->nintent == 0)
		return 0;
	/* and what QOM has behind unnumbered bridges: a device hidden
	 * there is live, not gone */
	if (mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &res,
	    e) < 0 || qom_scan_run(m, &res.pci, e) < 0) {
		mon_result_free(&res);
		return err_prefix(e, "resolving the journal of %s", rt->inst);
	}
	{
		b = &bk;
		if (backends_query(m, b, e) < 0) {
			mon_result_free(&res);
			return err_prefix(e, "resolving the journal of %s",
			    rt->inst);
		}
		while (rt->nintent > 0 && done < max && rc == 0) {
			struct store_intent in = rt->intent[0];
			struct journal_note *n = &notes[done];

			snprintf(n->what, sizeof n->what, "resolve %s %.127s",
			    store_intent_op_name(in.op), in.dev.id);
			if (in.op == STORE_OP_HOTPLUG)
				resolve_hotplug(m, rt, &in, &res.pci, b,
				    rollback, n);
			else if (resolve_unplug(m, rt, &in, &res.pci, n,
			    e) < 0) {
				rc = -1;
				break;
			}
			store_drop_intent(rt, in.dev.id);
			done++;
		}
	}
	mon_result_free(&res);
	return rc < 0 && done == 0 ? -1 : (int)done;
}

void
journal_audit(const char *audit_log, const char *syslog_sock,
    const char *inst, const struct journal_note *notes, size_t n)
{
	struct err e;
	size_t k;

	for (k = 0; k < n; k++)
		audit_record(audit_log, syslog_sock, NULL, inst, notes[k].what,
		    notes[k].result, &e);
}

int
journal_settle(const struct hotplug_target *ht, struct mon *m,
    struct store_txn *t, struct err *e)
{
	struct journal_note notes[STORE_MAX_INTENTS];
	int n;

	if (t->rt.nintent == 0)
		return 0;
	if ((n = journal_resolve(m, t, notes, STORE_MAX_INTENTS, e)) < 0)
		return -1;
	if (store_save(t, e) < 0)
		return err_prefix(e, "recording the journal's resolution");
	journal_audit(ht->audit_log, ht->audit_syslog, ht->inst, notes, (size_t)n);
	return 0;
}

static int
resolve_inst(const struct hotplug_target *t, int lock_ms, int rollback,
    struct journal_note *notes, struct err *e);

int
journal_resolve_inst(const struct hotplug_target *t, int lock_ms,
    struct err *e)
{
	struct journal_note notes[STORE_MAX_INTENTS];

	return resolve_inst(t, lock_ms, 0, notes, e);
}

int
journal_resolve_noted(const struct hotplug_target *t, int lock_ms,
    struct journal_note notes[STORE_MAX_INTENTS], struct err *e)
{
	return resolve_inst(t, lock_ms, 0, notes, e);
}

int
journal_cancel_inst(const struct hotplug_target *t, int lock_ms,
    struct err *e)
{
	struct journal_note notes[STORE_MAX_INTENTS];

	return resolve_inst(t, lock_ms, 1, notes, e);
}

/* notes: room for STORE_MAX_INTENTS */
static int
resolve_inst(const struct hotplug_target *t, int lock_ms, int rollback,
    struct journal_note *notes, struct err *e)
{
	struct store_txn txn;
	struct mon *m;
	int n;

	if (store_open_seeded(t->runtime_dir, t->state_dir, t->inst, &txn,
	    lock_ms, NULL, e) < 0)
		return -1;
	if (txn.rt.nintent == 0) {
		store_abort(&txn);	/* someone else was first */
		return 0;
	}
	if ((m = hotplug_connect(t, e)) == NULL) {
		store_abort(&txn);
		return -1;
	}
	n = resolve_all(m, &txn, notes, STORE_MAX_INTENTS, rollback, e);
	mon_free(m);
	if (n <= 0) {
		store_abort(&txn);
		return n;
	}
	if (store_commit(&txn, e) < 0)
		return err_prefix(e, "%s: journal resolved but not recorded",
		    t->inst);
	journal_audit(t->audit_log, t->audit_syslog, t->inst, notes, (size_t)n);
	return n;
}

size_t
journal_resolve_reported(struct fleet *f)
{
	size_t i, total = 0;

	for (i = 0; i < f->n; i++) {
		struct instance *in = &f->inst[i];
		struct hotplug_target t;
		struct err e;
		int rc;

		if (!in->journal || in->refreshing || f->runtime_dir[0] == '\0')
			continue;
		memset(&t, 0, sizeof t);
		t.inst = in->name;
		t.endpoint = in->endpoint;
		t.runtime_dir = f->runtime_dir;
		t.state_dir = f->state_dir;
		t.greet_ms = f->monitor_timeout_ms;
		t.op_ms = f->op_timeout_ms;
		t.audit_log = f->audit_log;
		t.audit_syslog = f->audit_syslog;
		rc = journal_resolve_inst(&t, 0, &e);
		if (rc >= 0) {
			fleet_set_journal(f, i, 0);
			total += (size_t)rc;
		}
	}
	return total;
}
