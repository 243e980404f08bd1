/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_store.c - the runtime store: atomic writes, the lock, corrupt and
 * symlinked files, modes, defaults, and a kill -9 crash test. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "store/store.h"
#include "testutil.h"

static char *tmp;	/* each test's temp dir */
TU_TMPDIR_FIXTURE(tmp, tmp)

static char *
path(const char *rel)
{
	return tu_path(tmp, rel);
}

static void
write_file(const char *p, const char *txt)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(txt, f);
	fclose(f);
}

static char *
read_file(const char *p)
{
	FILE *f = fopen(p, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct store_dev
mkdev(const char *id, const char *type, int slot)
{
	struct store_dev d;

	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "%s", id);
	snprintf(d.type, sizeof d.type, "%s", type);
	d.slot = slot;
	d.state = STORE_DEV_PLUGGED;
	return d;
}

START_TEST(default_dir_rule)
{
	char out[4096];
	struct err e;
	char *home = tu_env_save("HOME"), *xdg = tu_env_save("XDG_STATE_HOME");

	ck_assert_int_eq(store_default_dir_as(1, out, sizeof out, &e), 0);
	ck_assert_str_eq(out, "/var/lib/slotscope");
	setenv("XDG_STATE_HOME", "/x/state", 1);
	ck_assert_int_eq(store_default_dir_as(0, out, sizeof out, &e), 0);
	ck_assert_str_eq(out, "/x/state/slotscope");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/op", 1);
	ck_assert_int_eq(store_default_dir_as(0, out, sizeof out, &e), 0);
	ck_assert_str_eq(out, "/home/op/.local/state/slotscope");
	unsetenv("HOME");
	ck_assert_int_eq(store_default_dir_as(0, out, sizeof out, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "--runtime-dir"));
	tu_env_restore("HOME", home);
	tu_env_restore("XDG_STATE_HOME", xdg);
}
END_TEST

START_TEST(names)
{
	struct err e;

	ck_assert_int_eq(store_check_name("web1.example.com", &e), 0);
	ck_assert_int_eq(store_check_name("a_b-c", &e), 0);
	ck_assert_int_eq(store_check_name("", &e), -1);
	ck_assert_int_eq(store_check_name("../etc", &e), -1);
	ck_assert_int_eq(store_check_name("a/b", &e), -1);
	ck_assert_int_eq(store_check_name("-x", &e), -1);
	ck_assert_int_eq(store_check_name("a b", &e), -1);
	ck_assert_int_eq(store_check_name(
	    "a123456789012345678901234567890123456789012345678901234567890123",
	    &e), -1);
}
END_TEST

START_TEST(missing_file_is_fresh_default)
{
	struct store_rt rt;
	struct err e;
	char s[33];

	/* No dir at all, then a dir without the file. */
	ck_assert_int_eq(store_load(path("nodir"), "web1", &rt, &e), 0);
	ck_assert_int_eq(rt.fresh, 1);
	slotmap_to_string(&rt.reserved, s);
	ck_assert_str_eq(s, "11110000000000000000000000000000");
	ck_assert_uint_eq(rt.ndev, 0);
	store_rt_free(&rt);
	ck_assert_int_eq(store_load(tmp, "web1", &rt, &e), 0);
	ck_assert_int_eq(rt.fresh, 1);
	store_rt_free(&rt);
	/* store_load never creates anything. */
	ck_assert_int_eq(access(path("nodir"), F_OK), -1);
}
END_TEST

START_TEST(commit_round_trip_and_modes)
{
	struct store_txn t;
	struct store_rt rt;
	struct store_dev d, *p;
	struct stat st;
	struct err e;
	char s[33];
	const char *dir = path("a/b/rt");

	umask(022);
	ck_assert_int_eq(store_open_locked(dir, "web1", &t, 1000, &e), 0);
	ck_assert_int_eq(t.rt.fresh, 1);
	ck_assert_int_eq(slotmap_reserve(&t.rt.reserved, 7, &e), 0);
	d = mkdev("nic-6f1a2b3c-pci-5", "nic", 5);
	snprintf(d.uuid, sizeof d.uuid, "6f1a2b3c-0000-4000-8000-000000000001");
	snprintf(d.driver, sizeof d.driver, "virtio-net-pci");
	snprintf(d.mac, sizeof d.mac, "52:54:00:12:34:56");
	d.backend.kind = STORE_BK_USER;
	snprintf(d.backend.netdev, sizeof d.backend.netdev, "hostnet-6f1a2b3c");
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	d = mkdev("disk-0d4e5f60-pci-0", "disk", 0);
	d.state = STORE_DEV_UNPLUGGING;
	d.backend.kind = STORE_BK_FILE;
	snprintf(d.backend.path, sizeof d.backend.path, "/srv/a \"b\".img");
	snprintf(d.backend.format, sizeof d.backend.format, "qcow2");
	snprintf(d.backend.drive, sizeof d.backend.drive, "drive-0d4e5f60");
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	ck_assert_int_eq(store_commit(&t, &e), 0);
	ck_assert_int_eq(t.lockfd, -1);

	ck_assert_int_eq(stat(path("a/b/rt/web1.json"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(stat(path("a"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);

	ck_assert_int_eq(store_load(dir, "web1", &rt, &e), 0);
	ck_assert_int_eq(rt.fresh, 0);
	slotmap_to_string(&rt.reserved, s);
	ck_assert_str_eq(s, "11110001000000000000000000000000");
	ck_assert_uint_eq(rt.ndev, 2);
	p = store_find_slot(&rt, 5);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->id, "nic-6f1a2b3c-pci-5");
	ck_assert_str_eq(p->uuid, "6f1a2b3c-0000-4000-8000-000000000001");
	ck_assert_str_eq(p->mac, "52:54:00:12:34:56");
	ck_assert_str_eq(p->driver, "virtio-net-pci");
	ck_assert_int_eq(p->backend.kind, STORE_BK_USER);
	ck_assert_str_eq(p->backend.netdev, "hostnet-6f1a2b3c");
	ck_assert_int_eq(p->state, STORE_DEV_PLUGGED);
	p = store_find_id(&rt, "disk-0d4e5f60-pci-0");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->slot, 0);
	ck_assert_int_eq(p->state, STORE_DEV_UNPLUGGING);
	ck_assert_str_eq(p->backend.path, "/srv/a \"b\".img");
	ck_assert_str_eq(p->backend.format, "qcow2");
	ck_assert_int_eq(p->backend.kind, STORE_BK_FILE);
	store_rt_free(&rt);
	/* No temp file left behind; the lock file stays. */
	ck_assert_int_eq(access(path("a/b/rt/web1.lock"), F_OK), 0);
	{
		char *out;

		setenv("T", dir, 1);
		ck_assert_int_eq(tu_run("ls -A1 \"$T\" | sort | tr '\\n' ' '",
		    &out), 0);
		ck_assert_str_eq(out, "web1.json web1.lock ");
		free(out);
	}
}
END_TEST

/* The intent journal: store_save keeps the lock, intents round-trip as
 * format 2, a file without intents is format 1 (older readers keep
 * reading it), and a format-1 file reads as having none. */
START_TEST(journal_round_trip)
{
	struct store_txn t;
	struct store_rt rt;
	struct store_intent in;
	struct err e;
	char *txt;
	const char *dir = path("rt");

	ck_assert_int_eq(store_open_locked(dir, "web1", &t, 1000, &e), 0);
	memset(&in, 0, sizeof in);
	in.op = STORE_OP_HOTPLUG;
	in.step = STORE_STEP_BACKEND;
	in.dev = mkdev("nic-6f1a2b3c-pci-5", "nic", 5);
	in.dev.backend.kind = STORE_BK_USER;
	snprintf(in.dev.backend.netdev, sizeof in.dev.backend.netdev,
	    "hostnet-6f1a2b3c-pci-5");
	ck_assert_int_eq(store_add_intent(&t.rt, &in, &e), 0);
	ck_assert_int_eq(store_add_intent(&t.rt, &in, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "already under way"));
	ck_assert_int_eq(store_save(&t, &e), 0);
	ck_assert_int_ge(t.lockfd, 0);		/* still held */
	txt = read_file(path("rt/web1.json"));
	ck_assert_ptr_nonnull(strstr(txt, "\"format\": 2"));
	ck_assert_ptr_nonnull(strstr(txt, "\"op\": \"hotplug\""));
	free(txt);
	ck_assert_int_eq(store_load(dir, "web1", &rt, &e), 0);
	ck_assert_uint_eq(rt.nintent, 1);
	ck_assert_int_eq(rt.intent[0].op, STORE_OP_HOTPLUG);
	ck_assert_int_eq(rt.intent[0].step, STORE_STEP_BACKEND);
	ck_assert_int_eq(rt.intent[0].pid, (long)getpid());
	ck_assert_int_gt(rt.intent[0].started, 0);
	ck_assert_str_eq(rt.intent[0].dev.backend.netdev,
	    "hostnet-6f1a2b3c-pci-5");
	ck_assert_uint_eq(rt.ndev, 0);
	store_rt_free(&rt);
	/* the step advances; then the result drops the intent */
	store_find_intent(&t.rt, "nic-6f1a2b3c-pci-5")->step =
	    STORE_STEP_DEVICE;
	ck_assert_int_eq(store_save(&t, &e), 0);
	ck_assert_int_eq(store_load(dir, "web1", &rt, &e), 0);
	ck_assert_int_eq(rt.intent[0].step, STORE_STEP_DEVICE);
	store_rt_free(&rt);
	ck_assert_int_eq(store_add_dev(&t.rt, &in.dev, &e), 0);
	store_drop_intent(&t.rt, "nic-6f1a2b3c-pci-5");
	ck_assert_uint_eq(t.rt.nintent, 0);
	ck_assert_int_eq(store_commit(&t, &e), 0);
	txt = read_file(path("rt/web1.json"));
	ck_assert_ptr_nonnull(strstr(txt, "\"format\": 1"));
	ck_assert_ptr_null(strstr(txt, "intents"));
	free(txt);
	/* intents in a format-1 file are not read */
	write_file(path("rt/web1.json"), "{\"format\": 1, \"instance\": "
	    "\"web1\", \"reservations\": \"11110000000000000000000000000000\","
	    " \"intents\": 7}");
	ck_assert_int_eq(store_load(dir, "web1", &rt, &e), 0);
	ck_assert_uint_eq(rt.nintent, 0);
	store_rt_free(&rt);
}
END_TEST

/* Entries of dir other than . and .. */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* The fsyncs a write makes: STORE_SYNC_ALL the temp file's and the
 * directory's, STORE_SYNC_DATA the temp file's only; both replace the
 * file whole (renamed over it, no temp file left) and keep the lock. */
START_TEST(save_sync_counts)
{
	struct store_txn t;
	struct store_rt rt;
	struct err e;
	const char *dir = path("rt");
	int n;

	ck_assert_int_eq(store_open_locked(dir, "web1", &t, 1000, &e), 0);
	ck_assert_int_eq(t.syncs, 0);
	ck_assert_int_eq(store_add_dev(&t.rt, &(struct store_dev){ .id =
	    "nic-6f1a2b3c-pci-5", .type = "nic", .slot = 5 }, &e), 0);
	ck_assert_int_eq(store_save(&t, &e), 0);
	ck_assert_int_eq(t.syncs, 2);
	ck_assert_int_eq(store_add_dev(&t.rt, &(struct store_dev){ .id =
	    "nic-6f1a2b3c-pci-6", .type = "nic", .slot = 6 }, &e), 0);
	ck_assert_int_eq(store_save_sync(&t, STORE_SYNC_DATA, &e), 0);
	ck_assert_int_eq(t.syncs, 3);
	ck_assert_int_ge(t.lockfd, 0);		/* still held */
	ck_assert_int_eq(store_load(dir, "web1", &rt, &e), 0);
	ck_assert_uint_eq(rt.ndev, 2);
	ck_assert_ptr_nonnull(store_find_id(&rt, "nic-6f1a2b3c-pci-6"));
	store_rt_free(&rt);
	ck_assert_int_eq(store_save_sync(&t, STORE_SYNC_ALL, &e), 0);
	ck_assert_int_eq(t.syncs, 5);
	store_abort(&t);
	n = count_entries(dir);
	ck_assert_int_eq(n, 2);		/* web1.json, web1.lock */
}
END_TEST

START_TEST(abort_writes_nothing)
{
	struct store_txn t;
	struct err e;

	ck_assert_int_eq(store_open_locked(tmp, "web1", &t, 0, &e), 0);
	ck_assert_int_eq(slotmap_reserve(&t.rt.reserved, 9, &e), 0);
	store_abort(&t);
	ck_assert_int_eq(access(path("web1.json"), F_OK), -1);
	/* and the lock is free again */
	ck_assert_int_eq(store_open_locked(tmp, "web1", &t, 0, &e), 0);
	store_abort(&t);
}
END_TEST

START_TEST(add_dev_rules)
{
	struct store_rt rt;
	struct store_dev d;
	struct err e;

	store_rt_init(&rt, "web1");
	d = mkdev("nic-6f1a2b3c-pci-5", "nic", 5);
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), 0);
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "already has a device"));
	d = mkdev("nic-11111111-pci-5", "nic", 5);
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "slot 5"));
	d = mkdev("nic-11111111-pci-32", "nic", 32);
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), -1);
	d = mkdev("a b", "nic", 6);
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), -1);
	d = mkdev("nic-11111111-pci-6", "n1c", 6);
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), -1);
	d = mkdev("nic-11111111-pci-6", "nic", 6);
	snprintf(d.uuid, sizeof d.uuid, "not-a-uuid");
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "uuid"));
	ck_assert_uint_eq(rt.ndev, 1);
	ck_assert_int_eq(store_remove_dev(&rt, "nic-6f1a2b3c-pci-5", &e), 0);
	ck_assert_uint_eq(rt.ndev, 0);
	ck_assert_int_eq(store_remove_dev(&rt, "nic-6f1a2b3c-pci-5", &e), -1);
	store_rt_free(&rt);
}
END_TEST

