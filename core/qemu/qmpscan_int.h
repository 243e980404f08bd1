/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan_int.h - the JSON reader's lexer (qmpscan.c, and the skipper of
 * the values nobody reads, qmpscan_skip.c) as the message readers
 * (qmpscan_msg.c, qmpscan_qom.c, qmpscan_greet.c) use it; nothing else
 * includes it.
 * A cursor walks [p, end); every function returns -1 when the bytes are
 * not JSON as jansson reads it (or are a form left to jansson) and never
 * reads past end.  depth counts the objects and arrays open.
 *
 * What every member and every value passes through is inline here, each
 * a fast path for the form QEMU writes (one space after a comma or a
 * colon, none elsewhere; names and strings of plain ASCII found sixteen
 * or eight bytes at a time; integers of up to seven digits; member names
 * QEMU uses as numbers, enum qs_name) in front of the general path
 * (qmpscan.c), which reads everything else.  A fast path only ever takes
 * bytes the general path takes, with the same result, and leaves anything
 * else to it from the same place, untouched; tests/unit/check_qmpfast.c
 * tries their edges. */
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

/* The member names QEMU sends in the messages read here, each a number:
 * the readers dispatch on it, and an object's duplicates among them are
 * one bit each (qs_name_id says which name is which). */
enum qs_name {
	QS_N_OTHER,		/* any other name */
	QS_N_RETURN, QS_N_ID, QS_N_QMP, QS_N_ERROR, QS_N_EVENT, QS_N_EXECUTE,
	QS_N_ARGUMENTS, QS_N_VERSION, QS_N_QEMU, QS_N_MAJOR, QS_N_MINOR,
	QS_N_MICRO, QS_N_PACKAGE, QS_N_CAPABILITIES, QS_N_BUS, QS_N_DEVICES,
	QS_N_SLOT, QS_N_FUNCTION, QS_N_CLASS_INFO, QS_N_CLASS, QS_N_DESC,
	QS_N_VENDOR, QS_N_DEVICE, QS_N_SUBSYSTEM, QS_N_SUBSYSTEM_VENDOR,
	QS_N_IRQ, QS_N_IRQ_PIN, QS_N_QDEV_ID, QS_N_REGIONS, QS_N_PCI_BRIDGE,
	QS_N_SECONDARY, QS_N_PRIMARY, QS_N_SUBORDINATE, QS_N_IO_RANGE,
	QS_N_MEMORY_RANGE, QS_N_BASE, QS_N_LIMIT, QS_N_BAR, QS_N_SIZE,
	QS_N_ADDRESS, QS_N_TYPE, QS_N_PREFETCH, QS_N_MEM_TYPE_64, QS_N_NAME,
	QS_N_COUNT		/* how many: at most 64, a bit each */
};
_Static_assert(QS_N_COUNT <= 64, "a bit of a uint64_t for each name");

/* The names of an object read so far, for its duplicates: n of them in
 * all (at most QMPSCAN_MAX_MEMBERS), those of enum qs_name a bit each in
 * known; the nu others kept (name, len) with a 64-bit filter of them
 * (seen: a bit per hash of a name's length and first eight bytes,
 * qs_bit), so that they are compared only when a name's bit is set. */
struct qs_names {
	int n, nu;
	uint64_t known, seen;
	const char *name[QMPSCAN_MAX_MEMBERS];
	size_t len[QMPSCAN_MAX_MEMBERS];
};

/* An object being read: its cursor, the last member's name as a number
 * (id: QS_N_OTHER for any other name), the names so far. */
