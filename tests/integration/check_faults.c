/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_faults.c - the fault matrix (tests/FAULTS.md): what slotscope does
 * when a monitor, the runtime store or a hotplug goes wrong.  Expected
 * every time: a clear one-line error, the instance marked, the others
 * unaffected, no hang (every test has a Check timeout; every wait has a
 * deadline), no leak (check-asan runs these under LeakSanitizer), and
 * never a torn, lost or silently wrong runtime file.
 *
 * Monitors: one fleet refresh over a mix of healthy and faulty monitors --
 * the simulator's fault switches (slow, reply cut in half, garbage,
 * crashing, held by another client) and scripted peers for what the
 * simulator cannot do (a huge reply, a QMP event storm, a truncated JSON
 * reply, replies to another client's commands); a real paused QEMU stopped (slow beyond the deadline) and
 * killed -9 in the middle of a command, over HMP and QMP.
 * Store: ENOSPC and a read-only file system (a tiny tmpfs, mounted when
 * permitted), a runtime file truncated at every length.
 * Hotplug: the simulated QEMU dies after each step of the flow in turn
 * (between netdev_add and device_add among them).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fleet/fleet.h"
#include "fleet/hotplug.h"
#include "qemu/mon.h"
#include "sim/sim.h"
#include "store/store.h"
#include "peer.h"
#include "testutil.h"

static char *dir;
static pid_t kids[16];
static int nkids;

static const char *
dpath(const char *name)
{
	return tu_path(dir, name);
}

static void
setup(void)
{
	dir = tu_tmpdir();
	nkids = 0;
}

static void
teardown(void)
{
	int i;

	for (i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	nkids = 0;
	tu_qemu_stop(dir);
	umount2(dpath("tiny"), MNT_DETACH);
	tu_rmrf(dir);
	free(dir);
}

/* Servers die with the test process, also when a test fails (a checked
 * teardown does not run then). */
static void
die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* ---- servers in child processes --------------------------------------- */

/* A simulator serving the given instances until killed. */
static void
spawn_sim(const struct sim_inst_opts *o, size_t n)
{
	pid_t pid;
	size_t i;
	int ready[2];
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct err e;
		struct sim *s;

		die_with_parent();
		s = sim_new(&e);

		if (s == NULL)
			_exit(1);
		for (i = 0; i < n; i++)
			if (sim_add(s, &o[i], &e) == NULL) {
				fprintf(stderr, "sim_add: %s\n", e.msg);
				_exit(1);
			}
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		sim_run(s, &e);
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	kids[nkids++] = pid;
}

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": " \
	"[\"oob\"]}}\r\n"
#define BANNER "QEMU 7.2.22 monitor - type 'help' for more information\r\n" \
	"(qemu) "

enum peer {
	PEER_HUGE,		/* HMP: a reply of 40 MiB with no prompt */
	PEER_STORM,		/* QMP: 20000 events before every reply */
	PEER_TRUNCATED,		/* QMP: half a JSON reply, then hang up */
	PEER_STALE,		/* QMP: before the greeting and before each
				 * reply, a reply to another client's command
				 * (QEMU 7.2 does that after a client left with
				 * a command in flight; 10.0 before the
				 * greeting, after one was killed -9) */
};

static void
reply_to(int c, const char *line, const char *reply)
{
	tu_peer_qmp_reply(c, line, reply);
}

static void
peer_serve(enum peer kind, int c)
{
	char line[4096];
	static char chunk[65536];
	size_t i;

	if (kind == PEER_HUGE) {
		tu_peer_puts(c, BANNER);
		if (!tu_peer_getline(c, line, sizeof line))
			return;
		memset(chunk, 'x', sizeof chunk);
		for (i = 0; i < 640; i++)	/* 40 MiB */
			tu_peer_put(c, chunk, sizeof chunk);
		return;
	}
	if (kind == PEER_STALE)
		tu_peer_puts(c, "{\"return\": {}, \"id\": \"ss-0badc0de-9\"}"
		    "\r\n");
	tu_peer_puts(c, GREETING);
	while (tu_peer_getline(c, line, sizeof line)) {
		if (kind == PEER_STALE)
			tu_peer_puts(c, "{\"return\": [{\"bus\": 0, "
			    "\"devices\": []}], \"id\": \"ss-0badc0de-7\"}"
			    "\r\n");
		if (strstr(line, "qmp_capabilities")) {
			reply_to(c, line, "{\"return\": {}}");
			continue;
		}
		if (kind == PEER_TRUNCATED) {
			tu_peer_puts(c, "{\"return\": [{\"bus\": 0, \"devi");
			return;
		}
		if (kind == PEER_STALE)
			tu_peer_puts(c, "{\"return\": {}, "
			    "\"id\": \"ss-0badc0de-1\"}\r\n");
		for (i = 0; kind == PEER_STORM && i < 20000; i++)
			tu_peer_puts(c, "{\"timestamp\": {\"seconds\": 1, "
			    "\"microseconds\": 2}, \"event\": \"RTC_CHANGE\", "
			    "\"data\": {\"offset\": 1}}\r\n");
		if (strstr(line, "query-version"))
			reply_to(c, line, "{\"return\": {\"qemu\": {\"micro\": "
			    "22, \"minor\": 2, \"major\": 7}, \"package\": \"\"}}");
		else if (strstr(line, "query-pci"))
			reply_to(c, line, "{\"return\": [{\"bus\": 0, "
			    "\"devices\": [{\"bus\": 0, \"slot\": 0, "
			    "\"function\": 0, \"class_info\": {\"class\": 1536, "
			    "\"desc\": \"Host bridge\"}, \"id\": {\"device\": "
			    "4663, \"vendor\": 32902}, \"qdev_id\": \"\"}]}]}");
		else
			reply_to(c, line, "{\"error\": {\"class\": "
			    "\"GenericError\", \"desc\": \"no\"}}");
	}
}

static void
serve(int c, void *kind)
{
	peer_serve((enum peer)(long)kind, c);
}

/* A scripted peer on path, serving clients one after another. */
static void
spawn_peer(const char *path, enum peer kind)
{
	struct tu_peer p;

	tu_peer_listen(&p, path);
	tu_peer_serve(&p, serve, (void *)(long)kind);
	kids[nkids++] = p.pid;
}

/* ---- monitors: one refresh over healthy and faulty ones ----------------- */

static struct sim_inst_opts
simopt(const char *name)
{
	struct sim_inst_opts o;

	memset(&o, 0, sizeof o);
	o.dir = dir;
	o.name = name;
	o.machine = SIMDEV_PC;
	return o;
}

static size_t
idx(struct fleet *f, const char *name)
{
	struct err e;
	long i = fleet_find(f, name, &e);

	ck_assert_msg(i >= 0, "%s", e.msg);
	return (size_t)i;
}

/* The instance is marked with conn and a one-line error holding want. */
static void
marked(struct fleet *f, const char *name, enum inst_conn conn,
    const char *want)
{
	struct instance *in = &f->inst[idx(f, name)];

	ck_assert_msg(in->conn == conn, "%s: conn %s, want %s (%s)", name,
	    inst_conn_name(in->conn), inst_conn_name(conn), in->error);
	ck_assert_msg(in->error[0] != '\0' && strchr(in->error, '\n') == NULL,
	    "%s: error '%s'", name, in->error);
	ck_assert_msg(want == NULL || strstr(in->error, want) != NULL,
	    "%s: error '%s' lacks '%s'", name, in->error, want);
	ck_assert(!in->refreshing);
}

static void
healthy(struct fleet *f, const char *name, int min_fns)
{
	struct instance *in = &f->inst[idx(f, name)];

	ck_assert_msg(in->conn == INST_OK, "%s: %s (%s)", name,
	    inst_conn_name(in->conn), in->error);
	ck_assert_str_eq(in->error, "");
	ck_assert_int_ge((int)in->live.n, min_fns);
	ck_assert(!in->refreshing);
}

START_TEST(monitor_faults_in_one_refresh)
{
	struct sim_inst_opts o[8];
	struct fleet f;
	struct err e;
	char ep[4300];
	size_t n = 0, i;
	int round;

	o[n++] = simopt("good");
	o[n] = simopt("slow");
	o[n++].fault.slow_ms = 15000;	/* beyond the deadlines below */
	o[n] = simopt("cut");
	o[n++].fault.cut_reply = 1;
	o[n] = simopt("garbage");
	o[n++].fault.garbage = 1;
	o[n] = simopt("crash");
	o[n++].fault.crash_after = 1;
	o[n] = simopt("held");
	o[n++].held = 1;
	spawn_sim(o, n);
	spawn_peer(dpath("huge.monitor"), PEER_HUGE);
	spawn_peer(dpath("storm.qmp"), PEER_STORM);
	spawn_peer(dpath("trunc.qmp"), PEER_TRUNCATED);
	spawn_peer(dpath("stale.qmp"), PEER_STALE);

	fleet_init(&f, dpath("rt"));
	/* The fleet's own deadlines (its real options), raised from 500 and
	 * 2000 ms: the healthy ones must make them also on a loaded machine
	 * under ASan (the storm peer's 20000 events before every reply took
	 * more than a second to parse there); only the slow one, whose
	 * replies are held beyond them, misses them. */
	f.monitor_timeout_ms = 2000;
	f.op_timeout_ms = 5000;
	for (i = 0; i < n; i++) {
		/* HMP and QMP alike: odd ones over QMP */
		snprintf(ep, sizeof ep, "unix:%s/%s.%s", dir, o[i].name,
		    i % 2 ? "qmp" : "monitor");
		ck_assert_int_ge(fleet_add(&f, o[i].name, ep, &e), 0);
	}
	snprintf(ep, sizeof ep, "unix:%s", dpath("huge.monitor"));
	ck_assert_int_ge(fleet_add(&f, "huge", ep, &e), 0);
	snprintf(ep, sizeof ep, "unix:%s", dpath("storm.qmp"));
	ck_assert_int_ge(fleet_add(&f, "storm", ep, &e), 0);
	snprintf(ep, sizeof ep, "unix:%s", dpath("trunc.qmp"));
	ck_assert_int_ge(fleet_add(&f, "trunc", ep, &e), 0);
	snprintf(ep, sizeof ep, "unix:%s", dpath("stale.qmp"));
	ck_assert_int_ge(fleet_add(&f, "stale", ep, &e), 0);
	snprintf(ep, sizeof ep, "unix:%s", dpath("nobody.qmp"));
	ck_assert_int_ge(fleet_add(&f, "nobody", ep, &e), 0);

	/* twice: a fault leaves nothing behind that spoils the next one */
	for (round = 0; round < 2; round++) {
		fleet_refresh_start(&f, (size_t)-1, 1 + round);
		fleet_refresh_wait(&f, (size_t)-1);
		ck_assert_int_eq((int)fleet_npending(&f), 0);
		healthy(&f, "good", 6);
		healthy(&f, "storm", 1);
		/* replies to another client's commands are not ours */
		healthy(&f, "stale", 1);
		/* every reply late, the banner too: no banner within the
		 * deadline reads as another client holding the socket; a
		 * late reply to a command is an error */
		ck_assert(f.inst[idx(&f, "slow")].conn == INST_BUSY ||
		    f.inst[idx(&f, "slow")].conn == INST_ERROR);
		marked(&f, "slow", f.inst[idx(&f, "slow")].conn, NULL);
		marked(&f, "held", INST_BUSY, "busy");
		marked(&f, "huge", INST_ERROR, NULL);
		marked(&f, "trunc", round ? INST_UNREACHABLE : INST_UNREACHABLE,
		    NULL);
		marked(&f, "nobody", INST_UNREACHABLE, NULL);
		marked(&f, "garbage", INST_ERROR, NULL);
		/* cut mid-reply: the peer hung up */
		ck_assert(f.inst[idx(&f, "cut")].conn != INST_OK);
		marked(&f, "cut", f.inst[idx(&f, "cut")].conn, NULL);
		/* crashed after its first command: gone for good */
		ck_assert(f.inst[idx(&f, "crash")].conn != INST_OK);
		marked(&f, "crash", f.inst[idx(&f, "crash")].conn, NULL);
	}
	fleet_free(&f);
}
END_TEST

/* ---- monitors: a real QEMU stopped, then killed mid-command ------------ */

static pid_t
qemu_pid(void)
{
	char *t;
	size_t len;
	FILE *fp = fopen(dpath("qemu.pid"), "r");
	long pid = 0;

	(void)t;
	(void)len;
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fscanf(fp, "%ld", &pid), 1);
	fclose(fp);
	return (pid_t)pid;
}

static void
real_qemu(const char *sock)
{
	struct mon_opts mo = { .greet_ms = 2000, .op_ms = 400, .keep_open = 1 };
	struct mon_result res;
	struct err e;
	struct mon *m;
	char ep[4300];
	pid_t pid;
	int op, i;
	enum mon_status st = MON_RUNNING;

	if (tu_qemu_start(dir, "pc", NULL) < 0) {
		tu_qemu_stop(dir);
		ck_abort_msg("QEMU did not start");
	}
	pid = qemu_pid();
	snprintf(ep, sizeof ep, "unix:%s/%s", dir, sock);
	m = mon_new(ep, &mo, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION },
	    &res, &e) == 0, "%s", e.msg);

	/* slow beyond the deadline: QEMU stopped, the command times out */
	kill(pid, SIGSTOP);
	ck_assert_int_eq(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e), -1);
	ck_assert_int_eq(mon_last_kind(m), MONERR_TIMEOUT);
	ck_assert_int_eq(res.kind, MONERR_TIMEOUT);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
	mon_result_free(&res);
	mon_free(m);
	kill(pid, SIGCONT);

	/* the next session works: nothing was left half-sent */
	m = mon_new(ep, &mo, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e) == 0, "%s", e.msg);
	ck_assert_int_ge((int)res.pci.n, 6);
	mon_result_free(&res);

	/* killed -9 while a command is in flight */
	kill(pid, SIGSTOP);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
	ck_assert_int_ge(op, 0);
	for (i = 0; i < 5; i++)		/* send it */
		st = mon_step(m, POLLOUT);
	kill(pid, SIGKILL);
	ck_assert_msg(mon_run(m, &e) == -1, "a dead QEMU answered");
	ck_assert_msg(mon_error(m, &e) == MONERR_UNREACHABLE ||
	    mon_error(m, &e) == MONERR_TIMEOUT, "kind %d: %s", mon_error(m, &e),
	    e.msg);
	ck_assert(!mon_result(m, op)->ok);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
	(void)st;
	mon_free(m);
	tu_qemu_stop(dir);
}

