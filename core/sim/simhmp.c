/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simhmp.c - the simulator's HMP commands; see simhmp.h.
 *
 * Byte-level facts follow QEMU 7.2: monitor_puts() for "\n" -> "\r\n",
 * monitor_parse_command() for finding a command and reading its
 * arguments (simopts.c), and QEMU's own reply and error texts.
 */
#include "sim/simhmp.h"
#include "sim/siminfo.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sim/simopts.h"

/* monitor_puts(): every "\n" goes out as "\r\n". */
static void
add_crlf(struct strbuf *out, const char *p, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++)
		if (p[i] == '\n') {
			strbuf_add(out, p + start, i - start);
			strbuf_add(out, "\r\n", 2);
			start = i + 1;
		}
	strbuf_add(out, p + start, n - start);
}

void
simhmp_banner(struct strbuf *out)
{
	strbuf_printf(out, "QEMU %d.%d.%d monitor - type 'help' for more "
	    "information\r\n" SIMMON_PROMPT, SIMMON_VERSION_MAJOR,
	    SIMMON_VERSION_MINOR, SIMMON_VERSION_MICRO);
}

static void
info_pci(const struct simdev_machine *m, struct strbuf *o)
{
	size_t i;
	int r;

	for (i = 0; i < m->nfn; i++) {
		const struct simdev_fn *f = &m->fn[i];
		const struct simdev_kinfo *k = simdev_kind_info(f->kind);

		if (f->bus != NULL)
			continue;	/* behind an unnumbered bridge */
		strbuf_printf(o, "  Bus %2d, device %3d, function %d:\n",
		    0, f->slot, f->func);
		strbuf_printf(o, "    %s: PCI device %04x:%04x\n", k->desc,
		    k->vendor, k->device);
		if (!k->bridge)
			strbuf_printf(o, "      PCI subsystem %04x:%04x\n",
			    k->sub_vendor, k->sub_device);
		if (k->irq_pin)
			strbuf_printf(o, "      IRQ 0, pin %c\n",
			    'A' + k->irq_pin - 1);
		if (k->bridge)
			strbuf_printf(o, "      BUS 0.\n      secondary bus 0.\n"
			    "      subordinate bus 0.\n"
			    "      IO range [0x%04x, 0x0fff]\n"
			    "      memory range [0x%08x, 0x000fffff]\n"
			    "      prefetchable memory range [0x%08x, "
			    "0x000fffff]\n", k->io_base, (unsigned)k->mem_base,
			    (unsigned)k->mem_base);
		for (r = 0; r < k->nregions; r++) {
			const struct simdev_region *g = &k->region[r];
			uint64_t addr = UINT64_MAX, end = addr + g->size - 1;

			strbuf_printf(o, "      BAR%d: ", g->bar);
			if (g->io)
				strbuf_printf(o, "I/O at 0x%04llx "
				    "[0x%04llx].\n", (unsigned long long)addr,
				    (unsigned long long)end);
			else
				strbuf_printf(o, "%d bit%s memory at "
				    "0x%08llx [0x%08llx].\n", g->mem64 ? 64 :
				    32, g->prefetch ? " prefetchable" : "",
				    (unsigned long long)addr,
				    (unsigned long long)end);
		}
		strbuf_printf(o, "      id \"%s\"\n", f->id ? f->id : "");
	}
}
struct hmp_cmd;

/* A command's arguments: positional words (NULL when an optional one is
 * absent) and the QemuOpts of an 'O' argument (NULL when absent). */
struct hmp_args {
	const char *s[4];
	struct simopts *opts;
};

typedef void (*hmp_fn)(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o);

/* Row flags. */
#define HMP_ALIAS	1	/* another name of the next row: left out of
				 * the full help listing */
#define HMP_KEEPS_OPTS	2	/* QemuOpts stay registered after success
				 * (netdev_add): a second use of an id fails
				 * while parsing, with only the "Try" line */

/* args: 's' string, '?' makes the previous optional, 'O' QemuOpts,
 * 'B' block device name. */
