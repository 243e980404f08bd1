/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_state.c - slot states from live bus + reservations + runtime, the
 * first-free rule, and the reserve/free checks. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "model/state.h"
#include "devrows.h"

static void
addfn(struct pci_info *pi, int bus, int slot, int func, const char *id)
{
	struct pci_fn f;
	struct err e;

	memset(&f, 0, sizeof f);
	f.bus = bus;
	f.slot = slot;
	f.func = func;
	snprintf(f.id, sizeof f.id, "%s", id);
	ck_assert_int_eq(pci_info_add(pi, &f, &e), 0);
}

/* What a fresh `-machine pc` shows: 0, 1 (fns 0 1 3), 2, 3. */
static void
default_pc(struct pci_info *pi)
{
	pci_info_init(pi);
	addfn(pi, 0, 0, 0, "");
	addfn(pi, 0, 1, 0, "");
	addfn(pi, 0, 1, 1, "");
	addfn(pi, 0, 1, 3, "");
	addfn(pi, 0, 2, 0, "");
	addfn(pi, 0, 3, 0, "");
}

static void
adddev(struct store_rt *rt, const char *id, int slot, int unplugging)
{
	struct store_dev d;
	struct err e;

	tu_rt_dev(&d, id, NULL, "", slot, unplugging ? STORE_DEV_UNPLUGGING :
	    STORE_DEV_PLUGGED);
	ck_assert_msg(store_add_dev(rt, &d, &e) == 0, "%s", e.msg);
}

/* A device a user added without an id is foreign and anonymous, not
 * builtin; only the machine's own id-less devices are builtin; a bus that
 * was not read is unknown in every slot, reservations and recorded
 * devices kept, nothing free. */
START_TEST(anonymous_and_unknown)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	int s;

	default_pc(&pi);
	addfn(&pi, 0, 5, 0, "");
	pi.fn[pi.n - 1].anon = 1;
	store_rt_init(&rt, "t");
	adddev(&rt, "nic-11111111-pci-6", 6, 0);
	state_reconcile(&pi, &rt, v);
	ck_assert_int_eq(v[5].state, SLOT_FOREIGN);
	ck_assert(v[5].anonymous);
	ck_assert_str_eq(v[5].id, "");
	ck_assert_int_eq(v[3].state, SLOT_BUILTIN);
	ck_assert(!v[3].anonymous);
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 5, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "added without an id"));
	state_unknown(&rt, NULL, v);
	for (s = 0; s < 32; s++) {
		ck_assert_int_eq(v[s].state, SLOT_UNKNOWN);
		ck_assert_int_eq(v[s].reserved, s < 4);
	}
	ck_assert_str_eq(v[6].id, "nic-11111111-pci-6");
	ck_assert_str_eq(slot_state_name(SLOT_UNKNOWN), "unknown");
	/* the last read was pc's bus 0: the map applies, as above */
	state_unknown(&rt, &pi, v);
	ck_assert(v[0].reserved && v[3].reserved && !v[4].reserved);
	/* it was q35's pcie.0 (its host bridge 8086:29c0 in slot 0): the map
	 * is not applied there, so no slot is reserved */
	pi.fn[0].vendor = 0x8086;
	pi.fn[0].device = 0x29c0;
	state_unknown(&rt, &pi, v);
	for (s = 0; s < 32; s++) {
		ck_assert_int_eq(v[s].state, SLOT_UNKNOWN);
		ck_assert_int_eq(v[s].reserved, 0);
	}
	ck_assert_str_eq(v[6].id, "nic-11111111-pci-6");
	store_rt_free(&rt);
	pci_info_free(&pi);
}
END_TEST

START_TEST(names_round_trip)
{
	enum slot_state s;
	struct err e;
	int i;

	for (i = 0; i < SLOT_NSTATES; i++) {
		const char *n = slot_state_name((enum slot_state)i);

		ck_assert_int_eq(slot_state_parse(n, strlen(n), &s, &e), 0);
		ck_assert_int_eq(s, i);
	}
	ck_assert_str_eq(slot_state_name(SLOT_UNPLUGGING), "unplugging");
	ck_assert_str_eq(slot_state_name(SLOT_NSTATES), "?");
	ck_assert_int_eq(slot_state_parse("freeX", 4, &s, &e), 0);
	ck_assert_int_eq(s, SLOT_FREE);
	ck_assert_int_eq(slot_state_parse("fre", 3, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "unplugging"));
}
END_TEST

