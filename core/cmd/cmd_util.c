/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_util.c - what every command family uses: one-line failures and
 * success results, the instance an argument names, its slot argument, and
 * the fleet's refreshes as commands need them (see cmd_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "cmd/cmd_int.h"
#include "cmd/cmd_json.h"
#include "cmd/cmd_table.h"
#include "fleet/journal.h"
#include "fleet/unplug.h"
#include "model/slotmap.h"
#include "store/audit.h"

static int
fail_v(struct cmd_result *r, json_t *j, const char *fmt, va_list ap)
{
	char buf[512];
	char *p;

	vsnprintf(buf, sizeof buf, fmt, ap);
	/* one line, always */
	for (p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	free(r->text);
	json_decref(r->json);
	r->ok = 0;
	r->text = strdup(buf);
	r->json = j;
	return -1;
}

int
cmd_fail(struct cmd_result *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_v(r, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
cmd_fail_json(struct cmd_result *r, json_t *j, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_v(r, j, fmt, ap);
	va_end(ap);
	return rc;
}

int
cmd_usage(struct cmd_result *r, const struct cmd_entry *ce)
{
	return cmd_fail(r, "usage: %s", ce->usage);
}

int
cmd_succeed(struct cmd_result *r, struct strbuf *b, json_t *j)
{
	int oom = b->oom;
	char *text;

	if (oom || j == NULL) {
		strbuf_free(b);
		json_decref(j);
		return cmd_fail(r, oom ? "out of memory" : "could not build "
		    "the JSON value (text that is not UTF-8?)");
	}
	strbuf_chomp(b);
	text = strbuf_take(b);
	free(r->text);
	json_decref(r->json);
	r->ok = 1;
	r->text = text;
	r->json = j;
	if (r->text == NULL)
		return cmd_fail(r, "out of memory");
	return 0;
}

void
cmd_result_free(struct cmd_result *res)
{
	if (res == NULL)
		return;
	free(res->text);
	json_decref(res->json);
	res->text = NULL;
	res->json = NULL;
	free(res->at);
	res->at = NULL;
	res->row = NULL;
	res->nrows = 0;
	res->rows_key = NULL;
	res->rows_flat = 0;
}

size_t
cmd_result_nrows(const struct cmd_result *res)
{
	const struct cmd_table *t;

	if (res->row != NULL)
		return res->nrows;
	t = cmd_table_find(res->cmd);
	return t != NULL ? json_array_size(cmd_table_rows(t, res->json)) : 0;
}

json_t *
cmd_result_row(struct cmd_ctx *c, const struct cmd_result *res, size_t k)
{
	const struct cmd_table *t;

	if (res->row != NULL)
		return k < res->nrows ? res->row(c, res->at[k]) : NULL;
	t = cmd_table_find(res->cmd);
	return t != NULL ? json_incref(json_array_get(cmd_table_rows(t,
	    res->json), k)) : NULL;
}

struct later {
	struct cmd_ctx *c;
	const struct cmd_result *res;
};

static json_t *
later_row(void *arg, size_t k)
{
	struct later *l = arg;

	return l->res->row(l->c, l->res->at[k]);
}

int
cmd_result_dump(FILE *out, struct cmd_ctx *c, const struct cmd_result *res)
{
	struct later l = { c, res };
	struct cmd_json_rows rows;

	if (res->row == NULL)
		return json_dumpf(res->json, out, JSON_COMPACT |
		    JSON_ENCODE_ANY) == 0 && !ferror(out) ? 0 : -1;
	rows.key = res->rows_key;
	rows.n = res->nrows;
	rows.row = later_row;
	rows.arg = &l;
	rows.flat = res->rows_flat;
	return cmd_json_dump_rows(out, res->json, &rows);
}

long
cmd_inst(struct cmd_ctx *c, const struct cmd_entry *ce, const char *name,
    struct cmd_result *r)
{
	struct err e;
	long i = c->fleet != NULL ? fleet_find(c->fleet, name, &e) : -1;

	if (i < 0 && c->fleet != NULL && strstr(e.msg, "several hosts"))
		cmd_fail(r, "%s: %s", ce->name, e.msg);
	else if (i < 0)
		cmd_fail(r, "%s: no instance '%s'; type list to see the "
		    "instances", ce->name, name);
	return i;
}

long
cmd_qemu_inst(struct cmd_ctx *c, const struct cmd_entry *ce,
    const char *name, struct cmd_result *r)
{
	long i = cmd_inst(c, ce, name, r);

	if (i >= 0 && c->fleet->inst[i].back == FLEET_BACK_LIBVIRT) {
		cmd_fail(r, "%s: %s is a libvirt domain (%s): its devices and "
		    "reserved slots are libvirt's, which slotscope changes "
		    "only by hotplug and unplug through libvirt", ce->name,
		    name, c->fleet->inst[i].endpoint);
		return -1;
	}
	return i;
}

int
cmd_parse_slot(const struct cmd_entry *ce, const char *w, int *slot,
    struct cmd_result *r)
{
	struct err e;

	if (slotmap_parse_slot(w, strlen(w), slot, &e) < 0)
		return cmd_fail(r, "%s: %s", ce->name, e.msg);
	return 0;
}

int
cmd_have_rtdir(const struct cmd_ctx *c)
{
	return c->fleet != NULL && c->fleet->runtime_dir[0] != '\0';
}

void
cmd_record_reported(struct cmd_ctx *c)
{
	size_t i;

	unplug_record_reported(c->fleet);
	if (journal_resolve_reported(c->fleet) == 0)
		return;
	for (i = 0; i < c->fleet->n; i++)
		if (!c->fleet->inst[i].refreshing)
			fleet_refresh_start(c->fleet, i, clock_wall_s());
	fleet_refresh_wait(c->fleet, (size_t)-1);
	unplug_record_reported(c->fleet);
}

void
cmd_refresh_now(struct cmd_ctx *c, size_t i)
{
	/* a refresh opens the monitor too: a background job's parent must
	 * leave the instance alone from now on (cmd/cmdjob.h) */
	if (c->on_connect != NULL)
		c->on_connect(c->on_connect_arg);
	fleet_refresh_start(c->fleet, i, clock_wall_s());
	fleet_refresh_wait(c->fleet, i);
	cmd_record_reported(c);
}

void
cmd_ensure_seen(struct cmd_ctx *c, size_t i)
{
	struct instance *in = &c->fleet->inst[i];

	if (in->refreshing) {
		fleet_refresh_wait(c->fleet, i);
		cmd_record_reported(c);
	} else if (in->last_refresh == 0)
		cmd_refresh_now(c, i);
}

void
cmd_last_read_text(double last_read, double now, char *buf, size_t sz)
{
	time_t t = (time_t)last_read;
	struct tm tm;
	char hms[16];
	double ago = now - last_read;

	if (last_read <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(buf, sz, "never read");
		return;
	}
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	if (ago < 0)
		ago = 0;
	if (ago < 120)
		snprintf(buf, sz, "last read %s, %d s ago", hms, (int)ago);
	else if (ago < 7200)
		snprintf(buf, sz, "last read %s, %d min ago", hms,
		    (int)(ago / 60));
	else
		snprintf(buf, sz, "last read %s, %d h ago", hms,
		    (int)(ago / 3600));
}

void
cmd_unread_reason(const struct instance *in, char *buf, size_t sz)
{
	if (in->conn == INST_NEW || in->error[0] == '\0')
		snprintf(buf, sz, "the bus was not read yet");
	else
		snprintf(buf, sz, "%s", in->error);
}

int
cmd_need_bus(struct cmd_ctx *c, const struct cmd_entry *ce, size_t i,
    const char *hint, struct cmd_result *r)
{
	const struct instance *in = &c->fleet->inst[i];
	char why[300];

	if (inst_read(in))
		return 0;
	cmd_unread_reason(in, why, sizeof why);
	return cmd_fail(r, "%s: %s: the bus could not be read (%s): %s%s%s",
	    ce->name, in->name, inst_conn_name(in->conn), why,
	    hint ? "; " : "", hint ? hint : "");
}

void
cmd_audit(struct cmd_ctx *c, const char *inst, const char *what,
    const char *result, struct strbuf *b)
{
	struct err e;

	const char *sl = c->fleet != NULL ? c->fleet->audit_syslog : NULL;

	if ((c->audit_log == NULL || c->audit_log[0] == '\0') &&
	    (sl == NULL || sl[0] == '\0'))
		return;
	if (audit_record(c->audit_log, sl, NULL, inst, what, result,
	    &e) < 0 && b != NULL)
		strbuf_printf(b, " (%s)", e.msg);
}

void
cmd_qemu_text(const struct instance *in, char *out, size_t sz)
{
	cmd_json_qemu(&in->version, out, sz);
}
