/* SPDX-License-Identifier: GPL-3.0-or-later */
/* instsrc.c - instance sources; see instsrc.h. */
#include "store/instsrc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "store/store.h"

void
instsrc_list_init(struct instsrc_list *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
	nameidx_init(&l->idx);
}

void
instsrc_list_free(struct instsrc_list *l)
{
	free(l->v);
	nameidx_free(&l->idx);
	instsrc_list_init(l);
}

static const char *
name_at(const void *ctx, size_t i)
{
	return ((const struct instsrc_list *)ctx)->v[i].name;
}

long
instsrc_list_find(const struct instsrc_list *l, const char *name)
{
	return nameidx_find(&l->idx, name, name_at, l);
}

int
instsrc_check_endpoint(const char *buf, size_t len, struct err *e)
{
	size_t i;

	if (len == 0)
		return err_set(e, "empty monitor endpoint: give unix:PATH, "
		    "tcp:HOST:PORT or a socket path");
	if (len >= sizeof ((struct instsrc *)0)->endpoint)
		return err_set(e, "monitor endpoint is longer than %zu bytes",
		    sizeof ((struct instsrc *)0)->endpoint - 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c <= ' ' || c == 0x7f)
			return err_set(e, "monitor endpoint '%.*s' contains a "
			    "blank or control character", (int)len, buf);
	}
	if ((len == 5 && memcmp(buf, "unix:", 5) == 0) ||
	    (len == 4 && memcmp(buf, "tcp:", 4) == 0))
		return err_set(e, "monitor endpoint '%.*s' has no address",
		    (int)len, buf);
	return 0;
}

int
instsrc_list_add(struct instsrc_list *l, const char *name,
    const char *endpoint, struct err *e)
{
	struct instsrc *s;

	if (store_check_name(name, e) < 0)
		return -1;
	if (instsrc_check_endpoint(endpoint, strlen(endpoint), e) < 0)
		return err_prefix(e, "instance %s", name);
	if (instsrc_list_find(l, name) >= 0)
		return err_set(e, "instance %s is given twice", name);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct instsrc *p = realloc(l->v, cap * sizeof *p);

		if (p == NULL)
			return err_set(e, "out of memory");
		l->v = p;
		l->cap = cap;
	}
	if (nameidx_add(&l->idx, name, l->n) < 0)
		return err_set(e, "out of memory");
	s = &l->v[l->n++];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->endpoint, sizeof s->endpoint, "%s", endpoint);
	return 0;
}

int
instsrc_parse_arg(const char *buf, size_t len, struct instsrc *out,
    struct err *e)
{
	const char *eq = memchr(buf, '=', len);
	size_t nl;

	memset(out, 0, sizeof *out);
	if (eq == NULL)
		return err_set(e, "'%.*s' is not NAME=ENDPOINT (e.g. "
		    "web1=unix:/run/web1.qmp)", (int)(len > 64 ? 64 : len),
		    buf);
	nl = (size_t)(eq - buf);
	if (nl == 0 || nl >= sizeof out->name)
		return err_set(e, "'%.*s': the instance name must be 1 to %zu "
		    "characters", (int)(len > 64 ? 64 : len), buf,
		    sizeof out->name - 1);
	if (memchr(buf, '\0', len) != NULL)
		return err_set(e, "NAME=ENDPOINT contains a NUL byte");
	memcpy(out->name, buf, nl);
	out->name[nl] = '\0';
	if (store_check_name(out->name, e) < 0)
		return -1;
	if (instsrc_check_endpoint(eq + 1, len - nl - 1, e) < 0)
		return err_prefix(e, "instance %s", out->name);
	memcpy(out->endpoint, eq + 1, len - nl - 1);
	out->endpoint[len - nl - 1] = '\0';
	return 0;
}

/* ---- monitor dir ---- */

struct found {
	char name[64];
	int qmp, hmp;
};

static const char *
found_name(const void *ctx, size_t i)
{
	return ((const struct found *)ctx)[i].name;
}

static int
cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name,
	    ((const struct found *)b)->name);
}

