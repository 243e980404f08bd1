/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_scale.c - speed at scale (issue 7): figures only, no asserts.
 *
 *  1. one-instance refresh (connect, version, pci, close) through core/mon
 *     vs the way Ganeti does it over HMP: one `socat STDIO UNIX-CONNECT:`
 *     process per command, the command piped into it (`echo CMD | socat`)
 *     -- on the same real paused QEMU;
 *  2. 1000 simulated instances (one --simulate-style server in a child
 *     process, half HMP, half QMP) refreshed through the fleet engine
 *     (core/fleet: connect, query, reconcile with the runtime files), wall
 *     time of one refresh of all, and this process's RSS;
 *  3. the TUI's keystroke-to-frame time with those 1000 instances, driven
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
#include "fleet/fleet.h"
#include "qemu/mon.h"
#include "sim/sim.h"
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

static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static int
have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* ---- 1. mon vs socat per command -------------------------------------- */

/* `echo CMD | socat STDIO UNIX-CONNECT:path`, output read to the end. */
static int
socat_cmd(const char *path, const char *cmd)
{
	int in[2], out[2], st;
	char buf[65536], addr[4200];
	pid_t pid;
	ssize_t r;

	if (pipe(in) < 0 || pipe(out) < 0)
		return -1;
	snprintf(addr, sizeof addr, "UNIX-CONNECT:%s", path);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
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
	if (write(in[1], cmd, strlen(cmd)) < 0)
		r = -1;
	close(in[1]);
	while ((r = read(out[0], buf, sizeof buf)) > 0)
		;
	close(out[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

static int
mon_refresh(const char *ep)
{
	struct err e;
	struct mon *m = mon_new(ep, NULL, &e);
	int v, q, ok;

	if (m == NULL)
		return -1;
	v = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	q = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	ok = mon_run(m, &e) == 0 && mon_result(m, v)->ok &&
	    mon_result(m, q)->ok;
	mon_free(m);
	return ok ? 0 : -1;
}

#define MON_TRIPS 200
#define SOCAT_TRIPS 5

static int
bench_socat(void)
{
	char *dir, cmd[1024], path[4200], ep[4300];
	double tm[MON_TRIPS], ts[SOCAT_TRIPS], t0, mm, ms;
	int i, fails = 0;

	if (!have("socat") || !have("qemu-system-x86_64")) {
		printf("bench mon vs socat: skipped (socat or qemu missing)\n");
		return 0;
	}
	dir = bench_tmpdir();
	if (tu_qemu_start(dir, "pc", NULL) < 0)
		bench_fail("mon vs socat", "qemu did not start");
	snprintf(path, sizeof path, "%s/hmp.sock", dir);
	snprintf(ep, sizeof ep, "unix:%s", path);
	for (i = 0; i < MON_TRIPS; i++) {
		t0 = bench_now();
		fails += mon_refresh(ep) < 0;
		tm[i] = bench_now() - t0;
	}
	for (i = 0; i < SOCAT_TRIPS; i++) {
		t0 = bench_now();
		fails += socat_cmd(path, "info version\n") < 0;
		fails += socat_cmd(path, "info pci\n") < 0;
		ts[i] = bench_now() - t0;
	}
	if (fails > 0) {
		snprintf(cmd, sizeof cmd, "%d refreshes failed", fails);
		bench_fail("mon vs socat", cmd);
	}
	mm = median(tm, MON_TRIPS) / 1e3;
	ms = median(ts, SOCAT_TRIPS) / 1e3;
	snprintf(cmd, sizeof cmd, "median of %d, real QEMU, version + pci",
	    MON_TRIPS);
	bench_report("refresh 1 instance, mon (HMP)", mm, "us", cmd);
	bench_report("refresh 1 instance, socat per command", ms, "us",
	    "median of 5, `echo CMD | socat STDIO UNIX-CONNECT:` x2, as "
	    "Ganeti");
	bench_report("socat / mon (goal >= 5)", ms / mm, "x", NULL);
	tu_qemu_stop(dir);
	return 0;
}

/* ---- 2. 1000 instances through the fleet engine ------------------------ */

#define NINST 1000

static pid_t
start_sims(const char *dir, int n)
{
	struct err e;
	struct sim *s;
	int ready[2], i;
	char c, name[32];
	pid_t pid;

	if (pipe(ready) < 0)
		return -1;
	pid = bench_fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(ready[0]);
		sim_raise_nofile(&e);
		if ((s = sim_new(&e)) == NULL)
			_exit(1);
		for (i = 0; i < n; i++) {
			struct sim_inst_opts o;

			memset(&o, 0, sizeof o);
			snprintf(name, sizeof name, "vm%d", i + 1);
			o.dir = dir;
			o.name = name;
			o.machine = SIMDEV_PC;
			if (sim_add(s, &o, &e) == NULL) {
				fprintf(stderr, "sim: %s\n", e.msg);
				_exit(1);
			}
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		sim_run(s, &e);
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(ready[0]);
	return pid;
}

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

	sim_raise_nofile(&e);
	pid = start_sims(dir, NINST);
	if (pid < 0)
		bench_fail("fleet 1000", "the simulator did not start");
	snprintf(rt, sizeof rt, "%s/rt", dir);
	mkdir(rt, 0700);
	for (par = 0; par < 2; par++) {
		rss0 = rss_kib();
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
		rss1 = rss_kib();
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
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* ---- 3. TUI keystroke-to-frame through tmux ---------------------------- */

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
	char cmd[256], *buf = malloc(1 << 16);
	FILE *p;
	size_t n;

	if (buf == NULL)
		return NULL;
	snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -p -t %s", sess,
	    sess);
	p = popen(cmd, "r");
	if (p == NULL) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 16) - 1, p);
	buf[n] = '\0';
	pclose(p);
	return buf;
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

	if (bin == NULL || !have("tmux")) {
		printf("bench tui keystroke-to-frame: skipped (no tmux or "
		    "SLOTSCOPE_BIN)\n");
		return;
	}
	dir = bench_tmpdir();
	sim_raise_nofile(&e);
	pid = start_sims(dir, NINST);
	if (pid < 0)
		bench_fail("tui keystroke-to-frame", "the simulator did not "
		    "start");
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
		for (i = 0; i < 100; i++) {
			usleep(20000);
			now = capture(sess);
			if (now && strcmp(now, before) != 0) {
				free(before);
				before = now;
				break;
			}
			free(now);
		}
	for (k = 0; k < KEYS && before != NULL; k++) {
		/* alternate down and up: each key moves the selection */
		snprintf(cmd, sizeof cmd, "send-keys -t %s %s", sess,
		    k % 2 ? "Up" : "Down");
		t0 = bench_now();
		if (tmux(sess, cmd) != 0)
			break;
		for (i = 0; i < 5000; i++) {
			now = capture(sess);
			if (now && strcmp(now, before) != 0) {
				free(before);
				before = now;
				break;
			}
			free(now);
		}
		if (i == 5000)
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
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

int
main(void)
{
	int rc;

	signal(SIGPIPE, SIG_IGN);
	rc = bench_socat();
	bench_fleet1000();
	bench_tui();
	return rc < 0;
}
