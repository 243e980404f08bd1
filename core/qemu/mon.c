/* mon.c - the monitor session state machine; see mon.h. */
#include "qemu/mon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "model/devid.h"
#include "qemu/endpoint.h"
#include "qemu/hmp.h"
#include "qemu/qmp.h"

#define IN_MAX (32u << 20)	/* more unanswered bytes than this: garbage */
#define READS_PER_STEP 16	/* be fair to the other monitors of a loop */

enum st {
	S_NEW,		/* not connected */
	S_CONNECTING,	/* tcp connect in progress */
	S_GREETING,	/* waiting for the banner / greeting */
	S_NEGOTIATING,	/* QMP: qmp_capabilities sent */
	S_READY,	/* running the queue */
	S_IDLE,		/* queue empty, connected (keep_open) */
	S_DONE,		/* queue empty, closed */
	S_FAILED,	/* transport failure, closed */
};

enum wait {
	W_NONE,		/* nothing in flight */
	W_REPLY,	/* a command was sent; its reply is due */
	W_TIMER,	/* HMP wait_deleted: between two info pci */
	W_EVENT,	/* QMP wait_deleted: for the event */
};

struct op {
	struct mon_result r;
	char *line[3];		/* by enum mon_proto; NULL = refused */
	char why[3][sizeof(struct err)];	/* why line[p] was refused */
	int fd;			/* GETFD: our dup, else -1 */
	char id[QEMU_ID_MAX + 1];	/* WAIT_DELETED */
	int wait_ms;
	int64_t wait_end;
};

struct mon {
	struct endpoint ep;
	char epstr[ENDPOINT_PATH_MAX + 300];
	struct mon_opts o;
	enum st st;
	enum mon_proto proto;
	int fd;
	struct op *ops;
	size_t nops, capops, cur;
	enum wait wait;
	int64_t deadline;		/* absolute ms; -1 = none */
	char *out;
	size_t outlen, outoff;
	int out_fd;			/* rides with the first byte sent */
	char *in;
	size_t inlen, incap;
	json_t **ev;			/* queued events, up to MON_MAX_EVENTS
					 * (grown on demand: most sessions
					 * see none) */
	size_t nev, capev;
	enum monerr_kind fail_kind, last_kind;
	char fail_msg[256];
	struct qemu_version greeting;
	int greeting_ok;		/* QMP: greeting held a version */
	int adopt_fd;			/* mon_new_fd: not yet started */
	int no_endpoint;		/* mon_new_fd: cannot reconnect */
	/* QMP: every command carries "id" (QEMU echoes it in the reply);
	 * QEMU 7.2 can hand the reply to a command of the previous client
	 * on a socket to the next client, so a reply with another id is
	 * not ours and is dropped.  Unique per session: salt + sequence. */
	unsigned qsalt, qseq;
	char qid[40];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const op_names[] = {
	[MON_OP_QUERY_PCI] = "query pci",
	[MON_OP_QUERY_VERSION] = "query version",
	[MON_OP_DEVICE_ADD] = "device_add",
	[MON_OP_DEVICE_DEL] = "device_del",
	[MON_OP_NETDEV_ADD] = "netdev_add",
	[MON_OP_NETDEV_DEL] = "netdev_del",
	[MON_OP_DRIVE_ADD] = "drive add",
	[MON_OP_DRIVE_DEL] = "drive del",
	[MON_OP_GETFD] = "getfd",
	[MON_OP_CLOSEFD] = "closefd",
	[MON_OP_WAIT_DELETED] = "wait for unplug",
	[MON_OP_RAW] = "a raw command",
};

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
	m->outlen = m->outoff = 0;
	/* no input buffer between sessions: a fleet of 1000 idle mons would
	 * otherwise keep 1000 of them */
	free(m->in);
	m->in = NULL;
	m->inlen = m->incap = 0;
	m->wait = W_NONE;
	m->deadline = -1;
}

