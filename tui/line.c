/* SPDX-License-Identifier: GPL-3.0-or-later */
/* line.c - the command line: GNU readline inside the curses screen,
 * through readline's callback interface (the way gdb's TUI does it).
 *
 * Readline never touches the terminal here: it gets its bytes from a queue
 * the main loop fills (rl_getc_function), its output stream is /dev/null,
 * it neither preps the terminal nor catches signals, and the line is drawn
 * by line_draw() into a curses window (rl_redisplay_function).  Completion
 * comes from the command language (lang.c); lists of candidates go to the
 * event log.
 *
 * Readline's callbacks take no user argument, so the one piece of global
 * state in tui/ is `cur`, the struct app they work on.  Our names stay
 * out of readline's rl_ namespace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "app.h"
#include "store/store.h"

#define PROMPT "slotscope> "
#define HISTORY_MAX 1000

static struct app *cur;		/* forced by readline's callback API */

static int
getc_cb(FILE *f)
{
	struct app *a = cur;
	int c;

	(void)f;
	if (a->line_len == 0)
		return '\n';	/* never reached: we feed only queued bytes */
	c = a->linebuf[a->line_head];
	a->line_head = (a->line_head + 1) % APP_LINEBUF;
	a->line_len--;
	return c;
}

static int
avail_cb(void)
{
	return cur->line_len > 0;
}

static void
redisplay_cb(void)
{
	line_draw(cur);
}

static void
line_cb(char *line)
{
	struct app *a = cur;

	if (line == NULL) {		/* Ctrl-D on an empty line */
		a->quit = 1;
		return;
	}
	if (*line != '\0') {
		add_history(line);
		if (a->history[0] && append_history(1, a->history) != 0)
			a->history[0] = '\0';	/* stop trying; not fatal */
	}
	app_run_line(a, line);
	free(line);
}

static char *
gen_cb(const char *text, int state)
{
	struct app *a = cur;
	char **v = a->compl;
	size_t n = strlen(text);

	if (state == 0)
		a->compl_i = 0;
	for (; v != NULL && v[a->compl_i] != NULL; a->compl_i++)
		if (strncmp(v[a->compl_i], text, n) == 0)
			return strdup(v[a->compl_i++]);
	return NULL;
}

static char **
complete_cb(const char *text, int start, int end)
{
	struct app *a = cur;
	char **m;

	(void)start;
	(void)end;
	rl_attempted_completion_over = 1;	/* never complete file names */
	lang_complete_free(a->compl);
	a->compl = lang_complete(a, rl_line_buffer, (size_t)rl_point);
	m = rl_completion_matches(text, gen_cb);
	lang_complete_free(a->compl);
	a->compl = NULL;
	/* "key=" wants its value right after the '=' */
	if (m != NULL && m[1] == NULL && *m[0] != '\0' &&
	    m[0][strlen(m[0]) - 1] == '=')
		rl_completion_suppress_append = 1;
	return m;
}

