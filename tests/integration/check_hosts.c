/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_hosts.c - many hosts through real OpenSSH (issue 17): two sshd on
 * loopback (tests/lib/sshd.h), each a "host" with its own paused QEMU
 * called web and its own runtime dir, reached as h1 and h2 by slotscope
 * over `ssh HOST slotscope --agent`.
 *
 * Each host's authorized_keys runs the client's own command through the
 * host's login script, as a node's login would: PATH has the slotscope
 * under test, XDG_CONFIG_HOME the node's own config (its `instance web`,
 * its runtime dir).  Nothing tells the agent where it is but that.
 *
 * Shown: list names h1/web and h2/web; the two webs have two runtime
 * files, and `hotplug h2/web nic` writes h2's while h1 has none; the bare
 * `web` is refused as ambiguous; five refreshes of both hosts use one ssh
 * process and one sshd login per host; a killed host's rows are
 * unreachable while the other's stay current, and it is back at the
 * first refresh after it is; a host down before slotscope starts is
 * listed unreachable with its instances unknown (and its header line on
 * the screen says so); a paused host is unreachable after the
 * monitor timeout of silence; a node without slotscope is said so; the
 * screen shows each host's rows under its header line; the screen starts
 * at once with a paused host "connecting", which goes unreachable in the
 * background, while batch mode waits for it.  For QEMU 7.2 and
 * 10.0 (the screen and the missing slotscope once).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet/fleet.h"
#include "fleet/fleetagent.h"
#include "liststream.h"
#include "nsproc.h"
#include "sshd.h"
#include "tmuxdrv.h"
#include "fleetcount.h"
#include "testutil.h"

struct host {
	struct tu_sshd s;
	char qemu[4200];	/* its QEMU's dir */
	char rt[4200];		/* its runtime dir */
	int qemu_up;
};

static struct host hs[2];
static char *ws;		/* the workstation's dir */
static char ws_config[4300], ssh_config[4300];

/* The host's login: the client's command, with the node's PATH and
 * config.  path: the PATH it gets. */
static void
login(struct host *h, const char *path)
{
	char p[4300], key[4300], line[2048] = "";
	FILE *f;

	snprintf(p, sizeof p, "%s/login", h->s.dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\nexport PATH='%s' XDG_CONFIG_HOME='%s/xdg'\n"
	    "exec sh -c \"$SSH_ORIGINAL_COMMAND\"\n", path, h->s.dir);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(p, 0755), 0);
	snprintf(key, sizeof key, "%s.pub", h->s.key);
	f = fopen(key, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	fclose(f);
	snprintf(key, sizeof key, "%s/authorized_keys", h->s.dir);
	f = fopen(key, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "command=\"%s\" %s", p, line);
	ck_assert_int_eq(fclose(f), 0);
}

/* PATH with the slotscope under test first. */
static const char *
test_path(void)
{
	static char p[4300];
	char *slash;

	snprintf(p, sizeof p, "%s", tu_bin());
	slash = strrchr(p, '/');
	ck_assert_ptr_nonnull(slash);
	snprintf(slash, sizeof p - (size_t)(slash - p), ":/usr/bin:/bin");
	return p;
}

static void
host_up(struct host *h, const char *name, enum tu_qemu q)
{
	char p[4300];
	FILE *f;

	tu_sshd_start(&h->s, name);
	snprintf(h->qemu, sizeof h->qemu, "%s/qemu", h->s.dir);
	snprintf(h->rt, sizeof h->rt, "%s/rt", h->s.dir);
	ck_assert_int_eq(mkdir(h->qemu, 0700), 0);
	ck_assert_int_eq(mkdir(h->rt, 0700), 0);
	snprintf(p, sizeof p, "%s/xdg", h->s.dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/xdg/slotscope", h->s.dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/xdg/slotscope/config", h->s.dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "instance web unix:%s/qmp.sock\nruntime-dir %s\n",
	    h->qemu, h->rt);
	ck_assert_int_eq(fclose(f), 0);
	login(h, test_path());
	h->qemu_up = tu_qemu_start_v(q, h->qemu, "pc", NULL) == 0;
	ck_assert_msg(h->qemu_up, "QEMU did not start for %s", name);
}

