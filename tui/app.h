/* SPDX-License-Identifier: GPL-3.0-or-later */
/* app.h - the TUI's one state record (struct app) and the functions the
 * tui/ files share.  Internal to tui/: main.c only sees tui.h.
 *
 * tui.c owns the loop, keys.c what each key does, draw.c and its parts
 * (draw.h) paint the screen from struct app and the fleet (they change
 * nothing but the layout and scroll positions they compute), line.c glues
 * GNU readline's callback interface to a curses window.
 */
#ifndef SLOTSCOPE_APP_H
#define SLOTSCOPE_APP_H

#include <curses.h>

#include "cmd/cmd.h"
#include "cmd/cmdjob.h"
#include "fleet/fleet.h"
#include "tui.h"

#define APP_LOG_MAX 400			/* lines kept in the event log */
#define APP_LOG_LINE 512
#define APP_LINEBUF 64			/* keys queued for readline */
#define APP_LINE_MAX 4096		/* longest line taken (longer: the
					 * rest of a paste is dropped) */

enum app_focus { FOCUS_CMD, FOCUS_GRID };

struct app_log_line {
	char text[APP_LOG_LINE];
	int kind;			/* LOG_INFO, LOG_ERR, LOG_CMD, LOG_EVENT */
};
enum { LOG_INFO, LOG_ERR, LOG_CMD, LOG_EVENT };

/* Where things are on the screen, recomputed by draw_layout(). */
struct app_layout {
	int rows, cols;
	int grid_y, grid_h;		/* first instance row, rows shown */
	int cell_w;			/* 2 or 3 columns per slot */
	int slots_x;			/* column of the first slot shown */
	int nslots;			/* slots shown: 32, fewer when narrow */
	int name_w, proto_w, conn_w;
	int name_head;			/* a longer name keeps its first
					 * name_head bytes, an ellipsis and its
					 * end (draw_name_cut) */
	int cap_w;			/* the capacity column, 0 = none */
	int legend_y;
	int pane_y, pane_h;		/* detail + log boxes */
	int detail_w;			/* log starts at detail_w */
	int cmd_y;
};

struct app {
	struct fleet *fleet;
	struct tui_opts opts;
	struct cmd_ctx ctx;

	int color;			/* 0: NO_COLOR, --colors none or a
					 * monochrome terminal */
	int light;			/* the light background's palette */
	int utf8;			/* the locale's charset is UTF-8 */
	int quit;
	int dirty;			/* redraw everything */
	/* What the last frame showed, to draw only when something visible
	 * changed (tui.c: seen_change): the fleet's gen, and the selected
	 * instance's refresh (its pane shows the time and "refreshing"). */
	unsigned long drawn_gen;
	size_t drawn_inst;
	double drawn_refresh;
	int drawn_refreshing;
	unsigned long frames;		/* frames drawn */
	int frames_fd;			/* SLOTSCOPE_TUI_FRAMES's file, or -1 */
	double draw_ns;			/* CPU the frames took (with it) */
	int64_t key_at;			/* a key read, not yet drawn: when */
	unsigned long keys_drawn;	/* keys read and then drawn */
	double key_ns;			/* from reading them to their frame */
	int help;			/* help overlay shown */
	int help_top;			/* its first row shown (scrolled) */
	int help_rows;			/* rows it shows (draw_help sets) */
	enum app_focus focus;

	size_t sel_inst;		/* selection in the grid (fleet index) */
	int sel_slot;
	size_t top;			/* first row shown (index into vis) */
	int left;			/* first slot shown (scrolled right) */
	int expand;			/* 'x': the selected instance shows a
					 * child row per bridge's bus */

	/* the rows: instances that pass the filter, in fleet order (rows.c) */
	char filter[128];		/* "/TEXT" typed on the line; "" all */
	size_t *vis, nvis, vis_cap;
	unsigned char *vhead;		/* vhead[v]: a header line (its host
					 * or connection) comes before row v;
					 * only when the fleet has other
					 * sources than local monitors */

	/* the names' cut for name_w (draw.c), kept while fleet->n and
	 * name_w stay the same */
	size_t cut_n, need_n;
	size_t maxname, maxname_n;	/* the longest name; for how many
					 * instances + 1 (0: not yet) */
	int cut_w, cut_head;
	int need_lo, need_w;		/* the narrowest distinct width */

	struct app_log_line log[APP_LOG_MAX];
	size_t log_start, log_n;	/* ring buffer */
	size_t log_scroll;		/* lines scrolled back from the end */
	size_t log_total;		/* lines ever logged */

