/* SPDX-License-Identifier: GPL-3.0-or-later */
/* err.c - filling struct err; see err.h. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[sizeof e->msg];
	size_t n, room;
	va_list ap;
	int w;

	if (e == NULL)
		return -1;
	memcpy(old, e->msg, sizeof old);
	old[sizeof old - 1] = '\0';
	va_start(ap, fmt);
	w = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = w < 0 ? 0 : (size_t)w;
	if (n >= sizeof e->msg - 3)
		return -1;
	memcpy(e->msg + n, ": ", 2);
	n += 2;
	room = sizeof e->msg - n - 1;
	if (strlen(old) < room)
		room = strlen(old);
	memcpy(e->msg + n, old, room);
	e->msg[n + room] = '\0';
	return -1;
}

void
err_clear(struct err *e)
{
	if (e != NULL)
		e->msg[0] = '\0';
}
