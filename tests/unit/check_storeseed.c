/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_storeseed.c - the runtime dir and the state dir (store.h,
 * storedirs.c, storeseed.c): the default-dir rules for root and not, the
 * reservation seed (a reserve writes it, a device change does not, a
 * missing live file starts from it, one dir writes once), the migration
 * of an older slotscope's file (devices copied into the live file, the
 * seed rewritten as the map alone), and a seed that cannot be written
 * failing only a change of the map. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "testutil.h"

static char *tmp;	/* each test's temp dir: run/ and state/ in it */
TU_TMPDIR_FIXTURE(tmp, tmp)

static char *
path(const char *rel)
{
	return strdup(tu_path(tmp, rel));	/* free() it */
}

static char *
slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	ck_assert_ptr_nonnull(buf);
	if (f == NULL) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
put(const char *p, const char *txt)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(txt, f);
	fclose(f);
}

static struct store_dev
nic(const char *id, int slot)
{
	struct store_dev d;

	memset(&d, 0, sizeof d);
	snprintf(d.id, sizeof d.id, "%s", id);
	snprintf(d.type, sizeof d.type, "nic");
	d.slot = slot;
	d.state = STORE_DEV_PLUGGED;
	return d;
}

START_TEST(default_dirs)
{
	char out[4096], lng[5000];
	struct err e;

	/* the state dir: today's runtime-dir rule */
	ck_assert_int_eq(store_state_dir_for(1, "/x", "/h", out, sizeof out,
	    &e), 0);
	ck_assert_str_eq(out, "/var/lib/slotscope");
	ck_assert_int_eq(store_state_dir_for(0, "/x/state", "/h", out,
	    sizeof out, &e), 0);
	ck_assert_str_eq(out, "/x/state/slotscope");
	ck_assert_int_eq(store_state_dir_for(0, "rel", "/home/op", out,
	    sizeof out, &e), 0);
	ck_assert_str_eq(out, "/home/op/.local/state/slotscope");
	ck_assert_int_eq(store_state_dir_for(0, NULL, NULL, out, sizeof out,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "--state-dir"));
	/* the runtime dir: /run for root whatever the environment says */
	ck_assert_int_eq(store_run_dir_for(1, "/run/user/1000", "/s", out,
	    sizeof out, &e), 0);
	ck_assert_str_eq(out, "/run/slotscope");
	ck_assert_int_eq(store_run_dir_for(0, "/run/user/1000", "/s", out,
	    sizeof out, &e), 0);
	ck_assert_str_eq(out, "/run/user/1000/slotscope");
	/* unset or relative: the state dir, one dir */
	ck_assert_int_eq(store_run_dir_for(0, NULL, "/home/op/st", out,
	    sizeof out, &e), 0);
	ck_assert_str_eq(out, "/home/op/st");
	ck_assert_int_eq(store_run_dir_for(0, "run/user", "/s", out,
	    sizeof out, &e), 0);
	ck_assert_str_eq(out, "/s");
	ck_assert_int_eq(store_run_dir_for(0, "", "/s", out, sizeof out, &e),
	    0);
	ck_assert_str_eq(out, "/s");
	ck_assert_int_eq(store_run_dir_for(0, NULL, "", out, sizeof out, &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "--runtime-dir"));
	memset(lng, 'a', sizeof lng - 1);
	lng[0] = '/';
	lng[sizeof lng - 1] = '\0';
	ck_assert_int_eq(store_run_dir_for(0, lng, "/s", out, sizeof out, &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "too long"));
}
END_TEST

/* A reserve writes the seed (the map alone, format 1, synced: two fsyncs
 * more); a device added afterwards writes the live file only. */
START_TEST(reserve_writes_seed_hotplug_does_not)
{
	char *run = path("run"), *state = path("state");
	char *sp = path("state/vm1.json"), *lp = path("run/vm1.json");
	struct store_txn t;
	struct store_dev d = nic("nic-6f1a2b3c-pci-5", 5);
	struct stat st0, st1;
	struct err e;
	char *txt, *txt2;

	ck_assert_int_eq(store_open_seeded(run, state, "vm1", &t, 0, NULL,
	    &e), 0);
	ck_assert_int_eq(slotmap_reserve(&t.rt.reserved, 7, &e), 0);
	ck_assert_int_eq(store_save(&t, &e), 0);
	ck_assert_int_eq(t.syncs, 4);		/* live 2, seed 2 */
	store_abort(&t);
	txt = slurp(sp);
	ck_assert_ptr_nonnull(txt);
	ck_assert_ptr_nonnull(strstr(txt, "\"format\": 1"));
	ck_assert_ptr_nonnull(strstr(txt,
	    "\"11110001000000000000000000000000\""));
	ck_assert_ptr_nonnull(strstr(txt, "\"devices\": []"));
	ck_assert_int_eq(stat(sp, &st0), 0);
	/* a hotplug: the map unchanged, the seed untouched */
	ck_assert_int_eq(store_open_seeded(run, state, "vm1", &t, 0, NULL,
	    &e), 0);
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	ck_assert_int_eq(store_save_sync(&t, STORE_SYNC_DATA, &e), 0);
	ck_assert_int_eq(t.syncs, 1);
	store_abort(&t);
	ck_assert_int_eq(stat(sp, &st1), 0);
	ck_assert_uint_eq(st0.st_ino, st1.st_ino);	/* not replaced */
	txt2 = slurp(sp);
	ck_assert_str_eq(txt, txt2);
	free(txt2);
	txt2 = slurp(lp);
	ck_assert_ptr_nonnull(strstr(txt2, "nic-6f1a2b3c-pci-5"));
	ck_assert_ptr_nonnull(strstr(txt2,
	    "\"11110001000000000000000000000000\""));
	free(txt2);
	/* a free writes it again */
	ck_assert_int_eq(store_open_seeded(run, state, "vm1", &t, 0, NULL,
	    &e), 0);
	ck_assert_int_eq(slotmap_free(&t.rt.reserved, 7, &e), 0);
	ck_assert_int_eq(store_commit(&t, &e), 0);
	free(txt);
	txt = slurp(sp);
	ck_assert_ptr_nonnull(strstr(txt,
	    "\"11110000000000000000000000000000\""));
	free(txt);
	free(run), free(state), free(sp), free(lp);
}
END_TEST

