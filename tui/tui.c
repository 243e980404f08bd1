/* tui.c - the interactive mode's main loop: one poll() over the keyboard
 * and the fleet's refresh sockets, so that a slow, dead or busy monitor
 * never holds up typing or drawing.  Keys go to the grid or to
 * readline (rl.c) depending on focus; commands run through core/cmd.h; the
 * fleet's slot changes become lines in the event log.
 *
 * Besides rl.c's readline pointer, the only global is `stop_sig`, set by
 * the SIGTERM/SIGHUP handler (a handler has no other way to talk to us).
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "app.h"
#include "fleet/unplug.h"


static volatile sig_atomic_t stop_sig;	/* see the header comment */

static void
on_stop(int sig)
{
	stop_sig = sig;
}

void
tui_opts_init(struct tui_opts *o)
{
	memset(o, 0, sizeof *o);
	o->interval = 2.0;
}

double
app_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static struct app_log_line *
log_push(struct app *a)
{
	struct app_log_line *l;

	if (a->log_n == APP_LOG_MAX) {
		a->log_start = (a->log_start + 1) % APP_LOG_MAX;
		a->log_n--;
	}
	l = &a->log[(a->log_start + a->log_n) % APP_LOG_MAX];
	a->log_n++;
	if (a->log_scroll > 0 && a->log_scroll < a->log_n)
		a->log_scroll++;	/* keep a scrolled-back view still */
	return l;
}

/* One log line per line of text; tabs become spaces, other control
 * characters are dropped so that nothing confuses curses. */
void
app_log(struct app *a, int kind, const char *fmt, ...)
{
	char buf[4096];
	const char *p, *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (p = buf; ; p = nl + 1) {
		struct app_log_line *l;
		size_t n, k, o = 0;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n == 0 && nl == NULL && p != buf)
			break;		/* text ended with a newline */
		l = log_push(a);
		l->kind = kind;
		for (k = 0; k < n && o + 1 < sizeof l->text; k++) {
			unsigned char c = (unsigned char)p[k];

			if (c == '\t')
				c = ' ';
			if (c < 0x20 || c == 0x7f)
				continue;
			l->text[o++] = (char)c;
		}
		l->text[o] = '\0';
		if (nl == NULL)
			break;
	}
	a->dirty = 1;
}

/* "web1 slot 7 (ID): used -> unplugging -> free": a change that continues the
 * previous event line of the same slot extends it. */
static void
log_changes(struct app *a)
{
	struct fleet_change *ch = NULL;
	size_t n = fleet_take_changes(a->fleet, &ch), k;
	static const char *utf_arrow = " \xe2\x86\x92 ";
	const char *arrow = a->utf8 ? utf_arrow : " -> ";

	for (k = 0; k < n; k++) {
		const struct fleet_change *c = &ch[k];
		const char *name = c->inst < a->fleet->n ?
		    a->fleet->inst[c->inst].name : "?";
		struct app_log_line *last = a->log_n ? &a->log[(a->log_start +
		    a->log_n - 1) % APP_LOG_MAX] : NULL;

		if (last != NULL && last->kind == LOG_EVENT &&
		    a->ev_inst == c->inst && a->ev_slot == c->slot &&
		    a->ev_to == (int)c->from) {
			size_t len = strlen(last->text);

			snprintf(last->text + len, sizeof last->text - len,
			    "%s%s", arrow, slot_state_name(c->to));
		} else
			app_log(a, LOG_EVENT, "%s slot %d%s%s%s: %s%s%s", name,
			    c->slot, c->id[0] ? " (" : "", c->id,
			    c->id[0] ? ")" : "", slot_state_name(c->from),
			    arrow, slot_state_name(c->to));
		a->ev_inst = c->inst;
		a->ev_slot = c->slot;
		a->ev_to = (int)c->to;
		a->dirty = 1;
	}
	free(ch);
}

static int
word_is(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && strncmp(p, w, n) == 0;
}

/* A line from readline.  `quit` and `refresh` are the TUI's own: refresh
 * starts the non-blocking refresh instead of waiting for it; everything
 * else is the command language. */
