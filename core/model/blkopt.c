/* SPDX-License-Identifier: GPL-3.0-or-later */
/* blkopt.c - disk option tables and checks; see blkopt.h. */
#include "model/blkopt.h"

#include <string.h>

static const struct blkopt_cache caches[] = {
	{ "writeback", 0, 0, 1 },
	{ "none", 1, 0, 1 },
	{ "writethrough", 0, 0, 0 },
	{ "directsync", 1, 0, 0 },
	{ "unsafe", 0, 1, 1 },
};
#define NCACHE (sizeof caches / sizeof caches[0])

static const char *const aios[] = { "threads", "native", "io_uring", NULL };
static const char *const discards[] = { "ignore", "unmap", NULL };

const struct blkopt_cache *
blkopt_cache(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NCACHE; i++)
		if (strcmp(name, caches[i].name) == 0)
			return &caches[i];
	return NULL;
}

const struct blkopt_cache *
blkopt_cache_of(int direct, int no_flush, int writeback)
{
	size_t i;

	for (i = 0; i < NCACHE; i++)
		if (!caches[i].direct == !direct &&
		    !caches[i].no_flush == !no_flush &&
		    !caches[i].writeback == !writeback)
			return &caches[i];
	return NULL;
}

static int
in(const char *const *set, const char *v)
{
	for (; *set; set++)
		if (strcmp(*set, v) == 0)
			return 1;
	return 0;
}

int
blkopt_check_cache(const char *v, struct err *e)
{
	if (blkopt_cache(v) != NULL)
		return 0;
	return err_set(e, "cache '%.40s' is not a cache mode: expected none, "
	    "writeback, writethrough, directsync or unsafe", v);
}

int
blkopt_check_aio(const char *v, struct err *e)
{
	if (in(aios, v))
		return 0;
	return err_set(e, "aio '%.40s' is not known: expected threads, native "
	    "or io_uring", v);
}

int
blkopt_check_discard(const char *v, struct err *e)
{
	if (in(discards, v))
		return 0;
	return err_set(e, "discard '%.40s' is not known: expected ignore or "
	    "unmap", v);
}

int
blkopt_check_serial(const char *v, struct err *e)
{
	size_t n = strlen(v), i;

	if (n == 0 || n > BLKOPT_SERIAL_MAX)
		goto bad;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= '0' && v[i] <= '9') || v[i] == '-' ||
		    v[i] == '_' || v[i] == '.'))
			goto bad;
	return 0;
bad:
	return err_set(e, "serial '%.40s' is not valid: expected 1 to %d "
	    "letters, digits, '-', '_' or '.'", v, BLKOPT_SERIAL_MAX);
}

int
blkopt_parse_bool(const char *key, const char *v, int *out, struct err *e)
{
	static const char *const yes[] = { "on", "yes", "true", "1", NULL };
	static const char *const no[] = { "off", "no", "false", "0", NULL };

	if (in(yes, v))
		*out = 1;
	else if (in(no, v))
		*out = 0;
	else
		return err_set(e, "%s '%.40s' is not on or off", key, v);
	return 0;
}

int
blkopt_check_combo(const char *cache, const char *aio, struct err *e)
{
	const struct blkopt_cache *c = blkopt_cache(cache ? cache :
	    "writeback");

	if (aio != NULL && strcmp(aio, "native") == 0 && c != NULL &&
	    !c->direct)
		return err_set(e, "aio=native needs a cache mode that bypasses "
		    "the host page cache (cache=none or directsync): QEMU "
		    "refuses it otherwise");
	return 0;
}