struct qs_obj {
	struct qs_cur *c;
	int id;
	struct qs_names nm;
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define QS_SWAR 1	/* words read eight bytes at a time, byte 0 first */
#else
#define QS_SWAR 0
#endif
#if QS_SWAR && defined(__SSE2__)
#define QS_SSE2 1	/* and sixteen at a time, with SSE2 (any x86-64) */
#include <emmintrin.h>
#else
#define QS_SSE2 0
#endif
#define QS_HOT static inline __attribute__((always_inline))

/* --- blanks, and what a value is ----------------------------------------- */

/* Blanks from p on; where they end.  QEMU puts one space after a comma
 * or a colon and none elsewhere: that case is two tests, anything else
 * the loop (qs_blanks_loop). */
const char *qs_blanks_loop(const char *p, const char *end);
QS_HOT const char *
qs_blanks(const char *p, const char *end)
{
	if (p < end && *p == ' ')
		p++;
	if (p >= end || (unsigned char)*p > ' ')
		return p;
	return qs_blanks_loop(p, end);
}

/* Skip blanks (called before every token). */
QS_HOT void
qs_ws(struct qs_cur *c)
{
	c->p = qs_blanks(c->p, c->end);
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

/* --- runs of plain bytes ------------------------------------------------- */

/* Bytes that stand for themselves in a string: printable ASCII but the
 * quote and the backslash (qmpscan.c). */
extern const unsigned char qs_plain[256];

/* Of the word w (byte 0 the first), the high bit of each byte that is not
 * plain: below 0x20, the quote, the backslash, or 0x80 and above.  Only
 * the lowest bit set is exact (a borrow may mark bytes above it), and it
 * is the only one used: a subtraction borrows out of a byte only where
 * that byte is itself marked. */
#define QS_BYTES(x) (0x0101010101010101ull * (x))
#define QS_NOT_PLAIN(w) \
	((((w) - QS_BYTES(0x20)) | (((w) ^ QS_BYTES('"')) - QS_BYTES(1)) | \
	    (((w) ^ QS_BYTES('\\')) - QS_BYTES(1)) | (w)) & QS_BYTES(0x80))

#if QS_SSE2
/* Of the sixteen bytes at p, a bit each (bit i for byte i) for those
 * that are not plain: the quote, the backslash, and below 0x20 as a
 * signed byte, which takes in 0x80 and above. */
QS_HOT unsigned
qs_not_plain16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
	    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));

	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Where the run of plain bytes from p ends (end at the latest): sixteen
 * or eight bytes at a time while that many are left, then byte by
 * byte. */
