/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_complete.c - completion of a command line: the command names known
 * in the context's mode, then for each word after the name what its
 * entry's completion kind offers (cmd_int.h): instances, slots that
 * reserve would take or free would release, nic|disk, a recorded device,
 * hotplug's KEY=VALUE words with the values of the keys that have a fixed
 * set, file names after path=, and the entry's options. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd_int.h"
#include "model/pcitree.h"
#include "model/places.h"
#include "store/store.h"

struct cands {
	char **v;
	size_t n, cap;
	const char *prefix;
};

static void
cand(struct cands *cs, const char *w)
{
	size_t i;
	char **nv;

	if (strncmp(w, cs->prefix, strlen(cs->prefix)) != 0)
		return;
	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i], w) == 0)
			return;
	if (cs->n + 2 > cs->cap) {
		size_t nc = cs->cap ? cs->cap * 2 : 16;

		nv = realloc(cs->v, nc * sizeof *nv);
		if (nv == NULL)
			return;
		cs->v = nv;
		cs->cap = nc;
	}
	if ((cs->v[cs->n] = strdup(w)) != NULL)
		cs->v[++cs->n] = NULL;
}

static void
cand_insts(struct cmd_ctx *c, struct cands *cs)
{
	size_t i;

	for (i = 0; c->fleet != NULL && i < c->fleet->n; i++)
		cand(cs, c->fleet->inst[i].name);
}

/* The index of the instance called name, or -1. */
static long
inst_of(struct cmd_ctx *c, const char *name)
{
	return c->fleet != NULL ? fleet_find(c->fleet, name, NULL) : -1;
}

/* Slots of instance name for which want(view) holds. */
static void
cand_slots(struct cmd_ctx *c, struct cands *cs, const char *name,
    int (*want)(const struct slot_view *))
{
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	char num[16];
	long i = inst_of(c, name);
	int k;

	if (i < 0)
		return;
	fleet_load_rt(c->fleet, (size_t)i, &rt, &e);
	fleet_view(c->fleet, (size_t)i, &rt, v);	/* unread: none free */
	store_rt_free(&rt);
	for (k = 0; k < 32; k++)
		if (want(&v[k])) {
			snprintf(num, sizeof num, "%d", k);
			cand(cs, num);
		}
}

static int
want_reservable(const struct slot_view *v)
{
	return v->state == SLOT_FREE;
}

static int
want_reserved(const struct slot_view *v)
{
	return v->reserved;
}

static void cand_path(struct cands *cs);

/* bus=B: the buses of inst behind bridges with a free hotplug place. */
static void
cand_buses(struct cmd_ctx *c, struct cands *cs, const char *name)
{
	struct store_rt rt;
	struct pcitree t;
	struct err e;
	char w[160];
	size_t i, b;

	for (i = 0; c->fleet != NULL && i < c->fleet->n; i++) {
		const struct pci_info *live = &c->fleet->inst[i].live;

		if (strcmp(c->fleet->inst[i].name, name) != 0)
			continue;
		fleet_load_rt(c->fleet, i, &rt, &e);
		fleet_mgr_tree(&c->fleet->inst[i], live, &t);
		for (b = 1; b < t.nbus; b++)
			if (places_count_bus(live, &t, &rt, (int)b) > 0) {
				snprintf(w, sizeof w, "bus=%s",
				    pcitree_bus_name(&t, (int)b));
				cand(cs, w);
			}
		store_rt_free(&rt);
	}
}

/* hotplug's KEY= words, and values for the keys that have a fixed set. */
static void
cand_keys(struct cmd_ctx *c, struct cands *cs, const char *inst,
    const char *type)
{
	static const char *const nic[] = { "backend=", "mac=", "model=",
	    "uuid=", "slot=", "bus=", "backend=user", "backend=tap:",
	    "model=virtio-net-pci", "model=e1000", "model=e1000e",
	    "model=rtl8139", "bridge=", "create=on", "vhost=on", "queues=",
	    NULL };
	static const char *const disk[] = { "path=", "format=", "uuid=",
	    "slot=", "bus=", "format=raw", "format=qcow2", "format=qed",
	    "format=vmdk", "format=vhdx", "format=vdi", "format=vpc",
	    "readonly=on", "cache=none", "cache=writeback",
	    "cache=writethrough", "cache=directsync", "cache=unsafe",
	    "aio=threads", "aio=native", "aio=io_uring", "discard=ignore",
	    "discard=unmap", "serial=", NULL };
	/* a libvirt domain's (cmd_virt.c) */
	static const char *const vnic[] = { "mac=", "model=", "network=",
	    "bridge=", "bus=", "slot=", "model=virtio", "model=e1000",
	    "model=e1000e", "model=rtl8139", NULL };
	static const char *const vdisk[] = { "path=", "format=", "bus=",
	    "slot=", "format=raw", "format=qcow2", NULL };
	long in = inst_of(c, inst);
	int lv = in >= 0 && c->fleet->inst[in].back == FLEET_BACK_LIBVIRT;
	const char *const *k = strcmp(type, "disk") == 0 ? (lv ? vdisk :
	    disk) : strcmp(type, "nic") == 0 ? (lv ? vnic : nic) : NULL;
	size_t i;

	if (k == NULL)
		return;
	/* values only once the key is typed */
	for (i = 0; k[i] != NULL; i++) {
		const char *eq = strchr(k[i], '=');

		if (eq[1] != '\0' && strchr(cs->prefix, '=') == NULL)
			continue;
		cand(cs, k[i]);
	}
	if ((k == disk || k == vdisk) && strncmp(cs->prefix, "path=", 5) == 0)
		cand_path(cs);
	if (strncmp(cs->prefix, "bus=", 4) == 0)
		cand_buses(c, cs, inst);
	if (strncmp(cs->prefix, "slot=", 5) == 0) {
		struct cands sub = { 0 };
		size_t n;

		sub.prefix = cs->prefix + 5;
		cand_slots(c, &sub, inst, want_reservable);
		for (n = 0; n < sub.n; n++) {
			char w[32];

			snprintf(w, sizeof w, "slot=%s", sub.v[n]);
			cand(cs, w);
		}
		cmd_completions_free(sub.v);
	}
}

