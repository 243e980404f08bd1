/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_qmpscan.c - the bounded QMP reader (core/qemu/qmpscan) against
 * jansson on every QMP fixture of QEMU 7.2 (tests/fixtures/qmp) and 10.0
 * (tests/fixtures/qemu10/qmp): every return and greeting is read by it,
 * and gives what jansson gives (tests/lib/qmpdiff.c); events and errors
 * are left to jansson.  Then the forms it must refuse or leave to
 * jansson, and a monitor session that uses it. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/anon.h"
#include "qemu/mon.h"
#include "qemu/qmpscan.h"
#include "qmpdiff.h"
#include "testutil.h"

/* Every *.json fixture of dir: agrees, and is read by the reader when it
 * is a return or the greeting.  Returns how many were read. */
static int
fixtures(const char *dir, int *npci)
{
	char path[300], rel[400], why[300];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof path, "tests/fixtures/%s", dir);
	d = opendir(tu_srcpath(path));
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name), len;
		struct qmpdiff_took took;
		char *b;

		if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0)
			continue;
		snprintf(rel, sizeof rel, "%s/%s", dir, de->d_name);
		b = tu_fixture(rel, &len);
		ck_assert_msg(tu_qmpscan_agrees(b, len, &took, why,
		    sizeof why), "%s: %s", rel, why);
		if (strncmp(de->d_name, "err-", 4) == 0)
			ck_assert_msg(!took.msg, "%s: an error is jansson's",
			    rel);
		else
			ck_assert_msg(took.msg, "%s: not read", rel);
		if (strncmp(de->d_name, "query-pci", 9) == 0) {
			ck_assert_msg(took.pci, "%s: query-pci not read", rel);
			(*npci)++;
		}
		if (strncmp(de->d_name, "qom-", 4) == 0 ||
		    strncmp(de->d_name, "hmp-passthrough", 15) == 0)
			ck_assert_msg(took.value, "%s: return not made "
			    "compact", rel);
		if (strcmp(de->d_name, "greeting.json") == 0)
			ck_assert_msg(took.version, "%s: version not read",
			    rel);
		n += took.msg;
		free(b);
	}
	closedir(d);
	return n;
}

START_TEST(every_fixture_agrees_with_jansson)
{
	int npci = 0;

	ck_assert_int_gt(fixtures("qmp", &npci), 30);
	ck_assert_int_ge(npci, 12);
	npci = 0;
	ck_assert_int_gt(fixtures("qemu10/qmp", &npci), 12);
	ck_assert_int_ge(npci, 5);
}
END_TEST

/* The bridge fixture, read both ways, has its devices behind the bridge
 * with their own bus. */
START_TEST(bridge_devices_behind_it)
{
	size_t len, i;
	char *b = tu_fixture("qmp/query-pci-bridge.json", &len);
	struct qmpscan_msg s;
	struct pci_info pi;
	struct err e;
	int behind = 0, bridges = 0;

	ck_assert_int_eq(qmpscan_msg(b, len, &s, &e), 0);
	ck_assert_int_eq(s.kind, QMP_MSG_RETURN);
	pci_info_init(&pi);
	ck_assert_int_eq(qmpscan_pci(s.ret, s.retlen, &pi, &e), 0);
	for (i = 0; i < pi.n; i++) {
		behind += pi.fn[i].bus != 0;
		bridges += pi.fn[i].sec_bus > 0;
	}
	ck_assert_int_gt(bridges, 0);
	ck_assert_int_gt(behind, 0);
	pci_info_free(&pi);
	free(b);
}
END_TEST

static const char dev[] = "{\"bus\": 0, \"slot\": 5, \"function\": 0, "
	"\"class_info\": {\"class\": 512}, \"id\": {\"vendor\": 6900, "
	"\"device\": 4096}";

/* {"return": [{"bus": 0, "devices": [DEV EXTRA}]}]} */
static char *
reply(const char *extra)
{
	char *s;

	ck_assert_int_ge(asprintf(&s, "{\"return\": [{\"bus\": 0, \"devices\": "
	    "[%s%s}]}]}\r\n", dev, extra), 0);
	return s;
}

