/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_monpipe.c - QMP pipelining in a monitor session (mon.h,
 * PIPELINING): a run of ops written in one write, each with its own id,
 * replies matched by id in order, a foreign id dropped, an error ending
 * only its own op, a time-out or a hang-up failing what is left, out of
 * order refused, HMP one command at a time; against a scripted peer (the
 * test plays QEMU) and against the simulator (core/sim), where a
 * pipelined session must read what one command at a time reads.
 */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/anon.h"
#include "qemu/mon.h"
#include "sim/sim.h"
#include "monrun.h"
#include "peer.h"
#include "testutil.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"Debian\"}, " \
	"\"capabilities\": [\"oob\"]}}\r\n"
#define BANNER "QEMU 7.2.22 monitor - type 'help' for more information\r\n" \
	"(qemu) "
#define PCI_ONE "{\"return\": [{\"bus\": 0, \"devices\": [{\"bus\": 0, " \
	"\"slot\": 5, \"function\": 0, \"class_info\": {\"class\": 512}, " \
	"\"id\": {\"device\": 4096, \"vendor\": 6900}, \"qdev_id\": " \
	"\"nic-1\", \"regions\": []}]}]}"
#define QOM_LIST "{\"execute\": \"qom-list\", \"arguments\": {\"path\": " \
	"\"/machine/peripheral\"}}"

static struct tu_peer P;

static void
peer_listen(void)
{
	tu_peer_listen(&P, NULL);
}

static void
peer_teardown(void)
{
	tu_peer_free(&P);
}

static void
say(const char *s)
{
	tu_peer_say(&P, s);
}

/* A QMP session past the negotiation, ops queued by the caller next. */
static struct mon *
qmp_session(const struct mon_opts *o)
{
	struct err e;
	struct mon *m = mon_new(P.path, o, &e);
	const char *l;

	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_eq(mon_start(m), MON_RUNNING);
	tu_peer_accept(&P);
	say(GREETING);
	l = tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_msg(strncmp(l, "{\"execute\":\"qmp_capabilities\",\"id\":",
	    35) == 0, "sent '%s'", l);
	return m;
}

/* The negotiation answered: what the session writes next, in ONE read
 * (a unix socket hands a write of a few hundred bytes to one read whole)
 * after nothing more came for 100 ms: the lines, NUL-separated in buf,
 * their number returned. */
static int
one_write(struct mon *m, char *buf, size_t sz, char **line, int max)
{
	struct pollfd pfd = { P.fd, POLLIN, 0 };
	ssize_t r;
	int n = 0;
	char *p, *nl;

	ck_assert_uint_eq(P.len, 0);	/* nothing buffered by tu_peer_line */
	say("{\"return\": {}}\r\n");
	tu_mon_run(m, 100);
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	r = read(P.fd, buf, sz - 1);
	ck_assert_int_gt(r, 0);
	buf[r] = '\0';
	for (p = buf; *p != '\0' && n < max; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_msg(nl != NULL, "a partial line in '%s'", p);
		*nl = '\0';
		line[n++] = p;
	}
	ck_assert_msg(*p == '\0', "more lines than %d", max);
	return n;
}

/* Nothing more written within ms (a hang-up is nothing). */
static void
nothing_more(struct mon *m, int ms)
{
	struct pollfd pfd = { P.fd, POLLIN, 0 };
	char c;

	tu_mon_run(m, ms);
	if (poll(&pfd, 1, 0) == 1)
		ck_assert_int_eq(recv(P.fd, &c, 1, MSG_DONTWAIT), 0);
}

/* The id a command line ends with ("...,"id":"ID"}"). */
static const char *
id_of(const char *line, char *id, size_t sz)
{
	const char *p = strstr(line, ",\"id\":\"ss-");

	ck_assert_msg(p != NULL, "no id in '%s'", line);
	p += 7;
	ck_assert_uint_lt(strcspn(p, "\""), sz);
	snprintf(id, sz, "%.*s", (int)strcspn(p, "\""), p);
	ck_assert_msg(strcmp(p + strlen(id), "\"}") == 0 ||
	    strcmp(p + strlen(id), "\"}\n") == 0, "'%s' ends oddly", line);
	return id;
}

