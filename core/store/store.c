/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store.c - the runtime store; see store.h for the layout and the rules.
 * Here: names and dirs, a runtime's devices, and the files themselves (an
 * unlocked read, the lock, the atomic commit); the JSON text is
 * storejson.c's.
 *
 * Every file is reached through an O_DIRECTORY|O_NOFOLLOW descriptor of the
 * runtime dir and openat(..., O_NOFOLLOW), so a symlink planted as the dir,
 * the runtime file or the lock file is refused instead of followed.
 */
#include "store/store.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fileio.h"
#include "base/strcopy.h"
#include "model/devid.h"
#include "store/storepriv.h"

static const char *const dev_state_names[] = { "plugged", "unplugging" };
static const char *const bk_names[] = { "none", "user", "tap", "file" };
static const char *const op_names[] = { "hotplug", "unplug" };
static const char *const step_names[] = { "backend", "device", "del" };

const char *
store_intent_op_name(enum store_intent_op o)
{
	if ((unsigned)o < sizeof op_names / sizeof *op_names)
		return op_names[o];
	return "?";
}

const char *
store_intent_step_name(enum store_intent_step s)
{
	if ((unsigned)s < sizeof step_names / sizeof *step_names)
		return step_names[s];
	return "?";
}

const char *
store_dev_state_name(enum store_dev_state s)
{
	if ((unsigned)s < sizeof dev_state_names / sizeof *dev_state_names)
		return dev_state_names[s];
	return "?";
}

const char *
store_backend_kind_name(enum store_backend_kind k)
{
	if ((unsigned)k < sizeof bk_names / sizeof *bk_names)
		return bk_names[k];
	return "?";
}

int
store_check_name(const char *name, struct err *e)
{
	size_t i, n = strlen(name);

	if (n == 0)
		return err_set(e, "empty instance name");
	if (n > STORE_NAME_MAX)
		return err_set(e, "instance name is longer than %d characters",
		    STORE_NAME_MAX);
	if (name[0] == '.' || name[0] == '-')
		return err_set(e, "instance name '%s' must not start with "
		    "'%c'", name, name[0]);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return err_set(e, "instance name '%.*s...' has a "
			    "character other than letters, digits, '.', '_' "
			    "and '-'", (int)i, name);
	}
	return 0;
}

void
store_rt_init(struct store_rt *rt, const char *inst)
{
	/* the journal's entries past nintent are never read: not cleared
	 * (they are most of the struct, and a refresh makes one each time) */
	memset(rt, 0, offsetof(struct store_rt, intent));
	rt->nintent = 0;
	strcopy(rt->inst, sizeof rt->inst, inst);
	slotmap_init_default(&rt->reserved);
	rt->fresh = 1;
}

void
store_rt_free(struct store_rt *rt)
{
	free(rt->dev);
	rt->dev = NULL;
	rt->ndev = rt->cap = 0;
}

struct store_dev *
store_find_id(const struct store_rt *rt, const char *id)
{
	size_t i;

	for (i = 0; i < rt->ndev; i++)
		if (strcmp(rt->dev[i].id, id) == 0)
			return &rt->dev[i];
	return NULL;
}

struct store_dev *
store_find_place(const struct store_rt *rt, const char *bus, int slot)
{
	size_t i;

	for (i = 0; i < rt->ndev; i++)
		if (rt->dev[i].slot == slot && strcmp(rt->dev[i].bus, bus) == 0)
			return &rt->dev[i];
	return NULL;
}

struct store_dev *
store_find_slot(const struct store_rt *rt, int slot)
{
	return store_find_place(rt, "", slot);
}