START_TEST(real_qemu_stopped_and_killed_hmp)
{
	real_qemu("hmp.sock");
}
END_TEST

START_TEST(real_qemu_stopped_and_killed_qmp)
{
	real_qemu("qmp.sock");
}
END_TEST

/* ---- runtime store ------------------------------------------------------- */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Commit a device at slot into the runtime file of web1 in d. */
static int
commit_dev(const char *d, int slot, int nbig, struct err *e)
{
	struct store_txn t;
	struct store_dev dev;
	int i;

	if (store_open_locked(d, "web1", &t, 1000, e) < 0)
		return -1;
	for (i = 0; i < nbig; i++) {
		memset(&dev, 0, sizeof dev);
		snprintf(dev.id, sizeof dev.id, "disk-%08x-pci-%d", i, 4 + i);
		snprintf(dev.type, sizeof dev.type, "disk");
		dev.slot = 4 + i;
		dev.backend.kind = STORE_BK_FILE;
		memset(dev.backend.path, 'p', 1000);
		dev.backend.path[0] = '/';
		snprintf(dev.backend.format, sizeof dev.backend.format, "raw");
		if (store_find_slot(&t.rt, dev.slot) == NULL &&
		    store_add_dev(&t.rt, &dev, e) < 0) {
			store_abort(&t);
			return -1;
		}
	}
	if (slot >= 0 && slotmap_reserve(&t.rt.reserved, slot, e) < 0) {
		store_abort(&t);
		return -1;
	}
	return store_commit(&t, e);
}

