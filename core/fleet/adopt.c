/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adopt.c - adopt a live device slotscope did not place, forget a record
 * whose device is gone; see adopt.h.
 */
#include "fleet/adopt.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/journal.h"
#include "fleet/unplug.h"
#include "model/devid.h"
#include "model/pci.h"
#include "model/slotmap.h"
#include "qemu/backends.h"
#include "qemu/mon.h"
#include "qemu/monerr.h"

/* One string property of /machine/peripheral/ID (qom-get, whose answer is
 * JSON over both monitors); "" when QEMU has none. */
static int
qom_str(struct mon *m, const char *id, const char *prop, char *out,
    size_t sz, struct err *e)
{
	char hmp[200], qmp[300];
	struct mon_result r;
	json_t *j;
	int rc = 0;

	out[0] = '\0';
	snprintf(hmp, sizeof hmp, "qom-get /machine/peripheral/%s %s", id,
	    prop);
	snprintf(qmp, sizeof qmp, "{\"execute\": \"qom-get\", \"arguments\": "
	    "{\"path\": \"/machine/peripheral/%s\", \"property\": \"%s\"}}",
	    id, prop);
	if (mon_do(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = hmp,
	    .qmp = qmp }, &r, e) < 0) {
		mon_result_free(&r);
		return err_prefix(e, "qom-get %s %s", id, prop);
	}
	j = r.text ? json_loads(r.text, JSON_DECODE_ANY, NULL) : NULL;
	if (json_is_string(j) && strlen(json_string_value(j)) < sz)
		snprintf(out, sz, "%s", json_string_value(j));
	else if (!json_is_string(j))
		rc = err_set(e, "qom-get %s %s: not a string: %.60s", id, prop,
		    r.text ? r.text : "");
	json_decref(j);
	mon_result_free(&r);
	return rc;
}

/* "nic" / "disk" from the PCI class; NULL when it says neither. */
static const char *
class_type(const struct pci_fn *f)
{
	if (strstr(f->class_text, "Ethernet") != NULL)
		return "nic";
	if (strstr(f->class_text, "SCSI") != NULL ||
	    strstr(f->class_text, "storage") != NULL ||
	    strstr(f->class_text, "SATA") != NULL ||
	    strstr(f->class_text, "NVM") != NULL)
		return "disk";
	return NULL;
}

static int
is_slot(const char *what)
{
	return what[0] != '\0' && strspn(what, "0123456789") == strlen(what);
}

/* The live function named by what (a slot: its function with an id). */
static const struct pci_fn *
find_live(const struct pci_info *pi, const char *what, struct err *e)
{
	const struct pci_fn *f = NULL;
	size_t i;
	int slot, any = 0;

	if (!is_slot(what)) {
		if (devid_check_qemu_id(what, strlen(what), e) < 0)
			return NULL;
		f = pci_info_find_id(pi, what);
		if (f == NULL || f->bus != 0)
			err_set(e, "no device %s on bus 0 (see show)", what);
		return f != NULL && f->bus == 0 ? f : NULL;
	}
	if (slotmap_parse_slot(what, strlen(what), &slot, e) < 0)
		return NULL;
	for (i = 0; i < pi->n; i++)
		if (pi->fn[i].bus == 0 && pi->fn[i].slot == slot) {
			any = 1;
			if (f == NULL && pi->fn[i].id[0])
				f = &pi->fn[i];
		}
	if (f == NULL)
		err_set(e, any ? "slot %d holds a device without an id: QEMU "
		    "can unplug a device only by its id, so it cannot be "
		    "adopted" : "slot %d is empty: nothing to adopt", slot);
	return f;
}

