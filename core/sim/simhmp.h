/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simhmp.h - the simulator's HMP: QEMU 7.2's banner, command lookup and
 * argument parsing, and its reply texts for the commands slotscope uses
 * (device_add/del, netdev_add/del, drive_add/del, getfd/closefd,
 * qom-list, info pci/status/version, system_reset, quit, help).
 *
 * The commands are one table in simhmp.c: name, argument spec, handler,
 * help line.  Typing and echo are simecho.h's; the server joins them.
 */
#ifndef SLOTSCOPE_SIMHMP_H
#define SLOTSCOPE_SIMHMP_H

#include "base/strbuf.h"
#include "sim/simmon.h"

/* The banner a new HMP client receives (prompt included). */
void simhmp_banner(struct strbuf *out);

/* Run one command line; the reply text, with QEMU's "\r\n" line ends,
 * is appended to out (no prompt). */
void simhmp_execute(struct simmon_ctx *c, const char *line,
    struct strbuf *out);

#endif
