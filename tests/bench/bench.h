/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench.h - tiny helpers shared by the benchmarks: timing, the figure
 * line, and cleaning up.  Benchmarks print measured figures only; they
 * never fail on time, but they do fail (exit 1) when what they time did
 * not work, and they leave nothing behind either way. */
#ifndef SLOTSCOPE_BENCH_H
#define SLOTSCOPE_BENCH_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One line per figure: "bench NAME: VALUE UNIT (detail)". */
static inline void
bench_report(const char *name, double value, const char *unit,
    const char *detail)
{
	printf("bench %-40s %12.1f %s%s%s%s\n", name, value, unit,
	    detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
	fflush(stdout);
}

/* What a benchmark made and must remove when it ends, however it ends. */
struct bench_mess {
	char *dir[8];
	int ndir;
	char tmux[4][64];
	int ntmux;
};

static inline struct bench_mess *
bench_mess(void)
{
	static struct bench_mess m;

	return &m;
}

static inline void
bench_cleanup(void)
{
	struct bench_mess *m = bench_mess();
	char cmd[128];

	while (m->ntmux > 0) {
		snprintf(cmd, sizeof cmd, "tmux -L %s kill-server "
		    ">/dev/null 2>&1", m->tmux[--m->ntmux]);
		if (system(cmd) != 0)
			continue;	/* no server left: fine */
	}
	while (m->ndir > 0) {
		char *d = m->dir[--m->ndir];

		tu_qemu_stop(d);
		tu_rmrf(d);
		free(d);
	}
}

static inline void
bench_on_signal(int sig)
{
	(void)sig;
	exit(1);	/* runs bench_cleanup (atexit) */
}

static inline void
bench_arm(void)
{
	static int armed;

	if (armed++)
		return;
	atexit(bench_cleanup);
	signal(SIGINT, bench_on_signal);
	signal(SIGTERM, bench_on_signal);
	signal(SIGHUP, bench_on_signal);
}

/* A temp dir (tu_tmpdir), removed at exit with any QEMU started in it
 * (exit, a return from main, SIGINT/SIGTERM/SIGHUP).  Do not free it. */
static inline char *
bench_tmpdir(void)
{
	struct bench_mess *m = bench_mess();
	char *d;

	bench_arm();
	if (m->ndir == (int)(sizeof m->dir / sizeof m->dir[0]) ||
	    (d = tu_tmpdir()) == NULL) {
		fprintf(stderr, "bench: cannot make a temp dir\n");
		exit(1);
	}
	m->dir[m->ndir++] = d;
	return d;
}

/* A tmux server name (for tmux -L) of this benchmark, killed at exit. */
static inline const char *
bench_tmux_server(void)
{
	struct bench_mess *m = bench_mess();
	char *t = m->tmux[m->ntmux];

	bench_arm();
	if (m->ntmux == (int)(sizeof m->tmux / sizeof m->tmux[0]))
		exit(1);
	snprintf(t, sizeof m->tmux[0], "ssbench%d-%d", (int)getpid(),
	    m->ntmux);
	m->ntmux++;
	return t;
}

/* fork(), the child dying with the benchmark (PR_SET_PDEATHSIG). */
static inline pid_t
bench_fork(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
	}
	return pid;
}

/* Stop here: what was timed did not work, so there is no figure. */
static inline void
bench_fail(const char *what, const char *detail)
{
	fprintf(stderr, "bench %s: FAILED%s%s\n", what, detail ? ": " : "",
	    detail ? detail : "");
	exit(1);
}

#endif
