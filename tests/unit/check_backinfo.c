/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_backinfo.c - what QEMU says about backends, read from real 7.2
 * answers (tests/fixtures/qmp, the journal work's captures): the NICs of
 * `info network` (qemu/netinfo), the attached block backends of
 * query-block / info block (qemu/blkinfo); and the MAC set's picks
 * (model/mac). */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "model/mac.h"
#include "qemu/blkinfo.h"
#include "qemu/netinfo.h"
#include "testutil.h"

/* The "return" of a QMP fixture: its text (a string) or its JSON. */
static char *
ret(const char *rel)
{
	size_t len;
	char *b = tu_fixture(rel, &len), *t;
	json_t *j = json_loads(b, 0, NULL), *r;

	free(b);
	ck_assert_ptr_nonnull(j);
	r = json_object_get(j, "return");
	t = json_is_string(r) ? strdup(json_string_value(r)) :
	    json_dumps(r, JSON_COMPACT);
	json_decref(j);
	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(info_network_nics)
{
	struct netinfo ni;
	struct err e;
	const struct netinfo_nic *n;
	char *t = ret("qmp/hmp-passthrough-info-network-orphan.json");

	ck_assert_int_eq(netinfo_parse(t, strlen(t), &ni, &e), 0);
	free(t);
	ck_assert_uint_eq(ni.n, 3);
	n = netinfo_find(&ni, "e1000.0");	/* the board's, on the hub */
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->mac, "52:54:00:12:34:56");
	ck_assert_str_eq(n->model, "e1000");
	n = netinfo_find(&ni, "nic-44444444-pci-8");
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->peer, "hostnet-44444444-pci-8");
	ck_assert_str_eq(n->peer_type, "user");
	ck_assert_int_eq(n->queues, 1);
	n = netinfo_find(&ni, "nic-aaaa1111-pci-4");	/* no netdev */
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->peer, "");
	ck_assert_ptr_null(netinfo_find(&ni, "hostnet-11111111-pci-5"));
}
END_TEST

START_TEST(info_network_queues)
{
	/* two queues of one NIC, as 7.2 printed them for fds=f0:f1 */
	const char *t = "nic1: index=0,type=nic,model=virtio-net-pci,"
	    "macaddr=52:54:00:AB:34:56\r\n \\ n1: index=0,type=tap,fd=13\r\n"
	    "nic1: index=1,type=nic,\r\n \\ n1: index=1,type=tap,fd=14\r\n";
	struct netinfo ni;
	struct err e;

	ck_assert_int_eq(netinfo_parse(t, strlen(t), &ni, &e), 0);
	ck_assert_uint_eq(ni.n, 1);
	ck_assert_int_eq(ni.nic[0].queues, 2);
	ck_assert_str_eq(ni.nic[0].mac, "52:54:00:ab:34:56");
	ck_assert_str_eq(ni.nic[0].peer_type, "tap");
	ck_assert_int_eq(netinfo_parse("garbage\n:\n", 10, &ni, &e), 0);
	ck_assert_uint_eq(ni.n, 0);
}
END_TEST

START_TEST(block_backends_both_protocols)
{
	struct blkinfo q, h;
	struct err e;
	const struct blkinfo_dev *d;
	char *qb = ret("qmp/query-block-orphan.json");
	char *qn = ret("qmp/query-named-block-nodes-orphan.json");
	char *hb = ret("qmp/hmp-passthrough-info-block-orphan.json");
	char *hn = ret("qmp/hmp-passthrough-info-block-n-orphan.json");

	ck_assert_int_eq(blkinfo_parse_qmp(qb, strlen(qb), qn, strlen(qn), &q,
	    &e), 0);
	ck_assert_int_eq(blkinfo_parse_hmp(hb, strlen(hb), hn, strlen(hn), &h,
	    &e), 0);
	d = blkinfo_find(&q, "disk-22222222-pci-6");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->file, "/tmp/jq/d.img");
	ck_assert_str_eq(d->format, "raw");
	ck_assert_str_eq(d->protocol, "file");
	ck_assert(d->writeback && !d->direct && !d->ro);
	d = blkinfo_find(&h, "disk-22222222-pci-6");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->node, "drive-22222222-pci-6");
	ck_assert_str_eq(d->file, "/tmp/jq/d.img");
	ck_assert_str_eq(d->format, "raw");
	ck_assert_str_eq(d->protocol, "file");
	ck_assert(d->writeback && !d->direct);
	ck_assert_ptr_null(blkinfo_find(&h, "disk-33333333-pci-7"));
	free(qb);
	free(qn);
	free(hb);
	free(hn);
}
END_TEST

START_TEST(mac_picks_avoid_the_set)
{
	struct mac_set s;
	struct err e;
	unsigned char rnd[6] = { 0x12, 0x34, 0x56, 0xaa, 0xbb, 0xcc };
	unsigned char m[6];
	char out[18];

	mac_set_init(&s);
	ck_assert_int_eq(mac_set_add(&s, "52:54:00:12:34:56", "e1000.0"), 0);
	ck_assert_int_eq(mac_set_add(&s, "not a mac", "x"), -1);
	ck_assert_str_eq(mac_set_find(&s, "52:54:00:12:34:56"), "e1000.0");
	/* case does not matter */
	ck_assert_int_eq(mac_set_add(&s, "52:54:00:AA:00:01", "nic-a"), 0);
	ck_assert_str_eq(mac_set_find(&s, "52:54:00:aa:00:01"), "nic-a");
	ck_assert_ptr_null(mac_set_find(&s, "52:54:00:12:34:57"));
	/* the first try collides with the board's MAC: the second is taken */
	ck_assert_int_eq(mac_pick(&s, rnd, 2, out, &e), 0);
	ck_assert_str_eq(out, "52:54:00:aa:bb:cc");
	ck_assert_int_eq(mac_pick(&s, rnd, 1, out, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "give mac="));
	ck_assert_int_eq(mac_parse("52:54:00:AB:cd:01", m, &e), 0);
	ck_assert_int_eq(m[3], 0xab);
	ck_assert_int_eq(mac_parse("01:00:5e:00:00:01", m, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "multicast"));
	ck_assert_int_eq(mac_parse("52:54:00:12:34", m, &e), -1);
}
END_TEST

Suite *
backinfo_suite(void)
{
	Suite *s = suite_create("backinfo");
	TCase *t = tcase_create("core");

	tcase_add_test(t, info_network_nics);
	tcase_add_test(t, info_network_queues);
	tcase_add_test(t, block_backends_both_protocols);
	tcase_add_test(t, mac_picks_avoid_the_set);
	suite_add_tcase(s, t);
	return s;
}
