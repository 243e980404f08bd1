/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan.c - the lexer of the bounded in-place JSON reader for QMP's hot
 * messages (qmpscan_int.h; what it reads is qmpscan_msg.c's, the contract
 * qmpscan.h's: agree with jansson, or leave the bytes to jansson).
 * The grammar is RFC 8259's as jansson reads it: whitespace is space, tab,
 * CR and LF; strings are valid UTF-8 without raw control characters,
 * their \u escapes paired when surrogates and never \u0000; numbers
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, an integer that fits a
 * long long, a real that does not overflow a double; member names unique
 * within an object. */
#include "qemu/qmpscan_int.h"

#include <stdio.h>
#include <string.h>

/* --- strings ------------------------------------------------------------- */

static int
hex4(const char *p, const char *end, unsigned *v)
{
	int i;

	*v = 0;
	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char h = p[i];
		unsigned d;

		if (h >= '0' && h <= '9')
			d = (unsigned)(h - '0');
		else if (h >= 'a' && h <= 'f')
			d = (unsigned)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			d = (unsigned)(h - 'A' + 10);
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at p (2..4 bytes), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

/* Bytes that stand for themselves in a string: printable ASCII but the
 * quote and the backslash (read in runs, the common case). */
static const unsigned char plain[256] = {
	[0x20 ... 0x21] = 1,		/* '"' is 0x22 */
	[0x23 ... 0x5b] = 1,		/* '\\' is 0x5c */
	[0x5d ... 0x7f] = 1,
};

/* Append s[0..n) to out (at most outsz - 1 bytes kept, as snprintf). */
static void
emit_n(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (out != NULL && *o + 1 < outsz) {
		size_t room = outsz - 1 - *o;

		memcpy(out + *o, s, n < room ? n : room);
	}
	*o += n;
}

/* Append byte b to out (at most outsz - 1 bytes kept, as snprintf). */
static void
emit(char *out, size_t outsz, size_t *o, char b)
{
	if (out != NULL && *o + 1 < outsz)
		out[*o] = b;
	(*o)++;
}

static void
emit_cp(char *out, size_t outsz, size_t *o, unsigned cp)
{
	if (cp < 0x80)
		emit(out, outsz, o, (char)cp);
	else if (cp < 0x800) {
		emit(out, outsz, o, (char)(0xc0 | cp >> 6));
		emit(out, outsz, o, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		emit(out, outsz, o, (char)(0xe0 | cp >> 12));
		emit(out, outsz, o, (char)(0x80 | ((cp >> 6) & 0x3f)));
		emit(out, outsz, o, (char)(0x80 | (cp & 0x3f)));
	} else {
		emit(out, outsz, o, (char)(0xf0 | cp >> 18));
		emit(out, outsz, o, (char)(0x80 | ((cp >> 12) & 0x3f)));
		emit(out, outsz, o, (char)(0x80 | ((cp >> 6) & 0x3f)));
		emit(out, outsz, o, (char)(0x80 | (cp & 0x3f)));
	}
}

/* One escape after the backslash at c->p; the code point to *cp. */
static int
escape(struct qs_cur *c, unsigned *cp)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned lo;

	if (++c->p >= c->end)
		return -1;
	if (*c->p != 'u') {
		if ((k = memchr(from, *c->p, sizeof from - 1)) == NULL)
			return -1;
		*cp = (unsigned char)to[k - from];
		c->p++;
		return 0;
	}
	if (hex4(c->p + 1, c->end, cp) < 0)
		return -1;
	c->p += 5;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return -1;		/* a low surrogate alone */
	if (*cp >= 0xd800 && *cp <= 0xdbff) {
		if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' ||
		    hex4(c->p + 2, c->end, &lo) < 0 || lo < 0xdc00 ||
		    lo > 0xdfff)
			return -1;
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
		c->p += 6;
	}
	return *cp == 0 ? -1 : 0;	/* jansson refuses \u0000 */
}

/* qs_string's whole reading, from the opening quote at c->p: escapes,
 * UTF-8, control characters. */
static int
string_slow(struct qs_cur *c, char *out, size_t outsz, size_t *n, int *esc)
{
	size_t o = 0;

	for (c->p++; c->p < c->end;) {
		const char *q = c->p;
		unsigned char b;
		size_t k;

		while (q < c->end && plain[(unsigned char)*q])
			q++;
		if (q > c->p) {
			emit_n(out, outsz, &o, c->p, (size_t)(q - c->p));
			c->p = q;
			continue;
		}
		b = (unsigned char)*c->p;
		if (b == '"') {
			c->p++;
			if (out != NULL && outsz > 0)
				out[o < outsz ? o : outsz - 1] = '\0';
			*n = o;
			return 0;
		}
		if (b < 0x20)
			return -1;
		if (b == '\\') {
			unsigned cp;

			*esc = 1;
			if (escape(c, &cp) < 0)
				return -1;
			emit_cp(out, outsz, &o, cp);
			continue;
		}
		if (b < 0x80) {
			emit(out, outsz, &o, (char)b);
			c->p++;
			continue;
		}
		if ((k = utf8_seq((const unsigned char *)c->p,
		    (const unsigned char *)c->end)) == 0)
			return -1;
		while (k-- > 0)
			emit(out, outsz, &o, *c->p++);
	}
	return -1;
}

/* The string at c->p, decoded into out (outsz bytes, NUL-terminated,
 * truncated as snprintf; out may be NULL); *n its whole decoded length,
 * *esc whether it held an escape.  Most strings QEMU sends are printable
 * ASCII without escapes: one run of plain bytes up to the closing quote,
 * copied once; anything else is read by string_slow from the start. */
int
qs_string(struct qs_cur *c, char *out, size_t outsz, size_t *n, int *esc)
{
	const char *s, *q, *end = c->end;
	size_t len;

	*esc = 0;
	if (c->p >= end || *c->p != '"')
		return -1;
	s = q = c->p + 1;
	while (q < end && plain[(unsigned char)*q])
		q++;
	if (q >= end || *q != '"')
		return string_slow(c, out, outsz, n, esc);
	len = (size_t)(q - s);
	if (out != NULL && outsz > 0) {
		size_t k = len < outsz - 1 ? len : outsz - 1;

		memcpy(out, s, k);
		out[k] = '\0';
	}
	*n = len;
	c->p = q + 1;
	return 0;
}

/* --- numbers and literals ------------------------------------------------ */

#define DIGIT(p, end) ((p) < (end) && *(p) >= '0' && *(p) <= '9')

/* A number; *isint and, for an integer, its value.  Integers of 19
 * digits or more, and reals of 10^308 or more (or with an exponent of
 * more than 6 digits) are left to jansson (-1): it decides whether they
 * overflow.  The cursor is a local (p), stored back once. */
static int
number(const char **pp, const char *end, int *isint, long long *v)
{
	const char *p = *pp;
	unsigned long long u = 0;
	int neg = 0, nd = 0, mag = 0, nonzero = 0, k = 0, ex = 0, en = 0;
	int eneg = 0;

	*isint = 1;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (!DIGIT(p, end))
		return -1;
	if (*p == '0') {
		p++;
		if (DIGIT(p, end))
			return -1;	/* a leading zero */
	} else
		for (; DIGIT(p, end); p++)
			if (++nd < 19)
				u = u * 10 + (unsigned)(*p - '0');
	if (nd > 0) {
		nonzero = 1;
		mag = nd - 1;	/* the power of ten of the first digit */
	}
	if (p < end && *p == '.') {
		*isint = 0;
		p++;
		if (!DIGIT(p, end))
			return -1;
		for (; DIGIT(p, end); p++) {
			k++;
			if (!nonzero && *p != '0') {
				nonzero = 1;
				mag = -k;
			}
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*isint = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (!DIGIT(p, end))
			return -1;
		for (; DIGIT(p, end); p++) {
			if (++en > 6)
				return -1;
			ex = ex * 10 + (*p - '0');
		}
	}
	*pp = p;
	if (!*isint)
		return nonzero && mag + (eneg ? -ex : ex) >= 308 ? -1 : 0;
	if (nd >= 19)
		return -1;
	*v = neg ? -(long long)u : (long long)u;
	return 0;
}

int
qs_number(struct qs_cur *c, int *isint, long long *v)
{
	return number(&c->p, c->end, isint, v);
}

/* true, false or null (the first byte says which it can be). */
int
qs_literal(struct qs_cur *c)
{
	const char *w;
	size_t n;

	if (c->p >= c->end)
		return -1;
	w = *c->p == 't' ? "true" : *c->p == 'f' ? "false" :
	    *c->p == 'n' ? "null" : NULL;
	if (w == NULL)
		return -1;
	n = strlen(w);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* --- objects and arrays -------------------------------------------------- */

int
qs_obj_begin(struct qs_cur *c, struct qs_obj *o)
{
	if (qs_peek(c) != QS_OBJ || ++c->depth > QMPSCAN_MAX_DEPTH)
		return -1;
	c->p++;
	o->c = c;
	o->n = 0;
	o->seen = 0;
	return 0;
}

/* Blanks from p on; where they end. */
static const char *
blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' ||
	    *p == '\r'))
		p++;
	return p;
}

