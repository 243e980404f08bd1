/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fixparse.h - the recorded QEMU replies of tests/fixtures read through
 * slotscope's own parsers, for the parser suites (HMP, QMP, QEMU 10.0,
 * the PCI tree): an HMP transcript cleaned, a bus from either protocol, a
 * QMP message, and two buses compared function by function.  Every step
 * is a check: a fixture that is missing or does not parse fails the test
 * with its name.
 */
#ifndef SLOTSCOPE_FIXPARSE_H
#define SLOTSCOPE_FIXPARSE_H

#include <stddef.h>

#include "model/pci.h"
#include "qemu/qmp.h"

/* The .raw HMP transcript tests/fixtures/REL as hmp_reply_clean leaves
 * it, in a malloc'd buffer of *n bytes (NUL-terminated); free() it. */
char *fixparse_hmp_clean(const char *rel, size_t *n);
/* info pci of the .raw transcript REL into pi (pci_info_init'd here). */
void fixparse_hmp_pci(const char *rel, struct pci_info *pi);
/* The one-line QMP message REL into m; qmp_msg_free(m) after. */
void fixparse_qmp_msg(const char *rel, struct qmp_msg *m);
/* query-pci's return of REL into pi (pci_info_init'd here). */
void fixparse_qmp_pci(const char *rel, struct pci_info *pi);
/* a and b hold the same functions in the same order (bus, slot,
 * function, ids, class text, qdev id); what names the pair. */
void fixparse_same_bus(const struct pci_info *a, const struct pci_info *b,
    const char *what);

#endif
