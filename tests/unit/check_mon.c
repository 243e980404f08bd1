/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_mon.c - the monitor session state machine against a scripted peer
 * on a unix socket in a temp dir (this test plays QEMU with recorded
 * bytes): QMP events between a command and its reply, DEVICE_DELETED
 * matching, byte-by-byte HMP delivery, SCM_RIGHTS, and every transport
 * failure (busy, unreachable, timeout, garbage) ending in a clear error.
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
#include "monrun.h"
#include "peer.h"
#include "testutil.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"Debian\"}, " \
	"\"capabilities\": [\"oob\"]}}\r\n"
#define BANNER "QEMU 7.2.22 monitor - type 'help' for more information\r\n" \
	"(qemu) "
#define RET "{\"return\": {}}\r\n"

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

/* A mon connected to the peer (accepted). */
static struct mon *
connected(const struct mon_opts *o)
{
	struct err e;
	struct mon *m = mon_new(P.path, o, &e);

	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_eq(mon_start(m), MON_RUNNING);
	tu_peer_accept(&P);
	return m;
}

static void
say(const char *s)
{
	tu_peer_say(&P, s);
}

/* The next line the mon sent (pumping it meanwhile). */
static const char *
heard(struct mon *m)
{
	return tu_peer_line(&P, tu_mon_run_a_little, m);
}

static void
expect(struct mon *m, const char *want)
{
	const char *l = heard(m);
	char buf[8192];
	const char *id = strstr(l, ",\"id\":\"ss-");

	/* QMP commands end in mon's own "id" (a fresh one per command):
	 * compare without it, and check that it is there */
	if (l[0] == '{') {
		ck_assert_msg(id != NULL && strchr(id + 7, '"') != NULL &&
		    strcmp(strchr(id + 7, '"'), "\"}\n") == 0,
		    "no id at the end of '%s'", l);
		snprintf(buf, sizeof buf, "%.*s}\n", (int)(id - l), l);
		l = buf;
	}
	ck_assert_msg(strcmp(l, want) == 0, "sent '%s', expected '%s'", l,
	    want);
}

static struct mon *
qmp_ready(const struct mon_opts *o)
{
	struct mon *m = connected(o);

	say(GREETING);
	expect(m, "{\"execute\":\"qmp_capabilities\"}\n");
	say(RET);
	return m;
}

/* pc-guest-readd-race.log: a device_add whose error reply comes after the
 * two DEVICE_DELETED events of the device's previous life. */
START_TEST(qmp_events_are_queued_never_replies)
{
	struct mon *m = connected(NULL);
	struct moncmd_device d = { "virtio-net-pci", "nic-77777777-pci-7",
		"pci.0", 7, 0, NULL, 0 };
	struct err e;
	int a, b, w;
	json_t *ev;

	a = mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &d }, &e);
	b = mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &d }, &e);
	w = mon_add(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED,
	    .id = "nic-77777777-pci-7", .timeout_ms = 1000 }, &e);
	say(GREETING);
	expect(m, "{\"execute\":\"qmp_capabilities\"}\n");
	/* an event before the negotiation's reply */
	say("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
	    "\"event\": \"RESUME\"}\r\n" RET);
	expect(m, "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
	    "\"virtio-net-pci\",\"id\":\"nic-77777777-pci-7\",\"bus\":"
	    "\"pci.0\",\"addr\":\"0x7\"}}\n");
	say("{\"timestamp\": {\"seconds\": 1795562087, \"microseconds\": "
	    "887255}, \"event\": \"DEVICE_DELETED\", \"data\": {\"path\": "
	    "\"/machine/peripheral/nic-77777777-pci-7/virtio-backend\"}}\r\n"
	    "{\"timestamp\": {\"seconds\": 1795562087, \"microseconds\": "
	    "887542}, \"event\": \"DEVICE_DELETED\", \"data\": {\"device\": "
	    "\"nic-77777777-pci-7\", \"path\": "
	    "\"/machine/peripheral/nic-77777777-pci-7\"}}\r\n");
	tu_mon_run(m, 30);
	ck_assert_int_eq(mon_result(m, a)->done, 0);	/* events aren't replies */
	say("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Duplicate "
	    "device ID 'nic-77777777-pci-7'\"}}\r\n");
	heard(m);
	say(RET);
	ck_assert_msg(tu_mon_run(m, 2000) == MON_DONE, "%s",
	    (mon_error(m, &e), e.msg));
	ck_assert_int_eq(mon_result(m, a)->ok, 0);
	ck_assert_int_eq(mon_result(m, a)->kind, MONERR_DUPLICATE_ID);
	ck_assert_str_eq(mon_result(m, a)->msg,
	    "Duplicate device ID 'nic-77777777-pci-7'");
	ck_assert_int_eq(mon_result(m, b)->ok, 1);
	/* the event had already come: the wait ends at once */
	ck_assert_int_eq(mon_result(m, w)->ok, 1);
	ev = mon_take_event(m);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "event")),
	    "RESUME");
	json_decref(ev);
	ev = mon_take_event(m);
	ck_assert_int_eq(json_object_get(json_object_get(ev, "data"),
	    "device") == NULL, 1);
	json_decref(ev);
	ev = mon_take_event(m);
	ck_assert_ptr_nonnull(ev);
	json_decref(ev);
	ck_assert_ptr_null(mon_take_event(m));
	mon_free(m);
}
END_TEST

