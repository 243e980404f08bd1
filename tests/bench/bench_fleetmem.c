/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_fleetmem.c - issue 18's memory goal: the client memory per
 * instance of a fleet of 1000, 5000 and 10,000 simulated instances
 * (goal: at most 8 KB at 10,000).  Figures only.
 *
 * The simulator (core/sim, `pc` machines, QMP sockets only: 10,000 with
 * both would need 20,000 descriptors) runs in one child process.  Each
 * size is measured in a fresh client child, so no size inherits another's
 * heap: VmRSS and the heap in use (mallinfo2) before the fleet is made,
 * then after fleet_add of all and two refreshes of all (so each instance
 * holds its live bus, its slots now and at the last read); the figure is
 * the VmRSS growth divided by the instances (the heap figure beside it
 * counts what malloc handed out, touched or not: the instance array's
 * unused tail too).  The raw comparator is the same
 * fleet's instances as the bare minimum a client must keep: name and
 * endpoint strings (what a raw client holding nothing else would take),
 * measured the same way in the same run.
 *
 * Beside it, the whole program: `slotscope --monitor-dir D -c list`
 * (text, then --json) exec'd on 1, 1000, 5000 and 10,000 of the same
 * instances (D holds hard links to that many of the simulator's
 * sockets), its peak RSS from wait4's ru_maxrss; the figure is (peak at
 * N - peak at 1) / (N - 1), the output checked to have N rows, all ok.
 * And `-c 'list --devices'` (text, --json) with one NIC recorded in each
 * instance's runtime file (the simulator has none: each is missing),
 * measured the same way.
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "fleet/fleet.h"
#include "simfleet.h"
#include "store/store.h"

#define NMAX 10000

/* Bytes malloc has handed out: the heap's and the blocks it mmaps (a
 * large array, such as the fleet's instances, is one of those). */
static size_t
heap_bytes(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

/* In a child: build the fleet of n (ours) or the names alone (raw) and
 * write "rss_kib heap_bytes" growth to fd.  _exit, never exit: the
 * parent's cleanup is the parent's. */
static void
measure(const char *dir, int n, int ours, int fd)
{
	long r0 = bench_rss_kib(0), r1;
	size_t h0 = heap_bytes(), h1;
	char ep[4200], name[32], out[64];
	char **raw = ours ? NULL : calloc((size_t)n, sizeof *raw);
	struct fleet f;
	struct err e;
	int i, k;

	fleet_init(&f, NULL);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "vm%d", i + 1);
		snprintf(ep, sizeof ep, "unix:%s/vm%d.qmp", dir, i + 1);
		if (!ours) {
			if (raw == NULL || asprintf(&raw[i], "%s %s", name,
			    ep) < 0)
				_exit(2);
			continue;
		}
		if (fleet_add(&f, name, ep, &e) < 0) {
			fprintf(stderr, "bench fleet memory: %s\n", e.msg);
			_exit(2);
		}
	}
	for (k = 0; ours && k < 2; k++) {
		fleet_refresh_start(&f, (size_t)-1, 1.0 + k);
		fleet_refresh_wait(&f, (size_t)-1);
		for (i = 0; i < n; i++)
			if (f.inst[i].conn != INST_OK) {
				fprintf(stderr, "bench fleet memory: %s: %s\n",
				    f.inst[i].name, f.inst[i].error);
				_exit(2);
			}
	}
	r1 = bench_rss_kib(0);
	h1 = heap_bytes();
	snprintf(out, sizeof out, "%ld %zu\n", r1 - r0, h1 - h0);
	if (write(fd, out, strlen(out)) < 0)
		_exit(2);
	_exit(0);
}

