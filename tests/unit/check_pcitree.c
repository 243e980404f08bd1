/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_pcitree.c - the PCI tree (bridges, root ports, their buses), the
 * devices QOM has behind unnumbered bridges, hotplug places and capacity,
 * against the real QEMU 7.2 transcripts of tests/fixtures (README there):
 * q35 with three root ports, a pcie-pci-bridge, a DMI bridge with a
 * pci-bridge behind it and a multi-function slot; pc with a pci-bridge at
 * slot 5. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/devid.h"
#include "model/places.h"
#include "model/slotmap.h"
#include "model/pcitree.h"
#include "model/state.h"
#include "qemu/hmp.h"
#include "qemu/qmp.h"
#include "qemu/qom.h"
#include "fixparse.h"
#include "slotfix.h"
#include "testutil.h"

/* The bus path and slot of the device with qdev id id. */
static void
where(const struct pcitree *t, const struct pci_info *pi, const char *id,
    const char *path, int slot, int func)
{
	const struct pci_fn *f = pci_info_find_any(pi, id);
	int b;

	ck_assert_msg(f != NULL, "%s is listed", id);
	b = pcitree_bus_of(t, f);
	ck_assert_msg(b >= 0, "%s is placed", id);
	ck_assert_str_eq(t->bus[b].path, path);
	ck_assert_int_eq(f->slot, slot);
	ck_assert_int_eq(f->func, func);
}

static void
every_fn_placed(const struct pcitree *t, const struct pci_info *pi)
{
	size_t i;

	for (i = 0; i < pi->n; i++)
		ck_assert_msg(pcitree_bus_of(t, &pi->fn[i]) >= 0, "function "
		    "%zu (%s) placed", i, pi->fn[i].id);
}

/* The q35 machine of the transcripts, firmware run: everything listed. */
static void
check_q35_running(const struct pci_info *pi)
{
	struct pcitree t;
	int b;

	pcitree_build(pi, &t);
	ck_assert_int_eq(t.pcie, 1);
	ck_assert_int_eq((int)t.nbus, 7);	/* root, 3 ports, pb6, dmi, br2 */
	every_fn_placed(&t, pi);
	where(&t, pi, "n4", "4", 0, 0);
	where(&t, pi, "pb6", "6", 0, 0);
	where(&t, pi, "n63", "6-0", 3, 0);
	where(&t, pi, "br2", "30", 2, 0);
	where(&t, pi, "e21", "30-2", 1, 0);
	where(&t, pi, "mf0", "", 9, 0);
	where(&t, pi, "mf1", "", 9, 1);
	b = pcitree_find_id(&t, "rp5");
	ck_assert_int_eq(t.bus[b].kind, PCI_BR_ROOT_PORT);
	ck_assert_int_eq(t.bus[b].nslots, 1);
	ck_assert_int_eq(t.bus[pcitree_find_id(&t, "dmi1")].kind, PCI_BR_DMI);
	ck_assert_int_eq(t.bus[pcitree_find_id(&t, "pb6")].kind,
	    PCI_BR_PCIE_PCI);
	ck_assert_int_eq(t.bus[pcitree_find_id(&t, "br2")].kind, PCI_BR_PCI);
	ck_assert_int_eq(pcitree_bus_at(&t, PCITREE_ROOT, 5), b);
}

START_TEST(q35_running_hmp)
{
	struct pci_info pi;

	fixparse_hmp_pci("hmp/info-pci-q35-ports.raw", &pi);
	check_q35_running(&pi);
	pci_info_free(&pi);
}
END_TEST

START_TEST(q35_running_qmp)
{
	struct pci_info pi;

	fixparse_qmp_pci("qmp/query-pci-q35-ports.json", &pi);
	check_q35_running(&pi);
	pci_info_free(&pi);
}
END_TEST

/* Capacity of the running q35: rp5 (1), pb6's slots 1-31 but 3 (30),
 * br2's 1-31 but 1 (30); pcie.0 and the DMI bridge take none. */