/* Each of the n replies that extra[] makes agrees with jansson, and the
 * reader took its devices (taken 1) or left them (0). */
static void
each_agrees(const char *const *extra, size_t n, int taken)
{
	char why[300];
	size_t i;

	for (i = 0; i < n; i++) {
		char *r = reply(extra[i]);
		struct qmpdiff_took took;

		ck_assert_msg(tu_qmpscan_agrees(r, strlen(r), &took, why,
		    sizeof why), "%s: %s", extra[i], why);
		ck_assert_msg(!took.pci == !taken, "%s %s", taken ? "not taken:"
		    : "took", r);
		free(r);
	}
}

/* Forms the reader must not take (jansson refuses them, or they are left
 * to it), each agreeing with jansson. */
START_TEST(refused_or_left_to_jansson)
{
	static const char *const extra[] = {
		", \"bus\": 1",				/* duplicate */
		", \"x\": \"\\u0000\"",			/* NUL */
		", \"x\": \"\\udc00\"",			/* lone low half */
		", \"x\": \"\\ud800x\"",		/* lone high half */
		", \"x\": \"\xc3\"",			/* cut UTF-8 */
		", \"x\": \"\xed\xa0\x80\"",		/* a surrogate */
		", \"x\": \"\xc0\xaf\"",		/* overlong */
		", \"x\": \"a\tb\"",			/* raw control */
		", \"x\": 01",				/* leading zero */
		", \"x\": 1.",				/* no fraction */
		", \"x\": -",				/* no digits */
		", \"x\": 1e400",			/* overflows */
		", \"x\": 12345678901234567890",	/* too big */
		", \"x\": [1,]",			/* trailing comma */
		", \"x\": tru",				/* cut literal */
		", \"x\": {\"a\\u0062\": 1}",		/* escaped name */
		", \"x\": \"\\x\"",			/* bad escape */
	};

	each_agrees(extra, sizeof extra / sizeof extra[0], 0);
}
END_TEST

/* Forms it takes, as jansson does. */
START_TEST(taken_like_jansson)
{
	static const char *const extra[] = {
		"",
		", \"qdev_id\": \"n\\u00e9\\ud83d\\ude00\\/\\\"\"",
		", \"x\": -0.5e-3, \"y\": 1E+300, \"z\": [true, false, null]",
		", \"x\": 123456789012345678",
		", \"pci_bridge\": {\"bus\": {\"secondary\": 1}, \"devices\": "
		    "[{\"bus\": 1, \"slot\": 2, \"function\": 0, \"id\": "
		    "{\"vendor\": 1, \"device\": 2}}]}",
	};

	each_agrees(extra, sizeof extra / sizeof extra[0], 1);
}
END_TEST

/* A return's value made compact as jansson writes it back (the raw
 * commands' text, mon_ops.c's r_raw); reals and -0, which jansson writes
 * otherwise, are left to it. */
START_TEST(compact_values)
{
	static const struct { const char *in, *out; } t[] = {
		{ "[ {\"name\" : \"type\", \"type\": \"string\"} ]",
		    "[{\"name\":\"type\",\"type\":\"string\"}]" },
		{ " 40 ", "40" },
		{ "-7", "-7" },
		{ "{}", "{}" },
		{ "[true, null, false, []]", "[true,null,false,[]]" },
		{ "\"a\\u0001\\n\\/\\u00e9\\\"\\u001F\"",
		    "\"a\\u0001\\n/\xc3\xa9\\\"\\u001F\"" },
		{ "-0", NULL },
		{ "1.5", NULL },
		{ "1e2", NULL },
		{ "[1, 2.0]", NULL },
	};
	char buf[512], why[300], out[512];
	struct err e;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct qmpdiff_took took;
		int rc = qmpscan_compact_value(t[i].in, strlen(t[i].in), out,
		    strlen(t[i].in) + 1, &e);

		if (t[i].out == NULL)
			ck_assert_msg(rc == -1, "took %s as %s", t[i].in, out);
		else {
			ck_assert_msg(rc == 0, "refused %s", t[i].in);
			ck_assert_str_eq(out, t[i].out);
		}
		snprintf(buf, sizeof buf, "{\"return\": %s, \"id\": \"x\"}",
		    t[i].in);
		ck_assert_msg(tu_qmpscan_agrees(buf, strlen(buf), &took, why,
		    sizeof why), "%s: %s", buf, why);
		ck_assert_int_eq(took.value, t[i].out != NULL);
	}
	/* no room: refused, never written past outsz */
	ck_assert_int_eq(qmpscan_compact_value("[1,2]", 5, out, 5, &e), -1);
}
END_TEST