QS_HOT const char *
qs_run(const char *p, const char *end)
{
#if QS_SSE2
	while (end - p >= 16) {
		unsigned m = qs_not_plain16(p);

		if (m != 0)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
#if QS_SWAR
	while (end - p >= 8) {
		uint64_t w, m;

		memcpy(&w, p, sizeof w);
		if ((m = QS_NOT_PLAIN(w)) != 0)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < end && qs_plain[(unsigned char)*p])
		p++;
	return p;
}

/* --- strings, numbers, literals (qmpscan.c) ------------------------------ */

/* A string, decoded into out (outsz bytes, NUL-terminated, cut as
 * snprintf cuts; out may be NULL); *n its decoded length, *esc 1 when it
 * held an escape. */
int qs_string(struct qs_cur *c, char *out, size_t outsz, size_t *n,
    int *esc);
int qs_number(struct qs_cur *c, int *isint, long long *v);
int qs_literal(struct qs_cur *c);

/* An integer -?(0|[1-9][0-9]{0,6}) and the byte after it, which ends
 * it (not a digit, '.', 'e' nor 'E'), when 20 bytes or more are left:
 * where it ends, its value in *v; NULL for anything else, which
 * qs_number then reads from the start.  One digit is read as it is; more
 * are found and added up a word at a time: t, each byte less '0', is
 * 0..9 exactly for the digits before the first byte that is none (no
 * borrow reaches them), whose high bit (of t or of t + 0x76) is the
 * lowest set; the digits, moved to the top of the word behind zeros, are
 * summed in pairs, fours and eights. */
#define QS_DIGIT(b) ((unsigned char)((b) - '0') <= 9)
QS_HOT const char *
qs_int_fast(const char *p, const char *end, long long *v)
{
	uint64_t u;
	size_t nd = 1;
	int neg;

	if (end - p < 20)
		return NULL;
	neg = *p == '-';
	p += neg;
	if (!QS_DIGIT(*p))
		return NULL;
	u = (uint64_t)(*p - '0');
	if (QS_DIGIT(p[1])) {
#if QS_SWAR
		uint64_t w, t, m;

		if (u == 0)
			return NULL;		/* a leading zero */
		memcpy(&w, p, sizeof w);
		t = w - QS_BYTES('0');
		m = (t | (t + QS_BYTES(0x76))) & QS_BYTES(0x80);
		if (m == 0)
			return NULL;		/* eight digits or more */
		nd = (size_t)__builtin_ctzll(m) >> 3;	/* 2..7 */
		u = t << (8 * (8 - nd));
		u = (u & QS_BYTES(0x0f)) * 2561 >> 8;
		u = (u & 0x00ff00ff00ff00ffull) * 6553601 >> 16;
		u = (u & 0x0000ffff0000ffffull) * 42949672960001ull >> 32;
#else
		return NULL;
#endif
	}
	if (p[nd] == '.' || (p[nd] | 0x20) == 'e')
		return NULL;		/* a real */
	*v = neg ? -(long long)u : (long long)u;
	return p + nd;
}

/* Read past one value, checking all of it (qmpscan_skip.c). */
int qs_skip(struct qs_cur *c);

/* The value as an integer in lo..hi: 1 yes, 0 another value (read past),
 * -1 not valid. */
QS_HOT int
qs_int_in(struct qs_cur *c, long long lo, long long hi, long long *v)
{
	const char *q;
	int isint;

	if ((q = qs_int_fast(c->p, c->end, v)) == NULL) {
		qs_ws(c);	/* not QEMU's one blank, skipped already */
		q = qs_int_fast(c->p, c->end, v);
	}
	if (q != NULL) {
		c->p = q;
		return *v >= lo && *v <= hi;
	}
	if (qs_peek(c) != QS_NUM)
		return qs_skip(c) < 0 ? -1 : 0;
	if (qs_number(c, &isint, v) < 0)
		return -1;
	return isint && *v >= lo && *v <= hi;
}

/* --- objects ------------------------------------------------------------- */

/* The filter's bit of a name: of its length k and w, its first eight
 * bytes (fewer when it is shorter, the bytes past it 0). */
QS_HOT uint64_t
qs_bit(uint64_t w, size_t k)
{
	return (uint64_t)1 << (((w + k) * 0x9e3779b97f4a7c15ull) >> 58);
}

/* The word of bytes i..i+7 of the literal s (byte i first, 0 past its
 * end): what qs_name_id compares a name's words with. */
#define QS_C(s, i) ((i) < sizeof(s) - 1 ? \
	(uint64_t)(unsigned char)(s)[(i) < sizeof(s) - 1 ? (i) : 0] << \
	(8 * ((i) & 7)) : 0)
#define QS_W(s, i) (QS_C(s, i) | QS_C(s, i + 1) | QS_C(s, i + 2) | \
	QS_C(s, i + 3) | QS_C(s, i + 4) | QS_C(s, i + 5) | QS_C(s, i + 6) | \
	QS_C(s, i + 7))
#define QS_NAME(s, id) \
	do { \
		if (w == QS_W(s, 0) && (sizeof(s) <= 9 || w2 == QS_W(s, 8))) \
			return (id); \
	} while (0)

/* A name of k bytes as a number: w its bytes 0..7, w2 its bytes 8..15
 * (0 past its end); QS_N_OTHER when it is none of enum qs_name's. */
