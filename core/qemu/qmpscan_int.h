/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan_int.h - the JSON reader's lexer (qmpscan.c) as the message
 * readers (qmpscan_msg.c) use it; nothing outside those two includes it.
 * A cursor walks [p, end); every function returns -1 when the bytes are
 * not JSON as jansson reads it (or are a form left to jansson) and never
 * reads past end.  depth counts the objects and arrays open. */
#ifndef SLOTSCOPE_QMPSCAN_INT_H
#define SLOTSCOPE_QMPSCAN_INT_H

#include <stdint.h>
#include <string.h>

#include "qemu/qmpscan.h"

struct qs_cur {
	const char *p, *end;
	int depth;
};

/* What a value is, from its first byte. */
enum qs_vt { QS_BAD, QS_OBJ, QS_ARR, QS_STR, QS_NUM, QS_LIT };

/* An object being read: its member names so far (for duplicates), and
 * a 64-bit filter of them (a bit per hash of a name's length and ends):
 * a name whose bit is clear cannot be a duplicate, so the names before it
 * are compared only when the bit is set. */
struct qs_obj {
	struct qs_cur *c;
	const char *name[QMPSCAN_MAX_MEMBERS];
	size_t len[QMPSCAN_MAX_MEMBERS];
	int n;
	uint64_t seen;
};

/* Skip blanks (inline: called before every token). */
static inline void
qs_ws(struct qs_cur *c)
{
	const char *p = c->p, *end = c->end;

	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' ||
	    *p == '\r'))
		p++;
	c->p = p;
}

/* Skip blanks; the kind of the value at c->p. */
static inline enum qs_vt
qs_peek(struct qs_cur *c)
{
	qs_ws(c);
	if (c->p >= c->end)
		return QS_BAD;
	switch (*c->p) {
	case '{':
		return QS_OBJ;
	case '[':
		return QS_ARR;
	case '"':
		return QS_STR;
	case 't': case 'f': case 'n':
		return QS_LIT;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return QS_NUM;
	default:
		return QS_BAD;
	}
}
/* A string, decoded into out (outsz bytes, NUL-terminated, cut as
 * snprintf cuts; out may be NULL); *n its decoded length, *esc 1 when it
 * held an escape. */
int qs_string(struct qs_cur *c, char *out, size_t outsz, size_t *n,
    int *esc);
int qs_number(struct qs_cur *c, int *isint, long long *v);
int qs_literal(struct qs_cur *c);
int qs_obj_begin(struct qs_cur *c, struct qs_obj *o);
/* 1: the next member's name (raw bytes) with c->p at its value; 0: the
 * object ended. */
int qs_obj_next(struct qs_obj *o, const char **name, size_t *nlen);
int qs_arr_begin(struct qs_cur *c, int *n);
/* 1: c->p at the next element; 0: the array ended. */
int qs_arr_next(struct qs_cur *c, int *n);
/* Read past one value, checking all of it. */
int qs_skip(struct qs_cur *c);
/* The value as an integer in lo..hi: 1 yes, 0 another value (read past),
 * -1 not valid. */
int qs_int_in(struct qs_cur *c, long long lo, long long hi, long long *v);
/* A cursor over buf[0..len); after the value read from it, qs_done: 1
 * when only blanks are left (the value was all of buf). */
void qs_start(struct qs_cur *c, const char *buf, size_t len);
int qs_done(struct qs_cur *c);
/* name[0..n) is the literal lit. */
#define QS_IS(name, n, lit) \
	((n) == sizeof(lit) - 1 && memcmp((name), (lit), (n)) == 0)

#endif
