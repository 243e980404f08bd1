/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmdjob.c - a waiting command run in a child process, polled by the
 * caller's loop, cancelled with a rollback; see cmdjob.h.
 *
 * The child's report on the pipe: a byte 2 whenever its flow opens the
 * instance's monitor (cmd_job_holds_monitor), then one byte ok (0/1) and
 * the text, until the child exits (EOF ends the report).  A child that
 * dies without a report (killed) gives an empty one.
 */
#include "cmd/cmdjob.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fileio.h"
#include "base/strbuf.h"
#include "cmd/cmd_words.h"
#include "fleet/hotplug.h"
#include "fleet/journal.h"
#include "fleet/unplug.h"

static const char *const waiting[] = { "hotplug", "unplug", "adopt",
	"forget", "version", "reserve", "free", NULL };

struct cmd_job {
	char line[512];
	long inst;
	pid_t pid;
	int fd;
	enum cmd_job_state state;
	int cancelled;
	int monitor;		/* its flow has the instance's monitor */
	int64_t t0;
	struct strbuf got;	/* the report so far */
	struct cmd_ctx ctx;	/* for the rollback */
	struct fleet_unplug *rec;	/* a record job's unplugs (owned) */
	size_t nrec;
	int rec_journal;	/* and its instance's intents */
	int recjob;		/* a record job: no text is no news */
};

int
cmd_job_wanted(const struct cmd_ctx *c, const char *line, size_t len)
{
	struct cmd_words ws;
	struct err e;
	size_t k;
	int yes = 0;

	if (c == NULL || c->fleet == NULL ||
	    cmd_words_split(line, len, &ws, 1, &e) < 0)
		return 0;
	for (k = 0; ws.n > 1 && waiting[k] != NULL; k++)
		yes |= strcmp(ws.w[0], waiting[k]) == 0;
	/* another host's instance: the command goes over that host's one
	 * connection, which a forked child cannot share; it runs at once,
	 * bounded by the host's silence (fleet/fleetagent.h) */
	if (yes) {
		long i = fleet_find(c->fleet, ws.w[1], NULL);

		if (i >= 0 && c->fleet->inst[i].back == FLEET_BACK_AGENT)
			yes = 0;
	}
	cmd_words_free(&ws);
	return yes;
}

/* The flow opens the instance's monitor: tell the parent (one byte 2,
 * before the report). */
static void
on_connect(void *arg)
{
	const int *fd = arg;
	char two = 2;

	if (write(*fd, &two, 1) < 0)
		return;
}

/* The child: run the line, report, exit.  Never returns. */
static void
child(struct cmd_ctx *c, const char *line, size_t len, int fd)
{
	struct cmd_result r;
	struct strbuf b = STRBUF_INIT;
	char ok;

	memset(&r, 0, sizeof r);
	c->on_connect = on_connect;
	c->on_connect_arg = &fd;
	cmd_exec(c, line, len, &r);
	ok = (char)(r.ok ? 1 : 0);
	strbuf_add(&b, &ok, 1);
	if (r.text != NULL)
		strbuf_str(&b, r.text);
	(void)fileio_write_all(fd, b.p, b.n);	/* nobody to tell */
	_exit(0);
}

