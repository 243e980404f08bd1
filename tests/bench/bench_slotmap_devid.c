/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_slotmap_devid.c - ns per operation of the allocator and ids. */
#include <string.h>

#include "bench.h"
#include "model/devid.h"
#include "model/slotmap.h"

#define N 2000000

int
main(void)
{
	static const char uuid[] = "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
	volatile int sink = 0;
	struct slotmap m;
	struct devid d;
	struct err e;
	char id[DEVID_MAX + 1];
	double t0, t1;
	long i;

	t0 = bench_now();
	for (i = 0; i < N; i++) {
		int s;

		if ((i & 31) == 0)
			slotmap_init_default(&m);
		s = slotmap_first_free(&m, 0, &e);
		if (s >= 0)
			slotmap_reserve(&m, s, &e);
		sink += s;
	}
	t1 = bench_now();
	bench_report("slotmap first-free + reserve", (t1 - t0) / N,
	    "ns/op", "map refilled every 32 ops, incl. full-map errors");

	t0 = bench_now();
	for (i = 0; i < N; i++) {
		if (devid_format("nic", uuid, (int)(i & 31), id, sizeof id,
		    &e) < 0 || devid_parse(id, strlen(id), &d, &e) < 0 ||
		    d.slot != (int)(i & 31))
			bench_fail("devid format + parse", e.msg);
		sink += d.slot;
	}
	t1 = bench_now();
	bench_report("devid format + parse", (t1 - t0) / N, "ns/op", NULL);
	(void)sink;
	return 0;
}
