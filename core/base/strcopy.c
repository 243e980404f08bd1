/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strcopy.c - see strcopy.h. */
#include "base/strcopy.h"

#include <string.h>

void
strcopy(char *dst, size_t sz, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (sz == 0)
		return;
	if (n >= sz)
		n = sz - 1;
	if (n > 0)
		memmove(dst, src, n);
	dst[n] = '\0';
}
