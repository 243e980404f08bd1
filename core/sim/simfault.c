/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simfault.c - the fault switches' text form ("slow=MS,cut,garbage,
 * crash=N"); see sim_fault_parse() in sim.h.  What each fault does to a
 * connection is the server's (sim.c).
 */
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>

int
sim_fault_parse(const char *spec, struct sim_fault *f, struct err *e)
{
	const char *p = spec;

	while (*p) {
		size_t n = strcspn(p, ",");
		char word[32];
		char *end;
		long v = 0;
		const char *eq;

		if (n == 0 || n >= sizeof word)
			return err_set(e, "bad fault list \"%s\": use "
			    "slow=MS,cut,garbage,crash=N", spec);
		memcpy(word, p, n);
		word[n] = '\0';
		eq = strchr(word, '=');
		if (eq) {
			v = strtol(eq + 1, &end, 10);
			if (end == eq + 1 || *end || v < 1 || v > 3600000)
				return err_set(e, "fault %s needs a number from "
				    "1 to 3600000", word);
		}
		if (strncmp(word, "slow=", 5) == 0)
			f->slow_ms = (int)v;
		else if (strncmp(word, "crash=", 6) == 0)
			f->crash_after = (int)v;
		else if (strcmp(word, "cut") == 0)
			f->cut_reply = 1;
		else if (strcmp(word, "garbage") == 0)
			f->garbage = 1;
		else
			return err_set(e, "unknown fault %s: use slow=MS, cut, "
			    "garbage or crash=N", word);
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}
