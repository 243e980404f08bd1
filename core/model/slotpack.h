/* SPDX-License-Identifier: GPL-3.0-or-later */
/* slotpack.h - 32 slot views (state.h) kept small: what a fleet holds
 * per instance and per bus behind a bridge, for every instance of a fleet
 * of thousands.
 *
 * A struct slot_view is ~860 bytes, mostly string buffers that are empty
 * in most slots; 32 of them per bus, twice per instance (now and at the
 * last read), made an instance 57 KB.  A slotpack holds each slot's small
 * fields in a struct slot_brief (the grid reads them for every row) and
 * the strings of the slots that have any, packed NUL-separated in one
 * heap block.  The full view of a slot is unpacked on demand
 * (slotpack_get, slotpack_all).
 *
 * Memory: the pack owns str; slotpack_free() frees it.  slotpack_set
 * replaces what was there.
 */
#ifndef SLOTSCOPE_SLOTPACK_H
#define SLOTSCOPE_SLOTPACK_H

#include <stdint.h>

#include "model/state.h"

/* The small fields of one slot_view (same names, same meaning). */
struct slot_brief {
	uint8_t state;			/* enum slot_state */
	uint8_t reserved;
	uint8_t anonymous;
	uint8_t bridge;			/* enum pci_bridge_kind */
	uint8_t conflict;		/* 1: slot_view.conflict is not "" (the
					 * manager records another device) */
	uint16_t nfn;
	int16_t behind;			/* -1 when not known */
	int16_t places;
	uint16_t str;			/* where its strings start in the
					 * pack's str, + 1; 0 = all "" */
};

struct slotpack {
	struct slot_brief b[32];
	char *str;			/* owned; NULL when no slot has a
					 * string */
};

/* Empty: every slot `unknown`, no strings. */
void slotpack_init(struct slotpack *p);
void slotpack_free(struct slotpack *p);
/* Pack v[0..31] (strings cut to slot_view's sizes).  -1 when out of
 * memory: the small fields are kept, the strings read as "". */
int slotpack_set(struct slotpack *p, const struct slot_view v[32]);
/* The same from the small slots state_reconcile_res gives: what
 * slotpack_set packs of their views (state_res_view), without them. */
int slotpack_set_res(struct slotpack *p, const struct slot_res r[32]);
/* Copy src into dst (dst freed first); -1 as slotpack_set. */
int slotpack_copy(struct slotpack *dst, const struct slotpack *src);
/* Slot s (0..31) as a full view. */
void slotpack_get(const struct slotpack *p, int s, struct slot_view *out);
/* All 32. */
void slotpack_all(const struct slotpack *p, struct slot_view out[32]);
/* A hash of all 32 views (equal packs, equal hashes): whether a view
 * changed, for a screen that draws only then. */
uint64_t slotpack_hash(const struct slotpack *p, uint64_t h);
/* Slot s's device id and type without unpacking ("" when none). */
const char *slotpack_id(const struct slotpack *p, int s);
const char *slotpack_type(const struct slotpack *p, int s);

#endif
