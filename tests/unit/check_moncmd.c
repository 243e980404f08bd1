/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_moncmd.c - the exact bytes of every monitor command, HMP and QMP,
 * the escaping and refusal rules, endpoints, and the error kind names. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/endpoint.h"
#include "qemu/moncmd.h"

#define HMP MON_PROTO_HMP
#define QMP MON_PROTO_QMP

static void
is(int rc, char **out, const char *want, const struct err *e)
{
	ck_assert_msg(rc == 0, "refused: %s", e->msg);
	ck_assert_str_eq(*out, want);
	free(*out);
}

static void
refused(int rc, char **out, const struct err *e, const char *needle)
{
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(*out);
	ck_assert_msg(strstr(e->msg, needle) != NULL, "'%s' lacks '%s'",
	    e->msg, needle);
}

/* A builder of one command from its argument, one type for every
 * command so that one table holds them all: BUILD's NAME calls moncmd's
 * FN with the argument as TYPE; the queries below take none, and the
 * capabilities no protocol either. */
typedef int (*build_fn)(enum mon_proto p, const void *arg, char **out,
    struct err *e);
#define BUILD(name, fn, type) \
	static int name(enum mon_proto p, const void *a, char **o, \
	    struct err *e) { return fn(p, (type)a, o, e); }
BUILD(dev_add, moncmd_device_add, const struct moncmd_device *)
BUILD(dev_del, moncmd_device_del, const char *)
BUILD(net_add, moncmd_netdev_add, const struct moncmd_netdev *)
BUILD(net_del, moncmd_netdev_del, const char *)
BUILD(drv_add, moncmd_drive_add, const struct moncmd_drive *)
BUILD(drv_del, moncmd_drive_del, const char *)
BUILD(getfd, moncmd_getfd, const char *)
BUILD(closefd, moncmd_closefd, const char *)
#undef BUILD

static int
query_pci(enum mon_proto p, const void *a, char **o, struct err *e)
{
	(void)a;
	return moncmd_query_pci(p, o, e);
}

static int
query_version(enum mon_proto p, const void *a, char **o, struct err *e)
{
	(void)a;
	return moncmd_query_version(p, o, e);
}

static int
capabilities(enum mon_proto p, const void *a, char **o, struct err *e)
{
	(void)p;
	(void)a;
	return moncmd_qmp_capabilities(o, e);
}

/* The bytes f builds of arg in HMP and in QMP (NULL: not asked). */
static void
both(build_fn f, const void *arg, const char *hmp, const char *qmp)
{
	struct err e;
	char *out;

	if (hmp != NULL)
		is(f(HMP, arg, &out, &e), &out, hmp, &e);
	if (qmp != NULL)
		is(f(QMP, arg, &out, &e), &out, qmp, &e);
}

/* One command and the bytes of each protocol, as a table's row. */
struct bytes {
	build_fn f;
	const void *arg;
	const char *hmp, *qmp;
};

START_TEST(device_add_like_the_fixtures)
{
	struct moncmd_prop props[] = { { "netdev", "hostnet-6f1a2b3c" },
		{ "mac", "52:54:00:12:34:56" } };
	struct moncmd_device d = { "virtio-net-pci", "nic-6f1a2b3c-pci-5",
		"pci.0", 5, 0, props, 2 };

	/* the order of the captured command, with netdev moved after addr */
	both(dev_add, &d,
	    "device_add virtio-net-pci,id=nic-6f1a2b3c-pci-5,bus=pci.0,"
	    "addr=0x5,netdev=hostnet-6f1a2b3c,mac=52:54:00:12:34:56\n",
	    "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
	    "\"virtio-net-pci\",\"id\":\"nic-6f1a2b3c-pci-5\",\"bus\":"
	    "\"pci.0\",\"addr\":\"0x5\",\"netdev\":\"hostnet-6f1a2b3c\","
	    "\"mac\":\"52:54:00:12:34:56\"}}\n");
}
END_TEST

