/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgrcmd.c - what to run instead: the manager's own command for a change
 * slotscope refuses on a managed instance (mgr.h, mgr_refusal).
 *
 * Ganeti: gnt-instance modify --hotplug --net add:... / --disk add:... /
 * --net UUID:remove, and -H kvm_pci_reservations=N for the reserved
 * prefix.  Proxmox: qm set VMID --netN ... / --virtioN ... / --delete KEY;
 * its addresses are fixed per key, so there is nothing to reserve.
 * Values come from hotplug's KEY=VALUE words; a value that is not plain
 * (letters, digits, ._:/-) is left out rather than quoted into a shell
 * line the user may paste.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr/mgr.h"

/* The value of KEY= among kv, if plain; NULL otherwise. */
static const char *
kval(const char *const *kv, size_t nkv, const char *key)
{
	size_t k, n = strlen(key), i;

	for (k = 0; k < nkv; k++) {
		const char *v = kv[k] + n + 1;

		if (strncmp(kv[k], key, n) != 0 || kv[k][n] != '=')
			continue;
		for (i = 0; v[i] != '\0'; i++)
			if (!isalnum((unsigned char)v[i]) &&
			    strchr("._:/-", v[i]) == NULL)
				return NULL;
		return v[0] ? v : NULL;
	}
	return NULL;
}

/* The manager's device named by an id or a slot number. */
static const struct mgr_dev *
target(const struct mgr_info *mi, const char *arg)
{
	const struct mgr_dev *d = mgr_find_id(mi, arg);
	char *end;
	long s;
	size_t k;

	if (d != NULL || arg == NULL || !isdigit((unsigned char)arg[0]))
		return d;
	s = strtol(arg, &end, 10);
	for (k = 0; *end == '\0' && k < mi->ndev; k++)
		if (mi->dev[k].slot == s)
			return &mi->dev[k];
	return NULL;
}

static void
ganeti(const struct mgr_info *mi, const char *inst, enum mgr_action act,
    const char *arg, const char *const *kv, size_t nkv, char *out,
    size_t sz)
{
	const char *mac = kval(kv, nkv, "mac");
	const char *link = kval(kv, nkv, "bridge");
	const struct mgr_dev *d;
	int slot = arg ? atoi(arg) : 0;

	switch (act) {
	case MGR_ACT_HOTPLUG:
		if (arg != NULL && strcmp(arg, "disk") == 0) {
			snprintf(out, sz, "gnt-instance modify --hotplug --disk "
			    "add:size=SIZE %s", inst);
			return;
		}
		snprintf(out, sz, "gnt-instance modify --hotplug --net add%s%s"
		    "%s%s%s%s %s", mac || link ? ":" : "", mac ? "mac=" : "",
		    mac ? mac : "", mac && link ? "," : "", link ? "link=" : "",
		    link ? link : "", inst);
		return;
	case MGR_ACT_UNPLUG:
		d = target(mi, arg);
		if (d == NULL || d->uuid[0] == '\0' ||
		    (strcmp(d->type, "nic") != 0 &&
		    strcmp(d->type, "disk") != 0)) {
			out[0] = '\0';
			return;
		}
		snprintf(out, sz, "gnt-instance modify --hotplug --%s %s:remove "
		    "%s", strcmp(d->type, "nic") == 0 ? "net" : "disk", d->uuid,
		    inst);
		return;
	case MGR_ACT_RESERVE:
		snprintf(out, sz, "gnt-instance modify -H kvm_pci_reservations="
		    "%d %s", slot + 1 > mi->npci_reservations ? slot + 1 :
		    mi->npci_reservations, inst);
		return;
	case MGR_ACT_FREE:
		snprintf(out, sz, "gnt-instance modify -H kvm_pci_reservations="
		    "%d %s", slot < mi->npci_reservations ? slot :
		    mi->npci_reservations, inst);
		return;
	}
}