int
instsrc_scan_dir(const char *dir, struct instsrc_list *l, struct err *e)
{
	struct nameidx idx = NAMEIDX_INIT;	/* names found -> f[] */
	struct found *f = NULL;
	size_t nf = 0, capf = 0, i;
	struct dirent *de;
	int added = 0, dfd;
	DIR *d;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return err_set(e, "cannot read monitor dir %s: %s", dir,
		    strerror(errno));
	d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return err_set(e, "cannot read monitor dir %s: %s", dir,
		    strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		const char *dot = strrchr(de->d_name, '.');
		struct stat st;
		size_t nl;
		int qmp;

		if (dot == NULL)
			continue;
		if (strcmp(dot, ".qmp") == 0)
			qmp = 1;
		else if (strcmp(dot, ".monitor") == 0)
			qmp = 0;
		else
			continue;
		nl = (size_t)(dot - de->d_name);
		if (nl == 0 || nl >= sizeof f->name)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISSOCK(st.st_mode))
			continue;
		{
			/* NAME.qmp and NAME.monitor: one instance, found
			 * through the index (a scan per entry made 10,000
			 * instances cost 10^8 comparisons) */
			char nm[sizeof f->name];
			long at;

			memcpy(nm, de->d_name, nl);
			nm[nl] = '\0';
			at = nameidx_find(&idx, nm, found_name, f);
			i = at >= 0 ? (size_t)at : nf;
		}
		if (i == nf) {
			if (nf == capf) {
				size_t cap = capf ? capf * 2 : 16;
				struct found *p = realloc(f, cap * sizeof *p);

				if (p == NULL) {
					free(f);
					nameidx_free(&idx);
					closedir(d);
					return err_set(e, "out of memory");
				}
				f = p;
				capf = cap;
			}
			memset(&f[nf], 0, sizeof f[nf]);
			memcpy(f[nf].name, de->d_name, nl);
			if (nameidx_add(&idx, f[nf].name, nf) < 0) {
				free(f);
				nameidx_free(&idx);
				closedir(d);
				return err_set(e, "out of memory");
			}
			nf++;
		}
		if (qmp)
			f[i].qmp = 1;
		else
			f[i].hmp = 1;
	}
	closedir(d);
	nameidx_free(&idx);
	if (nf > 1)
		qsort(f, nf, sizeof *f, cmp_found);
	for (i = 0; i < nf; i++) {
		char ep[sizeof l->v->endpoint];
		struct err e2;
		int n;

		if (instsrc_list_find(l, f[i].name) >= 0)
			continue;
		if (store_check_name(f[i].name, &e2) < 0)
			continue;	/* not an instance name we can store */
		n = snprintf(ep, sizeof ep, "unix:%s/%s.%s", dir, f[i].name,
		    f[i].qmp ? "qmp" : "monitor");
		if (n < 0 || (size_t)n >= sizeof ep)
			continue;
		if (instsrc_list_add(l, f[i].name, ep, e) < 0) {
			free(f);
			return -1;
		}
		added++;
	}
	free(f);
	return added;
}

int
instsrc_scan_default(struct instsrc_list *l, struct err *e)
{
	struct stat st;

	if (stat(INSTSRC_GANETI_DIR, &st) < 0 && errno == ENOENT)
		return 0;
	return instsrc_scan_dir(INSTSRC_GANETI_DIR, l, e);
}

/* ---- config file ---- */

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

