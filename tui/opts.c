/* SPDX-License-Identifier: GPL-3.0-or-later */
/* opts.c - the command line (opts.h): `defs` is the one table of options,
 * from which come getopt_long()'s struct option array, its short-option
 * string, the check that every option goes with the mode, and --help.
 *
 * The mode comes from the options that ask for one (-c, --probe, --demo,
 * --simulate; --scenario list alone), the screen when none does; two of
 * them at once, or an option of another mode, is a usage error.
 */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_table.h"
#include "sim/simscen.h"

enum {
	O_CONFIG = 256, O_MONITOR_DIR, O_RUNTIME_DIR, O_STATE_DIR, O_AUDIT_LOG,
	O_INTERVAL,
	O_JSON, O_UNPLUG_WAIT, O_PROBE, O_DEMO, O_SIMULATE, O_INSTANCES,
	O_MACHINE, O_ROOT_PORTS, O_NAMES, O_SCENARIO, O_GUEST, O_FAULT, O_VERSION, O_COLORS,
	O_RAW, O_NOHEADINGS, O_LIBVIRT, O_HOST, O_AGENT, O_SOCKETS
};

#define M(x) (1u << OPTS_##x)
#define INST (M(TUI) | M(BATCH) | M(AGENT))	/* where instances come
							 * from */
#define SIM M(SIMULATE)

/* One row per option.  A row without names is a heading in --help (arg
 * NULL) or the NAME=ENDPOINT arguments (arg set). */
struct optdef {
	const char *lname;	/* --LNAME, or NULL */
	int sname;		/* -S, or 0 */
	int val;		/* getopt_long's value: sname, or O_* */
	const char *arg;	/* the value's name, NULL when it takes none */
	unsigned modes;		/* the modes it goes with (M(...)) */
	enum opts_mode sets;	/* the mode it asks for; OPTS_TUI: none */
	const char *help;
};

