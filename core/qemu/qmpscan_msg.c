/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan_msg.c - what the bounded JSON reader reads (qmpscan.h): a
 * message's kind and id, query-pci's devices, the greeting's version, a
 * command text made compact; each the way qmp.c's jansson code reads it,
 * member by member, with the lexer of qmpscan.c. */
#include "qemu/qmpscan_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static int pci_list(struct qs_cur *c, struct pci_info *pi, struct err *e);
static int qmp_object(struct qs_cur *c, struct qemu_version *v, int *got);

/* qmpscan_msg, with pi: a "return" value read as query-pci's into pi in
 * the same pass (else only checked); with ver: a "QMP" object's version
 * read into ver in the same pass, *got its parts (qmp_object). */
static int
msg(const char *buf, size_t len, struct qmpscan_msg *m, struct pci_info *pi,
    struct qemu_version *ver, int *got, struct err *e)
{
	struct qs_cur c;
	struct qs_obj o;
	const char *k, *v, *err = NULL, *ev = NULL;
	size_t kn;
	int rc, qmpobj = 0;

	memset(m, 0, sizeof *m);
	qs_start(&c, buf, len);
	if (qs_obj_begin(&c, &o) < 0)
		return err_set(e, "not a JSON object this reader takes");
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		int ret = o.id == QS_N_RETURN, isqmp = o.id == QS_N_QMP;

		qs_ws(&c);
		v = c.p;
		if (isqmp)
			qmpobj = qs_peek(&c) == QS_OBJ;
		if (ret && pi != NULL) {
			if (pci_list(&c, pi, e) < 0)
				return -1;
		} else if (ver != NULL && qmpobj && isqmp) {
			if (qmp_object(&c, ver, got) < 0)
				return err_set(e, "not valid JSON");
		} else if (qs_skip(&c) < 0)
			return err_set(e, "not valid JSON");
		if (ret) {
			m->ret = v;
			m->retlen = (size_t)(c.p - v);
		} else if (o.id == QS_N_ID) {
			m->id = v;
			m->idlen = (size_t)(c.p - v);
		} else if (isqmp) {
			m->qmp = v;
			m->qmplen = (size_t)(c.p - v);
		} else if (o.id == QS_N_ERROR)
			err = v;
		else if (o.id == QS_N_EVENT)
			ev = v;
	}
	if (rc < 0 || !qs_done(&c))
		return err_set(e, "not valid JSON");
	if (m->ret != NULL) {
		m->kind = QMP_MSG_RETURN;
		return 0;
	}
	if (pi != NULL)
		return err_set(e, "not a return");
	if (err == NULL && ev == NULL && qmpobj) {
		m->kind = QMP_MSG_GREETING;
		return 0;
	}
	return err_set(e, "neither a return nor a greeting");
}

int
qmpscan_msg(const char *buf, size_t len, struct qmpscan_msg *m,
    struct err *e)
{
	return msg(buf, len, m, NULL, NULL, NULL, e);
}

int
qmpscan_msg_pci(const char *buf, size_t len, struct qmpscan_msg *m,
    struct pci_info *pi, struct err *e)
{
	return msg(buf, len, m, pi, NULL, NULL, e);
}

int
qmpscan_str_is(const char *buf, size_t len, const char *want)
{
	struct qs_cur c = { buf, buf + len, 0 };
	char s[128];
	size_t n;
	int esc;

	if (qs_peek(&c) != QS_STR || qs_string(&c, s, sizeof s, &n, &esc) < 0)
		return 0;
	return n == strlen(want) && n < sizeof s && strcmp(s, want) == 0;
}

/* --- query-pci ------------------------------------------------------------ */

/* One device as qmp.c's devices() reads it. */
struct dev {
	long long bus, slot, func, vendor, device, cls, sec;
	int has_bus, has_slot, has_func, has_ven, has_dev, has_id, has_cls;
	int has_desc, br, has_sec;
	const char *sub;	/* pci_bridge.devices: its bytes, or NULL */
	size_t sublen;
	struct pci_fn *fn;	/* read into: pi's room for it (in place) */
};

static int devices(struct qs_cur *c, int depth, struct pci_info *pi,
    struct err *e);

