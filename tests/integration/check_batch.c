/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_batch.c - the real binary in batch mode (`slotscope ... -c CMD`)
 * against a real paused QEMU (pc, TCG, no guest) over HMP and QMP: reserve,
 * hotplug a NIC (user backend) and a raw disk, `show --json` states, unplug
 * without a guest -> `unplugging` persisted, a refused device_add rolled
 * back (netdev gone, runtime file unchanged byte for byte), exit codes, the
 * audit log, and two processes racing to hotplug; with the tiny guest
 * (tests/scripts/boot-test-guest.sh) an unplug is confirmed and the slot
 * freed.  With a runtime dir and a state dir apart, a reserve writes the
 * state dir's seed, a hotplug only the runtime dir's file, and with the
 * runtime dir gone (a reboot's tmpfs) the reservation is still shown.
 *
 * Each tcase starts its own QEMU in an unchecked fixture (run in the parent
 * process), so QEMU is killed even when a test fails or times out.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "store/store.h"
#include "devrows.h"
#include "testutil.h"

/* [q]: one per QEMU (tu_qemu); a test's loop index _i is q. */
#define PC { .machine = "pc" }
#define GUEST { .machine = "pc", .guest = 1 }
static struct tu_vm vm_hmp[2] = { PC, PC };
static struct tu_vm vm_qmp[2] = { PC, PC };
static struct tu_vm vm_race = PC;
static struct tu_vm vm_guest[2] = { GUEST, GUEST };
static struct tu_vm vm_dirs[2] = { PC, PC };

TU_VM_FIXTURE2(hmp, vm_hmp)
TU_VM_FIXTURE2(qmp, vm_qmp)
TU_VM_FIXTURE(race, vm_race)
TU_VM_FIXTURE2(guest, vm_guest)
TU_VM_FIXTURE2(dirs, vm_dirs)

/* Run the binary with the instance vm on sock and the given commands
 * (shell words, trusted test text); stdout in *out, stderr in *err. */
static int
batch(const struct tu_vm *v, const char *sock, const char *args, char **out,
    char **err)
{
	char *cmd, path[4200];
	int rc;

	ck_assert_msg(v->up, "QEMU did not start");
	snprintf(path, sizeof path, "%s/stderr", v->dir);
	ck_assert(asprintf(&cmd, "'%s' --runtime-dir '%s/rt' --audit-log "
	    "'%s/audit.log' vm=unix:'%s/%s' %s 2>'%s'", tu_bin(), v->dir,
	    v->dir, v->dir, sock, args, path) > 0);
	rc = tu_run(cmd, out);
	free(cmd);
	*err = tu_slurp(path);
	return rc;
}

/* The JSON value on the last line of text. */
static json_t *
last_json(const char *text)
{
	const char *p = text + strlen(text);
	json_error_t je;
	json_t *j;

	while (p > text && p[-1] == '\n')
		p--;
	while (p > text && p[-1] != '\n')
		p--;
	j = json_loads(p, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je);
	ck_assert_msg(j != NULL, "no JSON in '%s': %s", p, je.text);
	return j;
}

/* The JSON object where text's first {"schema" starts (the first
 * show --json of a run). */
static json_t *
first_json(const char *text)
{
	const char *p = strstr(text, "{\"schema\"");
	json_error_t je;
	json_t *j;

	ck_assert_msg(p != NULL, "no JSON object in '%s'", text);
	j = json_loads(p, JSON_DISABLE_EOF_CHECK, &je);
	ck_assert_msg(j != NULL, "no JSON in '%s': %s", p, je.text);
	return j;
}

static const char *
slot_field(json_t *show, int slot, const char *key)
{
	json_t *s = json_array_get(json_object_get(show, "slots"),
	    (size_t)slot);

	return json_string_value(json_object_get(s, key));
}

static int
netdev_exists(const struct tu_vm *v, const char *sock, const char *id)
{
	struct mon *m;
	struct err e;
	char ep[4200];
	int rc;

	snprintf(ep, sizeof ep, "unix:%s/%s", v->dir, sock);
	m = mon_new(ep, NULL, &e);
	ck_assert_ptr_nonnull(m);
	rc = mon_do(m, &(struct mon_req){ .op = MON_OP_NETDEV_DEL, .id = id },
	    NULL, &e);
	if (rc < 0)
		ck_assert_msg(mon_last_kind(m) == MONERR_NOT_FOUND, "%s",
		    e.msg);
	mon_free(m);
	return rc == 0;
}

/* "7.2" of the "qemu": "7.2.22" member of j (a static buffer). */
static const char *
qemu_major_minor(json_t *j)
{
	static char mm[16];
	const char *q = json_string_value(json_object_get(j, "qemu"));
	size_t n;

	ck_assert_ptr_nonnull(q);
	n = strcspn(q, ".");
	n += q[n] == '.' ? 1 + strcspn(q + n + 1, ".") : 0;
	snprintf(mm, sizeof mm, "%.*s", (int)n, q);
	return mm;
}

/* list --devices against a real QEMU: the runtime file gets a NIC QEMU
 * never had (as a file from before a reboot would); list --devices alone
 * reads the instance first (a fresh batch run has read nothing), and so
 * does an explicit refresh: that NIC is missing and the live ones are as
 * recorded (slot 4 unplugging, 5 plugged).  The unread case (a monitor
 * that does not answer) is check_cmd's list_devices_checked. */
static void
list_devices_against(struct tu_vm *v, const char *sock)
{
	struct store_dev d;
	char rt[4200], *out, *err;
	const char *l;
	json_t *j;

	snprintf(rt, sizeof rt, "%s/rt", v->dir);
	tu_rt_dev(&d, "nic-77777777-pci-8",
	    "77777777-1111-4222-8333-444444444444", "", 8, STORE_DEV_PLUGGED);
	snprintf(d.driver, sizeof d.driver, "virtio-net-pci");
	tu_rt_add(rt, "vm", &d);
	/* no refresh asked: list --devices reads the bus itself */
	ck_assert_int_eq(batch(v, sock, "--json -c 'list --devices'", &out,
	    &err), 0);
	j = last_json(out);
	ck_assert_str_eq(json_string_value(json_object_get(tu_list_dev(j, NULL, 8),
	    "state")), "missing");
	ck_assert(json_is_true(json_object_get(tu_list_dev(j, NULL, 8),
	    "bus_checked")));
	ck_assert_str_eq(json_string_value(json_object_get(tu_list_dev(j, NULL, 5),
	    "state")), "plugged");
	ck_assert(json_is_true(json_object_get(tu_list_dev(j, NULL, 5),
	    "bus_checked")));
	json_decref(j);
	free(out);
	free(err);
	/* after a refresh: checked against the bus read */
	ck_assert_int_eq(batch(v, sock, "--json -c 'refresh vm' "
	    "-c 'list --devices'", &out, &err), 0);
	j = last_json(out);
	ck_assert_str_eq(json_string_value(json_object_get(tu_list_dev(j, NULL, 8),
	    "state")), "missing");
	ck_assert_str_eq(json_string_value(json_object_get(tu_list_dev(j, NULL, 5),
	    "state")), "plugged");
	ck_assert_str_eq(json_string_value(json_object_get(tu_list_dev(j, NULL, 4),
	    "state")), "unplugging");
	ck_assert(json_is_true(json_object_get(tu_list_dev(j, NULL, 8),
	    "bus_checked")));
	ck_assert(json_is_true(json_object_get(tu_list_dev(j, NULL, 5),
	    "bus_checked")));
	json_decref(j);
	free(out);
	free(err);
	ck_assert_int_eq(batch(v, sock, "-c 'refresh vm' -c 'list --devices'",
	    &out, &err), 0);
	l = tu_line_of(out, "vm  nic-77777777-pci-8  slot 8  ");
	ck_assert_msg(strstr(l, "  [missing: recorded, not on the bus read]  "
	    "[slotscope]") != NULL, "%s", l);
	free(out);
	free(err);
}

static void
flow(struct tu_vm *v, const char *sock, const char *proto)
{
	char *out, *err, *before, *after, args[8192], rtpath[4200];
	json_t *j;
	FILE *fp;
	int rc;

	snprintf(rtpath, sizeof rtpath, "%s/rt/vm.json", v->dir);
	snprintf(args, sizeof args, "%s/d1.img", v->dir);
	fp = fopen(args, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(ftruncate(fileno(fp), 1 << 20), 0);
	fclose(fp);

	snprintf(args, sizeof args, "-c 'reserve vm 10' -c 'hotplug vm nic' "
	    "-c \"hotplug vm disk path='%s/d1.img' format=raw\" "
	    "-c 'show vm --json'", v->dir);
	rc = batch(v, sock, args, &out, &err);
	ck_assert_msg(rc == 0, "rc %d: %s / %s", rc, out, err);
	ck_assert_str_eq(err, "");
	ck_assert_ptr_nonnull(strstr(out, "vm: slot 10 reserved"));
	ck_assert_ptr_nonnull(strstr(out, "plugged in slot 4"));
	ck_assert_ptr_nonnull(strstr(out, "plugged in slot 5"));
	j = last_json(out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "instance")),
	    "vm");
	ck_assert_str_eq(json_string_value(json_object_get(j, "protocol")),
	    proto);
	ck_assert_str_eq(qemu_major_minor(j), tu_qemu_name(v->qemu));
	ck_assert_int_eq(json_array_size(json_object_get(j, "slots")), 32);
	ck_assert_str_eq(slot_field(j, 0, "state"), "builtin");
	ck_assert_str_eq(slot_field(j, 4, "state"), "used");
	ck_assert_int_eq(strncmp(slot_field(j, 4, "id"), "nic-", 4), 0);
	ck_assert_str_eq(slot_field(j, 5, "state"), "used");
	ck_assert_int_eq(strncmp(slot_field(j, 5, "id"), "disk-", 5), 0);
	ck_assert_str_eq(slot_field(j, 6, "state"), "free");
	ck_assert_str_eq(slot_field(j, 10, "state"), "reserved");
	json_decref(j);
	free(out);
	free(err);

	/* --json: one JSON value per command */
	rc = batch(v, sock, "--json -c 'next vm'", &out, &err);
	ck_assert_int_eq(rc, 0);
	j = last_json(out);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "slot")), 6);
	json_decref(j);
	free(out);
	free(err);

	/* rollback: QEMU refuses the device: exit 1, one line on stderr,
	 * netdev gone, runtime file byte for byte the same */
	before = tu_slurp(rtpath);
	rc = batch(v, sock, "-c 'hotplug vm nic model=virtio-nonsense-pci "
	    "uuid=aaaaaaaa-1111-4222-8333-444444444444'", &out, &err);
	ck_assert_int_eq(rc, 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "device_add") != NULL &&
	    strstr(err, "virtio-nonsense-pci") != NULL, "%s", err);
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
	free(out);
	free(err);
	ck_assert_int_eq(netdev_exists(v, sock, "hostnet-aaaaaaaa-pci-6"), 0);
	after = tu_slurp(rtpath);
	ck_assert_str_eq(before, after);
	free(after);
	free(before);

	/* unplug without a guest: not an error; `unplugging` persisted and
	 * shown; the slot is not given to the next device */
	rc = batch(v, sock, "--unplug-wait 300 -c 'unplug vm 4' "
	    "-c 'show vm --json' -c 'next vm'", &out, &err);
	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(out, "has not confirmed"));
	j = last_json(out);	/* next: a bare number is JSON too */
	ck_assert_int_eq(json_integer_value(j), 6);
	json_decref(j);
	j = first_json(out);
	ck_assert_str_eq(slot_field(j, 4, "state"), "unplugging");
	ck_assert_str_eq(slot_field(j, 5, "state"), "used");
	json_decref(j);
	free(out);
	free(err);
	after = tu_slurp(rtpath);
	ck_assert_ptr_nonnull(strstr(after, "\"unplugging\""));
	free(after);

	/* exit codes: a failed command among good ones -> 1, and the others
	 * still ran; bad usage -> 2 with one line */
	rc = batch(v, sock, "-c 'parse-id nic-6f1a2b3c-pci-5' -c 'free vm 11' "
	    "-c 'id disk 0d4e5f60-1111-4222-8333-444444444444 7'", &out, &err);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "slot 5"));
	ck_assert_ptr_nonnull(strstr(out, "disk-0d4e5f60-pci-7"));
	ck_assert_str_eq(err, "slotscope: free: slot 11 is not reserved\n");
	free(out);
	free(err);
	rc = batch(v, sock, "--frobnicate -c list", &out, &err);
	ck_assert_int_eq(rc, 2);
	ck_assert_str_eq(err, "slotscope: unknown option --frobnicate (see "
	    "slotscope --help)\n");
	free(out);
	free(err);
	rc = batch(v, sock, "-c list justaname", &out, &err);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(err, "slotscope: "));
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
	free(out);
	free(err);
	rc = batch(v, sock, "--unplug-wait x -c list", &out, &err);
	ck_assert_int_eq(rc, 2);
	free(out);
	free(err);

	/* the audit log has one line per change, failures included */
	snprintf(args, sizeof args, "%s/audit.log", v->dir);
	after = tu_slurp(args);
	ck_assert_ptr_nonnull(strstr(after, "instance=vm what=\"reserve 10\" "
	    "result=ok"));
	ck_assert_ptr_nonnull(strstr(after, "what=\"hotplug nic\" "
	    "result=\"ok nic-"));
	ck_assert_ptr_nonnull(strstr(after, "what=\"unplug 4\" "
	    "result=\"ok nic-"));
	ck_assert_ptr_nonnull(strstr(after, "virtio-nonsense-pci"));
	free(after);
	list_devices_against(v, sock);
}

