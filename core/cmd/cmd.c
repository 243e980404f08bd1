/* cmd.c - slotscope's command language: tokenizer, one parser/executor per
 * command, completion and help (contract in cmd.h).
 *
 * Every command either succeeds (text + JSON value) or fails with ONE line
 * and changes nothing.  Changes (reserve, free, hotplug, unplug) go through
 * the runtime store under its lock and are appended to the audit log.
 * Slot states are always computed from the live bus as last seen by the
 * fleet and the runtime file as it is on disk now, so a command sees the
 * effect of the previous one even before the next refresh.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "store/audit.h"
#include "cmd/cmd.h"
#include "model/devid.h"
#include "fleet/hotplug.h"
#include "fleet/unplug.h"
#include "model/slotmap.h"
#include "model/state.h"
#include "store/store.h"

#define MAX_WORDS 32
#define MAX_WORD 4096
#define MAX_LINE 16384
#define LOCK_MS 5000

/* ---- tokenizer --------------------------------------------------------- */

struct words {
	char *w[MAX_WORDS];
	size_t start[MAX_WORDS];	/* offset of each word in the line */
	size_t n;
	int open;			/* the last word has an open quote */
	int trailing_blank;		/* the line ends in a blank */
};

static void
words_free(struct words *ws)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		free(ws->w[i]);
	ws->n = 0;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Split a line into words.  Quoting: '...' is literal; "..." keeps
 * everything but \" and \\; outside quotes a backslash takes the next
 * character literally.  Control characters are refused.  lenient (for
 * completion): an open quote or trailing backslash ends the word. */
static int
split(const char *line, size_t len, struct words *ws, int lenient,
    struct err *e)
{
	size_t i = 0;
	char *buf;

	memset(ws, 0, sizeof *ws);
	if (len > MAX_LINE)
		return err_set(e, "the command line is too long (at most %d "
		    "bytes)", MAX_LINE);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && !is_blank((char)ch)) || ch == 0x7f)
			return err_set(e, "control characters are not allowed "
			    "in a command (byte 0x%02x at %zu)", ch, i);
	}
	buf = malloc(MAX_WORD + 1);
	if (buf == NULL)
		return err_set(e, "out of memory");
	i = 0;
	for (;;) {
		size_t n = 0;
		char q = 0;

		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len)
			break;
		if (ws->n == MAX_WORDS) {
			free(buf);
			words_free(ws);
			return err_set(e, "too many words (at most %d)",
			    MAX_WORDS);
		}
		ws->start[ws->n] = i;
		while (i < len && (q != 0 || !is_blank(line[i]))) {
			char ch = line[i++];

			if (q == '\'') {
				if (ch == '\'') {
					q = 0;
					continue;
				}
			} else if (q == '"') {
				if (ch == '"') {
					q = 0;
					continue;
				}
				if (ch == '\\' && i < len && (line[i] == '"' ||
				    line[i] == '\\'))
					ch = line[i++];
			} else if (ch == '\'' || ch == '"') {
				q = ch;
				continue;
			} else if (ch == '\\') {
				if (i >= len) {
					if (lenient)
						break;
					free(buf);
					words_free(ws);
					return err_set(e, "the line ends in a "
					    "backslash");
				}
				ch = line[i++];
			}
			if (n == MAX_WORD) {
				free(buf);
				words_free(ws);
				return err_set(e, "a word is too long (at most "
				    "%d bytes)", MAX_WORD);
			}
			buf[n++] = ch;
		}
		if (q != 0) {
			if (!lenient) {
				free(buf);
				words_free(ws);
				return err_set(e, "unterminated %s quote",
				    q == '"' ? "double" : "single");
			}
			ws->open = 1;
		}
		buf[n] = '\0';
		ws->w[ws->n] = strdup(buf);
		if (ws->w[ws->n] == NULL) {
			free(buf);
			words_free(ws);
			return err_set(e, "out of memory");
		}
		ws->n++;
	}
	ws->trailing_blank = len > 0 && is_blank(line[len - 1]) && !ws->open;
	free(buf);
	return 0;
}

/* ---- results ----------------------------------------------------------- */

static int
fail(struct cmd_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(struct cmd_result *r, const char *fmt, ...)
{
	va_list ap;
	char buf[512];
	char *p;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* one line, always */
	for (p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	free(r->text);
	json_decref(r->json);
	r->ok = 0;
	r->text = strdup(buf);
	r->json = NULL;
	return -1;
}

/* A growing text buffer for success results. */
struct sbuf {
	char *p;
	size_t n, cap;
	int oom;
};

static void
sb_add(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->n;

		va_start(ap, fmt);
		k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt,
		    ap);
		va_end(ap);
		if (k < 0) {
			b->oom = 1;
			return;
		}
		if (b->p != NULL && (size_t)k < room) {
			b->n += (size_t)k;
			return;
		}
		{
			size_t nc = b->cap ? b->cap * 2 : 256;
			char *np;

			while (nc < b->n + (size_t)k + 1)
				nc *= 2;
			np = realloc(b->p, nc);
			if (np == NULL) {
				b->oom = 1;
				return;
			}
			b->p = np;
			b->cap = nc;
		}
	}
}

/* Success: takes b's text (without a trailing newline) and the json. */
static int
succeed(struct cmd_result *r, struct sbuf *b, json_t *j)
{
	if (b->oom || j == NULL) {
		free(b->p);
		json_decref(j);
		return fail(r, b->oom ? "out of memory" : "could not build the "
		    "JSON value (text that is not UTF-8?)");
	}
	while (b->n > 0 && b->p[b->n - 1] == '\n')
		b->p[--b->n] = '\0';
	free(r->text);
	json_decref(r->json);
	r->ok = 1;
	r->text = b->p ? b->p : strdup("");
	r->json = j;
	if (r->text == NULL)
		return fail(r, "out of memory");
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
}

/* ---- shared helpers ---------------------------------------------------- */