static const struct optdef defs[] = {
	{ NULL, 0, 0, NULL, 0, OPTS_TUI, "Instances (the screen and -c):" },
	{ NULL, 0, 0, "NAME=ENDPOINT", INST, OPTS_TUI,
	  "an instance's monitor: unix:PATH, tcp:HOST:PORT or PATH" },
	{ "monitor-dir", 0, O_MONITOR_DIR, "DIR", INST, OPTS_TUI,
	  "find NAME.qmp / NAME.monitor sockets in DIR (up to 8)" },
	{ "libvirt", 0, O_LIBVIRT, "[URI]", INST, OPTS_TUI,
	  "every running domain there (default LIBVIRT_DEFAULT_URI, else "
	  "qemu:///system; up to 8)" },
	{ "host", 0, O_HOST, "NAME=ssh://[USER@]NODE[:PORT]", M(TUI) | M(BATCH),
	  OPTS_TUI, "another host's instances, as HOST/NAME, through ssh and "
	  "slotscope --agent there (up to 64)" },
	{ "config", 0, O_CONFIG, "FILE", INST, OPTS_TUI,
	  "read instances and settings from FILE" },
	{ "runtime-dir", 0, O_RUNTIME_DIR, "DIR", INST, OPTS_TUI,
	  "the live runtime files and locks, gone with the QEMUs at a reboot "
	  "(default /run/slotscope for root, a tmpfs where syncs are free; "
	  "else $XDG_RUNTIME_DIR/slotscope, else the state dir)" },
	{ "state-dir", 0, O_STATE_DIR, "DIR", INST, OPTS_TUI,
	  "what outlives a reboot: reservations, the audit log, the history "
	  "(default /var/lib/slotscope for root, else "
	  "$XDG_STATE_HOME/slotscope or ~/.local/state/slotscope; "
	  "--runtime-dir alone: that dir)" },
	{ "audit-log", 0, O_AUDIT_LOG, "FILE", INST, OPTS_TUI,
	  "where changes are logged" },
	{ "interval", 0, O_INTERVAL, "SEC", INST | M(DEMO), OPTS_TUI,
	  "seconds between refreshes (default 2; also --demo)" },
	{ NULL, 0, 0, NULL, 0, OPTS_TUI, "The screen (also --demo):" },
	{ "colors", 0, O_COLORS, "WHEN", M(TUI) | M(DEMO), OPTS_TUI,
	  "auto (from COLORFGBG), dark, light or none; NO_COLOR wins" },
	{ NULL, 0, 0, NULL, 0, OPTS_TUI, "Batch mode:" },
	{ NULL, 'c', 'c', "COMMAND", M(BATCH), OPTS_BATCH,
	  "run a command and exit (repeatable; -c help lists them)" },
	{ "json", 0, O_JSON, NULL, M(BATCH) | M(PROBE), OPTS_TUI,
	  "print JSON values (also with --probe)" },
	{ "unplug-wait", 0, O_UNPLUG_WAIT, "MS", M(BATCH), OPTS_TUI,
	  "wait for unplugs (default 10000)" },
	{ "output", 'o', 'o', "COLUMNS", M(BATCH), OPTS_TUI,
	  "the columns of list and show tables (below), comma-separated" },
	{ "raw", 0, O_RAW, NULL, M(BATCH), OPTS_TUI,
	  "tables unaligned, one blank between cells (as lsblk -r)" },
	{ "noheadings", 0, O_NOHEADINGS, NULL, M(BATCH), OPTS_TUI,
	  "tables without their heading line" },
	{ NULL, 0, 0, NULL, 0, OPTS_TUI, "Probing one monitor:" },
	{ "probe", 0, O_PROBE, "ENDPOINT", M(PROBE), OPTS_PROBE,
	  "print its protocol, QEMU version and slots, and exit" },
	{ NULL, 0, 0, NULL, 0, OPTS_TUI, "The QEMU monitor simulator:" },
	{ "demo", 0, O_DEMO, NULL, M(DEMO), OPTS_DEMO,
	  "the screen on simulated instances, removed on exit" },
	{ "simulate", 0, O_SIMULATE, "DIR", SIM, OPTS_SIMULATE,
	  "serve NAME.monitor (HMP) and NAME.qmp (QMP) in DIR" },
	{ "instances", 0, O_INSTANCES, "N", SIM, OPTS_TUI,
	  "how many (default 1)" },
	{ "machine", 0, O_MACHINE, "TYPE", SIM, OPTS_TUI,
	  "pc, pc-nodefaults, q35, q35-ports (q35 with root ports rp4-rp6) "
	  "or pc-bridge (pc with pci-bridge br1 at slot 5) (default pc)" },
	{ "root-ports", 0, O_ROOT_PORTS, "N", SIM, OPTS_TUI,
	  "q35: N more pcie-root-ports (rpS from slot 4 on)" },
	{ "names", 0, O_NAMES, "NAME,...", SIM, OPTS_TUI,
	  "these names instead of vm1..vmN" },
	{ "scenario", 0, O_SCENARIO, "NAME", SIM | M(DEMO) | M(SCENARIOS),
	  OPTS_TUI, "shape them as NAME; --scenario list shows the names" },
	{ "guest", 0, O_GUEST, "MODE", SIM, OPTS_TUI,
	  "unplugs: none, ack[=MS], ignore or refuse (default none)" },
	{ "fault", 0, O_FAULT, "LIST", SIM, OPTS_TUI,
	  "slow=MS,cut,garbage,crash=N" },
	{ "sockets", 0, O_SOCKETS, "WHICH", SIM, OPTS_TUI,
	  "both, or only qmp or hmp: one descriptor an instance (default "
	  "both)" },
	{ NULL, 0, 0, NULL, 0, OPTS_TUI, "The other end of --host:" },
	{ "agent", 0, O_AGENT, NULL, M(AGENT), OPTS_AGENT,
	  "serve this node's instances on stdin and stdout (ssh runs it)" },
	{ NULL, 0, 0, NULL, 0, OPTS_TUI, "Other:" },
	{ "help", 'h', 'h', NULL, 0, OPTS_TUI, "this text" },
	{ "version", 0, O_VERSION, NULL, 0, OPTS_TUI, "slotscope's version" },
};
#define NDEFS (sizeof defs / sizeof defs[0])