int
adopt_describe(struct mon *m, struct store_dev *d, struct err *e)
{
	struct backends b;
	const struct backend_entry *be;

	if (qom_str(m, d->id, "type", d->driver, sizeof d->driver, e) < 0)
		return -1;
	if (strcmp(d->type, "nic") == 0) {
		if (qom_str(m, d->id, "netdev", d->backend.netdev,
		    sizeof d->backend.netdev, e) < 0 ||
		    qom_str(m, d->id, "mac", d->mac, sizeof d->mac, e) < 0)
			return -1;
		if (d->backend.netdev[0] == '\0')
			return 0;
		if (backends_query(m, &b, e) < 0)
			return -1;
		be = backends_find(&b, BACKEND_NETDEV, d->backend.netdev);
		if (be != NULL && strcmp(be->type, "user") == 0)
			d->backend.kind = STORE_BK_USER;
		else if (be != NULL && strcmp(be->type, "tap") == 0)
			d->backend.kind = STORE_BK_TAP;
		return 0;
	}
	if (qom_str(m, d->id, "drive", d->backend.drive,
	    sizeof d->backend.drive, e) < 0)
		return -1;
	if (d->backend.drive[0])
		d->backend.kind = STORE_BK_FILE;
	return 0;
}

/* The live PCI functions into res (freed on failure too). */
static int
query_pci(const struct hotplug_target *t, struct mon *m,
    struct mon_result *res, struct err *e)
{
	if (mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, res,
	    e) == 0)
		return 0;
	mon_result_free(res);
	return err_prefix(e, "monitor of %s", t->inst);
}

/* What adopt and forget ask of their step under the lock. */
struct ask {
	const char *what;	/* a slot or an id */
	const char *type;	/* adopt: nic, disk or NULL */
	char *note;		/* forget: what became of the backend */
	size_t notesz;
};

/* One step under the lock, over session m: fills d, changes txn. */
typedef int (*locked_fn)(const struct hotplug_target *t, struct mon *m,
    struct store_txn *txn, const struct ask *a, struct store_dev *d,
    struct err *e);

/* Lock, then monitor, as every flow; the journal resolved first; then
 * step, and the runtime file committed only when it succeeded (nothing
 * changes on failure; a failed commit is "ID not VERB").  On success *out
 * is the device step filled. */
static int
transact(const struct hotplug_target *t, locked_fn step, const struct ask *a,
    const char *verb, struct store_dev *out, struct err *e)
{
	struct store_txn txn;
	struct store_dev d;
	struct mon *m;
	int rc;

	if (store_open_seeded(t->runtime_dir, t->state_dir, t->inst, &txn,
	    hotplug_lock_ms(t), NULL, e) < 0)
		return -1;
	if ((m = hotplug_connect(t, e)) == NULL) {
		store_abort(&txn);
		return -1;
	}
	rc = journal_settle(t, m, &txn, e);
	if (rc == 0)
		rc = step(t, m, &txn, a, &d, e);
	mon_free(m);
	if (rc < 0) {
		store_abort(&txn);
		return -1;
	}
	if (store_commit(&txn, e) < 0)
		return err_prefix(e, "%s not %s", d.id, verb);
	if (out != NULL)
		*out = d;
	return 0;
}

/* The checks and the record. */
static int
adopt_locked(const struct hotplug_target *t, struct mon *m,
    struct store_txn *txn, const struct ask *a, struct store_dev *d,
    struct err *e)
{
	const char *what = a->what, *type = a->type;
	struct mon_result res;
	const struct pci_fn *f;
	const struct store_dev *o;
	const char *ct;
	int rc = -1;

