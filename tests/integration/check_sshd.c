/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_sshd.c - the test harness's own sshd (tests/lib/sshd.h): ssh runs
 * a command through it with the run's key and no prompt, a wrong key and
 * a password are refused, two hosts run at once on two ports, one can be
 * stopped and started again, and nothing of it (sessions included)
 * outlives the test that started it, even one without its teardown.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsproc.h"
#include "sshd.h"
#include "testutil.h"

static struct tu_sshd h1, h2;
TU_SSHD_FIXTURE(h1, h1, "h1")
TU_SSHD_FIXTURE(h2, h2, "h2")

START_TEST(runs_a_command)
{
	char *out = NULL, cmd[9000];

	ck_assert(h1.up);
	ck_assert_int_eq(tu_ssh(&h1, "echo via-$((40 + 2)) $(id -u)", &out),
	    0);
	ck_assert_str_eq(out, "via-42 0\n");
	free(out);
	/* the ssh_config is the whole story: `ssh -F FILE h1 CMD` */
	snprintf(cmd, sizeof cmd, "ssh -F '%s' h1 cat /proc/self/cgroup "
	    ">/dev/null && echo ok", h1.config);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_str_eq(out, "ok\n");
	free(out);
}
END_TEST

/* The same config with another key (made for this check): refused, and
 * publickey is the only method sshd offers. */
START_TEST(wrong_key_refused)
{
	char *out = NULL, cmd[13000];
	int rc;

	ck_assert(h1.up);
	snprintf(cmd, sizeof cmd, "ssh-keygen -q -t ed25519 -N '' -f "
	    "'%s/other' && sed 's|IdentityFile .*|IdentityFile %s/other|' "
	    "'%s' >'%s/other_config'", h1.dir, h1.dir, h1.config, h1.dir);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(cmd, sizeof cmd, "ssh -F '%s/other_config' -o "
	    "LogLevel=INFO h1 echo in", h1.dir);
	rc = tu_run(cmd, &out);
	ck_assert_int_eq(rc, 255);
	ck_assert_msg(strstr(out, "Permission denied (publickey)") != NULL &&
	    strstr(out, "in\n") == NULL, "%s", out);
	free(out);
	/* with no key at all, a password is not even asked for */
	snprintf(cmd, sizeof cmd, "ssh -F '%s' -o IdentityFile=none -o "
	    "IdentitiesOnly=yes -o PubkeyAuthentication=no -o "
	    "PasswordAuthentication=yes -o LogLevel=INFO h1 echo in",
	    h1.config);
	rc = tu_run(cmd, &out);
	ck_assert_int_eq(rc, 255);
	ck_assert_msg(strstr(out, "Permission denied (publickey)") != NULL,
	    "%s", out);
	free(out);
	/* the right key still works: the refusals were the key's */
	ck_assert_int_eq(tu_ssh(&h1, "true", NULL), 0);
}
END_TEST

/* Two hosts on two ports, one ssh_config for both; h2 goes down (its
 * session with it), h1 goes on, h2 comes back on its port. */