/* 1, 0 or -1 as qs_int_in; *has = 1 on 1. */
QS_HOT int
want_int(struct qs_cur *c, long long lo, long long hi, long long *v,
    int *has)
{
	int rc = qs_int_in(c, lo, hi, v);

	*has = rc == 1;
	return rc < 0 ? -1 : 0;
}

/* "id": {"vendor", "device"}; any other value is no ids. */
static int
ids(struct qs_cur *c, struct dev *d)
{
	struct qs_obj o;
	const char *k;
	size_t kn;
	int rc;

	if (qs_peek(c) != QS_OBJ)
		return qs_skip(c);
	d->has_id = 1;
	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1)
		if ((o.id == QS_N_VENDOR ? want_int(c, 0, 0xffff,
		    &d->vendor, &d->has_ven) : o.id == QS_N_DEVICE ?
		    want_int(c, 0, 0xffff, &d->device, &d->has_dev) :
		    qs_skip(c)) < 0)
			return -1;
	return rc;
}

/* "class_info": {"desc", "class"}; any other value is no class. */
static int
class_info(struct qs_cur *c, struct dev *d)
{
	struct qs_obj o;
	const char *k;
	size_t kn, n;
	int rc, esc;

	if (qs_peek(c) != QS_OBJ)
		return qs_skip(c);
	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		if (o.id == QS_N_DESC && qs_peek(c) == QS_STR) {
			d->has_desc = 1;
			rc = qs_string(c, d->fn->class_text,
			    sizeof d->fn->class_text, &n, &esc);
		} else if (o.id == QS_N_CLASS)
			rc = want_int(c, 0, 0xffff, &d->cls, &d->has_cls);
		else
			rc = qs_skip(c);
		if (rc < 0)
			return -1;
	}
	return rc;
}

/* "pci_bridge": {"bus": {"secondary"}, "devices"}; not an object is an
 * error (left to jansson). */
static int
bridge(struct qs_cur *c, struct dev *d)
{
	struct qs_obj o, ob;
	const char *k, *v;
	size_t kn;
	int rc;

	d->br = 1;
	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		qs_ws(c);
		v = c->p;
		if (o.id == QS_N_DEVICES) {
			if (qs_skip(c) < 0)
				return -1;
			d->sub = v;
			d->sublen = (size_t)(c->p - v);
			continue;
		}
		if (o.id != QS_N_BUS || qs_peek(c) != QS_OBJ) {
			if (qs_skip(c) < 0)
				return -1;
			continue;
		}
		if (qs_obj_begin(c, &ob) < 0)
			return -1;
		while ((rc = qs_obj_next(&ob, &k, &kn)) == 1)
			if ((ob.id == QS_N_SECONDARY ? want_int(c, 0, 255,
			    &d->sec, &d->has_sec) : qs_skip(c)) < 0)
				return -1;
		if (rc < 0)
			return -1;
	}
	return rc;
}

/* The members of one device object. */
static int
members(struct qs_cur *c, struct dev *d)
{
	struct qs_obj o;
	const char *k;
	size_t kn, n;
	int rc, esc;

	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		switch (o.id) {
		case QS_N_BUS:
			rc = want_int(c, 0, 255, &d->bus, &d->has_bus);
			break;
		case QS_N_SLOT:
			rc = want_int(c, 0, 31, &d->slot, &d->has_slot);
			break;
		case QS_N_FUNCTION:
			rc = want_int(c, 0, 7, &d->func, &d->has_func);
			break;
		case QS_N_ID:
			rc = ids(c, d);
			break;
		case QS_N_CLASS_INFO:
			rc = class_info(c, d);
			break;
		case QS_N_QDEV_ID:
			rc = qs_peek(c) == QS_STR ? qs_string(c, d->fn->id,
			    sizeof d->fn->id, &n, &esc) : qs_skip(c);
			break;
		case QS_N_PCI_BRIDGE:
			rc = bridge(c, d);
			break;
		default:
			rc = qs_skip(c);
		}
		if (rc < 0)
			return -1;
	}
	return rc;
}

/* One device: read, checked as qmp.c checks it, added, then the devices
 * behind it when it is a bridge.  It is read in place, into pi's room for
 * one more function (pci_info_room), and counted only once checked: a
 * device refused leaves pi's functions as they were.  When pi has no room
 * (at PCI_MAX_FUNCTIONS, or out of memory) it is read into a local one
 * and pci_info_add says why after the checks, as before. */
