/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_hotplug.c - the hotplug and unplug flows (core/hotplug) against a
 * real paused QEMU (pc, TCG, no guest) over HMP and over QMP: a NIC with a
 * user backend and a raw disk at the first free slots, persisted; a
 * refused device_add rolled back (backend gone, runtime file unchanged byte
 * for byte); an unplug without a guest left `unplugging` with its slot
 * still taken; q35's root bus refused plainly; two processes racing for a
 * slot.  Plus the argument checks, which need no QEMU.  A batch hotplug
 * (cmd_exec) asks for the anonymous devices once, with its confirming
 * query-pci, and the refresh after it still shows them anonymous.
 *
 * Each tcase starts its own QEMU in an unchecked fixture (run in the parent
 * process) so that QEMU is killed even when a test fails or times out.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "fleet/fleet.h"
#include "devrows.h"
#include "peer.h"
#include "relay.h"

#include "model/devid.h"
#include "fleet/hotplug.h"
#include "qemu/mon.h"
#include "model/state.h"
#include "testutil.h"
#include "vmtarget.h"

/* ---- argument checks (no QEMU) ----------------------------------------- */

static void
set_bad(enum hotplug_type t, const char *word, const char *want)
{
	struct hotplug_req r;
	struct err e;

	hotplug_req_init(&r, t);
	ck_assert_msg(hotplug_req_set(&r, word, &e) == -1, "%s accepted", word);
	ck_assert_msg(strstr(e.msg, want) != NULL, "%s: '%s' lacks '%s'", word,
	    e.msg, want);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
}

