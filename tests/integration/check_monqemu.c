/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_monqemu.c - the monitor client against a real, paused QEMU (TCG,
 * no guest, sockets in a temp dir), over HMP and over QMP: read the map,
 * hotplug a NIC and a disk at chosen slots, hit every error kind, and see
 * a second client reported busy.  Each tcase starts its own QEMU in an
 * unchecked fixture (run in the parent process), so QEMU is killed even
 * when a test fails or times out.
 */
#include <check.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "testutil.h"

/* [q]: one per QEMU (tu_qemu); a test's loop index _i is q. */
#define PC { .machine = "pc" }
static struct tu_vm vm_hmp[2] = { PC, PC };
static struct tu_vm vm_qmp[2] = { PC, PC };
#define NODEF { .machine = "pc", .extra = "-nodefaults" }
static struct tu_vm vm_nodef[2] = { NODEF, NODEF };
static struct tu_vm vm_q35[2] = { { .machine = "q35" }, { .machine = "q35" } };
static struct tu_vm vm_busy[2] = { PC, PC };
static struct tu_vm vm_tcp = PC;
static char tcp_extra[400];
static int tcp_port[2];

TU_VM_FIXTURE2(hmp, vm_hmp)
TU_VM_FIXTURE2(qmp, vm_qmp)
TU_VM_FIXTURE2(nodef, vm_nodef)
TU_VM_FIXTURE2(q35, vm_q35)
TU_VM_FIXTURE2(busy, vm_busy)

/* The port QEMU's listening chardev id was given by the kernel (port=0),
 * from `info chardev` over the unix HMP monitor
 * ("ID: filename=disconnected:tcp:127.0.0.1:PORT,server=on"); 0 if not. */
static int
chardev_port(const char *info, const char *id)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof key, "%s: filename=disconnected:tcp:127.0.0.1:",
	    id);
	p = strstr(info, key);
	return p ? atoi(p + strlen(key)) : 0;
}

/* QEMU listens on two loopback ports of the kernel's choosing.  They are
 * read back from QEMU: the monitor answers only from QEMU's main loop,
 * which starts after every chardev was created and listens, so both
 * ports accept connections from then on -- and no port is picked by us,
 * to be taken by another process before QEMU binds it. */
static void
tcp_up(void)
{
	struct mon_result res;
	struct err e;
	struct mon *m;
	char ep[4200];

	tcp_port[0] = tcp_port[1] = 0;
	snprintf(tcp_extra, sizeof tcp_extra, "-chardev socket,id=tcphmp,"
	    "host=127.0.0.1,port=0,server=on,wait=off -mon chardev=tcphmp,"
	    "mode=readline -chardev socket,id=tcpqmp,host=127.0.0.1,port=0,"
	    "server=on,wait=off -mon chardev=tcpqmp,mode=control");
	vm_tcp.extra = tcp_extra;
	tu_vm_up(&vm_tcp);
	if (!vm_tcp.up)
		return;
	snprintf(ep, sizeof ep, "unix:%s/hmp.sock", vm_tcp.dir);
	if ((m = mon_new(ep, NULL, &e)) == NULL)
		return;
	if (mon_do(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = "info chardev" }, &res, &e) == 0 && res.text != NULL) {
		tcp_port[0] = chardev_port(res.text, "tcphmp");
		tcp_port[1] = chardev_port(res.text, "tcpqmp");
	}
	mon_result_free(&res);
	mon_free(m);
}

static void
tcp_down(void)
{
	tu_vm_down(&vm_tcp);
}

static struct mon *
open_mon(const struct tu_vm *v, const char *sock, const struct mon_opts *o)
{
	char ep[4200];
	struct err e;
	struct mon *m;

	ck_assert_msg(v->up, "QEMU did not start (see stderr)");
	snprintf(ep, sizeof ep, "unix:%s/%s", v->dir, sock);
	m = mon_new(ep, o, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	return m;
}

static uint32_t
bus_mask(struct mon *m)
{
	struct mon_result res;
	struct err e;
	uint32_t mask;

	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e) == 0, "%s", e.msg);
	mask = pci_info_bus0_mask(&res.pci);
	mon_result_free(&res);
	return mask;
}

/* The call must fail with kind k and a message containing needle. */
#define REFUSED(call, k, needle) do { \
	struct err e_; \
	ck_assert_msg((call) == -1, #call " succeeded"); \
	ck_assert_msg(mon_last_kind(m) == (k), #call ": kind %s (%s)", \
	    monerr_name(mon_last_kind(m)), e_.msg); \
	ck_assert_msg(strstr(e_.msg, needle) != NULL, "'%s' lacks '%s'", \
	    e_.msg, needle); \
} while (0)
#define E (&e_)

