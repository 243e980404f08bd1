/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_fleet.c - wall time of a whole fleet refresh (connect, query
 * version + pci, disconnect, reconcile) against one real paused QEMU that
 * offers 8 HMP and 8 QMP monitors: 16 instances refreshed at once from one
 * poll loop.  Prints figures; skips (exit 0) without qemu. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench.h"
#include "fleet/fleet.h"
#include "testutil.h"

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
	char *dir, extra[8192], ep[256], name[16], detail[128];
	struct fleet f;
	struct err e;
	size_t len = 0;
	double t0, t1;
	int i, ok = 0, r;

	if (!tu_have_program("qemu-system-x86_64")) {
		printf("bench fleet: skipped (qemu-system-x86_64 not found)\n");
		return 0;
	}
	dir = bench_tmpdir();
	for (i = 0; i < NSOCK; i++)
		len += (size_t)snprintf(extra + len, sizeof extra - len,
		    " -monitor unix:%s/h%d.sock,server,nowait"
		    " -qmp unix:%s/q%d.sock,server,nowait", dir, i, dir, i);
	if (tu_qemu_start(dir, "pc", extra) < 0)
		bench_fail("fleet", "qemu did not start");
	for (i = 0; i < 2 * NSOCK; i++) {
		snprintf(name, sizeof name, "%c%d.sock", i % 2 ? 'q' : 'h',
		    i / 2);
		for (r = 0; r < 500 && !tu_listening(dir, name); r++)
			usleep(10000);
	}
	fleet_init(&f, dir);
	for (i = 0; i < 2 * NSOCK; i++) {
		snprintf(name, sizeof name, "%c%d", i % 2 ? 'q' : 'h', i / 2);
		snprintf(ep, sizeof ep, "unix:%s/%s.sock", dir, name);
		if (fleet_add(&f, name, ep, &e) < 0)
			bench_fail("fleet", e.msg);
	}
	t0 = bench_now();
	for (r = 0; r < ROUNDS; r++) {
		fleet_refresh_start(&f, (size_t)-1, wall());
		fleet_refresh_wait(&f, (size_t)-1);
		for (i = 0; i < (int)f.n; i++)
			if (f.inst[i].conn != INST_OK)
				bench_fail("fleet refresh", f.inst[i].error);
		ok++;
	}
	t1 = bench_now();
	snprintf(detail, sizeof detail, "%d rounds, all %d instances ok each "
	    "time, HMP+QMP mixed", ok, (int)f.n);
	bench_report("fleet refresh, 16 instances at once",
	    (t1 - t0) / ROUNDS / 1e6, "ms", detail);
	bench_report("fleet refresh, per instance",
	    (t1 - t0) / ROUNDS / 1e3 / (double)f.n, "us", NULL);
	fleet_free(&f);
	return 0;	/* bench_cleanup stops QEMU, removes dir */
}
