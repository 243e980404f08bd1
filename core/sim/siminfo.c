/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siminfo.c - info network / info block / query-block /
 * query-named-block-nodes of the simulated machine; see siminfo.h.
 */
#include "sim/siminfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The machine's own drives: what -machine pc / q35 -S list. */
struct builtin_bb {
	const char *name, *qdev;	/* qdev NULL: no device */
	int tray;			/* a CD-ROM: "tray_open" */
};

static const struct builtin_bb pc_bb[] = {
	{ "ide1-cd0", "/machine/unattached/device[23]", 1 },
	{ "floppy0", "/machine/unattached/device[16]", 0 },
	{ "sd0", NULL, 0 },
};
static const struct builtin_bb q35_bb[] = {
	{ "ide2-cd0", "/machine/unattached/device[18]", 1 },
	{ "sd0", NULL, 0 },
};

static size_t
builtins(const struct simdev_machine *m, const struct builtin_bb **v)
{
	*v = m->type == SIMDEV_Q35 ? q35_bb : pc_bb;
	if (m->type == SIMDEV_PC_NODEFAULTS)
		return 0;
	return m->type == SIMDEV_Q35 ? 2 : 3;
}

static int
is_nic(const struct simdev_fn *f)
{
	/* the board's own e1000e (q35) is listed on the hub instead */
	return f->kind == SIMDEV_VIRTIO_NET || f->kind == SIMDEV_E1000 ||
	    f->kind == SIMDEV_RTL8139 || (f->kind == SIMDEV_E1000E &&
	    (f->id != NULL || f->anon >= 0));
}

/* The entry created next after creation number *seq (a NIC or a netdev);
 * 0 when none is left. */
static int
next_net(const struct simdev_machine *m, unsigned *seq,
    const struct simdev_fn **f, const struct simdev_netdev **n)
{
	unsigned best = ~0u;
	size_t i;

	*f = NULL;
	*n = NULL;
	for (i = 0; i < m->nfn; i++)
		if (is_nic(&m->fn[i]) && m->fn[i].seq >= *seq &&
		    m->fn[i].seq < best) {
			best = m->fn[i].seq;
			*f = &m->fn[i];
		}
	for (i = 0; i < m->nnet; i++)
		if (m->net[i].seq >= *seq && m->net[i].seq < best) {
			best = m->net[i].seq;
			*n = &m->net[i];
			*f = NULL;
		}
	*seq = best + 1;
	return best != ~0u;
}

static void
netdev_line(const struct simdev_netdev *n, struct strbuf *o)
{
	strbuf_printf(o, "%s: index=0,type=%s,", n->id, n->type);
	if (strcmp(n->type, "user") == 0)
		strbuf_str(o, "net=10.0.2.0,restrict=off");
	else if (strcmp(n->type, "tap") == 0 && n->fd >= 0)
		strbuf_printf(o, "fd=%d", n->fd);
	strbuf_str(o, "\n");
}

/* The netdev a NIC uses (NULL: none, or deleted under it). */
static const struct simdev_netdev *
peer(const struct simdev_machine *m, const struct simdev_fn *f)
{
	size_t i;

	for (i = 0; f->netdev != NULL && i < m->nnet; i++)
		if (strcmp(m->net[i].id, f->netdev) == 0)
			return &m->net[i];
	return NULL;
}

void
siminfo_network(const struct simdev_machine *m, struct strbuf *o)
{
	const struct simdev_fn *f;
	const struct simdev_netdev *n;
	unsigned seq = 0;

	if (m->type != SIMDEV_PC_NODEFAULTS) {
		const char *model = m->type == SIMDEV_Q35 ? "e1000e" : "e1000";

		/* -nic user's hub: QEMU prints the hub's ports first */
		strbuf_printf(o, "hub 0\n \\ hub0port1: #net141: index=0,"
		    "type=user,net=10.0.2.0,restrict=off\n \\ hub0port0: "
		    "%s.0: index=0,type=nic,model=%s,macaddr=52:54:00:12:34:56"
		    "\n", model, model);
	}
	while (next_net(m, &seq, &f, &n)) {
		if (n != NULL) {
			if (!n->in_use)		/* else under its NIC */
				netdev_line(n, o);
			continue;
		}
		strbuf_printf(o, "%s: index=0,type=nic,model=%s,macaddr=%s\n",
		    f->id ? f->id : simdev_kind_info(f->kind)->type,
		    simdev_kind_info(f->kind)->type, f->mac);
		if ((n = peer(m, f)) != NULL) {
			int q;

			strbuf_str(o, " \\ ");
			netdev_line(n, o);
			/* a queue past the first: the pair again, index=N,
			 * the NIC without its MAC */
			for (q = 1; q < n->queues; q++)
				strbuf_printf(o, "%s: index=%d,type=nic,\n \\ "
				    "%s: index=%d,type=%s,\n", f->id ? f->id :
				    "?", q, n->id, q, n->type);
		}
	}
}

