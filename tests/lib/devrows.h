/* SPDX-License-Identifier: GPL-3.0-or-later */
/* devrows.h - the runtime devices a suite records and the rows
 * `list --devices` makes of them, as the suites of the command language
 * (check_cmd, check_state), of batch mode and of hotplug against a real
 * QEMU (check_batch, check_hotplug) look at them: one device made and
 * added to an instance's runtime file, the devices recorded found live
 * in their slots, one device of the JSON found by its id or its root-bus
 * slot, and the line of the text that holds a word.  Every step is a
 * check: a file that will not open or take the device, a device or a
 * line not there, fails the test.
 */
#ifndef SLOTSCOPE_DEVROWS_H
#define SLOTSCOPE_DEVROWS_H

#include <jansson.h>
#include <stdint.h>

#include "model/pci.h"

#include "store/store.h"

/* d zeroed and filled with id, its type (the id's first word: "nic"),
 * uuid (NULL: the id's block of 8 as the first of a made-up one), bus
 * ("": the root bus), slot and state. */
void tu_rt_dev(struct store_dev *d, const char *id, const char *uuid,
    const char *bus, int slot, enum store_dev_state st);

/* d added to the runtime file of instance inst in dir, under its lock,
 * and committed. */
void tu_rt_add(const char *dir, const char *inst, const struct store_dev *d);

/* Every device rt records live on pi in the slot it records, no two in
 * one slot; returns the mask of their slots. */
uint32_t tu_rt_all_live(const struct store_rt *rt, const struct pci_info *pi);

/* The device of list --devices' JSON j whose id is id, or, id NULL, the
 * one in root-bus slot `slot` (borrowed from j). */
json_t *tu_list_dev(json_t *j, const char *id, int slot);

/* The line of text that holds needle, cut at its end (a static copy,
 * good until the next call). */
const char *tu_line_of(const char *text, const char *needle);

#endif
