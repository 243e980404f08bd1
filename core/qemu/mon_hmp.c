/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_hmp.c - the HMP backend of a monitor session (see mon_int.h): the
 * banner, a reply as the bytes between our echo and the next prompt,
 * success or refusal told by the reply's text (the op's row says how),
 * and waiting for an unplug by asking `info pci` until the id is gone
 * (HMP has no events).  One command at a time: no pipelining (a reply
 * is known only by the prompt after it).  The framing and the parsers are hmp.c's. */
#include "qemu/mon_int.h"

#include <string.h>

#include "base/clock.h"
#include "qemu/hmp.h"

static void
greet(struct mon *m)
{
	struct err e;
	int rc = hmp_banner_check(m->in, m->inlen, &e);

	if (rc < 0) {
		char first[200];

		monerr_printable(m->in, m->inlen, first, sizeof first);
		mon_fail(m, MONERR_PROTOCOL, "%s is no QEMU monitor: %s; it "
		    "sent first %s", m->epstr, e.msg, first);
		return;
	}
	if (rc == 0)
		return;
	m->proto = MON_PROTO_HMP;
	m->inlen = 0;
	mon_ready(m);
}

static int
put(struct mon *m, struct mon_task *t)
{
	const char *line = t->line[MON_PROTO_HMP];

	m->inlen = 0;	/* the reply starts with our echo */
	return mon_io_put(m, line, strlen(line), t->fd);
}

static int
begin(struct mon *m, struct mon_task *t)
{
	(void)m;
	if (t->r.op == MON_OP_WAIT_DELETED)
		t->wait_end = mon_now(m) + t->wait_ms;
	return 0;	/* everything is sent, the wait too (info pci) */
}

static void
wait_timed_out(struct mon *m, struct mon_task *t)
{
	mon_task_finish(m, 0, MONERR_TIMEOUT, "device %s was not removed "
	    "within %d ms (still in info pci)", t->id, t->wait_ms);
}

/* wait_deleted: an `info pci` came back; is the id gone? */
static void
poll_result(struct mon *m, struct mon_task *t, const char *text, size_t n)
{
	struct err e;
	int64_t now, at;

	pci_info_clear(&t->r.pci);
	if (hmp_parse_info_pci(text, n, &t->r.pci, &e) < 0) {
		mon_task_finish(m, 0, MONERR_PROTOCOL, "%s", e.msg);
		return;
	}
	if (pci_info_find_id(&t->r.pci, t->id) == NULL) {
		pci_info_clear(&t->r.pci);
		mon_task_finish(m, 1, MONERR_NONE, NULL);
		return;
	}
	if ((now = mon_now(m)) >= t->wait_end) {
		wait_timed_out(m, t);
		return;
	}
	at = now + MON_HMP_POLL_MS;
	m->wait = MON_W_TIMER;
	m->deadline = at < t->wait_end ? at : t->wait_end;
}

static void
reply(struct mon *m, const char *text, size_t n)
{
	struct mon_task *t = &m->ops[m->cur];
	struct mon_reply rp = { MON_PROTO_HMP, text, n, NULL };
	enum monerr_kind k = MONERR_NONE;

	switch (mon_opdef(t->r.op)->hmp_says) {
	case MON_HMP_DATA:
		k = hmp_error_kind(text, n);
		break;
	case MON_HMP_OK:
		if (n != 3 || memcmp(text, "OK\n", 3) != 0)
			k = monerr_classify(NULL, text, n);
		break;
	case MON_HMP_NOTHING:
		if (n != 0)
			k = monerr_classify(NULL, text, n);
		break;
	}
	if (k != MONERR_NONE)
		mon_task_fail_text(m, k, text, n);
	else if (t->r.op == MON_OP_WAIT_DELETED)
		poll_result(m, t, text, n);
	else
		mon_task_reply(m, t, &rp);
}

static void
input(struct mon *m)
{
	char *t;
	size_t n;

	if (m->wait != MON_W_REPLY) {
		m->inlen = 0;	/* HMP says nothing unasked: ignore */
		return;
	}
	if (!hmp_reply_complete(m->in, m->inlen))
		return;
	/* cleaned where it is, without a copy: the buffer is not read
	 * into again before the reply is handled, and the text is shorter
	 * than the bytes by at least the echo's line end and the prompt
	 * (hmp_reply_complete), so its NUL fits */
	t = m->in;
	n = hmp_reply_clean(m->in, m->inlen, t);
	m->inlen = 0;
	m->wait = MON_W_NONE;
	m->deadline = -1;
	reply(m, t, n);
}

static void
expire(struct mon *m, struct mon_task *t)
{
	if (m->wait != MON_W_TIMER)
		return;
	if (mon_now(m) >= t->wait_end) {
		wait_timed_out(m, t);
		mon_advance(m);
	} else if (put(m, t) == 0)
		mon_io_commit(m);	/* info pci again */
}

const struct mon_backend mon_hmp_backend = {
	.greet = greet,
	.input = input,
	.put = put,
	.begin = begin,
	.local = NULL,		/* one command at a time */
	.expire = expire,
};