START_TEST(addr_is_always_hex)
{
	struct moncmd_device d = { "virtio-net-pci", "nic-cccccccc-pci-31",
		"pci.0", 31, 0, NULL, 0 };
	struct err e;
	char *out;

	both(dev_add, &d, "device_add virtio-net-pci,id=nic-cccccccc-pci-31,"
	    "bus=pci.0,addr=0x1f\n", NULL);
	d.slot = 16;
	d.func = 1;
	d.id = "n";
	d.bus = NULL;
	both(dev_add, &d, "device_add virtio-net-pci,id=n,addr=0x10.0x1\n",
	    "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
	    "\"virtio-net-pci\",\"id\":\"n\",\"addr\":\"0x10.0x1\"}}\n");
	d.slot = -1;
	d.func = 0;
	both(dev_add, &d, "device_add virtio-net-pci,id=n\n", NULL);
	d.slot = 32;
	refused(moncmd_device_add(HMP, &d, &out, &e), &out, &e, "0 to 31");
	d.slot = 3;
	d.func = 8;
	refused(moncmd_device_add(QMP, &d, &out, &e), &out, &e, "0 to 7");
}
END_TEST

START_TEST(commas_doubled_in_hmp_only)
{
	struct moncmd_prop props[] = { { "serial", "a,b,,c" } };
	struct moncmd_device d = { "virtio-blk-pci", "disk-1", "pci.0", 6, 0,
		props, 1 };
	struct moncmd_drive dr = { .id = "drive-0d4e5f60",
	    .file = "/tmp/q/a,b.img", .format = NULL };

	both(dev_add, &d,
	    "device_add virtio-blk-pci,id=disk-1,bus=pci.0,addr=0x6,"
	    "serial=a,,b,,,,c\n",
	    "{\"execute\":\"device_add\",\"arguments\":{\"driver\":"
	    "\"virtio-blk-pci\",\"id\":\"disk-1\",\"bus\":\"pci.0\",\"addr\":"
	    "\"0x6\",\"serial\":\"a,b,,c\"}}\n");
	both(drv_add, &dr,
	    "drive_add dummy file=/tmp/q/a,,b.img,if=none,id=drive-0d4e5f60,"
	    "format=raw\n",
	    "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\","
	    "\"node-name\":\"drive-0d4e5f60\",\"file\":{\"driver\":\"file\","
	    "\"filename\":\"/tmp/q/a,b.img\"}}}\n");
}
END_TEST

START_TEST(control_characters_and_bad_ids_refused)
{
	struct moncmd_prop props[] = { { "mac", "52:54\n00" } };
	struct moncmd_device d = { "virtio-net-pci", "nic-1", "pci.0", 5, 0,
		props, 1 };
	struct moncmd_drive dr = { .id = "drive-1", .file = "/tmp/x\ty",
	    .format = "raw" };
	/* in both protocols: a command and what its refusal says */
	const struct {
		build_fn f;
		const void *arg;
		const char *needle;
	} bad[] = {
		{ dev_add, &d, "control character" },
		{ drv_add, &dr, "control character" },
		{ dev_del, "a b", "device id" },
		{ dev_del, "5nic", "device id" },
		{ dev_del, "x,id=y", "device id" },
		{ dev_del, "", "missing" },
		{ net_del, "n\n", "netdev id" },
		{ getfd, "fd 1", "fd name" },
	};
	struct err e;
	char *out;
	size_t k;
	int p;

	for (p = HMP; p <= QMP; p++)
		for (k = 0; k < sizeof bad / sizeof bad[0]; k++)
			refused(bad[k].f(p, bad[k].arg, &out, &e), &out, &e,
			    bad[k].needle);
	props[0].key = "id";
	props[0].val = "other";
	refused(moncmd_device_add(HMP, &d, &out, &e), &out, &e, "own field");
	props[0].key = "Bad=Key";
	refused(moncmd_device_add(HMP, &d, &out, &e), &out, &e, "not a valid");
	d.nprops = 0;
	d.driver = "virtio-net-pci,id=x";
	refused(moncmd_device_add(QMP, &d, &out, &e), &out, &e, "not a valid");
	d.driver = "virtio-net-pci";
	d.bus = "pci.0,addr=3";
	refused(moncmd_device_add(HMP, &d, &out, &e), &out, &e, "bus");
	/* HMP cannot carry spaces; QMP can */
	dr.file = "/tmp/my disk.img";
	refused(moncmd_drive_add(HMP, &dr, &out, &e), &out, &e, "space");
	ck_assert_int_eq(moncmd_drive_add(QMP, &dr, &out, &e), 0);
	ck_assert_ptr_nonnull(strstr(out, "my disk.img"));
	free(out);
}
END_TEST

