/* SPDX-License-Identifier: GPL-3.0-or-later */
/* blkinfo.h - the block backends QEMU has attached to devices, as
 * `query-block` + `query-named-block-nodes` (QMP) or `info block` +
 * `info block -n` (HMP) report them: for each device (its qdev id) the
 * image path, the format node's driver, the protocol node's driver (file
 * or host_device), read-only, and the cache flags -- what a hot-added
 * disk's runtime record is checked against.
 *
 * What QEMU 7.2 prints (seen on 7.2.22):
 *   query-block  [{"qdev": "/machine/peripheral/ID/virtio-backend",
 *                  "inserted": {"file": F, "drv": "qcow2", "ro": false,
 *                  "node-name": N, "cache": {"writeback": true,
 *                  "direct": false, "no-flush": false}}}, ...]
 *   query-named-block-nodes  [{"node-name", "drv", "file", "ro"}, ...]
 *                  (the protocol node under a format node has the same
 *                  "file" and drv "file" or "host_device")
 *   info block   "NAME (#blockN): F (qcow2, read-only)" then
 *                "    Attached to:      /machine/peripheral/ID/virtio-backend"
 *                "    Cache mode:       writeback, direct, ignore flushes"
 *   info block -n  "#blockM: F (host_device, read-only)" per node
 *
 * A struct blkinfo is fixed-size and caller-owned; nothing is allocated.
 */
#ifndef SLOTSCOPE_BLKINFO_H
#define SLOTSCOPE_BLKINFO_H

#include <stddef.h>

#include "base/err.h"

struct mon;

#define BLKINFO_MAX 64

struct blkinfo_dev {
	char qdev[128];		/* the device's id ("" when unattached) */
	char node[64];		/* block node / drive name */
	char file[1024];
	char format[32];	/* the format node's driver */
	char protocol[32];	/* the protocol node's driver, "" unknown */
	int ro;
	int writeback, direct, no_flush;
};

struct blkinfo {
	struct blkinfo_dev dev[BLKINFO_MAX];
	size_t n;
};

/* QMP: the "return" of query-block, then of query-named-block-nodes (for
 * the protocol drivers; may be NULL), as JSON text. */
int blkinfo_parse_qmp(const char *blocks, size_t blen, const char *nodes,
    size_t nlen, struct blkinfo *bi, struct err *e);
/* HMP: the text of `info block`, then of `info block -n` (may be NULL). */
int blkinfo_parse_hmp(const char *blocks, size_t blen, const char *nodes,
    size_t nlen, struct blkinfo *bi, struct err *e);
/* The entry attached to device id, or NULL. */
const struct blkinfo_dev *blkinfo_find(const struct blkinfo *bi,
    const char *id);
/* Ask QEMU over m and parse the answers into bi. */
int blkinfo_query(struct mon *m, struct blkinfo *bi, struct err *e);

#endif
