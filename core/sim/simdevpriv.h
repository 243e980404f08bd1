/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simdevpriv.h - what the files of the machine model share (simdev.c,
 * simdevadd.c, simdevback.c, simdevqom.c) and nobody else needs: the
 * error setter and the lookups in a struct simdev_machine.
 */
#ifndef SLOTSCOPE_SIMDEVPRIV_H
#define SLOTSCOPE_SIMDEVPRIV_H

#include "sim/simdev.h"

/* Fill e (may be NULL) with cls and the text; returns -1. */
int simdev_eset(struct simdev_err *e, enum simdev_ecls cls,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The function at slot.func of the root bus, or NULL. */
struct simdev_fn *simdev_at(struct simdev_machine *m, int slot, int func);
/* The same on the bus behind bridge `bus` (NULL = the root bus). */
struct simdev_fn *simdev_at_bus(struct simdev_machine *m, const char *bus,
    int slot, int func);
struct simdev_netdev *simdev_find_net(struct simdev_machine *m,
    const char *id);
/* A drive id or node name. */
struct simdev_drive *simdev_find_drv(struct simdev_machine *m,
    const char *id);

/* Append a copy of *f (its strings now belong to the machine); 0 or -1. */
int simdev_push_fn(struct simdev_machine *m, const struct simdev_fn *f);
/* Free the strings of a function. */
void simdev_fn_free(struct simdev_fn *f);

#endif
