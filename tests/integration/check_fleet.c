/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_fleet.c - the refresh engine against a REAL paused QEMU: HMP and
 * QMP instances, an unreachable one and a busy one (a client holds its
 * socket) refreshed from one poll loop; slot states from live bus +
 * runtime; an unplug confirmed by QEMU reported by the refresh, which only
 * reads, and recorded by its owner, unplug_record_reported (backend
 * removed, runtime file updated, audit line, once); change events. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fleet/fleet.h"
#include "fleet/unplug.h"
#include "qemu/mon.h"
#include "store/store.h"
#include "monrun.h"
#include "peer.h"
#include "testutil.h"

static char *qdir;	/* QEMU's sockets, pid file, runtime dir */
static enum tu_qemu qvar;	/* which QEMU the fixture starts */
static char qemu_err[512];	/* why QEMU did not start, "" when it did */

static double
now_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static char *
qpath(const char *rel)
{
	return tu_path(qdir, rel);
}

/* The paused QEMU of COMMON.md, plus a third monitor (busy.sock) that the
 * test holds, and devices with ids in slots 6 and 7. */
static void
qemu_start(void)
{
	char *extra;

	qemu_err[0] = '\0';
	if (tu_missing_qemu_v(qvar) != NULL) {	/* the checks skip */
		snprintf(qemu_err, sizeof qemu_err, "%s",
		    tu_missing_qemu_v(qvar));
		return;
	}
	qdir = tu_tmpdir();
	if (qdir == NULL) {
		snprintf(qemu_err, sizeof qemu_err, "no temp dir");
		return;
	}
	if (asprintf(&extra, "-qmp unix:%s/busy.sock,server,nowait "
	    "-netdev user,id=hostnet-11111111 "
	    "-device virtio-net-pci,netdev=hostnet-11111111,"
	    "id=nic-11111111-pci-6,bus=pci.0,addr=0x6 "
	    "-device virtio-net-pci,id=net0,bus=pci.0,addr=0x7", qdir) < 0)
		abort();
	if (tu_qemu_start_v(qvar, qdir, "pc", extra) < 0)
		snprintf(qemu_err, sizeof qemu_err, "qemu did not start "
		    "(its output is above)");
	free(extra);
}

static void
qemu_start72(void)
{
	qvar = TU_QEMU_72;
	qemu_start();
}

static void
qemu_start10(void)
{
	qvar = TU_QEMU_10;
	qemu_start();
}

static void
qemu_stop(void)
{
	if (qdir == NULL)
		return;
	tu_qemu_stop(qdir);
	tu_rmrf(qdir);
	free(qdir);
	qdir = NULL;
}

static int
connect_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

/* Read until buf ends with `end` (or 5 s pass); returns bytes read. */
static size_t
read_until(int fd, char *buf, size_t sz, const char *end)
{
	size_t n = 0, el = strlen(end);
	double t0 = now_s();

	while (n + 1 < sz && now_s() - t0 < 5) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 200) <= 0)
			continue;
		r = read(fd, buf + n, sz - n - 1);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (n >= el && memcmp(buf + n - el, end, el) == 0)
			break;
	}
	buf[n] = '\0';
	return n;
}

/* A plain HMP client, independent of core/mon: run one command line and
 * return its raw reply (static buffer). */
static const char *
hmp(const char *line)
{
	static char buf[65536];
	int fd = connect_unix(qpath("hmp.sock"));

	read_until(fd, buf, sizeof buf, "(qemu) ");
	ck_assert_ptr_nonnull(strstr(buf, "QEMU"));
	ck_assert_int_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	ck_assert_int_eq(write(fd, "\n", 1), 1);
	read_until(fd, buf, sizeof buf, "(qemu) ");
	close(fd);
	return buf;
}

static struct store_dev
mkdev(const char *id, int slot, int unplugging, const char *netdev)
{
	struct store_dev d;

	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "%s", id);
	snprintf(d.type, sizeof d.type, "nic");
	d.slot = slot;
	d.state = unplugging ? STORE_DEV_UNPLUGGING : STORE_DEV_PLUGGED;
	if (netdev) {
		d.backend.kind = STORE_BK_USER;
		snprintf(d.backend.netdev, sizeof d.backend.netdev, "%s",
		    netdev);
	}
	return d;
}

/* Runtime of an instance: 6 known, 8 missing, 9 unplugging (not live),
 * 10 reserved. */