struct hmp_cmd {
	const char *name;
	const char *args;
	const char *optsname;	/* for 'O': implied key */
	hmp_fn fn;
	const char *help;	/* QEMU's help line: "NAME PARAMS -- TEXT" */
	int flags;
	const struct hmp_cmd *sub;	/* "info": its subcommands */
};

static void
herr(struct strbuf *o, const struct simdev_err *e)
{
	strbuf_printf(o, "Error: %s\n", e->desc);
}

static void
h_info_version(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	(void)c;
	(void)a;
	strbuf_printf(o, "%d.%d.%d%s\n", SIMMON_VERSION_MAJOR,
	    SIMMON_VERSION_MINOR, SIMMON_VERSION_MICRO, SIMMON_PACKAGE);
}

static void
h_info_pci(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	(void)a;
	info_pci(c->m, o);
}

static void
h_info_status(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	(void)a;
	if (c->m->guest == SIMDEV_GUEST_NONE)
		strbuf_str(o, "VM status: paused (prelaunch)\n");
	else
		strbuf_str(o, "VM status: running\n");
}

static void
h_info_network(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	(void)a;
	siminfo_network(c->m, o);
}

static void
h_info_block(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	siminfo_block(c->m, a->s[0] != NULL && strcmp(a->s[0], "-n") == 0, o);
}

static void
h_device_add(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	const struct simopts *op = a->opts;
	struct simdev_kv kv[SIMOPTS_MAX + 1];
	struct simdev_err e;
	size_t n = 0, i;

	if (op != NULL) {
		for (i = 0; i < op->n; i++)
			kv[n++] = op->kv[i];
		if (op->id) {
			kv[n].key = "id";
			kv[n++].val = op->id;
		}
	}
	if (simdev_device_add(c->m, kv, n, &e) < 0)
		herr(o, &e);
}

static void
h_device_del(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	struct simdev_err e;

	if (simdev_device_del(c->m, a->s[0], c->now_ms, &e) < 0)
		herr(o, &e);
}

static void
h_netdev_add(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	const struct simopts *op = a->opts;
	struct simdev_err e;

	if (op == NULL) {
		strbuf_str(o, "Error: Parameter 'id' is missing\n");
		return;
	}
	if (simopts_get(op, "fd") && simopts_get(op, "fds")) {
		strbuf_str(o, "Error: " SIMDEV_TAP_FD_ONLY "\n");
		return;
	}
	if (simdev_netdev_add(c->m, simopts_get(op, "type"), op->id,
	    simopts_get(op, "fd") ? simopts_get(op, "fd") :
	    simopts_get(op, "fds"), 1, &e) < 0)
		herr(o, &e);
	else if (simopts_get(op, "vhost") &&
	    strcmp(simopts_get(op, "vhost"), "on") == 0)
		simdev_netdev_set_vhost(c->m, op->id);
}

static void
h_netdev_del(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	struct simdev_err e;

	if (simdev_netdev_del(c->m, a->s[0], &e) < 0)
		herr(o, &e);
}

/* -drive's options of a hot-added disk (blockdev.c): format, the
 * protocol driver, readonly, the cache shorthand, aio, discard; a bad
 * value is QEMU's text into o and -1. */
static int
drive_opts(const struct simopts *op, struct simdev_drive_opts *d,
    struct strbuf *o)
{
	const char *v;

	simdev_drive_opts_init(d);
	if ((v = simopts_get(op, "format")) != NULL)
		snprintf(d->format, sizeof d->format, "%s", v);
	if ((v = simopts_get(op, "file.driver")) != NULL)
		snprintf(d->protocol, sizeof d->protocol, "%s", v);
	if ((v = simopts_get(op, "readonly")) != NULL)
		d->ro = strcmp(v, "on") == 0;
	if ((v = simopts_get(op, "cache")) != NULL) {
		if (strcmp(v, "none") == 0 || strcmp(v, "off") == 0)
			d->direct = 1;
		else if (strcmp(v, "writethrough") == 0)
			d->writeback = 0;
		else if (strcmp(v, "directsync") == 0)
			d->direct = 1, d->writeback = 0;
		else if (strcmp(v, "unsafe") == 0)
			d->no_flush = 1;
		else if (strcmp(v, "writeback") != 0) {
			strbuf_str(o, "invalid cache option\n");
			return -1;
		}
	}
	if ((v = simopts_get(op, "aio")) != NULL) {
		if (strcmp(v, "threads") && strcmp(v, "native") &&
		    strcmp(v, "io_uring")) {
			strbuf_str(o, "invalid aio option\n");
			return -1;
		}
		snprintf(d->aio, sizeof d->aio, "%s", v);
	}
	if ((v = simopts_get(op, "discard")) != NULL && strcmp(v, "ignore") &&
	    strcmp(v, "off") && strcmp(v, "unmap") && strcmp(v, "on")) {
		strbuf_str(o, "Invalid discard option\n");
		return -1;
	}
	return 0;
}

