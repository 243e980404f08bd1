/* SPDX-License-Identifier: GPL-3.0-or-later */
/* blkopt.h - the options of a hot-added disk (cache=, aio=, discard=,
 * serial=, readonly=) as tables: what each value means to QEMU 7.2 and how
 * each protocol says it.
 *
 * cache= is the -drive shorthand.  HMP's drive_add takes it as is; QMP's
 * blockdev-add has no such option, only the node's cache.direct and
 * cache.no-flush, while the guest-visible write cache is the device's
 * write-cache property (QEMU's blockdev.c splits the shorthand the same
 * way):
 *   mode          direct  no-flush  write cache
 *   writeback     off     off       on    (QEMU's default)
 *   none          on      off       on
 *   writethrough  off     off       off
 *   directsync    on      off       off
 *   unsafe        off     on        on
 * query-block reports the three as inserted.cache {direct, no-flush,
 * writeback}; HMP's `info block` as "Cache mode: writeback, direct".
 * aio= (threads, native, io_uring) belongs to the protocol node (file or
 * host_device); QEMU refuses native without cache.direct=on.  discard=
 * (ignore, unmap) and read-only belong to the format node.  serial= is the
 * virtio-blk device's property (the guest reads at most 20 bytes).
 *
 * Static tables; nothing is allocated.
 */
#ifndef SLOTSCOPE_BLKOPT_H
#define SLOTSCOPE_BLKOPT_H

#include "base/err.h"

#define BLKOPT_SERIAL_MAX 20	/* VIRTIO_BLK_ID_BYTES */

struct blkopt_cache {
	const char *name;	/* "none" */
	int direct, no_flush, writeback;
};

/* The cache mode called name, or NULL. */
const struct blkopt_cache *blkopt_cache(const char *name);
/* The mode whose three flags these are (as query-block reports them), or
 * NULL for a combination no mode gives. */
const struct blkopt_cache *blkopt_cache_of(int direct, int no_flush,
    int writeback);

/* Each value's check: 0, or -1 with a message listing what is allowed. */
int blkopt_check_cache(const char *v, struct err *e);
int blkopt_check_aio(const char *v, struct err *e);
int blkopt_check_discard(const char *v, struct err *e);
/* 1..20 of letters, digits, '-', '_', '.' (no ',' or space: HMP). */
int blkopt_check_serial(const char *v, struct err *e);
/* on|off (also yes|no, true|false, 1|0) into *out. */
int blkopt_parse_bool(const char *key, const char *v, int *out,
    struct err *e);
/* The combination QEMU refuses: aio=native without a direct cache mode
 * (cache NULL = writeback).  -1 with QEMU's reason. */
int blkopt_check_combo(const char *cache, const char *aio, struct err *e);

#endif