QS_HOT int
qs_name_id(uint64_t w, uint64_t w2, size_t k)
{
	switch (k) {
	case 2:
		QS_NAME("id", QS_N_ID);
		break;
	case 3:
		QS_NAME("bus", QS_N_BUS);
		QS_NAME("bar", QS_N_BAR);
		QS_NAME("irq", QS_N_IRQ);
		QS_NAME("QMP", QS_N_QMP);
		break;
	case 4:
		QS_NAME("slot", QS_N_SLOT);
		QS_NAME("size", QS_N_SIZE);
		QS_NAME("type", QS_N_TYPE);
		QS_NAME("desc", QS_N_DESC);
		QS_NAME("name", QS_N_NAME);
		QS_NAME("qemu", QS_N_QEMU);
		QS_NAME("base", QS_N_BASE);
		break;
	case 5:
		QS_NAME("class", QS_N_CLASS);
		QS_NAME("major", QS_N_MAJOR);
		QS_NAME("minor", QS_N_MINOR);
		QS_NAME("micro", QS_N_MICRO);
		QS_NAME("error", QS_N_ERROR);
		QS_NAME("event", QS_N_EVENT);
		QS_NAME("limit", QS_N_LIMIT);
		break;
	case 6:
		QS_NAME("vendor", QS_N_VENDOR);
		QS_NAME("device", QS_N_DEVICE);
		QS_NAME("return", QS_N_RETURN);
		break;
	case 7:
		QS_NAME("irq_pin", QS_N_IRQ_PIN);
		QS_NAME("qdev_id", QS_N_QDEV_ID);
		QS_NAME("regions", QS_N_REGIONS);
		QS_NAME("address", QS_N_ADDRESS);
		QS_NAME("devices", QS_N_DEVICES);
		QS_NAME("version", QS_N_VERSION);
		QS_NAME("package", QS_N_PACKAGE);
		QS_NAME("execute", QS_N_EXECUTE);
		QS_NAME("primary", QS_N_PRIMARY);
		break;
	case 8:
		QS_NAME("function", QS_N_FUNCTION);
		QS_NAME("prefetch", QS_N_PREFETCH);
		QS_NAME("io_range", QS_N_IO_RANGE);
		break;
	case 9:
		QS_NAME("subsystem", QS_N_SUBSYSTEM);
		QS_NAME("secondary", QS_N_SECONDARY);
		QS_NAME("arguments", QS_N_ARGUMENTS);
		break;
	case 10:
		QS_NAME("class_info", QS_N_CLASS_INFO);
		QS_NAME("pci_bridge", QS_N_PCI_BRIDGE);
		break;
	case 11:
		QS_NAME("mem_type_64", QS_N_MEM_TYPE_64);
		QS_NAME("subordinate", QS_N_SUBORDINATE);
		break;
	case 12:
		QS_NAME("capabilities", QS_N_CAPABILITIES);
		QS_NAME("memory_range", QS_N_MEMORY_RANGE);
		break;
	case 16:
		QS_NAME("subsystem-vendor", QS_N_SUBSYSTEM_VENDOR);
		break;
	}
	return QS_N_OTHER;
}

/* A member's start as read: its name s[0..k), the name's words (as
 * qs_name_id takes them) and where its value starts. */
struct qs_mem {
	const char *s, *val;
	size_t k;
	uint64_t w, w2;
};

/* qs_obj_next's general path (qmpscan.c): blanks of any kind, a name
 * that is not plain ASCII.  first: no member read yet.  *rc 1 with the
 * member's start returned, 0 at the closing brace (c->p past it, depth
 * one less), -1.  (Returned, not written through a pointer, so that the
 * callers' copy stays in registers.) */
struct qs_mem qs_member(struct qs_cur *c, int first, int *rc);
/* 1 when s[0..k) is one of the n names name[i][0..len[i]) (the filter
 * said it may be). */
int qs_name_seen(const char *const *name, const size_t *len, int n,
    const char *s, size_t k);

/* The word of the n bytes at p (n <= 8, the bytes past them 0), the
 * eight bytes at p being there to read. */
QS_HOT uint64_t
qs_word(const char *p, size_t n)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return n >= 8 ? w : w & (((uint64_t)1 << (n * 8)) - 1);
}

