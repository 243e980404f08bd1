/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monrun.c - see monrun.h. */
#include "monrun.h"

#include <check.h>
#include <poll.h>
#include <string.h>

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
tu_mon_fails(struct mon *m, enum monerr_kind kind, const char *text)
{
	struct err e;

	ck_assert_int_eq(tu_mon_run(m, 2000), MON_FAILED);
	ck_assert_msg(mon_error(m, &e) == kind, "error kind %d, not %d: %s",
	    (int)mon_error(m, &e), (int)kind, e.msg);
	ck_assert_msg(text == NULL || strstr(e.msg, text) != NULL,
	    "'%s' does not say '%s'", e.msg, text);
}

void
tu_mon_run_a_little(void *m)
{
	tu_mon_run(m, 5);
}
