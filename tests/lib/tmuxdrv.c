/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tmuxdrv.c - see tmuxdrv.h. */
#include "tmuxdrv.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static int
sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int
sh(char **out, const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

/* Single-quote s for sh into a malloc'd string. */
static char *
quote(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *q = malloc(4 * n + 3);

	if (q == NULL)
		abort();
	q[o++] = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(q + o, "'\\''", 4);
			o += 4;
		} else
			q[o++] = *s;
	}
	q[o++] = '\'';
	q[o] = '\0';
	return q;
}

int
tmx_start(struct tmx *t, int w, int h, const char *cmd)
{
	static int seq;
	char *q = quote(cmd);
	int rc;

	snprintf(t->sock, sizeof t->sock, "slotscope-e2e-%ld-%d",
	    (long)getpid(), seq++);
	rc = sh(NULL, "tmux -L %s -f /dev/null new-session -d -s e2e "
	    "-x %d -y %d %s", t->sock, w, h, q);
	free(q);
	t->up = rc == 0;
	if (t->up)	/* keep the pane's last screen if the program dies */
		sh(NULL, "tmux -L %s set-option -g remain-on-exit on", t->sock);
	return rc == 0 ? 0 : -1;
}

void
tmx_kill(struct tmx *t)
{
	const char *td = getenv("TMUX_TMPDIR");
	char path[4096];

	if (!t->up)
		return;
	sh(NULL, "tmux -L %s kill-server", t->sock);
	/* the server does not always remove its socket file */
	snprintf(path, sizeof path, "%s/tmux-%ld/%s", td && *td ? td : "/tmp",
	    (long)getuid(), t->sock);
	unlink(path);
	t->up = 0;
}

void
tmx_type(struct tmx *t, const char *text)
{
	char *q = quote(text);

	sh(NULL, "tmux -L %s send-keys -t e2e -l %s", t->sock, q);
	free(q);
}

void
tmx_keys(struct tmx *t, const char *keys)
{
	sh(NULL, "tmux -L %s send-keys -t e2e %s", t->sock, keys);
}

void
tmx_resize(struct tmx *t, int w, int h)
{
	sh(NULL, "tmux -L %s resize-window -t e2e -x %d -y %d", t->sock, w,
	    h);
}

int
tmx_dead(struct tmx *t)
{
	char *out = NULL;
	int dead;

	if (sh(&out, "tmux -L %s display-message -p -t e2e '#{pane_dead}'",
	    t->sock) != 0) {
		free(out);
		return 1;
	}
	dead = out[0] == '1';
	free(out);
	return dead;
}

static void nap(void);

int
tmx_wait_dead(struct tmx *t, int timeout_ms)
{
	long end = tu_ms_now() + tu_ms(timeout_ms);

	while (!tmx_dead(t)) {
		if (tu_ms_now() >= end)
			return 0;
		nap();
	}
	return 1;
}

char *
tmx_screen(struct tmx *t, int with_escapes)
{
	char *out = NULL;

	if (sh(&out, "tmux -L %s capture-pane -t e2e -p %s", t->sock,
	    with_escapes ? "-e" : "") != 0) {
		free(out);
		return strdup("(no screen: tmux capture-pane failed)");
	}
	return out;
}

static void
nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Poll the screen until seen(screen, arg) (1) or timeout_ms passes (0);
 * the last screen goes to *last (or is freed). */
static int
wait_screen(struct tmx *t, int (*seen)(const char *, const void *),
    const void *arg, int timeout_ms, char **last)
{
	long end = tu_ms_now() + tu_ms(timeout_ms);
	char *s = NULL;
	int found = 0;

	for (;;) {
		free(s);
		s = tmx_screen(t, 0);
		if (seen(s, arg)) {
			found = 1;
			break;
		}
		if (tu_ms_now() >= end)
			break;
		nap();
	}
	if (last)
		*last = s;
	else
		free(s);
	return found;
}

static int
has_text(const char *screen, const void *text)
{
	return strstr(screen, text) != NULL;
}

int
tmx_wait_for(struct tmx *t, const char *text, int timeout_ms, char **last)
{
	return wait_screen(t, has_text, text, timeout_ms, last);
}

