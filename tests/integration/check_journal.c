/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_journal.c - hotplugs and unplugs killed with SIGKILL at random
 * moments against a real paused QEMU (pc, TCG, no guest), NIC and disk,
 * over HMP and over QMP: after each kill ONE refresh (and its owners:
 * unplug_record_reported, journal_resolve_reported) leaves the live bus
 * and the runtime file in agreement -- no device with slotscope's id
 * scheme that the file lacks, no device the file has that the bus lacks,
 * no orphan netdev or block node (asked from QEMU: backends.h), no intent
 * left -- each resolution is an audit line, and the next hotplug succeeds.
 * Pending unplugs are completed with system_reset (as QEMU does for a
 * guest that reboots), so the bus never fills up.
 *
 * Run against QEMU 7.2 and 10.0.
 *
 * The kill moments spread over the measured length of one operation, so
 * every step (before the intent, backend added, device added, recorded)
 * is hit; a bounded 24 iterations keep it quick.
 *
 * lost_result_resolves: what a power cut may leave of a hotplug whose
 * result was written without syncing its directory (hotplug.c's run): the
 * file as it was when device_add went out -- taken by a proxy between the
 * flow and QEMU at that moment -- resolves to the very file the result
 * wrote when QEMU still has the device, and to the file before the
 * hotplug when QEMU has neither device nor backend.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "fleet/fleet.h"
#include "fleet/hotplug.h"
#include "fleet/journal.h"
#include "fleet/unplug.h"
#include "model/devid.h"
#include "qemu/backends.h"
#include "qemu/mon.h"
#include "store/store.h"
#include "peer.h"
#include "relay.h"
#include "testutil.h"

#define ITERATIONS 24

static struct tu_vm vms[2] = { { .machine = "pc" }, { .machine = "pc" } };
TU_VM_FIXTURE2(vm, vms)
static struct tu_vm *vmp;	/* the QEMU of the running case */

struct ctx {
	char ep[2][4200];		/* HMP, QMP */
	char rtdir[4200], audit[4300], img[4300];	/* img: a prefix */
};

static void
ctx_init(struct ctx *c)
{
	ck_assert_msg(vmp->up, "QEMU did not start");
	snprintf(c->ep[0], sizeof c->ep[0], "unix:%s/hmp.sock", vmp->dir);
	snprintf(c->ep[1], sizeof c->ep[1], "unix:%s/qmp.sock", vmp->dir);
	snprintf(c->rtdir, sizeof c->rtdir, "%s/rt", vmp->dir);
	snprintf(c->audit, sizeof c->audit, "%s/audit.log", c->rtdir);
	snprintf(c->img, sizeof c->img, "%s/disk.img", vmp->dir);
}

static void
target(const struct ctx *c, int qmp, struct hotplug_target *t)
{
	memset(t, 0, sizeof *t);
	t->inst = "vm1";
	t->endpoint = c->ep[qmp];
	t->runtime_dir = c->rtdir;
	t->audit_log = c->audit;
}

static void
request(const struct ctx *c, int disk, struct hotplug_req *r)
{
	static int n;
	struct err e;
	char w[4400];
	FILE *fp;

	hotplug_req_init(r, disk ? HOTPLUG_DISK : HOTPLUG_NIC);
	if (disk) {
		/* an image of its own: QEMU write-locks an image while a
		 * device uses it */
		snprintf(w, sizeof w, "path=%s.%d", c->img, n++);
		fp = fopen(w + 5, "w");
		ck_assert_ptr_nonnull(fp);
		ck_assert_int_eq(ftruncate(fileno(fp), 1 << 20), 0);
		fclose(fp);
		ck_assert_int_eq(hotplug_req_set(r, w, &e), 0);
		ck_assert_int_eq(hotplug_req_set(r, "format=raw", &e), 0);
	}
}

static void
hmp_cmd(const struct ctx *c, const char *cmd)
{
	struct mon *m;
	struct err e;

	m = mon_new(c->ep[0], NULL, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = cmd }, NULL, &e) == 0, "%s: %s", cmd, e.msg);
	mon_free(m);
}

