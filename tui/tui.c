/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tui.c - the interactive mode's main loop: one poll() over the keyboard
 * and the fleet's refresh sockets, so that a slow, dead or busy monitor
 * never holds up typing or drawing.  Keys go to keys.c's table (the grid,
 * or readline's line in line.c, depending on focus); commands run through
 * core/cmd.h; the fleet's slot changes become lines in the event log.
 *
 * Besides line.c's readline pointer, the only global is `stop_sig`, set by
 * the SIGTERM/SIGHUP handler (a handler has no other way to talk to us).
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "base/clock.h"
#include "fleet/fleetagent.h"


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
	o->unplug_wait_ms = TUI_UNPLUG_WAIT_MS;
}

double
app_now(void)
{
	return clock_wall_s();
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
	a->log_total++;
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

/* A line from readline: the command language, whose TUI entries (quit,
 * and refresh, which starts the non-blocking refresh instead of waiting
 * for it) say what to do here. */
void
app_run_line(struct app *a, const char *line)
{
	const char *p = line;
	size_t n;
	long inst;
	enum cmd_action act;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	a->log_scroll = 0;
	app_log(a, LOG_CMD, "> %.*s", (int)n, p);
	if (*p == '/') {		/* no command starts so: a filter */
		rows_set_filter(a, p + 1, n - 1);
		return;
	}
	if (a->job != NULL && n == 6 && memcmp(p, "cancel", 6) == 0) {
		app_job_cancel(a);
		return;
	}
	if (app_job_wanted(a, p, n))
		return;		/* it runs in the background */
	act = lang_run(a, p, n, &inst);
	if (act == CMD_ACT_QUIT)
		a->quit = 1;
	if (act == CMD_ACT_CANCEL)
		return;		/* nothing ran: lang_run said so */
	if (act != CMD_ACT_NONE)
		return;
	/* show the effect at once rather than at the next tick: refresh the
	 * instance the command named, else all */
	app_refresh(a, inst >= 0 ? (size_t)inst : (size_t)-1, app_now());
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
	a->color = has_colors() && !(nc != NULL && *nc != '\0') &&
	    a->opts.colors != TUI_COLORS_NONE;
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

/* Did something the screen shows change since the last frame?  The
 * fleet's gen (any instance's view), and the selected instance's refresh
 * time and state (its pane shows them).  A wakeup where a refresh only
 * read what was there draws nothing. */
static int
seen_change(const struct app *a)
{
	const struct instance *in;

	if (a->fleet->gen != a->drawn_gen)
		return 1;
	if (a->nvis == 0 || a->sel_inst >= a->fleet->n)
		return 0;
	in = &a->fleet->inst[a->sel_inst];
	return a->drawn_inst != a->sel_inst || in->refreshing !=
	    a->drawn_refreshing || in->last_refresh != a->drawn_refresh;
}

/* The monotonic clock, ns. */
static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time of this process, ns. */
static double
cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) < 0)
		return 0;
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
frame(struct app *a)
{
	double t0 = a->frames_fd >= 0 ? cpu_ns() : 0;

	a->dirty = 0;
	draw_all(a);
	a->frames++;
	if (a->frames_fd >= 0) {
		char buf[96];
		int n;

		a->draw_ns += cpu_ns() - t0;
		if (a->key_at > 0) {
			/* a key read to its frame on the terminal */
			a->keys_drawn++;
			a->key_ns += (double)(mono_ns() - a->key_at);
			a->key_at = 0;
		}
		n = snprintf(buf, sizeof buf, "%lu %.0f %lu %.0f\n",
		    a->frames, a->draw_ns, a->keys_drawn, a->key_ns);

		if (pwrite(a->frames_fd, buf, (size_t)n, 0) < 0) {
			close(a->frames_fd);
			a->frames_fd = -1;
		}
	}
	a->drawn_gen = a->fleet->gen;
	a->drawn_inst = a->sel_inst;
	if (a->sel_inst < a->fleet->n) {
		a->drawn_refreshing = a->fleet->inst[a->sel_inst].refreshing;
		a->drawn_refresh = a->fleet->inst[a->sel_inst].last_refresh;
	}
}

