/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store.h - the runtime store: one JSON file per instance that remembers
 * the instance's reservation map and every device slotscope placed.
 *
 * Layout in the runtime dir DIR (created 0700 when missing):
 *   DIR/INST.json   the runtime file (mode 0600), format below
 *   DIR/INST.lock   an empty lock file; never removed
 *   DIR/.INST.json.XXXXXX  short-lived temp files of a commit
 *
 * Why a separate lock file: a commit replaces INST.json by rename(), so a
 * flock() on INST.json would lock an inode that the next commit unlinks; a
 * waiter would then "own" a stale file while another writer locks the new
 * one.  INST.lock is never replaced, so flock() on it serialises every
 * read-modify-write of INST.json.
 *
 * Writes are atomic: temp file in DIR, write, fsync, rename over INST.json,
 * fsync DIR (the last one skipped only where a lost rename is harmless:
 * STORE_SYNC_DATA).  Readers never need the lock: they see the old or the new file.
 * A runtime file that does not parse is never overwritten: opening it fails
 * with a message telling the user to fix or move it.  Symlinks (the dir,
 * INST.json, INST.lock) are refused.  A missing INST.json is a fresh instance
 * with the default reservation (slots 0-3) and no devices, or, with a state
 * dir apart from the runtime dir, the reservations of its seed there:
 *   STATE/INST.json  the reservation seed (storeseed.c): a runtime file
 *                    with the map and no devices, written (atomically,
 *                    synced) only when the map changes
 *
 * JSON (format 1):
 *   {"format": 1, "instance": "web1",
 *    "reservations": "11110000000000000000000000000000",
 *    "devices": [{"id": "nic-6f1a2b3c-pci-5", "type": "nic",
 *      "uuid": "6f1a2b3c-...", "slot": 5, "state": "plugged",
 *      "driver": "virtio-net-pci", "mac": "52:54:00:12:34:56",
 *      "backend": {"kind": "user", "netdev": "hostnet-6f1a2b3c",
 *                  "tap": "", "path": "", "format": "", "drive": "",
 *                  and when set: "protocol": "host_device",
 *                  "read_only": true, "cache": "none", "aio": "native",
 *                  "discard": "unmap", "serial": "S", "bridge": "br0",
 *                  "created": true, "vhost": true, "queues": 4}}]}
 * A device behind a bridge also has "bus": its bus as devid.h writes it
 * ("5", "2.1"), and "slot" is its slot on that bus; without "bus" a device
 * is on the root bus (files written before bridges were known).
 * Unknown keys are ignored (a later format-1 writer may add some; a commit
 * here does not keep them); a newer "format" is refused.
 *
 * Format 2 adds the intent journal: "intents", the hotplugs and unplugs
 * under way (at most STORE_MAX_INTENTS), each what it is about to do and
 * the step it reached:
 *   "intents": [{"op": "hotplug", "step": "backend", "pid": 4711,
 *                "started": 1764582000, "device": {... as in "devices"}}]
 * A file with no intent is written as format 1, so an older slotscope
 * keeps reading it; format 1 files are read as having none.  An intent is
 * written under the lock before the operation's first monitor command
 * (store_save keeps the lock) and dropped in the commit that records the
 * result; one found while the lock is free belongs to a process that died,
 * and is resolved from what QEMU has (fleet/journal.h).
 *
 * Memory: struct store_rt owns its device array (store_rt_free).  A struct
 * store_txn is caller-owned (usually on the stack); store_commit() and
 * store_abort() both end it and free what it holds.
 */
#ifndef SLOTSCOPE_STORE_H
#define SLOTSCOPE_STORE_H

#include <stddef.h>

#include "base/err.h"
#include "model/devid.h"
#include "model/slotmap.h"

#define STORE_FORMAT 2		/* the newest format this code writes */
#define STORE_FORMAT_PLAIN 1	/* what a file without intents is written as */
#define STORE_MAX_INTENTS 4	/* operations under way in one file */
#define STORE_NAME_MAX 63	/* longest instance name (it is a file name) */
#define STORE_MAX_DEVICES 64	/* more in one file is refused as corrupt */
#define STORE_MAX_FILE (1 << 20)	/* a bigger runtime file is refused */

enum store_dev_state {
	STORE_DEV_PLUGGED,	/* device_add confirmed on the bus */
	STORE_DEV_UNPLUGGING,	/* device_del sent, removal not confirmed */
};

enum store_backend_kind {
	STORE_BK_NONE,		/* no backend recorded */
	STORE_BK_USER,		/* netdev user */
	STORE_BK_TAP,		/* netdev tap (fd passed with getfd) */
	STORE_BK_FILE,		/* a disk image: drive_add / blockdev-add */
};

