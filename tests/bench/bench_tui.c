/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_tui.c - issue 18's screen goals, figures only:
 *
 *  1. idle CPU: `slotscope --monitor-dir A --interval 1` in tmux over
 *     1000 simulated instances, nothing changing, against the fleet engine
 *     alone (a child process refreshing another 1000 instances, dir B,
 *     every second, as the TUI's loop does, with the same runtime dir,
 *     drawing nothing) running at the
 *     same time; both CPU times from /proc/PID/schedstat (ns) over the
 *     same 5 s windows: TUI - engine, ms per second, is what the screen
 *     costs on top of the refreshes.  Beside it the TUI's own count
 *     (SLOTSCOPE_TUI_FRAMES): the frames it drew and the CPU they took,
 *     ms per second (goal <= 10).  The two share one simulator, so the
 *     difference moves with how their refreshes meet there.
 *  2. keystroke to frame at 10,000 instances: the TUI with --interval 3600
 *     on 10,000 simulated instances, the grid focused; Down (or Up), then
 *     capture-pane until the screen differs; against the terminal's own
 *     echo: the same send-keys to `cat` in another pane of the same tmux
 *     server, captured until the echoed letter shows.  Pairs alternate
 *     which goes first; TUI - echo, median of the per-pair differences
 *     with p10-p90 (tmux's own cost moves by more than the goal).  Beside
 *     it the TUI's own count (SLOTSCOPE_TUI_FRAMES): from reading each key
 *     to its frame written to the terminal (goal <= 1 ms).
 *
 * The simulators (core/sim, QMP sockets only) run in child processes;
 * temp dirs, children and the tmux server go at exit (bench.h).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "base/clock.h"
#include "fleet/fleet.h"
#include "simfleet.h"

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* "median (n=N, p10-p90 A-B)" of t[0..n) (sorted in place). */
static double
stats(double *t, int n, char *buf, size_t sz, const char *unit)
{
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	snprintf(buf, sz, "n=%d, p10-p90 %.2f-%.2f %s", n, t[(n - 1) / 10],
	    t[(9 * (n - 1) + 9) / 10], unit);
	return t[n / 2];
}

static int
tmux(const char *srv, const char *fmt, const char *arg)
{
	char cmd[9000], a[8000];

	snprintf(a, sizeof a, fmt, arg);
	snprintf(cmd, sizeof cmd, "tmux -L %s %s", srv, a);
	return system(cmd);
}

static char *
capture(const char *srv, const char *sess)
{
	char args[128];

	snprintf(args, sizeof args, "capture-pane -p -t %s", sess);
	return bench_tmux_out(srv, args);
}

/* ns the process has run (schedstat), or -1. */
static double
cpu_ns(long pid)
{
	char path[64];
	double ns = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/schedstat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%lf", &ns) != 1)
		ns = -1;
	fclose(f);
	return ns;
}

/* Start slotscope over mon in session sess of tmux server srv; its pid. */
static long
start_tui(const char *srv, const char *sess, const char *dir,
    const char *mon, const char *interval)
{
	const char *bin = getenv("SLOTSCOPE_BIN");
	char cmd[8000], *pid;
	long p;

	snprintf(cmd, sizeof cmd, "new-session -d -s %s -x 160 -y 50 "
	    "\"exec env SLOTSCOPE_TUI_FRAMES='%s/frames' '%s' --monitor-dir "
	    "'%s' --runtime-dir '%s/rt' --interval %s\"", sess, dir, bin, mon,
	    dir, interval);
	if (tmux(srv, "%s", cmd) != 0)
		return -1;
	snprintf(cmd, sizeof cmd, "display -p -t %s '#{pane_pid}'", sess);
	if ((pid = bench_tmux_out(srv, cmd)) == NULL)
		return -1;
	p = atol(pid);
	free(pid);
	return p;
}

/* Wait until the screen says all n instances were read and is still. */
static char *
wait_read(const char *srv, const char *sess, int n, int secs)
{
	char want[64], *now = NULL, *before = NULL;
	int i;

	snprintf(want, sizeof want, "%d instances  0 unreachable  0 busy", n);
	for (i = 0; i < secs * 10; i++) {
		usleep(100000);
		now = capture(srv, sess);
		if (now && before && strcmp(now, before) == 0 &&
		    strstr(now, want) && !strstr(now, "connecting") &&
		    !strstr(now, " new "))
			break;
		free(before);
		before = now;
		now = NULL;
	}
	free(before);
	return now;
}

/* The TUI's SLOTSCOPE_TUI_FRAMES file: frames drawn, and the CPU ns
 * they took. */
static long
frames2(const char *dir, double *draw_ns, long *keys, double *key_ns)
{
	char path[4200], buf[128] = "";
	long n = -1;
	FILE *f;

	*draw_ns = *key_ns = 0;
	*keys = 0;
	snprintf(path, sizeof path, "%s/frames", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) == NULL || sscanf(buf, "%ld %lf %ld %lf",
	    &n, draw_ns, keys, key_ns) != 4)
		n = -1;
	fclose(f);
	return n;
}

