/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storetext.c - store_format(): the runtime file's JSON text written
 * straight into one buffer, in the layout jansson's JSON_INDENT(2) |
 * JSON_PRESERVE_ORDER dump gives (two spaces a level, "key": value, one
 * member a line, [] and {} when empty; strings escaped as jansson does:
 * \" \\ \b \f \n \r \t, other bytes below 0x20 as \u00XX, the rest as
 * they are), so files read the same as before and diff cleanly.  Building
 * a jansson tree and dumping it cost more than the rest of a save on
 * tmpfs; check_store's format_as_jansson_dumps compares the two on every
 * kind of field.  A string that is not valid UTF-8 is refused (JSON
 * cannot carry it).  The format itself is store.h's; reading it back is
 * storejson.c's.
 */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"

struct out {
	struct strbuf b;
	int depth;		/* of the object or array being written */
	int first;		/* nothing written in it yet */
	int bad;		/* a string was not UTF-8 */
};

/* Length of the UTF-8 sequence at s[0..n) (1..4), or 0 when it is not
 * valid UTF-8 (overlong forms, surrogates, past U+10FFFF). */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp;
	size_t k, len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void
str(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, run = 0, k;
	char esc[8];

	strbuf_add(&o->b, "\"", 1);
	while (i < n) {
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\') {
			if ((k = utf8_seq(p + i, n - i)) == 0) {
				o->bad = 1;
				return;
			}
			i += k;
			run += k;
			continue;
		}
		strbuf_add(&o->b, p + i - run, run);
		run = 0;
		switch (p[i]) {
		case '"':  strbuf_add(&o->b, "\\\"", 2); break;
		case '\\': strbuf_add(&o->b, "\\\\", 2); break;
		case '\b': strbuf_add(&o->b, "\\b", 2); break;
		case '\f': strbuf_add(&o->b, "\\f", 2); break;
		case '\n': strbuf_add(&o->b, "\\n", 2); break;
		case '\r': strbuf_add(&o->b, "\\r", 2); break;
		case '\t': strbuf_add(&o->b, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", p[i]);
			strbuf_add(&o->b, esc, 6);
		}
		i++;
	}
	strbuf_add(&o->b, p + i - run, run);
	strbuf_add(&o->b, "\"", 1);
}

static void
indent(struct out *o, int depth)
{
	static const char sp[] = "                                ";
	int n = 2 * depth;

	strbuf_add(&o->b, "\n", 1);
	for (; n > 0; n -= (int)sizeof sp - 1)
		strbuf_add(&o->b, sp, n < (int)sizeof sp - 1 ? (size_t)n :
		    sizeof sp - 1);
}

/* The next member's "key": (or an array's next element) */
static void
member(struct out *o, const char *key)
{
	if (!o->first)
		strbuf_add(&o->b, ",", 1);
	indent(o, o->depth + 1);
	o->first = 0;
	if (key != NULL) {
		str(o, key);
		strbuf_add(&o->b, ": ", 2);
	}
}

/* Open an object or array ('{' or '[') as the next member. */
static void
begin(struct out *o, const char *key, char c)
{
	member(o, key);
	strbuf_add(&o->b, &c, 1);
	o->depth++;
	o->first = 1;
}

static void
end(struct out *o, char c)
{
	if (!o->first)
		indent(o, o->depth);
	strbuf_add(&o->b, &c, 1);
	o->depth--;
	o->first = 0;
}

static void
kv_str(struct out *o, const char *key, const char *v)
{
	member(o, key);
	str(o, v);
}

/* Only when set, as storeback.c's optional keys are. */
static void
kv_opt(struct out *o, const char *key, const char *v)
{
	if (v[0] != '\0')
		kv_str(o, key, v);
}

static void
kv_int(struct out *o, const char *key, long long v)
{
	member(o, key);
	strbuf_printf(&o->b, "%lld", v);
}

static void
kv_true(struct out *o, const char *key, int v)
{
	if (v) {
		member(o, key);
		strbuf_add(&o->b, "true", 4);
	}
}

static void
dev(struct out *o, const char *key, const struct store_dev *d)
{
	const struct store_backend *b = &d->backend;

	begin(o, key, '{');
	kv_str(o, "id", d->id);
	kv_str(o, "type", d->type);
	kv_str(o, "uuid", d->uuid);
	kv_int(o, "slot", d->slot);
	kv_str(o, "state", store_dev_state_name(d->state));
	kv_str(o, "driver", d->driver);
	kv_str(o, "mac", d->mac);
	begin(o, "backend", '{');
	kv_str(o, "kind", store_backend_kind_name(b->kind));
	kv_str(o, "netdev", b->netdev);
	kv_str(o, "tap", b->tap);
	kv_str(o, "path", b->path);
	kv_str(o, "format", b->format);
	kv_str(o, "drive", b->drive);
	kv_opt(o, "protocol", b->protocol);
	kv_true(o, "read_only", b->readonly);
	kv_opt(o, "cache", b->cache);
	kv_opt(o, "aio", b->aio);
	kv_opt(o, "discard", b->discard);
	kv_opt(o, "serial", b->serial);
	kv_opt(o, "bridge", b->bridge);
	kv_true(o, "created", b->created);
	kv_true(o, "vhost", b->vhost);
	if (b->queues > 1)
		kv_int(o, "queues", b->queues);
	end(o, '}');
	/* root-bus devices are written as before bridges were known, so
	 * that older readers keep reading those files */
	kv_opt(o, "bus", d->bus);
	end(o, '}');
}

char *
store_format(const struct store_rt *rt, struct err *e)
{
	char res[SLOTMAP_NSLOTS + 1];
	struct out o;
	size_t i;

	for (i = 0; i < rt->ndev; i++)
		if (store_check_dev(&rt->dev[i], e) < 0)
			return NULL;
	memset(&o, 0, sizeof o);
	strbuf_init(&o.b);
	slotmap_to_string(&rt->reserved, res);
	strbuf_add(&o.b, "{", 1);
	o.first = 1;
	kv_int(&o, "format", rt->nintent ? STORE_FORMAT : STORE_FORMAT_PLAIN);
	kv_str(&o, "instance", rt->inst);
	kv_str(&o, "reservations", res);
	begin(&o, "devices", '[');
	for (i = 0; i < rt->ndev; i++)
		dev(&o, NULL, &rt->dev[i]);
	end(&o, ']');
	if (rt->nintent > 0) {
		begin(&o, "intents", '[');
		for (i = 0; i < rt->nintent; i++) {
			const struct store_intent *in = &rt->intent[i];

			begin(&o, NULL, '{');
			kv_str(&o, "op", store_intent_op_name(in->op));
			kv_str(&o, "step", store_intent_step_name(in->step));
			kv_int(&o, "pid", in->pid);
			kv_int(&o, "started", in->started);
			dev(&o, "device", &in->dev);
			end(&o, '}');
		}
		end(&o, ']');
	}
	end(&o, '}');
	strbuf_add(&o.b, "\n", 1);
	if (o.bad) {
		strbuf_free(&o.b);
		err_set(e, "a string in the runtime of %s is not UTF-8", rt->inst);
		return NULL;
	}
	if (o.b.oom) {
		strbuf_free(&o.b);
		err_set(e, "out of memory");
		return NULL;
	}
	return strbuf_take(&o.b);
}
