/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strbuf.c - the growable buffer; see strbuf.h. */
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
strbuf_init(struct strbuf *b)
{
	b->p = NULL;
	b->n = b->cap = 0;
	b->oom = 0;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->p);
	strbuf_init(b);
}

int
strbuf_reserve(struct strbuf *b, size_t more)
{
	size_t cap;
	char *q;

	if (b->oom)
		return -1;
	if (more > (size_t)-1 / 2 - b->n - 1) {
		b->oom = 1;
		return -1;
	}
	if (b->n + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->n + more + 1)
		cap *= 2;
	if ((q = realloc(b->p, cap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = q;
	b->cap = cap;
	return 0;
}

int
strbuf_add(struct strbuf *b, const void *p, size_t n)
{
	if (strbuf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int
strbuf_str(struct strbuf *b, const char *s)
{
	return strbuf_add(b, s, strlen(s));
}

int
strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int k;

	if (strbuf_reserve(b, 0) < 0)
		return -1;
	va_copy(aq, ap);
	k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, aq);
	va_end(aq);
	if (k < 0) {
		b->oom = 1;
		return -1;
	}
	if (b->n + (size_t)k >= b->cap) {
		if (strbuf_reserve(b, (size_t)k) < 0)
			return -1;
		va_copy(aq, ap);
		k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, aq);
		va_end(aq);
		if (k < 0) {
			b->oom = 1;
			return -1;
		}
	}
	b->n += (size_t)k;
	return 0;
}

int
strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void
strbuf_consume(struct strbuf *b, size_t n)
{
	if (b->p == NULL)
		return;
	if (n >= b->n) {
		b->n = 0;
	} else {
		memmove(b->p, b->p + n, b->n - n);
		b->n -= n;
	}
	b->p[b->n] = '\0';
}

void
strbuf_chomp(struct strbuf *b)
{
	while (b->n > 0 && b->p[b->n - 1] == '\n')
		b->p[--b->n] = '\0';
}

char *
strbuf_take(struct strbuf *b)
{
	char *s;

	if (b->oom) {
		strbuf_free(b);
		return NULL;
	}
	s = b->p ? b->p : strdup("");
	strbuf_init(b);
	return s;
}
