/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon.c - the monitor session (see mon.h, and mon_int.h for how it is cut
 * up): connect, detect the protocol from the first bytes and hand the
 * session to that backend, run the queued tasks one after another, keep
 * the deadlines, and the non-blocking step API with its blocking loop. */
#include "qemu/mon_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "qemu/monpool.h"
#include "qemu/sockdiag.h"

/* The backend of a known protocol. */
static const struct mon_backend *
backend(const struct mon *m)
{
	return m->proto == MON_PROTO_QMP ? &mon_qmp_backend : &mon_hmp_backend;
}

static const char *
task_name(const struct mon_task *t)
{
	return mon_opdef(t->r.op)->name;
}

/* --- connection ------------------------------------------------------- */

static void
drop_conn(struct mon *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	if (m->out_fd >= 0)
		close(m->out_fd);
	m->out_fd = -1;
	/* no input or output buffer between sessions: a fleet of 1000 idle
	 * mons would otherwise keep 1000 of each (a pool keeps a few for
	 * the next sessions) */
	monpool_give(m->pool, MONPOOL_OUT, m->out, m->outcap);
	m->out = NULL;
	m->outlen = m->outoff = m->outcap = 0;
	monpool_give(m->pool, MONPOOL_IN, m->in, m->incap);
	m->in = NULL;
	m->inlen = m->incap = 0;
	m->wait = MON_W_NONE;
	m->deadline = -1;
	m->sent = m->cur;	/* nothing is in flight without a connection */
	mon_handed_drop(m);	/* it was read over this connection */
}

void
mon_task_finish(struct mon *m, int ok, enum monerr_kind kind,
    const char *fmt, ...)
{
	struct mon_task *t = &m->ops[m->cur];
	va_list ap;

	t->r.done = 1;
	t->r.ok = ok;
	t->r.kind = ok ? MONERR_NONE : kind;
	t->r.msg[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(t->r.msg, sizeof t->r.msg, fmt, ap);
		va_end(ap);
	}
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	m->cur++;
	if (m->cur < m->sent) {
		/* pipelined: the next reply is due, op_ms from this one */
		m->wait = MON_W_REPLY;
		m->deadline = mon_now(m) + m->o.op_ms;
		return;
	}
	m->sent = m->cur;
	m->wait = MON_W_NONE;
	m->deadline = -1;
}

/* QEMU's text as one line, without HMP's "Error: " prefix. */
static void
set_text(char *dst, size_t dsz, const char *t, size_t n)
{
	size_t i, o = 0;

	if (n >= 7 && memcmp(t, "Error: ", 7) == 0) {
		t += 7;
		n -= 7;
	}
	while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == ' '))
		n--;
	for (i = 0; i < n && o + 1 < dsz; i++)
		dst[o++] = t[i] == '\n' ? ' ' : t[i];
	dst[o] = '\0';
}

void
mon_task_fail_text(struct mon *m, enum monerr_kind kind, const char *t,
    size_t n)
{
	char msg[256];

	set_text(msg, sizeof msg, t, n);
	mon_task_finish(m, 0, kind, "%s", msg);
}

void
mon_fail(struct mon *m, enum monerr_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->fail_msg, sizeof m->fail_msg, fmt, ap);
	va_end(ap);
	m->fail_kind = kind;
	drop_conn(m);
	while (m->cur < m->nops)
		mon_task_finish(m, 0, kind, "%s", m->fail_msg);
	m->st = MON_S_FAILED;
}

/* No banner/greeting came (or the queue is full): ask Linux who is at the
 * other end of a unix socket (sockdiag.h) to name the cause: QEMU
 * stopped, another client holding it (which process), or a peer that
 * accepts but is no monitor (a serial console). */