static void
op_finish(struct mon *m, int ok, enum monerr_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
op_finish(struct mon *m, int ok, enum monerr_kind kind, const char *fmt, ...)
{
	struct op *o = &m->ops[m->cur];
	va_list ap;

	o->r.done = 1;
	o->r.ok = ok;
	o->r.kind = ok ? MONERR_NONE : kind;
	o->r.msg[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(o->r.msg, sizeof o->r.msg, fmt, ap);
		va_end(ap);
	}
	if (o->fd >= 0) {
		close(o->fd);
		o->fd = -1;
	}
	m->cur++;
	m->wait = W_NONE;
	m->deadline = -1;
}

static void
fail(struct mon *m, enum monerr_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail(struct mon *m, enum monerr_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->fail_msg, sizeof m->fail_msg, fmt, ap);
	va_end(ap);
	m->fail_kind = kind;
	drop_conn(m);
	while (m->cur < m->nops)
		op_finish(m, 0, kind, "%s", m->fail_msg);
	m->st = S_FAILED;
}

static void
start_connect(struct mon *m)
{
	struct err e;
	int inprog;

	drop_conn(m);
	{
		struct timespec ts;

		/* new ids for the new session (see qid) */
		clock_gettime(CLOCK_REALTIME, &ts);
		m->qsalt = (unsigned)ts.tv_nsec ^ (unsigned)ts.tv_sec << 20 ^
		    (unsigned)getpid() << 8 ^ (unsigned)(uintptr_t)m;
		m->qseq = 0;
		m->qid[0] = '\0';
	}
	m->proto = MON_PROTO_UNKNOWN;
	m->greeting_ok = 0;
	m->fail_kind = MONERR_NONE;
	m->fail_msg[0] = '\0';
	if (m->no_endpoint) {
		if (m->adopt_fd < 0) {
			fail(m, MONERR_UNREACHABLE, "the monitor connection "
			    "(given as an fd) is closed and cannot be reopened");
			return;
		}
		m->fd = m->adopt_fd;
		m->adopt_fd = -1;
		fcntl(m->fd, F_SETFL, fcntl(m->fd, F_GETFL) | O_NONBLOCK);
		m->st = S_GREETING;
		m->deadline = now_ms() + m->o.greet_ms;
		return;
	}
	m->fd = endpoint_connect(&m->ep, &inprog, &e);
	if (m->fd < 0) {
		/* A unix listener whose queue is full: QEMU is serving one
		 * client and others already wait. */
		if (errno == EAGAIN && m->ep.kind == ENDPOINT_UNIX)
			fail(m, MONERR_BUSY, "monitor busy: another client is "
			    "connected");
		else
			fail(m, MONERR_UNREACHABLE, "%s", e.msg);
		return;
	}
	m->st = inprog ? S_CONNECTING : S_GREETING;
	m->deadline = now_ms() + m->o.greet_ms;
}

/* --- output ----------------------------------------------------------- */

static int
try_write(struct mon *m)
{
	while (m->outoff < m->outlen) {
		const char *p = m->out + m->outoff;
		size_t n = m->outlen - m->outoff;
		ssize_t w;

		if (m->out_fd >= 0) {
			struct msghdr mh;
			struct iovec iov = { (void *)p, n };
			char cbuf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr *c;

			memset(&mh, 0, sizeof mh);
			memset(cbuf, 0, sizeof cbuf);
			mh.msg_iov = &iov;
			mh.msg_iovlen = 1;
			mh.msg_control = cbuf;
			mh.msg_controllen = sizeof cbuf;
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &m->out_fd, sizeof(int));
			w = sendmsg(m->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0) {
				close(m->out_fd);
				m->out_fd = -1;
			}
		} else
			w = send(m->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			fail(m, MONERR_UNREACHABLE, "cannot write to the monitor "
			    "at %s: %s", m->epstr, strerror(errno));
			return -1;
		}
		m->outoff += (size_t)w;
	}
	m->outlen = m->outoff = 0;
	return 0;
}

