/* SPDX-License-Identifier: GPL-3.0-or-later */
/* moncmd.c - monitor command building; see moncmd.h. */
#include "qemu/moncmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/blkopt.h"
#include "model/devid.h"

const char *
mon_proto_name(enum mon_proto p)
{
	return p == MON_PROTO_HMP ? "hmp" : p == MON_PROTO_QMP ? "qmp" : "?";
}

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is not valid
 * UTF-8 (overlong forms, surrogates and code points past U+10FFFF are not):
 * QMP can only carry valid UTF-8, and jansson would silently drop a value
 * that is not, so such a value is refused for both protocols. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned int c;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

int
moncmd_check_value(const char *what, const char *val, struct err *e)
{
	const unsigned char *s;
	size_t n;

	if (val == NULL || *val == '\0')
		return err_set(e, "%s must not be empty", what);
	for (s = (const unsigned char *)val; *s; s += n) {
		if (*s < 0x20 || *s == 0x7f)
			return err_set(e, "%s contains a control character "
			    "(0x%02x): refused", what, *s);
		if ((n = utf8_len(s)) == 0)
			return err_set(e, "%s is not valid UTF-8 (byte 0x%02x "
			    "at %zu): refused", what, *s,
			    (size_t)(s - (const unsigned char *)val));
	}
	if (strlen(val) > MONCMD_HMP_MAX)
		return err_set(e, "%s is longer than %d bytes", what,
		    MONCMD_HMP_MAX);
	return 0;
}

static int
check_id(const char *what, const char *id, struct err *e)
{
	if (id == NULL || *id == '\0')
		return err_set(e, "%s is missing", what);
	if (devid_check_qemu_id(id, strlen(id), e) < 0)
		return err_prefix(e, "%s", what);
	return 0;
}

/* Driver names and property keys: a letter, then letters, digits, - _ . */
static int
check_name(const char *what, const char *s, struct err *e)
{
	const char *p;

	if (s == NULL || *s == '\0')
		return err_set(e, "%s is missing", what);
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		goto bad;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			goto bad;
	if (p - s > 64)
		goto bad;
	return 0;
bad:
	return err_set(e, "%s '%.64s' is not a valid name (a letter, then "
	    "letters, digits, '-', '_' or '.')", what, s);
}

int
moncmd_hmp_escape(const char *val, char *out, size_t outsz, struct err *e)
{
	size_t o = 0;
	const char *s;

	if (moncmd_check_value("value", val, e) < 0)
		return -1;
	for (s = val; *s; s++) {
		if (*s == ' ')
			return err_set(e, "HMP cannot carry a space in an "
			    "option value ('%.64s'): use QMP", val);
		if (o + (*s == ',' ? 2 : 1) >= outsz)
			return err_set(e, "value too long for an HMP command");
		out[o++] = *s;
		if (*s == ',')
			out[o++] = ',';
	}
	out[o] = '\0';
	return 0;
}

/* --- a small string builder for HMP lines ----------------------------- */

struct line {
	char buf[MONCMD_HMP_MAX + 2];
	size_t n;
	int over;
};

static void
put(struct line *l, const char *s)
{
	size_t m = strlen(s);

	if (l->n + m > MONCMD_HMP_MAX) {
		l->over = 1;
		return;
	}
	memcpy(l->buf + l->n, s, m);
	l->n += m;
	l->buf[l->n] = '\0';
}

/* ",key=value" with value escaped */
static int
put_opt(struct line *l, const char *key, const char *val, struct err *e)
{
	char esc[MONCMD_HMP_MAX + 1];

	if (moncmd_hmp_escape(val, esc, sizeof esc, e) < 0)
		return err_prefix(e, "%s", key);
	put(l, ",");
	put(l, key);
	put(l, "=");
	put(l, esc);
	return 0;
}

static int
line_done(struct line *l, char **out, struct err *e)
{
	if (l->over)
		return err_set(e, "the HMP command would be longer than %d "
		    "bytes", MONCMD_HMP_MAX);
	/* The newline does not count against the limit (buf has room for
	 * it): put() would drop it from a line of exactly MONCMD_HMP_MAX
	 * bytes, and the next command would then continue this line. */
	l->buf[l->n++] = '\n';
	l->buf[l->n] = '\0';
	*out = strdup(l->buf);
	return *out ? 0 : err_set(e, "out of memory");
}

/* --- QMP -------------------------------------------------------------- */

