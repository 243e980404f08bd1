/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_json.h - slotscope's one JSON vocabulary: the objects that
 * `--probe --json`, `show --json`, `list --json` and a failed command in
 * --json mode print are built here and nowhere else, so the same fact has
 * the same name and type everywhere (slotscope.1, JSON OUTPUT, documents
 * every field; add a field here and there).
 *
 *   a PCI function   {"function": int, "class": string, "vendor": "8086",
 *                    "device": "100e" (4 lowercase hex digits),
 *                    "id": string|null (qdev id; null when none)}
 *   a slot           {"slot": int, "state": string (free, reserved,
 *                    builtin, used, foreign, missing, unplugging,
 *                    unknown, and conflict where the VM's manager
 *                    records another device), "base_state": string (the
 *                    state beneath a conflict; else the state),
 *                    "reserved": bool, "id": string|null,
 *                    "type": string|null, "anonymous": bool,
 *                    "last_state": string|null, "functions": [function],
 *                    and for a bridge "bridge": kind, "behind": int|null,
 *                    "places": int}
 *   a bus            {"bus": path, "id": string|null, "kind", "known":
 *                    bool, "places": int, "slots": [slots]}
 *   an instance      {"schema": int, "instance", "endpoint", "protocol",
 *                    "qemu", "conn", "read": bool, "error", "last_read",
 *                    "slots": [32 slots], "buses": [buses behind bridges],
 *                    "capacity": int|null, "devices": [devices]}
 *   a device         (the runtime file's: cmd_json_device) {"instance",
 *                    "id", "type", "uuid", "bus", "slot", "state",
 *                    "driver", "mac", "path", "format",
 *                    "backend": {"kind", "netdev", "tap", "bridge",
 *                    "drive", "path", "format", "protocol", "read_only",
 *                    "cache", "aio", "discard", "serial", "created",
 *                    "vhost", "queues"}, "qemu": {"checked": bool,
 *                    "match": bool, "mismatch": string}, and in
 *                    list --devices "bus_checked": bool (the last refresh
 *                    read its bus; then "state" is "missing" when it was
 *                    not on it)}; keys without a value are left out
 *   a host           (list --json's "hosts", when there are ssh hosts)
 *                    {"host": name, "url": "ssh://...", "conn": "ok" or
 *                    "unreachable", "error": string|null, "instances":
 *                    int|null (null: it never answered, so its
 *                    instances are unknown)}
 *   an error         {"schema": int, "command": string|null,
 *                    "error": string, "kind": string|null}
 *
 * Every builder returns a new reference (the caller json_decref()s it) or
 * NULL when out of memory.
 */
#ifndef SLOTSCOPE_CMD_JSON_H
#define SLOTSCOPE_CMD_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "fleet/fleet.h"
#include "qemu/probe.h"
#include "store/store.h"

#define CMD_JSON_SCHEMA 1	/* raised when a name or a type changes */

/* A JSON value as one line of text with its newline (malloc'd), the
 * value's reference taken (decref'd); NULL when out of memory. */
char *cmd_json_line(json_t *j);

/* Rows made one at a time, for cmd_json_dump_rows. */
struct cmd_json_rows {
	const char *key;	/* the member of the value they go in, an
				 * empty array there ("instances") */
	size_t n;		/* how many values row makes */
	json_t *(*row)(void *arg, size_t k);	/* the k-th, a new reference
				 * (freed once written); NULL: out of memory */
	void *arg;
	int flat;		/* each value made is an array whose elements
				 * are rows (list --devices: an instance's
				 * devices), else one row */
};

/* A command's result written to out as it is formed: the bytes
 * json_dumps(value, JSON_COMPACT) gives once value's member rows->key
 * holds the rows rows->row makes, so that only one is in memory at a
 * time (batch mode's list of 10,000).  Nothing more (no newline).  0, or
 * -1 when value is no object, a row could not be made (out of memory) or
 * out failed. */
int cmd_json_dump_rows(FILE *out, const json_t *value,
    const struct cmd_json_rows *rows);

/* One PCI function. */
json_t *cmd_json_fn(const struct pci_fn *fn);

/* Instance i of f as `show --json` prints it, its slots from v (the
 * states now: fleet_view), its bridges' buses and capacity against rt.
 * When the bus was not read, "read" is false, "error" says why, every
 * state is "unknown", and each slot's "last_state" is its state at
 * "last_read" (null if never read). */
json_t *cmd_json_instance(const struct fleet *f, size_t i,
    const struct slot_view v[32], const struct store_rt *rt);

/* The free hotplug places of a bus as read (places.h) against rt, off
 * the places inst's manager keeps (inst NULL: none). */
int cmd_json_capacity(const struct pci_info *live, const struct store_rt *rt,
    const struct instance *inst);

/* What --probe --json prints: the same object as an instance's, without
 * a runtime file (no reservations, no recorded devices: a slot is free,
 * builtin or foreign) and with "instance" null. */
json_t *cmd_json_probe(const struct probe *p);

/* cmd_json_probe as one line of text with its newline (malloc'd; NULL when
 * out of memory). */
char *cmd_json_probe_text(const struct probe *p);

/* A device of the runtime file as hotplug, unplug, adopt, forget and show
 * print it: inst NULL leaves "instance" out (show nests it in its
 * instance), state NULL is its recorded one, chk NULL leaves "qemu" out
 * (not checked against QEMU). */
struct devcheck;
json_t *cmd_json_device(const char *inst, const struct store_dev *d,
    const char *state, const struct devcheck *chk);

/* A failed command (or probe): command may be NULL, kind NULL when there
 * is no kind to name. */
/* Host h of f (fleetagent.h) as list --json's "hosts" names it. */
json_t *cmd_json_host(const struct fleet *f, size_t h);

json_t *cmd_json_error(const char *command, const char *error,
    const char *kind);

/* "7.2.22", or "" when v is all zero. */
void cmd_json_qemu(const struct qemu_version *v, char *out, size_t sz);

#endif