	if (query_pci(t, m, &res, e) < 0)
		return -1;
	if ((f = find_live(&res.pci, what, e)) == NULL)
		goto out;
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", f->id);
	d->slot = f->slot;
	d->state = STORE_DEV_PLUGGED;
	if ((o = store_find_id(&txn->rt, d->id)) != NULL) {
		err_set(e, "%s is already recorded (%s): nothing to adopt",
		    d->id, store_dev_state_name(o->state));
		goto out;
	}
	if ((o = store_find_slot(&txn->rt, d->slot)) != NULL) {
		err_set(e, "slot %d is recorded for %s (%s); forget it first",
		    d->slot, o->id, store_dev_state_name(o->state));
		goto out;
	}
	ct = class_type(f);
	if (type != NULL && ct != NULL && strcmp(type, ct) != 0) {
		err_set(e, "%s is a %s (%s), not a %s", d->id, ct,
		    f->class_text, type);
		goto out;
	}
	if (type == NULL && ct == NULL) {
		err_set(e, "%s is a %s: say whether it is a nic or a disk",
		    d->id, f->class_text);
		goto out;
	}
	snprintf(d->type, sizeof d->type, "%s", type ? type : ct);
	if (adopt_describe(m, d, e) < 0 || store_add_dev(&txn->rt, d, e) < 0)
		goto out;
	rc = 0;
out:
	mon_result_free(&res);
	return rc;
}

int
adopt_device(const struct hotplug_target *t, const char *what,
    const char *type, struct store_dev *out, struct err *e)
{
	if (type != NULL && strcmp(type, "nic") != 0 &&
	    strcmp(type, "disk") != 0)
		return err_set(e, "'%.40s' is not a device type: expected nic "
		    "or disk", type);
	return transact(t, adopt_locked, &(struct ask){ .what = what,
	    .type = type }, "adopted", out, e);
}

/* The record named by what, checked to be gone from the bus. */
static int
forget_locked(const struct hotplug_target *t, struct mon *m,
    struct store_txn *txn, const struct ask *a, struct store_dev *d,
    struct err *e)
{
	const char *what = a->what;
	char *note = a->note;
	size_t notesz = a->notesz;
	struct mon_result res;
	struct backends b;
	const struct store_dev *p;
	const struct pci_fn *f;
	int slot, rc = -1;

	if (is_slot(what)) {
		if (slotmap_parse_slot(what, strlen(what), &slot, e) < 0)
			return -1;
		if ((p = store_find_slot(&txn->rt, slot)) == NULL)
			return err_set(e, "slot %d holds no recorded device "
			    "(see show)", slot);
	} else if ((p = store_find_id(&txn->rt, what)) == NULL)
		return err_set(e, "no device %.128s in %s's runtime file (see "
		    "show)", what, t->inst);
	*d = *p;
	if (query_pci(t, m, &res, e) < 0)
		return -1;
	f = pci_info_find_id(&res.pci, d->id);
	if (f != NULL) {
		err_set(e, "%s is live in slot %d: forget drops only a record "
		    "whose device is gone; unplug it instead", d->id, f->slot);
		goto out;
	}
	/* its backend, if QEMU kept it and nothing uses it */
	if (backends_query(m, &b, e) < 0)
		goto out;
	if (note != NULL)
		snprintf(note, notesz, "no backend left");
	{
		const struct backend_entry *nb = d->backend.netdev[0] ?
		    backends_find(&b, BACKEND_NETDEV, d->backend.netdev) : NULL;
		const struct backend_entry *db = d->backend.drive[0] ?
		    backends_find(&b, BACKEND_BLOCK, d->backend.drive) : NULL;

		if ((nb != NULL && !nb->attached) ||
		    (db != NULL && !db->attached)) {
			struct store_dev bd = *d;

			if (nb == NULL || nb->attached)
				bd.backend.netdev[0] = '\0';
			if (db == NULL || db->attached)
				bd.backend.drive[0] = '\0';
			if (note != NULL)
				snprintf(note, notesz, "backend %s removed",
				    bd.backend.netdev[0] ? bd.backend.netdev :
				    bd.backend.drive);
			unplug_del_backend(m, &bd, note, notesz);
		}
	}
	store_remove_dev(&txn->rt, d->id, e);
	rc = 0;
out:
	mon_result_free(&res);
	return rc;
}

int
adopt_forget_device(const struct hotplug_target *t, const char *what,
    struct store_dev *out, char *note, size_t notesz, struct err *e)
{
	return transact(t, forget_locked, &(struct ask){ .what = what,
	    .note = note, .notesz = notesz }, "forgotten", out, e);
}
