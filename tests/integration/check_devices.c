/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_devices.c - devices the way real stacks plug them, against a real
 * QEMU 7.2: a loop device (what Ganeti's LVM and DRBD disks look like to
 * QEMU) hot-added over QMP and HMP gets a host_device node; a qcow2 image
 * without format= becomes a qcow2 node, format=raw on it is refused,
 * readonly=on and cache=none show in the node; a tap that does not exist
 * is refused and not created; bridge=BR puts the tap on BR and up, and the
 * unplug takes it off; queues=2 gives two queues and vhost=on without
 * /dev/vhost-net is refused; a MAC some NIC of the instance has (the
 * board's e1000, an earlier hotplug) is refused; show checks each backend
 * against QEMU.
 *
 * The loop device, the tap and the bridge are made by the unchecked
 * fixtures (in the runner's process) and removed by them, also when a
 * check fails or times out.  Root, losetup and ip are needed: without
 * them the checks skip saying why (in CI they fail).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet/hotplug.h"
#include "qemu/mon.h"
#include "testutil.h"
#include "vmtarget.h"

static struct tu_vm vm_disk = { .machine = "pc" };
static struct tu_vm vm_nic = { .machine = "pc" };
static struct tu_vm vm_br = { .machine = "pc", .guest = 1 };
static const char *missing;	/* what the host lacks (root, losetup, ip) */
static const char *noguest;	/* what the guest lacks */
static char loopdev[64], loopdev2[64];	/* the fixture's, "" if none */
static char tap[16], br[16];	/* the fixture's tap and bridge */
static char fxerr[256];		/* why the fixture could not make them */

static void
sh(const char *cmd)
{
	char *out = NULL;

	if (tu_run(cmd, &out) != 0 && fxerr[0] == '\0')
		snprintf(fxerr, sizeof fxerr, "'%s' failed: %.150s", cmd,
		    out ? out : "");
	free(out);
}

static void
disk_up(void)
{
	char cmd[4400];
	char *out = NULL;

	tu_vm_up(&vm_disk);
	if (missing || !vm_disk.up)
		return;
	snprintf(cmd, sizeof cmd, "cd %s && truncate -s 16M loop.img "
	    "loop2.img && losetup -f --show loop.img && losetup -f --show "
	    "loop2.img && qemu-img create -q -f qcow2 a.qcow2 16M && "
	    "qemu-img create -q -f qcow2 b.qcow2 16M", vm_disk.dir);
	if (tu_run(cmd, &out) == 0 && out != NULL &&
	    sscanf(out, "%63s %63s", loopdev, loopdev2) == 2 &&
	    strncmp(loopdev2, "/dev/loop", 9) == 0)
		;
	else
		snprintf(fxerr, sizeof fxerr, "losetup/qemu-img: %.200s",
		    out ? out : "");
	free(out);
}

static void
disk_down(void)
{
	char cmd[128];

	if (vm_disk.dir != NULL)
		tu_qemu_stop(vm_disk.dir);
	if (loopdev[0]) {
		snprintf(cmd, sizeof cmd, "losetup -d %s", loopdev);
		sh(cmd);
		loopdev[0] = '\0';
	}
	if (loopdev2[0]) {
		snprintf(cmd, sizeof cmd, "losetup -d %s", loopdev2);
		sh(cmd);
		loopdev2[0] = '\0';
	}
	tu_vm_down(&vm_disk);
}

static char mqtap[16];		/* the nic fixture's multiqueue tap */

static void
nic_up(void)
{
	char cmd[128];

	tu_vm_up(&vm_nic);
	if (missing)
		return;
	snprintf(mqtap, sizeof mqtap, "ssdq%d", (int)getpid() % 100000);
	snprintf(cmd, sizeof cmd, "ip tuntap add dev %s mode tap multi_queue",
	    mqtap);
	sh(cmd);
}

static void
nic_down(void)
{
	char cmd[128];

	tu_vm_down(&vm_nic);
	if (mqtap[0]) {
		snprintf(cmd, sizeof cmd, "ip link del %s", mqtap);
		sh(cmd);
		mqtap[0] = '\0';
	}
}

static void
br_up(void)
{
	char cmd[256];

	if (missing || noguest)
		return;
	snprintf(tap, sizeof tap, "ssdt%d", (int)getpid() % 100000);
	snprintf(br, sizeof br, "ssdb%d", (int)getpid() % 100000);
	snprintf(cmd, sizeof cmd, "ip tuntap add dev %s mode tap && "
	    "ip link add name %s type bridge", tap, br);
	sh(cmd);
	tu_vm_up(&vm_br);
}

static void
br_down(void)
{
	char cmd[256];

	tu_vm_down(&vm_br);
	if (tap[0]) {
		snprintf(cmd, sizeof cmd, "ip link del %s; ip link del %s; "
		    "true", tap, br);
		sh(cmd);
	}
}

/* vmtarget_init once the fixture's own set-up is known to be whole. */
static void
tgt(struct vmtarget *g, const struct tu_vm *v, const char *sock)
{
	ck_assert_msg(v->up, "QEMU did not start");
	if (fxerr[0])
		tu_skip(fxerr);
	vmtarget_init(g, v, sock);
}

/* A hotplug of the given words: 0 with *d, or -1 with e. */
static int
plug(struct vmtarget *g, enum hotplug_type t, const char *const *words,
    struct store_dev *d, struct err *e)
{
	struct hotplug_req r;

	hotplug_req_init(&r, t);
	for (; *words; words++)
		if (hotplug_req_set(&r, *words, e) < 0)
			return -1;
	return hotplug_add(&g->t, &r, d, e);
}

/* What QEMU answers to one query, over the test's own session. */
static char *
ask(struct vmtarget *g, const char *hmp, const char *qmp)
{
	struct mon_result res;
	struct mon *m;
	struct err e;
	char *t;

	m = mon_new(g->ep, NULL, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = hmp, .qmp = qmp }, &res, &e) == 0, "%s", e.msg);
	mon_free(m);
	ck_assert_ptr_nonnull(res.text);
	t = res.text;
	res.text = NULL;
	mon_result_free(&res);
	return t;
}

