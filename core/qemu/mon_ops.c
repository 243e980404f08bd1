/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_ops.c - the operations a monitor session can run, one row each in
 * ops[] (see mon_int.h): how the request becomes a line in each protocol,
 * what is checked first, how HMP says yes, and what an accepted reply
 * leaves in the result; and the one way to ask for them, mon_add() and
 * mon_do(). */
#include "qemu/mon_int.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/hmp.h"
#include "qemu/monpool.h"
#include "qemu/qmp.h"
#include "qemu/qmpscan.h"

/* --- builders: the request as each protocol's line ---------------------- */

static int
b_query_pci(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	(void)r;
	return moncmd_query_pci(p, out, e);
}

static int
b_query_version(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	(void)r;
	return moncmd_query_version(p, out, e);
}

static int
b_device_add(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	*out = NULL;
	if (r->device == NULL)
		return err_set(e, "device_add: no device given");
	return moncmd_device_add(p, r->device, out, e);
}

static int
b_device_del(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	return moncmd_device_del(p, r->id, out, e);
}

static int
b_netdev_add(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	*out = NULL;
	if (r->netdev == NULL)
		return err_set(e, "netdev_add: no netdev given");
	return moncmd_netdev_add(p, r->netdev, out, e);
}

static int
b_netdev_del(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	return moncmd_netdev_del(p, r->id, out, e);
}

static int
b_drive_add(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	*out = NULL;
	if (r->drive == NULL)
		return err_set(e, "drive add: no drive given");
	return moncmd_drive_add(p, r->drive, out, e);
}

static int
b_drive_del(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	return moncmd_drive_del(p, r->id, out, e);
}

static int
b_getfd(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	return moncmd_getfd(p, r->name, out, e);
}

static int
b_closefd(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	return moncmd_closefd(p, r->name, out, e);
}

/* HMP asks info pci until the id is gone; QMP sends nothing (the event
 * is awaited): an empty line that is never sent. */
static int
b_wait_deleted(enum mon_proto p, const struct mon_req *r, char **out,
    struct err *e)
{
	struct err ie;

	*out = NULL;
	if (r->id == NULL || devid_check_qemu_id(r->id, strlen(r->id),
	    &ie) < 0)
		return err_set(e, "wait for unplug: %s", r->id ? ie.msg :
		    "no device id");
	if (p == MON_PROTO_HMP)
		return moncmd_query_pci(p, out, e);
	return 0;
}

/* A QMP text the bounded reader takes as it is (qmpscan.h): its compact
 * bytes, those jansson's re-encoding below gives, without building a
 * tree each time.  0 with *out set, -1 to leave it to jansson. */
static int
raw_compact(const char *qmp, char **out)
{
	size_t n = strlen(qmp);
	struct err e;
	char *s;

	if (n > 4096 || (s = malloc(n + 2)) == NULL)
		return -1;
	if (qmpscan_compact_cmd(qmp, n, s, n + 1, &e) < 0) {
		free(s);
		return -1;
	}
	n = strlen(s);
	s[n] = '\n';
	s[n + 1] = '\0';
	*out = s;
	return 0;
}

static int
b_raw(enum mon_proto p, const struct mon_req *r, char **out, struct err *e)
{
	json_error_t je;
	json_t *j;
	char *s;

	*out = NULL;
	if (p == MON_PROTO_HMP) {
		if (r->hmp == NULL)
			return err_set(e, "no HMP form of this command given");
		if (moncmd_check_value("HMP command", r->hmp, e) < 0)
			return -1;
		return asprintf(out, "%s\n", r->hmp) < 0 ?
		    err_set(e, "out of memory") : 0;
	}
	if (r->qmp == NULL)
		return err_set(e, "no QMP form of this command given");
	if (raw_compact(r->qmp, out) == 0)
		return 0;
	j = json_loads(r->qmp, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		return err_set(e, "QMP command is not JSON: %s", je.text);
	if (!json_is_string(json_object_get(j, "execute"))) {
		json_decref(j);
		return err_set(e, "QMP command needs an \"execute\" string");
	}
	json_object_del(j, "id");	/* mon_qmp.c sets ours */
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL || asprintf(out, "%s\n", s) < 0) {
		free(s);
		*out = NULL;
		return err_set(e, "out of memory");
	}
	free(s);
	return 0;
}