/* One refresh of vm1 over endpoint qmp, then what it reported goes to
 * its owners; a resolution is seen by the refresh after it. */
static size_t
refresh(const struct ctx *c, int qmp)
{
	struct fleet f;
	struct err e;
	size_t n;

	fleet_init(&f, c->rtdir);
	snprintf(f.audit_log, sizeof f.audit_log, "%s", c->audit);
	ck_assert_int_eq(fleet_add(&f, "vm1", c->ep[qmp], &e), 0);
	fleet_refresh_start(&f, 0, 1);
	fleet_refresh_wait(&f, 0);
	ck_assert_msg(f.inst[0].conn == INST_OK, "refresh: %s",
	    f.inst[0].error);
	unplug_record_reported(&f);
	n = journal_resolve_reported(&f);
	ck_assert_int_eq(f.inst[0].journal, 0);
	fleet_free(&f);
	return n;
}

static size_t
count_lines(const char *path, const char *what)
{
	FILE *fp = fopen(path, "r");
	char line[4096];
	size_t n = 0;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL)
		n += strstr(line, what) != NULL;
	fclose(fp);
	return n;
}

/* The bus, the runtime file and QEMU's backends agree. */
static void
agree(const struct ctx *c, int qmp, int iter)
{
	struct mon_result res;
	struct backends b;
	struct store_rt rt;
	struct mon *m;
	struct err e;
	size_t i;

	ck_assert_int_eq(store_load(c->rtdir, "vm1", &rt, &e), 0);
	ck_assert_msg(rt.nintent == 0, "iteration %d: intent for %s left",
	    iter, rt.intent[0].dev.id);
	m = mon_new(c->ep[qmp], &(struct mon_opts){ .keep_open = 1 }, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	    &res, &e) == 0, "%s", e.msg);
	for (i = 0; i < res.pci.n; i++) {
		const struct pci_fn *fn = &res.pci.fn[i];
		struct devid d;

		if (fn->id[0] && devid_parse(fn->id, strlen(fn->id), &d,
		    &e) == 0)
			ck_assert_msg(store_find_id(&rt, fn->id) != NULL,
			    "iteration %d: %s is live but not recorded", iter,
			    fn->id);
	}
	for (i = 0; i < rt.ndev; i++) {
		const struct pci_fn *fn = pci_info_find_id(&res.pci,
		    rt.dev[i].id);

		ck_assert_msg(fn != NULL && fn->slot == rt.dev[i].slot,
		    "iteration %d: %s is recorded but not live", iter,
		    rt.dev[i].id);
	}
	ck_assert_msg(backends_query(m, &b, &e) == 0, "%s", e.msg);
	for (i = 0; i < b.n; i++)
		ck_assert_msg(b.v[i].attached, "iteration %d: orphan %s", iter,
		    b.v[i].name);
	mon_result_free(&res);
	mon_free(m);
	store_rt_free(&rt);
}

/* Run fn in a child and SIGKILL it after delay_us (or let it end). */
static void
killed(const struct ctx *c, int qmp, int disk, const char *unplug_id,
    long delay_us)
{
	struct hotplug_target t;
	struct hotplug_req r;
	struct store_dev d;
	struct err e;
	pid_t pid;
	int st;

	target(c, qmp, &t);
	request(c, disk, &r);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unplug_id != NULL)
			hotplug_del(&t, unplug_id, 0, &d, &e);
		else
			hotplug_add(&t, &r, &d, &e);
		_exit(0);
	}
	usleep((useconds_t)delay_us);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}

/* Complete whatever unplug is pending and record it. */
static void
reset_and_settle(const struct ctx *c, int qmp, int iter)
{
	hmp_cmd(c, "system_reset");
	refresh(c, qmp);
	agree(c, qmp, iter);
}

