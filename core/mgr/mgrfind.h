/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgrfind.h - which manager owns each instance: detected from the layout
 * of its monitor socket, set by the config's `manager` lines (rules in
 * mgrfind.c).  Nothing is allocated; files are only stat()ed, and a
 * Proxmox VMID.conf read for its `name:`.
 */
#ifndef SLOTSCOPE_MGRFIND_H
#define SLOTSCOPE_MGRFIND_H

#include "mgr/mgrref.h"
#include "store/instsrc.h"

/* The roots: cfg's where set (may be NULL), else the defaults. */
void mgr_roots_init(struct mgr_roots *r, const struct mgr_roots *cfg);

/* The manager of the monitor at endpoint (out filled; MGR_NONE when the
 * layout is nobody's).  Returns the kind. */
int mgr_detect(const struct mgr_roots *r, const char *endpoint,
    struct mgr_ref *out);

/* Detect every instance of l (keeping refs set before with forced),
 * rename the Proxmox ones found under their VMID, then apply c's
 * `manager` lines (c may be NULL). */
void mgr_detect_list(const struct mgr_roots *r,
    const struct instsrc_config *c, struct instsrc_list *l);

#endif
