/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_domxml.c - libvirt's live domain XML (a real `virsh dumpxml`,
 * tests/fixtures/libvirt) into the live bus, libvirt's view as a runtime
 * and slot states; and XML that is not a domain's. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/places.h"
#include "model/state.h"
#include "testutil.h"
#include "virt/domxml.h"

static struct domxml d;
static char *xml;
static size_t xlen;

static void
up(void)
{
	struct err e;

	xml = tu_fixture("libvirt/vm3-pc-bridge.xml", &xlen);
	domxml_init(&d);
	ck_assert_msg(domxml_parse(xml, xlen, &d, &e) == 0, "%s", e.msg);
}

static void
down(void)
{
	domxml_free(&d);
	free(xml);
}

START_TEST(devices)
{
	const struct domxml_dev *v;

	ck_assert_str_eq(d.name, "vm3");
	ck_assert_str_eq(d.uuid, "ebf6bbb1-6382-42b1-a2de-9ba3fa1153d1");
	ck_assert_str_eq(d.machine, "pc-i440fx-7.2");
	ck_assert_ptr_nonnull(v = domxml_find(&d, "virtio-disk0"));
	ck_assert_str_eq(v->element, "disk");
	ck_assert_str_eq(v->model, "virtio");
	ck_assert_str_eq(v->source, "/var/lib/libvirt/images/vm3.img");
	ck_assert_str_eq(v->target, "vda");
	ck_assert(v->pci && v->bus == 0 && v->slot == 3 && v->func == 0);
	ck_assert_ptr_nonnull(v = domxml_find(&d, "net0"));
	ck_assert_str_eq(domxml_type(v), "nic");
	ck_assert_str_eq(v->model, "e1000");
	ck_assert_str_eq(v->mac, "52:54:00:00:00:31");
	ck_assert(v->pci && v->bus == 0 && v->slot == 7);
	ck_assert_ptr_nonnull(v = domxml_find(&d, "net1"));
	ck_assert(v->pci && v->bus == 1 && v->slot == 3);
	ck_assert_ptr_nonnull(v = domxml_find(&d, "pci.1"));
	ck_assert_str_eq(v->element, "controller");
	ck_assert_str_eq(v->model, "pci-bridge");
	ck_assert(v->pci && v->bus == 0 && v->slot == 2);
	ck_assert_ptr_nonnull(v = domxml_find(&d, "usb"));
	ck_assert(v->pci && v->slot == 1 && v->func == 2);
	ck_assert_ptr_nonnull(v = domxml_find(&d, "balloon0"));
	ck_assert_str_eq(v->model, "virtio");
	ck_assert_int_eq(v->slot, 4);
	/* no PCI address: kept, not on the bus */
	ck_assert_ptr_nonnull(v = domxml_find(&d, "input0"));
	ck_assert_int_eq(v->pci, 0);
	ck_assert_ptr_null(domxml_find(&d, "net2"));
}
END_TEST

START_TEST(bus_and_view)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view sv[32];
	const struct pci_fn *fn;
	struct err e;
	const struct store_dev *sd;

	pci_info_init(&pi);
	ck_assert_int_eq(domxml_pci(&d, &pi, &e), 0);
	/* 0 host bridge (added), 1 usb, 2 bridge, 3 disk, 4 balloon, 7 nic */
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x9fu);
	ck_assert_ptr_nonnull(fn = pci_info_find_id(&pi, "net0"));
	ck_assert_int_eq(fn->slot, 7);
	ck_assert_ptr_null(pci_info_find_id(&pi, "net1"));	/* bus 1 */
	/* the pci-bridge: QEMU's id, libvirt's bus 1 behind it */
	ck_assert_ptr_nonnull(fn = pci_info_find_any(&pi, "pci.1"));
	ck_assert_int_eq(fn->bridge, PCI_BR_PCI);
	ck_assert_int_eq(fn->sec_bus, 1);
	ck_assert(!pci_info_is_pcie(&pi));
	ck_assert_int_eq(domxml_rt(&d, "vm3", &rt, &e), 0);
	ck_assert_int_eq(slotmap_count(&rt.reserved), 2);
	ck_assert(!slotmap_is_free(&rt.reserved, 0));
	ck_assert(!slotmap_is_free(&rt.reserved, 1));
	ck_assert_uint_eq(rt.ndev, 4);	/* disk, nic, balloon, nic behind */
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net1"));
	ck_assert_str_eq(sd->bus, "2");	/* the bridge at root slot 2 */
	ck_assert_int_eq(sd->slot, 3);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net0"));
	ck_assert_str_eq(sd->type, "nic");
	ck_assert_str_eq(sd->mac, "52:54:00:00:00:31");
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "virtio-disk0"));
	ck_assert_str_eq(sd->type, "disk");
	ck_assert_ptr_null(store_find_id(&rt, "pci.1"));
	state_reconcile(&pi, &rt, sv);
	ck_assert_int_eq(sv[0].state, SLOT_BUILTIN);
	ck_assert_int_eq(sv[1].state, SLOT_BUILTIN);
	ck_assert_int_eq(sv[2].state, SLOT_BRIDGE);
	ck_assert_int_eq(sv[2].behind, 1);
	ck_assert_int_eq(sv[2].places, 30);	/* 1-31 but net1's 3 */
	ck_assert_int_eq(sv[3].state, SLOT_USED);
	ck_assert_str_eq(sv[3].id, "virtio-disk0");
	ck_assert_int_eq(sv[4].state, SLOT_USED);
	ck_assert_int_eq(sv[5].state, SLOT_FREE);
	ck_assert_int_eq(sv[7].state, SLOT_USED);
	ck_assert_str_eq(sv[7].id, "net0");
	/* the first free slot is libvirt's rules' too: 5 */
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 5);
	store_rt_free(&rt);
	pci_info_free(&pi);
}
END_TEST