static int
device(struct qs_cur *c, int depth, struct pci_info *pi, struct err *e)
{
	struct pci_fn local;
	struct dev d;

	memset(&d, 0, offsetof(struct dev, fn));
	if ((d.fn = pci_info_room(pi, NULL)) == NULL) {
		memset(&local, 0, sizeof local);
		d.fn = &local;
	}
	if (members(c, &d) < 0)
		return err_set(e, "query-pci: a device this reader leaves to "
		    "jansson");
	if (!d.has_bus || !d.has_slot || !d.has_func || (depth > 0 &&
	    d.bus == 0) || !d.has_id || !d.has_ven || !d.has_dev ||
	    (d.br && !d.has_sec))
		return err_set(e, "query-pci: a device without what qmp.c "
		    "needs");
	d.fn->bus = (int)d.bus;
	d.fn->slot = (int)d.slot;
	d.fn->func = (int)d.func;
	d.fn->vendor = (unsigned)d.vendor;
	d.fn->device = (unsigned)d.device;
	if (!d.has_desc && d.has_cls)
		snprintf(d.fn->class_text, sizeof d.fn->class_text,
		    "Class %04llx", d.cls);
	if (d.br) {
		d.fn->bridge = pci_bridge_kind_of(d.fn->vendor, d.fn->device);
		d.fn->sec_bus = (int)d.sec;
	}
	if (d.fn != &local)
		pi->n++;	/* d.fn is pi's: no copy */
	else if (pci_info_add(pi, &local, e) < 0)
		return -1;
	if (d.sub != NULL) {
		struct qs_cur sc = { d.sub, d.sub + d.sublen, c->depth };

		if (depth + 1 >= QMP_BRIDGE_DEPTH)
			return err_set(e, "query-pci: bridges nested too deep");
		return devices(&sc, depth + 1, pi, e);
	}
	return 0;
}

static int
devices(struct qs_cur *c, int depth, struct pci_info *pi, struct err *e)
{
	int n, rc;

	if (qs_arr_begin(c, &n) < 0)
		return err_set(e, "query-pci: \"devices\" is not a list");
	while ((rc = qs_arr_next(c, &n)) == 1)
		if (device(c, depth, pi, e) < 0)
			return -1;
	return rc < 0 ? err_set(e, "query-pci: not valid JSON") : 0;
}

/* One bus: {"devices": [...], ...}; the devices are read where they are
 * (the other members are checked around them). */
static int
bus(struct qs_cur *c, struct pci_info *pi, struct err *e)
{
	struct qs_obj o;
	const char *k;
	size_t kn;
	int rc, seen = 0;

	if (qs_obj_begin(c, &o) < 0)
		return err_set(e, "query-pci: a bus that is not an object");
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		if (o.id == QS_N_DEVICES) {
			seen = 1;
			if (devices(c, 0, pi, e) < 0)
				return -1;
		} else if (qs_skip(c) < 0)
			return err_set(e, "query-pci: not valid JSON");
	}
	if (rc < 0 || !seen)
		return err_set(e, "query-pci: a bus without devices");
	return 0;
}

/* query-pci's return value at c->p: the buses and their devices. */
static int
pci_list(struct qs_cur *c, struct pci_info *pi, struct err *e)
{
	int n, rc;

	if (qs_arr_begin(c, &n) < 0)
		return err_set(e, "query-pci did not return a list of buses");
	while ((rc = qs_arr_next(c, &n)) == 1)
		if (bus(c, pi, e) < 0)
			return -1;
	return rc < 0 ? err_set(e, "query-pci: not valid JSON") : 0;
}

int
qmpscan_pci(const char *buf, size_t len, struct pci_info *pi, struct err *e)
{
	struct qs_cur c;

	qs_start(&c, buf, len);
	if (pci_list(&c, pi, e) < 0)
		return -1;
	return !qs_done(&c) ? err_set(e, "query-pci: not valid JSON") : 0;
}

/* --- the greeting ------------------------------------------------------- */

