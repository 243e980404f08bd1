/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_tui_e2e.c - end-to-end tests of the interactive screen: the real
 * slotscope binary runs in a detached tmux session (tmuxdrv.h) against real
 * paused QEMUs, and the tests type keys and read the screen back.
 *
 * Needs tmux, and qemu-system-x86_64 for the "qemu" cases (the demo cases
 * need no QEMU): in CI (CI=true) a missing one fails those checks,
 * elsewhere they are skipped with the reason (tu_tcase_require).
 */
#include <check.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/mon.h"
#include "testutil.h"
#include "tmuxdrv.h"

#define W 120
#define H 36
#define WAIT 8000		/* ms: generous, the suite also runs under ASan */

/* A test's world: a temp dir, up to two paused QEMUs, one tmux session. */
struct world {
	char *dir;
	int nq;
	struct tmx t;
};

/* What a failed test left, undone after each test case (tmuxdrv.h); set
 * in the runner, inherited by the tests.  The QEMUs die with the test's
 * process by themselves (tu_qemu_start). */
static struct tmx_reg registry;
static char bin[4096];		/* tu_bin() made absolute (tests cd away) */

static void
reg_add(const char *what, const char *value)
{
	tmx_reg_add(&registry, what, value);
}

static void
reg_cleanup(void)
{
	tmx_reg_cleanup(&registry, SIGTERM);
}

/* A paused pc QEMU in DIR/NAME (sockets hmp.sock, qmp.sock): a child of
 * the test process, so it dies with the test (tu_qemu_start). */
static int
qemu_start(const char *dir, const char *name)
{
	char sub[4096];

	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	if (mkdir(sub, 0700) != 0)
		return -1;
	return tu_qemu_start(sub, "pc", NULL);
}

static void
qemu_stop(const char *dir, const char *name)
{
	char sub[4096];

	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	tu_qemu_stop(sub);
}

static void
world_free(struct world *w)
{
	tmx_kill(&w->t);
	if (w->nq > 0)
		qemu_stop(w->dir, "qa");
	if (w->nq > 1)
		qemu_stop(w->dir, "qb");
	tu_rmrf(w->dir);
	free(w->dir);
}

/* Start nq QEMUs (qa, qb) and slotscope on them: instance `a` through qa's
 * QMP socket, `b` through qb's HMP socket; extra is added to slotscope's
 * environment (e.g. "NO_COLOR=1"). */
/* (Re)start slotscope in the world's tmux session. */
static void
world_launch(struct world *w, const char *extra)
{
	int nq = w->nq;
	char *cmd;

	tmx_kill(&w->t);
	ck_assert_int_ne(asprintf(&cmd, "cd %s && env LANG=C.UTF-8 "
	    "TERM=screen-256color HOME=%s XDG_STATE_HOME=%s/state "
	    "XDG_CONFIG_HOME=%s/config %s %s --runtime-dir %s/rt "
	    "--interval 0.3 a=unix:%s/qa/qmp.sock%s%s%s 2>%s/stderr",
	    w->dir, w->dir, w->dir, w->dir, extra ? extra : "", bin,
	    w->dir, w->dir, nq > 1 ? " b=unix:" : "", nq > 1 ? w->dir : "",
	    nq > 1 ? "/qb/hmp.sock" : "", w->dir), -1);
	ck_assert_int_eq(tmx_start(&w->t, W, H, cmd), 0);
	reg_add("tmux", w->t.sock);
	free(cmd);
}

static void
world_start(struct world *w, int nq, const char *extra)
{
	memset(w, 0, sizeof *w);
	w->dir = tu_tmpdir();
	ck_assert_ptr_nonnull(w->dir);
	reg_add("dir", w->dir);
	for (w->nq = 0; w->nq < nq; w->nq++)
		ck_assert_int_eq(qemu_start(w->dir, w->nq ? "qb" : "qa"), 0);
	world_launch(w, extra);
}

#define SEE(w, text) \
	ck_assert_msg(tmx_expect(&(w)->t, (text), WAIT), "expected \"%s\" " \
	    "on the screen (printed above)", (text))

#define CELLS(w, name, first, want) \
	ck_assert_msg(tmx_expect_cells(&(w)->t, (name), (first), (want), \
	    WAIT), "expected row %s to show %s from slot %d (screen printed " \
	    "above)", (name), (want), (first))

/* Type line on the command line and press Enter. */
static void
enter(struct world *w, const char *line)
{
	tmx_type(&w->t, line);
	tmx_keys(&w->t, "Enter");
}

/* A paused `pc` QEMU has its host bridge, PIIX3, VGA and e1000 in slots
 * 0-3; the rest is free. */
#define PC_BUS "BBBB............................"
/* The demo's web1: used 4-8, free 9, foreign 10, missing 11, reserved
 * 12-15. */
#define DEMO_WEB1 "BBBBUUUUU.FMRRRR................"
/* An instance whose bus could not be read: every slot unknown. */
#define UNREAD "????????????????????????????????"

START_TEST(grid_shows_live_states)
{
	struct world w;
	char *scr;

	world_start(&w, 2, NULL);
	CELLS(&w, "a", 0, PC_BUS);
	CELLS(&w, "b", 0, PC_BUS);
	SEE(&w, "2 instances  0 unreachable  0 busy");
	scr = tmx_screen(&w.t, 0);
	/* the QMP and the HMP instance both say what they are */
	ck_assert_msg(strstr(scr, "qmp 7.") && strstr(scr, "hmp 7."),
	    "protocol/version missing:\n%.1500s", scr);
	free(scr);
	/* the detail pane shows the selected slot: a's slot 0 */
	SEE(&w, "a slot 0");
	SEE(&w, "Host bridge");
	SEE(&w, "endpoint unix:");
	world_free(&w);
}
END_TEST

START_TEST(keys_move_fill_and_help)
{
	struct world w;

	world_start(&w, 1, NULL);
	CELLS(&w, "a", 0, PC_BUS);
	tmx_keys(&w.t, "Tab");
	SEE(&w, "focus: grid");
	tmx_keys(&w.t, "Right Right l l l Right Right");	/* slot 7 */
	SEE(&w, "a slot 7");
	tmx_keys(&w.t, "h");
	SEE(&w, "a slot 6");
	tmx_keys(&w.t, "Enter");		/* a free slot: reserve it */
	SEE(&w, "slotscope> reserve a 6");
	SEE(&w, "focus: line");
	tmx_keys(&w.t, "C-u");			/* readline: kill the line */
	tmx_keys(&w.t, "BTab");
	SEE(&w, "focus: grid");
	tmx_keys(&w.t, "0 Enter");		/* slot 0: builtin */
	SEE(&w, "slotscope> show a");
	tmx_keys(&w.t, "C-u Tab ?");
	SEE(&w, "any other key closes");
	tmx_keys(&w.t, "x");
	{
		char *scr = NULL;

		ck_assert(tmx_wait_for(&w.t, "events", WAIT, &scr));
		ck_assert_msg(strstr(scr, "key closes") == NULL,
		    "help did not close:\n%.1500s", scr);
		free(scr);
	}
	tmx_keys(&w.t, "F1");
	SEE(&w, "any other key closes");
	world_free(&w);
}
END_TEST