/* commit_dev(m, slot, nbig) refused with a one-line error, and web1's
 * file in tiny/ still the lb bytes before. */
static void
refused_intact(const char *m, int slot, int nbig, const char *before,
    size_t lb)
{
	struct err e;
	char *after;
	size_t la;

	ck_assert_int_eq(commit_dev(m, slot, nbig, &e), -1);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
	after = slurp(dpath("tiny/web1.json"), &la);
	ck_assert_ptr_nonnull(after);
	ck_assert_int_eq(la, lb);
	ck_assert_int_eq(memcmp(before, after, lb), 0);
	free(after);
}

START_TEST(store_enospc_and_readonly)
{
	char m[4200];
	char *before;
	size_t lb;
	struct err e;
	int fill;
	char junk[4096];
	FILE *f;

	snprintf(m, sizeof m, "%s", dpath("tiny"));
	ck_assert_int_eq(mkdir(m, 0700), 0);
	if (mount("tmpfs", m, "tmpfs", 0, "size=64k,mode=0700") < 0) {
		char why[256];

		snprintf(why, sizeof why, "cannot mount a tmpfs for the ENOSPC "
		    "test (%s; needs root)", strerror(errno));
		tu_skip(why);
	}
	ck_assert_msg(commit_dev(m, 9, 3, &e) == 0, "%s", e.msg);
	before = slurp(dpath("tiny/web1.json"), &lb);
	ck_assert_ptr_nonnull(before);
	/* fill the file system to the last block */
	memset(junk, 'j', sizeof junk);
	f = fopen(dpath("tiny/filler"), "w");
	ck_assert_ptr_nonnull(f);
	for (fill = 0; fill < 64; fill++)
		if (fwrite(junk, 1, sizeof junk, f) != sizeof junk)
			break;
	fclose(f);
	/* a bigger file cannot be written: clear error, old file intact */
	refused_intact(m, 10, 20, before, lb);
	/* nothing half-written is left behind */
	{
		char *ls;

		snprintf(junk, sizeof junk, "ls -A %s", m);
		tu_run(junk, &ls);
		ck_assert_msg(strstr(ls, "tmp") == NULL &&
		    strstr(ls, ".new") == NULL, "left: %s", ls);
		free(ls);
	}
	/* read-only: clear error, old file intact */
	unlink(dpath("tiny/filler"));
	ck_assert_msg(mount("tmpfs", m, "tmpfs", MS_REMOUNT | MS_RDONLY,
	    "size=64k,mode=0700") == 0, "remount read-only: %s",
	    strerror(errno));
	refused_intact(m, 11, 0, before, lb);
	free(before);
	ck_assert_int_eq(umount(m), 0);
}
END_TEST

