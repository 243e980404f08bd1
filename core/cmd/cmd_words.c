/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_words.c - the command line's tokenizer: quoting, escapes and the
 * limits on words and lines (see cmd_words.h). */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_words.h"

void
cmd_words_free(struct cmd_words *ws)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		free(ws->w[i]);
	ws->n = 0;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

int
cmd_words_split(const char *line, size_t len, struct cmd_words *ws,
    int lenient, struct err *e)
{
	size_t i = 0;
	char *buf;

	memset(ws, 0, sizeof *ws);
	if (len > CMD_MAX_LINE)
		return err_set(e, "the command line is too long (at most %d "
		    "bytes)", CMD_MAX_LINE);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && !is_blank((char)ch)) || ch == 0x7f)
			return err_set(e, "control characters are not allowed "
			    "in a command (byte 0x%02x at %zu)", ch, i);
	}
	buf = malloc(CMD_MAX_WORD + 1);
	if (buf == NULL)
		return err_set(e, "out of memory");
	i = 0;
	for (;;) {
		size_t n = 0;
		char q = 0;

		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len)
			break;
		if (ws->n == CMD_MAX_WORDS) {
			free(buf);
			cmd_words_free(ws);
			return err_set(e, "too many words (at most %d)",
			    CMD_MAX_WORDS);
		}
		ws->start[ws->n] = i;
		while (i < len && (q != 0 || !is_blank(line[i]))) {
			char ch = line[i++];

			if (q == '\'') {
				if (ch == '\'') {
					q = 0;
					continue;
				}
			} else if (q == '"') {
				if (ch == '"') {
					q = 0;
					continue;
				}
				if (ch == '\\' && i < len && (line[i] == '"' ||
				    line[i] == '\\'))
					ch = line[i++];
			} else if (ch == '\'' || ch == '"') {
				q = ch;
				continue;
			} else if (ch == '\\') {
				if (i >= len) {
					if (lenient)
						break;
					free(buf);
					cmd_words_free(ws);
					return err_set(e, "the line ends in a "
					    "backslash");
				}
				ch = line[i++];
			}
			if (n == CMD_MAX_WORD) {
				free(buf);
				cmd_words_free(ws);
				return err_set(e, "a word is too long (at most "
				    "%d bytes)", CMD_MAX_WORD);
			}
			buf[n++] = ch;
		}
		if (q != 0) {
			if (!lenient) {
				free(buf);
				cmd_words_free(ws);
				return err_set(e, "unterminated %s quote",
				    q == '"' ? "double" : "single");
			}
			ws->open = 1;
		}
		buf[n] = '\0';
		ws->w[ws->n] = strdup(buf);
		if (ws->w[ws->n] == NULL) {
			free(buf);
			cmd_words_free(ws);
			return err_set(e, "out of memory");
		}
		ws->n++;
	}
	ws->trailing_blank = len > 0 && is_blank(line[len - 1]) && !ws->open;
	free(buf);
	return 0;
}
