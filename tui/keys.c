/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keys.c - what every key does in the TUI, in one table (`bindings`):
 * key and where it applies -> an action, a small function on struct app,
 * the way htop's Action_setBindings maps keys to actions.
 *
 * A key goes, in this order: to the help overlay while it is shown (its
 * scroll keys; any other key closes it, and only F10 then goes on, to
 * quit), to the keys that mean the same in both focuses, then to the
 * focused part: the grid, or the command line, where every key without a
 * binding is typing for readline (line.c).  On an empty line `?` and `q`
 * are help and quit, as in the grid.
 */
#include <curses.h>

#include "app.h"

typedef void key_action(struct app *a, int key);

enum key_scope { IN_HELP, IN_ANY, IN_GRID, IN_LINE };

struct binding {
	int key;
	enum key_scope in;
	key_action *fn;
};

#define CTRL_KEY(c) ((c) & 0x1f)
#define ESC 27

/* Up and down move between the rows shown (rows.c: the filter's). */
static void
move_sel(struct app *a, int dinst, int dslot)
{
	long i;
	int s = a->sel_slot + dslot;
	size_t p;

	rows_update(a);
	if (a->nvis == 0)
		return;
	p = rows_pos(a, a->sel_inst);
	i = (long)(p == (size_t)-1 ? 0 : p) + dinst;
	if (i < 0)
		i = 0;
	if (i >= (long)a->nvis)
		i = (long)a->nvis - 1;
	if (s < 0)
		s = 0;
	if (s > 31)
		s = 31;
	a->sel_inst = a->vis[i];
	a->sel_slot = s;
	a->dirty = 1;
}

static void
set_focus(struct app *a, enum app_focus f)
{
	a->focus = f;
	a->dirty = 1;
}

/* The grid: the selection. */
static void up(struct app *a, int k) { (void)k; move_sel(a, -1, 0); }
static void down(struct app *a, int k) { (void)k; move_sel(a, 1, 0); }
static void left(struct app *a, int k) { (void)k; move_sel(a, 0, -1); }
static void right(struct app *a, int k) { (void)k; move_sel(a, 0, 1); }
static void first_slot(struct app *a, int k) { (void)k; move_sel(a, 0, -32); }
static void last_slot(struct app *a, int k) { (void)k; move_sel(a, 0, 32); }

static void
first_inst(struct app *a, int k)
{
	(void)k;
	move_sel(a, -(int)a->fleet->n, 0);
}

static void
last_inst(struct app *a, int k)
{
	(void)k;
	move_sel(a, (int)a->fleet->n, 0);
}

static void
refresh_all(struct app *a, int k)
{
	(void)k;
	fleet_refresh_start(a->fleet, (size_t)-1, app_now());
	app_log(a, LOG_INFO, "refreshing all");
}

/* x: the selected instance's buses behind bridges, one child row each,
 * or not. */
static void
toggle_expand(struct app *a, int k)
{
	const struct instance *in;

	(void)k;
	a->expand = !a->expand;
	a->dirty = 1;
	if (a->fleet->n == 0)
		return;
	in = &a->fleet->inst[a->sel_inst];
	if (a->expand)
		app_log(a, LOG_INFO, "%s: %zu bridge bus%s (x again folds; "
		    "the rows follow the selection)", in->name, in->nbus,
		    in->nbus == 1 ? "" : "es");
}

static void
to_line(struct app *a, int k)
{
	(void)k;
	set_focus(a, FOCUS_CMD);
}

/* Enter: the command for the selected slot, on the line to edit. */
static void
act(struct app *a, int k)
{
	char buf[256];

	(void)k;
	draw_suggest(a, buf, sizeof buf);
	set_focus(a, FOCUS_CMD);
	line_set(a, buf);
}

/* `/`: a filter, typed on the line ("/TEXT" and Enter; rows.c). */
static void
start_filter(struct app *a, int k)
{
	(void)k;
	set_focus(a, FOCUS_CMD);
	line_set(a, "/");
}

/* Both focuses. */
static void
quit(struct app *a, int k)
{
	if (k == CTRL_KEY('C') && a->job != NULL)
		app_job_cancel(a);	/* Ctrl-C stops the job first */
	else
		a->quit = 1;
}

static void
redraw(struct app *a, int k)
{
	(void)k;
	a->dirty = 1;
}

/* Ctrl-L: repaint the whole terminal, not only what changed. */
static void
repaint(struct app *a, int k)
{
	(void)k;
	clearok(curscr, TRUE);
	a->dirty = 1;
}

static void
help(struct app *a, int k)
{
	(void)k;
	a->help = 1;
	a->help_top = 0;
	a->dirty = 1;
}

static void
switch_focus(struct app *a, int k)
{
	(void)k;
	set_focus(a, a->focus == FOCUS_GRID ? FOCUS_CMD : FOCUS_GRID);
}

/* PgUp/PgDn: the event log, a box's height at a time (draw_log clamps). */
static void
log_scroll(struct app *a, int k)
{
	size_t page = a->lay.pane_h > 3 ? (size_t)a->lay.pane_h - 3 : 1;

	if (k == KEY_PPAGE)
		a->log_scroll += page;
	else
		a->log_scroll = a->log_scroll > page ? a->log_scroll - page : 0;
	a->dirty = 1;
}

/* The wheel moves the selection; a click selects a cell (or a row). */
static void
mouse(struct app *a, int k)
{
	MEVENT ev;
	size_t i;
	int s = a->sel_slot;

	(void)k;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		move_sel(a, -1, 0);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		move_sel(a, 1, 0);
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED |
	    BUTTON1_RELEASED)))
		return;
	if (draw_hit(a, ev.y, ev.x, &i, &s) < 0)
		return;
	a->sel_inst = i;
	a->sel_slot = s;
	set_focus(a, FOCUS_GRID);
}

