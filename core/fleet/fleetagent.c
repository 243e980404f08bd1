/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetagent.c - hosts over ssh in the fleet (fleet_backend_agent); see
 * fleetagent.h.  One struct fleethost per host: its ssh child
 * (fleetssh.h), the bytes read and not yet a line, the bytes not yet
 * written, the request in flight and the deadline of the silence after
 * which the host is unreachable. */
#include "fleet/fleetagent.h"

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/strbuf.h"
#include "fleet/fleet.h"
#include "fleet/fleetback.h"
#include "fleet/fleetagentpriv.h"
#include "fleet/fleetpriv.h"
#include "store/store.h"

/* Cut-to-fit formatting, for messages made of other messages. */
static void put(char *dst, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
put(char *dst, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, sz, fmt, ap);
	va_end(ap);
}

struct fleethost *
fleetagent_host_of(const struct fleet *f, size_t i)
{
	int s = f->inst[i].src;

	if (f->inst[i].back != FLEET_BACK_AGENT || s <= 0 ||
	    (size_t)s > f->nhosts)
		return NULL;
	return f->hosts[s - 1];
}

static size_t
hidx(const struct fleet *f, const struct fleethost *h)
{
	size_t k;

	for (k = 0; k < f->nhosts && f->hosts[k] != h; k++)
		;
	return k;
}

/* How long a host may stay silent while it owes an answer. */
int
fleetagent_silence_ms(const struct fleet *f)
{
	return f->monitor_timeout_ms > 0 ? f->monitor_timeout_ms : 500;
}

/* The beat the agent is asked for: well inside the silence allowed. */
int
fleetagent_beat_ms(const struct fleet *f)
{
	int b = fleetagent_silence_ms(f) / 3;

	return b < 20 ? 20 : b;
}

int
fleet_add_host(struct fleet *f, const char *name, const char *url,
    const char *ssh_config, struct err *e)
{
	struct fleethost *h, **nv;
	size_t k;

	if (store_check_name(name, e) < 0)
		return err_prefix(e, "host %s", name);
	for (k = 0; k < f->nhosts; k++)
		if (strcmp(f->hosts[k]->name, name) == 0)
			return err_set(e, "host %s is given twice", name);
	if (f->nhosts >= FLEET_MAX_HOSTS)
		return err_set(e, "at most %d hosts", FLEET_MAX_HOSTS);
	if ((h = calloc(1, sizeof *h)) == NULL)
		return err_set(e, "out of memory");
	if (fleet_host_parse_url(url, strlen(url), h->user, sizeof h->user,
	    h->node, sizeof h->node, &h->port, e) < 0) {
		free(h);
		return err_prefix(e, "host %s", name);
	}
	if ((nv = realloc(f->hosts, (f->nhosts + 1) * sizeof *nv)) == NULL) {
		free(h);
		return err_set(e, "out of memory");
	}
	f->hosts = nv;
	strcopy(h->name, sizeof h->name, name);
	strcopy(h->url, sizeof h->url, url);
	strcopy(h->config, sizeof h->config, ssh_config ? ssh_config :
	    "");
	h->ssh.in = h->ssh.out = h->ssh.err = -1;
	h->next_id = 1;
	f->hosts[f->nhosts++] = h;
	return (int)(f->nhosts - 1);
}

/* Every instance of host h: unreachable, msg the reason. */
static void
all_unreachable(struct fleet *f, struct fleethost *h, const char *msg,
    double now)
{
	size_t i, k = hidx(f, h) + 1;

	for (i = 0; i < f->n; i++) {
		struct instance *in = &f->inst[i];
		int s;

		if (in->back != FLEET_BACK_AGENT || in->src != (int)k)
			continue;
		fleet_seen_unview(in);
		for (s = 0; s < 32; s++)
			in->slots.b[s].state = SLOT_UNKNOWN;
		in->capacity = -1;
		in->conn = INST_UNREACHABLE;
		fleet_set_msg(&in->error, msg);
		f->gen++;
		fleet_set_refreshing(f, i, 0);
		in->last_refresh = now;
	}
}

