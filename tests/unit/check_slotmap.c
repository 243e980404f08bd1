/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_slotmap.c - the 32-slot reservation map. */
#include <check.h>
#include <string.h>

#include "model/slotmap.h"

START_TEST(default_reserves_0_to_3)
{
	struct slotmap m;
	char s[33];
	int i;

	slotmap_init_default(&m);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(slotmap_is_free(&m, i), 0);
	for (i = 4; i < 32; i++)
		ck_assert_int_eq(slotmap_is_free(&m, i), 1);
	ck_assert_int_eq(slotmap_count(&m), 4);
	slotmap_to_string(&m, s);
	ck_assert_str_eq(s, "11110000000000000000000000000000");
}
END_TEST

START_TEST(init_first_n)
{
	struct slotmap m;
	struct err e;
	char s[33];

	ck_assert_int_eq(slotmap_init_first(&m, 12, &e), 0);
	slotmap_to_string(&m, s);
	ck_assert_str_eq(s, "11111111111100000000000000000000");
	ck_assert_int_eq(slotmap_init_first(&m, 32, &e), 0);
	ck_assert_int_eq(slotmap_count(&m), 32);
	ck_assert_int_eq(slotmap_init_first(&m, 0, &e), 0);
	ck_assert_int_eq(slotmap_count(&m), 0);
	m.bits = 5;
	ck_assert_int_eq(slotmap_init_first(&m, 33, &e), -1);
	ck_assert_int_eq(slotmap_init_first(&m, -1, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "0 to 32"));
	ck_assert_uint_eq(m.bits, 5);
}
END_TEST

/* The seed read slot 0 as "no slot"; here it is an ordinary slot. */
START_TEST(slot0_is_a_real_slot)
{
	struct slotmap m = { 0 };
	struct err e;

	ck_assert_int_eq(slotmap_first_free(&m, 0, &e), 0);
	ck_assert_int_eq(slotmap_reserve(&m, 0, &e), 0);
	ck_assert_int_eq(slotmap_is_free(&m, 0), 0);
	ck_assert_int_eq(slotmap_first_free(&m, 0, &e), 1);
	ck_assert_int_eq(slotmap_free(&m, 0, &e), 0);
	ck_assert_int_eq(slotmap_first_free(&m, 0, &e), 0);
}
END_TEST

START_TEST(slot31_is_usable)
{
	struct slotmap m;
	struct err e;

	ck_assert_int_eq(slotmap_init_first(&m, 31, &e), 0);
	ck_assert_int_eq(slotmap_first_free(&m, 0, &e), 31);
	ck_assert_int_eq(slotmap_reserve(&m, 31, &e), 0);
	ck_assert_int_eq(slotmap_is_free(&m, 31), 0);
	ck_assert_uint_eq(m.bits, 0xffffffffu);
}
END_TEST

/* The seed crashed unpacking an empty search result on a full map. */
START_TEST(full_map_is_an_error)
{
	struct slotmap m;
	struct err e;

	ck_assert_int_eq(slotmap_init_first(&m, 32, &e), 0);
	ck_assert_int_eq(slotmap_first_free(&m, 0, &e), -1);
	ck_assert_str_eq(e.msg, "all 32 PCI slots are taken");
	ck_assert_int_eq(slotmap_first_free(&m, 9, &e), -1);
	ck_assert_str_eq(e.msg, "all 32 PCI slots are taken");
}
END_TEST

START_TEST(first_free_from_start)
{
	struct slotmap m;
	struct err e;

	slotmap_init_default(&m);
	ck_assert_int_eq(slotmap_first_free(&m, 0, &e), 4);
	ck_assert_int_eq(slotmap_first_free(&m, 2, &e), 4);
	ck_assert_int_eq(slotmap_first_free(&m, 10, &e), 10);
	ck_assert_int_eq(slotmap_first_free(&m, 31, &e), 31);
	ck_assert_int_eq(slotmap_reserve(&m, 31, &e), 0);
	ck_assert_int_eq(slotmap_first_free(&m, 31, &e), -1);
	ck_assert_str_eq(e.msg, "no free PCI slot from slot 31 up");
	ck_assert_int_eq(slotmap_first_free(&m, 32, &e), -1);
	ck_assert_int_eq(slotmap_first_free(&m, -1, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "out of range"));
}
END_TEST

