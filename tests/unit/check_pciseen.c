/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_pciseen.c - a query-pci reply read before is not read again
 * (qemu/mon.h's mon_pci_seen, core/fleet/fleetseen.c): SipHash against
 * its published vector and CPython's; a session, against a scripted peer
 * playing QEMU with its real bytes, hashes a reply in QEMU's form and
 * takes the same one as seen, but reads again any reply that differs in
 * one byte, one in another form, one meant for someone else, and nothing
 * when it has no key; a fleet over the simulator keeps the hash of a bus
 * it read alone, shows what a later read finds, and keeps none when the
 * anonymous devices' marks went into the bus; its view is kept only with
 * the same runtime and after a read, never after a failed one; the
 * runtime's hash moves with every field. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/siphash.h"
#include "fleet/fleet.h"
#include "fleet/fleetpriv.h"
#include "qemu/mon.h"
#include "monrun.h"
#include "peer.h"
#include "devrows.h"
#include "simfleet.h"
#include "store/store.h"
#include "testutil.h"

#define ALL ((size_t)-1)
#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"Debian\"}, " \
	"\"capabilities\": [\"oob\"]}}\r\n"

/* The paper's vector (key 00..0f, input 00..0e, SipHash-2-4), and
 * SipHash-1-3 under the zero key as CPython 3.11 gives it: the value of
 * `PYTHONHASHSEED=0 python3 -c 'print(hash(b"slotscope"))'` (its bytes
 * hash is siphash13 with the zero key when the seed is 0) as uint64. */
START_TEST(siphash_vectors)
{
	uint64_t k[2] = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	uint64_t z[2] = { 0, 0 };
	unsigned char m[15];
	int i;

	for (i = 0; i < 15; i++)
		m[i] = (unsigned char)i;
	ck_assert_uint_eq(siphash24(k, m, 15), 0xa129ca6149be45e5ull);
	ck_assert_uint_eq(siphash13(z, "a", 1),
	    (uint64_t)4644417185603328019ll);
	ck_assert_uint_eq(siphash13(z, "slotscope", 9),
	    (uint64_t)-8640974226331115590ll);
	ck_assert_uint_eq(siphash13(z, "0123456789abcdef0123", 20),
	    (uint64_t)6201128165018579354ll);
}
END_TEST

/* Every byte and every length counts; so does the key. */
START_TEST(siphash_every_byte_counts)
{
	uint64_t k[2] = { 1, 2 }, k2[2] = { 1, 3 };
	unsigned char m[40];
	uint64_t h;
	size_t i;

	memset(m, 'x', sizeof m);
	h = siphash13(k, m, sizeof m);
	for (i = 0; i < sizeof m; i++) {
		m[i] ^= 1;
		ck_assert_uint_ne(siphash13(k, m, sizeof m), h);
		m[i] ^= 1;
	}
	for (i = 0; i < sizeof m; i++)
		ck_assert_uint_ne(siphash13(k, m, i), h);
	ck_assert_uint_ne(siphash13(k2, m, sizeof m), h);
}
END_TEST

static struct tu_peer P;
static char *PCI;		/* QEMU 7.2's query-pci return, no id */

static void
setup(void)
{
	size_t n;
	char *log = tu_fixture("qmp/session.log", &n), *l, *e;

	ck_assert_ptr_nonnull(log);
	l = strstr(log, "<- {\"return\": [{\"bus\"");
	ck_assert_ptr_nonnull(l);
	l += 3;
	e = strchr(l, '\n');
	ck_assert_ptr_nonnull(e);
	PCI = strndup(l, (size_t)(e - l));
	free(log);
	tu_peer_listen(&P, NULL);
}

static void
teardown(void)
{
	tu_peer_free(&P);
	free(PCI);
}

struct got {
	enum mon_status st;
	int ok, hashed, same, take, nfn;
	uint64_t hash;
};

/* One session: query-pci asked with seen (or none), answered by say()
 * given the command line the session wrote; what its result was. */
static struct got
session(const struct mon_pci_seen *seen,
    void (*answer)(const char *line, void *arg), void *arg)
{
	struct err e;
	struct mon *m = mon_new(P.path, NULL, &e);
	struct pci_info pi;
	struct got g;
	const struct mon_result *r;
	char line[512];
	int op;

	ck_assert_msg(m != NULL, "%s", e.msg);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI,
	    .seen = seen }, &e);
	ck_assert_int_ge(op, 0);
	ck_assert_int_eq(mon_start(m), MON_RUNNING);
	tu_peer_accept(&P);
	tu_peer_say(&P, GREETING);
	tu_peer_qmp_reply(P.fd, tu_peer_line(&P, tu_mon_run_a_little, m),
	    "{\"return\": {}}");
	snprintf(line, sizeof line, "%s", tu_peer_line(&P,
	    tu_mon_run_a_little, m));
	ck_assert_ptr_nonnull(strstr(line, "\"execute\":\"query-pci\""));
	answer(line, arg);
	g.st = tu_mon_run(m, 2000);
	ck_assert(g.st == MON_DONE || g.st == MON_FAILED);
	r = mon_result(m, op);
	g.ok = r->ok;
	g.hashed = r->pci_hashed;
	g.hash = r->pci_hash;
	g.same = r->pci_same;
	pci_info_init(&pi);
	g.take = mon_take_pci(m, op, &pi);
	g.nfn = (int)pi.n;
	pci_info_free(&pi);
	mon_free(m);
	close(P.fd);
	P.fd = -1;
	return g;
}