struct spec;
typedef int (*run_fn)(struct cmd_ctx *, const struct spec *,
    struct words *, struct cmd_result *);

struct spec {
	const char *name;
	const char *usage;
	const char *help;
	run_fn run;
};

static const struct spec *find_spec(const char *name);

static int
usage(struct cmd_result *r, const struct spec *s)
{
	return fail(r, "usage: %s", s->usage);
}

/* The instance called name, or -1 with a failure result. */
static long
find_inst(struct cmd_ctx *c, const struct spec *s, const char *name,
    struct cmd_result *r)
{
	size_t i;

	if (c->fleet != NULL)
		for (i = 0; i < c->fleet->n; i++)
			if (strcmp(c->fleet->inst[i].name, name) == 0)
				return (long)i;
	fail(r, "%s: no instance '%s'; type list to see the instances",
	    s->name, name);
	return -1;
}

static int
parse_slot(const struct spec *s, const char *w, int *slot,
    struct cmd_result *r)
{
	struct err e;

	if (slotmap_parse_slot(w, strlen(w), slot, &e) < 0)
		return fail(r, "%s: %s", s->name, e.msg);
	return 0;
}

static int
have_rtdir(struct cmd_ctx *c)
{
	return c->fleet != NULL && c->fleet->runtime_dir[0] != '\0';
}

/* The instance's runtime file as on disk now (defaults without a runtime
 * dir).  rt is initialised either way; free it with store_rt_free. */
static int
load_rt(struct cmd_ctx *c, size_t i, struct store_rt *rt, struct err *e)
{
	const char *name = c->fleet->inst[i].name;

	if (!have_rtdir(c)) {
		store_rt_init(rt, name);
		return 0;
	}
	return store_load(c->fleet->runtime_dir, name, rt, e);
}

static void
audit(struct cmd_ctx *c, const char *inst, const char *what,
    const char *result, struct sbuf *b)
{
	struct err e;

	if (c->audit_log == NULL || c->audit_log[0] == '\0')
		return;
	if (audit_append(c->audit_log, NULL, inst, what, result, &e) < 0 &&
	    b != NULL)
		sb_add(b, " (audit log not written: %s)", e.msg);
}

static double
now_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* Refresh instance i now and wait for it (i == (size_t)-1: all). */
static void
refresh_now(struct cmd_ctx *c, size_t i)
{
	fleet_refresh_start(c->fleet, i, now_s());
	fleet_refresh_wait(c->fleet, i);
	unplug_record_reported(c->fleet);
}

/* A command needs instance i's live bus: see it once if it never was
 * (batch mode); a refresh under way (the TUI) is run to its end so that
 * it does not hold the monitor socket while we use it. */
static void
ensure_seen(struct cmd_ctx *c, size_t i)
{
	struct instance *in = &c->fleet->inst[i];

	if (in->refreshing) {
		fleet_refresh_wait(c->fleet, i);
		unplug_record_reported(c->fleet);
	} else if (in->last_refresh == 0)
		refresh_now(c, i);
}

static void
target(struct cmd_ctx *c, size_t i, struct hotplug_target *t)
{
	memset(t, 0, sizeof *t);
	t->inst = c->fleet->inst[i].name;
	t->endpoint = c->fleet->inst[i].endpoint;
	t->runtime_dir = c->fleet->runtime_dir;
	if (c->fleet->monitor_timeout_ms > HOTPLUG_GREET_MS)
		t->greet_ms = c->fleet->monitor_timeout_ms;
}

/* "hotplug nic mac=..." for the audit log: the command and its words
 * after the instance (which the log has as instance=) */
static void
join(struct words *ws, char *out, size_t sz)
{
	size_t k, n;

	n = (size_t)snprintf(out, sz, "%s", ws->w[0]);
	for (k = 2; k < ws->n && n < sz; k++)
		n += (size_t)snprintf(out + n, sz - n, " %s", ws->w[k]);
}

/* "7.2.22" or "" */
static void
qemu_text(const struct instance *in, char *out, size_t sz)
{
	if (in->version.major == 0 && in->version.minor == 0 &&
	    in->version.micro == 0)
		snprintf(out, sz, "%s", "");
	else
		snprintf(out, sz, "%d.%d.%d", in->version.major,
		    in->version.minor, in->version.micro);
}

/* ---- list, show -------------------------------------------------------- */

/* One instance's line of `list`, gathered before the columns are sized. */
struct list_row {
	int cnt[SLOT_NSTATES];
	int live;
	char q[32];		/* QEMU version or "" */
	char pq[48];		/* "qmp 7.2.22" */
	int rtok;
	char rterr[256];	/* struct err's message */
};

struct list_widths {
	int name, conn, pq, free, res, live;
};

static void
wmax(int *w, size_t n)
{
	if ((int)n > *w)
		*w = (int)n;
}

