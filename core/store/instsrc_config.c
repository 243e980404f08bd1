/* SPDX-License-Identifier: GPL-3.0-or-later */
/* instsrc_config.c - the config file of instsrc.h: its lines split into
 * words, and one table of directives, each with the line that does it
 * (as core/cmd's table has one exec per command).  instsrc.c has the
 * lists, NAME=ENDPOINT arguments and the monitor dir. */
#include "store/instsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "store/store.h"

void
instsrc_config_init(struct instsrc_config *c)
{
	memset(c, 0, sizeof *c);
	instsrc_list_init(&c->inst);
	c->system_config = INSTSRC_SYSTEM_CONFIG;
}

void
instsrc_config_free(struct instsrc_config *c)
{
	instsrc_list_free(&c->inst);
}

#define MAXWORDS 4

struct word {
	const char *p;
	size_t n;
};

/* Split a line into blank-separated words, stopping at '#'.  Returns the
 * number of words, MAXWORDS + 1 when there are too many. */
static int
split(const char *p, size_t n, struct word *w)
{
	size_t i = 0;
	int nw = 0;

	while (i < n) {
		size_t s;

		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i >= n || p[i] == '#')
			break;
		s = i;
		while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '#')
			i++;
		if (nw == MAXWORDS)
			return MAXWORDS + 1;
		w[nw].p = p + s;
		w[nw].n = i - s;
		nw++;
	}
	return nw;
}

static int
wcopy(const struct word *w, char *out, size_t sz, const char *what,
    struct err *e)
{
	if (w->n >= sz)
		return err_set(e, "%s is longer than %zu bytes", what, sz - 1);
	memcpy(out, w->p, w->n);
	out[w->n] = '\0';
	return 0;
}

static int
wnum(const struct word *w, double lo, double hi, double *out,
    const char *what, struct err *e)
{
	char tmp[32], *end;
	double v;

	if (w->n == 0 || w->n >= sizeof tmp)
		return err_set(e, "%s must be a number", what);
	memcpy(tmp, w->p, w->n);
	tmp[w->n] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (errno != 0 || *end != '\0' || end == tmp || !(v >= lo && v <= hi))
		return err_set(e, "%s must be a number from %g to %g, not "
		    "'%s'", what, lo, hi, tmp);
	*out = v;
	return 0;
}

/* One directive of the config file: its keyword, how many values it
 * takes (-1: its line checks them) and what they are, the line that does
 * it, and for a path the field it sets (off, size) and its name. */
struct kw {
	const char *kw;
	int nargs;
	const char *usage;
	int (*line)(struct instsrc_config *c, const struct kw *k,
	    const struct word *w, int nw, struct err *e);
	size_t off, size;
	const char *what;
};

/* runtime-dir, state-dir, audit-log, ganeti-dir, proxmox-*-dir, ssh-config: PATH */
static int
path_line(struct instsrc_config *c, const struct kw *k, const struct word *w,
    int nw, struct err *e)
{
	(void)nw;
	return wcopy(&w[1], (char *)c + k->off, k->size, k->what, e);
}

/* instance NAME ENDPOINT */
static int
instance_line(struct instsrc_config *c, const struct kw *k,
    const struct word *w, int nw, struct err *e)
{
	char name[64], ep[256];
	long at;

	(void)k;
	(void)nw;
	if (wcopy(&w[1], name, sizeof name, "the instance name", e) < 0 ||
	    wcopy(&w[2], ep, sizeof ep, "the endpoint", e) < 0)
		return -1;
	/* the user's config names a system config's instance again */
	at = instsrc_list_find(&c->inst, name);
	if (at >= 0 && (size_t)at < c->nsystem_inst) {
		if (instsrc_check_endpoint(ep, strlen(ep), e) < 0)
			return err_prefix(e, "instance %s", name);
		snprintf(c->inst.v[at].endpoint, sizeof c->inst.v[at].endpoint,
		    "%s", ep);
		return 0;
	}
	return instsrc_list_add(&c->inst, name, ep, e);
}

