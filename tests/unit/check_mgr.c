/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_mgr.c - the managers (core/mgr): Ganeti's runtime file in both
 * formats and Proxmox's VMID.conf from tests/fixtures/managers, bad files
 * refused, Proxmox's address table, the overlay on reconciled slots
 * (used, missing, conflict, reserved by the manager), the manager's
 * commands, detection from a layout in a temp dir, and the config lines.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mgr/mgr.h"
#include "mgr/mgrfind.h"
#include "model/places.h"
#include "store/instsrc.h"
#include "store/store.h"
#include "testutil.h"

static void
load(const char *rel, struct mgr_info *mi, const char *vmid)
{
	struct err e;
	size_t len;
	char *buf = tu_fixture(rel, &len);

	ck_assert_ptr_nonnull(buf);
	if (vmid == NULL)
		ck_assert_msg(mgr_ganeti_parse(buf, len, mi, &e) == 0, "%s",
		    e.msg);
	else
		ck_assert_msg(mgr_proxmox_parse(buf, len, vmid, mi, &e) == 0,
		    "%s", e.msg);
	free(buf);
}

START_TEST(ganeti_216)
{
	struct mgr_info mi;
	const struct mgr_dev *d;

	load("managers/ganeti-2.16.json", &mi, NULL);
	ck_assert_str_eq(mi.format, "ganeti-2.16");
	ck_assert_int_eq(mi.npci_reservations, 12);
	ck_assert_uint_eq(mi.reserved, 0xfffu);
	ck_assert_str_eq(mi.machine, "pc");
	ck_assert_ptr_nonnull(strstr(mi.cmdline, "-m 128 -smp 1"));
	d = mgr_find_id(&mi, "nic-5a1e0c3d-2b7f-4e61");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 12);
	ck_assert_str_eq(d->type, "nic");
	ck_assert_str_eq(d->name, "eth0");
	ck_assert_str_eq(d->mac, "aa:00:00:3e:51:0c");
	ck_assert_str_eq(d->where, "br0");
	ck_assert_str_eq(d->uuid, "5a1e0c3d-2b7f-4e61-9c2a-7d1f00a4b6e2");
	d = mgr_find_id(&mi, "disk-91b3f6a2-0d4c-4f8e");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 13);
	ck_assert_str_eq(d->where,
	    "/var/run/ganeti/instance-disks/gnt216.example.com:0");
	/* -device virtio-balloon has no id: nothing to match */
	ck_assert_uint_eq(mi.ndev, 2);
	mgr_info_free(&mi);
}
END_TEST

START_TEST(ganeti_210)
{
	struct mgr_info mi;
	const struct mgr_dev *d;

	load("managers/ganeti-2.10.json", &mi, NULL);
	ck_assert_str_eq(mi.format, "ganeti-2.10");
	/* before 2.16: slots 0-2, no hvparam */
	ck_assert_int_eq(mi.npci_reservations, 3);
	ck_assert_uint_eq(mi.reserved, 0x7u);
	ck_assert_str_eq(mi.machine, "pc-i440fx-2.1");
	/* 2.10-2.15 named the device after its hotplug target, "hotnic" */
	d = mgr_find_id(&mi, "hotnic-e4b2a7c1-pci-4");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 4);
	ck_assert_str_eq(d->where, "br100");
	/* an id without "hot" is not the one Ganeti gave it */
	ck_assert_ptr_null(mgr_find_id(&mi, "nic-e4b2a7c1-pci-4"));
	d = mgr_find_id(&mi, "hotdisk-c3d2e1f0-pci-5");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 5);
	d = mgr_find_id(&mi, "balloon");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 3);
	ck_assert_str_eq(d->driver, "virtio-balloon");
	ck_assert_ptr_null(mgr_find_id(&mi, "hotnic-e4b2a7c1-pci-5"));
	mgr_info_free(&mi);
}
END_TEST

/* A 2.10-2.15 entry as Ganeti 2.16 rewrites it on load: hvinfo, the old
 * id kept (the one QEMU still has). */