START_TEST(resize_redraws)
{
	struct world w;
	char *scr, *row;
	char cells[33];

	world_start(&w, 1, NULL);
	CELLS(&w, "a", 0, PC_BUS);
	tmx_resize(&w.t, 80, 24);
	/* at 80 columns the slot numbers take two header rows */
	SEE(&w, "0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1");
	scr = tmx_screen(&w.t, 0);
	ck_assert_int_eq(tmx_row_cells(scr, "a", cells), 0);
	ck_assert_str_eq(cells, PC_BUS);
	ck_assert_msg(strstr(scr, "slotscope>") != NULL, "%.1500s", scr);
	free(scr);
	tmx_resize(&w.t, 140, 40);
	/* wide enough for one header row of two-digit numbers */
	SEE(&w, "29 30 31");
	CELLS(&w, "a", 0, PC_BUS);
	scr = tmx_screen(&w.t, 0);
	row = tmx_row(scr, "a");
	ck_assert_ptr_nonnull(row);
	ck_assert_msg(strstr(row, "B  B  B  .  .  .") != NULL,
	    "wide cells not drawn:\n%.1500s", scr);
	free(row);
	free(scr);
	world_free(&w);
}
END_TEST

START_TEST(killed_qemu_goes_unreachable)
{
	struct world w;
	char *scr = NULL, *row;

	world_start(&w, 2, NULL);
	CELLS(&w, "a", 0, PC_BUS);
	CELLS(&w, "b", 0, PC_BUS);
	{	/* killed, not stopped: no goodbye on the sockets */
		char qa[4200];
		long pid;

		snprintf(qa, sizeof qa, "%s/qa", w.dir);
		pid = tu_qemu_pid(qa);
		ck_assert_int_gt(pid, 1);
		ck_assert_int_eq(kill((pid_t)pid, SIGKILL), 0);
	}
	SEE(&w, "1 unreachable");
	ck_assert(tmx_wait_for(&w.t, "unreachable", WAIT, &scr));
	row = tmx_row(scr, "a");
	ck_assert_msg(row && strstr(row, "unreachable"), "%.1500s", scr);
	free(row);
	row = tmx_row(scr, "b");
	ck_assert_msg(row && strstr(row, " ok ") && !strstr(row,
	    "unreachable"), "b disturbed:\n%.1500s", scr);
	free(row);
	free(scr);
	/* b keeps being refreshed and typing still works */
	CELLS(&w, "b", 0, PC_BUS);
	enter(&w, "refresh b");
	SEE(&w, "refreshing b");
	world_free(&w);
}
END_TEST

START_TEST(hotplug_and_unplug_typed)
{
	struct world w;

	world_start(&w, 2, NULL);
	CELLS(&w, "a", 0, PC_BUS);
	CELLS(&w, "b", 0, PC_BUS);
	enter(&w, "hotplug a nic");
	/* the first slot after the reserved 0-3 */
	CELLS(&w, "a", 0, "BBBBU...");
	SEE(&w, "a slot 4 (nic-");
	SEE(&w, "free \xe2\x86\x92 used");
	{
		char *cmd;

		ck_assert_int_ne(asprintf(&cmd, "hotplug b disk "
		    "path=%s/disk.img format=raw slot=9", w.dir), -1);
		{
			char *mk;

			ck_assert_int_ne(asprintf(&mk, "truncate -s 1M "
			    "%s/disk.img", w.dir), -1);
			ck_assert_int_eq(tu_run(mk, NULL), 0);
			free(mk);
		}
		tmx_type(&w.t, cmd);
		free(cmd);
	}
	tmx_keys(&w.t, "Enter");
	CELLS(&w, "b", 0, "BBBB.....U");
	CELLS(&w, "a", 0, "BBBBU...");
	/* no guest in a paused QEMU: the unplug stays pending */
	enter(&w, "unplug a 4");
	CELLS(&w, "a", 0, "BBBB~...");
	SEE(&w, "used \xe2\x86\x92 unplugging");
	enter(&w, "refresh");
	SEE(&w, "refreshing all");
	CELLS(&w, "a", 0, "BBBB~...");
	CELLS(&w, "b", 0, "BBBB.....U");
	world_free(&w);
}
END_TEST

/* Does a `capture-pane -e` screen set any foreground/background colour? */
static int
has_colour(const char *s)
{
	const char *p;

	for (p = strstr(s, "\033["); p; p = strstr(p + 1, "\033[")) {
		const char *q = p + 2;

		while (*q && *q != 'm' && (size_t)(q - p) < 64) {
			long v = strtol(q, (char **)&q, 10);

			/* 39/49 are "default colour": not a colour */
			if ((v >= 30 && v <= 48 && v != 39) ||
			    (v >= 90 && v <= 107))
				return 1;
			if (*q == ';' || *q == ':')
				q++;
			else
				break;
		}
	}
	return 0;
}

START_TEST(no_color_uses_letters_only)
{
	struct world w;
	char *scr;

	world_start(&w, 1, NULL);
	CELLS(&w, "a", 0, PC_BUS);
	scr = tmx_screen(&w.t, 1);
	ck_assert_msg(has_colour(scr), "no colours without NO_COLOR");
	free(scr);
	world_free(&w);

	world_start(&w, 1, "NO_COLOR=1");
	CELLS(&w, "a", 0, PC_BUS);
	SEE(&w, "R reserved  B builtin");
	scr = tmx_screen(&w.t, 1);
	ck_assert_msg(!has_colour(scr), "colours despite NO_COLOR:\n%.2000s",
	    scr);
	free(scr);

	/* a monochrome terminal: the same letters, no colours */
	world_launch(&w, "TERM=vt100");
	CELLS(&w, "a", 0, PC_BUS);
	SEE(&w, "R reserved  B builtin");
	scr = tmx_screen(&w.t, 1);
	ck_assert_msg(!has_colour(scr), "colours on vt100:\n%.2000s", scr);
	free(scr);
	world_free(&w);
}
END_TEST

START_TEST(quit_keeps_history)
{
	struct world w;
	char path[4096], *hist;
	size_t len;
	FILE *f;

	world_start(&w, 1, NULL);
	CELLS(&w, "a", 0, PC_BUS);
	enter(&w, "refresh a");
	SEE(&w, "refreshing a");
	/* q on the empty line quits, as the first screen's hint says */
	tmx_type(&w.t, "q");
	ck_assert_msg(tmx_wait_dead(&w.t, WAIT), "q did not exit");
	snprintf(path, sizeof path, "%s/state/slotscope/history", w.dir);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no history file %s", path);
	hist = calloc(1, 4096);
	len = fread(hist, 1, 4095, f);
	fclose(f);
	ck_assert_msg(len > 0 && strstr(hist, "refresh a\n"), "history: %s",
	    hist);
	free(hist);

	/* the next session finds it: Up brings the last line back */
	world_launch(&w, NULL);
	SEE(&w, "slotscope>");
	tmx_keys(&w.t, "Up");
	SEE(&w, "slotscope> refresh a");
	/* the line has text: q is typing */
	tmx_type(&w.t, "q");
	SEE(&w, "slotscope> refresh aq");
	tmx_keys(&w.t, "F10");
	ck_assert_msg(tmx_wait_dead(&w.t, WAIT), "F10 did not exit");
	world_free(&w);
}
END_TEST

/* --demo: the simulated instances in the normal screen (no QEMU needed);
 * env is added to its environment.  Its TMPDIR is the world's dir, so
 * that the simulator's sockets are in DIR/slotscope-demo.* (demo_hmp). */
static void
demo_start_env(struct world *w, const char *env, const char *args)
{
	char *cmd;

	memset(w, 0, sizeof *w);
	w->dir = tu_tmpdir();
	ck_assert_ptr_nonnull(w->dir);
	reg_add("dir", w->dir);
	ck_assert_int_ne(asprintf(&cmd, "cd %s && env LANG=C.UTF-8 "
	    "TERM=screen-256color HOME=%s XDG_STATE_HOME=%s/state "
	    "XDG_CONFIG_HOME=%s/config TMPDIR=%s %s %s --demo %s "
	    "--interval 0.3 2>%s/stderr", w->dir, w->dir, w->dir, w->dir,
	    w->dir, env, bin, args, w->dir), -1);
	ck_assert_int_eq(tmx_start(&w->t, W, H, cmd), 0);
	reg_add("tmux", w->t.sock);
	free(cmd);
}