/* Only the event with data.device == id ends the wait. */
START_TEST(qmp_wait_deleted_needs_the_device_event)
{
	struct mon *m = qmp_ready(NULL);
	struct err e;
	int w;

	w = mon_add(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED,
	    .id = "nic-6f1a2b3c-pci-5", .timeout_ms = 3000 }, &e);
	tu_mon_run(m, 20);
	say("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 1}, \"event\": "
	    "\"DEVICE_DELETED\", \"data\": {\"path\": \"/machine/peripheral/"
	    "nic-6f1a2b3c-pci-5/virtio-backend\"}}\r\n");
	say("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": "
	    "\"DEVICE_DELETED\", \"data\": {\"device\": \"nic-6f1a2b3c-pci-50\","
	    " \"path\": \"/machine/peripheral/nic-6f1a2b3c-pci-50\"}}\r\n");
	tu_mon_run(m, 50);
	ck_assert_int_eq(mon_result(m, w)->done, 0);
	say("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 3}, \"event\": "
	    "\"DEVICE_DELETED\", \"data\": {\"device\": \"nic-6f1a2b3c-pci-5\", "
	    "\"path\": \"/machine/peripheral/nic-6f1a2b3c-pci-5\"}}\r\n");
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_DONE);
	ck_assert_int_eq(mon_result(m, w)->ok, 1);
	mon_free(m);
}
END_TEST

START_TEST(qmp_wait_deleted_times_out_and_goes_on)
{
	struct mon *m = qmp_ready(NULL);
	struct err e;
	int w, v, p;

	w = mon_add(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED,
	    .id = "nic-1", .timeout_ms = 100 }, &e);
	/* QMP's version comes from the greeting: nothing is sent for it */
	v = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	expect(m, "{\"execute\":\"query-pci\"}\n");
	say("{\"return\": []}\r\n");
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_DONE);
	ck_assert_int_eq(mon_result(m, w)->kind, MONERR_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(mon_result(m, w)->msg,
	    "no DEVICE_DELETED"));
	ck_assert_int_eq(mon_result(m, v)->ok, 1);
	ck_assert_int_eq(mon_result(m, v)->version.micro, 22);
	ck_assert_str_eq(mon_result(m, v)->version.package, "Debian");
	ck_assert_int_eq(mon_result(m, p)->ok, 1);
	mon_free(m);
}
END_TEST

/* HMP bytes delivered one at a time: banner, then a real info pci reply
 * with its readline echo. */