START_TEST(ganeti_upgraded)
{
	static const char rt[] = "[[\"kvm\"], [{\"mac\": \"aa:00:00:00:00:01\", "
	    "\"uuid\": \"e4b2a7c1-0000-4000-8000-000000000001\", \"hvinfo\": "
	    "{\"driver\": \"virtio-net-pci\", \"id\": "
	    "\"hotnic-e4b2a7c1-pci-4\", \"bus\": \"pci.0\", \"addr\": \"0x4\"}}], "
	    "{\"kvm_pci_reservations\": 3}, []]";
	struct mgr_info mi;
	struct err e;
	const struct mgr_dev *d;

	ck_assert_int_eq(mgr_ganeti_parse(rt, strlen(rt), &mi, &e), 0);
	ck_assert_str_eq(mi.format, "ganeti-2.16");
	d = mgr_find_id(&mi, "hotnic-e4b2a7c1-pci-4");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 4);
	ck_assert_ptr_null(mgr_find_id(&mi, "nic-e4b2a7c1-pci-4"));
	ck_assert_uint_eq(mi.ndev, 1);
	mgr_info_free(&mi);
}
END_TEST

START_TEST(ganeti_bad)
{
	static const char *const bad[] = {
		"", "{}", "[[], [], []", "[[], {}, {}]", "[[], [], []]x",
		"[[{}], [], {}]", "[[], [1], {}]", "[[], [{\"pci\": 40, "
		"\"uuid\": \"a-b\"}], {}]", "[[], [], {}, [5]]",
	};
	struct mgr_info mi;
	struct err e;
	size_t k;

	for (k = 0; k < sizeof bad / sizeof *bad; k++) {
		ck_assert_msg(mgr_ganeti_parse(bad[k], strlen(bad[k]), &mi,
		    &e) < 0, "accepted '%s'", bad[k]);
		ck_assert_ptr_nonnull(strstr(e.msg, "Ganeti runtime file"));
		mgr_info_free(&mi);
	}
	/* three entries (no disks) is a valid old file */
	ck_assert_int_eq(mgr_ganeti_parse("[[], [], {}]", 12, &mi, &e), 0);
	ck_assert_int_eq(mi.npci_reservations, 12);
	mgr_info_free(&mi);
}
END_TEST

START_TEST(proxmox_conf)
{
	struct mgr_info mi;
	const struct mgr_dev *d;

	load("managers/proxmox-100.conf", &mi, "100");
	ck_assert_str_eq(mi.name, "pve-web");
	ck_assert_str_eq(mi.vmid, "100");
	d = mgr_find_id(&mi, "net0");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 18);
	ck_assert_str_eq(d->mac, "BC:24:11:5E:7A:01");
	ck_assert_str_eq(d->where, "vmbr0");
	ck_assert_str_eq(d->driver, "virtio-net-pci");
	d = mgr_find_id(&mi, "virtio0");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->slot, 10);
	ck_assert_str_eq(d->where, "local-lvm:vm-100-disk-0");
	ck_assert_ptr_nonnull(mgr_find_id(&mi, "balloon0"));
	ck_assert_int_eq(mgr_find_id(&mi, "uhci")->slot, 1);
	/* net1 is only in a snapshot; agent: 0 has no qga0 */
	ck_assert_ptr_null(mgr_find_id(&mi, "net1"));
	ck_assert_ptr_null(mgr_find_id(&mi, "qga0"));
	ck_assert_str_eq(mi.reserved_for[19], "net1");
	ck_assert_str_eq(mi.reserved_for[30], "pci.1");
	ck_assert(mi.reserved & (1u << 31));
	ck_assert(!(mi.reserved & 1u));
	mgr_info_free(&mi);
}
END_TEST

START_TEST(proxmox_keys)
{
	static const char conf[] =
	    "name: big\nnet7: e1000=AA:BB:CC:DD:EE:FF,bridge=vmbr1\n"
	    "scsi0: local:vm-1-disk-1\nscsi1: local:vm-1-disk-2\n"
	    "scsihw: virtio-scsi-single\nballoon: 0\nagent: 1\n";
	struct mgr_info mi;
	struct err e;

	ck_assert_int_eq(mgr_proxmox_addr("net0"), 18);
	ck_assert_int_eq(mgr_proxmox_addr("virtio5"), 15);
	ck_assert_int_eq(mgr_proxmox_addr("pci.2"), 31);
	ck_assert_int_eq(mgr_proxmox_addr("net6"), -1);	/* behind pci.1 */
	ck_assert_int_eq(mgr_proxmox_parse(conf, strlen(conf), "1", &mi, &e),
	    0);
	ck_assert_int_eq(mgr_find_id(&mi, "net7")->slot, -1);
	ck_assert_int_eq(mgr_find_id(&mi, "pci.1")->slot, 30);
	/* virtio-scsi-single (written after scsi0): pci.3 at slot 5 */
	ck_assert_int_eq(mgr_find_id(&mi, "pci.3")->slot, 5);
	ck_assert_ptr_nonnull(mgr_find_id(&mi, "virtioscsi1"));
	ck_assert_ptr_null(mgr_find_id(&mi, "balloon0"));
	ck_assert_int_eq(mgr_find_id(&mi, "qga0")->slot, 8);
	mgr_info_free(&mi);
	ck_assert_int_lt(mgr_proxmox_parse("net0 virtio", 11, "1", &mi, &e),
	    0);
	ck_assert_ptr_nonnull(strstr(e.msg, "line 1"));
	mgr_info_free(&mi);
}
END_TEST

