/* lang.c - the one place where the TUI meets the command language
 * (core/cmd.h): running a line, completing a word, listing commands for the
 * help overlay.
 *
 * Until core/cmd.c is on main, the command line runs only the TUI's own
 * commands (quit, refresh; see app_run_line) and says so for anything else.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"

void
lang_run(struct app *a, const char *line, size_t n)
{
	app_log(a, LOG_ERR, "%.*s: the command language is not in this build "
	    "yet; here: refresh [INST], quit", (int)n, line);
}

char **
lang_complete(struct app *a, const char *line, size_t point)
{
	(void)a;
	(void)line;
	(void)point;
	return NULL;
}

void
lang_complete_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

const char *const *
lang_names(void)
{
	static const char *const names[] = { "refresh", "quit", NULL };

	return names;
}

const char *
lang_help(const char *name)
{
	if (strcmp(name, "refresh") == 0)
		return "refresh [INST]: query the instances' monitors now";
	if (strcmp(name, "quit") == 0)
		return "quit: leave slotscope (also F10, or q in the grid)";
	return NULL;
}
