/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_simdiff.c - differential test: the same scripted monitor sessions
 * run against a real paused QEMU and against the simulator
 * (`slotscope --simulate`), and every reply must be the same: HMP byte for
 * byte (echo included), QMP as JSON values with only event timestamps
 * allowed to differ (and byte for byte for replies).
 *
 * Needs qemu-system-x86_64: in CI a missing QEMU fails the suite.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simspawn.h"
#include "testutil.h"

struct buf {
	char *p;
	size_t n, cap;
};

static void
badd(struct buf *b, const char *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static int
connect_unix(const char *path, int max_ms)
{
	int64_t end = tu_ms_now() + max_ms;
	struct sockaddr_un a;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	while (tu_ms_now() < end) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		ck_assert_int_ge(fd, 0);
		if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			return fd;
		close(fd);
		usleep(20000);
	}
	ck_abort_msg("cannot connect to %s", path);
	return -1;
}

/* Read from fd into b (appending) until b ends with `end` (HMP prompt)
 * or holds a full "\r\n" line after `from`; max 5 s. */
static void
read_until(int fd, struct buf *b, const char *end, int max_ms)
{
	int64_t dl = tu_ms_now() + max_ms;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		char tmp[65536];
		ssize_t r;
		int left = (int)(dl - tu_ms_now());

		if (end && b->n >= strlen(end) &&
		    memcmp(b->p + b->n - strlen(end), end, strlen(end)) == 0)
			return;
		if (end == NULL && b->n && memmem(b->p, b->n, "\r\n", 2))
			return;
		if (left <= 0)
			ck_abort_msg("no complete reply within %d ms (have %zu "
			    "bytes)", max_ms, b->n);
		if (poll(&p, 1, left) <= 0)
			continue;
		r = read(fd, tmp, sizeof tmp);
		ck_assert_msg(r > 0, "the monitor closed the connection");
		badd(b, tmp, (size_t)r);
	}
}

/* ---- the peers ------------------------------------------------------ */

struct peer {
	char dir[256];
	char hmp[300], qmp[300];
	pid_t pid;		/* simulator child, or -1 */
	int qemu;		/* 1 = real QEMU (pidfile) */
};

static void
start_qemu(struct peer *p, const char *dir, const char *machine,
    const char *extra)
{
	snprintf(p->dir, sizeof p->dir, "%s/qemu", dir);
	mkdir(p->dir, 0700);
	snprintf(p->hmp, sizeof p->hmp, "%s/hmp.sock", p->dir);
	snprintf(p->qmp, sizeof p->qmp, "%s/qmp.sock", p->dir);
	ck_assert_msg(tu_qemu_start(p->dir, machine, extra) == 0,
	    "QEMU did not start (its output is above)");
	p->pid = -1;
	p->qemu = 1;
}

static void
start_sim(struct peer *p, const char *dir, const char *machine)
{
	snprintf(p->dir, sizeof p->dir, "%s/sim", dir);
	mkdir(p->dir, 0700);
	snprintf(p->hmp, sizeof p->hmp, "%s/vm1.monitor", p->dir);
	snprintf(p->qmp, sizeof p->qmp, "%s/vm1.qmp", p->dir);
	p->qemu = 0;
	p->pid = tu_sim_spawn(p->dir, "--machine", machine, (char *)NULL);
	/* connect_unix() waits for the sockets */
}

static void
stop_peer(struct peer *p)
{
	if (p->qemu) {
		tu_qemu_stop(p->dir);
	} else if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
	}
}

/* ---- scripted sessions --------------------------------------------- */

/* One step: "h:LINE" an HMP command, "q:JSON" a QMP command, "e:MS"
 * collect QMP events for MS milliseconds. */
struct transcript {
	struct buf *step;	/* the bytes received per step */
	size_t n;
};

static void
run_session(struct peer *p, const char *const *steps, size_t n,
    struct transcript *t)
{
	int h = connect_unix(p->hmp, 5000), q = connect_unix(p->qmp, 5000);
	struct buf banner = { 0 }, greet = { 0 }, pend = { 0 };
	size_t i;

