/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_qmp.c - the QMP backend of a monitor session (see mon_int.h): the
 * greeting and qmp_capabilities, one JSON message at a time (on one line,
 * or over many with pretty=on: qmp_msg_len frames them), an "id" on
 * every command so that a reply meant for another client is dropped
 * (before the greeting every reply and event is another client's) and
 * the replies to a pipelined run (mon.h) are matched to its commands in
 * order,
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
#include "base/siphash.h"
#include "qemu/qmp.h"
#include "qemu/qmpscan.h"

static void input(struct mon *m);

/* The next command id, "ss-SALT-SEQ" (see struct mon's qid), into id
 * (MON_QID_MAX bytes); its length. */
static size_t
next_id(struct mon *m, char *id)
{
	static const char hex[] = "0123456789abcdef";
	char dec[10];
	unsigned v = ++m->qseq;
	size_t n = 0, k = 0;
	int i;

	memcpy(id, "ss-", 3);
	/* a byte of the salt at a time: two digits a step */
	for (i = 0; i < 4; i++) {
		unsigned b = (m->qsalt >> (24 - 8 * i)) & 255;

		id[3 + 2 * i] = hex[b >> 4];
		id[4 + 2 * i] = hex[b & 15];
	}
	id[11] = '-';
	do
		dec[k++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	n = 12;
	while (k > 0)
		id[n++] = dec[--k];
	id[n] = '\0';
	return n;
}

/* Put {...}\n as {...,"id":"ss-SALT-SEQ"}\n, the id kept in id: the
 * line without its "}\n", then the id's part made here in one piece. */
static int
put_line(struct mon *m, const char *line, int fd, char *id)
{
	size_t n = strlen(line), k = 0, idn;
	char tail[7 + MON_QID_MAX + 3];

	id[0] = '\0';
	if (n < 3 || line[0] != '{' || line[n - 2] != '}' ||
	    line[n - 1] != '\n')
		return mon_io_put(m, line, n, fd);
	/* {...  ,"id":"  QID  "}\n */
	n -= 2;
	if (n > 1)
		tail[k++] = ',';
	memcpy(tail + k, "\"id\":\"", 6);
	k += 6;
	idn = next_id(m, tail + k);
	memcpy(id, tail + k, idn + 1);	/* with its NUL */
	k += idn;
	memcpy(tail + k, "\"}\n", 3);
	k += 3;
	if (mon_io_put(m, line, n, fd) < 0)
		return -1;
	return mon_io_put(m, tail, k, -1);
}

static int
put(struct mon *m, struct mon_task *t)
{
	return put_line(m, t->line[MON_PROTO_QMP], t->fd, t->qid);
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
	if (put_line(m, caps, -1, m->qid) == 0 && mon_io_commit(m) == 0 &&
	    m->inlen > 0)
		input(m);	/* more came with the greeting */
}

/* The greeting read without jansson (qmpscan.h): 1 when it was, and the
 * session went on; 0 leaves the first message to jansson. */
static int
fast_greeting(struct mon *m, size_t len)
{
	struct qmpscan_msg s;
	struct err e;

	if (qmpscan_greeting(m->in, len, &s, &m->greeting, &e) < 0)
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
		const char *nl = memchr(m->in, '\n', m->inlen);
		int ok, stray;
		size_t skip = 0;

		/* the greeting on its first line (QEMU ends each message
		 * with "\r\n"), framed and read in one pass, as frame()
		 * does for replies; else framed by qmp_msg_len */
		if (nl != NULL && fast_greeting(m, (size_t)(nl - m->in) + 1))
			return;
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
		t->wait_end = mon_now(m) + t->wait_ms;
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

/* n bytes of a decoded id are want. */
static int
str_is(const char *id, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(id, want, n) == 0;
}

/* Whether the id's raw bytes (a JSON string, n bytes) say want, one of
 * our ids ("ss-SALT-SEQ" from next_id, or empty: no quote, backslash or
 * control byte in it): the bytes "want" as QEMU echoes them are compared
 * at once, anything else (escapes, a different id) is read as a string
 * by qmpscan_str_is. */
static int
qid_is(const char *id, size_t n, const char *want)
{
	size_t w = strlen(want);

	if (n == w + 2 && id[0] == '"' && id[n - 1] == '"' &&
	    memcmp(id + 1, want, w) == 0)
		return 1;
	return qmpscan_str_is(id, n, want);
}

/* Whose reply an id says it is, is() comparing it: 0 the one due (the
 * negotiation's, or that of the oldest command in flight), 1 someone
 * else's (dropped, see struct mon's qsalt), -1 a later command of ours:
 * QEMU answers in the order it was asked, so the session fails. */
static int
whose(struct mon *m, int (*is)(const char *, size_t, const char *),
    const char *id, size_t n)
{
	size_t k;

	if (m->st == MON_S_NEGOTIATING)
		return is(id, n, m->qid) ? 0 : 1;
	if (m->cur < m->sent && is(id, n, m->ops[m->cur].qid))
		return 0;
	for (k = m->cur + 1; k < m->sent; k++)
		if (is(id, n, m->ops[k].qid)) {
			mon_fail(m, MONERR_PROTOCOL, "the QMP monitor at %s "
			    "answered %s before %s, out of the order they "
			    "were sent in", m->epstr,
			    mon_opdef(m->ops[k].r.op)->name,
			    mon_opdef(m->ops[m->cur].r.op)->name);
			return -1;
		}
	return 1;
}

/* As whose() for a message jansson read: one without an id is the one
 * due; an id that is no string is nobody's of ours. */
static int
whose_json(struct mon *m, const struct qmp_msg *q)
{
	json_t *id;

	if (q->kind != QMP_MSG_RETURN && q->kind != QMP_MSG_ERROR)
		return 0;
	if ((id = json_object_get(q->root, "id")) == NULL)
		return 0;
	if (!json_is_string(id))
		return 1;
	return whose(m, str_is, json_string_value(id), json_string_length(id));
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

/* 1 when begin() takes t without a command (so it is not pipelined). */
static int
local(const struct mon *m, const struct mon_task *t)
{
	return t->r.op == MON_OP_WAIT_DELETED ||
	    (t->r.op == MON_OP_QUERY_VERSION && m->greeting_ok);
}

/* A raw command's return: read in place by its reader (mon_req.kids)
 * into the result's kids, no text made; else made compact without a
 * tree (qmpscan.h: the bytes r_raw's json_dumps gives).  0, or -1 to
 * leave it to jansson. */
static int
fast_text(struct mon_task *t, const struct qmpscan_msg *s)
{
	struct err e;
	char *x;

	if (t->r.op != MON_OP_RAW)
		return -1;
	if (t->kids != NULL) {
		if (t->kids(s->ret, s->retlen, &t->r.kids) == 0) {
			t->r.kids_ok = 1;
			return 0;
		}
		t->r.kids.n = 0;
	}
	if ((x = malloc(s->retlen + 1)) == NULL)
		return -1;
	if (qmpscan_compact_value(s->ret, s->retlen, x, s->retlen + 1,
	    &e) < 0) {
		free(x);
		return -1;
	}
	free(t->r.text);
	t->r.text = x;
	return 0;
}

/* query-pci's reply (len bytes at line) in QEMU's form, ending in
 * `, "id": "QID"}` (t's id) and its line end: *h its hash but for that
 * id, under t->seen.key (mon.h's mon_pci_seen); 1 when hashed. */
static int
pci_hash(const struct mon_task *t, const char *line, size_t len,
    uint64_t *h)
{
	static const char head[] = ", \"id\": \"";
	size_t q = strlen(t->qid), tail = sizeof head - 1 + q + 2, end = len;

	if ((t->seen.key[0] | t->seen.key[1]) == 0 || q == 0)
		return 0;
	if (end > 0 && line[end - 1] == '\n')
		end--;
	if (end > 0 && line[end - 1] == '\r')
		end--;
	if (end == len || end < tail + 1 || line[end - 1] != '}' ||
	    line[end - 2] != '"' || memcmp(line + end - tail, head,
	    sizeof head - 1) != 0 || memcmp(line + end - q - 2, t->qid,
	    q) != 0)
		return 0;
	*h = siphash13(t->seen.key, line, end - tail);
	return 1;
}

/* A reply read without jansson (qmpscan.h): our "return" to the
 * negotiation, to query-pci (read in the same pass as the message), to a
 * raw command or to one whose reply carries nothing we keep, or someone
 * else's return (dropped).  1 when handled; 0 leaves the message to
 * jansson (events, errors, other replies, anything the reader does not
 * take), whose verdict then stands. */
static int
fast_reply(struct mon *m, const char *line, size_t len)
{
	struct mon_task *t = NULL;
	struct qmpscan_msg s;
	struct err e;
	int pci = 0, hashed = 0;
	uint64_t h = 0;

	if (m->st == MON_S_READY && m->wait == MON_W_REPLY &&
	    m->cur < m->sent)
		t = &m->ops[m->cur];
	if (t != NULL && t->r.op == MON_OP_QUERY_PCI) {
		hashed = pci_hash(t, line, len, &h);
		if (hashed && t->seen.seen_ok && h == t->seen.seen) {
			/* the reply the caller holds the parse of, its id
			 * the one due */
			t->r.pci_same = 1;
			mon_task_finish(m, 1, MONERR_NONE, NULL);
			mon_advance(m);
			return 1;
		}
		pci_info_clear(&t->r.pci);
		pci = qmpscan_msg_pci(line, len, &s, &t->r.pci, &e) == 0;
		if (!pci)
			pci_info_clear(&t->r.pci);
	}
	if (!pci && (qmpscan_msg(line, len, &s, &e) < 0 ||
	    s.kind != QMP_MSG_RETURN))
		return 0;
	if (s.id != NULL && whose(m, qid_is, s.id, s.idlen) != 0) {
		if (pci)
			pci_info_clear(&t->r.pci);
		return 1;	/* not ours, or out of order (see whose) */
	}
	if (m->st == MON_S_NEGOTIATING) {
		mon_ready(m);
		return 1;
	}
	if (t == NULL || (!pci && t->r.op == MON_OP_QUERY_PCI))
		return 0;
	if (!pci && mon_opdef(t->r.op)->reply != NULL && fast_text(t, &s) < 0)
		return 0;
	if (pci && hashed) {
		t->r.pci_hashed = 1;
		t->r.pci_hash = h;
	}
	mon_task_finish(m, 1, MONERR_NONE, NULL);
	mon_advance(m);
	return 1;
}

/* The length of the message at p (n bytes there), 0 while it is
 * incomplete, and whether the bounded reader took it (*fast).  QEMU ends
 * each message with "\r\n" and never puts a raw line end inside one: the
 * first "\n" is where it ends when the reader, taking the bytes up to it
 * as one message, says so -- framing and reading in one pass.  What it
 * leaves (an event, an error, pretty=on's many lines, no line end yet)
 * is framed by qmp_msg_len and read by jansson, unless its frame differs
 * (pretty=on) and the reader takes that. */
static size_t
frame(struct mon *m, const char *p, size_t n, int *fast)
{
	const char *nl = memchr(p, '\n', n);
	size_t cand = nl != NULL ? (size_t)(nl - p) + 1 : 0, len;

	*fast = 1;
	if (cand > 0 && (qmp_blank(p, cand) || fast_reply(m, p, cand)))
		return cand;
	len = qmp_msg_len(p, n);
	if (len > 0 && len != cand && m->fd >= 0 && fast_reply(m, p, len))
		return len;
	*fast = 0;
	return len;
}

static void
input(struct mon *m)
{
	size_t off = 0, len;
	int fast;

	/* A reply may finish the queue and close the connection (which
	 * empties the buffer): stop as soon as there is no connection. */
	while (m->fd >= 0 && off < m->inlen) {
		struct qmp_msg q;
		struct err e;
		const char *line = m->in + off;
		int w;

		if ((len = frame(m, line, m->inlen - off, &fast)) == 0)
			break;
		off += len;
		if (fast || m->fd < 0 || qmp_blank(line, len))
			continue;
		if (qmp_msg_parse(line, len, &q, &e) < 0) {
			mon_fail(m, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
		if ((w = whose_json(m, &q)) != 0) {
			qmp_msg_free(&q);
			if (w < 0)
				return;
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
	.put = put,
	.begin = begin,
	.local = local,
	.expire = expire,
};
