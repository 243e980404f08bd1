/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetcount.h - the fleet's count of instances refreshing
 * (f->nrefreshing, which fleet_npending and fleet_refresh_wait use
 * without a walk) checked against a walk of its instances, for the
 * suites whose refreshes go through several backends (check_hosts,
 * check_libvirt).
 */
#ifndef SLOTSCOPE_FLEETCOUNT_H
#define SLOTSCOPE_FLEETCOUNT_H

#include "fleet/fleet.h"

/* f->nrefreshing is the number of f's instances refreshing, walked (a
 * check). */
void tu_fleet_count_ok(const struct fleet *f);

#endif
