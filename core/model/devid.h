/* devid.h - Ganeti-style device ids and the id/uuid rules QEMU enforces.
 *
 * An id is `<type>-<first block of uuid>-pci-<slot>`, e.g.
 * `nic-6f1a2b3c-pci-5`: the type lower-cased, the uuid's first 8 hex digits
 * as given, the slot in decimal.  The slot is in the id so that the id can be
 * rebuilt for removal from the runtime file alone.
 */
#ifndef SLOTSCOPE_DEVID_H
#define SLOTSCOPE_DEVID_H

#include <stddef.h>

#include "base/err.h"

#define DEVID_MAX 30		/* longest id slotscope generates */
#define DEVID_TYPE_MAX 14	/* DEVID_MAX - strlen("-12345678-pci-31") */
#define DEVID_NO_SLOT (-1)	/* a device that has not been given a slot */
#define QEMU_ID_MAX 127		/* longest id slotscope will send to QEMU */

struct devid {
	char type[DEVID_TYPE_MAX + 1];	/* lower case letters */
	char uuid8[9];			/* first block of the uuid */
	int slot;			/* 0..31 */
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

/* Parse an id of exactly the form devid_format writes. */
int devid_parse(const char *buf, size_t len, struct devid *out,
    struct err *e);

#endif
