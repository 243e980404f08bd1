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

/* Start connecting every host and ask each for its instances; returns
 * at once.  What comes is read by the fleet's poll loop (fleet_pollfds,
 * fleet_step): a host that answers gets its rows, one that fails or
 * stays silent for its connect deadline (ssh's ConnectTimeout and the
 * monitor timeout) is unreachable then, in the background, and is tried
 * again at a later refresh.  The screen starts on this. */
void fleet_hosts_connect(struct fleet *f);
/* fleet_hosts_connect, then wait until every host has answered or failed,
 * or wait_ms went by (wait_ms < 0: no limit but each host's own deadline,
 * so that a batch result is complete); a host that fails keeps its error
 * (fleet_host_error) and is tried again at the next refresh.  Returns
 * how many hosts answered. */
int fleet_hosts_wait(struct fleet *f, int wait_ms);

/* Where host h stands: connecting (it has not answered since it was
 * added, nor failed: its instances are unknown, not none), ok (its last
 * refresh was read), unreachable (fleet_host_error says why). */
enum fleet_host_state {
	FLEET_HOST_CONNECTING,
	FLEET_HOST_OK,
	FLEET_HOST_UNREACHABLE,
};
enum fleet_host_state fleet_host_state(const struct fleet *f, size_t h);
/* "connecting", "ok", "unreachable". */
const char *fleet_host_state_name(enum fleet_host_state s);

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