/* Drives in creation order (ascending) or newest first. */
static const struct simdev_drive *
nth_drive(const struct simdev_machine *m, size_t k, int newest_first)
{
	const struct simdev_drive *v[256];
	size_t i, j, n = 0;

	for (i = 0; i < m->ndrv && n < 256; i++) {
		for (j = n; j > 0 && v[j - 1]->seq > m->drv[i].seq; j--)
			v[j] = v[j - 1];
		v[j] = &m->drv[i];
		n++;
	}
	if (k >= n)
		return NULL;
	return v[newest_first ? n - 1 - k : k];
}

static void
sep(struct strbuf *o, int *first)
{
	if (!*first)
		strbuf_str(o, "\n");
	*first = 0;
}

/* "Cache mode:" as HMP prints the drive's three flags. */
static void
cache_line(const struct simdev_drive *d, struct strbuf *o)
{
	strbuf_printf(o, "    Cache mode:       %s%s%s\n", d->o.writeback ?
	    "writeback" : "writethrough", d->o.direct ? ", direct" : "",
	    d->o.no_flush ? ", ignore flushes" : "");
}

static const char *
ro(const struct simdev_drive *d)
{
	return d->o.ro ? ", read-only" : "";
}

static const char *
proto(const struct simdev_drive *d)
{
	return d->o.protocol[0] ? d->o.protocol : "file";
}

static void
block_bb(const struct simdev_drive *d, struct strbuf *o, int *first)
{
	if (!d->legacy && !d->attached[0])
		return;		/* a lone node: only -n lists it */
	sep(o, first);
	if (d->file == NULL) {
		strbuf_printf(o, "%s: [not inserted]\n    Removable device: "
		    "not locked, tray closed\n", d->id);
		return;
	}
	if (d->legacy)
		strbuf_printf(o, "%s (#block%03u): %s (%s%s)\n", d->id,
		    d->node[0], d->file, d->format, ro(d));
	else
		strbuf_printf(o, "%s: %s (%s%s)\n", d->id, d->file, d->format,
		    ro(d));
	if (d->attached[0])
		strbuf_printf(o, "    Attached to:      %s\n", d->attached);
	else
		strbuf_str(o, "    Removable device: not locked, tray closed\n");
	cache_line(d, o);
}

void
siminfo_block(const struct simdev_machine *m, int nodes, struct strbuf *o)
{
	const struct builtin_bb *bb;
	const struct simdev_drive *d;
	size_t i, n = builtins(m, &bb);
	int first = 1;

	if (nodes) {
		for (i = 0; (d = nth_drive(m, i, 1)) != NULL; i++) {
			if (d->file == NULL)
				continue;
			sep(o, &first);
			if (d->legacy)
				strbuf_printf(o, "#block%03u", d->node[0]);
			else
				strbuf_str(o, d->id);
			/* the nodes' own flags: the write cache is the
			 * device's, so a node says writeback */
			strbuf_printf(o, ": %s (%s%s)\n    Cache mode:       "
			    "writeback%s%s\n\n#block%03u: %s (%s%s)\n    Cache "
			    "mode:       writeback%s%s\n", d->file, d->format,
			    ro(d), d->o.direct ? ", direct" : "", d->o.no_flush ?
			    ", ignore flushes" : "", d->node[1], d->file,
			    proto(d), ro(d), d->o.direct ? ", direct" : "",
			    d->o.no_flush ? ", ignore flushes" : "");
		}
		return;
	}
	for (i = 0; i < n; i++) {
		sep(o, &first);
		strbuf_printf(o, "%s: [not inserted]\n", bb[i].name);
		if (bb[i].qdev)
			strbuf_printf(o, "    Attached to:      %s\n",
			    bb[i].qdev);
		strbuf_str(o, "    Removable device: not locked, tray closed\n");
	}
	for (i = 0; (d = nth_drive(m, i, 0)) != NULL; i++)
		block_bb(d, o, &first);
}

