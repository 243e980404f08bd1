/* SPDX-License-Identifier: GPL-3.0-or-later */
/* drawtext.c - text on the curses screen for the draw*.c files: cut at a
 * width, in a box, or wrapped at words with indented continuation rows.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"

/* printf at (y, x), cut at width w (no wrapping). */
void
draw_putf(int y, int x, int w, attr_t at, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (w <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	attron(at);
	mvaddnstr(y, x, buf, w);
	attroff(at);
}

void
draw_name_cut(const char *name, int w, int head, int utf8, char *out,
    size_t len)
{
	size_t n = strlen(name), tail;

	if (w < 1 || n <= (size_t)w || head >= w) {
		snprintf(out, len, "%.*s", w < 1 ? 0 : w, name);
		return;
	}
	tail = (size_t)(w - 1 - head);
	snprintf(out, len, "%.*s%s%s", head, name, utf8 ? "\xe2\x80\xa6" : "~",
	    name + n - tail);
}

void
draw_box(int y, int x, int h, int w, const char *title, attr_t ta)
{
	if (h < 2 || w < 4)
		return;
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	if (title)
		draw_putf(y, x + 2, w - 4, ta, " %s ", title);
}

/* One screen row of UTF-8 text s at most w columns wide: returns its byte
 * length and sets *next to where the next row starts (blanks at a break
 * are dropped).  A row breaks at its last blank when that is in the second
 * half; else after its last '/', '-' or ',' (paths, uuids, ids) or at a
 * blank, whichever is later, when past a quarter; else mid-word (a word
 * wider than the row).  Two blanks separate fields: a break there, in the
 * second half, comes first. */
static size_t
wrap_row(const char *s, int w, const char **next)
{
	const char *p = s, *blank = NULL, *dbl = NULL, *punct = NULL, *end;
	int c = 0, cb = 0, cd = 0, cp = 0;

	if (w < 1)
		w = 1;
	while (*p && c < w) {
		if (*p == ' ' && c > 0) {
			blank = p;
			cb = c;
			if (p[-1] == ' ') {
				dbl = p;
				cd = c;
			}
		} else if ((*p == '/' || *p == '-' || *p == ',') && c + 1 < w) {
			punct = p + 1;
			cp = c + 1;
		}
		p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
		c++;
	}
	if (*p == '\0' || *p == ' ')
		end = p;		/* the row ends at a word's end */
	else if (dbl != NULL && cd >= w / 2)
		end = dbl;		/* between fields ("Host bridge  id x") */
	else if (blank != NULL && cb >= w / 2)
		end = blank;
	else if ((punct != NULL && cp >= w / 4) || (blank != NULL &&
	    cb >= w / 4)) {
		if (punct != NULL && (blank == NULL || cp > cb))
			end = punct;
		else
			end = blank;
	} else
		end = p;
	*next = end;
	while (**next == ' ')
		(*next)++;
	/* no trailing blanks on the row */
	while (end > s && end[-1] == ' ')
		end--;
	return (size_t)(end - s);
}

/* Rows that s takes at width w, continuation rows indented by ind. */
int
draw_wrap_rows(const char *s, int w, int ind)
{
	int rows = 0;

	if (ind >= w)
		ind = 0;
	while (*s) {
		wrap_row(s, rows ? w - ind : w, &s);
		rows++;
	}
	return rows ? rows : 1;
}

/* Print UTF-8 text wrapped at width w from row y, continuation rows
 * indented by ind; at most maxrows rows, skipping the first `skip` rows. */
void
draw_wrapped(int y, int x, int w, attr_t at, const char *s, int ind, int skip,
    int maxrows)
{
	int row = 0;

	if (ind >= w)
		ind = 0;
	attron(at);
	while (*s && row - skip < maxrows) {
		const char *next;
		int in = row ? ind : 0;
		size_t n = wrap_row(s, w - in, &next);

		if (row >= skip)
			mvaddnstr(y + row - skip, x + in, s, (int)n);
		row++;
		s = next;
	}
	attroff(at);
}
