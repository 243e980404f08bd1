/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetvirt.h - the fleet's libvirt backend: each libvirt connection
 * (core/virt/virtsrc.h) gives the fleet one instance per running domain,
 * named after the domain, endpoint "libvirt:URI", protocol "libvirt".
 * Its slots come from the live domain XML (domxml.h): devices are libvirt's
 * (owner libvirt), the reservations those of libvirt's address rules.
 * There is no monitor socket and no runtime file for such an instance.
 *
 * A snapshot from a source (a periodic refresh, a refresh asked for, or a
 * domain event: lifecycle, device added/removed, removal failed) is
 * applied in fleet_step: known domains are published (fleet_publish), new
 * ones added, ones no longer running shown unreachable ("not running").
 * A connection that fails shows all its instances unreachable with
 * libvirt's own message.
 *
 * The fleet drives it as fleet_backend_libvirt (fleetback.h);
 * fleet_add_libvirt is public.
 * Memory: the fleet owns its sources; fleet_free frees them.
 */
#ifndef SLOTSCOPE_FLEETVIRT_H
#define SLOTSCOPE_FLEETVIRT_H

#include <poll.h>
#include <stddef.h>

#include "base/err.h"

struct fleet;

/* Connect to URI (NULL or "": libvirt's default, virtsrc_default_uri) and
 * add its running domains, waiting up to wait_ms for its first answer:
 * a connection that fails or does not answer in time is an error in
 * libvirt's words, and nothing is added.  interval: seconds between
 * periodic refreshes.  Returns the number of domains added. */
int fleet_add_libvirt(struct fleet *f, const char *uri, double interval,
    int wait_ms, struct err *e);

/* Changes to libvirt instance i through its connection (block until
 * libvirt answers; failures in libvirt's words).  attach: the device XML
 * as libvirt takes it.  detach: the device with this alias; returns 1
 * when libvirt reported it removed within wait_ms, 0 when the removal is
 * pending (the slot shows unplugging until libvirt reports it removed or
 * failed), -1 on failure (also a removal libvirt reported failed). */
int fleet_libvirt_attach(struct fleet *f, size_t i, const char *xml,
    int persist, struct err *e);
int fleet_libvirt_detach(struct fleet *f, size_t i, const char *alias,
    int persist, int wait_ms, struct err *e);
/* The disk target names libvirt's view of i uses ("vda"...), for a new
 * disk's; and the device at slot of libvirt's bus number bus (0 the root
 * bus; a controller's index) -- its alias, element, MAC -- or NULL. */
struct domxml_dev;
const struct domxml_dev *fleet_libvirt_dev_at(const struct fleet *f,
    size_t i, int bus, int slot);
int fleet_libvirt_free_target(const struct fleet *f, size_t i, char *out,
    size_t sz, struct err *e);

#endif
