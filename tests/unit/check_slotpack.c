/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_slotpack.c - 32 slot views packed small and unpacked the same. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "model/slotpack.h"

/* A view with every field set, distinct per slot. */
static void
fill(struct slot_view *v, int s)
{
	memset(v, 0, sizeof *v);
	v->state = (enum slot_state)(s % SLOT_NSTATES);
	v->reserved = s & 1;
	v->nfn = s % 8;
	v->bridge = (enum pci_bridge_kind)(s % PCI_BR_NKINDS);
	v->behind = s == 3 ? -1 : s;
	v->places = s * 2;
	v->anonymous = s == 5;
	if (s % 3 == 0)
		return;		/* no strings at all */
	snprintf(v->id, sizeof v->id, "nic-%d", s);
	snprintf(v->type, sizeof v->type, "nic");
	if (s == 7) {
		memset(v->backend, 'b', sizeof v->backend - 1);
		memset(v->where, 'w', sizeof v->where - 1);
		memset(v->id, 'i', sizeof v->id - 1);
	}
	snprintf(v->uuid, sizeof v->uuid, "u%d", s);
	snprintf(v->owner, sizeof v->owner, "ganeti");
	snprintf(v->mname, sizeof v->mname, "m%d", s);
	snprintf(v->mac, sizeof v->mac, "aa:bb:cc:dd:ee:%02x", s);
	snprintf(v->conflict, sizeof v->conflict, s == 8 ? "x (why)" : "");
}

START_TEST(round_trip)
{
	struct slot_view v[32], out[32];
	struct slotpack p, q;
	int s;

	for (s = 0; s < 32; s++)
		fill(&v[s], s);
	slotpack_init(&p);
	ck_assert_int_eq(p.b[4].state, SLOT_UNKNOWN);
	ck_assert_int_eq(slotpack_set(&p, v), 0);
	slotpack_all(&p, out);
	for (s = 0; s < 32; s++)
		ck_assert_msg(memcmp(&v[s], &out[s], sizeof v[s]) == 0,
		    "slot %d differs after the round trip", s);
	ck_assert_str_eq(slotpack_id(&p, 4), "nic-4");
	ck_assert_str_eq(slotpack_type(&p, 4), "nic");
	ck_assert_str_eq(slotpack_id(&p, 3), "");
	ck_assert_str_eq(slotpack_id(&p, 32), "");
	ck_assert_int_eq(p.b[3].str, 0);	/* no room for empty ones */
	ck_assert_int_eq((int)strlen(slotpack_id(&p, 7)), 127);
	/* a copy is its own */
	slotpack_init(&q);
	ck_assert_int_eq(slotpack_copy(&q, &p), 0);
	slotpack_free(&p);
	ck_assert_int_eq(p.b[4].state, SLOT_UNKNOWN);
	slotpack_all(&q, out);
	for (s = 0; s < 32; s++)
		ck_assert_msg(memcmp(&v[s], &out[s], sizeof v[s]) == 0,
		    "slot %d differs in the copy", s);
	/* set again replaces, strings gone where there are none now */
	for (s = 0; s < 32; s++)
		fill(&v[s], s * 3);
	ck_assert_int_eq(slotpack_set(&q, v), 0);
	ck_assert_ptr_null(q.str);
	ck_assert_str_eq(slotpack_id(&q, 4), "");
	slotpack_free(&q);
}
END_TEST

/* Change field f (0..8) of v. */
static void
change(struct slot_view *v, int f)
{
	switch (f) {
	case 0:
		v->state = (enum slot_state)((v->state + 1) % SLOT_NSTATES);
		break;
	case 1:
		v->reserved = !v->reserved;
		break;
	case 2:
		v->anonymous = !v->anonymous;
		break;
	case 3:
		v->bridge = (enum pci_bridge_kind)((v->bridge + 1) %
		    PCI_BR_NKINDS);
		break;
	case 4:
		v->nfn++;
		break;
	case 5:
		v->behind++;
		break;
	case 6:
		v->places--;
		break;
	case 7:
		snprintf(v->id, sizeof v->id, "other");
		break;
	default:
		snprintf(v->conflict, sizeof v->conflict, "y (why not)");
		break;
	}
}

/* The hash says what the views are, not how they are packed: the same
 * views hash alike however their strings were laid out, and a change of
 * any one field of any one slot changes it. */
START_TEST(hash_follows_every_field)
{
	struct slot_view v[32], w[32];
	struct slotpack p, q;
	uint64_t h;
	int s, f;

	for (s = 0; s < 32; s++)
		fill(&v[s], s);
	slotpack_init(&p);
	slotpack_init(&q);
	ck_assert_int_eq(slotpack_set(&p, v), 0);
	h = slotpack_hash(&p, 1);
	/* the same views set again over a pack that held others */
	for (s = 0; s < 32; s++)
		fill(&w[s], 31 - s);
	ck_assert_int_eq(slotpack_set(&q, w), 0);
	ck_assert_int_eq(slotpack_set(&q, v), 0);
	ck_assert(slotpack_hash(&q, 1) == h);
	ck_assert(slotpack_hash(&p, 2) != h);	/* the seed counts */
	for (s = 0; s < 32; s += 7)
		for (f = 0; f < 9; f++) {
			memcpy(w, v, sizeof w);
			change(&w[s], f);
			ck_assert_int_eq(slotpack_set(&q, w), 0);
			ck_assert_msg(slotpack_hash(&q, 1) != h, "slot %d: "
			    "field %d changed, the hash did not", s, f);
		}
	slotpack_free(&p);
	slotpack_free(&q);
}
END_TEST

Suite *
slotpack_suite(void)
{
	Suite *s = suite_create("slotpack");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, hash_follows_every_field);
	suite_add_tcase(s, tc);
	return s;
}
