/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_table.h - the commands whose result is a table (list, show): their
 * columns, each a view of one field of the command's JSON value, so that
 * the columns a table can show and the JSON vocabulary are one thing.
 *
 * Core only describes the tables and reads cells out of the JSON value;
 * drawing them (alignment, headings, -o, --raw) is the caller's: batch
 * mode renders them with util-linux's libsmartcols (tui/table.c), which
 * core does not link.  Everything here is static or caller-owned.
 */
#ifndef SLOTSCOPE_CMD_TABLE_H
#define SLOTSCOPE_CMD_TABLE_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

#define CMD_TABLE_MAXCOLS 24

struct cmd_col {
	const char *name;	/* as -o takes it: "free" */
	const char *head;	/* its heading: "FREE" */
	int number;		/* right-aligned */
	const char *path;	/* the row's member, "counts.free"; NULL: made
				 * by cmd_table_cell from several */
	const char *help;	/* a few words for --help */
};

struct cmd_table {
	const char *cmd;	/* the command: "list" */
	const char *rows;	/* the JSON value's array of rows:
				 * "instances", "slots" */
	const struct cmd_col *cols;
	size_t ncols;
	const char *defaults;	/* the columns without -o */
};

/* The table of command cmd ("list"), or NULL when its result is text. */
const struct cmd_table *cmd_table_find(const char *cmd);
/* The i-th table (for --help), NULL after the last. */
const struct cmd_table *cmd_table_at(size_t i);

/* The columns named in list ("name,free", case-insensitive, blanks
 * allowed; NULL: the defaults) as indexes into t->cols, at most max.
 * Returns how many, or -1 with e naming an unknown column and listing
 * t's. */
int cmd_table_pick(const struct cmd_table *t, const char *list,
    size_t *idx, size_t max, struct err *e);

/* The rows in a command's JSON value (borrowed), or NULL. */
const json_t *cmd_table_rows(const struct cmd_table *t, const json_t *value);

/* Column c of a row as text into buf: a string as it is, a number in
 * decimal, true/false as 1/0, absent as "", null as "" (no id, no error)
 * or in a number column "?" (a count not known). */
void cmd_table_cell(const struct cmd_col *c, const json_t *row, char *buf,
    size_t len);

#endif
