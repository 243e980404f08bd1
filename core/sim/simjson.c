/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simjson.c - QEMU's JSON writer, key order included; see simjson.h. */
#include "sim/simjson.h"

#include <stdlib.h>
#include <string.h>

#include "sim/simqdict.h"

/* QEMU's to_json() string: \uXXXX (upper case) for controls and all
 * non-ASCII; U+FFFD for bad UTF-8. */
void
simjson_string(struct strbuf *o, const char *s, size_t n)
{
	size_t i = 0;

	strbuf_add(o, "\"", 1);
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		unsigned cp;
		int len, k;

		if (ch < 0x80) {
			cp = ch;
			len = 1;
		} else if ((ch & 0xe0) == 0xc0) {
			cp = ch & 0x1f;
			len = 2;
		} else if ((ch & 0xf0) == 0xe0) {
			cp = ch & 0x0f;
			len = 3;
		} else if ((ch & 0xf8) == 0xf0) {
			cp = ch & 0x07;
			len = 4;
		} else {
			cp = 0xfffd;
			len = 1;
		}
		for (k = 1; k < len; k++) {
			if (i + (size_t)k >= n ||
			    ((unsigned char)s[i + k] & 0xc0) != 0x80) {
				cp = 0xfffd;
				len = k;
				break;
			}
			cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
		}
		i += (size_t)len;
		switch (cp) {
		case '"': strbuf_str(o, "\\\""); break;
		case '\\': strbuf_str(o, "\\\\"); break;
		case '\b': strbuf_str(o, "\\b"); break;
		case '\f': strbuf_str(o, "\\f"); break;
		case '\n': strbuf_str(o, "\\n"); break;
		case '\r': strbuf_str(o, "\\r"); break;
		case '\t': strbuf_str(o, "\\t"); break;
		default:
			if (cp > 0xffff)
				strbuf_printf(o, "\\u%04X\\u%04X",
				    0xd800 + ((cp - 0x10000) >> 10),
				    0xdc00 + ((cp - 0x10000) & 0x3ff));
			else if (cp < 0x20 || cp >= 0x7f)
				strbuf_printf(o, "\\u%04X", cp);
			else {
				char c1 = (char)cp;

				strbuf_add(o, &c1, 1);
			}
		}
	}
	strbuf_add(o, "\"", 1);
}

struct okey {
	const char *key;
	json_t *val;
	unsigned b;
	size_t ins;
};

static int
okey_cmp(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;

	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	/* newest first within a bucket */
	return x->ins > y->ins ? -1 : x->ins < y->ins ? 1 : 0;
}

static void
dump(struct strbuf *o, json_t *j, int depth)
{
	size_t i;

	if (depth > 64) {
		strbuf_str(o, "null");
		return;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(j), k = 0;
		struct okey *keys;
		const char *key;
		json_t *v;

		if (n == 0) {
			strbuf_str(o, "{}");
			return;
		}
		keys = calloc(n, sizeof *keys);
		if (keys == NULL)
			return;
		json_object_foreach(j, key, v) {
			keys[k].key = key;
			keys[k].val = v;
			keys[k].b = simqdict_bucket(key);
			keys[k].ins = k;
			k++;
		}
		qsort(keys, n, sizeof *keys, okey_cmp);
		strbuf_str(o, "{");
		for (i = 0; i < n; i++) {
			if (i)
				strbuf_str(o, ", ");
			simjson_string(o, keys[i].key, strlen(keys[i].key));
			strbuf_str(o, ": ");
			dump(o, keys[i].val, depth + 1);
		}
		strbuf_str(o, "}");
		free(keys);
		return;
	}
	case JSON_ARRAY:
		if (json_array_size(j) == 0) {
			strbuf_str(o, "[]");
			return;
		}
		strbuf_str(o, "[");
		for (i = 0; i < json_array_size(j); i++) {
			if (i)
				strbuf_str(o, ", ");
			dump(o, json_array_get(j, i), depth + 1);
		}
		strbuf_str(o, "]");
		return;
	case JSON_STRING:
		simjson_string(o, json_string_value(j), json_string_length(j));
		return;
	case JSON_INTEGER:
		strbuf_printf(o, "%lld", (long long)json_integer_value(j));
		return;
	case JSON_REAL:
		strbuf_printf(o, "%.17g", json_real_value(j));
		return;
	case JSON_TRUE:
		strbuf_str(o, "true");
		return;
	case JSON_FALSE:
		strbuf_str(o, "false");
		return;
	case JSON_NULL:
		strbuf_str(o, "null");
		return;
	}
}

void
simjson_write(struct strbuf *o, json_t *j)
{
	dump(o, j, 0);
}

void
simjson_line(struct strbuf *o, json_t *j)
{
	dump(o, j, 0);
	strbuf_add(o, "\r\n", 2);
	json_decref(j);
}