START_TEST(hmp_charwise_delivery)
{
	struct mon *m = connected(NULL);
	struct err e;
	size_t n, i;
	char *raw = tu_fixture("hmp/info-pci-default.raw", &n);
	const char *b = BANNER;
	int op = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	struct pci_info pi;

	for (i = 0; b[i]; i++) {
		ck_assert_int_eq(write(P.fd, b + i, 1), 1);
		tu_mon_run(m, 1);
	}
	expect(m, "info pci\n");
	for (i = 0; i < n; i += 7) {
		size_t k = n - i < 7 ? n - i : 7;

		ck_assert_int_eq(write(P.fd, raw + i, k), (ssize_t)k);
		tu_mon_run(m, 1);
	}
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_DONE);
	ck_assert_int_eq(mon_protocol(m), MON_PROTO_HMP);
	ck_assert_int_eq(mon_result(m, op)->ok, 1);
	ck_assert_int_eq(mon_take_pci(m, op, &pi), 0);
	ck_assert_uint_eq(pi.n, 6);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0xf);
	pci_info_free(&pi);
	ck_assert_int_eq(mon_fd(m), -1);	/* disconnected after the batch */
	free(raw);
	mon_free(m);
}
END_TEST

/* HMP replies: empty = done, text = QEMU's refusal, classified. */
START_TEST(hmp_replies_and_refusals)
{
	struct mon *m = connected(NULL);
	struct moncmd_drive d = { .id = "drive-1", .file = "/tmp/x.img",
	    .format = NULL };
	struct err e;
	int a, b, c;

	a = mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "nic-1" }, &e);
	b = mon_add(m, &(struct mon_req){ .op = MON_OP_DRIVE_ADD, .drive = &d },
	    &e);
	c = mon_add(m, &(struct mon_req){ .op = MON_OP_DRIVE_DEL,
	    .id = "nosuch" }, &e);
	say(BANNER);
	expect(m, "device_del nic-1\n");
	say("device_del nic-1\r\n(qemu) ");
	expect(m, "drive_add dummy file=/tmp/x.img,if=none,id=drive-1,"
	    "format=raw\n");
	say("drive_add dummy \x1b[K\r\nDuplicate ID 'drive-1' for drive\r\n"
	    "(qemu) ");
	expect(m, "drive_del nosuch\n");
	say("drive_del nosuch\r\nDevice 'nosuch' not found\r\n(qemu) ");
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_DONE);
	ck_assert_int_eq(mon_result(m, a)->ok, 1);
	ck_assert_int_eq(mon_result(m, b)->kind, MONERR_DUPLICATE_ID);
	ck_assert_str_eq(mon_result(m, b)->msg,
	    "Duplicate ID 'drive-1' for drive");
	ck_assert_int_eq(mon_result(m, c)->kind, MONERR_NOT_FOUND);
	mon_free(m);
}
END_TEST

/* getfd: the fd travels with the command bytes (SCM_RIGHTS). */
START_TEST(getfd_passes_the_fd)
{
	struct mon *m = connected(NULL);
	struct err e;
	int pfd[2], op, got = -1;
	char buf[64], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t r;

	ck_assert_int_eq(pipe(pfd), 0);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_GETFD,
	    .name = "tapfd-1", .fd = pfd[1] }, &e);
	ck_assert_int_ge(op, 0);
	close(pfd[1]);		/* mon holds its own copy */
	say(BANNER);
	tu_mon_run(m, 50);
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	r = recvmsg(P.fd, &mh, 0);
	ck_assert_int_eq(r, 14);
	ck_assert_int_eq(memcmp(buf, "getfd tapfd-1\n", 14), 0);
	c = CMSG_FIRSTHDR(&mh);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->cmsg_type, SCM_RIGHTS);
	memcpy(&got, CMSG_DATA(c), sizeof got);
	ck_assert_int_eq(write(got, "x", 1), 1);	/* the pipe's write end */
	ck_assert_int_eq(read(pfd[0], buf, 1), 1);
	close(got);
	say("getfd tapfd-1\r\n(qemu) ");
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_DONE);
	ck_assert_int_eq(mon_result(m, op)->ok, 1);
	close(pfd[0]);
	mon_free(m);
	/* fds cannot travel over TCP */
	m = mon_new("tcp:127.0.0.1:4444", NULL, &e);
	ck_assert_int_eq(mon_add(m, &(struct mon_req){ .op = MON_OP_GETFD,
	    .name = "x", .fd = 0 }, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "unix"));
	mon_free(m);
}
END_TEST

/* --- transport failures ------------------------------------------------ */

/* A peer that accepted the connection and stays silent is no QEMU
 * monitor (QEMU greets at once; a QEMU busy with another client does not
 * accept): Linux says it accepted us (sockdiag). */
