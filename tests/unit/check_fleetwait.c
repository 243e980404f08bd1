/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_fleetwait.c - the fleet engine's deadlines (the heap of its open
 * sessions, core/fleet/fleetpoll.c) against scripted monitor peers: with
 * unequal timeouts the sessions end in the order of their deadlines, each
 * at its own and not before, without the loop spinning; a deadline that
 * moves earlier or later (a reply in, the next one due within another
 * time) is the one that counts; a session closed while its deadline is
 * kept is gone from the poll timeout; a forked child's sessions and
 * deadlines are its own, and the parent's stay. */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fleet/fleet.h"
#include "peer.h"
#include "testutil.h"

#define ALL ((size_t)-1)
#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"\"}, " \
	"\"capabilities\": []}}\r\n"
#define RET "{\"return\": {}}\r\n"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A peer that accepts and never says a word. */
static void
mute(int c, void *arg)
{
	char buf[256];

	(void)arg;
	while (read(c, buf, sizeof buf) > 0)
		;
}

/* A served mute peer in a fresh dir, and an instance on it with this
 * greeting time-out. */
static void
add_mute(struct fleet *f, struct tu_peer *p, const char *name, int greet_ms)
{
	struct err e;

	tu_peer_listen(p, NULL);
	tu_peer_serve(p, mute, NULL);
	f->monitor_timeout_ms = greet_ms;
	ck_assert_msg(fleet_add(f, name, p->path, &e) >= 0, "%s", e.msg);
}

/* The poll timeout the fleet asks for now (-1: none), and how many fds. */
static int
timeout_of(struct fleet *f, size_t *n)
{
	struct pollfd pfd[8];
	int t = -1;

	*n = fleet_pollfds(f, pfd, 8, &t);
	return t;
}

/* One wakeup of a caller's loop, waiting at most cap ms. */
static void
one_round(struct fleet *f, int cap)
{
	struct pollfd pfd[8];
	int t = -1;
	size_t n = fleet_pollfds(f, pfd, 8, &t);

	poll(pfd, n, t < 0 || t > cap ? cap : t);
	fleet_step(f, pfd, n, 0);
}

static void
pump(void *f)
{
	one_round(f, 5);
}

START_TEST(unequal_deadlines_in_order)
{
	static const int ms[3] = { 900, 300, 600 };
	struct tu_peer p[3];
	struct fleet f;
	double t0, end[3] = { 0, 0, 0 };
	size_t order[3], nend = 0, n, k;
	int wakeups = 0;
	char want[64];

	fleet_init(&f, NULL);
	add_mute(&f, &p[0], "slow", ms[0]);
	add_mute(&f, &p[1], "quick", ms[1]);
	add_mute(&f, &p[2], "mid", ms[2]);
	t0 = now_ms();
	fleet_refresh_start(&f, ALL, 0);
	ck_assert_uint_eq(f.nrun, 3);
	/* the nearest of the three, whatever order they were added in */
	ck_assert_int_le(timeout_of(&f, &n), ms[1]);
	ck_assert_int_ge(timeout_of(&f, &n), 0);
	while (fleet_npending(&f) > 0 && wakeups < 1000 &&
	    now_ms() - t0 < 10000) {
		one_round(&f, 1000);
		wakeups++;
		for (k = 0; k < 3; k++)
			if (!f.inst[k].refreshing && end[k] == 0) {
				end[k] = now_ms() - t0;
				order[nend++] = k;
			}
	}
	ck_assert_uint_eq(nend, 3);
	ck_assert_uint_eq(order[0], 1);
	ck_assert_uint_eq(order[1], 2);
	ck_assert_uint_eq(order[2], 0);
	for (k = 0; k < 3; k++) {
		ck_assert_int_ne(f.inst[k].conn, INST_OK);
		snprintf(want, sizeof want, "sent nothing in %d ms", ms[k]);
		ck_assert_msg(strstr(f.inst[k].error, want) != NULL,
		    "%s: %s", f.inst[k].name, f.inst[k].error);
		/* its own deadline, not cut short */
		ck_assert_msg(end[k] >= ms[k] - 2, "%s ended after %.0f ms",
		    f.inst[k].name, end[k]);
	}
	/* woken by the deadlines, not spinning on a stale one */
	ck_assert_int_lt(wakeups, 100);
	ck_assert_int_eq(timeout_of(&f, &n), -1);
	ck_assert_uint_eq(n, 0);
	fleet_free(&f);
	for (k = 0; k < 3; k++)
		tu_peer_free(&p[k]);
}
END_TEST

