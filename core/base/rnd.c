/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rnd.c - random bytes from getrandom(2); see rnd.h. */
#include "base/rnd.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int
rnd_bytes(void *buf, size_t n, struct err *e)
{
	unsigned char *p = buf;
	size_t got = 0;

	/* a large request or a signal may be answered in part */
	while (got < n) {
		ssize_t k = getrandom(p + got, n - got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return err_set(e, "the kernel gave no random bytes "
			    "(getrandom: %s)", k < 0 ? strerror(errno) :
			    "returned nothing");
		got += (size_t)k;
	}
	return 0;
}
