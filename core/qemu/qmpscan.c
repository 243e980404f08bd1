/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan.c - the lexer of the bounded in-place JSON reader for QMP's hot
 * messages (qmpscan_int.h; what it reads is qmpscan_msg.c's, the contract
 * qmpscan.h's: agree with jansson, or leave the bytes to jansson): the
 * general path of every token, behind qmpscan_int.h's inline fast paths
 * for QEMU's own form, which leave it whatever else they meet.
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
 * quote and the backslash (read in runs, the common case: qs_run). */
const unsigned char qs_plain[256] = {
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

		q = qs_run(q, c->end);
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
	s = c->p + 1;
	q = qs_run(s, end);
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
	const char *q = qs_int_fast(c->p, c->end, v);

	if (q != NULL) {
		*isint = 1;
		c->p = q;
		return 0;
	}
	return number(&c->p, c->end, isint, v);
}

/* true, false or null (the first byte says which it can be). */
int
qs_literal(struct qs_cur *c)
{
	const char *p = c->p;
	size_t left = (size_t)(c->end - p);

	if (left >= 4 && (memcmp(p, "true", 4) == 0 ||
	    memcmp(p, "null", 4) == 0))
		c->p = p + 4;
	else if (left >= 5 && memcmp(p, "false", 5) == 0)
		c->p = p + 5;
	else
		return -1;
	return 0;
}

/* --- objects ------------------------------------------------------------ */

/* Blanks from p on, any number of them (qs_blanks' loop). */
const char *
qs_blanks_loop(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' ||
	    *p == '\r'))
		p++;
	return p;
}

/* The words qs_name_id takes of the name s[0..k): its bytes 0..7 and
 * 8..15 (0 past its end, or w2 0 when it is longer), as qs_name_fast reads
 * them. */
static void
name_words(const char *s, size_t k, uint64_t *w, uint64_t *w2)
{
	size_t i;

	*w = *w2 = 0;
	for (i = 0; i < k && i < 8; i++)
		*w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	for (i = 8; k <= 16 && i < k; i++)
		*w2 |= (uint64_t)(unsigned char)s[i] << (8 * (i - 8));
}

/* qs_obj_next's general path: the member at c->p, with blanks anywhere
 * around its name and colon, and a name that is not plain ASCII read as
 * a string (one with an escape is left to jansson). */
static int
member(struct qs_cur *c, int first, struct qs_mem *m)
{
	const char *p, *end = c->end, *s;
	size_t n;
	int esc;

	p = qs_blanks_loop(c->p, end);
	if (p >= end)
		return -1;
	if (*p == '}') {		/* at the start or after a member */
		c->p = p + 1;
		c->depth--;
		return 0;
	}
	if (!first) {
		if (*p != ',')
			return -1;
		p = qs_blanks_loop(p + 1, end);
	}
	if (p >= end || *p != '"')
		return -1;
	s = p + 1;
	p = qs_run(s, end);
	if (p < end && *p == '"') {
		p++;		/* plain ASCII: qs_string's fast case */
	} else {
		c->p = s - 1;
		if (qs_string(c, NULL, 0, &n, &esc) < 0 || esc)
			return -1;
		p = c->p;
	}
	m->s = s;
	m->k = (size_t)(p - 1 - s);
	name_words(s, m->k, &m->w, &m->w2);
	p = qs_blanks_loop(p, end);
	if (p >= end || *p != ':')
		return -1;
	m->val = p + 1;
	return 1;
}

struct qs_mem
qs_member(struct qs_cur *c, int first, int *rc)
{
	struct qs_mem m = { NULL, NULL, 0, 0, 0 };

	*rc = member(c, first, &m);
	return m;
}

/* s[0..k) is one of the n names before it (the filter said it may be). */
int
qs_name_seen(const char *const *name, const size_t *len, int n,
    const char *s, size_t k)
{
	int i;

	for (i = 0; i < n; i++)
		if (len[i] == k && (k == 0 || name[i][0] == s[0]) &&
		    memcmp(name[i], s, k) == 0)
			return 1;
	return 0;
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