static void
up(enum tu_qemu q)
{
	FILE *f;

	memset(hs, 0, sizeof hs);
	host_up(&hs[0], "h1", q);
	host_up(&hs[1], "h2", q);
	ws = tu_tmpdir();
	ck_assert_ptr_nonnull(ws);
	snprintf(ssh_config, sizeof ssh_config, "%s/ssh_config", ws);
	f = fopen(ssh_config, "w");
	ck_assert_ptr_nonnull(f);
	tu_sshd_block(&hs[0].s, f);
	tu_sshd_block(&hs[1].s, f);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(ws_config, sizeof ws_config, "%s/config", ws);
	f = fopen(ws_config, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "ssh-config %s\nhost h1 ssh://h1\nhost h2 ssh://h2\n"
	    "runtime-dir %s\nmonitor-timeout 500\n", ssh_config, ws);
	ck_assert_int_eq(fclose(f), 0);
}

static void
down(void)
{
	int k;

	for (k = 0; k < 2; k++) {
		if (hs[k].qemu[0])
			tu_qemu_stop(hs[k].qemu);
		tu_sshd_stop(&hs[k].s);
	}
	if (ws != NULL)
		tu_rmrf(ws);
	free(ws);
	ws = NULL;
}

static void up72(void) { up(TU_QEMU_72); }
static void up10(void) { up(TU_QEMU_10); }

/* A fleet of the two hosts, as main builds it, read once. */
static void
fleet_of_hosts(struct fleet *f)
{
	struct err e;

	fleet_init(f, ws);
	f->monitor_timeout_ms = 500;
	ck_assert_int_eq(fleet_add_host(f, "h1", "ssh://h1", ssh_config, &e),
	    0);
	ck_assert_int_eq(fleet_add_host(f, "h2", "ssh://h2", ssh_config, &e),
	    1);
	ck_assert_int_eq(fleet_hosts_wait(f, 20000), 2);
}

static long
find(struct fleet *f, const char *name)
{
	long i = fleet_find(f, name, NULL);

	ck_assert_msg(i >= 0, "no %s", name);
	return i;
}

/* "Accepted publickey" lines in host h's sshd log: its logins. */
static int
logins(const struct host *h)
{
	char cmd[4400], *out = NULL;
	int n;

	snprintf(cmd, sizeof cmd, "grep -c 'Accepted publickey' '%s/sshd.log'",
	    h->s.dir);
	tu_run(cmd, &out);
	ck_assert_ptr_nonnull(out);
	n = atoi(out);
	free(out);
	return n;
}

START_TEST(list_and_hotplug)
{
	char cmd[10000], *out = NULL, p1[4300], p2[4300], audit[4300];

	snprintf(cmd, sizeof cmd, "'%s' --config '%s' -c list -c 'hotplug "
	    "h2/web nic backend=user' -c 'show h2/web' -c 'hotplug web nic' "
	    "2>&1", tu_bin(), ws_config);
	ck_assert_int_eq(tu_run(cmd, &out), 1);	/* the bare web fails */
	ck_assert_msg(strstr(out, "h1/web") && strstr(out, "h2/web"), "%s",
	    out);
	ck_assert_msg(strstr(out, "plugged in slot") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "'web' is on several hosts (") != NULL &&
	    strstr(out, "name one as HOST/web") != NULL, "%s", out);
	free(out);
	/* two runtime files: h2's has the NIC, h1 has none */
	snprintf(p1, sizeof p1, "%s/web.json", hs[0].rt);
	snprintf(p2, sizeof p2, "%s/web.json", hs[1].rt);
	ck_assert_int_ne(access(p1, F_OK), 0);
	snprintf(cmd, sizeof cmd, "grep -c '\"type\": *\"nic\"' '%s'", p2);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_str_eq(out, "1\n");
	free(out);
	/* the workstation's audit line names h2/web */
	snprintf(audit, sizeof audit, "grep -c 'instance=h2/web what=\"hotplug "
	    "nic backend=user\" result=ok' '%s/audit.log'", ws);
	ck_assert_int_eq(tu_run(audit, &out), 0);
	ck_assert_str_eq(out, "1\n");
	free(out);
	/* h1's web gets its own NIC and file; h2's keeps one */
	snprintf(cmd, sizeof cmd, "'%s' --config '%s' -c 'hotplug h1/web nic "
	    "backend=user' -c 'list --devices' 2>&1", tu_bin(), ws_config);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(strstr(out, "h1/web  nic-") && strstr(out, "h2/web  nic-"),
	    "%s", out);
	free(out);
	ck_assert_int_eq(access(p1, F_OK), 0);
	snprintf(cmd, sizeof cmd, "grep -c '\"type\": *\"nic\"' '%s'", p2);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_str_eq(out, "1\n");
	free(out);
}
END_TEST