#define OK(call) do { \
	struct err e_; \
	ck_assert_msg((call) == 0, #call ": %s", e_.msg); \
} while (0)

static int
raw(struct mon *m, const char *hmp, const char *qmp, struct err *e)
{
	int op = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = hmp,
	    .qmp = qmp }, e);
	const struct mon_result *r;

	if (op < 0 || mon_run(m, e) < 0)
		return -1;
	r = mon_result(m, op);
	if (!r->ok) {
		err_set(e, "%s", r->msg);
		return -1;
	}
	return 0;
}

/* Kind of the last op (raw() does not go through mon_last_kind). */
static enum monerr_kind
last_op_kind(struct mon *m)
{
	return mon_result(m, (int)mon_nresults(m) - 1)->kind;
}

static void
scenario(const struct tu_vm *v, const char *sock, enum mon_proto want)
{
	struct mon *m = open_mon(v, sock, NULL);
	struct qemu_version ver;
	struct mon_result res;
	struct pci_info pi;
	struct err e;
	char disk[4200], *out = NULL, cmd[4300];
	const struct pci_fn *f;
	struct moncmd_prop nicprops[] = { { "netdev", "hostnet-6f1a2b3c" },
		{ "mac", "52:54:00:12:34:56" } };
	struct moncmd_device nic = { "virtio-net-pci", "nic-6f1a2b3c-pci-5",
		"pci.0", 5, 0, nicprops, 2 };
	struct moncmd_prop diskprops[] = { { "drive", "drive-0d4e5f60" } };
	struct moncmd_device dsk = { "virtio-blk-pci", "disk-0d4e5f60-pci-6",
		"pci.0", 6, 0, diskprops, 1 };
	struct moncmd_device n31 = { "virtio-net-pci", "nic-cccccccc-pci-31",
		"pci.0", 31, 0, NULL, 0 };
	struct moncmd_device other5 = { "virtio-net-pci", "nic-aaaaaaaa-pci-5",
		"pci.0", 5, 0, NULL, 0 };
	struct moncmd_device dup7 = { "virtio-net-pci", "nic-6f1a2b3c-pci-5",
		"pci.0", 7, 0, NULL, 0 };
	struct moncmd_netdev user = { .type = MONCMD_NETDEV_USER,
	    .id = "hostnet-6f1a2b3c", .fdname = NULL };
	struct moncmd_drive drv = { .id = "drive-0d4e5f60", .file = disk,
	    .format = "raw" };
	int i, free_slots, added, rc;

	/* the map of a fresh pc: slots 0-3 */
	OK(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &res,
	    E));
	ver = res.version;
	ck_assert_int_eq(mon_protocol(m), want);
	ck_assert_int_eq(ver.major, v->qemu == TU_QEMU_10 ? 10 : 7);
	ck_assert_uint_eq(bus_mask(m), 0xf);

	/* a NIC at 5 and a disk at 6 */
	OK(mon_do(m, &(struct mon_req){ .op = MON_OP_NETDEV_ADD,
	    .netdev = &user }, NULL, E));
	OK(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &nic }, NULL, E));
	snprintf(disk, sizeof disk, "%s/disk1.img", v->dir);
	snprintf(cmd, sizeof cmd, "qemu-img create -q -f raw '%s' 16M", disk);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(out);
	OK(mon_do(m, &(struct mon_req){ .op = MON_OP_DRIVE_ADD, .drive = &drv },
	    NULL, E));
	OK(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &dsk }, NULL, E));
	OK(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &n31 }, NULL, E));
	ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e), 0);
	pi = res.pci;
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x8000006f);
	f = pci_info_find_id(&pi, "nic-6f1a2b3c-pci-5");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->slot, 5);
	ck_assert_str_eq(f->class_text, "Ethernet controller");
	f = pci_info_find_id(&pi, "disk-0d4e5f60-pci-6");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->slot, 6);
	ck_assert_uint_eq(f->device, 0x1001);
	ck_assert_int_eq(pci_info_find_id(&pi, "nic-cccccccc-pci-31")->slot,
	    31);
	pci_info_free(&pi);

	/* every error kind, with QEMU's own text */
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &other5 }, NULL, E), MONERR_SLOT_OCCUPIED,
	    "PCI: slot 5 function 0 not available for virtio-net-pci, in use "
	    "by virtio-net-pci,id=nic-6f1a2b3c-pci-5");
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &dup7 }, NULL, E), MONERR_DUPLICATE_ID,
	    "Duplicate device ID 'nic-6f1a2b3c-pci-5'");
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "nosuchdevice" }, NULL, E), MONERR_NOT_FOUND,
	    "Device 'nosuchdevice' not found");
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_NETDEV_ADD,
	    .netdev = &user }, NULL, E),
	    want == MON_PROTO_QMP ? MONERR_DUPLICATE_ID : MONERR_OTHER,
	    want == MON_PROTO_QMP ? "Duplicate ID 'hostnet-6f1a2b3c'" :
	    "Try \"help netdev_add\"");
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_DRIVE_ADD,
	    .drive = &drv }, NULL, E), MONERR_DUPLICATE_ID, "Duplicate");
	/* refused by slotscope: nothing is sent, the session goes on */
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "a b" }, NULL, E), MONERR_BAD_ARGUMENT, "id");
	ck_assert_int_eq(raw(m, "frobnicate", "{\"execute\": \"frobnicate\"}",
	    &e), -1);
	ck_assert_int_eq(last_op_kind(m), MONERR_UNKNOWN_COMMAND);
	ck_assert_ptr_nonnull(strstr(e.msg, "frobnicate"));
	/* QEMU's own id check (slotscope never sends such an id).  Since
	 * 9.2, QMP's device_add no longer checks ids: 10.0 creates 1abc. */
	rc = raw(m, "device_add virtio-net-pci,id=1abc,addr=0x9",
	    "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"1abc\", \"addr\": \"0x9\"}}", &e);
	if (want == MON_PROTO_QMP && v->qemu == TU_QEMU_10) {
		ck_assert_msg(rc == 0, "%s", e.msg);
		ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op =
		    MON_OP_QUERY_PCI }, &res, &e), 0);
		ck_assert_ptr_nonnull(pci_info_find_id(&res.pci, "1abc"));
		mon_result_free(&res);
	} else if (want == MON_PROTO_QMP) {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(last_op_kind(m), MONERR_INVALID_ID);
		ck_assert_str_eq(e.msg, "Parameter 'id' expects an identifier");
	} else {
		/* HMP prints the reason on QEMU's stderr only */
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(last_op_kind(m), MONERR_OTHER);
		ck_assert_ptr_nonnull(strstr(e.msg, "help device_add"));
	}
	/* unplug: accepted, pending (no guest), refused again */
	OK(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "nic-6f1a2b3c-pci-5" }, NULL, E));
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL,
	    .id = "nic-6f1a2b3c-pci-5" }, NULL, E),
	    MONERR_UNPLUG_PENDING, "already in the process of unplug");
	REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED,
	    .id = "nic-6f1a2b3c-pci-5", .timeout_ms = 300 }, NULL, E),
	    MONERR_TIMEOUT, "was not removed within 300 ms");
	ck_assert_uint_eq(bus_mask(m), 0x8000006f | (rc == 0 ? 1u << 9 : 0));
	/* ... still listed */

	/* getfd: QEMU takes the fd that travels with the command */
	{
		int pfd[2], op;

		ck_assert_int_eq(pipe(pfd), 0);
		OK(mon_do(m, &(struct mon_req){ .op = MON_OP_GETFD,
		    .name = "fd-test", .fd = pfd[1] }, NULL, E));
		close(pfd[0]);
		close(pfd[1]);
		op = mon_add(m, &(struct mon_req){ .op = MON_OP_CLOSEFD,
		    .name = "fd-test" }, &e);
		ck_assert_int_eq(mon_run(m, &e), 0);
		ck_assert_msg(mon_result(m, op)->ok, "%s",
		    mon_result(m, op)->msg);
		op = mon_add(m, &(struct mon_req){ .op = MON_OP_CLOSEFD,
		    .name = "fd-test" }, &e);
		ck_assert_int_eq(mon_run(m, &e), 0);
		ck_assert_int_eq(mon_result(m, op)->ok, 0);	/* gone now */
	}

	/* fill the bus: QEMU picks free slots until none is left.  QEMU
	 * 10.0 picks none once slot 31 was taken by address (as here): the
	 * first device_add without addr is refused as if it were a second
	 * function of slot 31. */
	free_slots = 32 - __builtin_popcount(bus_mask(m));
	if (v->qemu == TU_QEMU_10) {
		struct moncmd_device fill = { "virtio-net-pci", "fill0",
			"pci.0", -1, 0, NULL, 0 };

		ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op =
		    MON_OP_DEVICE_ADD, .device = &fill }, NULL, &e), -1);
		ck_assert_int_eq(mon_last_kind(m), MONERR_OTHER);
		ck_assert_str_eq(e.msg, "PCI: slot 31 function 0 already "
		    "occupied by virtio-net-pci, new func virtio-net-pci cannot "
		    "be exposed to guest.");
		ck_assert_int_gt(free_slots, 20);
		mon_free(m);
		return;
	}
	for (added = 0, i = 0; i < 40; i++) {
		char id[32];
		struct moncmd_device fill = { "virtio-net-pci", id, "pci.0",
			-1, 0, NULL, 0 };

		snprintf(id, sizeof id, "fill%d", i);
		if (mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
		    .device = &fill }, NULL, &e) < 0) {
			ck_assert_msg(mon_last_kind(m) == MONERR_BUS_FULL,
			    "%s", e.msg);
			ck_assert_str_eq(e.msg, "PCI: no slot/function available "
			    "for virtio-net-pci, all in use or reserved");
			break;
		}
		added++;
	}
	ck_assert_int_eq(added, free_slots);
	ck_assert_uint_eq(bus_mask(m), 0xffffffffu);
	mon_free(m);
}