/* What each mode is called in messages. */
static const char *const mode_name[OPTS_NMODES] = {
	[OPTS_TUI] = "the screen", [OPTS_BATCH] = "-c COMMAND",
	[OPTS_PROBE] = "--probe", [OPTS_DEMO] = "--demo",
	[OPTS_SIMULATE] = "--simulate", [OPTS_SCENARIOS] = "--scenario list",
	[OPTS_AGENT] = "--agent",
};

static const char *const palettes[] = {
	[TUI_COLORS_AUTO] = "auto", [TUI_COLORS_DARK] = "dark",
	[TUI_COLORS_LIGHT] = "light", [TUI_COLORS_NONE] = "none",
};

static const struct {
	const char *name;
	enum simdev_machine_type type;
} machines[] = {
	{ "pc", SIMDEV_PC }, { "pc-nodefaults", SIMDEV_PC_NODEFAULTS },
	{ "q35", SIMDEV_Q35 }, { "q35-ports", SIMDEV_Q35_PORTS },
	{ "pc-bridge", SIMDEV_PC_BRIDGE },
};

static const char *
name_of(const struct optdef *d, char *buf, size_t len)
{
	if (d->lname != NULL)
		snprintf(buf, len, "--%s", d->lname);
	else
		snprintf(buf, len, "-%c", d->sname);
	return buf;
}

static int
lo_optional(const struct optdef *d)
{
	return d->arg != NULL && d->arg[0] == '[';
}

static int
find_val(int val)
{
	size_t i;

	for (i = 0; i < NDEFS; i++)
		if ((defs[i].lname != NULL || defs[i].sname != 0) &&
		    defs[i].val == val)
			return (int)i;
	return -1;
}

/* Words under one another from column 23, wrapped before column 80;
 * returns the column reached. */
static int
words_wrapped(FILE *out, int x, const char *lead, const char *const *w,
    size_t n, const char *sep)
{
	size_t k;

	x += fprintf(out, "%s", lead);
	for (k = 0; k < n; k++) {
		/* a separator stays at the end of its row (","), a blank goes */
		int last = k + 1 == n, len = (int)strlen(w[k]) +
		    (last || *sep == ' ' ? 0 : (int)strlen(sep));

		if (k > 0 && x + len + (*sep == ' ') > 79)
			x = fprintf(out, "\n%23s", "") - 1;
		else if (k > 0 && *sep == ' ')
			x += fprintf(out, "%s", sep);
		x += fprintf(out, "%s%s", w[k], last || *sep == ' ' ? "" : sep);
	}
	return x;
}

/* The columns -o takes, for each table, and its defaults. */
static void
columns_usage(FILE *out)
{
	const struct cmd_table *t;
	const char *w[CMD_TABLE_MAXCOLS];
	size_t idx[CMD_TABLE_MAXCOLS], i, k;
	int n;

	fputs("Columns of -o (for list and show; not with --json):\n", out);
	for (i = 0; (t = cmd_table_at(i)) != NULL; i++) {
		for (k = 0; k < t->ncols && k < CMD_TABLE_MAXCOLS; k++)
			w[k] = t->cols[k].name;
		words_wrapped(out, fprintf(out, "  %-20s", t->cmd), " ", w, k,
		    " ");
		n = cmd_table_pick(t, NULL, idx, CMD_TABLE_MAXCOLS, NULL);
		for (k = 0; n > 0 && k < (size_t)n; k++)
			w[k] = t->cols[idx[k]].name;
		fprintf(out, "\n%23s", "");
		words_wrapped(out, 23, "default: ", w, n > 0 ? (size_t)n : 0,
		    ",");
		fputc('\n', out);
	}
}