/* monitor-dir DIR (may repeat) */
static int
monitor_dir_line(struct instsrc_config *c, const struct kw *k,
    const struct word *w, int nw, struct err *e)
{
	(void)k;
	(void)nw;
	if (c->nmonitor_dir >= 8)
		return err_set(e, "more than 8 monitor-dir lines");
	if (wcopy(&w[1], c->monitor_dir[c->nmonitor_dir],
	    sizeof c->monitor_dir[0], "the monitor dir", e) < 0)
		return -1;
	c->nmonitor_dir++;
	return 0;
}

/* interval SECONDS */
static int
interval_line(struct instsrc_config *c, const struct kw *k,
    const struct word *w, int nw, struct err *e)
{
	double v;

	(void)k;
	(void)nw;
	if (wnum(&w[1], 0.1, 3600, &v, "interval (seconds)", e) < 0)
		return -1;
	c->interval = v;
	return 0;
}

/* monitor-timeout MS */
static int
timeout_line(struct instsrc_config *c, const struct kw *k,
    const struct word *w, int nw, struct err *e)
{
	double v;

	(void)k;
	(void)nw;
	if (wnum(&w[1], 10, 60000, &v, "monitor-timeout (ms)", e) < 0)
		return -1;
	if (v != (int)v)
		return err_set(e, "monitor-timeout must be a whole number of "
		    "milliseconds");
	c->monitor_timeout_ms = (int)v;
	return 0;
}

/* audit-syslog on|off */
static int
syslog_line(struct instsrc_config *c, const struct kw *k,
    const struct word *w, int nw, struct err *e)
{
	(void)k;
	(void)nw;
	if (w[1].n == 2 && memcmp(w[1].p, "on", 2) == 0)
		c->audit_syslog = 1;
	else if (w[1].n == 3 && memcmp(w[1].p, "off", 3) == 0)
		c->audit_syslog = -1;
	else
		return err_set(e, "audit-syslog takes on or off, not '%.*s'",
		    (int)(w[1].n > 32 ? 32 : w[1].n), w[1].p);
	return 0;
}

/* libvirt URI (may repeat) */
static int
libvirt_line(struct instsrc_config *c, const struct kw *k,
    const struct word *w, int nw, struct err *e)
{
	(void)k;
	(void)nw;
	if (c->nlibvirt >= INSTSRC_MAX_LIBVIRT)
		return err_set(e, "more than %d libvirt lines",
		    INSTSRC_MAX_LIBVIRT);
	if (wcopy(&w[1], c->libvirt[c->nlibvirt], sizeof c->libvirt[0],
	    "the libvirt URI", e) < 0)
		return -1;
	c->nlibvirt++;
	return 0;
}

/* manager NAME ganeti|proxmox|none [VMID] */
static int
manager_line(struct instsrc_config *c, const struct kw *k,
    const struct word *w, int nw, struct err *e)
{
	struct instsrc_mgr *m;
	char kind[16];

	(void)k;
	if (nw != 3 && nw != 4)
		return err_set(e, "manager takes NAME ganeti|proxmox|none "
		    "[VMID]");
	if (c->nmgr >= (int)(sizeof c->mgr / sizeof c->mgr[0]))
		return err_set(e, "more than %zu manager lines",
		    sizeof c->mgr / sizeof c->mgr[0]);
	m = &c->mgr[c->nmgr];
	memset(m, 0, sizeof *m);
	if (wcopy(&w[1], m->name, sizeof m->name, "the instance name",
	    e) < 0 || store_check_name(m->name, e) < 0 ||
	    wcopy(&w[2], kind, sizeof kind, "the manager", e) < 0)
		return -1;
	if (strcmp(kind, "none") == 0)
		m->kind = MGR_NONE;
	else if (strcmp(kind, "ganeti") == 0)
		m->kind = MGR_GANETI;
	else if (strcmp(kind, "proxmox") == 0)
		m->kind = MGR_PROXMOX;
	else
		return err_set(e, "unknown manager '%s': expected ganeti, "
		    "proxmox or none", kind);
	if (nw == 4) {
		size_t i;

		if (m->kind != MGR_PROXMOX)
			return err_set(e, "only a proxmox manager line takes a "
			    "VMID");
		if (wcopy(&w[3], m->vmid, sizeof m->vmid, "the VMID", e) < 0)
			return -1;
		for (i = 0; m->vmid[i]; i++)
			if (m->vmid[i] < '0' || m->vmid[i] > '9')
				return err_set(e, "VMID '%s' is not a number",
				    m->vmid);
	}
	c->nmgr++;
	return 0;
}

