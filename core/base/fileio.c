/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fileio.c - see fileio.h. */
#include "base/fileio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
fileio_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

char *
fileio_read_fd(int fd, size_t size, size_t *len, struct err *e)
{
	char *buf = malloc(size + 1);
	size_t n = 0;

	if (buf == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(e, "read failed: %s", strerror(errno));
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}
