/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.h - the intent journal of hotplugs and unplugs, and its one
 * resolver.
 *
 * Before its first monitor command a hotplug or unplug writes what it is
 * about to do into the runtime file (an intent: device, backend, slot,
 * step; store.h), under the store lock, durably (journal_begin); the
 * commit that records the result drops it.  The intent is not rewritten
 * as steps complete: every resolution below goes by what QEMU has, so a
 * later step on disk would change none of them (hotplug.c's run says
 * which writes are synced how).  An intent found
 * in the file while its lock is free belongs to a process that died (kill
 * -9, a crash, a power cut) somewhere between two steps.  It is resolved
 * from what QEMU really has, on the next contact with the instance:
 *
 *   hotplug, device live on the bus   -> recorded as plugged
 *   hotplug, backend without device   -> the backend removed
 *   hotplug, neither                  -> the intent dropped
 *   unplug,  device still live        -> device_del sent again (QEMU says
 *                                        "already in the process of
 *                                        unplug" when the first one went
 *                                        out), recorded as unplugging
 *   unplug,  device gone              -> completed: backend removed,
 *                                        device dropped
 *
 * Each resolution is one audit line ("resolve ID", result saying which
 * case).  A refresh only reads: it notes that the runtime file has intents
 * (instance.journal, fleet.h), and journal_resolve_reported() -- called
 * where refresh results are consumed, like unplug_record_reported() -- is
 * the owner that resolves them.  hotplug_add and hotplug_del resolve what
 * they find under the lock before they start.
 *
 * Nothing is allocated for the caller.
 */
#ifndef SLOTSCOPE_JOURNAL_H
#define SLOTSCOPE_JOURNAL_H

#include <stddef.h>

#include "base/err.h"
#include "fleet/fleet.h"
#include "fleet/hotplug.h"
#include "store/store.h"

struct mon;

/* What one resolution did, for its audit line. */
struct journal_note {
	char what[160];			/* "resolve nic-6f1a2b3c-pci-5" */
	char result[256];		/* "ok: device live, recorded as
					 * plugged" */
};

/* Record an intent for d in t->rt and write it (store_save: the lock is
 * kept).  Nothing may be sent to QEMU for d before this succeeded. */
int journal_begin(struct store_txn *t, enum store_intent_op op,
    enum store_intent_step step, const struct store_dev *d, struct err *e);

/* Resolve every intent of t->rt over m (a session to the instance, the
 * lock held) as in the table above; t->rt is changed, not written (the
 * caller saves or commits it).  notes[0..max) receive one note per
 * intent; returns how many were resolved (each has a note), or -1 with e
 * set when QEMU could not be asked (nothing is changed then). */
int journal_resolve(struct mon *m, struct store_txn *t,
    struct journal_note *notes, size_t max, struct err *e);
/* What a new operation does first under its lock, over its session m:
 * resolve what operations that died left in t->rt (their devices may hold
 * the slot it would pick), save it (the lock is kept) and log it to
 * ht->audit_log.  0 when there was nothing to do. */
int journal_settle(const struct hotplug_target *ht, struct mon *m,
    struct store_txn *t, struct err *e);
/* Record the notes in audit_log and through syslog_sock (each skipped
 * when NULL or ""; audit_record). */
void journal_audit(const char *audit_log, const char *syslog_sock,
    const char *inst,
    const struct journal_note *notes, size_t n);

/* Lock, connect, resolve and commit the intents of t->inst now (a lock
 * held by a live operation: nothing is done, -1).  Returns how many were
 * resolved. */
int journal_resolve_inst(const struct hotplug_target *t, int lock_ms,
    struct err *e);
/* journal_resolve_inst, giving what each resolution did (as its audit
 * line says) in notes[0..returned). */
int journal_resolve_noted(const struct hotplug_target *t, int lock_ms,
    struct journal_note notes[STORE_MAX_INTENTS], struct err *e);
/* The same for an operation stopped on purpose (cmd/cmdjob.h's cancel,
 * after its process was killed): hotplugs are rolled back instead -- a
 * device QEMU has gets device_del and is recorded `unplugging` until QEMU
 * confirms; backends alone are removed; unplugs resolve as above (a sent
 * device_del cannot be taken back). */
int journal_cancel_inst(const struct hotplug_target *t, int lock_ms,
    struct err *e);
/* Resolve the instances whose last refresh saw intents (instance.journal)
 * and that are not being refreshed, without waiting for a held lock,
 * logging to f->audit_log; failures are retried after the next refresh.
 * Blocks while it talks to a monitor (only when there is something to
 * resolve).  Returns how many intents were resolved. */
size_t journal_resolve_reported(struct fleet *f);

#endif
