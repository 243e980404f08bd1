/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ganeti.c - Ganeti's KVM runtime file, read (never written).
 *
 * Ganeti keeps one runtime file per running instance,
 * ROOT/runtime/NAME beside ROOT/ctrl/ (ROOT = /var/run/ganeti/
 * kvm-hypervisor).  It is a JSON list: the kvm command (strings, some
 * numbers), the NICs (objects), the hypervisor parameters (an object) and
 * the disks ([disk object, link path, uri] each).  Two ways of recording
 * where a NIC or disk sits on the PCI bus (tests/fixtures/managers/
 * README.md has the details in our words):
 *   2.10-2.15  "pci": N; the device was given the qdev id
 *              hotTYPE-<first uuid group>-pci-N (hotnic-..., hotdisk-...:
 *              those releases' hotplug target names were "hotnic" and
 *              "hotdisk", and the id is the target name, the uuid's
 *              first group, "pci" and the slot)
 *   2.16+      "hvinfo": {driver, id, bus, addr}, id TYPE-<first three
 *              uuid groups>, addr a hex string ("0xc"); a bus other than
 *              pci.0 (scsi.0) is not on the PCI bus.  2.16 upgrades an
 *              old entry on load to hvinfo with the old id kept
 *              (hotTYPE-...-pci-N), which is what QEMU still has
 * Reservations: the first kvm_pci_reservations slots (a hvparam since
 * 2.16, default 12); before 2.16 a fixed map of slots 0-2.  Devices the
 * kvm command itself places (-device X,id=..,bus=pci.0,addr=0xN, -balloon
 * virtio,id=..) are Ganeti's too.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/strcopy.h"
#include "mgr/mgr.h"

#define GNT_DEFAULT_RES_216 12	/* QEMU_DEFAULT_PCI_RESERVATIONS */
#define GNT_DEFAULT_RES_210 3	/* "111000..." before 2.16 */

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "0xc" or "12" -> 12; -1 when not a slot. */
static int
parse_addr(const char *a)
{
	char *end;
	long v;

	if (a == NULL || *a == '\0')
		return -1;
	v = strtol(a, &end, 0);
	/* "0x3.0x1" (slot.function) keeps its slot */
	if (end == a || (*end != '\0' && *end != '.') || v < 0 || v > 31)
		return -1;
	return (int)v;
}

/* The first n dash-separated groups of uuid. */
static void
uuid_groups(const char *uuid, int n, char *out, size_t sz)
{
	size_t k = 0;

	while (uuid[k] != '\0' && k + 1 < sz) {
		if (uuid[k] == '-' && --n == 0)
			break;
		k++;
	}
	snprintf(out, sz, "%.*s", (int)k, uuid);
}

/* One NIC or disk object (dev: the dict). */
static int
one_dev(struct mgr_info *mi, json_t *dev, const char *type, int index,
    const char *link, int *old, struct err *e)
{
	struct mgr_dev *d;
	json_t *hv = json_object_get(dev, "hvinfo");
	json_t *pci = json_object_get(dev, "pci");
	char g[40];

	if (!json_is_object(dev))
		return err_set(e, "Ganeti runtime file: %s %d is not an object",
		    type, index);
	if (mi->ndev == MGR_MAX_DEV)
		return err_set(e, "Ganeti runtime file: more than %d devices",
		    MGR_MAX_DEV);
	d = &mi->dev[mi->ndev];
	memset(d, 0, sizeof *d);
	d->slot = -1;
	snprintf(d->key, sizeof d->key, "%s/%d", type, index);
	strcopy(d->type, sizeof d->type, type);
	strcopy(d->uuid, sizeof d->uuid, str(dev, "uuid"));
	strcopy(d->name, sizeof d->name, str(dev, "name"));
	strcopy(d->mac, sizeof d->mac, str(dev, "mac"));
	if (strcmp(type, "nic") == 0)
		strcopy(d->where, sizeof d->where,
		    str(json_object_get(dev, "nicparams"), "link"));
	else
		strcopy(d->where, sizeof d->where, link);
	if (json_is_object(hv)) {
		const char *bus = str(hv, "bus");

		strcopy(d->id, sizeof d->id, str(hv, "id"));
		strcopy(d->driver, sizeof d->driver, str(hv, "driver"));
		if (bus != NULL && strcmp(bus, "pci.0") == 0)
			d->slot = parse_addr(str(hv, "addr"));
	} else if (json_is_integer(pci)) {
		json_int_t n = json_integer_value(pci);

		if (n < 0 || n > 31)
			return err_set(e, "Ganeti runtime file: %s %d has pci "
			    "%lld, not a slot 0-31", type, index,
			    (long long)n);
		*old = 1;
		d->slot = (int)n;
		uuid_groups(d->uuid, 1, g, sizeof g);
		snprintf(d->id, sizeof d->id, "hot%s-%s-pci-%d", type, g,
		    d->slot);
		strcopy(d->driver, sizeof d->driver, strcmp(type, "nic") == 0 ?
		    "virtio-net-pci" : "virtio-blk-pci");
	} else if (d->uuid[0] == '\0')
		return 0;	/* neither: QEMU placed it, no id to match */
	if (d->id[0] == '\0' && d->uuid[0] != '\0') {
		/* a 2.16 entry without hvinfo: the id Ganeti gives it */
		uuid_groups(d->uuid, 3, g, sizeof g);
		snprintf(d->id, sizeof d->id, "%s-%s", type, g);
	}
	mi->ndev++;
	return 0;
}

/* The value after option opt, or NULL. */
static const char *
arg_after(json_t *cmd, size_t i)
{
	return json_string_value(json_array_get(cmd, i + 1));
}

