/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_qmpfast.c - the bounded QMP reader's fast paths
 * (core/qemu/qmpscan_int.h, qmpscan_skip.c) at their edges: runs of plain
 * bytes found sixteen, eight or one at a time, with the byte that ends
 * one at each place of a word and the input's end anywhere; QEMU's member
 * names as numbers; names, strings, numbers and literals read and
 * passed over with the end of the input near them; duplicates, member
 * counts and depth in values nobody reads; and the same reply with its
 * blanks changed everywhere (the general paths) read as it is read in
 * QEMU's form.  Every message is also read by jansson through
 * tests/lib/qmpdiff.c: whatever the reader takes, jansson takes the same
 * way. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qmpscan_int.h"
#include "qmpdiff.h"
#include "testutil.h"

/* The bytes a string holds as they are, by RFC 8259 and jansson. */
static int
plain(unsigned char b)
{
	return b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
}

/* qs_run against plain(): a byte b at every place i of 40 plain bytes,
 * with the input ending at every length (before b, at it, after it). */
START_TEST(runs_end_where_the_table_says)
{
	char buf[48];
	int b, i, len, k;

	for (b = 0; b < 256; b++)
		for (i = 0; i < 40; i++)
			for (len = 0; len <= 40; len++) {
				const char *q;

				memset(buf, 'a', sizeof buf);
				buf[i] = (char)b;
				q = qs_run(buf, buf + len);
				for (k = 0; k < len && plain((unsigned char)
				    buf[k]); k++)
					;
				ck_assert_msg(q == buf + k, "byte %02x at %d, "
				    "%d bytes: %td, not %d", b, i, len,
				    q - buf, k);
			}
}
END_TEST

static const struct {
	const char *name;
	int id;
} names[] = {
	{ "return", QS_N_RETURN }, { "id", QS_N_ID }, { "QMP", QS_N_QMP },
	{ "error", QS_N_ERROR }, { "event", QS_N_EVENT },
	{ "execute", QS_N_EXECUTE }, { "arguments", QS_N_ARGUMENTS },
	{ "version", QS_N_VERSION }, { "qemu", QS_N_QEMU },
	{ "major", QS_N_MAJOR }, { "minor", QS_N_MINOR },
	{ "micro", QS_N_MICRO }, { "package", QS_N_PACKAGE },
	{ "capabilities", QS_N_CAPABILITIES }, { "bus", QS_N_BUS },
	{ "devices", QS_N_DEVICES }, { "slot", QS_N_SLOT },
	{ "function", QS_N_FUNCTION }, { "class_info", QS_N_CLASS_INFO },
	{ "class", QS_N_CLASS }, { "desc", QS_N_DESC },
	{ "vendor", QS_N_VENDOR }, { "device", QS_N_DEVICE },
	{ "subsystem", QS_N_SUBSYSTEM },
	{ "subsystem-vendor", QS_N_SUBSYSTEM_VENDOR }, { "irq", QS_N_IRQ },
	{ "irq_pin", QS_N_IRQ_PIN }, { "qdev_id", QS_N_QDEV_ID },
	{ "regions", QS_N_REGIONS }, { "pci_bridge", QS_N_PCI_BRIDGE },
	{ "secondary", QS_N_SECONDARY }, { "primary", QS_N_PRIMARY },
	{ "subordinate", QS_N_SUBORDINATE }, { "io_range", QS_N_IO_RANGE },
	{ "memory_range", QS_N_MEMORY_RANGE }, { "base", QS_N_BASE },
	{ "limit", QS_N_LIMIT }, { "bar", QS_N_BAR }, { "size", QS_N_SIZE },
	{ "address", QS_N_ADDRESS }, { "type", QS_N_TYPE },
	{ "prefetch", QS_N_PREFETCH }, { "mem_type_64", QS_N_MEM_TYPE_64 },
	{ "name", QS_N_NAME },
};

