/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_nameidx.c - the name index (core/base/nameidx.h): every name
 * entered is found at its position through many growths, names not
 * entered are not, and equal hashes still compare the names; and an
 * instance list of 5000 names (more than the old limit of 1024) refuses
 * a name given twice. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/nameidx.h"
#include "store/instsrc.h"

#define N 5000

static char names[N][16];

static const char *
at(const void *ctx, size_t i)
{
	(void)ctx;
	return names[i];
}

START_TEST(finds_what_was_added)
{
	struct nameidx x = NAMEIDX_INIT;
	size_t i;

	ck_assert_int_eq(nameidx_find(&x, "a", at, NULL), -1);
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "n%zu", i);
		ck_assert_int_eq(nameidx_find(&x, names[i], at, NULL), -1);
		ck_assert_int_eq(nameidx_add(&x, names[i], i), 0);
	}
	ck_assert_uint_eq(x.n, N);
	ck_assert_uint_ge(x.cap, 2 * N);
	for (i = 0; i < N; i++)
		ck_assert_int_eq(nameidx_find(&x, names[i], at, NULL), (long)i);
	ck_assert_int_eq(nameidx_find(&x, "n5000", at, NULL), -1);
	ck_assert_int_eq(nameidx_find(&x, "", at, NULL), -1);
	ck_assert_int_eq(nameidx_find(&x, "n1 ", at, NULL), -1);
	nameidx_free(&x);
	ck_assert_ptr_null(x.t);
	ck_assert_int_eq(nameidx_find(&x, "n1", at, NULL), -1);
}
END_TEST

START_TEST(list_beyond_1024)
{
	struct instsrc_list l;
	struct err e;
	char name[32], ep[64];
	int i;

	instsrc_list_init(&l);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof name, "vm%d", i);
		snprintf(ep, sizeof ep, "unix:/run/vm%d.qmp", i);
		ck_assert_msg(instsrc_list_add(&l, name, ep, &e) == 0, "%s",
		    e.msg);
	}
	ck_assert_uint_eq(l.n, N);
	ck_assert_int_eq(instsrc_list_find(&l, "vm4321"), 4321);
	ck_assert_str_eq(l.v[4321].endpoint, "unix:/run/vm4321.qmp");
	ck_assert_int_eq(instsrc_list_add(&l, "vm17", "unix:/x", &e), -1);
	ck_assert_str_eq(e.msg, "instance vm17 is given twice");
	ck_assert_int_eq(instsrc_list_find(&l, "vm5000"), -1);
	instsrc_list_free(&l);
	ck_assert_int_eq(instsrc_list_find(&l, "vm1"), -1);
}
END_TEST

Suite *
nameidx_suite(void)
{
	Suite *s = suite_create("nameidx");
	TCase *tc = tcase_create("nameidx");

	tcase_add_test(tc, finds_what_was_added);
	tcase_add_test(tc, list_beyond_1024);
	suite_add_tcase(s, tc);
	return s;
}
