/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simqmpcmd.c - the simulator's QMP commands: one table row and one
 * handler per command, the QAPI-style argument checks, and QEMU 7.2's
 * reply texts; see simqmpcmd.h.
 */
#include "sim/simqmpcmd.h"
#include "sim/siminfo.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/simhmp.h"

json_t *
simqmp_version(void)
{
	/* struct order: major, minor, micro; then package */
	return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu",
	    "major", SIMMON_VERSION_MAJOR, "minor", SIMMON_VERSION_MINOR,
	    "micro", SIMMON_VERSION_MICRO, "package", SIMMON_PACKAGE);
}

json_t *
simqmp_error(enum simdev_ecls cls, const char *fmt, ...)
{
	static const char *const names[] = { "GenericError",
		"DeviceNotFound", "CommandNotFound" };
	char desc[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	return json_pack("{s:{s:s,s:s}}", "error", "class", names[cls],
	    "desc", desc);
}

static json_t *
qerr_dev(const struct simdev_err *e)
{
	return simqmp_error(e->cls, "%s", e->desc);
}

json_t *
simqmp_ok(json_t *ret)
{
	return json_pack("{s:o}", "return", ret ? ret : json_object());
}

/* A bridge's PciBridgeInfo before firmware numbered it: no devices. */
static json_t *
bridge_json(const struct simdev_kinfo *k)
{
	return json_pack("{s:{s:i,s:i,s:i,s:{s:i,s:i},s:{s:I,s:I},"
	    "s:{s:I,s:I}}}", "bus", "number", 0, "secondary", 0,
	    "subordinate", 0, "io_range", "base", (int)k->io_base, "limit",
	    4095, "memory_range", "base", (json_int_t)k->mem_base, "limit",
	    (json_int_t)1048575, "prefetchable_range", "base",
	    (json_int_t)k->mem_base, "limit", (json_int_t)1048575);
}

static json_t *
query_pci(const struct simdev_machine *m)
{
	json_t *devs = json_array();
	size_t i;
	int r;

	for (i = 0; i < m->nfn; i++) {
		const struct simdev_fn *f = &m->fn[i];
		const struct simdev_kinfo *k = simdev_kind_info(f->kind);
		json_t *d, *regs;

		if (f->bus != NULL)
			continue;	/* behind an unnumbered bridge */
		d = json_object();
		regs = json_array();

		/* PciDeviceInfo member order */
		json_object_set_new(d, "bus", json_integer(0));
		json_object_set_new(d, "slot", json_integer(f->slot));
		json_object_set_new(d, "function", json_integer(f->func));
		json_object_set_new(d, "class_info", json_pack("{s:i,s:s}",
		    "class", k->class_code, "desc", k->desc));
		if (k->bridge)
			json_object_set_new(d, "id", json_pack("{s:i,s:i}",
			    "device", k->device, "vendor", k->vendor));
		else
			json_object_set_new(d, "id", json_pack(
			    "{s:i,s:i,s:i,s:i}", "device", k->device, "vendor",
			    k->vendor, "subsystem", k->sub_device,
			    "subsystem-vendor", k->sub_vendor));
		if (k->bridge)
			json_object_set_new(d, "pci_bridge", bridge_json(k));
		if (k->irq_pin)
			json_object_set_new(d, "irq", json_integer(0));
		json_object_set_new(d, "irq_pin", json_integer(k->irq_pin));
		json_object_set_new(d, "qdev_id", json_string(f->id ? f->id :
		    ""));
		for (r = 0; r < k->nregions; r++) {
			const struct simdev_region *g = &k->region[r];
			json_t *x = json_object();

			json_object_set_new(x, "bar", json_integer(g->bar));
			json_object_set_new(x, "type", json_string(g->io ?
			    "io" : "memory"));
			json_object_set_new(x, "address", json_integer(-1));
			json_object_set_new(x, "size",
			    json_integer((json_int_t)g->size));
			if (!g->io) {
				json_object_set_new(x, "prefetch",
				    json_boolean(g->prefetch));
				json_object_set_new(x, "mem_type_64",
				    json_boolean(g->mem64));
			}
			json_array_append_new(regs, x);
		}
		json_object_set_new(d, "regions", regs);
		json_array_append_new(devs, d);
	}
	return json_pack("[{s:i,s:o}]", "bus", 0, "devices", devs);
}

static void
qom_json(void *arg, const char *name, const char *type)
{
	json_t *a = arg;
	char t[300];

	if (type == NULL)
		snprintf(t, sizeof t, "string");
	else
		snprintf(t, sizeof t, "child<%s>", type);
	json_array_append_new(a, json_pack("{s:s,s:s}", "name", name, "type",
	    t));
}

/* Check arguments against a spec "name:s,other:s?" (s string, i int,
 * b bool, ? optional).  Returns NULL when fine. */
json_t *
simqmp_check_args(json_t *args, const char *spec)
{
	char key[64];
	const char *p = spec, *k;
	json_t *v;

	while (*p) {
		size_t n = strcspn(p, ":");
		char type;
		int opt;

		snprintf(key, sizeof key, "%.*s", (int)n, p);
		type = p[n + 1];
		opt = p[n + 2] == '?';
		p += n + 2 + opt;
		if (*p == ',')
			p++;
		v = json_object_get(args, key);
		if (v == NULL) {
			if (!opt)
				return simqmp_error(SIMDEV_GENERIC,
				    "Parameter '%s' is missing", key);
			continue;
		}
		if ((type == 's' && !json_is_string(v)) ||
		    (type == 'i' && !json_is_integer(v)) ||
		    (type == 'b' && !json_is_boolean(v)))
			return simqmp_error(SIMDEV_GENERIC,
			    "Invalid parameter type "
			    "for '%s', expected: %s", key, type == 's' ?
			    "string" : type == 'i' ? "integer" : "boolean");
	}
	json_object_foreach(args, k, v) {
		char pat[70];

		snprintf(pat, sizeof pat, "%s:", k);
		if (strncmp(spec, pat, strlen(pat)) != 0 &&
		    strstr(spec, pat) == NULL)
			return simqmp_error(SIMDEV_GENERIC,
			    "Parameter '%s' is unexpected", k);
		/* "a:" must start a spec item, not end another name */
		if (strncmp(spec, pat, strlen(pat)) != 0) {
			const char *s = strstr(spec, pat);

			if (s[-1] != ',')
				return simqmp_error(SIMDEV_GENERIC,
				    "Parameter '%s' is unexpected", k);
		}
	}
	return NULL;
}

/* QemuOpts strings of QMP values (qemu_opts_from_qdict). */
static const char *
opt_string(json_t *v, char *tmp, size_t size)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, size, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	if (json_is_true(v))
		return "on";
	if (json_is_false(v))
		return "off";
	return NULL;
}

