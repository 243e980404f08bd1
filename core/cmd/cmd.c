/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd.c - the command table and the dispatcher (contract in cmd.h).
 *
 * A command is one entry here and one exec function in its family's file
 * (cmd_int.h says which).  The dispatcher splits the line, finds the
 * entry, takes the entry's options out of the words and checks the number
 * of arguments, so every command refuses a wrong one the same way
 * ("usage: ...") before anything is looked at.
 *
 * Every command either succeeds (text + JSON value) or fails with ONE line
 * and changes nothing.  Changes (reserve, free, hotplug, unplug, adopt,
 * forget) go through
 * the runtime store under its lock and are appended to the audit log.
 * Slot states are always computed from the live bus as last seen by the
 * fleet and the runtime file as it is on disk now, so a command sees the
 * effect of the previous one even before the next refresh.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd_int.h"
#include "cmd/cmd_json.h"
#include "cmd/cmd_words.h"

static const struct cmd_entry table[] = {
	{ "list", NULL, 0, 0, { "--devices" }, CMD_F_OPTIONS,
	  "list [--devices]",
	  "list [--devices]: every instance with its monitor state, protocol, "
	  "QEMU version, root-bus slots free, reserved and live (and "
	  "unplugging, missing or foreign, when any) and capacity: devices "
	  "it can take by hotplug now; --devices: each device's backend.",
	  cmd_list_exec, { 0 } },
	{ "show", NULL, 1, 1, { "--json" }, CMD_F_OPTIONS,
	  "show INST [--json]",
	  "show INST [--json]: the 32 slots of an instance: state (free, "
	  "reserved, builtin, used, foreign, missing, unplugging, bridge, "
	  "port, closed, unknown; conflict, the grid's !, where the VM's "
	  "manager records another device), reservation and device id of the "
	  "root "
	  "bus, then each bridge's bus and each recorded device's backend "
	  "checked against QEMU; --json prints the JSON value.  When the bus "
	  "cannot be read every slot is unknown and show fails, saying when "
	  "it was last read.",
	  cmd_show_exec,
	  { CMD_C_INST | CMD_C_OPT_DASH, CMD_C_INST | CMD_C_OPT } },
	{ "reserve", NULL, 2, 2, { "--offline", "--force" },
	  CMD_F_OPTIONS | CMD_F_NEGNUM,
	  "reserve INST SLOT [--offline] [--force]",
	  "reserve INST SLOT [--offline] [--force]: reserve a slot (0-31) so "
	  "that no new device takes it; refuses a slot with a live or recorded "
	  "device, and refuses when the bus cannot be read unless --offline "
	  "(then the bus is not checked, and the output and audit line say "
	  "so).  Managed VMs: the manager's command, unless --force.",
	  cmd_resfree_exec, { CMD_C_INST, CMD_C_SLOT_FREE, CMD_C_OPT } },
	{ "free", NULL, 2, 2, { "--force", "--offline" },
	  CMD_F_OPTIONS | CMD_F_NEGNUM,
	  "free INST SLOT [--force] [--offline]",
	  "free INST SLOT [--force] [--offline]: release a reserved slot; "
	  "refuses a slot with a live device unless --force, and refuses "
	  "when the bus cannot be read unless --offline (the bus is then not "
	  "checked, and the output and audit line say so).  Managed VMs: "
	  "the manager's command, unless --force.",
	  cmd_resfree_exec, { CMD_C_INST, CMD_C_SLOT_RES, CMD_C_OPT } },
	{ "next", NULL, 1, 1, { NULL }, 0,
	  "next INST",
	  "next INST: the place a new device would get: the lowest root-bus "
	  "slot that is neither reserved, nor live, nor held by a recorded "
	  "device; then (and on q35 only) the lowest free root port, then "
	  "bridges' slots, printed as bus=ID slot=N; fails when the bus "
	  "cannot be read.",
	  cmd_next_exec, { CMD_C_INST } },
	{ "id", NULL, 3, 4, { NULL }, 0,
	  "id TYPE UUID [BUS] SLOT",
	  "id TYPE UUID [BUS] SLOT: the device id TYPE-<first uuid "
	  "block>-pci-SLOT, e.g. id nic 6f1a2b3c-0000-4000-8000-000000000000 "
	  "5; behind a bridge BUS is its place (5, or 2.1 for function 1) "
	  "and the id TYPE-<block>-pci-BUS-SLOT.",
	  cmd_id_exec, { CMD_C_TYPE } },
	{ "parse-id", NULL, 1, 1, { NULL }, 0,
	  "parse-id ID",
	  "parse-id ID: split a device id into type, uuid block, slot and, "
	  "behind a bridge, bus.",
	  cmd_parse_id_exec, { 0 } },
	{ "hotplug", NULL, 2, CMD_MANY, { "--persist", "--force" },
	  CMD_F_OPTIONS,
	  "hotplug INST nic|disk [KEY=VALUE ...] [--persist] [--force]",
	  "hotplug INST nic [backend=user|tap:IFNAME] [mac=MAC] "
	  "[KEY=VALUE ...], or hotplug INST disk path=FILE [format=FMT] "
	  "[KEY=VALUE ...] [--force]: add the backend and the device at the "
	  "first free slot (or N), confirm it on the bus, then record it; "
	  "any failure is rolled back.  bus=B: behind that bridge; nic: "
	  "model= bridge=BR create=on vhost=on queues=N; disk: readonly=on "
	  "cache= aio= discard= serial= (slotscope(1)).  Managed VMs: the "
	  "manager's command, unless --force.",
	  cmd_hotplug_exec, { CMD_C_INST, CMD_C_TYPE, CMD_C_KEY } },
	{ "unplug", NULL, 2, 2, { "--retry", "--force" }, CMD_F_OPTIONS,
	  "unplug INST ID|SLOT [--retry] [--force]",
	  "unplug INST ID|SLOT [--retry]: device_del, then wait for QEMU's "
	  "confirmation; confirmed: the backend is removed and the slot freed; "
	  "otherwise the device stays unplugging (its slot and id stay taken) "
	  "until a refresh sees it gone, and the line says why (the VM is "
	  "paused; no guest OS or one that ignores hotplug; the guest "
	  "refused); --retry sends device_del again for an unplugging device "
	  "and says whether QEMU took it.  Managed VMs: the manager's "
	  "command, unless --force, which also unplugs the manager's own "
	  "devices (recorded nowhere, audited).",
	  cmd_unplug_exec, { CMD_C_INST, CMD_C_DEV, CMD_C_OPT } },
	{ "adopt", NULL, 2, 3, { NULL }, 0,
	  "adopt INST SLOT|ID [nic|disk]",
	  "adopt INST SLOT|ID [nic|disk]: record a live device slotscope did "
	  "not place (booted with the VM, added by hand or by another tool; "
	  "shown foreign) so that it shows as used and can be unplugged; its "
	  "driver, mac and backend are read from QEMU, its type from its PCI "
	  "class unless given.",
	  cmd_adopt_exec, { CMD_C_INST, 0, CMD_C_TYPE } },
	{ "forget", NULL, 2, 2, { NULL }, 0,
	  "forget INST SLOT|ID",
	  "forget INST SLOT|ID: drop a recorded device that is gone from the "
	  "bus (shown missing), and its backend if QEMU still has it unused; "
	  "a live device is refused (unplug it).",
	  cmd_forget_exec, { CMD_C_INST, CMD_C_DEV } },
	{ "refresh", NULL, 0, 1, { NULL }, CMD_F_BATCH,
	  "refresh [INST]",
	  "refresh [INST]: read the live bus of one or every instance now.",
	  cmd_refresh_exec, { CMD_C_INST } },
	{ "refresh", NULL, 0, 1, { NULL }, CMD_F_TUI,
	  "refresh [INST]",
	  "refresh [INST]: query the instances' monitors now",
	  cmd_refresh_bg_exec, { CMD_C_INST } },
	{ "version", NULL, 1, 1, { NULL }, 0,
	  "version INST",
	  "version INST: the QEMU version and monitor protocol of an "
	  "instance.",
	  cmd_version_exec, { CMD_C_INST } },
	{ "help", NULL, 0, 1, { NULL }, 0,
	  "help [CMD]",
	  "help [CMD]: the commands, or what one command does.",
	  cmd_help_exec, { CMD_C_CMD } },
	{ "cancel", NULL, 0, 0, { NULL }, CMD_F_TUI,
	  "cancel",
	  "cancel: stop the command running in the background (a hotplug, "
	  "unplug, adopt, forget, version, reserve or free that waits on a "
	  "monitor or a lock), rolling back what it had done (also Ctrl-C).",
	  cmd_cancel_exec, { 0 } },
	{ "quit", "exit", 0, CMD_MANY, { NULL }, CMD_F_TUI,
	  "quit",
	  "quit: leave slotscope (also F10, or q in the grid)",
	  cmd_quit_exec, { 0 } },
};
#define NTABLE (sizeof table / sizeof table[0])

