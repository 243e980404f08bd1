/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fileio.h - reading a whole small file that the caller has opened and
 * checked (regular file, size within its own limit), and writing a whole
 * buffer to a file or pipe.
 *
 * Why: the runtime store and the config loader both read a file whole
 * before parsing it, and both must treat a failed read as an error rather
 * than parse a silently truncated buffer; a short write is as much a
 * failure (the agent's replies, a background job's result).
 */
#ifndef SLOTSCOPE_FILEIO_H
#define SLOTSCOPE_FILEIO_H

#include <stddef.h>

#include "base/err.h"

/* Read at most size bytes from fd (retrying EINTR) into a malloc'd buffer,
 * NUL-terminated after *len bytes; the caller frees it.  A short file is
 * fine (*len < size); a read error returns NULL with e set.  fd stays
 * open. */
char *fileio_read_fd(int fd, size_t size, size_t *len, struct err *e);

/* Write the n bytes at buf to fd, retrying EINTR and short writes: 0, or
 * -1 with errno set (a write that wrote nothing: errno as write left it).
 * For the children and agents that have nobody to tell but their status;
 * callers with a user to tell say what failed. */
int fileio_write_all(int fd, const void *buf, size_t n);

#endif