static json_t *
q_device_add(struct simmon_ctx *c, json_t *args)
{
	struct simdev_kv kv[64];
	char tmp[64][32];
	size_t n = 0;
	const char *k, *id = NULL;
	json_t *v;
	struct simdev_err e;

	v = json_object_get(args, "id");
	if (json_is_string(v)) {
		id = json_string_value(v);
		if (!simdev_id_wellformed(id))
			return simqmp_error(SIMDEV_GENERIC,
			    "Parameter 'id' expects an identifier");
	}
	json_object_foreach(args, k, v) {
		const char *s;

		if (n >= 64)
			break;
		if (strcmp(k, "id") == 0 && !json_is_string(v))
			continue;	/* not a string: an anonymous device */
		s = opt_string(v, tmp[n], sizeof tmp[n]);
		if (s == NULL)
			continue;
		kv[n].key = k;
		kv[n++].val = s;
	}
	if (simdev_device_add(c->m, kv, n, &e) < 0)
		return qerr_dev(&e);
	return simqmp_ok(NULL);
}

static json_t *
q_netdev_add(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;
	json_t *t = json_object_get(args, "type");
	json_t *id = json_object_get(args, "id");
	json_t *fd = json_object_get(args, "fd");
	json_t *fds = json_object_get(args, "fds");

	if (id == NULL)
		return simqmp_error(SIMDEV_GENERIC,
		    "Parameter 'id' is missing");
	if (t == NULL)
		return simqmp_error(SIMDEV_GENERIC,
		    "Parameter 'type' is missing");
	if (!json_is_string(id) || !json_is_string(t))
		return simqmp_error(SIMDEV_GENERIC,
		    "Invalid parameter type for '%s', "
		    "expected: string", json_is_string(id) ? "type" : "id");
	if (fd != NULL && fds != NULL)
		return simqmp_error(SIMDEV_GENERIC, SIMDEV_TAP_FD_ONLY);
	if (simdev_netdev_add(c->m, json_string_value(t),
	    json_string_value(id), json_is_string(fd) ?
	    json_string_value(fd) : json_is_string(fds) ?
	    json_string_value(fds) : NULL, 0, &e) < 0)
		return qerr_dev(&e);
	if (json_is_true(json_object_get(args, "vhost")))
		simdev_netdev_set_vhost(c->m, json_string_value(id));
	return simqmp_ok(NULL);
}

