/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hex.h - the value of one hexadecimal digit, for the parsers that read
 * hex from text they do not trust (a MAC address in model/mac.c, the PCI
 * vendor and device ids of HMP's `info pci` in qemu/hmp.c): either case,
 * and anything else refused rather than guessed.
 */
#ifndef SLOTSCOPE_HEX_H
#define SLOTSCOPE_HEX_H

/* 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for any other char. */
static inline int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
