/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backends.c - netdevs, block backends and block nodes as QEMU lists them,
 * and which are orphans; see backends.h for what QEMU 7.2 offers.
 */
#include "qemu/backends.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/mon.h"

void
backends_init(struct backends *b)
{
	memset(b, 0, sizeof *b);
}

const struct backend_entry *
backends_find(const struct backends *b, enum backend_kind kind,
    const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].kind == kind && strcmp(b->v[i].name, name) == 0)
			return &b->v[i];
	return NULL;
}

size_t
backends_orphans(const struct backends *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		n += !b->v[i].attached;
	return n;
}

/* Add (or, when it is there, mark attached) one entry; names QEMU made
 * up ('#') and names that do not fit are skipped. */
static struct backend_entry *
put(struct backends *b, enum backend_kind kind, const char *name,
    size_t len, int attached)
{
	struct backend_entry *x;
	size_t i;

	if (len == 0 || name[0] == '#' || len >= sizeof b->v[0].name)
		return NULL;
	for (i = 0; i < b->n; i++) {
		x = &b->v[i];
		if (x->kind == kind && strlen(x->name) == len &&
		    memcmp(x->name, name, len) == 0) {
			x->attached |= attached;
			return x;
		}
	}
	if (b->n == BACKENDS_MAX) {
		b->dropped++;
		return NULL;
	}
	x = &b->v[b->n++];
	x->kind = kind;
	memcpy(x->name, name, len);
	x->name[len] = '\0';
	x->attached = attached;
	x->type[0] = '\0';
	return x;
}

/* The next line of buf[*pos..len) without its "\r\n" or "\n". */
static int
next_line(const char *buf, size_t len, size_t *pos, const char **l,
    size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*l = buf + *pos;
	nl = memchr(*l, '\n', len - *pos);
	*n = nl != NULL ? (size_t)(nl - *l) : len - *pos;
	*pos += *n + (nl != NULL);
	if (*n > 0 && (*l)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* Does the line have "type=WORD" with this word? */
static int
has_type(const char *l, size_t n, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + 5 + w <= n; i++)
		if (memcmp(l + i, "type=", 5) == 0 && (i == 0 ||
		    l[i - 1] == ',' || l[i - 1] == ' ') &&
		    memcmp(l + i + 5, word, w) == 0 &&
		    (i + 5 + w == n || l[i + 5 + w] == ','))
			return 1;
	return 0;
}

/* A netdev entry of `info network`, with its "type=" word. */
static void
put_netdev(struct backends *b, const char *name, size_t k, const char *l,
    size_t n, int attached)
{
	struct backend_entry *x = put(b, BACKEND_NETDEV, name, k, attached);
	size_t i, j;

	if (x == NULL)
		return;
	for (i = 0; i + 5 < n; i++)
		if (memcmp(l + i, "type=", 5) == 0 && (i == 0 ||
		    l[i - 1] == ',' || l[i - 1] == ' ')) {
			for (j = i + 5; j < n && l[j] != ',' && j - i - 5 <
			    sizeof x->type - 1; j++)
				;
			memcpy(x->type, l + i + 5, j - i - 5);
			x->type[j - i - 5] = '\0';
			return;
		}
}

/* The name before the first ':' (a blank ends it too). */
static size_t
name_len(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n && l[i] != ':' && l[i] != ' '; i++)
		;
	return i < n && l[i] == ':' ? i : 0;
}

int
backends_parse_info_network(const char *buf, size_t len, struct backends *b,
    struct err *e)
{
	const char *l;
	size_t pos = 0, n, k;
	int under_nic = 0;	/* the last top-level entry was a NIC */

	(void)e;
	while (next_line(buf, len, &pos, &l, &n)) {
		if (n >= 3 && memcmp(l, " \\ ", 3) == 0) {
			/* a peer: a NIC's netdev, or a port of a legacy hub */
			k = name_len(l + 3, n - 3);
			if (under_nic && k > 0 && !has_type(l, n, "nic"))
				put_netdev(b, l + 3, k, l, n, 1);
			continue;
		}
		under_nic = 0;
		if (n >= 4 && memcmp(l, "hub ", 4) == 0)
			continue;
		if ((k = name_len(l, n)) == 0)
			continue;
		if (has_type(l, n, "nic"))
			under_nic = 1;
		else
			put_netdev(b, l, k, l, n, 0);	/* no peer */
	}
	return 0;
}

/* Does l[0..n) contain s? */
static int
contains(const char *l, size_t n, const char *s)
{
	size_t w = strlen(s), i;

	for (i = 0; i + w <= n; i++)
		if (memcmp(l + i, s, w) == 0)
			return 1;
	return 0;
}

int
backends_parse_info_block(const char *buf, size_t len, struct backends *b,
    struct err *e)
{
	const char *l, *name = NULL;
	size_t pos = 0, n, k = 0;
	int inserted = 0, attached = 0;

	(void)e;
	for (;;) {
		int more = next_line(buf, len, &pos, &l, &n);

		if (!more || (n > 0 && l[0] != ' ')) {
			/* the entry before this line is complete */
			if (name != NULL && inserted)
				put(b, BACKEND_BLOCK, name, k, attached);
			name = NULL;
			if (!more)
				break;
			/* "NAME: file (fmt)", "NAME (#block1): file (fmt)",
			 * "NAME: [not inserted]" */
			for (k = 0; k < n && l[k] != ':' && l[k] != ' '; k++)
				;
			if (k == 0 || k == n)
				continue;
			name = l;
			inserted = !contains(l, n, "[not inserted]");
			attached = 0;
		} else if (name != NULL && n > 0 &&
		    contains(l, n, "Attached to:"))
			attached = 1;
	}
	return 0;
}