static void
write_runtime(const char *inst)
{
	struct store_txn t;
	struct store_dev d;
	struct err e;

	ck_assert_int_eq(store_open_locked(qpath("rt"), inst, &t, 1000, &e),
	    0);
	d = mkdev("nic-11111111-pci-6", 6, 0, "hostnet-11111111");
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	d = mkdev("nic-22222222-pci-8", 8, 0, NULL);
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	d = mkdev("nic-33333333-pci-9", 9, 1, "hostnet-33333333");
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	ck_assert_int_eq(slotmap_reserve(&t.rt.reserved, 10, &e), 0);
	ck_assert_int_eq(store_commit(&t, &e), 0);
}

static void
setup_fleet(struct fleet *f)
{
	struct err e;
	char ep[4200];

	fleet_init(f, qpath("rt"));
	f->monitor_timeout_ms = 1500;
	snprintf(f->audit_log, sizeof f->audit_log, "%s", qpath("audit.log"));
	snprintf(ep, sizeof ep, "unix:%s", qpath("hmp.sock"));
	ck_assert_int_eq(fleet_add(f, "h", ep, &e), 0);
	ck_assert_int_eq(fleet_add(f, "q", qpath("qmp.sock"), &e), 1);
	snprintf(ep, sizeof ep, "unix:%s", qpath("nosuch.sock"));
	ck_assert_int_eq(fleet_add(f, "dead", ep, &e), 2);
	snprintf(ep, sizeof ep, "unix:%s", qpath("busy.sock"));
	ck_assert_int_eq(fleet_add(f, "busy", ep, &e), 3);
	ck_assert_int_eq(fleet_add(f, "tcpdead", "tcp:127.0.0.1:1", &e), 4);
	ck_assert_int_eq(fleet_add(f, "h", ep, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "twice"));
	ck_assert_int_eq(fleet_find(f, "busy", &e), 3);
	ck_assert_int_eq(fleet_find(f, "nope", &e), -1);
}

/* Drive the refresh with our own poll loop, as the TUI does.  Returns
 * 1 when, at some moment, h and q had finished while busy had not. */
static int
drive(struct fleet *f)
{
	struct pollfd pfd[8];
	int others_first = 0;
	double t0 = now_s();

	while (fleet_npending(f) > 0 && now_s() - t0 < 20) {
		int timeout = -1;
		size_t n = fleet_pollfds(f, pfd, 8, &timeout);

		ck_assert_int_ge(timeout, 0);	/* every refresh has one */
		poll(pfd, n, timeout);
		fleet_step(f, pfd, n, now_s());
		if (!f->inst[0].refreshing && !f->inst[1].refreshing &&
		    f->inst[3].refreshing)
			others_first = 1;
	}
	ck_assert_uint_eq(fleet_npending(f), 0);
	return others_first;
}