/* Unplug every recorded device and complete the unplugs. */
static void
unplug_all(const struct ctx *c, int qmp, int iter)
{
	struct hotplug_target t;
	struct store_dev d;
	struct store_rt rt;
	struct err e;
	size_t i;

	target(c, qmp, &t);
	ck_assert_int_eq(store_load(c->rtdir, "vm1", &rt, &e), 0);
	for (i = 0; i < rt.ndev; i++)
		ck_assert_msg(hotplug_del(&t, rt.dev[i].id, 0, &d, &e) >= 0,
		    "iteration %d: unplug %s: %s", iter, rt.dev[i].id, e.msg);
	store_rt_free(&rt);
	reset_and_settle(c, qmp, iter);
}

START_TEST(kill9_loop)
{
	struct ctx c;
	struct hotplug_target t;
	struct hotplug_req r;
	struct store_dev d;
	struct store_rt rt;
	struct err e;
	int64_t t0;
	long op_us = 0, us;
	size_t left = 0, resolved = 0, lines0, had, steps[3] = { 0, 0, 0 };
	int i;

	vmp = &vms[_i];
	ctx_init(&c);
	/* how long one hotplug takes here: the kills spread over it */
	target(&c, 0, &t);
	request(&c, 0, &r);
	for (i = 0; i < 2; i++) {	/* the second, warm, one counts */
		t0 = clock_mono_ms();
		ck_assert_msg(hotplug_add(&t, &r, &d, &e) == 0, "%s", e.msg);
		us = (long)(clock_mono_ms() - t0) * 1000 + 1000;
		op_us = i == 0 || us < op_us ? us : op_us;
		ck_assert_int_ge(hotplug_del(&t, d.id, 0, &d, &e), 0);
		reset_and_settle(&c, 0, -1);
	}

	for (i = 0; i < ITERATIONS; i++) {
		int qmp = i % 2, disk = (i / 2) % 2, unplug = i % 3 == 2;
		/* 0 .. 1.15 x the op, a different moment every time */
		long delay = (long)((i * 5) % 24) * op_us / 20;

		target(&c, qmp, &t);
		if (unplug) {
			request(&c, disk, &r);
			ck_assert_msg(hotplug_add(&t, &r, &d, &e) == 0,
			    "iteration %d: plug before the unplug: %s", i,
			    e.msg);
		}
		killed(&c, qmp, disk, unplug ? d.id : NULL, delay);
		ck_assert_int_eq(store_load(c.rtdir, "vm1", &rt, &e), 0);
		had = rt.nintent;
		if (had)
			steps[rt.intent[0].step]++;
		left += had;
		store_rt_free(&rt);
		lines0 = count_lines(c.audit, "what=\"resolve ");
		/* a pending device_del is completed as by a guest reboot;
		 * then ONE refresh and its owners */
		hmp_cmd(&c, "system_reset");
		resolved += refresh(&c, qmp);
		agree(&c, qmp, i);
		/* each intent left: one resolution, one audit line */
		ck_assert_uint_eq(count_lines(c.audit, "what=\"resolve "),
		    lines0 + had);
		/* the next hotplug succeeds, and is unplugged again */
		request(&c, disk, &r);
		ck_assert_msg(hotplug_add(&t, &r, &d, &e) == 0,
		    "iteration %d: the next hotplug: %s", i, e.msg);
		unplug_all(&c, qmp, i);
		/* whatever the killed operation left plugged or unplugging
		 * is gone now too */
		ck_assert_int_eq(store_load(c.rtdir, "vm1", &rt, &e), 0);
		ck_assert_msg(rt.ndev == 0, "iteration %d: %zu devices left",
		    i, rt.ndev);
		store_rt_free(&rt);
	}
	fprintf(stderr, "journal: %d kills (one op ~%ld ms), %zu left an "
	    "intent (at step backend %zu, device %zu, del %zu), %zu resolved\n",
	    ITERATIONS, op_us / 1000, left, steps[0], steps[1], steps[2],
	    resolved);
	/* the kills did hit operations under way, and every intent left
	 * was resolved with an audit line */
	ck_assert_uint_gt(left, 0);
	ck_assert_uint_eq(resolved, left);
	ck_assert_uint_eq(count_lines(c.audit, "what=\"resolve "), resolved);
}
END_TEST