/* reply (an object's text) answering the command with that id. */
static void
answer(const char *reply, const char *id)
{
	char buf[4096];

	snprintf(buf, sizeof buf, "%.*s, \"id\": \"%s\"}\r\n",
	    (int)strlen(reply) - 1, reply, id);
	say(buf);
}

/* The session ran to MON_DONE. */
static void
done(struct mon *m)
{
	struct err e;

	ck_assert_msg(tu_mon_run(m, 2000) == MON_DONE, "%s",
	    (mon_error(m, &e), e.msg));
}

/* n query-pci ops, all but the first pipelined: their indices in op. */
static void
queue_pci(struct mon *m, int *op, int n)
{
	struct err e;
	int k;

	for (k = 0; k < n; k++) {
		op[k] = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI,
		    .pipe = k > 0 }, &e);
		ck_assert_msg(op[k] >= 0, "%s", e.msg);
	}
}

/* A new session with n query-pci queued (queue_pci) and the run they
 * make written in one write: its n lines into l[4] (kept in buf). */
static struct mon *
pci_run(int *op, int n, char *buf, size_t sz, char **l)
{
	struct mon *m = qmp_session(NULL);

	queue_pci(m, op, n);
	ck_assert_int_eq(one_write(m, buf, sz, l, 4), n);
	return m;
}

/* Three ops in one write, each with its own id; the fourth (no pipe)
 * waits for their replies.  A reply with a foreign id among them is
 * dropped, an error fails only its op, all four replies arriving in one
 * read are matched in order. */
START_TEST(run_written_together_matched_in_order)
{
	struct moncmd_device d = { "virtio-net-pci", "nic-2", "pci.0", 6, 0,
		NULL, 0 };
	struct mon *m = qmp_session(NULL);
	char buf[4096], id[3][40], rbuf[8192], *l[8];
	struct err e;
	int p, q, a, r, n;

	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	q = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp = QOM_LIST,
	    .pipe = 1 }, &e);
	a = mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &d, .pipe = 1 }, &e);
	r = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	ck_assert_int_ge(r, 0);
	n = one_write(m, buf, sizeof buf, l, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_ptr_eq(strstr(l[0], "{\"execute\":\"query-pci\",\"id\":"),
	    l[0]);
	ck_assert_ptr_eq(strstr(l[1], "{\"execute\":\"qom-list\","), l[1]);
	ck_assert_ptr_eq(strstr(l[2], "{\"execute\":\"device_add\","), l[2]);
	id_of(l[0], id[0], sizeof id[0]);
	id_of(l[1], id[1], sizeof id[1]);
	id_of(l[2], id[2], sizeof id[2]);
	ck_assert_str_ne(id[0], id[1]);
	ck_assert_str_ne(id[1], id[2]);
	nothing_more(m, 50);
	ck_assert_int_eq(mon_result(m, p)->done, 0);
	/* a stale reply (another client's id, as QEMU 7.2 hands over), then
	 * the three, in one read; the qom-list refused */
	/* PCI_ONE ends in "}": splice its id in */
	snprintf(rbuf, sizeof rbuf, "{\"return\": [], \"id\": "
	    "\"ss-0badc0de-1\"}\r\n%.*s, \"id\": \"%s\"}\r\n"
	    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Device "
	    "'peripheral' not found\"}, \"id\": \"%s\"}\r\n"
	    "{\"return\": {}, \"id\": \"%s\"}\r\n", (int)strlen(PCI_ONE) - 1,
	    PCI_ONE, id[0], id[1], id[2]);
	say(rbuf);
	l[0] = (char *)tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_ptr_eq(strstr(l[0], "{\"execute\":\"query-pci\",\"id\":"),
	    l[0]);
	id_of(l[0], id[0], sizeof id[0]);
	answer("{\"return\": [{\"bus\": 0, \"devices\": []}]}", id[0]);
	done(m);
	ck_assert_int_eq(mon_result(m, p)->ok, 1);
	ck_assert_uint_eq(mon_result(m, p)->pci.n, 1);
	ck_assert_str_eq(mon_result(m, p)->pci.fn[0].id, "nic-1");
	ck_assert_int_eq(mon_result(m, q)->ok, 0);
	ck_assert_str_eq(mon_result(m, q)->msg,
	    "Device 'peripheral' not found");
	ck_assert_int_eq(mon_result(m, a)->ok, 1);
	ck_assert_int_eq(mon_result(m, r)->ok, 1);
	ck_assert_uint_eq(mon_result(m, r)->pci.n, 0);
	mon_free(m);
}
END_TEST