/* The session of peer p (played here) greets and is negotiated, and has
 * then sent query-pci: its deadline is op_ms from now. */
static void
to_query(struct fleet *f, struct tu_peer *p)
{
	tu_peer_accept(p);
	tu_peer_say(p, GREETING);
	ck_assert_ptr_nonnull(strstr(tu_peer_line(p, pump, f),
	    "qmp_capabilities"));
	tu_peer_say(p, RET);
	ck_assert_ptr_nonnull(strstr(tu_peer_line(p, pump, f), "query-pci"));
}

/* greet 3000 ms, op 400: once the greeting is in, the deadline comes
 * earlier, before the other session's (which came first, so is the
 * heap's root until then); the session ends at it; then the other,
 * closed while its deadline is kept, leaves no timeout behind. */
START_TEST(deadline_moves_earlier)
{
	struct tu_peer p, q;
	struct fleet f;
	struct err e;
	size_t n;
	int t, wakeups = 0;

	fleet_init(&f, NULL);
	f.op_timeout_ms = 400;
	add_mute(&f, &q, "q", 3000);
	tu_peer_listen(&p, NULL);
	f.monitor_timeout_ms = 3000;
	ck_assert_int_eq(fleet_add(&f, "p", p.path, &e), 1);
	fleet_refresh_start(&f, ALL, 0);
	t = timeout_of(&f, &n);
	ck_assert_int_gt(t, 400);
	ck_assert_int_le(t, 3000);
	to_query(&f, &p);
	ck_assert_int_le(timeout_of(&f, &n), 400);
	while (f.inst[1].refreshing && wakeups++ < 100)
		one_round(&f, 1000);
	ck_assert_ptr_nonnull(strstr(f.inst[1].error, "did not answer query "
	    "pci within 400 ms"));
	ck_assert(f.inst[0].refreshing);	/* its greeting time runs on */
	t = timeout_of(&f, &n);
	ck_assert_int_gt(t, 400);
	ck_assert_uint_eq(n, 1);
	fleet_refresh_cancel(&f, 0);
	ck_assert_uint_eq(fleet_npending(&f), 0);
	ck_assert_int_eq(timeout_of(&f, &n), -1);
	ck_assert_uint_eq(n, 0);
	fleet_free(&f);
	tu_peer_free(&p);
	tu_peer_free(&q);
}
END_TEST

/* greet 300 ms, op 3000: the greeting's deadline no longer counts once
 * the queries are sent; closed while in, the session leaves the other's
 * deadline alone. */