START_TEST(reserve_and_free_errors_change_nothing)
{
	struct slotmap m;
	struct err e;
	uint32_t before;

	slotmap_init_default(&m);
	before = m.bits;
	ck_assert_int_eq(slotmap_reserve(&m, 2, &e), -1);
	ck_assert_str_eq(e.msg, "slot 2 is already reserved");
	ck_assert_int_eq(slotmap_free(&m, 9, &e), -1);
	ck_assert_str_eq(e.msg, "slot 9 is not reserved");
	ck_assert_int_eq(slotmap_reserve(&m, 32, &e), -1);
	ck_assert_str_eq(e.msg, "slot 32 is out of range: PCI slots are 0 to 31");
	ck_assert_int_eq(slotmap_reserve(&m, -1, &e), -1);
	ck_assert_int_eq(slotmap_free(&m, 100, &e), -1);
	ck_assert_int_eq(slotmap_free(&m, -5, &e), -1);
	ck_assert_int_eq(slotmap_is_free(&m, 32), -1);
	ck_assert_int_eq(slotmap_is_free(&m, -1), -1);
	ck_assert_uint_eq(m.bits, before);
	ck_assert_int_eq(slotmap_reserve(&m, 7, &e), 0);
	ck_assert_int_eq(slotmap_count(&m), 5);
	ck_assert_int_eq(slotmap_free(&m, 7, &e), 0);
	ck_assert_uint_eq(m.bits, before);
}
END_TEST

START_TEST(string_round_trip)
{
	const char *s = "10000000000000000000000000000001";
	struct slotmap m;
	struct err e;
	char out[33];

	ck_assert_int_eq(slotmap_from_string(&m, s, strlen(s), &e), 0);
	ck_assert_int_eq(slotmap_is_free(&m, 0), 0);
	ck_assert_int_eq(slotmap_is_free(&m, 31), 0);
	ck_assert_int_eq(slotmap_count(&m), 2);
	slotmap_to_string(&m, out);
	ck_assert_str_eq(out, s);
}
END_TEST

START_TEST(bad_strings_rejected)
{
	static const char *bad[] = {
		"",
		"1111",
		"111100000000000000000000000000000",	/* 33 */
		"1111000000000000000000000000000",	/* 31 */
		"11110000000000000000000000000002",
		"1111000000000000000000000000000 ",
		"x1110000000000000000000000000000",
	};
	struct slotmap m = { 0xabcdu };
	struct err e;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.msg[0] = '\0';
		ck_assert_int_eq(slotmap_from_string(&m, bad[i],
		    strlen(bad[i]), &e), -1);
		ck_assert_msg(e.msg[0] != '\0', "no message for '%s'", bad[i]);
		ck_assert_uint_eq(m.bits, 0xabcdu);
	}
	/* an embedded NUL within len is a bad character, not an end */
	ck_assert_int_eq(slotmap_from_string(&m,
	    "1111\0" "000000000000000000000000000", 32, &e), -1);
	ck_assert_uint_eq(m.bits, 0xabcdu);
}
END_TEST

START_TEST(parse_slot)
{
	struct err e;
	int s = -7;

	ck_assert_int_eq(slotmap_parse_slot("0", 1, &s, &e), 0);
	ck_assert_int_eq(s, 0);
	ck_assert_int_eq(slotmap_parse_slot("31", 2, &s, &e), 0);
	ck_assert_int_eq(s, 31);
	ck_assert_int_eq(slotmap_parse_slot("32", 2, &s, &e), -1);
	ck_assert_int_eq(slotmap_parse_slot("-1", 2, &s, &e), -1);
	ck_assert_int_eq(slotmap_parse_slot("07", 2, &s, &e), -1);
	ck_assert_int_eq(slotmap_parse_slot("", 0, &s, &e), -1);
	ck_assert_int_eq(slotmap_parse_slot("0x5", 3, &s, &e), -1);
	ck_assert_int_eq(slotmap_parse_slot("4294967301", 10, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a slot number"));
	ck_assert_int_eq(s, 31);
}
END_TEST

START_TEST(union_of_maps)
{
	struct slotmap a = { 0x1u }, b = { 0x80000000u };

	ck_assert_uint_eq(slotmap_union(a, b).bits, 0x80000001u);
}
END_TEST

Suite *
slotmap_suite(void)
{
	Suite *s = suite_create("slotmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, default_reserves_0_to_3);
	tcase_add_test(tc, init_first_n);
	tcase_add_test(tc, slot0_is_a_real_slot);
	tcase_add_test(tc, slot31_is_usable);
	tcase_add_test(tc, full_map_is_an_error);
	tcase_add_test(tc, first_free_from_start);
	tcase_add_test(tc, reserve_and_free_errors_change_nothing);
	tcase_add_test(tc, string_round_trip);
	tcase_add_test(tc, bad_strings_rejected);
	tcase_add_test(tc, parse_slot);
	tcase_add_test(tc, union_of_maps);
	suite_add_tcase(s, tc);
	return s;
}