/* Two query-pci in one run, answered with what fmt makes of their ids
 * (from byte from0 of the first, from1 of the second: fmt spells the
 * bytes before): both end well. */
static void
both_answered(const char *fmt, size_t from0, size_t from1)
{
	char buf[4096], id[2][40], rbuf[4096], *l[4];
	int op[2];
	struct mon *m = pci_run(op, 2, buf, sizeof buf, l);

	id_of(l[0], id[0], sizeof id[0]);
	id_of(l[1], id[1], sizeof id[1]);
	snprintf(rbuf, sizeof rbuf, fmt, id[0] + from0, id[1] + from1);
	say(rbuf);
	done(m);
	ck_assert_int_eq(mon_result(m, op[0])->ok, 1);
	ck_assert_int_eq(mon_result(m, op[1])->ok, 1);
	mon_free(m);
}

/* The stale reply read by jansson (an error reply with a foreign id, and
 * a return the bounded reader leaves: an escape in a member name) is
 * dropped as well, between two replies of a run. */
START_TEST(foreign_ids_dropped_on_both_readers)
{
	both_answered(
	    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"x\"}, "
	    "\"id\": \"ss-0badc0de-2\"}\r\n"
	    "{\"return\": [], \"id\": \"%s\"}\r\n"
	    "{\"return\": {\"\\u0061\": 1}, \"id\": \"ss-0badc0de-3\"}\r\n"
	    "{\"return\": [], \"id\": 7}\r\n"
	    "{\"return\": [{\"bus\": 0, \"devices\": []}], \"id\": \"%s\"}\r\n",
	    0, 0);
}
END_TEST

/* Our ids echoed with escapes (JSON says the same string) are still ours:
 * the bytes compared at once miss them, the string reader matches them,
 * and in the wrong order they still fail the session. */
START_TEST(escaped_ids_still_ours)
{
	struct mon *m;
	char buf[4096], id[40], rbuf[4096], *l[4];
	struct err e;
	int op[2];

	/* "s" as \u0073, "-" as \u002d */
	both_answered("{\"return\": [], \"id\": \"\\u0073%s\"}\r\n"
	    "{\"return\": [{\"bus\": 0, \"devices\": []}], "
	    "\"id\": \"ss\\u002d%s\"}\r\n", 1, 3);

	m = pci_run(op, 2, buf, sizeof buf, l);
	id_of(l[1], id, sizeof id);
	snprintf(rbuf, sizeof rbuf, "{\"return\": [], \"id\": "
	    "\"\\u0073%s\"}\r\n", id + 1);
	say(rbuf);
	ck_assert_int_eq(tu_mon_run(m, 2000), MON_FAILED);
	mon_error(m, &e);
	ck_assert_msg(strstr(e.msg, "out of the order") != NULL, "%s", e.msg);
	mon_free(m);
}
END_TEST

/* QEMU answers in order: the second's id first is a protocol failure. */
START_TEST(out_of_order_fails)
{
	char buf[4096], id[40], *l[4];
	int op[2];
	struct mon *m = pci_run(op, 2, buf, sizeof buf, l);

	answer("{\"return\": []}", id_of(l[1], id, sizeof id));
	tu_mon_fails(m, MONERR_PROTOCOL, "answered query pci before query "
	    "pci, out of the order");
	ck_assert_int_eq(mon_result(m, op[0])->ok, 0);
	ck_assert_int_eq(mon_result(m, op[1])->ok, 0);
	ck_assert_int_eq(mon_result(m, op[1])->kind, MONERR_PROTOCOL);
	mon_free(m);
}
END_TEST

/* One reply of two: the second times out, and the op queued after the
 * run fails with it, never sent. */
