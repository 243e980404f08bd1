/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strbuf.h - the one growable byte/text buffer of the core.
 *
 * A struct strbuf is caller-owned (usually on the stack, zero-initialised
 * with STRBUF_INIT or strbuf_init()); its bytes are malloc'd and always
 * NUL-terminated once anything was added, so `p` can be used as a C string.
 * strbuf_free() frees them; strbuf_take() hands them to the caller (who
 * frees them) and leaves the buffer empty.
 *
 * Out of memory is sticky: the first failed growth sets `oom`, frees
 * nothing, and every later add is ignored, so a formatter can add many
 * pieces and check once at the end.  Adds also return 0 / -1 for callers
 * that want to stop at once.
 */
#ifndef SLOTSCOPE_STRBUF_H
#define SLOTSCOPE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *p;	/* NULL until something is added */
	size_t n;	/* bytes used, not counting the NUL */
	size_t cap;	/* bytes allocated */
	int oom;	/* a growth failed; everything since was dropped */
};

#define STRBUF_INIT { NULL, 0, 0, 0 }

void strbuf_init(struct strbuf *b);
void strbuf_free(struct strbuf *b);
/* Room for at least `more` bytes after the used ones (and the NUL). */
int strbuf_reserve(struct strbuf *b, size_t more);
int strbuf_add(struct strbuf *b, const void *p, size_t n);
int strbuf_str(struct strbuf *b, const char *s);
int strbuf_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Drop the first n bytes (all of them when n >= b->n). */
void strbuf_consume(struct strbuf *b, size_t n);
/* Drop trailing '\n' bytes. */
void strbuf_chomp(struct strbuf *b);
/* The text, owned by the caller from now on ("" when nothing was added,
 * NULL when out of memory); the buffer is left empty. */
char *strbuf_take(struct strbuf *b);

#endif
