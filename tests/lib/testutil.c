/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

const char *
tu_srcpath(const char *rel)
{
	static char path[PATH_MAX];
	const char *top = getenv("SLOTSCOPE_SRCDIR");

	snprintf(path, sizeof path, "%s/%s", top ? top : ".", rel);
	return path;
}

const char *
tu_bin(void)
{
	const char *b = getenv("SLOTSCOPE_BIN");

	return b ? b : "./slotscope";
}

char *
tu_fixture(const char *rel, size_t *len)
{
	char name[PATH_MAX];
	FILE *f;
	char *buf;
	long n;

	snprintf(name, sizeof name, "tests/fixtures/%s", rel);
	f = fopen(tu_srcpath(name), "rb");
	if (f == NULL)
		ck_abort_msg("fixture %s is missing", name);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

char *
tu_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *p;

	if (asprintf(&p, "%s/slotscope-test.XXXXXX", t ? t : "/tmp") < 0)
		return NULL;
	if (mkdtemp(p) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void
tu_rmrf(const char *path)
{
	char *cmd;

	if (path == NULL || strncmp(path, "/", 1) != 0)
		return;
	if (asprintf(&cmd, "rm -rf '%s'", path) < 0)
		return;
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
	free(cmd);
}

char *
tu_path(const char *dir, const char *rel)
{
	static char p[4][PATH_MAX];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, rel);
	return p[k];
}

char *
tu_slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL)
		return strdup("<missing>");
	buf = calloc(1, 1 << 20);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

void
tu_tmpdir_up(char **dir)
{
	*dir = tu_tmpdir();
	ck_assert_ptr_nonnull(*dir);
}

void
tu_tmpdir_down(char **dir)
{
	tu_rmrf(*dir);
	free(*dir);
	*dir = NULL;
}

char *
tu_env_save(const char *name)
{
	const char *v = getenv(name);

	return v ? strdup(v) : NULL;
}

void
tu_env_restore(const char *name, char *saved)
{
	if (saved)
		setenv(name, saved, 1);
	else
		unsetenv(name);
	free(saved);
}

long
tu_ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int
tu_in_ci(void)
{
	const char *ci = getenv("CI");

	return ci != NULL && *ci != '\0' && strcmp(ci, "false") != 0 &&
	    strcmp(ci, "0") != 0;
}

int
tu_have_program(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

int
tu_run(const char *cmd, char **out)
{
	FILE *p;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char *full;
	int st;

	if (asprintf(&full, "(%s) 2>&1", cmd) < 0)
		return -1;
	p = popen(full, "r");
	free(full);
	if (p == NULL)
		return -1;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len - 1, p);
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}