START_TEST(silent_peer_is_no_monitor)
{
	struct mon_opts o = { .greet_ms = 100 };
	struct mon *m = connected(&o);
	struct err e;
	int op = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);

	tu_mon_fails(m, MONERR_PROTOCOL, "is no QEMU monitor: it accepted the "
	    "connection and sent nothing in 100 ms");
	ck_assert_int_eq(mon_result(m, op)->kind, MONERR_PROTOCOL);
	ck_assert_int_eq(mon_fd(m), -1);
	/* nothing was sent before the banner */
	ck_assert_int_eq(recv(P.fd, P.buf, sizeof P.buf, MSG_DONTWAIT), 0);
	mon_free(m);
}
END_TEST

START_TEST(partial_greeting_times_out)
{
	struct mon_opts o = { .greet_ms = 100 };
	struct mon *m = connected(&o);

	say("QEMU 7.2.22 monitor - type 'help'");
	tu_mon_fails(m, MONERR_TIMEOUT, "incomplete greeting");
	mon_free(m);
}
END_TEST

START_TEST(garbage_is_a_protocol_error)
{
	static const char *const junk[] = {
		"HTTP/1.0 400 Bad Request\r\n\r\n",
		"{\"foo\": 1}\r\n",
		"{not json\r\n",
		"QEMU x\r\nsomething else",
	};
	size_t i;

	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		struct mon *m = connected(NULL);
		struct err e;

		mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
		say(junk[i]);
		ck_assert_int_eq(tu_mon_run(m, 2000), MON_FAILED);
		ck_assert_msg(mon_error(m, &e) == MONERR_PROTOCOL, "%s: %s",
		    junk[i], e.msg);
		mon_free(m);
		close(P.fd);
		P.fd = -1;
	}
}
END_TEST

/* Before the greeting QEMU may send what it meant for the client before
 * us (one killed -9 with a command in flight): its reply, an event.
 * Dropped; the greeting after them opens the session.  Anything else
 * first is still no QEMU monitor, also after such a line. */
START_TEST(qmp_stray_lines_before_greeting)
{
	static const char *const junk[] = {
		"{\"return\": {}}\r\nHTTP/1.0 400 Bad Request\r\n\r\n",
		"{\"event\": \"RESET\"}\r\n{\"foo\": 1}\r\n",
	};
	struct mon *m = connected(NULL);
	struct err e;
	size_t i;
	int p;

	p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	say("{\"return\": {}, \"id\": \"ss-0badc0de-3\"}\r\n"
	    "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
	    "\"event\": \"RESET\", \"data\": {\"guest\": false}}\r\n");
	say(GREETING);
	expect(m, "{\"execute\":\"qmp_capabilities\"}\n");
	say(RET);
	expect(m, "{\"execute\":\"query-pci\"}\n");
	say("{\"return\": []}\r\n");
	ck_assert_int_eq(tu_mon_run(m, 2000), MON_DONE);
	ck_assert_int_eq(mon_result(m, p)->ok, 1);
	ck_assert_int_eq(mon_protocol(m), MON_PROTO_QMP);
	mon_free(m);
	close(P.fd);
	P.fd = -1;
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		m = connected(NULL);
		mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
		say(junk[i]);
		ck_assert_int_eq(tu_mon_run(m, 2000), MON_FAILED);
		ck_assert_msg(mon_error(m, &e) == MONERR_PROTOCOL, "%s: %s",
		    junk[i], e.msg);
		ck_assert_ptr_nonnull(strstr(e.msg, "not a QMP greeting"));
		mon_free(m);
		close(P.fd);
		P.fd = -1;
	}
}
END_TEST

START_TEST(qmp_garbage_after_greeting)
{
	struct mon *m = qmp_ready(NULL);
	struct err e;

	mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	expect(m, "{\"execute\":\"query-pci\"}\n");
	say("{\"return\": [}\r\n");
	tu_mon_fails(m, MONERR_PROTOCOL, "not JSON");
	mon_free(m);
}
END_TEST