int
instsrc_parse_host(const char *buf, size_t len, struct instsrc_host *out,
    struct err *e)
{
	const char *eq = memchr(buf, '=', len);
	size_t n, u;

	memset(out, 0, sizeof *out);
	if (eq == NULL)
		return err_set(e, "--host takes NAME=ssh://[USER@]NODE[:PORT]");
	n = (size_t)(eq - buf);
	u = len - n - 1;
	if (n == 0 || n >= sizeof out->name)
		return err_set(e, "a host's name is 1 to %zu characters",
		    sizeof out->name - 1);
	memcpy(out->name, buf, n);
	if (store_check_name(out->name, e) < 0)
		return err_prefix(e, "host");
	if (u < 7 || u >= sizeof out->url || memcmp(eq + 1, "ssh://", 6) != 0 ||
	    memchr(eq + 1, '\0', u) != NULL)
		return err_set(e, "host %s: its address is ssh://[USER@]NODE"
		    "[:PORT]", out->name);
	memcpy(out->url, eq + 1, u);
	return 0;
}

/* host NAME URL */
static int
host_line(struct instsrc_config *c, const struct kw *kw,
    const struct word *w, int nw, struct err *e)
{
	char arg[sizeof c->host[0].name + sizeof c->host[0].url + 2];
	struct instsrc_host h;
	int k;

	(void)kw;
	(void)nw;
	if (c->nhost >= INSTSRC_MAX_HOSTS)
		return err_set(e, "more than %d host lines", INSTSRC_MAX_HOSTS);
	if (w[1].n >= sizeof h.name || w[2].n >= sizeof h.url)
		return err_set(e, "a host's name or address is too long");
	snprintf(arg, sizeof arg, "%.*s=%.*s", (int)w[1].n, w[1].p,
	    (int)w[2].n, w[2].p);
	if (instsrc_parse_host(arg, strlen(arg), &h, e) < 0)
		return -1;
	for (k = 0; k < c->nhost; k++)
		if (strcmp(c->host[k].name, h.name) == 0) {
			c->host[k] = h;	/* the user's config wins */
			return 0;
		}
	c->host[c->nhost++] = h;
	return 0;
}

#define PATH(kw, field, what) { kw, 1, "one value", path_line, \
	offsetof(struct instsrc_config, field), \
	sizeof ((struct instsrc_config *)0)->field, what }

static const struct kw kws[] = {
	{ "instance", 2, "NAME ENDPOINT", instance_line, 0, 0, NULL },
	{ "monitor-dir", 1, "one value", monitor_dir_line, 0, 0, NULL },
	PATH("runtime-dir", runtime_dir, "the runtime dir"),
	PATH("state-dir", state_dir, "the state dir"),
	PATH("audit-log", audit_log, "the audit log path"),
	{ "interval", 1, "one value", interval_line, 0, 0, NULL },
	{ "monitor-timeout", 1, "one value", timeout_line, 0, 0, NULL },
	{ "audit-syslog", 1, "one value", syslog_line, 0, 0, NULL },
	{ "libvirt", 1, "one value", libvirt_line, 0, 0, NULL },
	{ "manager", -1, NULL, manager_line, 0, 0, NULL },
	PATH("ganeti-dir", roots.ganeti, "the Ganeti dir"),
	PATH("proxmox-run-dir", roots.proxmox_run, "the Proxmox run dir"),
	PATH("proxmox-conf-dir", roots.proxmox_conf,
	    "the Proxmox config dir"),
	{ "host", 2, "NAME ssh://URL", host_line, 0, 0, NULL },
	PATH("ssh-config", ssh_config, "the ssh config file"),
};
#undef PATH

