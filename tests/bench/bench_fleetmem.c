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
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "fleet/fleet.h"
#include "simfleet.h"

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
	tu_simfleet_stop(&sim);
	return 0;
}