/* An HMP command to the demo's simulated instance inst, over its HMP
 * socket (the screen uses the QMP one). */
static void
demo_hmp(struct world *w, const char *inst, const char *cmd)
{
	char pat[4200], ep[4300];
	struct err e;
	struct mon *m;
	glob_t g;

	/* the demo keeps its dir under TMPDIR only when that is short */
	ck_assert_msg(strlen(w->dir) <= 60, "%s: too long a TMPDIR for the "
	    "demo's sockets", w->dir);
	snprintf(pat, sizeof pat, "%s/slotscope-demo.*/mon/%s.monitor", w->dir,
	    inst);
	ck_assert_msg(glob(pat, 0, NULL, &g) == 0 && g.gl_pathc == 1,
	    "no demo socket %s", pat);
	snprintf(ep, sizeof ep, "unix:%s", g.gl_pathv[0]);
	globfree(&g);
	m = mon_new(ep, NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_msg(mon_do(m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = cmd }, NULL, &e) == 0, "%s: %s", cmd, e.msg);
	mon_free(m);
}

static void
demo_start_args(struct world *w, const char *args)
{
	demo_start_env(w, "", args);
}

static void
demo_start(struct world *w)
{
	demo_start_args(w, "");
}

/* The first row starting with prefix (malloc'd), or NULL. */
static char *
row_starting(const char *screen, const char *prefix)
{
	const char *p = screen;
	size_t n = strlen(prefix);

	while (p && *p) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, prefix, n) == 0)
			return strndup(p, nl ? (size_t)(nl - p) : strlen(p));
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* Training scenarios: a monitor held by another client shows `busy`, a
 * crashed one `unreachable`, and every slot of theirs `?` (a bus not read
 * is never shown free); the other instances and the keyboard carry on. */
START_TEST(demo_busy_and_crashed)
{
	static const char *const sc[][4] = {
		{ "--scenario busy-monitor", "busy", "1 busy", "busy1" },
		{ "--scenario crashed-instance", "crashed", "1 unreachable",
		  "crashed1" },
	};
	size_t k;

	for (k = 0; k < 2; k++) {
		struct world w;
		char *scr = NULL, *row;

		demo_start_args(&w, sc[k][0]);
		CELLS(&w, "fresh1", 0, PC_BUS);
		SEE(&w, sc[k][2]);
		ck_assert(tmx_wait_for(&w.t, sc[k][2], WAIT, &scr));
		row = row_starting(scr, sc[k][1]);
		ck_assert_msg(row != NULL, "no %s row:\n%.1500s", sc[k][1], scr);
		ck_assert_msg(strstr(row, k == 0 ? " busy " : " unreachable "),
		    "row: %s", row);
		free(row);
		CELLS(&w, sc[k][3], 0, UNREAD);
		row = tmx_row(scr, "web1");
		ck_assert_msg(row && strstr(row, " ok "), "web1 disturbed:\n"
		    "%.1500s", scr);
		free(row);
		free(scr);
		enter(&w, "next fresh1");
		SEE(&w, "> next fresh1");
		CELLS(&w, "fresh1", 0, PC_BUS);
		world_free(&w);
	}
}
END_TEST

/* The Ganeti scenario: Ganeti's devices are used (owner ganeti in the
 * detail pane), its reservations reserved, the device its runtime file
 * lacks in the slot of Ganeti's next hotplug a conflict ('!', in the
 * legend too; the pane says it is foreign and why), the recorded NIC the
 * bus lacks missing; `/conflict` keeps the row; a hotplug typed on the
 * line refuses with Ganeti's own command. */
START_TEST(demo_ganeti_collision)
{
	struct world w;

	demo_start_args(&w, "--scenario ganeti-collision");
	CELLS(&w, "ganeti1", 0, "BBBBRRRRRRRRUU!M................");
	tmx_keys(&w.t, "Tab");
	SEE(&w, "focus: grid");
	tmx_keys(&w.t, "j j j 0 l l l l l l l l l l l l");	/* slot 12 */
	SEE(&w, "ganeti1 slot 12");
	SEE(&w, "owner ganeti  (eth0)");
	SEE(&w, "mac   aa:00:00:6a:1c:00  br0");
	SEE(&w, "managed by ganeti");
	tmx_keys(&w.t, "l l");
	SEE(&w, "ganeti1 slot 14");
	SEE(&w, "conflict: Ganeti's next hotplug takes slot");
	SEE(&w, "state F foreign");
	SEE(&w, "! conflict");
	SEE(&w, "id    agent-e1000");
	tmx_keys(&w.t, "l");
	SEE(&w, "state M missing");
	SEE(&w, "owner ganeti  (eth1)");
	tmx_keys(&w.t, "Tab");
	enter(&w, "hotplug ganeti1 nic");
	SEE(&w, "hotplug: ganeti1 is managed by Ganeti");
	SEE(&w, "modify --hotplug --net add ganeti1`");
	CELLS(&w, "ganeti1", 0, "BBBBRRRRRRRRUU!M................");
	enter(&w, "/conflict");
	SEE(&w, "filter \"conflict\": 1 of");
	CELLS(&w, "ganeti1", 0, "BBBBRRRRRRRRUU!M................");
	world_free(&w);
}
END_TEST

/* Many instances: the grid scrolls, the header counts them; instances come
 * from --monitor-dir (Ganeti's layout), served by the simulator. */
START_TEST(many_instances_scroll)
{
	struct world w;
	char *cmd, *out = NULL, *scr = NULL, path[4200], spid[32];
	long pid;

	memset(&w, 0, sizeof w);
	w.dir = tu_tmpdir();
	ck_assert_ptr_nonnull(w.dir);
	reg_add("dir", w.dir);
	ck_assert_int_ne(asprintf(&cmd, "mkdir %s/mon && { %s --simulate "
	    "%s/mon --instances 40 >%s/sim.log 2>&1 & echo $!; }", w.dir, bin,
	    w.dir, w.dir), -1);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(cmd);
	pid = strtol(out, NULL, 10);
	free(out);
	ck_assert_int_gt(pid, 1);
	snprintf(spid, sizeof spid, "%ld", pid);
	reg_add("pid", spid);
	/* the simulator makes vm1 .. vm40; wait for the last socket */
	snprintf(path, sizeof path, "%s/mon", w.dir);
	ck_assert_msg(tu_sim_serves(path, "vm40.qmp", 10000), "the simulator "
	    "did not start");
	ck_assert_int_ne(asprintf(&cmd, "cd %s && env LANG=C.UTF-8 "
	    "TERM=screen-256color HOME=%s XDG_STATE_HOME=%s/state "
	    "XDG_CONFIG_HOME=%s/config %s --runtime-dir %s/rt --interval 0.5 "
	    "--monitor-dir %s/mon 2>%s/stderr", w.dir, w.dir, w.dir, w.dir,
	    bin, w.dir, w.dir, w.dir), -1);
	ck_assert_int_eq(tmx_start(&w.t, W, H, cmd), 0);
	reg_add("tmux", w.t.sock);
	free(cmd);
	SEE(&w, "40 instances  0 unreachable  0 busy");
	/* sorted by name: vm1, vm10, ... vm19, vm2, ...; the first rows */
	CELLS(&w, "vm1", 0, PC_BUS);
	SEE(&w, "rows 1-");
	ck_assert(tmx_wait_for(&w.t, "of 40", WAIT, &scr));
	ck_assert_msg(tmx_row(scr, "vm9") == NULL, "vm9 should be below:\n"
	    "%.1500s", scr);
	free(scr);
	/* the last one, after scrolling to the end */
	tmx_keys(&w.t, "Tab G");
	SEE(&w, "vm9 slot 0");
	CELLS(&w, "vm9", 0, PC_BUS);
	SEE(&w, "-40 of 40");
	scr = tmx_screen(&w.t, 0);
	ck_assert_msg(tmx_row(scr, "vm1") == NULL, "vm1 should be above:\n"
	    "%.1500s", scr);
	free(scr);
	tmx_kill(&w.t);
	kill((pid_t)pid, SIGTERM);
	waitpid((pid_t)pid, NULL, 0);
	tu_rmrf(w.dir);
	free(w.dir);
}
END_TEST

