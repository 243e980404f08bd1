/* batch.c - batch mode (batch.h): each -c command runs in order through
 * core/cmd; text (or with --json one JSON value per line) on stdout, a
 * failed command's one line on stderr.  Every command runs even after a
 * failure; the exit status says whether all succeeded (a show of an
 * instance whose monitor did not answer is printed, and counts as
 * failed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd/cmd.h"

/* A view of one instance (show) whose monitor did not answer: printed,
 * since it says what is known, but the command did not do its job; the
 * reason goes to stderr. */
static int
unanswered(const struct cmd_result *r)
{
	const char *conn = json_string_value(json_object_get(r->json,
	    "conn"));
	const char *inst = json_string_value(json_object_get(r->json,
	    "instance"));
	const char *why = json_string_value(json_object_get(r->json,
	    "error"));

	if (!json_is_object(r->json) || conn == NULL || inst == NULL ||
	    strcmp(conn, "ok") == 0)
		return 0;
	fprintf(stderr, "slotscope: show: %s: %s%s%s\n", inst, conn,
	    why ? ": " : "", why ? why : "");
	return 1;
}

static void
print(const struct cmd_result *r, int json)
{
	if (json) {
		char *t = json_dumps(r->json, JSON_COMPACT | JSON_ENCODE_ANY);

		if (t != NULL)
			printf("%s\n", t);
		free(t);
	} else if (r->text != NULL && r->text[0] != '\0')
		printf("%s\n", r->text);
	fflush(stdout);
}

int
batch_run(struct fleet *f, const char *audit_log, const char *const *cmds,
    int n, int json, int unplug_wait_ms)
{
	struct cmd_ctx c;
	int i, failed = 0;

	memset(&c, 0, sizeof c);
	c.fleet = f;
	c.audit_log = audit_log;
	c.unplug_wait_ms = unplug_wait_ms < 0 ? BATCH_UNPLUG_WAIT_MS :
	    unplug_wait_ms;
	for (i = 0; i < n; i++) {
		struct cmd_result r;

		cmd_exec(&c, cmds[i], strlen(cmds[i]), &r);
		if (!r.ok) {
			fprintf(stderr, "slotscope: %s\n",
			    r.text ? r.text : "failed");
			failed = 1;
		} else {
			print(&r, json);
			if (unanswered(&r))
				failed = 1;
		}
		cmd_result_free(&r);
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