/* A runtime file cut at every length: never taken for a good one, never
 * overwritten; the message names the file. */
START_TEST(store_truncated_at_every_length)
{
	char *full, *now;
	size_t len, cut, ln;
	struct store_rt rt;
	struct store_txn t;
	struct err e;
	int fd;

	ck_assert_msg(commit_dev(dir, 9, 2, &e) == 0, "%s", e.msg);
	full = slurp(dpath("web1.json"), &len);
	ck_assert_ptr_nonnull(full);
	for (cut = 0; cut + 1 < len; cut += (cut < 200 ? 1 : 97)) {
		fd = open(dpath("web1.json"), O_WRONLY | O_TRUNC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, full, cut), (ssize_t)cut);
		close(fd);
		if (store_load(dir, "web1", &rt, &e) == 0) {
			/* only whitespace may be cut off */
			ck_assert_msg(strspn(full + cut, " \r\n\t") ==
			    len - cut, "cut at %zu read as good", cut);
			store_rt_free(&rt);
			continue;
		}
		ck_assert_ptr_nonnull(strstr(e.msg, "web1"));
		ck_assert_int_eq(store_open_locked(dir, "web1", &t, 100, &e),
		    -1);
		now = slurp(dpath("web1.json"), &ln);
		ck_assert_int_eq(ln, cut);
		ck_assert_int_eq(memcmp(now, full, cut), 0);
		free(now);
	}
	free(full);
}
END_TEST