char *
tmx_row(const char *screen, const char *name)
{
	const char *p = screen;
	size_t n = strlen(name);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > n && strncmp(p, name, n) == 0 && p[n] == ' ')
			return strndup(p, len);
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The slot letters are the last 32 one-character words of the row. */
int
tmx_row_cells(const char *screen, const char *name, char out[33])
{
	char *row = tmx_row(screen, name);
	int k = 32;
	size_t i;

	if (row == NULL)
		return -1;
	/* the selected cell is drawn between brackets */
	for (i = 0; row[i]; i++)
		if (row[i] == '[' || row[i] == ']')
			row[i] = ' ';
	i = strlen(row);
	while (k > 0 && i > 0) {
		while (i > 0 && row[i - 1] == ' ')
			i--;
		if (i == 0)
			break;
		if (i >= 2 && row[i - 2] != ' ')
			break;		/* a longer word: not a cell */
		out[--k] = row[i - 1];
		i--;
	}
	free(row);
	if (k != 0)
		return -1;
	out[32] = '\0';
	return 0;
}

struct cells_want {
	const char *name;
	int first;
	const char *want;
};

static int
has_cells(const char *screen, const void *arg)
{
	const struct cells_want *c = arg;
	char cells[33];

	return tmx_row_cells(screen, c->name, cells) == 0 &&
	    strncmp(cells + c->first, c->want, strlen(c->want)) == 0;
}

int
tmx_wait_cells(struct tmx *t, const char *name, int first, const char *want,
    int timeout_ms, char **last)
{
	struct cells_want c = { name, first, want };

	return wait_screen(t, has_cells, &c, timeout_ms, last);
}

/* The last screen of a wait that failed, for the log above the check's
 * failure message. */
static int
shown(int found, char *last)
{
	if (!found)
		fprintf(stderr, "--- screen:\n%s\n---\n", last);
	free(last);
	return found;
}

int
tmx_expect(struct tmx *t, const char *text, int timeout_ms)
{
	char *last = NULL;
	int found = tmx_wait_for(t, text, timeout_ms, &last);

	return shown(found, last);
}

int
tmx_expect_cells(struct tmx *t, const char *name, int first,
    const char *want, int timeout_ms)
{
	char *last = NULL;
	int found = tmx_wait_cells(t, name, first, want, timeout_ms, &last);

	return shown(found, last);
}

void
tmx_reg_init(struct tmx_reg *r, const char *tag)
{
	const char *td = getenv("TMPDIR");

	snprintf(r->path, sizeof r->path, "%s/slotscope-%s-%ld.registry",
	    td ? td : "/tmp", tag, (long)getpid());
}

int
tmx_reg_add(const struct tmx_reg *r, const char *what, const char *value)
{
	FILE *f = fopen(r->path, "a");
	int rc;

	if (f == NULL)
		return -1;
	rc = fprintf(f, "%s %s\n", what, value) < 0;
	return fclose(f) != 0 || rc ? -1 : 0;
}

void
tmx_reg_pid(const struct tmx_reg *r, long pid)
{
	char p[32];

	snprintf(p, sizeof p, "%ld", pid);
	tmx_reg_add(r, "pid", p);
}

/* One line of the registry: "tmux SOCK", "pid N" or "dir PATH". */
static void
reg_undo(const char *what, const char *v, int sig)
{
	if (strcmp(what, "tmux") == 0) {
		struct tmx t;

		snprintf(t.sock, sizeof t.sock, "%s", v);
		t.up = 1;
		tmx_kill(&t);
	} else if (strcmp(what, "pid") == 0) {
		long pid = strtol(v, NULL, 10);

		if (pid > 1)
			kill((pid_t)pid, sig);
	} else if (strcmp(what, "dir") == 0)
		tu_rmrf(v);
}

void
tmx_reg_cleanup(const struct tmx_reg *r, int sig)
{
	char line[4200];
	FILE *f = fopen(r->path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		char *v = strchr(line, ' ');

		if (v == NULL)
			continue;
		*v++ = '\0';
		v[strcspn(v, "\n")] = '\0';
		reg_undo(line, v, sig);
	}
	fclose(f);
	unlink(r->path);
}
