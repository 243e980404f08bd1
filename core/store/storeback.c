/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storeback.c - the optional keys of a runtime device's "backend" object:
 * what a disk or a NIC backend was asked for beyond its kind and names
 * (protocol driver, read-only, cache, aio, discard, serial; bridge,
 * created tap, vhost, queues).  Absent keys are the defaults, and only
 * set ones are written, so files of older slotscopes read unchanged and
 * stay format 1.  See store.h. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

static int
str(json_t *b, const char *key, char *out, size_t outsz, const char *what,
    struct err *e)
{
	json_t *v = json_object_get(b, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= outsz ||
	    memchr(json_string_value(v), '\0', json_string_length(v)))
		return err_set(e, "%s: \"%s\" must be a string of at most %zu "
		    "characters", what, key, outsz - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
flag(json_t *b, const char *key, int *out, const char *what, struct err *e)
{
	json_t *v = json_object_get(b, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return err_set(e, "%s: \"%s\" must be true or false", what,
		    key);
	*out = json_is_true(v);
	return 0;
}

int
store_backend_parse_extra(json_t *b, struct store_backend *bk,
    const char *what, struct err *e)
{
	json_t *q = json_object_get(b, "queues");

	if (str(b, "protocol", bk->protocol, sizeof bk->protocol, what,
	    e) < 0 ||
	    flag(b, "read_only", &bk->readonly, what, e) < 0 ||
	    str(b, "cache", bk->cache, sizeof bk->cache, what, e) < 0 ||
	    str(b, "aio", bk->aio, sizeof bk->aio, what, e) < 0 ||
	    str(b, "discard", bk->discard, sizeof bk->discard, what, e) < 0 ||
	    str(b, "serial", bk->serial, sizeof bk->serial, what, e) < 0 ||
	    str(b, "bridge", bk->bridge, sizeof bk->bridge, what, e) < 0 ||
	    flag(b, "created", &bk->created, what, e) < 0 ||
	    flag(b, "vhost", &bk->vhost, what, e) < 0)
		return -1;
	if (q != NULL) {
		if (!json_is_integer(q) || json_integer_value(q) < 1 ||
		    json_integer_value(q) > 64)
			return err_set(e, "%s: \"queues\" must be an integer "
			    "1..64", what);
		bk->queues = (int)json_integer_value(q);
	}
	return 0;
}

static void
set_str(json_t *b, const char *key, const char *v)
{
	if (v[0] != '\0')
		json_object_set_new(b, key, json_string(v));
}

void
store_backend_extra_json(const struct store_backend *bk, json_t *b)
{
	if (b == NULL)
		return;
	set_str(b, "protocol", bk->protocol);
	if (bk->readonly)
		json_object_set_new(b, "read_only", json_true());
	set_str(b, "cache", bk->cache);
	set_str(b, "aio", bk->aio);
	set_str(b, "discard", bk->discard);
	set_str(b, "serial", bk->serial);
	set_str(b, "bridge", bk->bridge);
	if (bk->created)
		json_object_set_new(b, "created", json_true());
	if (bk->vhost)
		json_object_set_new(b, "vhost", json_true());
	if (bk->queues > 1)
		json_object_set_new(b, "queues", json_integer(bk->queues));
}

void
store_backend_text(const struct store_dev *d, char *out, size_t sz)
{
	const struct store_backend *b = &d->backend;
	char q[24] = "";	/* "  queues " and any int */

	if (b->queues > 1)
		snprintf(q, sizeof q, "  queues %d", b->queues);
	if (b->netdev[0] || d->mac[0])
		snprintf(out, sz, "mac %s  netdev %s%s%s%s%s%s%s",
		    d->mac[0] ? d->mac : "-", b->netdev[0] ? b->netdev : "-",
		    b->tap[0] ? "  tap " : "", b->tap, b->bridge[0] ?
		    "  bridge " : "", b->bridge, b->vhost ? "  vhost" : "", q);
	else if (b->path[0])
		snprintf(out, sz, "%s (%s%s%s%s%s%s)", b->path,
		    b->format[0] ? b->format : "?", b->protocol[0] ? ", " : "",
		    b->protocol, b->readonly ? ", read-only" : "",
		    b->cache[0] ? ", cache " : "", b->cache);
	else if (sz > 0)
		out[0] = '\0';
}
