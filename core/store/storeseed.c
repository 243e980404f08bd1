/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storeseed.c - the reservation seed: the part of a runtime file that
 * outlives a reboot (store.h).
 *
 * The live file INST.json is in the runtime dir (a tmpfs: it goes with the
 * QEMUs).  Its reservation map is an operator's decision, so a copy of it
 * is kept in the state dir, as STATE/INST.json: a runtime file (format 1)
 * with the map and no devices.  It is written, with full syncs, only when
 * the map it holds is not the live one's (a reserve or a free), under the
 * runtime dir's lock, after the live file; a hotplug, whose map does not
 * change, writes the live file alone.  With no live file (after a reboot)
 * the seed is where the live one starts from; without a seed, the
 * default map.
 *
 * Migration: an older slotscope kept its live files in what is now the
 * state dir (/var/lib/slotscope).  Such a file still has devices or
 * intents; with no live file it is taken whole (after an upgrade without
 * a reboot those devices are still in QEMU, and the journal resolves the
 * intents from what QEMU has), and the first write copies it into the
 * runtime dir and then rewrites the seed as the map alone.  The live
 * file is written first, so a crash between the two leaves the devices
 * recorded somewhere.
 *
 * When the state dir is the runtime dir (the same path or the same
 * inode), the live file is its own seed: nothing here reads or writes.
 */
#include "store/storepriv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The state dir opened when it is another dir than the runtime dir's
 * (rundirfd, < 0 when that does not exist): its fd; -2 when it does not
 * exist or *one (there is no other dir); -1 on an error. */
static int
open_other(int rundirfd, const char *run, const char *state, int *one,
    struct err *e)
{
	struct stat a, b;
	int fd;

	*one = state == NULL || state[0] == '\0' || strcmp(state, run) == 0;
	if (*one)
		return -2;
	fd = store_dir_open(state, 0, e);
	if (fd < 0)
		return fd;
	if (rundirfd >= 0 && fstat(rundirfd, &a) == 0 && fstat(fd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		close(fd);
		*one = 1;
		return -2;
	}
	return fd;
}

int
store_seed_load(int dirfd, const char *run, const char *state,
    const char *inst, struct store_rt *rt, struct store_cache *c,
    struct err *e)
{
	int fd, one, rc;

	fd = open_other(dirfd, run, state, &one, e);
	if (fd == -1)
		return -1;
	if (fd < 0)
		return 0;
	rc = store_read_at(fd, state, inst, rt, c, 0, e);
	close(fd);
	rt->fresh = 1;		/* still no live file */
	return rc;
}

int
store_seed_open(struct store_txn *t, const char *run, const char *state,
    struct err *e)
{
	struct store_rt s;
	int fd, one, rc;
	size_t n;

	t->state[0] = '\0';
	t->seed_stale = 0;
	slotmap_init_default(&t->seedmap);
	fd = open_other(t->dirfd, run, state, &one, e);
	if (fd == -1)
		return -1;
	if (one)
		return 0;
	n = strlen(state);
	if (n >= sizeof t->state) {
		if (fd >= 0)
			close(fd);
		return err_set(e, "state dir path is too long");
	}
	memcpy(t->state, state, n + 1);
	if (fd < 0)
		return 0;		/* no state dir yet: no seed */
	rc = store_read_at(fd, state, t->rt.inst, &s, NULL, 0, e);
	close(fd);
	if (rc < 0 || s.fresh) {
		store_rt_free(&s);
		return rc;
	}
	t->seedmap = s.reserved;
	t->seed_stale = s.ndev > 0 || s.nintent > 0;
	if (!t->rt.fresh) {
		store_rt_free(&s);
		return 0;
	}
	/* no live file: it starts as the seed; an older slotscope's file is
	 * taken whole and is then no fresh instance (a failed operation
	 * writes it back rather than removing the live file) */
	store_rt_free(&t->rt);
	t->rt = s;
	t->rt.fresh = !t->seed_stale;
	return 0;
}

int
store_seed_save(struct store_txn *t, struct err *e)
{
	char name[STORE_NAME_MAX + 8], path[sizeof t->state + 80];
	int changed = t->rt.reserved.bits != t->openmap.bits;
	struct err e2, *ep = changed ? e : &e2;
	struct store_rt s;
	char *txt;
	int fd, rc;

	if (t->state[0] == '\0' || (!t->seed_stale &&
	    t->rt.reserved.bits == t->seedmap.bits))
		return 0;
	store_rt_init(&s, t->rt.inst);
	s.reserved = t->rt.reserved;
	txt = store_format(&s, ep);
	store_rt_free(&s);
	if (txt == NULL)
		goto fail;
	snprintf(name, sizeof name, "%s.json", t->rt.inst);
	snprintf(path, sizeof path, "%s/%s", t->state, name);
	fd = store_dir_open(t->state, 1, ep);
	if (fd < 0) {
		free(txt);
		goto fail;
	}
	rc = store_write_at(fd, path, name, txt, STORE_SYNC_ALL, &t->syncs,
	    ep);
	close(fd);
	free(txt);
	if (rc != -1) {
		t->seedmap = t->rt.reserved;
		t->seed_stale = 0;
	}
	if (rc == 0)
		return 0;
fail:
	/* a seed that only lagged behind is made right at the next write;
	 * a change of the map the caller made is said to have failed */
	if (!changed)
		return 0;
	return err_prefix(e, "%s is written, but the reservations could not "
	    "be kept in the state dir (they would not outlive a reboot)",
	    t->path);
}
