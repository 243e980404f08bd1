/* SPDX-License-Identifier: GPL-3.0-or-later */
/* slotmap.c - the 32-slot reservation map; see slotmap.h.
 *
 * The seed (Ganeti's KVM code) tested slots with `if dev.pci:` and
 * `if not free:`, so slot 0 read as "no slot", and it unpacked the first free
 * slot with `[free] = search(...)`, which crashed on a full bus.  Here a slot
 * is always an int 0..31 and "none" is an error return, never a slot value.
 */
#include "model/slotmap.h"

#include <stdio.h>

#define BIT(s) ((uint32_t)1 << (s))

void
slotmap_init_default(struct slotmap *m)
{
	m->bits = BIT(SLOTMAP_DEFAULT_RESERVED) - 1;
}

int
slotmap_init_first(struct slotmap *m, int n, struct err *e)
{
	if (n < 0 || n > SLOTMAP_NSLOTS)
		return err_set(e, "cannot reserve the first %d slots: "
		    "give a number from 0 to %d", n, SLOTMAP_NSLOTS);
	m->bits = n == SLOTMAP_NSLOTS ? UINT32_MAX : BIT(n) - 1;
	return 0;
}

int
slotmap_valid_slot(int slot)
{
	return slot >= 0 && slot < SLOTMAP_NSLOTS;
}

int
slotmap_check_slot(int slot, struct err *e)
{
	if (!slotmap_valid_slot(slot))
		return err_set(e, "slot %d is out of range: PCI slots are "
		    "0 to 31", slot);
	return 0;
}

int
slotmap_parse_slot(const char *buf, size_t len, int *slot, struct err *e)
{
	int v = 0;
	size_t i;

	if (len == 0)
		return err_set(e, "missing slot number: give a slot from "
		    "0 to 31");
	if (len > 2 || (len == 2 && buf[0] == '0'))
		goto bad;
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			goto bad;
		v = v * 10 + (buf[i] - '0');
	}
	if (!slotmap_valid_slot(v))
		goto bad;
	*slot = v;
	return 0;
bad:
	return err_set(e, "'%.*s' is not a slot number: give a slot from "
	    "0 to 31", (int)(len > 40 ? 40 : len), buf);
}

int
slotmap_reserve(struct slotmap *m, int slot, struct err *e)
{
	if (slotmap_check_slot(slot, e) == -1)
		return -1;
	if (m->bits & BIT(slot))
		return err_set(e, "slot %d is already reserved", slot);
	m->bits |= BIT(slot);
	return 0;
}

int
slotmap_free(struct slotmap *m, int slot, struct err *e)
{
	if (slotmap_check_slot(slot, e) == -1)
		return -1;
	if (!(m->bits & BIT(slot)))
		return err_set(e, "slot %d is not reserved", slot);
	m->bits &= ~BIT(slot);
	return 0;
}

int
slotmap_is_free(const struct slotmap *m, int slot)
{
	if (!slotmap_valid_slot(slot))
		return -1;
	return !(m->bits & BIT(slot));
}

int
slotmap_first_free(const struct slotmap *m, int from, struct err *e)
{
	uint32_t avail;

	if (slotmap_check_slot(from, e) == -1)
		return -1;
	avail = ~m->bits & ~(BIT(from) - 1);
	if (avail == 0) {
		if (from == 0 || m->bits == UINT32_MAX)
			return err_set(e, "all 32 PCI slots are taken");
		return err_set(e, "no free PCI slot from slot %d up", from);
	}
	return __builtin_ctz(avail);
}

int
slotmap_count(const struct slotmap *m)
{
	return __builtin_popcount(m->bits);
}

struct slotmap
slotmap_union(struct slotmap a, struct slotmap b)
{
	struct slotmap u = { a.bits | b.bits };

	return u;
}

void
slotmap_to_string(const struct slotmap *m, char out[SLOTMAP_NSLOTS + 1])
{
	int i;

	for (i = 0; i < SLOTMAP_NSLOTS; i++)
		out[i] = (m->bits & BIT(i)) ? '1' : '0';
	out[SLOTMAP_NSLOTS] = '\0';
}

int
slotmap_from_string(struct slotmap *m, const char *buf, size_t len,
    struct err *e)
{
	uint32_t bits = 0;
	size_t i;

	if (len != SLOTMAP_NSLOTS)
		return err_set(e, "a reservation map has 32 characters of 0 "
		    "and 1, not %zu", len);
	for (i = 0; i < len; i++) {
		if (buf[i] == '1')
			bits |= BIT(i);
		else if (buf[i] != '0')
			return err_set(e, "a reservation map has only 0 and 1; "
			    "character %zu is not", i + 1);
	}
	m->bits = bits;
	return 0;
}
