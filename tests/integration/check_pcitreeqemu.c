/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_pcitree.c - the PCI tree against a real paused QEMU 7.2 (TCG, no
 * guest): q35 with three root ports (hotplug lands in a root port,
 * capacity 3 -> 2 -> ... -> 0, the fourth is told no root port is free,
 * pcie.0's empty slots are never offered), pc with a pci-bridge at slot 5
 * and a NIC behind it (shown on the bridge's bus; bus 0's slot 3 stays
 * free), and the hidden-device trap: a NIC another client hot-adds into
 * rp5 of a paused q35 never shows in query-pci, yet rp5 is not offered.
 * A bus read once and then not (busy) is unknown in every slot, and
 * reserved only where the map applies: nowhere on q35's pcie.0.
 * Over QMP and HMP.  Each tcase has its own QEMU (unchecked fixture). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "fleet/hotplug.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "qemu/mon.h"
#include "qemu/qom.h"
#include "testutil.h"
#include "vmtarget.h"

#define PORTS "-device pcie-root-port,id=rp4,chassis=4,bus=pcie.0,addr=0x4 " \
	"-device pcie-root-port,id=rp5,chassis=5,bus=pcie.0,addr=0x5 " \
	"-device pcie-root-port,id=rp6,chassis=6,bus=pcie.0,addr=0x6"

static struct tu_vm vm_q35 = { .machine = "q35", .extra = PORTS };
static struct tu_vm vm_q35h = { .machine = "q35", .extra = PORTS };
static struct tu_vm vm_trap = { .machine = "q35", .extra = PORTS };
static struct tu_vm vm_pc = { .machine = "pc", .extra = "-nic none "
    "-device pci-bridge,id=br1,chassis_nr=1,bus=pci.0,addr=0x5 "
    "-device virtio-net-pci,id=nb3,bus=br1,addr=0x3" };

TU_VM_FIXTURE(q35, vm_q35)
TU_VM_FIXTURE(q35h, vm_q35h)
TU_VM_FIXTURE(trap, vm_trap)
TU_VM_FIXTURE(pc, vm_pc)

/* A refresh through the fleet, as the TUI and `list` see it. */
static void
refresh(struct vmtarget *g, struct fleet *f)
{
	struct err e;

	fleet_init(f, g->rtdir);
	ck_assert_int_eq(fleet_add(f, "vm1", g->ep, &e), 0);
	fleet_refresh_start(f, (size_t)-1, 1.0);
	fleet_refresh_wait(f, (size_t)-1);
	ck_assert_msg(f->inst[0].conn == INST_OK, "refresh: %s",
	    f->inst[0].error);
}

static int
capacity(struct vmtarget *g)
{
	struct fleet f;
	int c;

	refresh(g, &f);
	c = f.inst[0].capacity;
	fleet_free(&f);
	return c;
}

static void
nic(struct hotplug_req *r, int k)
{
	char w[64];
	struct err e;

	hotplug_req_init(r, HOTPLUG_NIC);
	snprintf(w, sizeof w, "uuid=%08x-1111-4222-8333-444444444444",
	    0xa0a0a0a0u + (unsigned)k);
	ck_assert_int_eq(hotplug_req_set(r, w, &e), 0);
}

/* The root row of a q35: no empty pcie.0 slot is free. */
static void
no_root_offer(struct vmtarget *g)
{
	struct fleet f;
	int s;

	refresh(g, &f);
	for (s = 0; s < 32; s++)
		ck_assert_msg(f.inst[0].slots.b[s].state != SLOT_FREE,
		    "pcie.0 slot %d offered", s);
	ck_assert_int_eq(f.inst[0].slots.b[7].state, SLOT_CLOSED);
	fleet_free(&f);
}

static void
three_ports(const char *sock, const struct tu_vm *v)
{
	const char *want[3] = { "4", "5", "6" };
	struct vmtarget g;
	struct hotplug_req r;
	struct store_dev d;
	struct err e;
	int k;

	vmtarget_init(&g, v, sock);
	ck_assert_int_eq(capacity(&g), 3);
	no_root_offer(&g);
	for (k = 0; k < 3; k++) {
		nic(&r, k);
		ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
		ck_assert_str_eq(d.bus, want[k]);
		ck_assert_int_eq(d.slot, 0);
		ck_assert_ptr_nonnull(strstr(d.id, "-pci-"));
		ck_assert_str_eq(d.id + strlen(d.id) - 2, "-0");
		ck_assert_int_eq(capacity(&g), 2 - k);
	}
	nic(&r, 3);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "no root port is free") != NULL, "%s",
	    e.msg);
	ck_assert_ptr_nonnull(strstr(e.msg, "pcie-root-port"));
	no_root_offer(&g);
}

