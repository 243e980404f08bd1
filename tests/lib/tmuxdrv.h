/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tmuxdrv.h - drive a real terminal program in a detached tmux session for
 * the end-to-end TUI tests: start it at a fixed size, type, read the screen,
 * wait for a text with a deadline, resize, kill.
 *
 * Each session runs on its own tmux server socket (tmux -L NAME, the name
 * made from the pid and a counter) with no user config, so parallel test
 * runs never see each other.  Strings returned are malloc'd; free() them.
 * Every timeout_ms is scaled by the tests' one knob (tu_ms, testutil.h):
 * a wait for a screen lasts longer under ASan or on a loaded machine.
 * Also the registry of what a failed test left (struct tmx_reg).
 */
#ifndef SLOTSCOPE_TMUXDRV_H
#define SLOTSCOPE_TMUXDRV_H

struct tmx {
	char sock[64];		/* tmux -L name */
	int up;
};

/* Start `cmd` (a shell command) in a w x h pane.  0 or -1. */
int tmx_start(struct tmx *t, int w, int h, const char *cmd);
/* Kill the session and its server; safe to call twice. */
void tmx_kill(struct tmx *t);

/* Type text literally (no key names). */
void tmx_type(struct tmx *t, const char *text);
/* Send tmux key names, e.g. "Enter", "Tab", "Down", "F1", "C-c". */
void tmx_keys(struct tmx *t, const char *keys);
void tmx_resize(struct tmx *t, int w, int h);
/* 1 once the program in the pane has exited. */
int tmx_dead(struct tmx *t);
/* Poll until the program has exited (1) or timeout_ms passes (0). */
int tmx_wait_dead(struct tmx *t, int timeout_ms);

/* What the pane shows now (rows joined by '\n'); with_escapes adds SGR
 * escape sequences (colours, attributes). */
char *tmx_screen(struct tmx *t, int with_escapes);
/* Poll the screen until it contains text (1) or timeout_ms passes (0).
 * The last screen is left in *last (may be NULL) for failure messages. */
int tmx_wait_for(struct tmx *t, const char *text, int timeout_ms,
    char **last);
/* Poll until the row whose first word is `name` shows `want` as its
 * 32 slot letters from slot `first` on (e.g. "BBBB" at 0).  1 or 0. */
int tmx_wait_cells(struct tmx *t, const char *name, int first,
    const char *want, int timeout_ms, char **last);
/* The 32 slot letters of the row whose first word is name, into out[33]
 * (the brackets around a selected cell do not count); 0, or -1 when there
 * is no such row. */
int tmx_row_cells(const char *screen, const char *name, char out[33]);
/* The row (malloc'd) whose first word is name, or NULL. */
char *tmx_row(const char *screen, const char *name);

/* tmx_wait_for / tmx_wait_cells for a check: 1 when seen in time, else
 * 0 after printing the last screen to stderr (so that the check's
 * failure message can say "printed above"). */
int tmx_expect(struct tmx *t, const char *text, int timeout_ms);
int tmx_expect_cells(struct tmx *t, const char *name, int first,
    const char *want, int timeout_ms);

/* What a test left behind.  A failing check ends the test's process at
 * once (Check's fork mode), so its own clean-up does not run: each test
 * writes its temp dirs, tmux sockets and helper pids into the suite's
 * registry file, and the suite's unchecked fixture undoes them after each
 * test case.  tmx_reg_init names the file after tag and the runner's pid
 * under $TMPDIR (call it where the suite is made, so the tests inherit
 * it); tmx_reg_cleanup kills the tmux servers, sends sig to the pids,
 * removes the dirs and then the file. */
struct tmx_reg {
	char path[4096];
};
void tmx_reg_init(struct tmx_reg *r, const char *tag);
/* what: "tmux", "pid" or "dir".  0, or -1 when the file could not be
 * written. */
int tmx_reg_add(const struct tmx_reg *r, const char *what,
    const char *value);
void tmx_reg_pid(const struct tmx_reg *r, long pid);
void tmx_reg_cleanup(const struct tmx_reg *r, int sig);

#endif
