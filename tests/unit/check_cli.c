/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_cli.c - slotscope's command line (tui/opts.c), through the real
 * binary: --help names every mode and option, `--opt=X` and `--opt X`
 * mean the same in every mode (against `slotscope --simulate`, no QEMU
 * needed), and a bad combination is one line on stderr and exit status 2.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simspawn.h"
#include "testutil.h"

/* `slotscope ARGS` with stdin from /dev/null and at most 20 s (so that a
 * mode started by mistake cannot hang the suite); *out gets stdout and
 * stderr together. */
static int
run(const char *args, char **out)
{
	char *cmd;
	int rc;

	ck_assert_int_ge(asprintf(&cmd, "timeout 20 '%s' %s </dev/null",
	    tu_bin(), args), 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

/* A simulator with two instances (vm1, vm2) in a temp dir. */
struct sim {
	char *dir;
	pid_t pid;
};

static void
sim_up(struct sim *s)
{
	static const char *const files[] = {
		"vm1.qmp", "vm1.monitor", "vm2.qmp", "vm2.monitor"
	};
	char path[4200];
	size_t k;
	int i;

	s->dir = tu_tmpdir();
	ck_assert_ptr_nonnull(s->dir);
	/* the --opt=VALUE spelling, in the simulator's mode too */
	s->pid = tu_sim_spawn(s->dir, "--instances=2", "--machine=pc",
	    (char *)NULL);
	for (k = 0; k < sizeof files / sizeof files[0]; k++) {
		snprintf(path, sizeof path, "%s/%s", s->dir, files[k]);
		for (i = 0; i < tu_ms(5000) / 10 &&
		    access(path, F_OK) != 0; i++)
			usleep(10000);
		ck_assert_msg(access(path, F_OK) == 0, "no %s", path);
	}
}

static void
sim_down(struct sim *s)
{
	int st;

	kill(s->pid, SIGTERM);
	ck_assert_int_eq(waitpid(s->pid, &st, 0), s->pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	tu_rmrf(s->dir);
	free(s->dir);
}

START_TEST(help_names_every_mode_and_option)
{
	static const char *const want[] = {
		/* the modes */
		"the screen", "-c COMMAND", "batch mode", "--probe ENDPOINT",
		"--demo", "--simulate DIR", "--scenario list", "--help",
		"--version", "NAME=ENDPOINT",
		/* every option */
		"--monitor-dir DIR", "--config FILE", "--runtime-dir DIR",
		"--audit-log FILE", "--interval SEC", "--json",
		"--unplug-wait MS", "--instances N", "--machine TYPE",
		"--names NAME,...", "--scenario NAME", "--guest MODE",
		"--fault LIST", "-h, --help", "--colors WHEN", "--libvirt [URI]",
		"-o, --output COLUMNS", "--raw", "--noheadings",
		/* the columns -o takes, under their table */
		"  list                 name conn protocol qemu free reserved",
		"  show                 slot state reserved id type",
	};
	char *out, *out2;
	size_t k;

	ck_assert_int_eq(run("--help", &out), 0);
	for (k = 0; k < sizeof want / sizeof want[0]; k++)
		ck_assert_msg(strstr(out, want[k]) != NULL, "--help lacks "
		    "\"%s\":\n%s", want[k], out);
	/* -h is the same, and help wins over the mode */
	ck_assert_int_eq(run("-h", &out2), 0);
	ck_assert_str_eq(out, out2);
	free(out2);
	ck_assert_int_eq(run("--probe x --help", &out2), 0);
	ck_assert_str_eq(out, out2);
	free(out2);
	free(out);
	ck_assert_int_eq(run("--version", &out), 0);
	ck_assert_str_eq(out, "slotscope 0.1.0\n");
	free(out);
}
END_TEST

/* --probe=unix:PATH works, and is --probe unix:PATH. */
START_TEST(probe_both_spellings)
{
	struct sim s;
	char args[4400], *a, *b;

	sim_up(&s);
	snprintf(args, sizeof args, "--probe=unix:'%s'/vm1.qmp", s.dir);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(strstr(a, "over QMP\n") != NULL, "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "\nslot  0  occupied  fn 0 Host "
	    "bridge [8086:1237]\n"));
	snprintf(args, sizeof args, "--probe unix:'%s'/vm1.qmp", s.dir);
	ck_assert_int_eq(run(args, &b), 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* --json before or after, either way; HMP this time */
	snprintf(args, sizeof args, "--json --probe='%s'/vm2.monitor", s.dir);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(strstr(a, "\"protocol\": \"hmp\"") != NULL, "%s", a);
	snprintf(args, sizeof args, "--probe '%s'/vm2.monitor --json", s.dir);
	ck_assert_int_eq(run(args, &b), 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	sim_down(&s);
}
END_TEST

/* Batch mode: --monitor-dir=DIR is --monitor-dir DIR, options may come
 * after the arguments, and -c's value may be attached. */
/* The line of out that starts with first: do its next words read words
 * (blanks between them not counted)? */
static int
words_at(const char *out, const char *first, const char *words)
{
	const char *p = out, *q;
	size_t n = strlen(first);

	while (p && *p) {
		if (strncmp(p, first, n) == 0 && p[n] == ' ')
			break;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (p == NULL || *p == '\0')
		return 0;
	p += n;
	for (q = words; *q; ) {
		if (*q == ' ') {
			if (*p != ' ')
				return 0;
			while (*p == ' ')
				p++;
			q++;
		} else if (*p == ' ' && q == words) {
			while (*p == ' ')
				p++;
		} else if (*p++ != *q++)
			return 0;
	}
	while (*p == ' ')	/* a padded last column */
		p++;
	return *p == '\n' || *p == '\0';
}

START_TEST(batch_both_spellings)
{
	struct sim s;
	char args[4400], *a, *b;

	sim_up(&s);
	snprintf(args, sizeof args, "--monitor-dir='%s' --runtime-dir='%s'/rt "
	    "-c list", s.dir, s.dir);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(words_at(a, "vm1", "ok qmp 7.2.22 28 0 4 28") &&
	    words_at(a, "vm2", "ok qmp 7.2.22 28 0 4 28"), "%s", a);
	snprintf(args, sizeof args, "--monitor-dir '%s' --runtime-dir "
	    "'%s'/rt -clist", s.dir, s.dir);
	ck_assert_int_eq(run(args, &b), 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	snprintf(args, sizeof args, "vm1=unix:'%s'/vm1.qmp -c 'show vm1' "
	    "--json --runtime-dir '%s'/rt --unplug-wait=0", s.dir, s.dir);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(strncmp(a, "{\"schema\":1,\"instance\":\"vm1\"", 28) == 0,
	    "%s", a);
	free(a);
	sim_down(&s);
}
END_TEST

/* Batch tables (libsmartcols): a heading and the default columns; -o
 * picks columns, --noheadings drops the heading, --raw the alignment. */
START_TEST(batch_tables)
{
	struct sim s;
	char base[4400], args[4600], *a;

	sim_up(&s);
	snprintf(base, sizeof base, "--monitor-dir '%s' --runtime-dir "
	    "'%s'/rt", s.dir, s.dir);
	snprintf(args, sizeof args, "%s -c list", base);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(words_at(a, "NAME",
	    "CONN PROTO QEMU FREE RESERVED LIVE CAPACITY"),
	    "no heading:\n%s", a);
	ck_assert_msg(words_at(a, "vm1", "ok qmp 7.2.22 28 0 4 28"), "%s", a);
	free(a);
	/* just those columns, no heading: `vm1 28` */
	snprintf(args, sizeof args, "%s -c list -o name,free --noheadings",
	    base);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(words_at(a, "vm1", "28") && words_at(a, "vm2", "28") &&
	    strchr(a, '\n') != NULL && strchr(strchr(a, '\n') + 1, '\n') ==
	    a + strlen(a) - 1, "not two lines of name and free:\n%s", a);
	free(a);
	/* --raw: one blank between cells; column names in any case */
	snprintf(args, sizeof args, "%s -c list --output=NAME,Qemu,free --raw",
	    base);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_str_eq(a, "NAME QEMU FREE\nvm1 7.2.22 28\nvm2 7.2.22 28\n");
	free(a);
	/* show: the instance line, then its 32 slots' rows */
	snprintf(args, sizeof args, "%s -c 'show vm1' -o slot,state,class",
	    base);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(strncmp(a, "vm1  ok  qmp  QEMU 7.2.22\n", 26) == 0 &&
	    words_at(a, "SLOT", "STATE CLASS") &&
	    words_at(a, "   0", "builtin Host bridge") &&
	    words_at(a, "  31", "free"), "%s", a);
	free(a);
	snprintf(args, sizeof args, "%s -c 'show vm1' -o slot,state --raw "
	    "--noheadings", base);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(strncmp(a, "0 builtin\n1 builtin\n", 20) == 0 &&
	    strstr(a, "\n31 free\n") != NULL, "%s", a);
	free(a);
	/* show's own --json: its JSON text, not a table */
	snprintf(args, sizeof args, "%s -c 'show vm1 --json'", base);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_msg(strncmp(a, "{\"schema\":1,\"instance\":\"vm1\"", 28) == 0,
	    "%s", a);
	free(a);
	/* the other commands are text as ever, -o or not */
	snprintf(args, sizeof args, "%s -c 'next vm1' -o name", base);
	ck_assert_int_eq(run(args, &a), 0);
	ck_assert_str_eq(a, "4\n");
	free(a);
	sim_down(&s);
}
END_TEST

START_TEST(scenario_list_both_spellings)
{
	char *a, *b;

	ck_assert_int_eq(run("--scenario list", &a), 0);
	ck_assert_ptr_nonnull(strstr(a, "full-bus "));
	ck_assert_ptr_nonnull(strstr(a, "\nq35 "));
	ck_assert_int_eq(run("--scenario=list", &b), 0);
	ck_assert_str_eq(a, b);
	free(b);
	/* as ever, `list` also lists after --demo or --simulate */
	ck_assert_int_eq(run("--demo --scenario list", &b), 0);
	ck_assert_str_eq(a, b);
	free(b);
	free(a);
}
END_TEST

/* Each: one line on stderr naming the problem, exit 2. */
START_TEST(bad_combinations_exit_2)
{
	static const struct {
		const char *args, *want;
	} t[] = {
		{ "--probe unix:/x -c list", "-c and --probe do not go "
		  "together" },
		{ "--demo --simulate /tmp/x", "--demo and --simulate do not "
		  "go together" },
		{ "--demo --probe=unix:/x", "--probe and --demo do not go "
		  "together" },
		{ "--simulate /tmp/x -c list", "-c and --simulate do not go "
		  "together" },
		{ "--json", "--json goes with -c COMMAND or --probe" },
		{ "--unplug-wait 5", "--unplug-wait goes with -c COMMAND" },
		{ "--instances 3", "--instances goes with --simulate" },
		{ "--scenario full-bus", "--scenario goes with --demo or "
		  "--simulate" },
		{ "--demo --names a", "--names does not go with --demo" },
		{ "--demo --fault cut", "--fault does not go with --demo" },
		{ "--probe=unix:/x --monitor-dir /tmp",
		  "--monitor-dir does not go with --probe" },
		{ "--simulate /tmp/x --json", "--json does not go with "
		  "--simulate" },
		{ "--scenario list --interval 1", "--interval does not go "
		  "with --scenario list" },
		{ "--probe unix:/x vm=unix:/y", "unexpected argument "
		  "\"vm=unix:/y\" with --probe" },
		{ "--simulate /tmp/x --scenario nosuch", "unknown scenario "
		  "nosuch" },
		{ "--demo --scenario=nosuch", "unknown scenario nosuch" },
		{ "--probe", "--probe needs ENDPOINT" },
		{ "--simulate", "--simulate needs DIR" },
		{ "-c", "-c needs COMMAND" },
		{ "--json=yes -c list", "--json takes no value" },
		{ "--s /tmp/x", "--s is ambiguous: --state-dir, --simulate, --scenario" },
		{ "--frobnicate", "unknown option --frobnicate (see slotscope "
		  "--help)" },
		{ "-x", "unknown option -x" },
		{ "--interval=0 -c list", "--interval wants seconds from 0.1 "
		  "to 3600, not \"0\"" },
		{ "--simulate=/tmp/x --instances=0", "--instances takes a "
		  "number from 1 to 100000" },
		{ "--simulate=/tmp/x --machine=i440", "--machine takes pc, "
		  "pc-nodefaults, q35, q35-ports or pc-bridge" },
		{ "--colors=pink", "--colors takes auto, dark, light or none, "
		  "not \"pink\"" },
		{ "--colors dark -c list", "--colors does not go with -c "
		  "COMMAND" },
		{ "--raw", "--raw goes with -c COMMAND" },
		{ "-c list -o name --json", "-o, --raw and --noheadings shape "
		  "text tables" },
		{ "--runtime-dir /tmp -c 'next x' -c list -o name,bogus",
		  "-o: list has no column \"bogus\"; its columns: name,conn," },
		{ "-c 'show x' -o free", "-o: show has no column \"free\"" },
	};
	size_t k;

	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		char *out, *want;
		int rc = run(t[k].args, &out);

		ck_assert_msg(rc == 2, "slotscope %s: exit %d, not 2: %s",
		    t[k].args, rc, out);
		ck_assert_int_ge(asprintf(&want, "slotscope: %s", t[k].want),
		    0);
		ck_assert_msg(strncmp(out, want, strlen(want)) == 0,
		    "slotscope %s: \"%s\", not \"%s...\"", t[k].args, out,
		    want);
		ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1,
		    "slotscope %s: not one line: %s", t[k].args, out);
		free(want);
		free(out);
	}
}
END_TEST

/* --libvirt URI, --libvirt=URI and --libvirt alone (LIBVIRT_DEFAULT_URI)
 * name the connection, and one that fails stops slotscope (exit 1) with
 * libvirt's own words.  No libvirtd needed: the socket does not exist. */
START_TEST(libvirt_uri_spellings)
{
	static const char *const args[] = {
		"--libvirt 'qemu:///system?socket=/nonexistent/lv-sock' -c list",
		"--libvirt='qemu:///system?socket=/nonexistent/lv-sock' -c list",
		"-c list --libvirt 'qemu:///system?socket=/nonexistent/lv-sock'",
	};
	char *out, *cmd;
	size_t k;

	for (k = 0; k < sizeof args / sizeof args[0]; k++) {
		ck_assert_int_eq(run(args[k], &out), 1);
		ck_assert_msg(strstr(out, "slotscope: libvirt qemu:///system?"
		    "socket=/nonexistent/lv-sock: cannot connect: ") &&
		    strstr(out, "/nonexistent/lv-sock"), "%s: %s", args[k], out);
		/* libvirt's text, not ours */
		ck_assert_msg(strstr(out, "Failed to connect socket") != NULL,
		    "%s", out);
		free(out);
	}
	ck_assert_int_ge(asprintf(&cmd, "LIBVIRT_DEFAULT_URI='qemu:///system?"
	    "socket=/nonexistent/dflt' timeout 20 '%s' --libvirt -c list "
	    "</dev/null", tu_bin()), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 1);
	ck_assert_msg(strstr(out, "libvirt qemu:///system?socket=/nonexistent"
	    "/dflt: cannot connect") != NULL, "%s", out);
	free(out);
	free(cmd);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("opts");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, help_names_every_mode_and_option);
	tcase_add_test(tc, probe_both_spellings);
	tcase_add_test(tc, batch_both_spellings);
	tcase_add_test(tc, scenario_list_both_spellings);
	tcase_add_test(tc, batch_tables);
	tcase_add_test(tc, bad_combinations_exit_2);
	tcase_add_test(tc, libvirt_uri_spellings);
	suite_add_tcase(s, tc);
	return s;
}
