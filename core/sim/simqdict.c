/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simqdict.c - QDict's bucket of a key; see simqdict.h. */
#include "sim/simqdict.h"

#include <string.h>

unsigned
simqdict_bucket(const char *key)
{
	unsigned v = 0x238F13AFu * (unsigned)strlen(key), i;

	for (i = 0; key[i]; i++)
		v = v + ((unsigned)(unsigned char)key[i] << (i * 5 % 24));
	return (1103515243u * v + 12345u) % 512u;
}
