/* SPDX-License-Identifier: GPL-3.0-or-later */
/* slotfix.c - see slotfix.h. */
#include "slotfix.h"

#include <check.h>
#include <string.h>

#include "fixparse.h"

void
tu_fixture_bus(const char *rel, struct pci_info *pi)
{
	size_t n = strlen(rel);

	if (n > 5 && strcmp(rel + n - 5, ".json") == 0)
		fixparse_qmp_pci(rel, pi);
	else
		fixparse_hmp_pci(rel, pi);
}

void
tu_same_views(const struct slot_view *a, const struct slot_view *b,
    const char *what, int s)
{
	ck_assert_msg(a->state == b->state, "%s slot %d: state %s, was %s",
	    what, s, slot_state_name(a->state), slot_state_name(b->state));
	ck_assert_msg(strcmp(a->id, b->id) == 0, "%s slot %d: id '%s', was "
	    "'%s'", what, s, a->id, b->id);
	ck_assert_msg(memcmp(a, b, sizeof *a) == 0, "%s slot %d: the views "
	    "differ", what, s);
}

void
tu_same_packs(const struct slotpack *a, const struct slotpack *b,
    const char *what)
{
	int s;

	ck_assert_msg(memcmp(a->b, b->b, sizeof a->b) == 0, "%s: the small "
	    "fields differ", what);
	for (s = 0; s < 32; s++) {
		struct slot_view x, y;

		slotpack_get(a, s, &x);
		slotpack_get(b, s, &y);
		tu_same_views(&x, &y, what, s);
	}
	ck_assert_msg(slotpack_hash(a, 7) == slotpack_hash(b, 7), "%s: the "
	    "hashes differ", what);
}
