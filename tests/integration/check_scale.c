/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_scale.c - a fleet of 5000 instances through the real binary:
 * the simulator (tu_simfleet_start, as `slotscope --simulate DIR
 * --instances 5000` serves them) in a child, and
 * `slotscope --monitor-dir DIR -c list` must list every one of them,
 * each reached (conn "ok"), and its --json the same rows as one value.
 * Lists were once refused beyond 1024.
 * The same fleet through the library: one refresh of all never holds
 * more than max_parallel sessions (file descriptors) open at once, and
 * the fleet's heap stays within 8 KB an instance (issue 18: 10,000 must
 * fit in tens of MB).  The screen on the same 5000: every row read,
 * the last one reached with G.
 *
 * The simulator is started by an unchecked fixture (in the runner
 * process, which outlives a failing check) and stopped by its teardown;
 * it also dies with the runner (simfleet.h).
 */
#include <check.h>
#include <jansson.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/clock.h"
#include "fleet/fleet.h"
#include "store/instsrc.h"
#include "testutil.h"
#include "simfleet.h"
#include "tmuxdrv.h"

#define N 5000

static char *dir;
static struct tmx_reg reg;	/* the tmux server a check started */
static char sim[4300];
static pid_t pid = -1;
static struct err sim_err = { "the fixture did not get to start it" };

/* 1 when the last instance's QMP socket accepts a connection (the
 * simulator makes them in order; tu_listening reads all of
 * /proc/net/unix, too slow with 10,000 sockets). */
static int
last_up(void)
{
	struct sockaddr_un a;
	int fd, ok;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s/vm%d.qmp", sim, N);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

/* How long a session waits for the simulator's greeting.  The default
 * 500 ms is a deadline for one slow monitor; here one simulator process
 * greets 64 new sessions at once, 5000 times over, and under ASan on a
 * loaded machine some greetings came later than that ("sent nothing in
 * 500 ms": list_5000, refresh_5000_bounded).  What these checks assert is
 * that every instance is reached, not how fast, so they wait longer (the
 * config's most is 60 s). */
static int
greet_ms(void)
{
	int ms = tu_ms(5000);

	return ms < 60000 ? ms : 60000;
}

static void
sim_up(void)
{
	FILE *f;

	tmx_reg_init(&reg, "scale");
	dir = tu_tmpdir();
	if (dir == NULL)
		return;
	snprintf(sim, sizeof sim, "%s/sim", dir);
	if (mkdir(sim, 0700) < 0)
		return;
	/* the binary's checks read the same deadline from --config */
	if ((f = fopen(tu_path(dir, "scale.conf"), "w")) == NULL)
		return;
	fprintf(f, "monitor-timeout %d\n", greet_ms());
	if (fclose(f) != 0)
		return;
	if (tu_simfleet_start(sim, N, SIM_SOCK_BOTH, &pid, &sim_err) < 0)
		pid = -1;
}

static void
sim_down(void)
{
	tmx_reg_cleanup(&reg, SIGKILL);
	tu_simfleet_stop(&pid);
	if (dir != NULL)
		tu_tmpdir_down(&dir);
}

START_TEST(list_5000)
{
	char cmd[9000], *out = NULL, *line, *save = NULL;
	char *seen = calloc(N + 1, 1);
	struct rlimit rl;
	int rows = 0, rc;

	ck_assert_ptr_nonnull(seen);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY
	    && rl.rlim_max < 2 * N + 256)
		tu_skip("the open-files hard limit is below what 5000 "
		    "simulated instances need");
	ck_assert_msg(pid > 0 && last_up(), "the simulator did not come up: "
	    "%s", sim_err.msg);
	snprintf(cmd, sizeof cmd, "'%s' --config '%s/scale.conf' "
	    "--runtime-dir '%s/rt' --monitor-dir '%s' -c list 2>&1", tu_bin(),
	    dir, dir, sim);
	rc = tu_run(cmd, &out);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(rc == 0, "list exited %d: %.300s", rc, out);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[64], conn[32];
		int v;

		if (strncmp(line, "NAME ", 5) == 0)
			continue;
		ck_assert_msg(sscanf(line, "vm%d %31s", &v, conn) == 2 &&
		    v >= 1 && v <= N, "unexpected row '%s'", line);
		snprintf(name, sizeof name, "vm%d", v);
		ck_assert_msg(strncmp(line, name, strlen(name)) == 0 &&
		    line[strlen(name)] == ' ', "row '%s'", line);
		ck_assert_msg(!seen[v], "vm%d listed twice", v);
		ck_assert_msg(strcmp(conn, "ok") == 0, "row '%s'", line);
		seen[v] = 1;
		rows++;
	}
	ck_assert_int_eq(rows, N);
	free(out);
	free(seen);
}
END_TEST

