/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_session.c - the commands about the session rather than one slot:
 * refresh (batch: read the live buses now and wait for them; the TUI:
 * start the refreshes and return, its poll loop runs them) and the TUI's
 * quit.  The TUI's entries tell it what to do in cmd_result.action. */
#include <stdlib.h>

#include "base/clock.h"
#include "cmd/cmd_int.h"

int
cmd_refresh_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct strbuf b = STRBUF_INIT, bad = STRBUF_INIT;
	json_t *arr;
	size_t k, from = 0, to;
	long i;
	int nbad = 0;

	if (c->fleet == NULL || c->fleet->n == 0)
		return cmd_fail(r, "refresh: no instances");
	to = c->fleet->n;
	if (a->n == 2) {
		if ((i = cmd_inst(c, ce, a->w[1], r)) < 0)
			return -1;
		from = (size_t)i;
		to = from + 1;
		cmd_refresh_now(c, from);
	} else
		cmd_refresh_now(c, (size_t)-1);
	arr = json_array();
	for (k = from; k < to; k++) {
		const struct instance *in = &c->fleet->inst[k];

		strbuf_printf(&b, "%s: %s%s%s\n", in->name,
		    inst_conn_name(in->conn), in->error[0] ? ": " : "",
		    in->error);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?}",
		    "instance", in->name, "conn", inst_conn_name(in->conn),
		    "error", in->error[0] ? in->error : NULL));
		if (in->conn != INST_OK) {
			strbuf_printf(&bad, "%s%s: %s%s%s", nbad ? "; " : "",
			    in->name, inst_conn_name(in->conn),
			    in->error[0] ? ": " : "", in->error);
			nbad++;
		}
	}
	if (nbad > 0) {
		json_decref(arr);
		strbuf_free(&b);
		cmd_fail(r, "refresh: %s", bad.p ? bad.p : "failed");
		strbuf_free(&bad);
		return -1;
	}
	return cmd_succeed(r, &b, json_pack("{s:o}", "instances", arr));
}

/* The TUI's refresh: an unknown instance is refused with the fleet's own
 * words; nothing is waited for. */
int
cmd_refresh_bg_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct strbuf b = STRBUF_INIT;
	const char *name = a->n == 2 ? a->w[1] : NULL;
	struct err e;
	long i = -1;

	(void)ce;
	r->action = CMD_ACT_REFRESHING;
	if (name != NULL && c->fleet == NULL)
		return cmd_fail(r, "no instance called '%s'", name);
	if (name != NULL && (i = fleet_find(c->fleet, name, &e)) < 0)
		return cmd_fail(r, "%s", e.msg);
	if (c->fleet != NULL)
		fleet_refresh_start(c->fleet, (size_t)i, clock_wall_s());
	strbuf_printf(&b, "refreshing %s", name != NULL ? name : "all");
	return cmd_succeed(r, &b, json_pack("{s:s?}", "refreshing", name));
}

int
cmd_cancel_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct strbuf b = STRBUF_INIT;

	(void)c;
	(void)ce;
	(void)a;
	r->action = CMD_ACT_CANCEL;
	strbuf_str(&b, "nothing is running");
	return cmd_succeed(r, &b, json_object());
}

int
cmd_quit_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct strbuf b = STRBUF_INIT;

	(void)c;
	(void)ce;
	(void)a;
	r->action = CMD_ACT_QUIT;
	return cmd_succeed(r, &b, json_object());
}