static const struct {
	const char *xml, *want;
} bad[] = {
	{ "", "bytes is not one" },
	{ "<domain><name>x</name>", "does not parse" },
	{ "<network><name>x</name></network>", "not a <domain>" },
	{ "<domain><devices/></domain>", "no <name>" },
	{ "<domain><name>x</name><devices><interface><alias name='n'/>"
	  "<address type='pci' bus='0' slot='0x20'/></interface></devices>"
	  "</domain>", "is not one" },
	{ "<domain><name>x</name><devices><interface><alias name='n'/>"
	  "<address type='pci' bus='zero' slot='1'/></interface></devices>"
	  "</domain>", "is not one" },
};

START_TEST(refused)
{
	struct domxml x;
	struct err e;

	domxml_init(&x);
	e.msg[0] = '\0';
	ck_assert_int_eq(domxml_parse(bad[_i].xml, strlen(bad[_i].xml), &x,
	    &e), -1);
	ck_assert_msg(strstr(e.msg, bad[_i].want) != NULL, "%d: %s", _i,
	    e.msg);
	domxml_free(&x);
}
END_TEST

/* Every cut of the real XML is refused or read, never overread (ASan). */
START_TEST(prefixes)
{
	struct domxml x;
	struct err e;
	size_t n;
	int ok = 0;

	domxml_init(&x);
	for (n = 0; n + 16 < xlen; n += 13) {	/* each cuts </domain> */
		char *cut = malloc(n ? n : 1);

		ck_assert_ptr_nonnull(cut);
		memcpy(cut, xml, n);
		ok += domxml_parse(cut, n, &x, &e) == 0;
		free(cut);
	}
	domxml_free(&x);
	ck_assert_int_eq(ok, 0);	/* no cut is a whole domain */
}
END_TEST

/* A q35 domain (tests/fixtures/libvirt/vm4-q35-ports.xml): libvirt's
 * root ports and its pcie-to-pci-bridge are the tree's buses, numbered
 * by the controllers' indexes; the devices behind them are libvirt's at
 * their places; the empty port and the bridge's slots are the places. */
/* A NIC's backend from its interface type, as libvirt writes the live
 * XML: user mode, a network's and a bridge's tap (target, and the bridge
 * in source), macvtap (direct), vhost and queues from driver; a type
 * whose backend slotscope does not know records none. */
#define IF(type, inner, alias, slot) "<interface type='" type "'>" inner \
	"<alias name='" alias "'/><address type='pci' domain='0x0000' " \
	"bus='0x00' slot='" slot "' function='0x0'/></interface>"
