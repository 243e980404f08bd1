/* lang.c - the one place where the TUI meets the command language
 * (core/cmd.h): running a line, completing a word, listing commands for the
 * help overlay.  The TUI's own commands (quit, and refresh, which here
 * starts the non-blocking refresh; see app_run_line) are added to the list
 * and to completion.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"

static const char *const own[] = { "refresh", "quit", NULL };

void
lang_run(struct app *a, const char *line, size_t n)
{
	struct cmd_result res;

	memset(&res, 0, sizeof res);
	cmd_exec(&a->ctx, line, n, &res);
	if (res.text != NULL && res.text[0] != '\0')
		app_log(a, res.ok ? LOG_INFO : LOG_ERR, "%s", res.text);
	else if (!res.ok)
		app_log(a, LOG_ERR, "the command failed");
	cmd_result_free(&res);
}

/* cmd_complete()'s words, plus the TUI's own commands (and the instance
 * names after `refresh`). */
char **
lang_complete(struct app *a, const char *line, size_t point)
{
	char **v = cmd_complete(&a->ctx, line, point);
	const char *p = line;
	size_t n = 0, extra = 0, i, k, plen;
	int first = 1, after_refresh = 0;
	char **nv;

	/* which word is being completed? */
	while (*p == ' ')
		p++;
	for (k = (size_t)(p - line); k < point; k++)
		if (line[k] == ' ') {
			first = 0;
			after_refresh = strncmp(p, "refresh ", 8) == 0;
			break;
		}
	if (!first && !after_refresh)
		return v;
	for (k = point; k > 0 && line[k - 1] != ' '; k--)
		;
	plen = point - k;
	while (v != NULL && v[n] != NULL)
		n++;
	extra = first ? 2 : a->fleet->n;
	nv = realloc(v, (n + extra + 1) * sizeof *nv);
	if (nv == NULL)
		return v;
	for (i = 0; i < extra; i++) {
		const char *w = first ? own[i] : a->fleet->inst[i].name;

		size_t j;

		for (j = 0; j < n && strcmp(nv[j], w) != 0; j++)
			;
		if (j == n && strncmp(w, line + k, plen) == 0 &&
		    (nv[n] = strdup(w)) != NULL)
			n++;
	}
	nv[n] = NULL;
	if (n == 0) {
		free(nv);
		return NULL;
	}
	return nv;
}

void
lang_complete_free(char **v)
{
	cmd_completions_free(v);
}

/* The command language's names and the TUI's own (static strings). */
size_t
lang_names(const char **out, size_t max)
{
	const char *const *c = cmd_names();
	size_t n = 0, i, j;

	for (i = 0; c != NULL && c[i] != NULL && n < max; i++)
		out[n++] = c[i];
	for (i = 0; own[i] != NULL && n < max; i++) {
		for (j = 0; j < n && strcmp(out[j], own[i]) != 0; j++)
			;
		if (j == n)
			out[n++] = own[i];
	}
	return n;
}

const char *
lang_help(const char *name)
{
	if (strcmp(name, "refresh") == 0)
		return "refresh [INST]: query the instances' monitors now";
	if (strcmp(name, "quit") == 0)
		return "quit: leave slotscope (also F10, or q in the grid)";
	return cmd_help(name);
}