START_TEST(deadline_moves_later)
{
	struct tu_peer p, q;
	struct fleet f;
	struct err e;
	double t0;
	size_t n;
	int t;

	fleet_init(&f, NULL);
	f.op_timeout_ms = 3000;
	tu_peer_listen(&p, NULL);
	f.monitor_timeout_ms = 300;
	ck_assert_int_eq(fleet_add(&f, "p", p.path, &e), 0);
	add_mute(&f, &q, "q", 2000);
	t0 = now_ms();
	fleet_refresh_start(&f, ALL, 0);
	ck_assert_int_le(timeout_of(&f, &n), 300);
	to_query(&f, &p);
	t = timeout_of(&f, &n);
	ck_assert_int_gt(t, 300);
	ck_assert_int_le(t, 2000);	/* q's, the nearest now */
	while (now_ms() - t0 < 600)
		one_round(&f, 50);
	ck_assert_msg(f.inst[0].refreshing, "p ended: %s", f.inst[0].error);
	ck_assert(f.inst[1].refreshing);
	fleet_refresh_cancel(&f, 0);
	ck_assert_uint_eq(fleet_npending(&f), 1);
	t = timeout_of(&f, &n);
	ck_assert_int_gt(t, 0);
	ck_assert_int_le(t, 2000 - 600 + 5);
	ck_assert_uint_eq(n, 1);
	while (f.inst[1].refreshing && now_ms() - t0 < 10000)
		one_round(&f, 1000);
	ck_assert_ptr_nonnull(strstr(f.inst[1].error, "in 2000 ms"));
	ck_assert_int_eq(f.inst[0].conn, INST_NEW);	/* cancelled */
	ck_assert_int_eq(timeout_of(&f, &n), -1);
	fleet_free(&f);
	tu_peer_free(&p);
	tu_peer_free(&q);
}
END_TEST

/* A forked child that lets go of the parent's session refreshes its own
 * with its own deadline; one that keeps it steps it as a session outside
 * its set (so it hears what the peer then says) and still ends its own
 * at its deadline; the parent's deadline is untouched by either. */
START_TEST(forked_child_deadlines)
{
	struct tu_peer s, t;
	struct fleet f;
	struct err e;
	size_t n;
	int st, keep, to;

	fleet_init(&f, NULL);
	tu_peer_listen(&s, NULL);
	f.monitor_timeout_ms = 3000;
	ck_assert_int_eq(fleet_add(&f, "s", s.path, &e), 0);
	add_mute(&f, &t, "t", 300);
	fleet_refresh_start(&f, 0, 0);
	for (keep = 0; keep < 2; keep++) {
		pid_t c = fork();

		ck_assert_int_ge(c, 0);
		if (c == 0) {
			int bad = 0;

			if (!keep) {
				fleet_refresh_cancel(&f, ALL);	/* as a job */
				bad |= timeout_of(&f, &n) != -1 || n != 0;
			}
			fleet_refresh_start(&f, 1, 0);
			to = timeout_of(&f, &n);
			bad |= (to < 0 || to > 300) << 1;
			if (keep) {
				/* the parent's session, kept, hears */
				tu_peer_accept(&s);
				tu_peer_say(&s, GREETING);
				bad |= (strstr(tu_peer_line(&s, pump, &f),
				    "qmp_capabilities") == NULL) << 2;
			}
			fleet_refresh_wait(&f, 1);
			bad |= (strstr(f.inst[1].error, "in 300 ms") == NULL)
			    << 3;
			bad |= (keep != f.inst[0].refreshing) << 4;
			_exit(bad);
		}
		ck_assert_int_eq(waitpid(c, &st, 0), c);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "child (keep %d): %d", keep, WEXITSTATUS(st));
		ck_assert(f.inst[0].refreshing);
		ck_assert_int_eq(f.inst[1].conn, INST_NEW);
		to = timeout_of(&f, &n);
		ck_assert_int_gt(to, 300);
		ck_assert_int_le(to, 3000);
		ck_assert_uint_eq(n, 1);
	}
	fleet_refresh_cancel(&f, ALL);
	ck_assert_int_eq(timeout_of(&f, &n), -1);
	fleet_free(&f);
	tu_peer_free(&s);
	tu_peer_free(&t);
}
END_TEST

Suite *
fleetwait_suite(void)
{
	Suite *s = suite_create("fleetwait");
	TCase *tc = tcase_create("fleetwait");

	tcase_add_test(tc, unequal_deadlines_in_order);
	tcase_add_test(tc, deadline_moves_earlier);
	tcase_add_test(tc, deadline_moves_later);
	tcase_add_test(tc, forked_child_deadlines);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
