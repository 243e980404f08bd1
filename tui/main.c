/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c - slotscope's entry point: the options and the mode from opts.h,
 * then that mode (the screen by default).  The only place in slotscope
 * that may call exit(), once, at the end of main().
 *
 * The screen and batch mode share struct setup: the instances
 * (NAME=ENDPOINT arguments, --monitor-dir, --config or the default config
 * file), the runtime and state dirs, the audit log and the refresh
 * interval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/nofile.h"
#include "store/audit.h"
#include "batch.h"
#include "cmd/cmd_json.h"
#include "fleet/fleet.h"
#include "fleet/agentproto.h"
#include "fleet/fleetagent.h"
#include "fleet/fleetvirt.h"
#include "cmd/cmd_agent.h"
#include "store/instsrc.h"
#include "qemu/probe.h"
#include "opts.h"
#include "mgr/mgrfind.h"
#include "simcli.h"
#include "sim/simscen.h"
#include "store/store.h"
#include "tui.h"

#define EXIT_USAGE 2

/* Everything that decides which instances to watch and where their files
 * are, in order of precedence: arguments, --monitor-dir, the config file. */
struct setup {
	struct instsrc_config cfg;
	struct instsrc_list list;
	char runtime_dir[4096];
	char state_dir[4096];
	char history[4096];	/* "" = the screen's default */
	char audit_log[4096];
	double interval;
};

/* The two dirs (store.h), each given or by default: an option, else its
 * config line.  A runtime dir given without a state dir is both, as
 * before there were two (every older setup keeps its one dir); a state
 * dir given takes the history too. */
static int
setup_dirs(const struct opts *o, struct setup *s, struct err *e)
{
	const char *run = o->runtime_dir ? o->runtime_dir :
	    s->cfg.runtime_dir[0] ? s->cfg.runtime_dir : NULL;
	const char *state = o->state_dir ? o->state_dir :
	    s->cfg.state_dir[0] ? s->cfg.state_dir : NULL;

	s->history[0] = '\0';
	if (state != NULL) {
		snprintf(s->state_dir, sizeof s->state_dir, "%s", state);
		snprintf(s->history, sizeof s->history, "%s/history", state);
	} else if (run != NULL)
		snprintf(s->state_dir, sizeof s->state_dir, "%s", run);
	else if (store_default_dir(s->state_dir, sizeof s->state_dir, e) < 0)
		return -1;
	if (run != NULL)
		snprintf(s->runtime_dir, sizeof s->runtime_dir, "%s", run);
	else if (store_default_run_dir(s->state_dir, s->runtime_dir,
	    sizeof s->runtime_dir, e) < 0)
		return -1;
	return 0;
}

/* fleet_init with the setup's dirs and audit settings. */
static void
setup_fleet(const struct setup *s, struct fleet *f)
{
	fleet_init(f, s->runtime_dir);
	snprintf(f->state_dir, sizeof f->state_dir, "%s", s->state_dir);
	if (s->cfg.monitor_timeout_ms > 0)
		f->monitor_timeout_ms = s->cfg.monitor_timeout_ms;
	snprintf(f->audit_log, sizeof f->audit_log, "%s", s->audit_log);
	if (s->cfg.audit_syslog > 0)
		snprintf(f->audit_syslog, sizeof f->audit_syslog, "%s",
		    AUDIT_SYSLOG_SOCKET);
}