/* Screen position (0-based) of slot `slot` of the row named name. */
static int
cell_pos(const char *screen, const char *name, int slot, int *x, int *y)
{
	const char *p = screen;
	size_t n = strlen(name);
	int row = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > n && strncmp(p, name, n) == 0 && p[n] == ' ') {
			/* the cells are the last 32 one-letter words */
			int k = 32, i = (int)len;

			while (i > 0 && k > 0) {
				while (i > 0 && strchr(" []", p[i - 1]))
					i--;
				if (--k == slot) {
					*x = i - 1;
					*y = row;
					return 0;
				}
				i--;
			}
			return -1;
		}
		p = nl ? nl + 1 : NULL;
		row++;
	}
	return -1;
}

/* A mouse click as an xterm (X10 encoding) sends it: press, release. */
static void
click(struct tmx *t, int x, int y)
{
	char keys[128];

	snprintf(keys, sizeof keys, "-H 1b 5b 4d 20 %02x %02x", 33 + x,
	    33 + y);
	tmx_keys(t, keys);
	snprintf(keys, sizeof keys, "-H 1b 5b 4d 23 %02x %02x", 33 + x,
	    33 + y);
	tmx_keys(t, keys);
}

START_TEST(demo_mouse_and_enter)
{
	struct world w;
	char *scr;
	int x = -1, y = -1;

	demo_start(&w);
	CELLS(&w, "fresh1", 0, PC_BUS);
	scr = tmx_screen(&w.t, 0);
	ck_assert_int_eq(cell_pos(scr, "fresh1", 10, &x, &y), 0);
	free(scr);
	click(&w.t, x, y);
	SEE(&w, "fresh1 slot 10");
	SEE(&w, "focus: grid");
	tmx_keys(&w.t, "Enter");
	SEE(&w, "slotscope> reserve fresh1 10");
	tmx_keys(&w.t, "Enter");
	CELLS(&w, "fresh1", 9, ".R.");
	/* Enter on that reserved slot proposes freeing it */
	tmx_keys(&w.t, "BTab Enter");
	SEE(&w, "slotscope> free fresh1 10");
	tmx_keys(&w.t, "C-u");
	/* and on a used one, unplugging its device by id */
	scr = tmx_screen(&w.t, 0);
	ck_assert_int_eq(cell_pos(scr, "web1", 5, &x, &y), 0);
	free(scr);
	click(&w.t, x, y);
	SEE(&w, "web1 slot 5");
	tmx_keys(&w.t, "Enter");
	SEE(&w, "slotscope> unplug web1 nic-");
	world_free(&w);
}
END_TEST

static int
count_of(const char *cells, char c)
{
	int n = 0;

	for (; *cells; cells++)
		n += *cells == c;
	return n;
}

START_TEST(demo_opens_the_grid)
{
	struct world w;
	char *scr, cells[33];

	demo_start(&w);
	SEE(&w, "slotscope - demo");
	/* a fresh instance is a plain `pc` bus */
	CELLS(&w, "fresh1", 0, PC_BUS);
	/* web1: five devices, a free slot, a hand-added e1000 (foreign), a
	 * recorded disk the bus lacks (missing), four operator reservations */
	CELLS(&w, "web1", 0, DEMO_WEB1);
	/* db1: two slots left */
	CELLS(&w, "db1", 0, "BBBBUUUUUUUUUUUUUUUUUUUUUUUUUU..");
	scr = tmx_screen(&w.t, 0);
	ck_assert_int_eq(tmx_row_cells(scr, "web1", cells), 0);
	ck_assert_msg(count_of(cells, 'U') >= 2, "web1 is busy: %s", cells);
	/* every state the legend lists but unplugging is on the first
	 * screen (unplugging needs a command) */
	{
		static const char all[] = ".RBUFM";
		char seen[3 * 33] = "";
		const char *nm[] = { "web1", "db1", "fresh1" };
		size_t k;

		for (k = 0; k < 3; k++) {
			ck_assert_int_eq(tmx_row_cells(scr, nm[k], cells), 0);
			strcat(seen, cells);
		}
		for (k = 0; all[k]; k++)
			ck_assert_msg(strchr(seen, all[k]) != NULL,
			    "no '%c' cell on the demo's first screen:\n%.2000s",
			    all[k], scr);
	}
	ck_assert_int_eq(tmx_row_cells(scr, "db1", cells), 0);
	ck_assert_msg(count_of(cells, '.') + count_of(cells, 'R') <= 4,
	    "db1's bus is nearly full: %s", cells);
	free(scr);
	/* the foreign and missing cells explain themselves */
	tmx_keys(&w.t, "Tab");
	SEE(&w, "focus: grid");
	tmx_keys(&w.t, "0 l l l l l l l l l l");		/* web1 slot 10 */
	SEE(&w, "web1 slot 10");
	SEE(&w, "state F foreign");
	SEE(&w, "id    hand-added-e1000");
	tmx_keys(&w.t, "l");
	SEE(&w, "web1 slot 11");
	SEE(&w, "state M missing");
	SEE(&w, "id    disk-");
	SEE(&w, "no live function");
	tmx_keys(&w.t, "l");
	SEE(&w, "state R reserved");
	tmx_keys(&w.t, "F10");
	ck_assert_msg(tmx_wait_dead(&w.t, WAIT), "F10 did not exit");
	world_free(&w);
}
END_TEST

START_TEST(demo_typed_commands_change_cells)
{
	struct world w;

	demo_start(&w);
	CELLS(&w, "fresh1", 0, PC_BUS);
	enter(&w, "reserve fresh1 7");
	CELLS(&w, "fresh1", 4, "...R....");
	/* the others are untouched */
	CELLS(&w, "fresh1", 0, "BBBB...R");
	enter(&w, "free fresh1 7");
	CELLS(&w, "fresh1", 0, PC_BUS);
	/* a bad command: one red line, nothing changes */
	enter(&w, "reserve fresh1 99");
	SEE(&w, "> reserve fresh1 99");
	CELLS(&w, "fresh1", 0, PC_BUS);
	/* Enter on a free slot in the grid proposes reserving it */
	tmx_keys(&w.t, "Tab j j l l l l l l l l l Enter");
	SEE(&w, "slotscope> reserve fresh1 9");
	tmx_keys(&w.t, "Enter");
	CELLS(&w, "fresh1", 8, ".R.");
	world_free(&w);
}
END_TEST

/* An unplug in the demo: `unplugging` until the guest lets the device go;
 * the refresh that sees the slot empty completes it, and the log tells
 * the whole story.  That middle state must last to be seen, whatever the
 * machine's load: stuck1's guest (the stuck-unplug scenario) ignores the
 * request, so the slot stays unplugging until the test resets the machine
 * over its HMP socket -- a reset completes every pending unplug, as in
 * QEMU.  fresh1's guest acknowledges by itself after a moment, like a
 * booted VM's: its slot is free again. */
