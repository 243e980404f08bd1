/* main.c - slotscope's entry point: options, then one mode (the TUI by
 * default).  The only place in slotscope that may call exit(), once, at the
 * end of main().
 *
 * Modes get what they share from struct opts: the instances (NAME=ENDPOINT
 * arguments, --monitor-dir, --config or the default config file), the
 * runtime dir, the audit log and the refresh interval.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "batch.h"
#include "fleet/fleet.h"
#include "store/instsrc.h"
#include "qemu/probe.h"
#include "simcli.h"
#include "sim/simscen.h"
#include "store/store.h"
#include "tui.h"

#define EXIT_USAGE 2

struct opts {
	const char *config;		/* --config FILE, NULL = default */
	const char *monitor_dir[8];
	int nmonitor_dir;
	const char *runtime_dir;
	const char *audit_log;
	double interval;		/* 0 = not given */
	char **args;			/* NAME=ENDPOINT ... */
	int nargs;
	/* batch mode (tui/batch.c) */
	const char *cmds[BATCH_MAX_CMDS];	/* -c COMMAND ... */
	int ncmds;
	int json;			/* --json */
	int unplug_wait_ms;		/* --unplug-wait MS, -1 = default */
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: slotscope [options] [NAME=ENDPOINT ...]\n"
	    "Shows and manages the 32 PCI slots of QEMU instances' first bus.\n"
	    "  NAME=ENDPOINT        an instance's monitor: unix:PATH, "
	    "tcp:HOST:PORT or PATH\n"
	    "  --monitor-dir DIR    find NAME.qmp / NAME.monitor sockets in DIR\n"
	    "  --config FILE        read instances and settings from FILE\n"
	    "  --runtime-dir DIR    where instances' runtime files live\n"
	    "  --audit-log FILE     where changes are logged\n"
	    "  --interval SEC       seconds between refreshes (default 2)\n"
	    "  -c COMMAND           run a command and exit (repeatable; "
	    "batch mode)\n"
	    "  --json               batch mode: print JSON values\n"
	    "  --unplug-wait MS     batch mode: wait for unplugs (default "
	    "10000)\n"
	    "  --version, --help\n");
}