START_TEST(hmp_pc)
{
	scenario(&vm_hmp[_i], "hmp.sock", MON_PROTO_HMP);
}
END_TEST

START_TEST(qmp_pc)
{
	scenario(&vm_qmp[_i], "qmp.sock", MON_PROTO_QMP);
}
END_TEST

START_TEST(nodefaults_map)
{
	const char *socks[] = { "hmp.sock", "qmp.sock" };
	int i;

	for (i = 0; i < 2; i++) {
		struct mon *m = open_mon(&vm_nodef[_i], socks[i], NULL);

		ck_assert_uint_eq(bus_mask(m), 0x3);
		mon_free(m);
	}
}
END_TEST

START_TEST(q35_root_bus_refuses_hotplug)
{
	const char *socks[] = { "hmp.sock", "qmp.sock" };
	struct moncmd_device d = { "virtio-net-pci", "nic-6f1a2b3c-pci-5",
		"pcie.0", 5, 0, NULL, 0 };
	int i;

	for (i = 0; i < 2; i++) {
		struct mon *m = open_mon(&vm_q35[_i], socks[i], NULL);

		REFUSED(mon_do(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
		    .device = &d }, NULL, E), MONERR_NO_HOTPLUG,
		    "Bus 'pcie.0' does not support hotplugging");
		mon_free(m);
	}
}
END_TEST