START_TEST(nic_backends)
{
	static const char x[] = "<domain><name>n</name><os><type "
	    "machine='pc-i440fx-7.2'>hvm</type></os><devices>"
	    IF("user", "", "net0", "0x03")
	    IF("network", "<source network='default' portid='p' "
	    "bridge='virbr0'/><target dev='vnet3'/><driver name='vhost' "
	    "queues='4'/>", "net1", "0x04")
	    IF("bridge", "<source bridge='br0'/><target dev='vnet4'/>",
	    "net2", "0x05")
	    IF("direct", "<source dev='eth0' mode='vepa'/><target "
	    "dev='macvtap0'/>", "net3", "0x06")
	    IF("vhostuser", "<source type='unix' path='/run/vu.sock' "
	    "mode='client'/>", "net4", "0x07")
	    "<disk type='file'><source file='/x.img'/><target dev='vda'/>"
	    "<alias name='virtio-disk0'/><address type='pci' domain='0' "
	    "bus='0' slot='8'/></disk></devices></domain>";
	const struct store_dev *sd;
	struct store_rt rt;
	struct domxml q;
	struct err e;
	char txt[200];

	domxml_init(&q);
	ck_assert_msg(domxml_parse(x, sizeof x - 1, &q, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(domxml_rt(&q, "n", &rt, &e), 0);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net0"));
	ck_assert_int_eq(sd->backend.kind, STORE_BK_USER);
	ck_assert_str_eq(sd->backend.netdev, "hostnet0");
	ck_assert_str_eq(sd->backend.tap, "");
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net1"));
	ck_assert_int_eq(sd->backend.kind, STORE_BK_TAP);
	ck_assert_str_eq(sd->backend.netdev, "hostnet1");
	ck_assert_str_eq(sd->backend.tap, "vnet3");
	ck_assert_str_eq(sd->backend.bridge, "virbr0");
	ck_assert(sd->backend.vhost && sd->backend.queues == 4);
	store_backend_text(sd, txt, sizeof txt);
	ck_assert_str_eq(txt, "mac -  netdev hostnet1  tap vnet3  bridge "
	    "virbr0  vhost  queues 4");
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net2"));
	ck_assert_int_eq(sd->backend.kind, STORE_BK_TAP);
	ck_assert_str_eq(sd->backend.tap, "vnet4");
	ck_assert_str_eq(sd->backend.bridge, "br0");
	ck_assert(!sd->backend.vhost && sd->backend.queues == 0);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net3"));
	ck_assert_int_eq(sd->backend.kind, STORE_BK_TAP);
	ck_assert_str_eq(sd->backend.tap, "macvtap0");
	ck_assert_str_eq(sd->backend.bridge, "");
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net4"));
	ck_assert_int_eq(sd->backend.kind, STORE_BK_NONE);
	ck_assert_str_eq(sd->backend.netdev, "");
	/* a disk's backend is its image (disk_backends) */
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "virtio-disk0"));
	ck_assert_int_eq(sd->backend.kind, STORE_BK_FILE);
	ck_assert_str_eq(sd->backend.netdev, "");
	ck_assert_str_eq(sd->backend.path, "/x.img");
	store_rt_free(&rt);
	domxml_free(&q);
}
END_TEST
#undef IF

/* A disk's backend as the live XML says: the image's path (file or
 * block device), its format, and the node the device reads as libvirt
 * names it -- libvirt-N-format for the source's index N, drive-ALIAS
 * without one -- and nothing the XML does not say: a raw image's node
 * when libvirt may have left its format layer out (after 9.0, or an
 * unknown libvirt), a network or volume disk's path, a CD-ROM with no
 * medium's drive. */
#define DISK(type, driver, src, alias, slot) "<disk type='" type "' " \
	"device='disk'><driver name='qemu' type='" driver "'/>" src \
	"<target dev='vd" slot "' bus='virtio'/><alias name='" alias "'/>" \
	"<address type='pci' domain='0x0000' bus='0x00' slot='0x0" slot \
	"' function='0x0'/></disk>"
