/* draw.c - paints the TUI from struct app and the fleet: header, the slot
 * grid with its legend, the detail pane, the event log, the help overlay.
 * Drawing reads the fleet and never changes it.
 *
 * States are told apart by a letter in every cell ('.' free, 'R' reserved,
 * 'B' builtin, 'U' used, 'F' foreign, 'M' missing, '~' unplugging), so the
 * grid reads the same with NO_COLOR or on a monochrome terminal; with
 * colours each state also gets its own background.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"

static const char state_letter[SLOT_NSTATES] = {
	'.', 'R', 'B', 'U', 'F', 'M', '~'
};

enum {
	PAIR_STATE = 1,		/* PAIR_STATE + enum slot_state */
	PAIR_OK = 10, PAIR_WARN, PAIR_BAD, PAIR_EVENT, PAIR_TITLE
};

#define PANE_MIN 8		/* detail/log boxes: 6 lines inside */
#define DETAIL_IND 6		/* continuation rows: under the value */
#define LOG_IND 2		/* continuation rows of a log line */
#define HELP_IND 4		/* a command's description, under it */

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

static attr_t
pair(const struct app *a, int p)
{
	return a->color ? COLOR_PAIR(p) : A_NORMAL;
}

static attr_t
state_attr(const struct app *a, enum slot_state s)
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

static attr_t
conn_attr(const struct app *a, enum inst_conn c)
{
	switch (c) {
	case INST_OK: return pair(a, PAIR_OK);
	case INST_BUSY: return pair(a, PAIR_WARN) | A_BOLD;
	case INST_UNREACHABLE: case INST_ERROR:
		return pair(a, PAIR_BAD) | A_BOLD;
	default: return A_DIM;
	}
}

static const char *
conn_label(const struct instance *in, int w)
{
	if (in->conn == INST_NEW)
		return in->refreshing ? "connecting" : "new";
	if (w < 11 && in->conn == INST_UNREACHABLE)
		return "down";
	return inst_conn_name(in->conn);
}

/* Does the instance have slot data at all (one good refresh)? */
static int
has_data(const struct instance *in)
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

/* printf at (y, x), cut at width w (no wrapping). */
static void
putf(int y, int x, int w, attr_t at, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void
putf(int y, int x, int w, attr_t at, const char *fmt, ...)
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
	attron(pair(a, PAIR_TITLE) | (a->color ? A_BOLD : A_REVERSE));
	mvhline(0, 0, ' ', a->lay.cols);
	n = snprintf(buf, sizeof buf, " slotscope%s%s  %zu instance%s  "
	    "%zu unreachable  %zu busy  refresh %gs ",
	    a->opts.title ? " - " : "", a->opts.title ? a->opts.title : "",
	    f->n, f->n == 1 ? "" : "s", down, busy, a->opts.interval);
	mvaddnstr(0, 0, buf, a->lay.cols);
	if (n < a->lay.cols - 16)
		mvaddstr(0, a->lay.cols - 14, a->focus == FOCUS_GRID ?
		    " focus: grid " : " focus: line ");
	attroff(pair(a, PAIR_TITLE) | A_BOLD | A_REVERSE);
}

static void
draw_numbers(struct app *a)
{
	const struct app_layout *l = &a->lay;
	int s, x;

	attron(A_DIM);
	mvaddnstr(1, 0, l->name_w >= 8 ? "instance" : "name", l->name_w);
	if (l->proto_w)
		mvaddstr(1, l->name_w + 1, "monitor");
	mvaddnstr(1, l->slots_x - l->conn_w - 1, "state", l->conn_w);
	for (s = 0; s < 32; s++) {
		x = l->slots_x + s * l->cell_w;
		if (l->cell_w == 3)
			mvprintw(1, x, "%2d", s);
		else {
			if (s >= 10)
				mvaddch(1, x, (chtype)('0' + s / 10));
			mvaddch(2, x, (chtype)('0' + s % 10));
		}
	}
	attroff(A_DIM);
}

