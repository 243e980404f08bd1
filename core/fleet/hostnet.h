/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hostnet.h - the host side of a NIC's tap backend: does the tap exist,
 * open it (one fd per queue) to pass to QEMU, and put it on a Linux
 * bridge and up, or take it off again -- what Ganeti's kvm-vif-bridge
 * does with `ip link set TAP master BR up`, here through ioctls
 * (TUNSETIFF, SIOCBRADDIF / SIOCBRDELIF, SIOCSIFFLAGS) and /sys/class/net,
 * never a shell.
 *
 * A tap backend names an existing tap unless the operator asks for one to
 * be created: a mistyped name must not silently become a fresh tap that
 * is down and on no bridge.  vhost needs /dev/vhost-net: QEMU 7.2 aborts
 * (an assertion in net_client_init1) when vhost=on meets fds= and the
 * device cannot be opened, so that is checked here first.
 *
 * Everything needs CAP_NET_ADMIN; errors say which step failed and why.
 * Nothing is allocated; fds returned are the caller's to close.
 */
#ifndef SLOTSCOPE_HOSTNET_H
#define SLOTSCOPE_HOSTNET_H

#include <stddef.h>

#include "base/err.h"

/* 1: NAME is a tap device; 0: no such interface; -1 (e set): it exists
 * but is not a tap (a bridge, a NIC), or sysfs cannot be read. */
int hostnet_tap_exists(const char *name, struct err *e);
/* 0 when BR is a Linux bridge, else -1 with why. */
int hostnet_bridge_check(const char *br, struct err *e);
/* The bridge NAME is on ("" when none) into out. */
int hostnet_master(const char *name, char *out, size_t outsz);

/* Open tap NAME queues times (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, plus
 * IFF_MULTI_QUEUE when queues > 1), creating it only when create is set:
 * fds[0..queues-1], or -1 with e set and nothing left open. */
int hostnet_open_tap(const char *name, int queues, int create, int *fds,
    struct err *e);

/* Put tap on bridge br and bring it up / take it off br.  Detaching a tap
 * that is gone or no longer on br is not an error. */
int hostnet_attach(const char *tap, const char *br, struct err *e);
int hostnet_detach(const char *tap, const char *br, struct err *e);

/* 0 when /dev/vhost-net can be opened, else -1 with why. */
int hostnet_vhost_check(struct err *e);

#endif