static void
silent(struct mon *m)
{
	struct sockdiag d;
	struct err e;
	char msg[256];
	int stopped, held, ok;

	ok = m->ep.kind == ENDPOINT_UNIX && !m->no_endpoint &&
	    sockdiag_unix(m->ep.path, m->fd, &d, &e) == 0;
	sockdiag_explain(m->ep.path, ok ? &d : NULL, m->o.greet_ms, msg,
	    sizeof msg, &stopped, &held);
	mon_fail(m, stopped ? MONERR_STOPPED : held ? MONERR_BUSY :
	    MONERR_PROTOCOL, "%s", msg);
}

static void
start_connect(struct mon *m)
{
	struct err e;
	int inprog;

	drop_conn(m);
	/* new ids for the new session (see qid): the mon's seed (pid,
	 * time, address) stepped by a large odd constant, so that no two of
	 * its first 2^32 sessions share a salt, without a getpid and a
	 * clock read each */
	m->qsalt = m->qseed + ++m->nsess * 0x9e3779b9u;
	m->qseq = 0;
	m->qid[0] = '\0';
	m->proto = MON_PROTO_UNKNOWN;
	m->greeting_ok = 0;
	m->fail_kind = MONERR_NONE;
	m->fail_msg[0] = '\0';
	if (m->no_endpoint) {
		if (m->adopt_fd < 0) {
			mon_fail(m, MONERR_UNREACHABLE, "the monitor "
			    "connection (given as an fd) is closed and cannot "
			    "be reopened");
			return;
		}
		m->fd = m->adopt_fd;
		m->adopt_fd = -1;
		fcntl(m->fd, F_SETFL, fcntl(m->fd, F_GETFL) | O_NONBLOCK);
		m->st = MON_S_GREETING;
		m->deadline = mon_now(m) + m->o.greet_ms;
		return;
	}
	m->fd = endpoint_connect(&m->ep, &inprog, &e);
	if (m->fd < 0) {
		/* A unix listener whose queue is full: QEMU is serving one
		 * client and others already wait. */
		if (errno == EAGAIN && m->ep.kind == ENDPOINT_UNIX)
			silent(m);
		else
			mon_fail(m, MONERR_UNREACHABLE, "%s", e.msg);
		return;
	}
	m->st = inprog ? MON_S_CONNECTING : MON_S_GREETING;
	m->deadline = mon_now(m) + m->o.greet_ms;
}

/* --- the queue -------------------------------------------------------- */

static void
close_if_done(struct mon *m)
{
	if (m->o.keep_open) {
		m->st = MON_S_IDLE;
		/* keep reading events and noticing a hang-up */
		return;
	}
	drop_conn(m);
	m->st = MON_S_DONE;
}

/* Task t may go in the write that the task before it starts: it asked
 * to (mon_req.pipe), the backend pipelines, and t is a plain command
 * (sent in this protocol, no fd to pass, nothing answered locally). */
static int
joins(const struct mon *m, const struct mon_task *t)
{
	const struct mon_backend *b = backend(m);

	return t->pipe && b->local != NULL && t->line[m->proto] != NULL &&
	    t->fd < 0 && !b->local(m, t) &&
	    !(m->handed_ok && t->r.op == MON_OP_QUERY_PCI);
}

/* Write the task at cur and the queued ones that join it, in one write,
 * each with its own id; their replies come back in the same order. */
static void
send_run(struct mon *m)
{
	const struct mon_backend *b = backend(m);
	size_t k = m->cur;

	do {
		if (b->put(m, &m->ops[k]) < 0)
			return;
		k++;
	} while (k < m->nops && joins(m, &m->ops[k]));
	m->sent = k;
	mon_io_commit(m);
}

void
mon_advance(struct mon *m)
{
	while (m->st == MON_S_READY && m->wait == MON_W_NONE) {
		struct mon_task *t;

		if (m->cur >= m->nops) {
			close_if_done(m);
			return;
		}
		t = &m->ops[m->cur];
		if (mon_handed_pci(m, t))
			continue;
		if (backend(m)->begin(m, t)) {
			if (m->wait != MON_W_NONE)
				return;
			continue;
		}
		if (t->line[m->proto] == NULL) {
			mon_task_finish(m, 0, MONERR_BAD_ARGUMENT, "%s",
			    t->why[m->proto] != NULL ? t->why[m->proto] : "");
			continue;
		}
		send_run(m);
		return;
	}
}