static int
run_list(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	struct sbuf b = { 0 };
	json_t *arr = json_array(), *j;
	struct list_row *row;
	struct list_widths w = { 0, 0, 0, 0, 0, 0 };
	size_t i, nin;

	if (ws->n != 1) {
		json_decref(arr);
		return usage(r, s);
	}
	/* instances never seen are read all at once, not one after another */
	if (c->fleet != NULL) {
		int wait = 0;

		for (i = 0; i < c->fleet->n; i++) {
			struct instance *in = &c->fleet->inst[i];

			if (!in->refreshing && in->last_refresh == 0)
				fleet_refresh_start(c->fleet, i, now_s());
			wait |= in->refreshing;
		}
		if (wait) {
			fleet_refresh_wait(c->fleet, (size_t)-1);
			unplug_record_reported(c->fleet);
		}
	}
	if (c->fleet == NULL || c->fleet->n == 0)
		sb_add(&b, "no instances (give NAME=ENDPOINT, --monitor-dir "
		    "or a config file)\n");
	/* the text's columns are as wide as their widest value, so a line
	 * stays short enough for the TUI's event pane */
	nin = c->fleet != NULL ? c->fleet->n : 0;
	row = nin ? calloc(nin, sizeof *row) : NULL;
	if (nin && row == NULL) {
		json_decref(arr);
		return fail(r, "out of memory");
	}
	for (i = 0; i < nin; i++) {
		const struct instance *in = &c->fleet->inst[i];
		struct list_row *lr = &row[i];
		struct store_rt rt;
		struct slot_view v[32];
		struct err e;
		json_t *o, *counts;
		int k, rtok;

		rtok = load_rt(c, i, &rt, &e) == 0;
		state_reconcile(&in->live, &rt, v);
		for (k = 0; k < 32; k++)
			lr->cnt[v[k].state]++;
		lr->live = lr->cnt[SLOT_USED] + lr->cnt[SLOT_FOREIGN] +
		    lr->cnt[SLOT_BUILTIN] + lr->cnt[SLOT_UNPLUGGING];
		qemu_text(in, lr->q, sizeof lr->q);
		snprintf(lr->pq, sizeof lr->pq, "%s %s",
		    in->protocol[0] ? in->protocol : "-",
		    lr->q[0] ? lr->q : "-");
		lr->rtok = rtok;
		if (!rtok)
			snprintf(lr->rterr, sizeof lr->rterr, "%s", e.msg);
		wmax(&w.name, strlen(in->name));
		wmax(&w.conn, strlen(inst_conn_name(in->conn)));
		wmax(&w.pq, strlen(lr->pq));
		wmax(&w.free, (size_t)snprintf(NULL, 0, "%d",
		    lr->cnt[SLOT_FREE]));
		wmax(&w.res, (size_t)snprintf(NULL, 0, "%d",
		    lr->cnt[SLOT_RESERVED]));
		wmax(&w.live, (size_t)snprintf(NULL, 0, "%d", lr->live));
		counts = json_object();
		for (k = 0; k < SLOT_NSTATES; k++)
			json_object_set_new(counts,
			    slot_state_name((enum slot_state)k),
			    json_integer(lr->cnt[k]));
		o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o}",
		    "name", in->name, "endpoint", in->endpoint,
		    "conn", inst_conn_name(in->conn),
		    "protocol", in->protocol[0] ? in->protocol : NULL,
		    "qemu", lr->q[0] ? lr->q : NULL,
		    "error", in->error[0] ? in->error : (rtok ? NULL : e.msg),
		    "slots", counts);
		json_array_append_new(arr, o);
		store_rt_free(&rt);
	}
	for (i = 0; i < nin; i++) {
		const struct instance *in = &c->fleet->inst[i];
		const struct list_row *lr = &row[i];

		sb_add(&b, "%-*s  %-*s  %-*s  free %*d  reserved %*d  live %*d",
		    w.name, in->name, w.conn, inst_conn_name(in->conn),
		    w.pq, lr->pq, w.free, lr->cnt[SLOT_FREE], w.res,
		    lr->cnt[SLOT_RESERVED], w.live, lr->live);
		if (lr->cnt[SLOT_UNPLUGGING])
			sb_add(&b, "  unplugging %d", lr->cnt[SLOT_UNPLUGGING]);
		if (lr->cnt[SLOT_MISSING])
			sb_add(&b, "  missing %d", lr->cnt[SLOT_MISSING]);
		if (lr->cnt[SLOT_FOREIGN])
			sb_add(&b, "  foreign %d", lr->cnt[SLOT_FOREIGN]);
		if (in->error[0])
			sb_add(&b, "  (%s)", in->error);
		if (!lr->rtok)
			sb_add(&b, "  (runtime file: %s)", lr->rterr);
		sb_add(&b, "\n");
	}
	free(row);
	j = json_pack("{s:o}", "instances", arr);
	return succeed(r, &b, j);
}

/* The JSON value of `show`. */
static json_t *
show_json(const struct instance *in, const struct slot_view *v)
{
	json_t *slots = json_array();
	char q[32];
	int k;

	qemu_text(in, q, sizeof q);
	for (k = 0; k < 32; k++) {
		const struct pci_fn *fn[8];
		size_t n = pci_info_slot(&in->live, k, fn, 8), f;
		json_t *fns = json_array();

		for (f = 0; f < n && f < 8; f++)
			json_array_append_new(fns, json_pack(
			    "{s:i, s:s, s:i, s:i, s:s?}",
			    "function", fn[f]->func,
			    "class", fn[f]->class_text,
			    "vendor", (int)fn[f]->vendor,
			    "device", (int)fn[f]->device,
			    "id", fn[f]->id[0] ? fn[f]->id : NULL));
		json_array_append_new(slots, json_pack(
		    "{s:i, s:s, s:b, s:s?, s:s?, s:o}",
		    "slot", k, "state", slot_state_name(v[k].state),
		    "reserved", v[k].reserved,
		    "id", v[k].id[0] ? v[k].id : NULL,
		    "type", v[k].type[0] ? v[k].type : NULL,
		    "functions", fns));
	}
	return json_pack("{s:s, s:s?, s:s?, s:s, s:s?, s:o}",
	    "instance", in->name,
	    "protocol", in->protocol[0] ? in->protocol : NULL,
	    "qemu", q[0] ? q : NULL,
	    "conn", inst_conn_name(in->conn),
	    "error", in->error[0] ? in->error : NULL,
	    "slots", slots);
}

