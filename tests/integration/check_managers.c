/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_managers.c - the managers against real QEMUs (7.2 and 10.0),
 * each booted with exactly the devices its manager's file describes
 * (tests/fixtures/managers), its QMP socket where the manager keeps it:
 *   Ganeti 2.16  ROOT/ctrl/NAME.qmp + ROOT/runtime/NAME (hvinfo ids)
 *   Ganeti 2.10  the same layout, `pci: N` entries (ids
 *                hotTYPE-...-pci-N, as 2.10-2.15 named them)
 *   Proxmox      RUN/100.qmp + CONF/100.conf (name:, net0, virtio0)
 * The real binary in batch mode: the manager's devices are used with its
 * owner, nothing is foreign, reservations come from the file, hotplug
 * (and reserve) refuse with the manager's own command, the manager's file
 * is left byte for byte, and --force goes ahead (audited) off the
 * manager's slots.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu/backends.h"
#include "qemu/mon.h"
#include "testutil.h"

/* A temp dir with the manager's layout and a QEMU in it. */
struct lay {
	char *dir;
	char mfile[4200];	/* the manager's file */
	char *before;		/* its bytes before the test */
};

static void
mk(const char *dir, const char *sub)
{
	char p[4200];

	snprintf(p, sizeof p, "%s/%s", dir, sub);
	ck_assert_int_eq(mkdir(p, 0700), 0);
}

/* Copy fixture rel to dest in the layout. */
static void
put(struct lay *l, const char *rel, const char *dest)
{
	size_t len;
	char *buf = tu_fixture(rel, &len);
	FILE *fp;

	ck_assert_ptr_nonnull(buf);
	snprintf(l->mfile, sizeof l->mfile, "%s/%s", l->dir, dest);
	fp = fopen(l->mfile, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
	fclose(fp);
	l->before = buf;
}

/* Start QEMU q, machine `machine`, with the devices of the file (extra:
 * each %s is the dir, up to four; disk images d0.raw and d1.raw). */
static void
images(const struct lay *l)
{
	char img[4200];
	FILE *fp;
	int k;

	for (k = 0; k < 2; k++) {
		snprintf(img, sizeof img, "%s/d%d.raw", l->dir, k);
		fp = fopen(img, "w");
		ck_assert_ptr_nonnull(fp);
		ck_assert_int_eq(ftruncate(fileno(fp), 1 << 20), 0);
		fclose(fp);
	}
}

static void
boot_m(struct lay *l, enum tu_qemu q, const char *machine, const char *fmt)
{
	char extra[8192];

	images(l);
	snprintf(extra, sizeof extra, fmt, l->dir, l->dir, l->dir, l->dir);
	ck_assert_msg(tu_qemu_start_v(q, l->dir, machine, extra) == 0,
	    "QEMU %s did not start", tu_qemu_name(q));
}

static void
boot(struct lay *l, enum tu_qemu q, const char *fmt)
{
	boot_m(l, q, "pc", fmt);
}

static void
down(struct lay *l)
{
	char *now = tu_slurp(l->mfile);

	tu_qemu_stop(l->dir);
	/* the manager's file is read, never written */
	ck_assert_str_eq(now, l->before);
	free(now);
	free(l->before);
	tu_rmrf(l->dir);
	free(l->dir);
}

/* The binary with args; output (stdout + stderr) in *out. */
static int
run(const struct lay *l, const char *args, char **out)
{
	char *cmd;
	int rc;

	ck_assert(asprintf(&cmd, "'%s' --runtime-dir '%s/rt' --audit-log "
	    "'%s/audit.log' %s", tu_bin(), l->dir, l->dir, args) > 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

static json_t *
show(const struct lay *l, const char *srcs, const char *inst)
{
	char args[4096], *out;
	json_error_t je;
	json_t *j;

	snprintf(args, sizeof args, "%s -c 'show %s' --json", srcs, inst);
	ck_assert_msg(run(l, args, &out) == 0, "show failed: %s", out);
	j = json_loads(out, 0, &je);
	ck_assert_msg(j != NULL, "no JSON in '%s': %s", out, je.text);
	free(out);
	return j;
}

static json_t *
slot(json_t *j, int s)
{
	return json_array_get(json_object_get(j, "slots"), (size_t)s);
}

static const char *
field(json_t *j, int s, const char *key)
{
	const char *v = json_string_value(json_object_get(slot(j, s), key));

	return v ? v : "";
}

/* No slot foreign, none in conflict. */
static void
nothing_foreign(json_t *j)
{
	int s;

	for (s = 0; s < 32; s++) {
		ck_assert_msg(strcmp(field(j, s, "state"), "foreign") != 0,
		    "slot %d foreign (%s)", s, field(j, s, "id"));
		ck_assert_str_eq(field(j, s, "conflict"), "");
	}
}

/* The bus behind a bridge whose place is path ("30", "30-1"), or NULL. */
static json_t *
bus_of(json_t *j, const char *path)
{
	json_t *buses = json_object_get(j, "buses"), *b;
	size_t k;

	json_array_foreach(buses, k, b)
		if (strcmp(json_string_value(json_object_get(b, "bus")), path) == 0)
			return b;
	return NULL;
}

/* A string of slot s of the bus at path, or "". */
static const char *
bfield(json_t *j, const char *path, int s, const char *key)
{
	json_t *b = bus_of(j, path);
	const char *v;

	ck_assert_msg(b != NULL, "no bus %s", path);
	v = json_string_value(json_object_get(json_array_get(json_object_get(b,
	    "slots"), (size_t)s), key));
	return v ? v : "";
}

static int
bplaces(json_t *j, const char *path)
{
	json_t *b = bus_of(j, path);

	ck_assert_msg(b != NULL, "no bus %s", path);
	return (int)json_integer_value(json_object_get(b, "places"));
}

/* Nothing foreign or in conflict on the root bus nor behind a bridge;
 * every bus's contents known. */
static void
nothing_foreign_anywhere(json_t *j)
{
	json_t *buses = json_object_get(j, "buses"), *b, *sl;
	size_t k, n;

	nothing_foreign(j);
	json_array_foreach(buses, k, b) {
		const char *path = json_string_value(json_object_get(b, "bus"));

		ck_assert_msg(json_is_true(json_object_get(b, "known")),
		    "bus %s not known", path);
		json_array_foreach(json_object_get(b, "slots"), n, sl) {
			const char *st = json_string_value(json_object_get(sl,
			    "state"));

			ck_assert_msg(strcmp(st, "foreign") != 0 &&
			    strcmp(st, "missing") != 0, "bus %s slot %zu %s "
			    "(%s)", path, n, st, json_string_value(
			    json_object_get(sl, "id")));
			ck_assert_msg(json_is_null(json_object_get(sl,
			    "conflict")), "bus %s slot %zu: %s", path, n,
			    json_string_value(json_object_get(sl,
			    "conflict")));
		}
	}
}

static int
capacity(json_t *j)
{
	return (int)json_integer_value(json_object_get(j, "capacity"));
}

/* A string show's JSON must have: key of slot `slot` of the root bus (bus
 * NULL) or of the bus behind the bridge at bus ("30", "30-1"). */
struct want {
	const char *bus;
	int slot;
	const char *key, *value;
};

static void
expect_n(json_t *j, const struct want *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *got = w[i].bus ? bfield(j, w[i].bus, w[i].slot,
		    w[i].key) : field(j, w[i].slot, w[i].key);

		ck_assert_msg(strcmp(got, w[i].value) == 0, "bus %s slot %d "
		    "%s: '%s', want '%s'", w[i].bus ? w[i].bus : "root",
		    w[i].slot, w[i].key, got, w[i].value);
	}
}
#define expect(j, w) expect_n(j, w, sizeof w / sizeof w[0])

/* Ganeti's reservations: slots 0..n-1 reserved by ganeti, n not. */
static void
reserved_by_ganeti(json_t *j, int n)
{
	int s;

	for (s = 0; s < n; s++) {
		ck_assert(json_is_true(json_object_get(slot(j, s),
		    "reserved")));
		ck_assert_str_eq(field(j, s, "owner"), "ganeti");
	}
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j,
	    "manager"), "pci_reservations")), n);
}

