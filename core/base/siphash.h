/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siphash.h - SipHash (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012), a keyed 64-bit hash: whoever does not know
 * the 128-bit key cannot make two inputs hash alike but by luck (2^-64 a
 * pair).  slotscope uses it where the input is not ours to trust and
 * an equal hash stands for equal bytes: a query-pci reply whose BAR
 * addresses the guest writes (mon.h's mon_pci_seen).  SipHash-1-3 (one
 * round a word, three at the end) is the fast variant, the one CPython's
 * str hash uses; SipHash-2-4 is the paper's, there for its published
 * test vector.  Written from the paper's description. */
#ifndef SLOTSCOPE_SIPHASH_H
#define SLOTSCOPE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The hash of p[0..n) under key (key[0] the key's first 8 bytes read
 * little-endian, key[1] the next 8). */
uint64_t siphash13(const uint64_t key[2], const void *p, size_t n);
uint64_t siphash24(const uint64_t key[2], const void *p, size_t n);

#endif
