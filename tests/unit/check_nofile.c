/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_nofile.c - the open-files limit a fleet needs: raised to what is
 * needed, never lowered, and a hard limit too low said with its figures
 * (in a child, whose limits are its own). */
#include <check.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/nofile.h"

/* In a child with hard limit `hard` and soft limit `soft`: the exit code
 * says what nofile_need(need) did (0 as wanted, else which check
 * failed). */
static int
child(rlim_t soft, rlim_t hard, long need, int want_ok)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct rlimit rl = { soft, hard };
		struct err e;
		long got;

		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(10);
		got = nofile_need(need, &e);
		if (want_ok) {
			if (got < need)
				_exit(11);
			if (getrlimit(RLIMIT_NOFILE, &rl) < 0 ||
			    (long)rl.rlim_cur < need ||
			    (long)rl.rlim_cur < (long)soft)
				_exit(12);
			_exit(0);
		}
		if (got != -1)
			_exit(13);
		if (strstr(e.msg, "hard limit is 300") == NULL ||
		    strstr(e.msg, "1000 open files are needed") == NULL)
			_exit(14);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

START_TEST(raised_to_need)
{
	ck_assert_int_eq(child(100, 300, 250, 1), 0);	/* raised */
	ck_assert_int_eq(child(280, 300, 200, 1), 0);	/* never lowered */
	ck_assert_int_eq(child(100, 300, 300, 1), 0);	/* up to hard */
}
END_TEST

START_TEST(hard_too_low_said)
{
	ck_assert_int_eq(child(100, 300, 1000, 0), 0);
}
END_TEST

Suite *
nofile_suite(void)
{
	Suite *s = suite_create("nofile");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, raised_to_need);
	tcase_add_test(tc, hard_too_low_said);
	suite_add_tcase(s, tc);
	return s;
}
