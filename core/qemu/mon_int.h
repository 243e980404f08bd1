/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_int.h - the inside of a monitor session, shared by the files that
 * make it up; nothing outside core/qemu/mon*.c includes it.
 *
 *   mon.c      the session: connect, detect the protocol, run the queue
 *              one op (or one pipelined run of ops) after another,
 *              deadlines, the non-blocking step API
 *   mon_results.c  what a session leaves: results, the error, events
 *   mon_io.c   the socket's bytes: buffered writes (with an fd riding
 *              along) and bounded reads
 *   mon_ops.c  the operations, one table row each (name, builder, how HMP
 *              says yes, reply handler), mon_add() and mon_do()
 *   mon_hmp.c  the HMP backend: banner, echo and prompt, errors by text,
 *              waiting for an unplug by asking `info pci`
 *   mon_qmp.c  the QMP backend: greeting and negotiation, command ids,
 *              events, waiting for an unplug by DEVICE_DELETED
 *
 * The session knows nothing of either protocol's bytes; a backend knows
 * nothing of sockets or of what an operation means (the table does).
 * Adding an operation: a moncmd builder, an enum mon_op value, a row in
 * mon_ops.c and, when its reply carries data, a reply handler there.
 */
#ifndef SLOTSCOPE_MON_INT_H
#define SLOTSCOPE_MON_INT_H

#include <jansson.h>
#include <stdint.h>

#include "model/devid.h"
#include "qemu/endpoint.h"
#include "qemu/mon.h"

enum mon_st {
	MON_S_NEW,		/* not connected */
	MON_S_CONNECTING,	/* tcp connect in progress */
	MON_S_GREETING,		/* waiting for the banner / greeting */
	MON_S_NEGOTIATING,	/* QMP: qmp_capabilities sent */
	MON_S_READY,		/* running the queue */
	MON_S_IDLE,		/* queue empty, connected (keep_open) */
	MON_S_DONE,		/* queue empty, closed */
	MON_S_FAILED,		/* transport failure, closed */
};

enum mon_wait {
	MON_W_NONE,	/* nothing in flight */
	MON_W_REPLY,	/* a command was sent; its reply is due */
	MON_W_TIMER,	/* HMP wait_deleted: between two info pci */
	MON_W_EVENT,	/* QMP wait_deleted: for the event */
};

/* One queued operation: what will be sent in each protocol, and then its
 * result. */
/* "ss-" 8 hex digits "-" up to 10 digits, and the NUL */
#define MON_QID_MAX 24

struct mon_task {
	struct mon_result r;
	const char *line[3];	/* by enum mon_proto; NULL = nothing to send
				 * (refused when why[p] says why) */
	char *own[3];		/* line[p] when malloc'd (else a constant) */
	char *why[3];		/* why line[p] was refused (malloc'd), or
				 * NULL: kept out of the task, which is
				 * zeroed for every op queued */
	int fd;			/* GETFD: our dup, else -1 */
	char id[QEMU_ID_MAX + 1];	/* WAIT_DELETED */
	int wait_ms;
	int64_t wait_end;
	int pipe;		/* mon_req.pipe: may go in one write with the
				 * task before it */
	mon_kids_fn kids;	/* mon_req.kids (MON_OP_RAW), or NULL */
	char qid[MON_QID_MAX];	/* QMP: the "id" it was sent with */
	struct mon_pci_seen seen;	/* QUERY_PCI: mon_req.seen's copy */
};

struct mon {
	struct endpoint ep;
	char epstr[ENDPOINT_PATH_MAX + 300];
	struct mon_opts o;
	enum mon_st st;
	enum mon_proto proto;
	int fd;
	struct mon_task *ops;
	size_t nops, capops, cur;
	size_t sent;			/* ops[cur..sent) are written and
					 * wait for their replies, in order
					 * (more than one: pipelined) */
	enum mon_wait wait;
	int64_t deadline;		/* absolute ms; -1 = none */
	int in_step;			/* inside mon_step(): */
	int64_t now;			/* its clock, read once (-1: not yet) */
	char *out;
	size_t outlen, outoff, outcap;
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
	 * not ours and is dropped.  Unique per session: salt + sequence;
	 * each task keeps its own (mon_task.qid), qid is the negotiation's. */
	unsigned qsalt, qseq;
	unsigned qseed, nsess;		/* qsalt of session k: qseed + k * c */
	char qid[MON_QID_MAX];
	/* mon_hand_over: the bus its last command read, for the next
	 * query-pci op (mon_handed_pci) */
	struct pci_info handed;
	int handed_ok;
	struct monpool *pool;		/* mon_set_pool's, or NULL */
};

/* --- the operations (mon_ops.c) ---------------------------------------- */

/* An accepted reply, as an operation's handler sees it. */
struct mon_reply {
	enum mon_proto proto;
	const char *text;	/* HMP: the reply's text (echo, prompt gone) */
	size_t len;
	json_t *ret;		/* QMP: the "return" value (borrowed) */
};

