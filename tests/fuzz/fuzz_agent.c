/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_agent.c - what an agent on another host sends (fleet/agentproto.h):
 * the hello and the replies, any bytes.  Beyond no crash: a parsed reply's
 * instances have 32 slots with valid states, buses at most 32 slots each,
 * NUL-terminated names, root-bus functions on slots 0..31 and 0..7; a
 * hello is either refused or names a protocol > 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/agentproto.h"
#include "model/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_inst(const struct agentproto_inst *in)
{
	size_t k;
	int s;

	if (memchr(in->name, '\0', sizeof in->name) == NULL || !in->name[0])
		abort();
	for (s = 0; s < 32; s++)
		if ((unsigned)in->slots[s].state >= SLOT_NSTATES ||
		    memchr(in->slots[s].id, '\0', sizeof in->slots[s].id) ==
		    NULL)
			abort();
	for (k = 0; k < in->nbus; k++)
		if (in->bus[k].nslots < 0 || in->bus[k].nslots > 32)
			abort();
	for (k = 0; k < in->live.n; k++)
		if (in->live.fn[k].slot < 0 || in->live.fn[k].slot > 31 ||
		    in->live.fn[k].func < 0 || in->live.fn[k].func > 7 ||
		    in->live.fn[k].vendor > 0xffff)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agentproto_hello h;
	struct agentproto_reply r;
	struct err e;
	size_t k;

	if (agentproto_hello_parse((const char *)data, size, &h, &e) == 0 &&
	    h.protocol <= 0)
		abort();
	if (agentproto_reply_parse((const char *)data, size, &r, &e) == 0) {
		if (!r.beat && r.id < 0)
			abort();
		for (k = 0; k < r.ninst; k++)
			check_inst(&r.inst[k]);
	}
	agentproto_reply_free(&r);
	return 0;
}