	read_until(h, &banner, "(qemu) ", 5000);
	read_until(q, &greet, NULL, 5000);
	free(banner.p);
	free(greet.p);
	t->step = calloc(n, sizeof *t->step);
	t->n = n;
	for (i = 0; i < n; i++) {
		const char *s = steps[i] + 2;

		if (steps[i][0] == 'h') {
			ck_assert_int_eq(write(h, s, strlen(s)),
			    (ssize_t)strlen(s));
			ck_assert_int_eq(write(h, "\n", 1), 1);
			read_until(h, &t->step[i], "(qemu) ", 10000);
		} else if (steps[i][0] == 'q') {
			ck_assert_int_eq(write(q, s, strlen(s)),
			    (ssize_t)strlen(s));
			ck_assert_int_eq(write(q, "\n", 1), 1);
			/* lines until one that is not an event */
			for (;;) {
				char *nl;
				size_t len;
				int event;

				if (!memmem(pend.p ? pend.p : "", pend.n,
				    "\r\n", 2))
					read_until(q, &pend, NULL, 10000);
				nl = memmem(pend.p, pend.n, "\r\n", 2);
				len = (size_t)(nl + 2 - pend.p);
				event = strncmp(pend.p, "{\"timestamp\"", 12)
				    == 0;
				badd(&t->step[i], pend.p, len);
				memmove(pend.p, pend.p + len, pend.n - len);
				pend.n -= len;
				if (!event)
					break;
			}
		} else {
			int64_t end = tu_ms_now() + atoi(s);

			if (pend.n)
				badd(&t->step[i], pend.p, pend.n);
			pend.n = 0;
			while (tu_ms_now() < end) {
				struct pollfd pf = { q, POLLIN, 0 };
				char tmp[4096];
				ssize_t r;

				if (poll(&pf, 1, (int)(end - tu_ms_now())) <= 0)
					continue;
				r = read(q, tmp, sizeof tmp);
				if (r <= 0)
					break;
				badd(&t->step[i], tmp, (size_t)r);
			}
		}
	}
	free(pend.p);
	close(h);
	close(q);
}

static void
free_transcript(struct transcript *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->step[i].p);
	free(t->step);
}

/* Compare QMP lines: events as JSON values without timestamps, other
 * lines byte for byte. */
static void
compare_qmp(const char *step, const char *a, const char *b)
{
	char *x = strdup(a ? a : ""), *y = strdup(b ? b : "");
	char *sx = NULL, *sy = NULL, *lx, *ly;

	lx = strtok_r(x, "\r\n", &sx);
	ly = strtok_r(y, "\r\n", &sy);
	while (lx || ly) {
		json_t *jx, *jy;
		json_error_t je;

		ck_assert_msg(lx && ly, "%s: QEMU sent %s, the simulator %s",
		    step, lx ? lx : "nothing more", ly ? ly : "nothing more");
		jx = json_loads(lx, 0, &je);
		jy = json_loads(ly, 0, &je);
		ck_assert_msg(jx && jy, "%s: not JSON: %s / %s", step, lx, ly);
		if (json_object_get(jx, "timestamp")) {
			ck_assert_ptr_nonnull(json_object_get(jy, "timestamp"));
			json_object_del(jx, "timestamp");
			json_object_del(jy, "timestamp");
		} else
			ck_assert_msg(strcmp(lx, ly) == 0, "%s:\nQEMU %s\nsim  "
			    "%s", step, lx, ly);
		ck_assert_msg(json_equal(jx, jy), "%s:\nQEMU %s\nsim  %s",
		    step, lx, ly);
		json_decref(jx);
		json_decref(jy);
		lx = strtok_r(NULL, "\r\n", &sx);
		ly = strtok_r(NULL, "\r\n", &sy);
	}
	free(x);
	free(y);
}