int
store_check_dev(const struct store_dev *d, struct err *e)
{
	if (devid_check_qemu_id(d->id, strlen(d->id), e) < 0)
		return err_prefix(e, "device id");
	if (devid_check_type(d->type, strlen(d->type), e) < 0)
		return err_prefix(e, "device %s: type", d->id);
	if (d->uuid[0] && !devid_valid_uuid(d->uuid, strlen(d->uuid)))
		return err_set(e, "device %s: uuid '%s' is not of the form "
		    "8-4-4-4-12 hex digits", d->id, d->uuid);
	if (slotmap_check_slot(d->slot, e) < 0)
		return err_prefix(e, "device %s", d->id);
	if (d->bus[0] != '\0' && devid_check_bus(d->bus, strlen(d->bus), e) < 0)
		return err_prefix(e, "device %s: bus", d->id);
	if (d->state != STORE_DEV_PLUGGED && d->state != STORE_DEV_UNPLUGGING)
		return err_set(e, "device %s: unknown state", d->id);
	if ((unsigned)d->backend.kind > STORE_BK_FILE)
		return err_set(e, "device %s: unknown backend kind", d->id);
	return 0;
}

int
store_add_dev(struct store_rt *rt, const struct store_dev *d, struct err *e)
{
	const struct store_dev *o;

	if (store_check_dev(d, e) < 0)
		return -1;
	if (store_find_id(rt, d->id) != NULL)
		return err_set(e, "the runtime of %s already has a device "
		    "with id %s", rt->inst, d->id);
	if ((o = store_find_place(rt, d->bus, d->slot)) != NULL)
		return err_set(e, "%s%sslot %d of %s already belongs to %s (%s)",
		    d->bus[0] ? "bus " : "", d->bus[0] ? d->bus : "",
		    d->slot, rt->inst, o->id, store_dev_state_name(o->state));
	if (rt->ndev >= STORE_MAX_DEVICES)
		return err_set(e, "the runtime of %s already holds %d devices",
		    rt->inst, STORE_MAX_DEVICES);
	if (rt->ndev == rt->cap) {
		size_t cap = rt->cap ? rt->cap * 2 : 4;
		struct store_dev *p = realloc(rt->dev, cap * sizeof *p);

		if (p == NULL)
			return err_set(e, "out of memory");
		rt->dev = p;
		rt->cap = cap;
	}
	rt->dev[rt->ndev++] = *d;
	return 0;
}

int
store_remove_dev(struct store_rt *rt, const char *id, struct err *e)
{
	struct store_dev *d = store_find_id(rt, id);
	size_t i;

	if (d == NULL)
		return err_set(e, "the runtime of %s has no device %s",
		    rt->inst, id);
	i = (size_t)(d - rt->dev);
	memmove(&rt->dev[i], &rt->dev[i + 1],
	    (rt->ndev - i - 1) * sizeof *rt->dev);
	rt->ndev--;
	return 0;
}

struct store_intent *
store_find_intent(const struct store_rt *rt, const char *id)
{
	size_t i;

	for (i = 0; i < rt->nintent; i++)
		if (strcmp(rt->intent[i].dev.id, id) == 0)
			return (struct store_intent *)&rt->intent[i];
	return NULL;
}

int
store_add_intent(struct store_rt *rt, const struct store_intent *in,
    struct err *e)
{
	struct store_intent *p;

	if (store_check_dev(&in->dev, e) < 0)
		return err_prefix(e, "intent");
	if ((unsigned)in->op > STORE_OP_UNPLUG ||
	    (unsigned)in->step > STORE_STEP_DEL)
		return err_set(e, "intent for %s: unknown operation or step",
		    in->dev.id);
	if (store_find_intent(rt, in->dev.id) != NULL)
		return err_set(e, "an operation on %s is already under way",
		    in->dev.id);
	if (rt->nintent >= STORE_MAX_INTENTS)
		return err_set(e, "%d operations on %s are already under way",
		    STORE_MAX_INTENTS, rt->inst);
	p = &rt->intent[rt->nintent];
	*p = *in;
	if (p->pid == 0)
		p->pid = (long)getpid();
	if (p->started == 0)
		p->started = (long long)time(NULL);
	return (int)rt->nintent++;
}

