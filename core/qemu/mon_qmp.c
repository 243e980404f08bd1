/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_qmp.c - the QMP backend of a monitor session (see mon_int.h): the
 * greeting and qmp_capabilities, one JSON message at a time (on one line,
 * or over many with pretty=on: qmp_msg_len frames them), an "id" on
 * every command so that a reply meant for another client is dropped
 * (before the greeting every reply and event is another client's),
 * events kept for mon_take_event(), and waiting for an unplug by its
 * DEVICE_DELETED event (a DEVICE_UNPLUG_GUEST_ERROR for it ends the wait
 * too: the guest said no).  query-version is answered from the greeting.
 * The hot messages (the greeting, the returns to the negotiation, to
 * query-pci and to commands whose reply carries nothing kept) are read in
 * place by qmpscan.h's bounded reader, without a tree; everything else,
 * and whatever that reader leaves, by qmp.c's jansson parsers.  Command
 * lines get their id appended without a copy through jansson. */
#include "qemu/mon_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "qemu/qmp.h"
#include "qemu/qmpscan.h"

static void input(struct mon *m);

/* Send {...}\n as {...,"id":"ss-SALT-SEQ"}\n (see struct mon's qid). */
static int
send_line(struct mon *m, const char *line, int fd)
{
	size_t n = strlen(line), idn;
	char small[512], *buf = small;
	int rc;

	if (n < 3 || line[0] != '{' || line[n - 2] != '}' ||
	    line[n - 1] != '\n')
		return mon_io_send(m, line, n, fd);
	idn = (size_t)snprintf(m->qid, sizeof m->qid, "ss-%08x-%u", m->qsalt,
	    ++m->qseq);
	if (n + idn + 16 > sizeof small &&
	    (buf = malloc(n + idn + 16)) == NULL) {
		mon_fail(m, MONERR_PROTOCOL, "out of memory");
		return -1;
	}
	/* {...  ,"id":"  QID  "}\n */
	memcpy(buf, line, n - 2);
	n -= 2;
	if (n > 1)
		buf[n++] = ',';
	memcpy(buf + n, "\"id\":\"", 6);
	memcpy(buf + n + 6, m->qid, idn);
	memcpy(buf + n + 6 + idn, "\"}\n", 3);
	rc = mon_io_send(m, buf, n + idn + 9, fd);
	if (buf != small)
		free(buf);
	return rc;
}

/* The first n bytes are no QMP greeting. */
static void
no_greeting(struct mon *m, size_t n)
{
	char first[200];

	monerr_printable(m->in, n, first, sizeof first);
	mon_fail(m, MONERR_PROTOCOL, "%s is no QEMU monitor: its first "
	    "message is not a QMP greeting; it sent first %s", m->epstr,
	    first);
}

/* The greeting (the first len bytes of m->in) is read: negotiate. */
static void
greeted(struct mon *m, size_t len)
{
	static const char caps[] = "{\"execute\":\"qmp_capabilities\"}\n";

	memmove(m->in, m->in + len, m->inlen - len);
	m->inlen -= len;
	m->proto = MON_PROTO_QMP;
	m->st = MON_S_NEGOTIATING;
	if (send_line(m, caps, -1) == 0 && m->inlen > 0)
		input(m);	/* more came with the greeting */
}

/* The greeting read without jansson (qmpscan.h): 1 when it was, and the
 * session went on; 0 leaves the first message to jansson. */
static int
fast_greeting(struct mon *m, size_t len)
{
	struct qmpscan_msg s;
	struct err e;

	if (qmpscan_msg(m->in, len, &s, &e) < 0 ||
	    s.kind != QMP_MSG_GREETING ||
	    qmpscan_greeting_version(s.qmp, s.qmplen, &m->greeting, &e) < 0)
		return 0;
	m->greeting_ok = 1;
	greeted(m, len);
	return 1;
}

/* Before the greeting a connection may carry what QEMU meant for the
 * client before us: a reply to the command it had in flight when it went,
 * or an event.  We have sent nothing yet, so no reply is ours: such lines
 * are dropped and the greeting still has its deadline.  Anything else
 * first means this is no QEMU monitor. */
static void
greet(struct mon *m)
{
	struct qmp_msg q;
	struct err e;
	size_t len;

	for (;;) {
		int ok, stray;
		size_t skip = 0;

		if ((len = qmp_msg_len(m->in, m->inlen)) == 0) {
			if (m->inlen > 65536)
				mon_fail(m, MONERR_PROTOCOL, "the QMP greeting "
				    "is too long");
			else if (qmp_msg_check_partial(m->in, m->inlen,
			    &e) < 0)
				no_greeting(m, m->inlen);
			return;
		}
		if (fast_greeting(m, len))
			return;
		memset(&q, 0, sizeof q);
		ok = qmp_msg_parse(m->in, len, &q, &e) == 0;
		if (ok && q.kind == QMP_MSG_GREETING)
			break;
		stray = ok && (q.kind == QMP_MSG_RETURN ||
		    q.kind == QMP_MSG_ERROR || q.kind == QMP_MSG_EVENT);
		if (q.root != NULL)
			qmp_msg_free(&q);
		if (!stray) {
			no_greeting(m, len);
			return;
		}
		while (len + skip < m->inlen && (m->in[len + skip] == ' ' ||
		    m->in[len + skip] == '\t' || m->in[len + skip] == '\r' ||
		    m->in[len + skip] == '\n'))
			skip++;
		len += skip;
		memmove(m->in, m->in + len, m->inlen - len);
		m->inlen -= len;
		if (m->inlen > 0 && m->in[0] != '{') {
			no_greeting(m, m->inlen);
			return;
		}
	}
	m->greeting_ok = qmp_greeting_version(q.root, &m->greeting, &e) == 0;
	qmp_msg_free(&q);
	greeted(m, len);
}

/* A queued answer about id's unplug: 1 deleted, -1 the guest refused,
 * 0 none. */
static int
have_event(const struct mon *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nev; i++)
		if (qmp_is_device_deleted(m->ev[i], id))
			return 1;
	for (i = 0; i < m->nev; i++)
		if (qmp_is_unplug_refused(m->ev[i], id))
			return -1;
	return 0;
}