struct store_backend {
	enum store_backend_kind kind;
	char netdev[64];	/* netdev id (nics), "" otherwise */
	char tap[16];		/* tap interface name (IFNAMSIZ), "" */
	char path[1024];	/* disk image path, "" */
	char format[16];	/* "raw", "qcow2", "" */
	char drive[64];		/* drive id / block node name, "" */
	/* what the backend was asked for (storeback.c; keys are only
	 * written when set, so a file without them reads as the defaults) */
	char protocol[16];	/* disk: "file" or "host_device", "" */
	int readonly;		/* disk: read-only node */
	char cache[16];		/* disk: cache mode, "" = QEMU's default */
	char aio[16];		/* disk: threads|native|io_uring, "" */
	char discard[8];	/* disk: ignore|unmap, "" */
	char serial[24];	/* disk: the guest-visible serial, "" */
	char bridge[16];	/* tap: the Linux bridge it was put on, "" */
	int created;		/* tap: created by slotscope (create=on) */
	int vhost;		/* tap: vhost=on */
	int queues;		/* nic: queue count, 0 = 1 */
};

struct store_dev {
	char id[128];		/* qdev id, e.g. nic-6f1a2b3c-pci-5 */
	char type[16];		/* "nic", "disk" (devid type) */
	char uuid[40];		/* canonical uuid or "" */
	char bus[DEVID_BUS_MAX];	/* "" = the root bus, or a bridge's
				 * place as devid.h writes it ("5", "2.1") */
	int slot;		/* 0..31, on that bus */
	enum store_dev_state state;
	char driver[32];	/* virtio-net-pci, virtio-blk-pci, "" */
	char mac[18];		/* 52:54:00:12:34:56 or "" */
	struct store_backend backend;
};

enum store_intent_op {
	STORE_OP_HOTPLUG,	/* add backend, then device */
	STORE_OP_UNPLUG,	/* device_del */
};

/* How far an operation got when its intent was written: the step is
 * written before its monitor command is sent, so QEMU may or may not have
 * done the step named, or the ones after it (a hotplug's intent is
 * written at "backend" only: the resolution goes by what QEMU has, so
 * advancing it would be a synced write that changes no outcome;
 * fleet/journal.h). */
enum store_intent_step {
	STORE_STEP_BACKEND,	/* hotplug: adding the backend, then the
				 * device */
	STORE_STEP_DEVICE,	/* hotplug: backend added, adding the device
				 * (read, as written by slotscope before
				 * 2026-12; resolved the same way) */
	STORE_STEP_DEL,		/* unplug: sending device_del */
};

struct store_intent {
	enum store_intent_op op;
	enum store_intent_step step;
	long pid;			/* who started it (for messages) */
	long long started;		/* wall clock, seconds since 1970 */
	struct store_dev dev;		/* device, backend and slot */
};

struct store_rt {
	char inst[STORE_NAME_MAX + 1];
	struct slotmap reserved;	/* the reservation map */
	struct store_dev *dev;		/* owned; ndev entries */
	size_t ndev, cap;
	int fresh;			/* 1: no file on disk (defaults) */
	struct store_intent intent[STORE_MAX_INTENTS];	/* the journal */
	size_t nintent;
};

/* One runtime file as last parsed (storecache.c): a read whose bytes are
 * the same as those is answered with a copy of what they parsed to,
 * without parsing again.  Caller-owned (store_cache_init, _free); one
 * file at a time. */
struct store_cache {
	char dir[4096];
	char inst[STORE_NAME_MAX + 1];
	char *text;			/* owned; NULL = empty */
	size_t len;
	struct store_rt rt;		/* owned: what text parsed to */
};

/* One locked read-modify-write.  Fields are the store's; use .rt. */
struct store_txn {
	struct store_rt rt;
	int dirfd, lockfd;		/* -1 when not open */
	char path[4096];		/* DIR/INST.json, for messages */
	int syncs;			/* fsync()s its writes made so far
					 * (tests and figures count them) */
	struct store_cache *cache;	/* store_open_locked_cached's, or
					 * NULL: each write leaves its text
					 * and rt (as read back) there */
	/* the reservation seed (store_open_seeded) */
	char state[4096];		/* the state dir, "" = one dir: the
					 * live file is its own seed */
	struct slotmap seedmap;		/* the map the seed holds (the
					 * default when there is none) */
	int seed_stale;			/* the seed holds devices or intents
					 * (an older slotscope's live file):
					 * rewrite it as the map alone */
	struct slotmap openmap;		/* t->rt's map when it was opened */
};