/* qs_name_id of the name s (its words as the readers make them). */
static int
id_of(const char *s, size_t k)
{
	uint64_t w = 0, w2 = 0;
	size_t i;

	for (i = 0; i < k && i < 8; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	for (i = 8; k <= 16 && i < k; i++)
		w2 |= (uint64_t)(unsigned char)s[i] << (8 * (i - 8));
	return qs_name_id(w, w2, k);
}

/* Every name of enum qs_name is its number, once; the same name one byte
 * shorter is another ("devices" less a byte is "device"), one byte
 * longer or with a byte changed none of them. */
START_TEST(qemu_names_are_numbers)
{
	uint64_t seen = 0;
	size_t i, j, n = sizeof names / sizeof names[0];
	char s[40];

	ck_assert_int_eq(n, QS_N_COUNT - 1);
	for (i = 0; i < n; i++) {
		size_t k = strlen(names[i].name);

		ck_assert_int_eq(id_of(names[i].name, k), names[i].id);
		ck_assert(!(seen & (uint64_t)1 << names[i].id));
		seen |= (uint64_t)1 << names[i].id;
		ck_assert_int_ne(id_of(names[i].name, k - 1), names[i].id);
		snprintf(s, sizeof s, "%sx", names[i].name);
		ck_assert_int_eq(id_of(s, k + 1), QS_N_OTHER);
		for (j = 0; j < k; j++) {
			snprintf(s, sizeof s, "%s", names[i].name);
			s[j] ^= 0x20;
			ck_assert_msg(id_of(s, k) == QS_N_OTHER, "%s", s);
		}
	}
	ck_assert_int_eq(id_of("", 0), QS_N_OTHER);
}
END_TEST

static const char dev[] = "{\"bus\": 0, \"slot\": 5, \"function\": 0, "
	"\"class_info\": {\"class\": 512}, \"id\": {\"vendor\": 6900, "
	"\"device\": 4096}";

/* {"return": [{"bus": 0, "devices": [DEV EXTRA}]}]} then pad blanks, in
 * a buffer of exactly its length (read past it, ASan says so). */
static char *
reply(const char *extra, int pad, size_t *len)
{
	char *s, *b;
	int n;

	n = asprintf(&s, "{\"return\": [{\"bus\": 0, \"devices\": [%s%s}]}]}"
	    "%*s", dev, extra, pad, "");
	ck_assert_int_ge(n, 0);
	b = malloc((size_t)n);
	ck_assert_ptr_nonnull(b);
	memcpy(b, s, (size_t)n);
	free(s);
	*len = (size_t)n;
	return b;
}

/* The reply with extra, at every padding (so that what extra holds ends
 * from right at the end of the input to 40 bytes before it): agrees
 * with jansson, and the reader takes it (or not) as want says. */
static void
check_extra(const char *extra, int want, const char *what)
{
	char why[300];
	int pad;

	for (pad = 0; pad < 40; pad++) {
		struct qmpdiff_took took;
		size_t len;
		char *r = reply(extra, pad, &len);

		ck_assert_msg(tu_qmpscan_agrees(r, len, &took, why,
		    sizeof why), "%s, pad %d: %s", what, pad, why);
		ck_assert_msg(took.pci == want, "%s, pad %d: taken %d",
		    what, pad, took.pci);
		free(r);
	}
}

/* A byte of each kind at every place of a name, of a string read (a
 * qdev_id) and of one passed over, the string 0..20 bytes long: plain
 * bytes and UTF-8 taken, an escape taken in a string and left to jansson
 * in a name, a control byte, a lone 0x80 and 0xff refused, a quote
 * ending the string (the rest is not JSON). */
START_TEST(a_byte_at_every_place)
{
	static const struct {
		const char *b;
		int in_str, in_name;	/* taken there */
	} kinds[] = {
		{ "~", 1, 1 }, { "\x7f", 1, 1 }, { "\xc3\xa9", 1, 1 },
		{ "\\n", 1, 0 }, { "\\u0041", 1, 0 }, { "\x01", 0, 0 },
		{ "\x1f", 0, 0 }, { "\x80", 0, 0 }, { "\xff", 0, 0 },
		{ "\"", 0, 0 },
	};
	static const char *const where[] = {
		", \"qdev_id\": \"%s\"", ", \"x\": \"%s\"", ", \"%s\": 1",
		", \"regions\": [{\"%s\": 1}]",
	};
	char s[64], extra[128], what[200];
	size_t i, w;
	int len, at;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		for (w = 0; w < sizeof where / sizeof where[0]; w++)
			for (len = 0; len <= 20; len++)
				for (at = 0; at <= len; at++) {
					int want = w < 2 ? kinds[i].in_str :
					    kinds[i].in_name;

					memset(s, 'k', (size_t)len);
					s[len] = '\0';
					if (at < len)
						snprintf(s + at, sizeof s -
						    (size_t)at, "%s%.*s",
						    kinds[i].b, len - at - 1,
						    "kkkkkkkkkkkkkkkkkkkkk");
					else
						want = 1;	/* none */
					snprintf(extra, sizeof extra,
					    where[w], s);
					snprintf(what, sizeof what, "%s",
					    extra);
					check_extra(extra, want, what);
				}
}
END_TEST

/* Numbers read (a slot: 0..31 is one) and passed over, at the edges of
 * the fast path (one digit, up to seven, eight and more, reals, signs,
 * leading zeros) and of what is left to jansson (19 digits). */
START_TEST(numbers_at_the_edges)
{
	static const struct {
		const char *n;
		int read, skipped;	/* taken as the slot / as "x" */
	} t[] = {
		{ "0", 1, 1 }, { "7", 1, 1 }, { "31", 1, 1 }, { "32", 0, 1 },
		{ "-0", 1, 1 }, { "-1", 0, 1 }, { "1234567", 0, 1 },
		{ "12345678", 0, 1 }, { "123456789012345678", 0, 1 },
		{ "1234567890123456789", 0, 0 }, { "-123456789012345678", 0, 1 },
		{ "00", 0, 0 }, { "01", 0, 0 }, { "-01", 0, 0 }, { "-", 0, 0 },
		{ "1.0", 0, 1 }, { "1.", 0, 0 }, { "1e3", 0, 1 },
		{ "1E+3", 0, 1 }, { "-1.5e-3", 0, 1 }, { "1e", 0, 0 },
		{ "0.5", 0, 1 }, { "5x", 0, 0 }, { "1e400", 0, 0 },
	};
	char extra[128], what[200], body[200];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(extra, sizeof extra, ", \"x\": %s", t[i].n);
		check_extra(extra, t[i].skipped, extra);
		snprintf(extra, sizeof extra, ", \"regions\": [%s, {\"x\": "
		    "%s}]", t[i].n, t[i].n);
		check_extra(extra, t[i].skipped, extra);
		/* the slot itself: the device is kept only with a slot */
		snprintf(body, sizeof body, "{\"return\": [{\"bus\": 0, "
		    "\"devices\": [{\"bus\": 0, \"function\": 0, \"id\": "
		    "{\"vendor\": 1, \"device\": 2}, \"slot\": %s}]}]}",
		    t[i].n);
		snprintf(what, sizeof what, "slot %s", t[i].n);
		{
			struct qmpdiff_took took;
			char why[300];

			ck_assert_msg(tu_qmpscan_agrees(body, strlen(body),
			    &took, why, sizeof why), "%s: %s", what, why);
			ck_assert_msg(took.pci == t[i].read, "%s: %d", what,
			    took.pci);
		}
	}
}
END_TEST

