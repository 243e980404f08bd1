/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan_int.h - the JSON reader's lexer (qmpscan.c) as the message
 * readers (qmpscan_msg.c) use it; nothing outside those two includes it.
 * A cursor walks [p, end); every function returns -1 when the bytes are
 * not JSON as jansson reads it (or are a form left to jansson) and never
 * reads past end.  depth counts the objects and arrays open. */
#ifndef SLOTSCOPE_QMPSCAN_INT_H
#define SLOTSCOPE_QMPSCAN_INT_H

#include <string.h>

#include "qemu/qmpscan.h"

struct qs_cur {
	const char *p, *end;
	int depth;
};

/* What a value is, from its first byte. */
enum qs_vt { QS_BAD, QS_OBJ, QS_ARR, QS_STR, QS_NUM, QS_LIT };

/* An object being read: its member names so far (for duplicates). */
struct qs_obj {
	struct qs_cur *c;
	const char *name[QMPSCAN_MAX_MEMBERS];
	size_t len[QMPSCAN_MAX_MEMBERS];
	int n;
};

void qs_ws(struct qs_cur *c);
/* Skip blanks; the kind of the value at c->p. */
enum qs_vt qs_peek(struct qs_cur *c);
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