static const char *good =
    "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
    "\"11110000000000000000000000000001\", \"future-key\": [1, 2],"
    " \"devices\": [{\"id\": \"nic-6f1a2b3c-pci-5\", \"type\": \"nic\","
    " \"slot\": 5, \"state\": \"plugged\"}]}";

/* The parse cache: the same bytes are answered from it (seen here by a
 * mark put into the cached copy), other bytes -- even of the same length,
 * a moment later -- are parsed again; a load of another instance leaves
 * it, a locked open takes it over. */
START_TEST(cache_same_bytes_only)
{
	static const char *other =
	    "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	    "\"11110000000000000000000000000010\", \"future-key\": [1, 2],"
	    " \"devices\": [{\"id\": \"nic-6f1a2b3c-pci-6\", \"type\": \"nic\","
	    " \"slot\": 6, \"state\": \"plugged\"}]}";
	struct store_cache c;
	struct store_txn t;
	struct store_rt rt;
	struct err e;

	ck_assert_uint_eq(strlen(other), strlen(good));
	store_cache_init(&c);
	write_file(path("web1.json"), good);
	ck_assert_int_eq(store_load_cached(&c, tmp, "web1", &rt, &e), 0);
	ck_assert_ptr_nonnull(c.text);
	ck_assert_str_eq(c.inst, "web1");
	ck_assert_ptr_nonnull(store_find_id(&rt, "nic-6f1a2b3c-pci-5"));
	ck_assert_int_eq(rt.fresh, 0);
	store_rt_free(&rt);
	c.rt.dev[0].slot = 7;		/* the mark */
	ck_assert_int_eq(store_load_cached(&c, tmp, "web1", &rt, &e), 0);
	ck_assert_int_eq(rt.dev[0].slot, 7);	/* answered from c */
	ck_assert_int_eq(rt.fresh, 0);
	store_rt_free(&rt);
	write_file(path("web1.json"), other);
	ck_assert_int_eq(store_load_cached(&c, tmp, "web1", &rt, &e), 0);
	ck_assert_uint_eq(rt.ndev, 1);
	ck_assert_str_eq(rt.dev[0].id, "nic-6f1a2b3c-pci-6");
	ck_assert_int_eq(rt.dev[0].slot, 6);	/* parsed */
	ck_assert_int_eq(slotmap_is_free(&rt.reserved, 30), 0);
	ck_assert_int_eq(slotmap_is_free(&rt.reserved, 31), 1);
	store_rt_free(&rt);
	ck_assert_int_eq(c.rt.dev[0].slot, 6);	/* and kept */
	/* another instance's load leaves it ... */
	write_file(path("web2.json"), "{\"format\": 1, \"instance\": \"web2\", "
	    "\"reservations\": \"11110000000000000000000000000000\"}");
	ck_assert_int_eq(store_load_cached(&c, tmp, "web2", &rt, &e), 0);
	store_rt_free(&rt);
	ck_assert_str_eq(c.inst, "web1");
	/* ... a locked open takes it */
	ck_assert_int_eq(store_open_locked_cached(tmp, "web2", &t, 1000, &c,
	    &e), 0);
	store_abort(&t);
	ck_assert_str_eq(c.inst, "web2");
	store_cache_free(&c);
	ck_assert_ptr_null(c.text);
}
END_TEST