static long
frames(const char *dir, double *draw_ns)
{
	double kn;
	long k;

	return frames2(dir, draw_ns, &k, &kn);
}

/* The comparator of 1.: refresh all of dir's n instances every second,
 * as the TUI's loop, drawing nothing.  Never returns. */
static void
engine(const char *mon, const char *rt, int n)
{
	struct pollfd pfd[64];
	char ep[4400], name[32];
	double next = 0;
	struct fleet f;
	struct err e;
	int i;

	fleet_init(&f, rt);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "vm%d", i + 1);
		snprintf(ep, sizeof ep, "unix:%s/vm%d.qmp", mon, i + 1);
		if (fleet_add(&f, name, ep, &e) < 0)
			_exit(1);
	}
	for (;;) {
		double now = clock_wall_s();
		int timeout = (int)((next - now) * 1000) + 1;
		size_t nf;

		if (now >= next) {
			fleet_refresh_start(&f, (size_t)-1, now);
			next = now + 1;
			timeout = 1000;
		}
		nf = fleet_pollfds(&f, pfd, 64, &timeout);
		poll(pfd, nf, timeout < 0 ? 1000 : timeout);
		fleet_step(&f, pfd, nf, clock_wall_s());
	}
}

#define IDLE_N 1000
#define WINDOWS 6

static void
bench_idle(void)
{
	char *dir = bench_tmpdir(), a[4300], b[4300], srv[64], detail[300];
	const char *dirs[2] = { a, b };
	const int counts[2] = { IDLE_N, IDLE_N };
	double d[WINDOWS], tui[WINDOWS], eng[WINDOWS], fr[WINDOWS],
	    dr[WINDOWS], med, dn0, dn1;
	long tpid, f0;
	pid_t sim, epid;
	struct err e;
	char *scr;
	int w;

	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	mkdir(a, 0700);
	mkdir(b, 0700);
	if (tu_simfleet_start_dirs(dirs, counts, 2, SIM_SOCK_QMP, &sim,
	    &e) < 0)
		bench_fail("tui idle", e.msg);
	setenv("TMUX_TMPDIR", dir, 1);
	snprintf(srv, sizeof srv, "%s", bench_tmux_server());
	if ((tpid = start_tui(srv, "idle", dir, a, "1")) <= 0)
		bench_fail("tui idle", "tmux did not start");
	if ((scr = wait_read(srv, "idle", IDLE_N, 60)) == NULL)
		bench_fail("tui idle", "the TUI did not read all instances");
	free(scr);
	if ((epid = bench_fork()) == 0) {
		char rt[4400];

		/* the same runtime dir (no files in it): the same reads */
		snprintf(rt, sizeof rt, "%s/rt", dir);
		engine(b, rt, IDLE_N);
	}
	sleep(2);		/* the engine's first refresh (all new) */
	for (w = 0; w < WINDOWS; w++) {
		double t0 = cpu_ns(tpid), e0 = cpu_ns(epid), s0 = bench_now();
		double t1, e1, s;

		f0 = frames(dir, &dn0);
		sleep(5);
		t1 = cpu_ns(tpid);
		e1 = cpu_ns(epid);
		s = (bench_now() - s0) / 1e9;
		if (t0 < 0 || t1 < 0 || e0 < 0 || e1 < 0)
			bench_fail("tui idle", "a process went away");
		tui[w] = (t1 - t0) / 1e6 / s;
		eng[w] = (e1 - e0) / 1e6 / s;
		d[w] = tui[w] - eng[w];
		fr[w] = (double)(frames(dir, &dn1) - f0) / s;
		dr[w] = (dn1 - dn0) / 1e6 / s;
	}
	med = stats(dr, WINDOWS, detail, sizeof detail, "ms/s");
	if (f0 >= 0) {
		char x[200];
		double mf = stats(fr, WINDOWS, x, sizeof x, "");

		snprintf(detail + strlen(detail), sizeof detail -
		    strlen(detail), "; %.1f frames/s; the TUI's own count of "
		    "the CPU its frames took; %d instances, interval 1 s, "
		    "nothing changing; goal <= 10", mf, IDLE_N);
		bench_report("tui idle: drawing CPU", med, "ms/s", detail);
	} else
		printf("bench tui idle: drawing CPU: not counted (a slotscope "
		    "without SLOTSCOPE_TUI_FRAMES)\n");
	med = stats(d, WINDOWS, detail, sizeof detail, "ms/s");
	{
		char x[200];
		double mt = stats(tui, WINDOWS, x, sizeof x, ""),
		    me = stats(eng, WINDOWS, x, sizeof x, "");

		snprintf(detail + strlen(detail), sizeof detail -
		    strlen(detail), "; TUI %.1f vs engine alone %.1f ms of CPU "
		    "per s (medians), the same windows; %d instances each, "
		    "interval 1 s", mt, me, IDLE_N);
	}
	bench_report("tui idle CPU over the engine alone", med, "ms/s",
	    detail);
	tmux(srv, "%s", "kill-server");
	kill(epid, SIGKILL);
	waitpid(epid, NULL, 0);
	tu_simfleet_stop(&sim);
}

