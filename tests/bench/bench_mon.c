/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_mon.c - the monitor client: ns to parse the 34-function full-bus
 * `info pci` (and a query-pci reply), and one --probe-style round trip
 * (connect, version + PCI, disconnect) against a real paused QEMU it
 * starts, beside a plain blocking-socket client sending the same bytes
 * (QMP: qmp_capabilities and query-pci with ids, as core/mon),
 * printed as a ratio.  Figures only; nothing is asserted.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench.h"
#include "qemu/hmp.h"
#include "qemu/mon.h"
#include "qemu/qmp.h"
#include "qemu/qmpscan.h"
#include "testutil.h"

static char *
slurp(const char *rel, size_t *n)
{
	char path[PATH_MAX];
	const char *top = getenv("SLOTSCOPE_SRCDIR");
	FILE *f;
	char *b;
	long l;

	snprintf(path, sizeof path, "%s/tests/fixtures/%s", top ? top : ".",
	    rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	l = ftell(f);
	rewind(f);
	b = malloc((size_t)l + 1);
	if (b == NULL || fread(b, 1, (size_t)l, f) != (size_t)l) {
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	*n = (size_t)l;
	return b;
}

static void
bench_parsers(void)
{
	size_t n, cn, i;
	char *raw = slurp("hmp/info-pci-full.raw", &n), *clean, *q;
	struct pci_info pi;
	struct err e;
	double t0, t1;
	const int N = 20000;
	char detail[96];
	int bad = 0;

	if (raw == NULL)
		bench_fail("mon parsers", "tests/fixtures not found (set "
		    "SLOTSCOPE_SRCDIR)");
	clean = malloc(n + 1);
	if (clean == NULL)
		bench_fail("mon parsers", "out of memory");
	cn = hmp_reply_clean(raw, n, clean);
	pci_info_init(&pi);
	t0 = bench_now();
	for (i = 0; i < (size_t)N; i++) {
		pci_info_clear(&pi);
		bad += hmp_parse_info_pci(clean, cn, &pi, &e) < 0;
	}
	t1 = bench_now();
	/* the full bus of the fixture: 34 functions, every time */
	if (bad > 0 || pi.n != 34)
		bench_fail("hmp parse info pci", bad ? e.msg : "not 34 "
		    "functions");
	snprintf(detail, sizeof detail, "%zu functions, %zu bytes of text",
	    pi.n, cn);
	bench_report("hmp parse info pci, full bus", (t1 - t0) / N, "ns/op",
	    detail);
	t0 = bench_now();
	for (i = 0; i < (size_t)N; i++) {
		pci_info_clear(&pi);
		cn = hmp_reply_clean(raw, n, clean);
		bad += hmp_parse_info_pci(clean, cn, &pi, &e) < 0;
	}
	t1 = bench_now();
	if (bad > 0 || pi.n != 34)
		bench_fail("hmp frame+clean+parse", bad ? e.msg : "not 34 "
		    "functions");
	bench_report("hmp frame+clean+parse, full bus", (t1 - t0) / N,
	    "ns/op", "raw reply incl. echo and prompt");
	free(raw);
	free(clean);
	if ((q = slurp("qmp/query-pci-after-add.json", &n)) == NULL)
		bench_fail("qmp parse query-pci", "fixture not found");
	{
		t0 = bench_now();
		for (i = 0; i < (size_t)N; i++) {
			struct qmp_msg m;

			pci_info_clear(&pi);
			if (qmp_msg_parse(q, n, &m, &e) < 0) {
				bad++;
				continue;
			}
			bad += qmp_parse_pci(m.ret, &pi, &e) < 0;
			qmp_msg_free(&m);
		}
		t1 = bench_now();
		if (bad > 0 || pi.n == 0)
			bench_fail("qmp parse query-pci", bad ? e.msg :
			    "no functions");
		snprintf(detail, sizeof detail, "jansson, %zu functions, %zu "
		    "bytes", pi.n, n);
		bench_report("qmp parse query-pci", (t1 - t0) / N, "ns/op",
		    detail);
		t0 = bench_now();
		for (i = 0; i < (size_t)N; i++) {
			struct qmpscan_msg m;

			pci_info_clear(&pi);
			if (qmpscan_msg(q, n, &m, &e) < 0 ||
			    qmpscan_pci(m.ret, m.retlen, &pi, &e) < 0)
				bad++;
		}
		t1 = bench_now();
		if (bad > 0 || pi.n == 0)
			bench_fail("qmpscan parse query-pci", bad ? e.msg :
			    "no functions");
		snprintf(detail, sizeof detail, "qmpscan, the same %zu "
		    "functions", pi.n);
		bench_report("qmp parse query-pci, bounded reader",
		    (t1 - t0) / N, "ns/op", detail);
		/* what a session does with the reply: the old way, framed by
		 * qmp_msg_len, then the message, then its return, and the
		 * one pass core/mon makes now (the first newline a candidate
		 * end, the message and its return read together), alternated
		 * in rounds so that both see the same machine */
		{
			double two = 0, one = 0;
			int r;

			for (r = 0; r < 10; r++) {
				t0 = bench_now();
				for (i = 0; i < (size_t)N / 10; i++) {
					struct qmpscan_msg m;
					size_t l = qmp_msg_len(q, n);

					pci_info_clear(&pi);
					if (l == 0 || qmpscan_msg(q, l, &m,
					    &e) < 0 || qmpscan_pci(m.ret,
					    m.retlen, &pi, &e) < 0)
						bad++;
				}
				t1 = bench_now();
				two += t1 - t0;
				t0 = bench_now();
				for (i = 0; i < (size_t)N / 10; i++) {
					struct qmpscan_msg m;
					const char *nl = memchr(q, '\n', n);

					pci_info_clear(&pi);
					if (nl == NULL || qmpscan_msg_pci(q,
					    (size_t)(nl - q) + 1, &m, &pi,
					    &e) < 0)
						bad++;
				}
				t1 = bench_now();
				one += t1 - t0;
			}
			if (bad > 0 || pi.n == 0)
				bench_fail("qmp frame+read query-pci", e.msg);
			bench_report("qmp frame+read query-pci, three passes",
			    two / N, "ns/op", "qmp_msg_len, qmpscan_msg, "
			    "qmpscan_pci");
			bench_report("qmp frame+read query-pci, one pass",
			    one / N, "ns/op", "memchr, qmpscan_msg_pci "
			    "(core/mon's way)");
		}
		free(q);
	}
	pci_info_free(&pi);
}

/* --- round trips ------------------------------------------------------ */

/* Read until buf ends with end (and holds at least one "\n" when nl). */
static int
read_until(int fd, char *buf, size_t cap, size_t *len, const char *end)
{
	size_t el = strlen(end);

	*len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + *len, cap - *len);

		if (r <= 0)
			return -1;
		*len += (size_t)r;
		if (*len >= el && memcmp(buf + *len - el, end, el) == 0 &&
		    memchr(buf, '\n', *len) != NULL)
			return 0;
		if (*len == cap)
			return -1;
	}
}

