/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_virtlib.c - libvirt is loaded only when it is used
 * (core/virt/virtlib.h): the loader's table, its errors (no such library,
 * a library that is not libvirt), a slotscope run that uses no libvirt
 * source and maps no libvirt (the simulator's /proc/PID/maps, a batch
 * run's loader trace), and a slotscope whose libvirt.so.0 is broken
 * (an empty file bind-mounted over it, in a mount namespace of its own):
 * `--libvirt` fails with one line saying what to install, a fleet of
 * monitors works as ever.  check_libvirt has the other side: a
 * `--libvirt` run does load it.
 */
#include <check.h>
#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsproc.h"
#include "testutil.h"
#include "virt/virtlib.h"

#define NONNULL(name) ck_assert_msg(l.name != NULL, "%s not loaded", #name);
#define ISNULL(name) ck_assert_ptr_null(l.name);

START_TEST(loads_every_function)
{
	struct virtlib l;
	struct err e;

	ck_assert_msg(virtlib_load(&l, VIRTLIB_SONAME, &e) == 0, "%s", e.msg);
	ck_assert_ptr_nonnull(l.handle);
	VIRTLIB_FUNCS(NONNULL)
	/* the table calls the real thing: libvirt's own version number */
	{
		__typeof__(virGetVersion) *ver = (__typeof__(virGetVersion) *)
		    dlsym(l.handle, "virGetVersion");
		unsigned long v = 0;

		ck_assert_ptr_nonnull(ver);
		ck_assert_int_eq(ver(&v, NULL, NULL), 0);
		ck_assert_uint_ge(v, 4004000);	/* 4.4, DetachDeviceAlias */
	}
	virtlib_unload(&l);
	ck_assert_ptr_null(l.handle);
	VIRTLIB_FUNCS(ISNULL)
	virtlib_unload(&l);	/* harmless twice */
}
END_TEST

START_TEST(missing_library)
{
	struct virtlib l;
	struct err e;

	memset(&l, 0xff, sizeof l);
	ck_assert_int_eq(virtlib_load(&l, "libslotscope-none.so.0", &e), -1);
	ck_assert_msg(strstr(e.msg, "cannot load libvirt (install it: "
	    "apt-get install libvirt0): ") == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "libslotscope-none.so.0") != NULL, "%s",
	    e.msg);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
	ck_assert_ptr_null(l.handle);
	VIRTLIB_FUNCS(ISNULL)
}
END_TEST

START_TEST(not_libvirt)
{
	struct virtlib l;
	struct err e;

	/* jansson is there (slotscope links it) but has no libvirt */
	ck_assert_int_eq(virtlib_load(&l, "libjansson.so.4", &e), -1);
	ck_assert_str_eq(e.msg, "libjansson.so.4 has no virInitialize: "
	    "slotscope needs libvirt 4.4 or later (apt-get install libvirt0)");
	ck_assert_ptr_null(l.handle);
	VIRTLIB_FUNCS(ISNULL)
}
END_TEST

/* `slotscope --simulate DIR --instances 2` until SIGTERM, once vm2.qmp
 * is there. */
static pid_t
sim_start(const char *dir)
{
	char *argv[] = { (char *)tu_bin(), "--simulate", (char *)dir,
	    "--instances", "2", NULL };
	char path[4200], log[4200];
	pid_t pid;
	int i;

	snprintf(log, sizeof log, "%s/sim.log", dir);
	pid = tu_spawn(log, TU_SPAWN_NOSTDIN, argv);
	ck_assert_int_gt(pid, 0);
	snprintf(path, sizeof path, "%s/vm2.qmp", dir);
	for (i = 0; i < 500 && access(path, F_OK) != 0; i++)
		usleep(10000);
	ck_assert_int_eq(access(path, F_OK), 0);
	return pid;
}

static void
sim_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* The line of text that holds s, for a message (a static buffer), or
 * "" when none does. */
static const char *
line_with(const char *text, const char *s)
{
	static char line[512];
	const char *p = strstr(text, s), *b, *end;

	if (p == NULL)
		return "";
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	end = p + strcspn(p, "\n");
	snprintf(line, sizeof line, "%.*s", (int)(end - b), b);
	return line;
}

/* A slotscope process without libvirt use has no libvirt mapped: the
 * simulator, alive, through its maps; a batch `list` of the fleet through
 * the loader's own trace (LD_DEBUG=files names every library loaded,
 * dlopen'd ones too). */
