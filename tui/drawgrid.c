/* SPDX-License-Identifier: GPL-3.0-or-later */
/* drawgrid.c - the slot grid: the column numbers, one row per instance
 * (name, monitor, connection, capacity, a letter per slot, the selection
 * between brackets), the legend; which cell a mouse click hit, and what
 * Enter on the selected slot suggests.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "fleet/fleetagent.h"

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
	int s, x, last = a->left + l->nslots;

	attron(A_DIM);
	mvaddnstr(1, 0, l->name_w >= 8 ? "instance" : "name", l->name_w);
	if (l->proto_w)
		mvaddstr(1, l->name_w + 1, "monitor");
	mvaddnstr(1, l->slots_x - l->conn_w - l->cap_w - 1, "state",
	    l->conn_w);
	if (l->cap_w)
		mvaddstr(1, l->slots_x - l->cap_w - 1, " cap");
	attroff(A_DIM);
	/* scrolled sideways: marks where slots are off screen */
	attron(A_BOLD);
	if (a->left > 0)
		mvaddch(l->grid_y - 1, l->slots_x - 1, '<');
	if (last < 32)
		mvaddch(l->grid_y - 1, l->slots_x + l->nslots * l->cell_w, '>');
	attroff(A_BOLD);
	attron(A_DIM);
	for (s = a->left; s < last; s++) {
		x = l->slots_x + (s - a->left) * l->cell_w;
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
	char name[128];

	if (sel)
		na = a->focus == FOCUS_GRID ? A_REVERSE | A_BOLD :
		    A_UNDERLINE | A_BOLD;
	if (in->conn == INST_UNREACHABLE || in->conn == INST_ERROR)
		na |= draw_pair(a, PAIR_BAD);
	draw_name_cut(in->name, l->name_w, l->name_head, a->utf8, name,
	    sizeof name);
	attron(na);
	mvhline(y, 0, ' ', l->name_w);	/* the selection's bar, all of it */
	mvaddstr(y, 0, name);
	attroff(na);
	if (l->proto_w && draw_has_data(in))
		draw_putf(y, l->name_w + 1, l->proto_w, A_NORMAL, "%s %d.%d.%d",
		    in->protocol, in->version.major, in->version.minor,
		    in->version.micro);
	draw_putf(y, l->slots_x - l->conn_w - l->cap_w - 1, l->conn_w,
	    conn_attr(a, in->conn), "%s", draw_conn_label(in, l->conn_w));
	/* how many devices it can take now; 0 stands out */
	if (l->cap_w && draw_has_data(in) && in->capacity >= 0)
		draw_putf(y, l->slots_x - l->cap_w - 1, l->cap_w,
		    in->capacity == 0 ? draw_pair(a, PAIR_BAD) | A_BOLD |
		    A_REVERSE : A_NORMAL, "%*d", l->cap_w, in->capacity);
	for (s = a->left; s < a->left + l->nslots; s++) {
		int x = l->slots_x + (s - a->left) * l->cell_w;
		enum slot_state st = in->slots.b[s].state;
		attr_t at;
		char c;

		/* a bus not read (or not yet): '?' in every cell */
		if (st >= SLOT_NSTATES)
			st = SLOT_UNKNOWN;
		at = draw_state_attr(a, st);
		c = draw_state_letter[st];
		/* a bridge: 'H' something behind it, 'h' nothing,
		 * '?' not known (paused, QOM not read) */
		if (st == SLOT_BRIDGE)
			c = in->slots.b[s].behind < 0 ? '?' :
			    in->slots.b[s].behind > 0 ? 'H' : 'h';
		/* the manager records another device here */
		if (st != SLOT_UNKNOWN && in->slots.b[s].conflict) {
			c = DRAW_CONFLICT_LETTER;
			at = draw_conflict_attr(a);
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
		int lx = l->slots_x + (a->sel_slot - a->left) * l->cell_w +
		    l->cell_w - 2;
		attr_t ba = a->focus == FOCUS_GRID ? A_BOLD : A_DIM;

		attron(ba);
		mvaddch(y, lx - 1, '[');
		mvaddch(y, lx + 1, ']');
		attroff(ba);
	}
}

/* Child rows of the expanded selection: how many (0 when folded). */
int
draw_child_rows(const struct app *a)
{
	if (!a->expand || a->nvis == 0 || a->sel_inst >= a->fleet->n)
		return 0;
	return (int)a->fleet->inst[a->sel_inst].nbus;
}

/* A child row: one bridge's bus of the selected instance, its slots (a
 * root port has one) under the root bus's columns. */
static void
draw_child(struct app *a, int y, const struct instance *in, size_t k)
{
	const struct app_layout *l = &a->lay;
	const struct inst_bus *bus = &in->bus[k];
	int s;

	static const char *const kind[PCI_BR_NKINDS] = { "", "pci-bridge",
		"root port", "pcie-pci", "dmi", "bridge" };

	/* the corner is 3 bytes in one column */
	draw_putf(y, 0, l->name_w + (a->utf8 ? 2 : 0), A_DIM, "%s%s",
	    a->utf8 ? "\xe2\x94\x94 " : "- ", bus->name);
	if (l->proto_w)
		draw_putf(y, l->name_w + 1, l->proto_w, A_DIM, "%s",
		    (unsigned)bus->kind < PCI_BR_NKINDS ? kind[bus->kind] : "");
	draw_putf(y, l->slots_x - l->conn_w - l->cap_w - 1, l->conn_w, A_DIM,
	    "bus %s", bus->path);
	if (l->cap_w && bus->known)
		draw_putf(y, l->slots_x - l->cap_w - 1, l->cap_w, A_DIM,
		    "%*d", l->cap_w, bus->places);
	else if (l->cap_w)
		draw_putf(y, l->slots_x - l->cap_w - 1, l->cap_w, A_BOLD,
		    "%*s", l->cap_w, "?");
	for (s = a->left; s < a->left + l->nslots; s++) {
		int x = l->slots_x + (s - a->left) * l->cell_w;
		enum slot_state st = bus->slots.b[s].state;
		attr_t at;
		char c;

		if (s >= bus->nslots)
			continue;
		c = !bus->known ? '?' : st < SLOT_NSTATES ?
		    draw_state_letter[st] : '?';
		if (st == SLOT_BRIDGE)
			c = bus->slots.b[s].behind > 0 ? 'H' : 'h';
		at = draw_state_attr(a, st < SLOT_NSTATES ? st : SLOT_FREE);
		if (bus->known && bus->slots.b[s].conflict) {
			c = DRAW_CONFLICT_LETTER;
			at = draw_conflict_attr(a);
		}
		attron(at);
		mvaddch(y, x + l->cell_w - 2, (chtype)(unsigned char)c);
		attroff(at);
	}
}

static void
draw_legend(struct app *a)
{
	static const char *names[SLOT_NSTATES] = {
		"free", "reserved", "builtin", "used", "foreign", "missing",
		"unplugging", "bridge", "port", "closed", "unknown"
	};
	int s, x = 0, y = a->lay.legend_y, n = 0;
	char more[96];

	/* what is off screen first, so that a narrow screen keeps it */
	more[0] = '\0';
	if (a->lay.nslots < 32)
		n = snprintf(more, sizeof more, "slots %d-%d of 32  ", a->left,
		    a->left + a->lay.nslots - 1);
	if (a->nvis > (size_t)a->lay.grid_h && n >= 0 &&
	    (size_t)n < sizeof more)
		snprintf(more + n, sizeof more - (size_t)n, "rows %zu-%zu of %zu",
		    a->top + 1, a->top + (size_t)a->lay.grid_h, a->nvis);
	n = (int)strlen(more);
	move(y, 0);
	for (s = 0; s < SLOT_NSTATES; s++) {
		int len = (int)strlen(names[s]) + 4;

		if (x + len > a->lay.cols - n)
			break;
		attron(draw_state_attr(a, (enum slot_state)s));
		mvaddch(y, x, (chtype)draw_state_letter[s]);
		attroff(draw_state_attr(a, (enum slot_state)s));
		mvaddstr(y, x + 2, names[s]);
		x += len;
		/* after missing, the other thing a manager's records say */
		if (s != SLOT_MISSING)
			continue;
		if (x + 12 > a->lay.cols - n)
			break;
		attron(draw_conflict_attr(a));
		mvaddch(y, x, (chtype)DRAW_CONFLICT_LETTER);
		attroff(draw_conflict_attr(a));
		mvaddstr(y, x + 2, "conflict");
		x += 12;
	}
	draw_putf(y, x, a->lay.cols - x, A_DIM, "%s", more);
}

/* The column numbers, one row per instance shown, the legend. */
void
draw_grid(struct app *a)
{
	const struct app_layout *l = &a->lay;
	size_t v;
	int r;

	draw_numbers(a);
	if (a->fleet->n == 0 && rows_lost_hosts(a) > 0)
		draw_putf(l->grid_y, 0, l->cols, A_DIM,
		    "no instances known yet: the hosts below have not "
		    "answered");
	else if (a->fleet->n == 0)
		draw_putf(l->grid_y, 0, l->cols, A_DIM,
		    "no instances: give NAME=ENDPOINT, --monitor-dir or "
		    "--config");
	else if (a->nvis == 0)
		draw_putf(l->grid_y, 0, l->cols, A_DIM,
		    "no instance matches \"%s\" (type / and Enter to show "
		    "all)", a->filter);
	/* the instances, and below the selected one its child rows when
	 * expanded */
	for (r = 0, v = a->top; r < l->grid_h && v < a->nvis; v++) {
		const struct instance *in = &a->fleet->inst[a->vis[v]];
		size_t k;

		if (a->vhead[v]) {
			char h[600];

			rows_header(a, v, h, sizeof h);
			draw_putf(l->grid_y + r++, 0, l->cols, A_BOLD |
			    A_UNDERLINE, "%s", h);
			if (r >= l->grid_h)
				break;
		}
		draw_row(a, l->grid_y + r++, a->vis[v]);
		if (a->vis[v] != a->sel_inst || !draw_child_rows(a))
			continue;
		for (k = 0; k < in->nbus && r < l->grid_h; k++)
			draw_child(a, l->grid_y + r++, in, k);
	}
	/* a host that has not answered has no rows: its header line, last,
	 * says it is connecting, or unreachable and why (under a filter
	 * too: its instances are unknown, not filtered out) */
	for (v = 0, r += a->nvis == 0; v < fleet_nhosts(a->fleet) &&
	    r < l->grid_h; v++) {
		char h[700];

		if (rows_lost_host(a, v, h, sizeof h))
			draw_putf(l->grid_y + r++, 0, l->cols, A_BOLD |
			    A_UNDERLINE, "%s", h);
	}
	draw_legend(a);
}

int
draw_hit(const struct app *a, int y, int x, size_t *inst, int *slot)
{
	const struct app_layout *l = &a->lay;
	size_t v;
	int s, r, want = y - l->grid_y;

	if (y < l->grid_y || y >= l->grid_y + l->grid_h)
		return -1;
	/* walk the lines as draw_grid draws them: header lines, rows, the
	 * expanded selection's child rows */
	for (r = 0, v = a->top; v < a->nvis && r <= want; v++) {
		if (a->vhead[v] && r++ == want)
			return -1;	/* a header: nothing to pick */
		if (r++ == want)
			break;
		if (a->vis[v] == a->sel_inst && draw_child_rows(a) > 0) {
			if (want < r + draw_child_rows(a)) {
				*inst = a->sel_inst;	/* a child row */
				return 1;
			}
			r += draw_child_rows(a);
		}
	}
	if (v >= a->nvis || r - 1 != want)
		return -1;
	*inst = a->vis[v];
	if (x < l->slots_x)
		return 1;
	s = (x - l->slots_x) / l->cell_w;
	if (s >= l->nslots)
		return -1;
	s += a->left;
	*slot = s;
	return 0;
}

void
draw_suggest(const struct app *a, char *buf, size_t len)
{
	const struct instance *in;
	struct slot_view sv;
	const struct slot_view *v = &sv;

	buf[0] = '\0';
	if (a->nvis == 0)
		return;
	in = &a->fleet->inst[a->sel_inst];
	slotpack_get(&in->slots, a->sel_slot, &sv);
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
		if (v->id[0])
			snprintf(buf, len, "unplug %s %s", in->name, v->id);
		else
			snprintf(buf, len, "unplug %s %d", in->name,
			    a->sel_slot);
		break;
	case SLOT_FOREIGN:	/* not ours yet: record it first */
		snprintf(buf, len, "adopt %s %s", in->name, v->id[0] ? v->id :
		    "");
		if (!v->id[0])
			snprintf(buf, len, "adopt %s %d", in->name,
			    a->sel_slot);
		break;
	case SLOT_MISSING:	/* recorded, gone from the bus */
		snprintf(buf, len, "forget %s %s", in->name, v->id[0] ? v->id :
		    "");
		if (!v->id[0])
			snprintf(buf, len, "forget %s %d", in->name,
			    a->sel_slot);
		break;
	case SLOT_UNPLUGGING:
	case SLOT_UNKNOWN:	/* nothing to act on before a read */
		snprintf(buf, len, "refresh %s", in->name);
		break;
	case SLOT_PORT:		/* a free root port: hotplug into it */
		snprintf(buf, len, "hotplug %s nic bus=%s", in->name, v->id);
		break;
	default:		/* builtin, bridge, closed: look
				 * closer first */
		snprintf(buf, len, "show %s", in->name);
		break;
	}
}
