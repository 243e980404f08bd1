/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_sim.c - the built-in QEMU monitor simulator against QEMU 7.2's own
 * bytes (tests/fixtures): HMP byte for byte, QMP as JSON values; the
 * device model; the server's one-client rule, guest ack/ignore, reset,
 * fault switches; scenarios and the demo.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "sim/sim.h"
#include "sim/simdev.h"
#include "sim/simecho.h"
#include "sim/simhmp.h"
#include "sim/simmon.h"
#include "sim/simqmp.h"
#include "sim/simscen.h"
#include "simspawn.h"
#include "testutil.h"

/* ---- in-process HMP/QMP -------------------------------------------- */

struct mon {
	struct simdev_machine m;
	struct simecho rl;
	struct simqmp q;
	struct strbuf out;		/* what the client would receive */
	struct strbuf events;	/* QMP events */
};

static void
ev_sink(void *arg, const char *line, size_t len)
{
	struct mon *x = arg;

	strbuf_add(&x->out, line, len);
}

static void
mon_init(struct mon *x, enum simdev_machine_type t)
{
	ck_assert_int_eq(simdev_machine_init(&x->m, t), 0);
	simecho_init(&x->rl);
	simqmp_init(&x->q);
	strbuf_init(&x->out);
	strbuf_init(&x->events);
}

static void
mon_free(struct mon *x)
{
	simdev_machine_free(&x->m);
	simqmp_free(&x->q);
	strbuf_free(&x->out);
	strbuf_free(&x->events);
}

static void
ctx(struct mon *x, struct simmon_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->m = &x->m;
	c->fd = -1;
	c->now_ms = 1000;
	c->event = ev_sink;
	c->event_arg = x;
}

/* Send one HMP line (plus "\n") the way the server does; returns the
 * bytes a client gets, prompt included (malloc'd). */
static char *
hmp(struct mon *x, const char *line, size_t *len)
{
	size_t i, n = strlen(line);
	struct simmon_ctx c;
	char *r;

	x->out.n = 0;
	for (i = 0; i <= n; i++) {
		unsigned char ch = i < n ? (unsigned char)line[i] : '\n';

		if (simecho_byte(&x->rl, ch, &x->out)) {
			ctx(x, &c);
			simhmp_execute(&c, x->rl.buf, &x->out);
			strbuf_str(&x->out, SIMMON_PROMPT);
		}
	}
	r = malloc(x->out.n + 1);
	memcpy(r, x->out.p, x->out.n);
	r[x->out.n] = '\0';
	*len = x->out.n;
	return r;
}

static void
hmp_is(struct mon *x, const char *line, const char *fixture)
{
	char rel[256], *want, *got;
	size_t wl, gl;

	snprintf(rel, sizeof rel, "hmp/%s.raw", fixture);
	want = tu_fixture(rel, &wl);
	got = hmp(x, line, &gl);
	ck_assert_msg(gl == wl && memcmp(got, want, wl) == 0,
	    "%s: the simulator sent %zu bytes, QEMU %zu (tail: %.80s)",
	    fixture, gl, wl, gl > 80 ? got + gl - 80 : got);
	free(want);
	free(got);
}

/* The reply only: after the echo, without the prompt, "\r\n" kept. */
static char *
hmp_reply(struct mon *x, const char *line)
{
	size_t n;
	char *all = hmp(x, line, &n), *p = strstr(all, "\r\n"), *r;

	ck_assert_ptr_nonnull(p);
	r = strdup(p + 2);
	free(all);
	n = strlen(r);
	ck_assert(n >= strlen(SIMMON_PROMPT));
	r[n - strlen(SIMMON_PROMPT)] = '\0';
	return r;
}

/* Feed QMP text; returns the output lines (malloc'd). */
static char *
qmp(struct mon *x, const char *text)
{
	struct simmon_ctx c;

	x->out.n = 0;
	ctx(x, &c);
	simqmp_input(&x->q, &c, text, strlen(text), &x->out);
	return strdup(x->out.p ? x->out.p : "");
}

/* A JSON line equal (as a value) to a fixture file's. */
static void
json_is(const char *got, const char *fixture)
{
	char rel[256], *want;
	json_t *a, *b;
	json_error_t je;

	snprintf(rel, sizeof rel, "qmp/%s.json", fixture);
	want = tu_fixture(rel, NULL);
	a = json_loads(got, JSON_DECODE_ANY, &je);
	ck_assert_msg(a != NULL, "%s: not JSON: %s", fixture, got);
	b = json_loads(want, 0, &je);
	ck_assert_ptr_nonnull(b);
	ck_assert_msg(json_equal(a, b), "%s: got %s", fixture, got);
	/* and line framing as QEMU's */
	ck_assert_msg(strlen(got) > 2 && strcmp(got + strlen(got) - 2,
	    "\r\n") == 0, "%s: reply does not end in CRLF", fixture);
	json_decref(a);
	json_decref(b);
	free(want);
}

