/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monerr.c - monitor error kinds; see monerr.h. */
#include "qemu/monerr.h"

#include <stdio.h>
#include <string.h>

static const char *const names[MONERR_NKINDS] = {
	[MONERR_NONE] = "none",
	[MONERR_OTHER] = "error",
	[MONERR_SLOT_OCCUPIED] = "slot-occupied",
	[MONERR_DUPLICATE_ID] = "duplicate-id",
	[MONERR_NOT_FOUND] = "not-found",
	[MONERR_UNPLUG_PENDING] = "unplug-pending",
	[MONERR_BUS_FULL] = "bus-full",
	[MONERR_NO_HOTPLUG] = "no-hotplug",
	[MONERR_UNKNOWN_COMMAND] = "unknown-command",
	[MONERR_INVALID_ID] = "invalid-id",
	[MONERR_BAD_ARGUMENT] = "bad-argument",
	[MONERR_BUSY] = "busy",
	[MONERR_UNREACHABLE] = "unreachable",
	[MONERR_TIMEOUT] = "timeout",
	[MONERR_PROTOCOL] = "protocol",
	[MONERR_STOPPED] = "stopped",
};

const char *
monerr_name(enum monerr_kind k)
{
	if ((unsigned)k >= MONERR_NKINDS)
		return "error";
	return names[k];
}

int
monerr_is_transport(enum monerr_kind k)
{
	return k >= MONERR_BUSY && k < MONERR_NKINDS;
}

/* Bounded substring search. */
static const char *
find(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	if (m == 0 || m > n)
		return m == 0 ? s : NULL;
	return memmem(s, n, needle, m);
}

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	return n >= m && memcmp(s, prefix, m) == 0;
}

enum monerr_kind
monerr_classify(const char *qmp_class, const char *text, size_t len)
{
	if (starts(text, len, "Error: ")) {
		text += 7;
		len -= 7;
	}
	if (qmp_class != NULL) {
		if (strcmp(qmp_class, "CommandNotFound") == 0)
			return find(text, len, "qmp_capabilities") ?
			    MONERR_PROTOCOL : MONERR_UNKNOWN_COMMAND;
		if (strcmp(qmp_class, "DeviceNotFound") == 0)
			return MONERR_NOT_FOUND;
	}
	if (starts(text, len, "unknown command:"))
		return MONERR_UNKNOWN_COMMAND;
	if (starts(text, len, "PCI: slot ") &&
	    find(text, len, " not available for "))
		return MONERR_SLOT_OCCUPIED;
	if (starts(text, len, "PCI: no slot/function available"))
		return MONERR_BUS_FULL;
	if (starts(text, len, "Duplicate device ID ") ||
	    starts(text, len, "Duplicate ID ") ||
	    starts(text, len, "Duplicate nodes with node-name="))
		return MONERR_DUPLICATE_ID;
	if (find(text, len, "is already in the process of unplug"))
		return MONERR_UNPLUG_PENDING;
	if (find(text, len, "does not support hotplugging"))
		return MONERR_NO_HOTPLUG;
	if ((starts(text, len, "Device ") && find(text, len, " not found")) ||
	    starts(text, len, "Failed to find node with node-name="))
		return MONERR_NOT_FOUND;
	if (starts(text, len, "Parameter 'id' expects an identifier"))
		return MONERR_INVALID_ID;
	return MONERR_OTHER;
}

void
monerr_printable(const char *buf, size_t len, char *out, size_t sz)
{
	size_t i, o = 0, n = len > 40 ? 40 : len;
	char t[8];

	if (sz < 16) {
		if (sz > 0)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\r' || c == '\n' || c == '\t')
			snprintf(t, sizeof t, "\\%c", c == '\r' ? 'r' :
			    c == '\n' ? 'n' : 't');
		else if (c == '"' || c == '\\')
			snprintf(t, sizeof t, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			snprintf(t, sizeof t, "\\x%02x", c);
		else
			snprintf(t, sizeof t, "%c", c);
		if (o + strlen(t) + 5 >= sz)
			break;
		memcpy(out + o, t, strlen(t));
		o += strlen(t);
	}
	out[o++] = '"';
	if (i < len && o + 4 < sz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}
