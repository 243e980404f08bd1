/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_rnd.c - random bytes from getrandom(2): buffers filled (small
 * and large), two draws differ, and a kernel that refuses the call said
 * in a sentence (in a child whose seccomp filter fails getrandom). */
#include <check.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/rnd.h"

START_TEST(fills_and_differs)
{
	unsigned char a[16], b[16], zero[16] = { 0 };
	struct err e;

	ck_assert_int_eq(rnd_bytes(a, sizeof a, &e), 0);
	ck_assert_int_eq(rnd_bytes(b, sizeof b, &e), 0);
	/* 2^-128 chance of a false failure each */
	ck_assert(memcmp(a, b, sizeof a) != 0);
	ck_assert(memcmp(a, zero, sizeof a) != 0);
	ck_assert_int_eq(rnd_bytes(a, 0, &e), 0);
}
END_TEST

START_TEST(large_buffer_filled)
{
	size_t n = 1 << 20, i, zeros = 0;
	unsigned char *p = calloc(1, n);
	struct err e;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(rnd_bytes(p, n, &e), 0);
	/* the last KiB too: a short answer would leave it zero */
	for (i = n - 1024; i < n; i++)
		zeros += p[i] == 0;
	ck_assert_uint_lt(zeros, 40);	/* about 4 expected */
	free(p);
}
END_TEST

START_TEST(refused_is_said)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			    offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom,
			    0, 1),
			BPF_STMT(BPF_RET | BPF_K,
			    SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { sizeof f / sizeof f[0], f };
		unsigned char b[8];
		struct err e;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(10);
		if (rnd_bytes(b, sizeof b, &e) != -1)
			_exit(11);
		if (strstr(e.msg, "no random bytes") == NULL ||
		    strstr(e.msg, strerror(ENOSYS)) == NULL)
			_exit(12);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

Suite *
rnd_suite(void)
{
	Suite *s = suite_create("rnd");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, fills_and_differs);
	tcase_add_test(tc, large_buffer_filled);
	tcase_add_test(tc, refused_is_said);
	suite_add_tcase(s, tc);
	return s;
}