static int
run_child(const char *dir, int n, int ours, long *rss, size_t *heap)
{
	int p[2], st;
	char buf[64];
	ssize_t got;
	pid_t pid;

	if (pipe(p) < 0 || (pid = bench_fork()) < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		measure(dir, n, ours, p[1]);
	}
	close(p[1]);
	got = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	waitpid(pid, &st, 0);
	if (got <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	buf[got] = '\0';
	return sscanf(buf, "%ld %zu", rss, heap) == 2 ? 0 : -1;
}

/* ---- the whole program: -c list ---------------------------------------- */

/* dir/cN holding hard links to the simulator's vm1..vmN sockets (a
 * socket is reached by any of its names), for --monitor-dir. */
static void
link_dir(const char *dir, int n, char *out, size_t outsz)
{
	char from[4200], to[4300];
	int i;

	snprintf(out, outsz, "%s/c%d", dir, n);
	if (mkdir(out, 0700) < 0)
		bench_fail("cli memory", "cannot make a dir of links");
	for (i = 1; i <= n; i++) {
		snprintf(from, sizeof from, "%s/vm%d.qmp", dir, i);
		snprintf(to, sizeof to, "%s/vm%d.qmp", out, i);
		if (link(from, to) < 0)
			bench_fail("cli memory", "cannot link a socket");
	}
}

/* How many times needle is in the file at path (-1: unreadable). */
static long
count_in(const char *path, const char *needle)
{
	size_t nl = strlen(needle), have = 0, got;
	char buf[65536 + 64], *p;
	long n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while ((got = fread(buf + have, 1, sizeof buf - 1 - have, f)) > 0) {
		have += got;
		buf[have] = '\0';
		for (p = buf; (p = strstr(p, needle)) != NULL; p += nl)
			n++;
		/* keep a tail that may start a needle cut by the read */
		if (have >= nl) {
			memmove(buf, buf + have - (nl - 1), nl - 1);
			have = nl - 1;
		}
	}
	fclose(f);
	return n;
}

/* A runtime dir rtdN where each of vm1..vmN has one NIC recorded (in
 * slot 4, plugged; the simulator has none there: missing), for
 * list --devices. */
static void
nic_dir(const char *dir, int n, char *out, size_t outsz)
{
	struct store_dev d;
	char name[32], path[4300];
	struct err e;
	int i;

	snprintf(out, outsz, "%s/rtd%d", dir, n);
	if (mkdir(out, 0700) < 0)
		bench_fail("cli memory", "cannot make a runtime dir");
	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "nic-8d61a76f-pci-4");
	snprintf(d.type, sizeof d.type, "nic");
	snprintf(d.uuid, sizeof d.uuid, "8d61a76f-2eb1-4f65-8d82-0112458ca116");
	d.slot = 4;
	d.state = STORE_DEV_PLUGGED;
	snprintf(d.driver, sizeof d.driver, "virtio-net-pci");
	snprintf(d.mac, sizeof d.mac, "52:54:00:49:6d:96");
	d.backend.kind = STORE_BK_USER;
	snprintf(d.backend.netdev, sizeof d.backend.netdev,
	    "hostnet-8d61a76f-pci-4");
	for (i = 1; i <= n; i++) {
		struct store_rt rt;
		char *text;
		FILE *f;

		snprintf(name, sizeof name, "vm%d", i);
		snprintf(path, sizeof path, "%s/%s.json", out, name);
		store_rt_init(&rt, name);
		if (store_add_dev(&rt, &d, &e) < 0 ||
		    (text = store_format(&rt, &e)) == NULL)
			bench_fail("cli memory", e.msg);
		if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 ||
		    fclose(f) != 0)
			bench_fail("cli memory", "cannot write a runtime file");
		free(text);
		store_rt_free(&rt);
	}
}

/* What is measured: list or list --devices (dev), text or --json. */
struct cli_mode {
	int dev, json;
};

/* Run slotscope -c list (or list --devices, with rtdN's NICs) on the n
 * instances of mon, its stdout to a file; its peak RSS in KiB
 * (ru_maxrss), after checking that it printed n rows, each ok (or each
 * instance's NIC). */