/* qs_int_fast's values, of every length it takes (one to seven digits,
 * either sign), against strtoll, and what it leaves to qs_number. */
START_TEST(short_integers_summed_right)
{
	static const char *const left[] = {
		"12345678", "-12345678", "01", "-01", "00", "-", "x", "1.5",
		"12e3", "7E1", "-", "",
	};
	char buf[32];
	long long n, v, k;
	size_t i;
	int len;

	for (n = -99999; n <= 9999999; n += n < 100000 && n > -100000 ? 1 :
	    7919)
		for (len = 0; len < 2; len++) {
			const char *q;

			memset(buf, ' ', sizeof buf);
			k = snprintf(buf, sizeof buf, "%lld%s", n, len ? "}" :
			    ",");
			buf[k] = ' ';
			q = qs_int_fast(buf, buf + sizeof buf, &v);
			ck_assert_msg(q == buf + k - 1 && v == n, "%lld: %lld",
			    n, v);
		}
	for (i = 0; i < sizeof left / sizeof left[0]; i++) {
		memset(buf, ' ', sizeof buf);
		memcpy(buf, left[i], strlen(left[i]));
		ck_assert_msg(qs_int_fast(buf, buf + sizeof buf, &v) == NULL,
		    "%s taken", left[i]);
	}
	/* fewer than 20 bytes left: all of it is qs_number's */
	memcpy(buf, "5,                  ", 20);
	ck_assert_ptr_null(qs_int_fast(buf, buf + 19, &v));
	ck_assert_ptr_nonnull(qs_int_fast(buf, buf + 20, &v));
}
END_TEST

/* Literals passed over, whole and cut, at every distance from the end. */
START_TEST(literals_passed_over)
{
	static const struct {
		const char *l;
		int ok;
	} t[] = {
		{ "true", 1 }, { "false", 1 }, { "null", 1 }, { "tru", 0 },
		{ "fals", 0 }, { "nul", 0 }, { "trux", 0 }, { "nulll", 0 },
		{ "falsy", 0 }, { "f", 0 },
	};
	char extra[128];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(extra, sizeof extra, ", \"prefetch\": %s", t[i].l);
		check_extra(extra, t[i].ok, extra);
		snprintf(extra, sizeof extra, ", \"regions\": [%s]", t[i].l);
		check_extra(extra, t[i].ok, extra);
	}
}
END_TEST

/* In values passed over: duplicate names (QEMU's, others, one of them in
 * QEMU's form and one not), the member count and the depth bounds. */
