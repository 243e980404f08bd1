/* SPDX-License-Identifier: GPL-3.0-or-later */
/* drawpane.c - the two boxes under the grid: the selected slot and its
 * instance (detail pane, left), and the event log (right, newest at the
 * bottom, scrolled back by whole lines).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "cmd/cmd.h"
#include "draw.h"
#include "mgr/mgr.h"
#include "model/pcitree.h"

#define DETAIL_IND 6		/* continuation rows: under the value */
#define LOG_IND 2		/* continuation rows of a log line */

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

/* The devices behind the bridges in the selected slot (every function's,
 * as a slot of root ports has several), one line each. */
static void
behind_lines(struct app *a, const struct instance *in, int *y, int ymax,
    int x, int w)
{
	struct pcitree t;
	size_t i;

	pcitree_build(&in->live, &t);
	if (pcitree_bus_at(&t, PCITREE_ROOT, a->sel_slot) < 0)
		return;
	for (i = 0; i < in->live.n && *y < ymax; i++) {
		const struct pci_fn *f = &in->live.fn[i];
		int fb = pcitree_bus_of(&t, f);

		/* a bus of this slot's bridges, or one behind them */
		while (fb > 0 && t.bus[fb].parent != PCITREE_ROOT)
			fb = t.bus[fb].parent;
		if (fb <= 0 || t.bus[fb].slot != a->sel_slot)
			continue;
		draw_putf((*y)++, x, w, A_NORMAL, " bus %s slot %d.%d  %s%s%s",
		    t.bus[pcitree_bus_of(&t, f)].path, f->slot, f->func,
		    f->class_text, f->id[0] ? "  id " : "", f->id);
	}
}