static void
refuses(const struct lay *l, const char *srcs, const char *cmd,
    const char *want)
{
	char args[4096], *out;

	snprintf(args, sizeof args, "%s -c '%s'", srcs, cmd);
	ck_assert_int_eq(run(l, args, &out), 1);
	ck_assert_msg(strstr(out, want) != NULL, "'%s': got '%s', want '%s'",
	    cmd, out, want);
	free(out);
}

#define G216 "gnt216.example.com"
#define G210 "gnt210.example.com"

/* A Ganeti node in l's dir (ROOT/ctrl, ROOT/runtime with the fixture as
 * NAME's runtime file) and a QEMU q with its QMP socket in ctrl/ and the
 * devices devs (%s in devs is the dir); srcs: the options that find it. */
static void
ganeti_boot(struct lay *l, const char *fixture, const char *name,
    enum tu_qemu q, const char *devs, char *srcs, size_t srcsz)
{
	char rt[512], fmt[4096];

	ck_assert_ptr_nonnull(l->dir);
	mk(l->dir, "gnt");
	mk(l->dir, "gnt/ctrl");
	mk(l->dir, "gnt/runtime");
	snprintf(rt, sizeof rt, "gnt/runtime/%s", name);
	put(l, fixture, rt);
	snprintf(fmt, sizeof fmt, "-net none -qmp unix:%%s/gnt/ctrl/%s.qmp,"
	    "server=on,wait=off %s", name, devs);
	boot(l, q, fmt);
	snprintf(srcs, srcsz, "--monitor-dir '%s/gnt/ctrl'", l->dir);
}

/* A string of show's manager object, or "". */
static const char *
mfield(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(json_object_get(j,
	    "manager"), key));

	return v ? v : "";
}

