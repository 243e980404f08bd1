/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd.h - slotscope's command language, shared by the TUI's readline line
 * and batch mode (-c).  One parser and executor; results are text for a
 * human and a JSON value; no curses here.
 *
 * The commands are one table (cmd.c): each entry names a command, its
 * minimum and maximum number of arguments, usage, help, the function that
 * runs it and what completion offers for each argument.  The TUI's own
 * commands (quit, and a refresh that does not wait) are entries of the
 * same table, known only when the context is interactive; they tell the
 * caller what to do through cmd_result.action.
 */
#ifndef SLOTSCOPE_CMD_H
#define SLOTSCOPE_CMD_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "fleet/fleet.h"

struct cmd_ctx {
	struct fleet *fleet;
	const char *audit_log;		/* path, NULL = none */
	int unplug_wait_ms;		/* 10000 in batch; 0 in the TUI:
					 * persist `unplugging`, refreshes
					 * complete it */
	int interactive;		/* 1 in the TUI: quit is known, and
					 * refresh starts the refreshes and
					 * returns without waiting for them */
	void (*on_connect)(void *arg);	/* called before a command opens an
					 * instance's monitor: its flow's
					 * (hotplug_target's) or a refresh of
					 * its own (version); cmdjob.c sets
					 * it, NULL */
	void *on_connect_arg;
	int rows_later;			/* 1 in batch mode: a table command
					 * (list) leaves its rows out of the
					 * result, which the caller then takes
					 * one at a time (cmd_result_row), so
					 * that 10,000 instances' rows are
					 * never one JSON tree */
};

/* What the caller should do besides showing the result's text. */
enum cmd_action {
	CMD_ACT_NONE,			/* nothing: a command ran (or failed) */
	CMD_ACT_QUIT,			/* quit (or exit): leave the TUI */
	CMD_ACT_REFRESHING,		/* refresh (interactive) started the
					 * refreshes or refused: nothing to
					 * refresh after it */
	CMD_ACT_CANCEL,			/* cancel (interactive): stop the
					 * command running in the background
					 * (cmd/cmdjob.h) */
};

struct cmd_result {
	int ok;				/* 1 succeeded, 0 failed */
	char *text;			/* malloc'd; one line on failure */
	json_t *json;			/* owned; on failure the error object
					 * (cmd_json.h) or the command's own
					 * (show: the unread view); NULL only
					 * when out of memory */
	enum cmd_action action;
	long inst;			/* the fleet index of the instance the
					 * command named, -1 when none (the TUI
					 * refreshes it to show the effect) */
	const char *cmd;		/* the command that ran ("list"; static),
					 * NULL when none was found; its table,
					 * if any: cmd_table.h */
	int as_json;			/* the command's own --json was given
					 * (show INST --json): text is the JSON
					 * value, not for a table */
	/* Rows left for later (c->rows_later): json's member rows_key is
	 * an empty array; row(c, at[k]) makes the k-th of nrows, or with
	 * rows_flat an array of rows (list --devices: an instance's
	 * devices).  A table's (list, cmd_table.h) have no line in text
	 * either.  row NULL: none left. */
	json_t *(*row)(struct cmd_ctx *c, size_t at);
	size_t *at;			/* malloc'd, nrows of them */
	size_t nrows;
	const char *rows_key;		/* static: "instances", "devices" */
	int rows_flat;
};

/* Parse and run one command line (len bytes; no NUL needed).  c NULL: no
 * fleet, batch mode.  res is filled either way; free it with
 * cmd_result_free. */
int cmd_exec(struct cmd_ctx *c, const char *line, size_t len,
    struct cmd_result *res);
void cmd_result_free(struct cmd_result *res);

/* The rows of a table command's result (cmd_table.h), the same either
 * way: those left for later (res->row) made now, else the ones in
 * res->json's rows array.  cmd_result_nrows says how many;
 * cmd_result_row returns the k-th as a new reference (json_decref it),
 * NULL when k is past the last or out of memory. */
size_t cmd_result_nrows(const struct cmd_result *res);
json_t *cmd_result_row(struct cmd_ctx *c, const struct cmd_result *res,
    size_t k);

/* res's JSON value to out, compact, as json_dumps would give it with
 * the rows left for later in it, made now one at a time
 * (cmd_json_dump_rows); no newline.  0, or -1 when out of memory or out
 * failed. */
int cmd_result_dump(FILE *out, struct cmd_ctx *c,
    const struct cmd_result *res);

/* "last read 12:03:01, 4 min ago" (or "never read" when last_read is 0):
 * the age of an instance's last good map (fleet.h: last_read). */
void cmd_last_read_text(double last_read, double now, char *buf, size_t sz);

/* Completion for the command line: the words that could replace the word
 * at `point` in line.  Returns a malloc'd NULL-terminated array of malloc'd
 * strings (free with cmd_completions_free), NULL when none. */
char **cmd_complete(struct cmd_ctx *c, const char *line, size_t point);
void cmd_completions_free(char **v);

/* The name of the i-th command known in c's mode (c NULL: batch), in the
 * order help lists them; NULL after the last.  Static. */
const char *cmd_name(const struct cmd_ctx *c, size_t i);
/* One-paragraph help (static) for a command known in c's mode, or NULL. */
const char *cmd_help(const struct cmd_ctx *c, const char *name);

#endif
