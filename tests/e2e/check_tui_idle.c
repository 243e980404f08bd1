/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_tui_idle.c - the screen draws only when something it shows
 * changed: the real binary in tmux over 300 simulated instances
 * refreshed every 0.3 s, its frames counted (SLOTSCOPE_TUI_FRAMES).
 * Once every row is up, refreshes that read what was there draw at most
 * the selected instance's pane (its "refreshed" time, "(refreshing)"):
 * a few frames per refresh, where drawing per poll wakeup made dozens;
 * a key still draws at once.
 *
 * The simulator and the tmux server (in a registry, tmuxdrv.h) are
 * killed by the teardown (the runner's process) whatever the check did.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "testutil.h"
#include "simfleet.h"
#include "tmuxdrv.h"

#define N 300
#define WAIT 15000

static char *dir;
static struct tmx_reg reg;	/* the tmux server the check started */
static pid_t sim = -1;
static struct err sim_err = { "the fixture did not get to start it" };

static void
up(void)
{
	char sub[4200];

	tmx_reg_init(&reg, "tui_idle");
	dir = tu_tmpdir();
	if (dir == NULL)
		return;
	snprintf(sub, sizeof sub, "%s/mon", dir);
	if (mkdir(sub, 0700) < 0 ||
	    tu_simfleet_start(sub, N, SIM_SOCK_BOTH, &sim, &sim_err) < 0)
		sim = -1;
}

static void
down(void)
{
	tmx_reg_cleanup(&reg, SIGKILL);
	tu_simfleet_stop(&sim);
	if (dir != NULL)
		tu_tmpdir_down(&dir);
}

static long
frames(void)
{
	char path[4200], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof path, "%s/frames", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? atol(buf) : -1;
}

#define SEE(t, text) do { \
	char *scr_ = NULL; \
	int ok_ = tmx_wait_for((t), (text), WAIT, &scr_); \
	ck_assert_msg(ok_, "expected \"%s\" on the screen:\n%.3000s", (text), \
	    scr_ ? scr_ : "(none)"); \
	free(scr_); \
} while (0)

START_TEST(idle_screen_does_not_redraw)
{
	char cmd[9000];
	struct tmx t;
	long f0, f1, f2;
	int k;

	ck_assert_msg(sim > 0 && dir != NULL, "the simulator did not start: %s",
	    sim_err.msg);
	snprintf(cmd, sizeof cmd, "cd %s && env LANG=C.UTF-8 "
	    "TERM=screen-256color HOME=%s XDG_STATE_HOME=%s/state "
	    "XDG_CONFIG_HOME=%s/config SLOTSCOPE_TUI_FRAMES=%s/frames %s "
	    "--runtime-dir %s/rt --interval 0.3 --monitor-dir %s/mon "
	    "2>%s/stderr", dir, dir, dir, dir, dir, tu_bin(), dir, dir, dir);
	ck_assert_int_eq(tmx_start(&t, 160, 40, cmd), 0);
	ck_assert_int_eq(tmx_reg_add(&reg, "tmux", t.sock), 0);
	SEE(&t, "300 instances  0 unreachable  0 busy");
	/* every row read once (a first read changes every row) */
	for (k = 0; k < 100; k++) {
		char *scr = tmx_screen(&t, 0);
		int done = scr && strstr(scr, " ok ") && !strstr(scr,
		    "connecting") && !strstr(scr, " new ");

		free(scr);
		if (done)
			break;
		usleep(100000);
	}
	usleep(1000000);
	f0 = frames();
	ck_assert_int_gt(f0, 0);
	/* 3 s idle: 10 refreshes of all 300 */
	usleep(3000000);
	f1 = frames();
	ck_assert_msg(f1 - f0 <= 3 * 10 + 3, "%ld frames in 3 s of refreshes "
	    "that changed nothing (10 refreshes of %d instances): drawn per "
	    "wakeup?", f1 - f0, N);
	/* the selected instance's pane shows its refresh time: drawn */
	ck_assert_msg(f1 - f0 >= 2, "%ld frames in 3 s: its refresh time "
	    "is not drawn", f1 - f0);
	/* a key draws at once */
	tmx_keys(&t, "Tab");
	SEE(&t, "focus: grid");
	f2 = frames();
	ck_assert_int_gt(f2, f1);
	tmx_type(&t, "q");
	ck_assert(tmx_wait_dead(&t, WAIT));
	tmx_kill(&t);
}
END_TEST

Suite *
tui_idle_suite(void)
{
	Suite *s = suite_create("tui_idle");
	TCase *tc = tcase_create("idle");
	static const char *const need[] = { "tmux", NULL };

	tu_tcase_require(tc, tu_missing(need));
	tcase_add_unchecked_fixture(tc, up, down);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, idle_screen_does_not_redraw);
	suite_add_tcase(s, tc);
	return s;
}
