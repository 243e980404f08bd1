/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lang.c - the one place where the TUI meets the command language
 * (core/cmd/cmd.h): running a line, completing a word, listing commands for
 * the help overlay.  The TUI's context is interactive (tui_run sets
 * ctx.interactive), so its own commands (quit, and refresh, which here
 * starts the non-blocking refresh) are entries of the language's table
 * too; lang_run returns what the line asks of the TUI.
 */
#include <string.h>

#include "app.h"

/* The language as the TUI knows it, for the lists that need no fleet. */
static const struct cmd_ctx tui_mode = { .interactive = 1 };

enum cmd_action
lang_run(struct app *a, const char *line, size_t n, long *inst)
{
	struct cmd_result res;
	enum cmd_action act;

	memset(&res, 0, sizeof res);
	cmd_exec(&a->ctx, line, n, &res);
	if (res.text != NULL && res.text[0] != '\0')
		app_log(a, res.ok ? LOG_INFO : LOG_ERR, "%s", res.text);
	else if (!res.ok)
		app_log(a, LOG_ERR, "the command failed");
	act = res.action;
	*inst = res.inst;
	cmd_result_free(&res);
	return act;
}

char **
lang_complete(struct app *a, const char *line, size_t point)
{
	return cmd_complete(&a->ctx, line, point);
}

void
lang_complete_free(char **v)
{
	cmd_completions_free(v);
}

/* The names of the commands (static strings). */
size_t
lang_names(const char **out, size_t max)
{
	const char *name;
	size_t n = 0;

	while (n < max && (name = cmd_name(&tui_mode, n)) != NULL)
		out[n++] = name;
	return n;
}

const char *
lang_help(const char *name)
{
	return cmd_help(&tui_mode, name);
}