START_TEST(args)
{
	struct hotplug_req r;
	struct err e;
	char u[37], mac[18];
	enum hotplug_type t;

	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_req_set(&r, "mac=52:54:00:AB:cd:01", &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "backend=tap:tap-web1.0", &e),
	    0);
	ck_assert_int_eq(r.backend, STORE_BK_TAP);
	ck_assert_str_eq(r.tap, "tap-web1.0");
	ck_assert_int_eq(hotplug_req_set(&r, "model=e1000", &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "slot=31", &e), 0);
	ck_assert_int_eq(r.slot, 31);
	ck_assert_int_eq(hotplug_req_set(&r, "uuid=6f1a2b3c-0000-4000-8000-"
	    "000000000000", &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "slot=4", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "given twice"));
	set_bad(HOTPLUG_NIC, "mac=52:54:00:12:34", "not a MAC address");
	set_bad(HOTPLUG_NIC, "mac=52-54-00-12-34-56", "not a MAC address");
	set_bad(HOTPLUG_NIC, "mac=01:00:5e:00:00:01", "multicast");
	set_bad(HOTPLUG_NIC, "mac=52:54:00:12:34:5g", "not a MAC address");
	set_bad(HOTPLUG_NIC, "model=virtio net", "not a QEMU driver name");
	set_bad(HOTPLUG_NIC, "model=virtio,addr=0x9", "not a QEMU driver");
	set_bad(HOTPLUG_NIC, "model=", "not a QEMU driver name");
	set_bad(HOTPLUG_NIC, "backend=bridge", "expected user or tap:IFNAME");
	set_bad(HOTPLUG_NIC, "backend=tap:", "tap interface");
	set_bad(HOTPLUG_NIC, "backend=tap:waytoolongname0123", "tap interface");
	set_bad(HOTPLUG_NIC, "backend=tap:a,b", "tap interface");
	set_bad(HOTPLUG_NIC, "backend=tap:-evil", "tap interface");
	set_bad(HOTPLUG_NIC, "backend=tap:..", "tap interface");
	set_bad(HOTPLUG_NIC, "uuid=6f1a2b3c", "not a UUID");
	set_bad(HOTPLUG_NIC, "slot=32", "slot");
	set_bad(HOTPLUG_NIC, "slot=", "slot");
	set_bad(HOTPLUG_NIC, "path=/tmp/x", "unknown key 'path' for a nic");
	set_bad(HOTPLUG_NIC, "mac", "not KEY=VALUE");
	set_bad(HOTPLUG_NIC, "=x", "not KEY=VALUE");
	set_bad(HOTPLUG_DISK, "mac=52:54:00:12:34:56", "unknown key 'mac'");
	set_bad(HOTPLUG_DISK, "format=vdmk", "expected raw, qcow2");
	set_bad(HOTPLUG_DISK, "cache=fast", "not a cache mode");
	set_bad(HOTPLUG_DISK, "readonly=maybe", "on or off");
	set_bad(HOTPLUG_DISK, "serial=a b", "serial");
	set_bad(HOTPLUG_NIC, "queues=0", "1 to 8");
	set_bad(HOTPLUG_NIC, "bridge=-br", "bridge");
	set_bad(HOTPLUG_NIC, "readonly=on", "unknown key 'readonly' for a nic");
	set_bad(HOTPLUG_DISK, "path=", "empty");
	set_bad(HOTPLUG_DISK, "path=/tmp/a\001b", "control characters");
	hotplug_req_init(&r, HOTPLUG_DISK);
	ck_assert_int_eq(hotplug_req_check(&r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "path=FILE"));
	ck_assert_int_eq(hotplug_req_set(&r, "path=/nonexistent/x.img", &e),
	    0);
	ck_assert_int_eq(hotplug_req_check(&r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/x.img"));
	hotplug_req_init(&r, HOTPLUG_DISK);
	ck_assert_int_eq(hotplug_req_set(&r, "path=/dev/null", &e), 0);
	ck_assert_int_eq(hotplug_req_check(&r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a file"));
	ck_assert_int_eq(hotplug_parse_type("nic", &t, &e), 0);
	ck_assert_int_eq(t, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_parse_type("disk", &t, &e), 0);
	ck_assert_int_eq(t, HOTPLUG_DISK);
	ck_assert_int_eq(hotplug_parse_type("gpu", &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "expected nic or disk"));
	/* generated values are valid and differ */
	ck_assert_int_eq(hotplug_gen_uuid(u, &e), 0);
	ck_assert(devid_valid_uuid(u, strlen(u)));
	ck_assert_int_eq(u[14], '4');
	ck_assert_ptr_nonnull(strchr("89ab", u[19]));
	{
		char u2[37];

		ck_assert_int_eq(hotplug_gen_uuid(u2, &e), 0);
		ck_assert_str_ne(u, u2);
	}
	ck_assert_int_eq(hotplug_gen_mac(mac, &e), 0);
	ck_assert_int_eq(hotplug_check_mac(mac, &e), 0);
	ck_assert_int_eq(strncmp(mac, "52:54:00:", 9), 0);
}
END_TEST

/* ---- against real QEMU -------------------------------------------------- */

/* [q]: one per QEMU (tu_qemu); a test's loop index _i is q. */
#define PC { .machine = "pc" }
static struct tu_vm vm_hmp[2] = { PC, PC };
static struct tu_vm vm_qmp[2] = { PC, PC };
static struct tu_vm vm_q35[2] = { { .machine = "q35" }, { .machine = "q35" } };
static struct tu_vm vm_race = PC;
static struct tu_vm vm_hmp2[2] = { PC, PC };
static struct tu_vm vm_qmp2[2] = { PC, PC };
static struct tu_vm vm_tap[2] = { PC, PC };
/* an e1000 in slot 12 added without an id: anonymous */
static struct tu_vm vm_anon[2] = {
	{ .machine = "pc", .extra = "-device e1000,addr=0xc" },
	{ .machine = "pc", .extra = "-device e1000,addr=0xc" },
};

TU_VM_FIXTURE2(hmp, vm_hmp)
TU_VM_FIXTURE2(qmp, vm_qmp)
TU_VM_FIXTURE2(q35, vm_q35)
TU_VM_FIXTURE(race, vm_race)
TU_VM_FIXTURE2(hmp2, vm_hmp2)
TU_VM_FIXTURE2(qmp2, vm_qmp2)
TU_VM_FIXTURE2(tap, vm_tap)
TU_VM_FIXTURE2(anon, vm_anon)

/* vmtarget_init, and the QEMU is the one asked for. */
static void
tgt_init(struct vmtarget *g, const struct tu_vm *v, const char *sock)
{
	vmtarget_init(g, v, sock);
	{	/* the QEMU asked for */
		struct qemu_version ver;
		struct mon_result res;
		struct err e;
		struct mon *m = mon_new(g->ep, NULL, &e);

		ck_assert_ptr_nonnull(m);
		ck_assert_msg(mon_do(m, &(struct mon_req){ .op =
		    MON_OP_QUERY_VERSION }, &res, &e) == 0, "%s", e.msg);
		ver = res.version;
		ck_assert_int_eq(ver.major, v->qemu == TU_QEMU_10 ? 10 : 7);
		mon_free(m);
	}
}

static void
live(struct vmtarget *g, struct pci_info *pi)
{
	struct mon_result res;
	struct mon *m;
	struct err e;

	m = mon_new(g->ep, NULL, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e) == 0, "%s", e.msg);
	*pi = res.pci;
	mon_free(m);
}

/* Does QEMU still know this netdev / drive?  Deleting it is the probe:
 * "not found" means it is gone. */
static int
backend_exists(struct vmtarget *g, int netdev, const char *id)
{
	struct mon *m;
	struct err e;
	int rc;

	m = mon_new(g->ep, NULL, &e);
	ck_assert_ptr_nonnull(m);
	rc = netdev ? mon_do(m, &(struct mon_req){ .op = MON_OP_NETDEV_DEL,
	    .id = id }, NULL, &e) : mon_do(m, &(struct mon_req){
	    .op = MON_OP_DRIVE_DEL, .id = id }, NULL, &e);
	if (rc < 0)
		ck_assert_msg(mon_last_kind(m) == MONERR_NOT_FOUND,
		    "probe %s: %s", id, e.msg);
	mon_free(m);
	return rc == 0;
}

static void
flow(struct tu_vm *v, const char *sock)
{
	struct vmtarget g;
	struct hotplug_req r;
	struct store_dev d;
	struct store_rt rt;
	struct pci_info pi;
	struct err e;
	char path[4300], img[4300], *before, *after;
	FILE *fp;
	int rc;

	tgt_init(&g, v, sock);
	snprintf(path, sizeof path, "%s/vm1.json", g.rtdir);
	snprintf(img, sizeof img, "%s/disk1.img", v->dir);
	fp = fopen(img, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(ftruncate(fileno(fp), 1 << 20), 0);
	fclose(fp);

	/* a NIC, user backend, first free slot (4 on a default pc) */
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(d.slot, 4);
	ck_assert_int_eq(strncmp(d.id, "nic-", 4), 0);
	ck_assert_ptr_nonnull(strstr(d.id, "-pci-4"));
	ck_assert(devid_valid_uuid(d.uuid, strlen(d.uuid)));
	ck_assert_str_eq(d.driver, "virtio-net-pci");
	ck_assert_int_eq(hotplug_check_mac(d.mac, &e), 0);
	live(&g, &pi);
	ck_assert_ptr_nonnull(pci_info_find_id(&pi, d.id));
	ck_assert_int_eq(pci_info_find_id(&pi, d.id)->slot, 4);
	pci_info_free(&pi);
	ck_assert_int_eq(backend_exists(&g, 1, "nosuch-netdev"), 0);

	/* a raw disk at slot 5, given a relative-free absolute path */
	hotplug_req_init(&r, HOTPLUG_DISK);
	snprintf(path, sizeof path, "path=%s", img);
	ck_assert_int_eq(hotplug_req_set(&r, path, &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "uuid=0d4e5f60-1111-4222-8333-"
	    "444444444444", &e), 0);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.id, "disk-0d4e5f60-pci-5");
	ck_assert_str_eq(d.backend.format, "raw");
	ck_assert_str_eq(d.backend.path, img);
	ck_assert_int_eq(store_load(g.rtdir, "vm1", &rt, &e), 0);
	ck_assert_int_eq(rt.ndev, 2);
	ck_assert_int_eq(store_find_id(&rt, "disk-0d4e5f60-pci-5")->state,
	    STORE_DEV_PLUGGED);
	store_rt_free(&rt);
	/* the same uuid again is refused before anything is sent */
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "already used by "
	    "disk-0d4e5f60-pci-5"));

	/* rollback: QEMU refuses the device; the netdev goes away and the
	 * runtime file is byte for byte the same */
	snprintf(path, sizeof path, "%s/vm1.json", g.rtdir);
	before = tu_slurp(path);
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_req_set(&r, "model=virtio-nonsense-pci", &e),
	    0);
	ck_assert_int_eq(hotplug_req_set(&r, "uuid=aaaaaaaa-1111-4222-8333-"
	    "444444444444", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "device_add") != NULL &&
	    strstr(e.msg, "virtio-nonsense-pci") != NULL, "%s", e.msg);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
	ck_assert_int_eq(backend_exists(&g, 1, "hostnet-aaaaaaaa-pci-6"), 0);
	after = tu_slurp(path);
	ck_assert_str_eq(before, after);
	free(after);
	/* the same for a disk whose device is refused at an occupied
	 * slot: slot=3 is refused by us already (live, reserved) */
	hotplug_req_init(&r, HOTPLUG_DISK);
	snprintf(path, sizeof path, "path=%s", img);
	ck_assert_int_eq(hotplug_req_set(&r, path, &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "slot=4", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "slot 4"));
	snprintf(path, sizeof path, "%s/vm1.json", g.rtdir);
	after = tu_slurp(path);
	ck_assert_str_eq(before, after);
	free(after);
	free(before);

	/* unplug without a guest: accepted, never confirmed: `unplugging`
	 * persisted, slot 4 and the id stay taken */
	rc = hotplug_del(&g.t, "4", 300, &d, &e);
	ck_assert_msg(rc == HOTPLUG_PENDING, "rc %d: %s", rc, e.msg);
	ck_assert_int_eq(store_load(g.rtdir, "vm1", &rt, &e), 0);
	ck_assert_int_eq(store_find_slot(&rt, 4)->state, STORE_DEV_UNPLUGGING);
	live(&g, &pi);
	{
		struct slot_view sv[32];

		state_reconcile(&pi, &rt, sv);
		ck_assert_int_eq(sv[4].state, SLOT_UNPLUGGING);
		ck_assert_int_eq(state_first_free(&pi, &rt, &e), 6);
	}
	pci_info_free(&pi);
	store_rt_free(&rt);
	/* a second unplug of the same device: still pending, no error */
	rc = hotplug_del(&g.t, d.id, 0, &d, &e);
	ck_assert_msg(rc == HOTPLUG_PENDING, "rc %d: %s", rc, e.msg);
	/* unknown ids and empty slots are refused */
	ck_assert_int_eq(hotplug_del(&g.t, "nic-99999999-pci-9", 0, &d, &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no device nic-99999999-pci-9"));
	ck_assert_int_eq(hotplug_del(&g.t, "7", 0, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "slot 7 holds no device"));
	ck_assert_int_eq(hotplug_del(&g.t, "99", 0, &d, &e), -1);
	ck_assert_int_eq(hotplug_del(&g.t, "a b", 0, &d, &e), -1);
	/* the next NIC goes to slot 6: 4 is unplugging, 5 is the disk */
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_req_set(&r, "mac=52:54:00:00:00:07", &e), 0);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(d.slot, 6);
	ck_assert_str_eq(d.mac, "52:54:00:00:00:07");
	/* a recorded device that is not on the bus (missing): QEMU says
	 * "not found", which confirms the unplug at once */
	{
		struct store_dev m;

		tu_rt_dev(&m, "nic-dddddddd-pci-20",
		    "dddddddd-1111-4222-8333-444444444444", "", 20,
		    STORE_DEV_PLUGGED);
		m.backend.kind = STORE_BK_USER;
		snprintf(m.backend.netdev, sizeof m.backend.netdev,
		    "hostnet-dddddddd-pci-20");
		tu_rt_add(g.rtdir, "vm1", &m);
		rc = hotplug_del(&g.t, "20", 0, &d, &e);
		ck_assert_msg(rc == HOTPLUG_DELETED, "rc %d: %s", rc, e.msg);
		ck_assert_int_eq(store_load(g.rtdir, "vm1", &rt, &e), 0);
		ck_assert_ptr_null(store_find_slot(&rt, 20));
		store_rt_free(&rt);
	}
	/* a slot with a built-in device */
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_req_set(&r, "slot=2", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "slot 2"));
}