START_TEST(time_out_fails_the_rest)
{
	struct mon_opts o = { .op_ms = 150 };
	struct mon *m = qmp_session(&o);
	char buf[4096], id[40], *l[4];
	struct err e;
	int p, q, r;

	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	q = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp = QOM_LIST,
	    .pipe = 1 }, &e);
	r = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	ck_assert_int_eq(one_write(m, buf, sizeof buf, l, 4), 2);
	answer("{\"return\": []}", id_of(l[0], id, sizeof id));
	tu_mon_fails(m, MONERR_TIMEOUT, "did not answer a raw command "
	    "within 150 ms");
	ck_assert_int_eq(mon_result(m, p)->ok, 1);
	ck_assert_int_eq(mon_result(m, q)->done, 1);
	ck_assert_int_eq(mon_result(m, q)->kind, MONERR_TIMEOUT);
	ck_assert_int_eq(mon_result(m, r)->done, 1);
	ck_assert_int_eq(mon_result(m, r)->kind, MONERR_TIMEOUT);
	ck_assert_uint_eq(P.len, 0);
	nothing_more(m, 0);	/* r was never written */
	mon_free(m);
}
END_TEST

/* The peer hangs up after the first reply of three. */
START_TEST(hang_up_fails_the_ones_in_flight)
{
	char buf[4096], id[40], *l[4];
	int op[3];
	struct mon *m = pci_run(op, 3, buf, sizeof buf, l);

	answer("{\"return\": []}", id_of(l[0], id, sizeof id));
	tu_mon_run(m, 50);
	ck_assert_int_eq(mon_result(m, op[0])->ok, 1);
	ck_assert_int_eq(mon_result(m, op[1])->done, 0);
	close(P.fd);
	P.fd = -1;
	tu_mon_fails(m, MONERR_UNREACHABLE, "closed the connection during "
	    "query pci");
	ck_assert_int_eq(mon_result(m, op[1])->kind, MONERR_UNREACHABLE);
	ck_assert_int_eq(mon_result(m, op[2])->kind, MONERR_UNREACHABLE);
	mon_free(m);
}
END_TEST

/* What is answered without a command never joins a run: query-version
 * (from the greeting) ends the run before it; the raw op after it, then
 * alone, goes once the first reply came.  A GETFD's fd rides with the
 * first byte: it does not join either. */
START_TEST(local_ops_end_a_run)
{
	struct mon *m = qmp_session(NULL);
	char buf[4096], id[40], *l[4];
	struct err e;
	const char *t;
	int p, v, q;

	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	v = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION,
	    .pipe = 1 }, &e);
	q = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp = QOM_LIST,
	    .pipe = 1 }, &e);
	mon_add(m, &(struct mon_req){ .op = MON_OP_GETFD, .name = "f1",
	    .fd = 0, .pipe = 1 }, &e);
	ck_assert_int_eq(one_write(m, buf, sizeof buf, l, 4), 1);
	answer("{\"return\": []}", id_of(l[0], id, sizeof id));
	t = tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_int_eq(mon_result(m, v)->ok, 1);
	ck_assert_int_eq(mon_result(m, v)->version.major, 7);
	ck_assert_ptr_eq(strstr(t, "{\"execute\":\"qom-list\","), t);
	nothing_more(m, 50);
	answer("{\"return\": []}", id_of(t, id, sizeof id));
	t = tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_ptr_eq(strstr(t, "{\"execute\":\"getfd\","), t);
	answer("{\"return\": {}}", id_of(t, id, sizeof id));
	done(m);
	ck_assert_int_eq(mon_result(m, p)->ok, 1);
	ck_assert_int_eq(mon_result(m, q)->ok, 1);
	ck_assert_str_eq(mon_result(m, q)->text, "[]");
	mon_free(m);
}
END_TEST

/* HMP: .pipe is ignored, the second command waits for the first's
 * prompt. */
