/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgrfind.c - which manager owns each instance, from the layout of its
 * monitor socket and the config's `manager` lines.
 *
 *   Ganeti   the socket is in a ctrl/ dir with a runtime/ dir beside it
 *            (ROOT/ctrl/NAME.qmp, ROOT/runtime/NAME), or in the
 *            configured ganeti-dir's ctrl/
 *   Proxmox  the socket is VMID.qmp (digits) and the configured
 *            proxmox-conf-dir has VMID.conf; an instance found under its
 *            VMID takes the config's `name:` (when it is a valid, unused
 *            instance name), the VMID is kept beside it
 * A `manager NAME KIND [VMID]` line wins over what the layout says.
 */
#include "mgr/mgrfind.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mgr/mgr.h"
#include "store/store.h"

/* snprintf that says whether it fitted (paths are cut, never overrun) */
static int
fmt(char *dst, size_t sz, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(dst, sz, f, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < sz ? 0 : -1;
}

void
mgr_roots_init(struct mgr_roots *r, const struct mgr_roots *cfg)
{
	fmt(r->ganeti, sizeof r->ganeti, "%s",
	    cfg && cfg->ganeti[0] ? cfg->ganeti : MGR_GANETI_ROOT);
	fmt(r->proxmox_run, sizeof r->proxmox_run, "%s",
	    cfg && cfg->proxmox_run[0] ? cfg->proxmox_run : MGR_PROXMOX_RUN);
	fmt(r->proxmox_conf, sizeof r->proxmox_conf, "%s",
	    cfg && cfg->proxmox_conf[0] ? cfg->proxmox_conf :
	    MGR_PROXMOX_CONF);
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Same directory (by inode: /var/run is often /run). */
static int
same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int
mgr_detect(const struct mgr_roots *r, const char *endpoint,
    struct mgr_ref *out)
{
	char dir[1024], stem[128], root[1024], p[2048];
	const char *path = endpoint, *slash, *dot;
	size_t k;

	memset(out, 0, sizeof *out);
	if (strncmp(path, "tcp:", 4) == 0)
		return MGR_NONE;
	if (strncmp(path, "unix:", 5) == 0)
		path += 5;
	slash = strrchr(path, '/');
	if (slash == NULL || (size_t)(slash - path) >= sizeof dir)
		return MGR_NONE;
	fmt(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	dot = strrchr(slash + 1, '.');
	if (dot == NULL || (strcmp(dot, ".qmp") != 0 &&
	    strcmp(dot, ".monitor") != 0) ||
	    (size_t)(dot - slash - 1) >= sizeof stem || dot == slash + 1)
		return MGR_NONE;
	fmt(stem, sizeof stem, "%.*s", (int)(dot - slash - 1), slash + 1);
	/* Ganeti: DIR is ROOT/ctrl with ROOT/runtime beside it */
	fmt(p, sizeof p, "%s/ctrl", r->ganeti);
	if (same_dir(dir, p))
		fmt(root, sizeof root, "%s", r->ganeti);
	else if ((slash = strrchr(dir, '/')) != NULL &&
	    strcmp(slash + 1, "ctrl") == 0)
		fmt(root, sizeof root, "%.*s", (int)(slash - dir), dir);
	else
		root[0] = '\0';
	fmt(p, sizeof p, "%s/runtime", root);
	if (root[0] != '\0' && is_dir(p)) {
		out->kind = MGR_GANETI;
		fmt(out->file, sizeof out->file, "%s/runtime/%s", root,
		    stem);
		return MGR_GANETI;
	}
	/* Proxmox: VMID.qmp and CONF/VMID.conf */
	for (k = 0; stem[k] >= '0' && stem[k] <= '9'; k++)
		;
	if (k == 0 || stem[k] != '\0' || k >= sizeof out->vmid)
		return MGR_NONE;
	fmt(p, sizeof p, "%s/%s.conf", r->proxmox_conf, stem);
	if (!is_file(p))
		return MGR_NONE;
	out->kind = MGR_PROXMOX;
	fmt(out->vmid, sizeof out->vmid, "%s", stem);
	fmt(out->file, sizeof out->file, "%s", p);
	return MGR_PROXMOX;
}

/* An instance found under its VMID takes Proxmox's name for it. */
static void
proxmox_name(struct instsrc_list *l, size_t i)
{
	struct instsrc *in = &l->v[i];
	struct mgr_info mi;
	struct err e;

	if (strcmp(in->name, in->mgr.vmid) != 0)
		return;		/* the user named it */
	if (mgr_load(&in->mgr, &mi, &e) == 0 && mi.name[0] != '\0' &&
	    store_check_name(mi.name, NULL) == 0 &&
	    instsrc_list_find(l, mi.name) < 0)
		fmt(in->name, sizeof in->name, "%s", mi.name);
	mgr_info_free(&mi);
}

/* The `manager` line for this instance (by name or VMID), or NULL. */
static const struct instsrc_mgr *
line_for(const struct instsrc_config *c, const struct instsrc *in)
{
	int k;

	for (k = c ? c->nmgr - 1 : -1; k >= 0; k--)
		if (strcmp(c->mgr[k].name, in->name) == 0 ||
		    (in->mgr.vmid[0] && strcmp(c->mgr[k].name,
		    in->mgr.vmid) == 0))
			return &c->mgr[k];
	return NULL;
}

void
mgr_detect_list(const struct mgr_roots *r, const struct instsrc_config *c,
    struct instsrc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct instsrc *in = &l->v[i];
		const struct instsrc_mgr *m;
		const char *vmid;

		if (!in->mgr.forced)
			mgr_detect(r, in->endpoint, &in->mgr);
		if (in->mgr.kind == MGR_PROXMOX)
			proxmox_name(l, i);
		if ((m = line_for(c, in)) == NULL)
			continue;
		memset(&in->mgr, 0, sizeof in->mgr);
		in->mgr.kind = m->kind;
		in->mgr.forced = 1;
		if (m->kind == MGR_GANETI)
			fmt(in->mgr.file, sizeof in->mgr.file,
			    "%s/runtime/%s", r->ganeti, in->name);
		else if (m->kind == MGR_PROXMOX) {
			vmid = m->vmid[0] ? m->vmid : in->name;
			fmt(in->mgr.vmid, sizeof in->mgr.vmid, "%s", vmid);
			fmt(in->mgr.file, sizeof in->mgr.file,
			    "%s/%s.conf", r->proxmox_conf, vmid);
		}
	}
}