START_TEST(skipped_values_checked_in_full)
{
	static const struct {
		const char *e;
		int ok;
	} t[] = {
		{ ", \"regions\": [{\"bar\": 0, \"size\": 1}]", 1 },
		{ ", \"regions\": [{\"bar\": 0, \"bar\": 1}]", 0 },
		{ ", \"regions\": [{\"bar\": 0, \"bar\" : 1}]", 0 },
		{ ", \"regions\": [{\"bar\":0,\"bar\":1}]", 0 },
		{ ", \"regions\": [{\"zz\": 0, \"zy\": 1, \"zz\": 2}]", 0 },
		{ ", \"regions\": [{\"zz\": 0, \"zy\": 1, \"zz\"\t: 2}]", 0 },
		{ ", \"regions\": [{\"z\\u007a\": 0}]", 0 },
		{ ", \"regions\": [{\"bar\": {\"bar\": 1}, \"size\": [{\"bar\": "
		    "2}]}]", 1 },
		{ ", \"regions\": [{\"a\": 1}, {\"a\": 1}]", 1 },
		{ ", \"irq\": 1, \"irq\": 1", 0 },
		{ ", \"x\": 1, \"x\": 1", 0 },
		{ ", \"regions\": [{\"bar\": 0,}]", 0 },
		{ ", \"regions\": [{\"bar\": 0 \"size\": 1}]", 0 },
		{ ", \"regions\": [{\"bar\" 0}]", 0 },
		{ ", \"regions\": [{\"bar\"; 0}]", 0 },
		{ ", \"x\"= 1", 0 },
		{ ", \"regions\": [{,}]", 0 },
		{ ", \"regions\": [1,]", 0 },
		{ ", \"regions\": [,1]", 0 },
		{ ", \"regions\": [1 2]", 0 },
		{ ", \"regions\": [{}, [], \"\", {\"\": []}]", 1 },
	};
	char extra[4096];
	size_t i, o;
	int n, d;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		check_extra(t[i].e, t[i].ok, t[i].e);
	/* 46 members with the device's own two before: 48 taken, 49 not */
	for (n = 45; n <= 47; n++) {
		o = (size_t)snprintf(extra, sizeof extra, ", \"regions\": [{");
		for (d = 0; d < n + 2; d++)
			o += (size_t)snprintf(extra + o, sizeof extra - o,
			    "%s\"%s%d\": %d", d ? ", " : "", d % 2 ? "bar" :
			    "k", d, d);
		snprintf(extra + o, sizeof extra - o, "}]");
		check_extra(extra, n + 2 <= QMPSCAN_MAX_MEMBERS, extra);
	}
	/* nested arrays and objects in a value passed over: the reply's
	 * own five levels and the regions list leave 58 more */
	for (d = 57; d <= 61; d++) {
		int k;

		o = (size_t)snprintf(extra, sizeof extra, ", \"regions\": [");
		for (k = 0; k < d; k++)
			o += (size_t)snprintf(extra + o, sizeof extra - o,
			    k % 2 ? "[" : "{\"a\": ");
		o += (size_t)snprintf(extra + o, sizeof extra - o, "1");
		for (k = d - 1; k >= 0; k--)
			o += (size_t)snprintf(extra + o, sizeof extra - o,
			    k % 2 ? "]" : "}");
		snprintf(extra + o, sizeof extra - o, "]");
		check_extra(extra, 6 + d <= QMPSCAN_MAX_DEPTH, "depth");
	}
}
END_TEST

/* Replace every from in s by to (into a new string). */
static char *
subst(const char *s, size_t len, const char *from, const char *to,
    size_t *outlen)
{
	size_t fl = strlen(from), tl = strlen(to), i, o = 0;
	char *r = malloc(len * (tl + 1) + 1);

	ck_assert_ptr_nonnull(r);
	for (i = 0; i < len;) {
		if (i + fl <= len && memcmp(s + i, from, fl) == 0) {
			memcpy(r + o, to, tl);
			o += tl;
			i += fl;
		} else
			r[o++] = s[i++];
	}
	*outlen = o;
	return r;
}

static void
read_pci(const char *b, size_t len, struct pci_info *pi)
{
	struct qmpscan_msg m;
	struct err e;

	pci_info_init(pi);
	ck_assert_msg(qmpscan_msg_pci(b, len, &m, pi, &e) == 0, "%s: %.80s",
	    e.msg, b);
}

/* QEMU's query-pci reply with its blanks made otherwise everywhere (none,
 * two, a tab, a line end, before colons and commas too) is read through
 * the general paths to the same functions; cut anywhere it is not read
 * at all. */
START_TEST(other_blanks_same_functions)
{
	static const char *const forms[][2] = {
		{ ", ", "," }, { ": ", ":" }, { ", ", ",  " }, { ": ", ":\t" },
		{ ", ", "\r\n, " }, { ": ", " : " }, { "{", "{ " },
		{ "}", " }" }, { "[", "[\n" }, { "]", " ]" },
	};
	size_t len, n, i, k;
	char *b = tu_fixture("qmp/query-pci-default.json", &len), why[300];
	struct pci_info want, got;

	read_pci(b, len, &want);
	ck_assert_int_eq(want.n, 6);
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		char *o = subst(b, len, forms[i][0], forms[i][1], &n);

		read_pci(o, n, &got);
		ck_assert_int_eq(got.n, want.n);
		for (k = 0; k < got.n; k++)
			ck_assert_msg(memcmp(&got.fn[k], &want.fn[k],
			    sizeof got.fn[k]) == 0, "%s: function %zu",
			    forms[i][1], k);
		ck_assert(tu_qmpscan_agrees(o, n, NULL, why, sizeof why));
		pci_info_free(&got);
		free(o);
	}
	/* a reply cut anywhere before its last brace is no reply */
	for (n = 0; n < len - 2; n++) {
		struct qmpscan_msg m;
		struct err e;
		char *c = malloc(n + 1);

		ck_assert_ptr_nonnull(c);
		memcpy(c, b, n);
		pci_info_init(&got);
		ck_assert_msg(qmpscan_msg_pci(c, n, &m, &got, &e) == -1,
		    "cut at %zu taken", n);
		pci_info_free(&got);
		free(c);
	}
	pci_info_free(&want);
	free(b);
}
END_TEST