static int
known(const struct cmd_ctx *c, const struct cmd_entry *ce)
{
	int tui = c != NULL && c->interactive;

	return !(ce->flags & (tui ? CMD_F_BATCH : CMD_F_TUI));
}

const struct cmd_entry *
cmd_entry_at(const struct cmd_ctx *c, size_t i)
{
	size_t k;

	for (k = 0; k < NTABLE; k++)
		if (known(c, &table[k]) && i-- == 0)
			return &table[k];
	return NULL;
}

const struct cmd_entry *
cmd_find(const struct cmd_ctx *c, const char *name, int with_alias)
{
	size_t k;

	for (k = 0; k < NTABLE; k++)
		if (known(c, &table[k]) && (strcmp(table[k].name, name) == 0 ||
		    (with_alias && table[k].alias != NULL &&
		    strcmp(table[k].alias, name) == 0)))
			return &table[k];
	return NULL;
}

const char *
cmd_name(const struct cmd_ctx *c, size_t i)
{
	const struct cmd_entry *ce = cmd_entry_at(c, i);

	return ce != NULL ? ce->name : NULL;
}

/* Is w an option of ce (rather than an argument)? */
static int
is_option(const struct cmd_entry *ce, const char *w)
{
	if (!(ce->flags & CMD_F_OPTIONS) || w[0] != '-')
		return 0;
	return !(ce->flags & CMD_F_NEGNUM) ||
	    (w[1] != '\0' && !isdigit((unsigned char)w[1]));
}