START_TEST(demo_unplug_completes)
{
	struct world w;

	demo_start_args(&w, "--scenario stuck-unplug");
	CELLS(&w, "stuck1", 0, "BBBB.U..");
	enter(&w, "unplug stuck1 5");
	CELLS(&w, "stuck1", 0, "BBBB.~..");
	SEE(&w, "used \xe2\x86\x92 unplugging");
	demo_hmp(&w, "stuck1", "system_reset");
	SEE(&w, "used \xe2\x86\x92 unplugging \xe2\x86\x92 free");
	CELLS(&w, "stuck1", 0, PC_BUS);
	/* fresh1's guest answers by itself */
	CELLS(&w, "fresh1", 0, PC_BUS);
	enter(&w, "hotplug fresh1 nic");
	CELLS(&w, "fresh1", 0, "BBBBU...");
	enter(&w, "unplug fresh1 4");
	CELLS(&w, "fresh1", 0, PC_BUS);
	world_free(&w);
}
END_TEST

START_TEST(demo_completion)
{
	struct world w;

	demo_start(&w);
	CELLS(&w, "fresh1", 0, PC_BUS);
	tmx_type(&w.t, "rese");
	tmx_keys(&w.t, "Tab");
	/* (capture-pane drops trailing blanks: the next word shows the
	 * blank that completion appended) */
	SEE(&w, "slotscope> reserve");
	tmx_type(&w.t, "fr");
	tmx_keys(&w.t, "Tab");
	tmx_type(&w.t, "7");
	SEE(&w, "slotscope> reserve fresh1 7");
	/* ambiguous: the candidates go to the event log */
	tmx_keys(&w.t, "C-u");
	tmx_type(&w.t, "re");
	tmx_keys(&w.t, "Tab");
	SEE(&w, "completions: ");
	SEE(&w, "reserve");
	SEE(&w, "refresh");
	/* key= words: the value follows the '=' directly */
	tmx_keys(&w.t, "C-u");
	tmx_type(&w.t, "hotplug fresh1 nic back");
	tmx_keys(&w.t, "Tab");
	tmx_type(&w.t, "user");
	SEE(&w, "slotscope> hotplug fresh1 nic backend=user");
	world_free(&w);
}
END_TEST

/* The detail pane's value that starts with `label` on the screen, with
 * its continuation rows (indented by six) joined on: 0, or -1 when the
 * label is not there or a continuation row is not indented. */
static int
detail_value(const char *scr, const char *label, char *out, size_t outsz)
{
	static const char bar[] = "\xe2\x94\x82";	/* the box's side */
	const char *p = scr;
	size_t n = 0, ll = strlen(label);
	int rows = 0;

	out[0] = '\0';
	while (p && *p) {
		const char *nl = strchr(p, '\n'), *in, *end;

		if (nl == NULL)
			nl = p + strlen(p);
		if (strncmp(p, bar, 3) != 0)
			break;			/* below the pane */
		in = p + 3;			/* inside the detail box */
		end = strstr(in, bar);
		if (end == NULL || end > nl)
			end = nl;
		while (end > in && end[-1] == ' ')
			end--;
		if (rows == 0 && (size_t)(end - in) > ll + 1 &&
		    strncmp(in + 1, label, ll) == 0) {
			n = (size_t)(end - in - 1);
			if (n >= outsz)
				return -1;
			memcpy(out, in + 1, n);
			out[n] = '\0';
			rows = 1;
		} else if (rows > 0) {
			/* a continuation: seven blanks, then text */
			if (end - in <= 7 || strncmp(in, "       ", 7) != 0 ||
			    in[7] == ' ')
				return 0;
			if (n + (size_t)(end - in - 7) >= outsz)
				return -1;
			memcpy(out + n, in + 7, (size_t)(end - in - 7));
			n += (size_t)(end - in - 7);
			out[n] = '\0';
		}
		p = *nl ? nl + 1 : NULL;
	}
	return rows ? 0 : -1;
}

/* Skip to the detail box's first row (the one under its top border). */
static const char *
detail_rows(const char *scr)
{
	const char *p = strstr(scr, "\xe2\x94\x8c\xe2\x94\x80 web1 slot");

	p = p ? strchr(p, '\n') : NULL;
	return p ? p + 1 : NULL;
}

/* At 80x24 the detail pane wraps long values onto indented rows instead
 * of cutting them: the whole uuid, the function's id, the endpoint. */
START_TEST(detail_wraps_at_80x24)
{
	struct world w;
	char *scr, val[512];
	const char *rows;
	size_t k;

	demo_start(&w);
	CELLS(&w, "web1", 0, DEMO_WEB1);
	tmx_resize(&w.t, 80, 24);
	SEE(&w, "0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1");
	tmx_keys(&w.t, "Tab 0 l l l l l");		/* web1 slot 5: a NIC */
	SEE(&w, "web1 slot 5");
	SEE(&w, "Ethernet controller");
	scr = tmx_screen(&w.t, 0);
	rows = detail_rows(scr);
	ck_assert_msg(rows != NULL, "%.2500s", scr);
	/* the uuid: 8-4-4-4-12 hex digits, whole across its rows */
	ck_assert_msg(detail_value(rows, "uuid  ", val, sizeof val) == 0,
	    "%.2500s", scr);
	ck_assert_msg(strlen(val) == 6 + 36, "uuid cut: \"%s\"\n%.2500s",
	    val, scr);
	for (k = 0; k < 36; k++) {
		char c = val[6 + k];

		ck_assert_msg(k == 8 || k == 13 || k == 18 || k == 23 ?
		    c == '-' : strchr("0123456789abcdef", c) != NULL,
		    "uuid cut: \"%s\"\n%.2500s", val, scr);
	}
	/* the function's id, on an indented row of its own */
	ck_assert_msg(detail_value(rows, "fn 0  ", val, sizeof val) == 0,
	    "%.2500s", scr);
	ck_assert_msg(strstr(val, "Ethernet controller") != NULL &&
	    strstr(val, "id nic-") != NULL && strlen(strstr(val, "id nic-")) ==
	    strlen("id nic-12345678-pci-5"), "fn row cut: \"%s\"\n%.2500s",
	    val, scr);
	/* the endpoint, all of it */
	ck_assert_msg(detail_value(rows, "endpoint unix:/", val, sizeof val) ==
	    0, "%.2500s", scr);
	k = strlen(val);
	ck_assert_msg(k > 9 && strcmp(val + k - 9, "/web1.qmp") == 0,
	    "endpoint cut: \"%s\"\n%.2500s", val, scr);
	free(scr);
	world_free(&w);
}
END_TEST

/* The q35 training VM whose root ports run out: its row shows the ports
 * (H: something behind, o: the free one), pcie.0's empty slots closed
 * (_), capacity 1; x unfolds one child row per root port with what is
 * behind it; a hotplug takes the free port and capacity 0 stands out. */
START_TEST(q35_ports_tree)
{
	struct world w;

	demo_start_args(&w, "--scenario q35-ports-full");
	CELLS(&w, "q35-1", 0, "BBB_HHo________________________B");
	SEE(&w, "q35-1  qmp 7.2.22 ok            1");
	tmx_keys(&w.t, "Tab");
	tmx_type(&w.t, "jjjx");
	SEE(&w, "\xe2\x94\x94 rp6  root port  bus 6         1 .");
	SEE(&w, "\xe2\x94\x94 rp4  root port  bus 4         0 F");
	tmx_keys(&w.t, "Tab");
	enter(&w, "hotplug q35-1 nic");
	SEE(&w, "plugged in slot 0 of bus 6");
	CELLS(&w, "q35-1", 0, "BBB_HHH________________________B");
	SEE(&w, "q35-1  qmp 7.2.22 ok            0");
	world_free(&w);
}
END_TEST

