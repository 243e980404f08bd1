/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storepriv.h - what store.c shares with the reservation seed
 * (storeseed.c): the dir, the read and the atomic write of one runtime
 * file.  Not for other modules. */
#ifndef SLOTSCOPE_STOREPRIV_H
#define SLOTSCOPE_STOREPRIV_H

#include "store/store.h"

/* Open a dir of the store, refusing a symlink.  create: make it (and
 * missing parents) with mode 0700.  Returns the fd, -1 with e set, or -2
 * when the dir does not exist and create is 0. */
int store_dir_open(const char *dir, int create, struct err *e);
/* Read DIR/INST.json into rt (initialised here).  Missing: defaults, with
 * rt->fresh = 1.  Any other problem, including a parse error, fails.  c
 * (or NULL): parsed once for the same bytes; take: c is taken over
 * (store_load_cached). */
int store_read_at(int dirfd, const char *dir, const char *inst,
    struct store_rt *rt, struct store_cache *c, int take, struct err *e);
/* Replace the file name in dirfd with txt atomically (temp file, fsync,
 * rename, and with STORE_SYNC_ALL an fsync of the dir); *syncs counts
 * the fsyncs; path names the file in messages.  0; -1 when nothing
 * changed; -2 when the file was replaced but its dir not synced. */
int store_write_at(int dirfd, const char *path, const char *name,
    const char *txt, enum store_sync how, int *syncs, struct err *e);

/* storeseed.c.  An unlocked read found no live file (rt fresh, dirfd the
 * runtime dir or -2 when it does not exist): rt := the seed of state, if
 * any (still fresh). */
int store_seed_load(int dirfd, const char *run, const char *state,
    const char *inst, struct store_rt *rt, struct store_cache *c,
    struct err *e);
/* A locked open of run read the live file into t->rt: remember the
 * seed of state (t->state, seedmap, seed_stale), and when there was no live file
 * take the seed as t->rt. */
int store_seed_open(struct store_txn *t, const char *run,
    const char *state, struct err *e);
/* After a write of the live file: write the seed when it no longer holds
 * t->rt's reservations alone. */
int store_seed_save(struct store_txn *t, struct err *e);

#endif
