/* SPDX-License-Identifier: GPL-3.0-or-later */
/* draw.c - paints the TUI from struct app and the fleet: computes the
 * layout, then the header here and the other parts in their own files
 * (drawgrid.c the slot grid, drawpane.c the detail pane and the event log,
 * drawhelp.c the help overlay, drawtext.c cut, boxed and wrapped text).
 * Drawing reads the fleet and never changes it.
 *
 * States are told apart by a letter in every cell ('.' free, 'R' reserved,
 * 'B' builtin, 'U' used, 'F' foreign, 'M' missing, '~' unplugging, 'H'
 * bridge, 'o' port, '_' closed, '?'
 * unknown: the bus could not be read, never shown as free; and '!' over
 * any of them where the VM's manager records another device), so the
 * grid reads the same with NO_COLOR or on a monochrome terminal; with
 * colours each state also gets its own background.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "fleet/fleetagent.h"

const char draw_state_letter[SLOT_NSTATES] = {
	'.', 'R', 'B', 'U', 'F', 'M', '~', 'H', 'o', '_', '?'
};

/* No pair may share a state's number: init_pair of a later one would
 * repaint those cells (closed and unknown once drew as ok and warn). */
_Static_assert(PAIR_OK > PAIR_STATE + SLOT_NSTATES - 1,
    "colour pairs overlap the states' pairs");

#define PANE_MIN 8		/* detail/log boxes: 6 lines inside */
#define NAME_MAX_W 40		/* the name column at its widest */
#define NAME_MIN_W 8		/* ... and narrowest, before the grid scrolls */

/* COLORFGBG ("15;0", "0;default;15": foreground;background, as rxvt,
 * Konsole and others set it): is the background light?  Its last field is
 * the background's colour number: white (7) or a bright one but dark grey
 * (9-15) is light; anything else, or no COLORFGBG, is dark. */
static int
light_background(void)
{
	const char *v = getenv("COLORFGBG"), *bg;
	char *end;
	long n;

	if (v == NULL || (bg = strrchr(v, ';')) == NULL)
		return 0;
	n = strtol(bg + 1, &end, 10);
	if (end == bg + 1 || *end != '\0')
		return 0;
	return n == 7 || (n >= 9 && n <= 15);
}

/* The text colours of each background.  On a light one yellow, cyan and
 * green text all but vanish: darker shades where the terminal has 256
 * colours, else a coloured background under black text. */
static void
text_pairs(int light)
{
	int deep = COLORS >= 256;

	if (!light) {
		init_pair(PAIR_OK, COLOR_GREEN, -1);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_EVENT, COLOR_CYAN, -1);
	} else if (deep) {
		init_pair(PAIR_OK, 28, -1);		/* #008700 */
		init_pair(PAIR_WARN, 130, -1);		/* #af5f00 */
		init_pair(PAIR_BAD, 124, -1);		/* #af0000 */
		init_pair(PAIR_EVENT, 25, -1);		/* #005faf */
	} else {
		init_pair(PAIR_OK, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_WARN, COLOR_BLACK, COLOR_YELLOW);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_EVENT, COLOR_BLUE, -1);
	}
	init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
}

void
draw_init_colors(struct app *a)
{
	/* cells: a background per state under black or white text, which
	 * reads the same on a light or a dark terminal
	 * (bridge: blue on white; port, a free place of its own: a green
	 * letter on no background; closed: dim, unlike the free '.') */
	static const short bg[SLOT_NSTATES] = {
		-1, COLOR_YELLOW, COLOR_BLUE, COLOR_GREEN, COLOR_MAGENTA,
		COLOR_RED, COLOR_CYAN, COLOR_WHITE, -1, -1, -1
	};
	static const short fg[SLOT_NSTATES] = {
		-1, COLOR_BLACK, COLOR_WHITE, COLOR_BLACK, COLOR_BLACK,
		COLOR_WHITE, COLOR_BLACK, COLOR_BLUE, COLOR_GREEN, -1,
		COLOR_YELLOW
	};
	int s;

	if (!a->color)
		return;
	start_color();
	use_default_colors();
	for (s = 0; s < SLOT_NSTATES; s++)
		init_pair((short)(PAIR_STATE + s), fg[s], bg[s]);
	init_pair(PAIR_CONFLICT, COLOR_YELLOW, COLOR_RED);
	a->light = a->opts.colors == TUI_COLORS_LIGHT ||
	    (a->opts.colors == TUI_COLORS_AUTO && light_background());
	text_pairs(a->light);
}