void
mon_ready(struct mon *m)
{
	m->st = MON_S_READY;
	m->wait = MON_W_NONE;
	m->deadline = -1;
	mon_advance(m);
}

/* --- input and deadlines ------------------------------------------------ */

/* The first bytes say the protocol: a QMP greeting is a JSON object, an
 * HMP banner is text. */
static void
input_greeting(struct mon *m)
{
	if (m->inlen == 0)
		return;
	if (m->in[0] == '{')
		mon_qmp_backend.greet(m);
	else
		mon_hmp_backend.greet(m);
}

/* The peer closed while we still needed it. */
static void
closed(struct mon *m, int err)
{
	const char *sep = err ? ": " : "", *why = err ? strerror(err) : "";

	if (m->st == MON_S_GREETING)
		mon_fail(m, MONERR_UNREACHABLE, "the monitor at %s closed the "
		    "connection before greeting%s%s", m->epstr, sep, why);
	else if (m->st == MON_S_IDLE && m->wait == MON_W_NONE &&
	    m->cur >= m->nops)
		mon_fail(m, MONERR_UNREACHABLE, "the monitor at %s closed the "
		    "connection%s%s", m->epstr, sep, why);
	else
		mon_fail(m, MONERR_UNREACHABLE, "the monitor at %s closed the "
		    "connection during %s%s%s", m->epstr,
		    m->cur < m->nops ? task_name(&m->ops[m->cur]) :
		    "negotiation", sep, why);
}

static void
expire(struct mon *m)
{
	struct mon_task *t;

	if (m->deadline < 0 || mon_now(m) < m->deadline)
		return;
	switch (m->st) {
	case MON_S_CONNECTING:
		mon_fail(m, MONERR_TIMEOUT, "connecting to the monitor at %s "
		    "took longer than %d ms", m->epstr, m->o.greet_ms);
		return;
	case MON_S_GREETING:
		if (m->inlen == 0)
			silent(m);
		else
			mon_fail(m, MONERR_TIMEOUT, "the monitor at %s sent an "
			    "incomplete greeting within %d ms", m->epstr,
			    m->o.greet_ms);
		return;
	case MON_S_NEGOTIATING:
		mon_fail(m, MONERR_TIMEOUT, "the QMP monitor at %s did not "
		    "answer qmp_capabilities within %d ms", m->epstr,
		    m->o.op_ms);
		return;
	default:
		break;
	}
	if (m->cur >= m->nops)
		return;
	t = &m->ops[m->cur];
	if (m->wait == MON_W_REPLY)
		mon_fail(m, MONERR_TIMEOUT, "the monitor at %s did not answer "
		    "%s within %d ms", m->epstr, task_name(t), m->o.op_ms);
	else if (m->wait != MON_W_NONE)
		backend(m)->expire(m, t);	/* its own wait */
}

int64_t
mon_now(struct mon *m)
{
	if (!m->in_step)
		return clock_mono_ms();
	if (m->now < 0)
		m->now = clock_mono_ms();
	return m->now;
}

/* --- public: lifecycle ------------------------------------------------ */

