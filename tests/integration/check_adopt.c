/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_adopt.c - adopt and forget through the real binary (batch mode):
 *
 *   - a NIC booted with the VM (`-device virtio-net-pci,id=nic-aaaa1111-
 *     pci-4`, the tiny guest of tests/scripts/boot-test-guest.sh, whose
 *     ACPI hotplug really ejects it) shows foreign; `unplug` says to adopt
 *     it first; `adopt` records it (driver and mac read from QEMU) and it
 *     shows used; `unplug` then completes with the guest: slot 4 free,
 *     nothing recorded;
 *   - a disk booted with a paused VM (-drive + -device virtio-blk-pci) is
 *     adopted with its drive as backend; adopting it again, an empty slot
 *     or a device without an id is refused with one line;
 *   - forget: a recorded device the bus lacks (missing) is dropped and
 *     its orphan netdev removed from QEMU; a live device is refused.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qemu/backends.h"
#include "qemu/mon.h"
#include "testutil.h"

static struct tu_vm guest = { .machine = "pc", .guest = 1,
	.extra = "-device virtio-net-pci,id=nic-aaaa1111-pci-4,addr=0x4" };
static struct tu_vm paused = { .machine = "pc",
	.extra = "-drive file=/dev/null,if=none,id=drv0,format=raw,"
	    "readonly=on -device virtio-blk-pci,id=disk-bbbb2222-pci-5,"
	    "drive=drv0,addr=0x5 -device e1000,addr=0x6" };
TU_VM_FIXTURE(guest, guest)
TU_VM_FIXTURE(paused, paused)

/* The binary against v's socket sock with the given -c words (trusted
 * test text); stdout+stderr in *out. */
static int
run(const struct tu_vm *v, const char *sock, const char *args, char **out)
{
	char cmd[9000];

	ck_assert_msg(v->up, "QEMU did not start");
	snprintf(cmd, sizeof cmd, "'%s' --runtime-dir '%s/rt' --audit-log "
	    "'%s/audit.log' vm=unix:'%s/%s' --unplug-wait 20000 %s 2>&1",
	    tu_bin(), v->dir, v->dir, v->dir, sock, args);
	return tu_run(cmd, out);
}

/* The state of slot s in `show vm --json`. */
static char *
state_of(const struct tu_vm *v, int s)
{
	char *out = NULL, *st;
	json_t *j, *slots;

	ck_assert_int_eq(run(v, "qmp.sock", "-c 'show vm' --json", &out), 0);
	j = json_loads(strstr(out, "{"), JSON_DECODE_ANY, NULL);
	ck_assert_msg(j != NULL, "not JSON: %s", out);
	slots = json_object_get(j, "slots");
	st = strdup(json_string_value(json_object_get(json_array_get(slots,
	    (size_t)s), "state")));
	json_decref(j);
	free(out);
	return st;
}

static void
has(const char *out, const char *want)
{
	ck_assert_msg(strstr(out, want) != NULL, "'%s' lacks '%s'", out, want);
}

START_TEST(adopt_booted_nic_then_unplug)
{
	char *out = NULL, *st, *txt;

	st = state_of(&guest, 4);
	ck_assert_str_eq(st, "foreign");
	free(st);
	/* unplug says what is true and what to do */
	ck_assert_int_eq(run(&guest, "qmp.sock", "-c 'unplug vm 4'", &out), 1);
	has(out, "nic-aaaa1111-pci-4 is live but slotscope did not place it");
	has(out, "adopt vm 4");
	free(out);
	ck_assert_int_eq(run(&guest, "hmp.sock", "-c 'adopt vm 4'", &out), 0);
	has(out, "nic-aaaa1111-pci-4 in slot 4 adopted as a nic");
	free(out);
	st = state_of(&guest, 4);
	ck_assert_str_eq(st, "used");
	free(st);
	txt = tu_slurp(tu_path(guest.dir, "rt/vm.json"));
	has(txt, "\"driver\": \"virtio-net-pci\"");
	has(txt, "\"mac\": \"52:54:00:");
	free(txt);
	/* the guest ejects it: confirmed, slot 4 free */
	ck_assert_int_eq(run(&guest, "qmp.sock",
	    "-c 'unplug vm nic-aaaa1111-pci-4'", &out), 0);
	has(out, "nic-aaaa1111-pci-4 unplugged, slot 4 is free again");
	free(out);
	st = state_of(&guest, 4);
	ck_assert_str_eq(st, "free");
	free(st);
	txt = tu_slurp(tu_path(guest.dir, "audit.log"));
	has(txt, "what=\"adopt 4\" result=\"ok nic-aaaa1111-pci-4 slot 4\"");
	free(txt);
}
END_TEST