START_TEST(q35_places)
{
	struct pci_info pi;
	struct pcitree t;
	struct store_rt rt;
	struct place p;
	struct err e;
	int s;

	fixparse_hmp_pci("hmp/info-pci-q35-ports.raw", &pi);
	pcitree_build(&pi, &t);
	store_rt_init(&rt, "q");
	ck_assert_int_eq(places_count(&pi, &t, &rt), 61);
	for (s = 0; s < 32; s++)
		ck_assert(!places_is_free(&pi, &t, &rt, PCITREE_ROOT, s));
	ck_assert_int_eq(places_first(&pi, &t, &rt, -1, &p, &e), 0);
	ck_assert_str_eq(t.bus[p.bus].id, "rp5");
	ck_assert_int_eq(p.slot, 0);
	/* the runtime holding rp5 moves the rule on to pb6 slot 1 */
	{
		struct store_dev d;

		memset(&d, 0, sizeof d);
		snprintf(d.id, sizeof d.id, "nic-6f1a2b3c-pci-5-0");
		snprintf(d.type, sizeof d.type, "nic");
		snprintf(d.bus, sizeof d.bus, "5");
		ck_assert_int_eq(store_add_dev(&rt, &d, &e), 0);
	}
	ck_assert_int_eq(places_count(&pi, &t, &rt), 60);
	ck_assert_int_eq(places_first(&pi, &t, &rt, -1, &p, &e), 0);
	ck_assert_str_eq(t.bus[p.bus].path, "6-0");
	ck_assert_int_eq(p.slot, 1);
	ck_assert_int_eq(places_check(&pi, &t, &rt, PCITREE_ROOT, 7, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "takes no hotplug"));
	ck_assert_int_eq(places_check(&pi, &t, &rt,
	    pcitree_find_id(&t, "rp4"), 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "n4"));
	ck_assert_int_eq(places_check(&pi, &t, &rt,
	    pcitree_find_id(&t, "rp6"), 1, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "one slot, 0"));
	ck_assert_int_eq(places_check(&pi, &t, &rt,
	    pcitree_find_id(&t, "dmi1"), 3, &e), -1);
	store_rt_free(&rt);
	pci_info_free(&pi);
}
END_TEST

/* Three bare root ports: capacity 3, then none with the root-port
 * advice. */