/* --- a lost result -------------------------------------------------- */

struct proxy {
	char qemu[4200];		/* QEMU's QMP socket */
	char file[4300], snap[4300];	/* the runtime file, its copy */
};

/* 0, or -1 when either file could not be used. */
static int
copy_file(const char *from, const char *to)
{
	char buf[1 << 16];
	int in = open(from, O_RDONLY), out, rc = 0;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	close(in);
	close(out);
	return n < 0 ? -1 : rc;
}

/* A relay's seen (relay.h): the runtime file is copied when the
 * client's device_add arrives, before QEMU sees it. */
static void
snap_at_add(struct tu_relay *r, int from_qemu, const char *buf, size_t n)
{
	const struct proxy *px = r->arg;

	(void)n;
	if (!from_qemu && strstr(buf, "\"device_add\"") != NULL &&
	    copy_file(px->file, px->snap) < 0)
		_exit(3);	/* the test sees no snapshot */
}

/* Parse the runtime file at path into rt (the caller frees it). */
static void
parse_file(const char *path, struct store_rt *rt)
{
	char buf[1 << 16];
	FILE *fp = fopen(path, "r");
	size_t n;
	struct err e;

	ck_assert_msg(fp != NULL, "no snapshot at %s", path);
	n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	ck_assert_msg(store_parse(buf, n, rt, &e) == 0, "%s", e.msg);
}

/* The text rt is written as (the file's whole content). */
static char *
text_of(const struct store_rt *rt)
{
	struct err e;
	char *t = store_format(rt, &e);

	ck_assert_msg(t != NULL, "%s", e.msg);
	return t;
}

/* Put the snapshot back as the runtime file (what a lost rename leaves),
 * resolve it over QMP, and return the file's text after. */
static char *
resolve_snapshot(const struct ctx *c, const struct proxy *px,
    const char *expect)
{
	struct journal_note notes[STORE_MAX_INTENTS];
	struct hotplug_target t;
	struct store_rt rt;
	struct err e;
	char *txt;
	int n;

	ck_assert_int_eq(rename(px->snap, px->file), 0);
	target(c, 1, &t);
	n = journal_resolve_noted(&t, 1000, notes, &e);
	ck_assert_msg(n == 1, "resolve: %d: %s", n, n < 0 ? e.msg : "");
	ck_assert_msg(strstr(notes[0].result, expect) != NULL, "%s",
	    notes[0].result);
	ck_assert_int_eq(store_load(c->rtdir, "vm1", &rt, &e), 0);
	ck_assert_uint_eq(rt.nintent, 0);
	txt = text_of(&rt);
	store_rt_free(&rt);
	return txt;
}

/* One hotplug through the proxy: the file before it (*before), after it
 * (returned), and the snapshot checked: the intent of d at step backend,
 * its device field for field the one the result recorded. */
static char *
plug_through_proxy(const struct ctx *c, struct proxy *px,
    struct tu_peer *peer, char **before, struct store_dev *d)
{
	struct hotplug_target t;
	struct hotplug_req r;
	struct store_rt rt, one, other;
	struct err e;
	char ep[PATH_MAX + 8], *txt, *a, *b;