START_TEST(flow_hmp)
{
	flow(&vm_hmp[_i], "hmp.sock", "hmp");
}
END_TEST

START_TEST(flow_qmp)
{
	flow(&vm_qmp[_i], "qmp.sock", "qmp");
}
END_TEST

/* Two slotscope processes hotplug three NICs each at the same time: six
 * different slots, all live, all recorded. */
START_TEST(race)
{
	struct tu_vm *v = &vm_race;
	struct store_rt rt;
	struct mon_result res;
	struct pci_info pi;
	struct mon *m;
	struct err e;
	char *cmd, *out, ep[4200];
	int rc;

	ck_assert_msg(v->up, "QEMU did not start");
	ck_assert(asprintf(&cmd, "for p in 1 2; do ( '%s' --runtime-dir "
	    "'%s/rt' vm=unix:'%s/hmp.sock' -c 'hotplug vm nic' "
	    "-c 'hotplug vm nic' -c 'hotplug vm nic' >'%s/out'$p 2>&1; "
	    "echo $? >'%s/rc'$p ) & done; wait; cat '%s'/rc1 '%s'/rc2 "
	    "'%s'/out1 '%s'/out2", tu_bin(), v->dir, v->dir, v->dir, v->dir,
	    v->dir, v->dir, v->dir, v->dir) > 0);
	rc = tu_run(cmd, &out);
	free(cmd);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strncmp(out, "0\n0\n", 4) == 0, "%s", out);
	free(out);
	snprintf(ep, sizeof ep, "%s/rt", v->dir);
	ck_assert_msg(store_load(ep, "vm", &rt, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(rt.ndev, 6);
	snprintf(ep, sizeof ep, "unix:%s/hmp.sock", v->dir);
	m = mon_new(ep, NULL, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e) == 0, "%s", e.msg);
	pi = res.pci;
	mon_free(m);
	ck_assert_uint_eq(tu_rt_all_live(&rt, &pi), 0x3f0u);	/* slots 4..9 */
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

/* With a guest the unplug completes: over QMP (DEVICE_DELETED) and over
 * HMP (the id leaves info pci); the slot is free, the file forgets it. */
START_TEST(guest_unplug)
{
	struct tu_vm *v = &vm_guest[_i];
	char *out, *err, rtpath[4200];
	json_t *j;
	int rc;
	const char *sock[2] = { "qmp.sock", "hmp.sock" };
	char state[32];
	int k;

	snprintf(rtpath, sizeof rtpath, "%s/rt/vm.json", v->dir);
	for (k = 0; k < 2; k++) {
		rc = batch(v, sock[k], "-c 'hotplug vm nic' -c 'unplug vm 4' "
		    "-c 'show vm --json'", &out, &err);
		ck_assert_msg(rc == 0, "%s: rc %d: %s / %s", sock[k], rc, out,
		    err);
		ck_assert_ptr_nonnull(strstr(out, "plugged in slot 4"));
		ck_assert_msg(strstr(out, "unplugged, slot 4 is free again") !=
		    NULL, "%s", out);
		j = first_json(out);
		ck_assert_str_eq(slot_field(j, 4, "state"), "free");
		ck_assert_ptr_null(slot_field(j, 4, "id"));
		json_decref(j);
		free(out);
		free(err);
		out = tu_slurp(rtpath);
		ck_assert_ptr_nonnull(strstr(out, "\"devices\": []"));
		free(out);
	}
	/* not waiting (as the screen does): the command reports it pending,
	 * and a refresh that sees the device gone reports the unplug, which
	 * its owner then records (the audit log says unplug-confirmed) */
	rc = batch(v, "qmp.sock", "--unplug-wait 0 -c 'hotplug vm nic' "
	    "-c 'unplug vm 4'", &out, &err);
	ck_assert_msg(rc == 0, "rc %d: %s / %s", rc, out, err);
	ck_assert_ptr_nonnull(strstr(out, "has not confirmed"));
	free(out);
	free(err);
	/* The guest ejects in about 100 ms (the refresh after the command
	 * may already have completed it), but on a loaded machine it may
	 * take longer than any fixed pause (this was 1.5 s): refresh, as
	 * the screen does, until a refresh sees slot 4 free. */
	state[0] = '\0';
	for (k = 0; strcmp(state, "free") != 0 && k < tu_ms(10000) / 200;
	    k++) {
		const char *st;

		if (k > 0)
			usleep(200 * 1000);
		rc = batch(v, "hmp.sock", "-c 'refresh vm' -c 'show vm "
		    "--json'", &out, &err);
		ck_assert_msg(rc == 0, "rc %d: %s / %s", rc, out, err);
		j = first_json(out);
		st = slot_field(j, 4, "state");
		snprintf(state, sizeof state, "%s", st ? st : "(none)");
		json_decref(j);
		free(out);
		free(err);
	}
	ck_assert_msg(strcmp(state, "free") == 0, "slot 4 is still %s: the "
	    "guest did not confirm the unplug", state);
	out = tu_slurp(rtpath);
	ck_assert_ptr_nonnull(strstr(out, "\"devices\": []"));
	free(out);
	snprintf(rtpath, sizeof rtpath, "%s/audit.log", v->dir);
	out = tu_slurp(rtpath);
	ck_assert_ptr_nonnull(strstr(out, "unplug-confirmed"));
	free(out);
}
END_TEST

/* What the issue asks of both QEMUs, with the tiny guest and the real
 * binary, over QMP and HMP: --probe reads the bus, a NIC and a disk are
 * hotplugged and seen live, both are unplugged (the guest ejects them)
 * and their slots are free again, the runtime file empty. */
START_TEST(guest_probe_hotplug_unplug)
{
	struct tu_vm *v = &vm_guest[_i];
	const char *sock[2] = { "qmp.sock", "hmp.sock" };
	char *out, *err, cmd[8400], rtpath[4200];
	json_t *j;
	int rc, k;

	snprintf(rtpath, sizeof rtpath, "%s/rt/vm.json", v->dir);
	for (k = 0; k < 2; k++) {
		ck_assert_msg(v->up, "the test guest did not boot");
		snprintf(cmd, sizeof cmd, "'%s' --probe 'unix:%s/%s' --json",
		    tu_bin(), v->dir, sock[k]);
		rc = tu_run(cmd, &out);
		ck_assert_msg(rc == 0, "%s: %s", sock[k], out);
		j = last_json(out);
		ck_assert_str_eq(qemu_major_minor(j), tu_qemu_name(v->qemu));
		ck_assert_str_eq(json_string_value(json_object_get(j,
		    "protocol")), k == 0 ? "qmp" : "hmp");
		/* no runtime file: the machine's e1000 is builtin */
		ck_assert_str_eq(slot_field(j, 3, "state"), "builtin");
		ck_assert_str_eq(slot_field(j, 4, "state"), "free");
		ck_assert_str_eq(slot_field(j, 5, "state"), "free");
		json_decref(j);
		free(out);
		snprintf(cmd, sizeof cmd, "qemu-img create -q -f raw "
		    "'%s/g%d.img' 1M", v->dir, k);
		ck_assert_int_eq(tu_run(cmd, &out), 0);
		free(out);
		snprintf(cmd, sizeof cmd, "-c 'hotplug vm nic' -c \"hotplug vm "
		    "disk path='%s/g%d.img' format=raw\" -c 'show vm --json' "
		    "-c 'unplug vm 4' -c 'unplug vm 5' -c 'show vm --json'",
		    v->dir, k);
		rc = batch(v, sock[k], cmd, &out, &err);
		ck_assert_msg(rc == 0, "%s: rc %d: %s / %s", sock[k], rc, out,
		    err);
		ck_assert_str_eq(err, "");
		ck_assert_ptr_nonnull(strstr(out, "plugged in slot 4"));
		ck_assert_ptr_nonnull(strstr(out, "plugged in slot 5"));
		ck_assert_msg(strstr(out, "unplugged, slot 4 is free again") &&
		    strstr(out, "unplugged, slot 5 is free again"), "%s", out);
		j = first_json(out);
		ck_assert_str_eq(slot_field(j, 4, "state"), "used");
		ck_assert_int_eq(strncmp(slot_field(j, 4, "id"), "nic-", 4), 0);
		ck_assert_str_eq(slot_field(j, 5, "state"), "used");
		ck_assert_int_eq(strncmp(slot_field(j, 5, "id"), "disk-", 5),
		    0);
		json_decref(j);
		j = last_json(out);
		ck_assert_str_eq(slot_field(j, 4, "state"), "free");
		ck_assert_str_eq(slot_field(j, 5, "state"), "free");
		json_decref(j);
		free(out);
		free(err);
		out = tu_slurp(rtpath);
		ck_assert_ptr_nonnull(strstr(out, "\"devices\": []"));
		free(out);
	}
}
END_TEST

/* The binary with --runtime-dir DIR/live --state-dir DIR/state (no
 * --audit-log: its default is the state dir) and commands; its output. */
static int
two_dirs(const struct tu_vm *v, const char *args, char **out)
{
	char *cmd;
	int rc;

	ck_assert_msg(v->up, "QEMU did not start");
	ck_assert(asprintf(&cmd, "'%s' --runtime-dir '%s/live' --state-dir "
	    "'%s/state' vm=unix:'%s/qmp.sock' %s 2>&1", tu_bin(), v->dir,
	    v->dir, v->dir, args) > 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

START_TEST(hotplug_leaves_state_dir)
{
	struct tu_vm *v = &vm_dirs[_i];
	char seed[4200], live[4200], audit[4200], *out, *before, *after;
	struct stat st0, st1;
	json_t *j;

	snprintf(seed, sizeof seed, "%s/state/vm.json", v->dir);
	snprintf(live, sizeof live, "%s/live/vm.json", v->dir);
	snprintf(audit, sizeof audit, "%s/state/audit.log", v->dir);
	ck_assert_int_eq(two_dirs(v, "-c 'reserve vm 4'", &out), 0);
	free(out);
	before = tu_slurp(seed);
	ck_assert_ptr_nonnull(strstr(before,
	    "\"11111000000000000000000000000000\""));
	ck_assert_int_eq(stat(seed, &st0), 0);
	ck_assert_int_eq(two_dirs(v, "-c 'hotplug vm nic backend=user' "
	    "--json", &out), 0);
	j = last_json(out);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "slot")), 5);
	/* 4 is reserved */
	json_decref(j);
	free(out);
	/* the live file has the device; the seed is the same file, same
	 * bytes, not written since */
	out = tu_slurp(live);
	ck_assert_ptr_nonnull(strstr(out, "-pci-5\""));
	free(out);
	ck_assert_int_eq(stat(seed, &st1), 0);
	ck_assert_uint_eq(st0.st_ino, st1.st_ino);
	ck_assert_int_eq(st0.st_mtim.tv_sec, st1.st_mtim.tv_sec);
	ck_assert_int_eq(st0.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);
	after = tu_slurp(seed);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	out = tu_slurp(audit);
	ck_assert_ptr_nonnull(strstr(out, "what=\"hotplug nic"));
	free(out);
	/* the runtime dir cleared, as a reboot clears /run: the reservation
	 * is still there */
	ck_assert_int_eq(unlink(live), 0);
	ck_assert_int_eq(two_dirs(v, "-c 'show vm' --json", &out), 0);
	j = last_json(out);
	ck_assert_str_eq(slot_field(j, 4, "state"), "reserved");
	json_decref(j);
	free(out);
}
END_TEST