/* Proxmox's table behind its bridges and on q35 (PCI.pm and its q35
 * config, tests/fixtures/managers/README.md). */
START_TEST(proxmox_table)
{
	static const char old[] = "machine: pc-i440fx-2.2\nnet0: virtio\n";
	struct mgr_info mi;
	const struct mgr_dev *d;
	struct err e;
	char bus[24], key[24];

	ck_assert_int_eq(mgr_proxmox_place("net6", 0, 0, bus, sizeof bus), 1);
	ck_assert_str_eq(bus, "pci.1");
	ck_assert_int_eq(mgr_proxmox_place("net31", 0, 0, bus, sizeof bus),
	    26);
	ck_assert_int_eq(mgr_proxmox_place("virtio6", 0, 0, bus, sizeof bus),
	    1);
	ck_assert_str_eq(bus, "pci.2");
	ck_assert_int_eq(mgr_proxmox_place("hostpci4", 0, 0, bus, sizeof bus),
	    13);
	ck_assert_int_eq(mgr_proxmox_place("virtioscsi30", 0, 0, bus,
	    sizeof bus), 31);
	ck_assert_str_eq(bus, "pci.3");
	ck_assert_int_eq(mgr_proxmox_place("scsihw2", 0, 0, bus, sizeof bus),
	    1);
	ck_assert_str_eq(bus, "pci.4");
	ck_assert_int_eq(mgr_proxmox_place("net32", 0, 0, bus, sizeof bus),
	    -1);
	/* q35: bus 0 of the table is the bridge pci.0 */
	ck_assert_int_eq(mgr_proxmox_place("net0", 1, 0, bus, sizeof bus), 18);
	ck_assert_str_eq(bus, "pci.0");
	ck_assert_int_eq(mgr_proxmox_place("vga", 1, 0, bus, sizeof bus), 1);
	ck_assert_str_eq(bus, "");
	ck_assert_int_eq(mgr_proxmox_place("hostpci2", 1, 1, bus, sizeof bus),
	    0);
	ck_assert_str_eq(bus, "ich9-pcie-port-3");
	ck_assert_int_eq(mgr_proxmox_place("pci.1", 1, 0, bus, sizeof bus),
	    -1);
	ck_assert_int_eq(mgr_proxmox_key_at(0, "pci.1", 28, key, sizeof key),
	    1);
	ck_assert_str_eq(key, "pci.4");
	ck_assert_int_eq(mgr_proxmox_key_at(0, "pci.1", 31, key, sizeof key),
	    0);
	ck_assert_int_eq(mgr_proxmox_key_at(0, "pci.2", 24, key, sizeof key),
	    1);
	ck_assert_str_eq(key, "hostpci15");
	ck_assert_int_eq(mgr_proxmox_key_at(1, "ich9-pcie-port-4", 0, key,
	    sizeof key), 1);
	ck_assert_str_eq(key, "hostpci3");
	ck_assert_int_eq(mgr_proxmox_key_at(1, "pci.0", 30, key, sizeof key),
	    0);
	ck_assert_int_eq(mgr_proxmox_key_at(1, "pci.0", 5, key, sizeof key),
	    1);
	ck_assert_str_eq(key, "scsihw0");
	/* an i440fx VM: pci.1 and pci.2 always, pci.3 for
	 * virtio-scsi-single */
	load("managers/proxmox-101.conf", &mi, "101");
	d = mgr_find_id(&mi, "net6");
	ck_assert_str_eq(d->bus, "pci.1");
	ck_assert_int_eq(d->addr, 1);
	ck_assert_int_eq(d->slot, -1);
	ck_assert_int_eq(mgr_find_id(&mi, "pci.1")->slot, 30);
	ck_assert_int_eq(mgr_find_id(&mi, "pci.2")->slot, 31);
	ck_assert_int_eq(mgr_find_id(&mi, "pci.3")->slot, 5);
	ck_assert_str_eq(mgr_find_id(&mi, "virtioscsi0")->bus, "pci.3");
	ck_assert_str_eq(mgr_find_id(&mi, "virtio6")->bus, "pci.2");
	mgr_info_free(&mi);
	/* q35: its own config's devices, the table under pci.0 */
	load("managers/proxmox-102.conf", &mi, "102");
	ck_assert_int_eq(mi.q35, 1);
	ck_assert_str_eq(mgr_find_id(&mi, "net0")->bus, "pci.0");
	ck_assert_int_eq(mgr_find_id(&mi, "net0")->addr, 18);
	ck_assert_int_eq(mgr_find_id(&mi, "vga")->slot, 1);
	ck_assert_int_eq(mgr_find_id(&mi, "pcidmi")->slot, 0x1e);
	ck_assert_str_eq(mgr_find_id(&mi, "pci.1")->bus, "pcidmi");
	ck_assert_int_eq(mgr_find_id(&mi, "pci.1")->addr, 2);
	ck_assert_int_eq(mgr_find_id(&mi, "ich9-pcie-port-4")->slot, 0x1c);
	ck_assert_ptr_null(mgr_find_id(&mi, "uhci"));
	ck_assert(mi.reserved & (1u << 1));
	ck_assert(!(mi.reserved & (1u << 2)));	/* vga is at 1 on q35 */
	ck_assert(!(mi.reserved & (1u << 26)));
	ck_assert_str_eq(mi.reserved_for[16], "hostpci0");
	mgr_info_free(&mi);
	/* before machine 2.3 the bridges come only when needed */
	ck_assert_int_eq(mgr_proxmox_parse(old, strlen(old), "1", &mi, &e), 0);
	ck_assert_ptr_null(mgr_find_id(&mi, "pci.1"));
	mgr_info_free(&mi);
}
END_TEST