static void
differential(const char *machine, const char *qemu_machine,
    const char *extra, const char *const *steps, size_t n)
{
	char *dir = tu_tmpdir(), *img;
	struct peer qp, sp;
	struct transcript tq, ts;
	size_t i;
	char **st = calloc(n, sizeof *st);
	FILE *f;

	ck_assert_ptr_nonnull(dir);
	/* the disk image both open (QEMU for real) */
	ck_assert_int_ge(asprintf(&img, "%s/disk1.img", dir), 0);
	f = fopen(img, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), 1 << 20), 0);
	fclose(f);
	for (i = 0; i < n; i++) {
		const char *at = strstr(steps[i], "@IMG@");

		if (at)
			ck_assert_int_ge(asprintf(&st[i], "%.*s%s%s",
			    (int)(at - steps[i]), steps[i], img, at + 5), 0);
		else
			st[i] = strdup(steps[i]);
	}
	start_qemu(&qp, dir, qemu_machine, extra);
	start_sim(&sp, dir, machine);
	run_session(&qp, (const char *const *)st, n, &tq);
	run_session(&sp, (const char *const *)st, n, &ts);
	stop_peer(&qp);
	stop_peer(&sp);
	for (i = 0; i < n; i++) {
		if (st[i][0] == 'h')
			ck_assert_msg(tq.step[i].n == ts.step[i].n &&
			    memcmp(tq.step[i].p, ts.step[i].p, tq.step[i].n)
			    == 0, "%s: HMP differs\nQEMU %s\nsim  %s", st[i],
			    strstr(tq.step[i].p, "\r\n"),
			    strstr(ts.step[i].p, "\r\n"));
		else
			compare_qmp(st[i], tq.step[i].p, ts.step[i].p);
		free(st[i]);
	}
	free(st);
	free_transcript(&tq);
	free_transcript(&ts);
	tu_rmrf(dir);
	free(dir);
	free(img);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The fixture sequences: NIC and disk, each error, slot 31, unplug
 * pending (and its repetition), QOM order, the full bus, reset. */
static const char *const pc_hmp[] = {
	"h:info version",
	"h:info pci",
	"h:",
	"h:netdev_add user,id=hostnet-6f1a2b3c",
	"h:device_add virtio-net-pci,netdev=hostnet-6f1a2b3c,"
	    "id=nic-6f1a2b3c-pci-5,bus=pci.0,addr=0x5,mac=52:54:00:12:34:56",
	"h:drive_add dummy file=@IMG@,if=none,id=drive-0d4e5f60,format=raw",
	"h:device_add virtio-blk-pci,drive=drive-0d4e5f60,"
	    "id=disk-0d4e5f60-pci-6,bus=pci.0,addr=0x6",
	"h:info pci",
	"h:device_add virtio-net-pci,id=nic-aaaaaaaa-pci-5,bus=pci.0,addr=0x5",
	"h:device_add virtio-net-pci,id=nic-6f1a2b3c-pci-5,bus=pci.0,addr=0x7",
	"h:device_add virtio-net-pci,id=a b,bus=pci.0,addr=0x8",
	"h:frobnicate",
	"h:device_del nosuchdevice",
	"h:device_add virtio-nonsense-pci,id=x1,bus=pci.0,addr=0x9",
	"h:device_add virtio-net-pci,id=nic-bbbbbbbb-pci-9,bus=pci.0,addr=zz",
	"h:device_add virtio-net-pci,id=nic-bbbbbbbb-pci-2,bus=pci.0,addr=0x2",
	"h:device_add virtio-net-pci,id=nic-bbbbbbbb-pci-1,bus=pci.0,addr=0x1",
	"h:device_add virtio-blk-pci,id=disk-99999999-pci-9,bus=pci.0,addr=0x9",
	"h:device_add virtio-blk-pci,drive=nosuchdrive,id=disk-99999999-pci-9,"
	    "bus=pci.0,addr=0x9",
	"h:device_add virtio-blk-pci,drive=drive-0d4e5f60,"
	    "id=disk-99999999-pci-9,bus=pci.0,addr=0x9",
	"h:device_add virtio-net-pci,netdev=nosuchnet,id=nic-99999999-pci-9,"
	    "bus=pci.0,addr=0x9",
	"h:device_add",
	"h:netdev_add user,id=hostnet-6f1a2b3c",
	"h:device_add e1000,id=nic-eeeeeeee-pci-10,bus=pci.0,addr=0xa",
	"h:device_add virtio-net-pci,id=nic-cccccccc-pci-31,bus=pci.0,"
	    "addr=0x1f",
	"h:device_add virtio-net-pci,id=nic-dddddddd-pci-8,bus=pci.0,addr=0x8.1",
	"h:device_add virtio-net-pci,id=nic-dddddddd-pci-9,bus=pci.0,addr=-1",
	"h:device_del nic-6f1a2b3c-pci-5",
	"h:device_del nic-6f1a2b3c-pci-5",
	"h:info pci",
	"h:device_del disk-0d4e5f60-pci-6",
	"h:qom-list /machine/peripheral",
	"h:device_add virtio-net-pci,id=fill0,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill1,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill2,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill3,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill4,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill5,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill6,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill7,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill8,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill9,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill10,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill11,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill12,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill13,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill14,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill15,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill16,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill17,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill18,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill19,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill20,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill21,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill22,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill23,bus=pci.0",
	"h:device_add virtio-net-pci,id=fill24,bus=pci.0",
	"h:info pci",
	"h:qom-list /machine/peripheral",
	"q:{\"execute\": \"qmp_capabilities\"}",
	"q:{\"execute\": \"query-pci\"}",
	"h:system_reset",
	"e:600",
	"h:info pci",
	"h:qom-list /machine/peripheral",
	"h:info status",
	"h:help device_add",
	"h:help drive_add",
	"h:help netdev_add",
	"h:help quit",
	"h:? info pci",
	"h:help nosuch",
};

