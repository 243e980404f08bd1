/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_simbatch.c - every training scenario of the simulator, served by
 * `slotscope --simulate DIR --scenario NAME` and driven through batch mode
 * (`slotscope vm1=unix:DIR/vm1.qmp -c ...`), the way an operator in a
 * training session meets it.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "simspawn.h"
#include "testutil.h"

struct world {
	char *dir;
	pid_t sim;
};

/* The simulator in a new temp dir with up to four more arguments (the
 * first NULL ends them), once its vm1.PROTO socket is there. */
static void
start_args(struct world *w, const char *proto, const char *a1,
    const char *a2, const char *a3, const char *a4)
{
	char path[400];
	int i;

	w->dir = tu_tmpdir();
	ck_assert_ptr_nonnull(w->dir);
	w->sim = tu_sim_spawn(w->dir, a1, a2, a3, a4, (char *)NULL);
	snprintf(path, sizeof path, "%s/vm1.%s", w->dir, proto);
	for (i = 0; i < tu_ms(5000) / 10 && access(path, F_OK) != 0; i++)
		usleep(10000);
	ck_assert_int_eq(access(path, F_OK), 0);
}

/* The simulator, with --scenario scenario unless NULL. */
static void
start(struct world *w, const char *scenario, const char *proto)
{
	if (scenario)
		start_args(w, proto, "--scenario", scenario, NULL, NULL);
	else
		start_args(w, proto, NULL, NULL, NULL, NULL);
}

static void
stop(struct world *w)
{
	kill(w->sim, SIGTERM);
	waitpid(w->sim, NULL, 0);
	tu_rmrf(w->dir);
	free(w->dir);
}

/* Run slotscope in batch mode on vm1 over proto with the given -c
 * arguments (already quoted); returns the exit status, output in *out. */
static int
batch(struct world *w, const char *proto, const char *args, char **out)
{
	char *cmd;
	int rc;

	ck_assert_int_ge(asprintf(&cmd, "\"$SLOTSCOPE_BIN\" "
	    "vm1=unix:%s/vm1.%s --runtime-dir %s/rt --audit-log %s/audit.log "
	    "%s", w->dir, proto, w->dir, w->dir, args), 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

static void
has(const char *out, const char *want)
{
	ck_assert_msg(strstr(out, want) != NULL, "expected \"%s\" in:\n%s",
	    want, out);
}

START_TEST(no_scenario_hotplug)
{
	struct world w;
	char *out;

	/* a plain --simulate instance takes a NIC and a disk like QEMU */
	start(&w, NULL, "monitor");
	ck_assert_int_eq(batch(&w, "monitor", "-c 'hotplug vm1 nic "
	    "backend=user'", &out), 0);
	has(out, "plugged in slot 4");
	free(out);
	ck_assert_int_eq(batch(&w, "monitor", "-c 'show vm1' --json", &out),
	    0);
	has(out, "{\"slot\":4,\"state\":\"used\"");
	has(out, "\"protocol\":\"hmp\"");
	free(out);
	stop(&w);
}
END_TEST

START_TEST(full_bus)
{
	struct world w;
	char *out;

	start(&w, "full-bus", "qmp");
	ck_assert_int_ne(batch(&w, "qmp", "-c 'next vm1'", &out), 0);
	has(out, "all 32 PCI slots are taken");
	free(out);
	ck_assert_int_ne(batch(&w, "qmp", "-c 'hotplug vm1 nic backend=user'",
	    &out), 0);
	free(out);
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 0);
	ck_assert_ptr_null(strstr(out, "\"state\":\"free\""));
	has(out, "{\"slot\":31,\"state\":\"foreign\"");
	free(out);
	stop(&w);
}
END_TEST

START_TEST(orphan_device)
{
	struct world w;
	char *out;

	start(&w, "orphan-device", "qmp");
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 0);
	has(out, "{\"slot\":7,\"state\":\"foreign\",\"reserved\":false,"
	    "\"id\":\"nic-0badc0de-pci-7\"");
	free(out);
	stop(&w);
}
END_TEST

START_TEST(stuck_unplug)
{
	struct world w;
	char *out, rt[500];

	start(&w, "stuck-unplug", "qmp");
	ck_assert_int_eq(batch(&w, "qmp", "-c 'hotplug vm1 nic backend=user'",
	    &out), 0);
	has(out, "slot 4");
	free(out);
	batch(&w, "qmp", "--unplug-wait 300 -c 'unplug vm1 4'", &out);
	has(out, "unplugging");
	free(out);
	/* recorded so by the unplug itself: the journal (which would mend a
	 * lost record from the intent, and audit that) had nothing to do */
	snprintf(rt, sizeof rt, "%s/rt/vm1.json", w.dir);
	out = tu_slurp(rt);
	has(out, "\"state\": \"unplugging\"");
	free(out);
	snprintf(rt, sizeof rt, "%s/audit.log", w.dir);
	out = tu_slurp(rt);
	has(out, "what=\"unplug 4\"");
	ck_assert_msg(strstr(out, "what=\"resolve ") == NULL, "the journal "
	    "had to record the unplug:\n%s", out);
	free(out);
	/* the guest never answers: still unplugging later */
	usleep(300000);
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 0);
	has(out, "{\"slot\":4,\"state\":\"unplugging\"");
	free(out);
	stop(&w);
}
END_TEST

START_TEST(busy_monitor)
{
	struct world w;
	char *out;

	start(&w, "busy-monitor", "qmp");
	/* an unread bus: show fails, its JSON still says why */
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 1);
	has(out, "\"conn\":\"busy\"");
	has(out, "\"read\":false");
	ck_assert_msg(strstr(out, "\"state\":\"free\"") == NULL, "%s", out);
	free(out);
	stop(&w);
}
END_TEST