/* The next member: 1 with its name (raw bytes, no escapes in it) and
 * c->p at its value, 0 at the closing brace, -1 on an error.  The cursor
 * is a local (p) until the member's colon is read. */
int
qs_obj_next(struct qs_obj *o, const char **name, size_t *nlen)
{
	struct qs_cur *c = o->c;
	const char *p, *end = c->end, *s;
	uint64_t bit;
	size_t n, k;
	int esc, i;

	p = blanks(c->p, end);
	if (p >= end)
		goto bad;
	if (*p == '}') {		/* at the start or after a member */
		c->p = p + 1;
		c->depth--;
		return 0;
	}
	if (o->n > 0) {
		if (*p != ',')
			goto bad;
		p = blanks(p + 1, end);
	}
	if (p >= end || *p != '"')
		goto bad;
	s = p + 1;
	for (p = s; p < end && plain[(unsigned char)*p]; p++)
		;
	if (p < end && *p == '"') {
		p++;		/* plain ASCII: qs_string's fast case */
	} else {
		c->p = s - 1;
		if (qs_string(c, NULL, 0, &n, &esc) < 0 || esc)
			return -1;
		p = c->p;
	}
	k = (size_t)(p - 1 - s);
	if (o->n == QMPSCAN_MAX_MEMBERS)
		goto bad;
	bit = (uint64_t)1 << ((k + (k > 0 ? (unsigned char)s[0] * 3u +
	    (unsigned char)s[k - 1] : 0)) & 63);
	/* a duplicate: jansson refuses it */
	if (o->seen & bit)
		for (i = 0; i < o->n; i++)
			if (o->len[i] == k && (k == 0 ||
			    o->name[i][0] == s[0]) &&
			    memcmp(o->name[i], s, k) == 0)
				goto bad;	/* a duplicate */
	o->seen |= bit;
	o->name[o->n] = s;
	o->len[o->n++] = k;
	*name = s;
	*nlen = k;
	p = blanks(p, end);
	if (p >= end || *p != ':')
		goto bad;
	c->p = p + 1;
	return 1;
bad:
	c->p = p;
	return -1;
}