/* How durable a write is when it returns (store_save_sync). */
enum store_sync {
	STORE_SYNC_ALL,		/* the temp file and the directory: the new
				 * file survives a power cut */
	STORE_SYNC_DATA,	/* the temp file only, before its rename: the
				 * name never points at a file whose data a
				 * power cut lost, but the rename itself may
				 * be lost with it (the previous file is then
				 * read); the next STORE_SYNC_ALL write, or
				 * the kernel's own writeback, makes it
				 * durable.  Only for a write whose previous
				 * version a recovery resolves to the same
				 * state (a hotplug's result over its intent:
				 * fleet/journal.h) */
};

/* The two dirs (storedirs.c).  The runtime dir holds the live files
 * (INST.json with the devices and the journal, INST.lock), which die with
 * the QEMUs: default /run/slotscope for root (a tmpfs on Debian, so the
 * syncs of a hotplug are free), else $XDG_RUNTIME_DIR/slotscope when that
 * is set and absolute, else the state dir.  The state dir holds what
 * outlives a reboot: the reservation seeds (below), the audit log, the
 * history: default /var/lib/slotscope for root, else
 * $XDG_STATE_HOME/slotscope, else $HOME/.local/state/slotscope.
 * The _for rules take root and the environment as arguments (tests);
 * store_default_dir(_as) is the state dir's rule on the process's own
 * environment, store_default_run_dir the runtime dir's given the state dir
 * in effect (its fallback).  Each fails with a message naming the option
 * to give. */
int store_state_dir_for(int root, const char *xdg_state_home,
    const char *home, char *out, size_t outsz, struct err *e);
int store_run_dir_for(int root, const char *xdg_runtime_dir,
    const char *state_dir, char *out, size_t outsz, struct err *e);
int store_default_dir(char *out, size_t outsz, struct err *e);
int store_default_dir_as(int root, char *out, size_t outsz, struct err *e);
int store_default_run_dir(const char *state_dir, char *out, size_t outsz,
    struct err *e);

/* Instance names become file names: 1..63 characters of letters, digits,
 * '.', '_', '-', not starting with '.' or '-'. */
int store_check_name(const char *name, struct err *e);

const char *store_dev_state_name(enum store_dev_state s); /* "plugged" */
const char *store_backend_kind_name(enum store_backend_kind k); /* "user" */

/* A fresh runtime: default reservation (slots 0-3), no devices, no
 * intents (intent[] past nintent is left as it was: never read). */
void store_rt_init(struct store_rt *rt, const char *inst);
/* A hash under key of all rt says (storehash.c): equal runtimes, equal
 * hashes; different ones alike only by a 2^-64 chance. */
uint64_t store_rt_hash(const struct store_rt *rt, const uint64_t key[2]);
void store_rt_free(struct store_rt *rt);

/* The text of a runtime file (storejson.c).  Parse a runtime file from
 * (buf, len) into rt (initialised here; free with
 * store_rt_free even on failure).  Checks every field; any error names the
 * field. */
int store_parse(const char *buf, size_t len, struct store_rt *rt,
    struct err *e);
/* The JSON text of rt (malloc'd, NUL-terminated, ends in a newline). */
char *store_format(const struct store_rt *rt, struct err *e);

/* Read DIR/INST.json without locking (a refresh).  A missing dir or file
 * gives the defaults with rt->fresh = 1.  rt is initialised here; free it
 * with store_rt_free even on failure. */
int store_load(const char *dir, const char *inst, struct store_rt *rt,
    struct err *e);

/* Begin a read-modify-write: create DIR (0700) if needed, take the
 * exclusive lock on DIR/INST.lock (waiting up to timeout_ms; 0 = try once,
 * < 0 = wait forever), then load INST.json into t->rt.  On failure nothing
 * is held and t needs no cleanup. */
int store_open_locked(const char *dir, const char *inst, struct store_txn *t,
    int timeout_ms, struct err *e);
/* store_load and store_open_locked with a cache c (NULL = none): the
 * file is still read each time, and parsed unless its bytes are the ones
 * c holds.  A load fills c when c is empty or already holds this file (a
 * refresh of many instances leaves it to the first); a locked open
 * always takes c over (it is the file a command works on), and its
 * writes leave what they wrote there. */
int store_load_cached(struct store_cache *c, const char *dir,
    const char *inst, struct store_rt *rt, struct err *e);
int store_open_locked_cached(const char *dir, const char *inst,
    struct store_txn *t, int timeout_ms, struct store_cache *c,
    struct err *e);
/* The same with the reservation seed (storeseed.c): the live file and
 * its lock in run, the seed in state (NULL, "", or the same dir as run:
 * one dir, the live file is its own seed).  With no live file, a load or
 * an open reads the seed instead (rt->fresh stays 1), or takes an older
 * slotscope's file there whole (the migration: not fresh, and the open's
 * first write copies it into run).  A write whose map differs from the
 * seed's then also writes the seed (STORE_SYNC_ALL, after the live file);
 * it fails only when the map changed since the open. */
