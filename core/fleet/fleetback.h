/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetback.h - the one interface of the fleet's backends, as redis's
 * ae.c has one for epoll, kqueue and select: every instance has a backend
 * (instance.back), and the fleet drives them all through this table.
 *
 *   FLEET_BACK_MONITOR  the QEMU monitor at the instance's endpoint, one
 *                       session per refresh (fleet.c, the engine it always
 *                       was)
 *   FLEET_BACK_LIBVIRT  a libvirt connection's domains (fleetvirt.c)
 *   FLEET_BACK_AGENT    hosts over ssh, `slotscope --agent` there
 *                       (fleetagent.c)
 *
 * A backend's refresh() starts (or queues) the refresh of one instance
 * whose `refreshing` fleet.c has just set; start() runs once after a batch
 * of refresh() calls (the monitor opens its queued sessions there).
 * pollfds() fills what it waits for and lowers *timeout_ms to its nearest
 * deadline; step() advances with what poll() returned (it finds its own
 * fds in pfd[0..n) by value) and expires deadlines; npending() is how many
 * pollfds it may fill beyond its sessions under way (the fleet adds the
 * refreshing instances).  cancel() abandons instance i's refresh under
 * way (fleet.c has cleared `refreshing`).  load_rt() is instance i's
 * runtime view (store_load's for the monitor); view() its states now
 * against rt (NULL: fleet_view's reconciliation).  owners() names who owns
 * instance i's devices and kept slots in its slot views (slot_view.owner,
 * core/mgr's vocabulary), before the manager's overlay; without it,
 * mgr_apply's (slotscope for the runtime file's devices).  free()
 * releases the backend's sources.  A NULL entry does nothing.
 *
 * The kinds are fleet.h's (enum fleet_back_kind); this table is not for
 * other modules than core/fleet.
 */
#ifndef SLOTSCOPE_FLEETBACK_H
#define SLOTSCOPE_FLEETBACK_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "fleet/fleet.h"	/* enum fleet_back_kind */

struct fleet;
struct slot_view;
struct store_rt;

struct fleet_backend {
	const char *name;
	void (*refresh)(struct fleet *f, size_t i);
	void (*start)(struct fleet *f, double now);
	size_t (*pollfds)(struct fleet *f, struct pollfd *pfd, size_t max,
	    int *timeout_ms);
	void (*step)(struct fleet *f, const struct pollfd *pfd, size_t n,
	    double now);
	size_t (*npending)(const struct fleet *f);
	void (*cancel)(struct fleet *f, size_t i);
	int (*load_rt)(const struct fleet *f, size_t i, struct store_rt *rt,
	    struct err *e);
	uint32_t (*view)(const struct fleet *f, size_t i,
	    const struct store_rt *rt, struct slot_view out[32]);
	void (*owners)(const struct fleet *f, size_t i, struct slot_view *v);
	void (*free)(struct fleet *f);
};

extern const struct fleet_backend fleet_backend_monitor;	/* fleet.c */
extern const struct fleet_backend fleet_backend_libvirt;	/* fleetvirt.c */
extern const struct fleet_backend fleet_backend_agent;	/* fleetagent.c */

/* The table, indexed by enum fleet_back_kind (fleetback.c). */
extern const struct fleet_backend *const fleet_backends[FLEET_BACK_N];

/* Instance i's backend (the monitor's for an index out of range). */
const struct fleet_backend *fleet_backend_of(const struct fleet *f,
    size_t i);

#endif