static void
draw_row(struct app *a, int y, size_t i)
{
	const struct app_layout *l = &a->lay;
	const struct instance *in = &a->fleet->inst[i];
	int s, sel = (i == a->sel_inst);
	attr_t na = A_BOLD;

	if (sel)
		na = a->focus == FOCUS_GRID ? A_REVERSE | A_BOLD :
		    A_UNDERLINE | A_BOLD;
	if (in->conn == INST_UNREACHABLE || in->conn == INST_ERROR)
		na |= pair(a, PAIR_BAD);
	putf(y, 0, l->name_w, na, "%-*s", l->name_w, in->name);
	if (l->proto_w && has_data(in))
		putf(y, l->name_w + 1, l->proto_w, A_NORMAL, "%s %d.%d.%d",
		    in->protocol, in->version.major, in->version.minor,
		    in->version.micro);
	putf(y, l->slots_x - l->conn_w - 1, l->conn_w, conn_attr(a, in->conn),
	    "%s", conn_label(in, l->conn_w));
	for (s = 0; s < 32; s++) {
		int x = l->slots_x + s * l->cell_w;
		enum slot_state st = in->slots[s].state;
		attr_t at;
		char c;

		if (!has_data(in)) {
			at = A_DIM;
			c = '-';
		} else {
			at = state_attr(a, st < SLOT_NSTATES ? st : SLOT_FREE);
			c = st < SLOT_NSTATES ? state_letter[st] : '?';
			if (in->conn != INST_OK)
				at = (at & ~A_BOLD) | A_DIM;	/* stale */
		}
		/* the selected cell: between brackets, which read in any
		 * terminal (and reversed without colours) */
		if (sel && s == a->sel_slot && !a->color)
			at |= A_REVERSE;
		attron(at);
		if (l->cell_w == 3)
			mvaddch(y, x, ' ');
		mvaddch(y, x + l->cell_w - 2, (chtype)(unsigned char)c);
		attroff(at);
	}
	if (sel) {
		/* around the letter, which is the cell's last column */
		int lx = l->slots_x + a->sel_slot * l->cell_w + l->cell_w - 2;
		attr_t ba = a->focus == FOCUS_GRID ? A_BOLD : A_DIM;

		attron(ba);
		mvaddch(y, lx - 1, '[');
		mvaddch(y, lx + 1, ']');
		attroff(ba);
	}
}

static void
draw_legend(struct app *a)
{
	static const char *names[SLOT_NSTATES] = {
		"free", "reserved", "builtin", "used", "foreign", "missing",
		"unplugging"
	};
	int s, x = 0, y = a->lay.legend_y;

	move(y, 0);
	for (s = 0; s < SLOT_NSTATES && x < a->lay.cols - 12; s++) {
		attron(state_attr(a, (enum slot_state)s));
		mvaddch(y, x, (chtype)state_letter[s]);
		attroff(state_attr(a, (enum slot_state)s));
		mvaddstr(y, x + 2, names[s]);
		x += (int)strlen(names[s]) + 4;
	}
	if (a->fleet->n > (size_t)a->lay.grid_h)
		putf(y, x, a->lay.cols - x, A_DIM, "rows %zu-%zu of %zu",
		    a->top + 1, a->top + (size_t)a->lay.grid_h, a->fleet->n);
}

static void
box_at(int y, int x, int h, int w, const char *title, attr_t ta)
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
		putf(y, x + 2, w - 4, ta, " %s ", title);
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
static int
wrap_rows(const char *s, int w, int ind)
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
static void
put_wrapped(int y, int x, int w, attr_t at, const char *s, int ind, int skip,
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

static void
fmt_time(double t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "never");
	else
		strftime(buf, len, "%H:%M:%S", &tm);
}

