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
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
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

/* This process's CPU so far (user + system, RUSAGE_SELF), in us. */
static inline double
bench_cpu_us(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 +
	    (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

/* One line per figure: "bench NAME: VALUE UNIT (detail)". */
static inline void
bench_report(const char *name, double value, const char *unit,
    const char *detail)
{
	/* a ratio with two decimals: its goals are 1.05, 1.1, 1.3, 1.5 */
	int prec = strcmp(unit, "x") == 0 ? 2 : 1;

	printf("bench %-40s %12.*f %s%s%s%s\n", name, prec, value, unit,
	    detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
	fflush(stdout);
}

/* VmRSS of process pid (0: this one) in KiB, -1 when unknown. */
static inline long
bench_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/status");
	else
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* A blocking unix stream socket connected to path, or -1. */
static inline int
bench_unix_connect(const char *path)
{
	struct sockaddr_un sa;
	size_t len = strlen(path);
	int fd;

	if (len >= sizeof sa.sun_path)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, len);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* What `tmux -L srv ARGS` prints (its first 64 KiB less a byte),
 * malloc'd and NUL-terminated, or NULL. */
static inline char *
bench_tmux_out(const char *srv, const char *args)
{
	char cmd[4600], *buf = malloc(1 << 16);
	size_t n;
	FILE *p;

	if (buf == NULL)
		return NULL;
	snprintf(cmd, sizeof cmd, "tmux -L %s %s", srv, args);
	if ((p = popen(cmd, "r")) == NULL) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 16) - 1, p);
	buf[n] = '\0';
	pclose(p);
	return buf;
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

/* fork + exec argv[0] (on PATH) with its stdin and stdout on pipes: *to
 * is written to its stdin, *from reads its stdout; the child dies with
 * the benchmark.  Returns its pid, or -1 (nothing left open). */
static inline pid_t
bench_spawn(char *const argv[], int *to, int *from)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe(in) < 0)
		return -1;
	if (pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((pid = bench_fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		return -1;
	}
	*to = in[1];
	*from = out[0];
	return pid;
}

/* One command the way Ganeti sent it: `echo CMD | socat STDIO
 * UNIX-CONNECT:path`, a socat process per command, its output read to
 * the end.  0 when socat exited 0, else -1. */
static inline int
bench_socat_cmd(const char *path, const char *cmd)
{
	char buf[65536], addr[4200];
	char *argv[] = { "socat", "STDIO", addr, NULL };
	int to, from, st, rc = 0;
	pid_t pid;

	snprintf(addr, sizeof addr, "UNIX-CONNECT:%s", path);
	if ((pid = bench_spawn(argv, &to, &from)) < 0)
		return -1;
	if (write(to, cmd, strlen(cmd)) < 0)
		rc = -1;
	close(to);
	while (read(from, buf, sizeof buf) > 0)
		;
	close(from);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
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
	double own_start_ns;	/* its own count: its imports done to ready */
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
	char script[4200], line[128];
	char *argv[] = { "python3", script, NULL };
	double t0 = bench_now();
	int to, from;

	memset(p, 0, sizeof *p);
	snprintf(script, sizeof script, "%s",
	    tu_srcpath("tests/bench/rawqmp.py"));
	if ((p->pid = bench_spawn(argv, &to, &from)) < 0)
		return -1;
	if ((p->to = fdopen(to, "w")) == NULL)
		close(to);
	if ((p->from = fdopen(from, "r")) == NULL)
		close(from);
	if (p->to == NULL || p->from == NULL ||
	    fgets(line, sizeof line, p->from) == NULL ||
	    sscanf(line, "ready %lf", &p->own_start_ns) != 1) {
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