/* The devices of ganeti-2.16.json as Ganeti's kvm command boots them (%s:
 * the dir): the balloon QEMU places itself, eth0 at 12, disk 0 at 13. */
#define G216_DEVS "-device virtio-balloon " \
	"-netdev user,id=hostnet0 -device virtio-net-pci," \
	"id=nic-5a1e0c3d-2b7f-4e61,netdev=hostnet0,mac=aa:00:00:3e:51:0c," \
	"bus=pci.0,addr=0xc " \
	"-drive if=none,id=d0,format=raw,file=%s/d0.raw " \
	"-device virtio-blk-pci,id=disk-91b3f6a2-0d4c-4f8e,drive=d0," \
	"bus=pci.0,addr=0xd"

START_TEST(ganeti_216)
{
	static const struct want w[] = {
		{ NULL, 12, "state", "used" },
		{ NULL, 12, "owner", "ganeti" },
		{ NULL, 12, "id", "nic-5a1e0c3d-2b7f-4e61" },
		{ NULL, 12, "mac", "aa:00:00:3e:51:0c" },
		{ NULL, 12, "link", "br0" },
		{ NULL, 12, "manager_name", "eth0" },
		{ NULL, 12, "uuid", "5a1e0c3d-2b7f-4e61-9c2a-7d1f00a4b6e2" },
		{ NULL, 13, "state", "used" },
		{ NULL, 13, "owner", "ganeti" },
		{ NULL, 13, "link", "/var/run/ganeti/instance-disks/" G216
		    ":0" },
		{ NULL, 14, "state", "free" },
		/* the balloon QEMU placed itself (no id), inside the
		 * reservations: Ganeti's kvm command put it there */
		{ NULL, 3, "state", "used" },
		{ NULL, 3, "owner", "ganeti" },
		{ NULL, 11, "state", "reserved" },
	};

	struct lay l = { .dir = tu_tmpdir() };
	char srcs[4300], *out, args[4400];
	json_t *j;

	ganeti_boot(&l, "managers/ganeti-2.16.json", G216, (enum tu_qemu)_i,
	    G216_DEVS, srcs, sizeof srcs);
	j = show(&l, srcs, G216);
	ck_assert_str_eq(mfield(j, "kind"), "ganeti");
	ck_assert_str_eq(mfield(j, "format"), "ganeti-2.16");
	expect(j, w);
	reserved_by_ganeti(j, 12);
	nothing_foreign(j);
	json_decref(j);
	refuses(&l, srcs, "hotplug " G216 " nic mac=aa:00:00:00:00:07",
	    "gnt-instance modify --hotplug --net add:mac=aa:00:00:00:00:07 "
	    G216);
	refuses(&l, srcs, "reserve " G216 " 20",
	    "gnt-instance modify -H kvm_pci_reservations=21 " G216);
	refuses(&l, srcs, "unplug " G216 " 12", "gnt-instance modify "
	    "--hotplug --net 5a1e0c3d-2b7f-4e61-9c2a-7d1f00a4b6e2:remove");
	/* the refusals sent nothing: slot 14 is still free */
	j = show(&l, srcs, G216);
	ck_assert_str_eq(field(j, 14, "state"), "free");
	json_decref(j);
	/* --force: audited, and off Ganeti's slots (0-13): slot 14 */
	snprintf(args, sizeof args, "%s -c 'hotplug " G216 " nic --force'",
	    srcs);
	ck_assert_msg(run(&l, args, &out) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "plugged in slot 14"));
	free(out);
	snprintf(args, sizeof args, "%s/audit.log", l.dir);
	out = tu_slurp(args);
	ck_assert_ptr_nonnull(strstr(out, "--force (managed by ganeti)"));
	free(out);
	/* slotscope's own device, where Ganeti's runtime file says its next
	 * hotplug goes: the very collision of Ganeti #1620 */
	j = show(&l, srcs, G216);
	ck_assert_str_eq(field(j, 14, "base_state"), "used");
	ck_assert_str_eq(field(j, 14, "state"), "conflict");
	ck_assert_str_eq(field(j, 14, "owner"), "slotscope");
	json_decref(j);
	down(&l);
}
END_TEST

/* Ganeti #1620: a device its runtime file lacks (the guest agent's
 * virtio-serial) in the slot Ganeti's next hotplug takes (14): the slot
 * is a conflict in show's JSON (over its state, foreign) and table. */
