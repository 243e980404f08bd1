/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agentproto.c - the agent protocol's messages and the parsers of what an
 * agent sends; see agentproto.h.  jansson reads the bytes (bounded by
 * len, its own nesting limit); then every field is checked for its type
 * and cut to the size it has here. */
#include "fleet/agentproto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/state.h"

/* Copy o[key] when it is a string, cutting to fit; "" otherwise. */
static void
gstr(json_t *o, const char *key, char *dst, size_t sz)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	size_t n = json_is_string(v) ? json_string_length(v) : 0;

	if (n >= sz)
		n = sz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';		/* a NUL inside the string ends it sooner */
}

/* o[key] as an int in [lo, hi], else def. */
static long
gint(json_t *o, const char *key, long lo, long hi, long def)
{
	json_t *v = json_object_get(o, key);
	json_int_t x;

	if (!json_is_integer(v))
		return def;
	x = json_integer_value(v);
	return x < lo || x > hi ? def : (long)x;
}

static json_t *
load(const char *buf, size_t len, struct err *e)
{
	json_error_t je;
	json_t *j;

	if (len > AGENTPROTO_LINE_MAX)
		return err_set(e, "the agent's message is too long (%zu bytes)",
		    len), NULL;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		return err_set(e, "the agent sent something that is not JSON "
		    "(%.80s)", je.text), NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, "the agent sent JSON that is not an object"),
		    NULL;
	}
	return j;
}

int
agentproto_hello_parse(const char *buf, size_t len,
    struct agentproto_hello *h, struct err *e)
{
	json_t *j = load(buf, len, e);
	char who[16];

	memset(h, 0, sizeof *h);
	if (j == NULL)
		return -1;
	gstr(j, "slotscope", who, sizeof who);
	h->protocol = (int)gint(j, "protocol", 1, 1000000, 0);
	gstr(j, "version", h->version, sizeof h->version);
	json_decref(j);
	if (strcmp(who, "agent") != 0 || h->protocol == 0)
		return err_set(e, "the remote end is no slotscope agent (its "
		    "first line is not an agent's hello)");
	return 0;
}

/* "7.2.22" into v; zero when it is not three numbers. */
static void
version_of(const char *s, struct qemu_version *v)
{
	memset(v, 0, sizeof *v);
	if (sscanf(s, "%d.%d.%d", &v->major, &v->minor, &v->micro) != 3 ||
	    v->major < 0 || v->minor < 0 || v->micro < 0)
		memset(v, 0, sizeof *v);
}

static enum pci_bridge_kind
bridge_of(const char *s)
{
	int k;

	for (k = 1; k < PCI_BR_NKINDS; k++)
		if (strcmp(s, pci_bridge_kind_name((enum pci_bridge_kind)k)) ==
		    0)
			return (enum pci_bridge_kind)k;
	return PCI_BR_NONE;
}

static enum slot_state
state_of(json_t *o, const char *key)
{
	char s[32];
	enum slot_state st;

	gstr(o, key, s, sizeof s);
	if (slot_state_parse(s, strlen(s), &st, NULL) < 0)
		return SLOT_UNKNOWN;
	return st;
}

/* One slot object into v; its functions into live (NULL: not kept) at
 * bus 0, slot s. */
static void
slot_of(json_t *o, struct slot_view *v, struct slot_view *last,
    struct pci_info *live, int s)
{
	json_t *fns = json_object_get(o, "functions");
	char br[32];
	size_t k;