/* Send line (and fd, or -1) as the next command; a reply is then due. */
static int
send_line(struct mon *m, const char *line, int fd)
{
	size_t n = strlen(line);
	char *p = realloc(m->out, n + 1);

	if (p == NULL) {
		fail(m, MONERR_PROTOCOL, "out of memory");
		return -1;
	}
	m->out = p;
	memcpy(m->out, line, n + 1);
	if (m->proto == MON_PROTO_QMP && n >= 3 && line[0] == '{' &&
	    line[n - 2] == '}' && line[n - 1] == '\n') {
		/* {...} -> {...,"id":"ss-SALT-SEQ"} */
		snprintf(m->qid, sizeof m->qid, "ss-%08x-%u", m->qsalt,
		    ++m->qseq);
		p = realloc(m->out, n + strlen(m->qid) + 16);
		if (p == NULL) {
			fail(m, MONERR_PROTOCOL, "out of memory");
			return -1;
		}
		m->out = p;
		n = (size_t)sprintf(m->out, "%.*s%s\"id\":\"%s\"}\n",
		    (int)(n - 2), line, n > 3 ? "," : "", m->qid);
	}
	m->outlen = n;
	m->outoff = 0;
	if (fd >= 0) {
		m->out_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (m->out_fd < 0) {
			fail(m, MONERR_PROTOCOL, "cannot duplicate the fd to "
			    "pass: %s", strerror(errno));
			return -1;
		}
	}
	if (m->proto == MON_PROTO_HMP)
		m->inlen = 0;	/* the reply starts with our echo */
	m->wait = W_REPLY;
	m->deadline = now_ms() + m->o.op_ms;
	return try_write(m);
}

/* --- the queue -------------------------------------------------------- */

static int
find_event(struct mon *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nev; i++)
		if (qmp_is_device_deleted(m->ev[i], id))
			return 1;
	return 0;
}

static void
close_if_done(struct mon *m)
{
	if (m->o.keep_open) {
		m->st = S_IDLE;
		/* keep reading events and noticing a hang-up */
		return;
	}
	drop_conn(m);
	m->st = S_DONE;
}

