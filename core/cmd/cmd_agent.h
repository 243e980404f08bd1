/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_agent.h - `slotscope --agent`: the node's end of the agent protocol
 * (fleet/agentproto.h) on a pair of fds, normally stdin and stdout under
 * sshd.  It serves the fleet the node's own sources gave (tui/main.c
 * builds it as batch mode would), so that monitors, runtime files and
 * their lock, disk paths and taps are all this node's: a refresh answers
 * every instance's view in cmd_json's vocabulary; a command runs with
 * cmd_exec as batch mode runs it, its audit line in the node's log.
 *
 * Each request runs on a worker thread while this one writes a beat line
 * every beat_ms, so the other end can tell a slow QEMU from a host that
 * is gone.  The fleet is touched by one thread at a time.
 */
#ifndef SLOTSCOPE_CMD_AGENT_H
#define SLOTSCOPE_CMD_AGENT_H

#include "base/err.h"
#include "fleet/fleet.h"

/* Say hello on out, then answer requests from in until it ends (0) or a
 * request line is beyond AGENTPROTO_LINE_MAX or out fails (-1). */
int cmd_agent_serve(struct fleet *f, const char *audit_log, int in, int out,
    struct err *e);

#endif