static void
draw_detail(struct app *a)
{
	const struct app_layout *l = &a->lay;
	int y = l->pane_y + 1, x = 2, w = l->detail_w - 4;
	int ymax = l->pane_y + l->pane_h - 1;
	const struct instance *in;
	const struct slot_view *v;
	const struct pci_fn *fn[8];
	char title[128], when[32];
	size_t nf, k;

	if (a->fleet->n == 0) {
		box_at(l->pane_y, 0, l->pane_h, l->detail_w, "detail", A_BOLD);
		putf(y, x, w, A_DIM, "no instances");
		return;
	}
	in = &a->fleet->inst[a->sel_inst];
	v = &in->slots[a->sel_slot];
	snprintf(title, sizeof title, "%s slot %d", in->name, a->sel_slot);
	box_at(l->pane_y, 0, l->pane_h, l->detail_w, title, A_BOLD);
	/* one item, wrapped when longer than the pane is wide */
#define LINE(at, ...) do { \
	char lb_[512]; \
	snprintf(lb_, sizeof lb_, __VA_ARGS__); \
	if (y < ymax && w > 0) { \
		put_wrapped(y, x, w, (at), lb_, DETAIL_IND, 0, ymax - y); \
		y += wrap_rows(lb_, w, DETAIL_IND); \
	} \
} while (0)
	if (!has_data(in)) {
		LINE(A_DIM, "no data yet");
	} else {
		if (y < ymax) {
			mvaddstr(y, x, "state ");
			attron(state_attr(a, v->state));
			addch((chtype)state_letter[v->state]);
			attroff(state_attr(a, v->state));
			putf(y, x + 8, w - 8, A_BOLD, "%s%s",
			    slot_state_name(v->state),
			    v->reserved ? "  (reserved)" : "  (not reserved)");
			y++;
		}
		if (v->id[0])
			LINE(A_NORMAL, "id    %s", v->id);
		if (v->type[0])
			LINE(A_NORMAL, "type  %s", v->type);
		if (v->uuid[0])
			LINE(A_NORMAL, "uuid  %s", v->uuid);
		nf = pci_info_slot(&in->live, a->sel_slot, fn, 8);
		if (nf == 0)
			LINE(A_DIM, "no live function");
		for (k = 0; k < nf && k < 8; k++)
			LINE(A_NORMAL, "fn %d  %04x:%04x  %s%s%s",
			    fn[k]->func, fn[k]->vendor, fn[k]->device,
			    fn[k]->class_text, fn[k]->id[0] ? "  id " : "",
			    fn[k]->id);
	}
	/* the instance: measured first, so that the blank row above it goes
	 * when the pane is too short for all of it (80x24) */
	{
		char il[6][512];
		attr_t ia[6];
		int ni = 0, need = 0, k2;

#define ILINE(at, ...) do { \
	ia[ni] = (at); \
	snprintf(il[ni++], sizeof il[0], __VA_ARGS__); \
} while (0)
		ILINE(A_BOLD, "%s  %s", in->name, conn_label(in, 11));
		ILINE(A_NORMAL, "endpoint %s", in->endpoint);
		if (has_data(in))
			ILINE(A_NORMAL, "QEMU %d.%d.%d %s  (%s)",
			    in->version.major, in->version.minor,
			    in->version.micro, in->version.package,
			    in->protocol);
		fmt_time(in->last_refresh, when, sizeof when);
		ILINE(A_NORMAL, "refreshed %s%s", when,
		    in->refreshing ? "  (refreshing)" : "");
		if (in->error[0])
			ILINE(pair(a, PAIR_BAD), "error: %s", in->error);
		if (in->rt_error[0])
			ILINE(pair(a, PAIR_BAD), "runtime file: %s",
			    in->rt_error);
#undef ILINE
		for (k2 = 0; k2 < ni && w > 0; k2++)
			need += wrap_rows(il[k2], w, DETAIL_IND);
		if (y + 1 + need <= ymax)
			y++;
		for (k2 = 0; k2 < ni; k2++)
			LINE(ia[k2], "%s", il[k2]);
	}
#undef LINE
}

static attr_t
log_attr(const struct app *a, int kind)
{
	switch (kind) {
	case LOG_ERR: return pair(a, PAIR_BAD) | A_BOLD;
	case LOG_CMD: return A_BOLD;
	case LOG_EVENT: return pair(a, PAIR_EVENT);
	default: return A_NORMAL;
	}
}