void
draw_detail(struct app *a)
{
	const struct app_layout *l = &a->lay;
	int y = l->pane_y + 1, x = 2, w = l->detail_w - 4;
	int ymax = l->pane_y + l->pane_h - 1;
	const struct instance *in;
	struct slot_view sv;
	const struct slot_view *v = &sv;
	const struct pci_fn *fn[8];
	char title[160], when[32];
	size_t nf, k;

	if (a->nvis == 0) {
		draw_box(l->pane_y, 0, l->pane_h, l->detail_w, "detail", A_BOLD);
		draw_putf(y, x, w, A_DIM, a->fleet->n ? "no instance matches "
		    "the filter" : "no instances");
		return;
	}
	in = &a->fleet->inst[a->sel_inst];
	slotpack_get(&in->slots, a->sel_slot, &sv);
	{
		/* the name cut to leave the slot number in the title; it is
		 * whole in the lines below */
		char nm[128];
		int room = l->detail_w - 6 - (int)sizeof " slot 31" + 1;

		draw_name_cut(in->name, room, room > 3 ? (room - 1) / 2 : room,
		    a->utf8, nm, sizeof nm);
		snprintf(title, sizeof title, "%s slot %d", nm, a->sel_slot);
	}
	draw_box(l->pane_y, 0, l->pane_h, l->detail_w, title, A_BOLD);
	/* one item, wrapped when longer than the pane is wide */
#define LINE(at, ...) do { \
	char lb_[1024]; \
	snprintf(lb_, sizeof lb_, __VA_ARGS__); \
	if (y < ymax && w > 0) { \
		draw_wrapped(y, x, w, (at), lb_, DETAIL_IND, 0, ymax - y); \
		y += draw_wrap_rows(lb_, w, DETAIL_IND); \
	} \
} while (0)
	if (!draw_has_data(in)) {
		LINE(A_DIM, "no data yet");
	} else {
		if (y < ymax) {
			mvaddstr(y, x, "state ");
			attron(draw_state_attr(a, v->state));
			addch((chtype)draw_state_letter[v->state]);
			attroff(draw_state_attr(a, v->state));
			draw_putf(y, x + 8, w - 8, A_BOLD, "%s%s",
			    slot_state_name(v->state),
			    v->reserved ? "  (reserved)" : "  (not reserved)");
			y++;
		}
		if (v->state == SLOT_UNKNOWN) {
			char age[96];

			/* the last good map, as such, never as current */
			cmd_last_read_text(in->last_read, clock_wall_s(), age,
			    sizeof age);
			if (in->last_read > 0)
				LINE(A_DIM, "bus not read; %s: %s", age,
				    slot_state_name((enum slot_state)
				    in->last.b[a->sel_slot].state));
			else
				LINE(A_DIM, "bus not read; %s", age);
		}
		if (v->anonymous)
			LINE(A_NORMAL, "id    none: added without an id "
			    "(anonymous)");
		if (v->id[0])
			LINE(A_NORMAL, "id    %s", v->id);
		if (v->type[0])
			LINE(A_NORMAL, "type  %s", v->type);
		if (v->uuid[0])
			LINE(A_NORMAL, "uuid  %s", v->uuid);
		if (v->backend[0])
			LINE(A_NORMAL, "back  %s", v->backend);
		/* whose it is: slotscope's, or the manager's own facts */
		if (v->owner[0])
			LINE(A_NORMAL, "owner %s%s%s%s", v->owner,
			    v->mname[0] ? "  (" : "", v->mname,
			    v->mname[0] ? ")" : "");
		if (v->mac[0] || v->where[0])
			LINE(A_NORMAL, "%s%s%s%s", v->mac[0] ? "mac   " : "",
			    v->mac, v->mac[0] && v->where[0] ? "  " : "",
			    v->where);
		if (v->conflict[0])
			LINE(draw_pair(a, PAIR_BAD), "conflict: %s",
			    v->conflict);
		nf = pci_info_slot(&in->live, a->sel_slot, fn, 8);
		if (nf == 0)
			LINE(A_DIM, "no live function%s",
			    v->state == SLOT_UNKNOWN ? " at the last read" : "");
		for (k = 0; k < nf && k < 8; k++)
			LINE(v->state == SLOT_UNKNOWN ? A_DIM : A_NORMAL,
			    "fn %d  %04x:%04x  %s%s%s%s",
			    fn[k]->func, fn[k]->vendor, fn[k]->device,
			    fn[k]->class_text, fn[k]->id[0] ? "  id " : "",
			    fn[k]->id, v->state == SLOT_UNKNOWN ?
			    "  (last read)" : "");
		if (v->bridge != PCI_BR_NONE) {
			if (v->behind < 0)
				LINE(A_BOLD, "%s: what is behind it is not "
				    "known", pci_bridge_kind_name(v->bridge));
			else
				LINE(A_BOLD, "%s: %d device%s behind, %d free "
				    "place%s", pci_bridge_kind_name(v->bridge),
				    v->behind, v->behind == 1 ? "" : "s",
				    v->places, v->places == 1 ? "" : "s");
			behind_lines(a, in, &y, ymax, x, w);
		}
	}
	/* the instance: measured first, so that the blank row above it goes
	 * when the pane is too short for all of it (80x24) */
	{
		char il[7][512];
		attr_t ia[7];
		int ni = 0, need = 0, k2;

#define ILINE(at, ...) do { \
	ia[ni] = (at); \
	snprintf(il[ni++], sizeof il[0], __VA_ARGS__); \
} while (0)
		if (draw_has_data(in) && in->capacity >= 0)
			ILINE(in->capacity == 0 ? draw_pair(a, PAIR_BAD) |
			    A_BOLD : A_BOLD, "%s  %s  capacity %d%s",
			    in->name, draw_conn_label(in, 11), in->capacity,
			    in->capacity == 0 ? " (full)" : "");
		else
			ILINE(A_BOLD, "%s  %s", in->name,
			    draw_conn_label(in, 11));
		ILINE(A_NORMAL, "endpoint %s", in->endpoint);
		if (draw_has_data(in))
			ILINE(A_NORMAL, "QEMU %d.%d.%d %s  (%s)",
			    in->version.major, in->version.minor,
			    in->version.micro, in->version.package,
			    in->protocol);
		fmt_time(in->last_refresh, when, sizeof when);
		ILINE(A_NORMAL, "refreshed %s%s", when,
		    in->refreshing ? "  (refreshing)" : "");
		if (in->error[0])
			ILINE(draw_pair(a, PAIR_BAD), "error: %s", in->error);
		if (in->rt_error[0])
			ILINE(draw_pair(a, PAIR_BAD), "runtime file: %s",
			    in->rt_error);
		if (in->mgr->kind != MGR_NONE)
			ILINE(in->mgr_error[0] ? draw_pair(a, PAIR_BAD) :
			    A_NORMAL, "managed by %s%s%s%s%s",
			    mgr_kind_name(in->mgr->kind),
			    in->mgr->vmid[0] ? " VMID " : "", in->mgr->vmid,
			    in->mgr_error[0] ? ": " : "", in->mgr_error);
#undef ILINE
		for (k2 = 0; k2 < ni && w > 0; k2++)
			need += draw_wrap_rows(il[k2], w, DETAIL_IND);
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
	case LOG_ERR: return draw_pair(a, PAIR_BAD) | A_BOLD;
	case LOG_CMD: return A_BOLD;
	case LOG_EVENT: return draw_pair(a, PAIR_EVENT);
	default: return A_NORMAL;
	}
}

void
draw_log(struct app *a)
{
	const struct app_layout *l = &a->lay;
	int x = l->detail_w, w = l->cols - l->detail_w;
	int inner = l->pane_h - 2, tw = w - 2, rows, y;
	size_t k, last;

	draw_box(l->pane_y, x, l->pane_h, w,
	    a->log_scroll ? "events (PgDn: newer)" : "events", A_BOLD);
	/* hints in the bottom border */
	draw_putf(l->pane_y + l->pane_h - 1, x + 2, w - 4, A_DIM,
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

		rows = draw_wrap_rows(ln->text, tw, LOG_IND);
		y -= rows;
		if (y < l->pane_y + 1) {	/* cut at the top */
			skip = l->pane_y + 1 - y;
			y = l->pane_y + 1;
		}
		draw_wrapped(y, x + 1, tw, log_attr(a, ln->kind), ln->text,
		    LOG_IND, skip, rows - skip);
	}
}