START_TEST(ganeti_conflict)
{
	static const struct want w[] = {
		{ NULL, 14, "state", "conflict" },
		{ NULL, 14, "base_state", "foreign" },
		{ NULL, 14, "id", "agent" },
		/* the others keep their state */
		{ NULL, 12, "state", "used" },
		{ NULL, 12, "base_state", "used" },
		{ NULL, 15, "state", "free" },
	};
	struct lay l = { .dir = tu_tmpdir() };
	char srcs[4300], args[4400], *out;
	json_t *j;

	ganeti_boot(&l, "managers/ganeti-2.16.json", G216, (enum tu_qemu)_i,
	    G216_DEVS " -device virtio-serial-pci,id=agent,bus=pci.0,"
	    "addr=0xe", srcs, sizeof srcs);
	j = show(&l, srcs, G216);
	expect(j, w);
	ck_assert_ptr_nonnull(strstr(field(j, 14, "conflict"),
	    "Ganeti's next hotplug takes slot 14"));
	json_decref(j);
	snprintf(args, sizeof args, "%s -c 'show " G216 "' -o slot,state,"
	    "conflict --noheadings --raw", srcs);
	ck_assert_int_eq(run(&l, args, &out), 0);
	ck_assert_msg(strstr(out, "14 conflict Ganeti's") != NULL, "%s", out);
	free(out);
	down(&l);
}
END_TEST

START_TEST(ganeti_210)
{
	static const struct want w[] = {
		{ NULL, 3, "state", "used" },
		{ NULL, 3, "owner", "ganeti" },
		{ NULL, 4, "state", "used" },
		{ NULL, 4, "owner", "ganeti" },
		{ NULL, 4, "link", "br100" },
		{ NULL, 4, "id", "hotnic-e4b2a7c1-pci-4" },
		{ NULL, 5, "state", "used" },
		{ NULL, 5, "id", "hotdisk-c3d2e1f0-pci-5" },
		{ NULL, 6, "state", "used" },
		{ NULL, 6, "manager_name", "backup" },
		{ NULL, 7, "state", "free" },
	};
	struct lay l = { .dir = tu_tmpdir() };
	char srcs[4300];
	json_t *j;

	/* -balloon virtio,id=balloon,... is -device virtio-balloon today */
	ganeti_boot(&l, "managers/ganeti-2.10.json", G210, (enum tu_qemu)_i,
	    "-device virtio-balloon,id=balloon,bus=pci.0,addr=0x3 "
	    "-netdev user,id=n4 -device virtio-net-pci,id=hotnic-e4b2a7c1-pci-4,"
	    "netdev=n4,mac=aa:00:00:71:9d:04,bus=pci.0,addr=0x4 "
	    "-drive if=none,id=d0,format=raw,file=%s/d0.raw "
	    "-device virtio-blk-pci,id=hotdisk-c3d2e1f0-pci-5,drive=d0,"
	    "bus=pci.0,addr=0x5 "
	    "-netdev user,id=n6 -device virtio-net-pci,id=hotnic-0f9e8d7c-pci-6,"
	    "netdev=n6,mac=aa:00:00:71:9d:05,bus=pci.0,addr=0x6", srcs,
	    sizeof srcs);
	j = show(&l, srcs, G210);
	ck_assert_str_eq(mfield(j, "format"), "ganeti-2.10");
	ck_assert_str_eq(mfield(j, "machine"), "pc-i440fx-2.1");
	expect(j, w);
	reserved_by_ganeti(j, 3);
	nothing_foreign(j);
	json_decref(j);
	refuses(&l, srcs, "hotplug " G210 " nic",
	    "gnt-instance modify --hotplug --net add " G210);
	refuses(&l, srcs, "free " G210 " 2",
	    "gnt-instance modify -H kvm_pci_reservations=2 " G210);
	down(&l);
}
END_TEST

/* A Proxmox host in l's dir (RUN/VMID.qmp, CONF/VMID.conf from the
 * fixture, a config file naming both) and a QEMU q of machine `machine`
 * with its QMP socket there and the devices devs (%s: the dir, up to
 * three); srcs: the option that finds it. */
static void
pve_layout(struct lay *l, const char *fixture, const char *vmid, char *srcs,
    size_t srcsz)
{
	char cfg[4300], conf[64];
	FILE *fp;

	ck_assert_ptr_nonnull(l->dir);
	mk(l->dir, "run");
	mk(l->dir, "conf");
	snprintf(conf, sizeof conf, "conf/%s.conf", vmid);
	put(l, fixture, conf);
	snprintf(cfg, sizeof cfg, "%s/config", l->dir);
	fp = fopen(cfg, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "monitor-dir %s/run\nproxmox-conf-dir %s/conf\n", l->dir,
	    l->dir);
	fclose(fp);
	snprintf(srcs, srcsz, "--config '%s'", cfg);
}

static void
pve_boot(struct lay *l, const char *fixture, const char *vmid,
    enum tu_qemu q, const char *machine, const char *devs, char *srcs,
    size_t srcsz)
{
	char fmt[8192];

	pve_layout(l, fixture, vmid, srcs, srcsz);
	snprintf(fmt, sizeof fmt, "-net none -vga none -qmp unix:%%s/run/%s.qmp,"
	    "server=on,wait=off %s", vmid, devs);
	boot_m(l, q, machine, fmt);
}

/* qemu-server's bridges on i440fx (machine 2.3 and later: always). */
#define PVE_BRIDGES "-device pci-bridge,id=pci.2,chassis_nr=2,bus=pci.0," \
	"addr=0x1f -device pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0," \
	"addr=0x1e "

