/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_audit.c - the audit log's line format, appending, and the copy
 * sent to syslog (to a datagram socket the test binds, as journald binds
 * /dev/log). */
#include <check.h>
#include <pwd.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/audit.h"
#include "testutil.h"

START_TEST(format_line)
{
	char line[AUDIT_LINE_MAX];
	size_t n;

	n = audit_format(line, sizeof line, 1795576458, "alice", "web1",
	    "reserve 7", "ok");
	ck_assert_str_eq(line, "2026-11-25T03:14:18Z user=alice "
	    "instance=web1 what=\"reserve 7\" result=ok\n");
	ck_assert_uint_eq(n, strlen(line));
	/* newlines, quotes and control characters cannot break the line */
	audit_format(line, sizeof line, 1795576458, "bob", "web1",
	    "hotplug disk path=/a\"b\\c\nd", "failed: x\x01y\tz");
	ck_assert_str_eq(line, "2026-11-25T03:14:18Z user=bob instance=web1 "
	    "what=\"hotplug disk path=/a\\\"b\\\\c\\nd\" "
	    "result=\"failed: x\\x01y\\tz\"\n");
	audit_format(line, sizeof line, 1795576458, "bob", NULL, "", "ok");
	ck_assert_str_eq(line, "2026-11-25T03:14:18Z user=bob instance=- "
	    "what=\"\" result=ok\n");
}
END_TEST

START_TEST(format_truncates_long_lines)
{
	char line[AUDIT_LINE_MAX], what[5000];
	size_t n;

	memset(what, 'w', sizeof what - 1);
	what[sizeof what - 1] = '\0';
	n = audit_format(line, sizeof line, 1795576458, "a", "b", what, "ok");
	ck_assert_uint_lt(n, sizeof line);
	ck_assert_uint_eq(n, strlen(line));
	ck_assert_int_eq(line[n - 1], '\n');
	ck_assert_ptr_nonnull(strstr(line, "...\n"));
	ck_assert_ptr_eq(strchr(line, '\n'), line + n - 1);
}
END_TEST

START_TEST(user_name)
{
	char u[128], *sudo = tu_env_save("SUDO_USER");

	struct passwd *pw = getpwuid(geteuid());
	char want[160];

	/* the effective user's name, as the password database has it */
	ck_assert_ptr_nonnull(pw);
	unsetenv("SUDO_USER");
	audit_user(u, sizeof u);
	ck_assert_str_eq(u, pw->pw_name);
	/* SUDO_USER is believed only from root (sudo sets it there); for
	 * anyone else it is just an environment variable */
	setenv("SUDO_USER", "alice", 1);
	audit_user(u, sizeof u);
	snprintf(want, sizeof want, "%s%s", pw->pw_name, geteuid() == 0 ?
	    "(sudo:alice)" : "");
	ck_assert_str_eq(u, want);
	setenv("SUDO_USER", "", 1);
	audit_user(u, sizeof u);
	ck_assert_str_eq(u, pw->pw_name);
	tu_env_restore("SUDO_USER", sudo);
}
END_TEST

START_TEST(append_lines)
{
	char *tmp = tu_tmpdir(), p[4096], l[4096], *out;
	struct err e;
	struct stat st;
	FILE *f;
	int n = 0;

	ck_assert_int_eq(audit_default_path(tmp, p, sizeof p, &e), 0);
	ck_assert_ptr_nonnull(strstr(p, "/audit.log"));
	ck_assert_int_eq(audit_append(p, "alice", "web1", "reserve 7", "ok",
	    &e), 0);
	ck_assert_int_eq(audit_append(p, NULL, "web1", "free 7",
	    "failed: slot 7 is not reserved", &e), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(l, sizeof l, f) != NULL) {
		n++;
		ck_assert_ptr_nonnull(strstr(l, "instance=web1"));
	}
	fclose(f);
	ck_assert_int_eq(n, 2);
	/* symlinks refused */
	snprintf(l, sizeof l, "%s/link.log", tmp);
	ck_assert_int_eq(symlink(p, l), 0);
	ck_assert_int_eq(audit_append(l, "a", "b", "c", "ok", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "symlink"));
	setenv("P", p, 1);
	ck_assert_int_eq(tu_run("wc -l < \"$P\"", &out), 0);
	ck_assert_int_eq(atoi(out), 2);
	free(out);
	tu_rmrf(tmp);
	free(tmp);
}
END_TEST

/* A FIFO (with or without a reader), a directory, a device and a symlinked
 * directory are refused at once: nothing blocks, nothing is written. */