static void
fn(struct pci_info *pi, int slot, const char *id)
{
	struct pci_fn f;
	struct err e;

	memset(&f, 0, sizeof f);
	f.slot = slot;
	snprintf(f.id, sizeof f.id, "%s", id);
	snprintf(f.class_text, sizeof f.class_text, "Ethernet controller");
	ck_assert_int_eq(pci_info_add(pi, &f, &e), 0);
}

START_TEST(overlay)
{
	struct mgr_info mi;
	struct pci_info live;
	struct store_rt rt;
	struct slot_view v[32];
	int s;

	load("managers/ganeti-2.10.json", &mi, NULL);
	pci_info_init(&live);
	fn(&live, 0, "");
	fn(&live, 3, "balloon");
	fn(&live, 4, "hotnic-e4b2a7c1-pci-4");
	/* slot 5's disk is gone; slot 6 has someone else's NIC */
	fn(&live, 6, "hand-added");
	store_rt_init(&rt, "gnt210");
	state_reconcile(&live, &rt, v);
	ck_assert_int_eq(v[6].state, SLOT_FOREIGN);
	mgr_apply(&mi, &live, v);
	ck_assert_int_eq(v[3].state, SLOT_USED);
	ck_assert_str_eq(v[3].owner, "ganeti");
	ck_assert_int_eq(v[4].state, SLOT_USED);
	ck_assert_str_eq(v[4].mac, "aa:00:00:71:9d:04");
	ck_assert_str_eq(v[4].where, "br100");
	ck_assert_int_eq(v[5].state, SLOT_MISSING);
	ck_assert_str_eq(v[5].id, "hotdisk-c3d2e1f0-pci-5");
	ck_assert_str_eq(v[5].owner, "ganeti");
	ck_assert_int_eq(v[6].state, SLOT_FOREIGN);
	ck_assert_ptr_nonnull(strstr(v[6].conflict, "hotnic-0f9e8d7c-pci-6"));
	/* slots 1, 2: Ganeti's reservations; 7+: slotscope's default
	 * reservations end at 3, so free */
	ck_assert_int_eq(v[1].state, SLOT_RESERVED);
	ck_assert_str_eq(v[1].owner, "ganeti");
	ck_assert_str_eq(v[1].mname, "kvm_pci_reservations");
	for (s = 7; s < 32; s++)
		ck_assert_int_eq(v[s].state, SLOT_FREE);
	ck_assert_uint_eq(mgr_taken(&mi), 0x7fu);
	store_rt_free(&rt);
	pci_info_free(&live);
	mgr_info_free(&mi);
}
END_TEST

