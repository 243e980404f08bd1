/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_backends.c - which netdevs, block backends and block nodes QEMU
 * holds and which are orphans, from real QEMU 7.2 answers: HMP `info
 * network` / `info block` / `info block -n` (the HMP fixtures, and the same
 * text through QMP's human-monitor-command) and QMP query-block /
 * query-named-block-nodes (tests/fixtures/qmp/ *-orphan.json: a NIC and a
 * disk with their backends, plus an orphan netdev, an orphan drive_add
 * drive and an orphan blockdev-add node). */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/backends.h"
#include "testutil.h"

/* The "return" of a QMP fixture: its text (a string) or its JSON. */
static char *
ret_of(const char *rel)
{
	size_t n;
	char *raw = tu_fixture(rel, &n), *out;
	json_t *j = json_loadb(raw, n, 0, NULL), *r;

	ck_assert_ptr_nonnull(j);
	r = json_object_get(j, "return");
	ck_assert_ptr_nonnull(r);
	out = json_is_string(r) ? strdup(json_string_value(r)) :
	    json_dumps(r, JSON_COMPACT);
	json_decref(j);
	free(raw);
	return out;
}

static void
want(const struct backends *b, enum backend_kind k, const char *name,
    int attached)
{
	const struct backend_entry *x = backends_find(b, k, name);

	ck_assert_msg(x != NULL, "%s not found", name);
	ck_assert_msg(x->attached == attached, "%s: attached %d, want %d",
	    name, x->attached, attached);
}

static void
want_orphans(const struct backends *b)
{
	want(b, BACKEND_NETDEV, "hostnet-11111111-pci-5", 0);
	ck_assert_str_eq(backends_find(b, BACKEND_NETDEV,
	    "hostnet-44444444-pci-8")->type, "user");
	want(b, BACKEND_NETDEV, "hostnet-44444444-pci-8", 1);
	want(b, BACKEND_BLOCK, "drive-22222222-pci-6", 1);
	want(b, BACKEND_BLOCK, "drive-33333333-pci-7", 0);
	want(b, BACKEND_BLOCK, "drive-55555555-pci-9", 0);
	/* the NICs, the hub, QEMU's own '#' names and empty drives are no
	 * backends */
	ck_assert_ptr_null(backends_find(b, BACKEND_NETDEV,
	    "nic-aaaa1111-pci-4"));
	ck_assert_ptr_null(backends_find(b, BACKEND_NETDEV, "e1000.0"));
	ck_assert_ptr_null(backends_find(b, BACKEND_NETDEV, "hub0port1"));
	ck_assert_ptr_null(backends_find(b, BACKEND_BLOCK, "ide1-cd0"));
	ck_assert_ptr_null(backends_find(b, BACKEND_BLOCK, "sd0"));
	ck_assert_uint_eq(backends_orphans(b), 3);
	ck_assert_uint_eq(b->n, 5);
}

START_TEST(hmp_text)
{
	struct backends b;
	struct err e;
	char *net = ret_of("qmp/hmp-passthrough-info-network-orphan.json");
	char *blk = ret_of("qmp/hmp-passthrough-info-block-orphan.json");
	char *nod = ret_of("qmp/hmp-passthrough-info-block-n-orphan.json");

	backends_init(&b);
	ck_assert_int_eq(backends_parse_info_network(net, strlen(net), &b,
	    &e), 0);
	ck_assert_int_eq(backends_parse_info_block(blk, strlen(blk), &b, &e),
	    0);
	ck_assert_int_eq(backends_parse_info_block(nod, strlen(nod), &b, &e),
	    0);
	want_orphans(&b);
	free(net);
	free(blk);
	free(nod);
}
END_TEST

START_TEST(qmp_json)
{
	struct backends b;
	struct err e;
	char *net = ret_of("qmp/hmp-passthrough-info-network-orphan.json");
	char *blk = ret_of("qmp/query-block-orphan.json");
	char *nod = ret_of("qmp/query-named-block-nodes-orphan.json");

	backends_init(&b);
	ck_assert_int_eq(backends_parse_info_network(net, strlen(net), &b,
	    &e), 0);
	ck_assert_int_eq(backends_parse_query_block(blk, strlen(blk), &b, &e),
	    0);
	ck_assert_int_eq(backends_parse_named_nodes(nod, strlen(nod), &b, &e),
	    0);
	want_orphans(&b);
	ck_assert_int_eq(backends_parse_query_block("{}", 2, &b, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "query-block"));
	free(net);
	free(blk);
	free(nod);
}
END_TEST

/* The older HMP transcripts: every netdev and drive there is in use. */
START_TEST(hmp_fixtures_in_use)
{
	struct backends b;
	struct err e;
	size_t n1, n2;
	char *net = tu_fixture("hmp/info-network.txt", &n1);
	char *blk = tu_fixture("hmp/info-block.txt", &n2);

	backends_init(&b);
	ck_assert_int_eq(backends_parse_info_network(net, n1, &b, &e), 0);
	ck_assert_int_eq(backends_parse_info_block(blk, n2, &b, &e), 0);
	want(&b, BACKEND_NETDEV, "hostnet-6f1a2b3c", 1);
	want(&b, BACKEND_BLOCK, "drive-0d4e5f60", 1);
	ck_assert_uint_eq(backends_orphans(&b), 0);
	/* (buf, len): a cut reply is read up to len only */
	backends_init(&b);
	ck_assert_int_eq(backends_parse_info_network(net, 10, &b, &e), 0);
	ck_assert_uint_eq(b.n, 0);
	free(net);
	free(blk);
}
END_TEST

Suite *
backends_suite(void)
{
	Suite *s = suite_create("backends");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, hmp_text);
	tcase_add_test(tc, qmp_json);
	tcase_add_test(tc, hmp_fixtures_in_use);
	suite_add_tcase(s, tc);
	return s;
}