/* One node as query-named-block-nodes and query-block's "inserted"
 * show it. */
static json_t *
node_json(const char *name, const struct simdev_drive *d, const char *drv,
    int wb)
{
	const char *file = d->file;
	struct stat st;
	json_int_t size = 0, actual = 0;

	if (stat(file, &st) == 0) {
		size = (json_int_t)st.st_size;
		actual = (json_int_t)st.st_blocks * 512;
	}
	return json_pack("{s:i, s:s, s:{s:I, s:s, s:s, s:I, s:b}, s:i, "
	    "s:b, s:s, s:i, s:s, s:i, s:i, s:i, s:b, s:i, s:i, "
	    "s:{s:b, s:b, s:b}, s:s}",
	    "iops_rd", 0, "detect_zeroes", "off",
	    "image", "virtual-size", size, "filename", file, "format", drv,
	    "actual-size", actual, "dirty-flag", 0,
	    "iops_wr", 0, "ro", d->o.ro, "node-name", name,
	    "backing_file_depth", 0, "drv", drv, "iops", 0, "bps_wr", 0,
	    "write_threshold", 0, "encrypted", 0, "bps", 0, "bps_rd", 0,
	    "cache", "no-flush", d->o.no_flush, "direct", d->o.direct,
	    "writeback", wb,
	    "file", file);
}

json_t *
siminfo_query_block(const struct simdev_machine *m)
{
	const struct builtin_bb *bb;
	const struct simdev_drive *d;
	size_t i, n = builtins(m, &bb);
	json_t *a = json_array(), *x;
	char nn[32];

	for (i = 0; a != NULL && i < n; i++) {
		x = json_pack("{s:s, s:b, s:b, s:s}", "device", bb[i].name,
		    "locked", 0, "removable", 1, "type", "unknown");
		if (x != NULL && bb[i].qdev)
			json_object_set_new(x, "qdev", json_string(bb[i].qdev));
		if (x != NULL && bb[i].tray) {	/* a CD-ROM drive */
			json_object_set_new(x, "tray_open", json_false());
			json_object_set_new(x, "io-status", json_string("ok"));
		}
		json_array_append_new(a, x);
	}
	for (i = 0; a != NULL && (d = nth_drive(m, i, 0)) != NULL; i++) {
		if (!d->legacy && !d->attached[0])
			continue;
		x = json_pack("{s:s, s:b, s:b, s:s}", "device", d->legacy ?
		    d->id : "", "locked", 0, "removable", !d->attached[0],
		    "type", "unknown");
		if (x == NULL)
			continue;
		if (d->attached[0]) {
			json_object_set_new(x, "qdev", json_string(d->attached));
			json_object_set_new(x, "io-status", json_string("ok"));
		}
		if (d->file != NULL) {
			snprintf(nn, sizeof nn, "#block%03u", d->node[0]);
			json_object_set_new(x, "inserted", node_json(d->legacy ?
			    nn : d->id, d, d->format, d->o.writeback));
		}
		json_array_append_new(a, x);
	}
	return a;
}

json_t *
siminfo_named_nodes(const struct simdev_machine *m)
{
	const struct simdev_drive *d;
	json_t *a = json_array();
	char nn[32];
	size_t i;

	for (i = 0; a != NULL && (d = nth_drive(m, i, 1)) != NULL; i++) {
		if (d->file == NULL)
			continue;
		snprintf(nn, sizeof nn, "#block%03u", d->node[0]);
		json_array_append_new(a, node_json(d->legacy ? nn : d->id,
		    d, d->format, 1));
		snprintf(nn, sizeof nn, "#block%03u", d->node[1]);
		json_array_append_new(a, node_json(nn, d, proto(d), 1));
	}
	return a;
}