/* Why host h is unreachable: "host H: msg".  Its header line says so
 * (rows or none): the screen draws again when that changed, not at each
 * attempt that fails the same way. */
static void
set_error(struct fleet *f, struct fleethost *h, const char *msg)
{
	char was[sizeof h->error];

	memcpy(was, h->error, sizeof was);
	put(h->error, sizeof h->error, "host %s: %s", h->name, msg);
	if (strcmp(was, h->error) != 0)
		f->gen++;
}

/* The connection is over: ssh ended (its status said why) and every row
 * of the host says so. */
static void
fail(struct fleet *f, struct fleethost *h, const char *why, double now)
{
	char last[300], msg[512];
	int st;

	fleetssh_drain_err(&h->ssh);
	st = fleetssh_end(&h->ssh, why == NULL ? 300 : 0);
	fleetssh_last_line(&h->ssh, last, sizeof last);
	if (why == NULL && st == 127)
		put(msg, sizeof msg, "slotscope is not installed on %s "
		    "(`slotscope --agent` there: %s)", h->node, last[0] ? last :
		    "command not found");
	else if (why == NULL && st == 255)
		put(msg, sizeof msg, "ssh to %s failed: %s", h->node,
		    last[0] ? last : "no reason given");
	else if (why == NULL)
		put(msg, sizeof msg, "the agent on %s ended (status %d)%s%s",
		    h->node, st, last[0] ? ": " : "", last);
	else
		snprintf(msg, sizeof msg, "%s", why);
	set_error(f, h, msg);
	strbuf_free(&h->in);
	strbuf_free(&h->out);
	h->hello = 0;
	h->refresh_id = 0;
	h->deadline = 0;
	if (h->cmd_id != 0 && h->cmd_done == 0)
		h->cmd_done = -1;
	all_unreachable(f, h, h->error, now);
}

void
fleetagent_connect(struct fleet *f, struct fleethost *h, double now)
{
	struct err e;

	h->last_try = clock_mono_ms();
	strbuf_free(&h->in);
	strbuf_free(&h->out);
	h->hello = 0;
	if (fleetssh_start(&h->ssh, h->user, h->node, h->port, h->config,
	    CONNECT_S, &e) < 0) {
		set_error(f, h, e.msg);
		all_unreachable(f, h, h->error, now);
		return;
	}
	h->spawns++;
	/* ssh's own connect and login, then the agent's hello */
	h->deadline = h->last_try + CONNECT_S * 1000 + fleetagent_silence_ms(f);
}

/* Queue a line to write. */
void
fleetagent_send(struct fleet *f, struct fleethost *h, char *line, double now)
{
	if (line == NULL || strbuf_str(&h->out, line) < 0) {
		free(line);
		fail(f, h, "out of memory", now);
		return;
	}
	free(line);
	if (h->deadline == 0)
		h->deadline = clock_mono_ms() + fleetagent_silence_ms(f);
}

static void
ask_refresh(struct fleet *f, struct fleethost *h, double now)
{
	if (h->ssh.pid == 0) {
		fleetagent_connect(f, h, now);
		return;		/* the hello first */
	}
	if (!h->hello || h->refresh_id != 0)
		return;
	h->want = 0;
	h->refresh_id = h->next_id++;
	fleetagent_send(f, h, agentproto_refresh_req(h->refresh_id, fleetagent_beat_ms(f)),
	    now);
}

/* The instance HOST/NAME of an agent's view, added when new; -1 when
 * slotscope cannot take its name. */
static long
inst_for(struct fleet *f, struct fleethost *h, const struct agentproto_inst *v)
{
	char name[STORE_NAME_MAX * 2 + 2];
	struct err e;
	long i;
	int k;

	snprintf(name, sizeof name, "%s/%s", h->name, v->name);
	if ((i = fleet_find_exact(f, name)) >= 0)
		return i;
	k = fleet_add_backend(f, name, v->endpoint, FLEET_BACK_AGENT,
	    (int)hidx(f, h) + 1, &e);
	if (k < 0)
		return -1;
	strcopy(f->inst[k].host, sizeof f->inst[k].host, h->name);
	return k;
}