static void
loop(struct app *a)
{
	struct pollfd *pfd = NULL;
	size_t nf, cap = 0, need;
	int timeout, k, nk, rc, more = 0;
	double now;

	while (!a->quit && !stop_sig) {
		now = app_now();
		/* every instance but those whose monitor a background job
		 * holds (QEMU serves one client at a time): such a row keeps
		 * its last view meanwhile; while a command only waits for a
		 * lock, its instance is refreshed as any other */
		if (now >= a->next_refresh) {
			app_refresh(a, (size_t)-1, now);
			a->next_refresh = now + a->opts.interval;
		}
		log_changes(a);
		if (a->dirty || seen_change(a))
			frame(a);
		timeout = (int)((a->next_refresh - now) * 1000) + 1;
		if (timeout < 0)
			timeout = 0;
		/* room for the keyboard, the two jobs and every refresh */
		need = 3 + fleet_npending(a->fleet);
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
		pfd[1].fd = app_job_fd(a, &timeout);	/* -1: ignored */
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		pfd[2].fd = app_rec_fd(a);
		pfd[2].events = POLLIN;
		pfd[2].revents = 0;
		nf = fleet_pollfds(a->fleet, pfd + 3, cap - 3, &timeout);
		if (more)
			timeout = 0;	/* keys wait in curses' buffer */
		rc = poll(pfd, 3 + nf, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			a->quit = 1;	/* the terminal went away */
		now = app_now();
		app_job_step(a);
		app_rec_step(a);
		fleet_step(a->fleet, pfd + 3, nf, now);
		app_rec_start(a);	/* what the refreshes reported */
		/* keys: when the terminal has some, and after EINTR, which
		 * is how a resize arrives, or a time-out (a resize signalled
		 * outside poll is then seen within an interval); a wakeup for
		 * a monitor reads no key: that read was most of an idle
		 * screen's CPU.  A bounded number per turn, so that a huge
		 * paste never holds up the refreshes (the rest waits in the
		 * input queue) */
		nk = 0;
		if (more || rc <= 0 || (pfd[0].revents & POLLIN))
			for (; nk < 4096 && !a->quit && (k = getch()) != ERR;
			    nk++) {
				if (a->frames_fd >= 0 && a->key_at == 0)
					a->key_at = mono_ns();
				keys_press(a, k);
			}
		more = nk == 4096;
		if (nk > 0)
			a->dirty = 1;	/* a key: the line or the grid moved */
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
	/* an unplug runs in a background job (job.c): its child waits for
	 * the guest's answer (QMP DEVICE_DELETED or
	 * DEVICE_UNPLUG_GUEST_ERROR) and says why it is not done, while the
	 * screen goes on; one still pending after that is completed by a
	 * refresh */
	a->ctx.unplug_wait_ms = a->opts.unplug_wait_ms;
	a->ctx.interactive = 1;		/* quit; refresh does not wait */
	a->focus = FOCUS_CMD;
	a->ev_inst = (size_t)-1;
	a->dirty = 1;
	{
		/* for the checks and benchmarks that a screen with nothing
		 * new to show draws nothing: "FRAMES DRAW_NS KEYS KEY_NS",
		 * the frames drawn and the CPU they took, the keys drawn and
		 * the time from reading each to its frame written, kept up
		 * to date in this file */
		const char *ff = getenv("SLOTSCOPE_TUI_FRAMES");

		a->frames_fd = ff && ff[0] ? open(ff, O_WRONLY | O_CREAT |
		    O_TRUNC | O_CLOEXEC, 0600) : -1;
	}
	setlocale(LC_ALL, "");
	a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (line_setup(a, e) != 0) {	/* before curses: see line.c */
		free(a);
		return -1;
	}
	if (screen_init(a, e) != 0) {
		line_teardown(a);
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
	if (fleet_nhosts(f) > 0)	/* none has answered yet */
		app_log(a, LOG_INFO, "%zu instance%s and %zu host%s, "
		    "connecting; Tab switches to the grid, F1 or ? for help, "
		    "q quits", f->n, f->n == 1 ? "" : "s", fleet_nhosts(f),
		    fleet_nhosts(f) == 1 ? "" : "s");
	else
		app_log(a, LOG_INFO, "%zu instance%s; Tab switches to the "
		    "grid, F1 or ? for help, q quits", f->n, f->n == 1 ? "" :
		    "s");
	loop(a);
	if (a->frames_fd >= 0)
		close(a->frames_fd);
	cmd_job_free(a->job);	/* a job still running is killed: the
				 * journal has what it was doing */
	cmd_job_free(a->rec);	/* its reports come again next time */
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	delwin(a->cmdwin);
	endwin();
	line_teardown(a);
	rows_free(a);
	free(a);
	return rc;
}