static int
directive(struct instsrc_config *c, const struct word *w, int nw,
    struct err *e)
{
	size_t k;

	for (k = 0; k < sizeof kws / sizeof *kws; k++)
		if (strlen(kws[k].kw) == w[0].n &&
		    memcmp(kws[k].kw, w[0].p, w[0].n) == 0)
			break;
	if (k == sizeof kws / sizeof *kws)
		return err_set(e, "unknown directive '%.*s' (expected instance, "
		    "monitor-dir, runtime-dir, state-dir, audit-log, interval, "
		    "monitor-timeout, audit-syslog, libvirt, manager, ganeti-dir, "
		    "proxmox-run-dir, proxmox-conf-dir, host or ssh-config)",
		    (int)(w[0].n > 32 ? 32 : w[0].n),
		    w[0].p);
	if (kws[k].nargs >= 0 && nw - 1 != kws[k].nargs)
		return err_set(e, "%s takes %s", kws[k].kw, kws[k].usage);
	return kws[k].line(c, &kws[k], w, nw, e);
}

int
instsrc_parse_config(const char *buf, size_t len, struct instsrc_config *c,
    struct err *e)
{
	size_t i = 0;
	int line = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		struct word w[MAXWORDS];
		size_t k;
		int nw;

		line++;
		for (k = 0; k < n; k++) {
			unsigned char ch = (unsigned char)buf[i + k];

			if ((ch < ' ' && ch != '\t' && ch != '\r') ||
			    ch == 0x7f)
				return err_set(e, "config line %d: control "
				    "character 0x%02x", line, ch);
		}
		nw = split(buf + i, n, w);
		if (nw > MAXWORDS)
			return err_set(e, "config line %d: too many words",
			    line);
		if (nw > 0 && directive(c, w, nw, e) < 0)
			return err_prefix(e, "config line %d", line);
		i += n + (nl ? 1 : 0);
	}
	return 0;
}

static int
load_one(const char *path, int must_exist, struct instsrc_config *c,
    struct err *e)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && !must_exist)
		return 0;
	if (fd < 0)
		return err_set(e, "cannot read config %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "config %s is not a regular file", path);
	}
	if (st.st_size > INSTSRC_CONFIG_MAX) {
		close(fd);
		return err_set(e, "config %s is larger than %d bytes", path,
		    INSTSRC_CONFIG_MAX);
	}
	buf = fileio_read_fd(fd, (size_t)st.st_size, &len, e);
	close(fd);
	if (buf == NULL)
		return err_prefix(e, "config %s", path);
	rc = instsrc_parse_config(buf, len, c, e);
	free(buf);
	if (rc < 0)
		return err_prefix(e, "%s", path);
	return 1;
}

int
instsrc_load_config(const char *path, int must_exist,
    struct instsrc_config *c, struct err *e)
{
	if (!must_exist && c->system_config != NULL &&
	    c->system_config[0] != '\0') {
		if (load_one(c->system_config, 0, c, e) < 0)
			return -1;
		c->nsystem_inst = c->inst.n;
	}
	return load_one(path, must_exist, c, e);
}

int
instsrc_default_config(char *out, size_t outsz, struct err *e)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(out, outsz, "%s/slotscope/config", x);
	else if (h != NULL && h[0] == '/')
		n = snprintf(out, outsz, "%s/.config/slotscope/config", h);
	else
		return err_set(e, "no config path: neither XDG_CONFIG_HOME nor "
		    "HOME is set; give --config FILE");
	if (n < 0 || (size_t)n >= outsz)
		return err_set(e, "config path too long; give --config FILE");
	return 0;
}