#define KEY_N 10000
#define PAIRS 30

/* send-keys k to sess, then capture until the screen is not *before;
 * ns it took (*before becomes the new screen), or -1. */
static double
key_frame(const char *srv, const char *sess, const char *k, char **before)
{
	char args[256];
	double t0 = bench_now();
	int i;

	snprintf(args, sizeof args, "send-keys -t %s %s", sess, k);
	if (tmux(srv, "%s", args) != 0)
		return -1;
	for (i = 0; i < 5000; i++) {
		char *now = capture(srv, sess);

		if (now && strcmp(now, *before) != 0) {
			free(*before);
			*before = now;
			return bench_now() - t0;
		}
		free(now);
	}
	return -1;
}

static void
bench_keys(void)
{
	char *dir = bench_tmpdir(), c[4300], srv[64], detail[300];
	const char *dirs[1] = { c };
	const int counts[1] = { KEY_N };
	double tk[PAIRS], te[PAIRS], d[PAIRS], in[PAIRS], med, x0, kn0, kn1;
	long k0, k1;
	char *st, *se;
	struct err e;
	pid_t sim;
	int k;

	snprintf(c, sizeof c, "%s/c", dir);
	mkdir(c, 0700);
	if (tu_simfleet_start_dirs(dirs, counts, 1, SIM_SOCK_QMP, &sim,
	    &e) < 0)
		bench_fail("tui keys", e.msg);
	setenv("TMUX_TMPDIR", dir, 1);
	snprintf(srv, sizeof srv, "%s", bench_tmux_server());
	if (start_tui(srv, "keys", dir, c, "3600") <= 0 ||
	    tmux(srv, "%s", "new-session -d -s echo -x 160 -y 50 cat") != 0)
		bench_fail("tui keys", "tmux did not start");
	if ((st = wait_read(srv, "keys", KEY_N, 120)) == NULL)
		bench_fail("tui keys", "the TUI did not read all instances");
	if (key_frame(srv, "keys", "Tab", &st) < 0 ||
	    (se = capture(srv, "echo")) == NULL)
		bench_fail("tui keys", "Tab did not focus the grid");
	for (k = 0; k < PAIRS; k++) {
		const char *key = k % 2 ? "Up" : "Down";

		frames2(dir, &x0, &k0, &kn0);
		if (k % 2) {
			te[k] = key_frame(srv, "echo", "x", &se);
			tk[k] = key_frame(srv, "keys", key, &st);
		} else {
			tk[k] = key_frame(srv, "keys", key, &st);
			te[k] = key_frame(srv, "echo", "x", &se);
		}
		if (tk[k] < 0 || te[k] < 0)
			bench_fail("tui keys", "a key did not change the screen");
		if (frames2(dir, &x0, &k1, &kn1) >= 0 && k1 != k0 + 1)
			bench_fail("tui keys", "the TUI did not count the key");
		in[k] = (kn1 - kn0) / 1e6;
		d[k] = (tk[k] - te[k]) / 1e6;
	}
	free(st);
	free(se);
	med = stats(in, PAIRS, detail, sizeof detail, "ms");
	snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
	    "; the TUI's own count: key read to its frame written; %d "
	    "instances; goal <= 1 beyond the echo", KEY_N);
	if (frames(dir, &x0) >= 0)
		bench_report("tui keystroke-to-frame, in the TUI", med, "ms",
		    detail);
	med = stats(d, PAIRS, detail, sizeof detail, "ms");
	{
		char x[200];
		double a, b;

		for (k = 0; k < PAIRS; k++)
			tk[k] /= 1e6, te[k] /= 1e6;
		a = stats(tk, PAIRS, x, sizeof x, "");
		b = stats(te, PAIRS, x, sizeof x, "");
		snprintf(detail + strlen(detail), sizeof detail -
		    strlen(detail), "; key to frame %.2f vs `cat`'s echo %.2f "
		    "ms (medians, tmux send-keys + capture-pane); %d instances",
		    a, b, KEY_N);
	}
	bench_report("tui keystroke-to-frame over echo", med, "ms", detail);
	tmux(srv, "%s", "kill-server");
	tu_simfleet_stop(&sim);
}

int
main(void)
{
	if (getenv("SLOTSCOPE_BIN") == NULL || system("command -v tmux "
	    ">/dev/null 2>&1") != 0) {
		printf("bench tui: skipped (no tmux or SLOTSCOPE_BIN)\n");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	bench_idle();
	bench_keys();
	return 0;
}