int store_load_seeded(struct store_cache *c, const char *run,
    const char *state, const char *inst, struct store_rt *rt,
    struct err *e);
int store_open_seeded(const char *run, const char *state, const char *inst,
    struct store_txn *t, int timeout_ms, struct store_cache *c,
    struct err *e);
void store_cache_init(struct store_cache *c);
void store_cache_free(struct store_cache *c);	/* empty again */
/* For store.c: 1 when c holds exactly buf[0..len) of dir/inst, rt then
 * replaced by a copy of what it parsed to; 0 otherwise (rt untouched).
 * put: remember buf and a copy of rt (as parsed from buf, or as it was
 * formatted into buf: the copy is then made what reading buf back gives,
 * store_cache_as_read), when take or c is empty or holds dir/inst
 * already; out of memory leaves c empty. */
int store_cache_get(const struct store_cache *c, const char *dir,
    const char *inst, const char *buf, size_t len, struct store_rt *rt);
void store_cache_put(struct store_cache *c, const char *dir,
    const char *inst, const char *buf, size_t len, const struct store_rt *rt,
    int take);
/* rt as store_parse would read back store_format's text of it: the
 * values the text does not keep are made what reading gives (flags 0 or
 * 1, one queue as 0, not fresh). */
void store_cache_as_read(struct store_rt *rt);

/* Write t->rt atomically, then release the lock and free t (also on
 * failure, when the old file is left as it was). */
int store_commit(struct store_txn *t, struct err *e);
/* Write t->rt atomically and keep the lock and t (a journal step): on
 * failure the old file is left as it was and t is still held.
 * store_save is store_save_sync(t, STORE_SYNC_ALL, e). */
int store_save(struct store_txn *t, struct err *e);
int store_save_sync(struct store_txn *t, enum store_sync how,
    struct err *e);
/* Remove INST.json again, keeping the lock: for a transaction on a fresh
 * instance (t->rt.fresh: there was no file) that wrote only its journal
 * and failed, so that it leaves no file behind. */
int store_discard(struct store_txn *t, struct err *e);
/* Release the lock and free t without writing. */
void store_abort(struct store_txn *t);

/* The backend's optional keys (storeback.c): read them from the JSON
 * object b into bk (absent keys keep bk's zero values), and add the ones
 * set in bk to b.  what names the object in messages. */
struct json_t;
int store_backend_parse_extra(struct json_t *b, struct store_backend *bk,
    const char *what, struct err *e);
void store_backend_extra_json(const struct store_backend *bk,
    struct json_t *b);

/* d's backend in one line into out ("" when it has none): a NIC's
 * "mac M  netdev N  tap T  bridge B  vhost  queues Q", a disk's
 * "PATH (FORMAT, PROTOCOL, read-only, cache C)". */
void store_backend_text(const struct store_dev *d, char *out, size_t sz);

/* The field rules of one device (id, type, uuid, bus, slot, state,
 * backend kind), shared by store_parse, store_format and store_add_dev. */
int store_check_dev(const struct store_dev *d, struct err *e);

/* Devices of a runtime. */
struct store_dev *store_find_id(const struct store_rt *rt, const char *id);
/* The device at root-bus slot `slot`, or NULL. */
struct store_dev *store_find_slot(const struct store_rt *rt, int slot);
/* The device at slot `slot` of bus `bus` ("" = root), or NULL. */
struct store_dev *store_find_place(const struct store_rt *rt,
    const char *bus, int slot);
/* Add a copy of d; refuses a bad field, a duplicate id or an occupied
 * place (every device keeps its bus and slot until its unplug is
 * confirmed). */
int store_add_dev(struct store_rt *rt, const struct store_dev *d,
    struct err *e);
/* Remove the device with this id; -1 if there is none. */
int store_remove_dev(struct store_rt *rt, const char *id, struct err *e);

const char *store_intent_op_name(enum store_intent_op o);	/* "hotplug" */
const char *store_intent_step_name(enum store_intent_step s); /* "backend" */
/* The journal of a runtime.  store_add_intent copies in (pid and started
 * filled here when 0) and returns its index, or -1 when the journal is
 * full or d's fields are bad; an intent for a device id already journaled
 * is refused. */
int store_add_intent(struct store_rt *rt, const struct store_intent *in,
    struct err *e);
struct store_intent *store_find_intent(const struct store_rt *rt,
    const char *id);
/* Drop the intent of device id (harmless when there is none). */
void store_drop_intent(struct store_rt *rt, const char *id);

#endif