static void
refused(struct mon *m, const char *id)
{
	/* no use waiting on: the event stays queued for whoever asks
	 * why (unplugwhy.c) */
	mon_task_finish(m, 0, MONERR_OTHER, "the guest refused the unplug "
	    "of %s (DEVICE_UNPLUG_GUEST_ERROR)", id);
}

static int
begin(struct mon *m, struct mon_task *t)
{
	if (t->r.op == MON_OP_WAIT_DELETED) {
		t->wait_end = clock_mono_ms() + t->wait_ms;
		if (have_event(m, t->id) > 0) {
			mon_task_finish(m, 1, MONERR_NONE, NULL);
			return 1;
		}
		if (have_event(m, t->id) < 0) {
			refused(m, t->id);
			return 1;
		}
		m->wait = MON_W_EVENT;
		m->deadline = t->wait_end;
		return 1;
	}
	if (t->r.op == MON_OP_QUERY_VERSION && m->greeting_ok) {
		/* the greeting said it (the same "qemu" and "package" as
		 * query-version): one round trip less */
		t->r.version = m->greeting;
		mon_task_finish(m, 1, MONERR_NONE, NULL);
		return 1;
	}
	return 0;
}

/* A reply whose "id" is not our last command's: someone else's. */
static int
not_ours(const struct mon *m, const struct qmp_msg *q)
{
	json_t *id;

	if (q->kind != QMP_MSG_RETURN && q->kind != QMP_MSG_ERROR)
		return 0;
	if ((id = json_object_get(q->root, "id")) == NULL)
		return 0;
	return !json_is_string(id) || strcmp(json_string_value(id),
	    m->qid) != 0;
}

