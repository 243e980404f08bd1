/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unplug.h - the unplug lifecycle, with one owner: this module.
 *
 *   requested   hotplug_del() (hotplug.h): device_del sent, the device
 *               persisted as `unplugging` under the store lock;
 *   pending     QEMU has not confirmed yet (the guest did not eject it, or
 *               nobody waited): the slot and id stay taken;
 *   completed   QEMU confirmed (QMP DEVICE_DELETED, or the id gone from the
 *               bus): the backend is removed (netdev_del / drive_del; "not
 *               found" is fine: QEMU drops drive_add drives with their
 *               device), the device is dropped from the runtime file, which
 *               frees its slot and id.
 *
 * Completion is recorded in one place, unplug_complete(), reached two ways:
 * by hotplug_del() when QEMU confirms while it waits, and by
 * unplug_record_reported() for the unplugs a refresh saw confirmed (a
 * refresh only reads and reports them: fleet.h).  Both take the store
 * lock, re-read the file and complete only devices still `unplugging`, so
 * whoever comes second finds nothing left and records nothing: an unplug is
 * recorded once.
 *
 * Nothing is allocated for the caller.
 */
#ifndef SLOTSCOPE_UNPLUG_H
#define SLOTSCOPE_UNPLUG_H

#include <stddef.h>

#include "base/err.h"
#include "fleet/fleet.h"
#include "fleet/hotplug.h"
#include "qemu/mon.h"
#include "store/store.h"

/* Complete the confirmed unplugs of t->inst: the devices named in
 * ids[0..nids) that the runtime file, re-read under its lock (waiting up to
 * lock_ms; 0 = try once), still has as `unplugging`.  Their backends are
 * removed over a session of its own to t->endpoint, opened under the lock
 * (lock, then monitor, as in every flow) and only when a backend is
 * recorded; they are dropped, the file is committed, and when
 * audit_log is set (not NULL, not "") a line "unplug-confirmed ID" is
 * appended per device, result "ok" or "ok; backend removal failed: ...".
 * Returns how many were recorded (0: none was left to record), or -1 with e
 * set when nothing was (lock held, runtime file unreadable, monitor not
 * reachable for the backends, commit failed). */
int unplug_complete(const struct hotplug_target *t, const char *const *ids,
    size_t nids, int lock_ms, const char *audit_log, struct err *e);

/* Record the unplugs refreshes reported (fleet_take_unplugs) with
 * unplug_complete, without waiting for a held lock, logging to
 * f->audit_log.  Call it where refresh results are consumed: after
 * fleet_step() or fleet_refresh_wait().  An instance whose refresh is under
 * way is left for that refresh to report again; any failure is retried with
 * the next report.  Blocks while it talks to a monitor (only when there is
 * something to record).  Returns how many unplugs were recorded. */
size_t unplug_record_reported(struct fleet *f);

/* Why an unplug is not done yet, for the operator (unplugwhy.c). */
struct unplug_why {
	int refused;		/* the guest refused it: QMP's
				 * DEVICE_UNPLUG_GUEST_ERROR for this id
				 * (QEMU >= 6.2) arrived while we waited */
	int paused;		/* the VM is not running (paused,
				 * prelaunch, ...): it cannot acknowledge */
	char status[32];	/* QEMU's run state: "running",
				 * "prelaunch", "" when not known */
	int repeat;		/* this was a repeat device_del: 1 QEMU
				 * accepted it, -1 QEMU refused it while
				 * the first is pending, 0 not a repeat */
	char text[320];		/* one sentence: the likely reason and
				 * what to do */
};

/* hotplug_del, saying why the device is not gone yet (why may be NULL):
 * returns HOTPLUG_DELETED, HOTPLUG_PENDING (why->text: the likely
 * reason -- a paused VM cannot acknowledge; a running one has no guest
 * OS yet or ignores ACPI hotplug -- and whether QEMU took a repeat
 * device_del), HOTPLUG_REFUSED (the guest said no: the device is
 * recorded `plugged` again), or -1 with e set. */
int hotplug_del_why(const struct hotplug_target *t, const char *what,
    int wait_ms, struct store_dev *out, struct unplug_why *why,
    struct err *e);
/* Over m, after device_del of id: guest refusals among the session's
 * events, the VM's run state, and the sentence (unplugwhy.c). */
void unplug_diagnose(struct mon *m, const char *id, struct unplug_why *w);
/* Record id as `plugged` again (the guest refused its unplug). */
int unplug_revert(const struct hotplug_target *t, const char *id,
    struct err *e);

/* Remove the backend of d (its netdev and/or drive, when recorded) over m.
 * A failure other than "not found" is described in note (when not NULL);
 * nothing else is reported. */
void unplug_del_backend(struct mon *m, const struct store_dev *d, char *note,
    size_t notesz);

#endif