START_TEST(hmp_one_at_a_time)
{
	struct err e;
	struct mon *m = mon_new(P.path, NULL, &e);
	const char *l;
	int p, v;

	ck_assert_ptr_nonnull(m);
	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	v = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION,
	    .pipe = 1 }, &e);
	ck_assert_int_eq(mon_start(m), MON_RUNNING);
	tu_peer_accept(&P);
	say(BANNER);
	l = tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_str_eq(l, "info pci\n");
	ck_assert_uint_eq(P.len, 0);
	nothing_more(m, 100);
	say("info pci\r\n  Bus  0, device   0, function 0:\r\n"
	    "    Host bridge: PCI device 8086:1237\r\n"
	    "      PCI subsystem 1af4:1100\r\n      id \"\"\r\n(qemu) ");
	l = tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_str_eq(l, "info version\n");
	say("info version\r\n7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\r\n"
	    "(qemu) ");
	done(m);
	ck_assert_int_eq(mon_result(m, p)->ok, 1);
	ck_assert_uint_eq(mon_result(m, p)->pci.n, 1);
	ck_assert_int_eq(mon_result(m, v)->ok, 1);
	mon_free(m);
}
END_TEST

/* The refresh's qom-list (anon_queue_list, its lines fixed: sent as
 * they are) goes out in the bytes the same command given as text gives
 * (checked, compacted, HMP's line end added), in both protocols; the
 * peer answers QMP so that both sessions end. */
START_TEST(fixed_lines_are_the_built_ones)
{
	static const struct mon_req built = { .op = MON_OP_RAW,
		.hmp = "qom-list /machine/peripheral-anon",
		.qmp = "{\"execute\": \"qom-list\", \"arguments\": "
		    "{\"path\": \"/machine/peripheral-anon\"}}" };
	char sent[2][2][600], buf[4096], id[40], *l[4];
	int k;

	for (k = 0; k < 2; k++) {
		struct err e;
		struct mon *m = qmp_session(NULL);
		const char *h;
		int op = k == 0 ? anon_queue_list(m, &e) : mon_add(m, &built,
		    &e);

		ck_assert_int_ge(op, 0);
		ck_assert_int_eq(one_write(m, buf, sizeof buf, l, 4), 1);
		id_of(l[0], id, sizeof id);
		/* the line up to its id */
		snprintf(sent[k][0], sizeof sent[k][0], "%.*s",
		    (int)(strstr(l[0], ",\"id\":") - l[0]), l[0]);
		answer("{\"return\": []}", id);
		ck_assert_int_eq(tu_mon_run(m, 2000), MON_DONE);
		ck_assert_int_eq(mon_result(m, op)->ok, 1);
		mon_free(m);
		tu_peer_free(&P);
		tu_peer_listen(&P, NULL);
		/* HMP */
		m = mon_new(P.path, NULL, &e);
		ck_assert_ptr_nonnull(m);
		op = k == 0 ? anon_queue_list(m, &e) : mon_add(m, &built, &e);
		ck_assert_int_ge(op, 0);
		ck_assert_int_eq(mon_start(m), MON_RUNNING);
		tu_peer_accept(&P);
		say(BANNER);
		h = tu_peer_line(&P, tu_mon_run_a_little, m);
		snprintf(sent[k][1], sizeof sent[k][1], "%s", h);
		mon_free(m);
		tu_peer_free(&P);
		tu_peer_listen(&P, NULL);
	}
	ck_assert_str_eq(sent[0][0], sent[1][0]);
	ck_assert_str_eq(sent[0][0], "{\"execute\":\"qom-list\","
	    "\"arguments\":{\"path\":\"/machine/peripheral-anon\"}");
	ck_assert_str_eq(sent[0][1], sent[1][1]);
	ck_assert_str_eq(sent[0][1], "qom-list /machine/peripheral-anon\n");
}
END_TEST

/* The refresh's qom-list read in place (anon_queue_list: the result's
 * kids, no text) names the same device[N] as its text (the flow's
 * anon_queue_list_text, read by anon_children's text path) for QEMU's
 * replies and for the forms left to the text: an escape, a name that is
 * no device[N], more children than mon_kids holds. */