/* After a reboot (no live file): a load and an open start from the seed,
 * still fresh; without a seed, the default map. */
START_TEST(missing_live_file_is_seeded)
{
	char *run = path("run"), *state = path("state");
	char *sp = path("state/vm1.json");
	struct store_txn t;
	struct store_rt rt;
	struct err e;

	ck_assert_int_eq(store_load_seeded(NULL, run, state, "vm1", &rt, &e),
	    0);
	ck_assert_uint_eq(rt.reserved.bits, 0xfu);	/* default 0-3 */
	ck_assert_int_eq(rt.fresh, 1);
	store_rt_free(&rt);
	ck_assert_int_eq(mkdir(state, 0700), 0);
	put(sp, "{\"format\": 1, \"instance\": \"vm1\", \"reservations\": "
	    "\"10000000000000000000000000000001\", \"devices\": []}\n");
	ck_assert_int_eq(store_load_seeded(NULL, run, state, "vm1", &rt, &e),
	    0);
	ck_assert_uint_eq(rt.reserved.bits, 0x80000001u);
	ck_assert_int_eq(rt.fresh, 1);
	ck_assert_uint_eq(rt.ndev, 0);
	store_rt_free(&rt);
	/* the same dir given as run alone reads no seed: the defaults */
	ck_assert_int_eq(store_load_seeded(NULL, run, NULL, "vm1", &rt, &e),
	    0);
	ck_assert_uint_eq(rt.reserved.bits, 0xfu);
	store_rt_free(&rt);
	ck_assert_int_eq(store_open_seeded(run, state, "vm1", &t, 0, NULL,
	    &e), 0);
	ck_assert_uint_eq(t.rt.reserved.bits, 0x80000001u);
	ck_assert_int_eq(t.rt.fresh, 1);
	/* its first write puts the seeded map in the live file, and only
	 * there */
	ck_assert_int_eq(store_commit(&t, &e), 0);
	ck_assert_int_eq(store_load(run, "vm1", &rt, &e), 0);
	ck_assert_int_eq(rt.fresh, 0);
	ck_assert_uint_eq(rt.reserved.bits, 0x80000001u);
	store_rt_free(&rt);
	/* a seed that does not parse is said, not taken for the default */
	{
		char *lp = path("run/vm1.json");

		ck_assert_int_eq(unlink(lp), 0);
		free(lp);
	}
	put(sp, "{\"format\": 1, \"instance\"");
	ck_assert_int_eq(store_load_seeded(NULL, run, state, "vm1", &rt, &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "does not parse"));
	store_rt_free(&rt);
	free(run), free(state), free(sp);
}
END_TEST

/* One dir (the same path, or another path of the same dir): the live
 * file is its own seed, written once. */
START_TEST(one_dir_writes_once)
{
	char *run = path("one"), *alias = path("one/.");
	struct store_txn t;
	struct store_rt rt;
	struct err e;
	int k;

	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(store_open_seeded(run, k ? alias : run, "vm1",
		    &t, 0, NULL, &e), 0);
		ck_assert_str_eq(t.state, "");
		ck_assert_int_eq(slotmap_reserve(&t.rt.reserved, 9 + k, &e),
		    0);
		ck_assert_int_eq(store_save(&t, &e), 0);
		ck_assert_int_eq(t.syncs, 2);
		store_abort(&t);
	}
	ck_assert_int_eq(store_load_seeded(NULL, run, alias, "vm1", &rt, &e),
	    0);
	ck_assert_uint_eq(rt.reserved.bits, 0xfu | 1u << 9 | 1u << 10);
	store_rt_free(&rt);
	free(run), free(alias);
}
END_TEST

/* An older slotscope's live file in the state dir, with a device and an
 * intent: read whole before any write; the first write copies it into
 * the runtime dir and leaves the map alone in the seed. */
