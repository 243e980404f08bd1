/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simqmp.c - the simulator's QMP; see simqmp.h.
 *
 * Byte-level facts follow QEMU 7.2: the JSON streamer's splitting of the
 * input into values (and its size cap), qmp_dispatch()'s checks of a
 * request's envelope and their error texts, and capabilities
 * negotiation.  Commands run from simqmpcmd.c's table; every reply line
 * is written by simjson.c in QDict key order.
 */
#include "sim/simqmp.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sim/simjson.h"
#include "sim/simqmpcmd.h"

void
simqmp_init(struct simqmp *q)
{
	memset(q, 0, sizeof *q);
	strbuf_init(&q->acc);
}

void
simqmp_free(struct simqmp *q)
{
	strbuf_free(&q->acc);
}

void
simqmp_greeting(struct strbuf *out)
{
	simjson_line(out, json_pack("{s:{s:o,s:[s]}}", "QMP", "version",
	    simqmp_version(), "capabilities", "oob"));
}


/* QEMU's parser says "expecting value" where a value must follow ':',
 * ',' or '[' and something else comes ({"execute": }); jansson calls it
 * an unexpected token at that position. */
static int
expects_value(const char *text, size_t len, const json_error_t *je)
{
	size_t p = (size_t)je->position;

	if (strncmp(je->text, "unexpected token", 16) != 0 || p == 0 ||
	    p > len)
		return 0;
	p--;			/* the offending token's first byte */
	while (p > 0 && (text[p - 1] == ' ' || text[p - 1] == '\t' ||
	    text[p - 1] == '\r' || text[p - 1] == '\n'))
		p--;
	return p > 0 && (text[p - 1] == ':' || text[p - 1] == ',' ||
	    text[p - 1] == '[');
}

static void
qmp_value(struct simqmp *q, struct simmon_ctx *c, const char *text,
    size_t len, struct strbuf *out)
{
	json_error_t jerr;
	json_t *req = json_loadb(text, len, JSON_DECODE_ANY, &jerr), *r = NULL;
	json_t *ex = NULL, *args = NULL, *id = NULL, *v;
	const char *k;
	int flags = 0;

	if (req == NULL) {
		char word[64];
		size_t n = 0;

		while (n < len && n < sizeof word - 1 &&
		    isalpha((unsigned char)text[n])) {
			word[n] = text[n];
			n++;
		}
		word[n] = '\0';
		if (n > 0)
			r = simqmp_error(SIMDEV_GENERIC,
			    "JSON parse error, invalid "
			    "keyword '%s'", word);
		else if (expects_value(text, len, &jerr))
			r = simqmp_error(SIMDEV_GENERIC, "JSON parse error, "
			    "expecting value");
		else
			r = simqmp_error(SIMDEV_GENERIC, "JSON parse error, %s",
			    jerr.text);
		simjson_line(out, r);
		return;
	}
	if (!json_is_object(req)) {
		simjson_line(out, simqmp_error(SIMDEV_GENERIC,
		    "QMP input must be a JSON object"));
		json_decref(req);
		return;
	}
	json_object_foreach(req, k, v) {
		if (strcmp(k, "execute") == 0) {
			if (!json_is_string(v)) {
				r = simqmp_error(SIMDEV_GENERIC,
				    "QMP input member "
				    "'execute' must be a string");
				break;
			}
			ex = v;
		} else if (strcmp(k, "arguments") == 0) {
			if (!json_is_object(v)) {
				r = simqmp_error(SIMDEV_GENERIC,
				    "QMP input member "
				    "'arguments' must be an object");
				break;
			}
			args = v;
		} else if (strcmp(k, "id") == 0)
			id = v;
		else {
			r = simqmp_error(SIMDEV_GENERIC,
			    "QMP input member '%s' is "
			    "unexpected", k);
			break;
		}
	}
	if (r == NULL && ex == NULL)
		r = simqmp_error(SIMDEV_GENERIC,
		    "QMP input lacks member 'execute'");
	if (r == NULL) {
		const char *cmd = json_string_value(ex);
		json_t *empty = NULL;

		if (args == NULL)
			args = empty = json_object();
		if (!q->negotiated) {
			if (strcmp(cmd, "qmp_capabilities") == 0) {
				r = simqmp_check_args(args, "enable:a?");
				if (r == NULL) {
					q->negotiated = 1;
					r = simqmp_ok(NULL);
				}
			} else
				r = simqmp_error(SIMDEV_COMMAND_NOT_FOUND,
				    "Expecting "
				    "capabilities negotiation with "
				    "'qmp_capabilities'");
		} else {
			r = simqmp_command(c, cmd, args, &flags);
		}
		json_decref(empty);
	}
	if (id != NULL)
		json_object_set(r, "id", id);
	simjson_line(out, r);
	json_decref(req);
	if (flags & SIMQMP_UNPLUGS_AFTER)
		simmon_complete_unplugs(c, 1);
}

int
simqmp_input(struct simqmp *q, struct simmon_ctx *c, const char *p,
    size_t n, struct strbuf *out)
{
	size_t i;
	int count = 0;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (q->scalar) {
			/* a bare top-level token ends at a delimiter */
			if (isspace((unsigned char)ch) || ch == '{' ||
			    ch == '[') {
				qmp_value(q, c, q->acc.p, q->acc.n, out);
				count++;
				q->acc.n = 0;
				q->scalar = 0;
				if (isspace((unsigned char)ch))
					continue;
			} else {
				if (q->acc.n < 4096)	/* a bare token: bounded */
					strbuf_add(&q->acc, &ch, 1);
				continue;
			}
		}
		if (q->depth == 0) {
			if (isspace((unsigned char)ch))
				continue;
			if (ch != '{' && ch != '[') {
				q->scalar = 1;
				q->in_str = ch == '"';
				strbuf_add(&q->acc, &ch, 1);
				if (q->in_str) {
					/* a top-level string: read to its end
					 * (depth -1 marks it) */
					q->scalar = 0;
					q->depth = -1;
				}
				continue;
			}
		}
		if (q->acc.n > 1024 * 1024) {
			/* QEMU caps a value's size; drop it */
			q->acc.n = 0;
			q->depth = q->in_str = q->esc = 0;
			simjson_line(out, simqmp_error(SIMDEV_GENERIC,
			    "JSON parse error, "
			    "token too large"));
			continue;
		}
		strbuf_add(&q->acc, &ch, 1);
		if (q->in_str) {
			if (q->esc)
				q->esc = 0;
			else if (ch == '\\')
				q->esc = 1;
			else if (ch == '"') {
				q->in_str = 0;
				if (q->depth == -1) {
					qmp_value(q, c, q->acc.p, q->acc.n,
					    out);
					count++;
					q->acc.n = 0;
					q->depth = 0;
				}
			}
			continue;
		}
		if (ch == '"')
			q->in_str = 1;
		else if (ch == '{' || ch == '[')
			q->depth++;
		else if (ch == '}' || ch == ']') {
			if (--q->depth == 0) {
				qmp_value(q, c, q->acc.p, q->acc.n, out);
				count++;
				q->acc.n = 0;
			}
		}
	}
	return count;
}
