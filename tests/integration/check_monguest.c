/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_monguest.c - a real unplug: boot the tiny guest
 * (tests/scripts/boot-test-guest.sh: Debian's kernel + a busybox
 * initramfs, TCG) so that ACPI hotplug completes, then over QMP: add a
 * NIC, device_del it, wait for THE DEVICE_DELETED (data.device == id,
 * after the virtio-backend one), and see the slot free again; over HMP the
 * same, waiting for the id to leave info pci.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/mon.h"
#include "testutil.h"

/* [q]: one guest per QEMU (tu_qemu); a test's loop index _i is q. */
#define GUEST { .machine = "pc", .guest = 1 }
static struct tu_vm vm[2] = { GUEST, GUEST };
static const char *missing;	/* what this machine lacks for the guest */

TU_VM_FIXTURE2(guest, vm)

/* The checks skip, saying why, when the guest cannot boot here. */
static void
boot72(void)
{
	if (missing == NULL)
		guest_up[0]();
}

static void
boot10(void)
{
	if (missing == NULL)
		guest_up[1]();
}

static struct mon *
open_sock(const struct tu_vm *v, const char *sock)
{
	char ep[4200];
	struct mon_opts o = { .keep_open = 1 };
	struct err e;
	struct mon *m;

	ck_assert_msg(v->up, "the test guest did not boot (see stderr)");
	snprintf(ep, sizeof ep, "unix:%s/%s", v->dir, sock);
	m = mon_new(ep, &o, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	return m;
}

static uint32_t
mask(struct mon *m)
{
	struct mon_result res;
	struct err e;
	uint32_t r;

	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e) == 0, "%s", e.msg);
	r = pci_info_bus0_mask(&res.pci);
	mon_result_free(&res);
	return r;
}

START_TEST(qmp_unplug_completes)
{
	struct mon *m = open_sock(&vm[_i], "qmp.sock");
	struct moncmd_netdev nd = { .type = MONCMD_NETDEV_USER,
	    .id = "hostnet-6f1a2b3c", .fdname = NULL };
	struct moncmd_prop props[] = { { "netdev", "hostnet-6f1a2b3c" } };
	struct moncmd_device d = { "virtio-net-pci", "nic-6f1a2b3c-pci-5",
		"pci.0", 5, 0, props, 1 };
	struct err e;
	struct qemu_version ver;
	struct mon_result res;
	json_t *ev;
	int backend = 0, device = 0, order_ok = 0;

	ck_assert_msg(mon_do(m, &(struct mon_req){ .op =
	    MON_OP_QUERY_VERSION }, &res, &e) == 0, "%s", e.msg);
	ver = res.version;
	ck_assert_int_eq(ver.major, _i == TU_QEMU_10 ? 10 : 7);
	ck_assert_uint_eq(mask(m), 0xf);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_NETDEV_ADD,
	    .netdev = &nd }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &d }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(mask(m), 0x2f);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = d.id }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED,
	    .id = d.id, .timeout_ms = 20000 }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(mask(m), 0xf);	/* slot 5 is free again */
	while ((ev = mon_take_event(m)) != NULL) {
		const char *name = json_string_value(json_object_get(ev,
		    "event"));
		json_t *data = json_object_get(ev, "data");

		if (name && strcmp(name, "DEVICE_DELETED") == 0) {
			if (json_object_get(data, "device") == NULL) {
				backend++;
				ck_assert_ptr_nonnull(strstr(json_string_value(
				    json_object_get(data, "path")),
				    "/virtio-backend"));
			} else {
				device++;
				order_ok = backend == 1;
				ck_assert_str_eq(json_string_value(
				    json_object_get(data, "device")), d.id);
			}
		}
		json_decref(ev);
	}
	ck_assert_int_eq(backend, 1);
	ck_assert_int_eq(device, 1);
	ck_assert_int_eq(order_ok, 1);
	/* the id is free for reuse now */
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &d }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = d.id }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED,
	    .id = d.id, .timeout_ms = 20000 }, NULL, &e) == 0, "%s", e.msg);
	mon_free(m);
}
END_TEST

START_TEST(hmp_unplug_completes)
{
	struct mon *m = open_sock(&vm[_i], "hmp.sock");
	struct moncmd_device d = { "virtio-net-pci", "nic-8e9f0a1b-pci-6",
		"pci.0", 6, 0, NULL, 0 };
	struct err e;

	ck_assert_uint_eq(mask(m) & (1u << 6), 0);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &d }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(mask(m) & (1u << 6), 1u << 6);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = d.id }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED,
	    .id = d.id, .timeout_ms = 20000 }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(mask(m) & (1u << 6), 0);
	mon_free(m);
}
END_TEST

/* The cases that run against QEMU q; loop index _i = q. */
static void
add_cases(Suite *s, enum tu_qemu q)
{
	TCase *tc = tu_tcase_new(s, q == TU_QEMU_10 ? "guest-10.0" : "guest",
	    missing ? missing : tu_missing_qemu_v(q),
	    q == TU_QEMU_10 ? boot10 : boot72, guest_down[q], 60);

	tcase_add_loop_test(tc, qmp_unplug_completes, q, q + 1);
	tcase_add_loop_test(tc, hmp_unplug_completes, q, q + 1);
}

Suite *
monguest_suite(void)
{
	Suite *s;
	static const char *const progs[] = { "qemu-system-x86_64", "cpio",
		"gzip", NULL };
	char *out = NULL;

	missing = tu_missing(progs);

	if (missing == NULL && tu_run("ls /boot/vmlinuz-*-amd64 >/dev/null "
	    "2>&1 && test -x /bin/busybox", &out) != 0)
		missing = "no Debian kernel in /boot or no /bin/busybox for the "
		    "test guest (linux-image-cloud-amd64, busybox-static)";
	free(out);
	s = suite_create("monguest");
	tu_qemu_cases(s, add_cases);
	return s;
}