START_TEST(refresh_mixed_fleet)
{
	struct fleet f;
	struct store_rt rt;
	struct fleet_change *ch;
	struct err e;
	char buf[512];
	int held, k;

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	write_runtime("h");
	write_runtime("q");
	setup_fleet(&f);
	/* Before any refresh: nothing is known; the runtime file gives the
	 * reservations and recorded devices, no state. */
	ck_assert_int_eq(f.inst[0].conn, INST_NEW);
	ck_assert_int_eq(f.inst[0].slots.b[10].state, SLOT_UNKNOWN);
	ck_assert(f.inst[0].slots.b[10].reserved);
	ck_assert_int_eq(f.inst[0].slots.b[8].state, SLOT_UNKNOWN);
	ck_assert_str_eq(slotpack_id(&f.inst[0].slots, 8), "nic-22222222-pci-8");
	ck_assert(f.inst[0].last_read == 0);

	/* Someone else holds the busy instance's monitor. */
	held = connect_unix(qpath("busy.sock"));
	read_until(held, buf, sizeof buf, "\r\n");
	ck_assert_ptr_nonnull(strstr(buf, "QMP"));

	fleet_refresh_start(&f, (size_t)-1, now_s());
	ck_assert_uint_ge(fleet_npending(&f), 3);
	ck_assert_int_eq(drive(&f), 1);	/* busy did not hold up the others */
	/* the slot-9 unplug both refreshes reported, recorded by its owner */
	ck_assert_uint_eq(unplug_record_reported(&f), 2);

	ck_assert_msg(f.inst[0].conn == INST_OK, "h: %s", f.inst[0].error);
	ck_assert_msg(f.inst[1].conn == INST_OK, "q: %s", f.inst[1].error);
	ck_assert_str_eq(f.inst[0].protocol, "hmp");
	ck_assert_str_eq(f.inst[1].protocol, "qmp");
	for (k = 0; k < 2; k++) {
		struct instance *in = &f.inst[k];

		ck_assert_str_eq(in->error, "");
		ck_assert_int_eq(in->version.major, qvar == TU_QEMU_10 ? 10 :
		    7);
		ck_assert(in->last_refresh > 0);
		ck_assert_int_eq(in->slots.b[0].state, SLOT_BUILTIN);
		ck_assert_int_eq(in->slots.b[1].state, SLOT_BUILTIN);
		ck_assert_int_eq(in->slots.b[1].nfn, 3);
		/* -netdev given: QEMU adds no default e1000 in slot 3 */
		ck_assert_int_eq(in->slots.b[3].state, SLOT_RESERVED);
		ck_assert_int_eq(in->slots.b[3].nfn, 0);
		ck_assert_int_eq(in->slots.b[2].state, SLOT_BUILTIN);
		ck_assert_int_eq(in->slots.b[4].state, SLOT_FREE);
		ck_assert_int_eq(in->slots.b[6].state, SLOT_USED);
		ck_assert_str_eq(slotpack_id(&in->slots, 6), "nic-11111111-pci-6");
		ck_assert_int_eq(in->slots.b[7].state, SLOT_FOREIGN);
		ck_assert_str_eq(slotpack_id(&in->slots, 7), "net0");
		ck_assert_int_eq(in->slots.b[8].state, SLOT_MISSING);
		ck_assert_int_eq(in->slots.b[9].state, SLOT_FREE);
		ck_assert_int_eq(in->slots.b[10].state, SLOT_RESERVED);
		ck_assert_int_eq(in->slots.b[31].state, SLOT_FREE);
		ck_assert_ptr_nonnull(pci_info_find_id(&in->live, "net0"));
	}
	ck_assert_int_eq(f.inst[2].conn, INST_UNREACHABLE);
	ck_assert_str_ne(f.inst[2].error, "");
	ck_assert_int_eq(f.inst[3].conn, INST_BUSY);
	ck_assert_str_ne(f.inst[3].error, "");
	/* an unread bus: no slot is free, none counted as anything */
	for (k = 0; k < 32; k++)
		ck_assert_int_eq(f.inst[3].slots.b[k].state, SLOT_UNKNOWN);
	ck_assert_int_eq(f.inst[4].conn, INST_UNREACHABLE);
	/* The confirmed unplug (slot 9) was persisted for both. */
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(store_load(qpath("rt"), k ? "q" : "h", &rt,
		    &e), 0);
		ck_assert_ptr_null(store_find_id(&rt, "nic-33333333-pci-9"));
		ck_assert_ptr_nonnull(store_find_id(&rt, "nic-22222222-pci-8"));
		ck_assert_uint_eq(rt.ndev, 2);
		store_rt_free(&rt);
	}
	/* The first refresh is the baseline: no change events. */
	ck_assert_uint_eq(fleet_take_changes(&f, &ch), 0);
	free(ch);
	{
		char *log = NULL;

		setenv("L", qpath("audit.log"), 1);
		ck_assert_int_eq(tu_run("grep -c 'unplug-confirmed "
		    "nic-33333333-pci-9' \"$L\"", &log), 0);
		ck_assert_int_eq(atoi(log), 2);
		free(log);
	}

	/* Released: busy refreshes fine now; the held socket never mattered
	 * to the others. */
	close(held);
	fleet_refresh_start(&f, 3, now_s());
	fleet_refresh_wait(&f, 3);
	ck_assert_msg(f.inst[3].conn == INST_OK, "busy: %s", f.inst[3].error);
	ck_assert_str_eq(f.inst[3].error, "");
	ck_assert_int_eq(f.inst[3].slots.b[7].state, SLOT_FOREIGN);
	fleet_free(&f);
}
END_TEST

/* used -> unplugging -> free, as successive refreshes see it, with the
 * refresh completing the unplug: backend removed in QEMU, runtime file
 * updated. */