/* qom-list's return read in place (what every refresh's look for the
 * anonymous devices gets) agrees with jansson, or is left to it; and
 * anon_children finds the same device[N] either way. */
START_TEST(qom_list_in_place)
{
	static const struct {
		const char *in;
		int taken;		/* read in place */
		const char *kids;	/* anon_children's N, as "0,3," */
	} t[] = {
		{ "[{\"name\": \"type\", \"type\": \"string\"}]", 1, "" },
		{ "[{\"name\": \"device[0]\", \"type\": \"child<e1000>\"}, "
		    "{\"name\": \"type\", \"type\": \"string\"}, "
		    "{\"type\": \"child<virtio-net-pci>\", \"name\": "
		    "\"device[3]\"}]", 1, "0,3," },
		/* an escape in a value is decoded */
		{ "[{\"name\": \"device\\u005b7]\", \"type\": "
		    "\"child<e1000>\"}]", 1, "7," },
		/* not a child, not device[N], not strings, not objects */
		{ "[{\"name\": \"device[1]\", \"type\": \"link<e1000>\"}, "
		    "{\"name\": \"dev[2]\", \"type\": \"child<e1000>\"}, "
		    "{\"name\": 4, \"type\": \"child<e1000>\"}, 1, \"x\", []]",
		    1, "" },
		{ "[]", 1, "" },
		{ "{}", 1, "" },
		/* left to jansson: an escaped member name, a duplicate */
		{ "[{\"n\\u0061me\": \"device[2]\", \"type\": "
		    "\"child<e1000>\"}]", 0, "2," },
		{ "[{\"name\": \"x\", \"name\": \"device[5]\", \"type\": "
		    "\"child<e1000>\"}]", 0, "5," },
		/* another member, a real, passed over */
		{ "[{\"name\": \"device[6]\", \"type\": \"child<e1000>\", "
		    "\"x\": 1.5}]", 1, "6," },
	};
	char buf[1024], why[300], got[64];
	size_t i, k;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct mon_result r;
		struct qmpdiff_took took;
		int idx[8];
		size_t n, o = 0;

		snprintf(buf, sizeof buf, "{\"return\": %s, \"id\": \"x\"}",
		    t[i].in);
		ck_assert_msg(tu_qmpscan_agrees(buf, strlen(buf), &took, why,
		    sizeof why), "%s: %s", buf, why);
		ck_assert_msg(took.qom == t[i].taken, "%s: taken %d", t[i].in,
		    took.qom);
		memset(&r, 0, sizeof r);
		r.ok = 1;
		r.text = (char *)t[i].in;
		n = anon_children(&r, MON_PROTO_QMP, idx, 8);
		got[0] = '\0';
		for (k = 0; k < n; k++)
			o += (size_t)snprintf(got + o, sizeof got - o, "%d,",
			    idx[k]);
		ck_assert_msg(strcmp(got, t[i].kids) == 0, "%s: %s", t[i].in,
		    got);
	}
}
END_TEST

/* Nesting beyond the limit is left to jansson, and read nowhere past the
 * input. */