/* blockdev-add's options (qapi BlockdevOptions): the format node's
 * driver, read-only, discard and cache.direct / cache.no-flush; the
 * protocol node's driver and aio.  NULL, or QEMU's error reply. */
static json_t *
blockdev_opts(json_t *args, json_t *file, struct simdev_drive_opts *o)
{
	json_t *c = json_object_get(args, "cache");
	const char *v;

	simdev_drive_opts_init(o);
	if (json_is_string(json_object_get(args, "driver")))
		snprintf(o->format, sizeof o->format, "%s",
		    json_string_value(json_object_get(args, "driver")));
	o->ro = json_is_true(json_object_get(args, "read-only"));
	o->direct = json_is_true(json_object_get(c, "direct"));
	o->no_flush = json_is_true(json_object_get(c, "no-flush"));
	v = json_string_value(json_object_get(args, "discard"));
	if (v != NULL && strcmp(v, "ignore") && strcmp(v, "unmap"))
		return simqmp_error(SIMDEV_GENERIC, "Parameter 'discard' does "
		    "not accept value '%s'", v);
	if (!json_is_object(file))
		return NULL;
	v = json_string_value(json_object_get(file, "driver"));
	snprintf(o->protocol, sizeof o->protocol, "%s", v ? v : "");
	v = json_string_value(json_object_get(file, "aio"));
	if (v != NULL && strcmp(v, "threads") && strcmp(v, "native") &&
	    strcmp(v, "io_uring"))
		return simqmp_error(SIMDEV_GENERIC, "Parameter 'aio' does not "
		    "accept value '%s'", v);
	snprintf(o->aio, sizeof o->aio, "%s", v ? v : "");
	return NULL;
}

static json_t *
q_blockdev_add(struct simmon_ctx *c, json_t *args)
{
	struct simdev_drive_opts o;
	struct simdev_err e;
	json_t *err;
	json_t *nn = json_object_get(args, "node-name");
	json_t *file = json_object_get(args, "file");
	const char *fname = NULL;

	if (json_object_get(args, "driver") == NULL)
		return simqmp_error(SIMDEV_GENERIC,
		    "Parameter 'driver' is missing");
	if (!json_is_string(nn))
		return simqmp_error(SIMDEV_GENERIC,
		    "A top-level block node must have "
		    "a node-name");
	if (json_is_object(file))
		fname = json_string_value(json_object_get(file, "filename"));
	else if (json_is_string(file))
		fname = json_string_value(file);
	if (json_is_object(file) && fname == NULL)
		return simqmp_error(SIMDEV_GENERIC,
		    "Parameter 'filename' is missing");
	if ((err = blockdev_opts(args, file, &o)) != NULL)
		return err;
	if (simdev_drive_add(c->m, json_string_value(nn), fname,
	    json_string_value(json_object_get(args, "driver")), 0, &o,
	    &e) < 0)
		return qerr_dev(&e);
	return simqmp_ok(NULL);
}

/* ---- the commands --------------------------------------------------- */

static json_t *
q_capabilities(struct simmon_ctx *c, json_t *args)
{
	(void)c;
	(void)args;
	return simqmp_error(SIMDEV_COMMAND_NOT_FOUND,
	    "Capabilities negotiation is "
	    "already complete, command ignored");
}

static json_t *
q_query_version(struct simmon_ctx *c, json_t *args)
{
	(void)c;
	(void)args;
	return simqmp_ok(simqmp_version());
}

static json_t *
q_query_pci(struct simmon_ctx *c, json_t *args)
{
	(void)args;
	return simqmp_ok(query_pci(c->m));
}

static json_t *
q_query_status(struct simmon_ctx *c, json_t *args)
{
	int run = c->m->guest != SIMDEV_GUEST_NONE;

	(void)args;
	/* struct order: running, singlestep, status */
	return simqmp_ok(json_pack("{s:b,s:b,s:s}", "running", run,
	    "singlestep", 0, "status", run ? "running" : "prelaunch"));
}

static json_t *
q_query_block(struct simmon_ctx *c, json_t *args)
{
	(void)args;
	return simqmp_ok(siminfo_query_block(c->m));
}

static json_t *
q_named_nodes(struct simmon_ctx *c, json_t *args)
{
	(void)args;
	return simqmp_ok(siminfo_named_nodes(c->m));
}