/* id=, bus=, addr= of a -device / -balloon value. */
static void
cmd_device(struct mgr_info *mi, const char *val, int balloon)
{
	char buf[512], *save = NULL, *tok, *drv = NULL;
	char id[64] = "", bus[32] = "";
	int slot = -1;
	struct mgr_dev *d;

	snprintf(buf, sizeof buf, "%s", val);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (drv == NULL) {
			drv = tok;
			continue;
		}
		if (strncmp(tok, "id=", 3) == 0)
			strcopy(id, sizeof id, tok + 3);
		else if (strncmp(tok, "bus=", 4) == 0)
			strcopy(bus, sizeof bus, tok + 4);
		else if (strncmp(tok, "addr=", 5) == 0)
			slot = parse_addr(tok + 5);
	}
	if (id[0] == '\0' || mi->ndev == MGR_MAX_DEV ||
	    (bus[0] != '\0' && strcmp(bus, "pci.0") != 0))
		return;
	d = &mi->dev[mi->ndev++];
	memset(d, 0, sizeof *d);
	d->slot = slot;
	strcopy(d->id, sizeof d->id, id);
	strcopy(d->type, sizeof d->type, "other");
	strcopy(d->driver, sizeof d->driver, balloon ? "virtio-balloon" :
	    drv ? drv : "");
	strcopy(d->key, sizeof d->key, d->driver);
}

/* The kvm command: its text, machine, and the devices it places. */
static int
kvm_cmd(struct mgr_info *mi, json_t *cmd, struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	for (i = 0; i < json_array_size(cmd); i++) {
		json_t *w = json_array_get(cmd, i);
		const char *s = json_string_value(w), *v;

		if (json_is_integer(w))
			strbuf_printf(&b, "%s%lld", i ? " " : "",
			    (long long)json_integer_value(w));
		else if (s != NULL)
			strbuf_printf(&b, "%s%s", i ? " " : "", s);
		else {
			strbuf_free(&b);
			return err_set(e, "Ganeti runtime file: kvm command "
			    "word %zu is neither text nor a number", i);
		}
		if (s == NULL || (v = arg_after(cmd, i)) == NULL)
			continue;
		if (strcmp(s, "-machine") == 0 || strcmp(s, "-M") == 0)
			snprintf(mi->machine, sizeof mi->machine, "%.*s",
			    (int)strcspn(v, ","), v);
		else if (strcmp(s, "-device") == 0)
			cmd_device(mi, v, 0);
		else if (strcmp(s, "-balloon") == 0)
			cmd_device(mi, v, 1);
	}
	mi->cmdline = strbuf_take(&b);
	if (mi->cmdline == NULL)
		return err_set(e, "out of memory");
	return 0;
}

static int
reservations(struct mgr_info *mi, json_t *hvp, int old)
{
	json_t *r = json_object_get(hvp, "kvm_pci_reservations");
	int n = old ? GNT_DEFAULT_RES_210 : GNT_DEFAULT_RES_216, s;

	if (json_is_integer(r) && json_integer_value(r) >= 0 &&
	    json_integer_value(r) <= 32)
		n = (int)json_integer_value(r);
	mi->npci_reservations = n;
	for (s = 0; s < n; s++) {
		mi->reserved |= (uint32_t)1 << s;
		strcopy(mi->reserved_for[s], sizeof mi->reserved_for[s],
		    "kvm_pci_reservations");
	}
	if (mi->machine[0] == '\0')
		strcopy(mi->machine, sizeof mi->machine,
		    str(hvp, "machine_version"));
	return 0;
}

int
mgr_ganeti_parse(const char *buf, size_t len, struct mgr_info *mi,
    struct err *e)
{
	json_error_t je;
	json_t *top, *nics, *hvp, *disks;
	size_t i;
	int old = 0, rc = -1;

	mgr_info_init(mi, MGR_GANETI);
	top = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (top == NULL)
		return err_set(e, "Ganeti runtime file is not JSON (line %d: "
		    "%s)", je.line, je.text);
	nics = json_array_get(top, 1);
	hvp = json_array_get(top, 2);
	disks = json_array_get(top, 3);
	if (!json_is_array(top) || json_array_size(top) < 3 ||
	    !json_is_array(json_array_get(top, 0)) || !json_is_array(nics) ||
	    !json_is_object(hvp) || (disks != NULL && !json_is_array(disks))) {
		err_set(e, "Ganeti runtime file is not [kvm command, NICs, "
		    "hvparams, disks]");
		goto out;
	}
	if (kvm_cmd(mi, json_array_get(top, 0), e) < 0)
		goto out;
	for (i = 0; i < json_array_size(nics); i++)
		if (one_dev(mi, json_array_get(nics, i), "nic", (int)i, NULL,
		    &old, e) < 0)
			goto out;
	for (i = 0; i < json_array_size(disks); i++) {
		json_t *ent = json_array_get(disks, i);

		if (!json_is_array(ent) || json_array_size(ent) < 1) {
			err_set(e, "Ganeti runtime file: disk %zu is not "
			    "[disk, link, uri]", i);
			goto out;
		}
		if (one_dev(mi, json_array_get(ent, 0), "disk", (int)i,
		    json_string_value(json_array_get(ent, 1)), &old, e) < 0)
			goto out;
	}
	reservations(mi, hvp, old);
	snprintf(mi->format, sizeof mi->format, "%s", old ? "ganeti-2.10" :
	    "ganeti-2.16");
	rc = 0;
out:
	json_decref(top);
	return rc;
}