static char *
mktmpfile(char **dir)
{
	char *path;
	int fd;

	*dir = tu_tmpdir();
	ck_assert_ptr_nonnull(*dir);
	ck_assert_int_ge(asprintf(&path, "%s/disk1.img", *dir), 0);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

/* got is exactly the fixture file's text */
static void
is_fixture(const char *got, const char *rel)
{
	char *want = tu_fixture(rel, NULL);

	ck_assert_msg(strcmp(got, want) == 0, "%s differs: %s", rel, got);
	free(want);
}

/* ---- device model --------------------------------------------------- */

/* t with every "#blockNNN"/"#netNNN" as "#X" and path as /tmp/jq/d.img
 * (the image of the capture): the names QEMU makes up differ between two
 * runs of QEMU itself (malloc'd). */
static char *
norm(const char *t, const char *path)
{
	size_t n = strlen(t), pl = strlen(path), i = 0;
	struct strbuf b;
	char *r;

	strbuf_init(&b);
	while (i < n) {
		if (strncmp(t + i, path, pl) == 0) {
			strbuf_str(&b, "/tmp/jq/d.img");
			i += pl;
		} else if (strncmp(t + i, "#block", 6) == 0 ||
		    strncmp(t + i, "#net", 4) == 0) {
			strbuf_str(&b, "#X");
			i += t[i + 1] == 'b' ? 6 : 4;
			while (i < n && t[i] >= '0' && t[i] <= '9')
				i++;
		} else
			strbuf_add(&b, t + i++, 1);
	}
	r = strndup(b.p ? b.p : "", b.n);
	strbuf_free(&b);
	return r;
}

static void
same_as(const char *got, const char *rel, const char *path)
{
	char *want = tu_fixture(rel, NULL), *g = norm(got, path),
	    *w = norm(want, path);

	ck_assert_msg(strcmp(g, w) == 0, "%s differs:\n%s\nQEMU:\n%s", rel, g,
	    w);
	free(g);
	free(w);
	free(want);
}

/* The backends of the capture in tests/fixtures/qmp/ *-orphan.json (a
 * booted NIC; a NIC and a disk with their backends; an orphan netdev,
 * drive_add drive and blockdev-add node), listed byte for byte as QEMU
 * 7.2 lists them over QMP and HMP. */
START_TEST(backends_listed_as_qemu)
{
	struct mon x;
	struct simdev_err de;
	char *dir, *img = mktmpfile(&dir), cmd[4096], *r;

	ck_assert_int_eq(truncate(img, 1 << 20), 0);
	mon_init(&x, SIMDEV_PC);
	ck_assert_int_eq(simdev_plug(&x.m, SIMDEV_VIRTIO_NET, 4,
	    "nic-aaaa1111-pci-4", &de), 0);
	free(qmp(&x, "{\"execute\": \"qmp_capabilities\"}"));
	free(qmp(&x, "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": "
	    "\"user\", \"id\": \"hostnet-11111111-pci-5\"}}"));
	free(qmp(&x, "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": "
	    "\"user\", \"id\": \"hostnet-44444444-pci-8\"}}"));
	free(qmp(&x, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"nic-44444444-pci-8\", \"netdev\": "
	    "\"hostnet-44444444-pci-8\", \"bus\": \"pci.0\", \"addr\": \"0x8\"}}"));
	snprintf(cmd, sizeof cmd, "{\"execute\": \"blockdev-add\", "
	    "\"arguments\": {\"driver\": \"raw\", \"node-name\": "
	    "\"drive-22222222-pci-6\", \"file\": {\"driver\": \"file\", "
	    "\"filename\": \"%s\"}}}", img);
	free(qmp(&x, cmd));
	snprintf(cmd, sizeof cmd, "{\"execute\": \"blockdev-add\", "
	    "\"arguments\": {\"driver\": \"raw\", \"node-name\": "
	    "\"drive-55555555-pci-9\", \"file\": {\"driver\": \"file\", "
	    "\"filename\": \"%s\"}}}", img);
	free(qmp(&x, cmd));
	free(qmp(&x, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-blk-pci\", \"id\": \"disk-22222222-pci-6\", \"drive\": "
	    "\"drive-22222222-pci-6\", \"bus\": \"pci.0\", \"addr\": \"0x6\"}}"));
	snprintf(cmd, sizeof cmd, "{\"execute\": \"human-monitor-command\", "
	    "\"arguments\": {\"command-line\": \"drive_add dummy file=%s,"
	    "if=none,id=drive-33333333-pci-7,format=raw\"}}", img);
	r = qmp(&x, cmd);
	ck_assert_ptr_nonnull(strstr(r, "OK"));
	free(r);
	r = qmp(&x, "{\"execute\": \"query-block\"}");
	same_as(r, "qmp/query-block-orphan.json", img);
	free(r);
	r = qmp(&x, "{\"execute\": \"query-named-block-nodes\"}");
	same_as(r, "qmp/query-named-block-nodes-orphan.json", img);
	free(r);
	r = qmp(&x, "{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"info network\"}}");
	same_as(r, "qmp/hmp-passthrough-info-network-orphan.json", img);
	free(r);
	r = qmp(&x, "{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"info block\"}}");
	same_as(r, "qmp/hmp-passthrough-info-block-orphan.json", img);
	free(r);
	r = qmp(&x, "{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"info block -n\"}}");
	same_as(r, "qmp/hmp-passthrough-info-block-n-orphan.json", img);
	free(r);
	mon_free(&x);
	free(img);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

START_TEST(machine_defaults)
{
	struct simdev_machine m;
	static const int pc[][2] = { {0, 0}, {1, 0}, {1, 1}, {1, 3}, {2, 0},
		{3, 0} };
	static const int q35[][2] = { {0, 0}, {1, 0}, {2, 0}, {31, 0},
		{31, 2}, {31, 3} };
	size_t i;

	ck_assert_int_eq(simdev_machine_init(&m, SIMDEV_PC), 0);
	ck_assert_uint_eq(m.nfn, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(m.fn[i].slot, pc[i][0]);
		ck_assert_int_eq(m.fn[i].func, pc[i][1]);
		ck_assert_ptr_null(m.fn[i].id);
	}
	ck_assert_str_eq(simdev_bus_name(&m), "pci.0");
	simdev_machine_free(&m);
	ck_assert_int_eq(simdev_machine_init(&m, SIMDEV_PC_NODEFAULTS), 0);
	ck_assert_uint_eq(m.nfn, 4);
	simdev_machine_free(&m);
	ck_assert_int_eq(simdev_machine_init(&m, SIMDEV_Q35), 0);
	ck_assert_uint_eq(m.nfn, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(m.fn[i].slot, q35[i][0]);
		ck_assert_int_eq(m.fn[i].func, q35[i][1]);
	}
	ck_assert_str_eq(simdev_bus_name(&m), "pcie.0");
	simdev_machine_free(&m);
}
END_TEST

/* Root ports at startup: the lowest free root slots from 4, ids rpS;
 * hot-adding behind one works, pcie.0 still refuses; pc has none. */
START_TEST(root_ports)
{
	struct simdev_machine m;
	struct simdev_err e;
	struct simdev_kv kv[] = { { "driver", "virtio-net-pci" },
		{ "id", "n5" }, { "bus", "rp5" }, { "addr", "0x0" } };
	struct simdev_kv root[] = { { "driver", "virtio-net-pci" },
		{ "id", "n9" }, { "addr", "0x9" } };
	char path[64];
	long num;

	ck_assert_int_eq(simdev_machine_init(&m, SIMDEV_Q35_PORTS), 0);
	ck_assert_int_eq(simdev_add_root_ports(&m, 2, &e), 0);
	ck_assert_int_eq(simdev_device_add(&m, kv, 4, &e), 0);
	ck_assert_int_eq(simdev_device_add(&m, kv, 4, &e), -1);
	ck_assert_str_eq(e.desc, "Duplicate device ID 'n5'");
	ck_assert_int_eq(simdev_device_add(&m, root, 3, &e), -1);
	ck_assert_str_eq(e.desc, "Bus 'pcie.0' does not support hotplugging");
	ck_assert_int_eq(simdev_qom_get(&m, "/machine/peripheral/rp8",
	    "parent_bus", path, sizeof path, &num, &e), SIMDEV_QOM_STR);
	ck_assert_str_eq(path, "/machine/q35/pcie.0");	/* 4-6 taken: 7, 8 */
	ck_assert_int_eq(simdev_qom_get(&m, "/machine/peripheral/n5",
	    "parent_bus", path, sizeof path, &num, &e), SIMDEV_QOM_STR);
	ck_assert_str_eq(path, "/machine/peripheral/rp5/rp5");
	ck_assert_int_eq(simdev_qom_get(&m, "/machine/peripheral/n5", "addr",
	    path, sizeof path, &num, &e), SIMDEV_QOM_INT);
	ck_assert_int_eq((int)num, 0);
	simdev_machine_free(&m);
	ck_assert_int_eq(simdev_machine_init(&m, SIMDEV_PC), 0);
	ck_assert_int_eq(simdev_add_root_ports(&m, 1, &e), -1);
	simdev_machine_free(&m);
}
END_TEST

START_TEST(device_add_rules)
{
	struct simdev_machine m;
	struct simdev_err e;
	struct simdev_kv kv[4] = { { "driver", "virtio-net-pci" },
		{ "id", "n1" }, { "addr", "8.1" }, { "bus", "pci.0" } };
	struct simdev_kv k2[3] = { { "driver", "virtio-net-pci" },
		{ "id", "n2" }, { "addr", "0x8" } };

	ck_assert_int_eq(simdev_machine_init(&m, SIMDEV_PC), 0);
	/* a function other than 0 on an empty slot is fine */
	ck_assert_int_eq(simdev_device_add(&m, kv, 4, &e), 0);
	/* then function 0 of that slot is refused: single function */
	ck_assert_int_eq(simdev_device_add(&m, k2, 3, &e), -1);
	ck_assert_str_eq(e.desc, "PCI: 8.0 indicates single function, but "
	    "8.1 is already populated.");
	/* the failed add left no QOM child behind: n2 is free again */
	k2[2].val = "0x9";
	ck_assert_int_eq(simdev_device_add(&m, k2, 3, &e), 0);
	/* hex without 0x; out of range */
	kv[1].val = "n3";
	kv[2].val = "20";
	ck_assert_int_eq(simdev_device_add(&m, kv, 4, &e), -1);
	ck_assert_str_eq(e.desc,
	    "Property 'virtio-net-pci.addr' doesn't take value '20'");
	kv[2].val = "1f";
	ck_assert_int_eq(simdev_device_add(&m, kv, 4, &e), 0);
	ck_assert_int_eq(m.fn[m.nfn - 1].slot, 31);
	/* unknown property */
	kv[1].val = "n4";
	kv[2].key = "bogus";
	ck_assert_int_eq(simdev_device_add(&m, kv, 4, &e), -1);
	ck_assert_str_eq(e.desc, "Property 'virtio-net-pci.bogus' not found");
	/* wrong bus */
	kv[2].key = "addr";
	kv[3].val = "pci.1";
	ck_assert_int_eq(simdev_device_add(&m, kv, 4, &e), -1);
	ck_assert_str_eq(e.desc, "Bus 'pci.1' not found");
	/* del: pending, a second one refused, reset completes */
	ck_assert_int_eq(simdev_device_del(&m, "n1", 0, &e), 0);
	ck_assert_int_eq(simdev_device_del(&m, "/machine/peripheral/n1", 0,
	    &e), -1);
	ck_assert_str_eq(e.desc, "Device /machine/peripheral/n1 is already "
	    "in the process of unplug");
	{
		struct simdev_gone g[4];

		ck_assert_uint_eq(simdev_complete(&m, 0, 0, g, 4), 0);
		ck_assert_uint_eq(simdev_complete(&m, 0, 1, g, 4), 1);
		ck_assert_str_eq(g[0].id, "n1");
		ck_assert_str_eq(g[0].path, "/machine/peripheral/n1");
		ck_assert_int_eq(g[0].virtio, 1);
	}
	ck_assert_int_eq(simdev_device_del(&m, "n1", 0, &e), -1);
	ck_assert_int_eq(e.cls, SIMDEV_DEVICE_NOT_FOUND);
	simdev_machine_free(&m);
}
END_TEST

START_TEST(guest_ack_timing)
{
	struct simdev_machine m;
	struct simdev_err e;
	struct simdev_gone g[2];

	ck_assert_int_eq(simdev_machine_init(&m, SIMDEV_PC), 0);
	m.guest = SIMDEV_GUEST_ACK;
	m.ack_ms = 100;
	ck_assert_int_eq(simdev_plug(&m, SIMDEV_E1000, 9, "e9", &e), 0);
	ck_assert_int_eq(simdev_device_del(&m, "e9", 5000, &e), 0);
	ck_assert_int_eq(simdev_next_due(&m), 5100);
	/* a running guest's machine accepts a repeated request */
	ck_assert_int_eq(simdev_device_del(&m, "e9", 5001, &e), 0);
	ck_assert_uint_eq(simdev_complete(&m, 5099, 0, g, 2), 0);
	ck_assert_uint_eq(simdev_complete(&m, 5100, 0, g, 2), 1);
	ck_assert_int_eq(g[0].virtio, 0);	/* e1000: one event */
	ck_assert_int_eq(simdev_next_due(&m), -1);
	ck_assert_uint_eq(m.nfn, 6);
	simdev_machine_free(&m);
}
END_TEST

START_TEST(option_parsers)
{
	struct sim_fault f;
	struct err e;
	enum simdev_guest g;
	int ack = 0;

	memset(&f, 0, sizeof f);
	ck_assert_int_eq(sim_fault_parse("slow=250,cut,garbage,crash=3", &f,
	    &e), 0);
	ck_assert_int_eq(f.slow_ms, 250);
	ck_assert_int_eq(f.cut_reply, 1);
	ck_assert_int_eq(f.garbage, 1);
	ck_assert_int_eq(f.crash_after, 3);
	ck_assert_int_eq(sim_fault_parse("slow=0", &f, &e), -1);
	ck_assert_int_eq(sim_fault_parse("fast", &f, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "unknown fault fast"));
	ck_assert_int_eq(sim_fault_parse("cut,,", &f, &e), -1);
	ck_assert_int_eq(simscen_guest_parse("ack=250", &g, &ack, &e), 0);
	ck_assert_int_eq(g, SIMDEV_GUEST_ACK);
	ck_assert_int_eq(ack, 250);
	ck_assert_int_eq(simscen_guest_parse("ignore", &g, &ack, &e), 0);
	ck_assert_int_eq(g, SIMDEV_GUEST_IGNORE);
	ck_assert_int_eq(simscen_guest_parse("ack=x", &g, &ack, &e), -1);
	ck_assert_int_eq(simscen_guest_parse("maybe", &g, &ack, &e), -1);
}
END_TEST

/* ---- HMP against QEMU's bytes -------------------------------------- */

START_TEST(hmp_pc_session)
{
	struct mon x;
	char *dir, *img, *line, *r;
	int i;
	size_t n;
	char *banner;
	struct strbuf b;

	mon_init(&x, SIMDEV_PC);
	banner = tu_fixture("hmp/banner.raw", &n);
	strbuf_init(&b);
	simhmp_banner(&b);
	ck_assert_uint_eq(b.n, n);
	ck_assert(memcmp(b.p, banner, n) == 0);
	strbuf_free(&b);
	free(banner);
	hmp_is(&x, "info version", "info-version");
	hmp_is(&x, "info pci", "info-pci-default");
	hmp_is(&x, "", "empty-line");
	hmp_is(&x, "netdev_add user,id=hostnet-6f1a2b3c", "netdev-add");
	hmp_is(&x, "device_add virtio-net-pci,netdev=hostnet-6f1a2b3c,"
	    "id=nic-6f1a2b3c-pci-5,bus=pci.0,addr=0x5,mac=52:54:00:12:34:56",
	    "device-add-nic-slot5");
	img = mktmpfile(&dir);
	ck_assert_int_ge(asprintf(&line, "drive_add dummy file=%s,if=none,"
	    "id=drive-0d4e5f60,format=raw", img), 0);
	r = hmp_reply(&x, line);
	ck_assert_str_eq(r, "OK\r\n");
	free(r);
	free(line);
	hmp_is(&x, "device_add virtio-blk-pci,drive=drive-0d4e5f60,"
	    "id=disk-0d4e5f60-pci-6,bus=pci.0,addr=0x6",
	    "device-add-disk-slot6");
	hmp_is(&x, "info pci", "info-pci-after-add");
	hmp_is(&x, "device_add virtio-net-pci,id=nic-aaaaaaaa-pci-5,bus=pci.0,"
	    "addr=0x5", "err-occupied-slot");
	hmp_is(&x, "device_add virtio-net-pci,id=nic-6f1a2b3c-pci-5,bus=pci.0,"
	    "addr=0x7", "err-duplicate-id");
	hmp_is(&x, "device_add virtio-net-pci,id=a b,bus=pci.0,addr=0x8",
	    "err-bad-id-space");
	hmp_is(&x, "frobnicate", "err-unknown-command");
	hmp_is(&x, "device_del nosuchdevice", "err-device-del-unknown");
	hmp_is(&x, "device_add virtio-nonsense-pci,id=x1,bus=pci.0,addr=0x9",
	    "err-unknown-driver");
	hmp_is(&x, "device_add virtio-net-pci,id=nic-bbbbbbbb-pci-9,bus=pci.0,"
	    "addr=zz", "err-addr-garbage");
	hmp_is(&x, "device_add virtio-net-pci,id=nic-bbbbbbbb-pci-2,bus=pci.0,"
	    "addr=0x2", "err-slot-vga");
	hmp_is(&x, "device_add virtio-net-pci,id=nic-bbbbbbbb-pci-1,bus=pci.0,"
	    "addr=0x1", "err-slot1-fn0");
	hmp_is(&x, "device_add virtio-blk-pci,id=disk-99999999-pci-9,"
	    "bus=pci.0,addr=0x9", "err-missing-drive");
	hmp_is(&x, "device_add virtio-blk-pci,drive=nosuchdrive,"
	    "id=disk-99999999-pci-9,bus=pci.0,addr=0x9", "err-unknown-drive");
	hmp_is(&x, "device_add virtio-blk-pci,drive=drive-0d4e5f60,"
	    "id=disk-99999999-pci-9,bus=pci.0,addr=0x9", "err-drive-in-use");
	hmp_is(&x, "device_add virtio-net-pci,netdev=nosuchnet,"
	    "id=nic-99999999-pci-9,bus=pci.0,addr=0x9", "err-unknown-netdev");
	hmp_is(&x, "device_add", "err-device-add-no-args");
	hmp_is(&x, "netdev_add user,id=hostnet-6f1a2b3c",
	    "err-netdev-add-duplicate");
	hmp_is(&x, "device_add virtio-net-pci,id=nic-cccccccc-pci-31,"
	    "bus=pci.0,addr=0x1f", "device-add-slot31");
	hmp_is(&x, "device_del nic-6f1a2b3c-pci-5", "device-del-nic");
	hmp_is(&x, "info pci", "info-pci-after-del");
	hmp_is(&x, "device_del disk-0d4e5f60-pci-6", "device-del-disk");
	hmp_is(&x, "qom-list /machine/peripheral", "qom-list-peripheral");
	for (i = 0; i < 25; i++) {
		char cmd[64];

		snprintf(cmd, sizeof cmd, "device_add virtio-net-pci,id=fill%d,"
		    "bus=pci.0", i);
		r = hmp_reply(&x, cmd);
		ck_assert_str_eq(r, "");
		free(r);
	}
	hmp_is(&x, "info pci", "info-pci-full");
	tu_rmrf(dir);
	free(dir);
	free(img);
	mon_free(&x);
}
END_TEST

START_TEST(hmp_charwise_echo)
{
	struct mon x;
	struct simmon_ctx c;
	const char *line = "info pci\n";
	char *want;
	size_t wl, i;

	/* one byte per read gives the same bytes as one write */
	mon_init(&x, SIMDEV_PC);
	want = tu_fixture("hmp/info-pci-default-charwise.raw", &wl);
	x.out.n = 0;
	for (i = 0; line[i]; i++)
		if (simecho_byte(&x.rl, (unsigned char)line[i], &x.out)) {
			ctx(&x, &c);
			simhmp_execute(&c, x.rl.buf, &x.out);
			strbuf_str(&x.out, SIMMON_PROMPT);
		}
	ck_assert_uint_eq(x.out.n, wl);
	ck_assert(memcmp(x.out.p, want, wl) == 0);
	free(want);
	mon_free(&x);
}
END_TEST

START_TEST(hmp_readline_editing)
{
	struct mon x;
	char *r;

	mon_init(&x, SIMDEV_PC);
	/* backspace edits the line before it runs */
	r = hmp_reply(&x, "info versioX\x7fn");
	ck_assert_str_eq(r, "7.2.22Debian 1:7.2+dfsg-7+deb12u18+b3\r\n");
	free(r);
	/* cursor left + insert: "info ci" -> "info pci" */
	r = hmp_reply(&x, "info ci\033[D\033[Dp");
	ck_assert_ptr_nonnull(strstr(r, "Host bridge"));
	free(r);
	mon_free(&x);
}
END_TEST

START_TEST(hmp_other_machines)
{
	struct mon x;
	int i;
	char *r;

	mon_init(&x, SIMDEV_PC_NODEFAULTS);
	hmp_is(&x, "info pci", "info-pci-nodefaults");
	/* 30 devices without addr take slots 2..31, the next has none */
	for (i = 0; i < 30; i++) {
		char cmd[64];

		snprintf(cmd, sizeof cmd, "device_add virtio-net-pci,id=f%d", i);
		r = hmp_reply(&x, cmd);
		ck_assert_str_eq(r, "");
		free(r);
	}
	r = hmp_reply(&x, "device_add virtio-net-pci,id=f30");
	{
		char *w = tu_fixture("hmp/err-bus-full.txt", NULL);
		char *nl = strchr(w, '\n');

		/* the .txt has "\n" where QEMU sent "\r\n" */
		ck_assert_ptr_nonnull(nl);
		ck_assert_uint_eq(strlen(r), strlen(w) + 1);
		ck_assert(strncmp(r, w, (size_t)(nl - w)) == 0);
		ck_assert_str_eq(r + (nl - w), "\r\n");
		free(w);
	}
	free(r);
	r = hmp_reply(&x, "device_del f3");
	ck_assert_str_eq(r, "");
	free(r);
	r = hmp_reply(&x, "device_del f3");
	ck_assert_str_eq(r, "Error: Device f3 is already in the process of "
	    "unplug\r\n");
	free(r);
	mon_free(&x);

	mon_init(&x, SIMDEV_Q35);
	hmp_is(&x, "info pci", "info-pci-q35");
	r = hmp_reply(&x, "device_add virtio-net-pci,id=nic-6f1a2b3c-pci-5,"
	    "bus=pcie.0,addr=0x5");
	ck_assert_str_eq(r, "Error: Bus 'pcie.0' does not support "
	    "hotplugging\r\n");
	free(r);
	mon_free(&x);

	mon_init(&x, SIMDEV_PC);
	r = hmp_reply(&x, "device_add e1000,id=nic-e1000000-pci-4,bus=pci.0,"
	    "addr=0x4");
	ck_assert_str_eq(r, "");
	free(r);
	hmp_is(&x, "info pci", "info-pci-e1000");
	mon_free(&x);
}
END_TEST

START_TEST(hmp_qom_order)
{
	struct mon x;
	char *r;
	int i;

	/* QOM lists children in GLib hash-table order; failed adds leave
	 * tombstones that shift it, as tests/fixtures/hmp/qom-list-fill */
	mon_init(&x, SIMDEV_PC);
	for (i = 0; i < 20; i++) {
		char cmd[64];

		snprintf(cmd, sizeof cmd, "device_add virtio-net-pci,id=fill%d",
		    i);
		free(hmp_reply(&x, cmd));
		if (i == 6) {
			r = hmp_reply(&x, "device_add virtio-net-pci,id=bad1,"
			    "addr=0x2");
			ck_assert_ptr_nonnull(strstr(r, "in use by VGA"));
			free(r);
		}
	}
	free(hmp_reply(&x, "device_add virtio-net-pci,id=bad2,netdev=none"));
	free(hmp_reply(&x, "device_del fill3"));
	hmp_is(&x, "qom-list /machine/peripheral", "qom-list-fill");
	mon_free(&x);
}
END_TEST

START_TEST(hmp_more_errors)
{
	struct mon x;
	char *r;
	static const struct { const char *cmd, *want; } t[] = {
		{ "device_del", "device_del: string expected\r\n"
		  "Try \"help device_del\" for more information\r\n" },
		{ "info version extra", "version: extraneous characters at "
		  "the end of line\r\nTry \"help info version\" for more "
		  "information\r\n" },
		{ "info nosuch", "unknown command: 'info nosuch'\r\n" },
		{ "device_add virtio-net-pci,id=1abc", "Try \"help "
		  "device_add\" for more information\r\n" },
		{ "netdev_add user", "Error: Parameter 'id' is missing\r\n" },
		{ "netdev_add bogus,id=x", "Error: Parameter 'type' does not "
		  "accept value 'bogus'\r\n" },
		{ "netdev_del nosuch", "Error: Device 'nosuch' not found\r\n" },
		{ "drive_del nosuch", "Device 'nosuch' not found\r\n" },
		{ "drive_add", "drive_add: string expected\r\nTry \"help "
		  "drive_add\" for more information\r\n" },
		{ "getfd myfd", "Error: No file descriptor supplied via "
		  "SCM_RIGHTS\r\n" },
		{ "closefd myfd", "Error: File descriptor named 'myfd' not "
		  "found\r\n" },
		{ "qom-list /nonexist", "Error: Device '/nonexist' not "
		  "found\r\n" },
		{ "info status", "VM status: paused (prelaunch)\r\n" },
		{ "help device_del", "device_del device -- remove device\r\n" },
		{ "help q", "quit|q  -- quit the emulator\r\n" },
		{ "? frob", "unknown command: 'frob'\r\n" },
		{ "help info version", "info version  -- show the version of "
		  "QEMU\r\n" },
		{ "netdev_add tap,id=t1,fd=nosuch", "Error: File descriptor "
		  "named 'nosuch' has not been found\r\n" },
		{ "device_add virtio-net-pci,id=zz,mac=xx", "Error: Property "
		  "'virtio-net-device.mac' doesn't take value 'xx'\r\n" },
		{ "device_add e1000,id=zz,netdev=nosuch", "Error: Property "
		  "'e1000.netdev' can't find value 'nosuch'\r\n" },
	};
	size_t i;

	mon_init(&x, SIMDEV_PC);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		r = hmp_reply(&x, t[i].cmd);
		ck_assert_msg(strcmp(r, t[i].want) == 0, "%s: got '%s'",
		    t[i].cmd, r);
		free(r);
	}
	mon_free(&x);
}
END_TEST

/* ---- QMP against QEMU's bytes -------------------------------------- */

/* Replay a fixture log: send every "->" line, compare every "<-" line as
 * a JSON value (timestamps aside).  With ack, the simulated guest answers
 * unplugs at once (after the command's reply, as a real guest does). */
/* Set every "address" to -1 and "irq" to 0, recursively. */
static void
normalize(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_array(j))
		for (i = 0; i < json_array_size(j); i++)
			normalize(json_array_get(j, i));
	if (!json_is_object(j))
		return;
	json_object_foreach(j, k, v) {
		if (strcmp(k, "address") == 0)
			json_integer_set(v, -1);
		else if (strcmp(k, "irq") == 0)
			json_integer_set(v, 0);
		else
			normalize(v);
	}
}

