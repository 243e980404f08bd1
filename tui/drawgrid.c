/* drawgrid.c - the slot grid: the column numbers, one row per instance
 * (name, monitor, connection, a letter per slot, the selection between
 * brackets), the legend; which cell a mouse click hit, and what Enter on
 * the selected slot suggests.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"

static attr_t
conn_attr(const struct app *a, enum inst_conn c)
{
	switch (c) {
	case INST_OK: return draw_pair(a, PAIR_OK);
	case INST_BUSY: return draw_pair(a, PAIR_WARN) | A_BOLD;
	case INST_UNREACHABLE: case INST_ERROR:
		return draw_pair(a, PAIR_BAD) | A_BOLD;
	default: return A_DIM;
	}
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
		na |= draw_pair(a, PAIR_BAD);
	draw_putf(y, 0, l->name_w, na, "%-*s", l->name_w, in->name);
	if (l->proto_w && draw_has_data(in))
		draw_putf(y, l->name_w + 1, l->proto_w, A_NORMAL, "%s %d.%d.%d",
		    in->protocol, in->version.major, in->version.minor,
		    in->version.micro);
	draw_putf(y, l->slots_x - l->conn_w - 1, l->conn_w, conn_attr(a, in->conn),
	    "%s", draw_conn_label(in, l->conn_w));
	for (s = 0; s < 32; s++) {
		int x = l->slots_x + s * l->cell_w;
		enum slot_state st = in->slots[s].state;
		attr_t at;
		char c;

		if (!draw_has_data(in)) {
			at = A_DIM;
			c = '-';
		} else {
			at = draw_state_attr(a, st < SLOT_NSTATES ? st : SLOT_FREE);
			c = st < SLOT_NSTATES ? draw_state_letter[st] : '?';
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
		attron(draw_state_attr(a, (enum slot_state)s));
		mvaddch(y, x, (chtype)draw_state_letter[s]);
		attroff(draw_state_attr(a, (enum slot_state)s));
		mvaddstr(y, x + 2, names[s]);
		x += (int)strlen(names[s]) + 4;
	}
	if (a->fleet->n > (size_t)a->lay.grid_h)
		draw_putf(y, x, a->lay.cols - x, A_DIM, "rows %zu-%zu of %zu",
		    a->top + 1, a->top + (size_t)a->lay.grid_h, a->fleet->n);
}

/* The column numbers, one row per instance shown, the legend. */
void
draw_grid(struct app *a)
{
	const struct app_layout *l = &a->lay;
	int r;

	draw_numbers(a);
	if (a->fleet->n == 0)
		draw_putf(l->grid_y, 0, l->cols, A_DIM,
		    "no instances: give NAME=ENDPOINT, --monitor-dir or "
		    "--config");
	for (r = 0; r < l->grid_h; r++)
		if (a->top + (size_t)r < a->fleet->n)
			draw_row(a, l->grid_y + r, a->top + (size_t)r);
	draw_legend(a);
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
	if (!draw_has_data(in)) {
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
