/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_monpool.c - the buffers monitor sessions hand on
 * (core/qemu/monpool.h): the last given is the first taken, only of its
 * kind and only when large enough; a buffer larger than a session needs,
 * or one beyond MONPOOL_KEEP, is freed rather than kept; and a mon with
 * a pool gives its input and output buffers back when its session ends,
 * its ops when they are cleared, and takes them for the next session,
 * which reads its replies as the first did.  (ASan sees that nothing is
 * freed twice or left behind.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "qemu/mon_int.h"
#include "qemu/monpool.h"
#include "monrun.h"
#include "peer.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"\"}, " \
	"\"capabilities\": []}}\r\n"
#define RET "{\"return\": {}}\r\n"

START_TEST(last_given_first_taken)
{
	struct monpool pl;
	void *a = malloc(16384), *b = malloc(32768), *p;
	size_t cap = 0, k;

	monpool_init(&pl);
	ck_assert_ptr_null(monpool_take(&pl, MONPOOL_IN, 16384, &cap));
	ck_assert_ptr_null(monpool_take(NULL, MONPOOL_IN, 1, &cap));
	monpool_give(&pl, MONPOOL_IN, a, 16384);
	monpool_give(&pl, MONPOOL_IN, b, 32768);
	monpool_give(&pl, MONPOOL_IN, NULL, 0);		/* nothing */
	ck_assert_uint_eq(pl.n[MONPOOL_IN], 2);
	/* another kind's are not handed out */
	ck_assert_ptr_null(monpool_take(&pl, MONPOOL_OUT, 256, &cap));
	/* too small for what is wanted: the caller grows its own */
	ck_assert_ptr_null(monpool_take(&pl, MONPOOL_IN, 65536, &cap));
	ck_assert_uint_eq(pl.n[MONPOOL_IN], 2);
	p = monpool_take(&pl, MONPOOL_IN, 16384, &cap);
	ck_assert_ptr_eq(p, b);
	ck_assert_uint_eq(cap, 32768);
	p = monpool_take(&pl, MONPOOL_IN, 16384, &cap);
	ck_assert_ptr_eq(p, a);
	ck_assert_uint_eq(cap, 16384);
	ck_assert_uint_eq(pl.n[MONPOOL_IN], 0);
	free(a);
	free(b);
	/* larger than a session needs: freed, not kept */
	monpool_give(&pl, MONPOOL_IN, malloc(1 << 20), 1 << 20);
	monpool_give(&pl, MONPOOL_OUT, malloc(8192), 8192);
	ck_assert_uint_eq(pl.n[MONPOOL_IN], 0);
	ck_assert_uint_eq(pl.n[MONPOOL_OUT], 0);
	/* at most MONPOOL_KEEP of a kind */
	for (k = 0; k < MONPOOL_KEEP + 3; k++)
		monpool_give(&pl, MONPOOL_OUT, malloc(256), 256);
	ck_assert_uint_eq(pl.n[MONPOOL_OUT], MONPOOL_KEEP);
	monpool_free(&pl);
	ck_assert_uint_eq(pl.n[MONPOOL_OUT], 0);
	monpool_free(&pl);		/* twice: nothing left to free */
}
END_TEST

static struct tu_peer P;

/* One session on P: greeting, negotiation, the raw command's return;
 * its result ok and the session done. */
static void
session(struct mon *m, int *op)
{
	struct err e;
	const char *l;

	*op = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = "cont", .qmp = "{\"execute\":\"cont\"}" }, &e);
	ck_assert_int_ge(*op, 0);
	ck_assert_int_eq(mon_start(m), MON_RUNNING);
	if (P.fd >= 0)
		close(P.fd);
	tu_peer_accept(&P);
	tu_peer_say(&P, GREETING);
	l = tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_ptr_nonnull(strstr(l, "qmp_capabilities"));
	tu_peer_say(&P, RET);
	l = tu_peer_line(&P, tu_mon_run_a_little, m);
	ck_assert_ptr_nonnull(strstr(l, "\"cont\""));
	tu_peer_say(&P, RET);
	ck_assert_int_eq(tu_mon_run(m, 2000), MON_DONE);
	ck_assert(mon_result(m, *op)->ok);
}