/* Values must be valid UTF-8 (QMP can carry nothing else): overlong
 * forms, UTF-16 surrogates, code points past U+10FFFF, stray
 * continuation bytes and cut sequences are refused; 2-, 3- and 4-byte
 * characters at the edges of what is valid pass. */
START_TEST(utf8_rules)
{
	static const char *const bad[] = {
		"\xc0\xaf",			/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong, 3 bytes */
		"\xed\xa0\x80",		/* U+D800, a surrogate */
		"\xed\xbf\xbf",		/* U+DFFF */
		"\xf4\x90\x80\x80",		/* U+110000 */
		"\x80",			/* a lone continuation */
		"a\xc3",			/* cut */
		"\xf0\x9f\x98",		/* cut 4-byte */
	};
	static const char *const good[] = {
		"\xc2\x80",			/* U+0080 */
		"\xed\x9f\xbf",		/* U+D7FF, below the surrogates */
		"\xee\x80\x80",		/* U+E000, above them */
		"\xf0\x9f\x98\x80",		/* U+1F600 */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF */
	};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(moncmd_check_value("serial", bad[i], &e) == -1,
		    "bad value %zu accepted", i);
		ck_assert_ptr_nonnull(strstr(e.msg, "UTF-8"));
	}
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(moncmd_check_value("serial", good[i], &e) == 0,
		    "good value %zu refused: %s", i, e.msg);
}
END_TEST

START_TEST(hmp_line_length_is_bounded)
{
	char big[1100];
	struct moncmd_prop props[] = { { "serial", big } };
	struct moncmd_device d = { "virtio-blk-pci", "disk-1", "pci.0", 6, 0,
		props, 1 };
	struct err e;
	char *out;

	memset(big, 'a', 1000);
	big[1000] = '\0';
	refused(moncmd_device_add(HMP, &d, &out, &e), &out, &e, "longer");
	memset(big, ',', 600);
	big[600] = '\0';
	refused(moncmd_device_add(HMP, &d, &out, &e), &out, &e, "too long");
	ck_assert_int_eq(moncmd_device_add(QMP, &d, &out, &e), 0);
	free(out);
}
END_TEST

START_TEST(the_other_commands)
{
	struct moncmd_netdev user = { .type = MONCMD_NETDEV_USER,
	    .id = "hostnet-6f1a2b3c", .fdname = NULL };
	struct moncmd_netdev tap = { .type = MONCMD_NETDEV_TAP,
	    .id = "hostnet-1", .fdname = "tapfd-1" };
	const struct bytes cmds[] = {
		{ query_pci, NULL, "info pci\n",
		  "{\"execute\":\"query-pci\"}\n" },
		{ query_version, NULL, "info version\n",
		  "{\"execute\":\"query-version\"}\n" },
		{ capabilities, NULL, NULL,
		  "{\"execute\":\"qmp_capabilities\"}\n" },
		{ net_add, &user, "netdev_add user,id=hostnet-6f1a2b3c\n",
		  "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"user\","
		  "\"id\":\"hostnet-6f1a2b3c\"}}\n" },
		{ net_add, &tap, "netdev_add tap,id=hostnet-1,fd=tapfd-1\n",
		  "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"tap\","
		  "\"id\":\"hostnet-1\",\"fd\":\"tapfd-1\"}}\n" },
		{ net_del, "hostnet-1", "netdev_del hostnet-1\n", NULL },
		{ dev_del, "nic-6f1a2b3c-pci-5", "device_del nic-6f1a2b3c-pci-5\n",
		  "{\"execute\":\"device_del\",\"arguments\":{\"id\":"
		  "\"nic-6f1a2b3c-pci-5\"}}\n" },
		{ drv_del, "drive-1", "drive_del drive-1\n",
		  "{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":"
		  "\"drive-1\"}}\n" },
		{ getfd, "tapfd-1", "getfd tapfd-1\n",
		  "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":"
		  "\"tapfd-1\"}}\n" },
		{ closefd, "tapfd-1", "closefd tapfd-1\n", NULL },
	};
	struct err e;
	char *out;
	size_t k;

	for (k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
		both(cmds[k].f, cmds[k].arg, cmds[k].hmp, cmds[k].qmp);
	tap.fdname = "bad fd";
	refused(moncmd_netdev_add(HMP, &tap, &out, &e), &out, &e, "fd name");
	refused(moncmd_query_pci(MON_PROTO_UNKNOWN, &out, &e), &out, &e,
	    "protocol");
}
END_TEST

/* QMP output is JSON that jansson reads back to the same strings, with
 * quotes and backslashes in values. */
START_TEST(qmp_is_real_json)
{
	struct moncmd_prop props[] = { { "serial", "q\"u\\o'te,}" } };
	struct moncmd_device d = { "virtio-blk-pci", "disk-1", NULL, 6, 0,
		props, 1 };
	struct err e;
	char *out;
	json_t *j;

	ck_assert_int_eq(moncmd_device_add(QMP, &d, &out, &e), 0);
	j = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "arguments"), "serial")), "q\"u\\o'te,}");
	json_decref(j);
	free(out);
}
END_TEST