void
opts_usage(FILE *out)
{
	char name[64];
	size_t i;

	fputs("slotscope - see and manage the PCI slots of QEMU/KVM virtual "
	    "machines\n"
	    "Usage:\n"
	    "  slotscope [options] [NAME=ENDPOINT ...]\n"
	    "      the screen: every instance's 32 PCI slots, live, and a "
	    "command line\n"
	    "  slotscope [options] [NAME=ENDPOINT ...] -c COMMAND "
	    "[-c COMMAND ...]\n"
	    "      batch mode: run the commands and exit\n"
	    "  slotscope --probe ENDPOINT [--json]\n"
	    "      ask one monitor what is in its slots\n"
	    "  slotscope --demo [--scenario NAME] [--interval SEC] "
	    "[--colors WHEN]\n"
	    "      the screen on a few simulated instances\n"
	    "  slotscope --simulate DIR [--instances N] [--machine TYPE] "
	    "[--names NAME,...]\n"
	    "            [--scenario NAME] [--guest MODE] [--fault LIST] "
	    "[--sockets WHICH]\n"
	    "      simulated QEMU monitors for other tools, until Ctrl-C\n"
	    "  slotscope --scenario list\n"
	    "      the scenarios --demo and --simulate know\n"
	    "  slotscope --help | --version\n"
	    "--opt=VALUE and --opt VALUE both work; options may follow "
	    "arguments.\n", out);
	for (i = 0; i < NDEFS; i++) {
		const struct optdef *d = &defs[i];
		char both[96];

		if (d->lname == NULL && d->sname == 0 && d->arg == NULL) {
			fprintf(out, "%s\n", d->help);
			continue;
		}
		if (d->lname == NULL && d->sname == 0)
			snprintf(both, sizeof both, "%s", d->arg);
		else if (d->lname != NULL && d->sname != 0)
			snprintf(both, sizeof both, "-%c, --%s%s%s", d->sname,
			    d->lname, d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(both, sizeof both, "%s%s%s",
			    name_of(d, name, sizeof name), d->arg ? " " : "",
			    d->arg ? d->arg : "");
		fprintf(out, "  %-20s %s\n", both, d->help);
	}
	columns_usage(out);
}

/* The whole of s as a number in [lo, hi] (strtod's syntax). */
static int
real(const char *s, double lo, double hi, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return *s != '\0' && *end == '\0' && *v >= lo && *v <= hi ? 0 : -1;
}

/* The whole of s as an integer in [lo, hi] (strtol's syntax). */
static int
whole(const char *s, long lo, long hi, int *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < lo || n > hi)
		return -1;
	*v = (int)n;
	return 0;
}

/* One option's value into o. */
static int
take(struct opts *o, int val, const char *v, struct err *e)
{
	size_t i;

	switch (val) {
	case 'c':
		if (o->ncmds == BATCH_MAX_CMDS)
			return err_set(e, "at most %d -c", BATCH_MAX_CMDS);
		o->cmds[o->ncmds++] = v;
		break;
	case O_MONITOR_DIR:
		if (o->nmonitor_dir == OPTS_MAX_MONITOR_DIRS)
			return err_set(e, "at most %d --monitor-dir",
			    OPTS_MAX_MONITOR_DIRS);
		o->monitor_dir[o->nmonitor_dir++] = v;
		break;
	case O_LIBVIRT:
		if (o->nlibvirt == OPTS_MAX_LIBVIRT)
			return err_set(e, "at most %d --libvirt",
			    OPTS_MAX_LIBVIRT);
		o->libvirt[o->nlibvirt++] = v ? v : "";
		break;
	case O_HOST:
		if (o->nhost == OPTS_MAX_HOSTS)
			return err_set(e, "at most %d --host", OPTS_MAX_HOSTS);
		o->host[o->nhost++] = v;
		break;
	case O_CONFIG: o->config = v; break;
	case O_RUNTIME_DIR: o->runtime_dir = v; break;
	case O_STATE_DIR: o->state_dir = v; break;
	case O_AUDIT_LOG: o->audit_log = v; break;
	case O_INTERVAL:
		if (real(v, 0.1, 3600, &o->interval) < 0)
			return err_set(e, "--interval wants seconds from 0.1 "
			    "to 3600, not \"%s\"", v);
		break;
	case O_JSON: o->json = 1; break;
	case 'o': o->columns = v; break;
	case O_RAW: o->raw = 1; break;
	case O_NOHEADINGS: o->noheadings = 1; break;
	case O_UNPLUG_WAIT:
		if (whole(v, 0, 600000, &o->unplug_wait_ms) < 0)
			return err_set(e, "--unplug-wait wants milliseconds "
			    "from 0 to 600000, not \"%s\"", v);
		break;
	case O_PROBE: o->probe = v; break;
	case O_DEMO: break;
	case O_SIMULATE: o->simulate = v; break;
	case O_INSTANCES:
		if (whole(v, 1, 100000, &o->instances) < 0)
			return err_set(e, "--instances takes a number from 1 "
			    "to 100000");
		break;
	case O_MACHINE:
		for (i = 0; i < sizeof machines / sizeof machines[0]; i++)
			if (strcmp(v, machines[i].name) == 0)
				break;
		if (i == sizeof machines / sizeof machines[0])
			return err_set(e, "--machine takes pc, pc-nodefaults, "
			    "q35, q35-ports or pc-bridge");
		o->machine = machines[i].type;
		break;
	case O_COLORS:
		for (i = 0; i < sizeof palettes / sizeof palettes[0]; i++)
			if (strcmp(v, palettes[i]) == 0)
				break;
		if (i == sizeof palettes / sizeof palettes[0])
			return err_set(e, "--colors takes auto, dark, light or "
			    "none, not \"%s\"", v);
		o->colors = (enum tui_colors)i;
		break;
	case O_NAMES: o->names = v; break;
	case O_SOCKETS: o->sockets = v; break;
	case O_SCENARIO: o->scenario = v; break;
	case O_GUEST: o->guest = v; break;
	case O_ROOT_PORTS:
		if (whole(v, 1, 27, &o->root_ports) < 0)
			return err_set(e, "--root-ports takes a number from 1 "
			    "to 27");
		break;
	case O_FAULT: o->fault = v; break;
	}
	return 0;
}