/* `list` is compact, and the event log wraps a long line at a word with
 * an indent: at 120 columns the counts stay on one row; at 80 a
 * continuation row starts with a whole word. */
START_TEST(list_wraps_at_words)
{
	struct world w;

	demo_start(&w);
	CELLS(&w, "web1", 0, DEMO_WEB1);
	enter(&w, "list");
	SEE(&w, "web1    ok  qmp 7.2.22  free 17  reserved 4  live 10  "
	    "missing 1");
	SEE(&w, "fresh1  ok  qmp 7.2.22  free 28  reserved 0  live  4");
	/* too long for the pane: the rest on an indented row */
	SEE(&w, "\xe2\x94\x82  foreign 1");
	tmx_resize(&w.t, 80, 24);
	SEE(&w, "0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1");
	SEE(&w, "\xe2\x94\x82" "fresh1  ok  qmp 7.2.22  free 28");
	SEE(&w, "\xe2\x94\x82  reserved 0  live  4");
	SEE(&w, "\xe2\x94\x82  reserved 4  live 10  missing 1");
	world_free(&w);
}
END_TEST

/* The help overlay at 80x24: each command's synopsis on its row, its
 * description wrapped at words below it, and the whole scrolls. */
START_TEST(help_reads_at_80x24)
{
	struct world w;
	char *scr = NULL;

	demo_start(&w);
	CELLS(&w, "web1", 0, DEMO_WEB1);
	tmx_resize(&w.t, 80, 24);
	SEE(&w, "0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1");
	tmx_keys(&w.t, "F1");
	SEE(&w, "help 1-20 of ");
	SEE(&w, "Up/Down PgUp/PgDn scroll, any other key closes");
	SEE(&w, "show INST [--json]");
	SEE(&w, "the 32 slots of an instance: state (free, reserved, builtin,");
	tmx_keys(&w.t, "Down");
	SEE(&w, "help 2-21 of ");
	tmx_keys(&w.t, "PageDown");
	SEE(&w, "reserve a slot (0-31) so that no new device takes it;");
	SEE(&w, "free INST SLOT [--force]");
	SEE(&w, "release a reserved slot; refuses a slot with a live device");
	tmx_keys(&w.t, "End");
	SEE(&w, "leave slotscope (also F10, or q in the grid)");
	SEE(&w, "stop the command running in the background");
	/* hotplug's synopsis is wider than the overlay: two of them, each
	 * whole, then the description */
	tmx_keys(&w.t, "PageUp");
	SEE(&w, "hotplug INST disk path=FILE [format=FMT] [KEY=VALUE ...] "
	    "[--force]");
	SEE(&w, "add the backend and the device at the first free slot (or N)");
	SEE(&w, "then record it; any failure is rolled back.");
	tmx_keys(&w.t, "Home");
	SEE(&w, "help 1-20 of ");
	tmx_keys(&w.t, "x");
	ck_assert(tmx_wait_for(&w.t, "events", WAIT, &scr));
	free(scr);
	scr = tmx_screen(&w.t, 0);
	ck_assert_msg(strstr(scr, "key closes") == NULL,
	    "help did not close:\n%.2000s", scr);
	free(scr);
	world_free(&w);
}
END_TEST

/* Poll until text is no longer on the screen. */
#define GONE(w, text) do { \
	char *scr_ = NULL; \
	int k_; \
	for (k_ = 0; k_ < tu_ms(WAIT) / 50; k_++) { \
		free(scr_); \
		scr_ = tmx_screen(&(w)->t, 0); \
		if (scr_ != NULL && strstr(scr_, (text)) == NULL) \
			break; \
		usleep(50 * 1000); \
	} \
	ck_assert_msg(k_ < tu_ms(WAIT) / 50, "\"%s\" still on the " \
	    "screen:\n%.2000s", (text), scr_ ? scr_ : ""); \
	free(scr_); \
} while (0)

/* First contact, on the empty command line the screen starts on: `?`
 * opens the help and `q` quits, as the hint says; F1 too; on a line with
 * text they are letters. */
START_TEST(demo_empty_line_keys)
{
	struct world w;
	char *scr;

	demo_start(&w);
	SEE(&w, "F1 or ? for help, q quits");
	SEE(&w, "focus: line");
	tmx_type(&w.t, "?");
	SEE(&w, "any other key closes");
	tmx_keys(&w.t, "x");
	ck_assert(tmx_wait_for(&w.t, "events", WAIT, &scr));
	free(scr);
	scr = tmx_screen(&w.t, 0);
	ck_assert_msg(strstr(scr, "any other key closes") == NULL,
	    "help did not close:\n%.2000s", scr);
	free(scr);
	/* the key that closed it was not typed on the line */
	scr = tmx_screen(&w.t, 0);
	ck_assert_msg(strstr(scr, "slotscope> x") == NULL, "the key that "
	    "closed the help was typed:\n%.2000s", scr);
	free(scr);
	tmx_keys(&w.t, "F1");
	SEE(&w, "any other key closes");
	tmx_keys(&w.t, "Escape");
	/* with text on the line, ? and q are typing */
	tmx_type(&w.t, "x?q");
	SEE(&w, "slotscope> x?q");
	scr = tmx_screen(&w.t, 0);
	ck_assert_msg(strstr(scr, "any other key closes") == NULL,
	    "? on a line with text opened the help:\n%.2000s", scr);
	free(scr);
	tmx_keys(&w.t, "C-c");
	GONE(&w, "slotscope> x?q");
	tmx_type(&w.t, "q");
	ck_assert_msg(tmx_wait_dead(&w.t, WAIT), "q on the empty line did "
	    "not quit");
	world_free(&w);
}
END_TEST

/* TERM=dumb (no cursor addressing): refused with one line that points to
 * -c, exit status 2, before any simulator starts. */
START_TEST(dumb_terminal_refused)
{
	struct world w;
	char *cmd, *scr = NULL;

	memset(&w, 0, sizeof w);
	w.dir = tu_tmpdir();
	ck_assert_ptr_nonnull(w.dir);
	reg_add("dir", w.dir);
	ck_assert_int_ne(asprintf(&cmd, "cd %s && env TERM=dumb HOME=%s %s "
	    "--demo; echo \"exit status $?\"; sleep 60", w.dir, w.dir, bin),
	    -1);
	/* wide enough for the line not to wrap; the sleep keeps the pane
	 * (and tmux) up until the test reads it */
	ck_assert_int_eq(tmx_start(&w.t, 200, H, cmd), 0);
	reg_add("tmux", w.t.sock);
	free(cmd);
	SEE(&w, "exit status 2");
	ck_assert(tmx_wait_for(&w.t, "exit status", WAIT, &scr));
	ck_assert_msg(strstr(scr, "slotscope: the terminal \"dumb\" cannot "
	    "move the cursor") != NULL, "no clear line:\n%.1500s", scr);
	ck_assert_msg(strstr(scr, "-c COMMAND") != NULL, "no pointer to -c:"
	    "\n%.1500s", scr);
	/* nothing drawn: the line and the status are all there is */
	ck_assert_msg(strstr(scr, "slotscope>") == NULL &&
	    strstr(scr, "instance") == NULL, "the screen was drawn:\n%.1500s",
	    scr);
	free(scr);
	world_free(&w);
}
END_TEST