START_TEST(overlay_moved)
{
	struct mgr_info mi;
	struct pci_info live;
	struct store_rt rt;
	struct slot_view v[32];

	/* Ganeti records the NIC at 12, QEMU has it at 20 */
	load("managers/ganeti-2.16.json", &mi, NULL);
	pci_info_init(&live);
	fn(&live, 20, "nic-5a1e0c3d-2b7f-4e61");
	fn(&live, 13, "disk-91b3f6a2-0d4c-4f8e");
	store_rt_init(&rt, "gnt216");
	state_reconcile(&live, &rt, v);
	mgr_apply(&mi, &live, v);
	ck_assert_int_eq(v[20].state, SLOT_USED);
	ck_assert_str_eq(v[20].owner, "ganeti");
	ck_assert_int_eq(v[12].state, SLOT_RESERVED);
	ck_assert_ptr_nonnull(strstr(v[12].conflict, "live in slot 20"));
	ck_assert_int_eq(v[13].state, SLOT_USED);
	ck_assert_str_eq(v[13].conflict, "");
	store_rt_free(&rt);
	pci_info_free(&live);
	mgr_info_free(&mi);
}
END_TEST

/* The places Proxmox keeps are no free hotplug place: not counted, not
 * chosen, refused when named (mgr_hold, places.h). */
START_TEST(hold)
{
	struct mgr_info mi;
	struct pci_info live;
	struct store_rt rt;
	struct pcitree t;
	struct place p;
	struct pci_fn f;
	struct err e;
	int b;

	load("managers/proxmox-101.conf", &mi, "101");
	pci_info_init(&live);
	fn(&live, 0, "");
	memset(&f, 0, sizeof f);
	f.slot = 30;
	f.bridge = PCI_BR_PCI;
	f.sec_bus = 1;
	snprintf(f.id, sizeof f.id, "pci.1");
	ck_assert_int_eq(pci_info_add(&live, &f, &e), 0);
	memset(&f, 0, sizeof f);
	f.bus = 1;
	f.slot = 1;
	snprintf(f.id, sizeof f.id, "net6");
	ck_assert_int_eq(pci_info_add(&live, &f, &e), 0);
	store_rt_init(&rt, "pve-router");
	pcitree_build(&live, &t);
	b = pcitree_find_id(&t, "pci.1");
	ck_assert_int_ge(b, 1);
	/* without the manager: the root bus's 27 free slots (4-29, 31) and
	 * pci.1's 30 */
	ck_assert_int_eq(places_count(&live, &t, &rt), 27 + 30);
	mgr_hold(&mi, &t);
	ck_assert_uint_eq(t.bus[b].held, 0x7ffffffeu);
	ck_assert_uint_eq(t.bus[PCITREE_ROOT].held, 0xfffffffeu);
	ck_assert_int_eq(places_count(&live, &t, &rt), 1);
	ck_assert_int_eq(places_first(&live, &t, &rt, -1, &p, &e), 0);
	ck_assert_int_eq(p.bus, b);
	ck_assert_int_eq(p.slot, 31);
	ck_assert_int_lt(places_check(&live, &t, &rt, b, 2, &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "kept by the VM's manager"));
	ck_assert_int_lt(places_check(&live, &t, &rt, PCITREE_ROOT, 4, &e), 0);
	ck_assert_int_eq(places_check(&live, &t, &rt, b, 31, &e), 0);
	/* nobody's manager: nothing held */
	pcitree_build(&live, &t);
	mgr_hold(NULL, &t);
	ck_assert_uint_eq(t.bus[b].held, 0);
	store_rt_free(&rt);
	pci_info_free(&live);
	mgr_info_free(&mi);
}
END_TEST