/* The reply text arg, with the command's id, as QEMU sends it (a reply
 * that is no JSON fails the session: st). */
static void
as_qemu(const char *line, void *arg)
{
	tu_peer_qmp_reply(P.fd, line, arg);
}

START_TEST(same_reply_taken_as_seen)
{
	struct mon_pci_seen s = { { 11, 22 }, 0, 0 };
	struct got a, b;

	a = session(&s, as_qemu, PCI);
	ck_assert_int_eq(a.st, MON_DONE);
	ck_assert(a.ok && a.hashed && !a.same);
	ck_assert_int_eq(a.take, 0);
	ck_assert_int_eq(a.nfn, 6);	/* read: the default pc's six */
	s.seen = a.hash;
	s.seen_ok = 1;
	b = session(&s, as_qemu, PCI);
	ck_assert(b.ok && b.same);
	ck_assert_int_eq(b.take, 1);	/* the caller's parse stands */
	ck_assert_int_eq(b.nfn, 0);
	/* not seen_ok: read */
	s.seen_ok = 0;
	b = session(&s, as_qemu, PCI);
	ck_assert(b.ok && !b.same && b.hashed && b.hash == a.hash);
	ck_assert_int_eq(b.nfn, 6);
	/* another key, another hash: read */
	s.key[1] = 23;
	s.seen_ok = 1;
	b = session(&s, as_qemu, PCI);
	ck_assert(b.ok && !b.same && b.hashed && b.hash != a.hash);
}
END_TEST

/* One byte changed anywhere -- every digit, every 23rd byte and the
 * last before the id, each to the next one -- and the reply is read again (whatever it then says). */
START_TEST(one_byte_changed_is_read)
{
	struct mon_pci_seen s = { { 5, 6 }, 0, 0 };
	struct got a, b;
	size_t i, n = strlen(PCI), tried = 0;
	char *v = strdup(PCI);

	a = session(&s, as_qemu, PCI);
	ck_assert(a.hashed);
	s.seen = a.hash;
	s.seen_ok = 1;
	for (i = 0; i + 1 < n; i++) {
		int digit = v[i] >= '0' && v[i] <= '9';

		/* the first and the last byte hashed too */
		if (!digit && i % 23 != 0 && i != n - 2)
			continue;
		v[i] = digit ? (char)('0' + (v[i] - '0' + 1) % 10) :
		    (char)(v[i] == '~' ? ' ' : v[i] + 1);
		if (v[i] == '\n' || v[i] == '\r')
			v[i] = ' ';
		b = session(&s, as_qemu, v);
		ck_assert_msg(!b.same, "byte %zu changed, taken as seen", i);
		v[i] = PCI[i];
		tried++;
	}
	ck_assert_uint_gt(tried, 100);
	free(v);
}
END_TEST

/* The id first: not QEMU's form, read as ever and not hashed. */
static void
id_first(const char *line, void *arg)
{
	const char *id = strstr(line, "\"id\":\"");
	char buf[4096];

	(void)arg;
	ck_assert_ptr_nonnull(id);
	snprintf(buf, sizeof buf, "{\"id\": \"%.*s\", %s\r\n",
	    (int)strcspn(id + 6, "\""), id + 6, PCI + 1);
	tu_peer_say(&P, buf);
}

