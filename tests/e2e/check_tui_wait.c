/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_tui_wait.c - the screen never freezes while a command waits: the
 * real binary in tmux, a hotplug that waits
 *
 *   - on the runtime file's lock another operator holds (the test
 *     itself, until it lets go), against a real paused QEMU: the event
 *     log shows it running with its elapsed time, the line echoes what is
 *     typed, the grid keeps refreshing (a device added behind slotscope's
 *     back shows up while the hotplug waits), and once the lock is free
 *     the hotplug lands;
 *   - on a slow monitor (the simulator's slow fault: every reply late),
 *     beside a real QEMU whose row keeps refreshing meanwhile; Ctrl-C then
 *     cancels it and the journal rolls back what it had done: the slot is
 *     not left used, the log says cancelled;
 *   - a 1 MiB paste into the line does not stop the refreshes either.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "simspawn.h"
#include "testutil.h"
#include "tmuxdrv.h"

#define W 120
#define H 36
#define WAIT 8000

static char bin[4096];
static struct tmx_reg regs;	/* what a failed test left: undone after */

static void
reg(const char *what, const char *v)
{
	tmx_reg_add(&regs, what, v);
}

static void
reg_cleanup(void)
{
	tmx_reg_cleanup(&regs, SIGKILL);
}

#define SEE(t, text) \
	ck_assert_msg(tmx_expect((t), (text), WAIT), "expected \"%s\" on " \
	    "the screen", (text))

#define CELLS(t, name, first, want) \
	ck_assert_msg(tmx_expect_cells((t), (name), (first), (want), WAIT), \
	    "expected row %s to show %s", (name), (want))

/* A paused pc QEMU in dir/name. */
static void
qemu(const char *dir, const char *name)
{
	char sub[4200];

	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(tu_qemu_start(sub, "pc", NULL), 0);
}

/* device_add over dir/name's HMP socket, behind slotscope's back. */
static void
behind_the_back(const char *dir, const char *name, const char *dev)
{
	char ep[4300];
	struct err e;
	struct mon *m;

	snprintf(ep, sizeof ep, "unix:%s/%s/hmp.sock", dir, name);
	m = mon_new(ep, NULL, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = dev }, NULL, &e) == 0, "%s", e.msg);
	mon_free(m);
}

static void
launch(struct tmx *t, const char *dir, const char *insts)
{
	char cmd[9000];

	snprintf(cmd, sizeof cmd, "cd %s && env LANG=C.UTF-8 "
	    "TERM=screen-256color HOME=%s XDG_STATE_HOME=%s/state %s "
	    "--runtime-dir %s/rt --interval 0.3 %s 2>%s/stderr", dir, dir,
	    dir, bin, dir, insts, dir);
	ck_assert_int_eq(tmx_start(t, W, H, cmd), 0);
	reg("tmux", t->sock);
}

/* The simulator in dir/sub with the extra arguments (NULL-ended, at most
 * 6), registered for the cleanup; returns its pid once vm1.qmp listens. */
