/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzztree.h - what the fuzz targets ask of any bus they managed to parse
 * (fuzz_hmp, fuzz_qmp, and so their replay in check_fuzzregress): its PCI
 * tree names every bus as device ids name it, the first free place is
 * free by the same rule, and counting and reconciling the places do not
 * crash.  No Check in it: a broken rule abort()s, as libFuzzer wants.
 */
#ifndef SLOTSCOPE_FUZZTREE_H
#define SLOTSCOPE_FUZZTREE_H

#include "model/pci.h"

/* abort() when pi's tree breaks one of the rules above. */
void tu_fuzz_tree_checks(struct pci_info *pi);

#endif