START_TEST(unanswered_command_times_out)
{
	struct mon_opts o = { .op_ms = 150 };
	struct mon *m = connected(&o);
	struct err e;
	int a, b;

	a = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	b = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	say(BANNER);
	expect(m, "info pci\n");
	say("info pci\r\n  Bus  0, device   0, function 0:\r\n");
	tu_mon_fails(m, MONERR_TIMEOUT, "did not answer query pci within "
	    "150 ms");
	ck_assert_int_eq(mon_result(m, a)->kind, MONERR_TIMEOUT);
	ck_assert_int_eq(mon_result(m, b)->done, 1);
	ck_assert_int_eq(mon_result(m, b)->ok, 0);
	mon_free(m);
}
END_TEST

START_TEST(peer_closing_is_unreachable)
{
	struct mon *m = connected(NULL);
	struct err e;

	mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	say(BANNER);
	expect(m, "info pci\n");
	say("info pci\r\n  Bus  0, dev");
	close(P.fd);
	P.fd = -1;
	tu_mon_fails(m, MONERR_UNREACHABLE, "closed the connection during "
	    "query pci");
	mon_free(m);
	/* closed before greeting */
	m = connected(NULL);
	close(P.fd);
	P.fd = -1;
	tu_mon_fails(m, MONERR_UNREACHABLE, "before greeting");
	mon_free(m);
}
END_TEST

START_TEST(nobody_listening_is_unreachable)
{
	struct err e;
	char path[4300];
	struct mon *m;

	snprintf(path, sizeof path, "%s/none.sock", P.dir);
	m = mon_new(path, NULL, &e);
	mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	ck_assert_int_eq(mon_start(m), MON_FAILED);
	ck_assert_int_eq(mon_error(m, &e), MONERR_UNREACHABLE);
	ck_assert_ptr_nonnull(strstr(e.msg, "No such file"));
	ck_assert_int_eq(mon_run(m, &e), -1);
	mon_free(m);
	ck_assert_ptr_null(mon_new("tcp:nohost", NULL, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "port"));
}
END_TEST

/* keep_open: a second batch over the same connection, events read while
 * idle, and a hang-up while idle noticed. */
START_TEST(keep_open_runs_more_batches)
{
	struct mon_opts o = { .keep_open = 1 };
	struct mon *m = qmp_ready(&o);
	struct err e;
	int a;
	json_t *ev;

	ck_assert_int_eq(tu_mon_run(m, 200), MON_IDLE);
	say("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 1}, \"event\": "
	    "\"STOP\"}\r\n");
	ck_assert_int_eq(tu_mon_run(m, 50), MON_IDLE);
	ck_assert_int_eq(mon_poll_events(m) & POLLIN, POLLIN);
	{
		struct pollfd pfd = { mon_fd(m), mon_poll_events(m), 0 };

		ck_assert_int_eq(poll(&pfd, 1, 500), 1);
		mon_step(m, pfd.revents);
	}
	ev = mon_take_event(m);
	ck_assert_ptr_nonnull(ev);
	json_decref(ev);
	a = mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "nic-1" }, &e);
	ck_assert_int_eq(mon_timeout_ms(m), 0);	/* wake up to send */
	expect(m, "{\"execute\":\"device_del\",\"arguments\":{\"id\":"
	    "\"nic-1\"}}\n");
	say("{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device "
	    "'nic-1' not found\"}}\r\n");
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_IDLE);
	ck_assert_int_eq(mon_result(m, a)->kind, MONERR_NOT_FOUND);
	close(P.fd);
	P.fd = -1;
	{
		/* an idle connection is still polled for input */
		struct pollfd pfd = { mon_fd(m), mon_poll_events(m), 0 };

		ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
		ck_assert_int_eq(mon_step(m, pfd.revents), MON_FAILED);
	}
	ck_assert_int_eq(mon_error(m, &e), MONERR_UNREACHABLE);
	ck_assert_int_eq(mon_fd(m), -1);
	mon_free(m);
}
END_TEST

