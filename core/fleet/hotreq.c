/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hotreq.c - a hotplug request: its KEY=VALUE words (nic: backend mac
 * model uuid slot bus; disk: path format uuid slot bus; the backend
 * options are hpopts.c's) and the checks of each value, the final checks,
 * and random uuids and MACs.  The flow that
 * carries a request out is hotplug.c's.  See hotplug.h.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rnd.h"
#include "fleet/hotplug.h"
#include "model/devid.h"
#include "model/imgfmt.h"
#include "model/mac.h"
#include "model/slotmap.h"

enum {
	K_BACKEND = 1, K_MAC = 2, K_MODEL = 4, K_UUID = 8, K_SLOT = 16,
	K_PATH = 32, K_FORMAT = 64, K_BUS = 128,
};

void
hotplug_req_init(struct hotplug_req *r, enum hotplug_type type)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	r->slot = -1;
	r->backend = type == HOTPLUG_NIC ? STORE_BK_USER : STORE_BK_FILE;
}

int
hotplug_parse_type(const char *word, enum hotplug_type *out, struct err *e)
{
	if (strcmp(word, "nic") == 0)
		*out = HOTPLUG_NIC;
	else if (strcmp(word, "disk") == 0)
		*out = HOTPLUG_DISK;
	else
		return err_set(e, "'%.40s' is not a device type: expected nic "
		    "or disk", word);
	return 0;
}

static int
has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int
hotplug_check_mac(const char *s, struct err *e)
{
	unsigned char m[6];

	return mac_parse(s, m, e);
}

int
hotplug_check_driver(const char *s, struct err *e)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 31 || !isalpha((unsigned char)s[0]))
		goto bad;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			goto bad;
	return 0;
bad:
	return err_set(e, "model '%.40s' is not a QEMU driver name: expected "
	    "letters, digits and '-' like virtio-net-pci or e1000", s);
}

int
hotplug_check_ifname(const char *s, struct err *e)
{
	size_t n = strlen(s), i;

	/* A leading '-' would read as an option to ip(8) and friends in the
	 * operator's own scripts; "." and ".." are not interface names. */
	if (n == 0 || n >= IFNAMSIZ || !isalnum((unsigned char)s[0]))
		goto bad;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			goto bad;
	return 0;
bad:
	return err_set(e, "tap interface '%.40s' is not valid: expected a "
	    "letter or digit, then up to %d letters, digits, '-', '_' or '.'",
	    s, IFNAMSIZ - 2);
}