int
qs_arr_begin(struct qs_cur *c, int *n)
{
	if (qs_peek(c) != QS_ARR || ++c->depth > QMPSCAN_MAX_DEPTH)
		return -1;
	c->p++;
	*n = 0;
	return 0;
}

/* 1 at the next element, 0 at the closing bracket, -1 on an error. */
int
qs_arr_next(struct qs_cur *c, int *n)
{
	qs_ws(c);
	if (c->p >= c->end)
		return -1;
	if (*c->p == ']') {
		c->p++;
		c->depth--;
		return 0;
	}
	if (*n > 0) {
		if (*c->p != ',')
			return -1;
		c->p++;
	}
	(*n)++;
	return 1;
}

static int
skip_obj(struct qs_cur *c)
{
	struct qs_obj o;
	const char *k;
	size_t kn;
	int rc;

	if (qs_obj_begin(c, &o) < 0)
		return -1;
	while ((rc = qs_obj_next(&o, &k, &kn)) == 1)
		if (qs_skip(c) < 0)
			return -1;
	return rc;
}

/* Read past one value, checking it. */
int
qs_skip(struct qs_cur *c)
{
	long long v;
	size_t n;
	int isint, esc, k, rc;

	switch (qs_peek(c)) {
	case QS_OBJ:
		return skip_obj(c);
	case QS_ARR:
		if (qs_arr_begin(c, &k) < 0)
			return -1;
		while ((rc = qs_arr_next(c, &k)) == 1)
			if (qs_skip(c) < 0)
				return -1;
		return rc;
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

/* The value at c->p as an integer in lo..hi: 1 yes, 0 it is another
 * value (read past), -1 it is no valid JSON. */
int
qs_int_in(struct qs_cur *c, long long lo, long long hi, long long *v)
{
	int isint;

	if (qs_peek(c) != QS_NUM)
		return qs_skip(c) < 0 ? -1 : 0;
	if (qs_number(c, &isint, v) < 0)
		return -1;
	return isint && *v >= lo && *v <= hi;
}

void
qs_start(struct qs_cur *c, const char *buf, size_t len)
{
	c->p = buf;
	c->end = buf + len;
	c->depth = 0;
}

int
qs_done(struct qs_cur *c)
{
	qs_ws(c);
	return c->p == c->end;
}
