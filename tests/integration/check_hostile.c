/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_hostile.c - a hostile world around a hotplug, through the real
 * binary (batch mode):
 *
 *   - a full filesystem under the runtime dir (a 64 KiB tmpfs the test
 *     mounts and fills; needs root: outside CI the test is skipped saying
 *     so, under CI=true a missing capability fails), against a real QEMU,
 *     NIC over QMP and disk over HMP: exit 1 with one clear line, no crash,
 *     and QEMU has no device and no backend left;
 *   - the same filesystem filling up while QEMU adds the backend and the
 *     device (the simulator, whose slow fault stretches the hotplug,
 *     stands in for QEMU here; the test fills the tmpfs once the journal
 *     holds the intent, the flow's last write before the result): the
 *     commit after QEMU accepted the device fails, QEMU's side is rolled
 *     back, one clear line, exit 1 -- and once there is room again the
 *     next command resolves the intent that could not be dropped, with an
 *     audit line;
 *   - a FIFO as audit.log: the reservation is made, the audit line is
 *     refused at once (no hang: the command returns), and said so.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/backends.h"
#include "qemu/mon.h"
#include "simspawn.h"
#include "testutil.h"

static struct tu_vm vm = { .machine = "pc" };

static void
vm_up(void)
{
	tu_vm_up(&vm);
}

/* A check that failed left its tmpfs mounted: unmount it here, in the
 * parent, before the dir goes. */
static void
vm_down(void)
{
	char p[4300];

	if (vm.dir != NULL) {
		snprintf(p, sizeof p, "%s/full", vm.dir);
		umount2(p, MNT_DETACH);
		snprintf(p, sizeof p, "%s/s/full", vm.dir);
		umount2(p, MNT_DETACH);
	}
	tu_vm_down(&vm);
}

/* Mount a 64 KiB tmpfs at dir/full; 0, or -1 (the caller fails or
 * skips: see can_mount). */
static int
mount_small(const char *dir, char *mnt, size_t sz)
{
	snprintf(mnt, sz, "%s/full", dir);
	mkdir(mnt, 0700);
	return mount("tmpfs", mnt, "tmpfs", 0, "size=64k,mode=0700");
}

static void
fill(const char *mnt)
{
	char cmd[4400], *out = NULL;

	snprintf(cmd, sizeof cmd, "dd if=/dev/zero of='%s/fill' bs=4k "
	    "2>/dev/null; dd if=/dev/zero of='%s/fill2' bs=1 2>/dev/null; "
	    "true", mnt, mnt);
	tu_run(cmd, &out);
	free(out);
}

/* Root, or the check is skipped saying why (a failure under CI=true). */
static void
need_root(void)
{
	if (geteuid() != 0)
		tu_skip("not root: cannot mount the small tmpfs a "
		    "full-filesystem check needs");
}

/* `slotscope --probe` text of an endpoint. */
static char *
probe(const char *ep)
{
	char cmd[4400], *out = NULL;

	snprintf(cmd, sizeof cmd, "'%s' --probe '%s'", tu_bin(), ep);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	return out;
}

/* How many backends QEMU holds (orphans or not), asked over HMP. */
static size_t
nbackends(const struct tu_vm *v)
{
	struct backends b;
	struct mon *m;
	struct err e;
	char ep[4300];

	snprintf(ep, sizeof ep, "unix:%s/hmp.sock", v->dir);
	m = mon_new(ep, &(struct mon_opts){ .keep_open = 1 }, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(backends_query(m, &b, &e) == 0, "%s", e.msg);
	mon_free(m);
	return b.n;
}

START_TEST(full_filesystem)
{
	char mnt[4200], cmd[9000], img[4200], *out = NULL;
	int rc;

	ck_assert_msg(vm.up, "QEMU did not start");
	need_root();
	ck_assert_msg(mount_small(vm.dir, mnt, sizeof mnt) == 0,
	    "cannot mount a tmpfs at %s", mnt);
	snprintf(img, sizeof img, "%s/disk.img", vm.dir);
	snprintf(cmd, sizeof cmd, "truncate -s 1M '%s'", img);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(out);
	/* the instance has a runtime file, then the disk is full */
	snprintf(cmd, sizeof cmd, "'%s' --runtime-dir '%s' vm=unix:'%s/qmp.sock'"
	    " -c 'reserve vm 9' 2>&1", tu_bin(), mnt, vm.dir);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(out);
	fill(mnt);
	snprintf(cmd, sizeof cmd, "'%s' --runtime-dir '%s' vm=unix:'%s/qmp.sock'"
	    " -c 'hotplug vm nic' 2>&1", tu_bin(), mnt, vm.dir);
	rc = tu_run(cmd, &out);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "No space left on device"));
	ck_assert_ptr_null(strstr(out, "double free"));
	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1,
	    "not one line: %s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' --runtime-dir '%s' vm=unix:'%s/hmp.sock'"
	    " -c 'hotplug vm disk path=%s' 2>&1", tu_bin(), mnt, vm.dir, img);
	rc = tu_run(cmd, &out);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "No space left on device"));
	free(out);
	/* QEMU: no device, no backend of slotscope's */
	snprintf(cmd, sizeof cmd, "unix:%s/qmp.sock", vm.dir);
	out = probe(cmd);
	ck_assert_msg(strstr(out, "nic-") == NULL && strstr(out, "disk-") ==
	    NULL, "a device was left: %s", out);
	free(out);
	ck_assert_uint_eq(nbackends(&vm), 0);
	umount2(mnt, MNT_DETACH);
}
END_TEST