attr_t
draw_pair(const struct app *a, int p)
{
	return a->color ? COLOR_PAIR(p) : A_NORMAL;
}

attr_t
draw_state_attr(const struct app *a, enum slot_state s)
{
	if (a->color)
		return COLOR_PAIR(PAIR_STATE + s) |
		    (s == SLOT_FREE || s == SLOT_CLOSED ? A_DIM :
		    s == SLOT_PORT ? A_BOLD : A_NORMAL);
	/* monochrome: the letter says it; make live ones stand out */
	switch (s) {
	case SLOT_FREE: case SLOT_CLOSED: return A_DIM;
	case SLOT_USED: case SLOT_FOREIGN: case SLOT_PORT: return A_BOLD;
	case SLOT_MISSING: case SLOT_UNPLUGGING: return A_BOLD | A_UNDERLINE;
	default: return A_NORMAL;
	}
}

attr_t
draw_conflict_attr(const struct app *a)
{
	return a->color ? COLOR_PAIR(PAIR_CONFLICT) | A_BOLD :
	    A_BOLD | A_UNDERLINE;
}

const char *
draw_conn_label(const struct instance *in, int w)
{
	if (in->conn == INST_NEW)
		return in->refreshing ? "connecting" : "new";
	if (w < 11 && in->conn == INST_UNREACHABLE)
		return "down";
	return inst_conn_name(in->conn);
}

/* Does the instance have slot data at all (one good refresh)? */
int
draw_has_data(const struct instance *in)
{
	return in->protocol[0] != '\0';
}

/* The longest name (worked out again only when the number of instances
 * changes: names do not). */
static size_t
max_name(struct app *a)
{
	const struct fleet *f = a->fleet;
	size_t i, m = 0;

	if (a->maxname_n == f->n + 1)
		return a->maxname;
	for (i = 0; i < f->n; i++)
		if (strlen(f->inst[i].name) > m)
			m = strlen(f->inst[i].name);
	a->maxname = m;
	a->maxname_n = f->n + 1;
	return m;
}

/* name cut to w columns keeping `head` bytes of its start (draw_name_cut),
 * as bytes into out[w + 1]: the ellipsis is one byte here, which is all
 * that comparing needs */