static long
cli_peak(const char *dir, const char *mon, int n, struct cli_mode m)
{
	char rt[4200], out[4200];
	const char *want;
	struct rusage ru;
	long got;
	pid_t pid;
	int st, fd;

	snprintf(rt, sizeof rt, "%s/rt%s%d%s", dir, m.dev ? "d" : "", n,
	    m.json && !m.dev ? "j" : "");
	snprintf(out, sizeof out, "%s/out%d", dir, n);
	if ((pid = bench_fork()) < 0)
		bench_fail("cli memory", "fork");
	if (pid == 0) {
		const char *argv[] = { tu_bin(), "--monitor-dir", mon,
			"--runtime-dir", rt, "--state-dir", rt, "-c",
			m.dev ? "list --devices" : "list",
			m.json ? "--json" : NULL, NULL };

		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		bench_fail("cli memory", "slotscope -c list failed");
	/* list: a heading and a row each, or a "conn" each, all ok;
	 * --devices: each instance's NIC once */
	if (m.dev)
		want = m.json ? "\"id\":\"nic-8d61a76f-pci-4\"" :
		    "  nic-8d61a76f-pci-4  ";
	else
		want = m.json ? "\"conn\":\"ok\"" : " ok ";
	got = count_in(out, want);
	if (got != n || (!m.dev && !m.json && count_in(out, "\n") != n + 1))
		bench_fail("cli memory", "-c list did not show every "
		    "instance ok, or list --devices every NIC");
	unlink(out);
	return ru.ru_maxrss;
}

static void
cli_memory(const char *dir, const int *sizes, size_t nsizes)
{
	char mon[4200], rtd[4200], what[64], detail[300];
	long base[4], peak[4];
	size_t k;
	int j;

	link_dir(dir, 1, mon, sizeof mon);
	nic_dir(dir, 1, rtd, sizeof rtd);
	for (j = 0; j < 4; j++)
		base[j] = cli_peak(dir, mon, 1,
		    (struct cli_mode){ j / 2, j % 2 });
	for (k = 0; k < nsizes; k++) {
		int n = sizes[k];
		double per[4];

		link_dir(dir, n, mon, sizeof mon);
		nic_dir(dir, n, rtd, sizeof rtd);
		for (j = 0; j < 4; j++) {
			peak[j] = cli_peak(dir, mon, n,
			    (struct cli_mode){ j / 2, j % 2 });
			per[j] = (double)(peak[j] - base[j]) / (n - 1);
		}
		snprintf(detail, sizeof detail, "peak RSS of slotscope -c list "
		    "%.1f MiB, %.1f MiB at 1 instance; --json %.2f KB per "
		    "instance (%.1f MiB); goal <= 8 at 10000",
		    (double)peak[0] / 1024, (double)base[0] / 1024, per[1],
		    (double)peak[1] / 1024);
		snprintf(what, sizeof what, "cli list memory %d qmp, per "
		    "instance", n);
		bench_report(what, per[0], "KB", detail);
		snprintf(detail, sizeof detail, "a NIC recorded for each: "
		    "peak RSS of -c 'list --devices' %.1f MiB, %.1f MiB at 1 "
		    "instance; --json %.2f KB per instance (%.1f MiB); goal "
		    "<= 8 at 10000", (double)peak[2] / 1024,
		    (double)base[2] / 1024, per[3], (double)peak[3] / 1024);
		snprintf(what, sizeof what, "cli --devices memory %d, per "
		    "instance", n);
		bench_report(what, per[2], "KB", detail);
	}
}

int
main(void)
{
	static const int sizes[] = { 1000, 5000, NMAX };
	char *dir = bench_tmpdir(), what[64], detail[200];
	size_t k;
	struct err e;
	pid_t sim;

	if (tu_simfleet_start(dir, NMAX, SIM_SOCK_QMP, &sim, &e) < 0)
		bench_fail("fleet memory", e.msg);
	for (k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		int n = sizes[k];
		long rss, rrss;
		size_t heap, rheap;

		if (run_child(dir, n, 1, &rss, &heap) < 0 ||
		    run_child(dir, n, 0, &rrss, &rheap) < 0)
			bench_fail("fleet memory", "a refresh of all failed");
		snprintf(detail, sizeof detail, "VmRSS growth %.1f MiB, heap "
		    "%.1f KB per instance; names + endpoints alone: %.2f KB "
		    "per instance; goal <= 8 at 10000", (double)rss / 1024,
		    (double)heap / 1024 / n, (double)rrss / n);
		snprintf(what, sizeof what, "fleet memory %d qmp, per instance",
		    n);
		bench_report(what, (double)rss / n, "KB", detail);
	}
	cli_memory(dir, sizes, sizeof sizes / sizeof *sizes);
	tu_simfleet_stop(&sim);
	return 0;
}