START_TEST(disk_backends)
{
	static const char x[] = "<domain><name>k</name><os><type "
	    "machine='pc-i440fx-7.2'>hvm</type></os><devices>"
	    DISK("file", "qcow2", "<source file='/srv/a.qcow2' index='4'/>",
	    "virtio-disk0", "3")
	    DISK("block", "raw", "<source dev='/dev/vg/b' index='2'/>",
	    "virtio-disk1", "4")
	    DISK("file", "raw", "<source file='/srv/c.raw'/>", "ua-old", "5")
	    DISK("network", "raw", "<source protocol='rbd' name='pool/d' "
	    "index='6'><host name='mon1'/></source>", "virtio-disk3", "6")
	    DISK("volume", "qcow2", "<source pool='p' volume='e' "
	    "index='7'/>", "virtio-disk4", "7")
	    "<disk type='file' device='cdrom'><driver name='qemu' "
	    "type='raw'/><target dev='sda' bus='sata'/><readonly/>"
	    "<alias name='sata0-0-0'/><address type='drive' controller='0' "
	    "bus='0' target='0' unit='0'/></disk></devices></domain>";
	static const struct {
		unsigned long libvirt;
		const char *id, *path, *format, *drive;
	} want[] = {
		/* not raw: a format node in every libvirt */
		{ 11003000, "virtio-disk0", "/srv/a.qcow2", "qcow2",
		  "libvirt-4-format" },
		{ 0, "virtio-disk0", "/srv/a.qcow2", "qcow2",
		  "libvirt-4-format" },
		/* raw: up to 9.0 the raw node, after it not known */
		{ 9000000, "virtio-disk1", "/dev/vg/b", "raw",
		  "libvirt-2-format" },
		{ 6000000, "virtio-disk1", "/dev/vg/b", "raw",
		  "libvirt-2-format" },
		{ 9001000, "virtio-disk1", "/dev/vg/b", "raw", "" },
		{ 0, "virtio-disk1", "/dev/vg/b", "raw", "" },
		/* no index: libvirt's -drive */
		{ 11003000, "ua-old", "/srv/c.raw", "raw", "drive-ua-old" },
		/* no path in the XML */
		{ 9000000, "virtio-disk3", "", "raw", "libvirt-6-format" },
		{ 9000000, "virtio-disk4", "", "qcow2", "libvirt-7-format" },
	};
	const struct domxml_dev *v;
	const struct store_dev *sd;
	struct store_rt rt;
	struct domxml q;
	struct err e;
	char drive[64], txt[200];
	size_t k;

	domxml_init(&q);
	ck_assert_msg(domxml_parse(x, sizeof x - 1, &q, &e) == 0, "%s", e.msg);
	for (k = 0; k < sizeof want / sizeof want[0]; k++) {
		q.libvirt = want[k].libvirt;
		ck_assert_int_eq(domxml_rt(&q, "k", &rt, &e), 0);
		ck_assert_ptr_nonnull(sd = store_find_id(&rt, want[k].id));
		ck_assert_int_eq(sd->backend.kind, STORE_BK_FILE);
		ck_assert_str_eq(sd->backend.path, want[k].path);
		ck_assert_str_eq(sd->backend.format, want[k].format);
		ck_assert_msg(strcmp(sd->backend.drive, want[k].drive) == 0,
		    "%s with libvirt %lu: drive '%s', not '%s'", want[k].id,
		    want[k].libvirt, sd->backend.drive, want[k].drive);
		store_rt_free(&rt);
	}
	/* the pane's text has the path and format */
	q.libvirt = 9000000;
	ck_assert_int_eq(domxml_rt(&q, "k", &rt, &e), 0);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "virtio-disk1"));
	store_backend_text(sd, txt, sizeof txt);
	ck_assert_str_eq(txt, "/dev/vg/b (raw)");
	store_rt_free(&rt);
	/* a CD-ROM without a medium: no PCI address, and no drive */
	ck_assert_ptr_nonnull(v = domxml_find(&q, "sata0-0-0"));
	ck_assert_int_eq(v->pci, 0);
	strcpy(drive, "x");
	domxml_drive(&q, v, drive, sizeof drive);
	ck_assert_str_eq(drive, "");
	/* an alias too long for a drive name: none, not a cut one */
	ck_assert_ptr_nonnull(v = domxml_find(&q, "ua-old"));
	domxml_drive(&q, v, drive, 10);
	ck_assert_str_eq(drive, "");
	domxml_drive(&q, v, drive, 13);
	ck_assert_str_eq(drive, "drive-ua-old");
	domxml_free(&q);
}
END_TEST
#undef DISK

/* The real dumpxml (Debian 12's libvirt 9.0): vm3's raw disk at index 1
 * reads libvirt-1-format, the path as the XML has it. */
START_TEST(fixture_disk)
{
	const struct store_dev *sd;
	struct store_rt rt;
	struct err e;

	d.libvirt = 9000000;
	ck_assert_int_eq(domxml_rt(&d, "vm3", &rt, &e), 0);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "virtio-disk0"));
	ck_assert_str_eq(sd->backend.path, "/var/lib/libvirt/images/vm3.img");
	ck_assert_str_eq(sd->backend.format, "raw");
	ck_assert_str_eq(sd->backend.drive, "libvirt-1-format");
	store_rt_free(&rt);
}
END_TEST