static int
run_show(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	const char *name = NULL;
	int as_json = 0;
	size_t k;
	long i;
	struct store_rt rt;
	struct slot_view v[32];
	struct sbuf b = { 0 };
	struct err e;
	const struct instance *in;
	json_t *j;
	char q[32];
	int slot;

	for (k = 1; k < ws->n; k++) {
		if (strcmp(ws->w[k], "--json") == 0) {
			if (as_json)
				return usage(r, s);
			as_json = 1;
		}
		else if (ws->w[k][0] == '-')
			return fail(r, "show: unknown option '%s' (expected "
			    "--json)", ws->w[k]);
		else if (name == NULL)
			name = ws->w[k];
		else
			return usage(r, s);
	}
	if (name == NULL)
		return usage(r, s);
	if ((i = find_inst(c, s, name, r)) < 0)
		return -1;
	ensure_seen(c, (size_t)i);
	in = &c->fleet->inst[i];
	if (load_rt(c, (size_t)i, &rt, &e) < 0) {
		store_rt_free(&rt);
		return fail(r, "show: %s", e.msg);
	}
	state_reconcile(&in->live, &rt, v);
	store_rt_free(&rt);
	j = show_json(in, v);
	if (j == NULL)
		return fail(r, "out of memory");
	if (as_json) {
		char *t = json_dumps(j, JSON_COMPACT);

		if (t == NULL) {
			json_decref(j);
			return fail(r, "out of memory");
		}
		sb_add(&b, "%s", t);
		free(t);
		return succeed(r, &b, j);
	}
	qemu_text(in, q, sizeof q);
	sb_add(&b, "%s  %s  %s  QEMU %s", in->name, inst_conn_name(in->conn),
	    in->protocol[0] ? in->protocol : "-", q[0] ? q : "?");
	if (in->error[0])
		sb_add(&b, "  (%s)", in->error);
	sb_add(&b, "\nslot state       res  id\n");
	for (slot = 0; slot < 32; slot++) {
		sb_add(&b, "%4d %-11s %-4s %s", slot,
		    slot_state_name(v[slot].state), v[slot].reserved ? "R" : "-",
		    v[slot].id);
		if (v[slot].nfn > 1)
			sb_add(&b, "%s(%d functions)", v[slot].id[0] ? " " : "",
			    v[slot].nfn);
		sb_add(&b, "\n");
	}
	return succeed(r, &b, j);
}

/* ---- reserve, free, next ----------------------------------------------- */

static int
run_resfree(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	int is_free = strcmp(s->name, "free") == 0;
	const char *name = NULL, *slotw = NULL;
	int force = 0, slot;
	size_t k;
	long i;
	struct store_txn t;
	struct err e;
	struct sbuf b = { 0 };
	char what[64], map[SLOTMAP_NSLOTS + 1];
	json_t *j;

	for (k = 1; k < ws->n; k++) {
		if (is_free && strcmp(ws->w[k], "--force") == 0) {
			if (force)
				return usage(r, s);
			force = 1;
		}
		else if (ws->w[k][0] == '-' && ws->w[k][1] != '\0' &&
		    !isdigit((unsigned char)ws->w[k][1]))
			return fail(r, "%s: unknown option '%s'%s", s->name,
			    ws->w[k], is_free ? " (expected --force)" : "");
		else if (name == NULL)
			name = ws->w[k];
		else if (slotw == NULL)
			slotw = ws->w[k];
		else
			return usage(r, s);
	}
	if (name == NULL || slotw == NULL)
		return usage(r, s);
	if ((i = find_inst(c, s, name, r)) < 0)
		return -1;
	if (parse_slot(s, slotw, &slot, r) < 0)
		return -1;
	ensure_seen(c, (size_t)i);
	if (!have_rtdir(c))
		return fail(r, "%s: no runtime dir: give --runtime-dir",
		    s->name);
	if (store_open_locked(c->fleet->runtime_dir, name, &t, LOCK_MS,
	    &e) < 0)
		return fail(r, "%s: %s", s->name, e.msg);
	snprintf(what, sizeof what, "%s %d%s", s->name, slot,
	    force ? " --force" : "");
	if ((is_free ? state_check_free(&c->fleet->inst[i].live, &t.rt, slot,
	    force, &e) : state_check_reserve(&c->fleet->inst[i].live, &t.rt,
	    slot, &e)) < 0 ||
	    (is_free ? slotmap_free(&t.rt.reserved, slot, &e) :
	    slotmap_reserve(&t.rt.reserved, slot, &e)) < 0) {
		store_abort(&t);
		return fail(r, "%s: %s", s->name, e.msg);
	}
	slotmap_to_string(&t.rt.reserved, map);
	if (store_commit(&t, &e) < 0) {
		audit(c, name, what, e.msg, NULL);
		return fail(r, "%s: %s", s->name, e.msg);
	}
	sb_add(&b, "%s: slot %d %s", name, slot,
	    is_free ? "freed" : "reserved");
	audit(c, name, what, "ok", &b);
	j = json_pack("{s:s, s:i, s:b, s:s}", "instance", name, "slot", slot,
	    "reserved", !is_free, "reservations", map);
	return succeed(r, &b, j);
}

static int
run_next(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	struct store_rt rt;
	struct sbuf b = { 0 };
	struct err e;
	long i;
	int slot;

	if (ws->n != 2)
		return usage(r, s);
	if ((i = find_inst(c, s, ws->w[1], r)) < 0)
		return -1;
	ensure_seen(c, (size_t)i);
	if (load_rt(c, (size_t)i, &rt, &e) < 0) {
		store_rt_free(&rt);
		return fail(r, "next: %s", e.msg);
	}
	slot = state_first_free(&c->fleet->inst[i].live, &rt, &e);
	store_rt_free(&rt);
	if (slot < 0)
		return fail(r, "next: %s", e.msg);
	sb_add(&b, "%d", slot);
	return succeed(r, &b, json_pack("{s:s, s:i}", "instance", ws->w[1],
	    "slot", slot));
}

/* ---- id, parse-id ------------------------------------------------------ */

