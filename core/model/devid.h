/* SPDX-License-Identifier: GPL-3.0-or-later */
/* devid.h - Ganeti-style device ids and the id/uuid rules QEMU enforces.
 *
 * An id is `<type>-<first block of uuid>-pci-<slot>`, e.g.
 * `nic-6f1a2b3c-pci-5`: the type lower-cased, the uuid's first 8 hex digits
 * as given, the slot in decimal.  The slot is in the id so that the id can be
 * rebuilt for removal from the runtime file alone.
 *
 * A device behind a bridge carries its bus too:
 * `<type>-<uuid8>-pci-<bus>-<slot>`, where the bus is the bridge's place
 * seen from the root bus: its slot, `.F` when its function F is not 0, and
 * for a bridge behind a bridge the outer one first, joined by '-':
 * `nic-6f1a2b3c-pci-5-3` (slot 3 behind the bridge at root slot 5),
 * `nic-6f1a2b3c-pci-2.1-0` (the root port at 2.1).  Bus numbers are not
 * used: firmware assigns them, and a paused machine has none.  Root-bus ids
 * are unchanged.  Every part has one spelling (no leading zeros, no ".0"),
 * so an id names one place.
 */
#ifndef SLOTSCOPE_DEVID_H
#define SLOTSCOPE_DEVID_H

#include <stddef.h>

#include "base/err.h"

#define DEVID_MAX 30		/* longest id slotscope generates */
#define DEVID_TYPE_MAX 14	/* DEVID_MAX - strlen("-12345678-pci-31") */
#define DEVID_NO_SLOT (-1)	/* a device that has not been given a slot */
#define QEMU_ID_MAX 127		/* longest id slotscope will send to QEMU */
#define DEVID_BUS_DEPTH 3	/* bridges behind bridges an id can name */
#define DEVID_BUS_MAX 24	/* a bus text with its NUL: "31.7-31.7-31.7" */

struct devid {
	char type[DEVID_TYPE_MAX + 1];	/* lower case letters */
	char uuid8[9];			/* first block of the uuid */
	int slot;			/* 0..31 */
	char bus[DEVID_BUS_MAX];	/* "" = the root bus, or "5", "2.1-0" */
};

/* 1 if (buf, len) is a canonical 8-4-4-4-12 hex uuid, else 0. */
int devid_valid_uuid(const char *buf, size_t len);

/* QEMU's id rule: starts with a letter, then letters, digits, '-', '.', '_';
 * at most QEMU_ID_MAX characters.  What refuses says why. */
int devid_check_qemu_id(const char *buf, size_t len, struct err *e);

/* A device type: 1..DEVID_TYPE_MAX ASCII letters (any case). */
int devid_check_type(const char *buf, size_t len, struct err *e);

/* Write the id of a device of type with uuid at slot into out (at least
 * DEVID_MAX + 1 bytes).  slot DEVID_NO_SLOT is refused: a device without a
 * slot cannot be hotplugged. */
int devid_format(const char *type, const char *uuid, int slot, char *out,
    size_t outsz, struct err *e);

/* The same for a device on bus `bus` ("" or NULL = the root bus, as
 * devid_format; else a bus text as devid_check_bus takes).  An id longer
 * than DEVID_MAX is refused. */
int devid_format_at(const char *type, const char *uuid, const char *bus,
    int slot, char *out, size_t outsz, struct err *e);

/* A bus text: 1..DEVID_BUS_DEPTH parts "S" or "S.F" (S 0..31, F 1..7)
 * joined by '-', one spelling each. */
int devid_check_bus(const char *buf, size_t len, struct err *e);

/* Parse an id of exactly the form devid_format / devid_format_at write. */
int devid_parse(const char *buf, size_t len, struct devid *out,
    struct err *e);

#endif
