/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmp.c - QMP messages and parsers; see qmp.h. */
#include "qemu/qmp.h"

#include <stdio.h>
#include <string.h>

size_t
qmp_line_len(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);

	return nl ? (size_t)(nl - buf) + 1 : 0;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
qmp_blank(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!blank(buf[i]))
			return 0;
	return 1;
}

size_t
qmp_msg_len(const char *buf, size_t len)
{
	size_t i = 0, depth = 0;
	int str = 0, esc = 0;

	for (; i < len && blank(buf[i]); i++)
		if (buf[i] == '\n')
			return i + 1;	/* a blank line */
	if (i == len)
		return 0;
	if (buf[i] != '{' && buf[i] != '[')
		return qmp_line_len(buf, len);
	for (; i < len; i++) {
		char c = buf[i];

		if (str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				str = 0;
		} else if (c == '"')
			str = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			break;
	}
	if (i == len)
		return 0;
	/* the line end after it ("\r\n"; a "\n" still to come is a blank
	 * line of its own) */
	for (i++; i < len && (buf[i] == ' ' || buf[i] == '\r'); i++)
		;
	if (i < len && buf[i] == '\n')
		i++;
	return i;
}

int
qmp_msg_check_partial(const char *buf, size_t len, struct err *e)
{
	const char *nl = len ? memrchr(buf, '\n', len) : NULL;
	json_error_t je;
	json_t *v;

	if (nl == NULL)
		return 0;	/* QEMU writes whole lines: wait for one */
	v = json_loadb(buf, (size_t)(nl - buf) + 1, JSON_DISABLE_EOF_CHECK,
	    &je);
	if (v != NULL) {
		json_decref(v);
		return 0;
	}
	if (json_error_code(&je) == json_error_premature_end_of_input)
		return 0;
	return err_set(e, "the monitor sent something that is not JSON: %s",
	    je.text);
}

void
qmp_msg_free(struct qmp_msg *m)
{
	json_decref(m->root);
	memset(m, 0, sizeof *m);
}

int
qmp_msg_parse(const char *buf, size_t len, struct qmp_msg *m, struct err *e)
{
	json_error_t je;
	json_t *v;

	memset(m, 0, sizeof *m);
	if (len > QMP_LINE_MAX)
		return err_set(e, "QMP message too long (%zu bytes)", len);
	m->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (m->root == NULL)
		return err_set(e, "the monitor sent something that is not "
		    "JSON: %s", je.text);
	if (!json_is_object(m->root))
		goto bad;
	if ((v = json_object_get(m->root, "return")) != NULL) {
		m->kind = QMP_MSG_RETURN;
		m->ret = v;
		return 0;
	}
	if ((v = json_object_get(m->root, "error")) != NULL) {
		json_t *c = json_object_get(v, "class");
		json_t *d = json_object_get(v, "desc");

		if (!json_is_string(d))
			goto bad;
		m->kind = QMP_MSG_ERROR;
		m->err_class = json_is_string(c) ? json_string_value(c) : "";
		m->err_desc = json_string_value(d);
		m->err_kind = monerr_classify(m->err_class, m->err_desc,
		    json_string_length(d));
		return 0;
	}
	if ((v = json_object_get(m->root, "event")) != NULL) {
		if (!json_is_string(v))
			goto bad;
		m->kind = QMP_MSG_EVENT;
		m->event = json_string_value(v);
		m->data = json_object_get(m->root, "data");
		return 0;
	}
	if (json_is_object(json_object_get(m->root, "QMP"))) {
		m->kind = QMP_MSG_GREETING;
		return 0;
	}
bad:
	qmp_msg_free(m);
	return err_set(e, "the monitor sent a JSON message that is neither a "
	    "QMP reply nor an event");
}

static int
get_int(const json_t *o, const char *key, long long lo, long long hi,
    long long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return 0;
	*out = json_integer_value(v);
	return *out >= lo && *out <= hi;
}

static int
version_from(const json_t *o, struct qemu_version *v, struct err *e)
{
	const json_t *q = json_object_get(o, "qemu");
	json_t *pkg = json_object_get(o, "package");
	long long a, b, c;

	memset(v, 0, sizeof *v);
	if (!json_is_object(q) || !get_int(q, "major", 0, 100000, &a) ||
	    !get_int(q, "minor", 0, 100000, &b) ||
	    !get_int(q, "micro", 0, 100000, &c))
		return err_set(e, "the monitor's version has no "
		    "qemu.major/minor/micro numbers");
	v->major = (int)a;
	v->minor = (int)b;
	v->micro = (int)c;
	if (json_is_string(pkg))
		snprintf(v->package, sizeof v->package, "%s",
		    json_string_value(pkg));
	return 0;
}