/* Fork fn's child with a pipe; the parent end is non-blocking. */
static int
spawn(struct cmd_job *j, void (*fn)(struct cmd_job *, int), struct err *e)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(e, "cannot start the command: %s",
		    strerror(errno));
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		close(p[0]);
		close(p[1]);
		return err_set(e, "cannot start the command: %s",
		    strerror(errno));
	}
	if (j->pid == 0) {
		close(p[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		/* the parent's monitor sessions: let go of our copies, or
		 * QEMU would see their clients connected until we exit */
		if (j->ctx.fleet != NULL)
			fleet_refresh_cancel(j->ctx.fleet, (size_t)-1);
		fn(j, p[1]);
		_exit(0);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	j->fd = p[0];
	j->got.n = 0;
	return 0;
}

static void
run_line(struct cmd_job *j, int fd)
{
	child(&j->ctx, j->line, strlen(j->line), fd);
}

struct cmd_job *
cmd_job_start(struct cmd_ctx *c, const char *line, size_t len,
    struct err *e)
{
	struct cmd_job *j;
	struct cmd_words ws;

	if (len >= sizeof j->line)
		return err_set(e, "the command is too long to run in the "
		    "background"), NULL;
	j = calloc(1, sizeof *j);
	if (j == NULL)
		return err_set(e, "out of memory"), NULL;
	memcpy(j->line, line, len);
	j->line[len] = '\0';
	j->ctx = *c;
	j->inst = -1;
	j->fd = -1;
	strbuf_init(&j->got);
	if (cmd_words_split(line, len, &ws, 1, e) == 0) {
		if (ws.n > 1)
			j->inst = fleet_find(c->fleet, ws.w[1], e);
		cmd_words_free(&ws);
	}
	/* the instance's monitor is the job's from now on */
	if (j->inst >= 0)
		fleet_refresh_cancel(c->fleet, (size_t)j->inst);
	j->t0 = clock_mono_ms();
	if (spawn(j, run_line, e) < 0) {
		strbuf_free(&j->got);
		free(j);
		return NULL;
	}
	j->state = CMD_JOB_RUNNING;
	return j;
}

/* The hotplug_target of the job's instance, as the fleet sets it up. */
static void
job_target(struct cmd_job *j, struct hotplug_target *t, int *fd)
{
	const struct fleet *f = j->ctx.fleet;
	const struct instance *in = &f->inst[j->inst];

	memset(t, 0, sizeof *t);
	t->inst = in->name;
	t->endpoint = in->endpoint;
	t->runtime_dir = f->runtime_dir;
	t->state_dir = f->state_dir;
	t->greet_ms = f->monitor_timeout_ms;
	t->op_ms = f->op_timeout_ms;
	t->audit_log = f->audit_log;
	t->on_connect = on_connect;
	t->on_connect_arg = fd;
}

/* The record child: what the refreshes reported for one instance, each
 * recorded by its owner without waiting for a held lock; the text says
 * what was recorded, "" when nothing was (a failure is retried after the
 * next refresh, as in batch mode). */
static void
record(struct cmd_job *j, int fd)
{
	const char *ids[STORE_MAX_DEVICES];
	struct journal_note notes[STORE_MAX_INTENTS];
	struct hotplug_target t;
	struct strbuf b = STRBUF_INIT;
	struct err e;
	size_t k, nids = 0;
	int n;

	job_target(j, &t, &fd);
	strbuf_add(&b, "\1", 1);
	for (k = 0; k < j->nrec && nids < STORE_MAX_DEVICES; k++)
		ids[nids++] = j->rec[k].id;
	n = nids > 0 ? unplug_complete(&t, ids, nids, 0, t.audit_log, &e) : 0;
	if (n > 0 && (size_t)n == nids)
		for (k = 0; k < nids; k++)
			strbuf_printf(&b, "%s%s: the unplug of %s is confirmed "
			    "by QEMU and recorded: slot %d is free", b.n > 1 ?
			    "\n" : "", t.inst, ids[k], j->rec[k].slot);
	else if (n > 0)
		strbuf_printf(&b, "%s: %d confirmed unplug%s recorded (see "
		    "the audit log)", t.inst, n, n == 1 ? "" : "s");
	n = j->rec_journal ? journal_resolve_noted(&t, 0, notes, &e) : 0;
	for (k = 0; n > 0 && k < (size_t)n; k++)
		strbuf_printf(&b, "%s%s: %s: %s", b.n > 1 ? "\n" : "",
		    t.inst, notes[k].what, notes[k].result);
	(void)fileio_write_all(fd, b.p, b.n);	/* nobody to tell */
	_exit(0);
}

struct cmd_job *
cmd_job_record(struct cmd_ctx *c, size_t i, const struct fleet_unplug *u,
    size_t nu, int journal, struct err *e)
{
	struct cmd_job *j = calloc(1, sizeof *j);
	size_t k;

	if (j == NULL || (nu > 0 && (j->rec = calloc(nu, sizeof *u)) ==
	    NULL)) {
		free(j);
		return err_set(e, "out of memory"), NULL;
	}
	for (k = 0; k < nu; k++)
		if (u[k].inst == i)
			j->rec[j->nrec++] = u[k];
	j->rec_journal = journal;
	j->recjob = 1;
	j->monitor = 1;		/* short, never waits for a lock: its
				 * instance is left alone all along */
	snprintf(j->line, sizeof j->line, "record %s",
	    c->fleet->inst[i].name);
	j->ctx = *c;
	j->inst = (long)i;
	j->fd = -1;
	strbuf_init(&j->got);
	j->t0 = clock_mono_ms();
	if (spawn(j, record, e) < 0) {
		free(j->rec);
		free(j);
		return NULL;
	}
	j->state = CMD_JOB_RUNNING;
	return j;
}

int
cmd_job_fd(const struct cmd_job *j)
{
	return j->state == CMD_JOB_DONE ? -1 : j->fd;
}

enum cmd_job_state
cmd_job_state(const struct cmd_job *j)
{
	return j->state;
}

int64_t
cmd_job_elapsed_ms(const struct cmd_job *j)
{
	return clock_mono_ms() - j->t0;
}

const char *
cmd_job_line(const struct cmd_job *j)
{
	return j->line;
}

long
cmd_job_inst(const struct cmd_job *j)
{
	return j->inst;
}

int
cmd_job_holds_monitor(const struct cmd_job *j)
{
	return j->monitor || j->state == CMD_JOB_CANCELLING;
}

/* The child is done: reap it. */
static void
reap(struct cmd_job *j)
{
	int st;

	close(j->fd);
	j->fd = -1;
	while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
		;
	j->pid = -1;
}

enum cmd_job_state
cmd_job_step(struct cmd_job *j)
{
	char buf[4096];
	ssize_t n;

	if (j->state == CMD_JOB_DONE)
		return j->state;
	for (;;) {
		n = read(j->fd, buf, sizeof buf);
		if (n > 0) {
			if (j->got.n < 65536)
				strbuf_add(&j->got, buf, (size_t)n);
			/* the progress bytes before the report */
			while (j->got.n > 0 && j->got.p[0] == 2) {
				j->monitor = 1;
				strbuf_consume(&j->got, 1);
			}
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return j->state;
		break;		/* EOF: the report is complete */
	}
	reap(j);
	j->state = CMD_JOB_DONE;
	return j->state;
}

/* The rollback child: what the journal says was under way. */
static void
roll_back(struct cmd_job *j, int fd)
{
	struct hotplug_target t;
	struct strbuf b = STRBUF_INIT;
	const struct instance *in = &j->ctx.fleet->inst[j->inst];
	struct err e;
	char ok = 1;
	int n;

	memset(&t, 0, sizeof t);
	t.inst = in->name;
	t.endpoint = in->endpoint;
	t.runtime_dir = j->ctx.fleet->runtime_dir;
	t.state_dir = j->ctx.fleet->state_dir;
	t.audit_log = j->ctx.audit_log;
	t.audit_syslog = j->ctx.fleet->audit_syslog;
	n = journal_cancel_inst(&t, HOTPLUG_LOCK_MS, &e);
	strbuf_add(&b, &ok, 1);
	if (n < 0)
		strbuf_printf(&b, "%s cancelled; the rollback failed: %s "
		    "(the next refresh resolves it)", j->line, e.msg);
	else if (n == 0)
		strbuf_printf(&b, "%s cancelled after %.1f s; nothing was "
		    "under way", j->line, (double)cmd_job_elapsed_ms(j) / 1000);
	else
		strbuf_printf(&b, "%s cancelled after %.1f s; what it had "
		    "done was rolled back (see the audit log)", j->line,
		    (double)cmd_job_elapsed_ms(j) / 1000);
	if (write(fd, b.p, b.n) < 0)
		_exit(1);
	_exit(0);
}

int
cmd_job_cancel(struct cmd_job *j, struct err *e)
{
	if (j->state != CMD_JOB_RUNNING)
		return 0;
	kill(j->pid, SIGKILL);
	reap(j);
	j->cancelled = 1;
	if (j->inst < 0 || j->ctx.fleet->runtime_dir[0] == '\0') {
		strbuf_free(&j->got);
		strbuf_init(&j->got);
		strbuf_add(&j->got, "\1", 1);
		strbuf_printf(&j->got, "%s cancelled", j->line);
		j->state = CMD_JOB_DONE;
		return 0;
	}
	if (spawn(j, roll_back, e) < 0) {
		j->state = CMD_JOB_DONE;
		return -1;
	}
	j->state = CMD_JOB_CANCELLING;
	return 0;
}

void
cmd_job_result(struct cmd_job *j, struct cmd_result *r)
{
	memset(r, 0, sizeof *r);
	r->inst = j->inst;
	r->ok = j->got.n > 0 && j->got.p[0] == 1;
	if (j->got.n > 1)
		r->text = strndup(j->got.p + 1, j->got.n - 1);
	else if (j->recjob && j->got.n == 1)
		r->text = strdup("");
	else
		r->text = strdup("the command ended without a word (killed?)");
}

void
cmd_job_free(struct cmd_job *j)
{
	if (j == NULL)
		return;
	if (j->state != CMD_JOB_DONE && j->pid > 0) {
		kill(j->pid, SIGKILL);
		reap(j);
	}
	strbuf_free(&j->got);
	free(j->rec);
	free(j);
}
