/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_base.c - core/base: the growable buffer and the clocks. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/strbuf.h"

START_TEST(strbuf_grows_and_formats)
{
	struct strbuf b = STRBUF_INIT;
	char big[3000];
	int i;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(strbuf_str(&b, "ab"), 0);
	ck_assert_int_eq(strbuf_printf(&b, "-%d-", 42), 0);
	ck_assert_str_eq(b.p, "ab-42-");
	ck_assert_int_eq(strbuf_printf(&b, "%s", big), 0);	/* past 256 */
	ck_assert_uint_eq(b.n, 6 + sizeof big - 1);
	ck_assert_uint_eq(strlen(b.p), b.n);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(strbuf_add(&b, "\0z", 2), 0);	/* bytes */
	ck_assert_uint_eq(b.n, 6 + sizeof big - 1 + 200);
	ck_assert_int_eq(b.p[b.n - 2], '\0');
	ck_assert_int_eq(b.oom, 0);
	strbuf_free(&b);
	ck_assert_ptr_null(b.p);
}
END_TEST

START_TEST(strbuf_consume_chomp_take)
{
	struct strbuf b = STRBUF_INIT;
	char *s;

	strbuf_str(&b, "hello\nworld\n\n");
	strbuf_consume(&b, 6);
	ck_assert_str_eq(b.p, "world\n\n");
	strbuf_chomp(&b);
	ck_assert_str_eq(b.p, "world");
	s = strbuf_take(&b);
	ck_assert_str_eq(s, "world");
	ck_assert_ptr_null(b.p);
	free(s);
	s = strbuf_take(&b);	/* nothing added: "" */
	ck_assert_str_eq(s, "");
	free(s);
	strbuf_str(&b, "abc");
	strbuf_consume(&b, 99);
	ck_assert_str_eq(b.p, "");
	strbuf_free(&b);
}
END_TEST

START_TEST(strbuf_oom_is_sticky)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_str(&b, "a");
	ck_assert_int_eq(strbuf_reserve(&b, (size_t)-1 / 2), -1);
	ck_assert_int_eq(b.oom, 1);
	ck_assert_int_eq(strbuf_str(&b, "b"), -1);
	ck_assert_str_eq(b.p, "a");	/* what was there stays */
	ck_assert_ptr_null(strbuf_take(&b));
	ck_assert_ptr_null(b.p);
}
END_TEST

START_TEST(clocks)
{
	int64_t a = clock_mono_ms(), b;
	double w = clock_wall_s();

	b = clock_mono_ms();
	ck_assert(b >= a);
	ck_assert(w > 1.6e9);	/* after 2020 */
	ck_assert_uint_ne(clock_seed() | 1, 0);
}
END_TEST

Suite *
base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *t = tcase_create("base");

	tcase_add_test(t, strbuf_grows_and_formats);
	tcase_add_test(t, strbuf_consume_chomp_take);
	tcase_add_test(t, strbuf_oom_is_sticky);
	tcase_add_test(t, clocks);
	suite_add_tcase(s, t);
	return s;
}