static void
replay_log_ack(struct mon *x, const char *name, const char *img, int ack)
{
	char rel[128], *log, *line, *save = NULL, *got = NULL;
	struct simmon_ctx c;
	size_t pos = 0;
	int compared = 0;

	snprintf(rel, sizeof rel, "qmp/%s", name);
	log = tu_fixture(rel, NULL);
	ctx(x, &c);
	x->out.n = 0;
	simqmp_greeting(&x->out);
	for (line = strtok_r(log, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t ll = strlen(line);

		/* some logs keep QEMU's "\r\n" on received lines */
		if (ll && line[ll - 1] == '\r')
			line[ll - 1] = '\0';
		if (strncmp(line, "-> ", 3) == 0) {
			char *req = strdup(line + 3), *p;

			p = strstr(req, "/tmp/q/disk1.img");
			if (p && img) {
				char *n;

				*p = '\0';
				ck_assert_int_ge(asprintf(&n, "%s%s%s", req, img,
				    p + strlen("/tmp/q/disk1.img")), 0);
				free(req);
				req = n;
			}
			simqmp_input(&x->q, &c, req, strlen(req), &x->out);
			simqmp_input(&x->q, &c, "\n", 1, &x->out);
			if (ack)
				simmon_complete_unplugs(&c, 0);
			free(req);
		} else if (strncmp(line, "<- ", 3) == 0) {
			json_t *want, *have;
			json_error_t je;
			char *end;

			ck_assert_msg(pos < x->out.n, "%s: no reply for %s",
			    name, line);
			end = strstr(x->out.p + pos, "\r\n");
			ck_assert_ptr_nonnull(end);
			got = strndup(x->out.p + pos, (size_t)(end -
			    (x->out.p + pos)));
			pos = (size_t)(end - x->out.p) + 2;
			want = json_loads(line + 3, 0, &je);
			have = json_loads(got, 0, &je);
			ck_assert_msg(have != NULL, "not JSON: %s", got);
			if (ack) {
				/* a booted guest: firmware-assigned BAR
				 * addresses and IRQ lines are what QEMU varies */
				normalize(want);
				normalize(have);
			}
			if (json_object_get(want, "timestamp")) {
				ck_assert_ptr_nonnull(json_object_get(have,
				    "timestamp"));
				json_object_del(want, "timestamp");
				json_object_del(have, "timestamp");
			} else if (!ack) {
				/* QEMU's key order too */
				ck_assert_msg(strcmp(got, line + 3) == 0,
				    "%s: bytes differ:\n%s\n%s", name, got,
				    line + 3);
			}
			ck_assert_msg(json_equal(want, have), "%s:\n%s\n%s",
			    name, got, line + 3);
			json_decref(want);
			json_decref(have);
			free(got);
			compared++;
		}
	}
	ck_assert_uint_eq(pos, x->out.n);	/* nothing extra */
	ck_assert_int_gt(compared, 5);
	free(log);
}

static void
replay_log(struct mon *x, const char *name, const char *img)
{
	replay_log_ack(x, name, img, 0);
}

START_TEST(qmp_guest_unplug_session)
{
	struct mon x;

	/* a real guest's unplug (tests/fixtures/qmp/guest-unplug-session.log):
	 * the acknowledging simulated guest sends the same two events */
	mon_init(&x, SIMDEV_PC);
	x.m.guest = SIMDEV_GUEST_ACK;
	x.m.ack_ms = 0;
	replay_log_ack(&x, "guest-unplug-session.log", NULL, 1);
	mon_free(&x);
}
END_TEST

START_TEST(qmp_pc_session)
{
	struct mon x;
	char *dir, *img;
	struct strbuf g;
	char *want;

	mon_init(&x, SIMDEV_PC);
	strbuf_init(&g);
	simqmp_greeting(&g);
	want = tu_fixture("qmp/greeting.json", NULL);
	ck_assert_str_eq(g.p, want);
	free(want);
	strbuf_free(&g);
	img = mktmpfile(&dir);
	replay_log(&x, "session.log", img);
	tu_rmrf(dir);
	free(dir);
	free(img);
	mon_free(&x);
}
END_TEST

START_TEST(qmp_reset_completes_unplug)
{
	struct mon x;

	mon_init(&x, SIMDEV_PC);
	replay_log(&x, "reset-completes-unplug.log", NULL);
	mon_free(&x);
}
END_TEST

START_TEST(qmp_fixtures)
{
	struct mon x;
	char *r;
	int i;

	mon_init(&x, SIMDEV_PC);
	r = qmp(&x, "{\"execute\": \"query-pci\"}");
	json_is(r, "err-before-capabilities");
	free(r);
	r = qmp(&x, "{\"execute\": \"qmp_capabilities\"}");
	json_is(r, "capabilities");
	free(r);
	r = qmp(&x, "{\"arguments\": {}}");
	json_is(r, "err-missing-execute");
	free(r);
	r = qmp(&x, "{\"execute\": \"query-status\"}");
	json_is(r, "query-status");
	free(r);
	r = qmp(&x, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"e1000\", \"id\": \"nic-e1000000-pci-4\", \"bus\": \"pci.0\", "
	    "\"addr\": \"0x4\"}}");
	json_is(r, "device-add-nic-ok");
	free(r);
	r = qmp(&x, "{\"execute\": \"query-pci\"}");
	json_is(r, "query-pci-e1000");
	/* byte for byte too: QEMU's key order */
	is_fixture(r, "qmp/query-pci-e1000.json");
	free(r);
	mon_free(&x);

	mon_init(&x, SIMDEV_PC_NODEFAULTS);
	free(qmp(&x, "{\"execute\": \"qmp_capabilities\"}"));
	r = qmp(&x, "{\"execute\": \"query-pci\"}");
	json_is(r, "query-pci-nodefaults");
	free(r);
	for (i = 0; i < 30; i++) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "{\"execute\": \"device_add\", "
		    "\"arguments\": {\"driver\": \"virtio-net-pci\", \"id\": "
		    "\"f%d\"}}", i);
		r = qmp(&x, cmd);
		ck_assert_str_eq(r, "{\"return\": {}}\r\n");
		free(r);
	}
	r = qmp(&x, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"f30\"}}");
	json_is(r, "err-bus-full");
	free(r);
	free(qmp(&x, "{\"execute\": \"device_del\", \"arguments\": "
	    "{\"id\": \"f3\"}}"));
	r = qmp(&x, "{\"execute\": \"device_del\", \"arguments\": "
	    "{\"id\": \"f3\"}}");
	json_is(r, "err-unplug-pending");
	free(r);
	mon_free(&x);

	mon_init(&x, SIMDEV_Q35);
	free(qmp(&x, "{\"execute\": \"qmp_capabilities\"}"));
	r = qmp(&x, "{\"execute\": \"query-pci\"}");
	json_is(r, "query-pci-q35");
	free(r);
	r = qmp(&x, "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"nic-6f1a2b3c-pci-5\", \"bus\": "
	    "\"pcie.0\", \"addr\": \"0x5\"}}");
	json_is(r, "err-no-hotplug-q35");
	free(r);
	mon_free(&x);
}
END_TEST

