/* main.c - the one Check runner for every suite in tests/unit.
 *
 * The Makefile writes suites.h with one SUITE(name) line per check_name.c.
 * A suite that needs an outside program (qemu, tmux) decides in its own
 * X_suite() whether to run; see testutil.h.
 */
#include <check.h>
#include <stdlib.h>

#define SUITE(n) Suite *n##_suite(void);
#include "suites.h"
#undef SUITE

int
main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define SUITE(n) srunner_add_suite(sr, n##_suite());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