/* {"major", "minor", "micro"} */
static int
qemu_numbers(struct qs_cur *c, struct qemu_version *v, int *got)
{
	struct qs_obj o;
	const char *k;
	size_t kn;
	long long x;
	int rc, has;

	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		int *dst = o.id == QS_N_MAJOR ? &v->major :
		    o.id == QS_N_MINOR ? &v->minor :
		    o.id == QS_N_MICRO ? &v->micro : NULL;

		if (dst == NULL) {
			if (qs_skip(c) < 0)
				return -1;
			continue;
		}
		if (want_int(c, 0, 100000, &x, &has) < 0)
			return -1;
		if (has) {
			*dst = (int)x;
			*got |= dst == &v->major ? 1 : dst == &v->minor ? 2 : 4;
		}
	}
	return rc;
}

/* {"qemu": {...}, "package": "..."} */
static int
version(struct qs_cur *c, struct qemu_version *v, int *got)
{
	struct qs_obj o;
	const char *k;
	size_t kn, n;
	int rc, esc;

	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		if (o.id == QS_N_QEMU && qs_peek(c) == QS_OBJ)
			rc = qemu_numbers(c, v, got);
		else if (o.id == QS_N_PACKAGE && qs_peek(c) == QS_STR)
			rc = qs_string(c, v->package, sizeof v->package, &n,
			    &esc);
		else
			rc = qs_skip(c);
		if (rc < 0)
			return -1;
	}
	return rc;
}

/* The greeting's "QMP" object at c->p: its "version" into v (*got the
 * parts read: 1 major, 2 minor, 4 micro), the rest checked; -1 when it is
 * no object or not valid. */
static int
qmp_object(struct qs_cur *c, struct qemu_version *v, int *got)
{
	struct qs_obj o;
	const char *k;
	size_t kn;
	int rc;

	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		if (o.id == QS_N_VERSION && qs_peek(c) == QS_OBJ)
			rc = version(c, v, got);
		else
			rc = qs_skip(c);
		if (rc < 0)
			return -1;
	}
	return rc;
}

int
qmpscan_greeting_version(const char *buf, size_t len, struct qemu_version *v,
    struct err *e)
{
	struct qs_cur c;
	int got = 0;

	memset(v, 0, sizeof *v);
	qs_start(&c, buf, len);
	if (qs_peek(&c) != QS_OBJ)
		return err_set(e, "the greeting's QMP member is not an object");
	if (qmp_object(&c, v, &got) < 0 || got != 7 || !qs_done(&c)) {
		memset(v, 0, sizeof *v);
		return err_set(e, "the greeting has no version this reader "
		    "takes");
	}
	return 0;
}

int
qmpscan_greeting(const char *buf, size_t len, struct qmpscan_msg *m,
    struct qemu_version *v, struct err *e)
{
	int got = 0;

	memset(v, 0, sizeof *v);
	if (qs_greeting_fast(buf, len, m, v) == 0)
		return 0;
	if (msg(buf, len, m, NULL, v, &got, e) < 0 ||
	    m->kind != QMP_MSG_GREETING || got != 7) {
		memset(v, 0, sizeof *v);
		return err_set(e, "not a greeting with a version this reader "
		    "takes");
	}
	return 0;
}

/* --- a command text, compact ---------------------------------------------- */

int
qmpscan_compact_cmd(const char *buf, size_t len, char *out, size_t outsz,
    struct err *e)
{
	struct qs_cur c;
	struct qs_obj o;
	const char *k;
	size_t kn, i, n = 0;
	int rc, exec = 0, str = 0;

	if (memchr(buf, '\\', len) != NULL)
		return err_set(e, "a command with an escape");
	qs_start(&c, buf, len);
	if (qs_obj_begin(&c, &o) < 0)
		return err_set(e, "a command that is not a JSON object");
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		if (QS_IS(k, kn, "id"))
			return err_set(e, "a command with an id");
		if (QS_IS(k, kn, "execute"))
			exec = qs_peek(&c) == QS_STR;
		if (qs_skip(&c) < 0)
			return err_set(e, "not valid JSON");
	}
	if (rc < 0 || !qs_done(&c))
		return err_set(e, "not valid JSON");
	if (!exec)
		return err_set(e, "a command without an execute string");
	/* no blanks outside strings; a digit there is a number */
	for (i = 0; i < len; i++) {
		char b = buf[i];

		if (!str && (b == ' ' || b == '\t' || b == '\r' || b == '\n'))
			continue;
		if (!str && ((b >= '0' && b <= '9') || b == '-'))
			return err_set(e, "a command with a number");
		if (b == '"')
			str = !str;
		if (n + 1 >= outsz)
			return err_set(e, "a command too long");
		out[n++] = b;
	}
	out[n] = '\0';
	return 0;
}

