/* SPDX-License-Identifier: GPL-3.0-or-later */
/* anon.c - the live functions a user added without an id; see anon.h. */
#include "qemu/anon.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qmpscan.h"

#define ANON_PATH "/machine/peripheral-anon"

static int read_kids(const char *buf, size_t len, struct mon_kids *mk);

/* The qom-list; its QMP reply read in place by read_kids (kids), or made
 * text. */
static int
queue_list(struct mon *m, mon_kids_fn kids, struct err *e)
{
	/* the lines as sent (.fixed): no check, copy or compacting per
	 * refresh */
	return mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .fixed = 1,
	    .hmp = "qom-list " ANON_PATH "\n",
	    .qmp = "{\"execute\":\"qom-list\",\"arguments\":"
	    "{\"path\":\"" ANON_PATH "\"}}\n", .kids = kids }, e);
}

int
anon_queue_list(struct mon *m, struct err *e)
{
	return queue_list(m, read_kids, e);
}

int
anon_queue_list_text(struct mon *m, struct err *e)
{
	return queue_list(m, NULL, e);
}

/* "device[N]" exactly (N at most 6 digits): N, else -1. */
static int
dev_index(const char *s, size_t n)
{
	size_t k;
	int v = 0;

	if (n < 9 || n > 14 || memcmp(s, "device[", 7) != 0 ||
	    s[n - 1] != ']')
		return -1;
	for (k = 7; k < n - 1; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	return v;
}

static int
is_child(const char *t, size_t n)
{
	return n > 7 && memcmp(t, "child<", 6) == 0 && t[n - 1] == '>';
}

/* The device[N] children found so far (qmpscan_qom_list's callback):
 * the first max of them in idx, all of them counted. */
struct kids {
	int *idx;
	size_t n, max, all;
};

static void
kid(void *arg, const char *name, size_t nlen, const char *type, size_t tlen)
{
	struct kids *k = arg;
	int v;

	if (!is_child(type, tlen) || (v = dev_index(name, nlen)) < 0)
		return;
	k->all++;
	if (k->n < k->max)
		k->idx[k->n++] = v;
}

/* The refresh's reader of the reply (mon_req.kids): the device[N]
 * children straight from the bytes of the "return" value, as the text
 * would give them (anon_children), without the text; -1 leaves the reply
 * to the text (a form the reader does not take, or more children than
 * mon_kids holds). */
static int
read_kids(const char *buf, size_t len, struct mon_kids *mk)
{
	struct kids k = { mk->idx, 0, MON_KIDS_MAX, 0 };

	if (qmpscan_qom_list(buf, len, kid, &k) < 0 || k.all > k.n)
		return -1;
	mk->n = (int)k.n;
	return 0;
}

size_t
anon_children(const struct mon_result *r, enum mon_proto p, int *idx,
    size_t max)
{
	size_t n = 0;

	if (r == NULL || !r->ok)
		return 0;
	if (p == MON_PROTO_QMP && r->kids_ok) {
		/* read in place (read_kids) */
		for (; n < max && n < (size_t)r->kids.n; n++)
			idx[n] = r->kids.idx[n];
		return n;
	}
	if (r->text == NULL)
		return 0;
	if (p == MON_PROTO_QMP) {
		struct kids k = { idx, 0, max, 0 };
		json_t *a, *c;
		size_t i;

		/* in place; what the reader leaves, through a jansson tree */
		if (qmpscan_qom_list(r->text, strlen(r->text), kid, &k) == 0)
			return k.n;
		a = json_loads(r->text, 0, NULL);
		json_array_foreach(a, i, c) {
			json_t *nm = json_object_get(c, "name");
			json_t *ty = json_object_get(c, "type");
			int v;

			if (!json_is_string(nm) || !json_is_string(ty) ||
			    !is_child(json_string_value(ty),
			    json_string_length(ty)))
				continue;
			v = dev_index(json_string_value(nm),
			    json_string_length(nm));
			if (v >= 0 && n < max)
				idx[n++] = v;
		}
		json_decref(a);
		return n;
	}
	{
		/* HMP: one "NAME (TYPE)" per line */
		const char *s = r->text, *end = s + strlen(s);

		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			const char *le = nl ? nl : end, *sp, *ty;
			int v;

			if (le > s && le[-1] == '\r')
				le--;
			sp = memchr(s, ' ', (size_t)(le - s));
			if (sp != NULL && le - sp > 3 && sp[1] == '(' &&
			    le[-1] == ')') {
				ty = sp + 2;
				v = dev_index(s, (size_t)(sp - s));
				if (v >= 0 && is_child(ty,
				    (size_t)(le - 1 - ty)) && n < max)
					idx[n++] = v;
			}
			s = nl ? nl + 1 : end;
		}
	}
	return n;
}