struct mon *
mon_new(const char *endpoint, const struct mon_opts *opts, struct err *e)
{
	struct mon *m;

	if (endpoint == NULL) {
		err_set(e, "no monitor endpoint given");
		return NULL;
	}
	m = calloc(1, sizeof *m);
	if (m == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (endpoint_parse(endpoint, strlen(endpoint), &m->ep, e) < 0) {
		free(m);
		return NULL;
	}
	endpoint_format(&m->ep, m->epstr, sizeof m->epstr);
	if (opts != NULL)
		m->o = *opts;
	if (m->o.greet_ms <= 0)
		m->o.greet_ms = MON_GREET_MS_DEFAULT;
	if (m->o.op_ms <= 0)
		m->o.op_ms = MON_OP_MS_DEFAULT;
	m->fd = m->out_fd = m->adopt_fd = -1;
	m->deadline = -1;
	m->qseed = clock_seed() ^ (unsigned)(uintptr_t)m;
	return m;
}

struct mon *
mon_new_fd(int fd, const struct mon_opts *opts, struct err *e)
{
	struct mon *m;
	char ep[32];

	if (fd < 0) {
		err_set(e, "no monitor connection given");
		return NULL;
	}
	snprintf(ep, sizeof ep, "/dev/fd/%d", fd);
	if ((m = mon_new(ep, opts, e)) == NULL)
		return NULL;
	snprintf(m->epstr, sizeof m->epstr, "fd:%d", fd);
	m->adopt_fd = fd;
	m->no_endpoint = 1;
	return m;
}

static void
free_ops(struct mon *m)
{
	size_t i;
	int p;

	/* a refresh's ops own nothing (constant lines, their results
	 * handed on): free only what is there, not 9 NULLs an op */
	for (i = 0; i < m->nops; i++) {
		struct mon_task *t = &m->ops[i];

		for (p = 0; p < 3; p++) {
			if (t->own[p] != NULL)
				free(t->own[p]);
			if (t->why[p] != NULL)
				free(t->why[p]);
		}
		if (t->fd >= 0)
			close(t->fd);
		if (t->r.pci.fn != NULL)
			pci_info_free(&t->r.pci);
		if (t->r.text != NULL)
			free(t->r.text);
	}
	m->nops = m->cur = m->sent = 0;
	monpool_give(m->pool, MONPOOL_OPS, m->ops, m->capops * sizeof *m->ops);
	m->ops = NULL;
	m->capops = 0;
}

void
mon_clear(struct mon *m)
{
	size_t i;

	if (mon_status(m) != MON_IDLE) {
		mon_reset(m);
		return;
	}
	free_ops(m);
	for (i = 0; i < m->nev; i++)
		json_decref(m->ev[i]);
	m->nev = 0;
	m->last_kind = MONERR_NONE;
}

void
mon_reset(struct mon *m)
{
	size_t i;

	drop_conn(m);
	if (m->adopt_fd >= 0)
		close(m->adopt_fd);
	m->adopt_fd = -1;
	free_ops(m);
	for (i = 0; i < m->nev; i++)
		json_decref(m->ev[i]);
	free(m->ev);
	m->ev = NULL;
	m->nev = m->capev = 0;
	m->st = MON_S_NEW;
	m->proto = MON_PROTO_UNKNOWN;
	m->fail_kind = m->last_kind = MONERR_NONE;
	m->fail_msg[0] = '\0';
}

void
mon_free(struct mon *m)
{
	if (m == NULL)
		return;
	mon_reset(m);
	free(m->ops);
	free(m->in);
	free(m->out);
	free(m);
}

void
mon_close(struct mon *m)
{
	drop_conn(m);
	while (m->cur < m->nops)
		mon_task_finish(m, 0, MONERR_UNREACHABLE, "the connection "
		    "was closed before this ran");
	if (m->st != MON_S_NEW && m->st != MON_S_FAILED)
		m->st = MON_S_DONE;
}

/* --- public: driving -------------------------------------------------- */

enum mon_status
mon_status(const struct mon *m)
{
	switch (m->st) {
	case MON_S_IDLE:
		return m->cur < m->nops ? MON_RUNNING : MON_IDLE;
	case MON_S_DONE:
		return MON_DONE;
	case MON_S_FAILED:
		return MON_FAILED;
	default:
		return MON_RUNNING;
	}
}

enum mon_status
mon_start(struct mon *m)
{
	if ((m->st == MON_S_DONE || m->st == MON_S_FAILED) && m->cur < m->nops)
		m->st = MON_S_NEW;
	if (m->st == MON_S_NEW)
		start_connect(m);
	else if (m->st == MON_S_IDLE && m->cur < m->nops) {
		m->st = MON_S_READY;
		mon_advance(m);
	}
	return mon_status(m);
}

enum mon_status
mon_start_at(struct mon *m, int64_t now)
{
	enum mon_status st;

	m->in_step = 1;
	m->now = now;
	st = mon_start(m);
	m->in_step = 0;
	return st;
}

void
mon_set_pool(struct mon *m, struct monpool *pl)
{
	m->pool = pl;
}

int
mon_fd(const struct mon *m)
{
	return m->fd;
}

short
mon_poll_events(const struct mon *m)
{
	short ev = 0;

	if (m->fd < 0)
		return 0;
	if (m->st == MON_S_CONNECTING)
		return POLLOUT;
	if (m->outoff < m->outlen)
		ev |= POLLOUT;
	if (m->st == MON_S_IDLE && m->cur < m->nops)
		ev |= POLLOUT;	/* queued while idle: wake up to send */
	return ev | POLLIN;
}

int64_t
mon_due_ms(const struct mon *m)
{
	if (m->st == MON_S_IDLE && m->cur < m->nops)
		return 0;
	if (m->deadline < 0 || m->fd < 0)
		return -1;
	return m->deadline;
}

int
mon_timeout_ms(const struct mon *m)
{
	int64_t d = mon_due_ms(m);

	if (d <= 0)
		return (int)d;
	d -= clock_mono_ms();
	if (d < 0)
		return 0;
	return d > 0x7fffffff ? 0x7fffffff : (int)d;
}

static enum mon_status
step(struct mon *m, short revents)
{
	struct err e;

	if (m->st == MON_S_IDLE && m->cur < m->nops) {
		m->st = MON_S_READY;
		mon_advance(m);
	}
	if (m->fd < 0)
		return mon_status(m);
	if (m->st == MON_S_CONNECTING) {
		if (revents & (POLLOUT | POLLERR | POLLHUP)) {
			if (endpoint_connect_result(m->fd, &m->ep, &e) < 0) {
				mon_fail(m, MONERR_UNREACHABLE, "%s", e.msg);
				return mon_status(m);
			}
			m->st = MON_S_GREETING;	/* deadline runs on */
		}
		expire(m);
		return mon_status(m);
	}
	if ((revents & POLLOUT) && m->outoff < m->outlen &&
	    mon_io_flush(m) < 0)
		return mon_status(m);
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		int rerr, rc = mon_io_read(m, &rerr);

		if (rc < 0)
			return mon_status(m);
		if (m->st == MON_S_GREETING)
			input_greeting(m);
		else if (m->proto != MON_PROTO_UNKNOWN)
			backend(m)->input(m);
		if (m->st == MON_S_READY)
			mon_advance(m);
		if (rc == 1 && m->fd >= 0) {
			closed(m, rerr);
			return mon_status(m);
		}
	}
	if (m->fd >= 0)
		expire(m);
	return mon_status(m);
}

enum mon_status
mon_step_at(struct mon *m, short revents, int64_t now)
{
	enum mon_status st;

	m->in_step = 1;
	m->now = now;
	st = step(m, revents);
	m->in_step = 0;
	return st;
}

enum mon_status
mon_step(struct mon *m, short revents)
{
	return mon_step_at(m, revents, -1);
}

/* --- blocking wrapper ------------------------------------------------- */

int
mon_run(struct mon *m, struct err *e)
{
	enum mon_status st = mon_start(m);

	while (st == MON_RUNNING) {
		struct pollfd pfd = { mon_fd(m), mon_poll_events(m), 0 };
		int rc;

		if (pfd.fd < 0)
			break;
		rc = poll(&pfd, 1, mon_timeout_ms(m));
		if (rc < 0 && errno != EINTR) {
			mon_fail(m, MONERR_PROTOCOL, "poll: %s",
			    strerror(errno));
			break;
		}
		st = mon_step(m, rc > 0 ? pfd.revents : 0);
	}
	if (mon_status(m) == MON_FAILED) {
		mon_error(m, e);
		return -1;
	}
	return 0;
}
