/* SPDX-License-Identifier: GPL-3.0-or-later */
/* termcheck.c - can this terminal show the screen?  The screen moves the
 * cursor all over it; a terminal whose terminfo entry cannot (TERM=dumb,
 * an Emacs shell buffer, a serial console set up as "unknown") would get
 * every row drawn on one line.  Asked before anything starts, so the user
 * gets one clear line and batch mode (-c) as the way out.
 *
 * On its own file because <term.h> defines macros named like ordinary
 * words (lines, columns, ...) that must not reach the rest of tui/.
 */
#include <curses.h>
#include <stdlib.h>
#include <term.h>
#include <unistd.h>

#include "tui.h"

int
tui_term_check(struct err *e)
{
	const char *t = getenv("TERM");
	const char *cup;
	int ret = 0, ok;

	if (t == NULL || *t == '\0')
		return err_set(e, "TERM is not set, so the screen cannot be "
		    "drawn: set it to your terminal's type, or use -c COMMAND "
		    "for batch mode (slotscope -c list)");
	if (setupterm(t, STDOUT_FILENO, &ret) != OK)
		return err_set(e, "unknown terminal type \"%s\": set TERM to "
		    "your terminal's type, or use -c COMMAND for batch mode "
		    "(slotscope -c list)", t);
	cup = tigetstr("cup");
	ok = cup != NULL && cup != (char *)-1;
	del_curterm(cur_term);
	if (!ok)
		return err_set(e, "the terminal \"%s\" cannot move the cursor, "
		    "which the screen needs; use -c COMMAND for batch mode "
		    "(slotscope -c list)", t);
	return 0;
}
