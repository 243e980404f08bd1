/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mac.c - MAC address rules and the set of addresses taken; see mac.h. */
#include "model/mac.h"

#include <stdio.h>
#include <string.h>

#include "base/hex.h"

int
mac_parse(const char *s, unsigned char out[6], struct err *e)
{
	int i;

	if (s == NULL || strlen(s) != 17)
		goto bad;
	for (i = 0; i < 6; i++) {
		int h = hex_digit(s[3 * i]), l = hex_digit(s[3 * i + 1]);

		if (h < 0 || l < 0 || (i < 5 && s[3 * i + 2] != ':'))
			goto bad;
		out[i] = (unsigned char)(h << 4 | l);
	}
	if (out[0] & 1)
		return err_set(e, "mac %s is a multicast address: a NIC needs "
		    "a unicast one (first byte even)", s);
	return 0;
bad:
	return err_set(e, "mac '%.40s' is not a MAC address: expected six "
	    "hex bytes like 52:54:00:12:34:56", s ? s : "");
}

void
mac_format(const unsigned char m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

void
mac_set_init(struct mac_set *s)
{
	s->n = 0;
}

static long
find(const struct mac_set *s, const unsigned char m[6])
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (memcmp(s->v[i], m, 6) == 0)
			return (long)i;
	return -1;
}

int
mac_set_add(struct mac_set *s, const char *mac, const char *who)
{
	unsigned char m[6];
	struct err e;

	if (s->n >= MAC_SET_MAX || mac_parse(mac, m, &e) < 0)
		return -1;
	if (find(s, m) >= 0)
		return 0;
	memcpy(s->v[s->n], m, 6);
	snprintf(s->who[s->n], sizeof s->who[0], "%s", who ? who : "?");
	s->n++;
	return 0;
}

const char *
mac_set_find(const struct mac_set *s, const char *mac)
{
	unsigned char m[6];
	struct err e;
	long i;

	if (mac_parse(mac, m, &e) < 0 || (i = find(s, m)) < 0)
		return NULL;
	return s->who[i];
}

int
mac_pick(const struct mac_set *s, const unsigned char *rnd, size_t tries,
    char out[18], struct err *e)
{
	unsigned char m[6] = { 0x52, 0x54, 0x00, 0, 0, 0 };
	size_t t;

	for (t = 0; t < tries; t++) {
		memcpy(m + 3, rnd + 3 * t, 3);
		if (find(s, m) < 0) {
			mac_format(m, out);
			return 0;
		}
	}
	return err_set(e, "could not pick a MAC that no NIC of the instance "
	    "uses (%zu tries): give mac=", tries);
}