/* "--s" is the start of more than one long name: say which (getopt_long
 * reports it as unknown when opterr is 0).  -1 with e filled when so. */
static int
ambiguous(const char *arg, struct err *e)
{
	size_t i, n, len, k = 0, o = 0;
	char names[192];

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	for (i = 0; i < NDEFS; i++) {
		if (defs[i].lname == NULL || strncmp(defs[i].lname, arg,
		    len) != 0)
			continue;
		n = (size_t)snprintf(names + o, sizeof names - o, "%s--%s",
		    k++ ? ", " : "", defs[i].lname);
		o = o + n < sizeof names ? o + n : sizeof names - 1;
	}
	if (k < 2)
		return 0;
	err_set(e, "--%.*s is ambiguous: %s (see slotscope --help)", (int)len,
	    arg, names);
	return -1;
}

/* "-c COMMAND or --probe": the modes in mask that an option asks for. */
static void
modes_text(unsigned mask, char *buf, size_t len)
{
	size_t i, n = 0, k = 0, o = 0;

	buf[0] = '\0';
	for (i = 0; i < NDEFS; i++)
		if (defs[i].sets != OPTS_TUI && (mask & (1u << defs[i].sets)))
			n++;
	for (i = 0; i < NDEFS && o < len; i++) {
		if (defs[i].sets == OPTS_TUI || !(mask & (1u << defs[i].sets)))
			continue;
		k++;
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    k == 1 ? "" : k == n ? " or " : ", ",
		    mode_name[defs[i].sets]);
	}
}

/* The mode from the options given (given[i]: defs[i] was), and every
 * option and argument checked against it. */