/* The string argument key (checked by the table's spec). */
static const char *
arg_str(json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

static json_t *
q_device_del(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;

	if (simdev_device_del(c->m, arg_str(args, "id"), c->now_ms, &e) < 0)
		return qerr_dev(&e);
	return simqmp_ok(NULL);
}

static json_t *
q_netdev_del(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;

	if (simdev_netdev_del(c->m, arg_str(args, "id"), &e) < 0)
		return qerr_dev(&e);
	return simqmp_ok(NULL);
}

static json_t *
q_blockdev_del(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;

	if (simdev_drive_del(c->m, arg_str(args, "node-name"), 0, &e) < 0)
		return qerr_dev(&e);
	return simqmp_ok(NULL);
}

static json_t *
q_getfd(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;
	int fd = c->fd;

	c->fd = -1;
	if (simdev_getfd(c->m, arg_str(args, "fdname"), fd, &e) < 0)
		return qerr_dev(&e);
	return simqmp_ok(NULL);
}

static json_t *
q_closefd(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;

	if (simdev_closefd(c->m, arg_str(args, "fdname"), &e) < 0)
		return qerr_dev(&e);
	return simqmp_ok(NULL);
}

static json_t *
q_human_monitor_command(struct simmon_ctx *c, json_t *args)
{
	struct strbuf o;
	json_t *r;

	strbuf_init(&o);
	simhmp_execute(c, arg_str(args, "command-line"), &o);
	r = simqmp_ok(json_stringn(o.p ? o.p : "", o.n));
	strbuf_free(&o);
	return r;
}

static json_t *
q_qom_list(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;
	json_t *a = json_array();

	if (simdev_qom_list(c->m, arg_str(args, "path"), qom_json, a,
	    &e) < 0) {
		json_decref(a);
		return qerr_dev(&e);
	}
	return simqmp_ok(a);
}

static json_t *
q_qom_get(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;
	char str[320];
	long num;
	int r = simdev_qom_get(c->m, arg_str(args, "path"), arg_str(args,
	    "property"), str, sizeof str, &num, &e);

	if (r < 0)
		return qerr_dev(&e);
	return simqmp_ok(r == SIMDEV_QOM_STR ? json_string(str) :
	    json_integer(num));
}

static json_t *
q_system_reset(struct simmon_ctx *c, json_t *args)
{
	(void)args;
	simmon_system_reset(c, 1);
	return simqmp_ok(NULL);
}

static json_t *
q_quit(struct simmon_ctx *c, json_t *args)
{
	(void)args;
	c->quit = 1;
	return simqmp_ok(NULL);
}

struct qmp_cmd {
	const char *name;
	const char *spec;	/* simqmp_check_args() spec; NULL: fn checks */
	json_t *(*fn)(struct simmon_ctx *c, json_t *args);
	int flags;
};

/* The commands the simulator knows (others: CommandNotFound).  One more
 * command is one more row and its handler. */
static const struct qmp_cmd qmp_cmds[] = {
	{ "qmp_capabilities", "enable:a?", q_capabilities, 0 },
	{ "query-version", "", q_query_version, 0 },
	{ "query-pci", "", q_query_pci, 0 },
	{ "query-status", "", q_query_status, 0 },
	{ "query-block", "", q_query_block, 0 },
	{ "query-named-block-nodes", "flat:b?", q_named_nodes, 0 },
	{ "device_add", NULL, q_device_add, 0 },
	{ "device_del", "id:s", q_device_del, 0 },
	{ "netdev_add", NULL, q_netdev_add, 0 },
	{ "netdev_del", "id:s", q_netdev_del, 0 },
	{ "blockdev-add", NULL, q_blockdev_add, 0 },
	{ "blockdev-del", "node-name:s", q_blockdev_del, 0 },
	{ "getfd", "fdname:s", q_getfd, 0 },
	{ "closefd", "fdname:s", q_closefd, 0 },
	{ "human-monitor-command", "command-line:s,cpu-index:i?",
	  q_human_monitor_command, 0 },
	{ "qom-get", "path:s,property:s", q_qom_get, 0 },
	{ "qom-list", "path:s", q_qom_list, 0 },
	{ "system_reset", "", q_system_reset, SIMQMP_UNPLUGS_AFTER },
	{ "quit", "", q_quit, 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct qmp_cmd *
find_cmd(const char *name)
{
	const struct qmp_cmd *t;

	for (t = qmp_cmds; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

json_t *
simqmp_command(struct simmon_ctx *c, const char *name, json_t *args,
    int *flags)
{
	const struct qmp_cmd *cmd = find_cmd(name);
	json_t *r;

	*flags = 0;
	if (cmd == NULL)
		return simqmp_error(SIMDEV_COMMAND_NOT_FOUND,
		    "The command %s has not "
		    "been found", name);
	*flags = cmd->flags;
	if (cmd->spec != NULL &&
	    (r = simqmp_check_args(args, cmd->spec)) != NULL)
		return r;
	return cmd->fn(c, args);
}