/* Every field of two devices, as a reader sees them. */
static int
dev_same(const struct store_dev *a, const struct store_dev *b)
{
	const struct store_backend *x = &a->backend, *y = &b->backend;

	return strcmp(a->id, b->id) == 0 && strcmp(a->type, b->type) == 0 &&
	    strcmp(a->uuid, b->uuid) == 0 && strcmp(a->bus, b->bus) == 0 &&
	    a->slot == b->slot && a->state == b->state &&
	    strcmp(a->driver, b->driver) == 0 && strcmp(a->mac, b->mac) == 0 &&
	    x->kind == y->kind && strcmp(x->netdev, y->netdev) == 0 &&
	    strcmp(x->tap, y->tap) == 0 && strcmp(x->path, y->path) == 0 &&
	    strcmp(x->format, y->format) == 0 &&
	    strcmp(x->drive, y->drive) == 0 &&
	    strcmp(x->protocol, y->protocol) == 0 &&
	    x->readonly == y->readonly && strcmp(x->cache, y->cache) == 0 &&
	    strcmp(x->aio, y->aio) == 0 &&
	    strcmp(x->discard, y->discard) == 0 &&
	    strcmp(x->serial, y->serial) == 0 &&
	    strcmp(x->bridge, y->bridge) == 0 && x->created == y->created &&
	    x->vhost == y->vhost && x->queues == y->queues;
}