/* A reply of the devices devs (text), read into pi: the reader's rc. */
static int
read_devs(struct pci_info *pi, const char *devs)
{
	struct qmpscan_msg m;
	struct err e;
	char *s;
	int n, rc;

	n = asprintf(&s, "{\"return\": [{\"bus\": 0, \"devices\": [%s]}]}",
	    devs);
	ck_assert_int_ge(n, 0);
	rc = qmpscan_msg_pci(s, (size_t)n, &m, pi, &e);
	free(s);
	return rc;
}

#define DEV_OK(slot, idm) "{\"bus\": 0, \"slot\": " #slot ", " \
	"\"function\": 0, \"class_info\": {\"class\": 512, \"desc\": " \
	"\"Ethernet controller\"}, \"id\": {\"vendor\": 6900, " \
	"\"device\": 4096}" idm "}"

/* Devices are read in place, into pi's room for one more: one refused
 * halfway (after its strings were read) leaves pi's functions as they
 * were, counted or not, and what it wrote is not seen by the next device
 * read into the same room; a refresh with fewer functions than the last
 * has just its own. */
START_TEST(read_in_place_refused_halfway)
{
	static const char *const bad[] = {
		/* no "function", its id and class read first */
		"{\"bus\": 0, \"slot\": 7, \"class_info\": {\"desc\": "
		"\"Stale class text\"}, \"qdev_id\": \"stale-id-stale-id\", "
		"\"id\": {\"vendor\": 1, \"device\": 2}}",
		/* not valid JSON after its id */
		"{\"bus\": 0, \"slot\": 7, \"function\": 0, \"qdev_id\": "
		"\"stale-id-stale-id\", \"id\": {\"vendor\": 1, \"device\": 2}, "
		"\"class_info\": {\"desc\": \"Stale class text\"}, ]",
	};
	struct pci_info pi, want;
	struct pci_fn f;
	size_t i, k;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char devs[1024];

		pci_info_init(&pi);
		memset(&f, 0, sizeof f);
		f.slot = 3;
		snprintf(f.id, sizeof f.id, "kept");
		ck_assert_int_eq(pci_info_add(&pi, &f, NULL), 0);
		/* one read, then the refused one in the room after it */
		snprintf(devs, sizeof devs, "%s, %s", DEV_OK(4, ""), bad[i]);
		ck_assert_int_eq(read_devs(&pi, devs), -1);
		ck_assert_int_eq(pi.n, 2);
		ck_assert_str_eq(pi.fn[0].id, "kept");
		ck_assert_int_eq(pi.fn[0].slot, 3);
		ck_assert_int_eq(pi.fn[1].slot, 4);
		ck_assert_str_eq(pi.fn[1].id, "");
		/* the next device in that room has none of its bytes */
		ck_assert_int_eq(read_devs(&pi, "{\"bus\": 0, \"slot\": 9, "
		    "\"function\": 1, \"id\": {\"vendor\": 5, \"device\": 6}}"),
		    0);
		ck_assert_int_eq(pi.n, 3);
		pci_info_init(&want);
		memset(&f, 0, sizeof f);
		f.slot = 9;
		f.func = 1;
		f.vendor = 5;
		f.device = 6;
		ck_assert(memcmp(&pi.fn[2], &f, sizeof f) == 0);
		pci_info_free(&pi);
	}
	/* a refresh of 6 functions, then of 1 into the same pi */
	pci_info_init(&pi);
	ck_assert_int_eq(read_devs(&pi, DEV_OK(1, ", \"qdev_id\": \"a\"") ", "
	    DEV_OK(2, "") ", " DEV_OK(3, "") ", " DEV_OK(4, "") ", "
	    DEV_OK(5, "") ", " DEV_OK(6, ", \"qdev_id\": \"f\"")), 0);
	ck_assert_int_eq(pi.n, 6);
	ck_assert_str_eq(pi.fn[5].id, "f");
	pci_info_clear(&pi);
	ck_assert_int_eq(read_devs(&pi, DEV_OK(8, "")), 0);
	pci_info_init(&want);
	ck_assert_int_eq(read_devs(&want, DEV_OK(8, "")), 0);
	ck_assert_int_eq(pi.n, 1);
	ck_assert(memcmp(&pi.fn[0], &want.fn[0], sizeof want.fn[0]) == 0);
	ck_assert_str_eq(pi.fn[0].class_text, "Ethernet controller");
	for (k = 0; k < 2; k++) {
		/* fit gives back the room of the 5 not read again */
		pci_info_fit(k ? &want : &pi);
		ck_assert_int_eq(k ? want.cap : pi.cap, 1);
	}
	pci_info_free(&pi);
	pci_info_free(&want);
}
END_TEST