static int
setup_load(const struct opts *o, struct setup *s, struct err *e)
{
	char path[4096];
	struct instsrc one;
	int i;

	instsrc_config_init(&s->cfg);
	instsrc_list_init(&s->list);
	if (o->config != NULL) {
		if (instsrc_load_config(o->config, 1, &s->cfg, e) < 0)
			return -1;
	} else if (instsrc_default_config(path, sizeof path, e) == 0) {
		if (instsrc_load_config(path, 0, &s->cfg, e) < 0)
			return -1;
	}
	for (i = 0; i < o->nargs; i++) {
		if (instsrc_parse_arg(o->args[i], strlen(o->args[i]), &one,
		    e) < 0 || instsrc_list_add(&s->list, one.name,
		    one.endpoint, e) < 0)
			return -1;
	}
	for (i = 0; i < o->nmonitor_dir; i++)
		if (instsrc_scan_dir(o->monitor_dir[i], &s->list, e) < 0)
			return -1;
	for (i = 0; i < s->cfg.nmonitor_dir; i++)
		if (instsrc_scan_dir(s->cfg.monitor_dir[i], &s->list, e) < 0)
			return -1;
	for (i = 0; i < (int)s->cfg.inst.n; i++)
		if (instsrc_list_find(&s->list, s->cfg.inst.v[i].name) < 0 &&
		    instsrc_list_add(&s->list, s->cfg.inst.v[i].name,
		    s->cfg.inst.v[i].endpoint, e) < 0)
			return -1;
	/* none given at all: try Ganeti's own control dir */
	if (s->list.n == 0 && o->nmonitor_dir == 0 &&
	    s->cfg.nmonitor_dir == 0 && o->nlibvirt == 0 &&
	    s->cfg.nlibvirt == 0 && o->nhost == 0 && s->cfg.nhost == 0)
		instsrc_scan_dir(INSTSRC_GANETI_DIR, &s->list, NULL);
	/* who owns each: Ganeti, Proxmox (names from VMID.conf) or none */
	{
		struct mgr_roots roots;

		mgr_roots_init(&roots, &s->cfg.roots);
		mgr_detect_list(&roots, &s->cfg, &s->list);
	}
	if (setup_dirs(o, s, e) < 0)
		return -1;
	if (o->audit_log != NULL)
		snprintf(s->audit_log, sizeof s->audit_log, "%s", o->audit_log);
	else if (s->cfg.audit_log[0])
		snprintf(s->audit_log, sizeof s->audit_log, "%s",
		    s->cfg.audit_log);
	else if (audit_default_path(s->state_dir, s->audit_log,
	    sizeof s->audit_log, e) < 0)
		return -1;
	s->interval = o->interval > 0 ? o->interval :
	    s->cfg.interval > 0 ? s->cfg.interval : 2.0;
	return 0;
}

/* The libvirt connections: --libvirt, then the config's `libvirt` lines;
 * each must answer (10 s) or slotscope stops with libvirt's words. */
static int
add_libvirt(struct fleet *f, const struct opts *o, const struct setup *s,
    struct err *e)
{
	int i;

	for (i = 0; i < o->nlibvirt; i++)
		if (fleet_add_libvirt(f, o->libvirt[i], s->interval, 10000,
		    e) < 0)
			return -1;
	for (i = 0; i < s->cfg.nlibvirt; i++)
		if (fleet_add_libvirt(f, s->cfg.libvirt[i], s->interval, 10000,
		    e) < 0)
			return -1;
	return 0;
}

/* The hosts: --host, then the config's `host` lines (a name given twice:
 * --host wins).  All are connected at once.  wait: batch mode, whose
 * result must be complete, waits until each answered or failed (its own
 * deadline), and one that does not answer is said on stderr; the screen
 * starts at once, a host's header says "connecting" until it answers or
 * goes unreachable in the background.  Either way one that failed is
 * tried again at a later refresh. */
static int
add_hosts(struct fleet *f, const struct opts *o, const struct setup *s,
    int wait, struct err *e)
{
	struct instsrc_host h;
	size_t k;
	int i;

	for (i = 0; i < o->nhost; i++)
		if (instsrc_parse_host(o->host[i], strlen(o->host[i]), &h,
		    e) < 0 || fleet_add_host(f, h.name, h.url,
		    s->cfg.ssh_config, e) < 0)
			return -1;
	for (i = 0; i < s->cfg.nhost; i++) {
		for (k = 0; k < fleet_nhosts(f) &&
		    strcmp(fleet_host_name(f, k), s->cfg.host[i].name); k++)
			;
		if (k == fleet_nhosts(f) && fleet_add_host(f,
		    s->cfg.host[i].name, s->cfg.host[i].url,
		    s->cfg.ssh_config, e) < 0)
			return -1;
	}
	if (fleet_nhosts(f) == 0)
		return 0;
	if (!wait) {
		fleet_hosts_connect(f);
		return 0;
	}
	fleet_hosts_wait(f, -1);
	for (k = 0; k < fleet_nhosts(f); k++)
		if (fleet_host_error(f, k)[0] != '\0')
			fprintf(stderr, "slotscope: %s\n", fleet_host_error(f, k));
	return 0;
}