static int
run_id(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	char id[DEVID_MAX + 1];
	struct sbuf b = { 0 };
	struct err e;
	int slot;

	(void)c;
	if (ws->n != 4)
		return usage(r, s);
	if (devid_check_type(ws->w[1], strlen(ws->w[1]), &e) < 0)
		return fail(r, "id: %s", e.msg);
	if (!devid_valid_uuid(ws->w[2], strlen(ws->w[2])))
		return fail(r, "id: '%s' is not a UUID (expected 8-4-4-4-12 "
		    "hex digits)", ws->w[2]);
	if (parse_slot(s, ws->w[3], &slot, r) < 0)
		return -1;
	if (devid_format(ws->w[1], ws->w[2], slot, id, sizeof id, &e) < 0)
		return fail(r, "id: %s", e.msg);
	sb_add(&b, "%s", id);
	return succeed(r, &b, json_pack("{s:s}", "id", id));
}

static int
run_parse_id(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	struct devid d;
	struct sbuf b = { 0 };
	struct err e;

	(void)c;
	if (ws->n != 2)
		return usage(r, s);
	if (devid_parse(ws->w[1], strlen(ws->w[1]), &d, &e) < 0)
		return fail(r, "parse-id: %s", e.msg);
	sb_add(&b, "type %s  uuid %s...  slot %d", d.type, d.uuid8, d.slot);
	return succeed(r, &b, json_pack("{s:s, s:s, s:s, s:i}", "id",
	    ws->w[1], "type", d.type, "uuid8", d.uuid8, "slot", d.slot));
}

/* ---- hotplug, unplug, refresh, version --------------------------------- */

static json_t *
dev_json(const char *inst, const struct store_dev *d, const char *state)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s?, "
	    "s:{s:s, s:s?, s:s?, s:s?, s:s?, s:s?}}",
	    "instance", inst, "id", d->id, "type", d->type, "uuid", d->uuid,
	    "slot", d->slot, "state", state, "driver", d->driver,
	    "mac", d->mac[0] ? d->mac : NULL,
	    "backend", "kind", store_backend_kind_name(d->backend.kind),
	    "netdev", d->backend.netdev[0] ? d->backend.netdev : NULL,
	    "tap", d->backend.tap[0] ? d->backend.tap : NULL,
	    "path", d->backend.path[0] ? d->backend.path : NULL,
	    "format", d->backend.format[0] ? d->backend.format : NULL,
	    "drive", d->backend.drive[0] ? d->backend.drive : NULL);
}

static int
run_hotplug(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	struct hotplug_req req;
	struct hotplug_target t;
	struct store_dev d;
	enum hotplug_type type;
	struct sbuf b = { 0 };
	struct err e;
	char what[1024];
	size_t k;
	long i;

	if (ws->n < 3)
		return usage(r, s);
	if ((i = find_inst(c, s, ws->w[1], r)) < 0)
		return -1;
	if (hotplug_parse_type(ws->w[2], &type, &e) < 0)
		return fail(r, "hotplug: %s", e.msg);
	hotplug_req_init(&req, type);
	for (k = 3; k < ws->n; k++)
		if (hotplug_req_set(&req, ws->w[k], &e) < 0)
			return fail(r, "hotplug: %s", e.msg);
	if (hotplug_req_check(&req, &e) < 0)
		return fail(r, "hotplug: %s", e.msg);
	if (!have_rtdir(c))
		return fail(r, "hotplug: no runtime dir: give --runtime-dir");
	ensure_seen(c, (size_t)i);
	target(c, (size_t)i, &t);
	join(ws, what, sizeof what);
	if (hotplug_add(&t, &req, &d, &e) < 0) {
		audit(c, ws->w[1], what, e.msg, NULL);
		return fail(r, "hotplug: %s", e.msg);
	}
	refresh_now(c, (size_t)i);
	sb_add(&b, "%s: %s plugged in slot %d", ws->w[1], d.id, d.slot);
	if (d.backend.netdev[0])
		sb_add(&b, " (netdev %s, mac %s)", d.backend.netdev, d.mac);
	else if (d.backend.drive[0])
		sb_add(&b, " (drive %s, %s %s)", d.backend.drive,
		    d.backend.format, d.backend.path);
	{
		char res[200];

		snprintf(res, sizeof res, "ok %s", d.id);
		audit(c, ws->w[1], what, res, &b);
	}
	return succeed(r, &b, dev_json(ws->w[1], &d, "plugged"));
}

static int
run_unplug(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	struct hotplug_target t;
	struct store_dev d;
	struct sbuf b = { 0 };
	struct err e;
	char what[1024], res[200];
	long i;
	int rc;

	if (ws->n != 3)
		return usage(r, s);
	if ((i = find_inst(c, s, ws->w[1], r)) < 0)
		return -1;
	if (!have_rtdir(c))
		return fail(r, "unplug: no runtime dir: give --runtime-dir");
	/* refuse what names no recorded device before anything is sent or
	 * logged (hotplug_del checks again under the lock) */
	{
		struct store_rt rt;
		const char *w = ws->w[2];
		int slot = -1, found;

		if (w[0] != '\0' && strspn(w, "0123456789") == strlen(w)) {
			if (parse_slot(s, w, &slot, r) < 0)
				return -1;
		} else if (devid_check_qemu_id(w, strlen(w), &e) < 0)
			return fail(r, "unplug: %s", e.msg);
		if (load_rt(c, (size_t)i, &rt, &e) < 0) {
			store_rt_free(&rt);
			return fail(r, "unplug: %s", e.msg);
		}
		found = isdigit((unsigned char)w[0]) ?
		    store_find_slot(&rt, slot) != NULL :
		    store_find_id(&rt, w) != NULL;
		store_rt_free(&rt);
		if (!found)
			return fail(r, isdigit((unsigned char)w[0]) ?
			    "unplug: slot %s holds no device slotscope placed "
			    "(see show)" : "unplug: no device %s in the runtime "
			    "file (see show)", w);
	}
	ensure_seen(c, (size_t)i);
	target(c, (size_t)i, &t);
	join(ws, what, sizeof what);
	rc = hotplug_del(&t, ws->w[2], c->unplug_wait_ms > 0 ?
	    c->unplug_wait_ms : 0, &d, &e);
	if (rc < 0) {
		audit(c, ws->w[1], what, e.msg, NULL);
		return fail(r, "unplug: %s", e.msg);
	}
	refresh_now(c, (size_t)i);
	if (rc == HOTPLUG_DELETED) {
		sb_add(&b, "%s: %s unplugged, slot %d is free again", ws->w[1],
		    d.id, d.slot);
		snprintf(res, sizeof res, "ok %s deleted", d.id);
	} else {
		sb_add(&b, "%s: unplug of %s requested; the guest has not "
		    "confirmed it yet, so slot %d stays unplugging until a "
		    "refresh sees it gone", ws->w[1], d.id, d.slot);
		snprintf(res, sizeof res, "ok %s pending", d.id);
	}
	audit(c, ws->w[1], what, res, &b);
	{
		json_t *j = dev_json(ws->w[1], &d, rc == HOTPLUG_DELETED ?
		    "deleted" : "unplugging");

		if (j != NULL)
			json_object_set_new(j, "confirmed",
			    json_boolean(rc == HOTPLUG_DELETED));
		return succeed(r, &b, j);
	}
}