/* The anonymous-device look (core/qemu/anon.h) answered with QEMU's
 * bytes, over HMP and QMP (tests/fixtures/tools/capture-anon.py). */
START_TEST(qom_anon_fixtures)
{
	struct mon x;
	char *r;

	mon_init(&x, SIMDEV_PC);
	free(hmp_reply(&x, "device_add e1000,addr=0x5"));
	hmp_is(&x, "qom-list /machine/peripheral-anon", "qom-list-anon");
	hmp_is(&x, "qom-get /machine/peripheral-anon/device[0] addr",
	    "qom-get-anon-addr");
	hmp_is(&x, "qom-get /machine/peripheral-anon/device[0] parent_bus",
	    "qom-get-anon-bus");
	hmp_is(&x, "qom-get /machine/peripheral-anon/device[0] nosuch",
	    "err-qom-get-prop");
	hmp_is(&x, "qom-get /machine/peripheral-anon/device[9 addr",
	    "err-qom-get-path");
	mon_free(&x);

	mon_init(&x, SIMDEV_PC);
	free(qmp(&x, "{\"execute\": \"qmp_capabilities\"}"));
	free(qmp(&x, "{\"execute\": \"device_add\", \"arguments\": "
	    "{\"driver\": \"e1000\", \"addr\": \"0x5\"}}"));
	r = qmp(&x, "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral-anon\"}}");
	is_fixture(r, "qmp/qom-list-anon.json");
	free(r);
	r = qmp(&x, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral-anon/device[0]\", \"property\": \"addr\"}}");
	is_fixture(r, "qmp/qom-get-anon-addr.json");
	free(r);
	r = qmp(&x, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral-anon/device[0]\", \"property\": "
	    "\"parent_bus\"}}");
	is_fixture(r, "qmp/qom-get-anon-bus.json");
	free(r);
	r = qmp(&x, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral-anon/device[0]\", \"property\": "
	    "\"nosuch\"}}");
	is_fixture(r, "qmp/err-qom-get-prop.json");
	free(r);
	r = qmp(&x, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral-anon/device[9]\", \"property\": \"addr\"}}");
	is_fixture(r, "qmp/err-qom-get-path.json");
	free(r);
	mon_free(&x);
}
END_TEST