START_TEST(q35_three_ports_qmp)
{
	three_ports("qmp.sock", &vm_q35);
}
END_TEST

START_TEST(q35_three_ports_hmp)
{
	three_ports("hmp.sock", &vm_q35h);
}
END_TEST

/* Another client adds a NIC into rp5 of the paused q35: query-pci does
 * not show it, QOM does; rp5 is never offered. */
START_TEST(q35_hidden_in_rp5)
{
	struct vmtarget g;
	struct mon *m;
	struct moncmd_device md = { .driver = "virtio-net-pci", .id = "other5",
	    .bus = "rp5", .slot = 0 };
	struct mon_result res;
	struct hotplug_req r;
	struct store_dev d;
	struct fleet f;
	struct err e;

	vmtarget_init(&g, &vm_trap, "hmp.sock");
	m = mon_new(g.ep, &(struct mon_opts){ .keep_open = 1 }, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &md }, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e), 0);
	ck_assert_ptr_null(pci_info_find_any(&res.pci, "other5"));
	mon_result_free(&res);
	mon_free(m);

	vmtarget_init(&g, &vm_trap, "qmp.sock");
	refresh(&g, &f);
	ck_assert_int_eq(f.inst[0].slots.b[5].state, SLOT_BRIDGE);
	ck_assert_int_eq(f.inst[0].slots.b[5].behind, 1);
	ck_assert_int_eq(f.inst[0].slots.b[4].state, SLOT_PORT);
	ck_assert_int_eq(f.inst[0].capacity, 2);
	fleet_free(&f);
	nic(&r, 10);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.bus, "4");
	nic(&r, 11);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.bus, "6");		/* rp5 skipped */
	nic(&r, 12);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	/* bus=rp5 by hand is refused too, naming the other device */
	nic(&r, 13);
	ck_assert_int_eq(hotplug_req_set(&r, "bus=rp5", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "other5") != NULL, "%s", e.msg);
}
END_TEST

/* pc, a pci-bridge at slot 5 with nb3 at its slot 3 (hidden while
 * paused: QOM places it), over both protocols. */
START_TEST(pc_bridge)
{
	const char *sock[2] = { "qmp.sock", "hmp.sock" };
	int k;

	for (k = 0; k < 2; k++) {
		struct vmtarget g;
		struct mon *m;
		struct mon_result res;
		struct pcitree t;
		struct store_rt rt;
		struct slot_view v[32];
		struct err e;
		const struct pci_fn *f;
		int b;

		vmtarget_init(&g, &vm_pc, sock[k]);
		m = mon_new(g.ep, &(struct mon_opts){ .keep_open = 1 }, &e);
		ck_assert_ptr_nonnull(m);
		ck_assert_int_eq(mon_do(m, &(struct mon_req){
		    .op = MON_OP_QUERY_PCI }, &res, &e), 0);
		ck_assert_msg(qom_scan_run(m, &res.pci, &e) == 0, "%s", e.msg);
		mon_free(m);
		pcitree_build(&res.pci, &t);
		f = pci_info_find_any(&res.pci, "nb3");
		ck_assert_ptr_nonnull(f);
		b = pcitree_bus_of(&t, f);
		ck_assert_int_ge(b, 1);
		ck_assert_str_eq(t.bus[b].path, "5");
		ck_assert_str_eq(t.bus[b].id, "br1");
		ck_assert_int_eq(f->slot, 3);
		store_rt_init(&rt, "vm1");
		slotmap_init_first(&rt.reserved, 0, &e);
		state_reconcile(&res.pci, &rt, v);
		ck_assert_int_eq(v[3].state, SLOT_FREE);
		ck_assert_int_eq(v[5].state, SLOT_BRIDGE);
		ck_assert_int_eq(v[5].behind, 1);
		state_reconcile_bus(&res.pci, &t, b, &rt, v);
		ck_assert_int_eq(v[3].state, SLOT_FOREIGN);
		ck_assert_str_eq(v[3].id, "nb3");
		ck_assert(places_is_free(&res.pci, &t, &rt, PCITREE_ROOT, 3));
		ck_assert(!places_is_free(&res.pci, &t, &rt, b, 3));
		store_rt_free(&rt);
		mon_result_free(&res);
	}
}
END_TEST

