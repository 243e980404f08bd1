/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storejson.c - reading the runtime file's text: store_parse() reads the
 * JSON of one instance (bounded, every field checked, errors name the
 * field); store_format(), which writes it, is storetext.c's.  The format
 * is described in store.h; the files themselves (locking, atomic commit)
 * are store.c's.
 */
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy the string member key of o into out.  Missing: "" unless required.
 * Too long or not a string: an error naming the field. */
static int
getstr(json_t *o, const char *key, char *out, size_t outsz, int required,
    const char *what, struct err *e)
{
	json_t *v = json_object_get(o, key);
	size_t n;

	out[0] = '\0';
	if (v == NULL) {
		if (required)
			return err_set(e, "%s has no \"%s\"", what, key);
		return 0;
	}
	if (!json_is_string(v))
		return err_set(e, "%s: \"%s\" is not a string", what, key);
	n = json_string_length(v);
	if (n >= outsz)
		return err_set(e, "%s: \"%s\" is longer than %zu characters",
		    what, key, outsz - 1);
	if (memchr(json_string_value(v), '\0', n) != NULL)
		return err_set(e, "%s: \"%s\" contains a NUL", what, key);
	memcpy(out, json_string_value(v), n + 1);
	return 0;
}

static int
parse_dev(json_t *o, size_t idx, struct store_dev *d, struct err *e)
{
	char what[48], tmp[16];
	json_t *v, *b;
	size_t k;

	memset(d, 0, sizeof *d);
	snprintf(what, sizeof what, "device %zu", idx);
	if (!json_is_object(o))
		return err_set(e, "%s is not an object", what);
	if (getstr(o, "id", d->id, sizeof d->id, 1, what, e) < 0 ||
	    getstr(o, "type", d->type, sizeof d->type, 1, what, e) < 0 ||
	    getstr(o, "uuid", d->uuid, sizeof d->uuid, 0, what, e) < 0 ||
	    getstr(o, "driver", d->driver, sizeof d->driver, 0, what, e) < 0 ||
	    getstr(o, "mac", d->mac, sizeof d->mac, 0, what, e) < 0 ||
	    getstr(o, "bus", d->bus, sizeof d->bus, 0, what, e) < 0 ||
	    getstr(o, "state", tmp, sizeof tmp, 1, what, e) < 0)
		return -1;
	v = json_object_get(o, "slot");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 31)
		return err_set(e, "%s: \"slot\" must be an integer 0..31", what);
	d->slot = (int)json_integer_value(v);
	for (k = 0; k <= STORE_DEV_UNPLUGGING; k++)
		if (strcmp(tmp, store_dev_state_name(
		    (enum store_dev_state)k)) == 0)
			break;
	if (k > STORE_DEV_UNPLUGGING)
		return err_set(e, "%s: unknown state '%s' (expected plugged "
		    "or unplugging)", what, tmp);
	d->state = (enum store_dev_state)k;
	b = json_object_get(o, "backend");
	d->backend.kind = STORE_BK_NONE;
	if (b != NULL) {
		struct store_backend *bk = &d->backend;

		if (!json_is_object(b))
			return err_set(e, "%s: \"backend\" is not an object",
			    what);
		snprintf(what, sizeof what, "device %zu backend", idx);
		if (getstr(b, "kind", tmp, sizeof tmp, 1, what, e) < 0 ||
		    getstr(b, "netdev", bk->netdev, sizeof bk->netdev, 0, what,
		    e) < 0 ||
		    getstr(b, "tap", bk->tap, sizeof bk->tap, 0, what, e) < 0 ||
		    getstr(b, "path", bk->path, sizeof bk->path, 0, what,
		    e) < 0 ||
		    getstr(b, "format", bk->format, sizeof bk->format, 0, what,
		    e) < 0 ||
		    getstr(b, "drive", bk->drive, sizeof bk->drive, 0, what,
		    e) < 0 ||
		    store_backend_parse_extra(b, bk, what, e) < 0)
			return -1;
		for (k = 0; k <= STORE_BK_FILE; k++)
			if (strcmp(tmp, store_backend_kind_name(
			    (enum store_backend_kind)k)) == 0)
				break;
		if (k > STORE_BK_FILE)
			return err_set(e, "%s: unknown kind '%s' (expected "
			    "none, user, tap or file)", what, tmp);
		bk->kind = (enum store_backend_kind)k;
	}
	return 0;
}

/* Look up word in names[0..n); -1 when it is none of them. */
static int
name_index(const char *word, const char *(*name)(int), int n)
{
	int k;

	for (k = 0; k < n; k++)
		if (strcmp(word, name(k)) == 0)
			return k;
	return -1;
}