/* Steals args (may be NULL). */
static int
qmp_line(const char *execute, json_t *args, char **out, struct err *e)
{
	json_t *o = json_object();
	char *s, *l;

	if (o == NULL) {
		json_decref(args);
		return err_set(e, "out of memory");
	}
	json_object_set_new(o, "execute", json_string(execute));
	if (args != NULL)
		json_object_set_new(o, "arguments", args);
	s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	if (s == NULL || asprintf(&l, "%s\n", s) < 0) {
		free(s);
		return err_set(e, "out of memory");
	}
	free(s);
	*out = l;
	return 0;
}

static void
jset(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

/* --- builders --------------------------------------------------------- */

static int
simple(enum mon_proto p, const char *hmp, const char *qmp, char **out,
    struct err *e)
{
	*out = NULL;
	if (p == MON_PROTO_HMP) {
		struct line l = { .n = 0 };

		put(&l, hmp);
		return line_done(&l, out, e);
	}
	if (p == MON_PROTO_QMP) {
		/* our own constant names: the bytes qmp_line() would give,
		 * without building and encoding a tree each time */
		if (asprintf(out, "{\"execute\":\"%s\"}\n", qmp) < 0) {
			*out = NULL;
			return err_set(e, "out of memory");
		}
		return 0;
	}
	return err_set(e, "unknown monitor protocol");
}

int
moncmd_query_pci(enum mon_proto p, char **out, struct err *e)
{
	return simple(p, "info pci", "query-pci", out, e);
}

int
moncmd_query_version(enum mon_proto p, char **out, struct err *e)
{
	return simple(p, "info version", "query-version", out, e);
}

int
moncmd_qmp_capabilities(char **out, struct err *e)
{
	return simple(MON_PROTO_QMP, "", "qmp_capabilities", out, e);
}

/* QMP device_add's value of one property: a JSON boolean or number for
 * the properties that are typed so (QEMU 10.0 refuses a string for them,
 * 7.2 takes either), a string for all others. */
static json_t *
typed(const char *key, const char *val)
{
	static const char *const bools[] = { "mq", NULL };
	static const char *const ints[] = { "vectors", NULL };
	size_t k;
	char *end;
	long n;

	for (k = 0; bools[k]; k++)
		if (strcmp(key, bools[k]) == 0 && (strcmp(val, "on") == 0 ||
		    strcmp(val, "off") == 0))
			return json_boolean(strcmp(val, "on") == 0);
	for (k = 0; ints[k]; k++)
		if (strcmp(key, ints[k]) == 0) {
			n = strtol(val, &end, 10);
			if (*val != '\0' && *end == '\0')
				return json_integer(n);
		}
	return json_string(val);
}

static const char *const reserved_keys[] = {
	"driver", "id", "bus", "addr", NULL
};

int
moncmd_device_add(enum mon_proto p, const struct moncmd_device *d,
    char **out, struct err *e)
{
	char addr[16];
	size_t i, k;

	*out = NULL;
	if (check_name("device driver", d->driver, e) < 0 ||
	    check_id("device id", d->id, e) < 0)
		return -1;
	if (d->bus != NULL && check_id("bus", d->bus, e) < 0)
		return -1;
	if (d->slot < -1 || d->slot > 31)
		return err_set(e, "PCI slot %d is out of range: use 0 to 31",
		    d->slot);
	if (d->func < 0 || d->func > 7)
		return err_set(e, "PCI function %d is out of range: use 0 to "
		    "7", d->func);
	if (d->nprops > MONCMD_MAX_PROPS)
		return err_set(e, "too many device properties (at most %d)",
		    MONCMD_MAX_PROPS);
	for (i = 0; i < d->nprops; i++) {
		if (check_name("property name", d->props[i].key, e) < 0 ||
		    moncmd_check_value(d->props[i].key, d->props[i].val,
		    e) < 0)
			return -1;
		for (k = 0; reserved_keys[k]; k++)
			if (strcmp(d->props[i].key, reserved_keys[k]) == 0)
				return err_set(e, "property '%s' is set by "
				    "its own field", reserved_keys[k]);
		for (k = 0; k < i; k++)
			if (strcmp(d->props[i].key, d->props[k].key) == 0)
				return err_set(e, "property '%s' is given "
				    "twice", d->props[i].key);
	}
	if (d->func == 0)
		snprintf(addr, sizeof addr, "0x%x", (unsigned)d->slot);
	else
		snprintf(addr, sizeof addr, "0x%x.0x%x", (unsigned)d->slot,
		    (unsigned)d->func);
	if (p == MON_PROTO_HMP) {
		struct line l = { .n = 0 };

		put(&l, "device_add ");
		put(&l, d->driver);
		put(&l, ",id=");
		put(&l, d->id);
		if (d->bus) {
			put(&l, ",bus=");
			put(&l, d->bus);
		}
		if (d->slot >= 0) {
			put(&l, ",addr=");
			put(&l, addr);
		}
		for (i = 0; i < d->nprops; i++)
			if (put_opt(&l, d->props[i].key, d->props[i].val,
			    e) < 0)
				return -1;
		return line_done(&l, out, e);
	}
	if (p == MON_PROTO_QMP) {
		json_t *a = json_object();

		if (a == NULL)
			return err_set(e, "out of memory");
		jset(a, "driver", d->driver);
		jset(a, "id", d->id);
		if (d->bus)
			jset(a, "bus", d->bus);
		if (d->slot >= 0)
			jset(a, "addr", addr);
		for (i = 0; i < d->nprops; i++)
			json_object_set_new(a, d->props[i].key,
			    typed(d->props[i].key, d->props[i].val));
		return qmp_line("device_add", a, out, e);
	}
	return err_set(e, "unknown monitor protocol");
}

/* A command whose one argument is an id. */
static int
by_id(enum mon_proto p, const char *what, const char *hmp, const char *qmp,
    const char *qkey, const char *id, char **out, struct err *e)
{
	*out = NULL;
	if (check_id(what, id, e) < 0)
		return -1;
	if (p == MON_PROTO_HMP) {
		struct line l = { .n = 0 };

		put(&l, hmp);
		put(&l, " ");
		put(&l, id);
		return line_done(&l, out, e);
	}
	if (p == MON_PROTO_QMP) {
		json_t *a = json_object();

		if (a == NULL)
			return err_set(e, "out of memory");
		jset(a, qkey, id);
		return qmp_line(qmp, a, out, e);
	}
	return err_set(e, "unknown monitor protocol");
}

int
moncmd_device_del(enum mon_proto p, const char *id, char **out,
    struct err *e)
{
	return by_id(p, "device id", "device_del", "device_del", "id", id, out,
	    e);
}

int
moncmd_netdev_del(enum mon_proto p, const char *id, char **out,
    struct err *e)
{
	return by_id(p, "netdev id", "netdev_del", "netdev_del", "id", id, out,
	    e);
}

int
moncmd_drive_del(enum mon_proto p, const char *id, char **out,
    struct err *e)
{
	return by_id(p, "drive id", "drive_del", "blockdev-del", "node-name",
	    id, out, e);
}

int
moncmd_getfd(enum mon_proto p, const char *name, char **out, struct err *e)
{
	return by_id(p, "fd name", "getfd", "getfd", "fdname", name, out, e);
}

int
moncmd_closefd(enum mon_proto p, const char *name, char **out,
    struct err *e)
{
	return by_id(p, "fd name", "closefd", "closefd", "fdname", name, out,
	    e);
}

/* The tap's fd names: one (fd=NAME) or several (fds=A:B:C). */
static int
tap_fds(const struct moncmd_netdev *n, char *out, size_t outsz,
    struct err *e)
{
	size_t i, o = 0;

	if (n->nfds <= 1)
		return check_id("tap fd name", n->fdname, e) < 0 ? -1 :
		    (snprintf(out, outsz, "%s", n->fdname), 0);
	if (n->nfds > MONCMD_MAX_QUEUES)
		return err_set(e, "at most %d tap queues", MONCMD_MAX_QUEUES);
	for (i = 0; i < n->nfds; i++) {
		if (check_id("tap fd name", n->fdnames[i], e) < 0)
			return -1;
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? ":" : "",
		    n->fdnames[i]);
		if (o >= outsz)
			return err_set(e, "tap fd names too long");
	}
	return 0;
}

