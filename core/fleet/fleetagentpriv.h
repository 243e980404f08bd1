/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetagentpriv.h - one host of the agent backend, shared by
 * fleetagent.c (its connection, its replies, the backend's table) and
 * fleetagentcmd.c (commands, the first wait, what callers may ask about a
 * host).  Not for other modules. */
#ifndef SLOTSCOPE_FLEETAGENTPRIV_H
#define SLOTSCOPE_FLEETAGENTPRIV_H

#include <poll.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "fleet/agentproto.h"
#include "fleet/fleetssh.h"

struct fleet;

#define CONNECT_S 5		/* ssh's ConnectTimeout, ServerAliveInterval */

struct fleethost {
	char name[64];
	char url[300];
	char user[64], node[256];
	int port;
	char config[1024];		/* ssh -F, "" */
	struct fleetssh ssh;
	int hello;			/* its hello was read */
	struct strbuf in, out;		/* read, not a line yet; to write */
	long next_id;
	long refresh_id;		/* the refresh in flight, 0 none */
	long cmd_id;			/* fleet_agent_command's, 0 none */
	int cmd_done;			/* 1 replied (cmd_reply), -1 failed */
	struct agentproto_reply cmd_reply;
	int want;			/* a refresh was asked for */
	int64_t deadline;		/* mono ms; 0 none */
	int64_t last_try;		/* mono ms of the last ssh start */
	int spawns;
	int answered;			/* a refresh of it was read once */
	char error[512];
};

/* fleetagent.c: the host of agent instance i (NULL when it is none);
 * start host h's ssh; queue a request line (taken over);
 * write, read and handle what came, and expire the deadline; host h's
 * pollfds (at most 3) into pfd, lowering *timeout_ms; the backend's
 * start(); the silence allowed and the beat asked for. */
struct fleethost *fleetagent_host_of(const struct fleet *f, size_t i);
void fleetagent_connect(struct fleet *f, struct fleethost *h, double now);
void fleetagent_send(struct fleet *f, struct fleethost *h, char *line,
    double now);
void fleetagent_io(struct fleet *f, struct fleethost *h, double now);
size_t fleetagent_pollfds(struct fleethost *h, struct pollfd *pfd,
    int *timeout_ms);
void fleetagent_start(struct fleet *f, double now);
int fleetagent_silence_ms(const struct fleet *f);
/* fleetagentcmd.c, for fleet_find: a bare NAME among the hosts'
 * HOST/NAME instances. */
struct err;
long fleetagent_find_bare(const struct fleet *f, const char *name,
    struct err *e);
int fleetagent_beat_ms(const struct fleet *f);

#endif