START_TEST(proxmox)
{
	static const struct want w[] = {
		{ NULL, 18, "state", "used" },
		{ NULL, 18, "id", "net0" },
		{ NULL, 18, "owner", "proxmox" },
		{ NULL, 18, "mac", "BC:24:11:5E:7A:01" },
		{ NULL, 18, "link", "vmbr0" },
		{ NULL, 10, "owner", "proxmox" },
		{ NULL, 10, "state", "used" },
		{ NULL, 3, "owner", "proxmox" },
		{ NULL, 1, "state", "used" },	/* uhci */
		/* the table: slot 19 is kept for net1 */
		{ NULL, 19, "state", "reserved" },
		{ NULL, 19, "owner", "proxmox" },
		{ NULL, 19, "manager_name", "net1" },
		{ NULL, 0, "state", "builtin" },
		{ NULL, 30, "state", "bridge" },
		{ NULL, 30, "owner", "proxmox" },
	};
	struct lay l = { .dir = tu_tmpdir() };
	char srcs[4400];
	json_t *j;
	char *out;

	/* as qemu-server starts it: ids are the config keys, addresses
	 * from its table */
	pve_boot(&l, "managers/proxmox-100.conf", "100", (enum tu_qemu)_i,
	    "pc", PVE_BRIDGES
	    "-device piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2 "
	    "-device VGA,id=vga,bus=pci.0,addr=0x2 "
	    "-device virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3 "
	    "-drive if=none,id=drive-virtio0,format=raw,file=%s/d0.raw "
	    "-device virtio-blk-pci,drive=drive-virtio0,id=virtio0,"
	    "bus=pci.0,addr=0xa "
	    "-netdev user,id=net0 -device virtio-net-pci,"
	    "mac=BC:24:11:5E:7A:01,netdev=net0,id=net0,bus=pci.0,addr=0x12",
	    srcs, sizeof srcs);
	{
		char args[4600];

		json_error_t je;
		json_t *lj, *o;

		snprintf(args, sizeof args, "%s -c list --json", srcs);
		ck_assert_msg(run(&l, args, &out) == 0, "%s", out);
		/* shown by its name, the VMID beside it */
		lj = json_loads(out, 0, &je);
		ck_assert_msg(lj != NULL, "no JSON in '%s': %s", out, je.text);
		o = json_array_get(json_object_get(lj, "instances"), 0);
		ck_assert_str_eq(json_string_value(json_object_get(o,
		    "instance")), "pve-web");
		ck_assert_str_eq(json_string_value(json_object_get(o,
		    "manager")), "proxmox");
		ck_assert_str_eq(json_string_value(json_object_get(o, "vmid")),
		    "100");
		json_decref(lj);
		free(out);
	}
	j = show(&l, srcs, "pve-web");
	ck_assert_str_eq(mfield(j, "vmid"), "100");
	expect(j, w);
	nothing_foreign(j);
	json_decref(j);
	refuses(&l, srcs, "hotplug pve-web nic",
	    "qm set 100 --net1 virtio,bridge=vmbr0");
	refuses(&l, srcs, "unplug pve-web net0", "qm set 100 --delete net0");
	down(&l);
}
END_TEST

/* The devices of proxmox-101.conf as qemu-server starts them (%s: the
 * dir, twice). */
#define PVE_101 "-device pci-bridge,id=pci.3,chassis_nr=3,bus=pci.0,addr=0x5 " \
	PVE_BRIDGES \
	"-device piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2 " \
	"-device VGA,id=vga,bus=pci.0,addr=0x2 " \
	"-device virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3 " \
	"-drive if=none,id=drive-virtio0,format=raw,file=%s/d0.raw " \
	"-device virtio-blk-pci,drive=drive-virtio0,id=virtio0," \
	"bus=pci.0,addr=0xa " \
	"-drive if=none,id=drive-virtio6,format=raw,file=%s/d1.raw " \
	"-device virtio-blk-pci,drive=drive-virtio6,id=virtio6," \
	"bus=pci.2,addr=0x1 " \
	"-device virtio-scsi-pci,id=virtioscsi0,bus=pci.3,addr=0x1 " \
	"-netdev user,id=net0 -device virtio-net-pci,mac=BC:24:11:00:01:00," \
	"netdev=net0,id=net0,bus=pci.0,addr=0x12 " \
	"-netdev user,id=net6 -device virtio-net-pci,mac=BC:24:11:00:01:06," \
	"netdev=net6,id=net6,bus=pci.1,addr=0x1"

/* proxmox-101.conf: net6 behind pci.1, virtio6 behind pci.2, scsi0's
 * virtio-scsi-single controller behind pci.3 (root slot 5). */