START_TEST(depth_is_bounded)
{
	size_t n = QMPSCAN_MAX_DEPTH + 10, i;
	char *b = malloc(2 * n + 20), why[300];
	struct qmpscan_msg s;
	struct err e;
	size_t o = 0;

	o += (size_t)sprintf(b, "{\"return\": ");
	for (i = 0; i < n; i++)
		b[o++] = '[';
	for (i = 0; i < n; i++)
		b[o++] = ']';
	b[o++] = '}';
	ck_assert_int_eq(qmpscan_msg(b, o, &s, &e), -1);
	ck_assert(tu_qmpscan_agrees(b, o, NULL, why, sizeof why));
	/* a message cut anywhere is not taken */
	for (i = 0; i < o; i++)
		ck_assert_int_eq(qmpscan_msg(b, i, &s, &e), -1);
	free(b);
}
END_TEST

static int
compact(const char *cmd, char *out, size_t outsz)
{
	struct err e;

	return qmpscan_compact_cmd(cmd, strlen(cmd), out, outsz, &e);
}

/* Member names: the reader's filter of the names seen (qmpscan_int.h's
 * struct qs_obj) never lets a duplicate through nor refuses distinct
 * names, also among 36 names of one object (many of them share a bit of
 * the filter) and for empty and prefix names; strings read on the fast
 * path (plain ASCII) and the slow one (escapes, UTF-8), up to and past
 * the size they are kept in; the three literals, cut or misspelt. */
START_TEST(names_and_strings_like_jansson)
{
	static const char *const more[] = {
		", \"\": 1, \"a\": 2, \"ab\": 3, \"ba\": 4",
		", \"\": 1, \"x\": 2, \"\": 3",
		", \"ab\": 1, \"ba\": 2, \"ab\": 3",
		", \"t\": true, \"f\": false, \"n\": null",
		", \"t\": nul",
		", \"t\": fals",
		", \"t\": tree",
		", \"t\": n",
		", \"q\": \"caf\xc3\xa9 au lait\"",
		", \"q\": \"tab\\tin\"",
		", \"q\": \"\x7f del and ~\"",
		", \"q\": \"unterminated",
	};
	char names[1200], why[300], *r;
	size_t i, at;
	int j, k, len;

	for (i = 0; i < sizeof more / sizeof more[0]; i++) {
		struct qmpdiff_took took;

		r = reply(more[i]);
		ck_assert_msg(tu_qmpscan_agrees(r, strlen(r), &took, why,
		    sizeof why), "%s: %s", more[i], why);
		free(r);
	}
	/* 36 distinct names: taken; name k again at place j: refused */
	for (j = -1; j < 36; j++)
		for (k = 0; k < (j < 0 ? 1 : j); k++) {
			struct qmpdiff_took took;
			int m;

			at = 0;
			for (m = 0; m < 36; m++)
				at += (size_t)snprintf(names + at,
				    sizeof names - at, ", \"%s%d\": %d",
				    m % 3 ? "k" : "name-", m == j ? k : m, m);
			r = reply(names);
			ck_assert_msg(tu_qmpscan_agrees(r, strlen(r), &took,
			    why, sizeof why), "%d %d: %s", j, k, why);
			if (j < 0)
				ck_assert_msg(took.pci, "distinct names "
				    "refused");
			else if (k % 3 == j % 3)
				ck_assert_msg(!took.pci, "name %d twice "
				    "taken", k);
			free(r);
		}
	/* a qdev_id of every length around what is kept (PCI_ID_MAX) */
	for (len = 120; len < 136; len++) {
		struct qmpdiff_took took;
		char id[200];

		memset(id, 'a' + len % 26, (size_t)len);
		id[len] = '\0';
		snprintf(names, sizeof names, ", \"qdev_id\": \"%s\"", id);
		r = reply(names);
		ck_assert_msg(tu_qmpscan_agrees(r, strlen(r), &took, why,
		    sizeof why), "qdev_id of %d: %s", len, why);
		free(r);
	}
}
END_TEST

/* The greeting read in one pass (qmpscan_greeting, what mon_qmp.c's
 * greet uses) takes what the message reader and then the version reader
 * take, with the same version (the oracle compares both), and nothing
 * else: no version part missing, no QMP that is no object, no greeting
 * with a return. */