START_TEST(q35_ports_run_out)
{
	struct pci_info pi;
	struct pcitree t;
	struct store_rt rt;
	struct place p;
	struct err e;
	int k;

	fixparse_hmp_pci("hmp/info-pci-q35-ports.raw", &pi);
	/* keep bus 0's own functions and the three ports, drop the rest */
	for (k = (int)pi.n - 1; k >= 0; k--)
		if (pi.fn[k].bus != 0 || (pi.fn[k].id[0] &&
		    strncmp(pi.fn[k].id, "rp", 2) != 0))
			memmove(&pi.fn[k], &pi.fn[k + 1],
			    (pi.n-- - (size_t)k - 1) * sizeof *pi.fn);
	pcitree_build(&pi, &t);
	store_rt_init(&rt, "q");
	ck_assert_int_eq(places_count(&pi, &t, &rt), 3);
	for (k = 0; k < 3; k++) {
		struct store_dev d;

		ck_assert_int_eq(places_first(&pi, &t, &rt, -1, &p, &e), 0);
		ck_assert_int_eq(t.bus[p.bus].kind, PCI_BR_ROOT_PORT);
		memset(&d, 0, sizeof d);
		snprintf(d.type, sizeof d.type, "nic");
		snprintf(d.bus, sizeof d.bus, "%s", t.bus[p.bus].path);
		ck_assert_int_eq(devid_format_at("nic", "6f1a2b3c-0000-4000-"
		    "8000-000000000000", d.bus, 0, d.id, sizeof d.id, &e), 0);
		ck_assert_int_eq(store_add_dev(&rt, &d, &e), 0);
		ck_assert_int_eq(places_count(&pi, &t, &rt), 2 - k);
	}
	ck_assert_int_eq(places_first(&pi, &t, &rt, -1, &p, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no root port is free"));
	ck_assert_ptr_nonnull(strstr(e.msg, "pcie-root-port"));
	store_rt_free(&rt);
	pci_info_free(&pi);
}
END_TEST

/* Paused q35: nothing behind the ports is listed, so no port is offered
 * until QOM is read; the recorded qom-list / qom-get replies place n63. */
START_TEST(q35_paused_qom)
{
	struct pci_info pi;
	struct pcitree t;
	struct store_rt rt;
	struct qom_scan s;
	struct err e;
	size_t n, i;
	char *txt;

	fixparse_hmp_pci("hmp/info-pci-q35-ports-paused.raw", &pi);
	ck_assert(pci_info_has_unnumbered(&pi));
	ck_assert_ptr_null(pci_info_find_any(&pi, "n4"));
	pcitree_build(&pi, &t);
	store_rt_init(&rt, "q");
	ck_assert_int_eq(places_count(&pi, &t, &rt), 0);

	qom_scan_init(&s);
	txt = tu_fixture("qmp/qom-list-q35-ports.json", &n);
	{
		struct qmp_msg m;
		char *j;

		ck_assert_int_eq(qmp_msg_parse(txt, n, &m, &e), 0);
		j = json_dumps(m.ret, JSON_COMPACT);
		ck_assert_int_eq(qom_scan_list(&s, MON_PROTO_QMP, j,
		    strlen(j), &pi, &e), 0);
		free(j);
		qmp_msg_free(&m);
	}
	free(txt);
	/* rp4..6, dmi1 and mf0/mf1 are listed: the rest are candidates,
	 * with the NIC the HMP session had hot-added into rp5 */
	ck_assert_int_eq((int)s.n, 6);
	for (i = 0; i < s.n; i++) {
		const char *bus = "\"/machine/q35/pcie.0\"";
		int devfn = 0;

		if (strcmp(s.c[i].name, "n63") == 0) {
			txt = tu_fixture("hmp/qom-get-parent-bus.txt", &n);
			ck_assert_int_eq(qom_scan_set_bus(&s, i, txt, n, &e),
			    0);
			free(txt);
			txt = tu_fixture("hmp/qom-get-addr.txt", &n);
			ck_assert_int_eq(qom_scan_set_addr(&s, i, txt, n, &e),
			    0);
			free(txt);
			continue;
		}
		/* the others as QEMU prints them (same form as n63's) */
		if (strcmp(s.c[i].name, "n4") == 0)
			bus = "\"/machine/peripheral/rp4/rp4\"";
		else if (strcmp(s.c[i].name, "nic-6f1a2b3c-pci-5") == 0)
			bus = "\"/machine/peripheral/rp5/rp5\"";
		else if (strcmp(s.c[i].name, "pb6") == 0)
			bus = "\"/machine/peripheral/rp6/rp6\"";
		else if (strcmp(s.c[i].name, "br2") == 0) {
			bus = "\"/machine/peripheral/dmi1/dmi1\"";
			devfn = 16;
		} else if (strcmp(s.c[i].name, "e21") == 0) {
			bus = "\"/machine/peripheral/br2/br2\"";
			devfn = 8;
		}
		ck_assert_int_eq(qom_scan_set_bus(&s, i, bus, strlen(bus),
		    &e), 0);
		{
			char a[8];

			snprintf(a, sizeof a, "%d", devfn);
			ck_assert_int_eq(qom_scan_set_addr(&s, i, a,
			    strlen(a), &e), 0);
		}
	}
	ck_assert_int_eq(qom_scan_merge(&s, &pi, &e), 0);
	qom_scan_free(&s);
	pcitree_build(&pi, &t);
	every_fn_placed(&t, &pi);
	where(&t, &pi, "n4", "4", 0, 0);
	where(&t, &pi, "n63", "6-0", 3, 0);
	where(&t, &pi, "e21", "30-2", 1, 0);
	where(&t, &pi, "nic-6f1a2b3c-pci-5", "5", 0, 0);
	/* rp5 is taken by the other client's NIC: never offered */
	ck_assert(!places_is_free(&pi, &t, &rt, pcitree_find_id(&t, "rp5"),
	    0));
	ck_assert_int_eq(places_count(&pi, &t, &rt), 60);
	store_rt_free(&rt);
	pci_info_free(&pi);
}
END_TEST

/* pc with a pci-bridge at slot 5 and a NIC behind it at 3. */
START_TEST(pc_bridge)
{
	const char *rel[] = { "hmp/info-pci-pc-bridge5.raw",
	    "qmp/query-pci-pc-bridge5.json" };
	int k;

	for (k = 0; k < 2; k++) {
		struct pci_info pi;
		struct pcitree t;
		struct store_rt rt;
		struct place p;
		struct err e;

		tu_fixture_bus(rel[k], &pi);
		pcitree_build(&pi, &t);
		ck_assert_int_eq(t.pcie, 0);
		every_fn_placed(&t, &pi);
		where(&t, &pi, "nb3", "5", 3, 0);
		store_rt_init(&rt, "p");
		slotmap_init_first(&rt.reserved, 0, &e);
		/* root slot 3 holds pc's own e1000, not the NIC behind the
		 * bridge at its slot 3 */
		ck_assert_ptr_null(pci_info_find_id(&pi, "nb3"));
		ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x2f);
		ck_assert(places_is_free(&pi, &t, &rt, PCITREE_ROOT, 4));
		ck_assert(!places_is_free(&pi, &t, &rt, PCITREE_ROOT, 5));
		ck_assert(!places_is_free(&pi, &t, &rt, 1, 3));
		ck_assert(!places_is_free(&pi, &t, &rt, 1, 0));
		ck_assert(places_is_free(&pi, &t, &rt, 1, 1));
		ck_assert_int_eq(places_first(&pi, &t, &rt, -1, &p, &e), 0);
		ck_assert_int_eq(p.bus, PCITREE_ROOT);
		ck_assert_int_eq(p.slot, 4);
		ck_assert_int_eq(places_first(&pi, &t, &rt, 1, &p, &e), 0);
		ck_assert_int_eq(p.slot, 1);
		ck_assert_int_eq(places_count(&pi, &t, &rt), 27 + 30);
		store_rt_free(&rt);
		pci_info_free(&pi);
	}
}
END_TEST

START_TEST(bus_names)
{
	struct pci_info pi;
	struct pcitree t;
	struct err e;
	int b;

	fixparse_hmp_pci("hmp/info-pci-q35-ports.raw", &pi);
	pcitree_build(&pi, &t);
	ck_assert_int_eq(pcitree_parse_bus(&t, "rp5", &b, &e), 0);
	ck_assert_str_eq(t.bus[b].path, "5");
	ck_assert_int_eq(pcitree_parse_bus(&t, "6-0", &b, &e), 0);
	ck_assert_str_eq(t.bus[b].id, "pb6");
	ck_assert_int_eq(pcitree_parse_bus(&t, "pcie.0", &b, &e), 0);
	ck_assert_int_eq(b, PCITREE_ROOT);
	ck_assert_int_eq(pcitree_parse_bus(&t, "rp9", &b, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "rp4, rp5, rp6"));
	pci_info_free(&pi);
}
END_TEST

START_TEST(ids_with_bus)
{
	struct devid d;
	struct err e;
	char id[DEVID_MAX + 1];
	const char *u = "6f1a2b3c-0000-4000-8000-000000000000";
	const char *badbus[] = { "05", "5.0", "32", "5.8", "5-", "-5", "",
	    "1-2-3-4", "a" };
	const char *badid[] = { "nic-6f1a2b3c-pci-5-05", "nic-6f1a2b3c-pci-"
	    "5.0-3", "nic-6f1a2b3c-pci--3", "nic-6f1a2b3c-pci-5-", };
	size_t i;

	ck_assert_int_eq(devid_format_at("nic", u, "", 5, id, sizeof id, &e),
	    0);
	ck_assert_str_eq(id, "nic-6f1a2b3c-pci-5");	/* bus 0 unchanged */
	ck_assert_int_eq(devid_format_at("nic", u, "2.1", 0, id, sizeof id,
	    &e), 0);
	ck_assert_str_eq(id, "nic-6f1a2b3c-pci-2.1-0");
	ck_assert_int_eq(devid_parse(id, strlen(id), &d, &e), 0);
	ck_assert_str_eq(d.bus, "2.1");
	ck_assert_int_eq(d.slot, 0);
	ck_assert_int_eq(devid_format_at("disk", u, "6-0", 31, id, sizeof id,
	    &e), 0);
	ck_assert_str_eq(id, "disk-6f1a2b3c-pci-6-0-31");
	ck_assert_int_eq(devid_parse(id, strlen(id), &d, &e), 0);
	ck_assert_str_eq(d.bus, "6-0");
	ck_assert_int_eq(d.slot, 31);
	ck_assert_int_eq(devid_parse("nic-6f1a2b3c-pci-5", 18, &d, &e), 0);
	ck_assert_str_eq(d.bus, "");
	for (i = 0; i < sizeof badbus / sizeof *badbus; i++)
		ck_assert_msg(devid_check_bus(badbus[i], strlen(badbus[i]),
		    &e) == -1, "bus '%s' refused", badbus[i]);
	for (i = 0; i < sizeof badid / sizeof *badid; i++)
		ck_assert_msg(devid_parse(badid[i], strlen(badid[i]), &d,
		    &e) == -1, "id '%s' refused", badid[i]);
	/* too long for 30 characters */
	ck_assert_int_eq(devid_format_at("abcdefghijklmn", u, "31.7-31.7",
	    31, id, sizeof id, &e), -1);
}
END_TEST

START_TEST(qom_commands)
{
	char h[QOM_CMD_MAX], q[QOM_CMD_MAX];
	struct err e;

	ck_assert_int_eq(qom_cmd_get("n63", "parent_bus", h, q, &e), 0);
	ck_assert_str_eq(h, "qom-get /machine/peripheral/n63 parent_bus");
	ck_assert_int_eq(qom_cmd_get("a b", "addr", h, q, &e), -1);
	ck_assert_int_eq(qom_cmd_get("x\"}", "addr", h, q, &e), -1);
	ck_assert_int_eq(qom_cmd_get("n63", "realized", h, q, &e), -1);
}
END_TEST

/* The HMP qom-list reply parses to the same candidates as QMP's. */
START_TEST(qom_list_hmp)
{
	struct pci_info pi;
	struct qom_scan s;
	struct err e;
	size_t n;
	char *txt;

	fixparse_hmp_pci("hmp/info-pci-q35-ports-paused.raw", &pi);
	qom_scan_init(&s);
	txt = tu_fixture("hmp/qom-list-q35-ports.txt", &n);
	ck_assert_int_eq(qom_scan_list(&s, MON_PROTO_HMP, txt, n, &pi, &e),
	    0);
	free(txt);
	ck_assert_int_eq((int)s.n, 5);
	ck_assert_int_eq(qom_scan_list(&s, MON_PROTO_HMP, "garbage\n", 8, &pi,
	    &e), -1);
	qom_scan_free(&s);
	pci_info_free(&pi);
}
END_TEST

/* The root row and a child row of the q35 machine, running and paused. */
START_TEST(q35_views)
{
	struct pci_info pi;
	struct pcitree t;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	int b;

	fixparse_hmp_pci("hmp/info-pci-q35-ports.raw", &pi);
	store_rt_init(&rt, "q");
	state_reconcile(&pi, &rt, v);
	ck_assert_int_eq(v[7].state, SLOT_CLOSED);	/* pcie.0: no hotplug */
	/* the default map (0-3) reserves nothing on pcie.0: slot 3 is
	 * empty and closed, no slot of it is reserved */
	ck_assert(!slotmap_is_free(&rt.reserved, 3));
	ck_assert_int_eq(v[3].state, SLOT_CLOSED);
	for (b = 0; b < 32; b++)
		ck_assert_msg(!v[b].reserved, "pcie.0 slot %d reserved", b);
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 7, &e), -1);
	ck_assert_msg(strstr(e.msg, "root ports are the places") != NULL,
	    "%s", e.msg);
	ck_assert_int_eq(v[4].state, SLOT_BRIDGE);	/* rp4 with n4 */
	ck_assert_int_eq(v[4].behind, 1);
	ck_assert_int_eq(v[4].bridge, PCI_BR_ROOT_PORT);
	ck_assert_int_eq(v[5].state, SLOT_PORT);	/* rp5: empty */
	ck_assert_str_eq(v[5].id, "rp5");
	ck_assert_int_eq(v[6].behind, 2);		/* pb6 and n63 */
	ck_assert_int_eq(v[6].places, 30);
	ck_assert_int_eq(v[9].state, SLOT_FOREIGN);	/* mf0 + mf1 */
	ck_assert_int_eq(v[9].nfn, 2);
	ck_assert_int_eq(v[30].state, SLOT_BRIDGE);	/* dmi1: br2, e21 */
	ck_assert_int_eq(v[30].behind, 2);
	ck_assert_int_eq(v[31].state, SLOT_BUILTIN);
	pcitree_build(&pi, &t);
	b = pcitree_find_id(&t, "pb6");
	state_reconcile_bus(&pi, &t, b, &rt, v);
	ck_assert_int_eq(v[0].state, SLOT_CLOSED);	/* SHPC: from 1 */
	ck_assert_int_eq(v[1].state, SLOT_FREE);
	ck_assert_int_eq(v[3].state, SLOT_FOREIGN);
	ck_assert_str_eq(v[3].id, "n63");
	b = pcitree_find_id(&t, "rp4");
	state_reconcile_bus(&pi, &t, b, &rt, v);
	ck_assert_int_eq(v[0].state, SLOT_FOREIGN);
	ck_assert_int_eq(v[1].state, SLOT_CLOSED);	/* one slot only */
	pci_info_free(&pi);

	fixparse_hmp_pci("hmp/info-pci-q35-ports-paused.raw", &pi);
	state_reconcile(&pi, &rt, v);
	ck_assert_int_eq(v[5].state, SLOT_BRIDGE);	/* not known: no port */
	ck_assert_int_eq(v[5].behind, -1);
	ck_assert_int_eq(v[5].places, 0);
	store_rt_free(&rt);
	pci_info_free(&pi);
}
END_TEST