void
store_drop_intent(struct store_rt *rt, const char *id)
{
	struct store_intent *p = store_find_intent(rt, id);
	size_t i;

	if (p == NULL)
		return;
	i = (size_t)(p - rt->intent);
	memmove(&rt->intent[i], &rt->intent[i + 1],
	    (rt->nintent - i - 1) * sizeof *rt->intent);
	rt->nintent--;
}

/* ---- files ---- */

int
store_dir_open(const char *dir, int create, struct err *e)
{
	struct stat st;
	int fd;

	if (dir == NULL || dir[0] == '\0')
		return err_set(e, "no runtime dir given");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT && create) {
		char p[4096];
		size_t i, n = strlen(dir);

		if (n >= sizeof p)
			return err_set(e, "runtime dir path is too long");
		memcpy(p, dir, n + 1);
		for (i = 1; i <= n; i++) {
			if (p[i] != '/' && p[i] != '\0')
				continue;
			p[i] = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST)
				return err_set(e, "cannot create runtime dir "
				    "%s: %s", p, strerror(errno));
			p[i] = i == n ? '\0' : '/';
		}
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	if (errno == ENOENT && !create)
		return -2;
	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
		return err_set(e, "runtime dir %s is a symlink: refusing it; "
		    "give the real directory", dir);
	return err_set(e, "cannot open runtime dir %s: %s", dir,
	    strerror(errno));
}

static int
fname(char *out, size_t sz, const char *inst, const char *suffix,
    struct err *e)
{
	int n = snprintf(out, sz, "%s%s", inst, suffix);

	if (n < 0 || (size_t)n >= sz)
		return err_set(e, "instance name too long");
	return 0;
}

int
store_read_at(int dirfd, const char *dir, const char *inst,
    struct store_rt *rt, struct store_cache *c, int take, struct err *e)
{
	char name[STORE_NAME_MAX + 8];
	struct stat st;
	char *buf;
	size_t len = 0;
	int fd;

	store_rt_init(rt, inst);
	if (fname(name, sizeof name, inst, ".json", e) < 0)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && errno == ELOOP)
		return err_set(e, "%s/%s is a symlink: refusing it; replace it "
		    "with the real file", dir, name);
	if (fd < 0)
		return err_set(e, "cannot open %s/%s: %s", dir, name,
		    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s/%s is not a regular file; move it away",
		    dir, name);
	}
	if (st.st_size > STORE_MAX_FILE) {
		close(fd);
		return err_set(e, "%s/%s is larger than %d bytes: not a "
		    "runtime file; fix or move it", dir, name, STORE_MAX_FILE);
	}
	buf = fileio_read_fd(fd, (size_t)st.st_size, &len, e);
	close(fd);
	if (buf == NULL)
		return err_prefix(e, "%s/%s", dir, name);
	if (store_cache_get(c, dir, inst, buf, len, rt)) {
		free(buf);
		return 0;
	}
	if (store_parse(buf, len, rt, e) < 0) {
		free(buf);
		store_rt_free(rt);
		store_rt_init(rt, inst);
		return err_prefix(e, "%s/%s does not parse; fix or move it "
		    "(slotscope will not overwrite it)", dir, name);
	}
	if (strcmp(rt->inst, inst) != 0) {
		char other[sizeof rt->inst];

		free(buf);
		memcpy(other, rt->inst, sizeof other);
		store_rt_free(rt);
		store_rt_init(rt, inst);
		return err_set(e, "%s/%s belongs to instance '%s', not '%s'; "
		    "fix or move it", dir, name, other, inst);
	}
	store_cache_put(c, dir, inst, buf, len, rt, take);
	free(buf);
	return 0;
}

int
store_load(const char *dir, const char *inst, struct store_rt *rt,
    struct err *e)
{
	return store_load_cached(NULL, dir, inst, rt, e);
}