START_TEST(qmp_stream)
{
	struct mon x;
	char *r;

	mon_init(&x, SIMDEV_PC);
	/* a value split over two writes, two values in one */
	r = qmp(&x, "{\"execute\": \"qmp_capa");
	ck_assert_str_eq(r, "");
	free(r);
	r = qmp(&x, "bilities\"}{\"execute\": \"query-status\", \"id\": 7}");
	ck_assert_str_eq(r, "{\"return\": {}}\r\n{\"return\": {\"status\": "
	    "\"prelaunch\", \"singlestep\": false, \"running\": false}, "
	    "\"id\": 7}\r\n");
	free(r);
	r = qmp(&x, "[1, 2]");
	ck_assert_str_eq(r, "{\"error\": {\"class\": \"GenericError\", "
	    "\"desc\": \"QMP input must be a JSON object\"}}\r\n");
	free(r);
	r = qmp(&x, "garbage\n");
	ck_assert_str_eq(r, "{\"error\": {\"class\": \"GenericError\", "
	    "\"desc\": \"JSON parse error, invalid keyword 'garbage'\"}}\r\n");
	free(r);
	r = qmp(&x, "{\"execute\": \"query-version\", \"arguments\": "
	    "{\"x\": 1}}");
	ck_assert_str_eq(r, "{\"error\": {\"class\": \"GenericError\", "
	    "\"desc\": \"Parameter 'x' is unexpected\"}}\r\n");
	free(r);
	r = qmp(&x, "{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"info pci\"}}");
	ck_assert_ptr_nonnull(strstr(r, "Bus  0, device   3, function 0:\\r\\n"));
	free(r);
	mon_free(&x);
}
END_TEST

/* ---- the server ---------------------------------------------------- */

struct srv {
	char *dir;
	struct sim *s;
	struct sim_inst *in;
};

static void
srv_start(struct srv *v, const struct sim_inst_opts *o0)
{
	struct sim_inst_opts o;
	struct err e;

	v->dir = tu_tmpdir();
	ck_assert_ptr_nonnull(v->dir);
	v->s = sim_new(&e);
	ck_assert_ptr_nonnull(v->s);
	if (o0)
		o = *o0;
	else
		memset(&o, 0, sizeof o);
	o.dir = v->dir;
	if (o.name == NULL)
		o.name = "vm1";
	v->in = sim_add(v->s, &o, &e);
	ck_assert_msg(v->in != NULL, "%s", e.msg);
}

static void
srv_stop(struct srv *v)
{
	sim_free(v->s);
	tu_rmrf(v->dir);
	free(v->dir);
}

