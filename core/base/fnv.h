/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fnv.h - FNV-1a, the one hash of the core: 64-bit for the views, to
 * tell whether what an instance shows changed (fleetend.c's
 * fleet_view_hash over model/slotpack's slotpack_hash), and for the name
 * index's buckets (nameidx.c); 32-bit for the simulator's stable demo
 * uuids (simscen.c), whose ids must stay what they were.  Not for
 * anything an adversary chooses to collide. */
#ifndef SLOTSCOPE_FNV_H
#define SLOTSCOPE_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV_OFFSET 14695981039346656037u
#define FNV_PRIME 1099511628211u

/* h stepped over buf[0..n), a byte at a time. */
static inline uint64_t
fnv_bytes(uint64_t h, const void *buf, size_t n)
{
	const unsigned char *c = buf;

	while (n-- > 0)
		h = (h ^ *c++) * FNV_PRIME;
	return h;
}

/* The same step over a 64-bit word at once: each step is a bijection,
 * so inputs that differ in one word never hash alike. */
static inline uint64_t
fnv_word(uint64_t h, uint64_t w)
{
	return (h ^ w) * FNV_PRIME;
}

/* fnv_word over buf[0..n) 8 bytes at a time, the last word padded with
 * zero bytes: a few instructions a word where fnv_bytes takes a few a
 * byte.  Inputs of different lengths may pad alike ("a" and "a\0"):
 * hash what ends them too (a NUL, or the length). */
static inline uint64_t
fnv_words(uint64_t h, const void *buf, size_t n)
{
	const unsigned char *c = buf;
	uint64_t w;

	for (; n >= 8; n -= 8, c += 8) {
		__builtin_memcpy(&w, c, 8);
		h = fnv_word(h, w);
	}
	if (n > 0) {
		w = 0;
		__builtin_memcpy(&w, c, n);
		h = fnv_word(h, w);
	}
	return h;
}

#define FNV32_OFFSET 2166136261u
#define FNV32_PRIME 16777619u

/* The 32-bit variant of fnv_bytes and fnv_word. */
static inline uint32_t
fnv32_bytes(uint32_t h, const void *buf, size_t n)
{
	const unsigned char *c = buf;

	while (n-- > 0)
		h = (h ^ *c++) * FNV32_PRIME;
	return h;
}

static inline uint32_t
fnv32_word(uint32_t h, uint32_t w)
{
	return (h ^ w) * FNV32_PRIME;
}

#endif
