/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan_skip.c - the bounded JSON reader's skipper (qmpscan_int.h's
 * qs_skip): a value nobody reads (query-pci's "regions", a greeting's
 * "capabilities", whatever a reader passes over) read past and checked
 * all the same -- grammar, strings, numbers, depth, member counts and
 * duplicate names, as the lexer (qmpscan.c) checks what is read, since
 * jansson refuses a message for any of them.  The loops over an object's
 * members and an array's elements keep their cursor in a local and take
 * the common values (a plain string, a short integer) inline, through
 * the same fast paths as the readers (qmpscan_int.h); anything else is
 * the lexer's.  Only objects and arrays recurse, as deep as the depth
 * bound lets them. */
#include "qemu/qmpscan_int.h"

static int value(struct qs_cur *c);

/* A plain string, a short integer or a literal at p (blanks skipped):
 * where it ends, or NULL for any other value (value()'s). */
QS_HOT const char *
scalar(const char *p, const char *end)
{
	const char *q;
	long long v;

	if (p >= end)
		return NULL;
	switch (*p) {
	case '"':
		q = qs_run(p + 1, end);
		return q < end && *q == '"' ? q + 1 : NULL;
	case 't':
		return end - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'n':
		return end - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return end - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 :
		    NULL;
	default:
		return qs_int_fast(p, end, &v);
	}
}

/* The object at c->p ('{'): its members' names taken as qs_obj_next
 * takes them, their values read past. */
static int
skip_obj(struct qs_cur *c)
{
	const char *p = c->p + 1, *const end = c->end, *q;
	struct qs_names nm;
	struct qs_mem m;
	int rc;

	if (++c->depth > QMPSCAN_MAX_DEPTH)
		return -1;
	qs_names_init(&nm);
	for (;; p = q) {
		if ((rc = qs_name_fast(p, end, nm.n == 0, &m)) < 0) {
			c->p = p + 1;
			c->depth--;
			return 0;
		}
		if (rc == 0) {
			c->p = p;
			m = qs_member(c, nm.n == 0, &rc);
			if (rc <= 0)
				return rc;
		}
		if (qs_take(&nm, m.s, m.k, m.w, m.w2) < 0)
			return -1;
		if ((q = scalar(p = m.val, end)) == NULL &&
		    (q = scalar(p = qs_blanks(p, end), end)) == NULL) {
			c->p = p;
			if (value(c) < 0)
				return -1;
			q = c->p;
		}
	}
}

/* The array at c->p ('['), each element read past. */
static int
skip_arr(struct qs_cur *c)
{
	const char *p = c->p + 1, *const end = c->end, *q;
	int n = 0;

	if (++c->depth > QMPSCAN_MAX_DEPTH)
		return -1;
	for (;; p = q) {
		p = qs_blanks(p, end);
		if (p >= end)
			return -1;
		if (*p == ']') {
			c->p = p + 1;
			c->depth--;
			return 0;
		}
		if (n++ > 0) {
			if (*p != ',')
				return -1;
			p = qs_blanks(p + 1, end);
		}
		if ((q = scalar(p, end)) == NULL) {
			c->p = p;
			if (value(c) < 0)
				return -1;
			q = c->p;
		}
	}
}

/* One value at c->p, blanks before it skipped. */
static int
value(struct qs_cur *c)
{
	long long v;
	size_t n;
	int isint, esc;

	switch (qs_peek(c)) {
	case QS_OBJ:
		return skip_obj(c);
	case QS_ARR:
		return skip_arr(c);
	case QS_STR:
		return qs_string(c, NULL, 0, &n, &esc);
	case QS_NUM:
		return qs_number(c, &isint, &v);
	case QS_LIT:
		return qs_literal(c);
	default:
		return -1;
	}
}

int
qs_skip(struct qs_cur *c)
{
	const char *q = scalar(c->p, c->end);

	if (q == NULL)
		q = scalar(qs_blanks(c->p, c->end), c->end);
	if (q == NULL)
		return value(c);
	c->p = q;
	return 0;
}