START_TEST(not_a_regular_file_refused)
{
	char *tmp = tu_tmpdir(), p[4096], real[4096], link[4096];
	struct err e;
	struct stat st;
	int rfd;

	snprintf(p, sizeof p, "%s/audit.log", tmp);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(audit_append(p, "u", "web1", "reserve 7", "ok", &e),
	    -1);		/* no reader: would block without O_NONBLOCK */
	ck_assert_ptr_nonnull(strstr(e.msg, "not a regular file"));
	rfd = open(p, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rfd, 0);
	ck_assert_int_eq(audit_append(p, "u", "web1", "reserve 7", "ok", &e),
	    -1);		/* a reader: opens, refused by fstat */
	ck_assert_ptr_nonnull(strstr(e.msg, "not a regular file"));
	{
		char b[16];

		ck_assert_int_le(read(rfd, b, sizeof b), 0);	/* nothing */
	}
	close(rfd);
	unlink(p);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(audit_append(p, "u", "web1", "x", "ok", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a regular file"));
	ck_assert_int_eq(audit_append("/dev/null", "u", "web1", "x", "ok", &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a regular file"));
	/* a runtime dir that is a symlink: the log is not created in its
	 * target */
	snprintf(real, sizeof real, "%s/real", tmp);
	snprintf(link, sizeof link, "%s/rt", tmp);
	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(symlink(real, link), 0);
	snprintf(p, sizeof p, "%s/audit.log", link);
	ck_assert_int_eq(audit_append(p, "u", "web1", "x", "ok", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "symlink"));
	snprintf(p, sizeof p, "%s/audit.log", real);
	ck_assert_int_eq(stat(p, &st), -1);
	tu_rmrf(tmp);
	free(tmp);
}
END_TEST

/* Many writers at once: every line arrives whole. */
START_TEST(concurrent_appends_do_not_interleave)
{
	char *tmp = tu_tmpdir(), p[4096], l[4096], what[600];
	struct err e;
	FILE *f;
	int k, st, n = 0;
	pid_t pid[4];

	snprintf(p, sizeof p, "%s/audit.log", tmp);
	for (k = 0; k < 4; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0) {
			int i;

			memset(what, 'a' + k, sizeof what - 1);
			what[sizeof what - 1] = '\0';
			for (i = 0; i < 50; i++)
				if (audit_append(p, "u", "web1", what, "ok",
				    &e) < 0)
					_exit(1);
			_exit(0);
		}
	}
	for (k = 0; k < 4; k++) {
		ck_assert_int_eq(waitpid(pid[k], &st, 0), pid[k]);
		ck_assert_int_eq(WEXITSTATUS(st), 0);
	}
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(l, sizeof l, f) != NULL) {
		char *w = strstr(l, "what=");
		char c;
		int i;

		ck_assert_ptr_nonnull(w);
		c = w[5];
		for (i = 0; i < 599; i++)
			ck_assert_int_eq(w[5 + i], c);
		ck_assert_str_eq(w + 5 + 599, " result=ok\n");
		n++;
	}
	fclose(f);
	ck_assert_int_eq(n, 200);
	tu_rmrf(tmp);
	free(tmp);
}
END_TEST

/* A syslog daemon's end: a datagram socket bound at path. */
static int
bind_log(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
	memcpy(sa.sun_path, path, strlen(path));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

START_TEST(syslog_record)
{
	char *tmp = tu_tmpdir(), p[4096], msg[4096], want[128];
	struct err e;
	ssize_t n;
	int fd;

	snprintf(p, sizeof p, "%s/log", tmp);
	fd = bind_log(p);
	ck_assert_msg(audit_syslog(p, "alice", "web1", "reserve 7", "ok",
	    &e) == 0, "%s", e.msg);
	n = recv(fd, msg, sizeof msg - 1, MSG_DONTWAIT);
	ck_assert_int_gt(n, 0);
	msg[n] = '\0';
	/* <user.notice>, "Mmm dd hh:mm:ss", tag[pid]: the fields */
	ck_assert_int_eq(strncmp(msg, "<13>", 4), 0);
	ck_assert_int_eq(msg[7], ' ');
	ck_assert_int_eq(msg[10], ' ');
	ck_assert_int_eq(msg[13], ':');
	ck_assert_int_eq(msg[16], ':');
	snprintf(want, sizeof want, " slotscope[%ld]: ", (long)getpid());
	ck_assert_int_eq(strncmp(msg + 19, want, strlen(want)), 0);
	ck_assert_str_eq(msg + 19 + strlen(want), "user=alice instance=web1 "
	    "what=\"reserve 7\" result=ok");
	/* one record, one datagram, one line: a newline stays escaped */
	ck_assert_int_eq(audit_syslog(p, "bob", "web1", "x\ny", "failed: no",
	    &e), 0);
	n = recv(fd, msg, sizeof msg - 1, MSG_DONTWAIT);
	ck_assert_int_gt(n, 0);
	msg[n] = '\0';
	ck_assert_ptr_null(strchr(msg, '\n'));
	ck_assert_ptr_nonnull(strstr(msg, "what=\"x\\ny\" result=\"failed: "
	    "no\""));
	ck_assert_int_eq(recv(fd, msg, sizeof msg, MSG_DONTWAIT), -1);
	close(fd);

	/* no daemon there: an error that names the socket */
	ck_assert_int_eq(audit_syslog(p, "a", "b", "c", "ok", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, p));
	snprintf(p, sizeof p, "%s/none", tmp);
	ck_assert_int_eq(audit_syslog(p, "a", "b", "c", "ok", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot send to syslog"));
	tu_rmrf(tmp);
	free(tmp);
}
END_TEST

/* A daemon that does not read: audit_syslog fails instead of blocking. */
START_TEST(syslog_never_blocks)
{
	char *tmp = tu_tmpdir(), p[4096];
	struct err e;
	int fd, i, rc = 0;

	snprintf(p, sizeof p, "%s/log", tmp);
	fd = bind_log(p);
	for (i = 0; i < 100000 && rc == 0; i++)
		rc = audit_syslog(p, "u", "web1", "reserve 7", "ok", &e);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "queue is full"));
	close(fd);
	tu_rmrf(tmp);
	free(tmp);
}
END_TEST

static char *
slurp_file(const char *path)
{
	size_t len;
	char *t;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	t = calloc(1, 65536);
	ck_assert_ptr_nonnull(t);
	len = fread(t, 1, 65535, f);
	t[len] = '\0';
	fclose(f);
	return t;
}

/* audit_record: the file and syslog both, each optional, failures named. */
START_TEST(record_goes_to_file_and_syslog)
{
	char *tmp = tu_tmpdir(), sock[4096], file[4096], msg[4096], *txt;
	struct err e;
	ssize_t n;
	int fd;

	snprintf(sock, sizeof sock, "%s/log", tmp);
	snprintf(file, sizeof file, "%s/audit.log", tmp);
	fd = bind_log(sock);
	ck_assert_msg(audit_record(file, sock, "alice", "web1", "reserve 7",
	    "ok", &e) == 0, "%s", e.msg);
	n = recv(fd, msg, sizeof msg - 1, MSG_DONTWAIT);
	ck_assert_int_gt(n, 0);
	msg[n] = '\0';
	ck_assert_ptr_nonnull(strstr(msg, "user=alice instance=web1 "
	    "what=\"reserve 7\" result=ok"));
	txt = slurp_file(file);
	ck_assert_ptr_nonnull(strstr(txt, "user=alice instance=web1"));
	free(txt);
	/* syslog only: no file is made */
	unlink(file);
	ck_assert_int_eq(audit_record(NULL, sock, "a", "b", "c", "ok", &e), 0);
	ck_assert_int_gt(recv(fd, msg, sizeof msg, MSG_DONTWAIT), 0);
	ck_assert_int_eq(access(file, F_OK), -1);
	/* file only: nothing is sent */
	ck_assert_int_eq(audit_record(file, "", "a", "b", "c", "ok", &e), 0);
	ck_assert_int_eq(recv(fd, msg, sizeof msg, MSG_DONTWAIT), -1);
	close(fd);
	/* the daemon gone: the file is still written, the failure named */
	ck_assert_int_eq(audit_record(file, sock, "a", "b", "d", "ok", &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not sent to syslog"));
	txt = slurp_file(file);
	ck_assert_ptr_nonnull(strstr(txt, "what=d"));
	free(txt);
	tu_rmrf(tmp);
	free(tmp);
}
END_TEST

Suite *
audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("audit");

	tcase_add_test(tc, format_line);
	tcase_add_test(tc, format_truncates_long_lines);
	tcase_add_test(tc, user_name);
	tcase_add_test(tc, append_lines);
	tcase_add_test(tc, not_a_regular_file_refused);
	tcase_add_test(tc, concurrent_appends_do_not_interleave);
	tcase_add_test(tc, syslog_record);
	tcase_add_test(tc, syslog_never_blocks);
	tcase_add_test(tc, record_goes_to_file_and_syslog);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}