/* After a holder leaves, QEMU first drains the clients that queued
 * behind it (and gave up): until then a new client is still busy. */
static uint32_t
settled_mask(struct mon *m)
{
	struct mon_result res;
	struct pci_info pi;
	struct err e;
	uint32_t mask;
	int i;

	pci_info_init(&pi);
	for (i = 0; i < tu_ms(2000) / 50; i++) {
		if (mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &res,
		    &e) == 0) {
			pi = res.pci;
			break;
		}
		mon_result_free(&res);
		ck_assert_msg(mon_last_kind(m) == MONERR_BUSY, "%s", e.msg);
		usleep(50000);
	}
	mask = pci_info_bus0_mask(&pi);
	pci_info_free(&pi);
	return mask;
}

static void
probe_cmd(const struct tu_vm *v, const char *sock, const char *args,
    char **out, int *rc)
{
	char cmd[4400];

	snprintf(cmd, sizeof cmd, "'%s' --probe 'unix:%s/%s' %s", tu_bin(),
	    v->dir, sock, args);
	*rc = tu_run(cmd, out);
}

/* `slotscope --probe EP --json` prints exactly the documented shape. */
static void
check_probe_json(const struct tu_vm *v, const char *sock, const char *proto)
{
	char *out, ep[4300];
	int rc, i;
	json_error_t je;
	json_t *j, *slots, *f;

	probe_cmd(v, sock, "--json 2>/dev/null", &out, &rc);
	ck_assert_msg(rc == 0, "%s", out);
	j = json_loads(out, 0, &je);
	ck_assert_msg(j != NULL, "not JSON: %s", je.text);
	ck_assert_uint_eq(json_object_size(j), 14);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "schema")), 1);
	/* a probe has no runtime file: no recorded devices */
	ck_assert(json_is_array(json_object_get(j, "devices")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "devices")), 0);
	/* a probe knows no manager */
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "manager"), "kind")), "none");
	ck_assert(json_is_null(json_object_get(j, "instance")));
	ck_assert(json_is_true(json_object_get(j, "read")));
	snprintf(ep, sizeof ep, "unix:%s/%s", v->dir, sock);
	ck_assert_str_eq(json_string_value(json_object_get(j, "endpoint")), ep);
	ck_assert_str_eq(json_string_value(json_object_get(j, "protocol")),
	    proto);
	{
		const char *q = json_string_value(json_object_get(j, "qemu"));
		char want[16];

		snprintf(want, sizeof want, "%s.", tu_qemu_name(v->qemu));
		ck_assert_msg(q != NULL && strncmp(q, want, strlen(want)) == 0,
		    "qemu %s, not %s*", q ? q : "(none)", want);
	}
	slots = json_object_get(j, "slots");
	ck_assert_uint_eq(json_array_size(slots), 32);
	for (i = 0; i < 32; i++) {
		json_t *s = json_array_get(slots, (size_t)i);

		ck_assert_int_eq(json_integer_value(json_object_get(s, "slot")),
		    i);
		ck_assert_str_eq(json_string_value(json_object_get(s, "state")),
		    i < 4 ? "builtin" : "free");
		ck_assert_uint_eq(json_array_size(json_object_get(s,
		    "functions")), i == 1 ? 3 : i < 4 ? 1 : 0);
	}
	f = json_array_get(json_object_get(json_array_get(slots, 0),
	    "functions"), 0);
	ck_assert_uint_eq(json_object_size(f), 5);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "function")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(f, "class")),
	    "Host bridge");
	ck_assert_str_eq(json_string_value(json_object_get(f, "vendor")),
	    "8086");
	ck_assert_str_eq(json_string_value(json_object_get(f, "device")),
	    "1237");
	ck_assert(json_is_null(json_object_get(f, "id")));
	f = json_array_get(json_object_get(json_array_get(slots, 1),
	    "functions"), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "function")), 3);
	json_decref(j);
	free(out);
}