/* The simulator (slow replies, a guest that acks unplugs) and a hotplug
 * in the background; once the journal holds its intent (written before
 * netdev_add; nothing is written after it until the result), the disk
 * fills. */
START_TEST(full_after_device_accepted)
{
	char dir[4200], mnt[4300], sim[4300], rt[4400], outp[4400];
	char cmd[9000], *out = NULL, *txt;
	pid_t spid, hpid;
	int st, k;

	ck_assert_msg(vm.dir != NULL, "no test dir");
	need_root();
	snprintf(dir, sizeof dir, "%s/s", vm.dir);
	mkdir(dir, 0700);
	ck_assert_int_eq(mount_small(dir, mnt, sizeof mnt), 0);
	snprintf(sim, sizeof sim, "%s/sim", dir);
	mkdir(sim, 0700);
	snprintf(rt, sizeof rt, "%s/vm1.json", mnt);
	snprintf(outp, sizeof outp, "%s/out", dir);
	spid = tu_sim_spawn(sim, "--instances", "1", "--guest", "ack=10",
	    "--fault", "slow=300", (char *)NULL);
	ck_assert_msg(tu_sim_serves(sim, "vm1.qmp", 5000), "the simulator "
	    "did not come up");
	hpid = fork();
	ck_assert_int_ge(hpid, 0);
	if (hpid == 0) {
		int fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		char ep[4400];

		snprintf(ep, sizeof ep, "vm1=unix:%s/vm1.qmp", sim);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(tu_bin(), "slotscope", "--runtime-dir", mnt, ep, "-c",
		    "hotplug vm1 nic", (char *)NULL);
		_exit(127);
	}
	/* wait for the hotplug's intent, then fill the disk */
	for (k = 0; k < 1000; k++) {
		txt = tu_slurp(rt);
		if (strstr(txt, "\"op\": \"hotplug\"") != NULL) {
			free(txt);
			break;
		}
		free(txt);
		usleep(5000);
	}
	ck_assert_msg(k < 1000, "the journal never held the intent");
	fill(mnt);
	ck_assert_int_eq(waitpid(hpid, &st, 0), hpid);
	out = tu_slurp(outp);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d: %s",
	    st, out);
	ck_assert_ptr_nonnull(strstr(out, "could not be recorded, so it was "
	    "removed again"));
	ck_assert_ptr_nonnull(strstr(out, "No space left on device"));
	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1,
	    "not one line: %s", out);
	free(out);
	/* room again: the next contact resolves what the failed commit
	 * could not drop; the rolled-back device is not live */
	snprintf(cmd, sizeof cmd, "rm -f '%s/fill' '%s/fill2'; sleep 1; '%s' "
	    "--runtime-dir '%s' --audit-log '%s/audit.log' vm1=unix:'%s/vm1.qmp' "
	    "-c 'show vm1' 2>&1", mnt, mnt, tu_bin(), mnt, dir, sim);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(out);
	txt = tu_slurp(rt);
	ck_assert_msg(strstr(txt, "intents") == NULL, "intent left: %s", txt);
	ck_assert_msg(strstr(txt, "nic-") == NULL, "device recorded: %s", txt);
	free(txt);
	snprintf(cmd, sizeof cmd, "%s/audit.log", dir);
	txt = tu_slurp(cmd);
	ck_assert_msg(strstr(txt, "what=\"resolve hotplug nic-") != NULL,
	    "no resolution line: %s", txt);
	free(txt);
	kill(spid, SIGTERM);
	waitpid(spid, NULL, 0);
	umount2(mnt, MNT_DETACH);
}
END_TEST

START_TEST(fifo_audit_log)
{
	char cmd[9000], fifo[4300], *out = NULL;
	int rc;

	ck_assert_msg(vm.up, "QEMU did not start");
	snprintf(fifo, sizeof fifo, "%s/rt", vm.dir);
	mkdir(fifo, 0700);
	snprintf(fifo, sizeof fifo, "%s/rt/audit.log", vm.dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* timeout: a hang would fail the test instead of stopping it */
	snprintf(cmd, sizeof cmd, "timeout 20 '%s' --runtime-dir '%s/rt' "
	    "vm=unix:'%s/qmp.sock' -c 'reserve vm 9' 2>&1", tu_bin(), vm.dir,
	    vm.dir);
	rc = tu_run(cmd, &out);
	ck_assert_msg(rc != 124, "hung on the FIFO: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "slot 9 reserved"));
	ck_assert_ptr_nonnull(strstr(out, "audit log not written"));
	ck_assert_ptr_nonnull(strstr(out, "not a regular file"));
	free(out);
}
END_TEST

Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc;

	tc = tu_tcase_new(s, "qemu", tu_missing_qemu(), vm_up, vm_down, 60);
	tcase_add_test(tc, full_filesystem);
	tcase_add_test(tc, fifo_audit_log);
	tcase_add_test(tc, full_after_device_accepted);
	return s;
}