START_TEST(two_hosts_stop_restart)
{
	char path[4300], cmd[9000], mark[64], ns[64], *out = NULL;
	FILE *f;

	ck_assert(h1.up && h2.up);
	ck_assert_int_ne(h1.port, h2.port);
	snprintf(path, sizeof path, "%s/both_config", h1.dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	tu_sshd_block(&h1, f);
	tu_sshd_block(&h2, f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof cmd, "ssh -F '%s' h1 echo one && ssh -F '%s' "
	    "h2 echo two", path, path);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_str_eq(out, "one\ntwo\n");
	free(out);

	/* a long session on h2 dies with its host; it and its client are
	 * known by a word made for this run (the shell's $0), as another
	 * run's `sleep 4242` may be on the machine too */
	tu_marker(mark, sizeof mark);
	tu_pidns_of(h2.init, ns, sizeof ns);
	snprintf(cmd, sizeof cmd, "%s h2 \"sh -c 'sleep 4242; :' %s\" "
	    "</dev/null >/dev/null 2>&1 &", h2.ssh, mark);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	for (int i = 0; i < tu_ms(5000) / 10 && !tu_ns_proc_with(ns, mark); i++)
		usleep(10000);
	ck_assert_msg(tu_ns_proc_with(ns, mark), "no session %s on h2", mark);
	tu_sshd_kill(&h2);
	ck_assert(!h2.up);
	/* the client (its command line has the word too) needs a moment
	 * to see its connection gone */
	for (int i = 0; i < tu_ms(5000) / 10 && tu_proc_with(mark); i++)
		usleep(10000);
	ck_assert_msg(!tu_proc_with(mark), "%s outlived its host", mark);
	ck_assert_int_eq(tu_ssh(&h2, "echo two", &out), 255);
	ck_assert_msg(strstr(out, "refused") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(tu_ssh(&h1, "echo one", NULL), 0);

	ck_assert_int_eq(tu_sshd_restart(&h2), 0);
	ck_assert(h2.up);
	ck_assert_int_eq(tu_ssh(&h2, "echo back", &out), 0);
	ck_assert_str_eq(out, "back\n");
	free(out);
}
END_TEST

/* A paused host takes the connection but never answers: ssh gives up
 * after its ConnectTimeout; resumed, it answers again. */
START_TEST(paused_host_does_not_answer)
{
	char *out = NULL;

	ck_assert(h1.up);
	ck_assert_int_eq(tu_sshd_pause(&h1, 1), 0);
	ck_assert_int_eq(tu_ssh(&h1, "-o ConnectTimeout=1 echo no", &out),
	    255);
	ck_assert_msg(strstr(out, "no\n") == NULL && strstr(out, "timed out")
	    != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(tu_sshd_pause(&h1, 0), 0);
	ck_assert_int_eq(tu_ssh(&h1, "echo yes", &out), 0);
	ck_assert_str_eq(out, "yes\n");
	free(out);
}
END_TEST

/* The orphan: a host and a session, left running (no tu_sshd_stop). */
static void
orphan(int fd)
{
	struct tu_sshd mine;
	char cmd[4400];
	int i;

	tu_sshd_start(&mine, "orphan");
	snprintf(cmd, sizeof cmd, "%s orphan sleep 4343 </dev/null "
	    ">/dev/null 2>&1 &", mine.ssh);
	tu_run(cmd, NULL);
	for (i = 0; i < tu_ms(5000) / 10 && !tu_proc_with("sleep 4343"); i++)
		usleep(10000);
	if (tu_proc_with("sleep 4343"))
		dprintf(fd, "%ld %s", (long)mine.init, mine.dir);
}

/* A child starts a host and a session, then exits without stopping
 * them, as a failed check does: sshd and the session must die with it. */
START_TEST(gone_without_teardown)
{
	char buf[4300];
	pid_t init;
	int i;

	ck_assert_msg(tu_orphan(orphan, buf, sizeof buf) > 0,
	    "the child's sshd did not run a session");
	ck_assert_int_eq(sscanf(buf, "%d", &init), 1);
	ck_assert_int_gt(init, 1);
	for (i = 0; i < tu_ms(5000) / 10 && (tu_pid_alive(init) ||
	    tu_proc_with("sleep 4343")); i++)
		usleep(10000);
	ck_assert_msg(!tu_pid_alive(init), "the orphaned sshd still runs");
	ck_assert_msg(!tu_proc_with("sleep 4343"),
	    "the orphaned session still runs");
	tu_rmrf(strchr(buf, ' ') + 1);
}
END_TEST

Suite *
sshd_suite(void)
{
	Suite *s = suite_create("sshd");
	TCase *tc = tu_tcase_new(s, "sshd", tu_missing_sshd(), NULL, NULL, 30);

	tcase_add_checked_fixture(tc, h1_up, h1_down);
	tcase_add_test(tc, runs_a_command);
	tcase_add_test(tc, wrong_key_refused);
	tcase_add_test(tc, paused_host_does_not_answer);
	tc = tu_tcase_new(s, "sshd_two", tu_missing_sshd(), NULL, NULL, 30);
	tcase_add_checked_fixture(tc, h1_up, h1_down);
	tcase_add_checked_fixture(tc, h2_up, h2_down);
	tcase_add_test(tc, two_hosts_stop_restart);
	tc = tu_tcase_new(s, "sshd_orphan", tu_missing_sshd(), NULL, NULL, 30);
	tcase_add_test(tc, gone_without_teardown);
	return s;
}