/* path=FILE: the files of the directory typed so far (directories end in
 * '/'); hidden ones only when the name typed starts with '.'. */
static void
cand_path(struct cands *cs)
{
	const char *typed = cs->prefix + 5;	/* after "path=" */
	const char *slash = strrchr(typed, '/');
	char dir[4096], w[4096 + 300];
	const char *base;
	size_t dlen, blen, n = 0;
	struct dirent *de;
	DIR *d;

	if (slash != NULL) {
		dlen = (size_t)(slash - typed) + 1;
		if (dlen >= sizeof dir)
			return;
		memcpy(dir, typed, dlen);
		dir[dlen] = '\0';
		base = slash + 1;
	} else {
		dir[0] = '\0';
		dlen = 0;
		base = typed;
	}
	blen = strlen(base);
	if ((d = opendir(dlen ? dir : ".")) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 256) {
		struct stat st;
		char full[4096 + 300];
		int isdir;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (de->d_name[0] == '.' && base[0] != '.') ||
		    strncmp(de->d_name, base, blen) != 0)
			continue;
		snprintf(full, sizeof full, "%s%s", dlen ? dir : "./",
		    de->d_name);
		isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		snprintf(w, sizeof w, "path=%s%s%s", dir, de->d_name,
		    isdir ? "/" : "");
		cand(cs, w);
		n++;
	}
	closedir(d);
}

/* unplug's ID|SLOT: the runtime file's devices. */
static void
cand_devs(struct cmd_ctx *c, struct cands *cs, const char *name)
{
	struct store_rt rt;
	struct err e;
	char num[16];
	long i = inst_of(c, name);
	size_t k;

	if (i < 0)
		return;
	fleet_load_rt(c->fleet, (size_t)i, &rt, &e);
	for (k = 0; k < rt.ndev; k++) {
		cand(cs, rt.dev[k].id);
		snprintf(num, sizeof num, "%d", rt.dev[k].slot);
		cand(cs, num);
	}
	store_rt_free(&rt);
}

void
cmd_completions_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The candidates of completion kind `kind` (CMD_C_*) for a word of ce's
 * line ws (ce NULL: the command name). */
static void
offer(struct cmd_ctx *c, struct cands *cs, unsigned kind,
    const struct cmd_entry *ce, const struct cmd_words *ws)
{
	const struct cmd_entry *h;
	size_t i;

	if (kind & CMD_C_CMD)
		for (i = 0; (h = cmd_entry_at(c, i)) != NULL; i++)
			cand(cs, h->name);
	if (kind & CMD_C_INST)
		cand_insts(c, cs);
	if ((kind & CMD_C_SLOT_FREE) && ws->n > 1)
		cand_slots(c, cs, ws->w[1], want_reservable);
	if ((kind & CMD_C_SLOT_RES) && ws->n > 1)
		cand_slots(c, cs, ws->w[1], want_reserved);
	if (kind & CMD_C_TYPE) {
		cand(cs, "nic");
		cand(cs, "disk");
	}
	if ((kind & CMD_C_DEV) && ws->n > 1)
		cand_devs(c, cs, ws->w[1]);
	if ((kind & CMD_C_KEY) && ws->n > 2)
		cand_keys(c, cs, ws->w[1], ws->w[2]);
	if (ce != NULL && ((kind & CMD_C_OPT) ||
	    ((kind & CMD_C_OPT_DASH) && cs->prefix[0] == '-'))) {
		size_t k;

		for (k = 0; k < CMD_NOPT && ce->options[k] != NULL; k++)
			cand(cs, ce->options[k]);
	}
}

/* The completion kind of the idx-th word (idx >= 1) of ce's line: the
 * entry's, the last one repeating for a command without an upper bound. */
static unsigned
kind_of(const struct cmd_entry *ce, size_t idx)
{
	unsigned last = 0;
	size_t k;

	if (idx <= CMD_NARG && ce->arg[idx - 1] != 0)
		return ce->arg[idx - 1];
	if (ce->max != CMD_MANY)
		return 0;
	for (k = 0; k < CMD_NARG; k++)
		if (ce->arg[k] != 0)
			last = ce->arg[k];
	return last;
}

char **
cmd_complete(struct cmd_ctx *c, const char *line, size_t point)
{
	struct cmd_words ws;
	struct cands cs = { 0 };
	const struct cmd_entry *ce;
	struct err e;
	size_t idx;

	if (line == NULL || c == NULL)
		return NULL;
	if (point > strlen(line))
		point = strlen(line);
	if (cmd_words_split(line, point, &ws, 1, &e) < 0)
		return NULL;
	/* the word being completed: the last one, or a new one after a
	 * blank */
	if (ws.n == 0 || ws.trailing_blank) {
		idx = ws.n;
		cs.prefix = "";
	} else {
		idx = ws.n - 1;
		cs.prefix = ws.w[idx];
	}
	if (idx == 0)
		offer(c, &cs, CMD_C_CMD, NULL, &ws);
	else if ((ce = cmd_find(c, ws.w[0], 1)) != NULL)
		offer(c, &cs, kind_of(ce, idx), ce, &ws);
	cmd_words_free(&ws);
	return cs.v;
}