START_TEST(qom_list_kids_as_its_text)
{
	static const struct {
		const char *ret;
		int kids;	/* read in place */
		const char *want;
	} t[] = {
		{ "[{\"name\": \"type\", \"type\": \"string\"}]", 1, "" },
		{ "[{\"name\": \"type\", \"type\": \"string\"}, {\"name\": "
		    "\"device[0]\", \"type\": \"child<e1000>\"}, {\"name\": "
		    "\"device[12]\", \"type\": \"child<virtio-net-pci>\"}]", 1,
		    "0,12," },
		{ "[{\"name\": \"device[3]\", \"type\": \"link<e1000>\"}, "
		    "{\"name\": \"dev[2]\", \"type\": \"child<e1000>\"}]", 1,
		    "" },
		{ "[]", 1, "" },
		/* blanks of another kind, an escape: the general path */
		{ "[ {\"type\":\"child<e1000>\",\"name\":\"device[4]\"} ]", 1,
		    "4," },
		{ "[{\"name\": \"device\\u005b7]\", \"type\": "
		    "\"child<e1000>\"}]", 1, "7," },
		/* left to the text: an escaped member name */
		{ "[{\"n\\u0061me\": \"device[2]\", \"type\": "
		    "\"child<e1000>\"}]", 0, "2," },
		{ NULL, 0, NULL },	/* 33 children: see below */
	};
	char many[2048], got[200], want[200], id[40], buf[4096], *l[4];
	size_t i, o = 0, k;

	o += (size_t)snprintf(many, sizeof many, "[");
	for (k = 0; k < 33; k++)
		o += (size_t)snprintf(many + o, sizeof many - o, "%s{\"name\": "
		    "\"device[%zu]\", \"type\": \"child<e1000>\"}", k ? ", " :
		    "", k);
	snprintf(many + o, sizeof many - o, "]");
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *ret = t[i].ret != NULL ? t[i].ret : many;
		char reply[2200];
		int v;

		snprintf(reply, sizeof reply, "{\"return\": %s}", ret);
		for (v = 0; v < 2; v++) {
			struct err e;
			struct mon *m = qmp_session(NULL);
			const struct mon_result *r;
			int op = v == 0 ? anon_queue_list(m, &e) :
			    anon_queue_list_text(m, &e), idx[ANON_MAX];
			size_t n, g = 0;

			ck_assert_int_ge(op, 0);
			ck_assert_int_eq(one_write(m, buf, sizeof buf, l, 4), 1);
			id_of(l[0], id, sizeof id);
			answer(reply, id);
			done(m);
			r = mon_result(m, op);
			ck_assert_int_eq(r->ok, 1);
			/* read in place only when asked and taken */
			ck_assert_int_eq(r->kids_ok, v == 0 && t[i].kids);
			ck_assert_int_eq(r->text == NULL, r->kids_ok);
			n = anon_children(r, MON_PROTO_QMP, idx, ANON_MAX);
			got[0] = '\0';
			for (k = 0; k < n; k++)
				g += (size_t)snprintf(got + g, sizeof got - g,
				    "%d,", idx[k]);
			if (v == 0)
				snprintf(want, sizeof want, "%s", got);
			else
				ck_assert_msg(strcmp(got, want) == 0, "%s: in "
				    "place %s, text %s", ret, want, got);
			if (t[i].want != NULL)
				ck_assert_msg(strcmp(got, t[i].want) == 0,
				    "%s: %s", ret, got);
			else
				ck_assert_uint_eq(n, ANON_MAX);
			/* fewer asked for: the first ones */
			ck_assert_uint_eq(anon_children(r, MON_PROTO_QMP, idx,
			    1), n > 0);
			if (n > 0)
				ck_assert_int_eq(idx[0], atoi(want));
			mon_free(m);
			tu_peer_free(&P);
			tu_peer_listen(&P, NULL);
		}
	}
}
END_TEST

/* --- against the simulator ---------------------------------------------- */

/* Run m's session and the simulator in turn until m stops. */
static enum mon_status
pump_sim(struct sim *s, struct mon *m)
{
	long end = tu_ms_now() + 5000;
	enum mon_status st = mon_start(m);
	struct err e;

	while (st == MON_RUNNING && tu_ms_now() < end) {
		struct pollfd pfd = { mon_fd(m), mon_poll_events(m), 0 };
		int rc;

		ck_assert_int_eq(sim_poll(s, 1, &e), 0);
		rc = poll(&pfd, pfd.fd >= 0 ? 1 : 0, 1);
		st = mon_step(m, rc > 0 ? pfd.revents : 0);
	}
	return st;
}

/* A refresh's ops (version, pci, the anonymous devices, peripheral) with
 * pipe or without; the results' texts and bus joined into out. */