static void
draw_log(struct app *a)
{
	const struct app_layout *l = &a->lay;
	int x = l->detail_w, w = l->cols - l->detail_w;
	int inner = l->pane_h - 2, tw = w - 2, rows, y;
	size_t k, last;

	box_at(l->pane_y, x, l->pane_h, w,
	    a->log_scroll ? "events (PgDn: newer)" : "events", A_BOLD);
	/* hints in the bottom border */
	putf(l->pane_y + l->pane_h - 1, x + 2, w - 4, A_DIM,
	    " Tab focus  Enter act  PgUp/PgDn log  ? help  F10 quit ");
	if (inner <= 0 || tw <= 0 || a->log_n == 0)
		return;
	/* newest at the bottom, long lines wrapped; log_scroll counts whole
	 * lines back from the newest */
	if (a->log_scroll >= a->log_n)
		a->log_scroll = a->log_n - 1;
	last = a->log_n - 1 - a->log_scroll;
	y = l->pane_y + 1 + inner;	/* one below the last inner row */
	for (k = last + 1; k-- > 0 && y > l->pane_y + 1; ) {
		const struct app_log_line *ln =
		    &a->log[(a->log_start + k) % APP_LOG_MAX];
		int skip = 0;

		rows = wrap_rows(ln->text, tw, LOG_IND);
		y -= rows;
		if (y < l->pane_y + 1) {	/* cut at the top */
			skip = l->pane_y + 1 - y;
			y = l->pane_y + 1;
		}
		put_wrapped(y, x + 1, tw, log_attr(a, ln->kind), ln->text,
		    LOG_IND, skip, rows - skip);
	}
}

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
	int rows = wrap_rows(s, o->w - first_x, ind), r, skip = 0, n;

	if (o->inner > 0 && o->row + rows > o->top &&
	    o->row < o->top + o->inner) {
		r = o->row - o->top;
		if (r < 0) {
			skip = -r;
			r = 0;
		}
		n = o->inner - r;
		put_wrapped(o->y0 + r, o->x0 + first_x, o->w - first_x, at, s,
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
		"?  F1      this help        q  F10  quit (grid)",
		"Ctrl-L     redraw           quit    on the line",
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

static void
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
	box_at(y0, x0, h, w, title, A_BOLD);
	o.y0 = y0 + 1;
	o.x0 = x0 + 2;
	o.top = a->help_top;
	help_text(&o);
	a->help_rows = o.inner;
}

void
draw_all(struct app *a)
{
	const struct app_layout *l;
	int r;

	draw_layout(a);
	l = &a->lay;
	erase();
	draw_header(a);
	draw_numbers(a);
	if (a->fleet->n == 0)
		putf(l->grid_y, 0, l->cols, A_DIM,
		    "no instances: give NAME=ENDPOINT, --monitor-dir or "
		    "--config");
	for (r = 0; r < l->grid_h; r++)
		if (a->top + (size_t)r < a->fleet->n)
			draw_row(a, l->grid_y + r, a->top + (size_t)r);
	draw_legend(a);
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

int
draw_hit(const struct app *a, int y, int x, size_t *inst, int *slot)
{
	const struct app_layout *l = &a->lay;
	size_t i;
	int s;

	if (y < l->grid_y || y >= l->grid_y + l->grid_h)
		return -1;
	i = a->top + (size_t)(y - l->grid_y);
	if (i >= a->fleet->n)
		return -1;
	*inst = i;
	if (x < l->slots_x)
		return 1;
	s = (x - l->slots_x) / l->cell_w;
	if (s > 31)
		return -1;
	*slot = s;
	return 0;
}

void
draw_suggest(const struct app *a, char *buf, size_t len)
{
	const struct instance *in;
	const struct slot_view *v;

	buf[0] = '\0';
	if (a->fleet->n == 0)
		return;
	in = &a->fleet->inst[a->sel_inst];
	v = &in->slots[a->sel_slot];
	if (!has_data(in)) {
		snprintf(buf, len, "refresh %s", in->name);
		return;
	}
	switch (v->state) {
	case SLOT_FREE:
		snprintf(buf, len, "reserve %s %d", in->name, a->sel_slot);
		break;
	case SLOT_RESERVED:
		snprintf(buf, len, "free %s %d", in->name, a->sel_slot);
		break;
	case SLOT_USED:
	case SLOT_FOREIGN:
		if (v->id[0])
			snprintf(buf, len, "unplug %s %s", in->name, v->id);
		else
			snprintf(buf, len, "unplug %s %d", in->name,
			    a->sel_slot);
		break;
	case SLOT_UNPLUGGING:
		snprintf(buf, len, "refresh %s", in->name);
		break;
	default:		/* builtin, missing: look closer first */
		snprintf(buf, len, "show %s", in->name);
		break;
	}
}