/* The fast path of a member's start: QEMU's form at p, '"' opening the
 * first member (first), ", \"" the next, a plain name, its quote, then
 * ':', with 24 bytes or more left.  1 with the member's start in *m (its
 * value past one blank: every value's reader skips blanks first), -1 at
 * the closing brace (p at it), 0 for anything else (qs_member's). */
QS_HOT int
qs_name_fast(const char *p, const char *end, int first, struct qs_mem *m)
{
#if QS_SWAR
	const char *q;
	uint64_t w, x;
	uint32_t h;
	uint16_t t;

	if (end - p < 24)
		return p < end && *p == '}' ? -1 : 0;
	memcpy(&h, p, sizeof h);
	if ((h & 0xff) == '}')
		return -1;
	if (first && (h & 0xff) == '"')
		m->s = p + 1;
	else if (!first && (h & 0xffffff) == (',' | ' ' << 8 | '"' << 16))
		m->s = p + 3;
	else
		return 0;
#if QS_SSE2
	if ((x = qs_not_plain16(m->s)) != 0) {	/* m->s + 16 < end */
		m->k = (size_t)__builtin_ctzll(x);	/* 0..15 */
		q = m->s + m->k;	/* q + 3 < end */
		memcpy(&w, m->s, sizeof w);
		memcpy(&m->w2, m->s + 8, sizeof m->w2);
		if (m->k < 8) {
			m->w = w & (((uint64_t)1 << (m->k * 8)) - 1);
			m->w2 = 0;
		} else {
			m->w = w;
			m->w2 &= ((uint64_t)1 << ((m->k - 8) * 8)) - 1;
		}
	} else {
		q = qs_run(m->s + 16, end);
		if (end - q < 3)
			return 0;
		m->k = (size_t)(q - m->s);
		memcpy(&m->w, m->s, sizeof m->w);
		memcpy(&m->w2, m->s + 8, sizeof m->w2);
		if (m->k > 16)
			m->w2 = 0;
	}
#else
	memcpy(&w, m->s, sizeof w);	/* m->s + 16 < end */
	if ((x = QS_NOT_PLAIN(w)) != 0) {
		m->k = (size_t)__builtin_ctzll(x) >> 3;	/* 0..7 */
		q = m->s + m->k;	/* q + 3 < end */
		m->w = w & (((uint64_t)1 << (m->k * 8)) - 1);
		m->w2 = 0;
	} else {
		q = qs_run(m->s + 8, end);
		if (end - q < 3)
			return 0;
		m->k = (size_t)(q - m->s);
		m->w = w;
		m->w2 = m->k <= 16 ? qs_word(m->s + 8, m->k - 8) : 0;
	}
#endif
	memcpy(&t, q, sizeof t);
	if (t != ('"' | ':' << 8))
		return 0;
	m->val = q + 2 + (q[2] == ' ');
	return 1;
#else
	(void)first, (void)m;
	return p < end && *p == '}' ? -1 : 0;
#endif
}

/* The member's start at c->p (first: no member read yet) into *m: 1, or
 * 0 at the closing brace (c->p past it, depth one less), or -1. */
QS_HOT int
qs_mem_next(struct qs_cur *c, int first, struct qs_mem *m)
{
	int rc = qs_name_fast(c->p, c->end, first, m);

	if (rc > 0)
		return 1;
	if (rc < 0) {
		c->p++;
		c->depth--;
		return 0;
	}
	*m = qs_member(c, first, &rc);
	return rc;
}

/* A name s[0..k) (its words w, w2) taken into an object's names: its
 * number (enum qs_name), or -1 when the object has QMPSCAN_MAX_MEMBERS
 * already or the name is a duplicate (jansson refuses it). */