static int
run_refresh(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	struct sbuf b = { 0 }, bad = { 0 };
	json_t *arr;
	size_t k, from = 0, to;
	long i;
	int nbad = 0;

	if (ws->n > 2)
		return usage(r, s);
	if (c->fleet == NULL || c->fleet->n == 0)
		return fail(r, "refresh: no instances");
	to = c->fleet->n;
	if (ws->n == 2) {
		if ((i = find_inst(c, s, ws->w[1], r)) < 0)
			return -1;
		from = (size_t)i;
		to = from + 1;
		refresh_now(c, from);
	} else
		refresh_now(c, (size_t)-1);
	arr = json_array();
	for (k = from; k < to; k++) {
		const struct instance *in = &c->fleet->inst[k];

		sb_add(&b, "%s: %s%s%s\n", in->name, inst_conn_name(in->conn),
		    in->error[0] ? ": " : "", in->error);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?}",
		    "name", in->name, "conn", inst_conn_name(in->conn),
		    "error", in->error[0] ? in->error : NULL));
		if (in->conn != INST_OK) {
			sb_add(&bad, "%s%s: %s%s%s", nbad ? "; " : "",
			    in->name, inst_conn_name(in->conn),
			    in->error[0] ? ": " : "", in->error);
			nbad++;
		}
	}
	if (nbad > 0) {
		json_decref(arr);
		free(b.p);
		fail(r, "refresh: %s", bad.p ? bad.p : "failed");
		free(bad.p);
		return -1;
	}
	return succeed(r, &b, json_pack("{s:o}", "instances", arr));
}

static int
run_version(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	const struct instance *in;
	struct sbuf b = { 0 };
	char q[32];
	long i;

	if (ws->n != 2)
		return usage(r, s);
	if ((i = find_inst(c, s, ws->w[1], r)) < 0)
		return -1;
	refresh_now(c, (size_t)i);
	in = &c->fleet->inst[i];
	if (in->conn != INST_OK)
		return fail(r, "version: %s: %s%s%s", in->name,
		    inst_conn_name(in->conn), in->error[0] ? ": " : "",
		    in->error);
	qemu_text(in, q, sizeof q);
	sb_add(&b, "%s: QEMU %s%s%s over %s", in->name, q,
	    in->version.package[0] ? " " : "", in->version.package,
	    in->protocol);
	return succeed(r, &b, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, "
	    "s:i}", "instance", in->name, "protocol", in->protocol, "qemu", q,
	    "package", in->version.package, "major", in->version.major,
	    "minor", in->version.minor, "micro", in->version.micro));
}

/* ---- help -------------------------------------------------------------- */

static int
run_help(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r);

static const struct spec specs[] = {
	{ "list", "list",
	  "list: every instance with its monitor state, protocol, QEMU "
	  "version and how many slots are free, reserved and live (and "
	  "unplugging, missing or foreign, when any).",
	  run_list },
	{ "show", "show INST [--json]",
	  "show INST [--json]: the 32 slots of an instance: state (free, "
	  "reserved, builtin, used, foreign, missing, unplugging), "
	  "reservation and device id; --json prints the JSON value.",
	  run_show },
	{ "reserve", "reserve INST SLOT",
	  "reserve INST SLOT: reserve a slot (0-31) so that no new device "
	  "takes it; refuses a slot with a live or recorded device.",
	  run_resfree },
	{ "free", "free INST SLOT [--force]",
	  "free INST SLOT [--force]: release a reserved slot; refuses a slot "
	  "with a live device unless --force.",
	  run_resfree },
	{ "next", "next INST",
	  "next INST: the slot a new device would get: the lowest slot that "
	  "is neither reserved, nor live, nor held by a recorded device.",
	  run_next },
	{ "id", "id TYPE UUID SLOT",
	  "id TYPE UUID SLOT: the device id TYPE-<first uuid block>-pci-SLOT, "
	  "e.g. id nic 6f1a2b3c-0000-4000-8000-000000000000 5.",
	  run_id },
	{ "parse-id", "parse-id ID",
	  "parse-id ID: split a device id into type, uuid block and slot.",
	  run_parse_id },
	{ "hotplug", "hotplug INST nic|disk [KEY=VALUE ...]",
	  "hotplug INST nic [backend=user|tap:IFNAME] [mac=MAC] "
	  "[model=virtio-net-pci] [uuid=UUID] [slot=N], or hotplug INST disk "
	  "path=FILE [format=raw|qcow2] [uuid=UUID] [slot=N]: add the backend "
	  "and the device at the first free slot (or N), confirm it on the "
	  "bus, then record it; any failure is rolled back.",
	  run_hotplug },
	{ "unplug", "unplug INST ID|SLOT",
	  "unplug INST ID|SLOT: device_del, then wait for QEMU's confirmation; "
	  "confirmed: the backend is removed and the slot freed; otherwise the "
	  "device stays unplugging (its slot and id stay taken) until a "
	  "refresh sees it gone.",
	  run_unplug },
	{ "refresh", "refresh [INST]",
	  "refresh [INST]: read the live bus of one or every instance now.",
	  run_refresh },
	{ "version", "version INST",
	  "version INST: the QEMU version and monitor protocol of an "
	  "instance.",
	  run_version },
	{ "help", "help [CMD]",
	  "help [CMD]: the commands, or what one command does.",
	  run_help },
};
#define NSPECS (sizeof specs / sizeof specs[0])

