/* SPDX-License-Identifier: GPL-3.0-or-later */
/* recjob.c - what refreshes report (unplugs QEMU confirmed, operations
 * that died half-way in the journal) recorded off the main loop, so that a
 * slow monitor never stalls the screen: a record job
 * (core/cmd/cmdjob.h's cmd_job_record) for one instance at a time, beside
 * the command job.  Its instance is left unrefreshed while it runs (it
 * may hold the monitor all along: it is short, it never waits for a
 * lock); what it recorded goes to the event log.  Reports of other
 * instances taken meanwhile are dropped: the next refresh reports them
 * again, as long as the runtime file still has them to record.
 */
#include <string.h>

#include "app.h"

/* Instance i's monitor is a job's now: leave it alone. */
static int
held(const struct app *a, size_t i)
{
	return (a->job != NULL && cmd_job_holds_monitor(a->job) &&
	    cmd_job_inst(a->job) == (long)i) || (a->rec != NULL &&
	    cmd_job_holds_monitor(a->rec) && cmd_job_inst(a->rec) == (long)i);
}

void
app_refresh(struct app *a, size_t i, double now)
{
	size_t k;

	if (i != (size_t)-1) {
		if (i < a->fleet->n && !held(a, i))
			fleet_refresh_start(a->fleet, i, now);
		return;
	}
	for (k = 0; k < a->fleet->n; k++)
		if (!held(a, k))
			fleet_refresh_start(a->fleet, k, now);
	/* no instance yet (hosts that have not answered): the backends are
	 * still started, so that such a host is tried again */
	if (a->fleet->n == 0)
		fleet_refresh_start(a->fleet, (size_t)-1, now);
}

/* Worth a record job now: not being refreshed (that refresh reports
 * again), not the command job's (its flow settles the journal itself). */
static int
usable(const struct app *a, size_t i)
{
	return i < a->fleet->n && !a->fleet->inst[i].refreshing &&
	    !(a->job != NULL && cmd_job_inst(a->job) == (long)i);
}

void
app_rec_start(struct app *a)
{
	struct fleet *f = a->fleet;
	struct fleet_unplug *u = NULL;
	size_t n = fleet_take_unplugs(f, &u), k, i = (size_t)-1;
	struct err e;
	int journal;

	if (a->rec == NULL && f->runtime_dir[0] != '\0') {
		for (k = 0; k < n && i == (size_t)-1; k++)
			if (usable(a, u[k].inst))
				i = u[k].inst;
		/* walked only when some instance has a journal note */
		for (k = 0; f->njournal > 0 && k < f->n && i == (size_t)-1;
		    k++)
			if (f->inst[k].journal && usable(a, k))
				i = k;
	}
	if (i != (size_t)-1) {
		journal = f->inst[i].journal;
		fleet_set_journal(f, i, 0);	/* the next refresh says again */
		a->rec = cmd_job_record(&a->ctx, i, u, n, journal, &e);
		if (a->rec == NULL)
			app_log(a, LOG_ERR, "%s: %s", f->inst[i].name, e.msg);
	}
	free(u);
}

int
app_rec_fd(const struct app *a)
{
	return a->rec != NULL ? cmd_job_fd(a->rec) : -1;
}

void
app_rec_step(struct app *a)
{
	struct cmd_result r;
	long inst;

	if (a->rec == NULL || cmd_job_step(a->rec) != CMD_JOB_DONE)
		return;
	cmd_job_result(a->rec, &r);
	inst = cmd_job_inst(a->rec);
	cmd_job_free(a->rec);
	a->rec = NULL;
	if (r.text != NULL && r.text[0] != '\0')
		app_log(a, r.ok ? LOG_INFO : LOG_ERR, "%s", r.text);
	cmd_result_free(&r);
	/* show what was recorded */
	app_refresh(a, (size_t)inst, app_now());
	a->dirty = 1;
}
