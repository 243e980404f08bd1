/* SPDX-License-Identifier: GPL-3.0-or-later */
/* job.c - the screen's side of a command run in the background
 * (core/cmd/cmdjob.h): start it instead of waiting for it, show it in the
 * event log as running with its elapsed time, poll it with the loop's
 * other fds, cancel it (the `cancel` command, Ctrl-C), and log its result
 * when it ends.  One runs at a time; commands that do not wait still run
 * at once meanwhile.
 */
#include <string.h>

#include "app.h"

/* The log line that says it runs, when it is still in the ring. */
static struct app_log_line *
running_line(struct app *a)
{
	size_t back = a->log_total - a->job_log;	/* 1: the last line */

	if (back == 0 || back > a->log_n)
		return NULL;
	return &a->log[(a->log_start + a->log_n - back) % APP_LOG_MAX];
}

static void
show_running(struct app *a)
{
	struct app_log_line *l = running_line(a);
	int64_t ms = cmd_job_elapsed_ms(a->job);

	if (l == NULL)
		return;
	snprintf(l->text, sizeof l->text, "%s `%s`: %.1f s (cancel or "
	    "Ctrl-C stops it)", cmd_job_state(a->job) == CMD_JOB_CANCELLING ?
	    "cancelling" : "running", cmd_job_line(a->job),
	    (double)ms / 1000);
	a->job_drawn_ms = ms;
	a->dirty = 1;
}

int
app_job_wanted(struct app *a, const char *line, size_t n)
{
	struct err e;

	if (!cmd_job_wanted(&a->ctx, line, n))
		return 0;
	if (a->job != NULL) {
		app_log(a, LOG_ERR, "busy: `%s` is still running (%.1f s); "
		    "wait for it, or cancel it", cmd_job_line(a->job),
		    (double)cmd_job_elapsed_ms(a->job) / 1000);
		return 1;
	}
	a->job = cmd_job_start(&a->ctx, line, n, &e);
	if (a->job == NULL) {
		app_log(a, LOG_ERR, "%s", e.msg);
		return 1;
	}
	app_log(a, LOG_INFO, "running");
	a->job_log = a->log_total - 1;	/* that line */
	show_running(a);
	return 1;
}

void
app_job_cancel(struct app *a)
{
	struct err e;

	if (a->job == NULL) {
		app_log(a, LOG_INFO, "nothing is running");
		return;
	}
	if (cmd_job_cancel(a->job, &e) < 0)
		app_log(a, LOG_ERR, "%s", e.msg);
	show_running(a);
}

int
app_job_fd(const struct app *a, int *timeout_ms)
{
	if (a->job == NULL)
		return -1;
	if (*timeout_ms < 0 || *timeout_ms > 100)
		*timeout_ms = 100;	/* the elapsed time moves */
	return cmd_job_fd(a->job);
}

void
app_job_step(struct app *a)
{
	struct cmd_result r;
	long inst;

	if (a->job == NULL)
		return;
	if (cmd_job_step(a->job) != CMD_JOB_DONE) {
		if (cmd_job_elapsed_ms(a->job) - a->job_drawn_ms >= 100)
			show_running(a);
		return;
	}
	cmd_job_result(a->job, &r);
	inst = cmd_job_inst(a->job);
	{
		struct app_log_line *l = running_line(a);

		if (l != NULL)
			snprintf(l->text, sizeof l->text, "`%s`: %.1f s",
			    cmd_job_line(a->job),
			    (double)cmd_job_elapsed_ms(a->job) / 1000);
	}
	cmd_job_free(a->job);
	a->job = NULL;
	app_log(a, r.ok ? LOG_INFO : LOG_ERR, "%s", r.text ? r.text :
	    "the command failed");
	cmd_result_free(&r);
	/* its instance was left alone meanwhile: show the effect now */
	app_refresh(a, inst >= 0 ? (size_t)inst : (size_t)-1, app_now());
	a->dirty = 1;
}
