/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_refresh.c - issue 18's per-refresh and per-hotplug goals, each a
 * ratio against its comparator measured interleaved in the same run, on a
 * real paused QEMU 7.2 (`pc`): figures only, nothing about time is
 * asserted.
 *
 *  1. One refresh of one instance through the fleet engine (struct fleet,
 *     no runtime dir: fleet_refresh_start + fleet_refresh_wait), over QMP
 *     and over HMP, on the default bus and on a full bus (slots 4-31 each
 *     a virtio-net-pci), against a raw C client: a blocking unix socket
 *     sending the bytes core/mon sends (QMP: qmp_capabilities, query-pci,
 *     qom-list of the anonymous devices, each with an "id" of the same
 *     length; HMP: info version, info pci, qom-list) and reading each
 *     reply to its end (QMP: the line; HMP: the prompt), parsing nothing;
 *     over QMP also against a raw python client (rawqmp.py, one
 *     long-lived python3 asked one refresh at a time: the same commands
 *     and json.loads of every reply, timed by its own clocks; its start
 *     is a line of its own).  The sides take turns, their order changing
 *     every round.
 *  2. The same HMP refresh (both buses) against socat per command, as
 *     Ganeti did:
 *     `echo CMD | socat STDIO UNIX-CONNECT:` for each of the three.
 *  3. `hotplug vm nic` as batch mode runs it (a fresh fleet and command
 *     context with a runtime dir and a state dir: cmd_exec, which
 *     hotplugs, refreshes over the same session and shows the result)
 *     against a raw QMP client doing the steps: connect,
 *     qmp_capabilities, query-pci, netdev_add user, device_add
 *     virtio-net-pci at a fixed free slot, query-pci.  Slots fill (the
 *     paused guest cannot release them), so QEMU is restarted every
 *     HP_PER_QEMU pairs, and on each a slot is reserved first (the
 *     reservation seed then exists and is read by every hotplug).
 *     Twice: the default layout (the runtime dir in a temp dir in
 *     /dev/shm, a tmpfs as Debian's /run, where slotscope's default
 *     /run/slotscope is; the state dir in the bench's temp dir, a disk
 *     here), then one dir on that disk (--runtime-dir alone, as before
 *     the state dir: the intent journal's fsyncs are in the figure).
 *     `bench_refresh hotplug [default|disk]` runs this part alone.
 *
 * Each figure is the median of the per-pair ratios (slotscope / other;
 * the pair's order alternates), with n and p10-p90 of those ratios, and
 * the medians of both sides' wall times; the refreshes and the hotplugs
 * also show the ratio of client CPU per pair (RUSAGE_SELF, user + system;
 * python's own process_time: QEMU's own CPU is not in it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "base/clock.h"
#include "cmd/cmd.h"
#include "fleet/fleet.h"
#include "testutil.h"

#define TRIPS 200		/* refresh pairs per bus and protocol */
#define SOCAT_TRIPS 20
#define HP_PER_QEMU 12		/* hotplug pairs before QEMU is restarted */
#define HP_QEMUS 2

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of v[0..n) (sorted in place). */
static double
quant(double *v, int n, double q)
{
	int k = (int)(q * (n - 1) + 0.5);

	qsort(v, (size_t)n, sizeof *v, cmp_d);
	return v[k];
}

/* n pairs of wall times a[i] (slotscope) and b[i] (the comparator):
 * "bench NAME  RATIO x (n=.., median .., p10-p90 ..; A vs B us medians
 * [; extra])": the median and percentiles of the per-pair ratios. */
static void
report_pairs(const char *name, const double *a, const double *b, int n,
    const char *extra)
{
	double *r = malloc((size_t)n * sizeof *r), *s, ma, mb, med, p10, p90;
	char detail[400];
	int i;

	s = malloc((size_t)n * 2 * sizeof *s);
	if (r == NULL || s == NULL)
		bench_fail(name, "out of memory");
	for (i = 0; i < n; i++) {
		r[i] = a[i] / b[i];
		s[i] = a[i];
		s[n + i] = b[i];
	}
	med = quant(r, n, 0.5);
	p10 = quant(r, n, 0.1);
	p90 = quant(r, n, 0.9);
	ma = quant(s, n, 0.5);
	mb = quant(s + n, n, 0.5);
	snprintf(detail, sizeof detail, "n=%d, median %.2f, p10-p90 "
	    "%.2f-%.2f; %.0f vs %.0f us, medians%s%s", n, med, p10, p90,
	    ma / 1e3, mb / 1e3, extra ? "; " : "", extra ? extra : "");
	bench_report(name, med, "x", detail);
	free(r);
	free(s);
}

/* --- the raw client ------------------------------------------------------ */

/* Read until the bytes read end with end (after at least one "\n"). */
static int
raw_read_to(int fd, char *buf, size_t cap, const char *end)
{
	size_t el = strlen(end), len = 0;

	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);

		if (r <= 0)
			return -1;
		len += (size_t)r;
		if (len >= el && memcmp(buf + len - el, end, el) == 0 &&
		    memchr(buf, '\n', len) != NULL)
			return 0;
		if (len == cap)
			return -1;
	}
}

static char rbuf[1 << 20];

/* A session: the greeting, then each command and its reply. */
static int
raw_session(const char *path, int qmp, const char *const *cmd, int n)
{
	const char *end = qmp ? "\n" : "\r\n(qemu) ";
	int fd = bench_unix_connect(path), i, rc = -1;

	if (fd < 0)
		return -1;
	if (raw_read_to(fd, rbuf, sizeof rbuf, qmp ? "\n" : "(qemu) ") < 0)
		goto out;
	for (i = 0; i < n; i++) {
		size_t l = strlen(cmd[i]);

		if (write(fd, cmd[i], l) != (ssize_t)l ||
		    raw_read_to(fd, rbuf, sizeof rbuf, end) < 0)
			goto out;
		if (qmp && strstr(rbuf, "\"return\"") == NULL)
			goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/* What core/mon sends for a refresh (its ids: "ss-" 8 hex "-" N). */
static const char *const qmp_refresh[] = {
	"{\"execute\":\"qmp_capabilities\",\"id\":\"ss-0badc0de-1\"}\n",
	"{\"execute\":\"query-pci\",\"id\":\"ss-0badc0de-2\"}\n",
	"{\"execute\":\"qom-list\",\"arguments\":{\"path\":"
	    "\"/machine/peripheral-anon\"},\"id\":\"ss-0badc0de-3\"}\n",
};
static const char *const hmp_refresh[] = {
	"info version\n",
	"info pci\n",
	"qom-list /machine/peripheral-anon\n",
};

/* --- slotscope's side ---------------------------------------------------- */

static double
fleet_trip(struct fleet *f)
{
	double t0 = bench_now();

	fleet_refresh_start(f, 0, clock_wall_s());
	fleet_refresh_wait(f, 0);
	if (f->inst[0].conn != INST_OK || f->inst[0].live.n < 5)
		bench_fail("refresh", f->inst[0].error[0] ?
		    f->inst[0].error : "instance not ok");
	return bench_now() - t0;
}

static double
socat_trip(const char *path)
{
	double t0 = bench_now();
	int i;

	for (i = 0; i < 3; i++)
		if (bench_socat_cmd(path, hmp_refresh[i]) < 0)
			bench_fail("socat", "a socat per command failed");
	return bench_now() - t0;
}

/* --- 1 and 2: refreshes -------------------------------------------------- */

/* Wall and client CPU times (ns) of each side, per trip: slotscope,
 * the raw C client, the raw python client (QMP only). */
enum { SIDE_SS, SIDE_RAW, SIDE_PY, NSIDES };
static double wall[NSIDES][TRIPS], cpu[NSIDES][TRIPS], pyout[TRIPS];
static struct bench_py py;	/* pid 0: no python3 */

/* Trip i of side over path. */
static void
one_trip(int side, int i, struct fleet *f, const char *path, int qmp)
{
	double t0 = bench_now(), c0 = bench_cpu_us();
	char why[600], req[4300];

	switch (side) {
	case SIDE_SS:
		wall[side][i] = fleet_trip(f);
		break;
	case SIDE_RAW:
		if (raw_session(path, qmp, qmp ? qmp_refresh : hmp_refresh,
		    3) < 0)
			bench_fail("refresh", "the raw client failed");
		wall[side][i] = bench_now() - t0;
		break;
	default:
		/* its own clocks around the work: the pipe to it and its
		 * reading of the request are not the refresh's */
		snprintf(req, sizeof req, "refresh %s", path);
		if (bench_py_ask(&py, req, &wall[side][i], &cpu[side][i], why,
		    sizeof why) < 0)
			bench_fail("refresh", why);
		pyout[i] = bench_now() - t0;
		cpu[side][i] += 1;
		return;
	}
	/* the same ns scale as the wall times; +1: never 0 */
	cpu[side][i] = (bench_cpu_us() - c0) * 1e3 + 1;
}

/* TRIPS rounds of each side, the order changing every round (for three
 * sides all six orders in turn, for two they alternate). */
static void
interleaved(int nside, struct fleet *f, const char *path, int qmp)
{
	int i, k;

	for (i = 0; i < TRIPS; i++) {
		int p = i % (2 * nside);

		for (k = 0; k < nside; k++) {
			int side = p < nside ? p + k : p - nside - k;

			one_trip((side % nside + nside) % nside, i, f, path,
			    qmp);
		}
	}
}

static void
report_sides(int side, const char *proto, const char *bus)
{
	const char *who = side == SIDE_PY ? "raw python" : "raw C client";
	char name[100], extra[200];
	double out;

	snprintf(name, sizeof name, "refresh %s, %s bus / %s", proto, bus,
	    who);
	if (side == SIDE_PY) {
		out = quant(pyout, TRIPS, 0.5);
		snprintf(extra, sizeof extra, "wall time; python's by its own "
		    "perf_counter around the refresh (%.0f us seen from here, "
		    "with the pipe to it)", out / 1e3);
	} else
		snprintf(extra, sizeof extra, "wall time");
	report_pairs(name, wall[SIDE_SS], wall[side], TRIPS, extra);
	snprintf(name, sizeof name, "refresh %s, %s bus, client CPU / %s",
	    proto, bus, side == SIDE_PY ? "python" : "raw");
	report_pairs(name, cpu[SIDE_SS], cpu[side], TRIPS, side == SIDE_PY ?
	    "user + system: this process's for slotscope, python's own "
	    "process_time" : "user + system of this process");
}

static void
socats(struct fleet *f, const char *path, const char *bus)
{
	double *a = wall[SIDE_SS], *b = wall[SIDE_RAW];
	char name[100];
	int i;

	for (i = 0; i < SOCAT_TRIPS; i++) {
		if (i % 2 == 0) {
			a[i] = fleet_trip(f);
			b[i] = socat_trip(path);
		} else {
			b[i] = socat_trip(path);
			a[i] = fleet_trip(f);
		}
	}
	snprintf(name, sizeof name, "refresh HMP, %s bus: socat per command / "
	    "slotscope", bus);
	/* the comparator over slotscope: how many times slower the Ganeti
	 * way is */
	report_pairs(name, b, a, SOCAT_TRIPS, "socat vs slotscope; as Ganeti: "
	    "echo CMD | socat STDIO UNIX-CONNECT:, one per command");
}

static void
refreshes(const char *dir, const char *bus, int socat)
{
	char path[4200], ep[4300];
	int proto;

	for (proto = 0; proto < 2; proto++) {
		const char *sock = proto ? "qmp.sock" : "hmp.sock";
		int nside = proto && py.pid > 0 ? 3 : 2, side;
		struct fleet f;
		struct err e;

		snprintf(path, sizeof path, "%s/%s", dir, sock);
		snprintf(ep, sizeof ep, "unix:%s", path);
		fleet_init(&f, NULL);
		if (fleet_add(&f, "vm", ep, &e) < 0)
			bench_fail("refresh", e.msg);
		for (side = 0; side < nside; side++)	/* warm all up */
			one_trip(side, 0, &f, path, proto);
		interleaved(nside, &f, path, proto);
		for (side = SIDE_RAW; side < nside; side++)
			report_sides(side, proto ? "QMP" : "HMP", bus);
		if (socat && proto == 0)
			socats(&f, path, bus);
		fleet_free(&f);
	}
}

/* --- 3: hotplug ------------------------------------------------------------ */

/* One command on a fresh fleet whose runtime dir is rt and state dir
 * state (as batch mode sets them up), timed. */
static double
cmd_one(const char *dir, const char *rt, const char *state, const char *cmd)
{
	char ep[4300];
	struct cmd_result r;
	struct cmd_ctx c;
	struct fleet f;
	struct err e;
	double t0;

	snprintf(ep, sizeof ep, "unix:%s/qmp.sock", dir);
	t0 = bench_now();
	fleet_init(&f, rt);
	snprintf(f.state_dir, sizeof f.state_dir, "%s", state);
	if (fleet_add(&f, "vm", ep, &e) < 0)
		bench_fail("hotplug", e.msg);
	memset(&c, 0, sizeof c);
	c.fleet = &f;
	c.unplug_wait_ms = 10000;
	cmd_exec(&c, cmd, strlen(cmd), &r);
	if (!r.ok)
		bench_fail("hotplug", r.text);
	cmd_result_free(&r);
	fleet_free(&f);
	return bench_now() - t0;
}

static double
cmd_hotplug(const char *dir, const char *rt, const char *state)
{
	return cmd_one(dir, rt, state, "hotplug vm nic");
}

static double
raw_hotplug(const char *dir, int n)
{
	char path[4200], nd[200], dev[400];
	const char *cmd[5];
	double t0;

	snprintf(path, sizeof path, "%s/qmp.sock", dir);
	snprintf(nd, sizeof nd, "{\"execute\":\"netdev_add\",\"arguments\":{"
	    "\"type\":\"user\",\"id\":\"hostnet-rawrawra-pci-%d\"},\"id\":"
	    "\"ss-0badc0de-3\"}\n", 31 - n);
	snprintf(dev, sizeof dev, "{\"execute\":\"device_add\",\"arguments\":"
	    "{\"driver\":\"virtio-net-pci\",\"id\":\"nic-rawrawra-pci-%d\","
	    "\"bus\":\"pci.0\",\"addr\":\"0x%x\",\"netdev\":"
	    "\"hostnet-rawrawra-pci-%d\",\"mac\":\"52:54:00:aa:bb:%02x\"},"
	    "\"id\":\"ss-0badc0de-4\"}\n", 31 - n, 31 - n, 31 - n, n);
	cmd[0] = qmp_refresh[0];
	cmd[1] = qmp_refresh[1];
	cmd[2] = nd;
	cmd[3] = dev;
	cmd[4] = "{\"execute\":\"query-pci\",\"id\":\"ss-0badc0de-5\"}\n";
	t0 = bench_now();
	if (raw_session(path, 1, cmd, 5) < 0)
		bench_fail("hotplug", "the raw QMP sequence failed");
	return bench_now() - t0;
}

/* shm: the default layout, the runtime dir in /dev/shm (tmpfs: the
 * journal's fsyncs cost nothing there) and the state dir on the temp
 * dir's file system; else one dir on that file system.  The two show
 * what is the monitor's and what the disk's. */
static void
hotplugs(int shm)
{
	double a[HP_PER_QEMU * HP_QEMUS], b[HP_PER_QEMU * HP_QEMUS];
	double hca[HP_PER_QEMU * HP_QEMUS], hcb[HP_PER_QEMU * HP_QEMUS], c0;
	char rt[4200], state[4200], name[160];
	const char *layout = shm ? ", default layout (runtime dir on tmpfs, "
	    "state dir on disk)" : ", one dir on disk (--runtime-dir alone)";
	int q, i, n = 0;

	for (q = 0; q < HP_QEMUS; q++) {
		char *dir = bench_tmpdir(), *rtd = dir;
		const char *old = getenv("TMPDIR");

		if (tu_qemu_start(dir, "pc", NULL) < 0)
			bench_fail("hotplug", "qemu did not start");
		if (shm) {
			setenv("TMPDIR", "/dev/shm", 1);
			rtd = bench_tmpdir();
			if (old != NULL)
				setenv("TMPDIR", old, 1);
			else
				unsetenv("TMPDIR");
		}
		snprintf(rt, sizeof rt, "%s/rt", rtd);
		snprintf(state, sizeof state, "%s/%s", dir, shm ? "state" : "rt");
		/* an operator's reservation: the seed every hotplug reads */
		cmd_one(dir, rt, state, "reserve vm 19");
		for (i = 0; i < HP_PER_QEMU; i++, n++) {
			/* CPU in the same us scale as the wall times (ns) */
			if (n % 2 == 0) {
				c0 = bench_cpu_us();
				a[n] = cmd_hotplug(dir, rt, state);
				hca[n] = (bench_cpu_us() - c0) * 1e3 + 1;
				c0 = bench_cpu_us();
				b[n] = raw_hotplug(dir, i);
				hcb[n] = (bench_cpu_us() - c0) * 1e3 + 1;
			} else {
				c0 = bench_cpu_us();
				b[n] = raw_hotplug(dir, i);
				hcb[n] = (bench_cpu_us() - c0) * 1e3 + 1;
				c0 = bench_cpu_us();
				a[n] = cmd_hotplug(dir, rt, state);
				hca[n] = (bench_cpu_us() - c0) * 1e3 + 1;
			}
		}
		tu_qemu_stop(dir);
	}
	snprintf(name, sizeof name, "hotplug nic QMP, cmd / raw QMP sequence%s",
	    layout);
	report_pairs(name, a, b, n, "cmd_exec \"hotplug vm nic\" on a fresh "
	    "fleet (batch mode) vs connect + caps, query-pci, netdev_add, "
	    "device_add, query-pci");
	snprintf(name, sizeof name, "hotplug nic QMP, client CPU / raw%s",
	    layout);
	report_pairs(name, hca, hcb, n, "user + system of the bench, per pair");
}

int
main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : "";
	char *dir;
	char full[4096];
	size_t o = 0;
	int s;

	if (!tu_have_program("qemu-system-x86_64")) {
		printf("bench refresh: skipped (qemu-system-x86_64 not "
		    "found)\n");
		return 0;
	}
	/* `bench_refresh hotplug [default|disk]`: the hotplug part alone */
	if (strcmp(only, "hotplug") == 0) {
		const char *which = argc > 2 ? argv[2] : "";

		if (strcmp(which, "disk") != 0 && access("/dev/shm", W_OK) == 0)
			hotplugs(1);
		if (strcmp(which, "default") != 0)
			hotplugs(0);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!tu_have_program("python3"))
		printf("bench refresh / raw python: skipped (python3 not "
		    "found)\n");
	else if (bench_py_start(&py) < 0)
		bench_fail("refresh", "the raw python client did not start");
	else
		bench_report("raw python client: start to ready",
		    py.start_ns / 1e6, "ms", "fork + exec python3 rawqmp.py "
		    "to its ready line, once; not in the refresh figures");
	dir = bench_tmpdir();
	if (tu_qemu_start(dir, "pc", NULL) < 0)
		bench_fail("refresh", "qemu did not start");
	refreshes(dir, "default", tu_have_program("socat"));
	tu_qemu_stop(dir);
	for (s = 4; s < 32; s++)
		o += (size_t)snprintf(full + o, sizeof full - o, " -device "
		    "virtio-net-pci,id=full%d,addr=0x%x", s, s);
	dir = bench_tmpdir();
	if (tu_qemu_start(dir, "pc", full) < 0)
		bench_fail("refresh", "qemu with a full bus did not start");
	refreshes(dir, "full", tu_have_program("socat"));
	tu_qemu_stop(dir);
	if (py.pid > 0)
		bench_py_stop(&py);
	if (access("/dev/shm", W_OK) == 0)
		hotplugs(1);
	hotplugs(0);
	return 0;	/* bench_cleanup stops QEMU, removes dirs */
}
