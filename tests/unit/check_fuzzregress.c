/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_fuzzregress.c - every input a fuzzer ever crashed on
 * (tests/fuzz/regressions/TARGET-what) and every seed of the corpora
 * (tests/fuzz/corpus/TARGET/) fed to the same entry points the fuzz targets
 * use, with their invariants (tests/fuzz/fuzz_TARGET.c).  Each input runs
 * in its own child so a failure names the file. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzzent.h"
#include "testutil.h"

typedef int (*entry_fn)(const uint8_t *, size_t);

static const struct {
	const char *name;
	entry_fn fn;
} targets[] = {
	{ "agent", fuzzent_agent },
	{ "cmd", fuzzent_cmd },
	{ "hmp", fuzzent_hmp },
	{ "ids", fuzzent_ids },
	{ "instsrc", fuzzent_instsrc },
	{ "mgr", fuzzent_mgr },
	{ "moncmd", fuzzent_moncmd },
	{ "qmp", fuzzent_qmp },
	{ "qmpscan", fuzzent_qmpscan },
	{ "sim", fuzzent_sim },
	{ "store", fuzzent_store },
};
#define NTARGETS (sizeof targets / sizeof targets[0])

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Feed one file to fn in a child; assert that the child returned. */
static void
feed(entry_fn fn, const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fn((const uint8_t *)buf, len);
		_exit(0);
	}
	free(buf);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "%s: the fuzz invariants failed (status 0x%x)", path, st);
}

/* Feed every file of dir whose name starts with prefix; returns how many. */
static int
feed_dir(entry_fn fn, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix,
		    strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		feed(fn, path);
		n++;
	}
	closedir(d);
	return n;
}

static char *cmd_dir;

static void
setup(void)
{
	cmd_dir = tu_tmpdir();
	setenv("FUZZ_CMD_DIR", cmd_dir, 1);
}

static void
teardown(void)
{
	tu_rmrf(cmd_dir);
	free(cmd_dir);
	unsetenv("FUZZ_CMD_DIR");
}

START_TEST(regressions)
{
	char prefix[64], dir[4096];
	size_t i;
	int n = 0;

	snprintf(dir, sizeof dir, "%s", tu_srcpath("tests/fuzz/regressions"));
	for (i = 0; i < NTARGETS; i++) {
		snprintf(prefix, sizeof prefix, "%s-", targets[i].name);
		n += feed_dir(targets[i].fn, dir, prefix);
	}
	/* every saved input belongs to a target */
	{
		DIR *d = opendir(dir);
		struct dirent *de;
		int all = 0;

		ck_assert_ptr_nonnull(d);
		while ((de = readdir(d)) != NULL)
			all += de->d_name[0] != '.';
		closedir(d);
		ck_assert_msg(all == n, "%d file(s) in %s name no fuzz target",
		    all - n, dir);
	}
	ck_assert_int_gt(n, 0);
}
END_TEST

START_TEST(seed_corpus)
{
	char dir[4096];
	int n;

	snprintf(dir, sizeof dir, "%s/%s",
	    tu_srcpath("tests/fuzz/corpus"), targets[_i].name);
	n = feed_dir(targets[_i].fn, dir, "");
	ck_assert_msg(n > 0, "no seeds in %s", dir);
}
END_TEST

Suite *
fuzzregress_suite(void)
{
	Suite *s = suite_create("fuzzregress");
	TCase *t = tcase_create("fuzzregress");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, regressions);
	tcase_add_loop_test(t, seed_corpus, 0, (int)NTARGETS);
	suite_add_tcase(s, t);
	return s;
}