static int
decide(struct opts *o, const int *given, struct err *e)
{
	enum opts_mode m = OPTS_TUI;
	char a[64], b[64], modes[128];
	int list = o->scenario != NULL && strcmp(o->scenario, "list") == 0;
	size_t i, asked = NDEFS;

	for (i = 0; i < NDEFS; i++) {
		if (!given[i] || defs[i].sets == OPTS_TUI ||
		    defs[i].sets == m)
			continue;
		if (asked < NDEFS)
			return err_set(e, "%s and %s do not go together (see "
			    "slotscope --help)", name_of(&defs[asked], a,
			    sizeof a), name_of(&defs[i], b, sizeof b));
		asked = i;
		m = defs[i].sets;
	}
	if (m == OPTS_TUI && list)
		m = OPTS_SCENARIOS;
	for (i = 0; i < NDEFS; i++) {
		if (!given[i] || (defs[i].modes & (1u << m)))
			continue;
		name_of(&defs[i], a, sizeof a);
		if (m != OPTS_TUI)
			return err_set(e, "%s does not go with %s (see "
			    "slotscope --help)", a, mode_name[m]);
		modes_text(defs[i].modes, modes, sizeof modes);
		return err_set(e, "%s goes with %s (see slotscope --help)", a,
		    modes);
	}
	if (o->nargs > 0 && m != OPTS_TUI && m != OPTS_BATCH && m != OPTS_AGENT)
		return err_set(e, "unexpected argument \"%s\" with %s (see "
		    "slotscope --help)", o->args[0], mode_name[m]);
	if (o->json && (o->columns || o->raw || o->noheadings))
		return err_set(e, "-o, --raw and --noheadings shape text "
		    "tables; --json prints the whole JSON value (see slotscope "
		    "--help)");
	if (list)
		m = OPTS_SCENARIOS;	/* also after --demo or --simulate */
	else if (o->scenario != NULL && simscen_find(o->scenario) == NULL)
		return err_set(e, "unknown scenario %s; `slotscope --scenario "
		    "list` shows them", o->scenario);
	o->mode = m;
	return 0;
}

int
opts_parse(int argc, char **argv, struct opts *o, struct err *e)
{
	struct option lo[NDEFS + 1];
	char shorts[2 * NDEFS + 2], name[64];
	int given[NDEFS];
	size_t i, nl = 0, ns = 0;
	int c, k;

	memset(o, 0, sizeof *o);
	o->unplug_wait_ms = -1;
	o->instances = 1;
	o->machine = SIMDEV_PC;
	memset(given, 0, sizeof given);
	memset(lo, 0, sizeof lo);
	shorts[ns++] = ':';	/* a missing value is ':', not '?' */
	for (i = 0; i < NDEFS; i++) {
		if (defs[i].lname != NULL) {
			lo[nl].name = defs[i].lname;
			lo[nl].has_arg = defs[i].arg == NULL ? no_argument :
			    defs[i].arg[0] == '[' ? optional_argument :
			    required_argument;
			lo[nl++].val = defs[i].val;
		}
		if (defs[i].sname != 0) {
			shorts[ns++] = (char)defs[i].sname;
			if (defs[i].arg != NULL)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	opterr = 0;		/* our own one-line messages below */
	optind = 0;		/* start afresh (glibc) */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == ':' || c == '?') {
			k = find_val(optopt);
			if (c == ':' && k >= 0)
				return err_set(e, "%s needs %s (see slotscope "
				    "--help)", name_of(&defs[k], name,
				    sizeof name), defs[k].arg);
			if (k >= 0 && defs[k].lname != NULL &&
			    strncmp(argv[optind - 1], "--", 2) == 0)
				return err_set(e, "%s takes no value (see "
				    "slotscope --help)", name_of(&defs[k], name,
				    sizeof name));
			if (optopt == 0 && ambiguous(argv[optind - 1], e))
				return -1;
			if (optopt > 0 && optopt < 256)
				return err_set(e, "unknown option -%c (see "
				    "slotscope --help)", optopt);
			return err_set(e, "unknown option %s (see slotscope "
			    "--help)", argv[optind - 1]);
		}
		if (c == 'h' || c == O_VERSION) {
			/* at once, as GNU tools do: the rest is not read */
			o->mode = c == 'h' ? OPTS_HELP : OPTS_VERSION;
			return 0;
		}
		k = find_val(c);
		if (k < 0)
			return err_set(e, "unknown option %s (see slotscope "
			    "--help)", argv[optind - 1]);
		given[k] = 1;
		/* an optional value also as the next word (--libvirt URI):
		 * one that looks like a URI, never a NAME=ENDPOINT */
		if (lo_optional(&defs[k]) && optarg == NULL && optind < argc &&
		    argv[optind][0] != '-' && strstr(argv[optind], "://"))
			optarg = argv[optind++];
		if (take(o, c, optarg, e) < 0)
			return -1;
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return decide(o, given, e);
}