static const char *const pc_qmp[] = {
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"qmp_capabilities\"}",
	"q:{\"execute\": \"query-version\"}",
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"user\", "
	    "\"id\": \"hostnet-6f1a2b3c\"}}",
	"q:{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"user\", "
	    "\"id\": \"hostnet-6f1a2b3c\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"netdev\": \"hostnet-6f1a2b3c\", \"id\": "
	    "\"nic-6f1a2b3c-pci-5\", \"bus\": \"pci.0\", \"addr\": \"0x5\", "
	    "\"mac\": \"52:54:00:12:34:56\"}}",
	"q:{\"execute\": \"blockdev-add\", \"arguments\": {\"driver\": \"raw\", "
	    "\"node-name\": \"drive-0d4e5f60\", \"file\": {\"driver\": \"file\", "
	    "\"filename\": \"@IMG@\"}}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-blk-pci\", \"drive\": \"drive-0d4e5f60\", \"id\": "
	    "\"disk-0d4e5f60-pci-6\", \"bus\": \"pci.0\", \"addr\": \"0x6\"}}",
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"nic-aaaaaaaa-pci-5\", \"bus\": "
	    "\"pci.0\", \"addr\": \"0x5\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"nic-6f1a2b3c-pci-5\", \"bus\": "
	    "\"pci.0\", \"addr\": \"0x7\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"a b\", \"bus\": \"pci.0\", "
	    "\"addr\": \"0x8\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-nonsense-pci\", \"id\": \"x1\", \"bus\": \"pci.0\", "
	    "\"addr\": \"0x9\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"nic-bbbbbbbb-pci-2\", \"bus\": "
	    "\"pci.0\", \"addr\": \"0x2\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"id\": "
	    "\"nic-bbbbbbbb-pci-9\", \"bus\": \"pci.0\", \"addr\": \"0x9\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-blk-pci\", \"drive\": \"nosuchdrive\", \"id\": "
	    "\"disk-99999999-pci-9\", \"bus\": \"pci.0\", \"addr\": \"0x9\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"netdev\": \"nosuchnet\", \"id\": "
	    "\"nic-99999999-pci-9\", \"bus\": \"pci.0\", \"addr\": \"0x9\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"nic-99999999-pci-19\", \"bus\": "
	    "\"pci.0\", \"addr\": 13}}",
	"q:{\"execute\": \"frobnicate\"}",
	"q:{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"nosuchdevice\"}}",
	"q:{\"arguments\": {}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"nic-cccccccc-pci-31\", \"bus\": "
	    "\"pci.0\", \"addr\": \"0x1f\"}}",
	"q:{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"nic-6f1a2b3c-pci-5\"}}",
	"q:{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"nic-6f1a2b3c-pci-5\"}}",
	"e:300",
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"info pci\"}}",
	"q:{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"frobnicate\"}}",
	"q:{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral\"}}",
	"q:{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/nonexist\"}}",
	"q:{\"execute\": \"query-status\"}",
	"q:{\"execute\": \"getfd\", \"arguments\": {\"fdname\": \"f\"}}",
	"q:{\"execute\": \"netdev_del\", \"arguments\": {\"id\": \"nosuch\"}}",
	"q:{\"execute\": \"blockdev-del\", \"arguments\": {\"node-name\": "
	    "\"nosuch\"}}",
	"q:{\"execute\": \"blockdev-del\", \"arguments\": {\"node-name\": "
	    "\"drive-0d4e5f60\"}}",
	"q:{\"execute\": \"blockdev-add\", \"arguments\": {\"driver\": \"raw\", "
	    "\"node-name\": \"drive-0d4e5f60\", \"file\": {\"driver\": \"file\", "
	    "\"filename\": \"@IMG@\"}}}",
	"q:{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"drive_del drive-0d4e5f60\"}}",
	"q:{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"drive_add dummy if=none,id=drive-0d4e5f60\"}}",
	"q:{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"drive_add dummy if=none,id=hd2\"}}",
	"q:{\"execute\": \"blockdev-add\", \"arguments\": {\"driver\": \"raw\", "
	    "\"node-name\": \"hd2\", \"file\": {\"driver\": \"file\", "
	    "\"filename\": \"@IMG@\"}}}",
	"q:{\"execute\": \"blockdev-del\", \"arguments\": {\"node-name\": "
	    "\"hd2\"}}",
	"q:{\"execute\": \"system_reset\"}",
	"e:600",
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"nic-6f1a2b3c-pci-5\"}}",
};