START_TEST(one_ssh_per_host)
{
	struct fleet f;
	pid_t p1, p2;
	int k;

	fleet_of_hosts(&f);
	p1 = fleet_host_pid(&f, 0);
	p2 = fleet_host_pid(&f, 1);
	ck_assert(p1 > 0 && p2 > 0 && p1 != p2);
	for (k = 0; k < 5; k++) {
		double before = f.inst[find(&f, "h2/web")].last_refresh;

		fleet_refresh_start(&f, (size_t)-1, 0);
		tu_fleet_count_ok(&f);
		ck_assert_uint_gt(f.nrefreshing, 0);
		fleet_refresh_wait(&f, (size_t)-1);
		tu_fleet_count_ok(&f);
		ck_assert_uint_eq(fleet_npending(&f), 3 * 2);	/* the pipes */
		ck_assert_int_eq(f.inst[find(&f, "h1/web")].conn, INST_OK);
		ck_assert_int_eq(f.inst[find(&f, "h2/web")].conn, INST_OK);
		ck_assert(f.inst[find(&f, "h2/web")].last_refresh >= before);
	}
	ck_assert_int_eq(fleet_host_spawns(&f, 0), 1);
	ck_assert_int_eq(fleet_host_spawns(&f, 1), 1);
	ck_assert_int_eq(fleet_host_pid(&f, 0), p1);
	ck_assert_int_eq(fleet_host_pid(&f, 1), p2);
	ck_assert(tu_pid_alive(p1) && tu_pid_alive(p2));
	ck_assert_int_eq(logins(&hs[0]), 1);
	ck_assert_int_eq(logins(&hs[1]), 1);
	{
		/* batch mode's list, its rows made as they are written, is
		 * the tree's: both hosts' rows and "hosts" */
		struct cmd_ctx c;

		memset(&c, 0, sizeof c);
		c.fleet = &f;
		ck_assert_uint_eq(tu_list_streamed_same(&c), 2);
	}
	fleet_free(&f);
	ck_assert(!tu_pid_alive(p1) && !tu_pid_alive(p2));
}
END_TEST

/* Refresh all; the stamp of h1/web must move (its rows stay current). */
static void
refresh_all(struct fleet *f)
{
	long i = find(f, "h1/web");
	double before = f->inst[i].last_refresh;

	usleep(1100000);	/* stamps are whole seconds apart at least */
	fleet_refresh_start(f, (size_t)-1, 0);
	fleet_refresh_wait(f, (size_t)-1);
	tu_fleet_count_ok(f);
	ck_assert_int_eq(f->inst[i].conn, INST_OK);
	ck_assert(f->inst[i].last_refresh > before);
}

START_TEST(host_down_and_back)
{
	struct fleet f;
	long w2;

	fleet_of_hosts(&f);
	w2 = find(&f, "h2/web");
	tu_sshd_kill(&hs[1].s);
	refresh_all(&f);
	ck_assert_int_eq(f.inst[w2].conn, INST_UNREACHABLE);
	ck_assert_int_eq(f.inst[w2].slots.b[5].state, SLOT_UNKNOWN);
	ck_assert_msg(strstr(f.inst[w2].error, "host h2") != NULL, "%s",
	    f.inst[w2].error);
	/* back: the next refresh reconnects */
	ck_assert_int_eq(tu_sshd_restart(&hs[1].s), 0);
	refresh_all(&f);
	refresh_all(&f);	/* one to connect, one to read */
	ck_assert_int_eq(f.inst[w2].conn, INST_OK);
	ck_assert(fleet_host_spawns(&f, 1) >= 2);
	ck_assert_int_eq(fleet_host_spawns(&f, 0), 1);
	/* silent: paused, it says nothing for the monitor timeout */
	ck_assert_int_eq(tu_sshd_pause(&hs[1].s, 1), 0);
	refresh_all(&f);
	ck_assert_int_eq(f.inst[w2].conn, INST_UNREACHABLE);
	ck_assert_msg(strstr(f.inst[w2].error, "did not answer within 500 ms")
	    != NULL, "%s", f.inst[w2].error);
	ck_assert_int_eq(tu_sshd_pause(&hs[1].s, 0), 0);
	fleet_free(&f);
}
END_TEST