int
moncmd_netdev_add(enum mon_proto p, const struct moncmd_netdev *n,
    char **out, struct err *e)
{
	const char *type, *fdkey = n->nfds > 1 ? "fds" : "fd";
	char fds[MONCMD_MAX_QUEUES * (QEMU_ID_MAX + 1) + 1];

	*out = NULL;
	if (check_id("netdev id", n->id, e) < 0)
		return -1;
	if (n->type == MONCMD_NETDEV_USER) {
		type = "user";
		if (n->vhost || n->nfds > 1)
			return err_set(e, "vhost and queues need a tap "
			    "backend");
	} else if (n->type == MONCMD_NETDEV_TAP) {
		type = "tap";
		if (tap_fds(n, fds, sizeof fds, e) < 0)
			return -1;
	} else
		return err_set(e, "unknown netdev type");
	if (p == MON_PROTO_HMP) {
		struct line l = { .n = 0 };

		put(&l, "netdev_add ");
		put(&l, type);
		put(&l, ",id=");
		put(&l, n->id);
		if (n->type == MONCMD_NETDEV_TAP) {
			put(&l, ",");
			put(&l, fdkey);
			put(&l, "=");
			put(&l, fds);
			if (n->vhost)
				put(&l, ",vhost=on");
		}
		return line_done(&l, out, e);
	}
	if (p == MON_PROTO_QMP) {
		json_t *a = json_object();

		if (a == NULL)
			return err_set(e, "out of memory");
		jset(a, "type", type);
		jset(a, "id", n->id);
		if (n->type == MONCMD_NETDEV_TAP) {
			jset(a, fdkey, fds);
			if (n->vhost)
				json_object_set_new(a, "vhost", json_true());
		}
		return qmp_line("netdev_add", a, out, e);
	}
	return err_set(e, "unknown monitor protocol");
}