/* ---- hotplug: the simulated QEMU dies after each step in turn ----------- */

START_TEST(hotplug_qemu_dies_at_each_step)
{
	struct sim_inst_opts o[12];
	char names[12][16], ep[4300];
	struct hotplug_target t;
	struct hotplug_req r;
	struct store_dev out;
	struct store_rt rt;
	struct err e;
	int k, failed = 0, done = 0, first_done = -1;

	for (k = 0; k < 12; k++) {
		snprintf(names[k], sizeof names[k], "vm%d", k + 1);
		o[k] = simopt(names[k]);
		o[k].fault.crash_after = k + 1;
	}
	spawn_sim(o, 12);
	for (k = 0; k < 12; k++) {
		memset(&t, 0, sizeof t);
		snprintf(ep, sizeof ep, "unix:%s/%s.%s", dir, names[k],
		    k % 2 ? "qmp" : "monitor");
		t.inst = names[k];
		t.endpoint = ep;
		t.runtime_dir = dpath("rt");
		t.greet_ms = 1000;
		t.op_ms = 1000;
		hotplug_req_init(&r, HOTPLUG_NIC);
		if (hotplug_add(&t, &r, &out, &e) == 0) {
			/* QEMU lived long enough: persisted and consistent */
			ck_assert_int_eq(store_load(t.runtime_dir, names[k], &rt,
			    &e), 0);
			ck_assert_int_eq((int)rt.ndev, 1);
			ck_assert_str_eq(rt.dev[0].id, out.id);
			store_rt_free(&rt);
			if (first_done < 0)
				first_done = k;
			done++;
			continue;
		}
		/* died mid-flow: one clear line, nothing persisted that
		 * QEMU does not have (it has nothing: it is gone) */
		failed++;
		ck_assert_ptr_null(strchr(e.msg, '\n'));
		ck_assert_msg(e.msg[0] != '\0', "empty error");
		ck_assert_int_eq(store_load(t.runtime_dir, names[k], &rt, &e),
		    0);
		ck_assert_msg(rt.ndev == 0, "%s: a device was persisted for a "
		    "dead QEMU after %d commands", names[k], k + 1);
		store_rt_free(&rt);
	}
	/* the flow has several steps: the early deaths all failed; a QEMU
	 * that outlives the whole flow gets its device, and so does every
	 * one that lives longer still */
	ck_assert_int_ge(failed, 3);
	ck_assert_msg(done >= 1, "no hotplug succeeded, even with a QEMU "
	    "living for 12 commands");
	ck_assert_int_eq(done, 12 - first_done);
}
END_TEST

Suite *
faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *t;

	/* unchecked fixtures (run in the parent): QEMU, mounts and the
	 * temp dir are cleaned up also after a failing test */
	t = tu_tcase_new(s, "monitors", NULL, setup, teardown, 60);
	tcase_add_test(t, monitor_faults_in_one_refresh);
	t = tu_tcase_new(s, "store", NULL, setup, teardown, 60);
	tcase_add_test(t, store_enospc_and_readonly);
	tcase_add_test(t, store_truncated_at_every_length);
	t = tu_tcase_new(s, "hotplug", NULL, setup, teardown, 120);
	tcase_add_test(t, hotplug_qemu_dies_at_each_step);
	t = tu_tcase_new(s, "real-qemu-hmp", tu_missing_qemu(), setup,
	    teardown, 60);
	tcase_add_test(t, real_qemu_stopped_and_killed_hmp);
	t = tu_tcase_new(s, "real-qemu-qmp", tu_missing_qemu(), setup,
	    teardown, 60);
	tcase_add_test(t, real_qemu_stopped_and_killed_qmp);
	return s;
}