/* One bus showing every state. */
START_TEST(every_state)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	uint32_t done;
	int s;

	default_pc(&pi);
	store_rt_init(&rt, "web1");
	addfn(&pi, 0, 5, 0, "nic-6f1a2b3c-pci-5");	/* used */
	adddev(&rt, "nic-6f1a2b3c-pci-5", 5, 0);
	addfn(&pi, 0, 6, 0, "net0");			/* foreign */
	adddev(&rt, "disk-0d4e5f60-pci-7", 7, 0);	/* missing */
	addfn(&pi, 0, 8, 0, "nic-88888888-pci-8");	/* unplugging */
	adddev(&rt, "nic-88888888-pci-8", 8, 1);
	adddev(&rt, "nic-99999999-pci-9", 9, 1);	/* unplug confirmed */
	ck_assert_int_eq(slotmap_reserve(&rt.reserved, 10, &e), 0);
	addfn(&pi, 1, 12, 0, "behind-bridge");		/* not bus 0 */

	done = state_reconcile(&pi, &rt, v);
	ck_assert_uint_eq(done, 1u << 9);
	for (s = 0; s < 4; s++) {
		ck_assert_int_eq(v[s].state, SLOT_BUILTIN);
		ck_assert_int_eq(v[s].reserved, 1);
		ck_assert_str_eq(v[s].id, "");
	}
	ck_assert_int_eq(v[1].nfn, 3);
	ck_assert_int_eq(v[4].state, SLOT_FREE);
	ck_assert_int_eq(v[4].reserved, 0);
	ck_assert_int_eq(v[5].state, SLOT_USED);
	ck_assert_str_eq(v[5].id, "nic-6f1a2b3c-pci-5");
	ck_assert_str_eq(v[5].type, "nic");
	ck_assert_str_eq(v[5].uuid, "6f1a2b3c-0000-4000-8000-000000000000");
	ck_assert_int_eq(v[5].nfn, 1);
	ck_assert_int_eq(v[6].state, SLOT_FOREIGN);
	ck_assert_str_eq(v[6].id, "net0");
	ck_assert_str_eq(v[6].type, "");
	ck_assert_int_eq(v[7].state, SLOT_MISSING);
	ck_assert_str_eq(v[7].id, "disk-0d4e5f60-pci-7");
	ck_assert_str_eq(v[7].type, "disk");
	ck_assert_int_eq(v[7].nfn, 0);
	ck_assert_int_eq(v[8].state, SLOT_UNPLUGGING);
	ck_assert_str_eq(v[8].id, "nic-88888888-pci-8");
	ck_assert_int_eq(v[9].state, SLOT_FREE);
	ck_assert_int_eq(v[10].state, SLOT_RESERVED);
	ck_assert_int_eq(v[10].reserved, 1);
	ck_assert_int_eq(v[12].state, SLOT_FREE);
	for (s = 11; s < 32; s++)
		ck_assert_int_eq(v[s].state, SLOT_FREE);
	/* The confirmed-unplug slot is still not given to a new device. */
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 4);
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 9, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "unplugging"));
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

/* A reserved slot that is live keeps its live state. */
START_TEST(reserved_and_live)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;

	pci_info_init(&pi);
	store_rt_init(&rt, "web1");
	ck_assert_int_eq(slotmap_reserve(&rt.reserved, 31, &e), 0);
	addfn(&pi, 0, 31, 0, "x31");
	adddev(&rt, "disk-0d4e5f60-pci-3", 3, 0);	/* reserved slot */
	state_reconcile(&pi, &rt, v);
	ck_assert_int_eq(v[31].state, SLOT_FOREIGN);
	ck_assert_int_eq(v[31].reserved, 1);
	ck_assert_int_eq(v[3].state, SLOT_MISSING);
	ck_assert_int_eq(v[3].reserved, 1);
	ck_assert_int_eq(v[0].state, SLOT_RESERVED);
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