/* The same bytes with someone else's id first (dropped), then another
 * bus with ours. */
static void
foreign_first(const char *line, void *arg)
{
	char buf[4096];

	snprintf(buf, sizeof buf, "%.*s, \"id\": \"ss-00000000-2\"}\r\n",
	    (int)strlen(PCI) - 1, PCI);
	tu_peer_say(&P, buf);
	tu_peer_qmp_reply(P.fd, line, arg);
}

START_TEST(other_forms_read_as_ever)
{
	struct mon_pci_seen s = { { 7, 8 }, 0, 0 }, none = { { 0, 0 }, 0, 0 };
	struct got a, b;

	a = session(&s, as_qemu, PCI);
	s.seen = a.hash;
	s.seen_ok = 1;
	b = session(&s, id_first, NULL);
	ck_assert(b.ok && !b.hashed && !b.same);
	ck_assert_int_eq(b.nfn, 6);
	b = session(&s, foreign_first, "{\"return\": [{\"bus\": 0, "
	    "\"devices\": []}]}");
	ck_assert(b.ok && b.hashed && !b.same);
	ck_assert_int_eq(b.nfn, 0);	/* ours, not the foreign one */
	b = session(&none, as_qemu, PCI);
	ck_assert(b.ok && !b.hashed && !b.same);
	ck_assert_int_eq(b.nfn, 6);
	b = session(NULL, as_qemu, PCI);
	ck_assert(b.ok && !b.hashed && !b.same);
}
END_TEST

/* Over the simulator: the second read of an unchanged bus is taken as
 * seen and shows the same; a device added is shown by the next read;
 * an anonymous one's mark in the bus keeps no hash. */
static char *dir;
static pid_t sim = -1;

static void
sim_up(void)
{
	struct err e;

	dir = tu_tmpdir();
	ck_assert_msg(tu_simfleet_start(dir, 1, SIM_SOCK_DEFAULT, &sim,
	    &e) == 0, "%s", e.msg);
}

static void
sim_down(void)
{
	tu_simfleet_stop(&sim);
	tu_rmrf(dir);
	free(dir);
}

static void
refresh(struct fleet *f)
{
	fleet_refresh_start(f, ALL, 0);
	fleet_refresh_wait(f, ALL);
	ck_assert_msg(f->inst[0].conn == INST_OK, "%s", f->inst[0].error);
}

/* A QMP command to vm1, over a session of its own. */
static void
tell(const char *qmp)
{
	struct err e;
	struct mon *m = mon_new(tu_path(dir, "vm1.qmp"), NULL, &e);
	int op;

	ck_assert_msg(m != NULL, "%s", e.msg);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .qmp = qmp },
	    &e);
	ck_assert_msg(op >= 0, "%s", e.msg);
	mon_start(m);
	ck_assert_int_eq(tu_mon_run(m, 2000), MON_DONE);
	ck_assert_msg(mon_result(m, op)->ok, "%s", mon_result(m, op)->msg);
	mon_free(m);
}

START_TEST(fleet_reads_what_changed)
{
	struct fleet f;
	struct ipriv *p;
	struct err e;
	uint64_t v1;
	size_t n1;

	fleet_init(&f, NULL);
	ck_assert_msg(fleet_add(&f, "vm1", tu_path(dir, "vm1.qmp"), &e) >= 0, "%s", e.msg);
	p = f.inst[0].priv;
	refresh(&f);
	ck_assert(p->seen_ok);
	ck_assert_uint_eq(f.pci_seen, 0);
	v1 = fleet_view_hash(&f.inst[0]);
	n1 = f.inst[0].live.n;
	refresh(&f);
	ck_assert(p->seen_ok);
	ck_assert_uint_eq(f.pci_seen, 1);
	ck_assert_uint_eq(fleet_view_hash(&f.inst[0]), v1);
	ck_assert_uint_eq(f.inst[0].live.n, n1);
	ck_assert_int_eq(f.inst[0].slots.b[5].state, SLOT_FREE);
	tell("{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
	    "\"virtio-net-pci\",\"id\":\"nic-1\",\"bus\":\"pci.0\","
	    "\"addr\":\"0x5\"}}");
	refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 1);
	ck_assert_uint_eq(f.inst[0].live.n, n1 + 1);
	ck_assert_int_ne(f.inst[0].slots.b[5].state, SLOT_FREE);
	ck_assert(p->seen_ok);
	refresh(&f);	/* seen again: still shown */
	ck_assert_uint_eq(f.pci_seen, 2);
	ck_assert_uint_eq(f.inst[0].live.n, n1 + 1);
	ck_assert_int_ne(f.inst[0].slots.b[5].state, SLOT_FREE);
	/* an anonymous device: marked from QOM, its bus keeps no hash */
	tell("{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
	    "\"virtio-net-pci\",\"bus\":\"pci.0\",\"addr\":\"0x6\"}}");
	refresh(&f);
	ck_assert(!p->seen_ok);
	ck_assert_uint_eq(f.inst[0].live.n, n1 + 2);
	refresh(&f);
	ck_assert(!p->seen_ok);
	ck_assert_uint_eq(f.inst[0].live.n, n1 + 2);
	fleet_free(&f);
}
END_TEST

