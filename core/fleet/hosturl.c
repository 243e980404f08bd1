/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hosturl.c - a host's address, ssh://[USER@]NODE[:PORT], read from
 * untrusted text into the words ssh is given (never a shell's): see
 * fleetagent.h. */
#include "fleet/fleetagent.h"

#include <string.h>

int
fleet_host_parse_url(const char *buf, size_t len, char *user, size_t usz,
    char *node, size_t nsz, int *port, struct err *e)
{
	const char *p = buf, *end = buf + len, *at, *hs, *he;
	size_t k;

	user[0] = node[0] = '\0';
	*port = 0;
	if (len < 6 || memcmp(buf, "ssh://", 6) != 0)
		return err_set(e, "a host's address is ssh://[USER@]NODE[:PORT], "
		    "not '%.*s'", (int)(len > 64 ? 64 : len), buf);
	p += 6;
	for (at = p; at < end && *at != '@'; at++)
		;
	if (at < end) {
		if (at == p || (size_t)(at - p) >= usz)
			return err_set(e, "the user in '%.*s' is empty or too "
			    "long", (int)(len > 64 ? 64 : len), buf);
		for (k = 0; p + k < at; k++)
			if (!(p[k] == '_' || p[k] == '-' || p[k] == '.' ||
			    (p[k] >= 'a' && p[k] <= 'z') ||
			    (p[k] >= 'A' && p[k] <= 'Z') ||
			    (p[k] >= '0' && p[k] <= '9')) || p[0] == '-')
				return err_set(e, "the user in a host's address "
				    "takes letters, digits, '_', '-' and '.'");
		memcpy(user, p, (size_t)(at - p));
		user[at - p] = '\0';
		p = at + 1;
	}
	if (p < end && *p == '[') {
		hs = p + 1;
		for (he = hs; he < end && *he != ']'; he++)
			;
		if (he == end)
			return err_set(e, "an unclosed '[' in a host's address");
		p = he + 1;
	} else {
		hs = p;
		for (he = hs; he < end && *he != ':'; he++)
			;
		p = he;
	}
	if (he == hs || (size_t)(he - hs) >= nsz || *hs == '-')
		return err_set(e, "the node in a host's address is empty, too "
		    "long or starts with '-'");
	for (k = 0; hs + k < he; k++)
		if (!(hs[k] == '.' || hs[k] == '-' || hs[k] == ':' ||
		    hs[k] == '_' || (hs[k] >= 'a' && hs[k] <= 'z') ||
		    (hs[k] >= 'A' && hs[k] <= 'Z') ||
		    (hs[k] >= '0' && hs[k] <= '9')))
			return err_set(e, "the node in a host's address takes "
			    "letters, digits, '.', '-' (and ':' inside [...])");
	memcpy(node, hs, (size_t)(he - hs));
	node[he - hs] = '\0';
	if (p < end) {
		long v = 0;

		if (*p != ':' || p + 1 == end)
			return err_set(e, "a host's address ends in :PORT or "
			    "nothing after the node");
		for (p++; p < end; p++) {
			if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) >
			    65535)
				return err_set(e, "the port of a host's address "
				    "is a number 1..65535");
		}
		if (v == 0)
			return err_set(e, "the port of a host's address is a "
			    "number 1..65535");
		*port = (int)v;
	}
	return 0;
}