/* GETFD: checked before anything is built. */
static int
c_getfd(const struct mon *m, const struct mon_req *r, struct err *e)
{
	if (m->ep.kind != ENDPOINT_UNIX)
		return err_set(e, "getfd needs a unix socket monitor: file "
		    "descriptors cannot travel over TCP");
	if (r->fd < 0)
		return err_set(e, "getfd: no file descriptor to pass");
	return 0;
}

/* --- reply handlers: what an accepted reply leaves in the result ------- */

static int
r_pci(struct mon_task *t, const struct mon_reply *rp, struct err *e)
{
	pci_info_clear(&t->r.pci);
	if (rp->proto == MON_PROTO_HMP)
		return hmp_parse_info_pci(rp->text, rp->len, &t->r.pci, e);
	return qmp_parse_pci(rp->ret, &t->r.pci, e);
}

static int
r_version(struct mon_task *t, const struct mon_reply *rp, struct err *e)
{
	if (rp->proto == MON_PROTO_HMP)
		return hmp_parse_info_version(rp->text, rp->len,
		    &t->r.version, e);
	return qmp_parse_version(rp->ret, &t->r.version, e);
}

/* HMP: the reply's text; QMP: "return" as JSON. */
static int
r_raw(struct mon_task *t, const struct mon_reply *rp, struct err *e)
{
	(void)e;
	if (rp->proto == MON_PROTO_HMP)
		t->r.text = strndup(rp->text, rp->len);
	else
		t->r.text = json_dumps(rp->ret, JSON_COMPACT |
		    JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	return 0;
}

/* --- the table ---------------------------------------------------------- */

static const struct mon_opdef ops[] = {
	[MON_OP_QUERY_PCI] = { "query pci", b_query_pci, NULL, 0,
	    MON_HMP_DATA, r_pci },
	[MON_OP_QUERY_VERSION] = { "query version", b_query_version, NULL, 0,
	    MON_HMP_DATA, r_version },
	[MON_OP_DEVICE_ADD] = { "device_add", b_device_add, NULL, 0,
	    MON_HMP_NOTHING, NULL },
	[MON_OP_DEVICE_DEL] = { "device_del", b_device_del, NULL, 0,
	    MON_HMP_NOTHING, NULL },
	[MON_OP_NETDEV_ADD] = { "netdev_add", b_netdev_add, NULL, 0,
	    MON_HMP_NOTHING, NULL },
	[MON_OP_NETDEV_DEL] = { "netdev_del", b_netdev_del, NULL, 0,
	    MON_HMP_NOTHING, NULL },
	[MON_OP_DRIVE_ADD] = { "drive add", b_drive_add, NULL, 0,
	    MON_HMP_OK, NULL },
	[MON_OP_DRIVE_DEL] = { "drive del", b_drive_del, NULL, 0,
	    MON_HMP_NOTHING, NULL },
	[MON_OP_GETFD] = { "getfd", b_getfd, c_getfd, 1,
	    MON_HMP_NOTHING, NULL },
	[MON_OP_CLOSEFD] = { "closefd", b_closefd, NULL, 0,
	    MON_HMP_NOTHING, NULL },
	/* the wait itself is each backend's (mon_hmp.c, mon_qmp.c) */
	[MON_OP_WAIT_DELETED] = { "wait for unplug", b_wait_deleted, NULL, 0,
	    MON_HMP_DATA, NULL },
	[MON_OP_RAW] = { "a raw command", b_raw, NULL, 0,
	    MON_HMP_DATA, r_raw },
};

const struct mon_opdef *
mon_opdef(enum mon_op op)
{
	if ((unsigned)op >= sizeof ops / sizeof ops[0] ||
	    ops[op].build == NULL)
		return NULL;
	return &ops[op];
}

void
mon_task_reply(struct mon *m, struct mon_task *t,
    const struct mon_reply *rp)
{
	const struct mon_opdef *d = mon_opdef(t->r.op);
	struct err e;

	if (d->reply != NULL && d->reply(t, rp, &e) < 0)
		mon_task_finish(m, 0, MONERR_PROTOCOL, "%s", e.msg);
	else
		mon_task_finish(m, 1, MONERR_NONE, NULL);
}

/* --- asking ------------------------------------------------------------- */

/* Room for one more task: 0, or -1 with e set. */
static int
grow(struct mon *m, struct err *e)
{
	/* 3 first: a refresh has three ops (version, pci, the anonymous
	 * devices: one malloc, no realloc), and the array is freed when the
	 * session's ops are (a fleet keeps one mon per instance) */
	size_t cap = m->capops ? m->capops * 2 : 3, got;
	struct mon_task *n;

	if (m->nops < m->capops)
		return 0;
	if (m->ops == NULL && (n = monpool_take(m->pool, MONPOOL_OPS,
	    cap * sizeof *n, &got)) != NULL) {
		m->ops = n;	/* an array an earlier session left */
		m->capops = got / sizeof *n;
		return 0;
	}
	if ((n = realloc(m->ops, cap * sizeof *n)) == NULL)
		return err_set(e, "out of memory");
	m->ops = n;
	m->capops = cap;
	return 0;
}

/* A task zeroed as memset would, but for its three text buffers (the
 * result's msg, the version's package, the WAIT_DELETED id: 480 of its
 * bytes), each emptied by its first byte: they are read as strings
 * only, and each is written whole before it holds more; and for the
 * kids' numbers (128 bytes), read only below kids.n, which is zeroed. */
/* what the result says of query-pci's reply (mon_pci_seen) is zeroed
 * with text, before kids */
_Static_assert(offsetof(struct mon_result, pci_same) <
    offsetof(struct mon_result, kids) && offsetof(struct mon_result,
    pci_hashed) > offsetof(struct mon_result, text),
    "mon_result's pci_hashed..pci_same lie between text and kids");

static void
zero_task(struct mon_task *t)
{
	char *b = (char *)t;
	size_t msg = offsetof(struct mon_task, r.msg),
	    pci = offsetof(struct mon_task, r.pci),
	    pkg = offsetof(struct mon_task, r.version.package),
	    text = offsetof(struct mon_task, r.text),
	    kids = offsetof(struct mon_task, r.kids.idx),
	    line = offsetof(struct mon_task, line),
	    id = offsetof(struct mon_task, id),
	    wait = offsetof(struct mon_task, wait_ms);

	memset(b, 0, msg);
	t->r.msg[0] = '\0';
	memset(b + pci, 0, pkg - pci);
	t->r.version.package[0] = '\0';
	memset(b + text, 0, kids - text);
	memset(b + line, 0, id - line);
	t->id[0] = '\0';
	memset(b + wait, 0, sizeof *t - wait);
}

static void
free_lines(struct mon_task *t)
{
	int p;

	for (p = 0; p < 3; p++) {
		free(t->own[p]);
		free(t->why[p]);
	}
}

/* The line of an op without arguments in protocol p, a constant (the
 * bytes its moncmd builder gives, without a malloc per op), or NULL. */
static const char *
fixed(enum mon_op op, enum mon_proto p)
{
	if (op == MON_OP_QUERY_PCI)
		return p == MON_PROTO_HMP ? "info pci\n" :
		    "{\"execute\":\"query-pci\"}\n";
	if (op == MON_OP_QUERY_VERSION)
		return p == MON_PROTO_HMP ? "info version\n" :
		    "{\"execute\":\"query-version\"}\n";
	return NULL;
}

int
mon_add(struct mon *m, const struct mon_req *req, struct err *e)
{
	const struct mon_opdef *d = req ? mon_opdef(req->op) : NULL;
	struct mon_task *t;
	int p, built = 0;
	struct err pe;

	if (d == NULL)
		return err_set(e, "no such monitor operation");
	if (d->check != NULL && d->check(m, req, e) < 0)
		return -1;
	if (grow(m, e) < 0)
		return -1;
	t = &m->ops[m->nops];
	zero_task(t);
	t->r.op = req->op;
	t->fd = -1;
	t->pipe = req->pipe != 0;
	t->kids = req->op == MON_OP_RAW ? req->kids : NULL;
	pci_info_init(&t->r.pci);
	/* both forms now: the protocol is known only after the greeting */
	for (p = MON_PROTO_HMP; p <= MON_PROTO_QMP; p++) {
		if (req->fixed && req->op == MON_OP_RAW)
			t->line[p] = p == MON_PROTO_HMP ? req->hmp : req->qmp;
		else
			t->line[p] = fixed(req->op, p);
		if (t->line[p] != NULL)
			built++;
		else if (d->build(p, req, &t->own[p], &pe) == 0) {
			t->line[p] = t->own[p];
			built++;
		} else if ((t->why[p] = strdup(pe.msg)) == NULL) {
			free_lines(t);
			return err_set(e, "out of memory");
		}
	}
	if (built == 0) {
		free_lines(t);
		return err_set(e, "%s", pe.msg);
	}
	if (m->proto != MON_PROTO_UNKNOWN && t->line[m->proto] == NULL &&
	    t->why[m->proto] != NULL && t->why[m->proto][0] != '\0') {
		err_set(e, "%s", t->why[m->proto]);
		free_lines(t);
		return -1;
	}
	if (d->pass_fd && (t->fd = fcntl(req->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		free_lines(t);
		return err_set(e, "getfd: cannot duplicate fd %d: %s", req->fd,
		    strerror(errno));
	}
	if (req->op == MON_OP_QUERY_PCI && req->seen != NULL)
		t->seen = *req->seen;
	if (req->op == MON_OP_WAIT_DELETED) {
		snprintf(t->id, sizeof t->id, "%s", req->id);
		t->wait_ms = req->timeout_ms > 0 ? req->timeout_ms : 0;
	}
	return (int)m->nops++;
}

void
mon_result_free(struct mon_result *r)
{
	pci_info_free(&r->pci);
	free(r->text);
	r->text = NULL;
}

/* Hand op's result to res: the caller owns its pci and text from now. */
static void
give_result(struct mon *m, int op, struct mon_result *res)
{
	struct mon_result *r = &m->ops[op].r;

	*res = *r;
	pci_info_init(&r->pci);
	r->text = NULL;
}

int
mon_do(struct mon *m, const struct mon_req *req, struct mon_result *res,
    struct err *e)
{
	const struct mon_result *r;
	struct err te, ae;
	int op = mon_add(m, req, &ae);

	if (res != NULL) {
		memset(res, 0, sizeof *res);
		pci_info_init(&res->pci);
		res->op = req != NULL ? req->op : MON_OP_RAW;
	}
	if (op < 0) {
		m->last_kind = MONERR_BAD_ARGUMENT;
		if (res != NULL) {
			res->kind = MONERR_BAD_ARGUMENT;
			snprintf(res->msg, sizeof res->msg, "%s", ae.msg);
		}
		return err_set(e, "%s", ae.msg);
	}
	m->o.keep_open = 1;
	mon_run(m, &te);
	r = mon_result(m, op);
	if (res != NULL)
		give_result(m, op, res);
	if (!r->done) {
		m->last_kind = m->fail_kind ? m->fail_kind : MONERR_PROTOCOL;
		return err_set(e, "%s", m->fail_msg);
	}
	m->last_kind = r->kind;
	if (!r->ok)
		return err_set(e, "%s", r->msg);
	return 0;
}
