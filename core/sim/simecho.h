/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simecho.h - QEMU's readline as an HMP client sees it: the echo and the
 * cursor redraws QEMU 7.2's readline_update() sends for every byte typed,
 * and the line that comes out when Enter is pressed.
 *
 * TAB completion, history and ^W are not simulated.  A struct simecho is
 * caller-owned (one per HMP connection) and holds no allocations.
 */
#ifndef SLOTSCOPE_SIMECHO_H
#define SLOTSCOPE_SIMECHO_H

#include <stddef.h>

#include "base/strbuf.h"

#define SIMECHO_MAX 4095

struct simecho {
	char buf[SIMECHO_MAX + 1];
	size_t size, index, last_size, last_index;
	int esc;
	int done;
};

void simecho_init(struct simecho *rl);

/* Feed one byte: echo (cursor redraws) goes to out.  Returns 1 when the
 * byte ended a line; then rl->buf holds it (NUL-terminated) and "\r\n" is
 * already in out. */
int simecho_byte(struct simecho *rl, unsigned char ch, struct strbuf *out);

#endif