static const char *
opname(int k)
{
	return store_intent_op_name((enum store_intent_op)k);
}

static const char *
stepname(int k)
{
	return store_intent_step_name((enum store_intent_step)k);
}

static int
parse_intent(json_t *o, size_t idx, struct store_intent *in, struct err *e)
{
	char what[48], op[16], step[16];
	json_t *v;
	int k;

	memset(in, 0, sizeof *in);
	snprintf(what, sizeof what, "intent %zu", idx);
	if (!json_is_object(o))
		return err_set(e, "%s is not an object", what);
	if (getstr(o, "op", op, sizeof op, 1, what, e) < 0 ||
	    getstr(o, "step", step, sizeof step, 1, what, e) < 0)
		return -1;
	if ((k = name_index(op, opname, STORE_OP_UNPLUG + 1)) < 0)
		return err_set(e, "%s: unknown op '%s' (expected hotplug or "
		    "unplug)", what, op);
	in->op = (enum store_intent_op)k;
	if ((k = name_index(step, stepname, STORE_STEP_DEL + 1)) < 0)
		return err_set(e, "%s: unknown step '%s' (expected backend, "
		    "device or del)", what, step);
	in->step = (enum store_intent_step)k;
	v = json_object_get(o, "pid");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0))
		return err_set(e, "%s: \"pid\" is not a process id", what);
	in->pid = v != NULL ? (long)json_integer_value(v) : 0;
	v = json_object_get(o, "started");
	if (v != NULL && !json_is_integer(v))
		return err_set(e, "%s: \"started\" is not an integer", what);
	in->started = v != NULL ? (long long)json_integer_value(v) : 0;
	if (parse_dev(json_object_get(o, "device"), idx, &in->dev, e) < 0 ||
	    store_check_dev(&in->dev, e) < 0)
		return err_prefix(e, "%s", what);
	return 0;
}

static int
parse_intents(json_t *root, struct store_rt *rt, struct err *e)
{
	json_t *a = json_object_get(root, "intents");
	size_t i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return err_set(e, "\"intents\" is not an array");
	if (json_array_size(a) > STORE_MAX_INTENTS)
		return err_set(e, "more than %d intents", STORE_MAX_INTENTS);
	for (i = 0; i < json_array_size(a); i++) {
		struct store_intent in;

		if (parse_intent(json_array_get(a, i), i, &in, e) < 0 ||
		    store_add_intent(rt, &in, e) < 0)
			return -1;
	}
	return 0;
}

int
store_parse(const char *buf, size_t len, struct store_rt *rt, struct err *e)
{
	json_error_t je;
	json_t *root, *v, *devs;
	char res[SLOTMAP_NSLOTS + 2];
	size_t i;
	int rc = -1;

	store_rt_init(rt, "");
	rt->fresh = 0;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return err_set(e, "bad JSON at line %d column %d: %s",
		    je.line, je.column, je.text);
	if (!json_is_object(root)) {
		err_set(e, "the top level is not a JSON object");
		goto out;
	}
	v = json_object_get(root, "format");
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		err_set(e, "\"format\" is missing or not a positive integer");
		goto out;
	}
	if (json_integer_value(v) > STORE_FORMAT) {
		err_set(e, "format %lld was written by a newer slotscope (this "
		    "one reads format %d)", (long long)json_integer_value(v),
		    STORE_FORMAT);
		goto out;
	}
	if (getstr(root, "instance", rt->inst, sizeof rt->inst, 1, "the file",
	    e) < 0)
		goto out;
	if (store_check_name(rt->inst, e) < 0) {
		err_prefix(e, "\"instance\"");
		goto out;
	}
	if (getstr(root, "reservations", res, sizeof res, 1, "the file",
	    e) < 0)
		goto out;
	if (slotmap_from_string(&rt->reserved, res, strlen(res), e) < 0) {
		err_prefix(e, "\"reservations\"");
		goto out;
	}
	devs = json_object_get(root, "devices");
	if (devs != NULL && !json_is_array(devs)) {
		err_set(e, "\"devices\" is not an array");
		goto out;
	}
	if (devs != NULL && json_array_size(devs) > STORE_MAX_DEVICES) {
		err_set(e, "more than %d devices", STORE_MAX_DEVICES);
		goto out;
	}
	for (i = 0; devs != NULL && i < json_array_size(devs); i++) {
		struct store_dev d;

		if (parse_dev(json_array_get(devs, i), i, &d, e) < 0)
			goto out;
		if (store_add_dev(rt, &d, e) < 0)
			goto out;
	}
	if (json_integer_value(v) >= 2 && parse_intents(root, rt, e) < 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}