START_TEST(commands)
{
	static const char *const kv[] = { "mac=aa:00:00:00:00:09",
	    "bridge=br0", "model=e1000" };
	struct mgr_info g, p;
	char out[600];

	load("managers/ganeti-2.16.json", &g, NULL);
	load("managers/proxmox-100.conf", &p, "100");
	mgr_command(&g, "gnt216.example.com", MGR_ACT_HOTPLUG, "nic", kv, 2,
	    out, sizeof out);
	ck_assert_str_eq(out, "gnt-instance modify --hotplug --net "
	    "add:mac=aa:00:00:00:00:09,link=br0 gnt216.example.com");
	mgr_command(&g, "g", MGR_ACT_HOTPLUG, "nic", NULL, 0, out,
	    sizeof out);
	ck_assert_str_eq(out, "gnt-instance modify --hotplug --net add g");
	mgr_command(&g, "g", MGR_ACT_UNPLUG, "13", NULL, 0, out, sizeof out);
	ck_assert_str_eq(out, "gnt-instance modify --hotplug --disk "
	    "91b3f6a2-0d4c-4f8e-b7a1-2e6c9d0f3a58:remove g");
	mgr_command(&g, "g", MGR_ACT_RESERVE, "14", NULL, 0, out, sizeof out);
	ck_assert_str_eq(out, "gnt-instance modify -H "
	    "kvm_pci_reservations=15 g");
	mgr_command(&p, "pve-web", MGR_ACT_HOTPLUG, "nic", kv, 3, out,
	    sizeof out);
	ck_assert_str_eq(out, "qm set 100 --net1 "
	    "e1000=aa:00:00:00:00:09,bridge=br0");
	mgr_command(&p, "pve-web", MGR_ACT_HOTPLUG, "disk", NULL, 0, out,
	    sizeof out);
	ck_assert_str_eq(out, "qm set 100 --virtio1 STORAGE:SIZE");
	mgr_command(&p, "pve-web", MGR_ACT_UNPLUG, "net0", NULL, 0, out,
	    sizeof out);
	ck_assert_str_eq(out, "qm set 100 --delete net0");
	mgr_refusal(&p, "pve-web", MGR_ACT_RESERVE, "7", NULL, 0, out,
	    sizeof out);
	ck_assert_ptr_nonnull(strstr(out, "fixed address"));
	mgr_refusal(&g, "g", MGR_ACT_HOTPLUG, "nic", NULL, 0, out,
	    sizeof out);
	ck_assert_ptr_nonnull(strstr(out, "managed by Ganeti"));
	ck_assert_ptr_nonnull(strstr(out, "--force"));
	/* a value that is not plain stays out of the command */
	{
		static const char *const evil[] = { "mac=$(reboot)" };

		mgr_command(&g, "g", MGR_ACT_HOTPLUG, "nic", evil, 1, out,
		    sizeof out);
		ck_assert_str_eq(out, "gnt-instance modify --hotplug --net "
		    "add g");
	}
	mgr_info_free(&g);
	mgr_info_free(&p);
}
END_TEST