static void
refresh_sim(struct sim *s, const char *ep, int pipe, char *out, size_t sz)
{
	struct err e;
	struct mon *m = mon_new(ep, NULL, &e);
	int v, p, a, q, k;
	size_t i, o = 0;

	ck_assert_ptr_nonnull(m);
	v = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	a = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp =
	    "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral-anon\"}}", .pipe = pipe }, &e);
	q = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp = QOM_LIST,
	    .pipe = pipe }, &e);
	/* a refusal in the middle of a run */
	k = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp =
	    "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/nowhere\"}}", .pipe = pipe }, &e);
	mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI, .pipe = pipe },
	    &e);
	ck_assert_msg(pump_sim(s, m) == MON_DONE, "%s",
	    (mon_error(m, &e), e.msg));
	ck_assert_int_eq(mon_result(m, v)->ok, 1);
	ck_assert_int_eq(mon_result(m, p)->ok, 1);
	ck_assert_int_eq(mon_result(m, a)->ok, 1);
	ck_assert_int_eq(mon_result(m, q)->ok, 1);
	ck_assert_int_eq(mon_result(m, k)->ok, 0);
	ck_assert_int_eq(mon_result(m, k + 1)->ok, 1);
	ck_assert_uint_gt(mon_result(m, p)->pci.n, 3);
	o += (size_t)snprintf(out + o, sz - o, "%s|%s|%s|",
	    mon_result(m, a)->text, mon_result(m, q)->text,
	    mon_result(m, k)->msg);
	for (i = 0; i < mon_result(m, k + 1)->pci.n && o < sz; i++)
		o += (size_t)snprintf(out + o, sz - o, "%d.%d %s %04x:%04x;",
		    mon_result(m, k + 1)->pci.fn[i].slot,
		    mon_result(m, k + 1)->pci.fn[i].func,
		    mon_result(m, k + 1)->pci.fn[i].id,
		    mon_result(m, k + 1)->pci.fn[i].vendor,
		    mon_result(m, k + 1)->pci.fn[i].device);
	ck_assert_uint_lt(o, sz);
	mon_free(m);
}

START_TEST(simulator_reads_the_same_pipelined)
{
	char *dir = tu_tmpdir(), ep[4200], one[8192], piped[8192];
	struct sim_inst_opts o;
	struct sim_inst *in;
	struct err e;
	struct sim *s;

	ck_assert_ptr_nonnull(dir);
	s = sim_new(&e);
	ck_assert_ptr_nonnull(s);
	memset(&o, 0, sizeof o);
	o.dir = dir;
	o.name = "vm1";
	in = sim_add(s, &o, &e);
	ck_assert_msg(in != NULL, "%s", e.msg);
	snprintf(ep, sizeof ep, "unix:%s", sim_inst_qmp_path(in));
	refresh_sim(s, ep, 0, one, sizeof one);
	refresh_sim(s, ep, 1, piped, sizeof piped);
	ck_assert_str_eq(piped, one);
	ck_assert_msg(strstr(one, "]|Device '/machine/nowhere' not found|0.0 ")
	    != NULL, "%s", one);
	sim_free(s);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

Suite *
monpipe_suite(void)
{
	Suite *s = suite_create("monpipe");
	TCase *t = tcase_create("monpipe");

	tcase_add_checked_fixture(t, peer_listen, peer_teardown);
	tcase_set_timeout(t, 10);
	tcase_add_test(t, run_written_together_matched_in_order);
	tcase_add_test(t, foreign_ids_dropped_on_both_readers);
	tcase_add_test(t, out_of_order_fails);
	tcase_add_test(t, escaped_ids_still_ours);
	tcase_add_test(t, time_out_fails_the_rest);
	tcase_add_test(t, hang_up_fails_the_ones_in_flight);
	tcase_add_test(t, local_ops_end_a_run);
	tcase_add_test(t, hmp_one_at_a_time);
	tcase_add_test(t, simulator_reads_the_same_pipelined);
	tcase_add_test(t, fixed_lines_are_the_built_ones);
	tcase_add_test(t, qom_list_kids_as_its_text);
	suite_add_tcase(s, t);
	return s;
}
