/* SPDX-License-Identifier: GPL-3.0-or-later */
/* devid.c - device ids; see devid.h. */
#include "model/devid.h"

#include <stdio.h>
#include <string.h>

#include "model/slotmap.h"

static int
ishex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
isalpha_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
isdigit_ascii(char c)
{
	return c >= '0' && c <= '9';
}

/* Show at most 40 bytes of untrusted input in a message, and only printable
 * ones, so that an error line stays one line. */
static const char *
shown(const char *buf, size_t len, char out[48])
{
	size_t i, n = len > 40 ? 40 : len;

	for (i = 0; i < n; i++)
		out[i] = (buf[i] >= 0x20 && buf[i] < 0x7f) ? buf[i] : '?';
	if (len > n) {
		out[n++] = '.';
		out[n++] = '.';
		out[n++] = '.';
	}
	out[n] = '\0';
	return out;
}

int
devid_valid_uuid(const char *buf, size_t len)
{
	static const size_t dash[] = { 8, 13, 18, 23 };
	size_t i, d = 0;

	if (len != 36)
		return 0;
	for (i = 0; i < len; i++) {
		if (d < 4 && i == dash[d]) {
			if (buf[i] != '-')
				return 0;
			d++;
		} else if (!ishex(buf[i])) {
			return 0;
		}
	}
	return 1;
}

int
devid_check_qemu_id(const char *buf, size_t len, struct err *e)
{
	char s[48];
	size_t i;

	if (len == 0)
		return err_set(e, "an empty device id is not allowed");
	if (len > QEMU_ID_MAX)
		return err_set(e, "device id '%s' is too long (%zu characters, "
		    "at most %d)", shown(buf, len, s), len, QEMU_ID_MAX);
	if (!isalpha_ascii(buf[0]))
		return err_set(e, "device id '%s' must start with a letter",
		    shown(buf, len, s));
	for (i = 1; i < len; i++) {
		char c = buf[i];

		if (!isalpha_ascii(c) && !isdigit_ascii(c) && c != '-' &&
		    c != '.' && c != '_')
			return err_set(e, "device id '%s' may contain only "
			    "letters, digits, '-', '.' and '_'",
			    shown(buf, len, s));
	}
	return 0;
}

int
devid_check_type(const char *buf, size_t len, struct err *e)
{
	char s[48];
	size_t i;

	if (len == 0)
		return err_set(e, "missing device type: give a word of letters "
		    "such as nic or disk");
	if (len > DEVID_TYPE_MAX)
		return err_set(e, "device type '%s' is too long (at most %d "
		    "letters)", shown(buf, len, s), DEVID_TYPE_MAX);
	for (i = 0; i < len; i++)
		if (!isalpha_ascii(buf[i]))
			return err_set(e, "device type '%s' must be letters "
			    "only, such as nic or disk", shown(buf, len, s));
	return 0;
}

int
devid_format(const char *type, const char *uuid, int slot, char *out,
    size_t outsz, struct err *e)
{
	char lower[DEVID_TYPE_MAX + 1], s[48];
	size_t tlen = strlen(type), ulen = strlen(uuid), i;
	int n;

	if (devid_check_type(type, tlen, e) == -1)
		return -1;
	for (i = 0; i < tlen; i++)
		lower[i] = (char)(type[i] | 0x20);
	lower[tlen] = '\0';
	if (!devid_valid_uuid(uuid, ulen))
		return err_set(e, "'%s' is not a UUID (expected 8-4-4-4-12 hex "
		    "digits)", shown(uuid, ulen, s));
	if (slot == DEVID_NO_SLOT)
		return err_set(e, "Hotplug is not supported for %s with UUID "
		    "%.36s: it has no PCI slot", lower, uuid);
	if (slotmap_check_slot(slot, e) == -1)
		return -1;
	n = snprintf(out, outsz, "%s-%.8s-pci-%d", lower, uuid, slot);
	if (n < 0 || (size_t)n >= outsz)
		return err_set(e, "no room for the device id (%d bytes needed)",
		    n + 1);
	return 0;
}