static void
h_drive_add(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	struct simopts op;
	struct simdev_drive_opts dopt;
	struct simdev_err e;
	const char *itf;

	/* drive_add's errors are error_report()s: no "Error: " prefix */
	if (simopts_parse(&op, a->s[1], NULL) < 0) {
		strbuf_str(o, "Invalid options\n");
		return;
	}
	if (op.id && !simdev_id_wellformed(op.id)) {
		strbuf_str(o, "Parameter 'id' expects an identifier\n");
		return;
	}
	itf = simopts_get(&op, "if");
	if (itf == NULL || strcmp(itf, "none") != 0) {
		strbuf_str(o, "Can't hot-add drive to type 1\n");
		return;
	}
	if (drive_opts(&op, &dopt, o) < 0)
		return;
	if (simdev_drive_add(c->m, op.id, simopts_get(&op, "file"),
	    simopts_get(&op, "format"), 1, &dopt, &e) < 0) {
		strbuf_printf(o, "%s\n", e.desc);
		return;
	}
	strbuf_str(o, "OK\n");
}

static void
h_drive_del(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	struct simdev_err e;

	if (simdev_drive_del(c->m, a->s[0], 1, &e) < 0)
		strbuf_printf(o, "%s\n", e.desc);
}

static void
h_getfd(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	struct simdev_err e;
	int fd = c->fd;

	c->fd = -1;
	if (simdev_getfd(c->m, a->s[0], fd, &e) < 0)
		herr(o, &e);
}

static void
h_closefd(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	struct simdev_err e;

	if (simdev_closefd(c->m, a->s[0], &e) < 0)
		herr(o, &e);
}

static void
qom_line(void *arg, const char *name, const char *type)
{
	struct strbuf *o = arg;

	if (type == NULL)
		strbuf_printf(o, "%s (string)\n", name);
	else
		strbuf_printf(o, "%s (child<%s>)\n", name, type);
}

static void
h_qom_list(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	struct simdev_err e;

	if (a->s[0] == NULL) {
		strbuf_str(o, "/\n");
		return;
	}
	if (simdev_qom_list(c->m, a->s[0], qom_line, o, &e) < 0)
		herr(o, &e);
}

/* qom-get prints the value as JSON. */
static void
h_qom_get(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	struct simdev_err e;
	char str[320];
	long num;
	int r = simdev_qom_get(c->m, a->s[0], a->s[1], str, sizeof str, &num,
	    &e);

	if (r < 0)
		herr(o, &e);
	else if (r == SIMDEV_QOM_STR)
		strbuf_printf(o, "\"%s\"\n", str);	/* a QOM path: no escapes */
	else
		strbuf_printf(o, "%ld\n", num);
}

static void
h_system_reset(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o)
{
	(void)a;
	(void)o;
	simmon_system_reset(c, 0);
}

static void
h_quit(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	(void)a;
	(void)o;
	c->quit = 1;
}

static void h_help(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o);
static void h_info(struct simmon_ctx *c, const struct hmp_args *a,
    struct strbuf *o);