/* With a runtime dir: the view of an unchanged bus and runtime is kept;
 * a device recorded, the view is made again (the slot shows it missing);
 * after a failed read, whose unknown states are the view then, the next
 * read makes it again though its bus is the one seen. */
START_TEST(fleet_keeps_the_view_it_may)
{
	char rt[4200];
	struct store_dev d;
	struct mgr_ref ref;
	struct fleet f;
	struct err e;
	uint64_t v;

	snprintf(rt, sizeof rt, "%s/rt", dir);
	fleet_init(&f, rt);
	ck_assert_msg(fleet_add(&f, "vm1", tu_path(dir, "vm1.qmp"), &e) >= 0,
	    "%s", e.msg);
	refresh(&f);
	refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 1);
	ck_assert_uint_eq(f.views_kept, 1);
	v = fleet_view_hash(&f.inst[0]);
	ck_assert_int_eq(f.inst[0].slots.b[9].state, SLOT_FREE);

	tu_rt_dev(&d, "nic-99999999-pci-9", NULL, "", 9, STORE_DEV_PLUGGED);
	tu_rt_add(rt, "vm1", &d);
	refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 2);	/* the bus is the same */
	ck_assert_uint_eq(f.views_kept, 1);	/* the runtime is not */
	ck_assert_int_eq(f.inst[0].slots.b[9].state, SLOT_MISSING);
	ck_assert_uint_ne(fleet_view_hash(&f.inst[0]), v);
	v = fleet_view_hash(&f.inst[0]);
	refresh(&f);
	ck_assert_uint_eq(f.views_kept, 2);
	ck_assert_int_eq(f.inst[0].slots.b[9].state, SLOT_MISSING);
	ck_assert_uint_eq(fleet_view_hash(&f.inst[0]), v);

	tu_simfleet_stop(&sim);
	fleet_refresh_start(&f, ALL, 0);
	fleet_refresh_wait(&f, ALL);
	ck_assert_int_ne(f.inst[0].conn, INST_OK);
	ck_assert_int_eq(f.inst[0].slots.b[0].state, SLOT_UNKNOWN);
	ck_assert_msg(tu_simfleet_start(dir, 1, SIM_SOCK_DEFAULT, &sim,
	    &e) == 0, "%s", e.msg);
	refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 4);	/* the same bus again */
	ck_assert_uint_eq(f.views_kept, 2);	/* but made anew */
	ck_assert_int_ne(f.inst[0].slots.b[0].state, SLOT_UNKNOWN);
	ck_assert_int_eq(f.inst[0].slots.b[9].state, SLOT_MISSING);
	ck_assert_uint_eq(fleet_view_hash(&f.inst[0]), v);

	/* a manager (Proxmox, its file not there): its views are made
	 * every time, its file read again each */
	memset(&ref, 0, sizeof ref);
	ref.kind = MGR_PROXMOX;
	ref.forced = 1;
	snprintf(ref.vmid, sizeof ref.vmid, "100");
	snprintf(ref.file, sizeof ref.file, "%s/100.conf", dir);
	fleet_set_manager(&f, 0, &ref);
	refresh(&f);
	refresh(&f);
	ck_assert_uint_eq(f.pci_seen, 6);
	ck_assert_uint_eq(f.views_kept, 2);
	ck_assert_str_ne(f.inst[0].mgr_error, "");
	fleet_free(&f);
}
END_TEST