START_TEST(flow_hmp)
{
	flow(&vm_hmp[_i], "hmp.sock");
}
END_TEST

START_TEST(flow_qmp)
{
	flow(&vm_qmp[_i], "qmp.sock");
}
END_TEST

START_TEST(q35_root_bus)
{
	struct vmtarget g;
	struct hotplug_req r;
	struct store_dev d;
	struct err e;
	char path[4300], *after;

	tgt_init(&g, &vm_q35[_i], "qmp.sock");
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_req_set(&r, "uuid=bbbbbbbb-1111-4222-8333-"
	    "444444444444", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "this machine's root bus does not support "
	    "hotplug") != NULL, "%s", e.msg);
	ck_assert_int_eq(backend_exists(&g, 1, "hostnet-bbbbbbbb-pci-4"), 0);
	snprintf(path, sizeof path, "%s/vm1.json", g.rtdir);
	after = tu_slurp(path);
	ck_assert_str_eq(after, "<missing>");
	free(after);
}
END_TEST

/* Two processes hotplug at once, four times each: eight different
 * slots, all live, all recorded. */
START_TEST(race)
{
	struct vmtarget g;
	struct store_rt rt;
	struct pci_info pi;
	struct err e;
	pid_t pid[2];
	int i, st;

	tgt_init(&g, &vm_race, "hmp.sock");
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			int k, bad = 0;

			for (k = 0; k < 4; k++) {
				struct hotplug_req r;
				struct store_dev d;

				hotplug_req_init(&r, HOTPLUG_NIC);
				if (hotplug_add(&g.t, &r, &d, &e) < 0) {
					fprintf(stderr, "race: %s\n", e.msg);
					bad = 1;
				}
			}
			_exit(bad);
		}
	}
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "a racer failed");
	}
	ck_assert_int_eq(store_load(g.rtdir, "vm1", &rt, &e), 0);
	ck_assert_int_eq(rt.ndev, 8);
	live(&g, &pi);
	ck_assert_uint_eq(tu_rt_all_live(&rt, &pi), 0xff0u);	/* slots 4..11 */
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