/* The names in the grid rows shown: each row's first word, up to max. */
static int
grid_names(const char *screen, const char *prefix, char names[][64],
    int max)
{
	const char *p = screen;
	size_t n = strlen(prefix);
	int k = 0;

	while (p && *p && k < max) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, prefix, n) == 0 || (strncmp(p, "\xe2\x80\xa6",
		    3) == 0 && strstr(p, " ok ") != NULL)) {
			size_t len = strcspn(p, " \n");

			snprintf(names[k++], 64, "%.*s", (int)len, p);
		}
		p = nl ? nl + 1 : NULL;
	}
	return k;
}

static int
all_distinct(char names[][64], int n)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) == 0)
				return 0;
	return 1;
}

/* Forty Ganeti FQDNs that differ only in the middle: at 120 columns the
 * name column is as wide as they are; at 90 it is cut in the middle
 * with an ellipsis where they still differ, and the grid scrolls
 * instead of cutting them further. */
START_TEST(fqdn_names_stay_distinct)
{
	struct world w;
	char *cmd, *out = NULL, *scr = NULL, path[4200], spid[32];
	char names[4096], got[48][64], *row;
	size_t o = 0;
	long pid;
	int i, n;

	for (i = 1; i <= 40; i++)
		o += (size_t)snprintf(names + o, sizeof names - o, "%s"
		    "webserver-frontend-%02d.prod.example.com", i > 1 ? "," : "",
		    i);
	memset(&w, 0, sizeof w);
	w.dir = tu_tmpdir();
	ck_assert_ptr_nonnull(w.dir);
	reg_add("dir", w.dir);
	ck_assert_int_ne(asprintf(&cmd, "mkdir %s/mon && { %s --simulate "
	    "%s/mon --instances 40 --names %s >%s/sim.log 2>&1 & echo $!; }",
	    w.dir, bin, w.dir, names, w.dir), -1);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	free(cmd);
	pid = strtol(out, NULL, 10);
	free(out);
	ck_assert_int_gt(pid, 1);
	snprintf(spid, sizeof spid, "%ld", pid);
	reg_add("pid", spid);
	snprintf(path, sizeof path, "%s/mon", w.dir);
	ck_assert_msg(tu_sim_serves(path, "webserver-frontend-40.prod."
	    "example.com.qmp", 10000), "the simulator did not start");
	ck_assert_int_ne(asprintf(&cmd, "cd %s && env LANG=C.UTF-8 "
	    "TERM=screen-256color HOME=%s XDG_STATE_HOME=%s/state "
	    "XDG_CONFIG_HOME=%s/config %s --runtime-dir %s/rt --interval 0.5 "
	    "--monitor-dir %s/mon 2>%s/stderr", w.dir, w.dir, w.dir, w.dir,
	    bin, w.dir, w.dir, w.dir), -1);
	/* tall enough for all 40 rows */
	ck_assert_int_eq(tmx_start(&w.t, 120, 60, cmd), 0);
	reg_add("tmux", w.t.sock);
	free(cmd);
	SEE(&w, "40 instances  0 unreachable  0 busy");
	CELLS(&w, "webserver-frontend-40.prod.example.com", 0, PC_BUS);
	scr = tmx_screen(&w.t, 0);
	n = grid_names(scr, "webserver-", got, 48);
	ck_assert_msg(n == 40 && all_distinct(got, n), "%d names, or not "
	    "distinct, at 120 columns:\n%.4000s", n, scr);
	for (i = 0; i < n; i++)
		ck_assert_msg(strlen(got[i]) == 38, "cut at 120 columns: %s",
		    got[i]);
	free(scr);
	/* the detail pane's instance line: name, two blanks, state */
	SEE(&w, "webserver-frontend-01.prod.example.com  ok");

	tmx_resize(&w.t, 90, 60);
	SEE(&w, "\xe2\x80\xa6");
	scr = NULL;
	ck_assert(tmx_wait_for(&w.t, "slots ", WAIT, &scr));
	n = grid_names(scr, "webserver-", got, 48);
	ck_assert_msg(n == 40 && all_distinct(got, n), "%d names, or not "
	    "distinct, at 90 columns:\n%.4000s", n, scr);
	for (i = 0; i < n; i++)
		ck_assert_msg(strstr(got[i], "\xe2\x80\xa6") != NULL &&
		    strlen(got[i]) < 38, "not cut with an ellipsis: %s",
		    got[i]);
	/* the selected instance's whole name is in the narrower detail
	 * pane too, wrapped after its '-' */
	row = strstr(scr, "\xe2\x94\x82 webserver-frontend-");
	ck_assert_msg(row != NULL && strstr(row, "01.prod.example.com  ok"),
	    "no whole name in the pane:\n%.5000s", scr);
	free(scr);
	tmx_kill(&w.t);
	kill((pid_t)pid, SIGTERM);
	waitpid((pid_t)pid, NULL, 0);
	tu_rmrf(w.dir);
	free(w.dir);
}
END_TEST

/* `/TEXT` on the line (or `/` in the grid) shows only the rows that match:
 * by name, or by a state some slot is in; a lone `/` shows all again. */
START_TEST(demo_filter_rows)
{
	struct world w;
	char *scr = NULL, *r;

	demo_start(&w);
	CELLS(&w, "web1", 0, DEMO_WEB1);
	CELLS(&w, "fresh1", 0, PC_BUS);
	enter(&w, "/foreign");
	SEE(&w, "filter \"foreign\": 1 of 3 instances");
	ck_assert(tmx_wait_for(&w.t, "filter /foreign", WAIT, &scr));
	ck_assert_msg((r = tmx_row(scr, "web1")) != NULL, "web1 (it has a "
	    "foreign slot) filtered out:\n%.2000s", scr);
	free(r);
	ck_assert_msg(tmx_row(scr, "fresh1") == NULL && tmx_row(scr, "db1") ==
	    NULL, "rows without a foreign slot shown:\n%.2000s", scr);
	free(scr);
	/* from the grid: `/` starts the filter on the line */
	tmx_keys(&w.t, "Tab");
	SEE(&w, "focus: grid");
	tmx_type(&w.t, "/");
	SEE(&w, "slotscope> /");
	enter(&w, "FRESH");
	SEE(&w, "filter \"FRESH\": 1 of 3 instances");
	scr = NULL;
	ck_assert(tmx_wait_for(&w.t, "filter /FRESH", WAIT, &scr));
	ck_assert_msg((r = tmx_row(scr, "fresh1")) != NULL && tmx_row(scr,
	    "web1") == NULL, "name filter:\n%.2000s", scr);
	free(r);
	free(scr);
	/* the selection follows: the detail pane shows fresh1 */
	SEE(&w, "fresh1 slot 0");
	enter(&w, "/nosuch");
	SEE(&w, "no instance matches \"nosuch\"");
	enter(&w, "/");
	SEE(&w, "filter off: all 3 instances");
	CELLS(&w, "db1", 0, "BBBB");
	CELLS(&w, "web1", 0, DEMO_WEB1);
	world_free(&w);
}
END_TEST

/* A narrow screen: the grid shows the slots that fit and scrolls with the
 * selection, so `$` at 60 columns shows slot 31 selected. */