START_TEST(q35_ports)
{
	struct domxml q;
	struct pci_info pi;
	struct pcitree t;
	struct store_rt rt;
	struct slot_view sv[32];
	const struct store_dev *sd;
	struct place p;
	struct err e;
	size_t len;
	char *x = tu_fixture("libvirt/vm4-q35-ports.xml", &len);
	int b;

	domxml_init(&q);
	ck_assert_msg(domxml_parse(x, len, &q, &e) == 0, "%s", e.msg);
	pci_info_init(&pi);
	ck_assert_int_eq(domxml_pci(&q, &pi, &e), 0);
	ck_assert(pci_info_is_pcie(&pi));
	pcitree_build(&pi, &t);
	ck_assert_uint_eq(t.nbus, 1 + 5 + 1);	/* root, 5 ports, bridge */
	ck_assert_int_ge(b = pcitree_find_id(&t, "pci.6"), 1);
	ck_assert_int_eq(t.bus[b].kind, PCI_BR_ROOT_PORT);
	ck_assert_str_eq(t.bus[b].path, "1.3");
	ck_assert_int_ge(b = pcitree_find_id(&t, "pci.3"), 1);
	ck_assert_int_eq(t.bus[b].kind, PCI_BR_PCIE_PCI);
	ck_assert_str_eq(t.bus[b].path, "1-0");	/* behind port pci.1 */
	ck_assert(pcitree_hotpluggable(&t, b, 1));
	ck_assert(!pcitree_hotpluggable(&t, PCITREE_ROOT, 2));

	ck_assert_int_eq(domxml_rt(&q, "vm4", &rt, &e), 0);
	ck_assert(!slotmap_is_free(&rt.reserved, 0));
	ck_assert(!slotmap_is_free(&rt.reserved, 31));
	ck_assert_int_eq(slotmap_count(&rt.reserved), 2);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net0"));
	ck_assert(strcmp(sd->bus, "1.1") == 0 && sd->slot == 0);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net1"));
	ck_assert(strcmp(sd->bus, "1.2") == 0 && sd->slot == 0);
	ck_assert_ptr_nonnull(sd = store_find_id(&rt, "net2"));
	ck_assert(strcmp(sd->bus, "1-0") == 0 && sd->slot == 5);
	ck_assert_ptr_null(store_find_id(&rt, "pci.6"));

	/* places: the empty port pci.6, and the bridge's 1-31 but 5 */
	ck_assert_int_eq(places_count(&pi, &t, &rt), 1 + 30);
	ck_assert_int_eq(places_first(&pi, &t, &rt, -1, &p, &e), 0);
	ck_assert_str_eq(pcitree_bus_name(&t, p.bus), "pci.6");
	ck_assert_int_eq(p.slot, 0);
	state_reconcile(&pi, &rt, sv);
	ck_assert_int_eq(sv[1].state, SLOT_BRIDGE);	/* the ports */
	/* one cell for the five ports on 1.0-1.4: what is behind all of
	 * them (pci.3 and net2, net0, net1, usb) and all their places, as
	 * in the capacity, not function 0's alone (2 behind, 30 places) */
	ck_assert_int_eq(sv[1].bridge, PCI_BR_ROOT_PORT);
	ck_assert_str_eq(sv[1].id, "pci.1");
	ck_assert_int_eq(sv[1].behind, 5);
	ck_assert_int_eq(sv[1].places, 31);
	ck_assert_int_eq(sv[2].state, SLOT_CLOSED);	/* pcie.0 */
	ck_assert_int_eq(sv[31].state, SLOT_BUILTIN);	/* ICH9's */
	store_rt_free(&rt);
	pci_info_free(&pi);
	domxml_free(&q);
	free(x);
}
END_TEST

Suite *
domxml_suite(void)
{
	Suite *s = suite_create("domxml");
	TCase *tc = tcase_create("domxml");

	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, devices);
	tcase_add_test(tc, bus_and_view);
	tcase_add_test(tc, q35_ports);
	tcase_add_test(tc, nic_backends);
	tcase_add_test(tc, disk_backends);
	tcase_add_test(tc, fixture_disk);
	tcase_add_loop_test(tc, refused, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, prefixes);
	suite_add_tcase(s, tc);
	return s;
}