START_TEST(unplug_completed_by_refresh)
{
	struct fleet f;
	struct fleet_change *ch;
	struct store_txn t;
	struct store_rt rt;
	struct err e;
	const char *r;
	size_t n, k;
	int found;

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	write_runtime("q");
	fleet_init(&f, qpath("rt"));
	ck_assert_int_eq(fleet_add(&f, "q", qpath("qmp.sock"), &e), 0);
	fleet_refresh_start(&f, 0, now_s());
	fleet_refresh_wait(&f, 0);
	ck_assert_msg(f.inst[0].conn == INST_OK, "%s", f.inst[0].error);
	ck_assert_int_eq(f.inst[0].slots.b[6].state, SLOT_USED);
	ck_assert_uint_eq(fleet_take_changes(&f, &ch), 0);
	free(ch);
	/* what the callers do after a refresh: slot 9's unplug is recorded */
	ck_assert_uint_eq(unplug_record_reported(&f), 1);

	/* What an unplug command does: device_del, then persist
	 * `unplugging` (no guest: QEMU does not complete it). */
	r = hmp("device_del nic-11111111-pci-6");
	ck_assert_ptr_null(strstr(r, "Error"));
	ck_assert_int_eq(store_open_locked(qpath("rt"), "q", &t, 1000, &e), 0);
	store_find_id(&t.rt, "nic-11111111-pci-6")->state =
	    STORE_DEV_UNPLUGGING;
	ck_assert_int_eq(store_commit(&t, &e), 0);

	fleet_refresh_start(&f, 0, now_s());
	fleet_refresh_wait(&f, 0);
	ck_assert_int_eq(f.inst[0].slots.b[6].state, SLOT_UNPLUGGING);
	ck_assert_uint_eq(unplug_record_reported(&f), 0);	/* still live */
	n = fleet_take_changes(&f, &ch);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ch[0].inst, 0);
	ck_assert_int_eq(ch[0].slot, 6);
	ck_assert_int_eq(ch[0].from, SLOT_USED);
	ck_assert_int_eq(ch[0].to, SLOT_UNPLUGGING);
	ck_assert_str_eq(ch[0].id, "nic-11111111-pci-6");
	free(ch);
	/* the netdev is still there */
	ck_assert_ptr_nonnull(strstr(hmp("info network"), "hostnet-11111111"));

	/* A reset completes pending unplugs on a paused pc (no guest). */
	hmp("system_reset");
	for (k = 0; k < (size_t)tu_ms(2000) / 20; k++) {
		if (strstr(hmp("info pci"), "nic-11111111-pci-6") == NULL)
			break;
		usleep(20000);
	}
	ck_assert_uint_lt(k, (size_t)tu_ms(2000) / 20);

	fleet_refresh_start(&f, 0, now_s());
	fleet_refresh_wait(&f, 0);
	ck_assert_msg(f.inst[0].conn == INST_OK, "%s", f.inst[0].error);
	ck_assert_int_eq(f.inst[0].slots.b[6].state, SLOT_FREE);
	n = fleet_take_changes(&f, &ch);
	found = 0;
	for (k = 0; k < n; k++)
		if (ch[k].slot == 6) {
			ck_assert_int_eq(ch[k].from, SLOT_UNPLUGGING);
			ck_assert_int_eq(ch[k].to, SLOT_FREE);
			ck_assert_str_eq(ch[k].id, "nic-11111111-pci-6");
			found++;
		}
	ck_assert_int_eq(found, 1);
	free(ch);
	ck_assert_uint_eq(unplug_record_reported(&f), 1);
	/* persisted: the device is gone from the runtime file ... */
	ck_assert_int_eq(store_load(qpath("rt"), "q", &rt, &e), 0);
	ck_assert_ptr_null(store_find_id(&rt, "nic-11111111-pci-6"));
	store_rt_free(&rt);
	/* ... and its backend from QEMU */
	ck_assert_ptr_null(strstr(hmp("info network"), "hostnet-11111111"));
	/* A later refresh changes nothing. */
	fleet_refresh_start(&f, 0, now_s());
	fleet_refresh_wait(&f, 0);
	ck_assert_uint_eq(fleet_take_changes(&f, &ch), 0);
	free(ch);
	fleet_free(&f);
}
END_TEST

/* A refresh only reads: the runtime file of an instance with a confirmed
 * unplug (slot 9 `unplugging`, not on the bus) is neither replaced nor
 * touched by the refresh, which reports the unplug; its owner then records
 * it (new file, device gone, one audit line), and only once. */