START_TEST(slot0_and_slot31)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;

	pci_info_init(&pi);
	store_rt_init(&rt, "web1");
	rt.reserved.bits = 0;
	adddev(&rt, "nic-00000000-pci-0", 0, 0);
	addfn(&pi, 0, 0, 0, "nic-00000000-pci-0");
	adddev(&rt, "nic-31313131-pci-31", 31, 0);
	addfn(&pi, 0, 31, 0, "nic-31313131-pci-31");
	ck_assert_uint_eq(state_reconcile(&pi, &rt, v), 0);
	ck_assert_int_eq(v[0].state, SLOT_USED);
	ck_assert_int_eq(v[0].reserved, 0);
	ck_assert_int_eq(v[31].state, SLOT_USED);
	ck_assert_str_eq(v[31].id, "nic-31313131-pci-31");
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 1);
	/* slot 0 gone from the bus: missing, not "no slot" */
	pci_info_clear(&pi);
	state_reconcile(&pi, &rt, v);
	ck_assert_int_eq(v[0].state, SLOT_MISSING);
	ck_assert_int_eq(v[31].state, SLOT_MISSING);
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

/* Multifunction: built-in fn 0 plus a known id on fn 1 -> used. */
START_TEST(multifunction_prefers_known_id)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];

	pci_info_init(&pi);
	store_rt_init(&rt, "web1");
	addfn(&pi, 0, 9, 0, "");
	addfn(&pi, 0, 9, 1, "other");
	addfn(&pi, 0, 9, 2, "nic-99999999-pci-9");
	adddev(&rt, "nic-99999999-pci-9", 9, 0);
	state_reconcile(&pi, &rt, v);
	ck_assert_int_eq(v[9].state, SLOT_USED);
	ck_assert_str_eq(v[9].id, "nic-99999999-pci-9");
	ck_assert_int_eq(v[9].nfn, 3);
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

/* An unplug was confirmed and another device already took the slot. */
START_TEST(unplug_confirmed_under_new_device)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];

	pci_info_init(&pi);
	store_rt_init(&rt, "web1");
	adddev(&rt, "nic-55555555-pci-5", 5, 1);
	addfn(&pi, 0, 5, 0, "someone-else");
	ck_assert_uint_eq(state_reconcile(&pi, &rt, v), 1u << 5);
	ck_assert_int_eq(v[5].state, SLOT_FOREIGN);
	ck_assert_str_eq(v[5].id, "someone-else");
	/* a plugged device under someone else's: no completion */
	rt.dev[0].state = STORE_DEV_PLUGGED;
	ck_assert_uint_eq(state_reconcile(&pi, &rt, v), 0);
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

/* The runtime says slot 5, the bus has the id at slot 7. */
START_TEST(device_moved)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];

	pci_info_init(&pi);
	store_rt_init(&rt, "web1");
	adddev(&rt, "nic-55555555-pci-5", 5, 1);
	addfn(&pi, 0, 7, 0, "nic-55555555-pci-5");
	/* unplugging, still live elsewhere: not confirmed */
	ck_assert_uint_eq(state_reconcile(&pi, &rt, v), 0);
	ck_assert_int_eq(v[7].state, SLOT_UNPLUGGING);
	ck_assert_int_eq(v[5].state, SLOT_FREE);
	rt.dev[0].state = STORE_DEV_PLUGGED;
	state_reconcile(&pi, &rt, v);
	ck_assert_int_eq(v[7].state, SLOT_USED);
	ck_assert_int_eq(v[5].state, SLOT_MISSING);
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

START_TEST(full_bus)
{
	struct pci_info pi;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	int s;

	pci_info_init(&pi);
	store_rt_init(&rt, "web1");
	for (s = 0; s < 32; s++) {
		char id[16];

		snprintf(id, sizeof id, "fill%d", s);
		addfn(&pi, 0, s, 0, s < 4 ? "" : id);
	}
	state_reconcile(&pi, &rt, v);
	for (s = 4; s < 32; s++)
		ck_assert_int_eq(v[s].state, SLOT_FOREIGN);
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), -1);
	ck_assert_str_eq(e.msg, "all 32 PCI slots are taken");
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

START_TEST(first_free_rule)
{
	struct pci_info pi;
	struct store_rt rt;
	struct err e;

	/* Empty bus, no reservations: slot 0 is a real slot. */
	pci_info_init(&pi);
	store_rt_init(&rt, "web1");
	rt.reserved.bits = 0;
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 0);
	/* default reservation + default pc */
	slotmap_init_default(&rt.reserved);
	pci_info_free(&pi);
	default_pc(&pi);
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 4);
	/* a live device the reservation map does not know (Ganeti's
	 * _UpdatePCISlots) */
	addfn(&pi, 0, 4, 0, "foreign");
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 5);
	/* a reservation */
	ck_assert_int_eq(slotmap_reserve(&rt.reserved, 5, &e), 0);
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 6);
	/* a missing runtime device keeps its slot */
	adddev(&rt, "nic-66666666-pci-6", 6, 0);
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 7);
	/* so does an unplugging one */
	adddev(&rt, "nic-77777777-pci-7", 7, 1);
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 8);
	/* only slot 31 left */
	rt.reserved.bits = 0x7fffffffu;
	ck_assert_int_eq(state_first_free(&pi, &rt, &e), 31);
	ck_assert_uint_eq(state_taken(&pi, &rt).bits, 0x7fffffffu);
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

