/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_qmppipe.c - QMP pipelining (mon.h, PIPELINING) against a real,
 * paused QEMU 7.2 and 10.0.  The session runs over a socketpair to a
 * small relay in this test that passes every byte on to QEMU's QMP
 * socket and back, and looks at them on the way: the pipelined commands
 * must reach it in one write, and just before that write it sends QEMU
 * two commands of its own with ids that are not the session's (what a
 * previous client's command in flight looks like).  QEMU answers those
 * first, with their ids: the session must drop both (one a return, read
 * by the bounded reader; one an error, read by jansson) and match the
 * replies to its own commands, among them a refusal, in order -- and give
 * what the same ops give one at a time.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "testutil.h"

#define PC { .machine = "pc" }
static struct tu_vm vm[2] = { PC, PC };
TU_VM_FIXTURE2(pipe, vm)

#define STALE "{\"execute\":\"query-version\",\"id\":\"other-client-7\"}\n" \
	"{\"execute\":\"no-such-command\",\"id\":\"other-client-8\"}\n"

struct relay {
	int cli;		/* our end of the session's socketpair */
	int qemu;		/* connected to QEMU's QMP socket */
	int inject;		/* send STALE before the first query-pci */
	int pci_writes;		/* writes that carried a query-pci */
	int pci_lines;		/* the lines of the first of them */
	int stale_seen;		/* replies with other-client ids passed on */
};

static long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
put_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		ck_assert_msg(w > 0, "relay write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

static int
qmp_connect(const char *dir)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s/qmp.sock", dir);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

static int
count(const char *buf, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	const char *p = buf, *q;
	int c = 0;

	while ((q = memmem(p, n - (size_t)(p - buf), needle, k)) != NULL) {
		c++;
		p = q + k;
	}
	return c;
}

/* What the session wrote (one read of the socketpair: one write). */
static void
from_session(struct relay *x, const char *buf, size_t n)
{
	const char *p;
	int lines = 0;

	if (memmem(buf, n, "\"query-pci\"", 11) != NULL) {
		for (p = buf; p < buf + n; p++)
			lines += *p == '\n';
		if (x->pci_writes++ == 0)
			x->pci_lines = lines;
		if (x->inject) {
			put_all(x->qemu, STALE, strlen(STALE));
			x->inject = 0;
		}
	}
	put_all(x->qemu, buf, n);
}

/* Run m over the relay until it stops (10 s at most). */
static enum mon_status
run(struct relay *x, struct mon *m)
{
	enum mon_status st = mon_start(m);
	long end = ms_now() + 10000;
	char buf[65536];

	while (st == MON_RUNNING && ms_now() < end) {
		struct pollfd pfd[3] = { { mon_fd(m), mon_poll_events(m), 0 },
			{ x->cli, POLLIN, 0 }, { x->qemu, POLLIN, 0 } };
		int t = mon_timeout_ms(m);
		ssize_t r;

		if (t < 0 || t > 50)
			t = 50;
		ck_assert_int_ge(poll(pfd, 3, t), 0);
		if (pfd[2].revents & (POLLIN | POLLHUP)) {
			r = read(x->qemu, buf, sizeof buf);
			ck_assert_msg(r > 0, "QEMU closed the QMP socket");
			x->stale_seen += count(buf, (size_t)r,
			    "\"id\": \"other-client-");
			put_all(x->cli, buf, (size_t)r);
		}
		if (pfd[1].revents & POLLIN) {
			r = read(x->cli, buf, sizeof buf);
			if (r > 0)
				from_session(x, buf, (size_t)r);
		}
		st = mon_step(m, pfd[0].revents);
	}
	return st;
}

struct out {
	struct pci_info pci;
	char anon[4096], periph[8192], refused[256];
	char pci2[8];
};

/* query-pci, qom-list of the anonymous devices, a qom-list QEMU refuses,
 * qom-list /machine/peripheral: pipelined or one at a time. */
static void
session(const struct tu_vm *v, int pipe, int inject, struct out *o,
    struct relay *x)
{
	struct mon *m;
	struct err e;
	int sp[2], p, a, k, q;

	ck_assert_msg(v->up, "QEMU did not start (see stderr)");
	memset(x, 0, sizeof *x);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sp), 0);
	x->cli = sp[1];
	x->qemu = qmp_connect(v->dir);
	x->inject = inject;
	m = mon_new_fd(sp[0], NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	a = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp =
	    "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral-anon\"}}", .pipe = pipe }, &e);
	k = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp =
	    "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/nowhere\"}}", .pipe = pipe }, &e);
	q = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp =
	    "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral\"}}", .pipe = pipe }, &e);
	ck_assert_int_ge(q, 0);
	ck_assert_msg(run(x, m) == MON_DONE, "%s", (mon_error(m, &e), e.msg));
	ck_assert_int_eq(mon_protocol(m), MON_PROTO_QMP);
	ck_assert_msg(mon_result(m, p)->ok, "%s", mon_result(m, p)->msg);
	ck_assert_int_eq(mon_take_pci(m, p, &o->pci), 0);
	ck_assert_msg(mon_result(m, a)->ok, "%s", mon_result(m, a)->msg);
	ck_assert_msg(mon_result(m, q)->ok, "%s", mon_result(m, q)->msg);
	ck_assert_int_eq(mon_result(m, k)->ok, 0);
	snprintf(o->anon, sizeof o->anon, "%s", mon_result(m, a)->text);
	snprintf(o->periph, sizeof o->periph, "%s", mon_result(m, q)->text);
	snprintf(o->refused, sizeof o->refused, "%s", mon_result(m, k)->msg);
	mon_free(m);
	close(x->cli);
	close(x->qemu);
}

