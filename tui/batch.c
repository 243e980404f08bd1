/* SPDX-License-Identifier: GPL-3.0-or-later */
/* batch.c - batch mode (batch.h): each -c command runs in order through
 * core/cmd; text, a table (list, show: table.c), or with --json one JSON
 * value per line, on stdout, a failed command's one line on stderr, and
 * with --json its JSON value too (the error object, or show's view of a
 * bus that could not be read: show fails then, core/cmd says so).  Every
 * command runs even after a failure; the exit status says whether all
 * succeeded.  list's rows are made one at a time as the table or the
 * JSON takes them (cmd_ctx.rows_later), never held as one JSON tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd/cmd.h"

/* show's table comes after its first line of text (the instance, its
 * state and QEMU), which is a heading: --noheadings and --raw drop it. */
static void
show_heading(const struct cmd_result *r, const struct table_opts *o)
{
	size_t n;

	if (o->noheadings || o->raw || r->text == NULL ||
	    strcmp(r->cmd, "show") != 0)
		return;
	n = strcspn(r->text, "\n");
	printf("%.*s\n", (int)n, r->text);
}

/* After show's table: its devices and their backends, as the text has
 * them (they are no slot rows). */
static void
show_devices(const struct cmd_result *r)
{
	const char *d;

	if (r->text == NULL || strcmp(r->cmd, "show") != 0 ||
	    (d = strstr(r->text, "\ndevices")) == NULL)
		return;
	printf("%s\n", d + 1);
}

/* After list's table: a host that never answered has no rows, so a line
 * says it is unreachable and its instances unknown, as the text does. */
static void
list_hosts(const struct cmd_result *r)
{
	json_t *hs = json_object_get(r->json, "hosts"), *h;
	size_t k;

	if (strcmp(r->cmd, "list") != 0)
		return;
	json_array_foreach(hs, k, h) {
		const char *why = json_string_value(json_object_get(h,
		    "error"));

		if (!json_is_null(json_object_get(h, "instances")))
			continue;
		if (why == NULL)	/* still connecting */
			printf("%s/*  %s  instances unknown\n",
			    json_string_value(json_object_get(h, "host")),
			    json_string_value(json_object_get(h, "conn")));
		else
			printf("%s/*  unreachable  instances unknown  (%s)\n",
			    json_string_value(json_object_get(h, "host")), why);
	}
}

/* A table's rows, for table_rows. */
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

/* --json: the value on one line; rows left for later (cmd_ctx.rows_later)
 * written as they are made. */
static int
print_json(struct cmd_ctx *c, const struct cmd_result *r)
{
	char *s;

	if (r->row != NULL) {
		if (cmd_result_dump(stdout, c, r) < 0) {
			printf("\n");
			fprintf(stderr, "slotscope: cannot write the %s JSON "
			    "(out of memory, or stdout failed)\n", r->cmd);
			return -1;
		}
		printf("\n");
		return 0;
	}
	s = json_dumps(r->json, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s != NULL)
		printf("%s\n", s);
	free(s);
	return 0;
}

/* 0, or -1 when a table could not be printed (its line on stderr). */
static int
print(struct cmd_ctx *c, const struct cmd_result *r,
    const struct batch_opts *o)
{
	const struct cmd_table *t = cmd_table_find(r->cmd);
	struct rows_of ro = { c, r };
	struct table_rows rows = { 0, row_at, &ro };
	struct err e;
	int rc = 0;

	if (o->json)
		rc = print_json(c, r);
	else if (t != NULL && !r->as_json &&
	    cmd_table_rows(t, r->json) != NULL) {
		show_heading(r, &o->table);
		fflush(stdout);
		rows.n = cmd_result_nrows(r);
		if (table_print(stdout, t, &rows, &o->table, &e) < 0) {
			fprintf(stderr, "slotscope: %s\n", e.msg);
			rc = -1;
		} else if (!o->table.raw) {
			show_devices(r);
			list_hosts(r);
		}
	} else if (r->text != NULL && r->text[0] != '\0')
		printf("%s\n", r->text);
	fflush(stdout);
	return rc;
}

/* -o checked against every list and show among the commands before any
 * runs: a column one of them lacks is a usage error. */
static int
check_columns(const char *const *cmds, int n, const struct batch_opts *o)
{
	const struct cmd_table *t;
	char word[32];
	struct err e;
	int i;

	if (o->json || o->table.columns == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		const char *p = cmds[i] + strspn(cmds[i], " \t");

		snprintf(word, sizeof word, "%.*s", (int)strcspn(p, " \t"), p);
		t = cmd_table_find(word);
		if (t != NULL && table_check(t, &o->table, &e) < 0) {
			fprintf(stderr, "slotscope: -o: %s\n", e.msg);
			return -1;
		}
	}
	return 0;
}

int
batch_run(struct fleet *f, const char *audit_log, const char *const *cmds,
    int n, const struct batch_opts *o)
{
	struct cmd_ctx c;
	int i, failed = 0;

	if (check_columns(cmds, n, o) < 0)
		return 2;
	memset(&c, 0, sizeof c);
	c.fleet = f;
	c.audit_log = audit_log;
	c.unplug_wait_ms = o->unplug_wait_ms < 0 ? BATCH_UNPLUG_WAIT_MS :
	    o->unplug_wait_ms;
	/* list's rows are printed as they are made, never all held */
	c.rows_later = 1;
	for (i = 0; i < n; i++) {
		struct cmd_result r;

		cmd_exec(&c, cmds[i], strlen(cmds[i]), &r);
		if (!r.ok) {
			fprintf(stderr, "slotscope: %s\n",
			    r.text ? r.text : "failed");
			failed = 1;
			if (o->json && r.json != NULL)
				print(&c, &r, o);	/* its JSON value too */
		} else if (print(&c, &r, o) < 0)
			failed = 1;
		cmd_result_free(&r);
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