/* The one-client rule: a second client hears nothing and says busy. */
START_TEST(second_client_is_busy)
{
	const char *socks[] = { "hmp.sock", "qmp.sock" };
	int i;

	for (i = 0; i < 2; i++) {
		struct mon_opts hold = { .keep_open = 1 };
		struct mon *a = open_mon(&vm_busy[_i], socks[i], &hold);
		struct mon *b = open_mon(&vm_busy[_i], socks[i], NULL);
		struct err e;
		int op, rc;
		char *out, want[96];

		ck_assert_int_ge(mon_add(a, &(struct mon_req){
		    .op = MON_OP_QUERY_VERSION }, &e), 0);
		ck_assert_int_eq(mon_run(a, &e), 0);
		ck_assert_int_eq(mon_status(a), MON_IDLE);	/* held open */
		op = mon_add(b, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
		    &e);
		ck_assert_int_eq(mon_run(b, &e), -1);
		ck_assert_int_eq(mon_error(b, &e), MONERR_BUSY);
		/* Linux names the holder: this test's own process */
		snprintf(want, sizeof want, "monitor busy: another client is "
		    "connected: pid %d (", (int)getpid());
		ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "%s",
		    e.msg);
		ck_assert_int_eq(mon_result(b, op)->kind, MONERR_BUSY);
		/* the real binary says so too, with exit status 1 */
		probe_cmd(&vm_busy[_i], socks[i], "", &out, &rc);
		ck_assert_int_eq(rc, 1);
		ck_assert_ptr_nonnull(strstr(out, "monitor busy: another "
		    "client is connected"));
		free(out);
		/* the holder still works; once it leaves, b gets in */
		ck_assert_uint_eq(bus_mask(a), 0xf);
		mon_free(a);
		mon_reset(b);
		ck_assert_uint_eq(settled_mask(b), 0xf);
		mon_free(b);
		check_probe_json(&vm_busy[_i], socks[i], i == 0 ? "hmp" :
		    "qmp");
	}
}
END_TEST

/* tcp:HOST:PORT endpoints (a non-blocking connect that completes later),
 * by address and by name. */
