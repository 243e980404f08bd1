/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_moncmd.c - libFuzzer target and injection oracle for the bytes
 * slotscope sends to QEMU (core/moncmd).  Any field may hold any bytes; a
 * builder may refuse, but what it accepts must read back, the way QEMU
 * reads it, as exactly the fields given: HMP is one line whose options
 * (QemuOpts: ',' separates, ',,' is a literal comma) are exactly the keys
 * set, each with its value; QMP is one JSON object whose arguments are
 * exactly the keys set with their values.  Nothing extra, nothing lost. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/moncmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NF 8

/* Split data into NF NUL-terminated fields at 0x01 bytes (the oracle
 * itself never lets a control character through, so nothing is lost). */
static void
fields(const uint8_t *d, size_t n, char f[NF][2048])
{
	size_t i, k = 0, o = 0;

	memset(f, 0, NF * 2048);
	for (i = 0; i < n && k < NF; i++) {
		if (d[i] == 0x01) {
			k++;
			o = 0;
			continue;
		}
		if (o < 2047)
			f[k][o++] = (char)d[i];
	}
}

/* Read QemuOpts text (after the command word) into keys and values:
 * "a=1,b=x,,y" -> a:1, b:x,y.  Returns how many options. */
static size_t
opts(const char *s, char key[24][1100], char val[24][2100])
{
	size_t n = 0, o;

	while (*s && n < 24) {
		o = 0;
		while (*s && *s != '=' && *s != ',' && o < 1099)
			key[n][o++] = *s++;
		key[n][o] = '\0';
		o = 0;
		if (*s == '=') {
			s++;
			for (; *s && o < 2099; s++) {
				if (*s == ',') {
					if (s[1] != ',')
						break;
					s++;
				}
				val[n][o++] = *s;
			}
		}
		val[n][o] = '\0';
		n++;
		if (*s == ',')
			s++;
	}
	return n;
}

static char K[24][1100], V[24][2100];

/* The line must be one line with no control character but its end. */
static const char *
one_line(const char *l)
{
	size_t n = strlen(l), i;

	if (n == 0 || l[n - 1] != '\n')
		abort();
	for (i = 0; i + 1 < n; i++)
		if ((unsigned char)l[i] < 0x20 || l[i] == 0x7f)
			abort();
	return l;
}

/* Check an HMP line "WORD REST\n": WORD is want_cmd; the options of REST
 * (after skipping `skip` words) are exactly keys/vals[0..n). */
static void
hmp_check(const char *line, const char *want_cmd, int skip,
    const char *const *keys, const char *const *vals, size_t n)
{
	char buf[4096];
	const char *p;
	size_t i, got;

	one_line(line);
	snprintf(buf, sizeof buf, "%s", line);
	buf[strlen(buf) - 1] = '\0';
	if (strncmp(buf, want_cmd, strlen(want_cmd)) != 0 ||
	    buf[strlen(want_cmd)] != ' ')
		abort();
	p = buf + strlen(want_cmd) + 1;
	while (skip-- > 0) {
		p = strchr(p, ' ');
		if (p == NULL)
			abort();
		p++;
	}
	if (strchr(p, ' ') != NULL)	/* HMP would end the argument there */
		abort();
	got = opts(p, K, V);
	if (got != n)
		abort();
	for (i = 0; i < n; i++)
		if (strcmp(K[i], keys[i]) != 0 || strcmp(V[i], vals[i]) != 0)
			abort();
}

static void
qmp_check(const char *line, const char *want_cmd, const char *const *keys,
    const char *const *vals, size_t n)
{
	json_t *o, *a, *v;
	json_error_t je;
	size_t i;

	one_line(line);
	o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || !json_is_object(o) || json_object_size(o) != 2 ||
	    strcmp(json_string_value(json_object_get(o, "execute")),
	    want_cmd) != 0)
		abort();
	a = json_object_get(o, "arguments");
	if (!json_is_object(a) || json_object_size(a) != n)
		abort();
	for (i = 0; i < n; i++) {
		v = json_object_get(a, keys[i]);
		if (strchr(keys[i], '/') != NULL) {	/* "file/filename" */
			v = json_object_get(json_object_get(a, "file"),
			    strchr(keys[i], '/') + 1);
		}
		if (!json_is_string(v) ||
		    strcmp(json_string_value(v), vals[i]) != 0)
			abort();
	}
	json_decref(o);
}