START_TEST(proxmox_bridges)
{
	static const struct want w[] = {
		/* behind pci.1 (root slot 30): net6 at 1, net7's place kept */
		{ "30", 1, "state", "used" },
		{ "30", 1, "id", "net6" },
		{ "30", 1, "owner", "proxmox" },
		{ "30", 1, "mac", "BC:24:11:00:01:06" },
		{ "30", 1, "link", "vmbr6" },
		{ "30", 2, "state", "reserved" },
		{ "30", 2, "owner", "proxmox" },
		{ "30", 2, "manager_name", "net7" },
		{ "30", 27, "manager_name", "xhci" },
		{ "30", 31, "state", "free" },
		/* behind pci.2 (31): virtio6 at 1, hostpci4-15 at 13-24 */
		{ "31", 1, "id", "virtio6" },
		{ "31", 1, "owner", "proxmox" },
		{ "31", 13, "manager_name", "hostpci4" },
		{ "31", 25, "state", "free" },
		/* behind pci.3 (5): scsi0's controller, the rest kept */
		{ "5", 1, "id", "virtioscsi0" },
		{ "5", 1, "manager_name", "scsi0" },
		{ "5", 31, "manager_name", "virtioscsi30" },
		{ NULL, 5, "owner", "proxmox" },
	};
	static const struct want forced[] = {
		{ "30", 31, "state", "used" },
		{ "30", 31, "owner", "slotscope" },
	};
	struct lay l = { .dir = tu_tmpdir() };
	char srcs[4400], args[4600], *out;
	json_t *j;

	pve_boot(&l, "managers/proxmox-101.conf", "101", (enum tu_qemu)_i,
	    "pc", PVE_101, srcs, sizeof srcs);
	j = show(&l, srcs, "pve-router");
	nothing_foreign_anywhere(j);
	expect(j, w);
	/* free places: pci.1's 31 and pci.2's 25-31, nothing Proxmox keeps */
	ck_assert_int_eq(bplaces(j, "30"), 1);
	ck_assert_int_eq(bplaces(j, "31"), 7);
	ck_assert_int_eq(bplaces(j, "5"), 0);
	ck_assert_int_eq(capacity(j), 8);
	ck_assert_int_eq((int)json_integer_value(json_object_get(slot(j, 30),
	    "places")), 1);
	json_decref(j);
	snprintf(args, sizeof args, "%s -c list -o name,capacity "
	    "--noheadings", srcs);
	ck_assert_int_eq(run(&l, args, &out), 0);
	ck_assert_msg(strstr(out, "pve-router") && strstr(out, " 8"), "%s",
	    out);
	free(out);
	snprintf(args, sizeof args, "%s -c 'next pve-router'", srcs);
	ck_assert_int_eq(run(&l, args, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "bus=pci.1 slot=31"));
	free(out);
	refuses(&l, srcs, "hotplug pve-router nic",
	    "qm set 101 --net1 virtio,bridge=vmbr0");
	/* --force: the lowest place Proxmox neither keeps nor uses */
	snprintf(args, sizeof args, "%s -c 'hotplug pve-router nic --force'",
	    srcs);
	ck_assert_msg(run(&l, args, &out) == 0, "%s", out);
	ck_assert_msg(strstr(out, "plugged in slot 31 of bus 30") != NULL,
	    "%s", out);
	free(out);
	j = show(&l, srcs, "pve-router");
	expect(j, forced);
	ck_assert_int_eq(capacity(j), 7);
	json_decref(j);
	down(&l);
}
END_TEST

