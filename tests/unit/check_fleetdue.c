/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_fleetdue.c - the deadlines' heap of a fleet's open sessions
 * (core/fleet/fleetdue.h): the nearest deadline comes first whatever
 * order they came in and however they differ; a deadline that moves
 * later or earlier is found where it now belongs; one taken out (a
 * session closed while in the heap) is never named again; those due are
 * named in instance order, all of them and no other; and against a plain
 * list kept beside it through thousands of random moves the heap agrees
 * at every step. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "fleet/fleetdue.h"

#define N 300

START_TEST(nearest_first_unequal)
{
	static const int64_t due[5] = { 900, 300, 600, 300, 1200 };
	struct fleetdue d;
	unsigned pos[5] = { 0 };
	size_t out[5], id, k;

	fleetdue_init(&d);
	ck_assert_int_eq(fleetdue_first(&d, &id), -1);
	for (k = 0; k < 5; k++)
		ck_assert_int_eq(fleetdue_set(&d, k, &pos[k], due[k]), 0);
	for (k = 0; k < 5; k++)
		ck_assert_uint_ne(pos[k], 0);
	ck_assert_int_eq(fleetdue_first(&d, &id), 300);
	ck_assert(id == 1 || id == 3);
	/* at 650: 1, 3 and 2 are due, named by instance */
	ck_assert_uint_eq(fleetdue_upto(&d, 650, out, 5), 3);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_uint_eq(out[1], 2);
	ck_assert_uint_eq(out[2], 3);
	ck_assert_uint_eq(fleetdue_upto(&d, 299, out, 5), 0);
	/* fewer asked for: some of those due, the rest stay due */
	ck_assert_uint_eq(fleetdue_upto(&d, 2000, out, 2), 2);
	ck_assert_uint_eq(fleetdue_upto(&d, 2000, out, 5), 5);
	for (k = 0; k < 5; k++)
		ck_assert_uint_eq(out[k], k);
	fleetdue_free(&d);
	ck_assert_int_eq(fleetdue_first(&d, NULL), -1);
}
END_TEST

START_TEST(deadline_moves)
{
	struct fleetdue d;
	unsigned pos[3] = { 0 };
	size_t out[3], id;

	fleetdue_init(&d);
	fleetdue_set(&d, 0, &pos[0], 500);
	fleetdue_set(&d, 1, &pos[1], 3000);
	fleetdue_set(&d, 2, &pos[2], 800);
	/* 0's reply came: its next deadline is later than 2's */
	ck_assert_int_eq(fleetdue_set(&d, 0, &pos[0], 2500), 0);
	ck_assert_int_eq(fleetdue_first(&d, &id), 800);
	ck_assert_uint_eq(id, 2);
	/* 1's deadline comes earlier than all (op_ms below greet_ms) */
	ck_assert_int_eq(fleetdue_set(&d, 1, &pos[1], 100), 0);
	ck_assert_int_eq(fleetdue_first(&d, &id), 100);
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(fleetdue_upto(&d, 900, out, 3), 2);
	ck_assert_uint_eq(out[0], 1);
	ck_assert_uint_eq(out[1], 2);
	/* no deadline any more: out, as a closed session */
	ck_assert_int_eq(fleetdue_set(&d, 1, &pos[1], -1), 0);
	ck_assert_uint_eq(pos[1], 0);
	ck_assert_int_eq(fleetdue_first(&d, &id), 800);
	ck_assert_uint_eq(fleetdue_upto(&d, 5000, out, 3), 2);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 2);
	/* taking out what is not in changes nothing */
	ck_assert_int_eq(fleetdue_set(&d, 1, &pos[1], -1), 0);
	ck_assert_uint_eq(d.n, 2);
	fleetdue_free(&d);
}
END_TEST

