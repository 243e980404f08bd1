/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simecho.c - the readline echo of QEMU's HMP; see simecho.h.
 *
 * Byte-level facts follow QEMU 7.2's readline_update(): a changed line is
 * redrawn by moving left to its start, writing it whole and clearing to
 * the end of the line; a cursor move is one "\033[C"/"\033[D" per column.
 */
#include "sim/simecho.h"

#include <string.h>

void
simecho_init(struct simecho *rl)
{
	memset(rl, 0, sizeof *rl);
}

static void
redraw(struct simecho *rl, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < rl->last_index; i++)
		strbuf_add(out, "\033[D", 3);
	strbuf_add(out, rl->buf, rl->size);
	strbuf_add(out, "\033[K", 3);
	rl->last_size = rl->size;
	rl->last_index = rl->size;
}

static void
move_cursor(struct simecho *rl, struct strbuf *out)
{
	while (rl->last_index < rl->index) {
		strbuf_add(out, "\033[C", 3);
		rl->last_index++;
	}
	while (rl->last_index > rl->index) {
		strbuf_add(out, "\033[D", 3);
		rl->last_index--;
	}
}

enum { ST_NORM, ST_ESC, ST_CSI, ST_SS3 };

int
simecho_byte(struct simecho *rl, unsigned char ch, struct strbuf *out)
{
	int changed = 0;

	if (rl->done) {
		/* the previous call returned a line: start a new one */
		rl->done = 0;
		rl->size = 0;
	}
	switch (rl->esc) {
	case ST_NORM:
		switch (ch) {
		case 1:
			rl->index = 0;
			break;
		case 5:
			rl->index = rl->size;
			break;
		case 4:
			if (rl->index < rl->size) {
				memmove(rl->buf + rl->index,
				    rl->buf + rl->index + 1,
				    rl->size - rl->index - 1);
				rl->size--;
				changed = 1;
			}
			break;
		case 10:
		case 13:
			rl->buf[rl->size] = '\0';
			strbuf_add(out, "\r\n", 2);
			rl->index = rl->last_index = rl->last_size = 0;
			/* rl->size stays until the next call */
			rl->done = 1;
			return 1;
		case 27:
			rl->esc = ST_ESC;
			break;
		case 8:
		case 127:
			if (rl->index > 0) {
				memmove(rl->buf + rl->index - 1,
				    rl->buf + rl->index, rl->size - rl->index);
				rl->index--;
				rl->size--;
				changed = 1;
			}
			break;
		case 155:
			rl->esc = ST_CSI;
			break;
		default:
			/* TAB completion, history and ^W are not simulated */
			if (ch >= 32 && ch != 155 && rl->size < SIMECHO_MAX) {
				memmove(rl->buf + rl->index + 1,
				    rl->buf + rl->index, rl->size - rl->index);
				rl->buf[rl->index] = (char)ch;
				rl->size++;
				rl->index++;
				changed = 1;
			}
			break;
		}
		break;
	case ST_ESC:
		rl->esc = ch == '[' ? ST_CSI : ch == 'O' ? ST_SS3 : ST_NORM;
		break;
	case ST_CSI:
		if (ch >= '0' && ch <= '9')
			break;
		if (ch == 'D' && rl->index > 0)
			rl->index--;
		else if (ch == 'C' && rl->index < rl->size)
			rl->index++;
		rl->esc = ST_NORM;
		break;
	case ST_SS3:
		if (ch == 'F')
			rl->index = rl->size;
		else if (ch == 'H')
			rl->index = 0;
		rl->esc = ST_NORM;
		break;
	}
	if (changed)
		redraw(rl, out);
	move_cursor(rl, out);
	return 0;
}
