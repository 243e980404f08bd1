/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_qmppipe.c - QMP pipelining (mon.h, PIPELINING) against a real,
 * paused QEMU 7.2 and 10.0.  The session runs over a socketpair to a
 * relay (tests/lib/relay.h) that passes every byte on to QEMU's QMP
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
#include <unistd.h>

#include "qemu/mon.h"
#include "relay.h"
#include "testutil.h"

#define PC { .machine = "pc" }
static struct tu_vm vm[2] = { PC, PC };
TU_VM_FIXTURE2(pipe, vm)

#define STALE "{\"execute\":\"query-version\",\"id\":\"other-client-7\"}\n" \
	"{\"execute\":\"no-such-command\",\"id\":\"other-client-8\"}\n"

/* What the relay saw (its seen's arg). */
struct seen {
	int inject;		/* send STALE before the first query-pci */
	int pci_writes;		/* writes that carried a query-pci */
	int pci_lines;		/* the lines of the first of them */
	int stale_seen;		/* replies with other-client ids passed on */
};

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

/* The relay's seen: what the session wrote (one read of the
 * socketpair: one write), and QEMU's replies on their way back. */
static void
look(struct tu_relay *r, int from_qemu, const char *buf, size_t n)
{
	struct seen *x = r->arg;
	const char *p;
	int lines = 0;

	if (from_qemu) {
		x->stale_seen += count(buf, n, "\"id\": \"other-client-");
		return;
	}
	if (memmem(buf, n, "\"query-pci\"", 11) != NULL) {
		for (p = buf; p < buf + n; p++)
			lines += *p == '\n';
		if (x->pci_writes++ == 0)
			x->pci_lines = lines;
		if (x->inject) {
			ck_assert_msg(tu_relay_send(r->qemu, STALE,
			    strlen(STALE)) == 0, "relay write: %s",
			    strerror(errno));
			x->inject = 0;
		}
	}
}

/* Run m over the relay until it stops (10 s at most). */
static enum mon_status
run(struct tu_relay *r, struct mon *m)
{
	enum mon_status st = mon_start(m);
	long end = tu_ms_now() + 10000;
	enum tu_relay_rc rc;

	while (st == MON_RUNNING && tu_ms_now() < end) {
		struct pollfd pfd[3] = { { mon_fd(m), mon_poll_events(m), 0 },
			{ r->cli, POLLIN, 0 }, { r->qemu, POLLIN, 0 } };
		int t = mon_timeout_ms(m);

		if (t < 0 || t > 50)
			t = 50;
		ck_assert_int_ge(poll(pfd, 3, t), 0);
		rc = tu_relay_pump(r, pfd[1].revents & POLLIN,
		    pfd[2].revents & (POLLIN | POLLHUP));
		ck_assert_msg(rc != TU_RELAY_FAILED, "relay write: %s",
		    strerror(errno));
		ck_assert_msg(rc != TU_RELAY_QEMU_GONE,
		    "QEMU closed the QMP socket");
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
    struct seen *x)
{
	struct tu_relay r = { .seen = look, .arg = x };
	struct mon *m;
	struct err e;
	char qmp[4200];
	int sp[2], p, a, k, q;

	ck_assert_msg(v->up, "QEMU did not start (see stderr)");
	memset(x, 0, sizeof *x);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sp), 0);
	snprintf(qmp, sizeof qmp, "%s/qmp.sock", v->dir);
	r.qemu_path = qmp;
	ck_assert_msg(tu_relay_open(&r, sp[1]) == 0, "%s: %s", qmp,
	    strerror(errno));
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
	ck_assert_msg(run(&r, m) == MON_DONE, "%s", (mon_error(m, &e), e.msg));
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
	tu_relay_close(&r);
}

START_TEST(pipelined_replies_matched_stale_dropped)
{
	struct seen one, piped;
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
