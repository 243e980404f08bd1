/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench.h - tiny helpers shared by the benchmarks: timing, the figure
 * line, cleaning up, and the comparators more than one bench runs.  Benchmarks print measured figures only; they
 * never fail on time, but they do fail (exit 1) when what they time did
 * not work, and they leave nothing behind either way. */
#ifndef SLOTSCOPE_BENCH_H
#define SLOTSCOPE_BENCH_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
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

/* One command the way Ganeti sent it: `echo CMD | socat STDIO
 * UNIX-CONNECT:path`, a socat process per command, its output read to
 * the end.  0 when socat exited 0, else -1. */
static inline int
bench_socat_cmd(const char *path, const char *cmd)
{
	int in[2], out[2], st, rc = 0;
	char buf[65536], addr[4200];
	pid_t pid;

	if (pipe(in) < 0)
		return -1;
	if (pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	snprintf(addr, sizeof addr, "UNIX-CONNECT:%s", path);
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execlp("socat", "socat", "STDIO", addr, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (pid < 0 || write(in[1], cmd, strlen(cmd)) < 0)
		rc = -1;
	close(in[1]);
	while (read(out[0], buf, sizeof buf) > 0)
		;
	close(out[0]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return rc;
}

/* The raw python comparator (tests/bench/rawqmp.py: its top comment):
 * one long-lived python3, started once and then asked one request a
 * line, so the interpreter's start is timed apart from the requests. */
struct bench_py {
	pid_t pid;
	FILE *to, *from;
	double start_ns;	/* fork to its "ready" line, seen from here */
	double own_start_ns;	/* its own count: interpreter up to ready */
};

/* Stop it: EOF on its stdin ends it; reaped. */
static inline void
bench_py_stop(struct bench_py *p)
{
	if (p->to != NULL)
		fclose(p->to);
	if (p->from != NULL)
		fclose(p->from);
	if (p->pid > 0)
		waitpid(p->pid, NULL, 0);
	memset(p, 0, sizeof *p);
}

/* 0 once it said ready, -1 (nothing left running) otherwise. */
static inline int
bench_py_start(struct bench_py *p)
{
	int in[2], out[2];
	char line[128];
	double t0 = bench_now();

	memset(p, 0, sizeof *p);
	if (pipe(in) < 0)
		return -1;
	if (pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((p->pid = bench_fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execlp("python3", "python3", tu_srcpath("tests/bench/rawqmp.py"),
		    (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->to = fdopen(in[1], "w");
	p->from = fdopen(out[0], "r");
	if (p->pid < 0 || p->to == NULL || p->from == NULL ||
	    fgets(line, sizeof line, p->from) == NULL ||
	    sscanf(line, "ready %lf", &p->own_start_ns) != 1) {
		if (p->to == NULL)
			close(in[1]);
		if (p->from == NULL)
			close(out[0]);
		bench_py_stop(p);
		return -1;
	}
	p->start_ns = bench_now() - t0;
	return 0;
}

/* Ask req (one line, no newline): 0 with its own wall and CPU time of
 * the work in ns; -1 with why (its "err" line, or that it died) in
 * why[0..sz). */
static inline int
bench_py_ask(struct bench_py *p, const char *req, double *wall,
    double *cpu, char *why, size_t sz)
{
	char line[512];

	if (fprintf(p->to, "%s\n", req) < 0 || fflush(p->to) != 0 ||
	    fgets(line, sizeof line, p->from) == NULL) {
		snprintf(why, sz, "the python client died");
		return -1;
	}
	if (sscanf(line, "ok %lf %lf", wall, cpu) != 2) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(why, sz, "the python client: %s", line);
		return -1;
	}
	return 0;
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