/* The screen: each host's rows under its header line, a host's
 * hotplug shown in its own row only. */
START_TEST(screen_groups_hosts)
{
	struct tmx t;
	char cmd[10000], *last = NULL, *h1, *w1, *h2, *w2;

	snprintf(cmd, sizeof cmd, "TERM=xterm-256color '%s' --config '%s' "
	    "--interval 0.5", tu_bin(), ws_config);
	ck_assert_int_eq(tmx_start(&t, 120, 30, cmd), 0);
	ck_assert_msg(tmx_wait_for(&t, "host h2  ssh://h2", 20000, &last),
	    "%s", last ? last : "");
	free(last);
	last = NULL;
	ck_assert_msg(tmx_wait_for(&t, "h2/web", 20000, &last), "%s", last);
	free(last);
	last = NULL;
	/* the hosts answer in any order; the rows are in the hosts' */
	ck_assert_msg(tmx_wait_for(&t, "\nh1/web ", 20000, &last), "%s", last);
	free(last);
	last = tmx_screen(&t, 0);
	h1 = strstr(last, "host h1  ssh://h1");
	w1 = strstr(last, "\nh1/web ");
	h2 = strstr(last, "host h2  ssh://h2");
	w2 = strstr(last, "\nh2/web ");
	ck_assert_msg(h1 && w1 && h2 && w2 && h1 < w1 && w1 < h2 && h2 < w2,
	    "%s", last);
	free(last);
	last = NULL;
	tmx_type(&t, "hotplug h2/web nic backend=user slot=9");
	tmx_keys(&t, "Enter");
	ck_assert_msg(tmx_wait_cells(&t, "h2/web", 9, "U", 20000, &last),
	    "%s", last);
	free(last);
	last = tmx_screen(&t, 0);
	{
		char cells[33];

		ck_assert_int_eq(tmx_row_cells(last, "h1/web", cells), 0);
		ck_assert_int_eq(cells[9], '.');
	}
	free(last);
	/* a filter keeps the header of the rows it shows; h1 answered and
	 * none of its rows match: no header for it */
	tmx_type(&t, "/h2/");
	tmx_keys(&t, "Enter");
	last = NULL;
	ck_assert_msg(tmx_wait_for(&t, "filter \"h2/\": 1 of 2", 20000,
	    &last), "%s", last ? last : "");
	free(last);
	last = tmx_screen(&t, 0);
	h2 = strstr(last, "host h2  ssh://h2");
	w2 = strstr(last, "\nh2/web ");
	ck_assert_msg(h2 && w2 && h2 < w2 && strstr(last, "host h1") == NULL &&
	    strstr(last, "h1/web") == NULL, "%s", last);
	free(last);
	tmx_kill(&t);
}
END_TEST

/* A host whose sshd is down before slotscope starts never answers: list
 * says it is unreachable with its instances unknown (text and --json's
 * "hosts"), the other host's rows are there, and list still succeeds
 * (an unread instance does not fail it either). */