START_TEST(check_new_slot)
{
	struct pci_info pi;
	struct store_rt rt;
	struct err e;

	default_pc(&pi);
	store_rt_init(&rt, "web1");
	addfn(&pi, 0, 6, 0, "net0");
	adddev(&rt, "nic-77777777-pci-7", 7, 0);
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 5, &e), 0);
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 31, &e), 0);
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 2, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "reserved"));
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 6, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "net0"));
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 7, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "nic-77777777-pci-7"));
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 32, &e), -1);
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, -1, &e), -1);
	rt.reserved.bits = 0;
	ck_assert_int_eq(state_check_new_slot(&pi, &rt, 2, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "built-in"));
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

START_TEST(check_reserve)
{
	struct pci_info pi;
	struct store_rt rt;
	struct err e;

	default_pc(&pi);
	store_rt_init(&rt, "web1");
	addfn(&pi, 0, 7, 0, "nic-77777777-pci-7");
	adddev(&rt, "disk-88888888-pci-8", 8, 0);
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 9, &e), 0);
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 31, &e), 0);
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 7, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "live device"));
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 8, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "disk-88888888-pci-8"));
	/* a device a hotplug recorded after the bus was last read may well
	 * be live: the message says what the file says, not "missing" */
	ck_assert_ptr_nonnull(strstr(e.msg, "recorded plugged"));
	ck_assert_ptr_null(strstr(e.msg, "missing"));
	/* a slot an unfinished operation holds */
	{
		struct store_intent in;

		memset(&in, 0, sizeof in);
		in.op = STORE_OP_HOTPLUG;
		snprintf(in.dev.id, sizeof in.dev.id, "nic-99999999-pci-9");
		snprintf(in.dev.type, sizeof in.dev.type, "nic");
		in.dev.slot = 9;
		ck_assert_int_eq(store_add_intent(&rt, &in, &e), 0);
		ck_assert_int_eq(state_check_reserve(&pi, &rt, 9, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "unfinished hotplug of "
		    "nic-99999999-pci-9"));
		store_drop_intent(&rt, in.dev.id);
	}
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "already reserved"));
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 32, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "out of range"));
	/* slot 0 with nothing reserved and a built-in there */
	rt.reserved.bits = 0;
	ck_assert_int_eq(state_check_reserve(&pi, &rt, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "built-in"));
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

START_TEST(check_free)
{
	struct pci_info pi;
	struct store_rt rt;
	struct err e;

	default_pc(&pi);
	store_rt_init(&rt, "web1");
	ck_assert_int_eq(slotmap_reserve(&rt.reserved, 9, &e), 0);
	ck_assert_int_eq(state_check_free(&pi, &rt, 9, 0, &e), 0);
	ck_assert_int_eq(state_check_free(&pi, &rt, 10, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not reserved"));
	ck_assert_int_eq(state_check_free(&pi, &rt, 2, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "--force"));
	ck_assert_int_eq(state_check_free(&pi, &rt, 2, 1, &e), 0);
	ck_assert_int_eq(state_check_free(&pi, &rt, 33, 1, &e), -1);
	pci_info_free(&pi);
	store_rt_free(&rt);
}
END_TEST

Suite *
state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");

	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, anonymous_and_unknown);
	tcase_add_test(tc, every_state);
	tcase_add_test(tc, reserved_and_live);
	tcase_add_test(tc, slot0_and_slot31);
	tcase_add_test(tc, multifunction_prefers_known_id);
	tcase_add_test(tc, device_moved);
	tcase_add_test(tc, unplug_confirmed_under_new_device);
	tcase_add_test(tc, full_bus);
	tcase_add_test(tc, first_free_rule);
	tcase_add_test(tc, check_new_slot);
	tcase_add_test(tc, check_reserve);
	tcase_add_test(tc, check_free);
	suite_add_tcase(s, tc);
	return s;
}