/* Index of option w in ce's options, or -1. */
static int
opt_index(const struct cmd_entry *ce, const char *w)
{
	int k;

	for (k = 0; k < CMD_NOPT && ce->options[k] != NULL; k++)
		if (strcmp(ce->options[k], w) == 0)
			return k;
	return -1;
}

int
cmd_opt(const struct cmd_entry *ce, const struct cmd_args *a,
    const char *name)
{
	int k = opt_index(ce, name);

	return k >= 0 && (a->opt & (1u << k)) != 0;
}

/* "--force or --offline" */
static void
opt_list(const struct cmd_entry *ce, char *buf, size_t sz)
{
	int k, n = 0;

	buf[0] = '\0';
	while (n < CMD_NOPT && ce->options[n] != NULL)
		n++;
	for (k = 0; k < n; k++)
		snprintf(buf + strlen(buf), sz - strlen(buf), "%s%s",
		    k == 0 ? "" : k == n - 1 ? " or " : ", ", ce->options[k]);
}

/* The words after the name as ce takes them, left to right: its options
 * (each once), an unknown option refused, at most max arguments, then at
 * least min. */
static int
take_args(const struct cmd_entry *ce, const struct cmd_words *ws,
    struct cmd_args *a, struct cmd_result *r)
{
	size_t k;