START_TEST(unused_not_mapped)
{
	char *dir = tu_tmpdir(), *cmd, *maps, path[64];
	char *out;
	pid_t sim;

	ck_assert_ptr_nonnull(dir);
	sim = sim_start(dir);
	snprintf(path, sizeof path, "/proc/%d/maps", (int)sim);
	maps = tu_slurp(path);
	ck_assert_ptr_nonnull(maps);
	ck_assert_msg(strstr(maps, "/libjansson.so") != NULL, "no jansson "
	    "in the simulator's maps");
	ck_assert_msg(strstr(maps, "libvirt") == NULL, "the simulator maps "
	    "libvirt: %s", line_with(maps, "libvirt"));
	free(maps);
	ck_assert_int_ge(asprintf(&cmd, ": > '%s/empty' && LD_DEBUG=files "
	    "\"$SLOTSCOPE_BIN\" --config '%s/empty' --runtime-dir '%s/rt' "
	    "--monitor-dir '%s' -c list -o name,conn --noheadings", dir, dir,
	    dir, dir), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(cmd);
	ck_assert_msg(strstr(out, "vm1 ") != NULL && strstr(out, "vm2 "),
	    "no vm1, vm2 in list: %s", line_with(out, "slotscope:"));
	ck_assert_msg(strstr(out, "file=libjansson.so.4") != NULL, "no "
	    "jansson in the loader's trace");
	ck_assert_msg(strstr(out, "libvirt") == NULL, "list loaded libvirt: "
	    "%s", line_with(out, "libvirt"));
	free(out);
	sim_stop(sim);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* Where the loader finds libvirt.so.0 (a static buffer). */
static const char *
libvirt_path(void)
{
	static char path[4096];
	struct link_map *m = NULL;
	void *h = dlopen(VIRTLIB_SONAME, RTLD_NOW | RTLD_LOCAL);

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(dlinfo(h, RTLD_DI_LINKMAP, &m), 0);
	snprintf(path, sizeof path, "%s", m->l_name);
	ck_assert_msg(path[0] == '/', "%s", path);
	return path;
}

/* libvirt.so.0 broken (an empty file over it, in a mount namespace of
 * its own): --libvirt stops at once with one line saying what to
 * install, before anything is written; the monitors still work. */
START_TEST(broken_libvirt)
{
	char *dir = tu_tmpdir(), *cmd, *out, *nl;
	const char *lib = libvirt_path();
	pid_t sim;

	ck_assert_ptr_nonnull(dir);
	sim = sim_start(dir);
	ck_assert_int_ge(asprintf(&cmd, ": > '%s/empty' && unshare --mount "
	    "sh -c 'mount --bind \"$0\"/empty \"$1\" && "
	    "exec \"$SLOTSCOPE_BIN\" --config \"$0\"/empty --runtime-dir "
	    "\"$0\"/rt --libvirt qemu:///system -c list' '%s' '%s'", dir, dir,
	    lib), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 1);
	free(cmd);
	ck_assert_msg(strstr(out, "slotscope: cannot load libvirt (install "
	    "it: apt-get install libvirt0): ") == out, "%s", out);
	ck_assert_msg(strstr(out, "file too short") != NULL, "%s", out);
	nl = strchr(out, '\n');
	ck_assert_msg(nl != NULL && nl[1] == '\0', "one line: %s", out);
	free(out);
	ck_assert_int_ge(asprintf(&cmd, "test ! -e '%s/rt'", dir), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(cmd);
	free(out);
	/* the same broken libvirt: a fleet of monitors does not mind */
	ck_assert_int_ge(asprintf(&cmd, "unshare --mount sh -c 'mount --bind "
	    "\"$0\"/empty \"$1\" && exec \"$SLOTSCOPE_BIN\" --config "
	    "\"$0\"/empty --runtime-dir \"$0\"/rt --monitor-dir \"$0\" -c "
	    "list -o name,conn --noheadings' '%s' '%s'", dir, lib), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(cmd);
	ck_assert_msg(strstr(out, "vm1 ") != NULL && strstr(out, "vm2 ") &&
	    strstr(out, " ok") != NULL, "%s", out);
	free(out);
	sim_stop(sim);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

Suite *
virtlib_suite(void)
{
	Suite *s = suite_create("virtlib");
	TCase *tc = tcase_create("loader");
	static const char *const ns[] = { "unshare", "mount", NULL };
	const char *missing = tu_missing(ns);

	tcase_add_test(tc, loads_every_function);
	tcase_add_test(tc, missing_library);
	tcase_add_test(tc, not_libvirt);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, unused_not_mapped);
	suite_add_tcase(s, tc);
	if (missing == NULL && geteuid() != 0)
		missing = "not root (a mount namespace hides libvirt.so.0)";
	tc = tu_tcase_new(s, "broken", missing, NULL, NULL, 30);
	tcase_add_test(tc, broken_libvirt);
	return s;
}