int
store_load_cached(struct store_cache *c, const char *dir, const char *inst,
    struct store_rt *rt, struct err *e)
{
	return store_load_seeded(c, dir, NULL, inst, rt, e);
}

int
store_load_seeded(struct store_cache *c, const char *run, const char *state,
    const char *inst, struct store_rt *rt, struct err *e)
{
	int dfd, rc = 0;

	store_rt_init(rt, inst);
	if (store_check_name(inst, e) < 0)
		return -1;
	dfd = store_dir_open(run, 0, e);
	if (dfd == -1)
		return -1;
	if (dfd >= 0)
		rc = store_read_at(dfd, run, inst, rt, c, 0, e);
	/* no live file: what the state dir's seed says */
	if (rc == 0 && rt->fresh)
		rc = store_seed_load(dfd, run, state, inst, rt, c, e);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* Temp files of writers that died before their rename; only called with
 * the lock held, so none of them can be in use. */
static void
remove_stale_temps(int dirfd, const char *inst)
{
	char prefix[STORE_NAME_MAX + 16];
	struct dirent *de;
	size_t pl;
	DIR *d;
	int fd = dup(dirfd);

	if (fd < 0)
		return;
	snprintf(prefix, sizeof prefix, ".%s.json.", inst);
	pl = strlen(prefix);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, pl) == 0 &&
		    strlen(de->d_name) == pl + 6)
			unlinkat(dirfd, de->d_name, 0);
	closedir(d);
}

int
store_open_locked(const char *dir, const char *inst, struct store_txn *t,
    int timeout_ms, struct err *e)
{
	return store_open_locked_cached(dir, inst, t, timeout_ms, NULL, e);
}

int
store_open_locked_cached(const char *dir, const char *inst,
    struct store_txn *t, int timeout_ms, struct store_cache *c,
    struct err *e)
{
	return store_open_seeded(dir, NULL, inst, t, timeout_ms, c, e);
}

int
store_open_seeded(const char *dir, const char *state, const char *inst,
    struct store_txn *t, int timeout_ms, struct store_cache *c,
    struct err *e)
{
	char name[STORE_NAME_MAX + 8];
	int64_t deadline = clock_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct stat st;

