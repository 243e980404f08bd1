/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_sim.c - the simulator at scale: time and memory to start 1000
 * simulated instances in one process (one poll loop), the file
 * descriptors they use, and one refresh of all of them (query-version +
 * query-pci) through the monitor client (core/mon), 1000 sessions driven
 * from one poll loop while the simulator serves from another process.
 * Prints figures only.
 */
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "qemu/mon.h"
#include "sim/sim.h"

#define N 1000

/* File descriptors open in this process now (entries of /proc/self/fd,
 * less the one the listing itself holds). */
static long
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

/* The same through the binary: `slotscope --simulate DIR --instances
 * 1000` until the last socket accepts (files appear only then). */
static void
binary(void)
{
	const char *bin = getenv("SLOTSCOPE_BIN");
	char *dir, last[4200], detail[96];
	double t0, t1;
	pid_t pid;
	int i;

	if (bin == NULL)
		bench_fail("sim --simulate", "SLOTSCOPE_BIN is not set");
	dir = bench_tmpdir();
	snprintf(last, sizeof last, "%s/vm%d.qmp", dir, N);
	t0 = bench_now();
	pid = bench_fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		execl(bin, "slotscope", "--simulate", dir, "--instances", "1000",
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 3000 && access(last, F_OK) != 0; i++)
		usleep(1000);
	t1 = bench_now();
	if (access(last, F_OK) != 0)
		bench_fail("--simulate --instances 1000", "not ready in 3 s");
	snprintf(detail, sizeof detail, "until vm%d.qmp accepts", N);
	bench_report("--simulate --instances 1000 ready", (t1 - t0) / 1e6,
	    "ms", detail);
	bench_report("--simulate --instances 1000 RSS",
	    (double)bench_rss_kib(pid) / 1024.0, "MiB", "the slotscope process");
	t0 = bench_now();
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	t1 = bench_now();
	if (access(last, F_OK) == 0)
		bench_fail("--simulate 1000 instances: SIGTERM",
		    "the sockets were left behind");
	bench_report("--simulate 1000 instances: SIGTERM to exit",
	    (t1 - t0) / 1e6, "ms", "2000 sockets removed");
}

int
main(void)
{
	char *dir, detail[128];
	struct sim *s;
	struct err e;
	long before, after, lim, fds0, fds1;
	double t0, t1;
	int ready[2], i;
	pid_t pid;
	char c;

	signal(SIGPIPE, SIG_IGN);
	lim = sim_raise_nofile(&e);
	if (lim < 2 * N + 64) {
		printf("bench sim: skipped, the open-files limit is %ld, 1000 "
		    "instances need %d\n", lim, 2 * N + 64);
		return 0;
	}
	dir = bench_tmpdir();
	fds0 = open_fds();
	before = bench_rss_kib(getpid());
	t0 = bench_now();
	s = sim_new(&e);
	for (i = 0; s && i < N; i++) {
		struct sim_inst_opts o;
		char name[16];

		memset(&o, 0, sizeof o);
		snprintf(name, sizeof name, "vm%d", i + 1);
		o.dir = dir;
		o.name = name;
		if (sim_add(s, &o, &e) == NULL)
			bench_fail("sim start", e.msg);
	}
	t1 = bench_now();
	after = bench_rss_kib(getpid());
	fds1 = open_fds();
	if (s == NULL)
		bench_fail("sim start", e.msg);
	snprintf(detail, sizeof detail, "%d instances, 2 sockets each", N);
	bench_report("sim start 1000 instances", (t1 - t0) / 1e6, "ms",
	    detail);
	bench_report("sim RSS growth for 1000 instances",
	    (double)(after - before) / 1024.0, "MiB", "VmRSS delta");
	bench_report("sim RSS total with 1000 instances",
	    (double)after / 1024.0, "MiB", NULL);
	if (fds0 < 0 || fds1 < 0)
		bench_fail("sim open fds", "cannot read /proc/self/fd");
	snprintf(detail, sizeof detail, "entries of /proc/self/fd, before "
	    "%ld, after %ld", fds0, fds1);
	bench_report("sim open fds for 1000 idle instances",
	    (double)(fds1 - fds0), "fds", detail);

	/* The server in a child, the 1000 client sessions here. */
	if (pipe(ready) < 0)
		bench_fail("sim", "pipe");
	pid = bench_fork();
	if (pid == 0) {
		close(ready[0]);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		close(ready[1]);
		sim_run(s, &e);
		sim_free(s);
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		bench_fail("sim", "the serving process did not start");
	close(ready[0]);
	sim_forget(s);
	{
		struct mon **m = calloc(N, sizeof *m);
		struct pollfd *pfd = calloc(N, sizeof *pfd);
		int *idx = calloc(N, sizeof *idx);
		int running = N, ok = 0, proto;
		long srss;

		for (proto = 0; proto < 2; proto++) {
			const char *ext = proto ? "qmp" : "monitor";

			t0 = bench_now();
			running = N;
			ok = 0;
			for (i = 0; i < N; i++) {
				char ep[256];

				snprintf(ep, sizeof ep, "unix:%s/vm%d.%s", dir,
				    i + 1, ext);
				m[i] = mon_new(ep, NULL, &e);
				if (m[i] == NULL || mon_add(m[i],
				    &(struct mon_req){ .op =
				    MON_OP_QUERY_VERSION }, &e) < 0 ||
				    mon_add(m[i], &(struct mon_req){ .op =
				    MON_OP_QUERY_PCI }, &e) < 0)
					bench_fail("sim refresh", e.msg);
				if (mon_start(m[i]) != MON_RUNNING) {
					running--;
					continue;
				}
			}
			while (running > 0) {
				int n = 0, to = -1, k;

				for (i = 0; i < N; i++) {
					int t;

					if (mon_status(m[i]) != MON_RUNNING)
						continue;
					t = mon_timeout_ms(m[i]);
					if (t >= 0 && (to < 0 || t < to))
						to = t;
					if (mon_fd(m[i]) < 0)
						continue;
					pfd[n].fd = mon_fd(m[i]);
					pfd[n].events = mon_poll_events(m[i]);
					pfd[n].revents = 0;
					idx[n++] = i;
				}
				poll(pfd, (nfds_t)n, to);
				for (k = 0; k < n; k++)
					mon_step(m[idx[k]], pfd[k].revents);
				running = 0;
				for (i = 0; i < N; i++)
					if (mon_status(m[i]) == MON_RUNNING &&
					    mon_step(m[i], 0) == MON_RUNNING)
						running++;
			}
			t1 = bench_now();
			for (i = 0; i < N; i++) {
				const struct mon_result *r = mon_result(m[i], 1);

				if (mon_status(m[i]) == MON_DONE && r && r->ok &&
				    r->pci.n == 6)
					ok++;
				mon_free(m[i]);
			}
			if (ok != N) {
				snprintf(detail, sizeof detail, "%d of %d "
				    "instances answered", ok, N);
				bench_fail("sim refresh", detail);
			}
			snprintf(detail, sizeof detail, "all %d instances "
			    "answered, version + PCI, all at once", N);
			bench_report(proto ? "refresh 1000 sims over QMP (mon)" :
			    "refresh 1000 sims over HMP (mon)", (t1 - t0) / 1e6,
			    "ms", detail);
		}
		srss = bench_rss_kib(pid);
		bench_report("sim server RSS after the refreshes",
		    (double)srss / 1024.0, "MiB", "the serving process");
		free(m);
		free(pfd);
		free(idx);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	binary();
	return 0;
}
