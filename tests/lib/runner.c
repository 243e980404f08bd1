/* runner.c - the one Check runner, built once per list of suites: every
 * suite of tests/unit, tests/integration and tests/e2e (`make check`), or
 * the unit suites alone (`make check-unit`).
 *
 * The Makefile writes the list (SUITES_LIST, a header with one SUITE(name)
 * line per check_name.c) and compiles this file with it.
 * A suite that needs an outside program (qemu, tmux) decides in its own
 * X_suite() whether to run; see testutil.h.
 */
#include <check.h>
#include <stdlib.h>

#define SUITE(n) Suite *n##_suite(void);
#include SUITES_LIST
#undef SUITE

int
main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define SUITE(n) srunner_add_suite(sr, n##_suite());
#include SUITES_LIST
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
