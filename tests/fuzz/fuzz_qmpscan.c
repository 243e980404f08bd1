/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_qmpscan.c - libFuzzer target: the bounded QMP reader
 * (core/qemu/qmpscan) on any bytes, each line and the whole input, against
 * jansson (tests/lib/qmpdiff.c): whatever the reader takes, jansson must
 * take and read the same (kind, id, functions, version, compact command
 * bytes).  Also no crash, no read past the input, no sanitizer report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "qemu/qmp.h"
#include "qmpdiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const char *p, size_t n)
{
	char why[300];

	if (!tu_qmpscan_agrees(p, n, NULL, why, sizeof why)) {
		fprintf(stderr, "qmpscan disagrees with jansson: %s\n", why);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t left = size, len;

	/* copies of exactly the length, so that a read past it is seen */
	char *whole = malloc(size ? size : 1);

	if (whole == NULL)
		return 0;
	for (len = 0; len < size; len++)
		whole[len] = p[len];
	one(whole, size);
	free(whole);
	while ((len = qmp_line_len(p, left)) > 0 && len < left) {
		char *l = malloc(len);

		if (l == NULL)
			return 0;
		for (size_t i = 0; i < len; i++)
			l[i] = p[i];
		one(l, len);
		free(l);
		p += len;
		left -= len;
	}
	return 0;
}