/* At PCI_MAX_FUNCTIONS there is no room: a further device is refused
 * (whole or not), the functions before it kept as they were. */
START_TEST(no_room_past_the_limit)
{
	struct pci_info pi;
	struct pci_fn f;
	struct err e;
	size_t i;

	pci_info_init(&pi);
	memset(&f, 0, sizeof f);
	for (i = 0; i < PCI_MAX_FUNCTIONS; i++) {
		f.slot = (int)(i % 32);
		ck_assert_int_eq(pci_info_add(&pi, &f, NULL), 0);
	}
	ck_assert_ptr_null(pci_info_room(&pi, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "more than"));
	ck_assert_int_eq(read_devs(&pi, DEV_OK(4, "")), -1);
	ck_assert_int_eq(read_devs(&pi, "{\"bus\": 0}"), -1);
	ck_assert_int_eq(pi.n, PCI_MAX_FUNCTIONS);
	ck_assert_str_eq(pi.fn[PCI_MAX_FUNCTIONS - 1].class_text, "");
	pci_info_clear(&pi);
	ck_assert_int_eq(read_devs(&pi, DEV_OK(4, "")), 0);
	ck_assert_int_eq(pi.n, 1);
	ck_assert_int_eq(pi.fn[0].slot, 4);
	pci_info_free(&pi);
}
END_TEST

/* --- QEMU's whole greeting ----------------------------------------------- */

/* The greeting as the general path reads it: the message, then its "QMP"
 * member's version (what qmpscan_greeting falls back to). */
static int
greeting_general(const char *b, size_t n, struct qmpscan_msg *m,
    struct qemu_version *v)
{
	struct err e;

	memset(v, 0, sizeof *v);
	return qmpscan_msg(b, n, m, &e) == 0 && m->kind == QMP_MSG_GREETING &&
	    qmpscan_greeting_version(m->qmp, m->qmplen, v, &e) == 0 ? 0 : -1;
}

/* b (n bytes): what the fast path takes, the general path takes and reads
 * the same; what it leaves it leaves untouched; the reader as a whole
 * agrees with jansson.  1 when the fast path took it. */
static int
greeting_same(const char *b, size_t n)
{
	struct qmpscan_msg fm, gm, m0;
	struct qemu_version fv, gv, v0;
	char why[300];
	int f;

	memset(&m0, 0x5a, sizeof m0);
	memset(&v0, 0x5a, sizeof v0);
	fm = m0;
	fv = v0;
	f = qs_greeting_fast(b, n, &fm, &fv);
	if (f < 0) {
		ck_assert(memcmp(&fm, &m0, sizeof fm) == 0);
		ck_assert(memcmp(&fv, &v0, sizeof fv) == 0);
	} else {
		ck_assert_msg(greeting_general(b, n, &gm, &gv) == 0, "taken, "
		    "the general path leaves it: %.*s", (int)n, b);
		ck_assert_msg(fm.kind == gm.kind && fm.qmp == gm.qmp &&
		    fm.qmplen == gm.qmplen && fm.ret == gm.ret &&
		    fm.retlen == gm.retlen && fm.id == gm.id &&
		    fm.idlen == gm.idlen, "another message: %.*s", (int)n, b);
		ck_assert_msg(fv.major == gv.major && fv.minor == gv.minor &&
		    fv.micro == gv.micro && strcmp(fv.package, gv.package) ==
		    0, "%d.%d.%d (%s), the general path %d.%d.%d (%s)",
		    fv.major, fv.minor, fv.micro, fv.package, gv.major,
		    gv.minor, gv.micro, gv.package);
	}
	ck_assert_msg(tu_qmpscan_agrees(b, n, NULL, why, sizeof why),
	    "%.*s: %s", (int)n, b, why);
	return f == 0;
}

/* Both QEMUs' greetings are taken by the fast path, read as the general
 * path reads them; cut anywhere, taken only once whole; any byte changed
 * to one of a few, or the forms near QEMU's below, never taken otherwise
 * than the general path takes them. */