/* An op refused for the protocol in use is not sent. */
START_TEST(arguments_checked_before_sending)
{
	struct mon *m = connected(NULL);
	struct moncmd_drive d = { .id = "drive-1", .file = "/tmp/my disk.img",
	    .format = NULL };
	struct err e;
	int a, b;

	ck_assert_int_eq(mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "bad id" }, &e), -1);
	ck_assert_int_eq(mon_add(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = "info pci\n", .qmp = NULL }, &e), -1);
	a = mon_add(m, &(struct mon_req){ .op = MON_OP_DRIVE_ADD, .drive = &d },
	    &e);	/* fine for QMP only */
	ck_assert_int_ge(a, 0);
	b = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	say(BANNER);
	expect(m, "info version\n");
	say("info version\r\n7.2.22Debian 1:7.2+dfsg-7+deb12u18+b3\r\n"
	    "(qemu) ");
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_DONE);
	ck_assert_int_eq(mon_result(m, a)->kind, MONERR_BAD_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(mon_result(m, a)->msg, "space"));
	ck_assert_int_eq(mon_result(m, b)->version.minor, 2);
	mon_free(m);
}
END_TEST

/* mon_new_fd over a socketpair; a reply followed at once by a hang-up is
 * still taken; such a session cannot reconnect. */
START_TEST(adopted_fd_and_reply_then_close)
{
	int sv[2], op;
	struct err e;
	struct mon *m;
	char buf[256];
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	m = mon_new_fd(sv[0], NULL, &e);
	ck_assert_ptr_nonnull(m);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	ck_assert_int_eq(mon_start(m), MON_RUNNING);
	ck_assert_int_eq(write(sv[1], BANNER, strlen(BANNER)),
	    (ssize_t)strlen(BANNER));
	tu_mon_run(m, 50);
	n = read(sv[1], buf, sizeof buf);
	ck_assert_int_eq(n, 13);
	ck_assert_int_eq(memcmp(buf, "info version\n", 13), 0);
	ck_assert_int_gt(write(sv[1], "info version\r\n7.2.22\r\n(qemu) ",
	    29), 0);
	close(sv[1]);
	ck_assert_int_eq(tu_mon_run(m, 1000), MON_DONE);
	ck_assert_int_eq(mon_result(m, op)->ok, 1);
	ck_assert_int_eq(mon_result(m, op)->version.micro, 22);
	mon_reset(m);
	mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	ck_assert_int_eq(mon_start(m), MON_FAILED);
	ck_assert_int_eq(mon_error(m, &e), MONERR_UNREACHABLE);
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot be reopened"));
	mon_free(m);
}
END_TEST

/* The one way to ask refuses a request that lacks what its kind needs,
 * before anything is queued or sent; mon_do() says so in its result. */