/* The cases that run against QEMU q; loop index _i = q. */
static void
add_cases(Suite *s, enum tu_qemu q)
{
	int ten = q == TU_QEMU_10;
	const char *noqemu = tu_missing_qemu_v(q);
	TCase *tc;

#define QTC(name, fx, test, missing) \
	tc = tu_tcase_new(s, ten ? name "-10.0" : name, missing, fx##_up[q], \
	    fx##_down[q], 90); \
	tcase_add_loop_test(tc, test, q, q + 1);
	QTC("batch-hmp", hmp, flow_hmp, noqemu)
	QTC("batch-qmp", qmp, flow_qmp, noqemu)
	QTC("batch-guest", guest, guest_unplug, noqemu ? noqemu :
	    access("/bin/busybox", X_OK) != 0 ? "no /bin/busybox for the "
	    "test guest (busybox-static)" : NULL)
	tcase_add_loop_test(tc, guest_probe_hotplug_unplug, q, q + 1);
	QTC("batch-dirs", dirs, hotplug_leaves_state_dir, noqemu)
#undef QTC
}

Suite *
batch_suite(void)
{
	Suite *s = suite_create("batch");
	TCase *tc;

	tu_qemu_cases(s, add_cases);
	tc = tu_tcase_new(s, "batch-race", tu_missing_qemu(), race_up,
	    race_down, 90);
	tcase_add_test(tc, race);
	return s;
}