static pid_t
sim_start(const char *dir, const char *sub, ...)
{
	char path[4300];
	const char *a[6] = { NULL };
	va_list ap;
	pid_t pid;
	int n = 0;

	snprintf(path, sizeof path, "%s/%s", dir, sub);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	va_start(ap, sub);
	while (n < 6 && (a[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	pid = tu_sim_spawn(path, "--instances", "1", a[0], a[1], a[2], a[3],
	    a[4], a[5], (char *)NULL);
	tmx_reg_pid(&regs, (long)pid);
	ck_assert_msg(tu_sim_serves(path, "vm1.qmp", 5000), "the simulator "
	    "did not come up");
	return pid;
}

static void
sim_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

START_TEST(hotplug_waits_on_a_held_lock)
{
	char *dir = tu_tmpdir(), insts[4400];
	struct tmx t;
	int lock;

	ck_assert_ptr_nonnull(dir);
	reg("dir", dir);
	qemu(dir, "qa");
	snprintf(insts, sizeof insts, "a=unix:%s/qa/qmp.sock", dir);
	launch(&t, dir, insts);
	CELLS(&t, "a", 0, "BBBB.....");
	/* another operator holds a's runtime file (the lock slotscope
	 * takes, store.h) until the checks below are done: this process,
	 * not a `flock ... sleep 5` beside it, which a loaded machine could
	 * start too late or see end too early */
	ck_assert(mkdir(tu_path(dir, "rt"), 0700) == 0 || errno == EEXIST);
	lock = open(tu_path(dir, "rt/a.lock"), O_RDWR | O_CREAT | O_CLOEXEC,
	    0600);
	ck_assert_int_ge(lock, 0);
	ck_assert_int_eq(flock(lock, LOCK_EX), 0);
	tmx_type(&t, "hotplug a nic");
	tmx_keys(&t, "Enter");
	SEE(&t, "running `hotplug a nic`");
	SEE(&t, "s (cancel or Ctrl-C stops it)");
	/* the grid keeps refreshing: a device added behind our back shows
	 * up while the hotplug still waits for the lock */
	behind_the_back(dir, "qa", "device_add e1000,id=extra9,bus=pci.0,"
	    "addr=0x9");
	CELLS(&t, "a", 0, "BBBB.....F");
	/* and the line takes keys */
	tmx_type(&t, "xyz");
	SEE(&t, "slotscope> xyz");
	tmx_keys(&t, "C-u");
	/* the lock is let go: the hotplug lands in slot 4 */
	close(lock);
	CELLS(&t, "a", 0, "BBBBU....F");
	SEE(&t, "a: nic-");
	tmx_kill(&t);
	snprintf(insts, sizeof insts, "%s/qa", dir);
	tu_qemu_stop(insts);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

START_TEST(slow_monitor_then_ctrl_c)
{
	char *dir = tu_tmpdir(), sim[4300], insts[9000], *scr;
	struct tmx t;
	pid_t pid;
	int k;

	ck_assert_ptr_nonnull(dir);
	reg("dir", dir);
	qemu(dir, "qa");
	pid = sim_start(dir, "sim", "--fault", "slow=600", (char *)NULL);
	snprintf(sim, sizeof sim, "%s/sim", dir);
	snprintf(insts, sizeof insts, "a=unix:%s/qa/qmp.sock "
	    "s=unix:%s/vm1.qmp", dir, sim);
	launch(&t, dir, insts);
	CELLS(&t, "a", 0, "BBBB.....");
	CELLS(&t, "s", 0, "BBBB.....");
	tmx_type(&t, "hotplug s nic");
	tmx_keys(&t, "Enter");
	SEE(&t, "running `hotplug s nic`");
	/* every reply takes 0.6 s: while it runs, row a keeps refreshing
	 * and the line echoes */
	behind_the_back(dir, "qa", "device_add e1000,id=extra9,bus=pci.0,"
	    "addr=0x9");
	CELLS(&t, "a", 0, "BBBB.....F");
	tmx_type(&t, "abc");
	SEE(&t, "slotscope> abc");
	tmx_keys(&t, "C-u");
	scr = tmx_screen(&t, 0);
	ck_assert_msg(strstr(scr, "running `hotplug s nic`") != NULL,
	    "the hotplug ended already: %s", scr);
	free(scr);
	/* Ctrl-C on the empty line stops it; the journal rolls back */
	tmx_keys(&t, "C-c");
	SEE(&t, "hotplug s nic cancelled after");
	scr = tmx_screen(&t, 0);
	ck_assert_msg(!tmx_dead(&t), "Ctrl-C quit instead: %s", scr);
	free(scr);
	/* slot 4 is not left used: free again, or unplugging while the
	 * rolled-back device goes */
	{
		char *last = NULL, cells[33];
		int ok = 0;

		for (k = 0; k < tu_ms(8000) / 100 && !ok; k++) {
			free(last);
			last = tmx_screen(&t, 0);
			ok = tmx_row_cells(last, "s", cells) == 0 &&
			    (cells[4] == '.' || cells[4] == '~');
			usleep(100000);
		}
		ck_assert_msg(ok, "slot 4 of s: %s", last);
		free(last);
	}
	tmx_kill(&t);
	sim_stop(pid);
	snprintf(insts, sizeof insts, "%s/qa", dir);
	tu_qemu_stop(insts);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* The screen has text now (not waiting for it). */
static int
on_screen(struct tmx *t, const char *text)
{
	char *scr = tmx_screen(t, 0);
	int yes = scr != NULL && strstr(scr, text) != NULL;

	free(scr);
	return yes;
}

/* An unplug in the TUI waits for the guest's answer in its job's child:
 * a refusal over QMP (the simulator's --guest refuse sends QEMU's
 * DEVICE_UNPLUG_GUEST_ERROR) is said in the event log and the slot is
 * used again; over HMP, which has no events, the job says after its wait
 * that a refusal cannot be seen, and the line takes keys meanwhile. */
START_TEST(unplug_refused_in_the_background)
{
	char *dir = tu_tmpdir(), insts[9000];
	struct tmx t;
	pid_t pid;
	int k;

	ck_assert_ptr_nonnull(dir);
	reg("dir", dir);
	pid = sim_start(dir, "sim", "--guest", "refuse", (char *)NULL);
	snprintf(insts, sizeof insts, "s=unix:%s/sim/vm1.qmp", dir);
	launch(&t, dir, insts);
	CELLS(&t, "s", 0, "BBBB.....");
	tmx_type(&t, "hotplug s nic slot=5");
	tmx_keys(&t, "Enter");
	CELLS(&t, "s", 0, "BBBB.U...");
	tmx_type(&t, "unplug s 5");
	tmx_keys(&t, "Enter");
	SEE(&t, "the guest refused the unplug");
	CELLS(&t, "s", 0, "BBBB.U...");
	ck_assert_msg(!on_screen(&t, "not confirmed it yet"),
	    "a refused unplug was called pending");
	tmx_kill(&t);
	/* the same guest over HMP (its runtime file is the same instance's):
	 * the refusal is not seen */
	snprintf(insts, sizeof insts, "s=unix:%s/sim/vm1.monitor", dir);
	launch(&t, dir, insts);
	CELLS(&t, "s", 0, "BBBB.U...");
	tmx_type(&t, "unplug s 5");
	tmx_keys(&t, "Enter");
	SEE(&t, "running `unplug s 5`");
	tmx_type(&t, "abc");
	SEE(&t, "slotscope> abc");
	ck_assert_msg(on_screen(&t, "running `unplug s 5`"),
	    "the unplug did not wait for the guest");
	tmx_keys(&t, "C-u");
	for (k = 0; k < tu_ms(15000) / 100 &&
	    !on_screen(&t, "refusal cannot be"); k++)
		usleep(100000);
	SEE(&t, "so a guest's refusal cannot be");
	SEE(&t, "s: unplug of");
	tmx_kill(&t);
	sim_stop(pid);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* version on a slow monitor refreshes the instance in its job's child:
 * the screen leaves that instance alone meanwhile (QEMU serves one
 * client: a second session would find it busy). */
START_TEST(version_holds_the_monitor)
{
	char *dir = tu_tmpdir(), insts[9000];
	struct tmx t;
	pid_t pid;
	int k, seen = 0;

	ck_assert_ptr_nonnull(dir);
	reg("dir", dir);
	pid = sim_start(dir, "sim", "--fault", "slow=400", (char *)NULL);
	snprintf(insts, sizeof insts, "s=unix:%s/sim/vm1.qmp", dir);
	launch(&t, dir, insts);
	CELLS(&t, "s", 0, "BBBB.....");
	tmx_type(&t, "version s");
	/* between two refreshes (the simulator would still be busy with
	 * one just abandoned, as no QEMU is) */
	for (k = 0; k < tu_ms(2000) / 10 && on_screen(&t, "(refreshing)"); k++)
		usleep(10000);
	tmx_keys(&t, "Enter");
	for (k = 0; k < tu_ms(5000) / 50 && !on_screen(&t, "s: QEMU "); k++) {
		char *scr = tmx_screen(&t, 0);

		ck_assert_msg(strstr(scr, " 0 busy") != NULL, "s was "
		    "refreshed while version held its monitor: %s", scr);
		seen += strstr(scr, "running `version s`") != NULL;
		free(scr);
		usleep(50000);
	}
	ck_assert_msg(seen > 0, "version was not seen running");
	SEE(&t, "s: QEMU ");
	SEE(&t, " 0 busy");
	tmx_kill(&t);
	sim_stop(pid);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* An unplug QEMU confirmed is recorded off the loop: the runtime file
 * says slot 5 is `unplugging`, the (slow) monitor no longer has the
 * device; while the record job talks to that monitor (netdev_del, each
 * reply 1.2 s late), another instance's row keeps refreshing and the line
 * echoes; then the event log says what was recorded. */
START_TEST(confirmed_unplug_recorded_off_the_loop)
{
	char *dir = tu_tmpdir(), cmd[9000], insts[9000], *out = NULL;
	struct tmx t;
	pid_t pid;

	ck_assert_ptr_nonnull(dir);
	reg("dir", dir);
	qemu(dir, "qa");
	/* a paused guest never acknowledges: slot 5 stays unplugging */
	pid = sim_start(dir, "fast", (char *)NULL);
	snprintf(cmd, sizeof cmd, "%s --runtime-dir %s/rt s=unix:%s/fast/"
	    "vm1.qmp -c 'hotplug s nic slot=5' -c 'unplug s 5' "
	    "--unplug-wait 0 -c 'show s'", bin, dir, dir);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(strstr(out, "   5 unplugging ") != NULL, "%s", out);
	free(out);
	sim_stop(pid);
	/* a monitor without the device: its unplug is confirmed */
	pid = sim_start(dir, "slow", "--fault", "slow=1200", (char *)NULL);
	snprintf(insts, sizeof insts, "a=unix:%s/qa/qmp.sock "
	    "s=unix:%s/slow/vm1.qmp", dir, dir);
	launch(&t, dir, insts);
	CELLS(&t, "a", 0, "BBBB.....");
	CELLS(&t, "s", 0, "BBBB.....");
	behind_the_back(dir, "qa", "device_add e1000,id=extra9,bus=pci.0,"
	    "addr=0x9");
	CELLS(&t, "a", 0, "BBBB.....F");
	tmx_type(&t, "abc");
	SEE(&t, "slotscope> abc");
	ck_assert_msg(!on_screen(&t, "is confirmed by QEMU and recorded"),
	    "recorded before the screen went on");
	tmx_keys(&t, "C-u");
	SEE(&t, "is confirmed by QEMU and recorded:");
	tmx_kill(&t);
	/* the runtime file no longer has the device; the audit log says
	 * who recorded it */
	snprintf(cmd, sizeof cmd, "cat %s/rt/s.json %s/rt/audit.log", dir,
	    dir);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(strstr(out, "unplugging") == NULL, "%s", out);
	ck_assert_msg(strstr(out, "unplug-confirmed nic-") != NULL, "%s", out);
	free(out);
	sim_stop(pid);
	snprintf(insts, sizeof insts, "%s/qa", dir);
	tu_qemu_stop(insts);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* A 1 MiB paste into the line: the grid keeps refreshing meanwhile, the
 * line keeps at most 4096 bytes of it, and the next command works. */
START_TEST(huge_paste_costs_nothing)
{
	char *dir = tu_tmpdir(), cmd[9000], insts[4400], *scr;
	struct tmx t;

	ck_assert_ptr_nonnull(dir);
	reg("dir", dir);
	qemu(dir, "qa");
	snprintf(insts, sizeof insts, "a=unix:%s/qa/qmp.sock", dir);
	launch(&t, dir, insts);
	CELLS(&t, "a", 0, "BBBB.....");
	snprintf(cmd, sizeof cmd, "head -c 1048576 /dev/zero | tr '\\0' x "
	    "> %s/paste && tmux -L %s load-buffer %s/paste && tmux -L %s "
	    "paste-buffer -t e2e", dir, t.sock, dir, t.sock);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	behind_the_back(dir, "qa", "device_add e1000,id=extra9,bus=pci.0,"
	    "addr=0x9");
	CELLS(&t, "a", 0, "BBBB.....F");
	SEE(&t, "slotscope> xxxxxxxx");
	tmx_keys(&t, "C-u");
	tmx_type(&t, "next a");
	tmx_keys(&t, "Enter");
	SEE(&t, "> next a");
	scr = tmx_screen(&t, 0);
	ck_assert_msg(strstr(scr, "the command line is too long") == NULL,
	    "the paste reached the command: %s", scr);
	free(scr);
	tmx_kill(&t);
	snprintf(insts, sizeof insts, "%s/qa", dir);
	tu_qemu_stop(insts);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

Suite *
tui_wait_suite(void)
{
	Suite *s = suite_create("tui_wait");
	TCase *tc;
	static const char *const need[] = { "tmux", "qemu-system-x86_64",
		"flock", NULL };

	tmx_reg_init(&regs, "wait");
	if (realpath(tu_bin(), bin) == NULL)
		snprintf(bin, sizeof bin, "%s", tu_bin());
	tc = tu_tcase_new(s, "wait", tu_missing(need), NULL, reg_cleanup, 90);
	tcase_add_test(tc, hotplug_waits_on_a_held_lock);
	tcase_add_test(tc, slow_monitor_then_ctrl_c);
	tcase_add_test(tc, huge_paste_costs_nothing);
	tcase_add_test(tc, unplug_refused_in_the_background);
	tcase_add_test(tc, version_holds_the_monitor);
	tcase_add_test(tc, confirmed_unplug_recorded_off_the_loop);
	return s;
}
