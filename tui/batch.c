/* batch.c - batch mode (batch.h): each -c command runs in order through
 * core/cmd; text (or with --json one JSON value per line) on stdout, a
 * failed command's one line on stderr.  Every command runs even after a
 * failure; the exit status says whether all succeeded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd/cmd.h"

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
		} else if (json) {
			char *t = json_dumps(r.json, JSON_COMPACT |
			    JSON_ENCODE_ANY);

			if (t != NULL)
				printf("%s\n", t);
			free(t);
		} else if (r.text != NULL && r.text[0] != '\0')
			printf("%s\n", r.text);
		cmd_result_free(&r);
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
