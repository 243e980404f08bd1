/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_install.c - `make install DESTDIR=...` and `make uninstall` run
 * for real on the build under test: the program, the man page, the bash
 * completion, the README and the example config land under PREFIX with
 * their modes and contents, the installed program runs, the example config
 * parses, and uninstall leaves no file behind.  Then the installed bash
 * completion is driven in a real bash: options, option values and, after
 * -c, commands, instance names (from the config files and the command line,
 * and monitor-dir sockets) and slots.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "store/instsrc.h"
#include "testutil.h"

static char *tmp;
static char src[PATH_MAX], bdir[PATH_MAX];

static void
setup(void)
{
	char *slash;

	tmp = tu_tmpdir();
	ck_assert_ptr_nonnull(tmp);
	snprintf(src, sizeof src, "%s", tu_srcpath(""));
	ck_assert_ptr_nonnull(realpath(tu_bin(), bdir));
	slash = strrchr(bdir, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';		/* the build dir: B=... for make */
}

static void
teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
}

/* make TARGET in the source tree, installing under tmp/root with
 * PREFIX=/usr; the output is printed when it fails. */
static void
make(const char *target)
{
	char cmd[3 * PATH_MAX + 200], *out;
	int rc;

	/* a make of our own, not a child of the one running the tests */
	snprintf(cmd, sizeof cmd, "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
	    "make -s -C '%s' B='%s' DESTDIR='%s/root' PREFIX=/usr %s", src,
	    bdir, tmp, target);
	rc = tu_run(cmd, &out);
	ck_assert_msg(rc == 0, "%s: exit %d: %s", cmd, rc, out);
	free(out);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const struct {
	const char *dest, *from;	/* from: in the tree; NULL = binary */
	unsigned mode;
} files[] = {
	{ "usr/bin/slotscope", NULL, 0755 },
	{ "usr/share/man/man1/slotscope.1", "slotscope.1", 0644 },
	{ "usr/share/bash-completion/completions/slotscope",
	  "completion/slotscope.bash", 0644 },
	{ "usr/share/doc/slotscope/README.md", "README.md", 0644 },
	{ "usr/share/doc/slotscope/examples/config", "examples/config", 0644 },
};

START_TEST(install_and_uninstall)
{
	char p[PATH_MAX], from[PATH_MAX], cmd[PATH_MAX + 64], *out;
	struct instsrc_config c;
	struct stat st;
	struct err e;
	size_t i, na, nb;

	make("install");
	for (i = 0; i < sizeof files / sizeof *files; i++) {
		char *a, *b;

		snprintf(p, sizeof p, "%s/root/%s", tmp, files[i].dest);
		ck_assert_msg(stat(p, &st) == 0, "%s not installed", p);
		ck_assert_msg(S_ISREG(st.st_mode), "%s", p);
		ck_assert_msg((st.st_mode & 07777) == files[i].mode,
		    "%s has mode %o", p, st.st_mode & 07777);
		if (files[i].from)
			snprintf(from, sizeof from, "%s", tu_srcpath(
			    files[i].from));
		else
			snprintf(from, sizeof from, "%s", tu_bin());
		a = slurp(p, &na);
		b = slurp(from, &nb);
		ck_assert_msg(na == nb && memcmp(a, b, na) == 0,
		    "%s differs from %s", p, from);
		free(a);
		free(b);
	}
	/* the installed program runs */
	snprintf(cmd, sizeof cmd, "'%s/root/usr/bin/slotscope' --version", tmp);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_str_eq(out, "slotscope 0.1.0\n");
	free(out);
	/* the example config is a config slotscope takes */
	snprintf(p, sizeof p, "%s/root/usr/share/doc/slotscope/examples/config",
	    tmp);
	instsrc_config_init(&c);
	ck_assert_msg(instsrc_load_config(p, 1, &c, &e) == 1, "%s", e.msg);
	ck_assert_uint_ge(c.inst.n, 1);
	ck_assert_str_eq(c.runtime_dir, "/run/slotscope");
	ck_assert_str_eq(c.state_dir, "/var/lib/slotscope");
	instsrc_config_free(&c);

	make("uninstall");
	snprintf(cmd, sizeof cmd, "find '%s/root' ! -type d", tmp);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(out[0] == '\0', "left after uninstall: %s", out);
	free(out);
	snprintf(p, sizeof p, "%s/root/usr/share/doc/slotscope", tmp);
	ck_assert_int_eq(stat(p, &st), -1);
}
END_TEST

static void
put(const char *path, const char *txt)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(txt, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void
sock(const char *dir, const char *name)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, name);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);		/* the socket file stays */
}