/* 1 when QEMU q's monitor at sock has a netdev named id. */
static int
has_netdev(const char *sock, const char *id)
{
	struct backends b;
	struct mon *m;
	struct err e;
	char ep[4300];
	int found;

	snprintf(ep, sizeof ep, "unix:%s", sock);
	m = mon_new(ep, &(struct mon_opts){ .keep_open = 1 }, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_msg(backends_query(m, &b, &e) == 0, "%s", e.msg);
	found = backends_find(&b, BACKEND_NETDEV, id) != NULL;
	mon_free(m);
	return found;
}

/* unplug --force of Proxmox's own devices, on the tiny guest whose ACPI
 * hotplug ejects them: done, their netdevs removed as Proxmox's own
 * removal does, nothing written to slotscope's runtime file (nor to
 * Proxmox's config: down() checks), the audit line saying whose it was;
 * the device then shows missing, owned by proxmox. */
START_TEST(proxmox_unplug_force)
{
	/* Proxmox still records them: missing, its own */
	static const struct want w[] = {
		{ NULL, 18, "state", "missing" },
		{ NULL, 18, "owner", "proxmox" },
		{ "30", 1, "state", "missing" },
		{ "30", 1, "owner", "proxmox" },
	};
	struct lay l = { .dir = tu_tmpdir() };
	struct tu_vm v = { .machine = "pc", .guest = 1 };
	char srcs[4400], args[4600], extra[8192], rtf[4300], sock[4300];
	char *out, *before, *after;
	json_t *j;

	pve_layout(&l, "managers/proxmox-101.conf", "101", srcs, sizeof srcs);
	images(&l);
	snprintf(extra, sizeof extra, "-vga none -net none -qmp unix:%s/run/"
	    "101.qmp,server=on,wait=off " PVE_101, l.dir, l.dir, l.dir);
	v.extra = extra;
	v.qemu = (enum tu_qemu)_i;
	tu_vm_up(&v);
	ck_assert_msg(v.up, "the guest did not boot");
	snprintf(sock, sizeof sock, "%s/qmp.sock", v.dir);
	snprintf(rtf, sizeof rtf, "%s/rt/pve-router.json", l.dir);
	before = tu_slurp(rtf);
	refuses(&l, srcs, "unplug pve-router net0", "qm set 101 --delete net0");
	ck_assert(has_netdev(sock, "net0"));
	/* on the root bus, named by its slot */
	snprintf(args, sizeof args, "%s --unplug-wait 20000 -c 'unplug "
	    "pve-router 18 --force'", srcs);
	ck_assert_msg(run(&l, args, &out) == 0, "%s", out);
	ck_assert_msg(strstr(out, "net0 (Proxmox's) unplugged") != NULL, "%s",
	    out);
	free(out);
	ck_assert(!has_netdev(sock, "net0"));
	/* behind pci.1, named by its id too */
	snprintf(args, sizeof args, "%s --unplug-wait 20000 -c 'unplug "
	    "pve-router net6 --force'", srcs);
	ck_assert_msg(run(&l, args, &out) == 0, "%s", out);
	ck_assert_msg(strstr(out, "net6 (Proxmox's) unplugged") != NULL, "%s",
	    out);
	free(out);
	ck_assert(!has_netdev(sock, "net6"));
	j = show(&l, srcs, "pve-router");
	expect(j, w);
	json_decref(j);
	/* slotscope recorded nothing; its audit log says what was done */
	after = tu_slurp(rtf);
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
	snprintf(args, sizeof args, "%s/audit.log", l.dir);
	out = tu_slurp(args);
	ck_assert_msg(strstr(out, "what=\"unplug 18 --force (managed by "
	    "proxmox)\"") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "ok net0 deleted, managed by "
	    "proxmox, not recorded"));
	ck_assert_ptr_nonnull(strstr(out, "ok net6 deleted"));
	free(out);
	/* a device that is nobody's: still not slotscope's to unplug */
	snprintf(args, sizeof args, "%s -c 'unplug pve-router 7 --force'",
	    srcs);
	ck_assert_int_eq(run(&l, args, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "slot 7 holds no device"));
	free(out);
	tu_vm_down(&v);
	down(&l);
}
END_TEST

/* qemu-server's q35 config, as its pve-q35-4.0.cfg lays it out */
#define PVE_Q35 \
	"-device ich9-usb-ehci1,id=ehci,multifunction=on,bus=pcie.0," \
	"addr=0x1d.0x7 -device ich9-usb-uhci1,id=uhci-1,multifunction=on," \
	"bus=pcie.0,addr=0x1d.0x0,masterbus=ehci.0,firstport=0 " \
	"-device ich9-usb-uhci2,id=uhci-2,multifunction=on,bus=pcie.0," \
	"addr=0x1d.0x1,masterbus=ehci.0,firstport=2 " \
	"-device ich9-usb-uhci3,id=uhci-3,multifunction=on,bus=pcie.0," \
	"addr=0x1d.0x2,masterbus=ehci.0,firstport=4 " \
	"-device ich9-usb-ehci2,id=ehci-2,multifunction=on,bus=pcie.0," \
	"addr=0x1a.0x7 -device ich9-usb-uhci4,id=uhci-4,multifunction=on," \
	"bus=pcie.0,addr=0x1a.0x0,masterbus=ehci-2.0,firstport=0 " \
	"-device ich9-usb-uhci5,id=uhci-5,multifunction=on,bus=pcie.0," \
	"addr=0x1a.0x1,masterbus=ehci-2.0,firstport=2 " \
	"-device ich9-usb-uhci6,id=uhci-6,multifunction=on,bus=pcie.0," \
	"addr=0x1a.0x2,masterbus=ehci-2.0,firstport=4 " \
	"-device ich9-intel-hda,id=audio0,bus=pcie.0,addr=0x1b.0x0 " \
	"-device pcie-root-port,id=ich9-pcie-port-1,multifunction=on," \
	"bus=pcie.0,addr=0x1c.0x0,port=1,chassis=1 " \
	"-device pcie-root-port,id=ich9-pcie-port-2,multifunction=on," \
	"bus=pcie.0,addr=0x1c.0x1,port=2,chassis=2 " \
	"-device pcie-root-port,id=ich9-pcie-port-3,multifunction=on," \
	"bus=pcie.0,addr=0x1c.0x2,port=3,chassis=3 " \
	"-device pcie-root-port,id=ich9-pcie-port-4,multifunction=on," \
	"bus=pcie.0,addr=0x1c.0x3,port=4,chassis=4 " \
	"-device i82801b11-bridge,id=pcidmi,bus=pcie.0,addr=0x1e.0x0 " \
	"-device pci-bridge,id=pci.0,bus=pcidmi,addr=0x1.0x0,chassis_nr=1 " \
	"-device pci-bridge,id=pci.1,bus=pcidmi,addr=0x2.0x0,chassis_nr=2 " \
	"-device pci-bridge,id=pci.2,bus=pcidmi,addr=0x3.0x0,chassis_nr=3 " \
	"-device pci-bridge,id=pci.3,bus=pcidmi,addr=0x4.0x0,chassis_nr=4 "

