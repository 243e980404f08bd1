/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_fleetend.c - the end of a refresh (fleetend.c's fleet_finish)
 * packs its views without making them: refresh after refresh against a
 * scripted QMP peer (tests/lib/peer.h) that answers query-pci with one
 * recorded bus of tests/fixtures after another -- devices coming and
 * going, a bridge, q35's root ports -- each instance's slots, its buses
 * behind bridges and its capacity must be what the views of the same bus
 * and runtime file (fleet_view, fleet_mgr_bus: the slow path) pack to; the
 * slot changes it reports are exactly the slots whose state or id differs
 * from the last read's; a confirmed unplug is reported; and the view's
 * generation moves when, and only when, what it shows changed. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fleet/fleet.h"
#include "model/pcitree.h"
#include "model/places.h"
#include "model/slotpack.h"
#include "peer.h"
#include "slotfix.h"
#include "store/store.h"
#include "testutil.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": " \
	"[\"oob\"]}}\r\n"

static char which[PATH_MAX];	/* the file naming the bus to answer */

/* query-pci's reply: the fixture `which` names, with the command's id. */
static void
reply_bus(int c, const char *line)
{
	char rel[256] = "", *fx, *out, *id;
	size_t n, idn;
	FILE *f = fopen(which, "r");

	if (f != NULL) {
		if (fgets(rel, sizeof rel, f) == NULL)
			rel[0] = '\0';
		fclose(f);
	}
	rel[strcspn(rel, "\n")] = '\0';
	fx = tu_fixture(rel, &n);
	while (n > 0 && (fx[n - 1] == '\n' || fx[n - 1] == '\r' ||
	    fx[n - 1] == ' '))
		n--;
	id = strstr(line, "\"id\":\"");
	id = id != NULL ? id + 6 : "";
	idn = strcspn(id, "\"");
	out = malloc(n + idn + 32);
	ck_assert_ptr_nonnull(out);
	/* the fixture's closing brace replaced by the id and a new one */
	n = (size_t)sprintf(out, "%.*s, \"id\": \"%.*s\"}\r\n", (int)(n - 1),
	    fx, (int)idn, id);
	tu_peer_put(c, out, n);
	free(out);
	free(fx);
}

static void
serve(int c, void *arg)
{
	char line[8192];

	(void)arg;
	tu_peer_puts(c, GREETING);
	while (tu_peer_getline(c, line, sizeof line)) {
		if (strstr(line, "\"query-pci\""))
			reply_bus(c, line);
		else if (strstr(line, "\"qom-list\""))
			tu_peer_qmp_reply(c, line, "{\"return\": []}");
		else
			tu_peer_qmp_reply(c, line, "{\"return\": {}}");
	}
}

static struct store_dev
mkdev(const char *id, const char *bus, int slot, enum store_dev_state st)
{
	struct store_dev d;

	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "%s", id);
	snprintf(d.type, sizeof d.type, "%s", strncmp(id, "disk", 4) ?
	    "nic" : "disk");
	snprintf(d.bus, sizeof d.bus, "%s", bus);
	d.slot = slot;
	d.state = st;
	if (d.type[0] == 'n') {
		d.backend.kind = STORE_BK_USER;
		snprintf(d.backend.netdev, sizeof d.backend.netdev,
		    "hostnet-%.8s", id + 4);
	}
	return d;
}

/* The runtime: the fixtures' nic in 5 (used, or missing where it is not
 * live), their disk in 6 `unplugging` (pending where live, confirmed
 * where not), a nic in 8 no bus has (missing), one behind a bridge at 5
 * (the pc-bridge5 fixture's br1: missing there; elsewhere on a bus that
 * is not there), slot 10 reserved. */