/* A raw command on a fresh connection (test setup only). */
static void
raw(struct vmtarget *g, const char *hmp, const char *qmp)
{
	struct mon *m;
	struct err e;
	int op;

	m = mon_new(g->ep, NULL, &e);
	ck_assert_ptr_nonnull(m);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = hmp,
	    .qmp = qmp }, &e);
	ck_assert_msg(op >= 0, "%s", e.msg);
	ck_assert_msg(mon_run(m, &e) == 0, "%s", e.msg);
	ck_assert_msg(mon_result(m, op)->ok, "%s: %s", hmp,
	    mon_result(m, op)->msg);
	mon_free(m);
}

/* A disk whose device_add QEMU refuses (duplicate id: a device behind a
 * PCI bridge already has it, where bus 0 does not show it): the drive /
 * block node is removed again and the runtime file stays byte for byte;
 * a backend QEMU refuses (qcow2 on a raw file) gives QEMU's reason. */
static void
disk_rollback(struct tu_vm *v, const char *sock)
{
	struct vmtarget g;
	struct hotplug_req r;
	struct store_dev d;
	struct err e;
	char img[4300], word[4400], *before, *after;
	FILE *fp;

	tgt_init(&g, v, sock);
	snprintf(img, sizeof img, "%s/d.img", v->dir);
	fp = fopen(img, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(ftruncate(fileno(fp), 1 << 20), 0);
	fclose(fp);
	/* a runtime file to compare */
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	snprintf(word, sizeof word, "%s/vm1.json", g.rtdir);
	before = tu_slurp(word);
	/* a device slotscope cannot place: behind a bridge without an id
	 * (its bus is QEMU's "pci.1"), hidden while paused, so QOM gives no
	 * bridge to put it behind; its id makes device_add fail late */
	raw(&g, "device_add pci-bridge,chassis_nr=1,bus=pci.0,addr=0x1e",
	    "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"pci-bridge\", \"chassis_nr\": 1, \"bus\": "
	    "\"pci.0\", \"addr\": \"0x1e\"}}");
	raw(&g, "device_add virtio-net-pci,id=disk-cccccccc-pci-5,bus=pci.1,"
	    "addr=0x1", "{\"execute\": \"device_add\", \"arguments\": "
	    "{\"driver\": \"virtio-net-pci\", \"id\": \"disk-cccccccc-pci-5\", "
	    "\"bus\": \"pci.1\", \"addr\": \"0x1\"}}");
	hotplug_req_init(&r, HOTPLUG_DISK);
	snprintf(word, sizeof word, "path=%s", img);
	ck_assert_int_eq(hotplug_req_set(&r, word, &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "uuid=cccccccc-1111-4222-8333-"
	    "444444444444", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "device_add") != NULL &&
	    strstr(e.msg, "disk-cccccccc-pci-5") != NULL, "%s", e.msg);
	ck_assert_int_eq(backend_exists(&g, 0, "drive-cccccccc-pci-5"), 0);
	snprintf(word, sizeof word, "%s/vm1.json", g.rtdir);
	after = tu_slurp(word);
	ck_assert_str_eq(before, after);
	free(after);
	/* QEMU refuses the backend itself */
	hotplug_req_init(&r, HOTPLUG_DISK);
	snprintf(word, sizeof word, "path=%s", img);
	ck_assert_int_eq(hotplug_req_set(&r, word, &e), 0);
	ck_assert_int_eq(hotplug_req_set(&r, "format=qcow2", &e), 0);
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "qcow2") != NULL, "%s", e.msg);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
	snprintf(word, sizeof word, "%s/vm1.json", g.rtdir);
	after = tu_slurp(word);
	ck_assert_str_eq(before, after);
	free(after);
	free(before);
	/* a path with ',' and '=' is one value, not more options (HMP
	 * doubles the comma; QMP is JSON): the image is the one attached */
	snprintf(img, sizeof img, "%s/d,format=qcow2,x=1.img", v->dir);
	fp = fopen(img, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(ftruncate(fileno(fp), 1 << 20), 0);
	fclose(fp);
	hotplug_req_init(&r, HOTPLUG_DISK);
	snprintf(word, sizeof word, "path=%s", img);
	ck_assert_int_eq(hotplug_req_set(&r, word, &e), 0);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(d.backend.path, img);
	ck_assert_str_eq(d.backend.format, "raw");
}

