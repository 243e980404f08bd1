/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_scale.c - speed at scale (issue 7): figures only, no asserts.
 * (One refresh against socat per command, as Ganeti, is bench_refresh's:
 * interleaved pairs there.)
 *
 *  1. 1000 simulated instances (one --simulate-style server in a child
 *     process, half HMP, half QMP) refreshed through the fleet engine
 *     (core/fleet: connect, query, reconcile with the runtime files), wall
 *     time of one refresh of all, and this process's RSS;
 *  2. the TUI's keystroke-to-frame time with those 1000 instances, driven
 *     through tmux: send-keys, then capture-pane until the screen changed
 *     (the capture's own cost is measured and shown beside it).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "base/nofile.h"
#include "fleet/fleet.h"
#include "simfleet.h"
#include "testutil.h"

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	return t[n / 2];
}

/* ---- 1. 1000 instances through the fleet engine ------------------------ */

#define NINST 1000

static double
now_s(void)
{
	return bench_now() / 1e9;
}

static void
bench_fleet1000(void)
{
	char *dir = bench_tmpdir(), rt[4200], ep[4300], name[32],
	    detail[200];
	struct fleet f;
	struct err e;
	double t[7], t0;
	long rss0, rss1;
	size_t i;
	int r, par;
	pid_t pid;

	/* all 1000 sessions at once in the second round */
	if (nofile_need(NINST + 256, &e) < 0 ||
	    tu_simfleet_start(dir, NINST, SIM_SOCK_BOTH, &pid, &e) < 0)
		bench_fail("fleet 1000", e.msg);
	snprintf(rt, sizeof rt, "%s/rt", dir);
	mkdir(rt, 0700);
	for (par = 0; par < 2; par++) {
		rss0 = bench_rss_kib(0);
		fleet_init(&f, rt);
		if (par == 1)
			f.max_parallel = NINST;
		for (i = 0; i < NINST; i++) {
			snprintf(name, sizeof name, "vm%zu", i + 1);
			/* half HMP, half QMP */
			snprintf(ep, sizeof ep, "unix:%s/%s.%s", dir, name,
			    i % 2 ? "qmp" : "monitor");
			if (fleet_add(&f, name, ep, &e) < 0)
				bench_fail("fleet 1000", e.msg);
		}
		for (r = 0; r < 7; r++) {
			t0 = bench_now();
			fleet_refresh_start(&f, (size_t)-1, now_s());
			fleet_refresh_wait(&f, (size_t)-1);
			t[r] = bench_now() - t0;
			for (i = 0; i < f.n; i++)
				if (f.inst[i].conn != INST_OK)
					bench_fail("fleet 1000 refresh",
					    f.inst[i].error);
		}
		rss1 = bench_rss_kib(0);
		snprintf(detail, sizeof detail, "median of 7, all %d ok each "
		    "time; max_parallel %d; half HMP, half QMP; goal <= 250",
		    NINST, par ? NINST : FLEET_MAX_PARALLEL);
		bench_report(par ? "fleet refresh 1000 sims, all at once" :
		    "fleet refresh 1000 sims, default", median(t, 7) / 1e6,
		    "ms", detail);
		if (par == 0) {
			snprintf(detail, sizeof detail, "VmRSS of the client "
			    "with 1000 instances; +%.1f MiB for the fleet; "
			    "goal <= 16", (double)(rss1 - rss0) / 1024);
			bench_report("fleet 1000 sims, client RSS",
			    (double)rss1 / 1024, "MiB", detail);
		}
		fleet_free(&f);
	}
	tu_simfleet_stop(&pid);
}

/* ---- 2. TUI keystroke-to-frame through tmux ---------------------------- */

/* tmux on its own server (-L NAME) so nothing else is disturbed. */
static int
tmux(const char *sess, const char *args)
{
	char cmd[4600];

	snprintf(cmd, sizeof cmd, "tmux -L %s %s", sess, args);
	return system(cmd);
}

/* The pane's text, malloc'd. */
static char *
capture(const char *sess)
{
	char args[128];

	snprintf(args, sizeof args, "capture-pane -p -t %s", sess);
	return bench_tmux_out(sess, args);
}

