/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simqmp.h - the simulator's QMP session: QEMU 7.2's greeting, the JSON
 * stream cut into values, the checks of a request's envelope (execute,
 * arguments, id), capabilities negotiation, and the reply line of every
 * value.  What the commands do is simqmpcmd.c's table.
 *
 * struct simqmp is caller-owned (one per QMP connection); simqmp_free()
 * releases the buffer it keeps.
 */
#ifndef SLOTSCOPE_SIMQMP_H
#define SLOTSCOPE_SIMQMP_H

#include <stddef.h>

#include "base/strbuf.h"
#include "sim/simmon.h"

/* Splits QEMU's JSON stream into values. */
struct simqmp {
	int negotiated;
	struct strbuf acc;		/* the value being read */
	int depth, in_str, esc;
	int scalar;			/* reading a top-level bare token */
};

void simqmp_init(struct simqmp *q);
void simqmp_free(struct simqmp *q);
/* The greeting line a new QMP client receives. */
void simqmp_greeting(struct strbuf *out);

/* Feed client bytes; every complete value is executed and its reply line
 * appended to out.  Returns how many values were executed. */
int simqmp_input(struct simqmp *q, struct simmon_ctx *c, const char *p,
    size_t n, struct strbuf *out);

#endif
