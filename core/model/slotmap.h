/* SPDX-License-Identifier: GPL-3.0-or-later */
/* slotmap.h - the 32 slots of one PCI bus as a reservation map.
 *
 * A slot is "taken" in a slotmap when its bit is set.  The same type serves
 * for the operator's reservations (Ganeti's reservation string) and for any
 * other set of slots (the live bus, reservations + live).  Slot 0 is a real
 * slot: slot numbers are 0..31 and nothing here uses 0 to mean "none".
 */
#ifndef SLOTSCOPE_SLOTMAP_H
#define SLOTSCOPE_SLOTMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SLOTMAP_NSLOTS 32
#define SLOTMAP_DEFAULT_RESERVED 4	/* the seed reserves slots 0-3 */

struct slotmap {
	uint32_t bits;			/* bit i set: slot i taken */
};

/* Slots 0-3 taken, as the seed does. */
void slotmap_init_default(struct slotmap *m);
/* Slots 0..n-1 taken (later Ganeti's kvm_pci_reservations, default 12);
 * n from 0 to 32. */
int slotmap_init_first(struct slotmap *m, int n, struct err *e);

/* 1 if slot is 0..31, else 0. */
int slotmap_valid_slot(int slot);
/* Check a slot number and say what is wrong with it. */
int slotmap_check_slot(int slot, struct err *e);
/* Parse a decimal slot number "0".."31" from (buf, len). */
int slotmap_parse_slot(const char *buf, size_t len, int *slot, struct err *e);

/* Take a free slot; an already taken slot is an error and changes nothing. */
int slotmap_reserve(struct slotmap *m, int slot, struct err *e);
/* Release a taken slot; a slot that is not taken is an error. */
int slotmap_free(struct slotmap *m, int slot, struct err *e);
/* 1 free, 0 taken, -1 out of range. */
int slotmap_is_free(const struct slotmap *m, int slot);
/* The lowest free slot >= from (0..31), or -1 with "all 32 PCI slots are
 * taken" (from == 0) or "no free PCI slot from slot N up". */
int slotmap_first_free(const struct slotmap *m, int from, struct err *e);
/* Number of taken slots. */
int slotmap_count(const struct slotmap *m);
/* Union of two maps. */
struct slotmap slotmap_union(struct slotmap a, struct slotmap b);

/* Ganeti's reservation string: 32 characters '1' taken / '0' free, slot 0
 * first.  out must hold 33 bytes. */
void slotmap_to_string(const struct slotmap *m, char out[SLOTMAP_NSLOTS + 1]);
/* Parse exactly 32 characters of '0'/'1'; anything else is an error and
 * leaves *m unchanged. */
int slotmap_from_string(struct slotmap *m, const char *buf, size_t len,
    struct err *e);

#endif