	double next_refresh;

	struct app_layout lay;
	WINDOW *cmdwin;			/* the readline line */

	/* readline's input queue: bytes fed one at a time (line.c) */
	unsigned char linebuf[APP_LINEBUF];
	size_t line_head, line_len;
	char history[4096];		/* history file, "" = none */
	size_t ev_inst;			/* last slot-change line, for chaining */
	int ev_slot, ev_to;
	char **compl;			/* cmd_complete()'s words being offered */
	size_t compl_i;			/* the next one to look at */
	FILE *line_null;		/* readline's output: /dev/null */
	struct cmd_job *job;		/* the command running in the
					 * background, or NULL */
	size_t job_log;			/* its "running" line in the log */
	int64_t job_drawn_ms;		/* elapsed time last shown */
	struct cmd_job *rec;		/* recording what refreshes reported
					 * (recjob.c), or NULL */
};

/* tui.c */
void app_log(struct app *a, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void app_run_line(struct app *a, const char *line);

/* job.c: a command that waits runs in the background. */
/* Start line as a job when it is one that waits (or say why not); 1 when
 * it was taken care of, 0 when it is an ordinary command. */
int app_job_wanted(struct app *a, const char *line, size_t n);
void app_job_cancel(struct app *a);
/* The job's fd for poll (-1: none); lowers *timeout_ms so that its
 * elapsed time moves. */
int app_job_fd(const struct app *a, int *timeout_ms);
/* After every poll: read the job, show its time, log its end. */
void app_job_step(struct app *a);
/* recjob.c: what refreshes report is recorded in the background. */
/* Refresh instance i (or all, (size_t)-1) but those whose monitor a job
 * holds. */
void app_refresh(struct app *a, size_t i, double now);
/* After fleet_step: start a record job when reports wait and none runs. */
void app_rec_start(struct app *a);
int app_rec_fd(const struct app *a);	/* -1: none */
void app_rec_step(struct app *a);
double app_now(void);

/* draw.c, drawgrid.c (draw.h: what the draw*.c files share) */
void draw_init_colors(struct app *a);
void draw_layout(struct app *a);
void draw_all(struct app *a);
/* Map a screen position to an instance/slot; 0 when it is on a cell, 1 on
 * an instance name (slot unchanged), -1 elsewhere. */
int draw_hit(const struct app *a, int y, int x, size_t *inst, int *slot);
/* What Enter on the selected slot puts on the command line. */
void draw_suggest(const struct app *a, char *buf, size_t len);

/* lang.c: the command language (core/cmd.h) */
/* *inst: the fleet index of the instance the line named, or -1. */
enum cmd_action lang_run(struct app *a, const char *line, size_t n,
    long *inst);
char **lang_complete(struct app *a, const char *line, size_t point);
void lang_complete_free(char **v);
size_t lang_names(const char **out, size_t max);
const char *lang_help(const char *name);

/* rows.c: which instances the grid shows */
/* Recompute a->vis from the filter and the fleet; keeps the selection on
 * a shown row when there is one. */
void rows_update(struct app *a);
/* The row of fleet index inst, or (size_t)-1 when it is filtered out. */
size_t rows_pos(const struct app *a, size_t inst);
/* The header line before row v ("host h1  ssh://h1", "libvirt node1",
 * "local"), when vhead[v]. */
void rows_header(const struct app *a, size_t v, char *buf, size_t sz);
/* Header lines among rows [from, to). */
size_t rows_headers(const struct app *a, size_t from, size_t to);
/* The hosts that have not answered (no rows, their instances unknown:
 * connecting, or unreachable): each has a header line of its own after
 * the rows, also under a filter (whether their instances match is not
 * known). */
size_t rows_lost_hosts(const struct app *a);
/* Host h's own line when it is such a host ("host h2  ssh://h2
 * connecting, instances unknown"): 1, else 0 (nothing written). */
int rows_lost_host(const struct app *a, size_t h, char *buf, size_t sz);
/* "/TEXT" from the line: filter by TEXT ("" shows every row). */
void rows_set_filter(struct app *a, const char *text, size_t len);
void rows_free(struct app *a);

/* keys.c: one key read by curses (KEY_* or a byte) */
void keys_press(struct app *a, int key);

/* line.c: the command line (GNU readline) */
int line_setup(struct app *a, struct err *e);
void line_teardown(struct app *a);
void line_feed(struct app *a, int byte);
void line_draw(struct app *a);
void line_set(struct app *a, const char *text);
int line_empty(void);
void line_key(struct app *a, int key);	/* curses KEY_* on the line */

#endif