START_TEST(never_answered)
{
	struct tmx t;
	char cmd[10000], *out = NULL;
	int rc;

	tu_sshd_kill(&hs[1].s);
	snprintf(cmd, sizeof cmd, "'%s' --config '%s' -c list 2>/dev/null",
	    tu_bin(), ws_config);
	rc = tu_run(cmd, &out);
	ck_assert_msg(rc == 0, "%d %s", rc, out);
	ck_assert_msg(strstr(out, "\nh1/web ") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "h2/*  unreachable  instances unknown  "
	    "(host h2: ") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "h2/web") == NULL, "%s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' --config '%s' --json -c list "
	    "2>/dev/null", tu_bin(), ws_config);
	rc = tu_run(cmd, &out);
	ck_assert_msg(rc == 0, "%d %s", rc, out);
	ck_assert_msg(strstr(out, "\"instance\":\"h1/web\"") != NULL &&
	    strstr(out, "h2/web") == NULL, "%s", out);
	ck_assert_msg(strstr(out, "{\"host\":\"h1\",\"url\":\"ssh://h1\","
	    "\"conn\":\"ok\",\"error\":null,\"instances\":1}") != NULL,
	    "%s", out);
	ck_assert_msg(strstr(out, "{\"host\":\"h2\",\"url\":\"ssh://h2\","
	    "\"conn\":\"unreachable\",\"error\":\"host h2: ") != NULL &&
	    strstr(out, "\"instances\":null}") != NULL, "%s", out);
	free(out);
	/* the screen: h2's header line says so, h1's row is there */
	snprintf(cmd, sizeof cmd, "TERM=xterm-256color '%s' --config '%s' "
	    "--interval 0.5", tu_bin(), ws_config);
	ck_assert_int_eq(tmx_start(&t, 160, 30, cmd), 0);
	out = NULL;
	ck_assert_msg(tmx_wait_for(&t, "host h2  ssh://h2  unreachable, "
	    "instances unknown  host h2: ", 20000, &out), "%.2000s", out ? out :
	    "");
	free(out);
	out = NULL;
	ck_assert_msg(tmx_wait_for(&t, "h1/web", 20000, &out), "%s",
	    out ? out : "");
	free(out);
	/* under a filter: h1's header above its row shown; h2's line stays
	 * (its instances are unknown, so whether one matches is too), also
	 * when no row matches, below that message */
	tmx_type(&t, "/web");
	tmx_keys(&t, "Enter");
	out = NULL;
	ck_assert_msg(tmx_wait_for(&t, "filter \"web\": 1 of 1", 20000, &out),
	    "%s", out ? out : "");
	free(out);
	out = tmx_screen(&t, 0);
	{
		char *h1 = strstr(out, "host h1  ssh://h1"),
		    *w1 = strstr(out, "\nh1/web "),
		    *h2 = strstr(out, "host h2  ssh://h2  unreachable, "
		    "instances unknown");

		ck_assert_msg(h1 && w1 && h2 && h1 < w1 && w1 < h2, "%s", out);
	}
	free(out);
	tmx_type(&t, "/nosuchvm");
	tmx_keys(&t, "Enter");
	out = NULL;
	ck_assert_msg(tmx_wait_for(&t, "no instance matches \"nosuchvm\"",
	    20000, &out), "%s", out ? out : "");
	free(out);
	out = tmx_screen(&t, 0);
	ck_assert_msg(strstr(out, "host h1") == NULL && strstr(out,
	    "\nhost h2  ssh://h2  unreachable, instances unknown") != NULL,
	    "%s", out);
	free(out);
	tmx_kill(&t);
}
END_TEST

/* A silent host does not hold the screen up: it starts at once, the
 * paused h2's header says "connecting" (its instances unknown, not none)
 * while h1's row is already there, h2 goes unreachable in the
 * background, and comes back once it answers.  Batch mode waits for it
 * instead: its list is complete, h2 unreachable, never "connecting". */