/* A locked transaction's write leaves its text in the cache with the rt
 * a real parse of that text gives, also for values the text does not
 * keep (a flag of 2, one queue, a fresh instance); the next read of the
 * file is then answered from it. */
START_TEST(cache_write_as_read)
{
	struct store_cache c;
	struct store_txn t;
	struct store_rt parsed, got;
	struct store_intent in;
	struct store_dev d = mkdev("nic-6f1a2b3c-pci-5", "nic", 5);
	struct err e;
	char *txt;
	size_t i;

	store_cache_init(&c);
	ck_assert_int_eq(store_open_locked_cached(tmp, "web1", &t, 1000, &c,
	    &e), 0);
	ck_assert_int_eq(t.rt.fresh, 1);
	d.backend.kind = STORE_BK_TAP;
	d.backend.readonly = 2;
	d.backend.created = 3;
	d.backend.vhost = -1;
	d.backend.queues = 1;
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	memset(&in, 0, sizeof in);
	in.op = STORE_OP_HOTPLUG;
	in.dev = mkdev("nic-6f1a2b3c-pci-6", "nic", 6);
	in.dev.backend.queues = -4;
	ck_assert_int_ge(store_add_intent(&t.rt, &in, &e), 0);
	ck_assert_int_eq(store_save(&t, &e), 0);
	txt = read_file(path("web1.json"));
	ck_assert_ptr_nonnull(c.text);
	ck_assert_str_eq(c.text, txt);
	ck_assert_int_eq(store_parse(txt, strlen(txt), &parsed, &e), 0);
	ck_assert_int_eq(c.rt.fresh, parsed.fresh);
	ck_assert_uint_eq(c.rt.ndev, parsed.ndev);
	ck_assert_uint_eq(c.rt.nintent, parsed.nintent);
	for (i = 0; i < parsed.ndev; i++)
		ck_assert(dev_same(&c.rt.dev[i], &parsed.dev[i]));
	ck_assert(dev_same(&c.rt.intent[0].dev, &parsed.intent[0].dev));
	ck_assert_int_eq(c.rt.intent[0].pid, parsed.intent[0].pid);
	ck_assert_int_eq(c.rt.intent[0].started, parsed.intent[0].started);
	ck_assert_int_eq(c.rt.dev[0].backend.readonly, 1);
	ck_assert_int_eq(c.rt.dev[0].backend.queues, 0);
	store_abort(&t);
	/* answered from the cache: the mark shows */
	c.rt.dev[0].slot = 9;
	ck_assert_int_eq(store_load_cached(&c, tmp, "web1", &got, &e), 0);
	ck_assert_int_eq(got.dev[0].slot, 9);
	store_rt_free(&got);
	store_rt_free(&parsed);
	free(txt);
	store_cache_free(&c);
}
END_TEST