/* Start ops until one is in flight or the queue is empty. */
static void
advance(struct mon *m)
{
	while (m->st == S_READY && m->wait == W_NONE) {
		struct op *o;
		const char *line;

		if (m->cur >= m->nops) {
			close_if_done(m);
			return;
		}
		o = &m->ops[m->cur];
		if (o->r.op == MON_OP_WAIT_DELETED) {
			o->wait_end = now_ms() + o->wait_ms;
			if (m->proto == MON_PROTO_QMP) {
				if (find_event(m, o->id)) {
					op_finish(m, 1, MONERR_NONE, NULL);
					continue;
				}
				m->wait = W_EVENT;
				m->deadline = o->wait_end;
				return;
			}
		}
		if (o->r.op == MON_OP_QUERY_VERSION &&
		    m->proto == MON_PROTO_QMP && m->greeting_ok) {
			/* the greeting said it (the same "qemu" and
			 * "package" as query-version): one round trip less */
			o->r.version = m->greeting;
			op_finish(m, 1, MONERR_NONE, NULL);
			continue;
		}
		line = o->line[m->proto];
		if (line == NULL) {
			op_finish(m, 0, MONERR_BAD_ARGUMENT, "%s", o->why[m->proto]);
			continue;
		}
		send_line(m, line, o->fd);
		return;
	}
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

static void
op_fail_text(struct mon *m, enum monerr_kind k, const char *t, size_t n)
{
	char msg[256];

	set_text(msg, sizeof msg, t, n);
	op_finish(m, 0, k, "%s", msg);
}

static void
hmp_reply(struct mon *m, const char *t, size_t n)
{
	struct op *o = &m->ops[m->cur];
	struct err e;
	enum monerr_kind k = hmp_error_kind(t, n);

	switch (o->r.op) {
	case MON_OP_QUERY_PCI:
	case MON_OP_WAIT_DELETED:
		if (k != MONERR_NONE) {
			op_fail_text(m, k, t, n);
			return;
		}
		pci_info_clear(&o->r.pci);
		if (hmp_parse_info_pci(t, n, &o->r.pci, &e) < 0) {
			op_finish(m, 0, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
		if (o->r.op == MON_OP_QUERY_PCI) {
			op_finish(m, 1, MONERR_NONE, NULL);
			return;
		}
		if (pci_info_find_id(&o->r.pci, o->id) == NULL) {
			pci_info_clear(&o->r.pci);
			op_finish(m, 1, MONERR_NONE, NULL);
		} else if (now_ms() >= o->wait_end) {
			op_finish(m, 0, MONERR_TIMEOUT, "device %s was not "
			    "removed within %d ms (still in info pci)", o->id,
			    o->wait_ms);
		} else {
			int64_t at = now_ms() + MON_HMP_POLL_MS;

			m->wait = W_TIMER;
			m->deadline = at < o->wait_end ? at : o->wait_end;
		}
		return;
	case MON_OP_QUERY_VERSION:
		if (k != MONERR_NONE)
			op_fail_text(m, k, t, n);
		else if (hmp_parse_info_version(t, n, &o->r.version, &e) < 0)
			op_finish(m, 0, MONERR_PROTOCOL, "%s", e.msg);
		else
			op_finish(m, 1, MONERR_NONE, NULL);
		return;
	case MON_OP_RAW:
		if (k != MONERR_NONE) {
			op_fail_text(m, k, t, n);
			return;
		}
		o->r.text = strndup(t, n);
		op_finish(m, 1, MONERR_NONE, NULL);
		return;
	case MON_OP_DRIVE_ADD:
		if (n == 3 && memcmp(t, "OK\n", 3) == 0)
			op_finish(m, 1, MONERR_NONE, NULL);
		else
			op_fail_text(m, monerr_classify(NULL, t, n), t, n);
		return;
	default:
		/* success prints nothing; QEMU prints some errors without
		 * "Error: " (drive_del, drive_add duplicates) */
		if (n == 0)
			op_finish(m, 1, MONERR_NONE, NULL);
		else
			op_fail_text(m, monerr_classify(NULL, t, n), t, n);
		return;
	}
}

static void
qmp_reply(struct mon *m, const struct qmp_msg *q)
{
	struct op *o = &m->ops[m->cur];
	struct err e;

	if (q->kind == QMP_MSG_ERROR) {
		op_fail_text(m, q->err_kind, q->err_desc, strlen(q->err_desc));
		return;
	}
	if (o->r.op == MON_OP_QUERY_PCI) {
		pci_info_clear(&o->r.pci);
		if (qmp_parse_pci(q->ret, &o->r.pci, &e) < 0) {
			op_finish(m, 0, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
	} else if (o->r.op == MON_OP_RAW) {
		o->r.text = json_dumps(q->ret, JSON_COMPACT | JSON_ENCODE_ANY |
		    JSON_PRESERVE_ORDER);
	} else if (o->r.op == MON_OP_QUERY_VERSION) {
		if (qmp_parse_version(q->ret, &o->r.version, &e) < 0) {
			op_finish(m, 0, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
	}
	op_finish(m, 1, MONERR_NONE, NULL);
}

static void
push_event(struct mon *m, json_t *ev)
{
	if (m->nev == MON_MAX_EVENTS) {
		json_decref(m->ev[0]);
		memmove(m->ev, m->ev + 1, (m->nev - 1) * sizeof m->ev[0]);
		m->nev--;
	}
	if (m->nev == m->capev) {
		size_t cap = m->capev ? m->capev * 2 : 8;
		json_t **p;

		if (cap > MON_MAX_EVENTS)
			cap = MON_MAX_EVENTS;
		if ((p = realloc(m->ev, cap * sizeof *p)) == NULL)
			return;		/* out of memory: the event is lost */
		m->ev = p;
		m->capev = cap;
	}
	m->ev[m->nev++] = json_incref(ev);
}

/* --- input ------------------------------------------------------------ */

static void
input_hmp(struct mon *m)
{
	char *t;
	size_t n;

	if (m->wait != W_REPLY) {
		m->inlen = 0;	/* HMP says nothing unasked: ignore */
		return;
	}
	if (!hmp_reply_complete(m->in, m->inlen))
		return;
	t = malloc(m->inlen + 1);
	if (t == NULL) {
		fail(m, MONERR_PROTOCOL, "out of memory");
		return;
	}
	n = hmp_reply_clean(m->in, m->inlen, t);
	m->inlen = 0;
	m->wait = W_NONE;
	m->deadline = -1;
	hmp_reply(m, t, n);
	free(t);
}

static void
input_qmp(struct mon *m)
{
	size_t off = 0, len;

	/* A reply may finish the queue and close the connection (which
	 * empties the buffer): stop as soon as there is no connection. */
	while (m->fd >= 0 &&
	    (len = qmp_line_len(m->in + off, m->inlen - off)) > 0) {
		struct qmp_msg q;
		struct err e;
		const char *line = m->in + off;

		off += len;
		if (len <= 2 && (line[0] == '\r' || line[0] == '\n'))
			continue;
		if (qmp_msg_parse(line, len, &q, &e) < 0) {
			fail(m, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
		if ((q.kind == QMP_MSG_RETURN || q.kind == QMP_MSG_ERROR) &&
		    json_object_get(q.root, "id") != NULL &&
		    (!json_is_string(json_object_get(q.root, "id")) ||
		    strcmp(json_string_value(json_object_get(q.root, "id")),
		    m->qid) != 0)) {
			/* a reply to someone else's command (see qid) */
			qmp_msg_free(&q);
			continue;
		}
		if (q.kind == QMP_MSG_EVENT) {
			push_event(m, q.root);
			if (m->wait == W_EVENT &&
			    qmp_is_device_deleted(q.root, m->ops[m->cur].id)) {
				op_finish(m, 1, MONERR_NONE, NULL);
				advance(m);
			}
		} else if (q.kind == QMP_MSG_GREETING) {
			qmp_msg_free(&q);
			fail(m, MONERR_PROTOCOL, "the QMP monitor greeted twice");
			return;
		} else if (m->st == S_NEGOTIATING) {
			if (q.kind == QMP_MSG_ERROR) {
				fail(m, MONERR_PROTOCOL, "QMP capabilities "
				    "negotiation failed: %s", q.err_desc);
				qmp_msg_free(&q);
				return;
			}
			m->st = S_READY;
			m->wait = W_NONE;
			m->deadline = -1;
			advance(m);
		} else if (m->wait == W_REPLY) {
			qmp_reply(m, &q);
			advance(m);
		} else {
			qmp_msg_free(&q);
			fail(m, MONERR_PROTOCOL, "the QMP monitor sent a reply "
			    "nobody asked for");
			return;
		}
		qmp_msg_free(&q);
	}
	if (m->fd < 0)
		return;
	memmove(m->in, m->in + off, m->inlen - off);
	m->inlen -= off;
	if (m->inlen > QMP_LINE_MAX)
		fail(m, MONERR_PROTOCOL, "the QMP monitor sent a line longer "
		    "than %u bytes", QMP_LINE_MAX);
}

static void
input_greeting(struct mon *m)
{
	struct err e;
	int rc;

	if (m->inlen == 0)
		return;
	if (m->in[0] == '{') {
		struct qmp_msg q;
		size_t len = qmp_line_len(m->in, m->inlen);
		char *caps;

		if (len == 0) {
			if (m->inlen > 65536)
				fail(m, MONERR_PROTOCOL, "the QMP greeting is "
				    "too long");
			return;
		}
		if (qmp_msg_parse(m->in, len, &q, &e) < 0 ||
		    q.kind != QMP_MSG_GREETING) {
			if (q.root != NULL)
				qmp_msg_free(&q);
			fail(m, MONERR_PROTOCOL, "%s at %s is no QEMU monitor: "
			    "its first message is not a QMP greeting", m->epstr,
			    m->epstr);
			return;
		}
		m->greeting_ok = qmp_greeting_version(q.root, &m->greeting,
		    &e) == 0;
		qmp_msg_free(&q);
		memmove(m->in, m->in + len, m->inlen - len);
		m->inlen -= len;
		m->proto = MON_PROTO_QMP;
		if (moncmd_qmp_capabilities(&caps, &e) < 0) {
			fail(m, MONERR_PROTOCOL, "%s", e.msg);
			return;
		}
		m->st = S_NEGOTIATING;
		rc = send_line(m, caps, -1);
		free(caps);
		if (rc == 0 && m->inlen > 0)
			input_qmp(m);
		return;
	}
	rc = hmp_banner_check(m->in, m->inlen, &e);
	if (rc < 0) {
		fail(m, MONERR_PROTOCOL, "%s is no QEMU monitor: %s", m->epstr,
		    e.msg);
		return;
	}
	if (rc == 0)
		return;
	m->proto = MON_PROTO_HMP;
	m->inlen = 0;
	m->st = S_READY;
	m->deadline = -1;
	advance(m);
}

/* Read what is there: 0 when the peer is still there, 1 when it closed
 * (after what it sent before closing has been appended: it is processed
 * first), -1 when the session failed. */
static int
read_some(struct mon *m, int *err)
{
	int i;

	*err = 0;
	for (i = 0; i < READS_PER_STEP; i++) {
		ssize_t r;

		if (m->incap - m->inlen < 4096) {
			/* small at first: a fleet keeps a mon per instance
			 * (drop_conn frees it between sessions) */
			size_t cap = m->incap ? m->incap * 2 : 16384;
			char *p;

			if (cap > IN_MAX + 65536) {
				fail(m, MONERR_PROTOCOL, "the monitor sent more "
				    "than %u bytes without finishing a reply",
				    IN_MAX);
				return -1;
			}
			if ((p = realloc(m->in, cap)) == NULL) {
				fail(m, MONERR_PROTOCOL, "out of memory");
				return -1;
			}
			m->in = p;
			m->incap = cap;
		}
		r = recv(m->fd, m->in + m->inlen, m->incap - m->inlen,
		    MSG_DONTWAIT);
		if (r > 0) {
			size_t room = m->incap - m->inlen;

			m->inlen += (size_t)r;
			/* a short read took all there was: skip the recv()
			 * that would only say EAGAIN (poll says when more
			 * comes, or the hang-up) */
			if ((size_t)r < room)
				return 0;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		*err = r < 0 ? errno : 0;
		return 1;
	}
	return 0;
}

/* The peer closed while we still needed it. */
static void
closed(struct mon *m, int err)
{
	const char *sep = err ? ": " : "", *why = err ? strerror(err) : "";

	if (m->st == S_GREETING)
		fail(m, MONERR_UNREACHABLE, "the monitor at %s closed the "
		    "connection before greeting%s%s", m->epstr, sep, why);
	else if (m->st == S_IDLE && m->wait == W_NONE && m->cur >= m->nops)
		fail(m, MONERR_UNREACHABLE, "the monitor at %s closed the "
		    "connection%s%s", m->epstr, sep, why);
	else
		fail(m, MONERR_UNREACHABLE, "the monitor at %s closed the "
		    "connection during %s%s%s", m->epstr,
		    m->cur < m->nops ? op_names[m->ops[m->cur].r.op] :
		    "negotiation", sep, why);
}

static void
expire(struct mon *m)
{
	struct op *o;

	if (m->deadline < 0 || now_ms() < m->deadline)
		return;
	switch (m->st) {
	case S_CONNECTING:
		fail(m, MONERR_TIMEOUT, "connecting to the monitor at %s took "
		    "longer than %d ms", m->epstr, m->o.greet_ms);
		return;
	case S_GREETING:
		if (m->inlen == 0)
			fail(m, MONERR_BUSY, "monitor busy: another client is "
			    "connected");
		else
			fail(m, MONERR_TIMEOUT, "the monitor at %s sent an "
			    "incomplete greeting within %d ms", m->epstr,
			    m->o.greet_ms);
		return;
	case S_NEGOTIATING:
		fail(m, MONERR_TIMEOUT, "the QMP monitor at %s did not answer "
		    "qmp_capabilities within %d ms", m->epstr, m->o.op_ms);
		return;
	default:
		break;
	}
	if (m->cur >= m->nops)
		return;
	o = &m->ops[m->cur];
	switch (m->wait) {
	case W_REPLY:
		fail(m, MONERR_TIMEOUT, "the monitor at %s did not answer %s "
		    "within %d ms", m->epstr, op_names[o->r.op], m->o.op_ms);
		return;
	case W_EVENT:
		op_finish(m, 0, MONERR_TIMEOUT, "device %s was not removed "
		    "within %d ms (no DEVICE_DELETED event)", o->id,
		    o->wait_ms);
		advance(m);
		return;
	case W_TIMER:
		if (now_ms() >= o->wait_end) {
			op_finish(m, 0, MONERR_TIMEOUT, "device %s was not "
			    "removed within %d ms (still in info pci)", o->id,
			    o->wait_ms);
			advance(m);
		} else
			send_line(m, o->line[MON_PROTO_HMP], -1);
		return;
	default:
		return;
	}
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

	for (i = 0; i < m->nops; i++) {
		for (p = 0; p < 3; p++)
			free(m->ops[i].line[p]);
		if (m->ops[i].fd >= 0)
			close(m->ops[i].fd);
		pci_info_free(&m->ops[i].r.pci);
		free(m->ops[i].r.text);
	}
	m->nops = m->cur = 0;
	free(m->ops);
	m->ops = NULL;
	m->capops = 0;
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
	m->st = S_NEW;
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
		op_finish(m, 0, MONERR_UNREACHABLE, "the connection was closed "
		    "before this ran");
	if (m->st != S_NEW && m->st != S_FAILED)
		m->st = S_DONE;
}

/* --- public: queueing ------------------------------------------------- */

/* --- the operations: one row each ------------------------------------ */

typedef int (*build_fn)(enum mon_proto p, const struct mon_req *r,
    char **out, struct err *e);

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
	j = json_loads(r->qmp, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		return err_set(e, "QMP command is not JSON: %s", je.text);
	if (!json_is_string(json_object_get(j, "execute"))) {
		json_decref(j);
		return err_set(e, "QMP command needs an \"execute\" string");
	}
	json_object_del(j, "id");	/* send_line() sets ours */
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

static const struct opdef {
	build_fn build;
	int (*check)(const struct mon *m, const struct mon_req *r,
	    struct err *e);	/* NULL: the builders check everything */
	int pass_fd;		/* req->fd rides with the command */
} opdefs[] = {
	[MON_OP_QUERY_PCI] = { b_query_pci, NULL, 0 },
	[MON_OP_QUERY_VERSION] = { b_query_version, NULL, 0 },
	[MON_OP_DEVICE_ADD] = { b_device_add, NULL, 0 },
	[MON_OP_DEVICE_DEL] = { b_device_del, NULL, 0 },
	[MON_OP_NETDEV_ADD] = { b_netdev_add, NULL, 0 },
	[MON_OP_NETDEV_DEL] = { b_netdev_del, NULL, 0 },
	[MON_OP_DRIVE_ADD] = { b_drive_add, NULL, 0 },
	[MON_OP_DRIVE_DEL] = { b_drive_del, NULL, 0 },
	[MON_OP_GETFD] = { b_getfd, c_getfd, 1 },
	[MON_OP_CLOSEFD] = { b_closefd, NULL, 0 },
	[MON_OP_WAIT_DELETED] = { b_wait_deleted, NULL, 0 },
	[MON_OP_RAW] = { b_raw, NULL, 0 },
};

/* --- public: queueing ------------------------------------------------- */

static void
unqueue_last(struct mon *m)
{
	struct op *o = &m->ops[m->nops];

	free(o->line[MON_PROTO_HMP]);
	free(o->line[MON_PROTO_QMP]);
}

int
mon_add(struct mon *m, const struct mon_req *req, struct err *e)
{
	const struct opdef *d;
	struct op *o;
	int p, built = 0;
	struct err pe;

	if (req == NULL || (unsigned)req->op >= sizeof opdefs / sizeof
	    opdefs[0] || opdefs[req->op].build == NULL)
		return err_set(e, "no such monitor operation");
	d = &opdefs[req->op];
	if (d->check != NULL && d->check(m, req, e) < 0)
		return -1;
	if (m->nops == m->capops) {
		/* 2 first: a refresh has two ops, and a fleet keeps one
		 * mon per instance */
		size_t cap = m->capops ? m->capops * 2 : 2;
		struct op *n = realloc(m->ops, cap * sizeof *n);

		if (n == NULL)
			return err_set(e, "out of memory");
		m->ops = n;
		m->capops = cap;
	}
	o = &m->ops[m->nops];
	memset(o, 0, sizeof *o);
	o->r.op = req->op;
	o->fd = -1;
	pci_info_init(&o->r.pci);
	for (p = MON_PROTO_HMP; p <= MON_PROTO_QMP; p++) {
		if (d->build(p, req, &o->line[p], &pe) == 0)
			built++;
		else
			snprintf(o->why[p], sizeof o->why[p], "%s", pe.msg);
	}
	if (built == 0) {
		err_set(e, "%s", pe.msg);
		return -1;
	}
	if (m->proto != MON_PROTO_UNKNOWN && o->line[m->proto] == NULL &&
	    o->why[m->proto][0] != '\0') {
		unqueue_last(m);
		return err_set(e, "%s", o->why[m->proto]);
	}
	if (d->pass_fd && (o->fd = fcntl(req->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		unqueue_last(m);
		return err_set(e, "getfd: cannot duplicate fd %d: %s", req->fd,
		    strerror(errno));
	}
	if (req->op == MON_OP_WAIT_DELETED) {
		snprintf(o->id, sizeof o->id, "%s", req->id);
		o->wait_ms = req->timeout_ms > 0 ? req->timeout_ms : 0;
	}
	return (int)m->nops++;
}

/* --- public: driving -------------------------------------------------- */

enum mon_status
mon_status(const struct mon *m)
{
	switch (m->st) {
	case S_IDLE:
		return m->cur < m->nops ? MON_RUNNING : MON_IDLE;
	case S_DONE:
		return MON_DONE;
	case S_FAILED:
		return MON_FAILED;
	default:
		return MON_RUNNING;
	}
}

enum mon_status
mon_start(struct mon *m)
{
	if ((m->st == S_DONE || m->st == S_FAILED) && m->cur < m->nops)
		m->st = S_NEW;
	if (m->st == S_NEW)
		start_connect(m);
	else if (m->st == S_IDLE && m->cur < m->nops) {
		m->st = S_READY;
		advance(m);
	}
	return mon_status(m);
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
	if (m->st == S_CONNECTING)
		return POLLOUT;
	if (m->outoff < m->outlen)
		ev |= POLLOUT;
	if (m->st == S_IDLE && m->cur < m->nops)
		ev |= POLLOUT;	/* queued while idle: wake up to send */
	return ev | POLLIN;
}

int
mon_timeout_ms(const struct mon *m)
{
	int64_t d;

	if (m->st == S_IDLE && m->cur < m->nops)
		return 0;
	if (m->deadline < 0 || m->fd < 0)
		return -1;
	d = m->deadline - now_ms();
	if (d < 0)
		return 0;
	return d > 0x7fffffff ? 0x7fffffff : (int)d;
}

enum mon_status
mon_step(struct mon *m, short revents)
{
	struct err e;

	if (m->st == S_IDLE && m->cur < m->nops) {
		m->st = S_READY;
		advance(m);
	}
	if (m->fd < 0)
		return mon_status(m);
	if (m->st == S_CONNECTING) {
		if (revents & (POLLOUT | POLLERR | POLLHUP)) {
			if (endpoint_connect_result(m->fd, &m->ep, &e) < 0) {
				fail(m, MONERR_UNREACHABLE, "%s", e.msg);
				return mon_status(m);
			}
			m->st = S_GREETING;	/* deadline runs on */
		}
		expire(m);
		return mon_status(m);
	}
	if ((revents & POLLOUT) && m->outoff < m->outlen &&
	    try_write(m) < 0)
		return mon_status(m);
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		int rerr, rc = read_some(m, &rerr);

		if (rc < 0)
			return mon_status(m);
		if (m->st == S_GREETING)
			input_greeting(m);
		else if (m->proto == MON_PROTO_HMP)
			input_hmp(m);
		else if (m->proto == MON_PROTO_QMP)
			input_qmp(m);
		if (m->st == S_READY)
			advance(m);
		if (rc == 1 && m->fd >= 0) {
			closed(m, rerr);
			return mon_status(m);
		}
	}
	if (m->fd >= 0)
		expire(m);
	return mon_status(m);
}

/* --- public: results -------------------------------------------------- */

enum mon_proto
mon_protocol(const struct mon *m)
{
	return m->proto;
}

const char *
mon_endpoint(const struct mon *m)
{
	return m->epstr;
}

size_t
mon_nresults(const struct mon *m)
{
	return m->nops;
}

const struct mon_result *
mon_result(const struct mon *m, int op)
{
	if (op < 0 || (size_t)op >= m->nops)
		return NULL;
	return &m->ops[op].r;
}

int
mon_take_pci(struct mon *m, int op, struct pci_info *out)
{
	struct mon_result *r;

	if (op < 0 || (size_t)op >= m->nops)
		return -1;
	r = &m->ops[op].r;
	if (!r->ok || r->op != MON_OP_QUERY_PCI)
		return -1;
	*out = r->pci;
	pci_info_init(&r->pci);
	return 0;
}

enum monerr_kind
mon_error(const struct mon *m, struct err *e)
{
	if (m->fail_kind != MONERR_NONE)
		err_set(e, "%s", m->fail_msg);
	return m->fail_kind;
}

json_t *
mon_take_event(struct mon *m)
{
	json_t *ev;

	if (m->nev == 0)
		return NULL;
	ev = m->ev[0];
	memmove(m->ev, m->ev + 1, (m->nev - 1) * sizeof m->ev[0]);
	m->nev--;
	return ev;
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
			fail(m, MONERR_PROTOCOL, "poll: %s", strerror(errno));
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

enum monerr_kind
mon_last_kind(const struct mon *m)
{
	return m->last_kind;
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