START_TEST(startup_does_not_wait)
{
	struct tmx t;
	char cmd[10000], *out = NULL, *h2;
	int rc;

	ck_assert_int_eq(tu_sshd_pause(&hs[1].s, 1), 0);
	snprintf(cmd, sizeof cmd, "TERM=xterm-256color '%s' --config '%s' "
	    "--interval 0.5", tu_bin(), ws_config);
	ck_assert_int_eq(tmx_start(&t, 160, 30, cmd), 0);
	ck_assert_msg(tmx_wait_for(&t, "host h2  ssh://h2  connecting, "
	    "instances unknown", 20000, &out), "%.2000s", out ? out : "");
	free(out);
	out = NULL;
	ck_assert_msg(tmx_wait_for(&t, "\nh1/web ", 20000, &out), "%s",
	    out ? out : "");
	free(out);
	out = tmx_screen(&t, 0);
	h2 = strstr(out, "host h2  ssh://h2  ");
	ck_assert_msg(h2 != NULL && strncmp(h2 + 19, "connecting", 10) == 0 &&
	    strstr(out, "h2/web") == NULL && strstr(out, "  1 host "
	    "connecting ") != NULL && strstr(out, "0 instances and 2 hosts, "
	    "connecting;") != NULL, "%s", out);
	free(out);
	out = NULL;
	ck_assert_msg(tmx_wait_for(&t, "host h2  ssh://h2  unreachable, "
	    "instances unknown  host h2: ", 20000, &out), "%.2000s", out ?
	    out : "");
	free(out);
	out = tmx_screen(&t, 0);
	ck_assert_msg(strstr(out, "  1 host unreachable ") != NULL &&
	    strstr(out, "host connecting") == NULL, "%s", out);
	free(out);
	out = NULL;
	ck_assert_int_eq(tu_sshd_pause(&hs[1].s, 0), 0);
	ck_assert_msg(tmx_wait_for(&t, "\nh2/web ", 30000, &out), "%s",
	    out ? out : "");
	free(out);
	out = tmx_screen(&t, 0);
	ck_assert_msg(strstr(out, "instances unknown") == NULL, "%s", out);
	free(out);
	tmx_kill(&t);
	/* batch: the whole answer, after h2's own deadline */
	ck_assert_int_eq(tu_sshd_pause(&hs[1].s, 1), 0);
	snprintf(cmd, sizeof cmd, "'%s' --config '%s' -c list 2>/dev/null",
	    tu_bin(), ws_config);
	rc = tu_run(cmd, &out);
	ck_assert_int_eq(tu_sshd_pause(&hs[1].s, 0), 0);
	ck_assert_msg(rc == 0, "%d %s", rc, out);
	ck_assert_msg(strstr(out, "\nh1/web ") != NULL && strstr(out,
	    "h2/*  unreachable  instances unknown  (host h2: ") != NULL &&
	    strstr(out, "connecting") == NULL, "%s", out);
	free(out);
}
END_TEST

START_TEST(not_installed)
{
	struct fleet f;
	struct err e;

	login(&hs[0], "/usr/bin:/bin");		/* no slotscope there */
	fleet_init(&f, ws);
	ck_assert_int_eq(fleet_add_host(&f, "h1", "ssh://h1", ssh_config, &e),
	    0);
	ck_assert_int_eq(fleet_hosts_wait(&f, 20000), 0);
	ck_assert_msg(strstr(fleet_host_error(&f, 0), "slotscope is not "
	    "installed on h1") != NULL, "%s", fleet_host_error(&f, 0));
	ck_assert_uint_eq(f.n, 0);
	{
		/* no rows, the host's line and "hosts" after them: the
		 * same when the rows are left for later */
		struct cmd_ctx c;

		memset(&c, 0, sizeof c);
		c.fleet = &f;
		ck_assert_uint_eq(tu_list_streamed_same(&c), 0);
	}
	fleet_free(&f);
}
END_TEST

static void
add(Suite *s, enum tu_qemu q)
{
	static char name[2][32];	/* Check keeps the pointer */
	TCase *tc;

	snprintf(name[q], sizeof name[q], "hosts_%s", tu_qemu_name(q));
	tc = tu_tcase_new(s, name[q], tu_missing_sshd(), NULL, NULL, 90);
	tu_tcase_require(tc, tu_missing_qemu_v(q));
	if (q == TU_QEMU_72)
		tu_tcase_require(tc, tu_missing((const char *const[]){ "tmux",
		    NULL }));
	tcase_add_checked_fixture(tc, q == TU_QEMU_72 ? up72 : up10, down);
	tcase_add_test(tc, list_and_hotplug);
	tcase_add_test(tc, one_ssh_per_host);
	tcase_add_test(tc, host_down_and_back);
	if (q == TU_QEMU_72)
		tcase_add_test(tc, never_answered);
	if (q == TU_QEMU_72)
		tcase_add_test(tc, screen_groups_hosts);
	if (q == TU_QEMU_72)
		tcase_add_test(tc, startup_does_not_wait);
	if (q == TU_QEMU_72)
		tcase_add_test(tc, not_installed);
}

Suite *
hosts_suite(void)
{
	Suite *s = suite_create("hosts");

	tu_qemu_cases(s, add);
	return s;
}