START_TEST(disk_rollback_hmp)
{
	disk_rollback(&vm_hmp2[_i], "hmp.sock");
}
END_TEST

START_TEST(disk_rollback_qmp)
{
	disk_rollback(&vm_qmp2[_i], "qmp.sock");
}
END_TEST

/* May this process create tap devices (CAP_NET_ADMIN)? */
static int
can_tap(void)
{
	struct hotplug_req r;
	struct err e;

	hotplug_req_init(&r, HOTPLUG_NIC);
	return access("/dev/net/tun", R_OK | W_OK) == 0 && geteuid() == 0 &&
	    hotplug_req_set(&r, "backend=tap:x", &e) == 0;
}

/* backend=tap: the tap is opened here and its fd passed with getfd; the
 * NIC is live and the runtime file names the tap.  The tap does not exist
 * before: refused, then made with create=on. */
START_TEST(tap_backend)
{
	struct vmtarget g;
	struct hotplug_req r;
	struct store_dev d;
	struct pci_info pi;
	struct err e;
	char word[64];

	tgt_init(&g, &vm_tap[_i], "qmp.sock");
	snprintf(word, sizeof word, "backend=tap:sstap%d", (int)getpid() %
	    10000);
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_req_set(&r, word, &e), 0);
	/* a tap that does not exist is refused unless create=on */
	ck_assert_int_eq(hotplug_add(&g.t, &r, &d, &e), -1);
	ck_assert_msg(strstr(e.msg, "does not exist") != NULL, "%s", e.msg);
	ck_assert_int_eq(hotplug_req_set(&r, "create=on", &e), 0);
	ck_assert_msg(hotplug_add(&g.t, &r, &d, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(d.backend.kind, STORE_BK_TAP);
	ck_assert_int_eq(d.backend.created, 1);
	ck_assert_str_eq(d.backend.tap, word + 12);
	live(&g, &pi);
	ck_assert_ptr_nonnull(pci_info_find_id(&pi, d.id));
	pci_info_free(&pi);
	ck_assert_int_eq(backend_exists(&g, 1, d.backend.netdev), 1);
}
END_TEST

/* --- the anonymous devices, read once by a batch hotplug ------------- */

/* A relay's seen (relay.h): a line in the log at r->arg per qom-list of
 * /machine/peripheral-anon the client sends (the path itself, not the
 * qom-gets of the devices under it), "with" when it came in the same
 * write as a query-pci, else "alone". */
static void
log_anon(struct tu_relay *r, int from_qemu, const char *buf, size_t n)
{
	const char *p, *word = strstr(buf, "query-pci") ? "with\n" :
	    "alone\n";
	int log;

	(void)n;
	for (p = buf; !from_qemu && (p = strstr(p,
	    "/machine/peripheral-anon\"")) != NULL; p++) {
		log = open(r->arg, O_WRONLY | O_APPEND | O_CREAT, 0600);
		if (log < 0 || write(log, word, strlen(word)) < 0)
			_exit(2);
		close(log);
	}
}

/* The log's lines, one word each, as "with alone ..." */
static void
logged(const char *path, char *out, size_t sz)
{
	FILE *fp = fopen(path, "r");
	char line[64];
	size_t n = 0;

	out[0] = '\0';
	while (fp != NULL && fgets(line, sizeof line, fp) != NULL && n < sz)
		n += (size_t)snprintf(out + n, sz - n, "%s%.*s", n ? " " : "",
		    (int)strcspn(line, "\n"), line);
	if (fp != NULL)
		fclose(fp);
}

/* Slot 12's function on the bus instance 0 last read, or NULL. */
static const struct pci_fn *
slot12(const struct fleet *f)
{
	size_t k;

	for (k = 0; k < f->inst[0].live.n; k++)
		if (f->inst[0].live.fn[k].bus == 0 &&
		    f->inst[0].live.fn[k].slot == 12)
			return &f->inst[0].live.fn[k];
	return NULL;
}

START_TEST(batch_anon_once)
{
	struct tu_vm *v = &vm_anon[_i];
	struct tu_relay r = { .seen = log_anon };
	struct tu_peer peer;
	struct cmd_result res;
	struct cmd_ctx c;
	struct fleet f;
	struct err e;
	char ep[PATH_MAX + 8], rt[4200], got[64], qmp[4200], log[4300];
	const struct pci_fn *fn;

	ck_assert_msg(v->up, "QEMU did not start");
	snprintf(qmp, sizeof qmp, "%s/qmp.sock", v->dir);
	snprintf(log, sizeof log, "%s/anon.log", v->dir);
	snprintf(rt, sizeof rt, "%s/rt", v->dir);
	r.qemu_path = qmp;
	r.arg = log;
	tu_peer_listen(&peer, NULL);
	tu_peer_serve(&peer, tu_relay_serve, &r);
	snprintf(ep, sizeof ep, "unix:%s", peer.path);
	fleet_init(&f, rt);
	ck_assert_int_eq(fleet_add(&f, "vm", ep, &e), 0);
	memset(&c, 0, sizeof c);
	c.fleet = &f;
	cmd_exec(&c, "hotplug vm nic", 14, &res);
	ck_assert_msg(res.ok, "%s", res.text);
	cmd_result_free(&res);
	/* read once, by the flow with its confirming query-pci; the refresh
	 * took it from there */
	logged(log, got, sizeof got);
	ck_assert_str_eq(got, "with");
	ck_assert_int_eq(f.inst[0].conn, INST_OK);
	fn = slot12(&f);
	ck_assert_ptr_nonnull(fn);
	ck_assert_int_eq(fn->anon, 1);
	/* a refresh of its own asks again, and sees the same */
	fleet_refresh_start(&f, 0, 1);
	fleet_refresh_wait(&f, 0);
	ck_assert_int_eq(f.inst[0].conn, INST_OK);
	logged(log, got, sizeof got);
	ck_assert_str_eq(got, "with alone");
	fn = slot12(&f);
	ck_assert_ptr_nonnull(fn);
	ck_assert_int_eq(fn->anon, 1);
	fleet_free(&f);
	tu_peer_free(&peer);
}
END_TEST

static TCase *
qtc(Suite *s, const char *name, const char *missing, void (*up)(void),
    void (*down)(void))
{
	TCase *tc = tcase_create(name);

	tu_tcase_require(tc, missing);
	tcase_add_unchecked_fixture(tc, up, down);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

/* The cases that run against QEMU q; loop index _i = q. */
static void
add_cases(Suite *s, enum tu_qemu q)
{
	int ten = q == TU_QEMU_10;
	const char *noqemu = tu_missing_qemu_v(q);

#define QTC(name, fx, test, missing) tcase_add_loop_test(qtc(s, ten ? \
	name "-10.0" : name, missing, fx##_up[q], fx##_down[q]), test, q, q + 1)
	QTC("qemu-hmp", hmp, flow_hmp, noqemu);
	QTC("qemu-qmp", qmp, flow_qmp, noqemu);
	QTC("qemu-q35", q35, q35_root_bus, noqemu);
	QTC("qemu-disk-rollback-hmp", hmp2, disk_rollback_hmp, noqemu);
	QTC("qemu-disk-rollback-qmp", qmp2, disk_rollback_qmp, noqemu);
	QTC("qemu-batch-anon", anon, batch_anon_once, noqemu);
	QTC("qemu-tap", tap, tap_backend, noqemu ? noqemu : can_tap() ? NULL :
	    "not root or no /dev/net/tun: cannot make a tap device");
#undef QTC
}

Suite *
hotplug_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("hotplug");
	tc = tcase_create("args");
	tcase_add_test(tc, args);
	suite_add_tcase(s, tc);
	tu_qemu_cases(s, add_cases);
	tcase_add_test(qtc(s, "qemu-race", tu_missing_qemu(), race_up,
	    race_down), race);
	return s;
}