	memset(t, 0, sizeof *t);
	t->dirfd = t->lockfd = -1;
	store_rt_init(&t->rt, inst);
	t->openmap = t->seedmap = t->rt.reserved;
	if (store_check_name(inst, e) < 0)
		return -1;
	if (fname(name, sizeof name, inst, ".lock", e) < 0)
		return -1;
	snprintf(t->path, sizeof t->path, "%s/%s.json", dir, inst);
	t->dirfd = store_dir_open(dir, 1, e);
	if (t->dirfd < 0)
		return -1;
	t->lockfd = openat(t->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC | O_NONBLOCK, 0600);
	if (t->lockfd < 0) {
		int en = errno;

		close(t->dirfd);
		t->dirfd = -1;
		if (en == ELOOP)
			return err_set(e, "%s/%s is a symlink: refusing it",
			    dir, name);
		return err_set(e, "cannot open lock file %s/%s: %s", dir, name,
		    strerror(en));
	}
	if (fstat(t->lockfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		store_abort(t);
		return err_set(e, "%s/%s is not a regular file; move it away",
		    dir, name);
	}
	for (;;) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (flock(t->lockfd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int en = errno;

			store_abort(t);
			return err_set(e, "cannot lock %s/%s: %s", dir, name,
			    strerror(en));
		}
		if (timeout_ms >= 0 && clock_mono_ms() >= deadline) {
			store_abort(t);
			return err_set(e, "the runtime file of %s is locked by "
			    "another slotscope (waited %d ms); try again",
			    inst, timeout_ms > 0 ? timeout_ms : 0);
		}
		nanosleep(&ts, NULL);
	}
	remove_stale_temps(t->dirfd, inst);
	t->cache = c;
	if (store_read_at(t->dirfd, dir, inst, &t->rt, c, 1, e) < 0 ||
	    store_seed_open(t, dir, state, e) < 0) {
		store_abort(t);
		return -1;
	}
	t->openmap = t->rt.reserved;
	return 0;
}

int
store_discard(struct store_txn *t, struct err *e)
{
	char name[STORE_NAME_MAX + 8];

	if (t->lockfd < 0 || t->dirfd < 0)
		return err_set(e, "store_discard without store_open_locked");
	snprintf(name, sizeof name, "%s.json", t->rt.inst);
	if (unlinkat(t->dirfd, name, 0) < 0 && errno != ENOENT)
		return err_set(e, "cannot remove %s: %s", t->path,
		    strerror(errno));
	t->syncs++;
	fsync(t->dirfd);
	return 0;
}

void
store_abort(struct store_txn *t)
{
	if (t->lockfd >= 0)
		close(t->lockfd);	/* releases the flock */
	if (t->dirfd >= 0)
		close(t->dirfd);
	t->lockfd = t->dirfd = -1;
	store_rt_free(&t->rt);
}

/* What a write put in the file, into the transaction's cache. */
static void
remember(struct store_txn *t, const char *txt)
{
	const char *slash = strrchr(t->path, '/');
	char dir[sizeof t->path];

	if (t->cache == NULL || slash == NULL)
		return;
	memcpy(dir, t->path, (size_t)(slash - t->path));
	dir[slash - t->path] = '\0';
	store_cache_put(t->cache, dir, t->rt.inst, txt, strlen(txt), &t->rt,
	    1);
}

int
store_commit(struct store_txn *t, struct err *e)
{
	int rc = store_save(t, e);

	store_abort(t);
	return rc;
}

int
store_save(struct store_txn *t, struct err *e)
{
	return store_save_sync(t, STORE_SYNC_ALL, e);
}

int
store_write_at(int dirfd, const char *path, const char *name,
    const char *txt, enum store_sync how, int *syncs, struct err *e)
{
	char tmp[STORE_NAME_MAX + 16];
	int fd = -1, i, en;

	for (i = 0; i < 100 && fd < 0; i++) {
		/* six hex digits: remove_stale_temps knows the length */
		snprintf(tmp, sizeof tmp, ".%s.%06x", name,
		    (clock_seed() ^ (unsigned)i * 104729u) & 0xffffffu);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		return err_set(e, "cannot create a temp file beside %s: %s",
		    path, strerror(errno));
	if (fchmod(fd, 0600) < 0 || fileio_write_all(fd, txt, strlen(txt)) < 0) {
		en = errno;
		goto fail;
	}
	(*syncs)++;
	if (fsync(fd) < 0) {
		en = errno;
		goto fail;
	}
	if (close(fd) < 0) {
		en = errno;
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		en = errno;
		goto fail;
	}
	if (how == STORE_SYNC_DATA)
		return 0;
	(*syncs)++;
	if (fsync(dirfd) < 0) {
		err_set(e, "wrote %s but could not sync its directory: %s",
		    path, strerror(errno));
		return -2;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return err_set(e, "could not write %s (left as it was): %s", path,
	    strerror(en));
}

int
store_save_sync(struct store_txn *t, enum store_sync how, struct err *e)
{
	char name[STORE_NAME_MAX + 8];
	char *txt;
	int rc;

	if (t->lockfd < 0 || t->dirfd < 0)
		return err_set(e, "store_save without store_open_locked");
	txt = store_format(&t->rt, e);
	if (txt == NULL)
		return err_prefix(e, "not written");
	snprintf(name, sizeof name, "%s.json", t->rt.inst);
	rc = store_write_at(t->dirfd, t->path, name, txt, how, &t->syncs, e);
	if (rc != -1)
		remember(t, txt);
	free(txt);
	if (rc < 0)
		return -1;
	/* the live file first: a seed is never ahead of what it seeds
	 * from except for a change the caller is told failed */
	return store_seed_save(t, e);
}
