/* moncmd.c - monitor command building; see moncmd.h. */
#include "qemu/moncmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (p == MON_PROTO_QMP)
		return qmp_line(qmp, NULL, out, e);
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
			jset(a, d->props[i].key, d->props[i].val);
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

int
moncmd_netdev_add(enum mon_proto p, const struct moncmd_netdev *n,
    char **out, struct err *e)
{
	const char *type;

	*out = NULL;
	if (check_id("netdev id", n->id, e) < 0)
		return -1;
	if (n->type == MONCMD_NETDEV_USER)
		type = "user";
	else if (n->type == MONCMD_NETDEV_TAP) {
		type = "tap";
		if (check_id("tap fd name", n->fdname, e) < 0)
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
			put(&l, ",fd=");
			put(&l, n->fdname);
		}
		return line_done(&l, out, e);
	}
	if (p == MON_PROTO_QMP) {
		json_t *a = json_object();

		if (a == NULL)
			return err_set(e, "out of memory");
		jset(a, "type", type);
		jset(a, "id", n->id);
		if (n->type == MONCMD_NETDEV_TAP)
			jset(a, "fd", n->fdname);
		return qmp_line("netdev_add", a, out, e);
	}
	return err_set(e, "unknown monitor protocol");
}

int
moncmd_drive_add(enum mon_proto p, const struct moncmd_drive *d, char **out,
    struct err *e)
{
	const char *fmt = d->format ? d->format : "raw";

	*out = NULL;
	if (check_id("drive id", d->id, e) < 0 ||
	    moncmd_check_value("drive file", d->file, e) < 0 ||
	    check_name("drive format", fmt, e) < 0)
		return -1;
	if (p == MON_PROTO_HMP) {
		struct line l = { .n = 0 };

		put(&l, "drive_add dummy ");
		put(&l, "file=");
		/* put_opt writes ",key=": build the escaped file by hand */
		{
			char esc[MONCMD_HMP_MAX + 1];

			if (moncmd_hmp_escape(d->file, esc, sizeof esc, e) < 0)
				return err_prefix(e, "drive file");
			put(&l, esc);
		}
		put(&l, ",if=none,id=");
		put(&l, d->id);
		put(&l, ",format=");
		put(&l, fmt);
		return line_done(&l, out, e);
	}
	if (p == MON_PROTO_QMP) {
		json_t *a = json_object(), *f = json_object();

		if (a == NULL || f == NULL) {
			json_decref(a);
			json_decref(f);
			return err_set(e, "out of memory");
		}
		jset(a, "driver", fmt);
		jset(a, "node-name", d->id);
		jset(f, "driver", "file");
		jset(f, "filename", d->file);
		json_object_set_new(a, "file", f);
		return qmp_line("blockdev-add", a, out, e);
	}
	return err_set(e, "unknown monitor protocol");
}