static const char *const nodefaults_hmp[] = {
	"h:info pci",
	"h:device_add virtio-net-pci,id=nic-a-0a,bus=pci.0,addr=0x0a",
	"h:device_add virtio-net-pci,id=nic-a-7,bus=pci.0,addr=7.0",
	"h:device_add virtio-net-pci,id=nic-a-10,bus=pci.0,addr=10",
	"h:device_add virtio-net-pci,id=nic-a-1f,bus=pci.0,addr=1f",
	"h:device_add virtio-net-pci,id=nic-a-8-1,bus=pci.0,addr=0x8.1",
	"h:device_add virtio-net-pci,bus=pci.0,addr=0x4",
	"h:device_add virtio-net-pci,id=nic-a-8-0,bus=pci.0,addr=0x8",
	"h:device_add virtio-net-pci,id=nic-a-7-1,bus=pci.0,addr=0x7.1",
	"h:info pci",
	"h:qom-list /machine/peripheral-anon",
	"h:device_del /machine/peripheral-anon/device[0]",
	"q:{\"execute\": \"qmp_capabilities\"}",
	"q:{\"execute\": \"query-pci\"}",
};

static const char *const q35_session[] = {
	"h:info pci",
	"h:device_add virtio-net-pci,id=nic-6f1a2b3c-pci-5,bus=pcie.0,"
	    "addr=0x5",
	"h:device_add e1000,id=nic-6f1a2b3c-pci-6",
	"h:device_add virtio-net-pci,id=n3,bus=pci.0,addr=0x8",
	"q:{\"execute\": \"qmp_capabilities\"}",
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"n2\", \"bus\": \"pcie.0\", "
	    "\"addr\": \"0x7\"}}",
};

/* q35 with three root ports (the fixtures' machine, `--machine q35-ports`
 * in the simulator): paused, so nothing behind a port is listed; QOM has
 * it; a root port's one slot; buses that do not exist or take no
 * hotplug; a built-in device's QOM path; malformed QMP JSON. */
#define Q35_PORTS "-device pcie-root-port,id=rp4,chassis=4,bus=pcie.0," \
	"addr=0x4 -device pcie-root-port,id=rp5,chassis=5,bus=pcie.0," \
	"addr=0x5 -device pcie-root-port,id=rp6,chassis=6,bus=pcie.0,addr=0x6"