/* Parse the command line into o; 0, or EXIT_USAGE after a message. */
static int
parse_opts(int argc, char **argv, struct opts *o, int *done)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "monitor-dir", required_argument, NULL, 'M' },
		{ "runtime-dir", required_argument, NULL, 'R' },
		{ "audit-log", required_argument, NULL, 'A' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'J' },
		{ "unplug-wait", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	o->unplug_wait_ms = -1;
	*done = 0;
	opterr = 0;	/* our own one-line messages below */
	while ((c = getopt_long(argc, argv, ":hc:", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (o->ncmds == BATCH_MAX_CMDS) {
				fprintf(stderr, "slotscope: at most %d -c\n",
				    BATCH_MAX_CMDS);
				return EXIT_USAGE;
			}
			o->cmds[o->ncmds++] = optarg;
			break;
		case 'J': o->json = 1; break;
		case 'U':
			o->unplug_wait_ms = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' ||
			    o->unplug_wait_ms < 0 ||
			    o->unplug_wait_ms > 600000) {
				fprintf(stderr, "slotscope: --unplug-wait wants "
				    "milliseconds from 0 to 600000, not \"%s\"\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'C': o->config = optarg; break;
		case 'M':
			if (o->nmonitor_dir == 8) {
				fprintf(stderr, "slotscope: at most 8 "
				    "--monitor-dir\n");
				return EXIT_USAGE;
			}
			o->monitor_dir[o->nmonitor_dir++] = optarg;
			break;
		case 'R': o->runtime_dir = optarg; break;
		case 'A': o->audit_log = optarg; break;
		case 'i':
			o->interval = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(o->interval >= 0.1 && o->interval <= 3600)) {
				fprintf(stderr, "slotscope: --interval wants "
				    "seconds from 0.1 to 3600, not \"%s\"\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			*done = 1;
			return 0;
		case 'V':
			printf("slotscope 0.1.0\n");
			*done = 1;
			return 0;
		case ':':
			fprintf(stderr, "slotscope: %s needs a value (see "
			    "slotscope --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "slotscope: unknown option %s (see "
			    "slotscope --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return 0;
}

/* Everything that decides which instances to watch and where their files
 * are, in order of precedence: arguments, --monitor-dir, the config file. */
struct setup {
	struct instsrc_config cfg;
	struct instsrc_list list;
	char runtime_dir[4096];
	char audit_log[4096];
	double interval;
};

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
	    s->cfg.nmonitor_dir == 0)
		instsrc_scan_dir(INSTSRC_GANETI_DIR, &s->list, NULL);
	if (o->runtime_dir != NULL)
		snprintf(s->runtime_dir, sizeof s->runtime_dir, "%s",
		    o->runtime_dir);
	else if (s->cfg.runtime_dir[0])
		snprintf(s->runtime_dir, sizeof s->runtime_dir, "%s",
		    s->cfg.runtime_dir);
	else if (store_default_dir(s->runtime_dir, sizeof s->runtime_dir,
	    e) < 0)
		return -1;
	if (o->audit_log != NULL)
		snprintf(s->audit_log, sizeof s->audit_log, "%s", o->audit_log);
	else if (s->cfg.audit_log[0])
		snprintf(s->audit_log, sizeof s->audit_log, "%s",
		    s->cfg.audit_log);
	else if (audit_default_path(s->runtime_dir, s->audit_log,
	    sizeof s->audit_log, e) < 0)
		return -1;
	s->interval = o->interval > 0 ? o->interval :
	    s->cfg.interval > 0 ? s->cfg.interval : 2.0;
	return 0;
}

static void
setup_free(struct setup *s)
{
	instsrc_config_free(&s->cfg);
	instsrc_list_free(&s->list);
}

/* The interactive mode. */
static int
run_tui(const struct opts *o)
{
	struct setup s;
	struct tui_opts to;
	struct fleet f;
	struct err e;
	size_t i;
	int rc = 0;

	if (setup_load(o, &s, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		setup_free(&s);
		return EXIT_USAGE;
	}
	fleet_init(&f, s.runtime_dir);
	/* refreshes that complete an unplug log it there too */
	snprintf(f.audit_log, sizeof f.audit_log, "%s", s.audit_log);
	if (s.cfg.monitor_timeout_ms > 0)
		f.monitor_timeout_ms = s.cfg.monitor_timeout_ms;
	for (i = 0; i < s.list.n; i++)
		if (fleet_add(&f, s.list.v[i].name, s.list.v[i].endpoint,
		    &e) < 0) {
			fprintf(stderr, "slotscope: %s\n", e.msg);
			rc = EXIT_USAGE;
			goto out;
		}
	tui_opts_init(&to);
	to.interval = s.interval;
	to.audit_log = s.audit_log;
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

	if ((o->json || o->unplug_wait_ms >= 0) && o->ncmds == 0) {
		fprintf(stderr, "slotscope: --json and --unplug-wait go with "
		    "-c COMMAND\n");
		return EXIT_USAGE;
	}
	if (setup_load(o, &s, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		setup_free(&s);
		return EXIT_USAGE;
	}
	fleet_init(&f, s.runtime_dir);
	if (s.cfg.monitor_timeout_ms > 0)
		f.monitor_timeout_ms = s.cfg.monitor_timeout_ms;
	snprintf(f.audit_log, sizeof f.audit_log, "%s", s.audit_log);
	if (fleet_add_list(&f, &s.list, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		rc = EXIT_USAGE;
	} else
		rc = batch_run(&f, s.audit_log, o->cmds, o->ncmds, o->json,
		    o->unplug_wait_ms);
	fleet_free(&f);
	setup_free(&s);
	return rc;
}

/* slotscope --probe ENDPOINT [--json]: exit 0 ok, 1 monitor failed or
 * busy, 2 bad usage. */
static int
run_probe(int argc, char **argv)
{
	const char *ep = NULL;
	int json = 0, i, rc;
	struct probe p;
	enum monerr_kind kind;
	struct err e;
	char *out;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--probe") == 0 && i + 1 < argc &&
		    ep == NULL)
			ep = argv[++i];
		else {
			fprintf(stderr, "slotscope: usage: slotscope --probe "
			    "ENDPOINT [--json]\n");
			return 2;
		}
	}
	if (ep == NULL) {
		fprintf(stderr, "slotscope: --probe needs a monitor endpoint "
		    "(unix:PATH, tcp:HOST:PORT or a socket path)\n");
		return 2;
	}
	rc = probe_run(ep, 0, &p, &kind, &e);
	if (rc < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		probe_free(&p);
		return kind == MONERR_BAD_ARGUMENT ? 2 : 1;
	}
	out = json ? probe_json(&p) : probe_text(&p);
	probe_free(&p);
	if (out == NULL) {
		fprintf(stderr, "slotscope: out of memory\n");
		return 1;
	}
	fputs(out, stdout);
	free(out);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
has_arg(int argc, char **argv, const char *a)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], a) == 0)
			return 1;
	return 0;
}

/* slotscope --demo [--scenario NAME] [--interval SEC] on a terminal: the
 * simulated instances (core/simscen.h) in the normal screen; everything is
 * removed when it closes.  (Without a terminal, --demo is simcli's.) */
static int
run_demo(int argc, char **argv)
{
	const char *scenario = NULL;
	struct sim_demo d;
	struct tui_opts to;
	struct fleet f;
	struct err e;
	char title[128], audit[4096];
	size_t i;
	int rc = 0;

	tui_opts_init(&to);
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--demo") == 0)
			continue;
		if (strcmp(argv[i], "--scenario") == 0 && i + 1 < (size_t)argc)
			scenario = argv[++i];
		else if (strcmp(argv[i], "--interval") == 0 &&
		    i + 1 < (size_t)argc) {
			char *end;

			to.interval = strtod(argv[++i], &end);
			if (*end != '\0' || !(to.interval >= 0.1 &&
			    to.interval <= 3600)) {
				fprintf(stderr, "slotscope: --interval wants "
				    "seconds from 0.1 to 3600\n");
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "slotscope: usage: slotscope --demo "
			    "[--scenario NAME] [--interval SEC]\n");
			return EXIT_USAGE;
		}
	}
	if (sim_demo_start(scenario, &d, &e) < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		return 1;
	}
	fleet_init(&f, d.runtime_dir);
	for (i = 0; i < d.n; i++)
		if (fleet_add(&f, d.inst[i].name, d.inst[i].endpoint, &e) < 0) {
			fprintf(stderr, "slotscope: %s\n", e.msg);
			rc = 1;
			goto out;
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

int
main(int argc, char **argv)
{
	struct opts o;
	int rc, done;

	if (has_arg(argc, argv, "--demo") && !has_arg(argc, argv, "list") &&
	    isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		rc = run_demo(argc, argv);
	else if (simcli_wants(argc, argv))
		rc = simcli_main(argc, argv);
	else if (has_arg(argc, argv, "--probe"))
		rc = run_probe(argc, argv);
	else {
		rc = parse_opts(argc, argv, &o, &done);
		if (rc == 0 && !done)
			rc = o.ncmds > 0 || o.json || o.unplug_wait_ms >= 0 ?
			    run_batch(&o) : run_tui(&o);
	}
	exit(rc);
}