START_TEST(greeting_one_pass)
{
	static const struct {
		const char *g;
		int taken;
	} t[] = {
		{ "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, "
		    "\"minor\": 2, \"major\": 7}, \"package\": \"Debian\"}, "
		    "\"capabilities\": [\"oob\"]}}\r\n", 1 },
		{ "{\"QMP\": {\"capabilities\": [], \"version\": {\"qemu\": "
		    "{\"major\": 10, \"minor\": 0, \"micro\": 2}}}}", 1 },
		{ "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, "
		    "\"minor\": 2}}}}", 0 },
		{ "{\"QMP\": [], \"x\": 1}", 0 },
		{ "{\"QMP\": {}, \"x\": {\"version\": {\"qemu\": {\"major\": "
		    "7, \"minor\": 2, \"micro\": 0}}}}", 0 },
		{ "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, "
		    "\"minor\": 2, \"micro\": 0}}}, \"return\": {}}", 0 },
		{ "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, "
		    "\"minor\": 2, \"micro\": 0}}}, \"event\": \"X\"}", 0 },
		{ "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, "
		    "\"minor\": 2, \"micro\": 0}}}} {}", 0 },
	};
	char why[300];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct qmpscan_msg m;
		struct qemu_version v;
		struct err e;
		int rc = qmpscan_greeting(t[i].g, strlen(t[i].g), &m, &v, &e);

		ck_assert_msg(tu_qmpscan_agrees(t[i].g, strlen(t[i].g), NULL,
		    why, sizeof why), "%s: %s", t[i].g, why);
		ck_assert_msg((rc == 0) == t[i].taken, "%s: %d", t[i].g, rc);
		if (rc < 0)
			ck_assert_int_eq(v.major + v.minor + v.micro, 0);
	}
}
END_TEST

START_TEST(ids_and_commands)
{
	static const char r[] = "{\"return\": {}, \"id\": \"ss-0badc0de-1\"}";
	char out[200];
	struct qmpscan_msg s;
	struct err e;

	ck_assert_int_eq(qmpscan_msg(r, strlen(r), &s, &e), 0);
	ck_assert(qmpscan_str_is(s.id, s.idlen, "ss-0badc0de-1"));
	ck_assert(!qmpscan_str_is(s.id, s.idlen, "ss-0badc0de-2"));
	ck_assert(!qmpscan_str_is("5", 1, "5"));
	ck_assert_int_eq(compact("{ \"execute\" : \"a b\", \"arguments\": "
	    "{\"x\": [true, null]} }", out, sizeof out), 0);
	ck_assert_str_eq(out, "{\"execute\":\"a b\",\"arguments\":{\"x\":"
	    "[true,null]}}");
	ck_assert_int_eq(compact("{\"execute\": \"x\", \"id\": \"y\"}", out,
	    sizeof out), -1);
	ck_assert_int_eq(compact("{\"execute\": \"x\", \"n\": 1}", out,
	    sizeof out), -1);
	ck_assert_int_eq(compact("{\"execute\": 1}", out, sizeof out), -1);
	ck_assert_int_eq(compact("{\"execute\": \"x\"}", out, 5), -1);
}
END_TEST

Suite *
qmpscan_suite(void)
{
	Suite *s = suite_create("qmpscan");
	TCase *t = tcase_create("qmpscan");

	tcase_add_test(t, every_fixture_agrees_with_jansson);
	tcase_add_test(t, bridge_devices_behind_it);
	tcase_add_test(t, refused_or_left_to_jansson);
	tcase_add_test(t, taken_like_jansson);
	tcase_add_test(t, compact_values);
	tcase_add_test(t, qom_list_in_place);
	tcase_add_test(t, depth_is_bounded);
	tcase_add_test(t, ids_and_commands);
	tcase_add_test(t, names_and_strings_like_jansson);
	tcase_add_test(t, greeting_one_pass);
	suite_add_tcase(s, t);
	return s;
}