static const char *const q35_ports_session[] = {
	"h:info pci",
	"h:qom-list /machine/peripheral",
	"h:device_add virtio-net-pci,id=nic-6f1a2b3c-pci-5-0,bus=rp5,addr=0x0",
	"h:info pci",
	"h:qom-list /machine/peripheral",
	"h:qom-get /machine/peripheral/nic-6f1a2b3c-pci-5-0 parent_bus",
	"h:qom-get /machine/peripheral/nic-6f1a2b3c-pci-5-0 addr",
	"h:qom-get /machine/peripheral/rp5 parent_bus",
	"h:qom-get /machine/peripheral/nosuch parent_bus",
	"h:qom-get /machine/peripheral/rp5 nosuchprop",
	"h:device_add virtio-net-pci,id=x1,bus=rp5,addr=0x0",
	"h:device_add virtio-net-pci,id=x2,bus=nosuch,addr=0x0",
	"h:device_add virtio-net-pci,id=x3,bus=pcie.0,addr=0x9",
	"h:device_add e1000,id=x4,bus=rp6,addr=0x0",
	"h:device_del /machine/unattached/device[5]",
	"h:device_del /machine/unattached/device[2]",
	"h:device_del /machine/unattached/device[0]",
	"h:device_del nic-6f1a2b3c-pci-5-0",
	"q:{\"execute\": \"qmp_capabilities\"}",
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral/x4\", \"property\": \"parent_bus\"}}",
	"q:{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral/x4\", \"property\": \"addr\"}}",
	"q:{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral/gone\", \"property\": \"addr\"}}",
	"q:{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"virtio-net-pci\", \"id\": \"n4\", \"bus\": \"rp4\", "
	    "\"addr\": \"0x0\"}}",
	"q:{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral\"}}",
	"q:{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"/machine/unattached/device[5]\"}}",
	"q:{\"execute\": }",
	"q:{\"execute\": \"query-pci\"}",
};

/* pc with a pci-bridge at slot 5 (`--machine pc-bridge`): a NIC behind
 * it is not listed; QOM places it; pc's own e1000 by its QOM path. */
#define PC_BRIDGE "-device pci-bridge,id=br1,chassis_nr=1,bus=pci.0," \
	"addr=0x5"
static const char *const pc_bridge_session[] = {
	"h:info pci",
	"h:device_add virtio-net-pci,id=nb3,bus=br1,addr=0x3",
	"h:info pci",
	"h:qom-get /machine/peripheral/nb3 parent_bus",
	"h:qom-get /machine/peripheral/nb3 addr",
	"h:qom-get /machine/peripheral/br1 parent_bus",
	"h:device_add virtio-net-pci,id=nb3b,bus=br1,addr=0x3",
	"h:device_add virtio-net-pci,id=nb1,bus=br1,addr=0x1",
	"h:qom-list /machine/peripheral",
	"h:device_del /machine/unattached/device[4]",
	"h:device_del /machine/unattached/device[8]",
	"h:device_del /machine/unattached/device[21]",
	"h:device_del /machine/unattached/device[99]",
	"q:{\"execute\": \"qmp_capabilities\"}",
	"q:{\"execute\": \"query-pci\"}",
	"q:{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
	    "\"/machine/peripheral/nb1\", \"property\": \"addr\"}}",
	"q:{\"execute\": \"device_del\", \"arguments\": {\"id\": "
	    "\"/machine/unattached/device[3]\"}}",
	"q:{\"execute\": }",
};

/* Bytes that arrive on fd within ms (appended to b). */
static void
drain(int fd, struct buf *b, int ms_)
{
	int64_t end = tu_ms_now() + ms_;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		char tmp[8192];
		ssize_t r;
		int left = (int)(end - tu_ms_now());

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return;
		r = read(fd, tmp, sizeof tmp);
		if (r <= 0)
			return;
		badd(b, tmp, (size_t)r);
	}
}

/* The one-client rule on one socket of a peer; returns a transcript:
 * what the waiting client heard while the first was connected, what it
 * heard after, and whether an abandoned client's command ran. */
