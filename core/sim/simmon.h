/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simmon.h - what the simulator's two monitors share: the QEMU version
 * they claim, the context that ties one command to one machine, and the
 * QMP events (RESET, DEVICE_DELETED) that both of them can cause.
 *
 * The monitors themselves, without sockets and byte for byte as QEMU 7.2
 * writes them: simecho.h (HMP's readline echo), simhmp.h (HMP commands),
 * simqmp.h (the QMP stream and commands), simjson.h (QMP's JSON text).
 * The server (sim.c) feeds client bytes in and sends what comes out;
 * output goes to a caller-owned struct strbuf (base/strbuf.h).
 */
#ifndef SLOTSCOPE_SIMMON_H
#define SLOTSCOPE_SIMMON_H

#include <stddef.h>
#include <stdint.h>

#include "sim/simdev.h"

#define SIMMON_VERSION_MAJOR 7
#define SIMMON_VERSION_MINOR 2
#define SIMMON_VERSION_MICRO 22
#define SIMMON_PACKAGE "Debian 1:7.2+dfsg-7+deb12u18+b3"
#define SIMMON_PROMPT "(qemu) "

/* What a command may do besides printing. */
struct simmon_ctx {
	struct simdev_machine *m;
	int64_t now_ms;			/* monotonic, for unplug deadlines */
	int fd;				/* fd received with the command, or -1;
					 * getfd takes it (sets -1) */
	int quit;			/* set by quit: the instance exits */
	/* An event for the QMP client (RESET, DEVICE_DELETED): the whole
	 * line, "\r\n" included.  May be NULL. */
	void (*event)(void *arg, const char *line, size_t len);
	void *event_arg;
};

/* Run due guest unplug acks (or all pending ones, as system_reset does),
 * emitting DEVICE_DELETED events through c->event. */
void simmon_complete_unplugs(struct simmon_ctx *c, int all);

/* Emit one event with the current wall-clock timestamp; data is a JSON
 * object text already in QEMU's key order, or NULL. */
void simmon_event(struct simmon_ctx *c, const char *name, const char *data);

/* system_reset: the RESET event, then the deletion of every device whose
 * unplug is pending.  Over HMP (from_qmp 0) the deletions follow at once;
 * over QMP the caller runs them after its reply, as QEMU does. */
void simmon_system_reset(struct simmon_ctx *c, int from_qmp);

#endif
