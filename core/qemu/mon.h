/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon.h - one connection to a QEMU monitor (HMP or QMP, detected), driven
 * without blocking so that one poll loop can run hundreds of them, plus a
 * blocking wrapper for batch mode, hotplug flows and tests.
 *
 * A struct mon is a SESSION: connect, detect the protocol from the first
 * bytes (HMP banner or QMP greeting; QMP then gets qmp_capabilities), run
 * the queued operations one after another (or, over QMP, a run of them
 * in one write: PIPELINING below), then disconnect (or stay
 * connected when mon_opts.keep_open is set, for a multi-command flow).
 * QEMU serves one client per monitor socket: a connection that hears no
 * banner/greeting within greet_ms fails, and nothing is ever sent before
 * the banner/greeting, so an abandoned session leaves nothing behind.  On
 * a unix socket Linux is asked why (sockdiag.h): MONERR_BUSY "monitor
 * busy: another client is connected[: pid N (COMM) holds PATH]",
 * MONERR_STOPPED when QEMU's process is stopped, MONERR_PROTOCOL when the
 * peer accepted and said nothing (a serial console); elsewhere it is
 * MONERR_BUSY without a holder.
 *
 * DRIVING IT FROM A POLL LOOP (what fleet and the TUI do):
 *
 *     struct mon *m = mon_new("unix:/run/x.monitor", NULL, &e);
 *     int v = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION },
 *         &e);
 *     int p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
 *     mon_start(m);                        // starts a non-blocking connect
 *     loop:
 *         pfd.fd = mon_fd(m);               // -1 when not connected
 *         pfd.events = mon_poll_events(m);  // POLLIN and/or POLLOUT
 *         timeout = mon_timeout_ms(m);      // ms to this mon's deadline,
 *                                           // -1 = none; take the minimum
 *         poll(...);
 *         st = mon_step(m, pfd.revents);    // ALWAYS call it after poll,
 *                                           // also with revents 0: it
 *                                           // expires deadlines
 *         until st != MON_RUNNING
 *     MON_DONE / MON_IDLE: every op has a result: mon_result(m, p)->ok,
 *         ->pci (mon_take_pci moves it out), ->kind and ->msg on failure.
 *     MON_FAILED: mon_error(m, &e) gives the transport kind (busy,
 *         unreachable, timeout, protocol); unfinished ops carry it too.
 *     mon_reset(m) makes it ready for the next refresh (same endpoint);
 *     mon_free(m) closes and frees.
 *
 * The fd changes between sessions (a new socket each time): re-read
 * mon_fd() before every poll.  mon_step() never blocks: it reads and
 * writes what the socket takes (EAGAIN stops it) and returns.  Name
 * resolution of tcp:HOST:PORT uses getaddrinfo() in mon_start(); use
 * numeric hosts where that matters.  Ops added while the session is
 * MON_IDLE (keep_open) run at the next mon_step(); QMP events are queued
 * (at most MON_MAX_EVENTS, oldest dropped) for mon_take_event().
 *
 * Over QMP a query-version op is answered from the greeting (it carries
 * the same version and package), without a round trip.
 * QMP commands carry an "id" unique to the session; a reply with another
 * id is dropped (QEMU 7.2 can pass the reply to a command of the previous
 * client on to the next client of the socket).
 *
 * PIPELINING (QMP only): an op added with mon_req.pipe set is written in
 * the same write as the op before it, without waiting for that one's
 * reply; a run is the first op and every op after it with .pipe set:
 *
 *     int p = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI }, &e);
 *     int q = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW,
 *         .hmp = h, .qmp = j, .pipe = 1 }, &e);   // one write for both
 *
 * Each command of a run carries its own id.  QEMU reads commands in
 * order and answers them in that order, so each reply must bear the id
 * of the oldest op in flight: a reply with an id none of ours has is
 * dropped, as without pipelining; one with the id of a later op in
 * flight (out of order) fails the session (MONERR_PROTOCOL).  An error
 * reply ends only its own op (the later ones were run by QEMU anyway and
 * get their replies), so pipeline only ops that may run whatever the one
 * before gave: queries, or a query after a command.  Each reply is due
 * op_ms after the one before it (the first, after the write); a time-out
 * or a closed connection fails every unfinished op, written or not.  An
 * op answered without a command (query-version from the greeting,
 * WAIT_DELETED, a query-pci answered by mon_hand_over's bus), one
 * passing an fd (GETFD) or one the protocol refused never joins a run: it
 * ends the one before it and is taken in its turn.  Ops added while a run
 * is in flight go in a later write.  Over HMP .pipe is ignored: one
 * command at a time (a reply is told only by the prompt after it).
 * Results are read as ever, mon_result() by index.
 *
 * Every operation has a deadline (op_ms; a wait has its own): a slow, dead
 * or closed peer ends in MON_FAILED with a clear message, never a hang.
 * A refusal by QEMU (slot occupied, duplicate id, ...) only fails that op:
 * its result has ok = 0, kind and QEMU's own text in msg ("Error: "
 * stripped, so HMP and QMP give the same text), and the session goes on.
 * Arguments are checked when an op is added (ids, control characters,
 * HMP's ',,' rule: see moncmd.h); a refused op is not queued (-1, e set).
 *
 * Ownership: mon owns results, their pci_info, and queued events until
 * taken (mon_take_pci, mon_take_event: then the caller owns them).
 * Pointers from mon_result() stay valid until the next mon_add(),
 * mon_reset() or mon_free().  A struct mon is not thread-safe; no global
 * state is used.
 *
 * Inside (mon_int.h): mon.c is the session, mon_io.c its bytes,
 * mon_results.c what it leaves, mon_ops.c the table of operations,
 * mon_hmp.c and mon_qmp.c the two protocols.
 */
#ifndef SLOTSCOPE_MON_H
#define SLOTSCOPE_MON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "qemu/moncmd.h"
#include "qemu/monerr.h"
#include "model/pci.h"

#define MON_GREET_MS_DEFAULT 500
#define MON_OP_MS_DEFAULT 5000
#define MON_MAX_EVENTS 256
#define MON_HMP_POLL_MS 100	/* HMP wait_deleted: info pci this often */

struct mon_opts {
	int greet_ms;	/* connect + banner/greeting deadline; 0 = 500 */
	int op_ms;	/* deadline for each command's reply; 0 = 5000 */
	int keep_open;	/* stay connected when the queue is empty */
};

enum mon_op {
	MON_OP_QUERY_PCI,
	MON_OP_QUERY_VERSION,
	MON_OP_DEVICE_ADD,
	MON_OP_DEVICE_DEL,
	MON_OP_NETDEV_ADD,
	MON_OP_NETDEV_DEL,
	MON_OP_DRIVE_ADD,	/* HMP drive_add / QMP blockdev-add */
	MON_OP_DRIVE_DEL,	/* HMP drive_del / QMP blockdev-del */
	MON_OP_GETFD,
	MON_OP_CLOSEFD,
	MON_OP_WAIT_DELETED,	/* QMP: DEVICE_DELETED; HMP: id leaves info pci */
	MON_OP_RAW,		/* a command given as text (an escape hatch) */
};

/* What a reply reader (mon_req.kids) took from a QMP reply in place: the
 * numbers it named, up to MON_KIDS_MAX, in order. */
#define MON_KIDS_MAX 32
struct mon_kids {
	int n;
	int idx[MON_KIDS_MAX];
};
typedef int (*mon_kids_fn)(const char *buf, size_t len, struct mon_kids *k);

struct mon_result {
	enum mon_op op;
	int done;			/* finished (ok or not) */
	int ok;				/* QEMU accepted / data parsed */
	enum monerr_kind kind;		/* MONERR_NONE when ok */
	char msg[256];			/* why not: QEMU's text or ours */
	struct pci_info pci;		/* MON_OP_QUERY_PCI */
	struct qemu_version version;	/* MON_OP_QUERY_VERSION */
	char *text;			/* MON_OP_RAW: HMP reply text, or QMP
					 * "return" as JSON; NULL if none */
	/* MON_OP_QUERY_PCI asked with a mon_pci_seen (below), QMP: */
	int pci_hashed;			/* pci_hash is the reply's */
	uint64_t pci_hash;
	int pci_same;			/* its hash was seen's: not read, pci
					 * left empty (mon_take_pci says 1) */
	int kids_ok;			/* MON_OP_RAW with mon_req.kids: its
					 * QMP return was read in place into
					 * kids, and text is NULL */
	struct mon_kids kids;		/* kids.idx past kids.n: not set */
};

/* MON_OP_QUERY_PCI's "same reply as before": a QMP reply in QEMU's own
 * form -- one line ending in `, "id": "OURS"}` -- is hashed, but for that
 * id, with siphash13 under key (base/siphash.h: the guest writes the BAR
 * addresses in it, and whoever does not know the key cannot make two
 * replies hash alike).  The hash is kept in the result (pci_hashed,
 * pci_hash) when the reply is read.  When seen_ok and the hash is seen,
 * the reply is the one whose parse the caller kept from an earlier
 * session: it is not read again (pci_same).  The id is compared byte for
 * byte, so a reply meant for someone else is dropped as ever; any other
 * form is read as it always is.  key all zero: nothing hashed. */
struct mon_pci_seen {
	uint64_t key[2];
	uint64_t seen;
	int seen_ok;
};

enum mon_status {
	MON_RUNNING,	/* keep polling */
	MON_IDLE,	/* queue done, still connected (keep_open) */
	MON_DONE,	/* queue done, disconnected */
	MON_FAILED,	/* transport failure: mon_error() */
};

struct mon;

/* Parse the endpoint (unix:PATH, tcp:HOST:PORT, PATH); no I/O.  opts may be
 * NULL for the defaults.  NULL with e set on a bad endpoint. */
struct mon *mon_new(const char *endpoint, const struct mon_opts *opts,
    struct err *e);
/* The same over an already connected stream socket (a socketpair to the
 * simulator, a test peer): mon owns fd from now on and closes it.  Such a
 * session cannot reconnect once closed. */
struct mon *mon_new_fd(int fd, const struct mon_opts *opts, struct err *e);
void mon_free(struct mon *m);
/* Close, drop ops, results and events: ready for a new session. */
void mon_reset(struct mon *m);
/* Close the connection now (results are kept). */
void mon_close(struct mon *m);
/* Drop ops, results and events but keep an idle connection (MON_IDLE:
 * the next ops run over it); otherwise as mon_reset(). */
void mon_clear(struct mon *m);
/* Move from's idle open connection (MON_IDLE: connected, nothing queued
 * or unsent) to `to`, which must be to the same endpoint, not connected
 * and have nothing queued: `to` is then MON_IDLE over it (its own
 * deadlines; the protocol, greeting and command ids go on) and `from` is
 * closed, as after mon_close().  -1 with e set and nothing moved
 * otherwise.  So a flow's session can serve the refresh that follows it
 * without a new connection, greeting and negotiation (mon_handover.c).
 * live, when not NULL, is what the last command sent over from (a query
 * of the bus, nothing sent since) returned: to's next query-pci op is
 * answered with a copy of it instead of asking again (as query-version is
 * answered from the greeting); the caller keeps live. */
int mon_hand_over(struct mon *from, struct mon *to,
    const struct pci_info *live, struct err *e);

/* One operation: its kind and the arguments that kind reads (the others
 * are ignored).  The caller owns it (a compound literal will do); mon
 * copies what it keeps, so it may go away after mon_add()/mon_do().
 *
 *   QUERY_PCI, QUERY_VERSION	no arguments
 *   DEVICE_ADD			device
 *   DEVICE_DEL, NETDEV_DEL,	id
 *   DRIVE_DEL
 *   NETDEV_ADD			netdev
 *   DRIVE_ADD			drive
 *   GETFD			name, fd: pass fd to QEMU (SCM_RIGHTS, unix
 *				sockets only) under name; fd is dup()ed at
 *				once and the caller keeps its own
 *   CLOSEFD			name
 *   WAIT_DELETED		id, timeout_ms: succeeds when device id is
 *				gone: QMP: the DEVICE_DELETED event whose
 *				data.device is id (also one already received
 *				in this session); HMP: id no longer in `info
 *				pci` (asked every MON_HMP_POLL_MS).  Fails
 *				with MONERR_TIMEOUT after timeout_ms, and
 *				over QMP at once with MONERR_OTHER when a
 *				DEVICE_UNPLUG_GUEST_ERROR for id arrives
 *				(it stays queued: mon_take_event); the
 *				connection stays usable.
 *   RAW			hmp and/or qmp: a command given as text, for
 *				whichever protocol the monitor speaks: hmp
 *				(one line, no control characters), qmp (a JSON
 *				object with "execute"; it is parsed and
 *				re-encoded).  Either may be NULL if that
 *				protocol is not wanted (the op then fails
 *				there with MONERR_BAD_ARGUMENT).  An HMP reply
 *				counts as a refusal only when it reads like
 *				an error (hmp_error_kind).
 */
struct mon_req {
	enum mon_op op;
	const struct moncmd_device *device;
	const struct moncmd_netdev *netdev;
	const struct moncmd_drive *drive;
	const char *id;
	const char *name;
	int fd;
	int timeout_ms;
	const char *hmp, *qmp;
	int pipe;	/* QMP: write it with the op before it
			 * (PIPELINING above) */
	const struct mon_pci_seen *seen;	/* MON_OP_QUERY_PCI: or NULL;
						 * copied by mon_add */
	int fixed;	/* MON_OP_RAW: hmp and qmp are constants of
			 * slotscope's own, already the lines sent (HMP's
			 * with its "\n", QMP's compact with its "\n" and
			 * no id): used as they are, not checked, copied or
			 * re-encoded (a refresh's qom-list, anon.c) */
	mon_kids_fn kids;	/* MON_OP_RAW, or NULL: over QMP its "return"
				 * value's bytes (len of them, no NUL) are
				 * first given to kids(), which reads them in
				 * place: 0 (what it took in k) makes the
				 * result's kids (kids_ok, no text); -1 leaves
				 * the reply to the text as ever (a form the
				 * reader does not take, or too many) */
};

/* Queue an operation; returns its index (for mon_result) or -1 with e set
 * when the arguments are refused. */
int mon_add(struct mon *m, const struct mon_req *req, struct err *e);

/* Start the session (non-blocking connect).  Harmless when already
 * started.  Returns the status (MON_FAILED when the connect failed at
 * once). */
enum mon_status mon_start(struct mon *m);
/* mon_start() with the caller's clock_mono_ms() (as mon_step_at): the
 * greeting's deadline counts from it, without a clock read. */
enum mon_status mon_start_at(struct mon *m, int64_t now);
int mon_fd(const struct mon *m);
short mon_poll_events(const struct mon *m);
int mon_timeout_ms(const struct mon *m);
/* What mon_timeout_ms counts down to, as a time (clock_mono_ms), without
 * reading the clock: 0 when the mon wants a step at once (a task queued
 * while idle), -1 when it has no deadline. */
int64_t mon_due_ms(const struct mon *m);
enum mon_status mon_step(struct mon *m, short revents);
/* Take the session's buffers from pl and give them back to it when the
 * session ends (qemu/monpool.h; NULL: malloc and free them), for a
 * caller that runs many sessions one after another.  pl must outlive
 * m's use of it: until m is freed, reset or given another pool. */
struct monpool;
void mon_set_pool(struct mon *m, struct monpool *pl);
/* mon_step() with the caller's clock_mono_ms() of this wakeup (a loop
 * stepping many sessions reads the clock once, not once a session); the
 * deadlines this step sets and checks use it. */
enum mon_status mon_step_at(struct mon *m, short revents, int64_t now);
enum mon_status mon_status(const struct mon *m);

enum mon_proto mon_protocol(const struct mon *m);	/* after the banner */
const char *mon_endpoint(const struct mon *m);		/* canonical text */
size_t mon_nresults(const struct mon *m);
const struct mon_result *mon_result(const struct mon *m, int op);
/* Move op's pci_info to *out (the caller frees it); 0, 1 when the reply
 * was the one seen (mon_pci_seen: *out untouched, the caller's earlier
 * parse stands), or -1 if the op is not a successful query. */
int mon_take_pci(struct mon *m, int op, struct pci_info *out);
/* Transport failure: its kind and message (MONERR_NONE if none). */
enum monerr_kind mon_error(const struct mon *m, struct err *e);
/* The oldest queued QMP event (the caller json_decref()s it), or NULL. */
json_t *mon_take_event(struct mon *m);

/* --- blocking wrapper ------------------------------------------------- */

/* Start if needed and drive the session with poll() until it is IDLE, DONE
 * or FAILED.  0 when it got there without transport failure (ops may still
 * have failed: see their results); -1 with e set otherwise. */
int mon_run(struct mon *m, struct err *e);

/* One operation, run to its end over a connection that stays open (call
 * mon_close() or mon_free() when done): 0, or -1 with e set (QEMU's text
 * or the transport error) and the kind in mon_last_kind().  When res is
 * not NULL it receives the op's result, also on failure (a refused
 * request: ok = 0, kind MONERR_BAD_ARGUMENT); its pci and text are then
 * the caller's: mon_result_free() frees them. */
int mon_do(struct mon *m, const struct mon_req *req, struct mon_result *res,
    struct err *e);
/* Free what a result from mon_do() owns (pci, text); it stays usable. */
void mon_result_free(struct mon_result *r);
/* Kind of the last mon_do() failure (MONERR_NONE after success). */
enum monerr_kind mon_last_kind(const struct mon *m);

#endif