void
app_run_line(struct app *a, const char *line)
{
	const char *p = line, *w, *arg;
	size_t n, alen;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	a->log_scroll = 0;
	app_log(a, LOG_CMD, "> %.*s", (int)n, p);
	for (w = p; w < p + n && *w != ' ' && *w != '\t'; w++)
		;
	for (arg = w; arg < p + n && (*arg == ' ' || *arg == '\t'); arg++)
		;
	alen = (size_t)(p + n - arg);
	if (word_is(p, (size_t)(w - p), "quit") ||
	    word_is(p, (size_t)(w - p), "exit")) {
		a->quit = 1;
		return;
	}
	if (word_is(p, (size_t)(w - p), "refresh") &&
	    memchr(arg, ' ', alen) == NULL) {
		struct err e;
		char name[128];
		long i = -1;

		if (alen > 0) {
			snprintf(name, sizeof name, "%.*s", (int)alen, arg);
			i = fleet_find(a->fleet, name, &e);
			if (i < 0) {
				app_log(a, LOG_ERR, "%s", e.msg);
				return;
			}
		}
		fleet_refresh_start(a->fleet, (size_t)i, app_now());
		app_log(a, LOG_INFO, "refreshing %s", alen ? name : "all");
		return;
	}
	lang_run(a, p, n);
	/* show the effect at once rather than at the next tick: refresh the
	 * instance the command named (its second word), else all */
	{
		char name[128];
		size_t k = 0;
		long i;

		while (k < alen && arg[k] != ' ' && arg[k] != '\t')
			k++;
		snprintf(name, sizeof name, "%.*s", (int)k, arg);
		i = k > 0 ? fleet_find(a->fleet, name, NULL) : -1;
		fleet_refresh_start(a->fleet, i >= 0 ? (size_t)i : (size_t)-1,
		    app_now());
	}
}

static void
move_sel(struct app *a, int dinst, int dslot)
{
	long i = (long)a->sel_inst + dinst;
	int s = a->sel_slot + dslot;

	if (a->fleet->n == 0)
		return;
	if (i < 0)
		i = 0;
	if (i >= (long)a->fleet->n)
		i = (long)a->fleet->n - 1;
	if (s < 0)
		s = 0;
	if (s > 31)
		s = 31;
	a->sel_inst = (size_t)i;
	a->sel_slot = s;
	a->dirty = 1;
}

static void
set_focus(struct app *a, enum app_focus f)
{
	a->focus = f;
	a->dirty = 1;
}

static void
on_mouse(struct app *a)
{
	MEVENT ev;
	size_t i;
	int s = a->sel_slot, r;

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
	r = draw_hit(a, ev.y, ev.x, &i, &s);
	if (r < 0)
		return;
	a->sel_inst = i;
	a->sel_slot = s;
	set_focus(a, FOCUS_GRID);
}

static void
log_scroll(struct app *a, int up)
{
	size_t page = a->lay.pane_h > 3 ? (size_t)a->lay.pane_h - 3 : 1;

	if (up)
		a->log_scroll += page;
	else
		a->log_scroll = a->log_scroll > page ? a->log_scroll - page : 0;
	a->dirty = 1;			/* draw_log clamps the top */
}

/* Keys that mean the same in both focuses; 1 when handled. */
static int
common_key(struct app *a, int k)
{
	switch (k) {
	case KEY_RESIZE:
		a->dirty = 1;
		return 1;
	case KEY_MOUSE:
		on_mouse(a);
		return 1;
	case KEY_F(1):
		a->help = 1;
		a->help_top = 0;
		a->dirty = 1;
		return 1;
	case KEY_F(10):
		a->quit = 1;
		return 1;
	case KEY_BTAB:
		set_focus(a, a->focus == FOCUS_GRID ? FOCUS_CMD : FOCUS_GRID);
		return 1;
	case KEY_PPAGE:
		log_scroll(a, 1);
		return 1;
	case KEY_NPAGE:
		log_scroll(a, 0);
		return 1;
	case 12:			/* Ctrl-L */
		clearok(curscr, TRUE);
		a->dirty = 1;
		return 1;
	}
	return 0;
}

static void
grid_key(struct app *a, int k)
{
	char buf[256];

	switch (k) {
	case KEY_UP: case 'k': move_sel(a, -1, 0); break;
	case KEY_DOWN: case 'j': move_sel(a, 1, 0); break;
	case KEY_LEFT: case 'h': move_sel(a, 0, -1); break;
	case KEY_RIGHT: case 'l': move_sel(a, 0, 1); break;
	case KEY_HOME: case 'g': move_sel(a, -(int)a->fleet->n, 0); break;
	case KEY_END: case 'G': move_sel(a, (int)a->fleet->n, 0); break;
	case '0': move_sel(a, 0, -32); break;
	case '$': move_sel(a, 0, 32); break;
	case '?':
		a->help = 1;
		a->help_top = 0;
		a->dirty = 1;
		break;
	case 'q': case 3:		/* q or Ctrl-C */
		a->quit = 1;
		break;
	case 'r':
		fleet_refresh_start(a->fleet, (size_t)-1, app_now());
		app_log(a, LOG_INFO, "refreshing all");
		break;
	case '\t': case ':':
		set_focus(a, FOCUS_CMD);
		break;
	case '\n': case '\r': case KEY_ENTER:
		draw_suggest(a, buf, sizeof buf);
		set_focus(a, FOCUS_CMD);
		rl_set_line(a, buf);
		break;
	default:
		break;
	}
}

static void
cmd_key(struct app *a, int k)
{
	if (k == '\t' && rl_line_empty()) {
		set_focus(a, FOCUS_GRID);
		return;
	}
	if (k == 3 || k == 27) {	/* Ctrl-C / Esc: drop the line */
		if (rl_line_empty() && k == 3)
			a->quit = 1;
		else if (rl_line_empty())
			set_focus(a, FOCUS_GRID);
		else
			rl_set_line(a, "");
		return;
	}
	if (k >= KEY_MIN)
		rl_key(a, k);
	else if (k >= 0 && k < 256)
		rl_feed(a, k);
}

