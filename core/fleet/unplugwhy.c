/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unplugwhy.c - why an unplug is not done, in words an operator can act
 * on (see struct unplug_why in unplug.h):
 *
 *   - the guest refused it: QEMU 6.2 and later send
 *     DEVICE_UNPLUG_GUEST_ERROR (data.device = the id) when the guest
 *     answers the ACPI or PCIe hotplug request with a failure; the device
 *     stays, so it is recorded `plugged` again;
 *   - the VM is not running (QMP query-status / HMP `info status`: paused,
 *     prelaunch under -S, ...): nothing in the guest can acknowledge until
 *     it runs (`cont`), or a reset completes the unplug;
 *   - the VM runs but nothing answered: no guest OS yet (firmware, boot
 *     loader), or a guest that ignores ACPI hotplug (acpiphp not loaded);
 *   - a repeat device_del: QEMU refuses it while the first one is pending
 *     ("already in the process of unplug"), so --retry says whether it
 *     was taken;
 *   - over HMP there are no events: a refusal looks like a pending unplug,
 *     and the sentence says so.
 */
#include "fleet/unplug.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "qemu/mon.h"

/* The session's queued events: a guest refusal of id? */
static int
guest_refused(struct mon *m, const char *id)
{
	json_t *ev;
	int refused = 0;

	while ((ev = mon_take_event(m)) != NULL) {
		const char *name = json_string_value(json_object_get(ev,
		    "event"));
		const char *dev = json_string_value(json_object_get(
		    json_object_get(ev, "data"), "device"));

		if (name != NULL && strcmp(name,
		    "DEVICE_UNPLUG_GUEST_ERROR") == 0 && dev != NULL &&
		    strcmp(dev, id) == 0)
			refused = 1;
		json_decref(ev);
	}
	return refused;
}

/* QEMU's run state into w->status / w->paused; "" when not known. */
static void
run_state(struct mon *m, struct unplug_why *w)
{
	struct mon_result r;
	struct err e;
	const char *p;

	if (mon_do(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = "info status", .qmp = "{\"execute\": \"query-status\"}" },
	    &r, &e) < 0 || r.text == NULL) {
		mon_result_free(&r);
		return;
	}
	if (mon_protocol(m) == MON_PROTO_QMP) {
		json_t *j = json_loads(r.text, 0, NULL);
		const char *s = json_string_value(json_object_get(j,
		    "status"));

		if (s != NULL)
			snprintf(w->status, sizeof w->status, "%s", s);
		json_decref(j);
	} else if ((p = strstr(r.text, "VM status: ")) != NULL) {
		/* "VM status: paused (prelaunch)" -> prelaunch;
		 * "VM status: running" -> running */
		const char *q = strchr(p, '(');
		size_t n;

		p = q != NULL ? q + 1 : p + 11;
		n = strcspn(p, ")\r\n");
		snprintf(w->status, sizeof w->status, "%.*s", (int)n, p);
	}
	w->paused = w->status[0] && strcmp(w->status, "running") != 0;
	mon_result_free(&r);
}

void
unplug_diagnose(struct mon *m, const char *id, struct unplug_why *w)
{
	const char *rep = w->repeat > 0 ? "; QEMU took the repeat "
	    "device_del" : w->repeat < 0 ? "; QEMU refuses a repeat "
	    "device_del while this one is pending" : "";

	w->refused = guest_refused(m, id);
	run_state(m, w);
	if (w->refused)
		snprintf(w->text, sizeof w->text, "the guest refused the "
		    "unplug (DEVICE_UNPLUG_GUEST_ERROR): the device stays in "
		    "use");
	else if (w->paused)
		snprintf(w->text, sizeof w->text, "the VM is not running "
		    "(%s): a paused guest cannot acknowledge the unplug; it "
		    "completes once the VM runs (cont) or is reset%s",
		    w->status, rep);
	else if (w->status[0])
		snprintf(w->text, sizeof w->text, "the VM runs but the guest "
		    "has not acknowledged it: no guest OS yet, or a guest "
		    "that ignores ACPI hotplug (acpiphp); unplug --retry asks "
		    "again%s", rep);
	else
		snprintf(w->text, sizeof w->text, "the guest has not "
		    "acknowledged it yet%s", rep);
	if (!w->refused && mon_protocol(m) == MON_PROTO_HMP) {
		size_t n = strlen(w->text);

		snprintf(w->text + n, sizeof w->text - n, "; over HMP QEMU "
		    "sends no events, so a guest's refusal cannot be seen");
	}
}

int
unplug_revert(const struct hotplug_target *t, const char *id, struct err *e)
{
	struct store_txn txn;
	struct store_dev *d;

	if (store_open_seeded(t->runtime_dir, t->state_dir, t->inst, &txn,
	    hotplug_lock_ms(t), NULL, e) < 0)
		return -1;
	d = store_find_id(&txn.rt, id);
	if (d == NULL || d->state != STORE_DEV_UNPLUGGING) {
		store_abort(&txn);	/* completed or changed meanwhile */
		return 0;
	}
	d->state = STORE_DEV_PLUGGED;
	return store_commit(&txn, e);
}