/* One instance's view as the agent reported it. */
static void
apply_one(struct fleet *f, size_t i, struct agentproto_inst *v, double now)
{
	struct instance *in = &f->inst[i];
	int was_read = in->conn == INST_OK && in->last_read > 0;
	uint64_t before = fleet_view_hash(in);
	size_t k;

	if (v->conn == INST_OK && was_read)
		fleet_add_changes(f, i, v->slots);
	strcopy(in->endpoint, sizeof in->endpoint, v->endpoint);
	strcopy(in->protocol, sizeof in->protocol, v->protocol);
	in->version = v->version;
	in->conn = v->conn;
	fleet_set_msg(&in->error, v->error);
	slotpack_set(&in->slots, v->slots);
	if (v->conn == INST_OK)
		slotpack_copy(&in->last, &in->slots);
	else if (v->has_last)
		slotpack_set(&in->last, v->last);
	in->last_read = v->last_read;
	in->capacity = v->capacity;
	for (k = 0; k < in->nbus; k++)
		slotpack_free(&in->bus[k].slots);
	free(in->bus);
	in->bus = v->bus;
	in->nbus = v->nbus;
	v->bus = NULL;
	v->nbus = 0;
	fleet_seen_forget(in);
	pci_info_free(&in->live);
	in->live = v->live;
	pci_info_init(&v->live);
	fleet_set_refreshing(f, i, 0);
	in->last_refresh = now;
	if (fleet_view_hash(in) != before)
		f->gen++;
}

/* A refresh's reply: every instance it names, and those it no longer
 * names shown gone. */
static void
apply(struct fleet *f, struct fleethost *h, struct agentproto_reply *r,
    double now)
{
	size_t k, i, src = hidx(f, h) + 1;

	if (!r->ok) {
		char msg[600];

		put(msg, sizeof msg, "host %s: the agent refused the "
		    "refresh: %s", h->name, r->error);
		/* its instances are not known: the header says why */
		strcopy(h->error, sizeof h->error, msg);
		f->gen++;
		all_unreachable(f, h, msg, now);
		return;
	}
	for (k = 0; k < r->ninst; k++) {
		long at = inst_for(f, h, &r->inst[k]);

		if (at >= 0)
			apply_one(f, (size_t)at, &r->inst[k], now);
	}
	/* the ones it did not name: apply_one stamped the others now */
	for (i = 0; i < f->n; i++) {
		struct instance *in = &f->inst[i];
		char gone[128];
		int sl;

		if (in->back != FLEET_BACK_AGENT || in->src != (int)src ||
		    in->last_refresh == now)
			continue;
		fleet_seen_unview(in);
		for (sl = 0; sl < 32; sl++)
			in->slots.b[sl].state = SLOT_UNKNOWN;
		in->capacity = -1;
		in->conn = INST_UNREACHABLE;
		snprintf(gone, sizeof gone, "no longer on host %s", h->name);
		fleet_set_msg(&in->error, gone);
		f->gen++;
		fleet_set_refreshing(f, i, 0);
		in->last_refresh = now;
	}
	if (h->error[0] != '\0' || !h->answered)
		f->gen++;	/* its header: connecting or why, no more */
	h->error[0] = '\0';
	h->answered = 1;
}

