/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monrun.c - see monrun.h. */
#include "monrun.h"

#include <poll.h>

#include "testutil.h"

enum mon_status
tu_mon_run(struct mon *m, int ms)
{
	long end = tu_ms_now() + ms;
	enum mon_status st = mon_status(m);

	while (st == MON_RUNNING && tu_ms_now() < end) {
		struct pollfd pfd = { mon_fd(m), mon_poll_events(m), 0 };
		int t = mon_timeout_ms(m), left = (int)(end - tu_ms_now());
		int rc;

		if (t < 0 || t > left)
			t = left;
		if (t < 0)
			t = 0;
		rc = poll(&pfd, pfd.fd >= 0 ? 1 : 0, t);
		st = mon_step(m, rc > 0 ? pfd.revents : 0);
	}
	return st;
}

void
tu_mon_run_a_little(void *m)
{
	tu_mon_run(m, 5);
}
