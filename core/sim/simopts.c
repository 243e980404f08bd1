/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simopts.c - HMP argument and QemuOpts parsing; see simopts.h. */
#include "sim/simopts.h"

#include <ctype.h>
#include <string.h>

/* get_str(): a word, or a double-quoted string with \n \r \\ \' \". */
int
simopts_word(char *buf, size_t size, const char **pp)
{
	const char *p = *pp;
	size_t q = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		goto fail;
	if (*p == '"') {
		p++;
		while (*p != '\0' && *p != '"') {
			int c = *p;

			if (c == '\\') {
				p++;
				c = *p++;
				if (c == 'n')
					c = '\n';
				else if (c == 'r')
					c = '\r';
				else if (c != '\\' && c != '\'' && c != '"')
					goto fail;
			} else
				p++;
			if (q < size - 1)
				buf[q++] = (char)c;
		}
		if (*p != '"')
			goto fail;
		p++;
	} else {
		while (*p != '\0' && !isspace((unsigned char)*p)) {
			if (q < size - 1)
				buf[q++] = *p;
			p++;
		}
	}
	buf[q] = '\0';
	*pp = p;
	return 0;
fail:
	buf[q] = '\0';
	*pp = p;
	return -1;
}

static char *
ostore(struct simopts *o, const char *p, size_t n)
{
	char *d;

	if (o->used + n + 1 > sizeof o->store)
		return NULL;
	d = o->store + o->used;
	memcpy(d, p, n);
	d[n] = '\0';
	o->used += n + 1;
	return d;
}

/* get_opt_value(): up to ',' with ",," meaning ',' */
static const char *
opt_value(struct simopts *o, const char *p, char **val)
{
	char tmp[1024];
	size_t n = 0;

	for (;;) {
		if (*p == '\0')
			break;
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;
		}
		if (n < sizeof tmp - 1)
			tmp[n++] = *p;
		p++;
	}
	*val = ostore(o, tmp, n);
	if (*p == ',')
		p++;
	return p;
}

int
simopts_parse(struct simopts *o, const char *params, const char *firstname)
{
	const char *p = params;

	o->n = 0;
	o->used = 0;
	o->id = NULL;
	while (*p) {
		size_t len = strcspn(p, "=,");
		char *name, *val;

		if (p[len] != '=') {
			if (firstname) {
				name = ostore(o, firstname, strlen(firstname));
				p = opt_value(o, p, &val);
			} else {
				name = ostore(o, p, len);
				p += len;
				if (*p == ',')
					p++;
				if (name && strncmp(name, "no", 2) == 0) {
					memmove(name, name + 2,
					    strlen(name + 2) + 1);
					val = ostore(o, "off", 3);
				} else
					val = ostore(o, "on", 2);
			}
		} else {
			name = ostore(o, p, len);
			p = opt_value(o, p + len + 1, &val);
		}
		if (name == NULL || val == NULL || o->n >= SIMOPTS_MAX)
			return -1;
		firstname = NULL;
		if (strcmp(name, "id") == 0) {
			o->id = val;
			continue;
		}
		o->kv[o->n].key = name;
		o->kv[o->n++].val = val;
	}
	return 0;
}

const char *
simopts_get(const struct simopts *o, const char *key)
{
	size_t i;
	const char *v = NULL;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->kv[i].key, key) == 0)
			v = o->kv[i].val;
	return v;
}

