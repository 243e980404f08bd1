/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hotplug.h - the hotplug and unplug flows: one monitor connection (core/qemu,
 * HMP or QMP alike) and the runtime store's lock held across each
 * read-modify-write.
 *
 * hotplug_add():  lock the runtime file; connect; query the live bus (and
 *   QOM, when a bridge is unnumbered: qemu/qom.h); pick the place
 *   (places.h: on pc the root bus's lowest free unreserved slot, then the
 *   bridges'; on q35 the lowest free root port, at slot 0; bus= and slot=
 *   choose, and are checked: reservations AND the live tree AND the
 *   runtime's devices); build the id (devid_format_at: the bus is in it
 *   off the root bus); add the backend (netdev_add user|tap, or drive_add /
 *   blockdev-add); add the device at bus=pci.0 (or the bridge's id),
 *   addr=0xN; query again to confirm the id is live at that place; only
 *   then persist (with its "bus").  Any failure removes what was
 *   added (netdev_del / drive_del / blockdev-del, device_del) and leaves the
 *   runtime file untouched; the message is one line with QEMU's reason.
 *   Backend names: netdev "hostnet-<uuid8>-pci-N", drive / node
 *   "drive-<uuid8>-pci-N", tap fd "fd-<uuid8>-pci-N" (unique because the id
 *   is unique while its slot is held).
 *
 * hotplug_del():  the start of the unplug lifecycle, which unplug.h owns
 *   (and unplug.c implements hotplug_del): lock; find the runtime device by
 *   id or slot; device_del; persist `unplugging` (lock released); wait (same
 *   connection) for QEMU's confirmation: QMP DEVICE_DELETED with
 *   data.device == id, HMP the id gone from `info pci`.  Confirmed: the
 *   completion is recorded by unplug_complete (lock again, backend removed,
 *   device dropped, freeing its slot and id).  Not confirmed within wait_ms
 *   (a guest that does not answer, or wait_ms == 0): the device stays
 *   `unplugging`, its slot and id stay taken, and a later refresh reports
 *   it done for unplug_record_reported to record.  That is a normal
 *   outcome, not an error.
 *
 * Nothing is allocated for the caller; results go to caller-owned structs.
 */
#ifndef SLOTSCOPE_HOTPLUG_H
#define SLOTSCOPE_HOTPLUG_H

#include "base/err.h"
#include "store/store.h"

struct mon;

#define HOTPLUG_LOCK_MS 10000	/* default wait for the store lock */
#define HOTPLUG_GREET_MS 2000	/* default connect + banner deadline */
#define HOTPLUG_DEFAULT_NIC "virtio-net-pci"
#define HOTPLUG_DEFAULT_DISK "virtio-blk-pci"

struct hotplug_target {
	const char *inst;		/* instance name = runtime file name */
	const char *endpoint;		/* its monitor: unix:PATH, tcp:H:P */
	const char *runtime_dir;
	const char *state_dir;		/* the reservation seeds (store.h);
					 * NULL or "" = the runtime dir */
	int lock_ms;			/* 0 = HOTPLUG_LOCK_MS */
	int greet_ms;			/* 0 = HOTPLUG_GREET_MS */
	int op_ms;			/* per command; 0 = core/mon default */
	const char *audit_log;		/* where journal resolutions are
					 * logged; NULL or "" = nowhere */
	const char *audit_syslog;	/* and the syslog socket they also go
					 * to; NULL or "" = none */
	/* called by hotplug_connect() as a flow (having taken the lock)
	 * opens its monitor session, or NULL: a background runner learns
	 * that the instance's monitor is taken from now on */
	void (*on_connect)(void *arg);
	void *on_connect_arg;
	/* or NULL: when hotplug_add() succeeds, its open session goes to
	 * this idle one (mon_hand_over; fleet_session) instead of being
	 * closed, so that the caller's refresh of the instance reads over
	 * it, its query-pci answered by the flow's confirming one; the lock
	 * is released after the hand-over as after a close */
	struct mon *handover;
	/* with handover, or NULL: given, after the hand-over of a bus, the
	 * reply to the anonymous devices' qom-list (qemu/anon.h) the flow
	 * sent with its confirming query-pci (one write), for the refresh
	 * to use instead of asking again (fleet_session_anon) */
	void (*handed_anon)(void *arg, const char *text);
	void *handed_anon_arg;
	/* or NULL: the runtime file's parse cache of the caller's fleet
	 * (fleet.rtc), which the locked read takes over */
	struct store_cache *cache;
};

enum hotplug_type { HOTPLUG_NIC, HOTPLUG_DISK };

struct hotplug_req {
	enum hotplug_type type;
	char uuid[40];			/* "" = generate a random (v4) uuid */
	int slot;			/* -1 = the first free slot */
	char bus[128];			/* "" = by the rule; else a bridge's
					 * id, its place ("5"), or the root
					 * bus ("0", "pci.0", "pcie.0") */
	/* nic */
	enum store_backend_kind backend;	/* STORE_BK_USER or _TAP */
	char tap[16];			/* tap interface name */
	char mac[18];			/* "" = generate 52:54:00:xx:xx:xx */
	char model[32];			/* QEMU driver; "" = virtio-net-pci */
	/* nic, the keys of hpopts.c */
	int create;			/* create=on: make the tap if missing */
	char bridge[16];		/* bridge=BR: put the tap on BR, up */
	int vhost;			/* vhost=on */
	int queues;			/* queues=N (0 = 1) */
	/* disk */
	char path[1024];		/* absolute after hotplug_req_check */
	char format[16];		/* format=, else the header's format */
	int readonly;			/* readonly=on */
	char cache[16], aio[16];	/* cache=, aio= ("" = QEMU's default) */
	char discard[8];		/* discard= */
	char serial[24];		/* serial= */
	int force;			/* force=on / --force: format=raw on a
					 * file whose header says otherwise */
	/* found by hotplug_req_check */
	char protocol[16];		/* "file" or "host_device" */
	char probed[16];		/* the format the header says */
	/* which keys were given (a key given twice is refused) */
	unsigned given, given2;
};

void hotplug_req_init(struct hotplug_req *r, enum hotplug_type type);
/* "nic" / "disk" -> type; -1 with a message naming both. */
int hotplug_parse_type(const char *word, enum hotplug_type *out,
    struct err *e);
/* Apply one KEY=VALUE word (nic: backend mac model bridge create vhost
 * queues uuid slot bus; disk: path format readonly cache aio discard
 * serial force uuid slot bus).  Every value is checked here: one line says
 * what was
 * expected. */
int hotplug_req_set(struct hotplug_req *r, const char *word, struct err *e);
/* Final checks (disk: path given, and made absolute: QEMU's working
 * directory is not ours; the file must exist; its protocol driver from
 * what it is and its format from its header, hpopts_check_disk; nic:
 * the tap exists unless create=on, the bridge is one, hpopts_check_nic). */
int hotplug_req_check(struct hotplug_req *r, struct err *e);

/* The keys and checks of the backend options (hpopts.c).  hpopts_set:
 * 1 when key is one of them (applied), 0 when it is not, -1 when its
 * value is refused. */
int hpopts_set(struct hotplug_req *r, const char *key, const char *v,
    struct err *e);
int hpopts_check_disk(struct hotplug_req *r, struct err *e);
int hpopts_check_nic(struct hotplug_req *r, struct err *e);

/* Checks of single values. */
int hotplug_check_mac(const char *s, struct err *e);	/* unicast */
int hotplug_check_driver(const char *s, struct err *e);
int hotplug_check_ifname(const char *s, struct err *e);
/* A random version-4 uuid (from getrandom(2), base/rnd.h) into out[37]. */
int hotplug_gen_uuid(char out[37], struct err *e);
/* A random locally administered QEMU-style MAC 52:54:00:xx:xx:xx. */
int hotplug_gen_mac(char out[18], struct err *e);

/* A blocking session to t's monitor (connected at its first op, kept
 * open between ops); the caller mon_free()s it. */
struct mon *hotplug_connect(const struct hotplug_target *t, struct err *e);
/* t's wait for the store lock: lock_ms, or HOTPLUG_LOCK_MS. */
int hotplug_lock_ms(const struct hotplug_target *t);

/* Add a device; on success *out is the device as persisted. */
int hotplug_add(const struct hotplug_target *t, const struct hotplug_req *r,
    struct store_dev *out, struct err *e);

enum hotplug_del_result {
	HOTPLUG_DELETED = 0,		/* confirmed, slot free, persisted */
	HOTPLUG_PENDING = 1,		/* `unplugging` persisted */
	HOTPLUG_REFUSED = 2,		/* the guest refused (QMP
					 * DEVICE_UNPLUG_GUEST_ERROR): the
					 * device is `plugged` again */
};
/* Unplug the runtime device named by what (its id, or a slot number);
 * wait_ms: how long to wait for QEMU's confirmation (0 = do not wait).
 * Returns HOTPLUG_DELETED or HOTPLUG_PENDING (with *out the device), or -1
 * with e set when nothing was changed (or, rarely, a later step failed:
 * the message says what state is persisted). */
int hotplug_del(const struct hotplug_target *t, const char *what,
    int wait_ms, struct store_dev *out, struct err *e);

#endif