/* The lowest PREFIXn the config does not have. */
static int
free_key(const struct mgr_info *mi, const char *prefix, int max)
{
	char key[24];
	int n;
	size_t k;

	for (n = 0; n <= max; n++) {
		snprintf(key, sizeof key, "%s%d", prefix, n);
		for (k = 0; k < mi->ndev; k++)
			if (strcmp(mi->dev[k].key, key) == 0)
				break;
		if (k == mi->ndev)
			return n;
	}
	return max;
}

static void
proxmox(const struct mgr_info *mi, enum mgr_action act, const char *arg,
    const char *const *kv, size_t nkv, char *out, size_t sz)
{
	const char *mac = kval(kv, nkv, "mac");
	const char *br = kval(kv, nkv, "bridge");
	const char *model = kval(kv, nkv, "model");
	const char *path = kval(kv, nkv, "path");
	const struct mgr_dev *d;

	switch (act) {
	case MGR_ACT_HOTPLUG:
		if (arg != NULL && strcmp(arg, "disk") == 0) {
			snprintf(out, sz, "qm set %s --virtio%d %s", mi->vmid,
			    free_key(mi, "virtio", 15),
			    path ? path : "STORAGE:SIZE");
			return;
		}
		if (model == NULL || strcmp(model, "virtio-net-pci") == 0)
			model = "virtio";
		snprintf(out, sz, "qm set %s --net%d %s%s%s,bridge=%s",
		    mi->vmid, free_key(mi, "net", 31), model, mac ? "=" : "",
		    mac ? mac : "", br ? br : "vmbr0");
		return;
	case MGR_ACT_UNPLUG:
		d = target(mi, arg);
		if (d == NULL || strcmp(d->type, "other") == 0) {
			out[0] = '\0';
			return;
		}
		snprintf(out, sz, "qm set %s --delete %s", mi->vmid, d->key);
		return;
	default:
		out[0] = '\0';	/* nothing to reserve: addresses are fixed */
		return;
	}
}

void
mgr_command(const struct mgr_info *mi, const char *inst, enum mgr_action act,
    const char *arg, const char *const *kv, size_t nkv, char *out, size_t sz)
{
	out[0] = '\0';
	if (mi == NULL || sz == 0)
		return;
	if (mi->kind == MGR_GANETI)
		ganeti(mi, inst, act, arg, kv, nkv, out, sz);
	else if (mi->kind == MGR_PROXMOX)
		proxmox(mi, act, arg, kv, nkv, out, sz);
}

void
mgr_refusal(const struct mgr_info *mi, const char *inst, enum mgr_action act,
    const char *arg, const char *const *kv, size_t nkv, char *out, size_t sz)
{
	char cmd[512];
	const char *t = mgr_kind_title(mi->kind);

	mgr_command(mi, inst, act, arg, kv, nkv, cmd, sizeof cmd);
	if (act == MGR_ACT_HOTPLUG || act == MGR_ACT_UNPLUG)
		snprintf(out, sz, "%s is managed by %s, which rebuilds the VM "
		    "from its own records at the next restart or migration: "
		    "%s%s%s (or add --force, which is audited)", inst, t,
		    cmd[0] ? "run `" : "", cmd[0] ? cmd : act == MGR_ACT_UNPLUG ?
		    "this device is not one it placed; unplug it with --force "
		    "if you mean it" : "do it with the manager's own tools",
		    cmd[0] ? "`" : "");
	else if (cmd[0])
		snprintf(out, sz, "%s is managed by %s, which keeps its own "
		    "reservations (kvm_pci_reservations=%d): run `%s` (or add "
		    "--force, which is audited)", inst, t,
		    mi->npci_reservations, cmd);
	else
		snprintf(out, sz, "%s is managed by %s, which gives each device "
		    "key a fixed address and reserves nothing: choose the key "
		    "instead (or add --force, which is audited)", inst, t);
}