START_TEST(refresh_only_reports_unplugs)
{
	struct fleet f;
	struct store_rt rt;
	struct stat before, after;
	struct err e;
	char *log = NULL;
	int k;

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	write_runtime("r");
	fleet_init(&f, qpath("rt"));
	snprintf(f.audit_log, sizeof f.audit_log, "%s", qpath("audit-r.log"));
	ck_assert_int_eq(fleet_add(&f, "r", qpath("qmp.sock"), &e), 0);
	ck_assert_int_eq(stat(qpath("rt/r.json"), &before), 0);
	for (k = 0; k < 2; k++) {
		fleet_refresh_start(&f, 0, now_s());
		fleet_refresh_wait(&f, 0);
		ck_assert_msg(f.inst[0].conn == INST_OK, "%s", f.inst[0].error);
	}
	/* shown free at once, reported once however often it was seen */
	ck_assert_int_eq(f.inst[0].slots.b[9].state, SLOT_FREE);
	ck_assert_uint_eq(f.nunplugs, 1);
	ck_assert_uint_eq(f.unplugs[0].inst, 0);
	ck_assert_int_eq(f.unplugs[0].slot, 9);
	ck_assert_str_eq(f.unplugs[0].id, "nic-33333333-pci-9");
	/* the file is the same file, unwritten, and still says unplugging */
	ck_assert_int_eq(stat(qpath("rt/r.json"), &after), 0);
	ck_assert_uint_eq(after.st_ino, before.st_ino);
	ck_assert_int_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	ck_assert_int_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	ck_assert_int_eq(after.st_size, before.st_size);
	ck_assert_int_eq(store_load(qpath("rt"), "r", &rt, &e), 0);
	ck_assert_int_eq(store_find_id(&rt, "nic-33333333-pci-9")->state,
	    STORE_DEV_UNPLUGGING);
	store_rt_free(&rt);
	ck_assert_int_ne(access(qpath("audit-r.log"), F_OK), 0);

	/* the owner records it: a new file without the device, one line */
	ck_assert_uint_eq(unplug_record_reported(&f), 1);
	ck_assert_uint_eq(f.nunplugs, 0);
	ck_assert_int_eq(stat(qpath("rt/r.json"), &after), 0);
	ck_assert_uint_ne(after.st_ino, before.st_ino);
	ck_assert_int_eq(store_load(qpath("rt"), "r", &rt, &e), 0);
	ck_assert_ptr_null(store_find_id(&rt, "nic-33333333-pci-9"));
	ck_assert_ptr_nonnull(store_find_id(&rt, "nic-11111111-pci-6"));
	store_rt_free(&rt);
	/* nothing left to report or record: no second line */
	fleet_refresh_start(&f, 0, now_s());
	fleet_refresh_wait(&f, 0);
	ck_assert_uint_eq(f.nunplugs, 0);
	ck_assert_uint_eq(unplug_record_reported(&f), 0);
	setenv("L", qpath("audit-r.log"), 1);
	ck_assert_int_eq(tu_run("grep -c 'instance=r what=\"unplug-confirmed "
	    "nic-33333333-pci-9\" result=ok$' \"$L\"", &log), 0);
	ck_assert_int_eq(atoi(log), 1);
	free(log);
	ck_assert_int_eq(tu_run("wc -l < \"$L\"", &log), 0);
	ck_assert_int_eq(atoi(log), 1);
	free(log);
	fleet_free(&f);
}
END_TEST

/* A runtime file that does not parse: the bus is still shown (against
 * the default runtime), rt_error says why, and the file is not touched. */
START_TEST(corrupt_runtime_is_reported_not_touched)
{
	const char *junk = "{\"format\": 1, \"instance\": ";
	struct fleet f;
	struct err e;
	char *now;
	FILE *fp;
	char buf[256];
	size_t n;

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	ck_assert_int_eq(mkdir(qpath("rt2"), 0700), 0);
	fp = fopen(qpath("rt2/q.json"), "w");
	ck_assert_ptr_nonnull(fp);
	fputs(junk, fp);
	fclose(fp);
	fleet_init(&f, qpath("rt2"));
	ck_assert_int_eq(fleet_add(&f, "q", qpath("qmp.sock"), &e), 0);
	ck_assert_str_ne(f.inst[0].rt_error, "");
	fleet_refresh_start(&f, 0, now_s());
	fleet_refresh_wait(&f, 0);
	ck_assert_msg(f.inst[0].conn == INST_OK, "%s", f.inst[0].error);
	ck_assert_ptr_nonnull(strstr(f.inst[0].rt_error, "does not parse"));
	ck_assert_int_eq(f.inst[0].slots.b[7].state, SLOT_FOREIGN);
	ck_assert_int_eq(f.inst[0].slots.b[3].state, SLOT_RESERVED);
	fp = fopen(qpath("rt2/q.json"), "r");
	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	now = buf;
	ck_assert_str_eq(now, junk);
	fleet_free(&f);
}
END_TEST

/* A refresh never holds the monitor: right after it, another client gets
 * the banner at once. */
