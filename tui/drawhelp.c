/* SPDX-License-Identifier: GPL-3.0-or-later */
/* drawhelp.c - the help overlay: the keys, then every command's synopsis
 * and description (lang.c), wrapped to the overlay and scrolled by
 * help_top (keys.c moves it, draw_help clamps it).
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"

#define HELP_IND 4		/* a command's description, under it */

/* The help overlay's text, one item at a time: `emit` wraps it at the
 * overlay's width (continuation rows indented by ind) and draws the rows
 * that are scrolled into view.  Returns the rows the whole text takes. */
struct help_out {
	int y0, x0, w;		/* first inner row, column, text width */
	int top, inner;		/* first row shown, rows shown; inner 0 =
				 * only count */
	int row;		/* rows emitted so far */
};

static void
emit(struct help_out *o, attr_t at, int first_x, int ind, const char *s)
{
	int rows = draw_wrap_rows(s, o->w - first_x, ind), r, skip = 0, n;

	if (o->inner > 0 && o->row + rows > o->top &&
	    o->row < o->top + o->inner) {
		r = o->row - o->top;
		if (r < 0) {
			skip = -r;
			r = 0;
		}
		n = o->inner - r;
		draw_wrapped(o->y0 + r, o->x0 + first_x, o->w - first_x, at, s,
		    ind, skip, n);
	}
	o->row += rows;
}

static int
help_text(struct help_out *o)
{
	static const char *keys[] = {
		"Tab        switch focus: grid <-> command line (on the line, "
		"Tab completes; on an empty line it goes back to the grid; "
		"Shift-Tab always switches)",
		"arrows/hjkl  move the selection (grid)",
		"Enter      put a command for the selected slot on the line",
		"PgUp/PgDn  scroll the event log",
		"mouse      click a cell to select it",
		"r          refresh every instance now (grid)",
		"x          the selected instance's bridge buses as child rows, or not",
		"?  F1      this help        q  F10  quit",
		"Ctrl-L     redraw           /TEXT   filter rows (/foreign, "
		"/conflict)",
		NULL
	};
	const char *names[64];
	size_t nn = lang_names(names, 64), ni;
	int i;

	o->row = 0;
	for (i = 0; keys[i]; i++)
		emit(o, A_NORMAL, 0, 11, keys[i]);
	emit(o, A_NORMAL, 0, 0, "");
	emit(o, A_BOLD, 0, 0, "commands (help CMD for more)");
	/* each command: its synopsis, then what it does on indented rows */
	for (ni = 0; ni < nn; ni++) {
		const char *hp = lang_help(names[ni]), *colon, *p, *q;
		char syn[512];
		size_t n;

		if (hp == NULL || *hp == '\0') {
			emit(o, A_BOLD, 0, HELP_IND, names[ni]);
			continue;
		}
		n = strcspn(hp, "\n");
		colon = strstr(hp, ": ");
		if (colon == NULL || colon > hp + n)
			colon = hp + n;
		/* one synopsis a row ("A, or B" is two); a long one wraps
		 * less indented than the description */
		for (p = hp; p < colon; p = q + (q < colon ? 5 : 0)) {
			q = strstr(p, ", or ");
			if (q == NULL || q > colon)
				q = colon;
			snprintf(syn, sizeof syn, "%.*s", (int)(q - p), p);
			emit(o, A_BOLD, 0, HELP_IND / 2, syn);
		}
		if (colon < hp + n) {
			char desc[1024];

			snprintf(desc, sizeof desc, "%.*s",
			    (int)(hp + n - colon - 2), colon + 2);
			emit(o, A_NORMAL, HELP_IND, 0, desc);
		}
	}
	return o->row;
}

void
draw_help(struct app *a)
{
	struct help_out o;
	char title[128];
	int h, w, y0, x0, y, total;

	/* all but the screen's outer columns, so no pane text shows beside */
	w = a->lay.cols - 2 < 110 ? a->lay.cols - 2 : 110;
	h = a->lay.rows - 2;
	if (w < 20 || h < 4)
		return;
	y0 = 1;
	x0 = (a->lay.cols - w) / 2;
	memset(&o, 0, sizeof o);
	o.w = w - 4;
	total = help_text(&o);		/* count only */
	o.inner = h - 2;
	if (a->help_top > total - o.inner)
		a->help_top = total - o.inner;
	if (a->help_top < 0)
		a->help_top = 0;
	for (y = y0; y < y0 + h; y++)
		mvhline(y, x0, ' ', w);
	if (total > o.inner)
		snprintf(title, sizeof title, "help %d-%d of %d - Up/Down "
		    "PgUp/PgDn scroll, any other key closes", a->help_top + 1,
		    a->help_top + o.inner, total);
	else
		snprintf(title, sizeof title, "help - any key closes");
	draw_box(y0, x0, h, w, title, A_BOLD);
	o.y0 = y0 + 1;
	o.x0 = x0 + 2;
	o.top = a->help_top;
	help_text(&o);
	a->help_rows = o.inner;
}
