/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_table.c - the tables of list and show (cmd_table.h): the columns of
 * each as paths into the command's JSON value, the -o list parser, and
 * one cell as text.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd_table.h"

static const struct cmd_col list_cols[] = {
	{ "name", "NAME", 0, "instance", "the instance" },
	{ "conn", "CONN", 0, "conn", "monitor state (ok, busy, ...)" },
	{ "protocol", "PROTO", 0, "protocol", "hmp or qmp" },
	{ "qemu", "QEMU", 0, "qemu", "QEMU version" },
	{ "free", "FREE", 1, "counts.free", "free slots" },
	{ "reserved", "RESERVED", 1, "counts.reserved", "reserved, empty" },
	{ "live", "LIVE", 1, NULL, "slots with a live device" },
	{ "capacity", "CAPACITY", 1, "capacity", "devices a hotplug can add" },
	{ "builtin", "BUILTIN", 1, "counts.builtin", "builtin devices" },
	{ "used", "USED", 1, "counts.used", "devices slotscope placed" },
	{ "foreign", "FOREIGN", 1, "counts.foreign", "devices it did not" },
	{ "missing", "MISSING", 1, "counts.missing", "recorded, not live" },
	{ "unplugging", "UNPLUGGING", 1, "counts.unplugging",
	  "unplug not confirmed" },
	{ "bridge", "BRIDGE", 1, "counts.bridge", "bridges, root ports in use" },
	{ "port", "PORT", 1, "counts.port", "empty root ports" },
	{ "closed", "CLOSED", 1, "counts.closed", "empty, no hotplug" },
	{ "unknown", "UNKNOWN", 1, "counts.unknown", "not read (32 or 0)" },
	{ "manager", "MANAGER", 0, "manager", "ganeti, proxmox or none" },
	{ "vmid", "VMID", 0, "vmid", "Proxmox's VMID" },
	{ "endpoint", "ENDPOINT", 0, "endpoint", "the monitor's endpoint" },
	{ "error", "ERROR", 0, "error", "the last error" },
};

static const struct cmd_col show_cols[] = {
	{ "slot", "SLOT", 1, "slot", "0-31" },
	{ "state", "STATE", 0, "state", "free, reserved, used, ..." },
	{ "reserved", "RES", 0, "reserved", "in the reservation map (1)" },
	{ "id", "ID", 0, "id", "device id" },
	{ "type", "TYPE", 0, "type", "nic or disk (recorded)" },
	{ "anonymous", "ANON", 0, "anonymous", "added without an id (1)" },
	{ "owner", "OWNER", 0, "owner", "slotscope, ganeti, proxmox or libvirt" },
	{ "mname", "MNAME", 0, "manager_name", "the manager's name for it" },
	{ "conflict", "CONFLICT", 0, "conflict", "the manager records another"
	  " device here" },
	{ "functions", "FNS", 1, NULL, "live PCI functions" },
	{ "class", "CLASS", 0, NULL, "function 0's class" },
};

#define N(a) (sizeof a / sizeof a[0])

static const struct cmd_table tables[] = {
	{ "list", "instances", list_cols, N(list_cols),
	  "name,conn,protocol,qemu,free,reserved,live,capacity" },
	{ "show", "slots", show_cols, N(show_cols),
	  "slot,state,reserved,id,type" },
};

const struct cmd_table *
cmd_table_find(const char *cmd)
{
	size_t i;

	for (i = 0; cmd != NULL && i < N(tables); i++)
		if (strcmp(tables[i].cmd, cmd) == 0)
			return &tables[i];
	return NULL;
}

const struct cmd_table *
cmd_table_at(size_t i)
{
	return i < N(tables) ? &tables[i] : NULL;
}

static int
col_index(const struct cmd_table *t, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strlen(t->cols[i].name) == len &&
		    strncasecmp(t->cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

int
cmd_table_pick(const struct cmd_table *t, const char *list, size_t *idx,
    size_t max, struct err *e)
{
	const char *p = list != NULL ? list : t->defaults;
	size_t n = 0;

	while (*p != '\0') {
		size_t len;
		int k;

		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ", ");
		if (len == 0)
			break;
		k = col_index(t, p, len);
		if (k < 0) {
			char names[512];
			size_t i, o = 0;

			names[0] = '\0';
			for (i = 0; i < t->ncols && o < sizeof names; i++)
				o += (size_t)snprintf(names + o,
				    sizeof names - o, "%s%s", i ? "," : "",
				    t->cols[i].name);
			return err_set(e, "%s has no column \"%.*s\"; its "
			    "columns: %s", t->cmd, (int)(len > 40 ? 40 : len),
			    p, names);
		}
		if (n == max)
			return err_set(e, "at most %zu columns", max);
		idx[n++] = (size_t)k;
		p += len;
	}
	if (n == 0)
		return err_set(e, "no columns given (%s's: %s)", t->cmd,
		    t->defaults);
	return (int)n;
}

const json_t *
cmd_table_rows(const struct cmd_table *t, const json_t *value)
{
	const json_t *v;

	if (value == NULL)
		return NULL;
	v = json_object_get(value, t->rows);
	return json_is_array(v) ? v : NULL;
}

/* The member at a dotted path ("counts.free"), or NULL. */
static const json_t *
at_path(const json_t *row, const char *path)
{
	char key[64];
	const char *dot;

	while (row != NULL && (dot = strchr(path, '.')) != NULL) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		row = json_object_get(row, key);
		path = dot + 1;
	}
	return row != NULL ? json_object_get(row, path) : NULL;
}

/* null is "none" for text (no id) and "not known" for a count */
static void
value_text(const json_t *v, int number, char *buf, size_t len)
{
	if (v == NULL)
		snprintf(buf, len, "%s", "");
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%d", json_is_true(v) ? 1 : 0);
	else if (json_is_null(v))
		snprintf(buf, len, "%s", number ? "?" : "");
	else
		snprintf(buf, len, "%s", "");
}

void
cmd_table_cell(const struct cmd_col *c, const json_t *row, char *buf,
    size_t len)
{
	static const char *const live[] = {
		"builtin", "used", "foreign", "unplugging"
	};
	const json_t *v;
	size_t i;

	if (c->path != NULL) {
		value_text(at_path(row, c->path), c->number, buf, len);
		return;
	}
	if (strcmp(c->name, "live") == 0) {
		const json_t *s = json_object_get(row, "counts");
		long long n = 0;

		for (i = 0; i < N(live); i++) {
			v = json_object_get(s, live[i]);
			if (!json_is_integer(v)) {
				snprintf(buf, len, "%s", "?");
				return;
			}
			n += (long long)json_integer_value(v);
		}
		snprintf(buf, len, "%lld", n);
		return;
	}
	v = json_object_get(row, "functions");
	if (strcmp(c->name, "functions") == 0)
		snprintf(buf, len, "%zu", json_is_array(v) ?
		    json_array_size(v) : (size_t)0);
	else		/* class: function 0's */
		value_text(json_array_size(v) > 0 ?
		    json_object_get(json_array_get(v, 0), "class") : NULL, 0,
		    buf, len);
}