START_TEST(pipelined_replies_matched_stale_dropped)
{
	struct relay one, piped;
	struct out a, b;
	size_t i;

	session(&vm[_i], 0, 0, &a, &one);
	session(&vm[_i], 1, 1, &b, &piped);
	/* one at a time: the query-pci went alone; pipelined: all four in
	 * the write that carried it */
	ck_assert_int_eq(one.pci_writes, 1);
	ck_assert_int_eq(one.pci_lines, 1);
	ck_assert_int_eq(piped.pci_writes, 1);
	ck_assert_int_eq(piped.pci_lines, 4);
	/* QEMU's replies to the other client's two commands came through
	 * and were dropped: the results are those of one at a time */
	ck_assert_int_eq(piped.stale_seen, 2);
	ck_assert_int_eq(one.stale_seen, 0);
	ck_assert_uint_ge(a.pci.n, 4);	/* a pc's host bridge, ISA, ... */
	ck_assert_uint_eq(b.pci.n, a.pci.n);
	for (i = 0; i < a.pci.n; i++) {
		ck_assert_int_eq(b.pci.fn[i].slot, a.pci.fn[i].slot);
		ck_assert_int_eq(b.pci.fn[i].func, a.pci.fn[i].func);
		ck_assert_uint_eq(b.pci.fn[i].device, a.pci.fn[i].device);
	}
	ck_assert_ptr_nonnull(strstr(a.anon, "\"name\":\"type\""));
	ck_assert_str_eq(b.anon, a.anon);
	ck_assert_str_eq(b.periph, a.periph);
	ck_assert_ptr_nonnull(strstr(a.refused, "nowhere"));
	ck_assert_str_eq(b.refused, a.refused);
	pci_info_free(&a.pci);
	pci_info_free(&b.pci);
}
END_TEST

static void
add_cases(Suite *s, enum tu_qemu q)
{
	TCase *tc = tcase_create(q == TU_QEMU_10 ? "qmppipe-10.0" : "qmppipe");

	tu_tcase_require(tc, tu_missing_qemu_v(q));
	tcase_add_unchecked_fixture(tc, pipe_up[q], pipe_down[q]);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, pipelined_replies_matched_stale_dropped, q,
	    q + 1);
	suite_add_tcase(s, tc);
}

Suite *
qmppipe_suite(void)
{
	Suite *s = suite_create("qmppipe");

	tu_qemu_cases(s, add_cases);
	return s;
}
