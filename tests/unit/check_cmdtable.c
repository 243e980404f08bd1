/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_cmdtable.c - the tables of list and show (core/cmd/cmd_table.h):
 * -o lists picked and refused, and cells read out of JSON values shaped
 * as the commands make them. */
#include <check.h>
#include <jansson.h>
#include <string.h>

#include "cmd/cmd_table.h"

START_TEST(pick_columns)
{
	const struct cmd_table *t = cmd_table_find("list");
	size_t idx[CMD_TABLE_MAXCOLS];
	struct err e;
	int n;

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(cmd_table_find("next"));
	ck_assert_ptr_null(cmd_table_find(NULL));
	/* blanks and case do not matter; order is kept */
	n = cmd_table_pick(t, " FREE, name ", idx, CMD_TABLE_MAXCOLS, &e);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(t->cols[idx[0]].name, "free");
	ck_assert_str_eq(t->cols[idx[1]].name, "name");
	/* NULL: the defaults */
	n = cmd_table_pick(t, NULL, idx, CMD_TABLE_MAXCOLS, &e);
	ck_assert_int_eq(n, 8);
	ck_assert_str_eq(t->cols[idx[6]].name, "live");
	ck_assert_str_eq(t->cols[idx[7]].name, "capacity");
	/* an unknown one is named, and the table's listed */
	ck_assert_int_eq(cmd_table_pick(t, "name,frees", idx,
	    CMD_TABLE_MAXCOLS, &e), -1);
	ck_assert_msg(strstr(e.msg, "list has no column \"frees\"") &&
	    strstr(e.msg, "name,conn,protocol"), "%s", e.msg);
	ck_assert_int_eq(cmd_table_pick(t, ",,", idx, CMD_TABLE_MAXCOLS, &e),
	    -1);
	ck_assert_int_eq(cmd_table_pick(t, "name,free,live", idx, 2, &e), -1);
	/* show's are its own */
	t = cmd_table_find("show");
	ck_assert_int_eq(cmd_table_pick(t, "free", idx, CMD_TABLE_MAXCOLS,
	    &e), -1);
	ck_assert_int_eq(cmd_table_pick(t, "slot,class", idx,
	    CMD_TABLE_MAXCOLS, &e), 2);
}
END_TEST

static const struct cmd_col *
col(const struct cmd_table *t, const char *name)
{
	size_t idx[1];
	struct err e;

	ck_assert_int_eq(cmd_table_pick(t, name, idx, 1, &e), 1);
	return &t->cols[idx[0]];
}

START_TEST(cells)
{
	const struct cmd_table *l = cmd_table_find("list");
	const struct cmd_table *s = cmd_table_find("show");
	json_t *v = json_loads("{\"instances\": [{\"instance\": \"web1\", "
	    "\"conn\": \"ok\", \"qemu\": \"7.2.22\", \"counts\": {\"free\": 20, "
	    "\"reserved\": 4, \"builtin\": 4, \"used\": 2, \"foreign\": 1, "
	    "\"unplugging\": 1, \"missing\": null}}]}", 0, NULL);
	json_t *sv = json_loads("{\"instance\": \"web1\", \"slots\": [{\"slot\":"
	    " 0, \"state\": \"builtin\", \"reserved\": true, \"id\": null, "
	    "\"functions\": [{\"function\": 0, \"class\": \"Host bridge\"}, "
	    "{\"function\": 1, \"class\": \"x\"}]}]}", 0, NULL);
	const json_t *rows, *row;
	char buf[64];

	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(sv);
	rows = cmd_table_rows(l, v);
	ck_assert_int_eq(json_array_size(rows), 1);
	row = json_array_get(rows, 0);
	cmd_table_cell(col(l, "name"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "web1");
	cmd_table_cell(col(l, "free"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "20");
	/* live: builtin + used + foreign + unplugging */
	cmd_table_cell(col(l, "live"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "8");
	/* a count not known, an absent text */
	cmd_table_cell(col(l, "missing"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "?");
	cmd_table_cell(col(l, "error"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
	ck_assert_ptr_null(cmd_table_rows(l, sv));	/* no "instances" */
	row = json_array_get(cmd_table_rows(s, sv), 0);
	cmd_table_cell(col(s, "reserved"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "1");
	cmd_table_cell(col(s, "id"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "");		/* null id: none */
	cmd_table_cell(col(s, "functions"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "2");
	cmd_table_cell(col(s, "class"), row, buf, sizeof buf);
	ck_assert_str_eq(buf, "Host bridge");
	json_decref(v);
	json_decref(sv);
}
END_TEST

Suite *
cmdtable_suite(void)
{
	Suite *s = suite_create("cmdtable");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, pick_columns);
	tcase_add_test(tc, cells);
	suite_add_tcase(s, tc);
	return s;
}
