/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siphash.c - SipHash-c-d (siphash.h), from the paper's description:
 * four 64-bit words of state set from the key and four constants, each
 * 8-byte little-endian word of the input xored into v3, c rounds, then
 * into v0; the last word holds the input's length in its top byte and
 * the bytes left over below it; then 0xff into v2, d rounds, and the
 * four words xored together. */
#include "base/siphash.h"

#include <string.h>

static inline uint64_t
rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

struct sip {
	uint64_t v0, v1, v2, v3;
};

static inline void
round1(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl(s->v2, 32);
}

/* An 8-byte little-endian word at p. */
static inline uint64_t
le64(const unsigned char *p)
{
	uint64_t w;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&w, p, 8);
#else
	int i;

	for (w = 0, i = 7; i >= 0; i--)
		w = (w << 8) | p[i];
#endif
	return w;
}

static inline void
absorb(struct sip *s, uint64_t m, int c)
{
	int i;

	s->v3 ^= m;
	for (i = 0; i < c; i++)
		round1(s);
	s->v0 ^= m;
}

static inline uint64_t
sip(const uint64_t key[2], const void *buf, size_t n, int c, int d)
{
	const unsigned char *p = buf, *end = p + (n & ~(size_t)7);
	struct sip s = {
		key[0] ^ 0x736f6d6570736575ull, key[1] ^ 0x646f72616e646f6dull,
		key[0] ^ 0x6c7967656e657261ull, key[1] ^ 0x7465646279746573ull,
	};
	uint64_t last = (uint64_t)(n & 255) << 56;
	int i;

	for (; p < end; p += 8)
		absorb(&s, le64(p), c);
	for (i = (int)(n & 7) - 1; i >= 0; i--)
		last |= (uint64_t)p[i] << (8 * i);
	absorb(&s, last, c);
	s.v2 ^= 0xff;
	for (i = 0; i < d; i++)
		round1(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t
siphash13(const uint64_t key[2], const void *p, size_t n)
{
	return sip(key, p, n, 1, 3);
}

uint64_t
siphash24(const uint64_t key[2], const void *p, size_t n)
{
	return sip(key, p, n, 2, 4);
}