/* How HMP tells success from a refusal (it has no status). */
enum mon_hmp_says {
	MON_HMP_NOTHING,	/* success prints nothing; any text refuses
				 * (QEMU prints some errors without
				 * "Error: ") */
	MON_HMP_OK,		/* success prints exactly "OK" */
	MON_HMP_DATA,		/* success prints the answer; a refusal
				 * reads like an error (hmp_error_kind) */
};

struct mon_opdef {
	const char *name;	/* in messages: "device_add" */
	/* The line for protocol p (malloc'd, ending in "\n"), or *out NULL
	 * and 0 when nothing is sent in p; -1 with e set: refused in p. */
	int (*build)(enum mon_proto p, const struct mon_req *r, char **out,
	    struct err *e);
	/* Checks before anything is built; NULL: the builder checks all. */
	int (*check)(const struct mon *m, const struct mon_req *r,
	    struct err *e);
	int pass_fd;		/* req->fd rides with the command */
	enum mon_hmp_says hmp_says;
	/* Keep what an accepted reply says in t->r; NULL: nothing to keep.
	 * -1 with e set: the reply is not understood (MONERR_PROTOCOL). */
	int (*reply)(struct mon_task *t, const struct mon_reply *rp,
	    struct err *e);
};

/* The row of op (NULL for no such op). */
const struct mon_opdef *mon_opdef(enum mon_op op);

/* --- the protocol backends (mon_hmp.c, mon_qmp.c) ------------------------ */

struct mon_backend {
	/* The first bytes said this protocol: read the banner/greeting in
	 * m->in; when it is whole set m->proto and move the session on
	 * (mon_ready(), or QMP's negotiation); fail it when it is wrong;
	 * return with nothing done while it is incomplete. */
	void (*greet)(struct mon *m);
	/* Bytes arrived in m->in after the greeting. */
	void (*input)(struct mon *m);
	/* Put task t's command (its line in this protocol, framed as the
	 * protocol wants) into the output after what is there; the session
	 * then writes it (mon_io_commit).  0, or -1 when the session
	 * failed. */
	int (*put)(struct mon *m, struct mon_task *t);
	/* Task t is next: 1 when the backend finished it or waits for it
	 * without a command (m->wait set), 0 when its line is to be sent. */
	int (*begin)(struct mon *m, struct mon_task *t);
	/* 1 when begin() would take t without a command: such a task is
	 * never written with others.  NULL: the backend does not pipeline
	 * (one command at a time, whatever mon_req.pipe says). */
	int (*local)(const struct mon *m, const struct mon_task *t);
	/* The deadline of a MON_W_TIMER / MON_W_EVENT wait has passed. */
	void (*expire)(struct mon *m, struct mon_task *t);
};

extern const struct mon_backend mon_hmp_backend;
extern const struct mon_backend mon_qmp_backend;

/* --- what the session offers the backends (mon.c, mon_io.c, mon_results.c) */

/* The monotonic clock (clock_mono_ms) as this step sees it: read once
 * per mon_step() (or given by mon_step_at), read each time outside. */
int64_t mon_now(struct mon *m);
/* Finish the current task (ok or not, with a message): the wait is
 * then for the next one written (pipelined), or none. */
void mon_task_finish(struct mon *m, int ok, enum monerr_kind kind,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Finish it with QEMU's text (one line, without HMP's "Error: "). */
void mon_task_fail_text(struct mon *m, enum monerr_kind kind, const char *t,
    size_t n);
/* Run an accepted reply through the task's handler and finish it. */
void mon_task_reply(struct mon *m, struct mon_task *t,
    const struct mon_reply *rp);
/* A transport failure: close, fail every unfinished task, MON_S_FAILED. */
void mon_fail(struct mon *m, enum monerr_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The banner/greeting is done: run the queue. */
void mon_ready(struct mon *m);
/* Start tasks until one is in flight or the queue is empty. */
void mon_advance(struct mon *m);
/* Task t is a query-pci the bus handed over answers (mon_handover.c):
 * 1 when it was finished so; 0 to ask.  mon_handed_drop forgets it. */
int mon_handed_pci(struct mon *m, struct mon_task *t);
void mon_handed_drop(struct mon *m);
/* Keep a QMP event for mon_take_event() (the oldest goes beyond
 * MON_MAX_EVENTS). */
void mon_push_event(struct mon *m, json_t *ev);

/* Put n bytes after what the output holds (fd, or -1, rides with the
 * first byte of the next write): 0, or -1 when the session failed. */
int mon_io_put(struct mon *m, const char *buf, size_t n, int fd);
/* What was put is one or more commands: their replies are due (the
 * next within op_ms); write what the socket takes.  0, or -1 when the
 * session failed. */
int mon_io_commit(struct mon *m);
/* Write what is pending: 0, or -1 when the session failed. */
int mon_io_flush(struct mon *m);
/* Read what is there: 0 when the peer is still there, 1 when it closed
 * (*err: its errno, or 0; what it sent before is in m->in), -1 when the
 * session failed. */
int mon_io_read(struct mon *m, int *err);

#endif