static const struct hmp_cmd info_cmds[] = {
	{ "block", "s?", NULL, h_info_block, "info block [-n] [-v] [device] "
	  "-- show info of one block device or all block devices (-n: show "
	  "named nodes; -v: show details)", 0, NULL },
	{ "network", "", NULL, h_info_network, "info network  -- show the "
	  "network state", 0, NULL },
	{ "pci", "", NULL, h_info_pci, "info pci  -- show PCI info", 0,
	  NULL },
	{ "status", "", NULL, h_info_status, "info status  -- show the "
	  "current VM status (running|paused)", 0, NULL },
	{ "version", "", NULL, h_info_version, "info version  -- show the "
	  "version of QEMU", 0, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL },
};

#define HELP_HELP "help|? [cmd] -- show the help"
#define QUIT_HELP "quit|q  -- quit the emulator"

/* The commands the simulator knows, sorted as QEMU's help lists them
 * (QEMU has many more: the others are "unknown command").  One more
 * command is one more row and its handler. */
static const struct hmp_cmd hmp_cmds[] = {
	{ "?", "s?s?", NULL, h_help, HELP_HELP, HMP_ALIAS, NULL },
	{ "closefd", "s", NULL, h_closefd, "closefd closefd name -- close a "
	  "file descriptor previously passed via SCM rights", 0, NULL },
	{ "device_add", "O", "driver", h_device_add, "device_add driver"
	  "[,prop=value][,...] -- add device, like -device on the command "
	  "line", 0, NULL },
	{ "device_del", "s", NULL, h_device_del, "device_del device -- remove "
	  "device", 0, NULL },
	{ "drive_add", "ss", NULL, h_drive_add, "drive_add [-n] [[<domain>:]"
	  "<bus>:]<slot>\n[file=file][,if=type][,bus=n]\n[,unit=m]"
	  "[,media=d][,index=i]\n[,snapshot=on|off][,cache=on|off]\n"
	  "[,readonly=on|off][,copy-on-read=on|off] -- add drive to PCI "
	  "storage controller", 0, NULL },
	{ "drive_del", "B", NULL, h_drive_del, "drive_del device -- remove "
	  "host block device", 0, NULL },
	{ "getfd", "s", NULL, h_getfd, "getfd getfd name -- receive a file "
	  "descriptor via SCM rights and assign it a name", 0, NULL },
	{ "help", "s?s?", NULL, h_help, HELP_HELP, 0, NULL },
	{ "info", "s?", NULL, h_info, NULL, 0, info_cmds },
	{ "netdev_add", "O", "type", h_netdev_add, "netdev_add [user|tap|"
	  "socket|stream|dgram|vde|bridge|hubport|netmap|vhost-user],id=str"
	  "[,prop=value][,...] -- add host network device", HMP_KEEPS_OPTS,
	  NULL },
	{ "netdev_del", "s", NULL, h_netdev_del, "netdev_del id -- remove "
	  "host network device", 0, NULL },
	{ "q", "", NULL, h_quit, QUIT_HELP, HMP_ALIAS, NULL },
	{ "qom-get", "ss", NULL, h_qom_get, "qom-get path property -- print "
	  "QOM property", 0, NULL },
	{ "qom-list", "s?", NULL, h_qom_list, "qom-list path -- list QOM "
	  "properties", 0, NULL },
	{ "quit", "", NULL, h_quit, QUIT_HELP, 0, NULL },
	{ "system_reset", "", NULL, h_system_reset, "system_reset  -- reset "
	  "the system", 0, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL },
};

