/* SPDX-License-Identifier: GPL-3.0-or-later */
/* runner.c - the one Check runner, built once per list of suites: every
 * suite of tests/unit, tests/integration and tests/e2e (`make check`), or
 * the unit suites alone (`make check-unit`).
 *
 * The Makefile writes the list (SUITES_LIST, a header with one SUITE(name)
 * line per check_name.c) and compiles this file with it.
 * A check that needs what this machine lacks (qemu, tmux, root) is
 * skipped through tu_skip (testutil.h), which Check counts as passed: the
 * skips are collected in a file (SLOTSCOPE_SKIPLOG) and the last line
 * printed says how many checks passed, failed and were skipped, and why.
 *
 * Everything the checks make under $TMPDIR lands in one directory of this
 * run (TMPDIR is pointed there, TMUX_TMPDIR too), removed at the end, so
 * a check that fails before its cleanup leaves nothing behind; what a
 * run killed from outside left there, the next run undoes (leftover.h).
 * Check's CK_TIMEOUT_MULTIPLIER is raised for a sanitizer build before
 * the suites are made (tu_slow_setup, testutil.h): it scales every test
 * case's timeout and the tests' own waits.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leftover.h"
#include "testutil.h"

#define SUITE(n) Suite *n##_suite(void);
#include SUITES_LIST
#undef SUITE

/* The run's own temp dir, made under the caller's TMPDIR and marked as
 * this run's; first what runs killed before left there (leftover.h). */
static char *
run_dir(void)
{
	const char *t = getenv("TMPDIR");
	char *d;

	tu_run_reap(t && *t ? t : "/tmp");
	d = tu_tmpdir();
	if (d == NULL || tu_run_mark(d) < 0) {
		fprintf(stderr, "runner: cannot make a temp dir\n");
		exit(EXIT_FAILURE);
	}
	setenv("TMPDIR", d, 1);
	setenv("TMUX_TMPDIR", d, 1);
	return d;
}

struct why {
	char text[1024];
	int n;
};

/* Count the skip log's lines by reason; print the reasons (one line
 * each) and return the total. */
static int
report_skips(const char *log)
{
	static struct why w[64];
	char line[2048];
	size_t nw = 0, i;
	int total = 0;
	FILE *f = fopen(log, "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char *why = strchr(line, '\t');

		why = why ? why + 1 : line;
		why[strcspn(why, "\n")] = '\0';
		total++;
		for (i = 0; i < nw && strcmp(w[i].text, why) != 0; i++)
			;
		if (i == nw && nw < sizeof w / sizeof w[0]) {
			snprintf(w[nw].text, sizeof w[nw].text, "%s", why);
			nw++;
		}
		if (i < nw)
			w[i].n++;
	}
	fclose(f);
	for (i = 0; i < nw; i++)
		printf("skipped %d: %s\n", w[i].n, w[i].text);
	return total;
}

int
main(void)
{
	SRunner *sr = srunner_create(NULL);
	char *dir = run_dir(), log[4200];
	int failed, run, skipped;
	FILE *f;

	snprintf(log, sizeof log, "%s/skips.log", dir);
	if ((f = fopen(log, "w")) == NULL) {
		perror(log);
		return EXIT_FAILURE;
	}
	fclose(f);
	setenv("SLOTSCOPE_SKIPLOG", log, 1);
	tu_slow_setup();	/* before the suites make their cases */
#define SUITE(n) srunner_add_suite(sr, n##_suite());
#include SUITES_LIST
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	run = srunner_ntests_run(sr);
	srunner_free(sr);
	fflush(stdout);
	skipped = report_skips(log);
	tu_rmrf(dir);
	free(dir);
	/* the last line: what this run did, skips apart */
	printf("%d checks: %d passed, %d failed, %d skipped\n", run,
	    run - failed - skipped, failed, skipped);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
