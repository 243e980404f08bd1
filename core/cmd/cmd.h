/* cmd.h - CONTRACT (to be implemented in core/cmd.c by the issue-4 work):
 * slotscope's command language, shared by the TUI's readline line and batch
 * mode (-c).  One parser and executor; results are text for a human and a
 * JSON value; no curses here.
 */
#ifndef SLOTSCOPE_CMD_H
#define SLOTSCOPE_CMD_H

#include <jansson.h>
#include <stddef.h>

#include "fleet/fleet.h"

struct cmd_ctx {
	struct fleet *fleet;
	const char *audit_log;		/* path, NULL = none */
	int unplug_wait_ms;		/* 10000 in batch; 0 in the TUI: persist
					 * `unplugging`, refreshes complete it */
	int allow_raw;
};

struct cmd_result {
	int ok;				/* 1 succeeded, 0 failed */
	char *text;			/* malloc'd; one line on failure */
	json_t *json;			/* owned; NULL on failure */
};

/* Parse and run one command line (len bytes; no NUL needed). */
int cmd_exec(struct cmd_ctx *c, const char *line, size_t len,
    struct cmd_result *res);
void cmd_result_free(struct cmd_result *res);

/* Completion for the command line: the words that could replace the word
 * at `point` in line.  Returns a malloc'd NULL-terminated array of malloc'd
 * strings (free with cmd_completions_free), NULL when none. */
char **cmd_complete(struct cmd_ctx *c, const char *line, size_t point);
void cmd_completions_free(char **v);

/* Names of the commands, NULL-terminated, static. */
const char *const *cmd_names(void);
/* One-paragraph help for a command (static), or NULL. */
const char *cmd_help(const char *name);

#endif