static void
device(enum mon_proto p, char f[NF][2048])
{
	struct moncmd_device d;
	struct moncmd_prop pr[2];
	const char *keys[8], *vals[8];
	char addr[16];
	size_t n = 0;
	char *out;
	struct err e;

	memset(&d, 0, sizeof d);
	d.driver = f[0];
	d.id = f[1];
	d.bus = f[2][0] ? f[2] : NULL;
	d.slot = (unsigned char)f[7][0] % 34 - 1;
	d.func = (unsigned char)f[7][1] % 8;
	pr[0].key = f[3];
	pr[0].val = f[4];
	pr[1].key = f[5];
	pr[1].val = f[6];
	d.props = pr;
	d.nprops = f[5][0] ? 2 : f[3][0] ? 1 : 0;
	if (moncmd_device_add(p, &d, &out, &e) < 0) {
		if (out != NULL)
			abort();
		return;
	}
	if (p == MON_PROTO_HMP) {
		keys[n] = d.driver;	/* the first option is the driver */
		vals[n++] = "";
	} else {
		keys[n] = "driver";
		vals[n++] = d.driver;
	}
	keys[n] = "id";
	vals[n++] = d.id;
	if (d.bus) {
		keys[n] = "bus";
		vals[n++] = d.bus;
	}
	if (d.slot >= 0) {
		if (d.func)
			snprintf(addr, sizeof addr, "0x%x.0x%x", d.slot, d.func);
		else
			snprintf(addr, sizeof addr, "0x%x", d.slot);
		keys[n] = "addr";
		vals[n++] = addr;
	}
	if (d.nprops >= 1) {
		keys[n] = pr[0].key;
		vals[n++] = pr[0].val;
	}
	if (d.nprops >= 2) {
		keys[n] = pr[1].key;
		vals[n++] = pr[1].val;
	}
	if (p == MON_PROTO_HMP)
		hmp_check(out, "device_add", 0, keys, vals, n);
	else
		qmp_check(out, "device_add", keys, vals, n);
	free(out);
}

static void
drive(enum mon_proto p, char f[NF][2048])
{
	struct moncmd_drive d = { .id = NULL };
	const char *fmt = f[2][0] ? f[2] : "raw";
	char *out;
	struct err e;

	d.id = f[0];
	d.file = f[1];
	d.format = f[2][0] ? f[2] : NULL;
	if (moncmd_drive_add(p, &d, &out, &e) < 0) {
		if (out != NULL)
			abort();
		return;
	}
	if (p == MON_PROTO_HMP) {
		const char *k[] = { "file", "if", "id", "format" };
		const char *v[] = { d.file, "none", d.id, fmt };

		hmp_check(out, "drive_add", 1, k, v, 4);
	} else {
		const char *k[] = { "driver", "node-name", "file/filename" };
		const char *v[] = { fmt, d.id, d.file };

		/* "file" is an object: 3 members at the top level */
		qmp_check(out, "blockdev-add", k, v, 3);
	}
	free(out);
}

static void
netdev(enum mon_proto p, char f[NF][2048])
{
	struct moncmd_netdev n = { .id = NULL };
	char *out;
	struct err e;

	n.type = f[2][0] ? MONCMD_NETDEV_TAP : MONCMD_NETDEV_USER;
	n.id = f[0];
	n.fdname = f[1];
	if (moncmd_netdev_add(p, &n, &out, &e) < 0) {
		if (out != NULL)
			abort();
		return;
	}
	if (p == MON_PROTO_HMP) {
		const char *k[] = { n.type == MONCMD_NETDEV_TAP ? "tap" : "user",
		    "id", "fd" };
		const char *v[] = { "", n.id, n.fdname };

		hmp_check(out, "netdev_add", 0, k, v,
		    n.type == MONCMD_NETDEV_TAP ? 3 : 2);
	} else {
		const char *k[] = { "type", "id", "fd" };
		const char *v[] = { n.type == MONCMD_NETDEV_TAP ? "tap" : "user",
		    n.id, n.fdname };

		qmp_check(out, "netdev_add", k, v,
		    n.type == MONCMD_NETDEV_TAP ? 3 : 2);
	}
	free(out);
}

static void
by_id(enum mon_proto p, const char *id)
{
	char *out;
	struct err e;
	const char *k[] = { "id" };
	const char *v[] = { id };

	if (moncmd_device_del(p, id, &out, &e) < 0) {
		if (out != NULL)
			abort();
		return;
	}
	if (p == MON_PROTO_HMP) {
		/* one word after the command, nothing else */
		one_line(out);
		if (strncmp(out, "device_del ", 11) != 0 ||
		    strcspn(out + 11, " ,=\n") != strlen(id) ||
		    strncmp(out + 11, id, strlen(id)) != 0)
			abort();
	} else
		qmp_check(out, "device_del", k, v, 1);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char f[NF][2048];
	enum mon_proto p;

	if (size < 1)
		return 0;
	p = (data[0] & 1) ? MON_PROTO_QMP : MON_PROTO_HMP;
	fields(data + 1, size - 1, f);
	switch ((data[0] >> 1) % 4) {
	case 0:
		device(p, f);
		break;
	case 1:
		drive(p, f);
		break;
	case 2:
		netdev(p, f);
		break;
	default:
		by_id(p, f[0]);
		break;
	}
	return 0;
}