static int
check_drive(const struct moncmd_drive *d, const char *fmt, struct err *e)
{
	if (check_id("drive id", d->id, e) < 0 ||
	    moncmd_check_value("drive file", d->file, e) < 0 ||
	    check_name("drive format", fmt, e) < 0)
		return -1;
	if (d->protocol != NULL && strcmp(d->protocol, "file") != 0 &&
	    strcmp(d->protocol, "host_device") != 0)
		return err_set(e, "drive protocol '%.40s' is not file or "
		    "host_device", d->protocol);
	if ((d->cache && blkopt_check_cache(d->cache, e) < 0) ||
	    (d->aio && blkopt_check_aio(d->aio, e) < 0) ||
	    (d->discard && blkopt_check_discard(d->discard, e) < 0))
		return -1;
	return blkopt_check_combo(d->cache, d->aio, e);
}

static int
drive_hmp(const struct moncmd_drive *d, const char *fmt, char **out,
    struct err *e)
{
	struct line l = { .n = 0 };
	char esc[MONCMD_HMP_MAX + 1];

	put(&l, "drive_add dummy ");
	put(&l, "file=");
	/* put_opt writes ",key=": the escaped file goes in by hand */
	if (moncmd_hmp_escape(d->file, esc, sizeof esc, e) < 0)
		return err_prefix(e, "drive file");
	put(&l, esc);
	put(&l, ",if=none,id=");
	put(&l, d->id);
	put(&l, ",format=");
	put(&l, fmt);
	if (d->protocol) {
		put(&l, ",file.driver=");
		put(&l, d->protocol);
	}
	if (d->readonly)
		put(&l, ",readonly=on");
	if (d->cache) {
		put(&l, ",cache=");
		put(&l, d->cache);
	}
	if (d->aio) {
		put(&l, ",aio=");
		put(&l, d->aio);
	}
	if (d->discard) {
		put(&l, ",discard=");
		put(&l, d->discard);
	}
	return line_done(&l, out, e);
}

static int
drive_qmp(const struct moncmd_drive *d, const char *fmt, char **out,
    struct err *e)
{
	json_t *a = json_object(), *f = json_object();

	if (a == NULL || f == NULL) {
		json_decref(a);
		json_decref(f);
		return err_set(e, "out of memory");
	}
	jset(a, "driver", fmt);
	jset(a, "node-name", d->id);
	if (d->readonly)
		json_object_set_new(a, "read-only", json_true());
	if (d->discard)
		jset(a, "discard", d->discard);
	if (d->cache) {
		const struct blkopt_cache *c = blkopt_cache(d->cache);

		json_object_set_new(a, "cache", json_pack("{s:b, s:b}",
		    "direct", c->direct, "no-flush", c->no_flush));
	}
	jset(f, "driver", d->protocol ? d->protocol : "file");
	jset(f, "filename", d->file);
	if (d->aio)
		jset(f, "aio", d->aio);
	json_object_set_new(a, "file", f);
	return qmp_line("blockdev-add", a, out, e);
}

int
moncmd_drive_add(enum mon_proto p, const struct moncmd_drive *d, char **out,
    struct err *e)
{
	const char *fmt = d->format ? d->format : "raw";

	*out = NULL;
	if (check_drive(d, fmt, e) < 0)
		return -1;
	if (p == MON_PROTO_HMP)
		return drive_hmp(d, fmt, out, e);
	if (p == MON_PROTO_QMP)
		return drive_qmp(d, fmt, out, e);
	return err_set(e, "unknown monitor protocol");
}
