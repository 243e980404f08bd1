/* bench_fleet.c - wall time of a whole fleet refresh (connect, query
 * version + pci, disconnect, reconcile) against one real paused QEMU that
 * offers 8 HMP and 8 QMP monitors: 16 instances refreshed at once from one
 * poll loop.  Prints figures; skips (exit 0) without qemu. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench.h"
#include "fleet/fleet.h"

#define NSOCK 8
#define ROUNDS 50

static double
wall(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

int
main(void)
{
	char dir[] = "/tmp/slotscope-bench-fleet.XXXXXX";
	char cmd[8192], ep[256], name[16];
	struct fleet f;
	struct err e;
	size_t len;
	FILE *pf;
	long pid = 0;
	double t0, t1;
	int i, ok = 0, r;

	if (system("command -v qemu-system-x86_64 >/dev/null 2>&1") != 0) {
		printf("bench fleet: skipped (qemu-system-x86_64 not found)\n");
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	len = (size_t)snprintf(cmd, sizeof cmd, "qemu-system-x86_64 -machine "
	    "pc,accel=tcg -S -display none -m 128 -pidfile %s/qemu.pid "
	    "-daemonize", dir);
	for (i = 0; i < NSOCK; i++)
		len += (size_t)snprintf(cmd + len, sizeof cmd - len,
		    " -monitor unix:%s/h%d.sock,server,nowait"
		    " -qmp unix:%s/q%d.sock,server,nowait", dir, i, dir, i);
	if (system(cmd) != 0) {
		fprintf(stderr, "qemu did not start\n");
		return 1;
	}
	fleet_init(&f, dir);
	for (i = 0; i < 2 * NSOCK; i++) {
		snprintf(name, sizeof name, "%c%d", i % 2 ? 'q' : 'h', i / 2);
		snprintf(ep, sizeof ep, "unix:%s/%s.sock", dir, name);
		if (fleet_add(&f, name, ep, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
	}
	t0 = bench_now();
	for (r = 0; r < ROUNDS; r++) {
		fleet_refresh_start(&f, (size_t)-1, wall());
		fleet_refresh_wait(&f, (size_t)-1);
	}
	t1 = bench_now();
	for (i = 0; i < (int)f.n; i++)
		ok += f.inst[i].conn == INST_OK;
	snprintf(cmd, sizeof cmd, "%d of %d instances ok, HMP+QMP mixed", ok,
	    (int)f.n);
	bench_report("fleet refresh, 16 instances at once",
	    (t1 - t0) / ROUNDS / 1e6, "ms", cmd);
	bench_report("fleet refresh, per instance",
	    (t1 - t0) / ROUNDS / 1e3 / (double)f.n, "us", NULL);
	fleet_free(&f);
	snprintf(cmd, sizeof cmd, "%s/qemu.pid", dir);
	pf = fopen(cmd, "r");
	if (pf != NULL) {
		if (fscanf(pf, "%ld", &pid) != 1)
			pid = 0;
		fclose(pf);
	}
	if (pid > 0)
		kill((pid_t)pid, SIGTERM);
	usleep(200000);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) != 0;
}