int
devid_format_at(const char *type, const char *uuid, const char *bus,
    int slot, char *out, size_t outsz, struct err *e)
{
	char id[QEMU_ID_MAX + 1];
	size_t n;

	if (bus == NULL || *bus == '\0')
		return devid_format(type, uuid, slot, out, outsz, e);
	if (devid_check_bus(bus, strlen(bus), e) < 0)
		return -1;
	if (devid_format(type, uuid, slot, id, sizeof id, e) < 0)
		return -1;
	/* id ends in "-pci-SLOT": put the bus before the slot */
	n = strlen(id) - strlen(strrchr(id, '-'));
	if (n + 1 + strlen(bus) + strlen(id + n) > DEVID_MAX)
		return err_set(e, "the id of a %s behind bus %s would be longer "
		    "than %d characters: use a shorter type", type, bus,
		    DEVID_MAX);
	if (snprintf(out, outsz, "%.*s-%s%s", (int)n, id, bus, id + n) >=
	    (int)outsz)
		return err_set(e, "no room for the device id");
	return 0;
}

/* One decimal 0..max with one spelling (no leading zero); its length, or
 * 0. */
static size_t
small_num(const char *s, size_t n, int max, int *out)
{
	size_t i = 0;
	int v = 0;

	while (i < n && i < 3 && isdigit_ascii(s[i]))
		v = v * 10 + (s[i++] - '0');
	if (i == 0 || (i > 1 && s[0] == '0') || v > max)
		return 0;
	*out = v;
	return i;
}

int
devid_check_bus(const char *buf, size_t len, struct err *e)
{
	size_t i = 0, k;
	int parts = 0, v;
	char s[48];

	while (i < len) {
		if ((k = small_num(buf + i, len - i, 31, &v)) == 0)
			goto bad;
		i += k;
		if (i < len && buf[i] == '.') {
			i++;
			if ((k = small_num(buf + i, len - i, 7, &v)) == 0 ||
			    v == 0)
				goto bad;
			i += k;
		}
		if (++parts > DEVID_BUS_DEPTH)
			goto bad;
		if (i < len && (buf[i] != '-' || i + 1 == len))
			goto bad;
		i += i < len;
	}
	if (parts == 0 || len >= DEVID_BUS_MAX)
		goto bad;
	return 0;
bad:
	return err_set(e, "'%s' is not a bus: expected the bridge's slot "
	    "(5), slot.function (2.1), or bridges joined by '-' (2.1-0)",
	    shown(buf, len, s));
}

int
devid_parse(const char *buf, size_t len, struct devid *out, struct err *e)
{
	struct devid d;
	char s[48];
	size_t i, t;

	if (len > DEVID_MAX)
		goto bad;
	for (t = 0; t < len && isalpha_ascii(buf[t]); t++)
		if (buf[t] < 'a')	/* ids carry lower-case types */
			goto bad;
	if (t == 0 || t > DEVID_TYPE_MAX || t >= len || buf[t] != '-')
		goto bad;
	/* after "type-": 8 hex, "-pci-", 1 or 2 digits */
	if (len - t - 1 < 8 + 5 + 1)
		goto bad;
	for (i = t + 1; i < t + 9; i++)
		if (!ishex(buf[i]))
			goto bad;
	if (memcmp(buf + t + 9, "-pci-", 5) != 0)
		goto bad;
	i = t + 14;
	d.bus[0] = '\0';
	{
		const char *dash = memrchr(buf + i, '-', len - i);
		size_t bl = dash ? (size_t)(dash - (buf + i)) : 0;

		if (dash != NULL) {
			if (devid_check_bus(buf + i, bl, NULL) < 0)
				goto bad;
			memcpy(d.bus, buf + i, bl);
			d.bus[bl] = '\0';
			i += bl + 1;
		}
	}
	if (i >= len || (len - i > 1 && buf[i] == '0') ||
	    slotmap_parse_slot(buf + i, len - i, &d.slot, NULL) == -1)
		goto bad;
	memcpy(d.type, buf, t);
	d.type[t] = '\0';
	memcpy(d.uuid8, buf + t + 1, 8);
	d.uuid8[8] = '\0';
	*out = d;
	return 0;
bad:
	return err_set(e, "'%s' is not a slotscope device id (expected "
	    "TYPE-UUID8-pci-SLOT or TYPE-UUID8-pci-BUS-SLOT, e.g. "
	    "nic-6f1a2b3c-pci-5 or nic-6f1a2b3c-pci-2.1-0)",
	    shown(buf, len, s));
}
