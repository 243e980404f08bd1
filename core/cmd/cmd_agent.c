/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_agent.c - the agent's server loop; see cmd_agent.h. */
#include "cmd/cmd_agent.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/strbuf.h"
#include "cmd/cmd.h"
#include "cmd/cmd_int.h"
#include "cmd/cmd_json.h"
#include "fleet/agentproto.h"
#include "store/store.h"

#define REQ_MAX (1024 * 1024)	/* a request line: a command is short */

/* One request and what the worker made of it. */
struct job {
	struct cmd_ctx ctx;
	json_t *req;
	json_t *reply;		/* the worker's */
	int done;
	pthread_mutex_t mu;
};

static int
send_json(int fd, json_t *j)
{
	char *line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	json_decref(j);
	if (line == NULL)
		return -1;
	rc = fileio_write_all(fd, line, strlen(line));
	free(line);
	return rc < 0 ? -1 : fileio_write_all(fd, "\n", 1);
}

/* refresh: every instance refreshed, then its view as show --json. */
static json_t *
do_refresh(struct cmd_ctx *c)
{
	json_t *arr = json_array();
	size_t i;

	cmd_refresh_now(c, (size_t)-1);
	for (i = 0; i < c->fleet->n; i++) {
		struct store_rt rt;
		struct slot_view v[32];
		struct err e;

		fleet_load_rt(c->fleet, i, &rt, &e);
		fleet_view(c->fleet, i, &rt, v);
		json_array_append_new(arr, cmd_json_instance(c->fleet, i, v,
		    &rt));
		store_rt_free(&rt);
	}
	return json_pack("{s:b, s:o}", "ok", 1, "instances", arr);
}

static json_t *
do_command(struct cmd_ctx *c, json_t *req)
{
	json_t *l = json_object_get(req, "line"), *w, *o;
	struct cmd_result r;

	if (!json_is_string(l))
		return json_pack("{s:b, s:s}", "ok", 0, "error",
		    "a command request needs its line");
	w = json_object_get(req, "unplug_wait_ms");
	c->unplug_wait_ms = json_is_integer(w) && json_integer_value(w) >= 0 &&
	    json_integer_value(w) <= 600000 ?
	    (int)json_integer_value(w) : 10000;
	cmd_exec(c, json_string_value(l), json_string_length(l), &r);
	o = json_pack("{s:b, s:o, s:s, s:o, s:b}", "ok", r.ok,
	    "cmd", r.cmd ? json_string(r.cmd) : json_null(),
	    "text", r.text ? r.text : "",
	    "json", r.json ? json_incref(r.json) : json_null(),
	    "as_json", r.as_json);
	if (o == NULL)		/* text that is not UTF-8 */
		o = json_pack("{s:b, s:o, s:s, s:o, s:b}", "ok", r.ok, "cmd",
		    r.cmd ? json_string(r.cmd) : json_null(), "text",
		    r.ok ? "(its text is not UTF-8)" : "the command failed "
		    "(its message is not UTF-8)", "json", r.json ?
		    json_incref(r.json) : json_null(), "as_json", r.as_json);
	cmd_result_free(&r);
	return o;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	const char *op = json_string_value(json_object_get(j->req, "op"));
	json_t *rep;

	if (op != NULL && strcmp(op, "refresh") == 0)
		rep = do_refresh(&j->ctx);
	else if (op != NULL && strcmp(op, "command") == 0)
		rep = do_command(&j->ctx, j->req);
	else
		rep = json_pack("{s:b, s:s}", "ok", 0, "error", "unknown "
		    "request (this agent knows refresh and command)");
	pthread_mutex_lock(&j->mu);
	j->reply = rep;
	j->done = 1;
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

/* Run one request line, beating until its reply is sent. */
static int
serve_one(struct cmd_ctx *c, const char *line, size_t n, int out)
{
	json_error_t je;
	struct job j;
	pthread_t t;
	json_t *id, *b;
	int beat = 200, done = 0, rc;

	memset(&j, 0, sizeof j);
	j.ctx = *c;
	j.req = json_loadb(line, n, JSON_REJECT_DUPLICATES, &je);
	id = json_object_get(j.req, "id");
	if (!json_is_object(j.req) || !json_is_integer(id)) {
		json_decref(j.req);
		return send_json(out, json_pack("{s:i, s:b, s:s}", "id", 0,
		    "ok", 0, "error", "a request is a JSON object with an "
		    "id"));
	}
	b = json_object_get(j.req, "beat_ms");
	if (json_is_integer(b) && json_integer_value(b) >= 10 &&
	    json_integer_value(b) <= 60000)
		beat = (int)json_integer_value(b);
	pthread_mutex_init(&j.mu, NULL);
	if (pthread_create(&t, NULL, worker, &j) != 0)
		worker(&j);	/* no thread: no beats either */
	else {
		for (;;) {
			poll(NULL, 0, beat);
			pthread_mutex_lock(&j.mu);
			done = j.done;
			pthread_mutex_unlock(&j.mu);
			if (done)
				break;
			if (fileio_write_all(out, "{\"beat\":true}\n", 14) < 0)
				break;	/* nobody listens: finish anyway */
		}
		pthread_join(t, NULL);
	}
	pthread_mutex_destroy(&j.mu);
	if (j.reply == NULL)
		j.reply = json_pack("{s:b, s:s}", "ok", 0, "error",
		    "out of memory");
	json_object_set(j.reply, "id", id);
	rc = send_json(out, j.reply);
	json_decref(j.req);
	return rc;
}

int
cmd_agent_serve(struct fleet *f, const char *audit_log, int in, int out,
    struct err *e)
{
	struct strbuf b = STRBUF_INIT;
	struct cmd_ctx c;
	char buf[65536];
	int rc = 0;

	memset(&c, 0, sizeof c);
	c.fleet = f;
	c.audit_log = audit_log;
	c.unplug_wait_ms = 10000;
	if (send_json(out, json_pack("{s:s, s:i, s:s}", "slotscope", "agent",
	    "protocol", AGENTPROTO_VERSION, "version", SLOTSCOPE_VERSION)) < 0)
		return err_set(e, "cannot write the hello: %s",
		    strerror(errno));
	for (;;) {
		ssize_t r = read(in, buf, sizeof buf);
		char *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;		/* the other end left */
		strbuf_add(&b, buf, (size_t)r);
		while (b.n > 0 && (nl = memchr(b.p, '\n', b.n)) != NULL) {
			size_t n = (size_t)(nl - b.p);

			if (serve_one(&c, b.p, n, out) < 0) {
				rc = err_set(e, "cannot write a reply: %s",
				    strerror(errno));
				goto out;
			}
			strbuf_consume(&b, n + 1);
		}
		if (b.n > REQ_MAX || b.oom) {
			rc = err_set(e, "a request line is longer than %d "
			    "bytes", REQ_MAX);
			break;
		}
	}
out:
	strbuf_free(&b);
	return rc;
}
