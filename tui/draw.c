/* draw.c - paints the TUI from struct app and the fleet: computes the
 * layout, then the header here and the other parts in their own files
 * (drawgrid.c the slot grid, drawpane.c the detail pane and the event log,
 * drawhelp.c the help overlay, drawtext.c cut, boxed and wrapped text).
 * Drawing reads the fleet and never changes it.
 *
 * States are told apart by a letter in every cell ('.' free, 'R' reserved,
 * 'B' builtin, 'U' used, 'F' foreign, 'M' missing, '~' unplugging), so the
 * grid reads the same with NO_COLOR or on a monochrome terminal; with
 * colours each state also gets its own background.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"

const char draw_state_letter[SLOT_NSTATES] = {
	'.', 'R', 'B', 'U', 'F', 'M', '~'
};

#define PANE_MIN 8		/* detail/log boxes: 6 lines inside */

void
draw_init_colors(struct app *a)
{
	static const short bg[SLOT_NSTATES] = {
		-1, COLOR_YELLOW, COLOR_BLUE, COLOR_GREEN, COLOR_MAGENTA,
		COLOR_RED, COLOR_CYAN
	};
	static const short fg[SLOT_NSTATES] = {
		-1, COLOR_BLACK, COLOR_WHITE, COLOR_BLACK, COLOR_BLACK,
		COLOR_WHITE, COLOR_BLACK
	};
	int s;

	if (!a->color)
		return;
	start_color();
	use_default_colors();
	for (s = 0; s < SLOT_NSTATES; s++)
		init_pair((short)(PAIR_STATE + s), fg[s], bg[s]);
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_EVENT, COLOR_CYAN, -1);
	init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
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
		    (s == SLOT_FREE ? A_DIM : A_NORMAL);
	/* monochrome: the letter says it; make live ones stand out */
	switch (s) {
	case SLOT_FREE: return A_DIM;
	case SLOT_USED: case SLOT_FOREIGN: return A_BOLD;
	case SLOT_MISSING: case SLOT_UNPLUGGING: return A_BOLD | A_UNDERLINE;
	default: return A_NORMAL;
	}
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

static size_t
max_name(const struct fleet *f)
{
	size_t i, m = 0;

	for (i = 0; i < f->n; i++)
		if (strlen(f->inst[i].name) > m)
			m = strlen(f->inst[i].name);
	return m;
}

void
draw_layout(struct app *a)
{
	struct app_layout *l = &a->lay;
	int fixed, nm = (int)max_name(a->fleet);

	l->rows = LINES;
	l->cols = COLS;
	l->name_w = nm < 6 ? 6 : nm > 16 ? 16 : nm;
	l->proto_w = 10;	/* "qmp 7.2.22" */
	l->conn_w = 11;
	l->cell_w = 3;
#define NEED (l->name_w + l->proto_w + l->conn_w + \
	(l->proto_w ? 3 : 2) + 32 * l->cell_w)
	if (NEED > l->cols)
		l->cell_w = 2;
	if (NEED > l->cols)
		l->conn_w = 5;
	if (NEED > l->cols)
		l->proto_w = 0;
	if (NEED > l->cols) {
		l->name_w = l->cols - 32 * l->cell_w - l->conn_w - 2;
		if (l->name_w < 1)
			l->name_w = 1;
	}
#undef NEED
	l->slots_x = l->name_w + 1 + (l->proto_w ? l->proto_w + 1 : 0) +
	    l->conn_w + 1;
	l->grid_y = 1 + (l->cell_w == 3 ? 1 : 2);
	l->cmd_y = l->rows - 1;
	fixed = l->grid_y + 1 + 1;	/* + legend + command line */
	l->grid_h = (int)a->fleet->n;
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
	if (a->sel_inst < a->top)
		a->top = a->sel_inst;
	if (a->sel_inst >= a->top + (size_t)l->grid_h)
		a->top = a->sel_inst - (size_t)l->grid_h + 1;
	if (a->top + (size_t)l->grid_h > a->fleet->n)
		a->top = a->fleet->n > (size_t)l->grid_h ?
		    a->fleet->n - (size_t)l->grid_h : 0;
}

static void
draw_header(struct app *a)
{
	const struct fleet *f = a->fleet;
	size_t i, down = 0, busy = 0;
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