/* Keys that scroll the help overlay (draw_help clamps); 1 when handled. */
static int
help_key(struct app *a, int k)
{
	int page = a->help_rows > 1 ? a->help_rows - 1 : 1;

	switch (k) {
	case KEY_UP: case 'k': a->help_top--; break;
	case KEY_DOWN: case 'j': a->help_top++; break;
	case KEY_PPAGE: a->help_top -= page; break;
	case KEY_NPAGE: case ' ': a->help_top += page; break;
	case KEY_HOME: a->help_top = 0; break;
	case KEY_END: a->help_top = 1 << 20; break;
	default: return 0;
	}
	a->dirty = 1;
	return 1;
}

static void
on_key(struct app *a, int k)
{
	if (a->help && help_key(a, k))
		return;
	if (a->help && k != KEY_RESIZE && k != KEY_MOUSE) {
		a->help = 0;		/* any other key closes the help */
		a->dirty = 1;
		if (k != KEY_F(10))
			return;
	}
	if (common_key(a, k))
		return;
	if (a->focus == FOCUS_GRID)
		grid_key(a, k);
	else
		cmd_key(a, k);
}

static int
screen_init(struct app *a, struct err *e)
{
	const char *nc = getenv("NO_COLOR");

	if (newterm(NULL, stdout, stdin) == NULL)
		return err_set(e, "cannot use terminal type \"%s\": set TERM "
		    "to your terminal's type", getenv("TERM") ? getenv("TERM") :
		    "");
	raw();			/* Ctrl-C, Ctrl-Z reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	a->color = has_colors() && !(nc != NULL && *nc != '\0');
	draw_init_colors(a);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	a->cmdwin = newwin(1, COLS, LINES - 1, 0);
	if (a->cmdwin == NULL) {
		endwin();
		return err_set(e, "the terminal is too small");
	}
	return 0;
}

static void
loop(struct app *a)
{
	struct pollfd *pfd = NULL;
	size_t nf, cap = 0, need;
	int timeout, k;
	double now;

	while (!a->quit && !stop_sig) {
		now = app_now();
		if (now >= a->next_refresh) {
			fleet_refresh_start(a->fleet, (size_t)-1, now);
			a->next_refresh = now + a->opts.interval;
		}
		log_changes(a);
		if (a->dirty) {
			a->dirty = 0;
			draw_all(a);
		}
		timeout = (int)((a->next_refresh - now) * 1000) + 1;
		if (timeout < 0)
			timeout = 0;
		/* room for the keyboard and every refresh under way */
		need = 1 + fleet_npending(a->fleet);
		if (need > cap) {
			struct pollfd *np = realloc(pfd, need * sizeof *pfd);

			if (np == NULL)
				break;
			pfd = np;
			cap = need;
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		nf = fleet_pollfds(a->fleet, pfd + 1, cap - 1, &timeout);
		if (poll(pfd, 1 + nf, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			a->quit = 1;	/* the terminal went away */
		now = app_now();
		fleet_step(a->fleet, pfd + 1, nf, now);
		unplug_record_reported(a->fleet);
		a->dirty = 1;	/* refreshes may have changed anything */
		/* keys: also after EINTR, which is how a resize arrives */
		while (!a->quit && (k = getch()) != ERR)
			on_key(a, k);
	}
	free(pfd);
}

int
tui_run(struct fleet *f, const struct tui_opts *o, struct err *e)
{
	struct app *a;
	struct sigaction sa, old_term, old_hup;
	int rc = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return err_set(e, "the interactive screen needs a terminal; "
		    "use -c COMMAND for batch mode");
	a = calloc(1, sizeof *a);
	if (a == NULL)
		return err_set(e, "out of memory");
	a->fleet = f;
	a->opts = *o;
	if (a->opts.interval <= 0)
		a->opts.interval = 2.0;
	a->ctx.fleet = f;
	a->ctx.audit_log = o->audit_log;
	a->ctx.unplug_wait_ms = 0;	/* refreshes complete unplugs */
	a->focus = FOCUS_CMD;
	a->ev_inst = (size_t)-1;
	a->dirty = 1;
	setlocale(LC_ALL, "");
	a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (rl_setup(a, e) != 0) {	/* before curses: see rl.c */
		free(a);
		return -1;
	}
	if (screen_init(a, e) != 0) {
		rl_teardown(a);
		free(a);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	stop_sig = 0;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	signal(SIGPIPE, SIG_IGN);	/* a monitor that hangs up is an error,
					 * not the end of slotscope */
	app_log(a, LOG_INFO, "%zu instance%s; Tab switches to the grid, "
	    "F1 or ? for help", f->n, f->n == 1 ? "" : "s");
	loop(a);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	delwin(a->cmdwin);
	endwin();
	rl_teardown(a);
	free(a);
	return rc;
}