/* One message; 0, or -1 when the session failed (q is freed then). */
static int
message(struct mon *m, struct qmp_msg *q)
{
	struct mon_task *t = m->cur < m->nops ? &m->ops[m->cur] : NULL;

	if (q->kind == QMP_MSG_EVENT) {
		mon_push_event(m, q->root);
		if (m->wait == MON_W_EVENT &&
		    qmp_is_device_deleted(q->root, t->id)) {
			mon_task_finish(m, 1, MONERR_NONE, NULL);
			mon_advance(m);
		} else if (m->wait == MON_W_EVENT &&
		    qmp_is_unplug_refused(q->root, t->id)) {
			refused(m, t->id);
			mon_advance(m);
		}
	} else if (q->kind == QMP_MSG_GREETING) {
		qmp_msg_free(q);
		mon_fail(m, MONERR_PROTOCOL, "the QMP monitor greeted twice");
		return -1;
	} else if (m->st == MON_S_NEGOTIATING) {
		if (q->kind == QMP_MSG_ERROR) {
			mon_fail(m, MONERR_PROTOCOL, "QMP capabilities "
			    "negotiation failed: %s", q->err_desc);
			qmp_msg_free(q);
			return -1;
		}
		mon_ready(m);
	} else if (m->wait == MON_W_REPLY) {
		struct mon_reply rp = { MON_PROTO_QMP, NULL, 0, q->ret };

		if (q->kind == QMP_MSG_ERROR)
			mon_task_fail_text(m, q->err_kind, q->err_desc,
			    strlen(q->err_desc));
		else
			mon_task_reply(m, t, &rp);
		mon_advance(m);
	} else {
		qmp_msg_free(q);
		mon_fail(m, MONERR_PROTOCOL, "the QMP monitor sent a reply "
		    "nobody asked for");
		return -1;
	}
	qmp_msg_free(q);
	return 0;
}

/* A reply read without jansson (qmpscan.h): our "return" to the
 * negotiation, to query-pci or to a command whose reply carries nothing
 * we keep, or someone else's return (dropped).  1 when handled; 0 leaves
 * the message to jansson (events, errors, other replies, anything the
 * reader does not take), whose verdict then stands. */
static int
fast_reply(struct mon *m, const char *line, size_t len)
{
	struct qmpscan_msg s;
	struct mon_task *t;
	struct err e;

	if (qmpscan_msg(line, len, &s, &e) < 0 || s.kind != QMP_MSG_RETURN)
		return 0;
	if (s.id != NULL && !qmpscan_str_is(s.id, s.idlen, m->qid))
		return 1;	/* not ours (see not_ours) */
	if (m->st == MON_S_NEGOTIATING) {
		mon_ready(m);
		return 1;
	}
	if (m->wait != MON_W_REPLY || m->cur >= m->nops)
		return 0;
	t = &m->ops[m->cur];
	if (t->r.op == MON_OP_QUERY_PCI) {
		pci_info_clear(&t->r.pci);
		if (qmpscan_pci(s.ret, s.retlen, &t->r.pci, &e) < 0) {
			pci_info_clear(&t->r.pci);
			return 0;
		}
	} else if (mon_opdef(t->r.op)->reply != NULL)
		return 0;
	mon_task_finish(m, 1, MONERR_NONE, NULL);
	mon_advance(m);
	return 1;
}

static void
input(struct mon *m)
{
	size_t off = 0, len;

	/* A reply may finish the queue and close the connection (which
	 * empties the buffer): stop as soon as there is no connection. */
	while (m->fd >= 0 &&
	    (len = qmp_msg_len(m->in + off, m->inlen - off)) > 0) {
		struct qmp_msg q;
		struct err e;
		const char *line = m->in + off;

		off += len;
		if (qmp_blank(line, len) || fast_reply(m, line, len))
			continue;
		if (qmp_msg_parse(line, len, &q, &e) < 0) {
			mon_fail(m, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
		if (not_ours(m, &q)) {
			qmp_msg_free(&q);
			continue;
		}
		if (message(m, &q) < 0)
			return;
	}
	if (m->fd < 0)
		return;
	memmove(m->in, m->in + off, m->inlen - off);
	m->inlen -= off;
	if (m->inlen > 0) {
		struct err e;

		if (qmp_msg_check_partial(m->in, m->inlen, &e) < 0) {
			mon_fail(m, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
	}
	if (m->inlen > QMP_LINE_MAX)
		mon_fail(m, MONERR_PROTOCOL, "the QMP monitor sent a line "
		    "longer than %u bytes", QMP_LINE_MAX);
}

static void
expire(struct mon *m, struct mon_task *t)
{
	if (m->wait != MON_W_EVENT)
		return;
	mon_task_finish(m, 0, MONERR_TIMEOUT, "device %s was not removed "
	    "within %d ms (no DEVICE_DELETED event)", t->id, t->wait_ms);
	mon_advance(m);
}

const struct mon_backend mon_qmp_backend = {
	.greet = greet,
	.input = input,
	.send = send_line,
	.begin = begin,
	.expire = expire,
};