/* --json -c list of the same 5000: one JSON value (its rows written as
 * they are made, batch mode's way), every instance once, in the text's
 * order (by name), each ok with a fresh pc's 28 free slots. */
START_TEST(list_json_5000)
{
	char cmd[9000], *out = NULL, prev[64] = "";
	char *seen = calloc(N + 1, 1);
	json_t *j, *row;
	json_error_t je;
	size_t k;
	int rc;

	ck_assert_ptr_nonnull(seen);
	ck_assert_msg(pid > 0 && last_up(), "the simulator did not come up: "
	    "%s", sim_err.msg);
	snprintf(cmd, sizeof cmd, "'%s' --config '%s/scale.conf' "
	    "--runtime-dir '%s/rt' --monitor-dir '%s' --json -c list "
	    "2>/dev/null", tu_bin(), dir, dir, sim);
	rc = tu_run(cmd, &out);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(rc == 0, "list --json exited %d: %.300s", rc, out);
	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1, "not one "
	    "line: %.300s", out);
	j = json_loads(out, 0, &je);
	ck_assert_msg(j != NULL, "%s: %.300s", je.text, out);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "schema")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "instances")), N);
	json_array_foreach(json_object_get(j, "instances"), k, row) {
		const char *name = json_string_value(json_object_get(row,
		    "instance"));
		int v;

		ck_assert_msg(name != NULL && sscanf(name, "vm%d", &v) == 1 &&
		    v >= 1 && v <= N && !seen[v], "row %zu: %s", k, name);
		seen[v] = 1;
		ck_assert_msg(strcmp(prev, name) < 0, "%s after %s", name, prev);
		snprintf(prev, sizeof prev, "%s", name);
		ck_assert_str_eq(json_string_value(json_object_get(row,
		    "conn")), "ok");
		ck_assert_int_eq(json_integer_value(json_object_get(
		    json_object_get(row, "counts"), "free")), 28);
	}
	json_decref(j);
	free(out);
	free(seen);
}
END_TEST

