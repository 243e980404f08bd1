/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_unplugwhy.c - an unplug that is not done says why, through the
 * real binary (batch mode):
 *
 *   - a paused QEMU (-S, prelaunch; QMP query-status): "the VM is not
 *     running (prelaunch)"; `unplug --retry` says QEMU refuses a repeat
 *     device_del while the first is pending (over HMP: info status);
 *   - a running QEMU with no guest OS (`cont` into the firmware): "the VM
 *     runs but the guest has not acknowledged it";
 *   - a guest that refuses (the simulator's --guest refuse, which sends
 *     QEMU's DEVICE_UNPLUG_GUEST_ERROR): exit 1, "the guest refused", and
 *     the device is used again.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "simspawn.h"
#include "testutil.h"

static struct tu_vm paused = { .machine = "pc" };
static struct tu_vm running = { .machine = "pc" };
TU_VM_FIXTURE(paused, paused)
TU_VM_FIXTURE(running, running)

static int
run(const char *dir, const char *ep, const char *args, char **out)
{
	char cmd[9000];

	snprintf(cmd, sizeof cmd, "'%s' --runtime-dir '%s/rt' vm=%s "
	    "--unplug-wait 500 %s 2>&1", tu_bin(), dir, ep, args);
	return tu_run(cmd, out);
}

static void
has(const char *out, const char *want)
{
	ck_assert_msg(strstr(out, want) != NULL, "'%s' lacks '%s'", out, want);
}

START_TEST(paused_vm_and_retry)
{
	char q[4300], h[4300], *out = NULL;

	ck_assert_msg(paused.up, "QEMU did not start");
	snprintf(q, sizeof q, "unix:%s/qmp.sock", paused.dir);
	snprintf(h, sizeof h, "unix:%s/hmp.sock", paused.dir);
	ck_assert_int_eq(run(paused.dir, q, "-c 'hotplug vm nic slot=6'", &out),
	    0);
	free(out);
	ck_assert_int_eq(run(paused.dir, q, "-c 'unplug vm 6'", &out), 0);
	has(out, "stays unplugging");
	has(out, "the VM is not running (prelaunch)");
	free(out);
	ck_assert_int_eq(run(paused.dir, h, "-c 'unplug vm 6 --retry'", &out),
	    0);
	has(out, "the VM is not running (prelaunch)");
	has(out, "QEMU refuses a repeat device_del while this one is pending");
	free(out);
}
END_TEST

START_TEST(running_vm_without_os)
{
	char q[4300], *out = NULL;
	struct mon *m;
	struct err e;

	ck_assert_msg(running.up, "QEMU did not start");
	snprintf(q, sizeof q, "unix:%s/hmp.sock", running.dir);
	m = mon_new(q, NULL, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = "cont" }, NULL, &e), 0);
	mon_free(m);
	snprintf(q, sizeof q, "unix:%s/qmp.sock", running.dir);
	ck_assert_int_eq(run(running.dir, q, "-c 'hotplug vm nic slot=7'",
	    &out), 0);
	free(out);
	ck_assert_int_eq(run(running.dir, q, "-c 'unplug vm 7'", &out), 0);
	has(out, "stays unplugging");
	has(out, "the VM runs but the guest has not acknowledged it");
	free(out);
}
END_TEST

START_TEST(guest_refuses)
{
	char *dir = tu_tmpdir(), sim[4300], ep[4400], *out = NULL;
	pid_t pid;

	ck_assert_ptr_nonnull(dir);
	snprintf(sim, sizeof sim, "%s/sim", dir);
	ck_assert_int_eq(mkdir(sim, 0700), 0);
	pid = tu_sim_spawn(sim, "--instances", "1", "--guest", "refuse",
	    (char *)NULL);
	ck_assert_msg(tu_sim_serves(sim, "vm1.qmp", 5000), "the simulator "
	    "did not come up");
	snprintf(ep, sizeof ep, "unix:%s/vm1.qmp", sim);
	ck_assert_int_eq(run(dir, ep, "-c 'hotplug vm nic slot=5'", &out), 0);
	free(out);
	ck_assert_int_eq(run(dir, ep, "-c 'unplug vm 5'", &out), 1);
	has(out, "the guest refused the unplug (DEVICE_UNPLUG_GUEST_ERROR)");
	free(out);
	ck_assert_int_eq(run(dir, ep, "-c 'show vm'", &out), 0);
	has(out, "   5 used ");
	free(out);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

Suite *
unplugwhy_suite(void)
{
	Suite *s = suite_create("unplugwhy");
	TCase *tc;

	tc = tu_tcase_new(s, "paused", tu_missing_qemu(), paused_up,
	    paused_down, 60);
	tcase_add_test(tc, paused_vm_and_retry);
	tc = tu_tcase_new(s, "running", tu_missing_qemu(), running_up,
	    running_down, 60);
	tcase_add_test(tc, running_vm_without_os);
	tc = tu_tcase_new(s, "sim", NULL, NULL, NULL, 60);
	tcase_add_test(tc, guest_refuses);
	return s;
}