	ck_assert_int_eq(store_load(c->rtdir, "vm1", &rt, &e), 0);
	*before = text_of(&rt);
	store_rt_free(&rt);
	unlink(px->snap);
	snprintf(ep, sizeof ep, "unix:%s", peer->path);
	target(c, 1, &t);
	t.endpoint = ep;
	request(c, 0, &r);
	ck_assert_msg(hotplug_add(&t, &r, d, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(store_load(c->rtdir, "vm1", &rt, &e), 0);
	ck_assert_ptr_nonnull(store_find_id(&rt, d->id));
	txt = text_of(&rt);
	/* the snapshot: d's intent, written once (step backend), d not
	 * recorded yet */
	parse_file(px->snap, &other);
	ck_assert_uint_eq(other.nintent, 1);
	ck_assert_int_eq(other.intent[0].op, STORE_OP_HOTPLUG);
	ck_assert_int_eq(other.intent[0].step, STORE_STEP_BACKEND);
	ck_assert_ptr_null(store_find_id(&other, d->id));
	/* ... and, without it, the file before the hotplug */
	store_drop_intent(&other, d->id);
	a = text_of(&other);
	ck_assert_str_eq(a, *before);
	free(a);
	store_rt_free(&other);
	parse_file(px->snap, &other);
	store_rt_init(&one, "vm1");
	ck_assert_int_eq(store_add_dev(&one, &other.intent[0].dev, &e), 0);
	a = text_of(&one);
	store_rt_free(&one);
	store_rt_init(&one, "vm1");
	ck_assert_int_eq(store_add_dev(&one, store_find_id(&rt, d->id), &e),
	    0);
	b = text_of(&one);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	store_rt_free(&one);
	store_rt_free(&other);
	store_rt_free(&rt);
	return txt;
}

START_TEST(lost_result_resolves)
{
	struct ctx c;
	struct proxy px;
	struct tu_relay r = { .qemu_path = px.qemu, .seen = snap_at_add,
		.arg = &px };
	struct tu_peer peer;
	struct store_dev d;
	char *before, *after, *got, cmd[300];

	vmp = &vms[_i];
	ctx_init(&c);
	snprintf(px.qemu, sizeof px.qemu, "%s/qmp.sock", vmp->dir);
	snprintf(px.file, sizeof px.file, "%s/vm1.json", c.rtdir);
	snprintf(px.snap, sizeof px.snap, "%s/snap.json", vmp->dir);
	/* a file to start from (the flow's result on a fresh instance is
	 * compared with the resolution's) */
	reset_and_settle(&c, 1, -1);
	tu_peer_listen(&peer, NULL);
	tu_peer_serve(&peer, tu_relay_serve, &r);

	/* QEMU lived on (a remote one): the device is recorded as the
	 * result would have recorded it, byte for byte */
	after = plug_through_proxy(&c, &px, &peer, &before, &d);
	got = resolve_snapshot(&c, &px, "recorded as plugged");
	ck_assert_str_eq(got, after);
	free(got);
	free(after);
	free(before);

	/* QEMU died with the host: it has neither device nor backend (here
	 * taken away by hand), and the file is the one before the hotplug */
	after = plug_through_proxy(&c, &px, &peer, &before, &d);
	snprintf(cmd, sizeof cmd, "device_del %s", d.id);
	hmp_cmd(&c, cmd);
	hmp_cmd(&c, "system_reset");	/* completes the unplug */
	snprintf(cmd, sizeof cmd, "netdev_del %s", d.backend.netdev);
	hmp_cmd(&c, cmd);
	got = resolve_snapshot(&c, &px, "neither device nor backend");
	ck_assert_str_eq(got, before);
	free(got);
	free(after);
	free(before);
	tu_peer_free(&peer);
	unplug_all(&c, 1, -1);
}
END_TEST

static void
add_cases(Suite *s, enum tu_qemu q)
{
	TCase *tc = tcase_create(q == TU_QEMU_10 ? "kill9-10.0" : "kill9");

	tu_tcase_require(tc, tu_missing_qemu_v(q));
	tcase_add_unchecked_fixture(tc, vm_up[q], vm_down[q]);
	tcase_add_loop_test(tc, kill9_loop, q, q + 1);
	tcase_add_loop_test(tc, lost_result_resolves, q, q + 1);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
}

Suite *
journal_suite(void)
{
	Suite *s = suite_create("journal");

	tu_qemu_cases(s, add_cases);
	return s;
}