static int
client(const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* Run the server and read fd into b until b contains needle (or, with
 * needle NULL, until EOF) or max_ms passed.  Returns 1 when found / EOF
 * seen, 0 on time-out. */
static int
pump(struct srv *v, int fd, struct strbuf *b, const char *needle,
    int max_ms)
{
	int64_t end = tu_ms_now() + max_ms;
	struct err e;

	while (tu_ms_now() < end) {
		char buf[8192];
		ssize_t r;

		ck_assert_int_eq(sim_poll(v->s, 5, &e), 0);
		while ((r = read(fd, buf, sizeof buf)) > 0)
			strbuf_add(b, buf, (size_t)r);
		if (r == 0 && needle == NULL)
			return 1;
		if (needle && b->p && memmem(b->p, b->n, needle,
		    strlen(needle)))
			return 1;
	}
	return 0;
}

static void
say(int fd, const char *s)
{
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

START_TEST(server_one_client)
{
	struct srv v;
	struct strbuf a, b;
	int c1, c2, c3;

	srv_start(&v, NULL);
	strbuf_init(&a);
	strbuf_init(&b);
	c1 = client(sim_inst_hmp_path(v.in));
	ck_assert_int_ge(c1, 0);
	ck_assert(pump(&v, c1, &a, SIMMON_PROMPT, 2000));
	is_fixture(a.p, "hmp/banner.raw");
	/* a second client connects, sends, hears nothing */
	c2 = client(sim_inst_hmp_path(v.in));
	ck_assert_int_ge(c2, 0);
	say(c2, "info version\n");
	ck_assert(!pump(&v, c2, &b, "", 300) || b.n == 0);
	ck_assert_uint_eq(b.n, 0);
	/* the first one is still served */
	a.n = 0;
	say(c1, "info version\n");
	ck_assert(pump(&v, c1, &a, "deb12u18+b3\r\n" SIMMON_PROMPT, 2000));
	/* it leaves: the second gets the banner and its command runs */
	close(c1);
	ck_assert(pump(&v, c2, &b, "deb12u18+b3\r\n" SIMMON_PROMPT, 2000));
	ck_assert(strncmp(b.p, "QEMU 7.2.22 monitor", 19) == 0);
	/* a third client gives up before its turn: its command is dropped */
	c3 = client(sim_inst_hmp_path(v.in));
	say(c3, "device_add e1000,id=ghost,addr=0x9\n");
	ck_assert(!pump(&v, c2, &b, "nothing", 100));
	close(c3);
	close(c2);
	c1 = client(sim_inst_hmp_path(v.in));
	a.n = 0;
	say(c1, "info pci\n");
	ck_assert(pump(&v, c1, &a, "id \"\"\r\n" SIMMON_PROMPT, 2000));
	ck_assert_ptr_null(strstr(a.p, "ghost"));
	close(c1);
	/* `echo cmd | socat`: sent, then shut down its side; still served */
	c1 = client(sim_inst_hmp_path(v.in));
	say(c1, "info version\n");
	ck_assert_int_eq(shutdown(c1, SHUT_WR), 0);
	a.n = 0;
	ck_assert(pump(&v, c1, &a, "deb12u18+b3\r\n" SIMMON_PROMPT, 2000));
	close(c1);
	strbuf_free(&a);
	strbuf_free(&b);
	srv_stop(&v);
}
END_TEST

START_TEST(server_qmp_guest_ack)
{
	struct srv v;
	struct sim_inst_opts o;
	struct strbuf a;
	int c;
	char *p1, *p2;

	memset(&o, 0, sizeof o);
	o.guest = SIMDEV_GUEST_ACK;
	o.ack_ms = 50;
	srv_start(&v, &o);
	strbuf_init(&a);
	c = client(sim_inst_qmp_path(v.in));
	ck_assert(pump(&v, c, &a, "}\r\n", 2000));
	is_fixture(a.p, "qmp/greeting.json");
	say(c, "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": "
	    "\"device_add\", \"arguments\": {\"driver\": \"virtio-net-pci\", "
	    "\"id\": \"nic-6f1a2b3c-pci-5\", \"addr\": \"0x5\"}}\n"
	    "{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"nic-6f1a2b3c-pci-5\"}}\n");
	ck_assert(pump(&v, c, &a, "\"path\": \"/machine/peripheral/"
	    "nic-6f1a2b3c-pci-5\"}}\r\n", 3000));
	/* two events, the backend's first, then the device's */
	p1 = strstr(a.p, "{\"path\": \"/machine/peripheral/nic-6f1a2b3c-pci-5/"
	    "virtio-backend\"}");
	p2 = strstr(a.p, "\"data\": {\"device\": \"nic-6f1a2b3c-pci-5\", "
	    "\"path\": \"/machine/peripheral/nic-6f1a2b3c-pci-5\"}");
	ck_assert_ptr_nonnull(p1);
	ck_assert_ptr_nonnull(p2);
	ck_assert(p1 < p2);
	/* the slot is free again */
	a.n = 0;
	say(c, "{\"execute\": \"query-pci\"}\n");
	ck_assert(pump(&v, c, &a, "]}]}\r\n", 2000));
	ck_assert_ptr_null(strstr(a.p, "nic-6f1a2b3c-pci-5"));
	close(c);
	strbuf_free(&a);
	srv_stop(&v);
}
END_TEST

START_TEST(server_guest_ignores)
{
	struct srv v;
	struct sim_inst_opts o;
	struct strbuf a;
	int c;

	memset(&o, 0, sizeof o);
	o.guest = SIMDEV_GUEST_IGNORE;
	srv_start(&v, &o);
	strbuf_init(&a);
	c = client(sim_inst_qmp_path(v.in));
	say(c, "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": "
	    "\"device_add\", \"arguments\": {\"driver\": \"e1000\", "
	    "\"id\": \"n5\", \"addr\": \"0x5\"}}\n{\"execute\": \"device_del\", "
	    "\"arguments\": {\"id\": \"n5\"}}\n");
	ck_assert(pump(&v, c, &a, "{\"return\": {}}\r\n{\"return\": {}}\r\n"
	    "{\"return\": {}}\r\n", 2000));
	/* nothing comes, and the second request is refused */
	ck_assert(!pump(&v, c, &a, "DEVICE_DELETED", 300));
	a.n = 0;
	say(c, "{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"n5\"}}\n");
	ck_assert(pump(&v, c, &a, "\r\n", 2000));
	ck_assert_str_eq(a.p, "{\"error\": {\"class\": \"GenericError\", "
	    "\"desc\": \"Device n5 is already in the process of unplug\"}}\r\n");
	/* system_reset: RESET, the reply, then the deletion */
	a.n = 0;
	say(c, "{\"execute\": \"system_reset\"}\n");
	ck_assert(pump(&v, c, &a, "\"device\": \"n5\"", 2000));
	ck_assert(strstr(a.p, "RESET") < strstr(a.p, "{\"return\": {}}"));
	ck_assert(strstr(a.p, "{\"return\": {}}") < strstr(a.p,
	    "DEVICE_DELETED"));
	close(c);
	strbuf_free(&a);
	srv_stop(&v);
}
END_TEST

START_TEST(server_getfd)
{
	struct srv v;
	struct strbuf a;
	int c, p[2];
	struct msghdr mh;
	struct iovec iov;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr *cm;
	const char *cmd = "getfd tapfd\n";

	srv_start(&v, NULL);
	strbuf_init(&a);
	c = client(sim_inst_hmp_path(v.in));
	ck_assert(pump(&v, c, &a, SIMMON_PROMPT, 2000));
	ck_assert_int_eq(pipe(p), 0);
	memset(&mh, 0, sizeof mh);
	iov.iov_base = (void *)cmd;
	iov.iov_len = strlen(cmd);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
	ck_assert_int_eq(sendmsg(c, &mh, 0), (ssize_t)strlen(cmd));
	close(p[0]);
	a.n = 0;
	ck_assert(pump(&v, c, &a, "\r\n" SIMMON_PROMPT, 2000));
	ck_assert_ptr_null(strstr(a.p, "Error"));
	/* the named fd serves a tap netdev once */
	a.n = 0;
	say(c, "netdev_add tap,id=hostnet-1,fd=tapfd\n");
	ck_assert(pump(&v, c, &a, "\r\n" SIMMON_PROMPT, 2000));
	ck_assert_ptr_null(strstr(a.p, "Error"));
	a.n = 0;
	say(c, "closefd tapfd\n");
	ck_assert(pump(&v, c, &a, "not found\r\n" SIMMON_PROMPT, 2000));
	close(p[1]);
	close(c);
	strbuf_free(&a);
	srv_stop(&v);
}
END_TEST

START_TEST(server_faults)
{
	struct srv v;
	struct sim_inst_opts o;
	struct strbuf a;
	int c;

	/* slow: each reply is held back, the greeting is not (a slow
	 * monitor answers slowly; it does not look busy) */
	memset(&o, 0, sizeof o);
	o.fault.slow_ms = 1500;
	srv_start(&v, &o);
	strbuf_init(&a);
	c = client(sim_inst_hmp_path(v.in));
	ck_assert(pump(&v, c, &a, SIMMON_PROMPT, 1000));
	a.n = 0;
	say(c, "info version\n");
	ck_assert(!pump(&v, c, &a, "deb12u18", 200));
	ck_assert(pump(&v, c, &a, "deb12u18+b3\r\n" SIMMON_PROMPT, 4000));
	close(c);
	a.n = 0;
	c = client(sim_inst_qmp_path(v.in));
	ck_assert(pump(&v, c, &a, "\"QMP\"", 1000));
	a.n = 0;
	say(c, "{\"execute\": \"qmp_capabilities\"}\n");
	ck_assert(!pump(&v, c, &a, "return", 200));
	ck_assert(pump(&v, c, &a, "{\"return\": {}}\r\n", 4000));
	close(c);
	srv_stop(&v);

	/* cut: half a reply, then the connection drops */
	memset(&o, 0, sizeof o);
	o.fault.cut_reply = 1;
	srv_start(&v, &o);
	c = client(sim_inst_hmp_path(v.in));
	ck_assert(pump(&v, c, &a, SIMMON_PROMPT, 2000));
	a.n = 0;
	say(c, "info pci\n");
	ck_assert(pump(&v, c, &a, NULL, 2000));		/* EOF */
	ck_assert_uint_gt(a.n, 0);
	ck_assert_ptr_null(strstr(a.p, SIMMON_PROMPT));
	close(c);
	srv_stop(&v);

	/* garbage before each reply */
	memset(&o, 0, sizeof o);
	o.fault.garbage = 1;
	srv_start(&v, &o);
	c = client(sim_inst_qmp_path(v.in));
	ck_assert(pump(&v, c, &a, "\r\n", 2000));
	a.n = 0;
	say(c, "{\"execute\": \"qmp_capabilities\"}\n");
	ck_assert(pump(&v, c, &a, "{\"return\": {}}\r\n", 2000));
	ck_assert(strncmp(a.p, "{\"return\"", 9) != 0);
	close(c);
	srv_stop(&v);

	/* crash: after two commands the monitor is gone for good */
	memset(&o, 0, sizeof o);
	o.fault.crash_after = 2;
	srv_start(&v, &o);
	c = client(sim_inst_hmp_path(v.in));
	say(c, "info version\ninfo version\ninfo version\n");
	ck_assert(pump(&v, c, &a, NULL, 2000));
	close(c);
	ck_assert(sim_inst_dead(v.in));
	ck_assert_int_eq(client(sim_inst_hmp_path(v.in)), -1);
	ck_assert_int_eq(errno, ECONNREFUSED);
	ck_assert_int_eq(access(sim_inst_qmp_path(v.in), F_OK), 0);
	strbuf_free(&a);
	srv_stop(&v);
}
END_TEST

/* ---- scenarios ------------------------------------------------------ */

static void
hmp_ask(struct srv *v, struct sim_inst *in, const char *cmd,
    struct strbuf *a)
{
	int c = client(sim_inst_hmp_path(in));

	ck_assert_int_ge(c, 0);
	a->n = 0;
	ck_assert(pump(v, c, a, SIMMON_PROMPT, 2000));
	a->n = 0;
	say(c, cmd);
	say(c, "\n");
	ck_assert(pump(v, c, a, "\r\n" SIMMON_PROMPT, 2000));
	close(c);
}

START_TEST(scenarios)
{
	struct srv v;
	struct strbuf a;
	struct err e;
	size_t n;
	const struct simscen *l = simscen_list(&n);
	int c;

	ck_assert_uint_eq(n, 8);
	ck_assert_ptr_nonnull(simscen_find("stuck-unplug"));
	ck_assert_ptr_nonnull(simscen_find("ganeti-collision"));
	ck_assert_ptr_null(simscen_find("nosuch"));
	(void)l;
	strbuf_init(&a);
	v.dir = tu_tmpdir();
	v.s = sim_new(&e);
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 2, SIMDEV_PC,
	    "full-bus", &e), 0);
	ck_assert_uint_eq(sim_count(v.s), 2);
	ck_assert_str_eq(sim_inst_name(sim_get(v.s, 1)), "vm2");
	hmp_ask(&v, sim_get(v.s, 1), "device_add e1000,id=late", &a);
	ck_assert_ptr_nonnull(strstr(a.p, "Error: PCI: no slot/function "
	    "available for e1000, all in use or reserved"));
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 1, SIMDEV_PC, "nosuch",
	    &e), -1);
	srv_stop(&v);

	v.dir = tu_tmpdir();
	v.s = sim_new(&e);
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 1, SIMDEV_PC,
	    "orphan-device", &e), 0);
	hmp_ask(&v, sim_get(v.s, 0), "info pci", &a);
	ck_assert_ptr_nonnull(strstr(a.p, "id \"nic-0badc0de-pci-7\""));
	srv_stop(&v);

	/* Ganeti's NIC and disk at 12, 13 and the unrecorded e1000 at 14 */
	v.dir = tu_tmpdir();
	v.s = sim_new(&e);
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 1, SIMDEV_PC,
	    "ganeti-collision", &e), 0);
	hmp_ask(&v, sim_get(v.s, 0), "info pci", &a);
	ck_assert_ptr_nonnull(strstr(a.p, "id \"nic-6a1c2e00-4b1d-4c2a\""));
	ck_assert_ptr_nonnull(strstr(a.p, "Bus  0, device  14, function 0:\r\n"
	    "    Ethernet controller: PCI device 8086:100e"));
	srv_stop(&v);

	v.dir = tu_tmpdir();
	v.s = sim_new(&e);
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 1, SIMDEV_PC,
	    "stuck-unplug", &e), 0);
	hmp_ask(&v, sim_get(v.s, 0), "info pci", &a);
	{
		char *id = strstr(a.p, "id \"nic-"), did[64];

		ck_assert_ptr_nonnull(id);
		sscanf(id + 4, "%63[^\"]", did);
		snprintf(id = malloc(100), 100, "device_del %s", did);
		hmp_ask(&v, sim_get(v.s, 0), id, &a);
		ck_assert_str_eq(strstr(a.p, "\r\n") + 2, SIMMON_PROMPT);
		hmp_ask(&v, sim_get(v.s, 0), id, &a);
		ck_assert_ptr_nonnull(strstr(a.p, "already in the process of "
		    "unplug"));
		hmp_ask(&v, sim_get(v.s, 0), "info pci", &a);
		ck_assert_ptr_nonnull(strstr(a.p, did));
		free(id);
	}
	srv_stop(&v);

	v.dir = tu_tmpdir();
	v.s = sim_new(&e);
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 1, SIMDEV_PC,
	    "busy-monitor", &e), 0);
	c = client(sim_inst_qmp_path(sim_get(v.s, 0)));
	ck_assert_int_ge(c, 0);		/* connects... */
	a.n = 0;
	ck_assert(!pump(&v, c, &a, "QMP", 300));	/* ...hears nothing */
	ck_assert_uint_eq(a.n, 0);
	sim_inst_set_held(sim_get(v.s, 0), 0);
	ck_assert(pump(&v, c, &a, "\"QMP\"", 2000));
	close(c);
	srv_stop(&v);

	v.dir = tu_tmpdir();
	v.s = sim_new(&e);
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 1, SIMDEV_PC,
	    "crashed-instance", &e), 0);
	c = client(sim_inst_qmp_path(sim_get(v.s, 0)));
	say(c, "{\"execute\": \"qmp_capabilities\"}{\"execute\": "
	    "\"query-version\"}{\"execute\": \"query-pci\"}{\"execute\": "
	    "\"query-pci\"}{\"execute\": \"query-pci\"}");
	a.n = 0;
	ck_assert(pump(&v, c, &a, NULL, 2000));
	ck_assert_ptr_nonnull(strstr(a.p, "\"package\""));
	close(c);
	ck_assert_int_eq(client(sim_inst_qmp_path(sim_get(v.s, 0))), -1);
	srv_stop(&v);

	v.dir = tu_tmpdir();
	v.s = sim_new(&e);
	ck_assert_int_eq(simscen_populate(v.s, v.dir, 1, SIMDEV_PC, "q35",
	    &e), 0);
	hmp_ask(&v, sim_get(v.s, 0), "device_add e1000,id=n1", &a);
	ck_assert_ptr_nonnull(strstr(a.p, "Error: Bus 'pcie.0' does not "
	    "support hotplugging"));
	srv_stop(&v);
	strbuf_free(&a);
}
END_TEST