/* Every field of a runtime moves its hash, strings only to their NUL. */
START_TEST(rt_hash_every_field)
{
	const uint64_t key[2] = { 3, 4 };
	struct store_rt a, b;
	struct store_dev d;
	uint64_t h0;
	int k;

	store_rt_init(&a, "vm1");
	tu_rt_dev(&d, "nic-12345678-pci-5", NULL, "", 5, STORE_DEV_PLUGGED);
	ck_assert_int_eq(store_add_dev(&a, &d, &(struct err){ 0 }), 0);
	a.nintent = 1;
	memset(&a.intent[0], 0, sizeof a.intent[0]);	/* (init leaves it) */
	a.intent[0].dev = d;
	h0 = store_rt_hash(&a, key);
	ck_assert_uint_ne(store_rt_hash(&a, (uint64_t[2]){ 3, 5 }), h0);
	for (k = 0; k < 22; k++) {
		struct store_dev *x, *y;

		store_rt_init(&b, "vm1");
		ck_assert_int_eq(store_add_dev(&b, &d, &(struct err){ 0 }), 0);
		b.nintent = 1;
		memset(&b.intent[0], 0, sizeof b.intent[0]);
		b.intent[0].dev = d;
		ck_assert_uint_eq(store_rt_hash(&b, key), h0);
		x = &b.dev[0];
		y = &b.intent[0].dev;
		switch (k) {
		case 0: b.inst[2] = '2'; break;
		case 1: b.reserved.bits ^= 1u << 9; break;
		case 2: b.fresh = !b.fresh; break;
		case 3: b.nintent = 0; break;
		case 4: x->id[3] = 'x'; break;
		case 5: x->type[0] = 'd'; break;
		case 6: x->uuid[0] = 'f'; break;
		case 7: strcpy(x->bus, "2"); break;
		case 8: x->slot = 6; break;
		case 9: x->state = STORE_DEV_UNPLUGGING; break;
		case 10: strcpy(x->driver, "e1000"); break;
		case 11: strcpy(x->mac, "52:54:00:00:00:01"); break;
		case 12: strcpy(x->backend.netdev, "hostnet-1"); break;
		case 13: strcpy(x->backend.path, "/img"); break;
		case 14: x->backend.readonly = 1; break;
		case 15: x->backend.queues = 4; break;
		case 16: strcpy(x->backend.serial, "s1"); break;
		case 17: x->backend.vhost = 1; break;
		case 18: b.intent[0].op = STORE_OP_UNPLUG; break;
		case 19: b.intent[0].pid = 77; break;
		case 20: b.intent[0].started = 1234; break;
		case 21: y->slot = 7; break;
		}
		ck_assert_msg(store_rt_hash(&b, key) != h0, "change %d unseen",
		    k);
		store_rt_free(&b);
	}
	/* what lies past a string's NUL does not count */
	store_rt_init(&b, "vm1");
	ck_assert_int_eq(store_add_dev(&b, &d, &(struct err){ 0 }), 0);
	b.nintent = 1;
	memset(&b.intent[0], 0, sizeof b.intent[0]);
	b.intent[0].dev = d;
	b.dev[0].id[sizeof b.dev[0].id - 1] = 'z';
	b.inst[sizeof b.inst - 1] = 'q';
	ck_assert_uint_eq(store_rt_hash(&b, key), h0);
	store_rt_free(&b);
	store_rt_free(&a);
}
END_TEST

Suite *
pciseen_suite(void)
{
	Suite *s = suite_create("pciseen");
	TCase *tc = tcase_create("siphash");

	tcase_add_test(tc, siphash_vectors);
	tcase_add_test(tc, siphash_every_byte_counts);
	tcase_add_test(tc, rt_hash_every_field);
	suite_add_tcase(s, tc);
	tc = tcase_create("session");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, same_reply_taken_as_seen);
	tcase_add_test(tc, one_byte_changed_is_read);
	tcase_add_test(tc, other_forms_read_as_ever);
	suite_add_tcase(s, tc);
	tc = tcase_create("fleet");
	tcase_add_checked_fixture(tc, sim_up, sim_down);
	tcase_add_test(tc, fleet_reads_what_changed);
	tcase_add_test(tc, fleet_keeps_the_view_it_may);
	suite_add_tcase(s, tc);
	return s;
}