START_TEST(refresh_5000_bounded)
{
	struct instsrc_list l;
	struct pollfd pfd[64];
	struct fleet f;
	struct err e;
	size_t i, most = 0;
	double t0 = clock_wall_s();

	struct mallinfo2 m0 = mallinfo2(), m1;
	size_t heap;

	ck_assert_msg(pid > 0 && last_up(), "the simulator did not come up: "
	    "%s", sim_err.msg);
	instsrc_list_init(&l);
	ck_assert_msg(instsrc_scan_dir(sim, &l, &e) == N, "%s", e.msg);
	ck_assert_uint_eq(l.n, N);
	fleet_init(&f, NULL);
	f.max_parallel = 64;
	f.monitor_timeout_ms = greet_ms();
	f.op_timeout_ms = tu_ms(2000);	/* the default, scaled */
	ck_assert_msg(fleet_add_list(&f, &l, &e) == 0, "%s", e.msg);
	instsrc_list_free(&l);
	{
		long k = fleet_find(&f, "vm4999", NULL);

		ck_assert_int_ge(k, 0);
		ck_assert_str_eq(f.inst[k].name, "vm4999");
		ck_assert_int_eq(fleet_find(&f, "vm5001", NULL), -1);
	}
	fleet_refresh_start(&f, (size_t)-1, clock_wall_s());
	ck_assert_uint_eq(fleet_npending(&f), N);
	while (fleet_npending(&f) > 0 &&
	    clock_wall_s() - t0 < tu_ms(50000) / 1000.0) {
		int timeout = -1;
		size_t n = fleet_pollfds(&f, pfd, 64, &timeout);

		ck_assert_uint_le(f.nrun, 64);
		if (f.nrun > most)
			most = f.nrun;	/* sessions open at once */
		if (timeout < 0 || timeout > 1000)
			timeout = 1000;
		poll(pfd, n, timeout);
		fleet_step(&f, pfd, n, clock_wall_s());
	}
	ck_assert_uint_eq(fleet_npending(&f), 0);
	ck_assert_uint_gt(most, 1);
	ck_assert_uint_le(most, 64);
	for (i = 0; i < f.n; i++)
		ck_assert_msg(f.inst[i].conn == INST_OK, "%s: %s",
		    f.inst[i].name, f.inst[i].error);
	/* the heap and what malloc mmaps (the instance array) */
	m1 = mallinfo2();
	heap = m1.uordblks + m1.hblkhd - m0.uordblks - m0.hblkhd;
	ck_assert_msg(heap <= (size_t)N * 8192, "the fleet holds %zu KB of "
	    "heap for %d instances: %.1f KB each, the goal is 8", heap / 1024,
	    N, (double)heap / 1024 / N);
	fleet_free(&f);
}
END_TEST

START_TEST(screen_5000)
{
	char cmd[9000], *scr = NULL;
	struct tmx t;
	int ok;

	static const char *const need[] = { "tmux", NULL };

	if (tu_missing(need) != NULL)
		tu_skip(tu_missing(need));
	ck_assert_msg(pid > 0 && last_up(), "the simulator did not come up: "
	    "%s", sim_err.msg);
	snprintf(cmd, sizeof cmd, "cd %s && env LANG=C.UTF-8 "
	    "TERM=screen-256color HOME=%s XDG_STATE_HOME=%s/state "
	    "XDG_CONFIG_HOME=%s/config '%s' --config '%s/scale.conf' "
	    "--runtime-dir '%s/rt' --interval 3600 --monitor-dir '%s' "
	    "2>%s/stderr", dir, dir, dir, dir, tu_bin(), dir, dir, sim, dir);
	ck_assert_int_eq(tmx_start(&t, 160, 40, cmd), 0);
	/* for the teardown, whatever happens here */
	tmx_reg_add(&reg, "tmux", t.sock);
	ok = tmx_wait_for(&t, "5000 instances  0 unreachable  0 busy", 40000,
	    &scr);
	ck_assert_msg(ok, "not all 5000 read:\n%.3000s", scr ? scr : "");
	free(scr);
	tmx_keys(&t, "Tab G");
	/* sorted by name: vm999 is the last row */
	ok = tmx_wait_for(&t, "vm999 slot 0", 10000, &scr);
	ck_assert_msg(ok, "G did not reach vm999:\n%.3000s", scr ? scr : "");
	ck_assert_msg(strstr(scr, "-5000 of 5000") != NULL, "%.3000s", scr);
	free(scr);
	tmx_kill(&t);
}
END_TEST

Suite *
scale_suite(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = tcase_create("list");

	tcase_add_unchecked_fixture(tc, sim_up, sim_down);
	tcase_add_test(tc, list_5000);
	tcase_add_test(tc, list_json_5000);
	tcase_add_test(tc, refresh_5000_bounded);
	tcase_add_test(tc, screen_5000);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
