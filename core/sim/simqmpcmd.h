/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simqmpcmd.h - the commands of the simulator's QMP (used by simqmp.c):
 * a table of name, argument spec and handler in simqmpcmd.c, and the
 * reply objects QEMU 7.2 sends.  Every json_t returned is new and owned
 * by the caller.
 */
#ifndef SLOTSCOPE_SIMQMPCMD_H
#define SLOTSCOPE_SIMQMPCMD_H

#include <jansson.h>

#include "sim/simmon.h"

/* {"error": {"class": ..., "desc": ...}} */
json_t *simqmp_error(enum simdev_ecls cls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* {"return": ret} (ret taken over; NULL = {}) */
json_t *simqmp_ok(json_t *ret);
/* The "qemu"/"package" version object of query-version and the greeting. */
json_t *simqmp_version(void);

/* Check arguments against a spec "name:s,other:i?" (s string, i int,
 * b bool, a anything; ? optional): NULL when fine, else the error reply
 * QEMU gives for the first problem. */
json_t *simqmp_check_args(json_t *args, const char *spec);

/* Set in *flags: the caller completes every pending unplug after writing
 * the reply (system_reset; QEMU deletes the devices of a reset then). */
#define SIMQMP_UNPLUGS_AFTER 1

/* Run one command of a negotiated session (args an object); the reply,
 * and in *flags what the caller must do after writing it. */
json_t *simqmp_command(struct simmon_ctx *c, const char *name,
    json_t *args, int *flags);

#endif