START_TEST(greeting_fast_as_general)
{
	static const char *const fix[] = { "qmp/greeting.json",
	    "qemu10/qmp/greeting.json" };
	static const char subst[] = " \"\\0-9,:}]x.\x01\xc3\t";
#define G1 "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": "
#define G2 "}, \"package\": \""
	static const struct {
		const char *g;
		int fast;
	} t[] = {
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": []}}", 1 },
		{ G1 "0, \"minor\": 100000, \"major\": 0" G2 "\"}, "
		    "\"capabilities\": [\"oob\", \"x\"]}}\r\n", 1 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": [\"oob\", ]}}", 0 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": [, \"oob\"]}}", 0 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": [\"oob\" \"x\"]}}", 0 },
		{ G1 "22, \"minor\": 100001, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": []}}", 0 },
		{ G1 "22, \"minor\": 02, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": []}}", 0 },
		{ G1 "22, \"minor\": -2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": []}}", 0 },
		{ G1 "22, \"minor\": 2.0, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": []}}", 0 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\\u0041\"}, "
		    "\"capabilities\": []}}", 0 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "\xc3\xa9\"}, "
		    "\"capabilities\": []}}", 0 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": []}} x", 0 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": []}}{}", 0 },
		{ G1 "22, \"minor\": 2, \"major\": 7" G2 "D\"}, "
		    "\"capabilities\": [\"a\\\"\"]}}", 0 },
	};
	char b[400], pkg[120];
	size_t i, k, len, n, whole;

	for (k = 0; k < sizeof fix / sizeof fix[0]; k++) {
		char *g = tu_fixture(fix[k], &len);

		ck_assert_uint_lt(len, sizeof b);
		ck_assert_msg(greeting_same(g, len), "%s not taken", fix[k]);
		whole = (size_t)(strrchr(g, '}') - g) + 1;
		for (n = 0; n < len; n++)
			ck_assert_msg(greeting_same(g, n) == (n >= whole),
			    "%s cut at %zu", fix[k], n);
		for (i = 0; i < len; i++)
			for (n = 0; n < sizeof subst - 1; n++) {
				memcpy(b, g, len);
				b[i] = subst[n];
				greeting_same(b, len);
			}
		free(g);
	}
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(greeting_same(t[i].g, strlen(t[i].g)) ==
		    t[i].fast, "%s", t[i].g);
	/* a package of 95 bytes is taken, of 96 (cut by the general path)
	 * left to it */
	for (n = 95; n <= 96; n++) {
		memset(pkg, 'p', n);
		pkg[n] = '\0';
		snprintf(b, sizeof b, G1 "1, \"minor\": 2, \"major\": 3" G2
		    "%s\"}, \"capabilities\": []}}", pkg);
		ck_assert_int_eq(greeting_same(b, strlen(b)), n == 95);
	}
#undef G1
#undef G2
}
END_TEST

/* --- qom-list's elements in QEMU's form ---------------------------------- */

/* name=type; pairs, as the qom-list reader gives them. */
struct pairs {
	char s[8192];
	size_t n;
};

static void
pair(void *arg, const char *name, size_t nlen, const char *type,
    size_t tlen)
{
	struct pairs *p = arg;
	int w = snprintf(p->s + p->n, sizeof p->s - p->n, "%.*s=%.*s;",
	    (int)nlen, name, (int)tlen, type);

	if (w > 0 && p->n + (size_t)w < sizeof p->s)
		p->n += (size_t)w;
}

/* A qom-list return value (len bytes) with a blank after every '{': the
 * same value, which the fast path never takes. */
static char *
spread(const char *v, size_t len, size_t *n)
{
	char *o = malloc(2 * len + 1);
	size_t i;

	ck_assert_ptr_nonnull(o);
	for (i = *n = 0; i < len; i++) {
		o[(*n)++] = v[i];
		if (v[i] == '{')
			o[(*n)++] = ' ';
	}
	return o;
}

/* Each element of the return v (QEMU's form) through the fast path
 * alone: 1 when it took every one, their pairs in *p. */
static int
all_fast(const char *v, size_t len, struct pairs *p)
{
	struct qs_cur c;
	int n, rc;

	qs_start(&c, v, len);
	if (qs_arr_begin(&c, &n) < 0)
		return 0;
	while ((rc = qs_arr_next(&c, &n)) == 1)
		if (!qs_qom_element_fast(&c, pair, p))
			return 0;
	return rc == 0 && qs_done(&c);
}

/* QEMU's qom-list replies (every fixture): each element taken by the
 * fast path, with the pairs the general path reads from the same value
 * with other blanks; the anonymous devices' reply cut anywhere and with
 * any byte changed read as jansson reads it; the forms near QEMU's left
 * to the general path. */
