/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_store.c - the runtime file parser; whatever parses must format and
 * parse again to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_rt rt, rt2;
	struct err e;
	char *a, *b;

	if (store_parse((const char *)data, size, &rt, &e) == 0) {
		a = store_format(&rt, &e);
		if (a == NULL)
			abort();
		if (store_parse(a, strlen(a), &rt2, &e) < 0)
			abort();
		b = store_format(&rt2, &e);
		if (b == NULL || strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
		store_rt_free(&rt2);
	}
	store_rt_free(&rt);
	return 0;
}
