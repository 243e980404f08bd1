/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_instsrc.c - the config file parser and NAME=ENDPOINT arguments. */
#include <stdint.h>
#include <stdlib.h>

#include "store/instsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct instsrc_config c;
	struct instsrc s;
	struct err e;

	instsrc_config_init(&c);
	instsrc_parse_config((const char *)data, size, &c, &e);
	instsrc_config_free(&c);
	instsrc_parse_arg((const char *)data, size, &s, &e);
	return 0;
}
