/* SPDX-License-Identifier: GPL-3.0-or-later */
/* liststream.c - see liststream.h. */
#include "liststream.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* line with the rows in the tree (later 0) or left for later. */
static void
list(struct cmd_ctx *c, const char *line, int later, struct cmd_result *r)
{
	int was = c->rows_later;

	c->rows_later = later;
	cmd_exec(c, line, strlen(line), r);
	c->rows_later = was;
	ck_assert_msg(r->ok, "%s failed: %s", line, r->text);
	ck_assert_ptr_nonnull(r->json);
}

/* r's JSON as batch mode writes it (malloc'd): its rows made now when
 * they were left for later. */
static char *
dumped(struct cmd_ctx *c, const struct cmd_result *r)
{
	char *got = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&got, &len);

	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(cmd_result_dump(mem, c, r), 0);
	ck_assert_int_eq(fclose(mem), 0);
	return got;
}

/* want (json_dumps of the tree, freed) and got the same bytes and,
 * parsed back, the same value as tree. */
static void
same_json(char *want, char *got, const json_t *tree)
{
	json_error_t je;
	json_t *back;

	ck_assert_ptr_nonnull(want);
	ck_assert_str_eq(got, want);
	back = json_loads(got, 0, &je);
	ck_assert_msg(back != NULL, "the streamed JSON does not parse: %s",
	    je.text);
	ck_assert(json_equal(back, tree));
	json_decref(back);
	free(got);
	free(want);
}

/* list --devices: the text the same either way (it is made at once),
 * the JSON's devices made an instance at a time the tree's. */
static void
devices_same(struct cmd_ctx *c)
{
	struct cmd_result tree, later;

	list(c, "list --devices", 0, &tree);
	list(c, "list --devices", 1, &later);
	ck_assert_str_eq(later.text, tree.text);
	ck_assert_ptr_null(tree.row);
	ck_assert_msg((later.row != NULL) == (c->fleet != NULL &&
	    c->fleet->n > 0), "rows left for later: %d", later.row != NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(later.json,
	    "devices")), 0);
	same_json(json_dumps(tree.json, JSON_COMPACT | JSON_ENCODE_ANY),
	    dumped(c, &later), tree.json);
	cmd_result_free(&tree);
	cmd_result_free(&later);
}

size_t
tu_list_streamed_same(struct cmd_ctx *c)
{
	struct cmd_result tree, later;
	size_t n, k, tl, ll;
	json_t *rows;

	/* the tree first: it reads what was never read, so both see the
	 * same reads */
	list(c, "list", 0, &tree);
	list(c, "list", 1, &later);
	rows = json_object_get(tree.json, "instances");
	n = json_array_size(rows);
	ck_assert_uint_eq(n, c->fleet != NULL ? c->fleet->n : 0);
	ck_assert_msg((later.row != NULL) == (n > 0), "rows left for later: "
	    "%d, rows: %zu", later.row != NULL, n);
	ck_assert_uint_eq(json_array_size(json_object_get(later.json,
	    "instances")), 0);
	ck_assert_ptr_null(tree.row);
	/* JSON: the same bytes, and the same value parsed back */
	same_json(json_dumps(tree.json, JSON_COMPACT | JSON_ENCODE_ANY),
	    dumped(c, &later), tree.json);
	/* and what it gives when nothing was left for later */
	same_json(json_dumps(tree.json, JSON_COMPACT | JSON_ENCODE_ANY),
	    dumped(c, &tree), tree.json);
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
	devices_same(c);
	return n;
}