/* One line from the agent. */
static void
got_line(struct fleet *f, struct fleethost *h, const char *line, size_t n,
    double now)
{
	struct agentproto_reply r;
	struct err e;

	if (!h->hello) {
		struct agentproto_hello hi;
		char msg[400];

		if (agentproto_hello_parse(line, n, &hi, &e) < 0) {
			fail(f, h, e.msg, now);
			return;
		}
		if (hi.protocol != AGENTPROTO_VERSION) {
			put(msg, sizeof msg, "slotscope %s on %s speaks "
			    "agent protocol %d, this slotscope (%s) speaks %d: "
			    "install the same version on both", hi.version,
			    h->node, hi.protocol, SLOTSCOPE_VERSION,
			    AGENTPROTO_VERSION);
			fail(f, h, msg, now);
			return;
		}
		h->hello = 1;
		h->deadline = 0;
		if (h->error[0] != '\0')
			f->gen++;
		h->error[0] = '\0';
		if (h->want)
			ask_refresh(f, h, now);
		return;
	}
	if (agentproto_reply_parse(line, n, &r, &e) < 0) {
		agentproto_reply_free(&r);
		fail(f, h, e.msg, now);
		return;
	}
	if (!r.beat && r.id == h->refresh_id) {
		h->refresh_id = 0;
		apply(f, h, &r, now);
	} else if (!r.beat && r.id == h->cmd_id && h->cmd_done == 0) {
		h->cmd_reply = r;
		h->cmd_done = 1;
		memset(&r, 0, sizeof r);
	}
	agentproto_reply_free(&r);
	/* silence counts from the last word; none is owed once answered */
	h->deadline = h->refresh_id != 0 || (h->cmd_id != 0 &&
	    h->cmd_done == 0) ? clock_mono_ms() + fleetagent_silence_ms(f) : 0;
}

/* Write what waits; read what came; split it into lines. */
void
fleetagent_io(struct fleet *f, struct fleethost *h, double now)
{
	char buf[65536];
	ssize_t r;
	size_t off;

	while (h->ssh.pid != 0 && h->out.n > 0) {
		r = send(h->ssh.in, h->out.p, h->out.n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			fail(f, h, NULL, now);
			return;
		}
		strbuf_consume(&h->out, (size_t)r);
	}
	fleetssh_drain_err(&h->ssh);
	while (h->ssh.pid != 0) {
		r = read(h->ssh.out, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			fail(f, h, NULL, now);	/* ssh's status says why */
			return;
		}
		if (strbuf_add(&h->in, buf, (size_t)r) < 0 ||
		    h->in.n > AGENTPROTO_LINE_MAX) {
			fail(f, h, "the agent sent a message beyond "
			    "AGENTPROTO_LINE_MAX", now);
			return;
		}
	}
	off = 0;
	while (h->ssh.pid != 0 && off < h->in.n) {
		char *nl = memchr(h->in.p + off, '\n', h->in.n - off);

		if (nl == NULL)
			break;
		got_line(f, h, h->in.p + off, (size_t)(nl - (h->in.p + off)),
		    now);
		off = (size_t)(nl - h->in.p) + 1;
		if (h->ssh.pid == 0)
			return;		/* failed: the buffer is gone */
	}
	strbuf_consume(&h->in, off);
	if (h->ssh.pid != 0 && h->deadline != 0 &&
	    clock_mono_ms() >= h->deadline) {
		char msg[200];

		put(msg, sizeof msg, "%s did not answer within %d ms",
		    h->node, h->hello ? fleetagent_silence_ms(f) : CONNECT_S * 1000 +
		    fleetagent_silence_ms(f));
		fail(f, h, msg, now);
	}
}

/* refresh(): the host of instance i is asked, once for all of them. */
static void
refresh(struct fleet *f, size_t i)
{
	struct fleethost *h = fleetagent_host_of(f, i);

	if (h != NULL)
		h->want = 1;
}

/* start(): the hosts asked, and the hosts without instances yet (a host
 * that never answered) at most once a second. */
void
fleetagent_start(struct fleet *f, double now)
{
	size_t k, i;

	for (k = 0; k < f->nhosts; k++) {
		struct fleethost *h = f->hosts[k];

		if (!h->want) {
			for (i = 0; i < f->n; i++)
				if (f->inst[i].back == FLEET_BACK_AGENT &&
				    f->inst[i].src == (int)k + 1)
					break;
			if (i < f->n || clock_mono_ms() - h->last_try < 1000)
				continue;
			h->want = 1;
		}
		ask_refresh(f, h, now);
		fleetagent_io(f, h, now);
	}
}

