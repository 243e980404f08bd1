/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nofile.c - raise the open-files soft limit to what is needed; see
 * nofile.h. */
#include "base/nofile.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

long
nofile_need(long need, struct err *e)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return err_set(e, "cannot read the open-files limit: %s",
		    strerror(errno));
	if (rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur >= need)
		return (long)rl.rlim_cur;
	if (rl.rlim_cur == RLIM_INFINITY)
		return need;
	if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < need)
		return err_set(e, "%ld open files are needed but the hard "
		    "limit is %ld: raise it (ulimit -Hn, or LimitNOFILE= "
		    "for a service)", need, (long)rl.rlim_max);
	rl.rlim_cur = (rlim_t)need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return err_set(e, "cannot raise the open-files limit to %ld: "
		    "%s", need, strerror(errno));
	return need;
}
