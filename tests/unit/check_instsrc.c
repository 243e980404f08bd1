/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_instsrc.c - NAME=ENDPOINT arguments, monitor-dir discovery with
 * real unix sockets, and the config file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "store/instsrc.h"
#include "testutil.h"

static char *tmp;	/* each test's temp dir */
TU_TMPDIR_FIXTURE(tmp, tmp)

START_TEST(arg_good)
{
	struct instsrc s;
	struct err e;
	const char *a = "web1=unix:/run/ganeti/web1.qmp";

	ck_assert_int_eq(instsrc_parse_arg(a, strlen(a), &s, &e), 0);
	ck_assert_str_eq(s.name, "web1");
	ck_assert_str_eq(s.endpoint, "unix:/run/ganeti/web1.qmp");
	a = "db.example.com=tcp:127.0.0.1:4444";
	ck_assert_int_eq(instsrc_parse_arg(a, strlen(a), &s, &e), 0);
	ck_assert_str_eq(s.name, "db.example.com");
	ck_assert_str_eq(s.endpoint, "tcp:127.0.0.1:4444");
	/* only len bytes count */
	a = "x=/tmp/sockXXXX";
	ck_assert_int_eq(instsrc_parse_arg(a, 11, &s, &e), 0);
	ck_assert_str_eq(s.endpoint, "/tmp/sock");
	/* '=' in the endpoint is kept */
	a = "x=/tmp/a=b";
	ck_assert_int_eq(instsrc_parse_arg(a, strlen(a), &s, &e), 0);
	ck_assert_str_eq(s.endpoint, "/tmp/a=b");
}
END_TEST

static const struct {
	const char *arg, *want;
} badargs[] = {
	{ "web1", "NAME=ENDPOINT" },
	{ "=unix:/x", "1 to 63" },
	{ "web1=", "empty monitor endpoint" },
	{ "we b1=unix:/x", "character" },
	{ "../x=unix:/x", "must not start" },
	{ "web1=unix:", "no address" },
	{ "web1=tcp:", "no address" },
	{ "web1=unix:/a b", "blank" },
	{ "web1=unix:/a\tb", "blank" },
	{ "a1234567890123456789012345678901234567890123456789012345678901234"
	  "=/x", "1 to 63" },
};

START_TEST(arg_bad)
{
	struct instsrc s;
	struct err e;

	e.msg[0] = '\0';
	ck_assert_int_eq(instsrc_parse_arg(badargs[_i].arg,
	    strlen(badargs[_i].arg), &s, &e), -1);
	ck_assert_msg(strstr(e.msg, badargs[_i].want) != NULL,
	    "'%s': '%s' lacks '%s'", badargs[_i].arg, e.msg, badargs[_i].want);
}
END_TEST

START_TEST(arg_endpoint_too_long)
{
	char a[400];
	struct instsrc s;
	struct err e;

	memset(a, 'p', sizeof a);
	memcpy(a, "x=/", 3);
	ck_assert_int_eq(instsrc_parse_arg(a, sizeof a, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));
}
END_TEST

START_TEST(list_rules)
{
	struct instsrc_list l;
	struct err e;

	instsrc_list_init(&l);
	ck_assert_int_eq(instsrc_list_add(&l, "a", "unix:/a", &e), 0);
	ck_assert_int_eq(instsrc_list_add(&l, "b", "/b", &e), 0);
	ck_assert_int_eq(instsrc_list_add(&l, "a", "/c", &e), -1);
	ck_assert_str_eq(e.msg, "instance a is given twice");
	ck_assert_int_eq(instsrc_list_find(&l, "b"), 1);
	ck_assert_int_eq(instsrc_list_find(&l, "c"), -1);
	ck_assert_uint_eq(l.n, 2);
	instsrc_list_free(&l);
}
END_TEST

static void
mksock(const char *name)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", tmp, name);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);	/* the socket file stays */
}

static void
mkfile(const char *name)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", tmp, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
}

START_TEST(scan_ganeti_dir)
{
	struct instsrc_list l;
	struct err e;
	char want[4096];

	mksock("web2.example.com.monitor");
	mksock("web2.example.com.qmp");
	mksock("web2.example.com.serial");
	mksock("web2.example.com.kvmd");
	mksock("db1.monitor");		/* HMP only */
	mksock("aa.qmp");		/* explicit argument wins */
	mkfile("notsock.qmp");		/* not a socket */
	mksock(".qmp");			/* no name */
	mksock("-bad.qmp");		/* not a storable name */
	mkfile("zz.monitor.old");
	instsrc_list_init(&l);
	ck_assert_int_eq(instsrc_list_add(&l, "aa", "tcp:127.0.0.1:1", &e),
	    0);
	ck_assert_int_eq(instsrc_scan_dir(tmp, &l, &e), 2);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].name, "aa");
	ck_assert_str_eq(l.v[0].endpoint, "tcp:127.0.0.1:1");
	ck_assert_str_eq(l.v[1].name, "db1");
	snprintf(want, sizeof want, "unix:%s/db1.monitor", tmp);
	ck_assert_str_eq(l.v[1].endpoint, want);
	ck_assert_str_eq(l.v[2].name, "web2.example.com");
	snprintf(want, sizeof want, "unix:%s/web2.example.com.qmp", tmp);
	ck_assert_str_eq(l.v[2].endpoint, want);
	/* again: everything is known, nothing added */
	ck_assert_int_eq(instsrc_scan_dir(tmp, &l, &e), 0);
	instsrc_list_free(&l);
}
END_TEST

