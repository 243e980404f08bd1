/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simopts.h - how QEMU 7.2's HMP reads a command's arguments: get_str()
 * for one word or double-quoted string, and QemuOpts for an option string
 * "a,b=c,,d,..." (",," is a literal ',', a bare "x" means x=on and "nox"
 * x=off, an implied first key, "id" kept apart).
 *
 * struct simopts is caller-owned and self-contained: the keys and values
 * point into its own store, so it needs no freeing.
 */
#ifndef SLOTSCOPE_SIMOPTS_H
#define SLOTSCOPE_SIMOPTS_H

#include <stddef.h>

#include "sim/simdev.h"

#define SIMOPTS_MAX 64

struct simopts {
	struct simdev_kv kv[SIMOPTS_MAX];	/* every key but id, in order */
	size_t n;
	char store[2048];
	size_t used;
	const char *id;				/* id=, or NULL */
};

/* get_str(): the next word or quoted string of *pp into buf (cut to
 * size - 1 bytes); *pp moves past it.  0, or -1 for nothing there, a bad
 * escape or a missing closing quote. */
int simopts_word(char *buf, size_t size, const char **pp);

/* Parse params; firstname names an implied first key (NULL: none).
 * 0, or -1 when the options do not fit. */
int simopts_parse(struct simopts *o, const char *params,
    const char *firstname);

/* The value of key (the last one given), or NULL. */
const char *simopts_get(const struct simopts *o, const char *key);

#endif