static const char *const names[NSPECS + 1] = {
	"list", "show", "reserve", "free", "next", "id", "parse-id",
	"hotplug", "unplug", "refresh", "version", "help", NULL,
};

const char *const *
cmd_names(void)
{
	return names;
}

static const struct spec *
find_spec(const char *name)
{
	size_t i;

	for (i = 0; i < NSPECS; i++)
		if (strcmp(specs[i].name, name) == 0)
			return &specs[i];
	return NULL;
}

const char *
cmd_help(const char *name)
{
	const struct spec *s = name ? find_spec(name) : NULL;

	return s ? s->help : NULL;
}

static int
run_help(struct cmd_ctx *c, const struct spec *s, struct words *ws,
    struct cmd_result *r)
{
	struct sbuf b = { 0 };
	json_t *arr;
	size_t i;

	(void)c;
	if (ws->n > 2)
		return usage(r, s);
	if (ws->n == 2) {
		const struct spec *h = find_spec(ws->w[1]);

		if (h == NULL)
			return fail(r, "help: unknown command '%s': type help",
			    ws->w[1]);
		sb_add(&b, "%s", h->help);
		return succeed(r, &b, json_pack("{s:s, s:s, s:s}", "command",
		    h->name, "usage", h->usage, "help", h->help));
	}
	arr = json_array();
	sb_add(&b, "commands:\n");
	for (i = 0; i < NSPECS; i++) {
		sb_add(&b, "  %s\n", specs[i].usage);
		json_array_append_new(arr, json_pack("{s:s, s:s}", "command",
		    specs[i].name, "usage", specs[i].usage));
	}
	sb_add(&b, "help CMD tells more.");
	return succeed(r, &b, json_pack("{s:o}", "commands", arr));
}

/* ---- the executor ------------------------------------------------------ */

int
cmd_exec(struct cmd_ctx *c, const char *line, size_t len,
    struct cmd_result *res)
{
	struct cmd_ctx none;
	struct words ws;
	const struct spec *s;
	struct err e;
	int rc;

	if (c == NULL) {
		memset(&none, 0, sizeof none);
		c = &none;
	}
	res->ok = 0;
	res->text = NULL;
	res->json = NULL;
	if (line == NULL)
		len = 0;
	if (split(line ? line : "", len, &ws, 0, &e) < 0)
		return fail(res, "%s", e.msg);
	if (ws.n == 0) {
		words_free(&ws);
		return fail(res, "empty command: type help");
	}
	s = find_spec(ws.w[0]);
	if (s == NULL) {
		char shown[64];

		snprintf(shown, sizeof shown, "%s", ws.w[0]);
		words_free(&ws);
		return fail(res, "unknown command '%s': type help", shown);
	}
	rc = s->run(c, s, &ws, res);
	words_free(&ws);
	return rc < 0 ? -1 : 0;
}

/* ---- completion -------------------------------------------------------- */

struct cands {
	char **v;
	size_t n, cap;
	const char *prefix;
};

static void
cand(struct cands *cs, const char *w)
{
	size_t i;
	char **nv;

	if (strncmp(w, cs->prefix, strlen(cs->prefix)) != 0)
		return;
	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i], w) == 0)
			return;
	if (cs->n + 2 > cs->cap) {
		size_t nc = cs->cap ? cs->cap * 2 : 16;

		nv = realloc(cs->v, nc * sizeof *nv);
		if (nv == NULL)
			return;
		cs->v = nv;
		cs->cap = nc;
	}
	if ((cs->v[cs->n] = strdup(w)) != NULL)
		cs->v[++cs->n] = NULL;
}

static void
cand_insts(struct cmd_ctx *c, struct cands *cs)
{
	size_t i;

	for (i = 0; c->fleet != NULL && i < c->fleet->n; i++)
		cand(cs, c->fleet->inst[i].name);
}

/* Slots of instance name for which want(view) holds. */
static void
cand_slots(struct cmd_ctx *c, struct cands *cs, const char *name,
    int (*want)(const struct slot_view *))
{
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	char num[16];
	size_t i;
	int k;

	for (i = 0; c->fleet != NULL && i < c->fleet->n; i++) {
		if (strcmp(c->fleet->inst[i].name, name) != 0)
			continue;
		load_rt(c, i, &rt, &e);
		state_reconcile(&c->fleet->inst[i].live, &rt, v);
		store_rt_free(&rt);
		for (k = 0; k < 32; k++)
			if (want(&v[k])) {
				snprintf(num, sizeof num, "%d", k);
				cand(cs, num);
			}
	}
}

static int
want_reservable(const struct slot_view *v)
{
	return v->state == SLOT_FREE;
}

static int
want_reserved(const struct slot_view *v)
{
	return v->reserved;
}

static void cand_path(struct cands *cs);