START_TEST(scan_missing_dir)
{
	struct instsrc_list l;
	struct err e;

	instsrc_list_init(&l);
	ck_assert_int_eq(instsrc_scan_dir("/nonexistent/ctrl", &l, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/ctrl"));
	ck_assert_uint_eq(l.n, 0);
	/* The Ganeti default is only tried: absent, it adds nothing. */
	if (access(INSTSRC_GANETI_DIR, F_OK) != 0)
		ck_assert_int_eq(instsrc_scan_default(&l, &e), 0);
	else
		ck_assert_int_ge(instsrc_scan_default(&l, &e), 0);
	instsrc_list_free(&l);
}
END_TEST

START_TEST(config_good)
{
	const char *txt =
	    "# slotscope config\n"
	    "\n"
	    "instance web1 unix:/run/web1.qmp\n"
	    "  instance\tdb1   tcp:127.0.0.1:4444   # the database\r\n"
	    "monitor-dir /var/run/ganeti/kvm-hypervisor/ctrl\n"
	    "monitor-dir /srv/ctrl\n"
	    "runtime-dir /var/lib/slotscope\n"
	    "audit-log /var/log/slotscope.log\n"
	    "interval 2.5\n"
	    "audit-syslog off\n"
	    "monitor-timeout 750";		/* no final newline */
	struct instsrc_config c;
	struct err e;

	instsrc_config_init(&c);
	ck_assert_msg(instsrc_parse_config(txt, strlen(txt), &c, &e) == 0,
	    "%s", e.msg);
	ck_assert_uint_eq(c.inst.n, 2);
	ck_assert_str_eq(c.inst.v[0].name, "web1");
	ck_assert_str_eq(c.inst.v[0].endpoint, "unix:/run/web1.qmp");
	ck_assert_str_eq(c.inst.v[1].name, "db1");
	ck_assert_str_eq(c.inst.v[1].endpoint, "tcp:127.0.0.1:4444");
	ck_assert_int_eq(c.nmonitor_dir, 2);
	ck_assert_str_eq(c.monitor_dir[1], "/srv/ctrl");
	ck_assert_str_eq(c.runtime_dir, "/var/lib/slotscope");
	ck_assert_str_eq(c.audit_log, "/var/log/slotscope.log");
	ck_assert(c.interval == 2.5);
	ck_assert_int_eq(c.monitor_timeout_ms, 750);
	ck_assert_int_eq(c.audit_syslog, -1);
	instsrc_config_free(&c);
	instsrc_config_init(&c);
	ck_assert_int_eq(c.audit_syslog, 0);
	ck_assert_int_eq(instsrc_parse_config("audit-syslog on", 15, &c, &e),
	    0);
	ck_assert_int_eq(c.audit_syslog, 1);
	instsrc_config_free(&c);
	/* empty text is an empty config */
	instsrc_config_init(&c);
	ck_assert_int_eq(instsrc_parse_config("", 0, &c, &e), 0);
	ck_assert_uint_eq(c.inst.n, 0);
	ck_assert_str_eq(c.runtime_dir, "");
	instsrc_config_free(&c);
}
END_TEST

static const struct {
	const char *txt, *want;
} badcfg[] = {
	{ "instance web1\n", "config line 1: instance takes NAME ENDPOINT" },
	{ "\n\nfrobnicate 1\n", "config line 3: unknown directive "
	  "'frobnicate'" },
	{ "instance a /x\ninstance a /y\n", "config line 2: instance a is "
	  "given twice" },
	{ "interval fast\n", "config line 1: interval (seconds) must be" },
	{ "interval 0\n", "from 0.1 to 3600" },
	{ "interval 5000\n", "from 0.1 to 3600" },
	{ "interval nan\n", "interval" },
	{ "monitor-timeout 100.5\n", "whole number" },
	{ "monitor-timeout 5\n", "from 10 to 60000" },
	{ "runtime-dir\n", "runtime-dir takes one value" },
	{ "runtime-dir /a b\n", "runtime-dir takes one value" },
	{ "instance ../x /y\n", "config line 1: instance name" },
	{ "instance x unix:\n", "no address" },
	{ "instance x /y\x01\n", "control character" },
	{ "a b c d e\n", "too many words" },
	{ "audit-syslog yes\n", "config line 1: audit-syslog takes on or off, "
	  "not 'yes'" },
	{ "audit-syslog\n", "audit-syslog takes one value" },
};

START_TEST(config_bad)
{
	struct instsrc_config c;
	struct err e;

	instsrc_config_init(&c);
	e.msg[0] = '\0';
	ck_assert_int_eq(instsrc_parse_config(badcfg[_i].txt,
	    strlen(badcfg[_i].txt), &c, &e), -1);
	ck_assert_msg(strstr(e.msg, badcfg[_i].want) != NULL,
	    "case %d: '%s' lacks '%s'", _i, e.msg, badcfg[_i].want);
	instsrc_config_free(&c);
}
END_TEST

START_TEST(config_long_value)
{
	char txt[2100];
	struct instsrc_config c;
	struct err e;

	memset(txt, 'x', sizeof txt);
	memcpy(txt, "runtime-dir /", 13);
	instsrc_config_init(&c);
	ck_assert_int_eq(instsrc_parse_config(txt, sizeof txt, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));
	instsrc_config_free(&c);
}
END_TEST

static void
put_file(const char *dir, const char *name, const char *txt, char *path,
    size_t sz)
{
	FILE *f;

	snprintf(path, sz, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(txt, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The system config comes first for the default path only; the user's
 * adds, overrides and renames endpoints. */
START_TEST(config_system)
{
	struct instsrc_config c;
	struct err e;
	char sys[4096], user[4096];

	put_file(tmp, "system", "instance web1 unix:/run/web1.qmp\n"
	    "instance db1 tcp:127.0.0.1:4444\n"
	    "monitor-dir /srv/ctrl\n"
	    "runtime-dir /var/lib/slotscope\n"
	    "interval 5\naudit-syslog on\n", sys, sizeof sys);
	put_file(tmp, "user", "instance web1 unix:/home/op/web1.qmp\n"
	    "instance lab1 /tmp/lab1.sock\n"
	    "monitor-dir /home/op/ctrl\n"
	    "interval 1\n", user, sizeof user);
	instsrc_config_init(&c);
	ck_assert_str_eq(c.system_config, "/etc/slotscope/config");
	c.system_config = sys;
	ck_assert_msg(instsrc_load_config(user, 0, &c, &e) == 1, "%s", e.msg);
	ck_assert_uint_eq(c.inst.n, 3);
	ck_assert_str_eq(c.inst.v[0].name, "web1");
	ck_assert_str_eq(c.inst.v[0].endpoint, "unix:/home/op/web1.qmp");
	ck_assert_str_eq(c.inst.v[1].endpoint, "tcp:127.0.0.1:4444");
	ck_assert_str_eq(c.inst.v[2].name, "lab1");
	ck_assert_int_eq(c.nmonitor_dir, 2);
	ck_assert_str_eq(c.monitor_dir[0], "/srv/ctrl");
	ck_assert_str_eq(c.monitor_dir[1], "/home/op/ctrl");
	ck_assert_str_eq(c.runtime_dir, "/var/lib/slotscope");
	ck_assert(c.interval == 1.0);
	ck_assert_int_eq(c.audit_syslog, 1);
	instsrc_config_free(&c);

	/* --config FILE (must_exist) does not read the system config */
	instsrc_config_init(&c);
	c.system_config = sys;
	ck_assert_int_eq(instsrc_load_config(user, 1, &c, &e), 1);
	ck_assert_uint_eq(c.inst.n, 2);
	ck_assert_int_eq(c.audit_syslog, 0);
	instsrc_config_free(&c);

	/* no user config: the system one alone */
	instsrc_config_init(&c);
	c.system_config = sys;
	snprintf(user, sizeof user, "%s/none", tmp);
	ck_assert_int_eq(instsrc_load_config(user, 0, &c, &e), 0);
	ck_assert_uint_eq(c.inst.n, 2);
	ck_assert(c.interval == 5.0);
	instsrc_config_free(&c);

	/* a bad system config is an error that names it */
	put_file(tmp, "system", "interval 2\nfrobnicate\n", sys, sizeof sys);
	instsrc_config_init(&c);
	c.system_config = sys;
	ck_assert_int_eq(instsrc_load_config(user, 0, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, sys));
	ck_assert_ptr_nonnull(strstr(e.msg, "config line 2"));
	instsrc_config_free(&c);

	/* the user's own file still refuses its own duplicates */
	put_file(tmp, "system", "", sys, sizeof sys);
	put_file(tmp, "user", "instance a /x\ninstance a /y\n", user,
	    sizeof user);
	instsrc_config_init(&c);
	c.system_config = sys;
	ck_assert_int_eq(instsrc_load_config(user, 0, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "given twice"));
	instsrc_config_free(&c);
}
END_TEST

START_TEST(config_files)
{
	struct instsrc_config c;
	struct err e;
	char p[4096], out[4096], *home, *xdg;
	FILE *f;

	instsrc_config_init(&c);
	c.system_config = NULL;		/* not this machine's /etc */
	snprintf(p, sizeof p, "%s/none", tmp);
	ck_assert_int_eq(instsrc_load_config(p, 0, &c, &e), 0);
	ck_assert_int_eq(instsrc_load_config(p, 1, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, p));
	snprintf(p, sizeof p, "%s/config", tmp);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("instance web1 /x\nbogus\n", f);
	fclose(f);
	ck_assert_int_eq(instsrc_load_config(p, 1, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "config line 2"));
	ck_assert_ptr_nonnull(strstr(e.msg, p));
	instsrc_config_free(&c);
	instsrc_config_init(&c);
	f = fopen(p, "w");
	fputs("instance web1 /x\n", f);
	fclose(f);
	ck_assert_int_eq(instsrc_load_config(p, 1, &c, &e), 1);
	ck_assert_uint_eq(c.inst.n, 1);
	instsrc_config_free(&c);
	/* a directory is not a config file */
	ck_assert_int_eq(instsrc_load_config(tmp, 1, &c, &e), -1);

	home = tu_env_save("HOME");
	xdg = tu_env_save("XDG_CONFIG_HOME");
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	ck_assert_int_eq(instsrc_default_config(out, sizeof out, &e), 0);
	ck_assert_str_eq(out, "/cfg/slotscope/config");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/op", 1);
	ck_assert_int_eq(instsrc_default_config(out, sizeof out, &e), 0);
	ck_assert_str_eq(out, "/home/op/.config/slotscope/config");
	unsetenv("HOME");
	ck_assert_int_eq(instsrc_default_config(out, sizeof out, &e), -1);
	tu_env_restore("HOME", home);
	tu_env_restore("XDG_CONFIG_HOME", xdg);
}
END_TEST

/* `libvirt URI` lines: kept in order, any URI libvirt accepts (one word),
 * at most INSTSRC_MAX_LIBVIRT. */
START_TEST(config_libvirt)
{
	static const char txt[] = "libvirt qemu+ssh://root@h1/system\n"
	    "libvirt qemu:///system?socket=/run/x/libvirt-sock  # local\n";
	struct instsrc_config c;
	struct err e;
	char many[1024] = "";
	int i;

	instsrc_config_init(&c);
	ck_assert_int_eq(instsrc_parse_config(txt, strlen(txt), &c, &e), 0);
	ck_assert_int_eq(c.nlibvirt, 2);
	ck_assert_str_eq(c.libvirt[0], "qemu+ssh://root@h1/system");
	ck_assert_str_eq(c.libvirt[1], "qemu:///system?socket=/run/x/"
	    "libvirt-sock");
	instsrc_config_free(&c);
	for (i = 0; i <= INSTSRC_MAX_LIBVIRT; i++)
		strcat(many, "libvirt qemu:///system\n");
	instsrc_config_init(&c);
	ck_assert_int_eq(instsrc_parse_config(many, strlen(many), &c, &e), -1);
	ck_assert_msg(strstr(e.msg, "config line 9: more than 8 libvirt") !=
	    NULL, "%s", e.msg);
	instsrc_config_free(&c);
	instsrc_config_init(&c);
	ck_assert_int_eq(instsrc_parse_config("libvirt\n", 8, &c, &e), -1);
	ck_assert_msg(strstr(e.msg, "libvirt takes one value") != NULL, "%s",
	    e.msg);
	instsrc_config_free(&c);
}
END_TEST

Suite *
instsrc_suite(void)
{
	Suite *s = suite_create("instsrc");
	TCase *tc = tcase_create("instsrc");

	tcase_add_checked_fixture(tc, tmp_up, tmp_down);
	tcase_add_test(tc, arg_good);
	tcase_add_loop_test(tc, arg_bad, 0, sizeof badargs / sizeof *badargs);
	tcase_add_test(tc, arg_endpoint_too_long);
	tcase_add_test(tc, list_rules);
	tcase_add_test(tc, scan_ganeti_dir);
	tcase_add_test(tc, scan_missing_dir);
	tcase_add_test(tc, config_good);
	tcase_add_test(tc, config_libvirt);
	tcase_add_loop_test(tc, config_bad, 0, sizeof badcfg / sizeof *badcfg);
	tcase_add_test(tc, config_long_value);
	tcase_add_test(tc, config_files);
	tcase_add_test(tc, config_system);
	suite_add_tcase(s, tc);
	return s;
}