int
qmp_greeting_version(const json_t *root, struct qemu_version *v,
    struct err *e)
{
	const json_t *q = json_object_get(root, "QMP");

	return version_from(json_object_get(q, "version"), v, e);
}

int
qmp_parse_version(const json_t *ret, struct qemu_version *v, struct err *e)
{
	return version_from(ret, v, e);
}

/* A pci_bridge member: the kind from the ids, bus.secondary. */
static int
bridge_of(const json_t *br, struct pci_fn *fn, struct err *e)
{
	long long sec;

	if (!get_int(json_object_get(br, "bus"), "secondary", 0, 255, &sec))
		return err_set(e, "query-pci: a bridge without a valid "
		    "bus.secondary number");
	fn->bridge = pci_bridge_kind_of(fn->vendor, fn->device);
	fn->sec_bus = (int)sec;
	return 0;
}

static int
devices(const json_t *arr, int depth, struct pci_info *pi, struct err *e)
{
	size_t i;
	json_t *d;

	if (!json_is_array(arr))
		return err_set(e, "query-pci: \"devices\" is not a list");
	json_array_foreach(arr, i, d) {
		struct pci_fn fn;
		long long bus, slot, func, vendor, device, cls;
		const json_t *ci = json_object_get(d, "class_info");
		const json_t *id = json_object_get(d, "id");
		const json_t *q = json_object_get(d, "qdev_id");
		const json_t *desc = json_object_get(ci, "desc");
		const json_t *br = json_object_get(d, "pci_bridge");

		memset(&fn, 0, sizeof fn);
		if (!get_int(d, "bus", 0, 255, &bus) ||
		    !get_int(d, "slot", 0, 31, &slot) ||
		    !get_int(d, "function", 0, 7, &func))
			return err_set(e, "query-pci: a device without a valid "
			    "bus, slot and function");
		if (depth > 0 && bus == 0)
			return err_set(e, "query-pci: a device behind a bridge "
			    "claims bus 0");
		if (!json_is_object(id) ||
		    !get_int(id, "vendor", 0, 0xffff, &vendor) ||
		    !get_int(id, "device", 0, 0xffff, &device))
			return err_set(e, "query-pci: a device without valid "
			    "vendor and device ids");
		fn.bus = (int)bus;
		fn.slot = (int)slot;
		fn.func = (int)func;
		fn.vendor = (unsigned)vendor;
		fn.device = (unsigned)device;
		if (json_is_string(desc))
			snprintf(fn.class_text, sizeof fn.class_text, "%s",
			    json_string_value(desc));
		else if (get_int(ci, "class", 0, 0xffff, &cls))
			snprintf(fn.class_text, sizeof fn.class_text,
			    "Class %04llx", cls);
		if (json_is_string(q))
			snprintf(fn.id, sizeof fn.id, "%s",
			    json_string_value(q));
		if (br != NULL && bridge_of(br, &fn, e) < 0)
			return -1;
		if (pci_info_add(pi, &fn, e) < 0)
			return -1;
		if (br != NULL && json_object_get(br, "devices") != NULL) {
			if (depth + 1 >= QMP_BRIDGE_DEPTH)
				return err_set(e, "query-pci: bridges nested "
				    "more than %d deep", QMP_BRIDGE_DEPTH);
			if (devices(json_object_get(br, "devices"), depth + 1,
			    pi, e) < 0)
				return -1;
		}
	}
	return 0;
}

int
qmp_parse_pci(const json_t *ret, struct pci_info *pi, struct err *e)
{
	size_t i;
	json_t *b;

	if (!json_is_array(ret))
		return err_set(e, "query-pci did not return a list of buses");
	json_array_foreach(ret, i, b) {
		if (!json_is_object(b))
			return err_set(e, "query-pci: a bus that is not an "
			    "object");
		if (devices(json_object_get(b, "devices"), 0, pi, e) < 0)
			return -1;
	}
	return 0;
}

static int
is_event_for(const json_t *root, const char *name, const char *id)
{
	const json_t *ev = json_object_get(root, "event");
	const json_t *dev;

	if (!json_is_string(ev) || strcmp(json_string_value(ev), name) != 0)
		return 0;
	dev = json_object_get(json_object_get(root, "data"), "device");
	return json_is_string(dev) && strcmp(json_string_value(dev), id) == 0;
}

int
qmp_is_device_deleted(const json_t *root, const char *id)
{
	return is_event_for(root, "DEVICE_DELETED", id);
}

int
qmp_is_unplug_refused(const json_t *root, const char *id)
{
	return is_event_for(root, "DEVICE_UNPLUG_GUEST_ERROR", id);
}
