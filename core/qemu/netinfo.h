/* SPDX-License-Identifier: GPL-3.0-or-later */
/* netinfo.h - the NICs QEMU has, read from `info network` (over QMP the
 * same text through human-monitor-command): each NIC's name (its qdev id
 * when it has one, "e1000.0" for a board NIC), model, MAC, its netdev
 * peer and the number of queues.
 *
 * Why the text and not QMP's query-rx-filter: query-rx-filter lists only
 * NICs that can report an rx filter (virtio-net), and leaves out the
 * machine's own e1000, whose MAC a hotplug must not reuse either.
 * QEMU 7.2 prints one line per client: a NIC as
 *   "NAME: index=I,type=nic,model=MODEL,macaddr=MAC"
 * with its peer below it indented as " \ PEER: index=I,type=tap,fd=N";
 * a queue past the first repeats the NIC with index=1.. and no MAC; a
 * board NIC on the legacy hub shows as " \ hub0port0: e1000.0: ...".
 *
 * A struct netinfo is fixed-size and caller-owned; nothing is allocated.
 */
#ifndef SLOTSCOPE_NETINFO_H
#define SLOTSCOPE_NETINFO_H

#include <stddef.h>

#include "base/err.h"

struct mon;

#define NETINFO_MAX 64

struct netinfo_nic {
	char name[128];		/* qdev id or QEMU's name */
	char model[32];
	char mac[18];		/* lower case, "" when not printed */
	char peer[128];		/* netdev id, "" when none */
	char peer_type[16];	/* "tap", "user", "" */
	int queues;		/* 1.. */
};

struct netinfo {
	struct netinfo_nic nic[NETINFO_MAX];
	size_t n;
};

/* Parse `info network` text (buf, len) into ni (initialised here).
 * Lines it does not understand are skipped; -1 only when len is absurd. */
int netinfo_parse(const char *buf, size_t len, struct netinfo *ni,
    struct err *e);
/* The NIC named name, or NULL. */
const struct netinfo_nic *netinfo_find(const struct netinfo *ni,
    const char *name);
/* Ask QEMU over m (HMP or QMP) and parse its answer into ni. */
int netinfo_query(struct mon *m, struct netinfo *ni, struct err *e);
/* The same request queued on m (mon_add; pipe as in struct mon_req), for
 * a caller that steps m itself and then hands the reply's text to
 * netinfo_take. */
int netinfo_queue(struct mon *m, int pipe, struct err *e);
/* Parse a reply's text (NULL: none) into ni: HMP's as it is, QMP's the
 * JSON string human-monitor-command returned. */
int netinfo_take(const struct mon *m, const char *text, struct netinfo *ni,
    struct err *e);

#endif