START_TEST(endpoints)
{
	struct endpoint ep;
	struct err e;
	char s[300];

#define P(x) endpoint_parse(x, strlen(x), &ep, &e)
	ck_assert_int_eq(P("unix:/run/ganeti/x.monitor"), 0);
	ck_assert_int_eq(ep.kind, ENDPOINT_UNIX);
	ck_assert_str_eq(ep.path, "/run/ganeti/x.monitor");
	ck_assert_int_eq(P("/tmp/q/hmp.sock"), 0);
	ck_assert_int_eq(ep.kind, ENDPOINT_UNIX);
	ck_assert_str_eq(ep.path, "/tmp/q/hmp.sock");
	endpoint_format(&ep, s, sizeof s);
	ck_assert_str_eq(s, "unix:/tmp/q/hmp.sock");
	ck_assert_int_eq(P("relative.sock"), 0);
	ck_assert_str_eq(ep.path, "relative.sock");
	ck_assert_int_eq(P("tcp:127.0.0.1:4444"), 0);
	ck_assert_int_eq(ep.kind, ENDPOINT_TCP);
	ck_assert_str_eq(ep.host, "127.0.0.1");
	ck_assert_str_eq(ep.port, "4444");
	ck_assert_int_eq(P("tcp:[::1]:55"), 0);
	ck_assert_str_eq(ep.host, "::1");
	endpoint_format(&ep, s, sizeof s);
	ck_assert_str_eq(s, "tcp:[::1]:55");
	ck_assert_int_eq(P(""), -1);
	ck_assert_int_eq(P("unix:"), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "empty"));
	ck_assert_int_eq(P("tcp:host"), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "port"));
	ck_assert_int_eq(P("tcp::4444"), -1);
	ck_assert_int_eq(P("tcp:h:0"), -1);
	ck_assert_int_eq(P("tcp:h:65536"), -1);
	ck_assert_int_eq(P("tcp:h:12a"), -1);
	ck_assert_int_eq(P("tcp:h:"), -1);
	ck_assert_int_eq(P("/tmp/a\nb"), -1);
	memset(s, 'a', 200);
	s[0] = '/';
	s[200] = '\0';
	ck_assert_int_eq(P(s), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "at most"));
	ck_assert_int_eq(endpoint_parse("/tmp/x\0y", 8, &ep, &e), -1);
#undef P
}
END_TEST

START_TEST(connect_failures_are_clear)
{
	struct endpoint ep;
	struct err e;
	int inprog, fd;

	ck_assert_int_eq(endpoint_parse("/nonexistent/dir/x.sock", 23, &ep,
	    &e), 0);
	ck_assert_int_eq(endpoint_connect(&ep, &inprog, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "No such file"));
	/* a closed loopback port: refused now or after POLLOUT */
	ck_assert_int_eq(endpoint_parse("tcp:127.0.0.1:1", 15, &ep, &e), 0);
	fd = endpoint_connect(&ep, &inprog, &e);
	if (fd >= 0) {
		ck_assert_int_eq(inprog, 1);
		usleep(50000);
		ck_assert_int_eq(endpoint_connect_result(fd, &ep, &e), -1);
		close(fd);
	}
	ck_assert_ptr_nonnull(strstr(e.msg, "refused"));
}
END_TEST

/* Disk options: each protocol's own names (learnt from QEMU 7.2:
 * drive_add takes the -drive shorthand, blockdev-add splits cache into
 * cache.direct / cache.no-flush and puts aio on the protocol node). */