static int
plain_hmp(const char *path, char *buf, size_t cap)
{
	size_t n;
	int fd = bench_unix_connect(path), rc = -1;

	if (fd < 0)
		return -1;
	if (read_until(fd, buf, cap, &n, "(qemu) ") == 0 &&
	    write(fd, "info version\n", 13) == 13 &&
	    read_until(fd, buf, cap, &n, "\r\n(qemu) ") == 0 &&
	    write(fd, "info pci\n", 9) == 9 &&
	    read_until(fd, buf, cap, &n, "\r\n(qemu) ") == 0)
		rc = 0;
	close(fd);
	return rc;
}

static int
plain_qmp(const char *path, char *buf, size_t cap)
{
	/* what core/mon sends (the version is the greeting's), ids of
	 * the same length */
	static const char *const cmds[] = {
		"{\"execute\":\"qmp_capabilities\",\"id\":\"ss-0badc0de-1\"}\n",
		"{\"execute\":\"query-pci\",\"id\":\"ss-0badc0de-2\"}\n",
	};
	size_t n, i;
	int fd = bench_unix_connect(path), rc = -1;

	if (fd < 0)
		return -1;
	if (read_until(fd, buf, cap, &n, "\n") < 0)
		goto out;
	for (i = 0; i < 2; i++) {
		size_t l = strlen(cmds[i]);

		if (write(fd, cmds[i], l) != (ssize_t)l ||
		    read_until(fd, buf, cap, &n, "\n") < 0)
			goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

static int
mon_trip(const char *ep)
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

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define TRIPS 300

static double
median_us(double *t)
{
	qsort(t, TRIPS, sizeof *t, cmp_d);
	return t[TRIPS / 2] / 1e3;
}

static int
bench_round_trips(void)
{
	char *dir, cmd[1024], path[4200], ep[4300], *buf;
	const char *socks[] = { "hmp.sock", "qmp.sock" };
	double tm[TRIPS], tp[TRIPS], mm, mp, t0;
	int s, i, fails;

	if (!tu_have_program("qemu-system-x86_64")) {
		printf("bench mon round trip: skipped (qemu-system-x86_64 not "
		    "found)\n");
		return 0;
	}
	dir = bench_tmpdir();
	if (tu_qemu_start(dir, "pc", NULL) < 0)
		bench_fail("mon round trip", "qemu did not start");
	buf = malloc(1 << 20);
	for (s = 0; s < 2 && buf != NULL; s++) {
		snprintf(path, sizeof path, "%s/%s", dir, socks[s]);
		snprintf(ep, sizeof ep, "unix:%s", path);
		fails = 0;
		for (i = 0; i < TRIPS; i++) {
			/* alternate, so both see the same machine state */
			t0 = bench_now();
			fails += mon_trip(ep) < 0;
			tm[i] = bench_now() - t0;
			t0 = bench_now();
			fails += (s == 0 ? plain_hmp(path, buf, 1 << 20) :
			    plain_qmp(path, buf, 1 << 20)) < 0;
			tp[i] = bench_now() - t0;
		}
		if (fails > 0) {
			snprintf(cmd, sizeof cmd, "%d of %d round trips over %s "
			    "failed", fails, 2 * TRIPS, socks[s]);
			bench_fail("mon round trip", cmd);
		}
		mm = median_us(tm);
		mp = median_us(tp);
		snprintf(cmd, sizeof cmd, "median of %d, connect + version + "
		    "pci + close", TRIPS);
		bench_report(s == 0 ? "mon probe round trip HMP" :
		    "mon probe round trip QMP", mm, "us", cmd);
		bench_report(s == 0 ? "plain-socket round trip HMP" :
		    "plain-socket round trip QMP", mp, "us", s == 0 ?
		    "blocking read/write, same bytes" : "blocking read/write, "
		    "the same caps + pci with ids");
		bench_report(s == 0 ? "mon / plain ratio HMP" :
		    "mon / plain ratio QMP", mm / mp, "x", NULL);
	}
	free(buf);
	return 0;	/* bench_cleanup stops QEMU, removes dir */
}

int
main(void)
{
	bench_parsers();
	return bench_round_trips() < 0;
}