QS_HOT int
qs_take(struct qs_names *nm, const char *s, size_t k, uint64_t w,
    uint64_t w2)
{
	int id = qs_name_id(w, w2, k);
	uint64_t bit;

	if (nm->n == QMPSCAN_MAX_MEMBERS)
		return -1;
	nm->n++;
	if (id != QS_N_OTHER) {
		bit = (uint64_t)1 << id;
		if (nm->known & bit)
			return -1;	/* a duplicate known name */
		nm->known |= bit;
		return id;
	}
	bit = qs_bit(w, k);
	if ((nm->seen & bit) && qs_name_seen(nm->name, nm->len, nm->nu, s, k))
		return -1;	/* a duplicate */
	nm->seen |= bit;
	nm->name[nm->nu] = s;
	nm->len[nm->nu++] = k;
	return id;
}

QS_HOT void
qs_names_init(struct qs_names *nm)
{
	nm->n = nm->nu = 0;
	nm->known = nm->seen = 0;
}

QS_HOT int
qs_obj_begin(struct qs_cur *c, struct qs_obj *o)
{
	qs_ws(c);
	if (c->p >= c->end || *c->p != '{' || ++c->depth > QMPSCAN_MAX_DEPTH)
		return -1;
	c->p++;
	o->c = c;
	o->id = QS_N_OTHER;
	qs_names_init(&o->nm);
	return 0;
}

/* The next member: 1 with its name (raw bytes, no escapes in it; o->id
 * its number) and c->p at its value, 0 at the closing brace, -1 on an
 * error (a member after QMPSCAN_MAX_MEMBERS, a duplicate name: jansson
 * refuses it). */
QS_HOT int
qs_obj_next(struct qs_obj *o, const char **name, size_t *nlen)
{
	struct qs_mem m;
	int rc;

	if ((rc = qs_mem_next(o->c, o->nm.n == 0, &m)) <= 0)
		return rc;
	if ((o->id = qs_take(&o->nm, m.s, m.k, m.w, m.w2)) < 0)
		return -1;
	*name = m.s;
	*nlen = m.k;
	o->c->p = m.val;
	return 1;
}

/* --- arrays -------------------------------------------------------------- */

QS_HOT int
qs_arr_begin(struct qs_cur *c, int *n)
{
	qs_ws(c);
	if (c->p >= c->end || *c->p != '[' || ++c->depth > QMPSCAN_MAX_DEPTH)
		return -1;
	c->p++;
	*n = 0;
	return 0;
}

/* 1 at the next element (c->p there), 0 at the closing bracket, -1 on
 * an error. */
QS_HOT int
qs_arr_next(struct qs_cur *c, int *n)
{
	const char *p = qs_blanks(c->p, c->end);

	if (p >= c->end)
		return -1;
	if (*p == ']') {
		c->p = p + 1;
		c->depth--;
		return 0;
	}
	if (*n > 0) {
		if (*p != ',')
			return -1;
		p++;
	}
	c->p = p;
	(*n)++;
	return 1;
}

/* --- QEMU's own forms, whole --------------------------------------------- */

/* QEMU's exact greeting (qmpscan_greet.c): 0 with m and v as the general
 * path (qmpscan_msg, then qmpscan_greeting_version of its "QMP" member)
 * gives them, -1 leaves buf to it with m and v untouched. */
int qs_greeting_fast(const char *buf, size_t len, struct qmpscan_msg *m,
    struct qemu_version *v);
/* An element of qom-list's return in QEMU's form at c->p (qmpscan_qom.c):
 * 1 with each() called on its name and type in place and c->p past it; 0
 * leaves it to the general path, c and each untouched. */
int qs_qom_element_fast(struct qs_cur *c, qmpscan_qom_fn each, void *arg);

/* A cursor over buf[0..len); after the value read from it, qs_done: 1
 * when only blanks are left (the value was all of buf). */
void qs_start(struct qs_cur *c, const char *buf, size_t len);
int qs_done(struct qs_cur *c);
/* name[0..n) is the literal lit. */
#define QS_IS(name, n, lit) \
	((n) == sizeof(lit) - 1 && memcmp((name), (lit), (n)) == 0)

#endif