/* hotplug's KEY= words, and values for the keys that have a fixed set. */
static void
cand_keys(struct cmd_ctx *c, struct cands *cs, const char *inst,
    const char *type)
{
	static const char *const nic[] = { "backend=", "mac=", "model=",
	    "uuid=", "slot=", "backend=user", "backend=tap:",
	    "model=virtio-net-pci", "model=e1000", "model=rtl8139", NULL };
	static const char *const disk[] = { "path=", "format=", "uuid=",
	    "slot=", "format=raw", "format=qcow2", NULL };
	const char *const *k = strcmp(type, "disk") == 0 ? disk :
	    strcmp(type, "nic") == 0 ? nic : NULL;
	size_t i;

	if (k == NULL)
		return;
	/* values only once the key is typed */
	for (i = 0; k[i] != NULL; i++) {
		const char *eq = strchr(k[i], '=');

		if (eq[1] != '\0' && strchr(cs->prefix, '=') == NULL)
			continue;
		cand(cs, k[i]);
	}
	if (k == disk && strncmp(cs->prefix, "path=", 5) == 0)
		cand_path(cs);
	if (strncmp(cs->prefix, "slot=", 5) == 0) {
		struct cands sub = { 0 };
		size_t n;

		sub.prefix = cs->prefix + 5;
		cand_slots(c, &sub, inst, want_reservable);
		for (n = 0; n < sub.n; n++) {
			char w[32];

			snprintf(w, sizeof w, "slot=%s", sub.v[n]);
			cand(cs, w);
		}
		cmd_completions_free(sub.v);
	}
}

/* path=FILE: the files of the directory typed so far (directories end in
 * '/'); hidden ones only when the name typed starts with '.'. */
static void
cand_path(struct cands *cs)
{
	const char *typed = cs->prefix + 5;	/* after "path=" */
	const char *slash = strrchr(typed, '/');
	char dir[4096], w[4096 + 300];
	const char *base;
	size_t dlen, blen, n = 0;
	struct dirent *de;
	DIR *d;

	if (slash != NULL) {
		dlen = (size_t)(slash - typed) + 1;
		if (dlen >= sizeof dir)
			return;
		memcpy(dir, typed, dlen);
		dir[dlen] = '\0';
		base = slash + 1;
	} else {
		dir[0] = '\0';
		dlen = 0;
		base = typed;
	}
	blen = strlen(base);
	if ((d = opendir(dlen ? dir : ".")) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 256) {
		struct stat st;
		char full[4096 + 300];
		int isdir;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0
		    || (de->d_name[0] == '.' && base[0] != '.') ||
		    strncmp(de->d_name, base, blen) != 0)
			continue;
		snprintf(full, sizeof full, "%s%s", dlen ? dir : "./",
		    de->d_name);
		isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		snprintf(w, sizeof w, "path=%s%s%s", dir, de->d_name,
		    isdir ? "/" : "");
		cand(cs, w);
		n++;
	}
	closedir(d);
}

/* unplug's ID|SLOT: the runtime file's devices. */
static void
cand_devs(struct cmd_ctx *c, struct cands *cs, const char *name)
{
	struct store_rt rt;
	struct err e;
	char num[16];
	size_t i, k;

	for (i = 0; c->fleet != NULL && i < c->fleet->n; i++) {
		if (strcmp(c->fleet->inst[i].name, name) != 0)
			continue;
		load_rt(c, i, &rt, &e);
		for (k = 0; k < rt.ndev; k++) {
			cand(cs, rt.dev[k].id);
			snprintf(num, sizeof num, "%d", rt.dev[k].slot);
			cand(cs, num);
		}
		store_rt_free(&rt);
	}
}

void
cmd_completions_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

char **
cmd_complete(struct cmd_ctx *c, const char *line, size_t point)
{
	struct words ws;
	struct cands cs = { 0 };
	struct err e;
	size_t idx, i;
	const char *cmd;

	if (line == NULL || c == NULL)
		return NULL;
	if (point > strlen(line))
		point = strlen(line);
	if (split(line, point, &ws, 1, &e) < 0)
		return NULL;
	/* the word being completed: the last one, or a new one after a
	 * blank */
	if (ws.n == 0 || ws.trailing_blank) {
		idx = ws.n;
		cs.prefix = "";
	} else {
		idx = ws.n - 1;
		cs.prefix = ws.w[idx];
	}
	cmd = idx > 0 ? ws.w[0] : NULL;
	if (idx == 0) {
		for (i = 0; names[i] != NULL; i++)
			cand(&cs, names[i]);
	} else if (strcmp(cmd, "help") == 0) {
		if (idx == 1)
			for (i = 0; names[i] != NULL; i++)
				cand(&cs, names[i]);
	} else if (strcmp(cmd, "show") == 0) {
		if (idx == 1 || idx == 2)
			cand_insts(c, &cs);
		if (idx == 2 || (idx == 1 && cs.prefix[0] == '-'))
			cand(&cs, "--json");
	} else if (strcmp(cmd, "next") == 0) {
		if (idx == 1)
			cand_insts(c, &cs);
	} else if (strcmp(cmd, "reserve") == 0 || strcmp(cmd, "free") == 0) {
		int is_free = cmd[0] == 'f';

		if (idx == 1)
			cand_insts(c, &cs);
		else if (idx == 2)
			cand_slots(c, &cs, ws.w[1], is_free ? want_reserved :
			    want_reservable);
		else if (idx == 3 && is_free)
			cand(&cs, "--force");
	} else if (strcmp(cmd, "id") == 0) {
		if (idx == 1) {
			cand(&cs, "nic");
			cand(&cs, "disk");
		}
	} else if (strcmp(cmd, "refresh") == 0 ||
	    strcmp(cmd, "version") == 0) {
		if (idx == 1)
			cand_insts(c, &cs);
	} else if (strcmp(cmd, "hotplug") == 0) {
		if (idx == 1)
			cand_insts(c, &cs);
		else if (idx == 2) {
			cand(&cs, "nic");
			cand(&cs, "disk");
		} else
			cand_keys(c, &cs, ws.w[1], ws.w[2]);
	} else if (strcmp(cmd, "unplug") == 0) {
		if (idx == 1)
			cand_insts(c, &cs);
		else if (idx == 2)
			cand_devs(c, &cs, ws.w[1]);
	}
	words_free(&ws);
	return cs.v;
}
