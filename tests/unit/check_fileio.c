/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_fileio.c - reading a whole file: short files, read errors. */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"

START_TEST(reads_what_is_there)
{
	struct err e;
	size_t len = 99;
	char *buf;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "abc", 3), 3);
	close(p[1]);
	buf = fileio_read_fd(p[0], 10, &len, &e);	/* shorter than asked */
	close(p[0]);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, 3);
	ck_assert_str_eq(buf, "abc");
	free(buf);
}
END_TEST

START_TEST(stops_at_size)
{
	struct err e;
	size_t len;
	char *buf;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "abcdef", 6), 6);
	close(p[1]);
	buf = fileio_read_fd(p[0], 4, &len, &e);
	close(p[0]);
	ck_assert_uint_eq(len, 4);
	ck_assert_str_eq(buf, "abcd");
	free(buf);
}
END_TEST

START_TEST(read_error_is_an_error)
{
	struct err e;
	size_t len = 7;
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	ck_assert_int_ge(fd, 0);
	e.msg[0] = '\0';
	ck_assert_ptr_null(fileio_read_fd(fd, 10, &len, &e));
	close(fd);
	ck_assert_ptr_nonnull(strstr(e.msg, "read failed"));
	ck_assert_uint_eq(len, 7);
}
END_TEST

Suite *
fileio_suite(void)
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, reads_what_is_there);
	tcase_add_test(tc, stops_at_size);
	tcase_add_test(tc, read_error_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