	memset(v, 0, sizeof *v);
	v->state = state_of(o, "state");
	v->reserved = json_is_true(json_object_get(o, "reserved"));
	gstr(o, "id", v->id, sizeof v->id);
	gstr(o, "type", v->type, sizeof v->type);
	gstr(o, "uuid", v->uuid, sizeof v->uuid);
	v->anonymous = json_is_true(json_object_get(o, "anonymous"));
	gstr(o, "bridge", br, sizeof br);
	v->bridge = bridge_of(br);
	v->behind = (int)gint(o, "behind", 0, 1 << 20, -1);
	v->places = (int)gint(o, "places", 0, 1 << 20, 0);
	gstr(o, "owner", v->owner, sizeof v->owner);
	gstr(o, "manager_name", v->mname, sizeof v->mname);
	gstr(o, "mac", v->mac, sizeof v->mac);
	gstr(o, "link", v->where, sizeof v->where);
	gstr(o, "conflict", v->conflict, sizeof v->conflict);
	if (last != NULL) {
		*last = *v;
		last->state = state_of(o, "last_state");
	}
	for (k = 0; json_is_array(fns) && k < json_array_size(fns) && k < 8;
	    k++) {
		json_t *f = json_array_get(fns, k);
		struct pci_fn fn;
		char hex[8];

		if (!json_is_object(f))
			continue;
		v->nfn++;
		if (live == NULL)
			continue;
		memset(&fn, 0, sizeof fn);
		fn.slot = s;
		fn.func = (int)gint(f, "function", 0, 7, 0);
		gstr(f, "class", fn.class_text, sizeof fn.class_text);
		gstr(f, "vendor", hex, sizeof hex);
		fn.vendor = (unsigned)strtoul(hex, NULL, 16) & 0xffff;
		gstr(f, "device", hex, sizeof hex);
		fn.device = (unsigned)strtoul(hex, NULL, 16) & 0xffff;
		gstr(f, "id", fn.id, sizeof fn.id);
		fn.anon = v->anonymous;
		fn.bridge = v->bridge;
		pci_info_add(live, &fn, NULL);
	}
}

/* The buses behind bridges. */
static int
buses_of(json_t *arr, struct agentproto_inst *in, struct err *e)
{
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0, b;

	if (n > 256)
		return err_set(e, "the agent reported %zu buses behind bridges "
		    "of %s", n, in->name);
	if (n == 0)
		return 0;
	if ((in->bus = calloc(n, sizeof *in->bus)) == NULL)
		return err_set(e, "out of memory");
	in->nbus = n;
	for (b = 0; b < n; b++) {
		json_t *o = json_array_get(arr, b), *slots;
		struct inst_bus *x = &in->bus[b];
		struct slot_view sv[32];
		char kind[32];
		size_t k;

		if (!json_is_object(o))
			return err_set(e, "a bus of %s is not an object",
			    in->name);
		gstr(o, "bus", x->path, sizeof x->path);
		gstr(o, "id", x->name, sizeof x->name);
		if (x->name[0] == '\0')
			snprintf(x->name, sizeof x->name, "%s", x->path);
		gstr(o, "kind", kind, sizeof kind);
		x->kind = bridge_of(kind);
		x->known = json_is_true(json_object_get(o, "known"));
		x->places = (int)gint(o, "places", 0, 1 << 20, 0);
		slots = json_object_get(o, "slots");
		x->nslots = json_is_array(slots) ?
		    (int)(json_array_size(slots) > 32 ? 32 :
		    json_array_size(slots)) : 0;
		memset(sv, 0, sizeof sv);
		for (k = 0; k < 32; k++)
			sv[k].state = SLOT_CLOSED;	/* beyond nslots */
		for (k = 0; k < (size_t)x->nslots; k++)
			slot_of(json_array_get(slots, k), &sv[k], NULL,
			    NULL, (int)k);
		slotpack_set(&x->slots, sv);
	}
	return 0;
}

static int
inst_of(json_t *o, struct agentproto_inst *in, struct err *e)
{
	json_t *slots = json_object_get(o, "slots");
	char q[32], conn[16];
	size_t s;
	int c;

	gstr(o, "instance", in->name, sizeof in->name);
	if (in->name[0] == '\0')
		return err_set(e, "the agent reported an instance without a "
		    "name");
	gstr(o, "endpoint", in->endpoint, sizeof in->endpoint);
	gstr(o, "protocol", in->protocol, sizeof in->protocol);
	gstr(o, "qemu", q, sizeof q);
	version_of(q, &in->version);
	gstr(o, "conn", conn, sizeof conn);
	in->conn = INST_ERROR;
	for (c = INST_NEW; c <= INST_ERROR; c++)
		if (strcmp(conn, inst_conn_name((enum inst_conn)c)) == 0)
			in->conn = (enum inst_conn)c;
	gstr(o, "error", in->error, sizeof in->error);
	if (!json_is_true(json_object_get(o, "read")) && in->conn == INST_OK)
		in->conn = INST_ERROR;	/* ok is a read, nothing less */
	in->last_read = (double)gint(o, "last_read", 0, 1L << 40, 0);
	in->capacity = (int)gint(o, "capacity", 0, 1 << 20, -1);
	if (!json_is_array(slots) || json_array_size(slots) != 32)
		return err_set(e, "the agent's view of %s has not 32 slots",
		    in->name);
	for (s = 0; s < 32; s++) {
		json_t *so = json_array_get(slots, s);

		if (!json_is_object(so))
			return err_set(e, "slot %zu of %s is not an object", s,
			    in->name);
		slot_of(so, &in->slots[s], &in->last[s], &in->live, (int)s);
	}
	in->has_last = in->last_read > 0;
	return buses_of(json_object_get(o, "buses"), in, e);
}