START_TEST(sessions_hand_on_their_buffers)
{
	struct monpool pl;
	struct err e;
	struct mon *m;
	int op, k;

	monpool_init(&pl);
	tu_peer_listen(&P, NULL);
	m = mon_new(P.path, NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	mon_set_pool(m, &pl);
	for (k = 0; k < 3; k++) {
		session(m, &op);
		/* its connection closed: input and output back */
		ck_assert_uint_eq(pl.n[MONPOOL_IN], 1);
		ck_assert_uint_eq(pl.n[MONPOOL_OUT], 1);
		ck_assert_str_eq(mon_result(m, op)->text, "{}");
		mon_clear(m);	/* the results read: the ops back too */
		ck_assert_uint_eq(pl.n[MONPOOL_OPS], 1);
	}
	/* a session under way holds them */
	ck_assert_int_ge(mon_add(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = "cont", .qmp = "{\"execute\":\"cont\"}" }, &e), 0);
	ck_assert_uint_eq(pl.n[MONPOOL_OPS], 0);
	mon_free(m);		/* gives back what it holds */
	ck_assert_uint_eq(pl.n[MONPOOL_OPS], 1);
	monpool_free(&pl);
	tu_peer_free(&P);
}
END_TEST

/* An ops array an earlier session left (here: every byte 0xa5) is taken
 * by mon_add, and its task reads as a new one: nothing done, no message,
 * no devices, no version, no text (mon_add zeroes all but three text
 * buffers, emptied by their first byte). */
START_TEST(ops_taken_read_as_new)
{
	struct monpool pl;
	const struct mon_result *r;
	struct mon *m;
	struct err e;
	size_t sz = 3 * sizeof(struct mon_task);
	void *old = malloc(sz);
	int op;

	ck_assert_ptr_nonnull(old);
	memset(old, 0xa5, sz);
	monpool_init(&pl);
	monpool_give(&pl, MONPOOL_OPS, old, sz);
	ck_assert_uint_eq(pl.n[MONPOOL_OPS], 1);
	m = mon_new("unix:/nonexistent/qmp.sock", NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	mon_set_pool(m, &pl);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	ck_assert_int_eq(op, 0);
	ck_assert_uint_eq(pl.n[MONPOOL_OPS], 0);	/* it was taken */
	r = mon_result(m, op);
	ck_assert_int_eq(r->op, MON_OP_QUERY_VERSION);
	ck_assert_int_eq(r->done, 0);
	ck_assert_int_eq(r->ok, 0);
	ck_assert_int_eq(r->kind, MONERR_NONE);
	ck_assert_str_eq(r->msg, "");
	ck_assert_ptr_null(r->pci.fn);
	ck_assert_uint_eq(r->pci.n, 0);
	ck_assert_int_eq(r->pci.qom_read, 0);
	ck_assert_int_eq(r->version.major, 0);
	ck_assert_int_eq(r->version.minor, 0);
	ck_assert_int_eq(r->version.micro, 0);
	ck_assert_str_eq(r->version.package, "");
	ck_assert_ptr_null(r->text);
	mon_free(m);
	ck_assert_uint_eq(pl.n[MONPOOL_OPS], 1);	/* given back */
	monpool_free(&pl);
}
END_TEST

/* mon_start_at: the greeting's deadline counts from the time given. */
START_TEST(start_at_counts_from_the_time_given)
{
	struct mon_opts o = { .greet_ms = 700 };
	struct mon *m;
	struct err e;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	m = mon_new_fd(sv[0], &o, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_int_ge(mon_add(m, &(struct mon_req){
	    .op = MON_OP_QUERY_VERSION }, &e), 0);
	ck_assert_int_eq(mon_start_at(m, 123456), MON_RUNNING);
	ck_assert_int_eq(mon_due_ms(m), 123456 + 700);
	mon_free(m);
	close(sv[1]);
}
END_TEST

Suite *
monpool_suite(void)
{
	Suite *s = suite_create("monpool");
	TCase *tc = tcase_create("monpool");

	tcase_add_test(tc, last_given_first_taken);
	tcase_add_test(tc, sessions_hand_on_their_buffers);
	tcase_add_test(tc, ops_taken_read_as_new);
	tcase_add_test(tc, start_at_counts_from_the_time_given);
	suite_add_tcase(s, tc);
	return s;
}
