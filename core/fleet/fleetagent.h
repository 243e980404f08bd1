/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetagent.h - the fleet's third backend: hosts reached over OpenSSH,
 * each through one long-lived `ssh NODE slotscope --agent` child that
 * speaks agentproto.h on its stdin and stdout.
 *
 * A host's instances are named HOST/NAME (NAME the node's own name); all
 * that touches them -- the monitor, the runtime file and its lock, disk
 * paths, taps, the node's managers -- stays on the node, where the agent
 * runs them with its own fleet, exactly as a local run there would.  The
 * workstation keeps the views the agent reports (their slots, buses,
 * capacity, the root bus's functions) and sends commands for them
 * (fleet_agent_command).
 *
 * The ssh child is started with BatchMode (no prompt), ConnectTimeout and
 * ServerAliveInterval; ~/.ssh/config (or the host's ssh_config, `-F`)
 * applies.  It is started on the first refresh, reused for every refresh
 * and command, and started again at a refresh after it died.  Nothing
 * blocks: its pipes are non-blocking and polled with the monitors'.  The
 * agent sends a beat line while it works, so a host silent for
 * monitor_timeout_ms (fleet.h) is unreachable then -- its ssh is killed,
 * its rows say why -- while the other hosts go on.  Why it failed is said
 * in words: ssh's own last line, "slotscope is not installed on NODE"
 * (exit status 127), an agent speaking another protocol version.
 *
 * Memory: the fleet owns its hosts; fleet_free ends their ssh children.
 */
#ifndef SLOTSCOPE_FLEETAGENT_H
#define SLOTSCOPE_FLEETAGENT_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "fleet/agentproto.h"

struct fleet;

#define FLEET_MAX_HOSTS 64

/* ssh://[user@]node[:port] from (buf, len) into its parts (user "" for
 * ssh's default, port 0 for ssh's).  node: a host name or address,
 * letters, digits, '.', '-', ':' inside [...] for IPv6. */
int fleet_host_parse_url(const char *buf, size_t len, char *user,
    size_t usz, char *node, size_t nsz, int *port, struct err *e);

/* Add host name (store_check_name's rules) at url; ssh_config: a file
 * for ssh -F, NULL or "" for ssh's own.  Nothing is started yet.
 * Returns its index. */
int fleet_add_host(struct fleet *f, const char *name, const char *url,
    const char *ssh_config, struct err *e);

/* Connect every host and read its instances, waiting up to wait_ms in
 * all; a host that fails keeps its error (fleet_host_error) and is tried
 * again at the next refresh.  Returns how many hosts answered. */
int fleet_hosts_wait(struct fleet *f, int wait_ms);

size_t fleet_nhosts(const struct fleet *f);
const char *fleet_host_name(const struct fleet *f, size_t h);
/* Its address as given (ssh://...). */
const char *fleet_host_url(const struct fleet *f, size_t h);
/* Why host h is unreachable now, "" when it answered last. */
const char *fleet_host_error(const struct fleet *f, size_t h);
/* How many instances host h has in the fleet (0: it never answered, or
 * has none). */
size_t fleet_host_ninst(const struct fleet *f, size_t h);
/* How many ssh children host h has had (one while it stays up). */
int fleet_host_spawns(const struct fleet *f, size_t h);
/* Its ssh child now, 0 when none. */
pid_t fleet_host_pid(const struct fleet *f, size_t h);

/* Run command line on agent instance i's node: the instance's word is
 * already the node's name in line.  Blocks until the agent replies (it
 * beats while it works; silence for the monitor timeout fails).  r holds
 * the reply (free it with agentproto_reply_free, also on failure). */
int fleet_agent_command(struct fleet *f, size_t i, const char *line,
    int unplug_wait_ms, struct agentproto_reply *r, struct err *e);
/* The node's own name of agent instance i (after "HOST/"). */
const char *fleet_agent_node_name(const struct fleet *f, size_t i);

#endif