START_TEST(closed_while_in)
{
	struct fleetdue d;
	unsigned pos[4] = { 0 };
	size_t out[4], k;

	fleetdue_init(&d);
	for (k = 0; k < 4; k++)
		fleetdue_set(&d, k, &pos[k], 1000);	/* equal timeouts */
	/* the root goes, then a leaf, then the rest */
	ck_assert_int_eq(fleetdue_set(&d, d.h[0].id, d.h[0].pos, -1), 0);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_int_eq(fleetdue_set(&d, d.h[2].id, d.h[2].pos, -1), 0);
	ck_assert_uint_eq(fleetdue_upto(&d, 1000, out, 4), 2);
	for (k = 0; k < d.n; k++)
		ck_assert_ptr_eq(&pos[d.h[k].id], d.h[k].pos);
	for (k = 0; k < 4; k++)
		fleetdue_set(&d, k, &pos[k], -1);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(fleetdue_first(&d, NULL), -1);
	ck_assert_uint_eq(fleetdue_upto(&d, 1000, out, 4), 0);
	/* a slot left set by a heap freed since is known stale */
	fleetdue_set(&d, 3, &pos[3], 7);
	fleetdue_free(&d);
	fleetdue_init(&d);
	ck_assert_uint_ne(pos[3], 0);
	ck_assert_int_eq(fleetdue_set(&d, 3, &pos[3], -1), 0);
	ck_assert_uint_eq(pos[3], 0);
	ck_assert_int_eq(fleetdue_set(&d, 3, &pos[3], 9), 0);
	ck_assert_int_eq(fleetdue_first(&d, NULL), 9);
	fleetdue_free(&d);
}
END_TEST

/* The model: model[i] is i's deadline, -1 when not in. */
static void
agree(const struct fleetdue *d, const int64_t *model, const unsigned *pos,
    int64_t now)
{
	size_t out[N], want[N], k, n = 0, nin = 0, got;
	int64_t min = -1;

	for (k = 0; k < N; k++) {
		if (model[k] < 0) {
			ck_assert_uint_eq(pos[k], 0);
			continue;
		}
		nin++;
		ck_assert_uint_ne(pos[k], 0);
		ck_assert_uint_eq(d->h[pos[k] - 1].id, k);
		ck_assert_int_eq(d->h[pos[k] - 1].due, model[k]);
		if (min < 0 || model[k] < min)
			min = model[k];
		if (model[k] <= now)
			want[n++] = k;
	}
	ck_assert_uint_eq(d->n, nin);
	ck_assert_int_eq(fleetdue_first(d, NULL), min);
	got = fleetdue_upto(d, now, out, N);
	ck_assert_uint_eq(got, n);
	for (k = 0; k < n; k++)
		ck_assert_uint_eq(out[k], want[k]);
}

START_TEST(agrees_with_a_list)
{
	static int64_t model[N];
	static unsigned pos[N];
	struct fleetdue d;
	unsigned seed = 12345;
	int step;
	size_t k;

	fleetdue_init(&d);
	for (k = 0; k < N; k++)
		model[k] = -1;
	for (step = 0; step < 20000; step++) {
		size_t i = (size_t)(rand_r(&seed) % N);
		int r = rand_r(&seed) % 10;
		int64_t due = r < 2 ? -1 : (int64_t)(rand_r(&seed) % 5000);

		ck_assert_int_eq(fleetdue_set(&d, i, &pos[i], due), 0);
		model[i] = due;
		if (step % 97 == 0)
			agree(&d, model, pos, rand_r(&seed) % 5000);
	}
	agree(&d, model, pos, 5000);
	agree(&d, model, pos, -1);
	fleetdue_free(&d);
}
END_TEST

Suite *
fleetdue_suite(void)
{
	Suite *s = suite_create("fleetdue");
	TCase *tc = tcase_create("fleetdue");

	tcase_add_test(tc, nearest_first_unequal);
	tcase_add_test(tc, deadline_moves);
	tcase_add_test(tc, closed_while_in);
	tcase_add_test(tc, agrees_with_a_list);
	suite_add_tcase(s, tc);
	return s;
}