/* store_format writes exactly what jansson's indented dump of the same
 * tree writes (the layout files had when jansson wrote them), for every
 * kind of field: bridged devices, each optional backend key, intents,
 * escapes, multi-byte UTF-8, no devices at all; and it reads back to the
 * same text.  A string that is not UTF-8 is refused. */
static void
same_as_jansson(const struct store_rt *rt)
{
	struct store_rt back;
	struct err e;
	json_error_t je;
	json_t *root;
	char *txt, *ref, *again;

	txt = store_format(rt, &e);
	ck_assert_msg(txt != NULL, "%s", e.msg);
	root = json_loads(txt, 0, &je);
	ck_assert_msg(root != NULL, "%s: %s", je.text, txt);
	ref = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	ck_assert_ptr_nonnull(ref);
	ck_assert_uint_eq(strlen(txt), strlen(ref) + 1);
	ck_assert_int_eq(txt[strlen(ref)], '\n');
	ck_assert_int_eq(strncmp(txt, ref, strlen(ref)), 0);
	ck_assert_int_eq(store_parse(txt, strlen(txt), &back, &e), 0);
	again = store_format(&back, &e);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(again, txt);
	free(again);
	store_rt_free(&back);
	json_decref(root);
	free(ref);
	free(txt);
}

START_TEST(format_as_jansson_dumps)
{
	struct store_rt rt;
	struct store_intent in;
	struct store_dev d = mkdev("disk-6f1a2b3c-pci-2.1-3", "disk", 3);
	struct err e;

	store_rt_init(&rt, "web1");
	same_as_jansson(&rt);			/* "devices": [] */
	ck_assert_int_eq(store_add_dev(&rt, &(struct store_dev){ .id =
	    "nic-6f1a2b3c-pci-5", .type = "nic", .slot = 5, .mac =
	    "52:54:00:12:34:56", .driver = "virtio-net-pci", .backend = {
	    .kind = STORE_BK_TAP, .netdev = "hostnet-6f1a2b3c-pci-5", .tap =
	    "tap7", .bridge = "br0", .created = 1, .vhost = 1, .queues = 4 } },
	    &e), 0);
	snprintf(d.bus, sizeof d.bus, "2.1");
	d.state = STORE_DEV_UNPLUGGING;
	d.backend.kind = STORE_BK_FILE;
	snprintf(d.backend.path, sizeof d.backend.path, "/srv/a \"b\" \\c\t"
	    "\x01\x1f caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac/d");
	snprintf(d.backend.format, sizeof d.backend.format, "qcow2");
	snprintf(d.backend.drive, sizeof d.backend.drive, "drive-6f1a2b3c");
	snprintf(d.backend.protocol, sizeof d.backend.protocol, "file");
	d.backend.readonly = 1;
	snprintf(d.backend.cache, sizeof d.backend.cache, "none");
	snprintf(d.backend.aio, sizeof d.backend.aio, "native");
	snprintf(d.backend.discard, sizeof d.backend.discard, "unmap");
	snprintf(d.backend.serial, sizeof d.backend.serial, "S1");
	ck_assert_int_eq(store_add_dev(&rt, &d, &e), 0);
	same_as_jansson(&rt);
	memset(&in, 0, sizeof in);
	in.op = STORE_OP_UNPLUG;
	in.step = STORE_STEP_DEL;
	in.dev = d;
	ck_assert_int_eq(store_add_intent(&rt, &in, &e), 0);
	in.op = STORE_OP_HOTPLUG;
	in.step = STORE_STEP_BACKEND;
	in.dev = mkdev("nic-6f1a2b3c-pci-9", "nic", 9);
	ck_assert_int_eq(store_add_intent(&rt, &in, &e), 1);
	same_as_jansson(&rt);			/* format 2 */
	/* not UTF-8: refused, naming why */
	rt.dev[1].backend.path[3] = (char)0xff;
	ck_assert_ptr_null(store_format(&rt, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "UTF-8"));
	store_rt_free(&rt);
}
END_TEST

START_TEST(parse_good_and_unknown_keys)
{
	struct store_rt rt;
	struct err e;

	ck_assert_int_eq(store_parse(good, strlen(good), &rt, &e), 0);
	ck_assert_uint_eq(rt.ndev, 1);
	ck_assert_int_eq(slotmap_is_free(&rt.reserved, 31), 0);
	ck_assert_int_eq(rt.dev[0].backend.kind, STORE_BK_NONE);
	store_rt_free(&rt);
	/* (buf, len): the text after len is not read. */
	ck_assert_int_eq(store_parse(good, strlen(good) - 1, &rt, &e), -1);
	store_rt_free(&rt);
}
END_TEST

/* A device behind a bridge: "bus" is read and written back; the same
 * slot on another bus is another place; a file without "bus" (the good
 * one above, as older slotscopes wrote) is on the root bus. */