static void
touch(const char *dir, const char *name, const char *text)
{
	char p[4200];
	FILE *fp;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

START_TEST(detect)
{
	char *t = tu_tmpdir(), p[4200], cfgtext[9000];
	struct instsrc_config cfg;
	struct instsrc_list l;
	struct mgr_roots r, none;
	struct mgr_ref ref;
	struct err e;

	ck_assert_ptr_nonnull(t);
	snprintf(p, sizeof p, "%s/gnt", t);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/gnt/ctrl", t);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/pve", t);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	touch(p, "100.conf", "name: pve-web\nnet0: virtio=BC:24:11:5E:7A:01\n");
	touch(p, "101.conf", "name: bad name\n");
	memset(&none, 0, sizeof none);
	snprintf(none.proxmox_conf, sizeof none.proxmox_conf, "%s/pve", t);
	mgr_roots_init(&r, &none);
	ck_assert_str_eq(r.ganeti, MGR_GANETI_ROOT);
	/* ctrl/ without runtime/ is nobody's */
	snprintf(p, sizeof p, "unix:%s/gnt/ctrl/a.qmp", t);
	ck_assert_int_eq(mgr_detect(&r, p, &ref), MGR_NONE);
	snprintf(p, sizeof p, "%s/gnt/runtime", t);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "unix:%s/gnt/ctrl/a.qmp", t);
	ck_assert_int_eq(mgr_detect(&r, p, &ref), MGR_GANETI);
	snprintf(p, sizeof p, "%s/gnt/runtime/a", t);
	ck_assert_str_eq(ref.file, p);
	ck_assert_int_eq(mgr_detect(&r, "tcp:127.0.0.1:4", &ref), MGR_NONE);
	instsrc_list_init(&l);
	snprintf(p, sizeof p, "unix:%s/run/100.qmp", t);
	ck_assert_int_eq(instsrc_list_add(&l, "100", p, &e), 0);
	snprintf(p, sizeof p, "unix:%s/run/101.qmp", t);
	ck_assert_int_eq(instsrc_list_add(&l, "101", p, &e), 0);
	snprintf(p, sizeof p, "unix:%s/run/102.qmp", t);
	ck_assert_int_eq(instsrc_list_add(&l, "other", p, &e), 0);
	/* the config: 102 is said to be Proxmox's VMID 102 */
	instsrc_config_init(&cfg);
	snprintf(cfgtext, sizeof cfgtext, "proxmox-conf-dir %s/pve\n"
	    "manager other proxmox 102\n", t);
	ck_assert_msg(instsrc_parse_config(cfgtext, strlen(cfgtext), &cfg,
	    &e) == 0, "%s", e.msg);
	ck_assert_str_eq(cfg.roots.proxmox_conf, none.proxmox_conf);
	mgr_detect_list(&r, &cfg, &l);
	ck_assert_str_eq(l.v[0].name, "pve-web");	/* named by Proxmox */
	ck_assert_str_eq(l.v[0].mgr.vmid, "100");
	ck_assert_int_eq(l.v[0].mgr.kind, MGR_PROXMOX);
	ck_assert_str_eq(l.v[1].name, "101");	/* "bad name" is no name */
	ck_assert_int_eq(l.v[1].mgr.kind, MGR_PROXMOX);
	ck_assert_int_eq(l.v[2].mgr.kind, MGR_PROXMOX);
	ck_assert_str_eq(l.v[2].mgr.vmid, "102");
	ck_assert_int_eq(l.v[2].mgr.forced, 1);
	instsrc_list_free(&l);
	instsrc_config_free(&cfg);
	tu_rmrf(t);
	free(t);
}
END_TEST

START_TEST(config_lines)
{
	static const char *const bad[] = {
		"manager web1", "manager web1 xen", "manager web1 ganeti 100",
		"manager web1 proxmox 1a", "manager .x none",
		"ganeti-dir", "proxmox-run-dir a b",
	};
	struct instsrc_config c;
	struct err e;
	size_t k;
	const char *good = "manager web1 ganeti\nmanager 100 proxmox\n"
	    "manager db none\nganeti-dir /srv/gnt\nproxmox-run-dir /r\n";

	instsrc_config_init(&c);
	ck_assert_msg(instsrc_parse_config(good, strlen(good), &c, &e) == 0,
	    "%s", e.msg);
	ck_assert_int_eq(c.nmgr, 3);
	ck_assert_int_eq(c.mgr[0].kind, MGR_GANETI);
	ck_assert_int_eq(c.mgr[1].kind, MGR_PROXMOX);
	ck_assert_int_eq(c.mgr[2].kind, MGR_NONE);
	ck_assert_str_eq(c.roots.ganeti, "/srv/gnt");
	ck_assert_str_eq(c.roots.proxmox_run, "/r");
	instsrc_config_free(&c);
	for (k = 0; k < sizeof bad / sizeof *bad; k++) {
		instsrc_config_init(&c);
		ck_assert_msg(instsrc_parse_config(bad[k], strlen(bad[k]), &c,
		    &e) < 0, "accepted '%s'", bad[k]);
		ck_assert_ptr_nonnull(strstr(e.msg, "config line 1"));
		instsrc_config_free(&c);
	}
}
END_TEST

Suite *
mgr_suite(void)
{
	Suite *s = suite_create("mgr");
	TCase *tc = tcase_create("mgr");

	tcase_add_test(tc, ganeti_216);
	tcase_add_test(tc, ganeti_210);
	tcase_add_test(tc, ganeti_upgraded);
	tcase_add_test(tc, ganeti_bad);
	tcase_add_test(tc, proxmox_conf);
	tcase_add_test(tc, proxmox_keys);
	tcase_add_test(tc, proxmox_table);
	tcase_add_test(tc, hold);
	tcase_add_test(tc, overlay);
	tcase_add_test(tc, overlay_moved);
	tcase_add_test(tc, commands);
	tcase_add_test(tc, detect);
	tcase_add_test(tc, config_lines);
	suite_add_tcase(s, tc);
	return s;
}