START_TEST(drive_options_per_protocol)
{
	struct moncmd_drive dr = { .id = "drive-1", .file = "/dev/loop0",
	    .format = "raw", .protocol = "host_device", .readonly = 1,
	    .cache = "none", .aio = "native", .discard = "unmap" };
	struct err e;
	char *out;

	both(drv_add, &dr,
	    "drive_add dummy file=/dev/loop0,if=none,id=drive-1,format=raw,"
	    "file.driver=host_device,readonly=on,cache=none,aio=native,"
	    "discard=unmap\n",
	    "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":"
	    "\"raw\",\"node-name\":\"drive-1\",\"read-only\":true,"
	    "\"discard\":\"unmap\",\"cache\":{\"direct\":true,"
	    "\"no-flush\":false},\"file\":{\"driver\":\"host_device\","
	    "\"filename\":\"/dev/loop0\",\"aio\":\"native\"}}}\n");
	dr.cache = "unsafe";
	dr.aio = "threads";
	dr.protocol = "file";
	dr.readonly = 0;
	dr.discard = NULL;
	both(drv_add, &dr, NULL,
	    "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":"
	    "\"raw\",\"node-name\":\"drive-1\",\"cache\":{\"direct\":"
	    "false,\"no-flush\":true},\"file\":{\"driver\":\"file\","
	    "\"filename\":\"/dev/loop0\",\"aio\":\"threads\"}}}\n");
	/* refused before anything is sent */
	dr.aio = "native";
	refused(moncmd_drive_add(QMP, &dr, &out, &e), &out, &e,
	    "aio=native");
	refused(moncmd_drive_add(HMP, &dr, &out, &e), &out, &e,
	    "aio=native");
	dr.aio = "posix";
	refused(moncmd_drive_add(HMP, &dr, &out, &e), &out, &e,
	    "threads, native or io_uring");
	dr.aio = NULL;
	dr.cache = "writearound";
	refused(moncmd_drive_add(HMP, &dr, &out, &e), &out, &e,
	    "not a cache mode");
	dr.cache = NULL;
	dr.discard = "on";
	refused(moncmd_drive_add(QMP, &dr, &out, &e), &out, &e,
	    "ignore or unmap");
	dr.discard = NULL;
	dr.protocol = "nbd";
	refused(moncmd_drive_add(QMP, &dr, &out, &e), &out, &e,
	    "file or host_device");
}
END_TEST

/* A multiqueue tap: fds=A:B (QEMU takes the queue count from them), and
 * vhost as each protocol types it. */
START_TEST(tap_queues_and_vhost)
{
	const char *names[] = { "fd-1", "fd-1-q1", "fd-1-q2" };
	struct moncmd_netdev n = { .type = MONCMD_NETDEV_TAP,
	    .id = "hostnet-1", .fdnames = names, .nfds = 3, .vhost = 1 };
	struct err e;
	char *out;

	both(net_add, &n,
	    "netdev_add tap,id=hostnet-1,fds=fd-1:fd-1-q1:fd-1-q2,vhost=on\n",
	    "{\"execute\":\"netdev_add\",\"arguments\":{\"type\":\"tap\","
	    "\"id\":\"hostnet-1\",\"fds\":\"fd-1:fd-1-q1:fd-1-q2\","
	    "\"vhost\":true}}\n");
	names[1] = "bad:name";
	refused(moncmd_netdev_add(HMP, &n, &out, &e), &out, &e,
	    "tap fd name");
	n.type = MONCMD_NETDEV_USER;
	refused(moncmd_netdev_add(QMP, &n, &out, &e), &out, &e,
	    "need a tap");
}
END_TEST

Suite *
moncmd_suite(void)
{
	Suite *s = suite_create("moncmd");
	TCase *t = tcase_create("moncmd");

	tcase_add_test(t, device_add_like_the_fixtures);
	tcase_add_test(t, addr_is_always_hex);
	tcase_add_test(t, commas_doubled_in_hmp_only);
	tcase_add_test(t, control_characters_and_bad_ids_refused);
	tcase_add_test(t, utf8_rules);
	tcase_add_test(t, hmp_line_length_is_bounded);
	tcase_add_test(t, the_other_commands);
	tcase_add_test(t, drive_options_per_protocol);
	tcase_add_test(t, tap_queues_and_vhost);
	tcase_add_test(t, qmp_is_real_json);
	tcase_add_test(t, endpoints);
	tcase_add_test(t, connect_failures_are_clear);
	suite_add_tcase(s, t);
	return s;
}