/* Each line of the driver is one completion: COMP_WORDS as bash splits the
 * line (NAME=ENDPOINT is NAME, =, ENDPOINT), the last word the one being
 * completed; it prints COMPREPLY joined with '|'. */
static const char driver[] =
    "source \"$1\"\n"
    "comp() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=();\n"
    "  _slotscope; local IFS='|'; echo \"${COMPREPLY[*]}\"; }\n"
    "C=$2/cfg; E=$2/empty; D=$2/mon\n"
    "comp slotscope --conf\n"
    "comp slotscope --machine ''\n"
    "comp slotscope --machine = p\n"
    "comp slotscope --scenario =\n"
    "comp slotscope --config $C -c \"'res\"\n"
    "comp slotscope --config $C -c \"'reserve w\"\n"
    "comp slotscope --config $C -c \"'reserve web1 3\"\n"
    "comp slotscope --config $C -c \"'hotplug web1 disk f\"\n"
    "comp slotscope --config $C -c \"'hotplug web1 nic backend=\"\n"
    "comp slotscope --config $E zz-arg = unix:/x -c \"'show z\"\n"
    "comp slotscope --config $E --monitor-dir $D -c \"'next vm\"\n"
    "comp slotscope --config = $C -c \"'free d\"\n"
    "comp slotscope --colors l\n"
    "comp slotscope -c list -o name,fr\n"
    "comp slotscope -c list --nohead\n"
    "comp slotscope -c \"'version d\"\n";

START_TEST(bash_completion)
{
	char p[PATH_MAX], cmd[3 * PATH_MAX], *out, *line, *save;
	static const char *const want[] = {
		"--config",
		"pc|pc-nodefaults|q35",
		"pc|pc-nodefaults",
		"list|full-bus|orphan-device|stuck-unplug|busy-monitor|"
		    "crashed-instance|q35|ganeti-collision",
		"'reserve ",
		"'reserve web1 ",
		"'reserve web1 3 |'reserve web1 30 |'reserve web1 31 ",
		"'hotplug web1 disk format=",
		"'hotplug web1 nic backend=user |'hotplug web1 nic backend=tap:",
		"'show zz-arg ",
		"'next vmA |'next vmB ",
		"'free db1 ",
		"light",
		"name,free",
		"--noheadings",
	};
	size_t i = 0;

	make("install");
	snprintf(p, sizeof p, "%s/cfg", tmp);
	put(p, "instance web1 unix:/run/web1.qmp  # comment\n"
	    "instance db1 tcp:127.0.0.1:4444\n");
	snprintf(p, sizeof p, "%s/empty", tmp);
	put(p, "");
	snprintf(p, sizeof p, "%s/xdg/slotscope", tmp);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s/mon'", p, tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(p, sizeof p, "%s/xdg/slotscope/config", tmp);
	put(p, "instance db-xdg /run/db.sock\n");
	snprintf(p, sizeof p, "%s/mon", tmp);
	sock(p, "vmA.qmp");
	sock(p, "vmA.monitor");
	sock(p, "vmB.monitor");
	put(strcat(p, "/vmC.serial"), "");
	snprintf(p, sizeof p, "%s/driver", tmp);
	put(p, driver);
	snprintf(cmd, sizeof cmd, "HOME='%s' XDG_CONFIG_HOME='%s/xdg' "
	    "bash --norc --noprofile '%s' "
	    "'%s/root/usr/share/bash-completion/completions/slotscope' '%s'",
	    tmp, tmp, p, tmp, tmp);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++) {
		if (i < sizeof want / sizeof *want)
			ck_assert_msg(strcmp(line, want[i]) == 0,
			    "completion %zu: got \"%s\", want \"%s\"", i, line,
			    want[i]);
		else	/* the default config (and maybe this host's /etc) */
			ck_assert_msg(strstr(line, "'version db-xdg ") != NULL,
			    "completion %zu: \"%s\" lacks db-xdg", i, line);
	}
	ck_assert_uint_eq(i, sizeof want / sizeof *want + 1);
	free(out);
}
END_TEST

Suite *
install_suite(void)
{
	static const char *const progs[] = { "make", "bash", NULL };
	Suite *s = suite_create("install");
	TCase *tc = tu_tcase_new(s, "install", tu_missing(progs), NULL, NULL,
	    60);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, install_and_uninstall);
	tcase_add_test(tc, bash_completion);
	return s;
}