/* The tree built over a struct that held other bytes is the one built
 * over zeroes (pcitree_build clears only what it reads), and a bus's
 * count of places is its slots' places_is_free (the root bus's taken
 * slots are worked out once there), with reservations, a runtime device
 * and held slots, on every fixture. */
START_TEST(build_and_count_agree)
{
	static const char *const fx[] = {
		"hmp/info-pci-q35-ports.raw",
		"qmp/query-pci-q35-ports.json",
		"hmp/info-pci-q35-ports-paused.raw",
		"hmp/info-pci-pc-bridge5.raw",
		"qmp/query-pci-pc-bridge5.json",
	};
	size_t k, b;

	for (k = 0; k < sizeof fx / sizeof *fx; k++) {
		static struct pcitree z, d;
		struct pci_info pi;
		struct store_rt rt;
		struct store_dev dev;
		struct err e;
		int s, h;

		tu_fixture_bus(fx[k], &pi);
		memset(&z, 0, sizeof z);
		memset(&d, 0xa5, sizeof d);
		pcitree_build(&pi, &z);
		pcitree_build(&pi, &d);
		ck_assert_uint_eq(d.nbus, z.nbus);
		ck_assert_int_eq(d.pcie, z.pcie);
		for (b = 0; b < z.nbus; b++)
			ck_assert_msg(memcmp(&d.bus[b], &z.bus[b],
			    sizeof z.bus[b]) == 0, "%s: bus %zu", fx[k], b);
		store_rt_init(&rt, "a");
		ck_assert_int_eq(slotmap_init_first(&rt.reserved, 0, &e), 0);
		memset(&dev, 0, sizeof dev);
		snprintf(dev.id, sizeof dev.id, "nic-6f1a2b3c-pci-9");
		snprintf(dev.type, sizeof dev.type, "nic");
		dev.slot = 9;
		ck_assert_int_eq(store_add_dev(&rt, &dev, &e), 0);
		for (h = 0; h < 2; h++) {
			int all = 0;

			for (b = 0; b < z.nbus; b++) {
				int n = 0;

				z.bus[b].held = h ? 0x00f00f00u : 0;
				for (s = 0; s < 32; s++)
					n += places_is_free(&pi, &z, &rt,
					    (int)b, s);
				ck_assert_int_eq(places_count_bus(&pi, &z, &rt,
				    (int)b), n);
				all += n;
			}
			ck_assert_int_eq(places_count(&pi, &z, &rt), all);
		}
		store_rt_free(&rt);
		pci_info_free(&pi);
	}
}
END_TEST

Suite *
pcitree_suite(void)
{
	Suite *s = suite_create("pcitree");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, q35_running_hmp);
	tcase_add_test(tc, q35_running_qmp);
	tcase_add_test(tc, q35_places);
	tcase_add_test(tc, q35_ports_run_out);
	tcase_add_test(tc, q35_paused_qom);
	tcase_add_test(tc, pc_bridge);
	tcase_add_test(tc, bus_names);
	tcase_add_test(tc, ids_with_bus);
	tcase_add_test(tc, qom_commands);
	tcase_add_test(tc, qom_list_hmp);
	tcase_add_test(tc, q35_views);
	tcase_add_test(tc, build_and_count_agree);
	suite_add_tcase(s, tc);
	return s;
}