/* The array in buf (JSON text), or NULL with e set. */
static json_t *
load_array(const char *buf, size_t len, const char *what, struct err *e)
{
	json_error_t je;
	json_t *a = json_loadb(buf, len, 0, &je);

	if (a == NULL || !json_is_array(a)) {
		json_decref(a);
		err_set(e, "%s: not a JSON array", what);
		return NULL;
	}
	return a;
}

static void
put_str(struct backends *b, json_t *v, int attached)
{
	if (json_is_string(v))
		put(b, BACKEND_BLOCK, json_string_value(v),
		    strlen(json_string_value(v)), attached);
}

int
backends_parse_query_block(const char *buf, size_t len, struct backends *b,
    struct err *e)
{
	json_t *a = load_array(buf, len, "query-block", e), *x;
	size_t i;

	if (a == NULL)
		return -1;
	json_array_foreach(a, i, x) {
		json_t *ins = json_object_get(x, "inserted");
		json_t *dev = json_object_get(x, "device");
		int att = json_is_string(json_object_get(x, "qdev"));

		if (!json_is_object(ins))
			continue;	/* an empty drive: nothing to remove */
		/* a drive_add backend has its own name; a device's backend
		 * over a blockdev-add node is anonymous ("device": "") */
		if (json_is_string(dev) && json_string_value(dev)[0])
			put_str(b, dev, att);
		else
			put_str(b, json_object_get(ins, "node-name"), att);
	}
	json_decref(a);
	return 0;
}

int
backends_parse_named_nodes(const char *buf, size_t len, struct backends *b,
    struct err *e)
{
	json_t *a = load_array(buf, len, "query-named-block-nodes", e), *x;
	size_t i;

	if (a == NULL)
		return -1;
	/* a node not seen attached in query-block: nobody uses it (the
	 * implicit "#block" children of a node are skipped by put) */
	json_array_foreach(a, i, x)
		put_str(b, json_object_get(x, "node-name"), 0);
	json_decref(a);
	return 0;
}

/* One RAW op: its text (malloc'd; the caller frees it) or NULL. */
static char *
raw(struct mon *m, const char *hmp, const char *qmp, struct err *e)
{
	struct mon_result r;
	char *t;

	if (mon_do(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = hmp,
	    .qmp = qmp }, &r, e) < 0) {
		mon_result_free(&r);
		return NULL;
	}
	t = r.text;
	r.text = NULL;
	mon_result_free(&r);
	if (t == NULL)
		err_set(e, "%s: no answer", hmp);
	return t;
}

/* QMP: an HMP command's text through human-monitor-command. */
static char *
hmp_over_qmp(struct mon *m, const char *cmd, struct err *e)
{
	char q[160], *t, *out = NULL;
	json_t *s;

	snprintf(q, sizeof q, "{\"execute\": \"human-monitor-command\", "
	    "\"arguments\": {\"command-line\": \"%s\"}}", cmd);
	if ((t = raw(m, NULL, q, e)) == NULL)
		return NULL;
	s = json_loads(t, JSON_DECODE_ANY, NULL);
	if (json_is_string(s))
		out = strdup(json_string_value(s));
	else
		err_set(e, "%s: the answer is not text", cmd);
	json_decref(s);
	free(t);
	return out;
}

int
backends_query(struct mon *m, struct backends *b, struct err *e)
{
	char *net = NULL, *blk = NULL, *nodes = NULL;
	int qmp, rc = -1;

	backends_init(b);
	/* the protocol is known once the session has started */
	if (mon_protocol(m) != MON_PROTO_HMP &&
	    mon_protocol(m) != MON_PROTO_QMP && mon_do(m, &(struct mon_req){
	    .op = MON_OP_QUERY_VERSION }, NULL, e) < 0)
		return -1;
	qmp = mon_protocol(m) == MON_PROTO_QMP;
	if (qmp) {
		net = hmp_over_qmp(m, "info network", e);
		if (net != NULL)
			blk = raw(m, NULL, "{\"execute\": \"query-block\"}", e);
		if (blk != NULL)
			nodes = raw(m, NULL, "{\"execute\": "
			    "\"query-named-block-nodes\"}", e);
	} else {
		net = raw(m, "info network", NULL, e);
		if (net != NULL)
			blk = raw(m, "info block", NULL, e);
		if (blk != NULL)
			nodes = raw(m, "info block -n", NULL, e);
	}
	if (nodes != NULL &&
	    backends_parse_info_network(net, strlen(net), b, e) == 0 &&
	    (qmp ? backends_parse_query_block(blk, strlen(blk), b, e) :
	    backends_parse_info_block(blk, strlen(blk), b, e)) == 0 &&
	    (qmp ? backends_parse_named_nodes(nodes, strlen(nodes), b, e) :
	    backends_parse_info_block(nodes, strlen(nodes), b, e)) == 0)
		rc = 0;
	free(net);
	free(blk);
	free(nodes);
	return rc;
}
