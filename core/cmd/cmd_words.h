/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_words.h - the command line's tokenizer (internal to core/cmd).
 *
 * A line is split into at most CMD_MAX_WORDS words of at most
 * CMD_MAX_WORD bytes.  Quoting: '...' is literal; "..." keeps everything
 * but \" and \\, which stand for " and \; outside quotes a backslash takes
 * the next character literally.  Control characters are refused.  The
 * words are malloc'd and owned by the struct cmd_words: free them with
 * cmd_words_free.
 */
#ifndef SLOTSCOPE_CMD_WORDS_H
#define SLOTSCOPE_CMD_WORDS_H

#include <stddef.h>

#include "base/err.h"

#define CMD_MAX_WORDS 32
#define CMD_MAX_WORD 4096
#define CMD_MAX_LINE 16384

struct cmd_words {
	char *w[CMD_MAX_WORDS];
	size_t start[CMD_MAX_WORDS];	/* offset of each word in the line */
	size_t n;
	int open;			/* the last word has an open quote */
	int trailing_blank;		/* the line ends in a blank */
};

/* Split line (len bytes, no NUL needed) into ws.  lenient (for
 * completion): an open quote or a trailing backslash ends the word
 * instead of being an error.  On failure ws holds no words. */
int cmd_words_split(const char *line, size_t len, struct cmd_words *ws,
    int lenient, struct err *e);
void cmd_words_free(struct cmd_words *ws);

#endif