static void
matches_cb(char **matches, int num, int maxlen)
{
	char buf[APP_LOG_LINE];
	size_t len = 0;
	int i;

	(void)maxlen;
	buf[0] = '\0';
	for (i = 1; i <= num && len + 2 < sizeof buf; i++) {
		int w = snprintf(buf + len, sizeof buf - len, "%s%s",
		    i > 1 ? "  " : "", matches[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len >= sizeof buf)
		len = sizeof buf - 1;
	app_log(cur, LOG_INFO, "%d completions: %s", num, buf);
}

/* mkdir -p for the directory part of path. */
static int
mkdirs_for(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* The history: the one main.c gives (history in a state dir given with
 * --state-dir or the config's state-dir); else
 * $XDG_STATE_HOME/slotscope/history when XDG_STATE_HOME is set (an
 * explicit choice, also root's); else in the default state dir
 * (store_default_dir): ~/.local/state/slotscope, and for root
 * /var/lib/slotscope, where all its other durable state is. */
static void
history_path(struct app *a)
{
	const char *x = getenv("XDG_STATE_HOME");
	char dir[4096];

	a->history[0] = '\0';
	if (a->opts.history_file != NULL)
		snprintf(a->history, sizeof a->history, "%s",
		    a->opts.history_file);
	else if (x != NULL && *x == '/')
		snprintf(a->history, sizeof a->history,
		    "%s/slotscope/history", x);
	else if (store_default_dir(dir, sizeof dir, NULL) == 0) {
		int k = snprintf(a->history, sizeof a->history, "%s/history",
		    dir);

		if (k < 0 || (size_t)k >= sizeof a->history)
			a->history[0] = '\0';	/* too long: no history */
	}
	if (a->history[0] && mkdirs_for(a->history) != 0)
		a->history[0] = '\0';
}

/* Called before initscr(): readline's terminal set-up (tgetent) must not
 * run after curses has set up its own terminal. */
int
line_setup(struct app *a, struct err *e)
{
	static char brk[] = " \t";

	cur = a;
	a->line_null = fopen("/dev/null", "w");
	if (a->line_null == NULL)
		return err_set(e, "cannot open /dev/null: %s", strerror(errno));
	rl_readline_name = "slotscope";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;	/* keep LINES/COLUMNS out of curses' way */
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_outstream = a->line_null;
	rl_instream = stdin;
	rl_getc_function = getc_cb;
	rl_input_available_hook = avail_cb;
	rl_redisplay_function = redisplay_cb;
	rl_initialize();
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("enable-bracketed-paste", "off");
	rl_variable_bind("show-all-if-ambiguous", "on");
	rl_attempted_completion_function = complete_cb;
	rl_completion_display_matches_hook = matches_cb;
	rl_completer_word_break_characters = brk;
	rl_basic_word_break_characters = brk;
	history_path(a);
	using_history();
	stifle_history(HISTORY_MAX);
	/* a missing file is fine: create it, since append_history() only
	 * appends to an existing one */
	if (a->history[0] && read_history(a->history) != 0 &&
	    write_history(a->history) != 0)
		a->history[0] = '\0';
	rl_callback_handler_install(PROMPT, line_cb);
	return 0;
}

void
line_teardown(struct app *a)
{
	rl_callback_handler_remove();
	if (a->history[0])
		history_truncate_file(a->history, HISTORY_MAX);
	clear_history();
	lang_complete_free(a->compl);
	a->compl = NULL;
	if (a->line_null != NULL)
		fclose(a->line_null);
	a->line_null = NULL;
	rl_outstream = NULL;
	cur = NULL;
}

/* Hand one byte to readline. */
void
line_feed(struct app *a, int byte)
{
	if (a->line_len == APP_LINEBUF)
		return;
	/* a line longer than any command is dropped key by key: a huge
	 * paste costs a comparison per byte */
	if (rl_end >= APP_LINE_MAX && byte >= 0x20 && byte != 0x7f)
		return;
	a->linebuf[(a->line_head + a->line_len) % APP_LINEBUF] = (unsigned char)byte;
	a->line_len++;
	while (a->line_len > 0 && !a->quit)
		rl_callback_read_char();
}

/* Curses function keys become readline commands directly, so nothing
 * depends on which escape sequences readline bound. */
void
line_key(struct app *a, int key)
{
	switch (key) {
	case KEY_LEFT: rl_backward_char(1, 0); break;
	case KEY_RIGHT: rl_forward_char(1, 0); break;
	case KEY_UP: rl_get_previous_history(1, 0); break;
	case KEY_DOWN: rl_get_next_history(1, 0); break;
	case KEY_HOME: rl_beg_of_line(1, 0); break;
	case KEY_END: rl_end_of_line(1, 0); break;
	case KEY_DC: rl_delete(1, 0); break;
	case KEY_BACKSPACE: line_feed(a, 127); return;
	case KEY_ENTER: line_feed(a, '\r'); return;
	default: return;
	}
	line_draw(a);
}

void
line_set(struct app *a, const char *text)
{
	rl_replace_line(text, 0);
	rl_point = rl_end;
	line_draw(a);
}

int
line_empty(void)
{
	return rl_end == 0;
}

/* Draw prompt + line in the command window, scrolled so that the cursor
 * shows, and leave the terminal cursor there when the line has focus. */
void
line_draw(struct app *a)
{
	WINDOW *w = a->cmdwin;
	const char *prompt = rl_display_prompt ? rl_display_prompt : PROMPT;
	int width, plen, avail, off = 0, cx;

	if (w == NULL)
		return;
	width = getmaxx(w);
	plen = (int)strlen(prompt);
	avail = width - plen - 1;
	if (avail < 4) {
		plen = 0;
		avail = width - 1;
	}
	if (rl_point > avail)
		off = rl_point - avail;
	werase(w);
	if (plen > 0) {
		if (a->focus == FOCUS_CMD)
			wattron(w, A_BOLD);
		else
			wattron(w, A_DIM);
		mvwaddstr(w, 0, 0, prompt);
		wattroff(w, A_BOLD | A_DIM);
	}
	mvwaddnstr(w, 0, plen, rl_line_buffer + off,
	    rl_end - off < avail ? rl_end - off : avail);
	cx = plen + rl_point - off;
	wmove(w, 0, cx);
	wnoutrefresh(w);
	if (a->focus == FOCUS_CMD && !a->help) {
		curs_set(1);
		doupdate();
	} else {
		curs_set(0);
		doupdate();
	}
}
