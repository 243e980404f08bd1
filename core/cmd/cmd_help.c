/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_help.c - help: the list of the commands known in the context's mode
 * (each by its usage) and one command's paragraph, both from the table in
 * cmd.c; cmd_help() gives the same paragraph to the TUI's help overlay. */
#include <stddef.h>

#include "cmd/cmd_int.h"

const char *
cmd_help(const struct cmd_ctx *c, const char *name)
{
	const struct cmd_entry *ce = name ? cmd_find(c, name, 0) : NULL;

	return ce ? ce->help : NULL;
}

int
cmd_help_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	const struct cmd_entry *h;
	struct strbuf b = STRBUF_INIT;
	json_t *arr;
	size_t i;

	(void)ce;
	if (a->n == 2) {
		if ((h = cmd_find(c, a->w[1], 0)) == NULL)
			return cmd_fail(r, "help: unknown command '%s': type "
			    "help", a->w[1]);
		strbuf_printf(&b, "%s", h->help);
		return cmd_succeed(r, &b, json_pack("{s:s, s:s, s:s}",
		    "command", h->name, "usage", h->usage, "help", h->help));
	}
	arr = json_array();
	strbuf_printf(&b, "commands:\n");
	for (i = 0; (h = cmd_entry_at(c, i)) != NULL; i++) {
		strbuf_printf(&b, "  %s\n", h->usage);
		json_array_append_new(arr, json_pack("{s:s, s:s}", "command",
		    h->name, "usage", h->usage));
	}
	strbuf_printf(&b, "help CMD tells more.");
	return cmd_succeed(r, &b, json_pack("{s:o}", "commands", arr));
}
