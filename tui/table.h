/* SPDX-License-Identifier: GPL-3.0-or-later */
/* table.h - batch mode's tables (the results of list and show, whose
 * columns core/cmd/cmd_table.h describes) drawn by util-linux's
 * libsmartcols, the library behind lsblk and findmnt, so they read and
 * script the same: -o COLUMNS, --raw, --noheadings.
 *
 * libsmartcols is linked by the program (tui/), not by core: core says
 * what the columns are and what is in each cell, this file how they look.
 */
#ifndef SLOTSCOPE_TABLE_H
#define SLOTSCOPE_TABLE_H

#include <jansson.h>
#include <stdio.h>

#include "base/err.h"
#include "cmd/cmd_table.h"

struct table_opts {
	const char *columns;	/* -o LIST, NULL: the table's defaults */
	int raw;		/* --raw: one blank between cells, blanks
				 * and the like in a cell escaped (\x20) */
	int noheadings;		/* --noheadings */
};

/* Check that o's columns are t's; 0, or -1 with e saying which is not. */
int table_check(const struct cmd_table *t, const struct table_opts *o,
    struct err *e);

/* Where a table's rows come from: n of them, the k-th a new reference
 * from row(arg, k) (NULL: out of memory), taken one at a time. */
struct table_rows {
	size_t n;
	json_t *(*row)(void *arg, size_t k);
	void *arg;
};

/* Print t's rows to out.  0, or -1 with e filled (unknown column, out
 * of memory, a write error). */
int table_print(FILE *out, const struct cmd_table *t,
    const struct table_rows *rows, const struct table_opts *o,
    struct err *e);

#endif
