/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpdiff.c - the bounded QMP reader against jansson; see qmpdiff.h. */
#include "qmpdiff.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qmp.h"
#include "qemu/qmpscan.h"

static int
differ(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return 0;
}

static int
same_fn(const struct pci_fn *x, const struct pci_fn *y)
{
	return x->bus == y->bus && x->slot == y->slot && x->func == y->func &&
	    x->vendor == y->vendor && x->device == y->device &&
	    x->bridge == y->bridge && x->sec_bus == y->sec_bus &&
	    strcmp(x->class_text, y->class_text) == 0 &&
	    strcmp(x->id, y->id) == 0;
}

/* qmpscan_msg_pci (the message and its return in one pass) takes buf
 * exactly when qmpscan_msg and qmpscan_pci of its return do, with the
 * same functions (want: those). */
static int
msg_pci_agrees(const char *buf, size_t len, const struct pci_info *want)
{
	struct qmpscan_msg s;
	struct pci_info p;
	struct err e;
	size_t i;
	int ok;

	pci_info_init(&p);
	ok = qmpscan_msg_pci(buf, len, &s, &p, &e) == 0 &&
	    s.kind == QMP_MSG_RETURN && p.n == want->n;
	for (i = 0; ok && i < p.n; i++)
		ok = same_fn(&p.fn[i], &want->fn[i]);
	pci_info_free(&p);
	return ok;
}

/* qom-list's reader, against a walk of jansson's tree: the same
 * (name, type) pairs in the same order. */
struct pairs {
	char text[4096];
	size_t n;
};

static void
pair_add(struct pairs *p, const char *name, size_t nlen, const char *type,
    size_t tlen)
{
	int w = snprintf(p->text + p->n, sizeof p->text - p->n, "%.*s=%.*s;",
	    (int)nlen, name, (int)tlen, type);

	if (w > 0 && p->n + (size_t)w < sizeof p->text)
		p->n += (size_t)w;
}

static void
pair_cb(void *arg, const char *name, size_t nlen, const char *type,
    size_t tlen)
{
	pair_add(arg, name, nlen, type, tlen);
}

static int
qom_agrees(const struct qmpscan_msg *s, const struct qmp_msg *q,
    struct qmpdiff_took *took, char *why, size_t whysz)
{
	struct pairs mine = { "", 0 }, theirs = { "", 0 };
	json_t *c, *nm, *ty;
	size_t i;

	if (qmpscan_qom_list(s->ret, s->retlen, pair_cb, &mine) < 0)
		return 1;
	took->qom = 1;
	json_array_foreach(q->ret, i, c) {
		nm = json_object_get(c, "name");
		ty = json_object_get(c, "type");
		if (json_is_string(nm) && json_is_string(ty))
			pair_add(&theirs, json_string_value(nm),
			    json_string_length(nm), json_string_value(ty),
			    json_string_length(ty));
	}
	if (mine.n != theirs.n || memcmp(mine.text, theirs.text, mine.n) != 0)
		return differ(why, whysz, "qom-list: %.100s vs jansson's "
		    "%.100s", mine.text, theirs.text);
	return 1;
}

/* A return's value made compact, and mon_ops.c's r_raw jansson way. */
static int
value_agrees(const struct qmpscan_msg *s, const struct qmp_msg *q,
    struct qmpdiff_took *took, char *why, size_t whysz)
{
	char *out = malloc(s->retlen + 1), *d = NULL;
	struct err e;
	int ok = 1;

	if (out == NULL || qmpscan_compact_value(s->ret, s->retlen, out,
	    s->retlen + 1, &e) < 0) {
		free(out);
		return 1;
	}
	took->value = 1;
	d = json_dumps(q->ret, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_PRESERVE_ORDER);
	if (d == NULL || strcmp(d, out) != 0)
		ok = differ(why, whysz, "return value: %.100s vs jansson's "
		    "%.100s", out, d ? d : "(none)");
	free(d);
	free(out);
	return ok;
}

/* The return value read both ways. */
static int
pci_agrees(const char *buf, size_t len, const struct qmpscan_msg *s,
    const struct qmp_msg *q, struct qmpdiff_took *took, char *why,
    size_t whysz)
{
	struct pci_info a, b;
	struct err e;
	size_t i;
	int ok = 1;

	pci_info_init(&a);
	pci_info_init(&b);
	if (qmpscan_pci(s->ret, s->retlen, &a, &e) == 0) {
		took->pci = 1;
		if (!msg_pci_agrees(buf, len, &a))
			ok = differ(why, whysz, "query-pci: read in one pass "
			    "it differs from the return read alone");
		if (qmp_parse_pci(q->ret, &b, &e) < 0)
			ok = differ(why, whysz, "query-pci: the reader took "
			    "it, jansson's parser says %s", e.msg);
		else if (a.n != b.n)
			ok = differ(why, whysz, "query-pci: %zu functions vs "
			    "jansson's %zu", a.n, b.n);
		for (i = 0; ok && i < a.n; i++)
			if (!same_fn(&a.fn[i], &b.fn[i]))
				ok = differ(why, whysz, "query-pci: function "
				    "%zu differs from jansson's", i);
	} else {
		struct qmpscan_msg t;

		pci_info_clear(&a);
		if (qmpscan_msg_pci(buf, len, &t, &a, &e) == 0)
			ok = differ(why, whysz, "query-pci: read in one pass "
			    "it was taken, its return alone not");
	}
	pci_info_free(&a);
	pci_info_free(&b);
	return ok;
}

static int
version_agrees(const struct qmpscan_msg *s, const struct qmp_msg *q,
    struct qmpdiff_took *took, char *why, size_t whysz)
{
	struct qemu_version a, b;
	struct err e;