size_t
fleetagent_pollfds(struct fleethost *h, struct pollfd *pfd, int *timeout_ms)
{
	size_t n = 0;

	if (h->ssh.pid == 0)
		return 0;
	pfd[n].fd = h->ssh.out;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	pfd[n].fd = h->ssh.err;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	if (h->out.n > 0) {
		pfd[n].fd = h->ssh.in;
		pfd[n].events = POLLOUT;
		pfd[n++].revents = 0;
	}
	if (h->deadline != 0) {
		int64_t t = clock_mono_ms();
		int left = h->deadline > t ? (int)(h->deadline - t) : 0;

		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = left;
	}
	return n;
}

static size_t
pollfds(struct fleet *f, struct pollfd *pfd, size_t max, int *timeout_ms)
{
	size_t k, n = 0;

	for (k = 0; k < f->nhosts && n + 3 <= max; k++)
		n += fleetagent_pollfds(f->hosts[k], pfd + n, timeout_ms);
	return n;
}

static void
step(struct fleet *f, const struct pollfd *pfd, size_t n, double now)
{
	size_t k;

	(void)pfd;
	(void)n;
	/* reads never block: every host's pipes are looked at */
	for (k = 0; k < f->nhosts; k++)
		if (f->hosts[k]->ssh.pid != 0)
			fleetagent_io(f, f->hosts[k], now);
}

/* Up to three pollfds per host (stdout, stderr, stdin). */
static size_t
npending(const struct fleet *f)
{
	return 3 * f->nhosts;
}

/* The runtime view of an agent instance: the reservations and devices
 * its slots show (the file itself is on the node). */
static int
load_rt(const struct fleet *f, size_t i, struct store_rt *rt, struct err *e)
{
	const struct instance *in = &f->inst[i];
	int s;

	store_rt_init(rt, in->name);
	rt->reserved.bits = 0;
	for (s = 0; s < 32; s++) {
		struct slot_view sv;
		const struct slot_view *v = &sv;
		struct store_dev d;

		slotpack_get(&in->slots, s, &sv);
		if (v->reserved)
			rt->reserved.bits |= 1u << s;
		if (v->id[0] == '\0' || (v->state != SLOT_USED &&
		    v->state != SLOT_MISSING && v->state != SLOT_UNPLUGGING))
			continue;
		memset(&d, 0, sizeof d);
		strcopy(d.id, sizeof d.id, v->id);
		strcopy(d.type, sizeof d.type, v->type[0] ? v->type :
		    "nic");
		strcopy(d.uuid, sizeof d.uuid, v->uuid);
		d.slot = s;
		d.state = v->state == SLOT_UNPLUGGING ? STORE_DEV_UNPLUGGING :
		    STORE_DEV_PLUGGED;
		store_add_dev(rt, &d, NULL);
	}
	(void)e;
	return 0;
}

/* The states now are the agent's: it reconciled them on the node. */
static uint32_t
view(const struct fleet *f, size_t i, const struct store_rt *rt,
    struct slot_view out[32])
{
	(void)rt;
	slotpack_all(&f->inst[i].slots, out);
	return 0;
}

static void
free_all(struct fleet *f)
{
	size_t k;

	for (k = 0; k < f->nhosts; k++) {
		struct fleethost *h = f->hosts[k];

		fleetssh_end(&h->ssh, 200);
		strbuf_free(&h->in);
		strbuf_free(&h->out);
		agentproto_reply_free(&h->cmd_reply);
		free(h);
	}
	free(f->hosts);
	f->hosts = NULL;
	f->nhosts = 0;
}

const struct fleet_backend fleet_backend_agent = {
	.name = "agent",
	.refresh = refresh,
	.start = fleetagent_start,
	.pollfds = pollfds,
	.step = step,
	.npending = npending,
	/* cancel: nothing; the reply is a view, harmless whenever it comes */
	.load_rt = load_rt,
	.view = view,
	.free = free_all,
};