START_TEST(narrow_grid_scrolls)
{
	struct world w;
	char *scr = NULL, *r;

	demo_start(&w);
	CELLS(&w, "web1", 0, DEMO_WEB1);
	tmx_resize(&w.t, 60, 24);
	SEE(&w, "slots 0-");
	tmx_keys(&w.t, "Tab");
	tmx_type(&w.t, "$");
	SEE(&w, "web1 slot 31");
	ck_assert(tmx_wait_for(&w.t, "-31 of 32", WAIT, &scr));
	r = tmx_row(scr, "web1");
	ck_assert_msg(r != NULL && strstr(r, "[.]") != NULL, "slot 31 not "
	    "shown selected:\n%.2000s", scr);
	ck_assert_msg(strstr(scr, "<") != NULL, "no mark of slots off to the "
	    "left:\n%.2000s", scr);
	free(r);
	free(scr);
	/* and back: slot 0, the builtin host bridge */
	tmx_type(&w.t, "0");
	SEE(&w, "web1 slot 0");
	scr = NULL;
	ck_assert(tmx_wait_for(&w.t, "slots 0-", WAIT, &scr));
	r = tmx_row(scr, "web1");
	ck_assert_msg(r != NULL && strstr(r, "[B]") != NULL, "slot 0 not "
	    "shown selected:\n%.2000s", scr);
	free(r);
	free(scr);
	world_free(&w);
}
END_TEST

/* The SGR parameters the row of `name` writes the word `state` with: those
 * of the escape sequences right before it, joined by ';'. */
static int
state_sgr(const char *screen, const char *name, const char *state,
    char *out, size_t len)
{
	const char *p = screen, *row = NULL, *at, *e, *q = NULL;
	size_t n = strlen(name), o = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');

		/* rows start with the name, possibly after escapes */
		for (q = p; *q == '\033' && strchr(q, 'm'); q = strchr(q, 'm') + 1)
			;
		if (strncmp(q, name, n) == 0 && q[n] == ' ') {
			row = p;
			break;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (row == NULL || (at = strstr(q + n, state)) == NULL)
		return -1;
	out[0] = '\0';
	/* back over each ESC[...m that ends right where the next begins */
	for (e = at; e > row && e[-1] == 'm'; ) {
		for (q = e - 1; q > row && q[0] != '\033'; q--)
			;
		if (q[0] != '\033' || q[1] != '[')
			break;
		o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%.*s;",
		    (int)(e - q - 3), q + 2);
		e = q;
	}
	return out[0] ? 0 : -1;
}

/* Colours readable on a light background: the light palette (from
 * COLORFGBG, or --colors light) writes "busy" in a dark orange instead of
 * yellow; --colors none and NO_COLOR give none at all. */
START_TEST(demo_colors_follow_background)
{
	static const struct {
		const char *env, *args;
		const char *want;	/* in the SGR, NULL: no colour */
	} cases[] = {
		{ "", "--scenario busy-monitor", "33" },
		{ "COLORFGBG='0;15'", "--scenario busy-monitor", "38;5;130" },
		{ "COLORFGBG='15;0'", "--scenario busy-monitor --colors light",
		  "38;5;130" },
		{ "COLORFGBG='0;15'", "--scenario busy-monitor --colors dark",
		  "33" },
		{ "", "--scenario busy-monitor --colors none", NULL },
		{ "NO_COLOR=1", "--scenario busy-monitor --colors light", NULL },
	};
	size_t k;

	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct world w;
		char args[256], sgr[64], *scr = NULL;

		snprintf(args, sizeof args, "%s", cases[k].args);
		demo_start_env(&w, cases[k].env, args);
		SEE(&w, "1 busy");
		ck_assert(tmx_wait_for(&w.t, "1 busy", WAIT, &scr));
		free(scr);
		scr = tmx_screen(&w.t, 1);
		if (cases[k].want == NULL)
			ck_assert_msg(!has_colour(scr), "colours with %s %s:\n"
			    "%.2000s", cases[k].env, args, scr);
		else {
			ck_assert_msg(state_sgr(scr, "busy1", "busy", sgr,
			    sizeof sgr) == 0, "no busy1 row:\n%.3000s", scr);
			ck_assert_msg(strstr(sgr, cases[k].want) != NULL,
			    "%s %s: busy written with ESC[%sm, not %s", 
			    cases[k].env, args, sgr, cases[k].want);
		}
		free(scr);
		world_free(&w);
	}
}
END_TEST

/* Every state keeps its own colours: q35's closed cells ('_') are dim in
 * the terminal's own colours, on a dark background and on a light one (their
 * pair was once numbered like ok's and drawn green, or dark green). */
START_TEST(closed_cells_keep_their_colour)
{
	static const char *const envs[] = { "", "COLORFGBG='0;15'" };
	size_t k;

	for (k = 0; k < sizeof envs / sizeof envs[0]; k++) {
		struct world w;
		char sgr[64], seq[80], *scr;

		demo_start_env(&w, envs[k], "--scenario q35-ports-full");
		CELLS(&w, "q35-1", 7, "_________");
		scr = tmx_screen(&w.t, 1);
		ck_assert_msg(state_sgr(scr, "q35-1", "_", sgr, sizeof sgr) == 0,
		    "no escape before q35-1's first closed cell:\n%.3000s", scr);
		snprintf(seq, sizeof seq, "\033[%sm", sgr);
		ck_assert_msg(!has_colour(seq) && (strncmp(sgr, "2;", 2) == 0 ||
		    strstr(sgr, ";2;") != NULL),
		    "%s: closed cells written with ESC[%sm, not dim in the "
		    "default colours", envs[k], sgr);
		free(scr);
		world_free(&w);
	}
}
END_TEST

Suite *
tui_e2e_suite(void)
{
	Suite *s;
	TCase *tc;
	static const char *const need_qemu[] = { "tmux", "qemu-system-x86_64",
		NULL };
	static const char *const need_tmux[] = { "tmux", NULL };

	tmx_reg_init(&registry, "e2e");
	if (realpath(tu_bin(), bin) == NULL)
		snprintf(bin, sizeof bin, "%s", tu_bin());
	s = suite_create("tui_e2e");
	tc = tu_tcase_new(s, "qemu", tu_missing(need_qemu), NULL, reg_cleanup,
	    90);
	tcase_add_test(tc, grid_shows_live_states);
	tcase_add_test(tc, keys_move_fill_and_help);
	tcase_add_test(tc, resize_redraws);
	tcase_add_test(tc, killed_qemu_goes_unreachable);
	tcase_add_test(tc, hotplug_and_unplug_typed);
	tcase_add_test(tc, no_color_uses_letters_only);
	tcase_add_test(tc, quit_keeps_history);
	tc = tu_tcase_new(s, "demo", tu_missing(need_tmux), NULL, reg_cleanup,
	    90);
	tcase_add_test(tc, demo_opens_the_grid);
	tcase_add_test(tc, demo_typed_commands_change_cells);
	tcase_add_test(tc, demo_completion);
	tcase_add_test(tc, demo_unplug_completes);
	tcase_add_test(tc, demo_busy_and_crashed);
	tcase_add_test(tc, demo_ganeti_collision);
	tcase_add_test(tc, many_instances_scroll);
	tcase_add_test(tc, demo_mouse_and_enter);
	tcase_add_test(tc, detail_wraps_at_80x24);
	tcase_add_test(tc, list_wraps_at_words);
	tcase_add_test(tc, q35_ports_tree);
	tcase_add_test(tc, help_reads_at_80x24);
	tcase_add_test(tc, demo_empty_line_keys);
	tcase_add_test(tc, dumb_terminal_refused);
	tcase_add_test(tc, fqdn_names_stay_distinct);
	tcase_add_test(tc, demo_filter_rows);
	tcase_add_test(tc, narrow_grid_scrolls);
	tcase_add_test(tc, demo_colors_follow_background);
	tcase_add_test(tc, closed_cells_keep_their_colour);
	return s;
}
