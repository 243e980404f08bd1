/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_cmd.c - the command language and the hotplug flow: cmd_exec of
 * `show` (text and JSON, runtime file read each time) and `next`, a
 * completion, and the wall time of one whole `hotplug` (lock, connect,
 * query, netdev_add, device_add, confirm, commit) against a real paused
 * QEMU over HMP and QMP.  Prints figures; the QEMU part skips without
 * qemu. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cmd/cmd.h"
#include "fleet/hotplug.h"
#include "testutil.h"

#define N 2000

static void
per_op(struct cmd_ctx *c, const char *name, const char *line)
{
	struct cmd_result r;
	double t0, t1;
	int i;

	t0 = bench_now();
	for (i = 0; i < N; i++) {
		cmd_exec(c, line, strlen(line), &r);
		if (!r.ok)
			bench_fail(line, r.text);
		cmd_result_free(&r);
	}
	t1 = bench_now();
	bench_report(name, (t1 - t0) / N / 1e3, "us", line);
}

static void
hotplug_wall(const char *dir, const char *sock)
{
	struct hotplug_target t;
	struct hotplug_req r;
	struct store_dev d;
	struct err e;
	char ep[4200], rt[4200], name[64];
	double t0, t1;
	int i, n = 0;

	snprintf(ep, sizeof ep, "unix:%s/%s", dir, sock);
	snprintf(rt, sizeof rt, "%s/rt-%s", dir, sock);
	memset(&t, 0, sizeof t);
	t.inst = "vm";
	t.endpoint = ep;
	t.runtime_dir = rt;
	t0 = bench_now();
	for (i = 0; i < 12; i++) {
		hotplug_req_init(&r, HOTPLUG_NIC);
		if (hotplug_add(&t, &r, &d, &e) < 0)
			bench_fail("hotplug", e.msg);
		n++;
	}
	t1 = bench_now();
	snprintf(name, sizeof name, "hotplug nic, whole flow (%.3s)", sock);
	bench_report(name, (t1 - t0) / n / 1e6, "ms", "lock, connect, query, "
	    "netdev_add, device_add, confirm, commit");
}

int
main(void)
{
	char *dir, path[4200];
	struct fleet f;
	struct cmd_ctx c;
	struct pci_fn fn;
	struct err e;
	char **v;
	double t0, t1;
	int i;

	dir = bench_tmpdir();
	snprintf(path, sizeof path, "%s/rt", dir);
	fleet_init(&f, path);
	if (fleet_add(&f, "web1", "unix:/nonexistent", &e) < 0)
		return 1;
	f.inst[0].last_refresh = 1;
	f.inst[0].conn = INST_OK;
	memset(&fn, 0, sizeof fn);
	for (i = 0; i < 24; i++) {
		fn.slot = i;
		snprintf(fn.id, sizeof fn.id, i < 4 ? "" : "dev%d", i);
		pci_info_add(&f.inst[0].live, &fn, &e);
	}
	memset(&c, 0, sizeof c);
	c.fleet = &f;
	per_op(&c, "cmd show (text, 24 live slots)", "show web1");
	per_op(&c, "cmd show --json", "show web1 --json");
	per_op(&c, "cmd next", "next web1");
	per_op(&c, "cmd id", "id nic 6f1a2b3c-0000-4000-8000-000000000000 5");
	t0 = bench_now();
	for (i = 0; i < N; i++) {
		v = cmd_complete(&c, "reserve web1 ", 13);
		if (v == NULL || v[0] == NULL)
			bench_fail("cmd_complete", "no free slot offered");
		cmd_completions_free(v);
	}
	t1 = bench_now();
	bench_report("cmd_complete free slots", (t1 - t0) / N / 1e3, "us",
	    "reserve web1 <Tab>");
	fleet_free(&f);

	if (!tu_have_program("qemu-system-x86_64")) {
		printf("bench hotplug: skipped (qemu-system-x86_64 not "
		    "found)\n");
		return 0;
	}
	if (tu_qemu_start(dir, "pc", NULL) < 0)
		bench_fail("hotplug", "qemu did not start");
	hotplug_wall(dir, "hmp.sock");
	hotplug_wall(dir, "qmp.sock");
	return 0;	/* bench_cleanup stops QEMU, removes dir */
}