/* The named block node of QMP's query-named-block-nodes whose key k has
 * the string value v (NULL when none); the caller json_decref()s root. */
static json_t *
node(struct vmtarget *g, const char *k, const char *v, json_t **root)
{
	char *t = ask(g, NULL, "{\"execute\": \"query-named-block-nodes\"}");
	size_t i;
	json_t *n;

	*root = json_loads(t, 0, NULL);
	free(t);
	ck_assert_ptr_nonnull(*root);
	json_array_foreach(*root, i, n)
		if (json_is_string(json_object_get(n, k)) &&
		    strcmp(json_string_value(json_object_get(n, k)), v) == 0)
			return n;
	return NULL;
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

START_TEST(loop_device_is_host_device)
{
	struct vmtarget g;
	struct store_dev d;
	struct err e;
	json_t *root, *n;
	char path[128], *t;
	const char *w[] = { path, NULL };

	tgt(&g, &vm_disk, "qmp.sock");
	snprintf(path, sizeof path, "path=%s", loopdev);
	ck_assert_msg(plug(&g, HOTPLUG_DISK, w, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.backend.protocol, "host_device");
	ck_assert_str_eq(d.backend.format, "raw");
	/* QEMU's own nodes: the protocol node is host_device on the loop */
	n = node(&g, "drv", "host_device", &root);
	ck_assert_msg(n != NULL, "no host_device node");
	ck_assert_str_eq(jstr(n, "file"), loopdev);
	json_decref(root);
	n = node(&g, "node-name", d.backend.drive, &root);
	ck_assert_msg(n != NULL, "no node %s", d.backend.drive);
	ck_assert_str_eq(jstr(n, "drv"), "raw");
	json_decref(root);
	/* HMP the same: drive_add with file.driver=host_device */
	tgt(&g, &vm_disk, "hmp.sock");
	snprintf(path, sizeof path, "path=%s", loopdev2);
	ck_assert_msg(plug(&g, HOTPLUG_DISK, w, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.backend.protocol, "host_device");
	snprintf(path, sizeof path, ": %s (host_device)", loopdev2);
	t = ask(&g, "info block -n", NULL);
	ck_assert_msg(strstr(t, path) != NULL, "no '%s' in %s", path, t);
	free(t);
}
END_TEST

START_TEST(qcow2_from_its_header)
{
	struct vmtarget g;
	struct store_dev d, d2;
	struct err e;
	json_t *root, *n, *c;
	char a[4200], b[4200];
	const char *wa[] = { a, NULL };
	const char *wraw[] = { a, "format=raw", NULL };
	const char *wro[] = { b, "readonly=on", "cache=none", "aio=native",
		"discard=unmap", "serial=SS-42", NULL };
	char *t;

	tgt(&g, &vm_disk, "qmp.sock");
	snprintf(a, sizeof a, "path=%s/a.qcow2", vm_disk.dir);
	snprintf(b, sizeof b, "path=%s/b.qcow2", vm_disk.dir);
	/* format=raw on a qcow2 header is refused before QEMU hears of it */
	ck_assert_int_eq(plug(&g, HOTPLUG_DISK, wraw, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "qcow2 header") != NULL, "%s", e.msg);
	t = ask(&g, NULL, "{\"execute\": \"query-named-block-nodes\"}");
	ck_assert_msg(strstr(t, "a.qcow2") == NULL, "%s", t);
	free(t);
	/* no format=: the header says qcow2 */
	ck_assert_msg(plug(&g, HOTPLUG_DISK, wa, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.backend.format, "qcow2");
	ck_assert_str_eq(d.backend.protocol, "file");
	n = node(&g, "node-name", d.backend.drive, &root);
	ck_assert_msg(n != NULL, "no node %s", d.backend.drive);
	ck_assert_str_eq(jstr(n, "drv"), "qcow2");
	ck_assert(json_is_false(json_object_get(n, "ro")));
	json_decref(root);
	/* readonly=on and cache=none: a read-only node that bypasses the
	 * page cache */
	ck_assert_msg(plug(&g, HOTPLUG_DISK, wro, &d2, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(d2.backend.readonly, 1);
	ck_assert_str_eq(d2.backend.cache, "none");
	ck_assert_str_eq(d2.backend.serial, "SS-42");
	n = node(&g, "node-name", d2.backend.drive, &root);
	ck_assert_msg(n != NULL, "no node %s", d2.backend.drive);
	ck_assert_str_eq(jstr(n, "drv"), "qcow2");
	ck_assert(json_is_true(json_object_get(n, "ro")));
	c = json_object_get(n, "cache");
	ck_assert(json_is_true(json_object_get(c, "direct")));
	json_decref(root);
}
END_TEST

START_TEST(missing_tap_refused)
{
	struct vmtarget g;
	struct store_dev d;
	struct err e;
	struct stat st;
	char word[64], sys[96], *t;
	const char *w[] = { word, NULL };
	int n = (int)getpid() % 100000;

	tgt(&g, &vm_nic, "qmp.sock");
	snprintf(word, sizeof word, "backend=tap:ssmiss%d", n);
	snprintf(sys, sizeof sys, "/sys/class/net/ssmiss%d", n);
	ck_assert_int_eq(plug(&g, HOTPLUG_NIC, w, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "does not exist") != NULL, "%s", e.msg);
	ck_assert_int_eq(stat(sys, &st), -1);
	t = ask(&g, "info network", "{\"execute\": \"human-monitor-command\", "
	    "\"arguments\": {\"command-line\": \"info network\"}}");
	ck_assert_msg(strstr(t, "hostnet") == NULL, "%s", t);
	free(t);
}
END_TEST

START_TEST(duplicate_mac_refused)
{
	struct vmtarget g;
	struct store_dev d, d2;
	struct err e;
	const char *board[] = { "mac=52:54:00:12:34:56", NULL };
	const char *mine[] = { "mac=52:54:00:AA:BB:01", NULL };
	const char *gen[] = { "model=e1000", NULL };

	tgt(&g, &vm_nic, "hmp.sock");
	/* the machine's own e1000 has QEMU's first default MAC */
	ck_assert_int_eq(plug(&g, HOTPLUG_NIC, board, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "already used by e1000.0") != NULL, "%s",
	    e.msg);
	ck_assert_msg(plug(&g, HOTPLUG_NIC, mine, &d, &e) == 0, "%s", e.msg);
	tgt(&g, &vm_nic, "qmp.sock");
	ck_assert_int_eq(plug(&g, HOTPLUG_NIC, mine, &d2, &e), -1);
	ck_assert_msg(strstr(e.msg, d.id) != NULL, "%s", e.msg);
	/* a generated one differs from both */
	ck_assert_msg(plug(&g, HOTPLUG_NIC, gen, &d2, &e) == 0, "%s", e.msg);
	ck_assert_str_ne(d2.mac, "52:54:00:12:34:56");
	ck_assert_str_ne(d2.mac, "52:54:00:aa:bb:01");
}
END_TEST

/* queues=N: the tap opened N times (fds=), mq and vectors on the device;
 * QEMU lists one NIC/netdev pair per queue.  vhost=on without
 * /dev/vhost-net is refused before QEMU hears of it (7.2 would abort). */
START_TEST(tap_queues)
{
	struct vmtarget g;
	struct store_dev d;
	struct err e;
	char wt[64], want[192], *t;
	const char *w[] = { wt, "queues=2", NULL };
	const char *wv[] = { wt, "vhost=on", NULL };

	tgt(&g, &vm_nic, "qmp.sock");
	snprintf(wt, sizeof wt, "backend=tap:%s", mqtap);
	ck_assert_msg(plug(&g, HOTPLUG_NIC, w, &d, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(d.backend.queues, 2);
	t = ask(&g, NULL, "{\"execute\": \"human-monitor-command\", "
	    "\"arguments\": {\"command-line\": \"info network\"}}");
	snprintf(want, sizeof want, "%s: index=1,type=nic,", d.id);
	ck_assert_msg(strstr(t, want) != NULL, "no second queue: %s", t);
	free(t);
	if (access("/dev/vhost-net", R_OK | W_OK) != 0) {
		ck_assert_int_eq(plug(&g, HOTPLUG_NIC, wv, &d, &e), -1);
		ck_assert_msg(strstr(e.msg, "needs /dev/vhost-net") != NULL,
		    "%s", e.msg);
		t = ask(&g, "info status", "{\"execute\": \"query-status\"}");
		free(t);	/* QEMU is still there */
	}
}
END_TEST

/* show --json carries each device's MAC, path and format; a runtime file
 * that no longer says what QEMU has is shown as differing. */
START_TEST(show_backends_checked)
{
	struct vmtarget g;
	struct store_dev dn, dd;
	struct err e;
	char img[4200], cmd[9000], *out = NULL;
	const char *wn[] = { "mac=52:54:00:aa:cc:02", NULL };
	const char *wd[] = { img, NULL };
	json_t *j, *devs, *x;
	size_t i;
	int seen = 0;

	tgt(&g, &vm_nic, "qmp.sock");
	snprintf(cmd, sizeof cmd, "truncate -s 1M %s/s.raw", vm_nic.dir);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(out);
	snprintf(img, sizeof img, "path=%s/s.raw", vm_nic.dir);
	ck_assert_msg(plug(&g, HOTPLUG_NIC, wn, &dn, &e) == 0, "%s", e.msg);
	ck_assert_msg(plug(&g, HOTPLUG_DISK, wd, &dd, &e) == 0, "%s", e.msg);
	snprintf(cmd, sizeof cmd, "%s vm1=%s --runtime-dir %s -c 'show vm1' "
	    "--json", tu_bin(), g.ep, g.rtdir);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	j = json_loads(out, 0, NULL);
	ck_assert_msg(j != NULL, "%s", out);
	free(out);
	devs = json_object_get(j, "devices");
	json_array_foreach(devs, i, x) {
		ck_assert(json_is_true(json_object_get(json_object_get(x,
		    "qemu"), "match")));
		ck_assert_str_eq(jstr(x, "owner"), "slotscope");
		if (strcmp(jstr(x, "id"), dn.id) == 0) {
			ck_assert_str_eq(jstr(x, "mac"), "52:54:00:aa:cc:02");
			seen |= 1;
		}
		if (strcmp(jstr(x, "id"), dd.id) == 0) {
			ck_assert_str_eq(jstr(x, "path"), img + 5);
			ck_assert_str_eq(jstr(x, "format"), "raw");
			seen |= 2;
		}
	}
	ck_assert_int_eq(seen, 3);
	json_decref(j);
	/* the file now says another MAC: show sees it */
	snprintf(cmd, sizeof cmd, "sed -i 's/52:54:00:aa:cc:02/52:54:00:aa:cc:"
	    "03/' %s/vm1.json && %s vm1=%s --runtime-dir %s -c 'show vm1'",
	    g.rtdir, tu_bin(), g.ep, g.rtdir);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(strstr(out, "DIFFERS: mac 52:54:00:aa:cc:02 in QEMU, "
	    "52:54:00:aa:cc:03 recorded") != NULL, "%s", out);
	free(out);
}
END_TEST

static void
master(const char *ifname, char *out, size_t sz)
{
	char p[96], l[256];
	ssize_t n;

	snprintf(p, sizeof p, "/sys/class/net/%s/master", ifname);
	n = readlink(p, l, sizeof l - 1);
	l[n > 0 ? n : 0] = '\0';
	snprintf(out, sz, "%s", strrchr(l, '/') ? strrchr(l, '/') + 1 : l);
}

START_TEST(bridge_attach_and_detach)
{
	struct vmtarget g;
	struct store_dev d, du;
	struct err e;
	char wt[64], wb[64], m[64], *t;
	const char *w[] = { wt, wb, NULL };
	int rc;

	ck_assert_msg(vm_br.up, "the test guest did not boot");
	tgt(&g, &vm_br, "qmp.sock");
	snprintf(wt, sizeof wt, "backend=tap:%s", tap);
	snprintf(wb, sizeof wb, "bridge=%s", br);
	master(tap, m, sizeof m);
	ck_assert_str_eq(m, "");
	ck_assert_msg(plug(&g, HOTPLUG_NIC, w, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.backend.bridge, br);
	master(tap, m, sizeof m);
	ck_assert_str_eq(m, br);
	{
		char p[96], *fl = NULL;

		snprintf(p, sizeof p, "cat /sys/class/net/%s/flags", tap);
		ck_assert_int_eq(tu_run(p, &fl), 0);
		ck_assert_msg(strtoul(fl, NULL, 0) & 1, "%s is down: %s", tap,
		    fl);
		free(fl);
	}
	t = ask(&g, NULL, "{\"execute\": \"human-monitor-command\", "
	    "\"arguments\": {\"command-line\": \"info network\"}}");
	ck_assert_msg(strstr(t, d.backend.netdev) != NULL, "%s", t);
	free(t);
	rc = hotplug_del(&g.t, d.id, 20000, &du, &e);
	ck_assert_msg(rc == HOTPLUG_DELETED, "rc %d: %s", rc, e.msg);
	master(tap, m, sizeof m);
	ck_assert_str_eq(m, "");
}
END_TEST

Suite *
devices_suite(void)
{
	static const char *const progs[] = { "qemu-system-x86_64", "qemu-img",
		"losetup", "ip", NULL };
	static const char *const gprogs[] = { "cpio", "gzip", NULL };
	Suite *s = suite_create("devices");
	TCase *tc;
	char *out = NULL;

	missing = tu_missing(progs);
	if (missing == NULL && geteuid() != 0)
		missing = "not root: cannot make loop devices, taps and "
		    "bridges";
	if (missing == NULL && access("/dev/net/tun", R_OK | W_OK) != 0)
		missing = "no /dev/net/tun";
	noguest = missing ? missing : tu_missing(gprogs);
	if (noguest == NULL && tu_run("ls /boot/vmlinuz-*-amd64 >/dev/null "
	    "2>&1 && test -x /bin/busybox", &out) != 0)
		noguest = "no Debian kernel in /boot or no /bin/busybox for the "
		    "test guest (linux-image-cloud-amd64, busybox-static)";
	free(out);

	tc = tu_tcase_new(s, "disk", missing, disk_up, disk_down, 60);
	tcase_add_test(tc, loop_device_is_host_device);
	tcase_add_test(tc, qcow2_from_its_header);

	tc = tu_tcase_new(s, "nic", missing, nic_up, nic_down, 60);
	tcase_add_test(tc, missing_tap_refused);
	tcase_add_test(tc, duplicate_mac_refused);
	tcase_add_test(tc, show_backends_checked);
	tcase_add_test(tc, tap_queues);

	tc = tu_tcase_new(s, "bridge", noguest, br_up, br_down, 90);
	tcase_add_test(tc, bridge_attach_and_detach);
	return s;
}