START_TEST(qom_elements_fast_as_general)
{
	static const char *const fix[] = { "qmp/qom-list-anon.json",
	    "qmp/qom-list-peripheral.json", "qmp/qom-list-q35-ports.json",
	    "qemu10/qmp/qom-list-peripheral.json" };
	static const char subst[] = " \"\\{}[],:x\x01\xc3";
	static const struct {
		const char *el;
		int fast;
	} t[] = {
		{ "{\"name\": \"type\", \"type\": \"string\"}", 1 },
		{ " {\"name\": \"\", \"type\": \"\"}", 1 },
		{ "  {\"name\": \"a\", \"type\": \"b\"}", 0 },
		{ "{\"type\": \"string\", \"name\": \"type\"}", 0 },
		{ "{\"name\": \"a\", \"type\": \"b\", \"x\": 1}", 0 },
		{ "{\"name\": \"a\\u0062\", \"type\": \"b\"}", 0 },
		{ "{\"name\": \"\xc3\xa9\", \"type\": \"b\"}", 0 },
		{ "{\"name\": \"a\", \"type\": \"b\"", 0 },
		{ "{\"name\": \"a\", \"type\": \"b\x01\"}", 0 },
		{ "{\"name\": \"a\",\"type\": \"b\"}", 0 },
	};
	char b[2048], why[300], big[300];
	size_t i, k, n, len;
	struct err e;

	for (k = 0; k < sizeof fix / sizeof fix[0]; k++) {
		char *r = tu_fixture(fix[k], &len), *o;
		struct pairs f = { "", 0 }, g = { "", 0 };
		struct qmpscan_msg s;
		size_t on;

		ck_assert_int_eq(qmpscan_msg(r, len, &s, &e), 0);
		ck_assert_msg(all_fast(s.ret, s.retlen, &f), "%s", fix[k]);
		ck_assert_uint_gt(f.n, 0);
		o = spread(s.ret, s.retlen, &on);
		ck_assert_int_eq(all_fast(o, on, &g), 0);
		g.n = 0;
		ck_assert_int_eq(qmpscan_qom_list(o, on, pair, &g), 0);
		ck_assert_msg(f.n == g.n && memcmp(f.s, g.s, f.n) == 0,
		    "%s: %.*s, the general path %.*s", fix[k], (int)f.n, f.s,
		    (int)g.n, g.s);
		g.n = 0;
		ck_assert_int_eq(qmpscan_qom_list(s.ret, s.retlen, pair, &g),
		    0);
		ck_assert(f.n == g.n && memcmp(f.s, g.s, f.n) == 0);
		free(o);
		if (k == 0) {
			ck_assert_uint_lt(len, sizeof b);
			for (n = 0; n <= len; n++)
				ck_assert_msg(tu_qmpscan_agrees(r, n, NULL, why,
				    sizeof why), "cut at %zu: %s", n, why);
			for (i = 0; i < len; i++)
				for (n = 0; n < sizeof subst - 1; n++) {
					memcpy(b, r, len);
					b[i] = subst[n];
					ck_assert_msg(tu_qmpscan_agrees(b, len,
					    NULL, why, sizeof why), "%.*s: %s",
					    (int)len, b, why);
				}
		}
		free(r);
	}
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct pairs f = { "", 0 };
		struct qs_cur c;

		qs_start(&c, t[i].el, strlen(t[i].el));
		ck_assert_msg(qs_qom_element_fast(&c, pair, &f) == t[i].fast,
		    "%s", t[i].el);
		ck_assert_uint_eq(f.n > 0, t[i].fast);
		if (!t[i].fast)
			ck_assert_ptr_eq(c.p, t[i].el);
		snprintf(b, sizeof b, "{\"return\": [%s]}", t[i].el);
		ck_assert_msg(tu_qmpscan_agrees(b, strlen(b), NULL, why,
		    sizeof why), "%s: %s", b, why);
	}
	/* names up to QMPSCAN_QOM_MAX - 1 bytes in place; one more and the
	 * reader leaves the list (each may have been called) */
	for (n = QMPSCAN_QOM_MAX - 1; n <= QMPSCAN_QOM_MAX; n++) {
		struct pairs f = { "", 0 };

		memset(big, 'n', n);
		big[n] = '\0';
		snprintf(b, sizeof b, "[{\"name\": \"%s\", \"type\": \"t\"}]",
		    big);
		ck_assert_int_eq(qmpscan_qom_list(b, strlen(b), pair, &f),
		    n < QMPSCAN_QOM_MAX ? 0 : -1);
		ck_assert_uint_eq(f.n, n < QMPSCAN_QOM_MAX ? n + 3 : 0);
	}
}
END_TEST

Suite *
qmpfast_suite(void)
{
	Suite *s = suite_create("qmpfast");
	TCase *t = tcase_create("qmpfast");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, runs_end_where_the_table_says);
	tcase_add_test(t, qemu_names_are_numbers);
	tcase_add_test(t, a_byte_at_every_place);
	tcase_add_test(t, numbers_at_the_edges);
	tcase_add_test(t, short_integers_summed_right);
	tcase_add_test(t, literals_passed_over);
	tcase_add_test(t, skipped_values_checked_in_full);
	tcase_add_test(t, other_blanks_same_functions);
	tcase_add_test(t, read_in_place_refused_halfway);
	tcase_add_test(t, no_room_past_the_limit);
	tcase_add_test(t, greeting_fast_as_general);
	tcase_add_test(t, qom_elements_fast_as_general);
	suite_add_tcase(s, t);
	return s;
}