	memset(a, 0, sizeof *a);
	a->w[a->n++] = ws->w[0];
	for (k = 1; k < ws->n; k++) {
		const char *w = ws->w[k];
		int o;

		if (is_option(ce, w)) {
			char exp[96];

			if ((o = opt_index(ce, w)) < 0) {
				opt_list(ce, exp, sizeof exp);
				return cmd_fail(r, "%s: unknown option '%s'%s%s"
				    "%s", ce->name, w, exp[0] ?
				    " (expected " : "", exp, exp[0] ?
				    ")" : "");
			}
			if (a->opt & (1u << o))
				return cmd_usage(r, ce);
			a->opt |= 1u << o;
		} else if (a->n - 1 >= (size_t)ce->max)
			return cmd_usage(r, ce);
		else
			a->w[a->n++] = w;
	}
	if (a->n - 1 < (size_t)ce->min)
		return cmd_usage(r, ce);
	return 0;
}

/* A failure without a JSON value of its own gets the error object. */
static int
with_error(struct cmd_result *res, const char *name, int rc)
{
	if (!res->ok && res->json == NULL)
		res->json = cmd_json_error(name, res->text, NULL);
	return rc;
}

int
cmd_exec(struct cmd_ctx *c, const char *line, size_t len,
    struct cmd_result *res)
{
	struct cmd_ctx none;
	struct cmd_words ws;
	struct cmd_args a;
	const struct cmd_entry *ce;
	struct err e;
	int rc;

	if (c == NULL) {
		memset(&none, 0, sizeof none);
		c = &none;
	}
	res->ok = 0;
	res->text = NULL;
	res->json = NULL;
	res->action = CMD_ACT_NONE;
	res->inst = -1;
	res->cmd = NULL;
	res->as_json = 0;
	res->row = NULL;
	res->at = NULL;
	res->nrows = 0;
	res->rows_key = NULL;
	res->rows_flat = 0;
	if (line == NULL)
		len = 0;
	if (cmd_words_split(line ? line : "", len, &ws, 0, &e) < 0)
		return with_error(res, NULL, cmd_fail(res, "%s", e.msg));
	if (ws.n == 0) {
		cmd_words_free(&ws);
		return with_error(res, NULL, cmd_fail(res, "empty command: "
		    "type help"));
	}
	ce = cmd_find(c, ws.w[0], 1);
	if (ce == NULL) {
		char shown[64];
		size_t k;

		/* echoed printable ASCII only: the error is also a JSON
		 * string, which must be UTF-8 */
		snprintf(shown, sizeof shown, "%s", ws.w[0]);
		for (k = 0; shown[k] != '\0'; k++)
			if ((unsigned char)shown[k] < 0x20 ||
			    (unsigned char)shown[k] >= 0x7f)
				shown[k] = '?';
		cmd_words_free(&ws);
		return with_error(res, NULL, cmd_fail(res, "unknown command "
		    "'%s': type help", shown));
	}
	res->cmd = ce->name;
	rc = take_args(ce, &ws, &a, res);
	if (rc == 0 && a.n > 1 && (ce->arg[0] & CMD_C_INST) && c->fleet)
		res->inst = fleet_find(c->fleet, a.w[1], NULL);
	if (rc == 0 && cmd_opt(ce, &a, "--json"))
		res->as_json = 1;
	/* an instance of another host: its node runs it (but refresh is
	 * this side's) */
	if (rc == 0 && res->inst >= 0 && strcmp(ce->name, "refresh") != 0 &&
	    c->fleet->inst[res->inst].back == FLEET_BACK_AGENT)
		rc = cmd_remote_exec(c, ce, &ws, (size_t)res->inst, res);
	else if (rc == 0)
		rc = ce->exec(c, ce, &a, res);
	cmd_words_free(&ws);
	return with_error(res, ce->name, rc < 0 ? -1 : 0);
}
