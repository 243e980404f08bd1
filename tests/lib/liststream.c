/* SPDX-License-Identifier: GPL-3.0-or-later */
/* liststream.c - see liststream.h. */
#include "liststream.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_json.h"

struct rows_of {
	struct cmd_ctx *c;
	const struct cmd_result *r;
};

static json_t *
row_at(void *arg, size_t k)
{
	struct rows_of *ro = arg;

	return cmd_result_row(ro->c, ro->r, k);
}

/* `list` with the rows in the tree (later 0) or left for later. */
static void
list(struct cmd_ctx *c, int later, struct cmd_result *r)
{
	int was = c->rows_later;

	c->rows_later = later;
	cmd_exec(c, "list", 4, r);
	c->rows_later = was;
	ck_assert_msg(r->ok, "list failed: %s", r->text);
	ck_assert_ptr_nonnull(r->json);
}

size_t
tu_list_streamed_same(struct cmd_ctx *c)
{
	struct cmd_result tree, later;
	struct rows_of ro;
	char *want, *got = NULL;
	size_t gotlen = 0, n, k, tl, ll;
	json_t *back, *rows;
	json_error_t je;
	FILE *mem;

	/* the tree first: it reads what was never read, so both see the
	 * same reads */
	list(c, 0, &tree);
	list(c, 1, &later);
	rows = json_object_get(tree.json, "instances");
	n = json_array_size(rows);
	ck_assert_uint_eq(n, c->fleet != NULL ? c->fleet->n : 0);
	ck_assert_msg((later.row != NULL) == (n > 0), "rows left for later: "
	    "%d, rows: %zu", later.row != NULL, n);
	ck_assert_uint_eq(json_array_size(json_object_get(later.json,
	    "instances")), 0);
	ck_assert_ptr_null(tree.row);
	/* JSON: the same bytes, and the same value parsed back */
	want = json_dumps(tree.json, JSON_COMPACT | JSON_ENCODE_ANY);
	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(mem = open_memstream(&got, &gotlen));
	ro.c = c;
	ro.r = &later;
	ck_assert_int_eq(cmd_json_dump_rows(mem, later.json, "instances",
	    later.nrows, row_at, &ro), 0);
	ck_assert_int_eq(fclose(mem), 0);
	ck_assert_str_eq(got, want);
	back = json_loads(got, 0, &je);
	ck_assert_msg(back != NULL, "the streamed JSON does not parse: %s",
	    je.text);
	ck_assert(json_equal(back, tree.json));
	json_decref(back);
	free(got);
	free(want);
	/* the table's rows: the same, one at a time, either way */
	ck_assert_uint_eq(cmd_result_nrows(&tree), n);
	ck_assert_uint_eq(cmd_result_nrows(&later), n);
	for (k = 0; k < n; k++) {
		json_t *a = cmd_result_row(c, &tree, k),
		    *b = cmd_result_row(c, &later, k);

		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_msg(json_equal(a, json_array_get(rows, k)) &&
		    json_equal(b, a), "row %zu differs", k);
		json_decref(a);
		json_decref(b);
	}
	ck_assert_ptr_null(cmd_result_row(c, &later, n));
	ck_assert_ptr_null(cmd_result_row(c, &tree, n));
	/* text: the rows' lines are the table's then; what follows them
	 * (a host that never answered) is the same */
	tl = strlen(tree.text);
	ll = strlen(later.text);
	ck_assert_msg(ll <= tl && strcmp(tree.text + tl - ll,
	    later.text) == 0, "text left: '%s', whole: '%s'", later.text,
	    tree.text);
	ck_assert_msg(n == 0 || ll < tl, "no rows in the text: '%s'",
	    tree.text);
	cmd_result_free(&tree);
	cmd_result_free(&later);
	return n;
}