int
hotplug_gen_uuid(char out[37], struct err *e)
{
	unsigned char b[16];

	if (rnd_bytes(b, sizeof b, e) < 0)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

int
hotplug_gen_mac(char out[18], struct err *e)
{
	unsigned char b[3];

	if (rnd_bytes(b, sizeof b, e) < 0)
		return -1;
	snprintf(out, 18, "52:54:00:%02x:%02x:%02x", b[0], b[1], b[2]);
	return 0;
}

static int
copy(char *dst, size_t sz, const char *src, const char *what, struct err *e)
{
	if (strlen(src) >= sz)
		return err_set(e, "%s is too long (at most %zu characters)",
		    what, sz - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* The value v of key bit (one of K_*) into r, checked. */
static int
set_value(struct hotplug_req *r, unsigned bit, const char *v, struct err *e)
{
	switch (bit) {
	case K_UUID:
		if (!devid_valid_uuid(v, strlen(v)))
			return err_set(e, "uuid '%.40s' is not a UUID: expected "
			    "8-4-4-4-12 hex digits", v);
		copy(r->uuid, sizeof r->uuid, v, "uuid", e);
		break;
	case K_SLOT:
		if (slotmap_parse_slot(v, strlen(v), &r->slot, e) < 0)
			return err_prefix(e, "slot");
		break;
	case K_BUS:
		/* a bridge's id, its place, or the root bus; which buses
		 * exist is known only once the machine is asked */
		if (strcmp(v, "0") != 0 &&
		    devid_check_qemu_id(v, strlen(v), NULL) < 0 &&
		    devid_check_bus(v, strlen(v), NULL) < 0)
			return err_set(e, "bus '%.40s' is not a bus: expected a "
			    "bridge's id (rp1), its place (5, 2.1) or pci.0",
			    v);
		if (copy(r->bus, sizeof r->bus, v, "bus", e) < 0)
			return -1;
		break;
	case K_BACKEND:
		if (strcmp(v, "user") == 0) {
			r->backend = STORE_BK_USER;
			r->tap[0] = '\0';
		} else if (strncmp(v, "tap:", 4) == 0) {
			if (hotplug_check_ifname(v + 4, e) < 0)
				return -1;
			r->backend = STORE_BK_TAP;
			copy(r->tap, sizeof r->tap, v + 4, "tap", e);
		} else
			return err_set(e, "backend '%.40s' is not known: "
			    "expected user or tap:IFNAME", v);
		break;
	case K_MAC:
		if (hotplug_check_mac(v, e) < 0)
			return -1;
		copy(r->mac, sizeof r->mac, v, "mac", e);
		break;
	case K_MODEL:
		if (hotplug_check_driver(v, e) < 0)
			return -1;
		copy(r->model, sizeof r->model, v, "model", e);
		break;
	case K_PATH:
		if (v[0] == '\0')
			return err_set(e, "path= is empty: expected a disk "
			    "image file");
		if (copy(r->path, sizeof r->path, v, "path", e) < 0)
			return -1;
		break;
	case K_FORMAT:
		if (imgfmt_check_name(v, e) < 0)
			return -1;
		copy(r->format, sizeof r->format, v, "format", e);
		break;
	}
	return 0;
}

int
hotplug_req_set(struct hotplug_req *r, const char *word, struct err *e)
{
	const char *eq = strchr(word, '=');
	const char *v;
	char key[16];
	unsigned bit;
	int nic = r->type == HOTPLUG_NIC;
	const char *keys = nic ? "backend=, mac=, model=, bridge=, create=, "
	    "vhost=, queues=, uuid=, slot=, bus=" : "path=, format=, "
	    "readonly=, cache=, aio=, discard=, serial=, force=, uuid=, slot=, "
	    "bus=";
	int rc;

	if (eq == NULL || eq == word || (size_t)(eq - word) >= sizeof key)
		return err_set(e, "'%.40s' is not KEY=VALUE: expected %s", word,
		    keys);
	memcpy(key, word, (size_t)(eq - word));
	key[eq - word] = '\0';
	v = eq + 1;
	if (has_ctl(v))
		return err_set(e, "%s: control characters are not allowed",
		    key);
	if (strcmp(key, "uuid") == 0)
		bit = K_UUID;
	else if (strcmp(key, "slot") == 0)
		bit = K_SLOT;
	else if (strcmp(key, "bus") == 0)
		bit = K_BUS;
	else if (nic && strcmp(key, "backend") == 0)
		bit = K_BACKEND;
	else if (nic && strcmp(key, "mac") == 0)
		bit = K_MAC;
	else if (nic && strcmp(key, "model") == 0)
		bit = K_MODEL;
	else if (!nic && strcmp(key, "path") == 0)
		bit = K_PATH;
	else if (!nic && strcmp(key, "format") == 0)
		bit = K_FORMAT;
	else if ((rc = hpopts_set(r, key, v, e)) != 0)
		return rc < 0 ? -1 : 0;
	else
		return err_set(e, "unknown key '%s' for a %s: expected %s", key,
		    nic ? "nic" : "disk", keys);
	if (r->given & bit)
		return err_set(e, "%s= is given twice", key);
	if (set_value(r, bit, v, e) < 0)
		return -1;
	r->given |= bit;
	return 0;
}

int
hotplug_req_check(struct hotplug_req *r, struct err *e)
{
	char abs[PATH_MAX];
	struct stat st;

	if (r->type == HOTPLUG_NIC)
		return hpopts_check_nic(r, e);
	if (r->path[0] == '\0')
		return err_set(e, "a disk needs path=FILE");
	if (realpath(r->path, abs) == NULL)
		return err_set(e, "path %.200s: %s", r->path, strerror(errno));
	if (stat(abs, &st) < 0 || !(S_ISREG(st.st_mode) ||
	    S_ISBLK(st.st_mode)))
		return err_set(e, "path %.200s is not a file or block device",
		    abs);
	if (copy(r->path, sizeof r->path, abs, "path", e) < 0)
		return -1;
	if (has_ctl(r->path))
		return err_set(e, "path %.200s: control characters are not "
		    "allowed", abs);
	return hpopts_check_disk(r, e);
}