START_TEST(bus_round_trip)
{
	static const char two[] =
	    "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	    "\"11110000000000000000000000000000\", \"devices\": ["
	    "{\"id\": \"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", "
	    "\"slot\": 5, \"state\": \"plugged\"}, "
	    "{\"id\": \"nic-77777777-pci-2.1-5\", \"type\": \"nic\", "
	    "\"bus\": \"2.1\", \"slot\": 5, \"state\": \"plugged\"}]}";
	struct store_rt rt, back;
	struct err e;
	char *txt;

	ck_assert_int_eq(store_parse(good, strlen(good), &rt, &e), 0);
	ck_assert_str_eq(rt.dev[0].bus, "");
	store_rt_free(&rt);
	ck_assert_int_eq(store_parse(two, strlen(two), &rt, &e), 0);
	ck_assert_str_eq(rt.dev[1].bus, "2.1");
	ck_assert_ptr_eq(store_find_slot(&rt, 5), &rt.dev[0]);
	ck_assert_ptr_eq(store_find_place(&rt, "2.1", 5), &rt.dev[1]);
	ck_assert_ptr_null(store_find_place(&rt, "2", 5));
	txt = store_format(&rt, &e);
	ck_assert_ptr_nonnull(txt);
	/* the root-bus device is written without "bus", as before */
	{
		const char *b = strstr(txt, "\"bus\"");

		ck_assert_ptr_nonnull(b);
		ck_assert_ptr_null(strstr(b + 1, "\"bus\""));
	}
	ck_assert_int_eq(store_parse(txt, strlen(txt), &back, &e), 0);
	ck_assert_str_eq(back.dev[1].bus, "2.1");
	ck_assert_str_eq(back.dev[0].bus, "");
	free(txt);
	store_rt_free(&back);
	store_rt_free(&rt);
}
END_TEST

static const struct {
	const char *txt, *want;
} bad[] = {
	{ "", "bad JSON" },
	{ "[]", "not a JSON object" },
	{ "{\"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\"}", "format" },
	{ "{\"format\": 3, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\"}", "newer slotscope" },
	{ "{\"format\": 2, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"intents\": {}}",
	  "intents" },
	{ "{\"format\": 2, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"intents\": [{\"op\": "
	  "\"replug\", \"step\": \"backend\", \"device\": {\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 5, "
	  "\"state\": \"plugged\"}}]}", "unknown op" },
	{ "{\"format\": 2, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"intents\": [{\"op\": "
	  "\"hotplug\", \"step\": \"backend\", \"device\": {\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 40, "
	  "\"state\": \"plugged\"}}]}", "intent 0" },
	{ "{\"format\": 2, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"intents\": [{\"op\": "
	  "\"hotplug\", \"step\": \"backend\"}]}", "intent 0" },
	{ "{\"format\": 1, \"reservations\": "
	  "\"11110000000000000000000000000000\"}", "instance" },
	{ "{\"format\": 1, \"instance\": \"../x\", \"reservations\": "
	  "\"11110000000000000000000000000000\"}", "instance" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"1111\"}", "reservations" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"1111000000000000000000000000000x\"}", "reservations" },
	{ "{\"format\": 1, \"format\": 1, \"instance\": \"web1\"}",
	  "bad JSON" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"devices\": {}}",
	  "devices" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"devices\": [{\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 32, "
	  "\"state\": \"plugged\"}]}", "slot" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"devices\": [{\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 5, "
	  "\"state\": \"gone\"}]}", "state" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"devices\": [{\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 5, "
	  "\"state\": \"plugged\"}, {\"id\": \"nic-77777777-pci-5\", "
	  "\"type\": \"nic\", \"slot\": 5, \"state\": \"plugged\"}]}",
	  "slot 5" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"devices\": [{\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 5, "
	  "\"state\": \"plugged\", \"backend\": {\"kind\": \"vhost\"}}]}",
	  "kind" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"devices\": [{\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 5, "
	  "\"state\": \"plugged\", \"mac\": "
	  "\"52:54:00:12:34:56:52:54:00:12:34:56\"}]}", "mac" },
	{ "{\"format\": 1, \"instance\": \"web1\", \"reservations\": "
	  "\"11110000000000000000000000000000\", \"devices\": [{\"id\": "
	  "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 5, "
	  "\"bus\": \"rp5\", \"state\": \"plugged\"}]}", "bus" },
};

START_TEST(parse_bad)
{
	struct store_rt rt;
	struct err e;

	e.msg[0] = '\0';
	ck_assert_int_eq(store_parse(bad[_i].txt, strlen(bad[_i].txt), &rt,
	    &e), -1);
	store_rt_free(&rt);
	ck_assert_msg(strstr(e.msg, bad[_i].want) != NULL,
	    "case %d: '%s' does not mention '%s'", _i, e.msg, bad[_i].want);
}
END_TEST