/* proxmox-102.conf, a q35 VM: the table's bus 0 is the bridge pci.0
 * behind the DMI bridge (root slot 30), the display is on pcie.0, and
 * the root ports are kept for passed-through devices. */
START_TEST(proxmox_q35)
{
	static const struct want w[] = {
		{ NULL, 1, "id", "vga" },
		{ NULL, 1, "owner", "proxmox" },
		{ NULL, 0x1d, "owner", "proxmox" },	/* ehci */
		{ NULL, 0x1e, "owner", "proxmox" },	/* pcidmi */
		{ NULL, 0x1c, "owner", "proxmox" },
		{ "30", 1, "id", "pci.0" },
		{ "30", 1, "owner", "proxmox" },
		/* pci.0 (30-1) has the i440fx table's root-bus keys */
		{ "30-1", 18, "id", "net0" },
		{ "30-1", 18, "owner", "proxmox" },
		{ "30-1", 10, "id", "virtio0" },
		{ "30-1", 3, "id", "balloon0" },
		{ "30-1", 19, "manager_name", "net1" },
		{ "30-1", 19, "state", "reserved" },
		/* what i440fx has there (piix3, the bridges) is elsewhere on
		 * q35 */
		{ "30-1", 1, "state", "free" },
		{ "30-1", 30, "state", "free" },
		{ "30-2", 1, "id", "net6" },
		{ "30-2", 1, "owner", "proxmox" },
		/* root port 1 is kept for hostpci0 */
		{ "28", 0, "state", "reserved" },
		{ "28", 0, "manager_name", "hostpci0" },
	};
	struct lay l = { .dir = tu_tmpdir() };
	char srcs[4400], args[4600], *out;
	json_t *j;

	pve_boot(&l, "managers/proxmox-102.conf", "102", (enum tu_qemu)_i,
	    "q35", PVE_Q35
	    "-device VGA,id=vga,bus=pcie.0,addr=0x1 "
	    "-device virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3 "
	    "-drive if=none,id=drive-virtio0,format=raw,file=%s/d0.raw "
	    "-device virtio-blk-pci,drive=drive-virtio0,id=virtio0,"
	    "bus=pci.0,addr=0xa "
	    "-netdev user,id=net0 -device virtio-net-pci,mac=BC:24:11:00:02:00,"
	    "netdev=net0,id=net0,bus=pci.0,addr=0x12 "
	    "-netdev user,id=net6 -device virtio-net-pci,mac=BC:24:11:00:02:06,"
	    "netdev=net6,id=net6,bus=pci.1,addr=0x1", srcs, sizeof srcs);
	j = show(&l, srcs, "pve-q35");
	nothing_foreign_anywhere(j);
	expect(j, w);
	ck_assert_int_eq(bplaces(j, "28"), 0);
	ck_assert_int_eq(bplaces(j, "28.3"), 0);
	/* pci.0: 1, 2, 29, 30, 31; pci.1: 31; pci.2: 25-31; pci.3: none */
	ck_assert_int_eq(bplaces(j, "30-1"), 5);
	ck_assert_int_eq(bplaces(j, "30-4"), 0);
	ck_assert_int_eq(capacity(j), 13);
	json_decref(j);
	snprintf(args, sizeof args, "%s -c 'next pve-q35'", srcs);
	ck_assert_int_eq(run(&l, args, &out), 0);
	ck_assert_msg(strstr(out, "bus=pci.0 slot=1") != NULL, "%s", out);
	free(out);
	down(&l);
}
END_TEST

static void
add_cases(Suite *s, enum tu_qemu q)
{
	TCase *tc = tu_tcase_new(s, q == TU_QEMU_10 ? "managers-10.0" :
	    "managers", tu_missing_qemu_v(q), NULL, NULL, 90);

	tcase_add_loop_test(tc, ganeti_216, q, q + 1);
	tcase_add_loop_test(tc, ganeti_210, q, q + 1);
	tcase_add_loop_test(tc, ganeti_conflict, q, q + 1);
	tcase_add_loop_test(tc, proxmox, q, q + 1);
	tcase_add_loop_test(tc, proxmox_bridges, q, q + 1);
	tcase_add_loop_test(tc, proxmox_q35, q, q + 1);
	tcase_add_loop_test(tc, proxmox_unplug_force, q, q + 1);
}

Suite *
managers_suite(void)
{
	Suite *s = suite_create("managers");

	tu_qemu_cases(s, add_cases);
	return s;
}