static const struct hmp_cmd *
find_cmd(const struct hmp_cmd *t, const char *name, size_t len)
{
	for (; t->name; t++)
		if (strlen(t->name) == len && strncmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

/* Every help line of a table, but the aliases'. */
static void
help_all(const struct hmp_cmd *t, struct strbuf *o)
{
	for (; t->name; t++)
		if (t->help && !(t->flags & HMP_ALIAS))
			strbuf_printf(o, "%s\n", t->help);
}

static void
h_help(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	const struct hmp_cmd *s;

	(void)c;
	if (a->s[0] == NULL) {
		help_all(hmp_cmds, o);
		help_all(info_cmds, o);
		return;
	}
	s = find_cmd(hmp_cmds, a->s[0], strlen(a->s[0]));
	if (s == NULL) {
		strbuf_printf(o, "unknown command: '%s'\n", a->s[0]);
		return;
	}
	if (s->sub == NULL) {
		strbuf_printf(o, "%s\n", s->help);
		return;
	}
	if (a->s[1] == NULL) {
		help_all(s->sub, o);
		return;
	}
	s = find_cmd(s->sub, a->s[1], strlen(a->s[1]));
	if (s == NULL) {
		strbuf_printf(o, "unknown command: '%s %s'\n", a->s[0],
		    a->s[1]);
		return;
	}
	strbuf_printf(o, "%s\n", s->help);
}

/* "info" alone lists what info can show. */
static void
h_info(struct simmon_ctx *c, const struct hmp_args *a, struct strbuf *o)
{
	(void)c;
	(void)a;
	help_all(info_cmds, o);
}

/* A QemuOpts id already registered by a command that keeps its opts. */
static int
opts_dup(const struct simmon_ctx *c, const struct hmp_cmd *cmd,
    const char *id)
{
	size_t i;

	if (!(cmd->flags & HMP_KEEPS_OPTS) || id == NULL)
		return 0;
	for (i = 0; i < c->m->nnet; i++)
		if (c->m->net[i].hmp_opts && strcmp(c->m->net[i].id, id) == 0)
			return 1;
	return 0;
}

/* The command word(s) at *pp: a name, or "info NAME".  NULL after
 * printing QEMU's "unknown command"; *pp is left after the name.  An
 * empty line gives NULL and prints nothing. */
static const struct hmp_cmd *
lookup(const char *line, const char **pp, struct strbuf *o)
{
	const struct hmp_cmd *cmd, *table = hmp_cmds;
	const char *p = *pp, *name;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return NULL;
		name = p;
		while (*p != '\0' && *p != '/' && !isspace((unsigned char)*p))
			p++;
		cmd = find_cmd(table, name, (size_t)(p - name));
		if (cmd == NULL) {
			strbuf_printf(o, "unknown command: '%.*s'\n",
			    (int)(p - line), line);
			return NULL;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (cmd->sub != NULL && *p != '\0') {
			table = cmd->sub;
			continue;
		}
		*pp = p;
		return cmd;
	}
}

static void
hmp_run(struct simmon_ctx *c, const char *line, struct strbuf *o)
{
	const char *p = line, *after;
	const struct hmp_cmd *cmd;
	char bufs[4][1024];
	struct hmp_args args;
	struct simopts op;
	const char *t;
	int na = 0;

	memset(&args, 0, sizeof args);
	if ((cmd = lookup(line, &p, o)) == NULL)
		return;
	after = p;
	for (t = cmd->args; *t; t++) {
		if (*t == '?')
			continue;
		if (*t == 'O') {
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '\0')
				break;
			if (simopts_word(bufs[na], sizeof bufs[na], &p) < 0 ||
			    simopts_parse(&op, bufs[na], cmd->optsname) < 0 ||
			    (op.id && !simdev_id_wellformed(op.id)) ||
			    opts_dup(c, cmd, op.id))
				goto fail;
			args.opts = &op;
			na++;
			continue;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (t[1] == '?' && *p == '\0') {
			args.s[na++] = NULL;
			continue;
		}
		if (simopts_word(bufs[na], sizeof bufs[na], &p) < 0) {
			strbuf_printf(o, "%s: %s expected\n", cmd->name,
			    *t == 'B' ? "block device name" : "string");
			goto fail;
		}
		args.s[na] = bufs[na];
		na++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0') {
		strbuf_printf(o, "%s: extraneous characters at the end of "
		    "line\n", cmd->name);
		goto fail;
	}
	cmd->fn(c, &args, o);
	return;
fail:
	while (after > line && isspace((unsigned char)after[-1]))
		after--;
	strbuf_printf(o, "Try \"help %.*s\" for more information\n",
	    (int)(after - line), line);
}

void
simhmp_execute(struct simmon_ctx *c, const char *line, struct strbuf *out)
{
	struct strbuf o;

	strbuf_init(&o);
	hmp_run(c, line, &o);
	add_crlf(out, o.p ? o.p : "", o.n);
	strbuf_free(&o);
}