START_TEST(migration_copies_then_seeds)
{
	char *run = path("run"), *state = path("state");
	char *sp = path("state/vm1.json");
	struct store_txn t;
	struct store_rt rt;
	struct err e;
	char *txt;

	ck_assert_int_eq(mkdir(state, 0700), 0);
	put(sp, "{\"format\": 2, \"instance\": \"vm1\", \"reservations\": "
	    "\"11110000100000000000000000000000\", \"devices\": [{\"id\": "
	    "\"nic-6f1a2b3c-pci-5\", \"type\": \"nic\", \"slot\": 5, "
	    "\"state\": \"plugged\", \"backend\": {\"kind\": \"user\", "
	    "\"netdev\": \"hostnet-6f1a2b3c\"}}], \"intents\": [{\"op\": "
	    "\"hotplug\", \"step\": \"backend\", \"pid\": 4711, \"started\": "
	    "1764582000, \"device\": {\"id\": \"nic-0badcafe-pci-6\", "
	    "\"type\": \"nic\", \"slot\": 6, \"state\": \"plugged\"}}]}\n");
	/* a refresh sees it as it is (the journal then resolves it) */
	ck_assert_int_eq(store_load_seeded(NULL, run, state, "vm1", &rt, &e),
	    0);
	ck_assert_uint_eq(rt.ndev, 1);
	ck_assert_uint_eq(rt.nintent, 1);
	store_rt_free(&rt);
	ck_assert_int_eq(store_open_seeded(run, state, "vm1", &t, 0, NULL,
	    &e), 0);
	ck_assert_uint_eq(t.rt.ndev, 1);
	ck_assert_uint_eq(t.rt.nintent, 1);
	ck_assert_int_eq(t.rt.fresh, 0);	/* a failure writes, never
						 * removes */
	ck_assert_int_eq(t.seed_stale, 1);
	store_drop_intent(&t.rt, "nic-0badcafe-pci-6");	/* resolved */
	ck_assert_int_eq(store_commit(&t, &e), 0);
	ck_assert_int_eq(store_load(run, "vm1", &rt, &e), 0);
	ck_assert_uint_eq(rt.ndev, 1);
	ck_assert_str_eq(rt.dev[0].id, "nic-6f1a2b3c-pci-5");
	ck_assert_uint_eq(rt.reserved.bits, 0xfu | 1u << 8);
	store_rt_free(&rt);
	txt = slurp(sp);
	ck_assert_ptr_nonnull(txt);
	ck_assert_ptr_null(strstr(txt, "nic-"));
	ck_assert_ptr_nonnull(strstr(txt, "\"format\": 1"));
	ck_assert_ptr_nonnull(strstr(txt,
	    "\"11110000100000000000000000000000\""));
	free(txt);
	/* and the next open is an ordinary one */
	ck_assert_int_eq(store_open_seeded(run, state, "vm1", &t, 0, NULL,
	    &e), 0);
	ck_assert_int_eq(t.seed_stale, 0);
	ck_assert_uint_eq(t.rt.ndev, 1);
	store_abort(&t);
	free(run), free(state), free(sp);
}
END_TEST

/* A state dir that cannot be made: a change of the map fails (the live
 * file is written, and the message says so); a device's change does
 * not. */
START_TEST(seed_failure_fails_map_changes_only)
{
	char *run = path("run"), *bad = path("file/state"), *f = path("file");
	struct store_txn t;
	struct store_dev d = nic("nic-6f1a2b3c-pci-5", 5);
	struct store_rt rt;
	struct err e;

	put(f, "not a dir\n");
	ck_assert_int_eq(store_open_seeded(run, "/proc/no/such/state", "vm1",
	    &t, 0, NULL, &e), 0);
	ck_assert_int_eq(store_add_dev(&t.rt, &d, &e), 0);
	ck_assert_int_eq(store_save(&t, &e), 0);
	ck_assert_int_eq(slotmap_reserve(&t.rt.reserved, 7, &e), 0);
	ck_assert_int_eq(store_commit(&t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "is written, but"));
	ck_assert_int_eq(store_load(run, "vm1", &rt, &e), 0);
	ck_assert_uint_eq(rt.reserved.bits, 0xfu | 1u << 7);
	store_rt_free(&rt);
	/* a state dir under a file cannot be read either: said at once */
	ck_assert_int_eq(store_open_seeded(run, bad, "vm1", &t, 0, NULL, &e),
	    -1);
	free(run), free(bad), free(f);
}
END_TEST

Suite *
storeseed_suite(void)
{
	Suite *s = suite_create("storeseed");
	TCase *tc = tcase_create("storeseed");

	tcase_add_checked_fixture(tc, tmp_up, tmp_down);
	tcase_add_test(tc, default_dirs);
	tcase_add_test(tc, reserve_writes_seed_hotplug_does_not);
	tcase_add_test(tc, missing_live_file_is_seeded);
	tcase_add_test(tc, one_dir_writes_once);
	tcase_add_test(tc, migration_copies_then_seeds);
	tcase_add_test(tc, seed_failure_fails_map_changes_only);
	suite_add_tcase(s, tc);
	return s;
}
