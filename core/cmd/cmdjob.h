/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmdjob.h - a command that may wait (on a monitor, a guest, another
 * operator's lock) run off the caller's loop, so that a screen never
 * freezes: a state machine the TUI drives from its poll loop, as it drives
 * the fleet's refreshes.
 *
 * cmd_job_start() forks a child that runs the line with cmd_exec() on its
 * copy of the context and writes the result (ok, instance, text) to a
 * pipe; the caller polls cmd_job_fd() and calls cmd_job_step() when it is
 * readable (or after every poll: it never blocks).  Any change the child
 * makes goes through the runtime store under its lock and the intent
 * journal (fleet/journal.h), exactly as in batch mode.
 *
 * cmd_job_cancel() stops it: the child is killed (SIGKILL: a hotplug is
 * stopped wherever it is) and a second child rolls back what the journal
 * says was under way (journal_cancel_inst: a device QEMU accepted is
 * unplugged again, a backend alone removed), reporting like any job; the
 * job then ends as cancelled.
 *
 * Which commands are worth a job: cmd_job_wanted() (hotplug, unplug,
 * adopt, forget, version, reserve, free: they wait on a monitor or a
 * lock).  One job works on one instance (cmd_job_inst()); once it holds
 * that instance's monitor (cmd_job_holds_monitor(): its flow connected, or
 * it refreshes the instance itself, as version does) the caller does not
 * refresh it.
 *
 * The child ends with _exit() (it must not run the parent's atexit work
 * or flush its stdio); it lets go of its copies of the parent's monitor
 * sockets first.
 *
 * Memory: a job is malloc'd by cmd_job_start and freed by cmd_job_free
 * (which kills a child still running); cmd_job_result hands over the text
 * (free it with cmd_result_free).
 */
#ifndef SLOTSCOPE_CMDJOB_H
#define SLOTSCOPE_CMDJOB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "cmd/cmd.h"

struct cmd_job;

enum cmd_job_state {
	CMD_JOB_RUNNING,
	CMD_JOB_CANCELLING,	/* the rollback child runs */
	CMD_JOB_DONE,		/* the result is in */
};

/* 1 when line is a command that may wait (see above), known in c's mode. */
int cmd_job_wanted(const struct cmd_ctx *c, const char *line, size_t len);

/* Fork the job for line; its instance's refresh under way is abandoned
 * first (its monitor socket is the job's now).  NULL with e set when it
 * cannot start. */
struct cmd_job *cmd_job_start(struct cmd_ctx *c, const char *line,
    size_t len, struct err *e);
/* Record off the caller's loop what refreshes reported for instance i
 * (fleet.h): the confirmed unplugs among u[0..nu) that are i's
 * (unplug_complete) and, when journal is set, i's unfinished operations
 * (journal_resolve_noted), both without waiting for a held lock and each
 * with its audit line in the fleet's audit log.  The job counts as holding
 * i's monitor all along (it is short and never waits for a lock); it is
 * polled and ends like any other; its text is
 * one line per thing recorded, "" when nothing was (a failure is retried
 * after the next refresh reports it again).  Batch mode records inline
 * instead (unplug_record_reported, journal_resolve_reported). */
struct cmd_job *cmd_job_record(struct cmd_ctx *c, size_t i,
    const struct fleet_unplug *u, size_t nu, int journal, struct err *e);
int cmd_job_fd(const struct cmd_job *j);	/* -1 when done */
/* Read what the child sent; returns the state. */
enum cmd_job_state cmd_job_step(struct cmd_job *j);
enum cmd_job_state cmd_job_state(const struct cmd_job *j);
/* How long it has run (monotonic ms). */
int64_t cmd_job_elapsed_ms(const struct cmd_job *j);
/* The command line as started (j's own: valid until cmd_job_free). */
const char *cmd_job_line(const struct cmd_job *j);
long cmd_job_inst(const struct cmd_job *j);		/* -1: none */
/* 1 once its flow has opened the instance's monitor (after the lock):
 * the caller leaves that instance's refreshes alone from then on, QEMU
 * serving one client at a time. */
int cmd_job_holds_monitor(const struct cmd_job *j);
/* Stop it with a rollback (see above); harmless once done. */
int cmd_job_cancel(struct cmd_job *j, struct err *e);
/* Once DONE: the result (ok, text; json is NULL, action NONE). */
void cmd_job_result(struct cmd_job *j, struct cmd_result *r);
void cmd_job_free(struct cmd_job *j);

#endif