/* bus=br1 on pc: the NIC lands behind the bridge, at its lowest free
 * slot (1), with the bus in its id and runtime entry. */
START_TEST(pc_bridge_hotplug)
{
	struct vmtarget g;
	struct hotplug_req r;
	struct store_dev d;
	struct err e;

	vmtarget_init(&g, &vm_pc, "qmp.sock");
	nic(&r, 20);
	ck_assert_int_eq(hotplug_req_set(&r, "bus=br1", &e), 0);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.bus, "5");
	ck_assert_int_eq(d.slot, 1);
	ck_assert_str_eq(d.id, "nic-a0a0a0b4-pci-5-1");
	nic(&r, 21);
	ck_assert_int_eq(hotplug_req_set(&r, "bus=br1", &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "slot=3", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "nb3") != NULL, "%s", e.msg);
}
END_TEST

/* Read once, then unread (another client holds the monitor: busy): every
 * slot unknown, and reserved only where the map applies -- never on
 * q35's pcie.0 (pcie), slots 0-3 on pc's bus 0 (the default map); the
 * view again (fleet_view) says the same. */
static void
unread(const struct tu_vm *v, int pcie)
{
	struct vmtarget g;
	struct fleet f;
	struct store_rt rt;
	struct slot_view sv[32];
	struct mon *m;
	struct mon_result res;
	struct err e;
	int s;

	vmtarget_init(&g, v, "qmp.sock");
	refresh(&g, &f);
	ck_assert_int_eq(f.inst[0].slots.b[1].reserved, !pcie);
	m = mon_new(g.ep, &(struct mon_opts){ .keep_open = 1 }, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(mon_do(m, &(struct mon_req){
	    .op = MON_OP_QUERY_PCI }, &res, &e), 0);
	fleet_refresh_start(&f, (size_t)-1, 2.0);
	fleet_refresh_wait(&f, (size_t)-1);
	ck_assert_msg(f.inst[0].conn == INST_BUSY, "%s", f.inst[0].error);
	ck_assert_int_eq(fleet_load_rt(&f, 0, &rt, &e), 0);
	fleet_view(&f, 0, &rt, sv);
	for (s = 0; s < 32; s++) {
		ck_assert_int_eq(f.inst[0].slots.b[s].state, SLOT_UNKNOWN);
		ck_assert_msg(f.inst[0].slots.b[s].reserved == (!pcie && s < 4),
		    "slot %d", s);
		ck_assert_int_eq(sv[s].state, SLOT_UNKNOWN);
		ck_assert_int_eq(sv[s].reserved, !pcie && s < 4);
	}
	store_rt_free(&rt);
	mon_result_free(&res);
	mon_free(m);
	fleet_free(&f);
}

START_TEST(q35_unread_reserves_nothing)
{
	unread(&vm_q35, 1);
}
END_TEST

START_TEST(pc_unread_keeps_reservations)
{
	unread(&vm_pc, 0);
}
END_TEST

/* A tcase with its own QEMU, skipped (never passed) without one. */
static TCase *
qtc(Suite *s, const char *name, void (*up)(void), void (*down)(void))
{
	return tu_tcase_new(s, name, tu_missing_qemu(), up, down, 60);
}

Suite *
pcitreeqemu_suite(void)
{
	Suite *s = suite_create("pcitreeqemu");
	TCase *tc;

	tc = qtc(s, "q35-qmp", q35_up, q35_down);
	tcase_add_test(tc, q35_three_ports_qmp);
	tcase_add_test(tc, q35_unread_reserves_nothing);
	tcase_add_test(qtc(s, "q35-hmp", q35h_up, q35h_down),
	    q35_three_ports_hmp);
	tcase_add_test(qtc(s, "q35-trap", trap_up, trap_down),
	    q35_hidden_in_rp5);
	tc = qtc(s, "pc-bridge", pc_up, pc_down);
	tcase_add_test(tc, pc_bridge);
	tcase_add_test(tc, pc_bridge_hotplug);
	tcase_add_test(tc, pc_unread_keeps_reservations);
	return s;
}
