/* SPDX-License-Identifier: GPL-3.0-or-later */
/* draw.h - what the draw*.c files share among themselves (the rest of tui/
 * sees only app.h's draw_all, draw_layout, draw_hit, draw_suggest):
 * draw.c the layout, colours and header; drawgrid.c the slot grid;
 * drawpane.c the detail pane and the event log; drawhelp.c the help
 * overlay; drawtext.c text that is cut, boxed or wrapped.
 */
#ifndef SLOTSCOPE_DRAW_H
#define SLOTSCOPE_DRAW_H

#include "app.h"

/* Colour pairs: one number each.  The states' pairs come first, one per
 * enum slot_state, and every other pair is numbered after the last of
 * them (give none of them a number by hand), so a new state moves them on
 * instead of sharing a number (draw.c checks it at compile time). */
enum {
	PAIR_STATE = 1,		/* PAIR_STATE + enum slot_state */
	PAIR_STATE_LAST = PAIR_STATE + SLOT_NSTATES - 1,
	PAIR_OK, PAIR_WARN, PAIR_BAD, PAIR_EVENT, PAIR_TITLE,
	PAIR_CONFLICT,		/* a slot with a conflict */
	PAIR_COUNT		/* pairs in use, 0 (the terminal's) included */
};

/* Each state's letter in a cell ('.', 'R', 'B', 'U', 'F', 'M', '~'). */
extern const char draw_state_letter[SLOT_NSTATES];
/* A slot the VM's manager records another device in, whatever its state
 * (slot_view.conflict; the detail pane has both). */
#define DRAW_CONFLICT_LETTER '!'

/* draw.c: attributes, with or without colours */
attr_t draw_pair(const struct app *a, int pair);
attr_t draw_state_attr(const struct app *a, enum slot_state s);
attr_t draw_conflict_attr(const struct app *a);
/* "ok", "connecting", ...; "down" for unreachable when w < 11. */
const char *draw_conn_label(const struct instance *in, int w);
/* Does the instance have slot data at all (one good refresh)? */
int draw_has_data(const struct instance *in);

/* the parts, each from a->lay */
void draw_grid(struct app *a);		/* drawgrid.c */
/* Child rows the expanded selection shows now (0 folded). */
int draw_child_rows(const struct app *a);
void draw_detail(struct app *a);	/* drawpane.c */
void draw_log(struct app *a);		/* drawpane.c */
void draw_help(struct app *a);		/* drawhelp.c */

/* drawtext.c */
/* printf at (y, x), cut at width w (no wrapping). */
void draw_putf(int y, int x, int w, attr_t at, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* An instance name (ASCII, as store_check_name allows) in w columns: whole
 * when it fits, else its first `head` bytes, an ellipsis ("~" when not
 * utf8) and its end, into out (len bytes). */
void draw_name_cut(const char *name, int w, int head, int utf8, char *out,
    size_t len);
/* A box h rows by w columns at (y, x), its title in the top border. */
void draw_box(int y, int x, int h, int w, const char *title, attr_t ta);
/* Rows that UTF-8 text s takes wrapped at width w, continuation rows
 * indented by ind. */
int draw_wrap_rows(const char *s, int w, int ind);
/* Print s wrapped so from row y, column x: at most maxrows rows, after
 * skipping the first `skip`. */
void draw_wrapped(int y, int x, int w, attr_t at, const char *s, int ind,
    int skip, int maxrows);

#endif