/* ---- the binary ----------------------------------------------------- */

static int
wait_file(const char *path, int max_ms)
{
	int64_t end = tu_ms_now() + max_ms;

	while (tu_ms_now() < end) {
		if (access(path, F_OK) == 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

START_TEST(simulate_binary)
{
	char *dir = tu_tmpdir(), *path, *out;
	pid_t pid;
	int st, c;
	struct sockaddr_un sa;
	char buf[256];
	ssize_t r;
	size_t got = 0;

	ck_assert_int_ge(asprintf(&path, "%s/vm3.qmp", dir), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl(tu_bin(), "slotscope", "--simulate", dir, "--instances",
		    "3", (char *)NULL);
		_exit(127);
	}
	ck_assert(wait_file(path, 5000));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
	while (got < sizeof buf - 1 && !memchr(buf, '\n', got) &&
	    (r = read(c, buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	is_fixture(buf, "qmp/greeting.json");
	close(c);
	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* SIGTERM removed the sockets */
	ck_assert_int_ne(access(path, F_OK), 0);
	free(path);
	ck_assert_int_eq(tu_run("\"$SLOTSCOPE_BIN\" --scenario list", &out),
	    0);
	ck_assert_ptr_nonnull(strstr(out, "stuck-unplug "));
	free(out);
	/* given names instead of vm1..vmN */
	ck_assert_int_ge(asprintf(&path, "%s/db1.monitor", dir), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl(tu_bin(), "slotscope", "--simulate", dir, "--names",
		    "web1,db1", (char *)NULL);
		_exit(127);
	}
	ck_assert(wait_file(path, 5000));
	c = client(path);
	ck_assert_int_ge(c, 0);
	close(c);
	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_ne(access(path, F_OK), 0);
	free(path);
	ck_assert_int_ne(tu_run("\"$SLOTSCOPE_BIN\" --simulate /tmp "
	    "--names 'a,../b'", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "instance name"));
	free(out);
	ck_assert_int_ne(tu_run("\"$SLOTSCOPE_BIN\" --simulate /tmp "
	    "--scenario nosuch", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "unknown scenario nosuch"));
	free(out);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* Each scenario served by `slotscope --simulate`, seen by the real
 * monitor client (`slotscope --probe`). */
static pid_t
simulate_bg(const char *dir, const char *scenario)
{
	char path[400];
	pid_t pid = tu_sim_spawn(dir, "--scenario", scenario, (char *)NULL);

	snprintf(path, sizeof path, "%s/vm1.qmp", dir);
	ck_assert(wait_file(path, 5000));
	snprintf(path, sizeof path, "%s/vm1.monitor", dir);
	ck_assert(wait_file(path, 5000));
	return pid;
}

static int
probe(const char *dir, const char *sock, char **out)
{
	char *cmd;
	int rc;

	ck_assert_int_ge(asprintf(&cmd, "\"$SLOTSCOPE_BIN\" --probe %s/%s",
	    dir, sock), 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

START_TEST(scenarios_probe)
{
	static const struct {
		const char *scen, *sock, *want;
		int ok;
	} t[] = {
		{ "full-bus", "vm1.qmp", "slot 31  occupied  fn 0 Ethernet "
		  "controller [1af4:1000] id nic-", 1 },
		{ "orphan-device", "vm1.monitor", "slot  7  occupied  fn 0 "
		  "Ethernet controller [8086:100e] id nic-0badc0de-pci-7", 1 },
		{ "stuck-unplug", "vm1.qmp", "slot  5  occupied", 1 },
		{ "q35", "vm1.monitor", "slot 31  occupied  fn 0 ISA bridge "
		  "[8086:2918]; fn 2 SATA controller [8086:2922]; fn 3 SMBus "
		  "[8086:2930]", 1 },
		{ "busy-monitor", "vm1.qmp", "busy", 0 },
		{ "crashed-instance", "vm1.qmp", "over QMP", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *dir = tu_tmpdir(), *out;
		pid_t pid = simulate_bg(dir, t[i].scen);
		int rc = probe(dir, t[i].sock, &out);

		ck_assert_msg((rc == 0) == t[i].ok, "%s: rc %d: %s",
		    t[i].scen, rc, out);
		ck_assert_msg(strstr(out, t[i].want) != NULL, "%s: %s",
		    t[i].scen, out);
		free(out);
		if (strcmp(t[i].scen, "crashed-instance") == 0) {
			/* the next session dies mid-way, later ones are
			 * refused: the instance is gone */
			ck_assert_int_ne(probe(dir, t[i].sock, &out), 0);
			free(out);
			ck_assert_int_ne(probe(dir, "vm1.monitor", &out), 0);
			free(out);
		}
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		tu_rmrf(dir);
		free(dir);
	}
}
END_TEST

START_TEST(demo_lifecycle)
{
	struct sim_demo d;
	struct err e;
	char dir[256], rt[400];
	size_t i;

	ck_assert_int_eq(sim_demo_start("orphan-device", &d, &e), 0);
	ck_assert_uint_eq(d.n, 4);
	snprintf(dir, sizeof dir, "%s", d.dir);
	for (i = 0; i < d.n; i++) {
		ck_assert(wait_file(d.inst[i].hmp, 2000));
		ck_assert(wait_file(d.inst[i].qmp, 2000));
		ck_assert(strncmp(d.inst[i].endpoint, "unix:", 5) == 0);
	}
	ck_assert_str_eq(d.inst[0].name, "web1");
	/* runtime files know the demo's devices */
	snprintf(rt, sizeof rt, "%s/web1.json", d.runtime_dir);
	ck_assert_int_eq(access(rt, F_OK), 0);
	/* the child serves: a client gets the greeting */
	{
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un sa;
		char buf[16];

		memset(&sa, 0, sizeof sa);
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", d.inst[1].qmp);
		ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof sa),
		    0);
		ck_assert_int_eq(read(c, buf, 7), 7);
		ck_assert(memcmp(buf, "{\"QMP\":", 7) == 0);
		close(c);
	}
	/* the first screen shows every state the legend lists: web1 has
	 * used slots, operator reservations (12-15), a hand-added device
	 * (foreign) and a recorded device the bus lacks (missing); db1 is
	 * nearly full, fresh1 fresh */
	{
		char *cmd, *out = NULL;
		static const char *const want[] = {
			"{\"slot\":4,\"state\":\"used\"",
			"{\"slot\":8,\"state\":\"used\"",
			"{\"slot\":9,\"state\":\"free\"",
			"{\"slot\":10,\"state\":\"foreign\",\"reserved\":"
			"false,\"id\":\"hand-added-e1000\"",
			"{\"slot\":11,\"state\":\"missing\",\"reserved\":"
			"false,\"id\":\"disk-",
			"{\"slot\":12,\"state\":\"reserved\"",
			"{\"slot\":15,\"state\":\"reserved\"",
			"{\"slot\":16,\"state\":\"free\"",
			"\"free\":2,", "\"free\":28,",
		};

		ck_assert_int_ge(asprintf(&cmd, "\"$SLOTSCOPE_BIN\" "
		    "--runtime-dir %s web1=%s db1=%s fresh1=%s -c 'show web1' "
		    "-c 'list' --json", d.runtime_dir, d.inst[0].endpoint,
		    d.inst[1].endpoint, d.inst[2].endpoint), 0);
		ck_assert_int_eq(tu_run(cmd, &out), 0);
		for (i = 0; i < sizeof want / sizeof want[0]; i++)
			ck_assert_msg(strstr(out, want[i]) != NULL,
			    "demo lacks %s:\n%s", want[i], out);
		free(out);
		free(cmd);
	}
	sim_demo_stop(&d);
	ck_assert_int_ne(access(dir, F_OK), 0);
	sim_demo_stop(&d);	/* twice is fine */
	ck_assert_int_eq(sim_demo_start("nosuch", &d, &e), -1);
}
END_TEST

/* The device options through the simulator, with QEMU 7.2's texts (seen
 * on 7.2.22): the protocol driver against what the path is, aio=native
 * without cache.direct, a qcow2 driver on a raw file, bad cache/aio/
 * discard values per protocol; info network with the board's e1000 and a
 * hot-added NIC's MAC; info block and query-block of what was opened. */
START_TEST(device_options)
{
	struct mon x;
	char *dir, *img = mktmpfile(&dir), line[4400], *r;
	json_t *j, *b;

	mon_init(&x, SIMDEV_PC);
	snprintf(line, sizeof line, "drive_add dummy file=%s,if=none,id=d1,"
	    "format=raw,file.driver=host_device", img);
	r = hmp_reply(&x, line);
	ck_assert_msg(strstr(r, "'host_device' driver requires") &&
	    strstr(r, "to be either a character or block device"), "%s", r);
	free(r);
	snprintf(line, sizeof line, "drive_add dummy file=%s,if=none,id=d1,"
	    "format=raw,aio=native", img);
	r = hmp_reply(&x, line);
	ck_assert_str_eq(r, "aio=native was specified, but it requires "
	    "cache.direct=on, which was not specified.\r\n");
	free(r);
	snprintf(line, sizeof line, "drive_add dummy file=%s,if=none,id=d1,"
	    "format=qcow2", img);
	r = hmp_reply(&x, line);
	ck_assert_str_eq(r, "Image is not in qcow2 format\r\n");
	free(r);
	snprintf(line, sizeof line, "drive_add dummy file=%s,if=none,id=d1,"
	    "cache=fast", img);
	r = hmp_reply(&x, line);
	ck_assert_str_eq(r, "invalid cache option\r\n");
	free(r);
	snprintf(line, sizeof line, "drive_add dummy file=%s,if=none,id=d1,"
	    "format=raw,readonly=on,cache=none,aio=native", img);
	r = hmp_reply(&x, line);
	ck_assert_str_eq(r, "OK\r\n");
	free(r);
	r = hmp_reply(&x, "device_add virtio-blk-pci,id=disk1,drive=d1,"
	    "addr=0x6,serial=S1");
	free(r);
	r = hmp_reply(&x, "info block");
	ck_assert_msg(strstr(r, "d1 (#block") && strstr(r, "(raw, read-only)"
	    "\r\n    Attached to:      /machine/peripheral/disk1/"
	    "virtio-backend\r\n    Cache mode:       writeback, direct"), "%s",
	    r);
	free(r);
	r = hmp_reply(&x, "info block -n");
	ck_assert_msg(strstr(r, "(file, read-only)") != NULL, "%s", r);
	free(r);
	r = hmp_reply(&x, "device_add e1000,id=nic1,mac=52:54:00:AB:00:01,"
	    "addr=0x7");
	free(r);
	r = hmp_reply(&x, "info network");
	ck_assert_msg(strstr(r, " \\ hub0port0: e1000.0: index=0,type=nic,"
	    "model=e1000,macaddr=52:54:00:12:34:56\r\n") && strstr(r,
	    "nic1: index=0,type=nic,model=e1000,macaddr=52:54:00:ab:00:01"),
	    "%s", r);
	free(r);
	/* QMP: its own texts for bad values, query-block of the open one */
	r = qmp(&x, "{\"execute\": \"qmp_capabilities\"}");
	free(r);
	snprintf(line, sizeof line, "{\"execute\": \"blockdev-add\", "
	    "\"arguments\": {\"driver\": \"raw\", \"node-name\": \"n2\", "
	    "\"file\": {\"driver\": \"file\", \"filename\": \"%s\", "
	    "\"aio\": \"posix\"}}}", img);
	r = qmp(&x, line);
	ck_assert_msg(strstr(r, "Parameter 'aio' does not accept value "
	    "'posix'") != NULL, "%s", r);
	free(r);
	r = qmp(&x, "{\"execute\": \"query-block\"}");
	j = json_loads(r, 0, NULL);
	free(r);
	ck_assert_ptr_nonnull(j);
	{
		size_t k;
		json_t *e2, *found = NULL;

		json_array_foreach(json_object_get(j, "return"), k, e2)
			if (json_is_string(json_object_get(e2, "qdev")) &&
			    strcmp(json_string_value(json_object_get(e2,
			    "qdev")), "/machine/peripheral/disk1/"
			    "virtio-backend") == 0)
				found = e2;
		ck_assert_ptr_nonnull(found);
		b = json_object_get(found, "inserted");
	}
	ck_assert(json_is_true(json_object_get(b, "ro")));
	ck_assert(json_is_true(json_object_get(json_object_get(b, "cache"),
	    "direct")));
	json_decref(j);
	mon_free(&x);
	unlink(img);
	rmdir(dir);
	free(img);
	free(dir);
}
END_TEST

/* One socket only (sim_inst_opts.sockets, sim_set_sockets): the other
 * file is not made, the one there serves. */
START_TEST(server_one_socket)
{
	struct sim_inst_opts o;
	struct sim_inst *in2;
	struct strbuf a;
	struct srv v;
	struct err e;
	char path[4200];
	int c;

	memset(&o, 0, sizeof o);
	o.sockets = SIM_SOCK_QMP;
	srv_start(&v, &o);
	ck_assert_ptr_null(sim_inst_hmp_path(v.in));
	snprintf(path, sizeof path, "%s/vm1.monitor", v.dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	strbuf_init(&a);
	c = client(sim_inst_qmp_path(v.in));
	ck_assert_int_ge(c, 0);
	ck_assert(pump(&v, c, &a, "\"QMP\"", 2000));
	close(c);
	/* the sim's default for those that do not say */
	sim_set_sockets(v.s, SIM_SOCK_HMP);
	memset(&o, 0, sizeof o);
	o.dir = v.dir;
	o.name = "vm2";
	in2 = sim_add(v.s, &o, &e);
	ck_assert_msg(in2 != NULL, "%s", e.msg);
	ck_assert_ptr_null(sim_inst_qmp_path(in2));
	a.n = 0;
	c = client(sim_inst_hmp_path(in2));
	ck_assert_int_ge(c, 0);
	ck_assert(pump(&v, c, &a, SIMMON_PROMPT, 2000));
	close(c);
	for (c = 0; c < 5; c++)		/* it sees the client go */
		ck_assert_int_eq(sim_poll(v.s, 20, &e), 0);
	/* the pipe, the epoll set, one listener each */
	ck_assert_uint_eq(sim_fd_count(v.s), 3 + 2);
	{
		enum sim_sockets w;

		ck_assert_int_eq(sim_sockets_parse("qmp", 3, &w, &e), 0);
		ck_assert_int_eq(w, SIM_SOCK_QMP);
		ck_assert_int_eq(sim_sockets_parse("both", 4, &w, &e), 0);
		ck_assert_int_eq(w, SIM_SOCK_BOTH);
		ck_assert_int_eq(sim_sockets_parse("qm", 2, &w, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "both, qmp or hmp"));
	}
	strbuf_free(&a);
	srv_stop(&v);
}
END_TEST

/* Out of descriptors: with RLIMIT_NOFILE lowered in a child to the fds
 * it has, a client that connects cannot be accepted (EMFILE).  The
 * simulator does not spin on the listener that stays readable: in a
 * second of sim_poll(50 ms) it wakes a few dozen times (it used to be
 * hundreds of thousands), and once the limit is back the waiting client
 * is accepted and greeted. */
START_TEST(server_out_of_fds)
{
	struct srv v;
	struct strbuf b;
	int rep[2], go[2], c, st;
	long count = -1;
	char ch;
	pid_t pid;

	srv_start(&v, NULL);
	ck_assert_int_eq(pipe(rep), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit old, low;
		struct err e;
		int64_t end;
		int lowest = dup(0);

		close(lowest);		/* every fd below it is taken */
		if (getrlimit(RLIMIT_NOFILE, &old) < 0)
			_exit(2);
		low = old;
		low.rlim_cur = (rlim_t)lowest;
		if (setrlimit(RLIMIT_NOFILE, &low) < 0 ||
		    write(rep[1], "r", 1) != 1 || read(go[0], &ch, 1) != 1)
			_exit(3);
		for (count = 0, end = tu_ms_now() + 1000; tu_ms_now() < end; count++)
			if (sim_poll(v.s, 50, &e) < 0)
				_exit(4);
		if (setrlimit(RLIMIT_NOFILE, &old) < 0 ||
		    write(rep[1], &count, sizeof count) != sizeof count)
			_exit(5);
		fcntl(go[0], F_SETFL, O_NONBLOCK);
		for (end = tu_ms_now() + 10000; tu_ms_now() < end &&
		    read(go[0], &ch, 1) != 1;)
			if (sim_poll(v.s, 50, &e) < 0)
				_exit(6);
		_exit(0);
	}
	ck_assert_int_eq(read(rep[0], &ch, 1), 1);
	c = client(sim_inst_qmp_path(v.in));	/* queued: not accepted */
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert_int_eq(read(rep[0], &count, sizeof count),
	    (ssize_t)sizeof count);
	ck_assert_msg(count >= 1 && count < 200, "%ld wakeups in 1 s", count);
	{
		struct pollfd p = { .fd = c, .events = POLLIN };
		int64_t end = tu_ms_now() + 5000;
		char buf[4096];
		ssize_t r;

		strbuf_init(&b);
		while (tu_ms_now() < end && (b.p == NULL || strstr(b.p, "\"QMP\"") ==
		    NULL)) {
			poll(&p, 1, 100);
			if ((r = read(c, buf, sizeof buf - 1)) > 0)
				strbuf_add(&b, buf, (size_t)r);
		}
		ck_assert_msg(b.p != NULL && strncmp(b.p, "{\"QMP\":", 7) == 0,
		    "no greeting: %s", b.p ? b.p : "(nothing)");
		strbuf_free(&b);
	}
	ck_assert_int_eq(write(go[1], "q", 1), 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d", st);
	close(c);
	close(rep[0]);
	close(rep[1]);
	close(go[0]);
	close(go[1]);
	srv_stop(&v);
}
END_TEST

Suite *
sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("model");
	TCase *sv = tcase_create("server");

	tcase_add_test(tc, machine_defaults);
	tcase_add_test(tc, backends_listed_as_qemu);
	tcase_add_test(tc, device_add_rules);
	tcase_add_test(tc, root_ports);
	tcase_add_test(tc, guest_ack_timing);
	tcase_add_test(tc, option_parsers);
	tcase_add_test(tc, device_options);
	tcase_add_test(tc, hmp_pc_session);
	tcase_add_test(tc, hmp_charwise_echo);
	tcase_add_test(tc, hmp_readline_editing);
	tcase_add_test(tc, hmp_other_machines);
	tcase_add_test(tc, hmp_qom_order);
	tcase_add_test(tc, qom_anon_fixtures);
	tcase_add_test(tc, hmp_more_errors);
	tcase_add_test(tc, qmp_pc_session);
	tcase_add_test(tc, qmp_reset_completes_unplug);
	tcase_add_test(tc, qmp_guest_unplug_session);
	tcase_add_test(tc, qmp_fixtures);
	tcase_add_test(tc, qmp_stream);
	suite_add_tcase(s, tc);
	tcase_set_timeout(sv, 30);
	tcase_add_test(sv, server_one_client);
	tcase_add_test(sv, server_one_socket);
	tcase_add_test(sv, server_qmp_guest_ack);
	tcase_add_test(sv, server_guest_ignores);
	tcase_add_test(sv, server_getfd);
	tcase_add_test(sv, server_faults);
	tcase_add_test(sv, server_out_of_fds);
	tcase_add_test(sv, scenarios);
	tcase_add_test(sv, simulate_binary);
	tcase_add_test(sv, scenarios_probe);
	tcase_add_test(sv, demo_lifecycle);
	suite_add_tcase(s, sv);
	return s;
}
