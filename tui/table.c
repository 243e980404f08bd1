/* SPDX-License-Identifier: GPL-3.0-or-later */
/* table.c - batch mode's tables through libsmartcols (table.h): the
 * columns picked by -o (or the table's defaults), one line per row of the
 * command's JSON value, numbers aligned right; --raw and --noheadings as
 * lsblk has them.
 */
#include <libsmartcols.h>

#include "table.h"

int
table_check(const struct cmd_table *t, const struct table_opts *o,
    struct err *e)
{
	size_t idx[CMD_TABLE_MAXCOLS];

	return cmd_table_pick(t, o->columns, idx, CMD_TABLE_MAXCOLS, e) < 0 ?
	    -1 : 0;
}

int
table_print(FILE *out, const struct cmd_table *t,
    const struct table_rows *rows, const struct table_opts *o,
    struct err *e)
{
	size_t idx[CMD_TABLE_MAXCOLS], k, i;
	struct libscols_table *tb;
	int n, rc = 0;

	n = cmd_table_pick(t, o->columns, idx, CMD_TABLE_MAXCOLS, e);
	if (n < 0)
		return -1;
	tb = scols_new_table();
	if (tb == NULL)
		return err_set(e, "out of memory");
	scols_table_set_stream(tb, out);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	for (k = 0; k < (size_t)n && rc == 0; k++) {
		const struct cmd_col *c = &t->cols[idx[k]];

		if (scols_table_new_column(tb, c->head, 0,
		    c->number ? SCOLS_FL_RIGHT : 0) == NULL)
			rc = -1;
	}
	/* one row's JSON at a time: the table keeps only its cells */
	for (i = 0; i < rows->n && rc == 0; i++) {
		json_t *row = rows->row(rows->arg, i);
		struct libscols_line *ln;

		ln = row != NULL ? scols_table_new_line(tb, NULL) : NULL;
		if (ln == NULL)
			rc = -1;
		for (k = 0; k < (size_t)n && rc == 0; k++) {
			char buf[512];

			cmd_table_cell(&t->cols[idx[k]], row, buf, sizeof buf);
			rc = scols_line_set_data(ln, k, buf) == 0 ? 0 : -1;
		}
		json_decref(row);
	}
	if (rc == 0 && scols_print_table(tb) != 0)
		rc = -1;
	scols_unref_table(tb);
	if (rc != 0)
		return err_set(e, "cannot print the %s table (out of memory, "
		    "or stdout failed)", t->cmd);
	return 0;
}