static void
write_runtime(const char *dir)
{
	struct store_txn t;
	struct store_dev d;
	struct err e;

	ck_assert_int_eq(store_open_locked(dir, "fx", &t, 1000, &e), 0);
	d = mkdev("nic-6f1a2b3c-pci-5", "", 5, STORE_DEV_PLUGGED);
	ck_assert_msg(store_add_dev(&t.rt, &d, &e) == 0, "%s", e.msg);
	d = mkdev("disk-0d4e5f60-pci-6", "", 6, STORE_DEV_UNPLUGGING);
	ck_assert_msg(store_add_dev(&t.rt, &d, &e) == 0, "%s", e.msg);
	d = mkdev("nic-22222222-pci-8", "", 8, STORE_DEV_PLUGGED);
	ck_assert_msg(store_add_dev(&t.rt, &d, &e) == 0, "%s", e.msg);
	d = mkdev("nic-44444444-pci-5-7", "5", 7, STORE_DEV_PLUGGED);
	ck_assert_msg(store_add_dev(&t.rt, &d, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(slotmap_reserve(&t.rt.reserved, 10, &e), 0);
	ck_assert_msg(store_commit(&t, &e) == 0, "%s", e.msg);
}

/* What the slow path makes of instance 0's last read: its root bus
 * into root[], and every bus behind a bridge checked here; returns its
 * mask of confirmed unplugs. */
static uint32_t
slow_path(struct fleet *f, const char *what, struct slot_view root[32])
{
	struct instance *in = &f->inst[0];
	struct store_rt rt;
	struct pcitree t;
	struct slotpack want;
	struct err e;
	size_t b;
	uint32_t done;

	ck_assert_int_eq(fleet_load_rt(f, 0, &rt, &e), 0);
	done = fleet_view(f, 0, &rt, root);
	slotpack_init(&want);
	ck_assert_int_eq(slotpack_set(&want, root), 0);
	tu_same_packs(&in->slots, &want, what);
	tu_same_packs(&in->last, &want, what);
	fleet_mgr_tree(in, &in->live, &t);
	ck_assert_int_eq(in->capacity, places_count(&in->live, &t, &rt));
	ck_assert_uint_eq(in->nbus, t.nbus - 1);
	for (b = 1; b < t.nbus; b++) {
		struct slot_view v[32];
		char bw[300];

		snprintf(bw, sizeof bw, "%s bus %s", what, t.bus[b].path);
		ck_assert_str_eq(in->bus[b - 1].path, t.bus[b].path);
		ck_assert_int_eq(in->bus[b - 1].places,
		    places_count_bus(&in->live, &t, &rt, (int)b));
		fleet_mgr_bus(in, &in->live, &t, (int)b, &rt, v);
		ck_assert_int_eq(slotpack_set(&want, v), 0);
		tu_same_packs(&in->bus[b - 1].slots, &want, bw);
	}
	slotpack_free(&want);
	store_rt_free(&rt);
	return done;
}

START_TEST(refreshes_pack_what_the_views_say)
{
	static const char *const seq[] = {
		"qmp/query-pci-default.json",
		"qmp/query-pci-after-add.json",
		"qmp/query-pci-after-add.json",		/* nothing new */
		"qmp/query-pci-after-del.json",
		"qmp/query-pci-pc-bridge5.json",
		"qmp/query-pci-pc-bridge5.json",
		"qmp/query-pci-bridge.json",
		"qmp/query-pci-q35-ports.json",
		"qmp/query-pci-e1000.json",
		"qmp/query-pci-default.json",
	};
	struct slot_view prev[32], now[32];
	struct tu_peer p;
	struct fleet f;
	struct err e;
	char rt[PATH_MAX + 8], ep[PATH_MAX + 8];
	size_t k;
	int changed = 0, unplugs = 0, bridged = 0;

	tu_peer_listen(&p, NULL);
	snprintf(which, sizeof which, "%s/which", p.dir);
	snprintf(rt, sizeof rt, "%s/rt", p.dir);
	snprintf(ep, sizeof ep, "unix:%s", p.path);
	write_runtime(rt);
	tu_peer_serve(&p, serve, NULL);
	fleet_init(&f, rt);
	f.monitor_timeout_ms = 2000;
	ck_assert_int_eq(fleet_add(&f, "fx", ep, &e), 0);
	for (k = 0; k < sizeof seq / sizeof *seq; k++) {
		struct fleet_change *ch;
		struct fleet_unplug *u;
		unsigned long gen = f.gen;
		size_t n, j;
		FILE *w = fopen(which, "w");
		int s, diff = 0;
		uint32_t done;

		ck_assert_ptr_nonnull(w);
		fprintf(w, "%s\n", seq[k]);
		fclose(w);
		fleet_refresh_start(&f, 0, (double)k + 1);
		fleet_refresh_wait(&f, 0);
		ck_assert_msg(f.inst[0].conn == INST_OK, "%s: %s", seq[k],
		    f.inst[0].error);
		done = slow_path(&f, seq[k], now);
		/* the changes: the slots whose state or id moved */
		n = fleet_take_changes(&f, &ch);
		for (s = 0; k > 0 && s < 32; s++) {
			int moved = now[s].state != prev[s].state ||
			    strcmp(now[s].id, prev[s].id) != 0;

			for (j = 0; j < n && ch[j].slot != s; j++)
				;
			ck_assert_msg(moved == (j < n), "%s slot %d: moved "
			    "%d, reported %d", seq[k], s, moved, j < n);
			if (!moved)
				continue;
			diff++;
			ck_assert_int_eq(ch[j].from, prev[s].state);
			ck_assert_int_eq(ch[j].to, now[s].state);
			ck_assert_str_eq(ch[j].id, now[s].id[0] ? now[s].id :
			    prev[s].id);
		}
		ck_assert_uint_eq(n, k > 0 ? (size_t)diff : 0);
		free(ch);
		/* the generation: moved with the view */
		if (k > 0 && strcmp(seq[k], seq[k - 1]) == 0)
			ck_assert_msg(f.gen == gen, "%s twice: the view is "
			    "the same", seq[k]);
		else
			ck_assert_msg(f.gen != gen, "%s: a new view", seq[k]);
		changed += diff > 0;
		bridged += f.inst[0].nbus > 0;
		/* the disk's unplug is confirmed where its slot is empty
		 * or another device's (not a bridge's: nothing is reported
		 * there, as before) */
		n = fleet_take_unplugs(&f, &u);
		for (j = 0; j < n; j++) {
			ck_assert_str_eq(u[j].id, "disk-0d4e5f60-pci-6");
			unplugs++;
		}
		ck_assert_msg(n == ((done >> 6) & 1), "%s: %zu unplugs "
		    "reported, slot 6 %s", seq[k], n,
		    slot_state_name(now[6].state));
		ck_assert(done == 0 || done == 1u << 6);
		free(u);
		memcpy(prev, now, sizeof prev);
	}
	ck_assert_int_ge(changed, 5);
	ck_assert_int_ge(unplugs, 5);
	ck_assert_int_ge(bridged, 4);	/* buses behind bridges checked */
	fleet_free(&f);
	tu_peer_free(&p);
}
END_TEST

Suite *
fleetend_suite(void)
{
	Suite *s = suite_create("fleetend");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, refreshes_pack_what_the_views_say);
	suite_add_tcase(s, tc);
	return s;
}
