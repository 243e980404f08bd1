/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monerr.h - kinds of monitor failure a caller can act on, for HMP and QMP
 * alike, recognised from QEMU's own text (which callers keep and show).
 *
 * QEMU 7.2 texts (learnt from the real program; tests/fixtures):
 *   slot occupied   "PCI: slot 5 function 0 not available for ..., in use by ..."
 *   duplicate id    "Duplicate device ID 'x'", "Duplicate ID 'x' for drive",
 *                   "Duplicate ID 'x'" (netdev), "Duplicate nodes with node-name='x'"
 *   not found       "Device 'x' not found" (QMP class DeviceNotFound),
 *                   "Failed to find node with node-name='x'"
 *   unplug pending  "Device x is already in the process of unplug"
 *   bus full        "PCI: no slot/function available for ..., all in use or reserved"
 *   no hotplug      "Bus 'pcie.0' does not support hotplugging" (q35)
 *   unknown command HMP "unknown command: 'x'", QMP class CommandNotFound
 *   invalid id      "Parameter 'id' expects an identifier"
 * QEMU 10.0 words all of them alike, except that QMP's device_add no longer
 * checks ids (no invalid-id over QMP); an auto-placed device_add after
 * slot 31 was taken reads "PCI: slot 31 function 0 already occupied by
 * ..., new func ... cannot be exposed to guest." (other).
 * Pure functions; no state.
 */
#ifndef SLOTSCOPE_MONERR_H
#define SLOTSCOPE_MONERR_H

#include <stddef.h>

enum monerr_kind {
	MONERR_NONE = 0,	/* no error */
	/* QEMU refused a command */
	MONERR_OTHER,		/* any other refusal: read the text */
	MONERR_SLOT_OCCUPIED,
	MONERR_DUPLICATE_ID,
	MONERR_NOT_FOUND,	/* device (or other object) not found */
	MONERR_UNPLUG_PENDING,
	MONERR_BUS_FULL,
	MONERR_NO_HOTPLUG,	/* the bus does not support hotplug */
	MONERR_UNKNOWN_COMMAND,
	MONERR_INVALID_ID,
	/* refused by slotscope before anything was sent */
	MONERR_BAD_ARGUMENT,
	/* transport */
	MONERR_BUSY,		/* connected, no banner/greeting in time */
	MONERR_UNREACHABLE,	/* connect failed, or the peer went away */
	MONERR_TIMEOUT,		/* an operation's deadline passed */
	MONERR_PROTOCOL,	/* the peer sent something that is no monitor */
	MONERR_STOPPED,		/* QEMU's process is stopped (SIGSTOP) */
	MONERR_NKINDS
};

/* "slot-occupied", "busy", ...: stable names for JSON and logs. */
const char *monerr_name(enum monerr_kind k);

/* 1 for the transport kinds (busy .. stopped). */
int monerr_is_transport(enum monerr_kind k);

/* Classify QEMU's error text (len bytes, with or without HMP's "Error: "
 * prefix).  qmp_class is QMP's error class or NULL (HMP).  Never returns
 * MONERR_NONE. */
enum monerr_kind monerr_classify(const char *qmp_class, const char *text,
    size_t len);

/* What a peer sent (len bytes) as printable text for a message: at most
 * 40 bytes, in double quotes, C escapes for \r \n \t \" \\ and \xNN for
 * other bytes, "..." after when cut.  out gets at most sz bytes. */
void monerr_printable(const char *buf, size_t len, char *out, size_t sz);

#endif
