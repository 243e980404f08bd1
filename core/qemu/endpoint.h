/* SPDX-License-Identifier: GPL-3.0-or-later */
/* endpoint.h - where a QEMU monitor listens: `unix:PATH`, `tcp:HOST:PORT`,
 * or a bare PATH meaning unix.
 *
 * endpoint_parse() only checks and splits the text (no I/O);
 * endpoint_connect() opens a NON-BLOCKING socket and starts connecting.
 * Everything lives in the caller's struct endpoint; nothing is allocated.
 */
#ifndef SLOTSCOPE_ENDPOINT_H
#define SLOTSCOPE_ENDPOINT_H

#include <stddef.h>

#include "base/err.h"

#define ENDPOINT_PATH_MAX 108	/* sizeof sun_path on Linux, with the NUL */

enum endpoint_kind { ENDPOINT_UNIX, ENDPOINT_TCP };

struct endpoint {
	enum endpoint_kind kind;
	char path[ENDPOINT_PATH_MAX];	/* ENDPOINT_UNIX */
	char host[256];			/* ENDPOINT_TCP; [v6] brackets removed */
	char port[8];			/* ENDPOINT_TCP, 1..65535 in decimal */
};

/* Parse (buf, len).  Empty text, an empty path, a path too long for a unix
 * socket, a missing host or a port outside 1..65535 are refused. */
int endpoint_parse(const char *buf, size_t len, struct endpoint *ep,
    struct err *e);

/* The canonical text (`unix:PATH` / `tcp:HOST:PORT`) into out. */
void endpoint_format(const struct endpoint *ep, char *out, size_t outsz);

/* Create a non-blocking, close-on-exec socket and start connecting.
 * Returns the fd (>= 0) and sets *in_progress when the connection is still
 * being made (wait for POLLOUT, then endpoint_connect_result()); -1 with e
 * set (and errno kept) when it failed at once: EAGAIN on a unix socket
 * means the listener's queue is full.  A host name is resolved with getaddrinfo(),
 * which may block briefly: use numeric addresses in latency-critical
 * loops. */
int endpoint_connect(const struct endpoint *ep, int *in_progress,
    struct err *e);

/* After POLLOUT on a connect in progress: 0 connected, -1 failed (e set). */
int endpoint_connect_result(int fd, const struct endpoint *ep,
    struct err *e);

#endif