static char *
one_client(const char *path, int qmp)
{
	const char *cmd = qmp ? "{\"execute\": \"qmp_capabilities\"}\n"
	    "{\"execute\": \"query-status\"}\n" : "info status\n";
	const char *ghost = qmp ? "{\"execute\": \"qmp_capabilities\"}\n"
	    "{\"execute\": \"device_add\", \"arguments\": {\"driver\": "
	    "\"e1000\", \"id\": \"ghost\", \"addr\": \"0x9\"}}\n" :
	    "device_add e1000,id=ghost,addr=0x9\n";
	struct buf a = { 0 }, b = { 0 }, c = { 0 };
	int fa, fb, fc;
	char *r;

	fa = connect_unix(path, 5000);
	drain(fa, &a, 300);
	fb = connect_unix(path, 5000);
	ck_assert_int_eq(write(fb, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	drain(fb, &b, 300);
	ck_assert_msg(b.n == 0, "%s: the waiting client heard %s", path, b.p);
	/* a third gives up while b is served */
	fc = connect_unix(path, 5000);
	ck_assert_int_eq(write(fc, ghost, strlen(ghost)),
	    (ssize_t)strlen(ghost));
	close(fa);
	drain(fb, &b, 500);
	close(fc);
	close(fb);
	/* did the ghost's command run? */
	fa = connect_unix(path, 5000);
	c.n = 0;
	if (qmp) {
		const char *q = "{\"execute\": \"qmp_capabilities\"}\n"
		    "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
		    "\"/machine/peripheral\"}}\n";

		ck_assert_int_eq(write(fa, q, strlen(q)), (ssize_t)strlen(q));
	} else
		ck_assert_int_eq(write(fa, "info pci\n", 9), 9);
	drain(fa, &c, 500);
	close(fa);
	ck_assert_int_ge(asprintf(&r, "after: %s\nghost ran: %d\n",
	    b.p ? b.p : "", c.p && strstr(c.p, "ghost") != NULL), 0);
	free(a.p);
	free(b.p);
	free(c.p);
	return r;
}

START_TEST(diff_one_client)
{
	char *dir = tu_tmpdir();
	struct peer qp, sp;
	char *q1, *q2, *s1, *s2;

	start_qemu(&qp, dir, "pc", "");
	start_sim(&sp, dir, "pc");
	q1 = one_client(qp.hmp, 0);
	q2 = one_client(qp.qmp, 1);
	s1 = one_client(sp.hmp, 0);
	s2 = one_client(sp.qmp, 1);
	stop_peer(&qp);
	stop_peer(&sp);
	ck_assert_msg(strcmp(q1, s1) == 0, "HMP:\nQEMU %s\nsim  %s", q1, s1);
	ck_assert_msg(strcmp(q2, s2) == 0, "QMP:\nQEMU %s\nsim  %s", q2, s2);
	ck_assert_ptr_nonnull(strstr(q1, "VM status: paused (prelaunch)"));
	ck_assert_ptr_nonnull(strstr(q1, "ghost ran: 0"));
	ck_assert_ptr_nonnull(strstr(q2, "\"status\": \"prelaunch\""));
	ck_assert_ptr_nonnull(strstr(q2, "ghost ran: 0"));
	free(q1);
	free(q2);
	free(s1);
	free(s2);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

START_TEST(diff_pc_hmp)
{
	differential("pc", "pc", "", pc_hmp, N(pc_hmp));
}
END_TEST

START_TEST(diff_pc_qmp)
{
	differential("pc", "pc", "", pc_qmp, N(pc_qmp));
}
END_TEST

START_TEST(diff_nodefaults)
{
	differential("pc-nodefaults", "pc", "-nodefaults", nodefaults_hmp,
	    N(nodefaults_hmp));
}
END_TEST

START_TEST(diff_q35)
{
	differential("q35", "q35", "", q35_session, N(q35_session));
}
END_TEST

START_TEST(diff_q35_ports)
{
	differential("q35-ports", "q35", Q35_PORTS, q35_ports_session,
	    N(q35_ports_session));
}
END_TEST

START_TEST(diff_pc_bridge)
{
	differential("pc-bridge", "pc", PC_BRIDGE, pc_bridge_session,
	    N(pc_bridge_session));
}
END_TEST

Suite *
simdiff_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("simdiff");
	tc = tu_tcase_new(s, "qemu-vs-sim", tu_missing_qemu(), NULL, NULL, 120);
	tcase_add_test(tc, diff_pc_hmp);
	tcase_add_test(tc, diff_pc_qmp);
	tcase_add_test(tc, diff_nodefaults);
	tcase_add_test(tc, diff_q35);
	tcase_add_test(tc, diff_q35_ports);
	tcase_add_test(tc, diff_pc_bridge);
	tcase_add_test(tc, diff_one_client);
	return s;
}
