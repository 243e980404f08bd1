/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_remote.c - a command on an instance of another host (HOST/NAME,
 * fleet/fleetagent.h): the line goes to that host's agent with the node's
 * own name in the instance's place, the agent runs it there as batch mode
 * would (the lock, the runtime file, the monitor and the node's audit log
 * are the node's), and its result comes back as this command's: ok, the
 * text, the JSON value with "instance" named HOST/NAME.  A change is also
 * recorded in this side's audit log under HOST/NAME, and the instance is
 * refreshed so that the next command sees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/strbuf.h"
#include "cmd/cmd_int.h"
#include "fleet/fleetagent.h"

static const char *const changing[] = {
	"reserve", "free", "hotplug", "unplug", "adopt", "forget", NULL,
};

/* w as the tokenizer reads it back: bare when plain, else '...' with a
 * quote as \'. */
static void
quote(struct strbuf *b, const char *w)
{
	size_t k;

	if (w[0] != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:=/@+%") == strlen(w)) {
		strbuf_str(b, w);
		return;
	}
	strbuf_str(b, "'");
	for (k = 0; w[k] != '\0'; k++)
		if (w[k] == '\'')
			strbuf_str(b, "'\\''");
		else
			strbuf_add(b, &w[k], 1);
	strbuf_str(b, "'");
}

int
cmd_remote_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_words *ws, size_t i, struct cmd_result *r)
{
	struct strbuf line = STRBUF_INIT, what = STRBUF_INIT;
	struct agentproto_reply rep;
	const char *name = c->fleet->inst[i].name;
	struct err e;
	size_t k;
	int rc, change = 0, inst_done = 0;

	for (k = 0; changing[k] != NULL; k++)
		change |= strcmp(ce->name, changing[k]) == 0;
	for (k = 0; k < ws->n; k++) {
		/* the first argument that names the instance */
		int inst = !inst_done && k > 0 && ws->w[k][0] != '-';

		if (k > 0)
			strbuf_str(&line, " ");
		quote(&line, inst ? fleet_agent_node_name(c->fleet, i) :
		    ws->w[k]);
		if (k != 1 || !inst)
			strbuf_printf(&what, "%s%s", what.n ? " " : "",
			    ws->w[k]);
		inst_done |= inst;
	}
	rc = fleet_agent_command(c->fleet, i, line.p ? line.p : "",
	    c->unplug_wait_ms, &rep, &e);
	strbuf_free(&line);
	if (rc < 0) {
		agentproto_reply_free(&rep);
		if (change)
			cmd_audit(c, name, what.p, e.msg, NULL);
		strbuf_free(&what);
		return cmd_fail(r, "%s: %s: %s", ce->name, name, e.msg);
	}
	r->ok = rep.ok;
	r->as_json = rep.as_json;
	if (rep.ok)
		r->text = strdup(rep.text ? rep.text : "");
	else if (asprintf(&r->text, "%s (on host %s)", rep.text && rep.text[0]
	    ? rep.text : rep.error, c->fleet->inst[i].host) < 0)
		r->text = NULL;
	if (json_is_object(rep.json) &&
	    json_is_string(json_object_get(rep.json, "instance")))
		json_object_set_new(rep.json, "instance", json_string(name));
	r->json = rep.json;
	rep.json = NULL;
	if (change)
		cmd_audit(c, name, what.p, rep.ok ? "ok" : r->text ? r->text :
		    "failed", NULL);
	agentproto_reply_free(&rep);
	strbuf_free(&what);
	if (change) {
		fleet_refresh_start(c->fleet, i, clock_wall_s());
		fleet_refresh_wait(c->fleet, i);
	}
	return r->ok ? 0 : -1;
}
