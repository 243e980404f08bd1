/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetagentcmd.c - what the rest of slotscope asks of the agent
 * backend: a command run on a host's node (blocking, bounded by the
 * host's silence), the first connection of all hosts (at once, or
 * waited for), and facts about a host.  See fleetagent.h. */
#include "fleet/fleetagent.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/strbuf.h"
#include "fleet/fleet.h"
#include "fleet/fleetagentpriv.h"

/* Poll only host h until done() says so or it fails. */
static void
wait_host(struct fleet *f, struct fleethost *h,
    int (*done)(const struct fleethost *))
{
	while (h->ssh.pid != 0 && !done(h)) {
		struct pollfd pfd[3];
		int t = -1;
		size_t n = fleetagent_pollfds(h, pfd, &t);

		if (t < 0 || t > 1000)
			t = 1000;
		if (poll(pfd, n, t) < 0 && errno != EINTR)
			break;
		fleetagent_io(f, h, clock_wall_s());
	}
}

static int
hello_done(const struct fleethost *h)
{
	return h->hello;
}

static int
cmd_done(const struct fleethost *h)
{
	return h->cmd_done != 0;
}

int
fleet_agent_command(struct fleet *f, size_t i, const char *line,
    int unplug_wait_ms, struct agentproto_reply *r, struct err *e)
{
	struct fleethost *h = fleetagent_host_of(f, i);
	double now = clock_wall_s();

	memset(r, 0, sizeof *r);
	if (h == NULL)
		return err_set(e, "%s is not on a host", f->inst[i].name);
	if (h->ssh.pid == 0)
		fleetagent_connect(f, h, now);
	wait_host(f, h, hello_done);
	if (h->ssh.pid == 0 || !h->hello)
		return err_set(e, "%s", h->error[0] ? h->error :
		    "the host does not answer");
	agentproto_reply_free(&h->cmd_reply);
	h->cmd_id = h->next_id++;
	h->cmd_done = 0;
	fleetagent_send(f, h, agentproto_command_req(h->cmd_id, line,
	    unplug_wait_ms, fleetagent_beat_ms(f)), now);
	h->deadline = clock_mono_ms() + fleetagent_silence_ms(f);
	fleetagent_io(f, h, now);
	wait_host(f, h, cmd_done);
	h->cmd_id = 0;
	if (h->cmd_done != 1) {
		h->cmd_done = 0;
		return err_set(e, "%s", h->error[0] ? h->error :
		    "the host does not answer");
	}
	*r = h->cmd_reply;
	memset(&h->cmd_reply, 0, sizeof h->cmd_reply);
	h->cmd_done = 0;
	return 0;
}

/* A bare NAME among the hosts' HOST/NAME instances: the one there is, or
 * -1 (e says which hosts when several have it). */
long
fleetagent_find_bare(const struct fleet *f, const char *name, struct err *e)
{
	struct strbuf which = STRBUF_INIT;
	long found = -1;
	size_t i, n = 0;

	for (i = 0; i < f->n; i++) {
		const char *sl = strchr(f->inst[i].name, '/');

		if (f->inst[i].back != FLEET_BACK_AGENT || sl == NULL ||
		    strcmp(sl + 1, name) != 0)
			continue;
		strbuf_printf(&which, "%s%s", n++ ? ", " : "",
		    f->inst[i].name);
		found = (long)i;
	}
	if (n > 1) {
		err_set(e, "'%s' is on several hosts (%s): name one as "
		    "HOST/%s", name, which.p, name);
		found = -1;
	} else if (n == 0)
		err_set(e, "no instance called '%s'", name);
	strbuf_free(&which);
	return found;
}

void
fleet_hosts_connect(struct fleet *f)
{
	size_t k;

	for (k = 0; k < f->nhosts; k++)
		f->hosts[k]->want = 1;
	fleetagent_start(f, clock_wall_s());
}

int
fleet_hosts_wait(struct fleet *f, int wait_ms)
{
	int64_t end = clock_mono_ms() + wait_ms;
	size_t k;
	int ok = 0;

	fleet_hosts_connect(f);
	for (;;) {
		struct pollfd pfd[3 * FLEET_MAX_HOSTS];
		int t = -1, busy = 0;
		size_t n;

		for (k = 0; k < f->nhosts; k++)
			busy |= f->hosts[k]->ssh.pid != 0 &&
			    (!f->hosts[k]->hello || f->hosts[k]->want ||
			    f->hosts[k]->refresh_id != 0);
		if (!busy || (wait_ms >= 0 && clock_mono_ms() >= end))
			break;
		for (n = 0, k = 0; k < f->nhosts; k++)
			n += fleetagent_pollfds(f->hosts[k], pfd + n, &t);
		if (t < 0 || t > 200)
			t = 200;
		if (poll(pfd, n, t) < 0 && errno != EINTR)
			break;
		for (k = 0; k < f->nhosts; k++)
			if (f->hosts[k]->ssh.pid != 0)
				fleetagent_io(f, f->hosts[k], clock_wall_s());
	}
	for (k = 0; k < f->nhosts; k++)
		ok += f->hosts[k]->hello && f->hosts[k]->error[0] == '\0';
	return ok;
}

enum fleet_host_state
fleet_host_state(const struct fleet *f, size_t h)
{
	if (h >= f->nhosts || f->hosts[h]->error[0] != '\0')
		return FLEET_HOST_UNREACHABLE;
	return f->hosts[h]->answered ? FLEET_HOST_OK : FLEET_HOST_CONNECTING;
}

const char *
fleet_host_state_name(enum fleet_host_state s)
{
	switch (s) {
	case FLEET_HOST_CONNECTING:
		return "connecting";
	case FLEET_HOST_OK:
		return "ok";
	default:
		return "unreachable";
	}
}

size_t
fleet_host_ninst(const struct fleet *f, size_t h)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->inst[i].back == FLEET_BACK_AGENT &&
		    f->inst[i].src == (int)h + 1;
	return n;
}

size_t
fleet_nhosts(const struct fleet *f)
{
	return f->nhosts;
}

const char *
fleet_host_name(const struct fleet *f, size_t h)
{
	return h < f->nhosts ? f->hosts[h]->name : "";
}

const char *
fleet_host_url(const struct fleet *f, size_t h)
{
	return h < f->nhosts ? f->hosts[h]->url : "";
}

const char *
fleet_host_error(const struct fleet *f, size_t h)
{
	return h < f->nhosts ? f->hosts[h]->error : "";
}

int
fleet_host_spawns(const struct fleet *f, size_t h)
{
	return h < f->nhosts ? f->hosts[h]->spawns : 0;
}

pid_t
fleet_host_pid(const struct fleet *f, size_t h)
{
	return h < f->nhosts ? f->hosts[h]->ssh.pid : 0;
}

const char *
fleet_agent_node_name(const struct fleet *f, size_t i)
{
	const char *sl = strchr(f->inst[i].name, '/');

	return sl != NULL ? sl + 1 : f->inst[i].name;
}