START_TEST(refresh_releases_the_socket)
{
	struct fleet f;
	struct err e;
	char ep[4200];

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	fleet_init(&f, NULL);
	snprintf(ep, sizeof ep, "unix:%s", qpath("hmp.sock"));
	ck_assert_int_eq(fleet_add(&f, "h", ep, &e), 0);
	fleet_refresh_start(&f, 0, now_s());
	fleet_refresh_wait(&f, 0);
	ck_assert_msg(f.inst[0].conn == INST_OK, "%s", f.inst[0].error);
	ck_assert_ptr_nonnull(strstr(hmp("info version"), qvar == TU_QEMU_10 ?
	    "10.0." : "7.2."));
	/* cancel: a refresh under way is dropped, the view is kept */
	fleet_refresh_start(&f, 0, now_s());
	ck_assert_uint_eq(fleet_npending(&f), 1);
	fleet_refresh_cancel(&f, 0);
	ck_assert_uint_eq(fleet_npending(&f), 0);
	ck_assert_int_eq(f.inst[0].conn, INST_OK);
	ck_assert_int_eq(f.inst[0].slots.b[7].state, SLOT_FOREIGN);
	ck_assert_ptr_nonnull(strstr(hmp("info version"), qvar == TU_QEMU_10 ?
	    "10.0." : "7.2."));
	fleet_free(&f);
}
END_TEST

/* A fake monitor: to each client it writes the greeting (arg), then keeps
 * the connection open without answering. */
static void
greet_then_silent(int c, void *greeting)
{
	char buf[256];

	tu_peer_puts(c, greeting);
	while (read(c, buf, sizeof buf) > 0)
		;
}

/* A peer that is no monitor -> error; one that greets and then never
 * answers -> error at its query deadline, not a hang. */
START_TEST(garbage_and_silent_peers)
{
	char *d = tu_tmpdir(), p1[4096], p2[4096];
	struct tu_peer a, b;
	struct fleet f;
	struct err e;

	snprintf(p1, sizeof p1, "%s/garbage.sock", d);
	snprintf(p2, sizeof p2, "%s/silent.sock", d);
	tu_peer_listen(&a, p1);
	tu_peer_serve(&a, greet_then_silent,
	    "HTTP/1.1 400 Bad Request\r\n\r\n");
	tu_peer_listen(&b, p2);
	tu_peer_serve(&b, greet_then_silent, "QEMU 7.2.22 monitor - type "
	    "'help' for more information\r\n(qemu) ");
	fleet_init(&f, d);
	f.op_timeout_ms = 300;
	ck_assert_int_eq(fleet_add(&f, "garbage", p1, &e), 0);
	ck_assert_int_eq(fleet_add(&f, "silent", p2, &e), 1);
	fleet_refresh_start(&f, (size_t)-1, now_s());
	fleet_refresh_wait(&f, (size_t)-1);
	tu_peer_free(&a);
	tu_peer_free(&b);
	ck_assert_int_eq(f.inst[0].conn, INST_ERROR);
	ck_assert_str_ne(f.inst[0].error, "");
	ck_assert_int_eq(f.inst[1].conn, INST_ERROR);
	ck_assert_str_ne(f.inst[1].error, "");
	ck_assert_str_eq(f.inst[1].protocol, "");	/* never got a view */
	/* a failed refresh: every state unknown (reservations kept) */
	ck_assert_int_eq(f.inst[1].slots.b[0].state, SLOT_UNKNOWN);
	ck_assert(f.inst[1].slots.b[0].reserved);
	ck_assert_int_eq(f.inst[1].slots.b[20].state, SLOT_UNKNOWN);
	ck_assert(f.inst[1].last_refresh > 0);
	ck_assert(f.inst[1].last_read == 0);
	fleet_free(&f);
	tu_rmrf(d);
	free(d);
}
END_TEST

/* A refresh of all f's instances driven by our own poll loop (20 s at
 * most): a, b and c all read; returns the most sessions open at once. */
static size_t
most_at_once(struct fleet *f)
{
	struct pollfd pfd[8];
	double t0 = now_s();
	size_t most = 0;

	fleet_refresh_start(f, (size_t)-1, now_s());
	ck_assert_uint_eq(fleet_npending(f), 3);
	while (fleet_npending(f) > 0 && now_s() - t0 < 20) {
		int timeout = -1;
		size_t n = fleet_pollfds(f, pfd, 8, &timeout);

		if (f->nrun > most)
			most = f->nrun;	/* sessions open at once */
		poll(pfd, n, timeout);
		fleet_step(f, pfd, n, now_s());
	}
	ck_assert_msg(f->inst[0].conn == INST_OK, "a: %s", f->inst[0].error);
	ck_assert_msg(f->inst[1].conn == INST_OK, "b: %s", f->inst[1].error);
	ck_assert_msg(f->inst[2].conn == INST_OK, "c: %s", f->inst[2].error);
	return most;
}

