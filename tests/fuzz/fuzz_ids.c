/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_ids.c - libFuzzer target: endpoints (unix:PATH, tcp:HOST:PORT,
 * PATH), device ids, uuids, QEMU ids, slot numbers and reservation maps on
 * any bytes.  What parses must format and parse back to the same thing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/devid.h"
#include "qemu/endpoint.h"
#include "model/slotmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
endpoint(const char *b, size_t n)
{
	struct endpoint ep, ep2;
	char text[512];
	struct err e;

	if (endpoint_parse(b, n, &ep, &e) < 0)
		return;
	if (memchr(ep.path, '\0', sizeof ep.path) == NULL ||
	    memchr(ep.host, '\0', sizeof ep.host) == NULL ||
	    memchr(ep.port, '\0', sizeof ep.port) == NULL)
		abort();
	endpoint_format(&ep, text, sizeof text);
	if (endpoint_parse(text, strlen(text), &ep2, &e) < 0 ||
	    ep2.kind != ep.kind || strcmp(ep2.path, ep.path) != 0 ||
	    strcmp(ep2.host, ep.host) != 0 || strcmp(ep2.port, ep.port) != 0)
		abort();
}

static void
ids(const char *b, size_t n)
{
	struct devid d, d2;
	char out[DEVID_MAX + 1], uuid[40];
	struct err e;
	size_t i;

	(void)devid_valid_uuid(b, n);
	if (devid_check_qemu_id(b, n, &e) == 0) {
		/* QEMU's rule: a letter, then [A-Za-z0-9._-] */
		if (n == 0 || n > QEMU_ID_MAX || !((b[0] | 0x20) >= 'a' &&
		    (b[0] | 0x20) <= 'z'))
			abort();
		for (i = 0; i < n; i++)
			if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
			    "OPQRSTUVWXYZ0123456789-._", b[i]) == NULL ||
			    b[i] == '\0')
				abort();
	}
	(void)devid_check_type(b, n, &e);
	if (devid_parse(b, n, &d, &e) == 0) {
		snprintf(uuid, sizeof uuid, "%s-0000-0000-0000-000000000000",
		    d.uuid8);
		if (devid_format(d.type, uuid, d.slot, out, sizeof out,
		    &e) < 0)
			abort();
		if (devid_parse(out, strlen(out), &d2, &e) < 0 ||
		    d2.slot != d.slot || strcmp(d2.type, d.type) != 0 ||
		    strcmp(d2.uuid8, d.uuid8) != 0)
			abort();
		if (devid_check_qemu_id(out, strlen(out), &e) < 0)
			abort();
	}
}

static void
slots(const char *b, size_t n)
{
	struct slotmap m, m2;
	char s[SLOTMAP_NSLOTS + 1];
	int slot;
	struct err e;

	if (slotmap_parse_slot(b, n, &slot, &e) == 0 && !slotmap_valid_slot(slot))
		abort();
	if (slotmap_from_string(&m, b, n, &e) == 0) {
		slotmap_to_string(&m, s);
		if (slotmap_from_string(&m2, s, strlen(s), &e) < 0 ||
		    memcmp(&m, &m2, sizeof m) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;

	endpoint(b, size);
	ids(b, size);
	slots(b, size);
	return 0;
}