static void
cut_key(const char *name, int w, int head, char *out)
{
	size_t n = strlen(name), tail = (size_t)(w - 1 - head);

	if (n <= (size_t)w) {
		memcpy(out, name, n + 1);
		return;
	}
	memcpy(out, name, (size_t)head);
	out[head] = '\1';
	memcpy(out + head + 1, name + n - tail, tail + 1);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Are the names all still distinct when cut keeping `head` bytes? */
static int
cut_distinct(const struct fleet *f, int w, int head)
{
	size_t i, n = f->n;
	char *buf = malloc(n * (size_t)(w + 1) + 1);
	char **v = malloc((n + 1) * sizeof *v);
	int ok = 1;

	if (buf == NULL || v == NULL) {
		free(buf);
		free(v);
		return 1;		/* out of memory: the plain middle cut */
	}
	for (i = 0; i < n; i++) {
		v[i] = buf + i * (size_t)(w + 1);
		cut_key(f->inst[i].name, w, head, v[i]);
	}
	qsort(v, n, sizeof *v, cmp_str);
	for (i = 1; i < n && ok; i++)
		ok = strcmp(v[i - 1], v[i]) != 0;
	free(buf);
	free(v);
	return ok;
}

/* The head that keeps the names distinct when cut to w: the middle, or as
 * near to it as does; -1 when none does. */
static int
distinct_head(const struct fleet *f, int w)
{
	int mid = (w - 1) / 2, d, h;

	for (d = 0; d < w; d++) {
		h = d % 2 ? mid - (d + 1) / 2 : mid + d / 2;
		if (h >= 0 && h <= w - 1 && cut_distinct(f, w, h))
			return h;
	}
	return -1;
}

/* Where a name longer than w is cut (cached while the width and the
 * number of instances stay). */
static int
name_head(struct app *a, int w)
{
	int h;

	if (w < 3)
		return w;		/* no room for an ellipsis: cut the end */
	if (a->cut_n == a->fleet->n && a->cut_w == w)
		return a->cut_head;
	h = distinct_head(a->fleet, w);
	a->cut_n = a->fleet->n;
	a->cut_w = w;
	a->cut_head = h >= 0 ? h : (w - 1) / 2;
	return a->cut_head;
}

/* The narrowest name column, from lo up to the longest name nm, in which
 * cut names stay distinct (40 "webserver-frontend-NN.prod.example.com"
 * need 20: "...NN.prod.example.com"); worked out once per number of
 * instances.  Distinctness grows with the width, near enough for a
 * binary search. */
static int
name_need(struct app *a, int lo, int nm)
{
	int hi = nm, lo0 = lo;

	if (a->need_n == a->fleet->n && a->need_lo == lo0)
		return a->need_w;
	if (lo < 3)
		lo = 3;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (distinct_head(a->fleet, mid) >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	a->need_n = a->fleet->n;
	a->need_lo = lo0;
	a->need_w = hi;
	return hi;
}

/* The slots shown, and the first of them so that the selection is one. */
static void
slot_window(struct app *a)
{
	struct app_layout *l = &a->lay;
	int room = l->cols - l->slots_x;

	l->nslots = room / l->cell_w;
	if (l->nslots < 32)		/* a column for the '>' mark */
		l->nslots = (room - 1) / l->cell_w;
	if (l->nslots > 32)
		l->nslots = 32;
	if (l->nslots < 1)
		l->nslots = 1;
	if (a->sel_slot < a->left)
		a->left = a->sel_slot;
	if (a->sel_slot >= a->left + l->nslots)
		a->left = a->sel_slot - l->nslots + 1;
	if (a->left > 32 - l->nslots)
		a->left = 32 - l->nslots;
	if (a->left < 0)
		a->left = 0;
}

/* The columns, widest first: the name as long as the longest (up to
 * NAME_MAX_W), the monitor, the state, 3 columns a slot.  On a narrower
 * screen the slots take 2 columns, the state is shortened, the monitor
 * goes, the names are cut (down to NAME_MIN_W, or as wide as keeps them
 * distinct), and then the grid shows fewer slots and scrolls sideways
 * with the selection. */
static void
columns(struct app *a)
{
	struct app_layout *l = &a->lay;
	int nm = (int)max_name(a);

	l->name_w = nm < 6 ? 6 : nm > NAME_MAX_W ? NAME_MAX_W : nm;
	l->proto_w = 10;	/* "qmp 7.2.22" */
	l->conn_w = 11;
	l->cap_w = 4;		/* " cap" over "  12" */
	l->cell_w = 3;
#define NEED (l->name_w + l->proto_w + l->conn_w + l->cap_w + \
	(l->proto_w ? 3 : 2) + 32 * l->cell_w)
	if (NEED > l->cols)
		l->cell_w = 2;
	if (NEED > l->cols)
		l->cap_w = 0;
	if (NEED > l->cols)
		l->conn_w = 5;
	if (NEED > l->cols)
		l->proto_w = 0;
	if (NEED > l->cols) {
		int min = nm < NAME_MIN_W ? nm : NAME_MIN_W;

		if (nm > min && min < l->name_w)	/* names stay distinct */
			min = name_need(a, min, l->name_w);
		l->name_w = l->cols - 32 * l->cell_w - l->conn_w - 2;
		if (l->name_w < min)
			l->name_w = min;
		if (l->name_w < 1)
			l->name_w = 1;
	}
#undef NEED
	l->slots_x = l->name_w + 1 + (l->proto_w ? l->proto_w + 1 : 0) +
	    l->conn_w + l->cap_w + 1;
	l->name_head = nm > l->name_w ? name_head(a, l->name_w) : l->name_w;
	slot_window(a);
}

void
draw_layout(struct app *a)
{
	struct app_layout *l = &a->lay;
	size_t sp;
	int fixed;

	rows_update(a);
	l->rows = LINES;
	l->cols = COLS;
	columns(a);
	l->grid_y = 1 + (l->cell_w == 3 ? 1 : 2);
	l->cmd_y = l->rows - 1;
	fixed = l->grid_y + 1 + 1;	/* + legend + command line */
	l->grid_h = (int)a->nvis + draw_child_rows(a) +
	    (int)rows_headers(a, 0, a->nvis) + (int)rows_lost_hosts(a) +
	    (a->nvis == 0 && rows_lost_hosts(a) > 0);
	if (l->grid_h < 1)
		l->grid_h = 1;
	if (l->grid_h > l->rows - fixed - PANE_MIN)
		l->grid_h = l->rows - fixed - PANE_MIN;
	if (l->grid_h < 1)
		l->grid_h = 1;
	l->legend_y = l->grid_y + l->grid_h;
	l->pane_y = l->legend_y + 1;
	l->pane_h = l->cmd_y - l->pane_y;
	/* the log gets the wider half: its lines are longer */
	l->detail_w = l->cols * 2 / 5;
	if (l->detail_w < 40 && l->cols >= 72)
		l->detail_w = 40;
	if (l->detail_w > 64)
		l->detail_w = 64;
	/* keep the selection on screen */
	sp = rows_pos(a, a->sel_inst);
	if (sp == (size_t)-1)
		sp = 0;
	if (sp < a->top)
		a->top = sp;
	if (sp >= a->top + (size_t)l->grid_h)
		a->top = sp - (size_t)l->grid_h + 1;
	if (a->top + (size_t)l->grid_h > a->nvis)
		a->top = a->nvis > (size_t)l->grid_h ?
		    a->nvis - (size_t)l->grid_h : 0;
	/* header lines take room too: the selection stays on screen */
	while (a->top < sp && sp - a->top + 1 + rows_headers(a, a->top,
	    sp + 1) > (size_t)l->grid_h)
		a->top++;
}

static void
draw_header(struct app *a)
{
	const struct fleet *f = a->fleet;
	size_t i, down = 0, busy = 0, hdown = 0, hwait = 0;
	char buf[256];
	int n;

	for (i = 0; i < f->n; i++) {
		if (f->inst[i].conn == INST_UNREACHABLE ||
		    f->inst[i].conn == INST_ERROR)
			down++;
		else if (f->inst[i].conn == INST_BUSY)
			busy++;
	}
	attron(draw_pair(a, PAIR_TITLE) | (a->color ? A_BOLD : A_REVERSE));
	mvhline(0, 0, ' ', a->lay.cols);
	n = snprintf(buf, sizeof buf, " slotscope%s%s  %zu instance%s  "
	    "%zu unreachable  %zu busy  refresh %gs ",
	    a->opts.title ? " - " : "", a->opts.title ? a->opts.title : "",
	    f->n, f->n == 1 ? "" : "s", down, busy, a->opts.interval);
	/* hosts that have not answered have no instances to count */
	for (i = 0; i < fleet_nhosts(f); i++) {
		enum fleet_host_state st = fleet_host_state(f, i);

		hdown += st == FLEET_HOST_UNREACHABLE;
		hwait += st == FLEET_HOST_CONNECTING;
	}
	if (hwait > 0 && n > 0 && (size_t)n < sizeof buf)
		n += snprintf(buf + n, sizeof buf - (size_t)n, " %zu host%s "
		    "connecting ", hwait, hwait == 1 ? "" : "s");
	if (hdown > 0 && n > 0 && (size_t)n < sizeof buf)
		n += snprintf(buf + n, sizeof buf - (size_t)n, " %zu host%s "
		    "unreachable ", hdown, hdown == 1 ? "" : "s");
	if (a->filter[0] && n > 0 && (size_t)n < sizeof buf)
		n += snprintf(buf + n, sizeof buf - (size_t)n, " filter /%s: "
		    "%zu shown ", a->filter, a->nvis);
	mvaddnstr(0, 0, buf, a->lay.cols);
	if (n < a->lay.cols - 16)
		mvaddstr(0, a->lay.cols - 14, a->focus == FOCUS_GRID ?
		    " focus: grid " : " focus: line ");
	attroff(draw_pair(a, PAIR_TITLE) | A_BOLD | A_REVERSE);
}

void
draw_all(struct app *a)
{
	const struct app_layout *l;

	draw_layout(a);
	l = &a->lay;
	erase();
	draw_header(a);
	draw_grid(a);
	if (l->pane_h >= 3) {
		draw_detail(a);
		draw_log(a);
	}
	if (a->help)
		draw_help(a);
	wnoutrefresh(stdscr);
	if (a->cmdwin != NULL) {
		mvwin(a->cmdwin, l->cmd_y, 0);
		wresize(a->cmdwin, 1, l->cols);
		line_draw(a);	/* last, so the cursor ends on the line */
	} else
		doupdate();
}