START_TEST(adopt_disk_and_refusals)
{
	char *out = NULL;

	ck_assert_int_eq(run(&paused, "qmp.sock",
	    "-c 'adopt vm disk-bbbb2222-pci-5'", &out), 0);
	has(out, "disk-bbbb2222-pci-5 in slot 5 adopted as a disk (drive "
	    "drv0)");
	free(out);
	ck_assert_int_eq(run(&paused, "hmp.sock", "-c 'adopt vm 5'", &out), 1);
	has(out, "is already recorded (plugged)");
	free(out);
	ck_assert_int_eq(run(&paused, "hmp.sock", "-c 'adopt vm 9'", &out), 1);
	has(out, "slot 9 is empty");
	free(out);
	ck_assert_int_eq(run(&paused, "hmp.sock", "-c 'adopt vm 6'", &out), 1);
	has(out, "without an id");
	free(out);
	ck_assert_int_eq(run(&paused, "hmp.sock",
	    "-c 'adopt vm disk-bbbb2222-pci-5 gpu'", &out), 1);
	has(out, "expected nic or disk");
	free(out);
	/* a live device cannot be forgotten */
	ck_assert_int_eq(run(&paused, "qmp.sock", "-c 'forget vm 5'", &out),
	    1);
	has(out, "is live in slot 5");
	free(out);
}
END_TEST

START_TEST(forget_missing)
{
	char *out = NULL, path[4300], *st;
	struct backends b;
	struct mon *m;
	struct err e;
	FILE *fp;

	/* recorded, not on the bus; its netdev still in QEMU, unused */
	snprintf(path, sizeof path, "%s/rt", paused.dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/rt/vm.json", paused.dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("{\"format\": 1, \"instance\": \"vm\", \"reservations\": "
	    "\"11110000000000000000000000000000\", \"devices\": [{\"id\": "
	    "\"nic-deadbeef-pci-9\", \"type\": \"nic\", \"slot\": 9, \"state\":"
	    " \"plugged\", \"backend\": {\"kind\": \"user\", \"netdev\": "
	    "\"hostnet-deadbeef-pci-9\"}}]}\n", fp);
	fclose(fp);
	snprintf(path, sizeof path, "unix:%s/qmp.sock", paused.dir);
	m = mon_new(path, &(struct mon_opts){ .keep_open = 1 }, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op = MON_OP_NETDEV_ADD,
	    .netdev = &(struct moncmd_netdev){ .type = MONCMD_NETDEV_USER,
	    .id = "hostnet-deadbeef-pci-9" } }, NULL, &e), 0);
	mon_free(m);
	st = state_of(&paused, 9);
	ck_assert_str_eq(st, "missing");
	free(st);
	ck_assert_int_eq(run(&paused, "qmp.sock", "-c 'forget vm 9'", &out), 0);
	has(out, "nic-deadbeef-pci-9 forgotten");
	has(out, "backend hostnet-deadbeef-pci-9 removed");
	free(out);
	st = state_of(&paused, 9);
	ck_assert_str_eq(st, "free");
	free(st);
	m = mon_new(path, &(struct mon_opts){ .keep_open = 1 }, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(backends_query(m, &b, &e) == 0, "%s", e.msg);
	ck_assert_ptr_null(backends_find(&b, BACKEND_NETDEV,
	    "hostnet-deadbeef-pci-9"));
	mon_free(m);
}
END_TEST

Suite *
adopt_suite(void)
{
	Suite *s = suite_create("adopt");
	TCase *tc;

	tc = tu_tcase_new(s, "guest", tu_missing_qemu(), guest_up, guest_down,
	    120);
	tcase_add_test(tc, adopt_booted_nic_then_unplug);
	tc = tu_tcase_new(s, "paused", tu_missing_qemu(), paused_up,
	    paused_down, 60);
	tcase_add_test(tc, adopt_disk_and_refusals);
	tcase_add_test(tc, forget_missing);
	return s;
}