START_TEST(crashed_instance)
{
	struct world w;
	char *out;
	int i, gone = 0;

	start(&w, "crashed-instance", "qmp");
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 0);
	has(out, "\"conn\":\"ok\"");
	free(out);
	/* a few sessions later the monitor has gone away for good */
	for (i = 0; i < 4; i++) {
		batch(&w, "qmp", "-c 'show vm1' --json", &out);
		gone = strstr(out, "\"conn\":\"unreachable\"") != NULL;
		free(out);
		if (gone)
			break;
	}
	ck_assert_msg(gone, "the crashed instance still answers");
	stop(&w);
}
END_TEST

START_TEST(q35)
{
	struct world w;
	char *out;

	start(&w, "q35", "qmp");
	ck_assert_int_ne(batch(&w, "qmp", "-c 'hotplug vm1 nic backend=user'",
	    &out), 0);
	/* refused before anything is sent: no root port to take it */
	has(out, "no root port is free");
	has(out, "root bus does not support hotplug");
	free(out);
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 0);
	has(out, "{\"slot\":31,\"state\":\"builtin\"");
	free(out);
	stop(&w);
}
END_TEST

/* The training VM whose root ports run out: one left (the two others
 * hold devices only QOM shows), then none, over HMP and QMP. */
START_TEST(q35_ports_full)
{
	const char *proto[2] = { "qmp", "monitor" };
	int k;

	for (k = 0; k < 2; k++) {
		struct world w;
		char *out;

		start(&w, "q35-ports-full", proto[k]);
		ck_assert_int_eq(batch(&w, proto[k], "-c 'show vm1' --json",
		    &out), 0);
		has(out, "\"capacity\":1");
		has(out, "{\"slot\":6,\"state\":\"port\"");
		has(out, "{\"slot\":7,\"state\":\"closed\"");
		free(out);
		ck_assert_int_eq(batch(&w, proto[k], "-c 'next vm1'", &out), 0);
		has(out, "bus=rp6 slot=0");
		free(out);
		ck_assert_int_eq(batch(&w, proto[k], "-c 'hotplug vm1 nic'",
		    &out), 0);
		has(out, "-pci-6-0 plugged in slot 0 of bus 6");
		free(out);
		ck_assert_int_eq(batch(&w, proto[k], "-c 'show vm1' --json",
		    &out), 0);
		has(out, "\"capacity\":0");
		free(out);
		ck_assert_int_ne(batch(&w, proto[k], "-c 'hotplug vm1 nic'",
		    &out), 0);
		has(out, "no root port is free (3 root ports");
		has(out, "-device pcie-root-port");
		free(out);
		stop(&w);
	}
}
END_TEST

START_TEST(guest_acks)
{
	struct world w;
	char *out;

	/* --guest ack=50: the simulated guest confirms the unplug */
	start_args(&w, "qmp", "--guest", "ack=50", NULL, NULL);
	ck_assert_int_eq(batch(&w, "qmp", "-c 'hotplug vm1 nic backend=user'",
	    &out), 0);
	free(out);
	ck_assert_int_eq(batch(&w, "qmp", "--unplug-wait 5000 -c "
	    "'unplug vm1 4'", &out), 0);
	free(out);
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 0);
	has(out, "{\"slot\":4,\"state\":\"free\"");
	free(out);
	stop(&w);
}
END_TEST

START_TEST(fault_options)
{
	struct world w;
	char *out;

	/* slow replies still arrive (within the client's deadlines) */
	start_args(&w, "monitor", "--fault", "slow=200", NULL, NULL);
	ck_assert_int_eq(batch(&w, "monitor", "-c 'show vm1' --json", &out),
	    0);
	has(out, "\"conn\":\"ok\"");
	free(out);
	stop(&w);
	/* garbage before every reply: the client refuses to trust it */
	start_args(&w, "qmp", "--fault", "garbage", NULL, NULL);
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json 2>/dev/null",
	    &out), 1);
	{	/* exit 1, and still one JSON value saying what is known */
		json_error_t je;
		json_t *j = json_loads(out, 0, &je);

		ck_assert_msg(j != NULL, "not one JSON value (%s):\n%s",
		    je.text, out);
		ck_assert_str_eq(json_string_value(json_object_get(j,
		    "conn")), "error");
		ck_assert_ptr_nonnull(json_string_value(json_object_get(j,
		    "error")));
		ck_assert_int_eq(json_array_size(json_object_get(j, "slots")),
		    32);
		json_decref(j);
	}
	free(out);
	ck_assert_int_eq(batch(&w, "qmp", "-c 'show vm1' --json", &out), 1);
	has(out, "slotscope: show: vm1: the bus could not be read (error): ");
	free(out);
	stop(&w);
	ck_assert_int_eq(tu_run("\"$SLOTSCOPE_BIN\" --simulate /tmp --fault "
	    "slow", &out), 2);
	has(out, "fault slow");
	free(out);
}
END_TEST

Suite *
simbatch_suite(void)
{
	Suite *s = suite_create("simbatch");
	TCase *tc = tcase_create("scenarios");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, no_scenario_hotplug);
	tcase_add_test(tc, full_bus);
	tcase_add_test(tc, orphan_device);
	tcase_add_test(tc, stuck_unplug);
	tcase_add_test(tc, busy_monitor);
	tcase_add_test(tc, crashed_instance);
	tcase_add_test(tc, q35);
	tcase_add_test(tc, q35_ports_full);
	tcase_add_test(tc, guest_acks);
	tcase_add_test(tc, fault_options);
	suite_add_tcase(s, tc);
	return s;
}