/* The command line. */
static void
line_tab(struct app *a, int k)
{
	if (line_empty())
		set_focus(a, FOCUS_GRID);	/* else it completes */
	else
		line_feed(a, k);
}

/* Ctrl-C / Esc: drop the line; on an empty line Esc goes to the grid and
 * Ctrl-C quits. */
static void
line_cancel(struct app *a, int k)
{
	if (!line_empty())
		line_set(a, "");
	else if (k == CTRL_KEY('C') && a->job != NULL)
		app_job_cancel(a);	/* Ctrl-C stops the job first */
	else if (k == CTRL_KEY('C'))
		a->quit = 1;
	else
		set_focus(a, FOCUS_GRID);
}

/* `?` and `q` on an empty line do what they do in the grid (help, quit),
 * as the first screen's hint says; no command starts with either, and
 * on a line that has text they are typing. */
static void
line_first(struct app *a, int k)
{
	if (!line_empty())
		line_feed(a, k);
	else if (k == 'q')
		quit(a, k);
	else
		help(a, k);
}

/* Any other key on the line: typing, or a curses key readline knows. */
static void
line_input(struct app *a, int k)
{
	if (k >= KEY_MIN)
		line_key(a, k);
	else if (k >= 0 && k < 256)
		line_feed(a, k);
}

/* The help overlay's scrolling (draw_help clamps help_top). */
static void
help_scroll(struct app *a, int k)
{
	int page = a->help_rows > 1 ? a->help_rows - 1 : 1;

	switch (k) {
	case KEY_UP: case 'k': a->help_top--; break;
	case KEY_DOWN: case 'j': a->help_top++; break;
	case KEY_PPAGE: a->help_top -= page; break;
	case KEY_NPAGE: case ' ': a->help_top += page; break;
	case KEY_HOME: a->help_top = 0; break;
	case KEY_END: a->help_top = 1 << 20; break;
	}
	a->dirty = 1;
}

static const struct binding bindings[] = {
	{ KEY_UP, IN_HELP, help_scroll }, { 'k', IN_HELP, help_scroll },
	{ KEY_DOWN, IN_HELP, help_scroll }, { 'j', IN_HELP, help_scroll },
	{ KEY_PPAGE, IN_HELP, help_scroll },
	{ KEY_NPAGE, IN_HELP, help_scroll }, { ' ', IN_HELP, help_scroll },
	{ KEY_HOME, IN_HELP, help_scroll }, { KEY_END, IN_HELP, help_scroll },

	{ KEY_RESIZE, IN_ANY, redraw },
	{ KEY_MOUSE, IN_ANY, mouse },
	{ KEY_F(1), IN_ANY, help },
	{ KEY_F(10), IN_ANY, quit },
	{ KEY_BTAB, IN_ANY, switch_focus },
	{ KEY_PPAGE, IN_ANY, log_scroll }, { KEY_NPAGE, IN_ANY, log_scroll },
	{ CTRL_KEY('L'), IN_ANY, repaint },

	{ KEY_UP, IN_GRID, up }, { 'k', IN_GRID, up },
	{ KEY_DOWN, IN_GRID, down }, { 'j', IN_GRID, down },
	{ KEY_LEFT, IN_GRID, left }, { 'h', IN_GRID, left },
	{ KEY_RIGHT, IN_GRID, right }, { 'l', IN_GRID, right },
	{ KEY_HOME, IN_GRID, first_inst }, { 'g', IN_GRID, first_inst },
	{ KEY_END, IN_GRID, last_inst }, { 'G', IN_GRID, last_inst },
	{ '0', IN_GRID, first_slot }, { '$', IN_GRID, last_slot },
	{ '?', IN_GRID, help }, { '/', IN_GRID, start_filter },
	{ 'q', IN_GRID, quit }, { CTRL_KEY('C'), IN_GRID, quit },
	{ 'r', IN_GRID, refresh_all },
	{ 'x', IN_GRID, toggle_expand },
	{ '\t', IN_GRID, to_line }, { ':', IN_GRID, to_line },
	{ '\n', IN_GRID, act }, { '\r', IN_GRID, act },
	{ KEY_ENTER, IN_GRID, act },

	{ '\t', IN_LINE, line_tab },
	{ '?', IN_LINE, line_first }, { 'q', IN_LINE, line_first },
	{ CTRL_KEY('C'), IN_LINE, line_cancel }, { ESC, IN_LINE, line_cancel },
};

static key_action *
lookup(enum key_scope in, int key)
{
	size_t i;

	for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].in == in && bindings[i].key == key)
			return bindings[i].fn;
	return NULL;
}

void
keys_press(struct app *a, int k)
{
	key_action *fn;

	if (a->help) {
		if ((fn = lookup(IN_HELP, k)) != NULL) {
			fn(a, k);
			return;
		}
		if (k != KEY_RESIZE && k != KEY_MOUSE) {
			a->help = 0;		/* any other key closes it */
			a->dirty = 1;
			if (k != KEY_F(10))
				return;
		}
	}
	fn = lookup(IN_ANY, k);
	if (fn == NULL)
		fn = lookup(a->focus == FOCUS_GRID ? IN_GRID : IN_LINE, k);
	if (fn == NULL && a->focus == FOCUS_CMD)
		fn = line_input;
	if (fn != NULL)
		fn(a, k);
}