/* --- a return value, compact ---------------------------------------------- */

struct wr {
	char *out;
	size_t sz, n;
};

static int
put(struct wr *w, const char *s, size_t n)
{
	if (w->n + n >= w->sz)
		return -1;
	memcpy(w->out + w->n, s, n);
	w->n += n;
	return 0;
}

/* A string that held escapes, decoded (d[0..n)), written back as
 * jansson's encoder writes it: the short escapes, \u00XX for the other
 * control characters, everything else as it is. */
static int
put_escaped(struct wr *w, const char *d, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (put(w, "\"", 1) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)d[i];
		const char *t = b == '"' ? "\\\"" : b == '\\' ? "\\\\" :
		    b == '\b' ? "\\b" : b == '\f' ? "\\f" : b == '\n' ? "\\n" :
		    b == '\r' ? "\\r" : b == '\t' ? "\\t" : NULL;
		char u[6] = { '\\', 'u', '0', '0', hex[b >> 4], hex[b & 15] };

		if ((t != NULL ? put(w, t, 2) : b < 0x20 ? put(w, u, 6) :
		    put(w, d + i, 1)) < 0)
			return -1;
	}
	return put(w, "\"", 1);
}

static int value(struct qs_cur *c, struct wr *w);

/* A string: as it is, or decoded and written back as jansson does when
 * it held an escape (one of up to 4095 decoded bytes; a longer one is
 * left to jansson). */
static int
string(struct qs_cur *c, struct wr *w)
{
	const char *s = c->p;
	char d[4096];
	size_t n;
	int esc;

	if (qs_string(c, NULL, 0, &n, &esc) < 0)
		return -1;
	if (!esc)
		return put(w, s, (size_t)(c->p - s));
	if (n >= sizeof d)
		return -1;
	c->p = s;
	if (qs_string(c, d, sizeof d, &n, &esc) < 0)
		return -1;
	return put_escaped(w, d, n);
}

static int
value(struct qs_cur *c, struct wr *w)
{
	struct qs_obj o;
	const char *k, *s;
	size_t kn;
	long long v;
	int rc, n, isint;

	switch (qs_peek(c)) {
	case QS_OBJ:
		if (qs_obj_begin(c, &o) < 0 || put(w, "{", 1) < 0)
			return -1;
		while ((rc = qs_obj_next(&o, &k, &kn)) == 1)
			if ((o.nm.n > 1 && put(w, ",", 1) < 0) ||
			    put(w, k - 1, kn + 2) < 0 || put(w, ":", 1) < 0 ||
			    value(c, w) < 0)
				return -1;
		return rc < 0 ? -1 : put(w, "}", 1);
	case QS_ARR:
		if (qs_arr_begin(c, &n) < 0 || put(w, "[", 1) < 0)
			return -1;
		while ((rc = qs_arr_next(c, &n)) == 1)
			if ((n > 1 && put(w, ",", 1) < 0) || value(c, w) < 0)
				return -1;
		return rc < 0 ? -1 : put(w, "]", 1);
	case QS_STR:
		return string(c, w);
	case QS_NUM:
		/* an integer as jansson writes it back: not -0, no real */
		s = c->p;
		if (qs_number(c, &isint, &v) < 0 || !isint ||
		    (v == 0 && *s == '-'))
			return -1;
		return put(w, s, (size_t)(c->p - s));
	case QS_LIT:
		s = c->p;
		return qs_literal(c) < 0 ? -1 : put(w, s, (size_t)(c->p - s));
	default:
		return -1;
	}
}

int
qmpscan_compact_value(const char *buf, size_t len, char *out, size_t outsz,
    struct err *e)
{
	struct wr w = { out, outsz, 0 };
	struct qs_cur c;

	qs_start(&c, buf, len);
	if (outsz == 0 || value(&c, &w) < 0 || !qs_done(&c))
		return err_set(e, "a value this reader leaves to jansson");
	out[w.n] = '\0';
	return 0;
}
