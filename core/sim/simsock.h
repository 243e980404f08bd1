/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simsock.h - the listening sockets of the simulator (used by sim.c).
 *
 * simsock_listen() binds and listens under a temporary name and then
 * renames it into place, so the socket file appears only once it accepts
 * connections: a script that waits for the file never meets "connection
 * refused".  The backlog is 1, as QEMU's chardev has.  simsock.c also
 * holds sim_raise_nofile() (declared in sim.h): many instances need many
 * descriptors.
 */
#ifndef SLOTSCOPE_SIMSOCK_H
#define SLOTSCOPE_SIMSOCK_H

#include "base/err.h"

/* A non-blocking, close-on-exec listening unix socket at path (an
 * existing file there is replaced).  The fd, or -1 with e set. */
int simsock_listen(const char *path, struct err *e);

#endif