	if (qmpscan_greeting_version(s->qmp, s->qmplen, &a, &e) < 0)
		return 1;
	took->version = 1;
	if (qmp_greeting_version(q->root, &b, &e) < 0)
		return differ(why, whysz, "greeting: the reader took its "
		    "version, jansson's parser says %s", e.msg);
	if (a.major != b.major || a.minor != b.minor || a.micro != b.micro ||
	    strcmp(a.package, b.package) != 0)
		return differ(why, whysz, "greeting: version %d.%d.%d (%s) vs "
		    "jansson's %d.%d.%d (%s)", a.major, a.minor, a.micro,
		    a.package, b.major, b.minor, b.micro, b.package);
	return 1;
}

/* The id test mon_qmp.c's not_ours() makes, both ways. */
static int
id_agrees(const struct qmpscan_msg *s, const struct qmp_msg *q,
    const char *want)
{
	json_t *id = json_object_get(q->root, "id");
	int a = s->id != NULL && qmpscan_str_is(s->id, s->idlen, want);
	int b = json_is_string(id) && strcmp(json_string_value(id), want) ==
	    0;

	return a == b && (s->id != NULL) == (id != NULL);
}

/* The command text made compact, and mon_ops.c's jansson way. */
static int
cmd_agrees(const char *buf, size_t len, struct qmpdiff_took *took,
    char *why, size_t whysz)
{
	char *out = malloc(len + 1), *z = malloc(len + 1), *d = NULL;
	json_error_t je;
	json_t *j = NULL;
	struct err e;
	int ok = 1;

	if (out == NULL || z == NULL)
		goto done;
	if (qmpscan_compact_cmd(buf, len, out, len + 1, &e) < 0)
		goto done;
	took->cmd = 1;
	memcpy(z, buf, len);
	z[len] = '\0';
	if (strlen(z) != len)
		ok = differ(why, whysz, "command: the reader took a NUL");
	else if ((j = json_loads(z, JSON_REJECT_DUPLICATES, &je)) == NULL)
		ok = differ(why, whysz, "command: the reader took it, jansson "
		    "says %s", je.text);
	else if (!json_is_string(json_object_get(j, "execute")) ||
	    json_object_get(j, "id") != NULL)
		ok = differ(why, whysz, "command: jansson sees no execute "
		    "string or an id");
	else if ((d = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
	    NULL || strcmp(d, out) != 0)
		ok = differ(why, whysz, "command: %s vs jansson's %s", out,
		    d ? d : "(none)");
done:
	json_decref(j);
	free(d);
	free(out);
	free(z);
	return ok;
}

/* qmpscan_greeting (one pass) takes what qmpscan_msg and then
 * qmpscan_greeting_version of its "QMP" member take, and gives the same. */
static int
greeting_agrees(const char *buf, size_t len, char *why, size_t whysz)
{
	struct qmpscan_msg s, g;
	struct qemu_version a, b;
	struct err e;
	int two = qmpscan_msg(buf, len, &s, &e) == 0 &&
	    s.kind == QMP_MSG_GREETING &&
	    qmpscan_greeting_version(s.qmp, s.qmplen, &a, &e) == 0;
	int one = qmpscan_greeting(buf, len, &g, &b, &e) == 0;

	if (one != two)
		return differ(why, whysz, "greeting: the one pass %s it, the "
		    "two steps %s", one ? "took" : "left", two ? "took" :
		    "left");
	if (one && (g.qmp != s.qmp || g.qmplen != s.qmplen ||
	    a.major != b.major || a.minor != b.minor || a.micro != b.micro ||
	    strcmp(a.package, b.package) != 0))
		return differ(why, whysz, "greeting: the one pass read "
		    "%d.%d.%d (%s), the two steps %d.%d.%d (%s)", b.major,
		    b.minor, b.micro, b.package, a.major, a.minor, a.micro,
		    a.package);
	return 1;
}

int
tu_qmpscan_agrees(const char *buf, size_t len, struct qmpdiff_took *took,
    char *why, size_t whysz)
{
	struct qmpdiff_took t0;
	struct qmpscan_msg s;
	struct qmp_msg q;
	struct err e;
	int ok = 1;

	if (took == NULL)
		took = &t0;
	memset(took, 0, sizeof *took);
	why[0] = '\0';
	if (!cmd_agrees(buf, len, took, why, whysz) ||
	    !greeting_agrees(buf, len, why, whysz))
		return 0;
	if (qmpscan_msg(buf, len, &s, &e) < 0) {
		struct pci_info p;

		/* nor does the one pass with query-pci take it */
		pci_info_init(&p);
		ok = qmpscan_msg_pci(buf, len, &s, &p, &e) < 0;
		pci_info_free(&p);
		return ok ? 1 : differ(why, whysz, "qmpscan_msg_pci took what "
		    "qmpscan_msg leaves");
	}
	took->msg = 1;
	if (qmp_msg_parse(buf, len, &q, &e) < 0)
		return differ(why, whysz, "the reader took a message jansson "
		    "refuses: %s", e.msg);
	if (q.kind != s.kind)
		ok = differ(why, whysz, "kind %d vs jansson's %d", (int)s.kind,
		    (int)q.kind);
	else if (!id_agrees(&s, &q, "ss-0badc0de-1") ||
	    !id_agrees(&s, &q, "x"))
		ok = differ(why, whysz, "the id test differs from jansson's");
	else if (s.kind == QMP_MSG_RETURN)
		ok = pci_agrees(buf, len, &s, &q, took, why, whysz) &&
		    value_agrees(&s, &q, took, why, whysz) &&
		    qom_agrees(&s, &q, took, why, whysz);
	else
		ok = version_agrees(&s, &q, took, why, whysz);
	qmp_msg_free(&q);
	return ok;
}
