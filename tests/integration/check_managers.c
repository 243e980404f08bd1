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

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL)
		return strdup("<missing>");
	buf = calloc(1, 1 << 20);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
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

/* Start QEMU q with the devices of the file (extra: %s is the dir). */
static void
boot(struct lay *l, enum tu_qemu q, const char *fmt)
{
	char extra[4096], img[4200];
	FILE *fp;

	snprintf(img, sizeof img, "%s/d0.raw", l->dir);
	fp = fopen(img, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(ftruncate(fileno(fp), 1 << 20), 0);
	fclose(fp);
	snprintf(extra, sizeof extra, fmt, l->dir, l->dir);
	ck_assert_msg(tu_qemu_start_v(q, l->dir, "pc", extra) == 0,
	    "QEMU %s did not start", tu_qemu_name(q));
}

static void
down(struct lay *l)
{
	char *now = slurp(l->mfile);

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

START_TEST(ganeti_216)
{
	struct lay l = { .dir = tu_tmpdir() };
	char srcs[4300], *out, args[4400];
	json_t *j;

	ganeti_boot(&l, "managers/ganeti-2.16.json", G216, (enum tu_qemu)_i,
	    "-device virtio-balloon "
	    "-netdev user,id=hostnet0 -device virtio-net-pci,"
	    "id=nic-5a1e0c3d-2b7f-4e61,netdev=hostnet0,mac=aa:00:00:3e:51:0c,"
	    "bus=pci.0,addr=0xc "
	    "-drive if=none,id=d0,format=raw,file=%s/d0.raw "
	    "-device virtio-blk-pci,id=disk-91b3f6a2-0d4c-4f8e,drive=d0,"
	    "bus=pci.0,addr=0xd", srcs, sizeof srcs);
	j = show(&l, srcs, G216);
	ck_assert_str_eq(mfield(j, "kind"), "ganeti");
	ck_assert_str_eq(mfield(j, "format"), "ganeti-2.16");
	ck_assert_str_eq(field(j, 12, "state"), "used");
	ck_assert_str_eq(field(j, 12, "owner"), "ganeti");
	ck_assert_str_eq(field(j, 12, "id"), "nic-5a1e0c3d-2b7f-4e61");
	ck_assert_str_eq(field(j, 12, "mac"), "aa:00:00:3e:51:0c");
	ck_assert_str_eq(field(j, 12, "link"), "br0");
	ck_assert_str_eq(field(j, 12, "manager_name"), "eth0");
	ck_assert_str_eq(field(j, 12, "uuid"),
	    "5a1e0c3d-2b7f-4e61-9c2a-7d1f00a4b6e2");
	ck_assert_str_eq(field(j, 13, "state"), "used");
	ck_assert_str_eq(field(j, 13, "owner"), "ganeti");
	ck_assert_str_eq(field(j, 13, "link"),
	    "/var/run/ganeti/instance-disks/" G216 ":0");
	ck_assert_str_eq(field(j, 14, "state"), "free");
	/* the balloon QEMU placed itself (no id), inside the
	 * reservations: Ganeti's kvm command put it there */
	ck_assert_str_eq(field(j, 3, "state"), "used");
	ck_assert_str_eq(field(j, 3, "owner"), "ganeti");
	reserved_by_ganeti(j, 12);
	ck_assert_str_eq(field(j, 11, "state"), "reserved");
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
	out = slurp(args);
	ck_assert_ptr_nonnull(strstr(out, "--force (managed by ganeti)"));
	free(out);
	j = show(&l, srcs, G216);
	ck_assert_str_eq(field(j, 14, "state"), "used");
	ck_assert_str_eq(field(j, 14, "owner"), "slotscope");
	json_decref(j);
	down(&l);
}
END_TEST

START_TEST(ganeti_210)
{
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
	ck_assert_str_eq(field(j, 3, "state"), "used");
	ck_assert_str_eq(field(j, 3, "owner"), "ganeti");
	ck_assert_str_eq(field(j, 4, "state"), "used");
	ck_assert_str_eq(field(j, 4, "owner"), "ganeti");
	ck_assert_str_eq(field(j, 4, "link"), "br100");
	ck_assert_str_eq(field(j, 4, "id"), "hotnic-e4b2a7c1-pci-4");
	ck_assert_str_eq(field(j, 5, "state"), "used");
	ck_assert_str_eq(field(j, 5, "id"), "hotdisk-c3d2e1f0-pci-5");
	ck_assert_str_eq(field(j, 6, "state"), "used");
	ck_assert_str_eq(field(j, 6, "manager_name"), "backup");
	ck_assert_str_eq(field(j, 7, "state"), "free");
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

START_TEST(proxmox)
{
	struct lay l = { .dir = tu_tmpdir() };
	char cfg[4300], srcs[4400];
	FILE *fp;
	json_t *j;
	char *out;

	ck_assert_ptr_nonnull(l.dir);
	mk(l.dir, "run");
	mk(l.dir, "conf");
	put(&l, "managers/proxmox-100.conf", "conf/100.conf");
	snprintf(cfg, sizeof cfg, "%s/config", l.dir);
	fp = fopen(cfg, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "monitor-dir %s/run\nproxmox-conf-dir %s/conf\n", l.dir,
	    l.dir);
	fclose(fp);
	/* as qemu-server starts it: ids are the config keys, addresses
	 * from its table */
	boot(&l, (enum tu_qemu)_i, "-net none -vga none "
	    "-qmp unix:%s/run/100.qmp,server=on,wait=off "
	    "-device piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2 "
	    "-device VGA,id=vga,bus=pci.0,addr=0x2 "
	    "-device virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3 "
	    "-drive if=none,id=drive-virtio0,format=raw,file=%s/d0.raw "
	    "-device virtio-blk-pci,drive=drive-virtio0,id=virtio0,"
	    "bus=pci.0,addr=0xa "
	    "-netdev user,id=net0 -device virtio-net-pci,"
	    "mac=BC:24:11:5E:7A:01,netdev=net0,id=net0,bus=pci.0,addr=0x12");
	snprintf(srcs, sizeof srcs, "--config '%s'", cfg);
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
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "manager"), "vmid")), "100");
	ck_assert_str_eq(field(j, 18, "state"), "used");
	ck_assert_str_eq(field(j, 18, "id"), "net0");
	ck_assert_str_eq(field(j, 18, "owner"), "proxmox");
	ck_assert_str_eq(field(j, 18, "mac"), "BC:24:11:5E:7A:01");
	ck_assert_str_eq(field(j, 18, "link"), "vmbr0");
	ck_assert_str_eq(field(j, 10, "owner"), "proxmox");
	ck_assert_str_eq(field(j, 10, "state"), "used");
	ck_assert_str_eq(field(j, 3, "owner"), "proxmox");
	ck_assert_str_eq(field(j, 1, "state"), "used");	/* uhci */
	/* the table: slot 19 is kept for net1 */
	ck_assert_str_eq(field(j, 19, "state"), "reserved");
	ck_assert_str_eq(field(j, 19, "owner"), "proxmox");
	ck_assert_str_eq(field(j, 19, "manager_name"), "net1");
	ck_assert_str_eq(field(j, 0, "state"), "builtin");
	nothing_foreign(j);
	json_decref(j);
	refuses(&l, srcs, "hotplug pve-web nic",
	    "qm set 100 --net1 virtio,bridge=vmbr0");
	refuses(&l, srcs, "unplug pve-web net0", "qm set 100 --delete net0");
	down(&l);
}
END_TEST

static void
add_cases(Suite *s, enum tu_qemu q)
{
	TCase *tc = tcase_create(q == TU_QEMU_10 ? "managers-10.0" :
	    "managers");

	tu_tcase_require(tc, tu_missing_qemu_v(q));
	tcase_add_loop_test(tc, ganeti_216, q, q + 1);
	tcase_add_loop_test(tc, ganeti_210, q, q + 1);
	tcase_add_loop_test(tc, proxmox, q, q + 1);
	tcase_set_timeout(tc, 90);
	suite_add_tcase(s, tc);
}

Suite *
managers_suite(void)
{
	Suite *s = suite_create("managers");

	tu_qemu_cases(s, add_cases);
	return s;
}