START_TEST(corrupt_file_left_untouched)
{
	const char *junk = "{\"format\": 1, \"instance\": \"web1\", trunc";
	struct store_txn t;
	struct store_rt rt;
	struct err e;
	struct stat a, b;
	char *now;

	write_file(path("web1.json"), junk);
	ck_assert_int_eq(stat(path("web1.json"), &a), 0);
	ck_assert_int_eq(store_load(tmp, "web1", &rt, &e), -1);
	store_rt_free(&rt);
	ck_assert_ptr_nonnull(strstr(e.msg, "does not parse"));
	ck_assert_int_eq(store_open_locked(tmp, "web1", &t, 100, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "will not overwrite"));
	ck_assert_int_eq(t.lockfd, -1);
	now = read_file(path("web1.json"));
	ck_assert_str_eq(now, junk);
	free(now);
	ck_assert_int_eq(stat(path("web1.json"), &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	/* The lock was released: a good file can then be written by someone
	 * who moved the bad one away. */
	ck_assert_int_eq(rename(path("web1.json"), path("web1.json.bad")), 0);
	ck_assert_int_eq(store_open_locked(tmp, "web1", &t, 0, &e), 0);
	ck_assert_int_eq(store_commit(&t, &e), 0);
}
END_TEST

START_TEST(file_of_another_instance)
{
	struct store_rt rt;
	struct err e;

	write_file(path("web2.json"), good);	/* says "web1" */
	ck_assert_int_eq(store_load(tmp, "web2", &rt, &e), -1);
	store_rt_free(&rt);
	ck_assert_ptr_nonnull(strstr(e.msg, "belongs to instance 'web1'"));
}
END_TEST

START_TEST(symlinks_refused)
{
	struct store_txn t;
	struct store_rt rt;
	struct err e;
	char *now;

	/* The runtime file */
	write_file(path("target.json"), good);
	ck_assert_int_eq(symlink(path("target.json"), path("web1.json")), 0);
	ck_assert_int_eq(store_load(tmp, "web1", &rt, &e), -1);
	store_rt_free(&rt);
	ck_assert_ptr_nonnull(strstr(e.msg, "symlink"));
	ck_assert_int_eq(store_open_locked(tmp, "web1", &t, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "symlink"));
	now = read_file(path("target.json"));
	ck_assert_str_eq(now, good);
	free(now);
	/* The lock file */
	ck_assert_int_eq(symlink(path("elsewhere"), path("web3.lock")), 0);
	ck_assert_int_eq(store_open_locked(tmp, "web3", &t, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "symlink"));
	ck_assert_int_eq(access(path("elsewhere"), F_OK), -1);
	/* The dir */
	ck_assert_int_eq(mkdir(path("real"), 0700), 0);
	ck_assert_int_eq(symlink(path("real"), path("link")), 0);
	ck_assert_int_eq(store_open_locked(path("link"), "web1", &t, 0, &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "symlink"));
	ck_assert_int_eq(store_load(path("link"), "web1", &rt, &e), -1);
	store_rt_free(&rt);
}
END_TEST

START_TEST(stale_temp_files_removed)
{
	struct store_txn t;
	struct err e;

	write_file(path(".web1.json.abc123"), "{half");
	write_file(path(".web2.json.abc123"), "{other instance");
	ck_assert_int_eq(store_open_locked(tmp, "web1", &t, 0, &e), 0);
	ck_assert_int_eq(access(path(".web1.json.abc123"), F_OK), -1);
	ck_assert_int_eq(access(path(".web2.json.abc123"), F_OK), 0);
	store_abort(&t);
}
END_TEST

/* A second process cannot take the lock while the first holds it. */
START_TEST(lock_excludes_other_process)
{
	struct store_txn t;
	struct err e;
	pid_t pid;
	int st;

	ck_assert_int_eq(store_open_locked(tmp, "web1", &t, 0, &e), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct store_txn t2;
		struct err e2;
		int rc = store_open_locked(tmp, "web1", &t2, 150, &e2);

		_exit(rc == -1 && strstr(e2.msg, "locked") != NULL ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_int_eq(store_commit(&t, &e), 0);
	/* Released: now the other process gets it. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct store_txn t2;
		struct err e2;

		if (store_open_locked(tmp, "web1", &t2, 0, &e2) < 0)
			_exit(1);
		store_abort(&t2);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* Two processes each take the first free slot ROUNDS times: with the lock
 * no slot is taken twice and no update is lost. */
#define ROUNDS 12
START_TEST(racing_writers_never_share_a_slot)
{
	struct store_rt rt;
	struct err e;
	pid_t pid[2];
	int k, st;

	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0) {
			int r;

			for (r = 0; r < ROUNDS; r++) {
				struct store_txn t;
				struct store_dev d;
				struct err e2;
				int s;

				if (store_open_locked(tmp, "web1", &t, -1,
				    &e2) < 0)
					_exit(2);
				s = slotmap_first_free(&t.rt.reserved, 0, &e2);
				if (s < 0)
					_exit(3);
				slotmap_reserve(&t.rt.reserved, s, &e2);
				memset(&d, 0, sizeof d);
				snprintf(d.id, sizeof d.id, "nic-%08x-pci-%d",
				    (unsigned)getpid(), s);
				snprintf(d.type, sizeof d.type, "nic");
				d.slot = s;
				if (store_add_dev(&t.rt, &d, &e2) < 0)
					_exit(4);
				usleep(1000);	/* widen the race window */
				if (store_commit(&t, &e2) < 0)
					_exit(5);
			}
			_exit(0);
		}
	}
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(waitpid(pid[k], &st, 0), pid[k]);
		ck_assert(WIFEXITED(st));
		ck_assert_int_eq(WEXITSTATUS(st), 0);
	}
	ck_assert_int_eq(store_load(tmp, "web1", &rt, &e), 0);
	ck_assert_int_eq(slotmap_count(&rt.reserved), 4 + 2 * ROUNDS);
	ck_assert_uint_eq(rt.ndev, 2 * ROUNDS);
	store_rt_free(&rt);
}
END_TEST

/* Version k of the crash test's file: reservations encode k, and there are
 * k % 5 devices whose ids carry k too, so a reader can tell a complete
 * version from a mix. */
static void
make_version(struct store_rt *rt, unsigned k)
{
	unsigned i;

	rt->reserved.bits = 0xfu | ((k & 0xffffu) << 16);
	rt->ndev = 0;
	for (i = 0; i < k % 5; i++) {
		struct store_dev d;
		struct err e;

		memset(&d, 0, sizeof d);
		snprintf(d.id, sizeof d.id, "nic-%08x-pci-%u", k, 4 + i);
		snprintf(d.type, sizeof d.type, "nic");
		snprintf(d.backend.path, sizeof d.backend.path,
		    "/padding/to/make/the/file/longer/%0200u", k);
		d.backend.kind = STORE_BK_FILE;
		d.slot = (int)(4 + i);
		store_add_dev(rt, &d, &e);
	}
}

/* Returns k, or -1 when the file is not one complete version. */
static long
check_version(const struct store_rt *rt)
{
	unsigned k = (rt->reserved.bits >> 16) & 0xffffu;
	char id[64];
	size_t i;

	if ((rt->reserved.bits & 0xffffu) != 0xfu || rt->ndev != k % 5)
		return -1;
	for (i = 0; i < rt->ndev; i++) {
		snprintf(id, sizeof id, "nic-%08x-pci-%zu", k, 4 + i);
		if (strcmp(rt->dev[i].id, id) != 0)
			return -1;
	}
	return k;
}

/* Reads must always see a whole version, and versions never go back. */
static long
read_checked(long last)
{
	struct store_rt rt;
	struct err e;
	long seen = last;

	ck_assert_msg(store_load(tmp, "web1", &rt, &e) == 0, "read failed: %s",
	    e.msg);
	if (!rt.fresh) {
		seen = check_version(&rt);
		ck_assert_msg(seen >= 0, "a mixed version");
		ck_assert_int_ge(seen, last);
	}
	store_rt_free(&rt);
	return seen;
}

START_TEST(crash_kill9_writer)
{
	long last = -1;
	int round, reads = 0;

	srand((unsigned)time(NULL));
	for (round = 0; round < 25; round++) {
		long start = last;
		pid_t pid = fork();
		int st, j;

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			for (;;) {
				struct store_txn t;
				struct err e;
				unsigned k;

				if (store_open_locked(tmp, "web1", &t, -1,
				    &e) < 0)
					_exit(2);
				k = t.rt.fresh ? 1 :
				    ((t.rt.reserved.bits >> 16) & 0xffffu) + 1;
				make_version(&t.rt, k & 0xffffu);
				if (store_commit(&t, &e) < 0)
					_exit(3);
			}
		}
		/* Read while it writes, until it made progress (so every
		 * round kills a writer that is really writing) ... */
		for (j = 0; j < 5000 && last <= start; j++) {
			usleep(1000);
			last = read_checked(last);
			reads++;
		}
		ck_assert_msg(last > start, "the writer made no progress");
		/* ... then kill it at a random moment, mid-commit or not. */
		usleep((useconds_t)(rand() % 3000));
		last = read_checked(last);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFSIGNALED(st));
		last = read_checked(last);
	}
	/* at least one read per round while the writer ran (a fast writer
	 * has made progress by the first one: exactly 25 is fine) */
	ck_assert_int_ge(reads, 25);
	ck_assert_int_ge(last, 25);
}
END_TEST

Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	TCase *cr = tcase_create("crash");

	tcase_add_checked_fixture(tc, tmp_up, tmp_down);
	tcase_add_test(tc, default_dir_rule);
	tcase_add_test(tc, names);
	tcase_add_test(tc, missing_file_is_fresh_default);
	tcase_add_test(tc, commit_round_trip_and_modes);
	tcase_add_test(tc, journal_round_trip);
	tcase_add_test(tc, save_sync_counts);
	tcase_add_test(tc, cache_same_bytes_only);
	tcase_add_test(tc, format_as_jansson_dumps);
	tcase_add_test(tc, cache_write_as_read);
	tcase_add_test(tc, abort_writes_nothing);
	tcase_add_test(tc, add_dev_rules);
	tcase_add_test(tc, parse_good_and_unknown_keys);
	tcase_add_loop_test(tc, parse_bad, 0, sizeof bad / sizeof *bad);
	tcase_add_test(tc, bus_round_trip);
	tcase_add_test(tc, corrupt_file_left_untouched);
	tcase_add_test(tc, file_of_another_instance);
	tcase_add_test(tc, symlinks_refused);
	tcase_add_test(tc, stale_temp_files_removed);
	tcase_add_test(tc, lock_excludes_other_process);
	tcase_add_test(tc, racing_writers_never_share_a_slot);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(cr, tmp_up, tmp_down);
	tcase_add_test(cr, crash_kill9_writer);
	tcase_set_timeout(cr, 60);
	suite_add_tcase(s, cr);
	return s;
}