/* max_parallel = 1: refreshes queue and run one after another, so two
 * instances on the SAME monitor socket (one client at a time) both
 * succeed, and never more than one session is open. */
START_TEST(max_parallel_queues_sessions)
{
	struct fleet f;
	struct err e;

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	fleet_init(&f, NULL);
	f.max_parallel = 1;
	ck_assert_int_eq(fleet_add(&f, "a", qpath("qmp.sock"), &e), 0);
	ck_assert_int_eq(fleet_add(&f, "b", qpath("qmp.sock"), &e), 1);
	ck_assert_int_eq(fleet_add(&f, "c", qpath("hmp.sock"), &e), 2);
	ck_assert_uint_eq(most_at_once(&f), 1);
	ck_assert_int_eq(f.inst[1].slots.b[7].state, SLOT_FOREIGN);
	/* the default lets them run at once: a and b are both connected
	 * (QEMU queues b until a leaves, well within b's greeting
	 * deadline), and both get their view */
	f.max_parallel = 0;
	ck_assert_uint_eq(most_at_once(&f), 3);
	ck_assert_int_eq(f.inst[0].slots.b[7].state, SLOT_FOREIGN);
	ck_assert_int_eq(f.inst[1].slots.b[7].state, SLOT_FOREIGN);
	fleet_free(&f);
}
END_TEST

/* A forked child (a screen's job, cmdjob.c) that lets go of the parent's
 * sessions and refreshes an instance of its own leaves the parent's
 * refresh under way alone: both read their instance.  The child's copy
 * of the fleet starts with the parent's set of sessions to poll (one
 * kernel object for both): what the child does to it must not take the
 * parent's session out, or the parent's refresh would never hear its
 * greeting and end in a time-out. */
START_TEST(forked_child_leaves_parent_sessions)
{
	struct fleet f;
	struct err e;
	pid_t c;
	int st;

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	fleet_init(&f, NULL);
	ck_assert_int_eq(fleet_add(&f, "a", qpath("qmp.sock"), &e), 0);
	ck_assert_int_eq(fleet_add(&f, "c", qpath("hmp.sock"), &e), 1);
	fleet_refresh_start(&f, 0, now_s());
	ck_assert_uint_eq(f.nrun, 1);		/* a's session is open */
	c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0) {
		fleet_refresh_cancel(&f, (size_t)-1);	/* as a job does */
		fleet_refresh_start(&f, 1, now_s());
		fleet_refresh_wait(&f, 1);
		_exit(f.inst[1].conn == INST_OK && f.inst[0].conn == INST_NEW ?
		    0 : 1);
	}
	fleet_refresh_wait(&f, 0);
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert_msg(f.inst[0].conn == INST_OK, "a: %s", f.inst[0].error);
	ck_assert_int_eq(f.inst[1].conn, INST_NEW);	/* the child's */
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's "
	    "refresh of c did not read it");
	/* and the parent goes on polling its own set */
	fleet_refresh_start(&f, (size_t)-1, now_s());
	fleet_refresh_wait(&f, (size_t)-1);
	ck_assert_msg(f.inst[0].conn == INST_OK, "a: %s", f.inst[0].error);
	ck_assert_msg(f.inst[1].conn == INST_OK, "c: %s", f.inst[1].error);
	fleet_free(&f);
}
END_TEST

START_TEST(add_refuses_bad_input)
{
	struct fleet f;
	struct err e;

	fleet_init(&f, NULL);
	ck_assert_int_eq(fleet_add(&f, "../x", "unix:/x", &e), -1);
	ck_assert_int_eq(fleet_add(&f, "a", "tcp:", &e), -1);
	ck_assert_int_eq(fleet_add(&f, "a", "", &e), -1);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_str_eq(inst_conn_name(INST_UNREACHABLE), "unreachable");
	ck_assert_str_eq(inst_conn_name(INST_BUSY), "busy");
	fleet_free(&f);
}
END_TEST

/* A bus read again unchanged is not parsed again (fleetseen.c): QEMU's
 * own replies end in the form the hash needs, so the second refresh
 * takes the reply as seen and shows what the first did; a device added
 * changes the reply, and the next refresh reads and shows it. */
