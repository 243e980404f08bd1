/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simspawn.c - see simspawn.h. */
#include "simspawn.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "testutil.h"

pid_t
tu_sim_spawn(const char *dir, ...)
{
	const char *argv[16] = { "slotscope", "--simulate", dir };
	va_list ap;
	pid_t pid;
	int n = 3;

	va_start(ap, dir);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 1);
		dup2(null, 2);
		execv(tu_bin(), (char *const *)argv);
		_exit(127);
	}
	return pid;
}