int
anon_queue_get(struct mon *m, int n, struct err *e)
{
	char hmp[2][96], qmp[2][160];
	static const char *const prop[2] = { "addr", "parent_bus" };
	int k, first = -1, op;

	if (n < 0 || n > 999999)
		return err_set(e, "no such anonymous device");
	for (k = 0; k < 2; k++) {
		snprintf(hmp[k], sizeof hmp[k], "qom-get " ANON_PATH
		    "/device[%d] %s", n, prop[k]);
		snprintf(qmp[k], sizeof qmp[k], "{\"execute\": \"qom-get\", "
		    "\"arguments\": {\"path\": \"" ANON_PATH "/device[%d]\", "
		    "\"property\": \"%s\"}}", n, prop[k]);
		op = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW,
		    .hmp = hmp[k], .qmp = qmp[k] }, e);
		if (op < 0)
			return -1;
		if (k == 0)
			first = op;
	}
	return first;
}

/* The value of a qom-get (both protocols print JSON). */
static json_t *
value(const struct mon_result *r)
{
	if (r == NULL || !r->ok || r->text == NULL)
		return NULL;
	return json_loads(r->text, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
	    NULL);
}

/* A root bus: /machine/HOSTBRIDGE/pci.0 or .../pcie.0. */
static int
root_bus(const char *p)
{
	const char *s;

	if (strncmp(p, "/machine/", 9) != 0 || (s = strchr(p + 9, '/')) ==
	    NULL || s == p + 9)
		return 0;
	return strcmp(s, "/pci.0") == 0 || strcmp(s, "/pcie.0") == 0;
}

int
anon_mark(struct pci_info *pi, const struct mon_result *addr,
    const struct mon_result *bus)
{
	json_t *a = value(addr), *b = value(bus);
	int marked = 0;
	size_t i;

	if (json_is_integer(a) && json_is_string(b) &&
	    root_bus(json_string_value(b))) {
		json_int_t devfn = json_integer_value(a);

		for (i = 0; i < pi->n && devfn >= 0 && devfn < 256; i++)
			if (pi->fn[i].bus == 0 && pi->fn[i].id[0] == '\0' &&
			    pi->fn[i].slot == devfn / 8 &&
			    pi->fn[i].func == devfn % 8) {
				pi->fn[i].anon = 1;
				marked = 1;
			}
	}
	json_decref(a);
	json_decref(b);
	return marked;
}

int
anon_run(struct mon *m, struct pci_info *pi, struct err *e)
{
	int idx[ANON_MAX], first[ANON_MAX], op;
	size_t n, k;

	if ((op = anon_queue_list(m, e)) < 0)
		return 0;	/* refused: nothing to mark */
	if (mon_run(m, e) < 0)
		return -1;
	n = anon_children(mon_result(m, op), mon_protocol(m), idx, ANON_MAX);
	for (k = 0; k < n; k++)
		first[k] = anon_queue_get(m, idx[k], e);
	if (n > 0 && mon_run(m, e) < 0)
		return -1;
	for (k = 0; k < n; k++)
		if (first[k] >= 0)
			anon_mark(pi, mon_result(m, first[k]),
			    mon_result(m, first[k] + 1));
	return 0;
}