static void
seen_refresh(struct fleet *f)
{
	fleet_refresh_start(f, 0, now_s());
	fleet_refresh_wait(f, 0);
	ck_assert_msg(f->inst[0].conn == INST_OK, "%s", f->inst[0].error);
}

START_TEST(reread_bus_taken_as_seen)
{
	struct moncmd_device d = { "virtio-net-pci", "nic-44444444-pci-9",
		"pci.0", 9, 0, NULL, 0 };
	struct fleet f;
	struct err e;
	struct mon *m;
	uint64_t v;
	size_t n;
	int op;

	ck_assert_msg(qemu_err[0] == '\0', "%s", qemu_err);
	fleet_init(&f, NULL);
	ck_assert_int_eq(fleet_add(&f, "q", qpath("qmp.sock"), &e), 0);
	seen_refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 0);
	v = fleet_view_hash(&f.inst[0]);
	n = f.inst[0].live.n;
	ck_assert_int_eq(f.inst[0].slots.b[6].state, SLOT_FOREIGN);
	seen_refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 1);
	ck_assert_uint_eq(fleet_view_hash(&f.inst[0]), v);
	ck_assert_uint_eq(f.inst[0].live.n, n);
	ck_assert_int_eq(f.inst[0].slots.b[9].state, SLOT_FREE);

	m = mon_new(qpath("qmp.sock"), NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD,
	    .device = &d }, &e);
	ck_assert_int_ge(op, 0);
	mon_start(m);
	ck_assert_int_eq(tu_mon_run(m, 5000), MON_DONE);
	ck_assert_msg(mon_result(m, op)->ok, "%s", mon_result(m, op)->msg);
	mon_free(m);

	seen_refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 1);	/* read: it changed */
	ck_assert_uint_eq(f.inst[0].live.n, n + 1);
	ck_assert_ptr_nonnull(pci_info_find_id(&f.inst[0].live, d.id));
	ck_assert_int_ne(f.inst[0].slots.b[9].state, SLOT_FREE);
	ck_assert_uint_ne(fleet_view_hash(&f.inst[0]), v);
	seen_refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 2);
	ck_assert_ptr_nonnull(pci_info_find_id(&f.inst[0].live, d.id));
	ck_assert_int_ne(f.inst[0].slots.b[9].state, SLOT_FREE);
	fleet_free(&f);
}
END_TEST

/* The cases against QEMU q.  One QEMU per test case, started and killed
 * by the runner itself (unchecked fixtures), so a failing test cannot
 * leak it. */
static void
add_cases(Suite *s, enum tu_qemu q)
{
	int ten = q == TU_QEMU_10;
	void (*up)(void) = ten ? qemu_start10 : qemu_start72;
	TCase *tq;

	tq = tcase_create(ten ? "fleet-qemu-10.0" : "fleet-qemu");
	tu_tcase_require(tq, tu_missing_qemu_v(q));
	tcase_add_unchecked_fixture(tq, up, qemu_stop);
	tcase_add_test(tq, refresh_mixed_fleet);
	tcase_add_test(tq, refresh_only_reports_unplugs);
	tcase_add_test(tq, refresh_releases_the_socket);
	tcase_add_test(tq, corrupt_runtime_is_reported_not_touched);
	tcase_add_test(tq, max_parallel_queues_sessions);
	tcase_add_test(tq, forked_child_leaves_parent_sessions);
	tcase_set_timeout(tq, 60);
	suite_add_tcase(s, tq);
	tq = tcase_create(ten ? "fleet-unplug-10.0" : "fleet-unplug");
	tu_tcase_require(tq, tu_missing_qemu_v(q));
	tcase_add_unchecked_fixture(tq, up, qemu_stop);
	tcase_add_test(tq, unplug_completed_by_refresh);
	tcase_set_timeout(tq, 60);
	suite_add_tcase(s, tq);	tq = tcase_create(ten ? "fleet-seen-10.0" : "fleet-seen");
	tu_tcase_require(tq, tu_missing_qemu_v(q));
	tcase_add_unchecked_fixture(tq, up, qemu_stop);
	tcase_add_test(tq, reread_bus_taken_as_seen);
	tcase_set_timeout(tq, 60);
	suite_add_tcase(s, tq);
}

Suite *
fleet_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("fleet");
	tc = tcase_create("fleet");
	tcase_add_test(tc, add_refuses_bad_input);
	tcase_add_test(tc, garbage_and_silent_peers);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	tu_qemu_cases(s, add_cases);
	return s;
}