static int
instances_of(json_t *arr, struct agentproto_reply *r, struct err *e)
{
	size_t n = json_array_size(arr), k;

	if (n > AGENTPROTO_MAX_INST)
		return err_set(e, "the agent reported %zu instances (at most "
		    "%d)", n, AGENTPROTO_MAX_INST);
	if (n > 0 && (r->inst = calloc(n, sizeof *r->inst)) == NULL)
		return err_set(e, "out of memory");
	for (k = 0; k < n; k++) {
		json_t *o = json_array_get(arr, k);

		pci_info_init(&r->inst[k].live);
		r->ninst = k + 1;
		if (!json_is_object(o))
			return err_set(e, "instance %zu of the agent's refresh "
			    "is not an object", k);
		if (inst_of(o, &r->inst[k], e) < 0)
			return -1;
	}
	return 0;
}

int
agentproto_reply_parse(const char *buf, size_t len,
    struct agentproto_reply *r, struct err *e)
{
	json_t *j, *v;
	int rc = 0;

	memset(r, 0, sizeof *r);
	r->id = -1;
	if ((j = load(buf, len, e)) == NULL)
		return -1;
	if (json_is_true(json_object_get(j, "beat"))) {
		r->beat = 1;	/* the agent is at work */
		json_decref(j);
		return 0;
	}
	r->id = gint(j, "id", 0, 1L << 40, -1);
	v = json_object_get(j, "ok");
	if (r->id < 0 || !json_is_boolean(v)) {
		json_decref(j);
		return err_set(e, "the agent's reply has no id or no ok");
	}
	r->ok = json_is_true(v);
	gstr(j, "error", r->error, sizeof r->error);
	gstr(j, "cmd", r->cmd, sizeof r->cmd);
	r->as_json = json_is_true(json_object_get(j, "as_json"));
	v = json_object_get(j, "text");
	if (json_is_string(v)) {
		if ((r->text = strndup(json_string_value(v),
		    json_string_length(v))) == NULL)
			rc = err_set(e, "out of memory");
	}
	v = json_object_get(j, "json");
	if (v != NULL && !json_is_null(v))
		r->json = json_incref(v);
	v = json_object_get(j, "instances");
	if (rc == 0 && v != NULL) {
		r->has_instances = 1;
		if (!json_is_array(v))
			rc = err_set(e, "the agent's instances are not a list");
		else
			rc = instances_of(v, r, e);
	}
	json_decref(j);
	return rc;
}

void
agentproto_reply_free(struct agentproto_reply *r)
{
	size_t k;

	free(r->text);
	json_decref(r->json);
	for (k = 0; k < r->ninst; k++) {
		size_t b;

		for (b = 0; r->inst[k].bus && b < r->inst[k].nbus; b++)
			slotpack_free(&r->inst[k].bus[b].slots);
		free(r->inst[k].bus);
		pci_info_free(&r->inst[k].live);
	}
	free(r->inst);
	memset(r, 0, sizeof *r);
}

static char *
line_of(json_t *j)
{
	char *s, *out = NULL;

	if (j == NULL)
		return NULL;
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s != NULL && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	free(s);
	return out;
}

char *
agentproto_refresh_req(long id, int beat_ms)
{
	return line_of(json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "op",
	    "refresh", "beat_ms", beat_ms));
}

char *
agentproto_command_req(long id, const char *line, int unplug_wait_ms,
    int beat_ms)
{
	return line_of(json_pack("{s:I, s:s, s:s, s:i, s:i}", "id",
	    (json_int_t)id, "op", "command", "line", line, "unplug_wait_ms",
	    unplug_wait_ms, "beat_ms", beat_ms));
}
