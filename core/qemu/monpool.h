/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monpool.h - buffers a fleet's monitor sessions hand on to each other:
 * when a session ends, its input and output buffers and its array of
 * operations go back to the pool, and the next session to start takes
 * them, so that a refresh of a thousand instances does not malloc and
 * free them a thousand times.  The pool keeps at most MONPOOL_KEEP of
 * each kind, and none larger than a session commonly needs (what does
 * not fit is freed): between refreshes it holds what MONPOOL_KEEP
 * sessions held, not what the fleet's idle mons would.
 *
 * The pool is its owner's (a fleet's, fleetpoll.c), who makes it zeroed
 * (monpool_init) and frees it with monpool_free after the last mon that
 * uses it (mon_set_pool) is freed or reset.  No locking: one thread. */
#ifndef SLOTSCOPE_MONPOOL_H
#define SLOTSCOPE_MONPOOL_H

#include <stddef.h>

#define MONPOOL_KEEP 64

enum monpool_kind { MONPOOL_IN, MONPOOL_OUT, MONPOOL_OPS, MONPOOL_NKIND };

struct monpool_buf {
	void *p;
	size_t cap;		/* bytes */
};

struct monpool {
	struct monpool_buf b[MONPOOL_NKIND][MONPOOL_KEEP];
	size_t n[MONPOOL_NKIND];
};

void monpool_init(struct monpool *pl);
void monpool_free(struct monpool *pl);
/* A kept buffer of at least want bytes (*cap: its size), or NULL when
 * none is kept (the caller mallocs).  The caller owns it. */
void *monpool_take(struct monpool *pl, enum monpool_kind k, size_t want,
    size_t *cap);
/* Buffer p of cap bytes (may be NULL) back: kept, or freed when the
 * pool is full or p larger than a session of this kind needs. */
void monpool_give(struct monpool *pl, enum monpool_kind k, void *p,
    size_t cap);

#endif
