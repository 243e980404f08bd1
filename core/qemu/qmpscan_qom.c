/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan_qom.c - qom-list's return read in place by the bounded reader
 * (qmpscan.h): every refresh asks `qom-list /machine/peripheral-anon`
 * (anon.h), and its reply went through a jansson tree only to find the
 * device[N] children.  What this leaves (-1) the caller reads with
 * jansson; where it reads, it gives what a jansson walk gives
 * (tests/lib/qmpdiff.c compares the two on every fixture and in
 * fuzz_qmpscan).  QEMU's own form of an element is taken by a fast path
 * in front of the general one, without copying its strings. */
#include "qemu/qmpscan_int.h"

/* A member that is a string: decoded into out; 1 read, 0 not a string
 * (read past), -1 not read here (bad bytes, or cut: longer than out). */
static int
str_member(struct qs_cur *c, char *out, size_t outsz, size_t *n)
{
	int esc;

	if (qs_peek(c) != QS_STR)
		return qs_skip(c) < 0 ? -1 : 0;
	if (qs_string(c, out, outsz, n, &esc) < 0 || *n >= outsz)
		return -1;
	return 1;
}

/* One element: each() when it is an object whose "name" and "type" are
 * strings. */
static int
element(struct qs_cur *c, qmpscan_qom_fn each, void *arg)
{
	char name[QMPSCAN_QOM_MAX], type[QMPSCAN_QOM_MAX];
	size_t nn = 0, tn = 0, kn;
	int rc, hn = 0, ht = 0;
	struct qs_obj o;
	const char *k;

	if (qs_peek(c) != QS_OBJ)
		return qs_skip(c);
	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1) {
		int r;

		if (o.id == QS_N_NAME)
			r = hn = str_member(c, name, sizeof name, &nn);
		else if (o.id == QS_N_TYPE)
			r = ht = str_member(c, type, sizeof type, &tn);
		else
			r = qs_skip(c);
		if (r < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (hn == 1 && ht == 1)
		each(arg, name, nn, type, tn);
	return 0;
}

/* QEMU's form of an element at c->p (after one blank): {"name": "NAME",
 * "type": "TYPE"}, both plain (qs_run: no escape, control or non-ASCII
 * byte) and shorter than QMPSCAN_QOM_MAX.  1 with each() called on the
 * bytes where they are and c->p past the element; 0 leaves it to
 * element(), from where it was, nothing called.  The general path would
 * read those bytes the same (two strings that decode to themselves, two
 * names that are no duplicates), and anything else is its
 * (qmpscan_int.h). */
int
qs_qom_element_fast(struct qs_cur *c, qmpscan_qom_fn each, void *arg)
{
	static const char a[] = "{\"name\": \"", b[] = "\", \"type\": \"";
	const char *p = c->p, *end = c->end, *n, *ne, *t, *te;

	if (p < end && *p == ' ')
		p++;
	if (c->depth >= QMPSCAN_MAX_DEPTH || (size_t)(end - p) < sizeof a -
	    1 || memcmp(p, a, sizeof a - 1) != 0)
		return 0;
	n = p + sizeof a - 1;
	ne = qs_run(n, end);
	if ((size_t)(end - ne) < sizeof b - 1 || memcmp(ne, b, sizeof b - 1) !=
	    0)
		return 0;
	t = ne + sizeof b - 1;
	te = qs_run(t, end);
	if (end - te < 2 || te[0] != '"' || te[1] != '}' ||
	    ne - n >= QMPSCAN_QOM_MAX || te - t >= QMPSCAN_QOM_MAX)
		return 0;
	each(arg, n, (size_t)(ne - n), t, (size_t)(te - t));
	c->p = te + 2;
	return 1;
}

int
qmpscan_qom_list(const char *buf, size_t len, qmpscan_qom_fn each,
    void *arg)
{
	struct qs_cur c;
	int n, rc;

	qs_start(&c, buf, len);
	if (qs_peek(&c) != QS_ARR)
		return qs_skip(&c) < 0 || !qs_done(&c) ? -1 : 0;
	if (qs_arr_begin(&c, &n) < 0)
		return -1;
	while ((rc = qs_arr_next(&c, &n)) == 1)
		if (!qs_qom_element_fast(&c, each, arg) &&
		    element(&c, each, arg) < 0)
			return -1;
	return rc < 0 || !qs_done(&c) ? -1 : 0;
}