/* 1 once the pane differs from *before (then *before is the new
 * text), capturing up to tries times, sleep_us before each; else 0. */
static int
changed(const char *sess, char **before, int tries, int sleep_us)
{
	char *now;
	int i;

	for (i = 0; i < tries; i++) {
		if (sleep_us > 0)
			usleep((useconds_t)sleep_us);
		now = capture(sess);
		if (now && strcmp(now, *before) != 0) {
			free(*before);
			*before = now;
			return 1;
		}
		free(now);
	}
	return 0;
}

#define KEYS 30

static void
bench_tui(void)
{
	char *dir, cmd[4400], sess[64];
	const char *bin = getenv("SLOTSCOPE_BIN");
	double tk[KEYS], tc[KEYS], t0;
	char *before = NULL, *now;
	int i, k, n = 0;
	pid_t pid;
	struct err e;

	if (bin == NULL || !tu_have_program("tmux")) {
		printf("bench tui keystroke-to-frame: skipped (no tmux or "
		    "SLOTSCOPE_BIN)\n");
		return;
	}
	dir = bench_tmpdir();
	if (tu_simfleet_start(dir, NINST, SIM_SOCK_BOTH, &pid, &e) < 0)
		bench_fail("tui keystroke-to-frame", e.msg);
	/* the tmux server's socket in dir too, and the server killed at
	 * exit whatever happens */
	setenv("TMUX_TMPDIR", dir, 1);
	snprintf(sess, sizeof sess, "%s", bench_tmux_server());
	snprintf(cmd, sizeof cmd, "new-session -d -s %s -x 160 -y 50 "
	    "\"'%s' --monitor-dir '%s' --runtime-dir '%s/rt' --interval "
	    "3600\"", sess, bin, dir, dir);
	if (tmux(sess, cmd) != 0)
		bench_fail("tui keystroke-to-frame", "tmux did not start");
	/* wait until the first refresh has drawn and the screen is still */
	for (i = 0; i < 100; i++) {
		usleep(100000);
		now = capture(sess);
		if (now && before && strcmp(now, before) == 0 &&
		    strstr(now, "vm1") != NULL) {
			free(now);
			break;
		}
		free(before);
		before = now;
	}
	/* focus the grid (the command line has it first) */
	snprintf(cmd, sizeof cmd, "send-keys -t %s Tab", sess);
	if (before != NULL && tmux(sess, cmd) == 0)
		changed(sess, &before, 100, 20000);
	for (k = 0; k < KEYS && before != NULL; k++) {
		/* alternate down and up: each key moves the selection */
		snprintf(cmd, sizeof cmd, "send-keys -t %s %s", sess,
		    k % 2 ? "Up" : "Down");
		t0 = bench_now();
		if (tmux(sess, cmd) != 0)
			break;
		if (!changed(sess, &before, 5000, 0))
			break;
		tk[n] = bench_now() - t0;
		/* what the measuring costs: a key that changes nothing, one
		 * capture */
		snprintf(cmd, sizeof cmd, "send-keys -t %s ''", sess);
		t0 = bench_now();
		if (tmux(sess, cmd) != 0)
			break;
		free(capture(sess));
		tc[n] = bench_now() - t0;
		n++;
	}
	free(before);
	if (n < KEYS) {
		snprintf(cmd, sizeof cmd, "%d of %d keys changed the screen",
		    n, KEYS);
		bench_fail("tui keystroke-to-frame", cmd);
	}
	{
		double a = median(tk, n) / 1e6, b = median(tc, n) / 1e6;

		snprintf(cmd, sizeof cmd, "median of %d, 1000 instances, "
		    "Down/Up, send-keys until capture-pane differs", n);
		bench_report("tui keystroke-to-frame via tmux", a, "ms", cmd);
		bench_report("tmux send-keys + capture-pane alone", b, "ms",
		    "the measuring cost, no change");
		bench_report("tui keystroke-to-frame, net (goal <= 5)", a - b,
		    "ms", "the two above subtracted");
	}
	snprintf(cmd, sizeof cmd, "kill-server 2>/dev/null");
	tmux(sess, cmd);
	tu_simfleet_stop(&pid);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	bench_fleet1000();
	bench_tui();
	return 0;
}
