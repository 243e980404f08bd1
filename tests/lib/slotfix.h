/* SPDX-License-Identifier: GPL-3.0-or-later */
/* slotfix.h - the set-up and the comparison the suites of the end of a
 * refresh share (check_statefast, check_fleetend, check_pcitree): a
 * recorded bus of tests/fixtures read by the parser of its protocol
 * (chosen by its name), and two packed buses (model/slotpack.h) checked
 * to be the same, slot for slot and hash for hash.  Every step is a
 * check: a fixture that does not parse, or packs that differ, fail the
 * test with the names given.
 */
#ifndef SLOTSCOPE_SLOTFIX_H
#define SLOTSCOPE_SLOTFIX_H

#include "model/pci.h"
#include "model/slotpack.h"
#include "model/state.h"

/* The bus of fixture REL into pi (pci_info_init'd here; pci_info_free
 * it): a .json is query-pci's return, anything else info pci's .raw
 * transcript. */
void tu_fixture_bus(const char *rel, struct pci_info *pi);

/* Views a and b of slot s the same (state, id, then every byte); what
 * names them. */
void tu_same_views(const struct slot_view *a, const struct slot_view *b,
    const char *what, int s);

/* Packs a and b the same: their small fields, each slot's view
 * (tu_same_views) and their hash. */
void tu_same_packs(const struct slotpack *a, const struct slotpack *b,
    const char *what);

#endif