/* The fleet holds each instance's name, endpoint and manager once
 * fleet_add_list has run: the list (2.2 KB an instance) is freed before
 * the refreshes, so the two are never both at their peak. */
static int
setup_add(struct setup *s, struct fleet *f, struct err *e)
{
	int rc = fleet_add_list(f, &s->list, e);

	instsrc_list_free(&s->list);
	return rc;
}

static void
setup_free(struct setup *s)
{
	instsrc_config_free(&s->cfg);
	instsrc_list_free(&s->list);
}

/* The monitor sessions open at once need a descriptor each: the soft
 * open-files limit is raised to what they and the rest need (however
 * many instances there are: only max_parallel are open at a time); when
 * the hard limit is lower, fewer run at once, and that is said. */
static void
enough_files(struct fleet *f)
{
	long need = (long)f->max_parallel + 64, got;
	struct err e;

	if (nofile_need(need, &e) >= 0)
		return;
	got = nofile_need(0, &e);
	fprintf(stderr, "slotscope: warning: %s; %ld monitor sessions at "
	    "once instead of %d\n", e.msg, got > 96 ? got - 64 : 32,
	    f->max_parallel);
	f->max_parallel = got > 96 ? (int)(got - 64) : 32;
}

/* The interactive mode. */
static int
run_tui(const struct opts *o)
{
	struct setup s;
	struct tui_opts to;
	struct fleet f;
	struct err e;
	int rc = 0;

	if (setup_load(o, &s, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		setup_free(&s);
		return EXIT_USAGE;
	}
	/* refreshes that complete an unplug log it there too */
	setup_fleet(&s, &f);
	enough_files(&f);
	if (setup_add(&s, &f, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = EXIT_USAGE;
		goto out;
	}
	if (add_libvirt(&f, o, &s, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = 1;
		goto out;
	}
	if (add_hosts(&f, o, &s, 0, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = EXIT_USAGE;
		goto out;
	}
	tui_opts_init(&to);
	to.interval = s.interval;
	to.colors = o->colors;
	to.audit_log = s.audit_log;
	if (s.history[0])
		to.history_file = s.history;
	if (tui_run(&f, &to, &e) != 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = 1;
	}
out:
	fleet_free(&f);
	setup_free(&s);
	return rc;
}

/* Batch mode: -c COMMAND ... runs the commands and exits (batch.h). */
static int
run_batch(const struct opts *o)
{
	struct setup s;
	struct fleet f;
	struct err e;
	int rc;

	if (setup_load(o, &s, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		setup_free(&s);
		return EXIT_USAGE;
	}
	setup_fleet(&s, &f);
	enough_files(&f);
	if (setup_add(&s, &f, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = EXIT_USAGE;
	} else if (add_libvirt(&f, o, &s, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = 1;
	} else if (add_hosts(&f, o, &s, 1, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = EXIT_USAGE;
	} else {
		struct batch_opts bo;

		bo.json = o->json;
		bo.unplug_wait_ms = o->unplug_wait_ms;
		bo.table.columns = o->columns;
		bo.table.raw = o->raw;
		bo.table.noheadings = o->noheadings;
		rc = batch_run(&f, s.audit_log, o->cmds, o->ncmds, &bo);
	}
	fleet_free(&f);
	setup_free(&s);
	return rc;
}

/* slotscope --agent: this node's instances (its own config, or the
 * options given) served on stdin and stdout (cmd_agent.h) until stdin
 * ends; exit 0 then, 1 when it could not go on, 2 on a bad setup (also
 * said on stderr, which ssh shows the other end). */
static int
run_agent(const struct opts *o)
{
	struct setup s;
	struct fleet f;
	struct err e;
	int rc = 0;

	if (setup_load(o, &s, &e) < 0) {
		fprintf(stderr, "slotscope --agent: %s\n", e.msg);
		setup_free(&s);
		return EXIT_USAGE;
	}
	setup_fleet(&s, &f);
	if (setup_add(&s, &f, &e) < 0 ||
	    add_libvirt(&f, o, &s, &e) < 0) {
		fprintf(stderr, "slotscope --agent: %s\n", e.msg);
		rc = EXIT_USAGE;
	} else if (cmd_agent_serve(&f, s.audit_log, STDIN_FILENO,
	    STDOUT_FILENO, &e) < 0) {
		fprintf(stderr, "slotscope --agent: %s\n", e.msg);
		rc = 1;
	}
	fleet_free(&f);
	setup_free(&s);
	return rc;
}

/* slotscope --probe ENDPOINT [--json]: exit 0 ok, 1 monitor failed or
 * busy, 2 bad usage. */
static int
run_probe(const struct opts *o)
{
	struct probe p;
	enum monerr_kind kind;
	struct err e;
	char *out;
	int rc;

	rc = probe_run(o->probe, 0, &p, &kind, &e);
	if (rc < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		probe_free(&p);
		if (o->json && (out = cmd_json_line(cmd_json_error("probe",
		    e.msg, monerr_name(kind)))) != NULL) {
			fputs(out, stdout);	/* --json: the error object */
			free(out);
		}
		return kind == MONERR_BAD_ARGUMENT ? 2 : 1;
	}
	out = o->json ? cmd_json_probe_text(&p) : probe_text(&p);
	probe_free(&p);
	if (out == NULL) {
		fprintf(stderr, "slotscope: out of memory\n");
		return 1;
	}
	fputs(out, stdout);
	free(out);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* slotscope --demo [--scenario NAME] [--interval SEC] on a terminal: the
 * simulated instances (core/simscen.h) in the normal screen; everything is
 * removed when it closes.  (Without a terminal, --demo is simcli's.) */
static int
run_demo(const struct opts *o)
{
	const char *scenario = o->scenario;
	struct sim_demo d;
	struct tui_opts to;
	struct fleet f;
	struct err e;
	char title[128], audit[4096];
	struct mgr_roots roots;
	size_t i;
	int rc = 0;

	tui_opts_init(&to);
	to.colors = o->colors;
	if (o->interval > 0)
		to.interval = o->interval;
	if (sim_demo_start(scenario, &d, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		return 1;
	}
	fleet_init(&f, d.runtime_dir);
	mgr_roots_init(&roots, NULL);
	for (i = 0; i < d.n; i++) {
		struct mgr_ref ref;
		int k = fleet_add(&f, d.inst[i].name, d.inst[i].endpoint, &e);

		if (k < 0) {
			fprintf(stderr, "slotscope: %s\n", e.msg);
			rc = 1;
			goto out;
		}
		/* the ganeti-collision scenario's VM is in Ganeti's layout */
		if (mgr_detect(&roots, d.inst[i].endpoint, &ref) != MGR_NONE)
			fleet_set_manager(&f, (size_t)k, &ref);
	}
	snprintf(title, sizeof title, "demo%s%s", scenario ? ": " : "",
	    scenario ? scenario : "");
	to.title = title;
	if (audit_default_path(d.runtime_dir, audit, sizeof audit, &e) == 0)
		to.audit_log = audit;
	if (tui_run(&f, &to, &e) != 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = 1;
	}
out:
	fleet_free(&f);
	sim_demo_stop(&d);
	return rc;
}

/* A terminal that cannot show the screen (TERM=dumb): one line, and the
 * caller exits 2. */
static int
term_refused(void)
{
	struct err e;

	if (tui_term_check(&e) == 0)
		return 0;
	fprintf(stderr, "slotscope: %s\n", e.msg);
	return 1;
}

static int
run(const struct opts *o)
{
	switch (o->mode) {
	case OPTS_HELP:
		opts_usage(stdout);
		return 0;
	case OPTS_VERSION:
		printf("slotscope %s\n", SLOTSCOPE_VERSION);
		return 0;
	case OPTS_BATCH:
		return run_batch(o);
	case OPTS_PROBE:
		return run_probe(o);
	case OPTS_AGENT:
		return run_agent(o);
	case OPTS_DEMO:
		/* on a terminal the screen, else what the monitors say */
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			return simcli_demo(o->scenario);
		if (term_refused())
			return EXIT_USAGE;
		return run_demo(o);
	case OPTS_SIMULATE:
		return simcli_simulate(o);
	case OPTS_SCENARIOS:
		return simcli_scenarios();
	default:
		/* off a terminal tui_run says so itself */
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
		    term_refused())
			return EXIT_USAGE;
		return run_tui(o);
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct err e;
	int rc;

	if (opts_parse(argc, argv, &o, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = EXIT_USAGE;
	} else
		rc = run(&o);
	exit(rc);
}
