/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simcli.c - the simulator's modes, `--simulate DIR`, `--demo` without a
 * terminal and `--scenario list`; see simcli.h.  Their options were read
 * by opts.c.
 */
#include "simcli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/nofile.h"
#include "qemu/probe.h"
#include "sim/sim.h"
#include "sim/simscen.h"

static volatile sig_atomic_t got_signal;
static struct sim *serving;	/* for the signal handler's sim_stop() */

static void
on_signal(int sig)
{
	got_signal = sig;
	if (serving)
		sim_stop(serving);
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
simcli_scenarios(void)
{
	size_t n, i;
	const struct simscen *s = simscen_list(&n);

	for (i = 0; i < n; i++)
		printf("%-17s %s\n", s[i].name, s[i].help);
	return 0;
}

int
simcli_simulate(const struct opts *a)
{
	const char *dir = a->simulate, *scenario = a->scenario;
	int count = a->instances;
	struct sim *s;
	struct err e;
	struct simdev_err de;
	struct sim_fault fault;
	enum simdev_guest guest = SIMDEV_GUEST_NONE;
	int ack_ms = 100;
	enum sim_sockets socks = SIM_SOCK_BOTH;
	long need;
	size_t i;
	int rc = 0;

	memset(&fault, 0, sizeof fault);
	if ((a->guest && simscen_guest_parse(a->guest, &guest, &ack_ms,
	    &e) < 0) || (a->fault && sim_fault_parse(a->fault, &fault,
	    &e) < 0) || (a->sockets && sim_sockets_parse(a->sockets,
	    strlen(a->sockets), &socks, &e) < 0)) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		return 2;
	}
	/* one or two listening sockets per instance and room for clients:
	 * said now when the hard limit cannot hold them; then as many as
	 * the hard limit allows, for more clients at once */
	need = (long)count * (socks == SIM_SOCK_BOTH ? 2 : 1) + 256;
	if (nofile_need(need, &e) < 0 || sim_raise_nofile(&e) < 0) {
		fprintf(stderr, "slotscope: %d instances%s: %s\n", count,
		    socks == SIM_SOCK_BOTH ? " with both sockets (--sockets qmp "
		    "needs half)" : "", e.msg);
		return 1;
	}
	s = sim_new(&e);
	if (s == NULL) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		return 1;
	}
	sim_set_sockets(s, socks);
	/* from here on a SIGTERM/SIGINT still removes the sockets */
	serving = s;
	catch_signals();
	if ((a->names ? simscen_populate_names(s, dir, a->names, a->machine,
	    scenario, &e) : simscen_populate(s, dir, count, a->machine,
	    scenario, &e)) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		serving = NULL;
		sim_free(s);
		return 1;
	}
	/* --guest and --fault apply on top of the scenario */
	for (i = 0; i < sim_count(s); i++) {
		struct sim_inst *in = sim_get(s, i);
		struct sim_fault f = *sim_inst_fault(in);

		if (a->root_ports > 0 && simdev_add_root_ports(
		    sim_inst_machine(in), a->root_ports, &de) < 0) {
			fprintf(stderr, "slotscope: --root-ports: %s (give "
			    "--machine q35)\n", de.desc);
			serving = NULL;
			sim_free(s);
			return 1;
		}
		if (a->guest) {
			sim_inst_machine(in)->guest = guest;
			sim_inst_machine(in)->ack_ms = ack_ms;
		}
		if (a->fault) {
			/* parsed once above: cannot fail here */
			(void)sim_fault_parse(a->fault, &f, &e);
			sim_inst_set_fault(in, &f);
		}
	}
	fprintf(stderr, "slotscope: simulating %zu instance%s in %s "
	    "(%s); stop with Ctrl-C\n", sim_count(s), sim_count(s) == 1 ?
	    "" : "s", dir, socks == SIM_SOCK_QMP ? "NAME.qmp = QMP" :
	    socks == SIM_SOCK_HMP ? "NAME.monitor = HMP" :
	    "NAME.monitor = HMP, NAME.qmp = QMP");
	if (!got_signal && sim_run(s, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = 1;
	}
	serving = NULL;
	sim_free(s);
	return rc;
}

int
simcli_demo(const char *scenario)
{
	struct sim_demo d;
	struct err e;
	size_t i;

	catch_signals();
	if (sim_demo_start(scenario, &d, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		return 1;
	}
	printf("slotscope demo: %zu simulated instances (monitor dir %s, "
	    "runtime dir %s)\n", d.n, d.monitor_dir, d.runtime_dir);
	/* Until the TUI opens here: what the monitor client sees. */
	for (i = 0; i < d.n && !got_signal; i++) {
		struct probe p;
		enum monerr_kind kind;
		char *text;

		printf("\n%s (hmp %s)\n", d.inst[i].name, d.inst[i].hmp);
		if (probe_run(d.inst[i].endpoint, 0, &p, &kind, &e) < 0) {
			printf("%s: %s\n", d.inst[i].endpoint, e.msg);
			continue;
		}
		text = probe_text(&p);
		fputs(text ? text : "out of memory\n", stdout);
		free(text);
		probe_free(&p);
	}
	printf("\nPress Ctrl-C to stop the demo (everything is removed).\n");
	fflush(stdout);
	while (!got_signal)
		pause();
	sim_demo_stop(&d);
	return 0;
}