START_TEST(requests_missing_arguments_are_refused)
{
	struct mon_result res;
	struct err e;
	struct mon *m = mon_new("unix:/nonexistent/slotscope.sock", NULL, &e);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(mon_add(m, NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no such monitor operation"));
	ck_assert_int_eq(mon_add(m, &(struct mon_req){ .op = (enum mon_op)99 },
	    &e), -1);
	ck_assert_int_eq(mon_add(m, &(struct mon_req){
	    .op = MON_OP_DEVICE_ADD }, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no device given"));
	ck_assert_int_eq(mon_add(m, &(struct mon_req){
	    .op = MON_OP_NETDEV_ADD }, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no netdev given"));
	ck_assert_int_eq(mon_add(m, &(struct mon_req){
	    .op = MON_OP_DRIVE_ADD }, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no drive given"));
	ck_assert_int_eq(mon_add(m, &(struct mon_req){
	    .op = MON_OP_WAIT_DELETED }, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no device id"));
	ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "a b" }, &res, &e), -1);
	ck_assert_int_eq(res.op, MON_OP_DEVICE_DEL);
	ck_assert_int_eq(res.ok, 0);
	ck_assert_int_eq(res.kind, MONERR_BAD_ARGUMENT);
	ck_assert_str_eq(res.msg, e.msg);
	ck_assert_int_eq(mon_last_kind(m), MONERR_BAD_ARGUMENT);
	ck_assert_uint_eq(mon_nresults(m), 0);
	ck_assert_int_eq(mon_fd(m), -1);	/* nothing was started */
	mon_result_free(&res);
	mon_free(m);
}
END_TEST

/* An idle session handed to another struct mon goes on there: the next
 * command goes over the same connection (no new accept, greeting or
 * negotiation), its id continuing the sequence; the first is closed; the
 * bus handed with it answers one query-pci.
 * What cannot take it, or is not idle, is refused and nothing moves. */
START_TEST(hand_over_goes_on_without_a_new_greeting)
{
	struct mon_opts o = { .keep_open = 1 };
	struct mon *a = qmp_ready(&o), *b, *c;
	struct pci_info live;
	struct pci_fn fn = { .slot = 0 };
	struct err e;
	const char *l;
	int p, h;

	p = mon_add(a, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	expect(a, "{\"execute\":\"query-pci\"}\n");
	say("{\"return\": []}\r\n");
	ck_assert_int_eq(tu_mon_run(a, 2000), MON_IDLE);
	ck_assert_int_eq(mon_result(a, p)->ok, 1);
	c = mon_new("unix:/nonexistent/x.qmp", NULL, &e);
	ck_assert_int_eq(mon_hand_over(a, c, NULL, &e), -1);	/* elsewhere */
	ck_assert_int_eq(mon_status(a), MON_IDLE);
	b = mon_new(P.path, NULL, &e);
	ck_assert_ptr_nonnull(b);
	pci_info_init(&live);
	fn.slot = 7;
	snprintf(fn.id, sizeof fn.id, "nic-1");
	ck_assert_int_eq(pci_info_add(&live, &fn, &e), 0);
	ck_assert_int_eq(mon_hand_over(a, b, &live, &e), 0);
	pci_info_free(&live);
	ck_assert_int_eq(mon_fd(a), -1);
	ck_assert_int_eq(mon_status(a), MON_DONE);
	ck_assert_int_eq(mon_hand_over(a, c, NULL, &e), -1);	/* nothing left */
	ck_assert_int_eq(mon_status(b), MON_IDLE);
	ck_assert_int_eq(mon_protocol(b), MON_PROTO_QMP);
	/* the first query-pci is answered by the bus handed over, the
	 * second asks */
	h = mon_add(b, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	p = mon_add(b, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	ck_assert_int_eq(mon_start(b), MON_RUNNING);
	ck_assert_int_eq(mon_result(b, h)->ok, 1);
	ck_assert_uint_eq(mon_result(b, h)->pci.n, 1);
	ck_assert_str_eq(mon_result(b, h)->pci.fn[0].id, "nic-1");
	l = heard(b);
	ck_assert_msg(strstr(l, "{\"execute\":\"query-pci\",\"id\":\"ss-") ==
	    l && strstr(l, "-3\"}\n") != NULL, "sent '%s'", l);
	say("{\"return\": [{\"bus\": 0, \"devices\": []}]}\r\n");
	ck_assert_int_eq(tu_mon_run(b, 2000), MON_DONE);
	ck_assert_int_eq(mon_result(b, p)->ok, 1);
	ck_assert_uint_eq(mon_result(b, p)->pci.n, 0);
	mon_free(a);
	mon_free(b);
	mon_free(c);
}
END_TEST

Suite *
mon_suite(void)
{
	Suite *s = suite_create("mon");
	TCase *t = tcase_create("mon");

	tcase_add_checked_fixture(t, peer_listen, peer_teardown);
	tcase_set_timeout(t, 10);
	tcase_add_test(t, qmp_events_are_queued_never_replies);
	tcase_add_test(t, qmp_wait_deleted_needs_the_device_event);
	tcase_add_test(t, qmp_wait_deleted_times_out_and_goes_on);
	tcase_add_test(t, hmp_charwise_delivery);
	tcase_add_test(t, hmp_replies_and_refusals);
	tcase_add_test(t, getfd_passes_the_fd);
	tcase_add_test(t, silent_peer_is_no_monitor);
	tcase_add_test(t, partial_greeting_times_out);
	tcase_add_test(t, garbage_is_a_protocol_error);
	tcase_add_test(t, qmp_garbage_after_greeting);
	tcase_add_test(t, qmp_stray_lines_before_greeting);
	tcase_add_test(t, unanswered_command_times_out);
	tcase_add_test(t, peer_closing_is_unreachable);
	tcase_add_test(t, nobody_listening_is_unreachable);
	tcase_add_test(t, keep_open_runs_more_batches);
	tcase_add_test(t, arguments_checked_before_sending);
	tcase_add_test(t, requests_missing_arguments_are_refused);
	tcase_add_test(t, adopted_fd_and_reply_then_close);
	tcase_add_test(t, hand_over_goes_on_without_a_new_greeting);
	suite_add_tcase(s, t);
	return s;
}