/* manager NAME ganeti|proxmox|none [VMID] */
static int
manager_line(struct instsrc_config *c, struct word *w, int nw, struct err *e)
{
	struct instsrc_mgr *m;
	char kind[16];

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
host_line(struct instsrc_config *c, struct word *w, struct err *e)
{
	char arg[sizeof c->host[0].name + sizeof c->host[0].url + 2];
	struct instsrc_host h;
	int k;

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

static int
directive(struct instsrc_config *c, struct word *w, int nw, struct err *e)
{
	static const struct {
		const char *kw;
		int nargs;
	} kws[] = {
		{ "instance", 2 }, { "monitor-dir", 1 }, { "runtime-dir", 1 },
		{ "audit-log", 1 }, { "interval", 1 }, { "monitor-timeout", 1 },
		{ "audit-syslog", 1 }, { "libvirt", 1 }, { "manager", -1 },
		{ "ganeti-dir", 1 }, { "proxmox-run-dir", 1 },
		{ "proxmox-conf-dir", 1 }, { "host", 2 }, { "ssh-config", 1 },
	};
	char name[64], ep[256];
	long at;
	size_t k;
	double v;

	for (k = 0; k < sizeof kws / sizeof *kws; k++)
		if (strlen(kws[k].kw) == w[0].n &&
		    memcmp(kws[k].kw, w[0].p, w[0].n) == 0)
			break;
	if (k == sizeof kws / sizeof *kws)
		return err_set(e, "unknown directive '%.*s' (expected instance, "
		    "monitor-dir, runtime-dir, audit-log, interval, "
		    "monitor-timeout, audit-syslog, libvirt, manager, ganeti-dir, "
		    "proxmox-run-dir, proxmox-conf-dir, host or ssh-config)",
		    (int)(w[0].n > 32 ? 32 : w[0].n),
		    w[0].p);
	if (kws[k].nargs < 0)
		return manager_line(c, w, nw, e);
	if (nw - 1 != kws[k].nargs)
		return err_set(e, "%s takes %s", kws[k].kw,
		    k == 0 ? "NAME ENDPOINT" : k == 12 ? "NAME ssh://URL" :
		    "one value");
	switch (k) {
	case 0:
		if (wcopy(&w[1], name, sizeof name, "the instance name",
		    e) < 0 || wcopy(&w[2], ep, sizeof ep, "the endpoint", e) < 0)
			return -1;
		/* the user's config names a system config's instance again */
		at = instsrc_list_find(&c->inst, name);
		if (at >= 0 && (size_t)at < c->nsystem_inst) {
			if (instsrc_check_endpoint(ep, strlen(ep), e) < 0)
				return err_prefix(e, "instance %s", name);
			snprintf(c->inst.v[at].endpoint,
			    sizeof c->inst.v[at].endpoint, "%s", ep);
			return 0;
		}
		return instsrc_list_add(&c->inst, name, ep, e);
	case 1:
		if (c->nmonitor_dir >= 8)
			return err_set(e, "more than 8 monitor-dir lines");
		if (wcopy(&w[1], c->monitor_dir[c->nmonitor_dir],
		    sizeof c->monitor_dir[0], "the monitor dir", e) < 0)
			return -1;
		c->nmonitor_dir++;
		return 0;
	case 2:
		return wcopy(&w[1], c->runtime_dir, sizeof c->runtime_dir,
		    "the runtime dir", e);
	case 3:
		return wcopy(&w[1], c->audit_log, sizeof c->audit_log,
		    "the audit log path", e);
	case 4:
		if (wnum(&w[1], 0.1, 3600, &v, "interval (seconds)", e) < 0)
			return -1;
		c->interval = v;
		return 0;
	case 9:
		return wcopy(&w[1], c->roots.ganeti, sizeof c->roots.ganeti,
		    "the Ganeti dir", e);
	case 10:
		return wcopy(&w[1], c->roots.proxmox_run,
		    sizeof c->roots.proxmox_run, "the Proxmox run dir", e);
	case 11:
		return wcopy(&w[1], c->roots.proxmox_conf,
		    sizeof c->roots.proxmox_conf, "the Proxmox config dir", e);
	case 12:
		return host_line(c, w, e);
	case 13:
		return wcopy(&w[1], c->ssh_config, sizeof c->ssh_config,
		    "the ssh config file", e);
	case 6:
		if (w[1].n == 2 && memcmp(w[1].p, "on", 2) == 0)
			c->audit_syslog = 1;
		else if (w[1].n == 3 && memcmp(w[1].p, "off", 3) == 0)
			c->audit_syslog = -1;
		else
			return err_set(e, "audit-syslog takes on or off, not "
			    "'%.*s'", (int)(w[1].n > 32 ? 32 : w[1].n), w[1].p);
		return 0;
	case 7:
		if (c->nlibvirt >= INSTSRC_MAX_LIBVIRT)
			return err_set(e, "more than %d libvirt lines",
			    INSTSRC_MAX_LIBVIRT);
		if (wcopy(&w[1], c->libvirt[c->nlibvirt],
		    sizeof c->libvirt[0], "the libvirt URI", e) < 0)
			return -1;
		c->nlibvirt++;
		return 0;
	default:
		if (wnum(&w[1], 10, 60000, &v, "monitor-timeout (ms)", e) < 0)
			return -1;
		if (v != (int)v)
			return err_set(e, "monitor-timeout must be a whole "
			    "number of milliseconds");
		c->monitor_timeout_ms = (int)v;
		return 0;
	}
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
