/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_store_state.c - cost of the runtime store (locked commit, load) and
 * of reconciling the 32 slot states. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "model/state.h"
#include "store/store.h"

#define NCOMMIT 200
#define NLOAD 2000
#define NREC 200000

static void
fill(struct store_rt *rt, int ndev)
{
	int i;

	for (i = 0; i < ndev; i++) {
		struct store_dev d;
		struct err e;

		memset(&d, 0, sizeof d);
		snprintf(d.id, sizeof d.id, "nic-%08x-pci-%d", i, 4 + i);
		snprintf(d.type, sizeof d.type, "nic");
		d.slot = 4 + i;
		d.backend.kind = STORE_BK_USER;
		snprintf(d.backend.netdev, sizeof d.backend.netdev,
		    "hostnet-%08x", i);
		store_add_dev(rt, &d, &e);
	}
}

int
main(void)
{
	char *dir = bench_tmpdir();
	struct slot_view v[32];
	struct pci_info pi;
	struct store_rt rt;
	struct err e;
	volatile unsigned sink = 0;
	double t0, t1;
	int i;

	t0 = bench_now();
	for (i = 0; i < NCOMMIT; i++) {
		struct store_txn t;

		if (store_open_locked(dir, "web1", &t, 1000, &e) < 0)
			bench_fail("store lock+load", e.msg);
		if (t.rt.ndev == 0)
			fill(&t.rt, 16);
		t.rt.reserved.bits ^= 1u << 31;
		if (store_commit(&t, &e) < 0)
			bench_fail("store commit", e.msg);
	}
	t1 = bench_now();
	bench_report("store lock+load+commit (16 devices)",
	    (t1 - t0) / NCOMMIT / 1e6, "ms/op", "fsync of file and dir");

	t0 = bench_now();
	for (i = 0; i < NLOAD; i++) {
		if (store_load(dir, "web1", &rt, &e) < 0 || rt.ndev != 16)
			bench_fail("store load", e.msg);
		sink += (unsigned)rt.ndev;
		store_rt_free(&rt);
	}
	t1 = bench_now();
	bench_report("store load (16 devices)", (t1 - t0) / NLOAD / 1e3,
	    "us/op", "what a refresh reads");

	if (store_load(dir, "web1", &rt, &e) < 0)
		bench_fail("store load", e.msg);
	pci_info_init(&pi);
	for (i = 0; i < 32; i++) {
		struct pci_fn f;

		memset(&f, 0, sizeof f);
		f.slot = i;
		if (i >= 4 && i < 20)
			snprintf(f.id, sizeof f.id, "nic-%08x-pci-%d", i - 4,
			    i);
		pci_info_add(&pi, &f, &e);
	}
	t0 = bench_now();
	for (i = 0; i < NREC; i++)
		sink += state_reconcile(&pi, &rt, v) + (unsigned)v[i & 31].state;
	t1 = bench_now();
	bench_report("state reconcile (full bus, 16 known)",
	    (t1 - t0) / NREC, "ns/op", NULL);
	store_rt_free(&rt);
	pci_info_free(&pi);
	(void)sink;
	return 0;
}