START_TEST(tcp_endpoints)
{
	const char *host[2] = { "127.0.0.1", "localhost" };
	int i;

	ck_assert_msg(vm_tcp.up, "QEMU did not start");
	ck_assert_msg(tcp_port[0] > 0 && tcp_port[1] > 0, "QEMU's info chardev "
	    "did not give its two tcp ports");
	for (i = 0; i < 2; i++) {
		char ep[128], cmd[4400], *out;
		struct err e;
		struct mon *m;
		struct mon_result res;

		snprintf(ep, sizeof ep, "tcp:%s:%d", host[i], tcp_port[i]);
		m = mon_new(ep, NULL, &e);
		ck_assert_ptr_nonnull(m);
		ck_assert_msg(mon_do(m, &(struct mon_req){
		    .op = MON_OP_QUERY_PCI }, &res,
		    &e) == 0, "%s: %s", ep, e.msg);
		ck_assert_int_eq(mon_protocol(m), i == 0 ? MON_PROTO_HMP :
		    MON_PROTO_QMP);
		ck_assert_uint_eq(pci_info_bus0_mask(&res.pci), 0xf);
		mon_result_free(&res);
		mon_free(m);
		snprintf(cmd, sizeof cmd, "'%s' --probe %s --json", tu_bin(), ep);
		ck_assert_int_eq(tu_run(cmd, &out), 0);
		ck_assert_ptr_nonnull(strstr(out, i == 0 ? "\"protocol\": "
		    "\"hmp\"" : "\"protocol\": \"qmp\""));
		free(out);
	}
}
END_TEST

START_TEST(probe_usage_and_failures)
{
	char cmd[4400], *out;

	snprintf(cmd, sizeof cmd, "'%s' --probe", tu_bin());
	ck_assert_int_eq(tu_run(cmd, &out), 2);
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' --probe tcp:nohost --json", tu_bin());
	ck_assert_int_eq(tu_run(cmd, &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "port"));
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' --probe '%s/none.sock'", tu_bin(),
	    vm_busy[_i].dir);
	ck_assert_int_eq(tu_run(cmd, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "No such file"));
	free(out);
	/* text: one line per slot after the header */
	snprintf(cmd, sizeof cmd, "'%s' --probe 'unix:%s/hmp.sock' 2>/dev/null",
	    tu_bin(), vm_busy[_i].dir);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, " over HMP\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nslot  0  occupied  fn 0 Host "
	    "bridge [8086:1237]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nslot  1  occupied  fn 0 ISA "
	    "bridge [8086:7000]; fn 1 IDE controller [8086:7010]; fn 3 Bridge "
	    "[8086:7113]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nslot 31  free\n"));
	free(out);
}
END_TEST

static TCase *
vm_case(Suite *s, enum tu_qemu q, const char *name, void (*up)(void),
    void (*down)(void), int timeout)
{
	static const char *const need[] = { "qemu-system-x86_64", "qemu-img",
		NULL };
	const char *why = tu_missing(need);

	return tu_tcase_new(s, name, why ? why : tu_missing_qemu_v(q), up, down,
	    timeout);
}

/* The cases that run against QEMU q; loop index _i = q. */
static void
add_cases(Suite *s, enum tu_qemu q)
{
	int ten = q == TU_QEMU_10;
	TCase *tc;

	tc = vm_case(s, q, ten ? "hmp-10.0" : "hmp", hmp_up[q], hmp_down[q], 60);
	tcase_add_loop_test(tc, hmp_pc, q, q + 1);
	tc = vm_case(s, q, ten ? "qmp-10.0" : "qmp", qmp_up[q], qmp_down[q], 60);
	tcase_add_loop_test(tc, qmp_pc, q, q + 1);
	tc = vm_case(s, q, ten ? "nodefaults-10.0" : "nodefaults", nodef_up[q],
	    nodef_down[q], 20);
	tcase_add_loop_test(tc, nodefaults_map, q, q + 1);
	tc = vm_case(s, q, ten ? "q35-10.0" : "q35", q35_up[q], q35_down[q], 20);
	tcase_add_loop_test(tc, q35_root_bus_refuses_hotplug, q, q + 1);
	tc = vm_case(s, q, ten ? "busy-10.0" : "busy", busy_up[q], busy_down[q],
	    30);
	tcase_add_loop_test(tc, second_client_is_busy, q, q + 1);
	tcase_add_loop_test(tc, probe_usage_and_failures, q, q + 1);
}

Suite *
monqemu_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("monqemu");
	tu_qemu_cases(s, add_cases);
	tc = vm_case(s, TU_QEMU_72, "tcp", tcp_up, tcp_down, 20);
	tcase_add_test(tc, tcp_endpoints);
	return s;
}
