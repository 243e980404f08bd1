/* SPDX-License-Identifier: GPL-3.0-or-later */
/* skip.c - checks that cannot run on this machine (see testutil.h): a
 * skip is recorded for the runner's summary and ends the check; in CI it
 * is a failure that names what is missing. */
#include "testutil.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
record(const char *why)
{
	const char *log = getenv("SLOTSCOPE_SKIPLOG");
	const char *tc = tcase_name();
	char line[1024];
	int n, fd;

	n = snprintf(line, sizeof line, "%s\t%s\n", tc ? tc : "?", why);
	if (n < 0 || (size_t)n >= sizeof line)
		n = (int)strlen(line);
	if (log != NULL && (fd = open(log, O_WRONLY | O_APPEND)) >= 0) {
		/* one write per skip: O_APPEND keeps lines whole */
		if (write(fd, line, (size_t)n) != n)
			fprintf(stderr, "SKIP %s", line);
		close(fd);
	} else
		fprintf(stderr, "SKIP %s", line);
}

void
tu_skip(const char *why)
{
	const char *fork_mode = getenv("CK_FORK");

	if (tu_in_ci())
		ck_abort_msg("%s, and CI (CI=true) must run this check: "
		    "scripts/install-deps installs what the tests need", why);
	if (fork_mode != NULL && strcmp(fork_mode, "no") == 0)
		ck_abort_msg("%s (and without fork mode a check cannot be "
		    "skipped)", why);
	record(why);
	/* Check's fork mode: this ends the check's own process; Check
	 * counts it as run, the runner subtracts it as skipped */
	exit(0);
}

/* Checked fixtures cannot take arguments: a few slots, each a fixture
 * that skips with its reason. */
#define NSLOT 24
static char *reason[NSLOT];

static void
skip_slot(int i)
{
	tu_skip(reason[i]);
}

#define SLOT(i) static void need##i(void) { skip_slot(i); }
SLOT(0) SLOT(1) SLOT(2) SLOT(3) SLOT(4) SLOT(5) SLOT(6) SLOT(7)
SLOT(8) SLOT(9) SLOT(10) SLOT(11) SLOT(12) SLOT(13) SLOT(14) SLOT(15)
SLOT(16) SLOT(17) SLOT(18) SLOT(19) SLOT(20) SLOT(21) SLOT(22) SLOT(23)
#undef SLOT
static void (*const need[NSLOT])(void) = {
	need0, need1, need2, need3, need4, need5, need6, need7,
	need8, need9, need10, need11, need12, need13, need14, need15,
	need16, need17, need18, need19, need20, need21, need22, need23,
};

void
tu_tcase_require(TCase *tc, const char *missing)
{
	int i;

	if (missing == NULL)
		return;
	for (i = 0; i < NSLOT && reason[i] != NULL &&
	    strcmp(reason[i], missing) != 0; i++)
		;
	if (i == NSLOT) {
		fprintf(stderr, "tu_tcase_require: more than %d reasons\n",
		    NSLOT);
		abort();
	}
	if (reason[i] == NULL && (reason[i] = strdup(missing)) == NULL)
		abort();
	tcase_add_checked_fixture(tc, need[i], NULL);
}

TCase *
tu_tcase_new(Suite *s, const char *name, const char *missing,
    void (*up)(void), void (*down)(void), int timeout)
{
	TCase *tc = tcase_create(name);

	tu_tcase_require(tc, missing);
	if (up != NULL || down != NULL)
		tcase_add_unchecked_fixture(tc, up, down);
	if (timeout > 0)
		tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

const char *
tu_missing(const char *const *progs)
{
	static char why[NSLOT][128];
	static int k;

	for (; *progs != NULL; progs++)
		if (!tu_have_program(*progs)) {
			k = (k + 1) % NSLOT;
			snprintf(why[k], sizeof why[k], "%s is not installed",
			    *progs);
			return why[k];
		}
	return NULL;
}

const char *
tu_missing_qemu(void)
{
	static const char *const q[] = { "qemu-system-x86_64", NULL };

	return tu_missing(q);
}
