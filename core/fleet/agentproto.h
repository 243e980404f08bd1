/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agentproto.h - the line protocol between slotscope and `slotscope
 * --agent` on another host (docs/agent-protocol.md says it in prose).
 *
 * Every message is one JSON object on one line.  The agent speaks first:
 *
 *   {"slotscope": "agent", "protocol": 1, "version": "0.9"}
 *
 * then answers each request, in order, with one reply carrying the
 * request's id:
 *
 *   {"id": N, "op": "refresh"}
 *       -> {"id": N, "ok": true, "instances": [instance, ...]}
 *          each instance as `show --json` prints it (cmd_json.h)
 *   {"id": N, "op": "command", "line": "hotplug web nic",
 *    "unplug_wait_ms": MS}
 *       -> {"id": N, "ok": bool, "cmd": "hotplug"|null, "text": "...",
 *           "json": value|null, "as_json": bool}
 *   anything else -> {"id": N, "ok": false, "error": "..."}
 *
 * While it works on a request the agent sends {"beat": true} every
 * beat_ms (a request's key, default 200), so that silence means a host
 * that does not answer, not a slow QEMU.
 *
 * The version rule: AGENTPROTO_VERSION changes only when a message
 * changes in a way an older reader would misread; keys may be added
 * without a change and a reader ignores keys it does not know.  Both ends
 * must speak the same number.
 *
 * Everything the agent sends is untrusted: the parsers take (buf, len),
 * cut every string to its field, bound every count, and refuse what does
 * not have the types above with a one-line error.
 *
 * Memory: a reply owns its text, json and instances (each instance its
 * buses and live functions); free it with agentproto_reply_free.
 */
#ifndef SLOTSCOPE_AGENTPROTO_H
#define SLOTSCOPE_AGENTPROTO_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "fleet/fleet.h"

#define SLOTSCOPE_VERSION "0.1.0"	/* this slotscope's, as --version */
#define AGENTPROTO_VERSION 1
#define AGENTPROTO_LINE_MAX (16 * 1024 * 1024)	/* bytes in one message */
#define AGENTPROTO_MAX_INST 20000	/* instances in one refresh */

struct agentproto_hello {
	int protocol;
	char version[32];	/* the agent's slotscope version */
};

/* One instance as the agent reported it (its node's name). */
struct agentproto_inst {
	char name[64];
	char endpoint[256];
	char protocol[8];
	struct qemu_version version;
	enum inst_conn conn;
	char error[256];
	double last_read;		/* 0: never */
	struct slot_view slots[32];	/* the states now */
	struct slot_view last[32];	/* unread: the states at last_read */
	int has_last;
	int capacity;			/* -1: not known */
	struct inst_bus *bus;		/* malloc'd, nbus */
	size_t nbus;
	struct pci_info live;		/* the root bus's functions */
};

struct agentproto_reply {
	int beat;		/* a beat line ({"beat": true}), nothing else */
	long id;
	int ok;
	char error[512];	/* a refused request's error, "" */
	char cmd[32];		/* the command that ran, "" */
	char *text;		/* malloc'd, "" when none */
	json_t *json;		/* owned, NULL when none */
	int as_json;
	struct agentproto_inst *inst;	/* refresh: malloc'd, ninst */
	size_t ninst;
	int has_instances;	/* the reply had "instances" */
};

/* The agent's first line.  An incompatible protocol is not an error
 * here: the caller compares h->protocol with AGENTPROTO_VERSION. */
int agentproto_hello_parse(const char *buf, size_t len,
    struct agentproto_hello *h, struct err *e);

/* A reply line into r (initialised here; free it also on failure). */
int agentproto_reply_parse(const char *buf, size_t len,
    struct agentproto_reply *r, struct err *e);
void agentproto_reply_free(struct agentproto_reply *r);

/* Requests, as one line with its newline (malloc'd; NULL when out of
 * memory). */
char *agentproto_refresh_req(long id, int beat_ms);
char *agentproto_command_req(long id, const char *line, int unplug_wait_ms,
    int beat_ms);

#endif
