/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_qmp.c - QMP messages, query-pci / query-version, error kinds and
 * DEVICE_DELETED, against every real QEMU transcript in
 * tests/fixtures/qmp; and HMP and QMP giving the same bus. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/hmp.h"
#include "qemu/qmp.h"
#include "fixparse.h"
#include "testutil.h"

START_TEST(every_json_line_is_a_message)
{
	DIR *d = opendir(tu_srcpath("tests/fixtures/qmp"));
	struct dirent *de;
	int count = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name);
		char rel[300];
		struct qmp_msg m;

		if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0)
			continue;
		snprintf(rel, sizeof rel, "qmp/%s", de->d_name);
		fixparse_qmp_msg(rel, &m);
		if (strcmp(de->d_name, "greeting.json") == 0)
			ck_assert_int_eq(m.kind, QMP_MSG_GREETING);
		else if (strncmp(de->d_name, "err-", 4) == 0) {
			ck_assert_int_eq(m.kind, QMP_MSG_ERROR);
			ck_assert_uint_gt(strlen(m.err_desc), 0);
		} else
			ck_assert_msg(m.kind == QMP_MSG_RETURN, "%s", rel);
		qmp_msg_free(&m);
		count++;
	}
	closedir(d);
	ck_assert_int_ge(count, 34);
}
END_TEST

START_TEST(versions)
{
	struct qmp_msg m;
	struct qemu_version v;
	struct err e;

	fixparse_qmp_msg("qmp/greeting.json", &m);
	ck_assert_int_eq(qmp_greeting_version(m.root, &v, &e), 0);
	ck_assert_int_eq(v.major * 10000 + v.minor * 100 + v.micro, 70222);
	ck_assert_str_eq(v.package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
	qmp_msg_free(&m);
	fixparse_qmp_msg("qmp/query-version.json", &m);
	ck_assert_int_eq(qmp_parse_version(m.ret, &v, &e), 0);
	ck_assert_int_eq(v.micro, 22);
	ck_assert_int_eq(qmp_parse_version(json_object_get(m.ret, "package"),
	    &v, &e), -1);
	qmp_msg_free(&m);
}
END_TEST

/* query-pci and info pci of the same QEMU state give the same list. */
START_TEST(query_pci_equals_info_pci)
{
	static const char *const pairs[][2] = {
		{ "qmp/query-pci-default.json", "hmp/info-pci-default.raw" },
		{ "qmp/query-pci-nodefaults.json", "hmp/info-pci-nodefaults.raw" },
		{ "qmp/query-pci-running-bios.json",
		    "hmp/info-pci-running-bios.raw" },
		{ "qmp/query-pci-bridge.json", "hmp/info-pci-bridge.raw" },
	};
	size_t i;

	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		struct pci_info a, b;

		fixparse_qmp_pci(pairs[i][0], &a);
		fixparse_hmp_pci(pairs[i][1], &b);
		fixparse_same_bus(&a, &b, pairs[i][0]);
		pci_info_free(&a);
		pci_info_free(&b);
	}
}
END_TEST

START_TEST(hmp_passthrough_equals_query_pci)
{
	struct qmp_msg m;
	struct pci_info a, b;
	struct err e;

	fixparse_qmp_msg("qmp/hmp-passthrough-info-pci.json", &m);
	ck_assert(json_is_string(m.ret));
	pci_info_init(&a);
	ck_assert_int_eq(hmp_parse_info_pci(json_string_value(m.ret),
	    json_string_length(m.ret), &a, &e), 0);
	qmp_msg_free(&m);
	/* taken right after query-pci-after-del */
	fixparse_qmp_pci("qmp/query-pci-after-del.json", &b);
	fixparse_same_bus(&a, &b, "passthrough");
	pci_info_free(&a);
	pci_info_free(&b);
}
END_TEST

START_TEST(query_pci_after_add_del)
{
	struct pci_info pi;
	const struct pci_fn *f;

	fixparse_qmp_pci("qmp/query-pci-default.json", &pi);
	ck_assert_uint_eq(pi.n, 6);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0xf);
	pci_info_free(&pi);
	fixparse_qmp_pci("qmp/query-pci-after-add.json", &pi);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x6f);
	f = pci_info_find_id(&pi, "disk-0d4e5f60-pci-6");
	ck_assert_int_eq(f->slot, 6);
	ck_assert_uint_eq(f->device, 0x1001);
	pci_info_free(&pi);
	fixparse_qmp_pci("qmp/query-pci-after-del.json", &pi);
	ck_assert_ptr_nonnull(pci_info_find_id(&pi, "nic-6f1a2b3c-pci-5"));
	ck_assert_int_eq(pci_info_find_id(&pi, "nic-cccccccc-pci-31")->slot,
	    31);
	pci_info_free(&pi);
}
END_TEST

START_TEST(query_pci_bridge_nesting)
{
	struct pci_info pi;
	size_t i;
	int seen = 0;

	fixparse_qmp_pci("qmp/query-pci-bridge.json", &pi);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x1f);
	ck_assert_ptr_null(pci_info_find_id(&pi, "behind-3"));
	for (i = 0; i < pi.n; i++)
		if (strcmp(pi.fn[i].id, "behind-3") == 0) {
			ck_assert_int_eq(pi.fn[i].bus, 1);
			seen = 1;
		}
	ck_assert_int_eq(seen, 1);
	pci_info_free(&pi);
}
END_TEST

static json_t *
J(const char *s)
{
	json_error_t je;
	json_t *j = json_loads(s, 0, &je);

	ck_assert_msg(j != NULL, "%s", je.text);
	return j;
}

START_TEST(query_pci_refuses_malformed)
{
	const char *bad[] = {
		"{}",
		"[{\"bus\": 0, \"devices\": 5}]",
		"[{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 32, "
		    "\"function\": 0, \"id\": {\"vendor\": 1, \"device\": 2}}]}]",
		"[{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 1, "
		    "\"function\": 0}]}]",
		/* a bridge whose child claims bus 0 */
		"[{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 1, "
		    "\"function\": 0, \"id\": {\"vendor\": 1, \"device\": 2}, "
		    "\"pci_bridge\": {\"devices\": [{\"bus\": 0, \"slot\": 7, "
		    "\"function\": 0, \"id\": {\"vendor\": 1, \"device\": 2}}]}}]}]",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pci_info pi;
		struct err e;
		json_t *j = J(bad[i]);

		pci_info_init(&pi);
		ck_assert_msg(qmp_parse_pci(j, &pi, &e) == -1, "%s", bad[i]);
		json_decref(j);
		pci_info_free(&pi);
	}
}
END_TEST

START_TEST(class_without_desc)
{
	json_t *j = J("[{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 9, "
	    "\"function\": 0, \"class_info\": {\"class\": 3075}, \"qdev_id\": "
	    "\"u\", \"id\": {\"vendor\": 6966, \"device\": 13}}]}]");
	struct pci_info pi;
	struct err e;

	pci_info_init(&pi);
	ck_assert_int_eq(qmp_parse_pci(j, &pi, &e), 0);
	ck_assert_str_eq(pi.fn[0].class_text, "Class 0c03");
	ck_assert_uint_eq(pi.fn[0].vendor, 0x1b36);
	json_decref(j);
	pci_info_free(&pi);
}
END_TEST

static const struct {
	const char *file;
	enum monerr_kind kind;
} errs[] = {
	{ "err-bad-id", MONERR_INVALID_ID },
	{ "err-before-capabilities", MONERR_PROTOCOL },
	{ "err-device-del-unknown", MONERR_NOT_FOUND },
	{ "err-duplicate-id", MONERR_DUPLICATE_ID },
	{ "err-missing-driver", MONERR_OTHER },
	{ "err-missing-execute", MONERR_OTHER },
	{ "err-occupied-slot", MONERR_SLOT_OCCUPIED },
	{ "err-slot-vga", MONERR_SLOT_OCCUPIED },
	{ "err-slot1-fn0", MONERR_SLOT_OCCUPIED },
	{ "err-unknown-command", MONERR_UNKNOWN_COMMAND },
	{ "err-unknown-drive", MONERR_OTHER },
	{ "err-unknown-driver", MONERR_OTHER },
	{ "err-unknown-netdev", MONERR_OTHER },
	{ "err-bus-full", MONERR_BUS_FULL },
	{ "err-unplug-pending", MONERR_UNPLUG_PENDING },
	{ "err-no-hotplug-q35", MONERR_NO_HOTPLUG },
};

START_TEST(every_error_has_its_kind)
{
	size_t i;
	char rel[128];

	for (i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		struct qmp_msg m;

		snprintf(rel, sizeof rel, "qmp/%s.json", errs[i].file);
		fixparse_qmp_msg(rel, &m);
		ck_assert_int_eq(m.kind, QMP_MSG_ERROR);
		ck_assert_msg(m.err_kind == errs[i].kind, "%s: got %s", rel,
		    monerr_name(m.err_kind));
		qmp_msg_free(&m);
	}
}
END_TEST

START_TEST(kinds_of_texts_seen_elsewhere)
{
	/* texts learnt from real QEMU 7.2 for netdev / drive / blockdev */
	static const struct {
		const char *cls, *text;
		enum monerr_kind k;
	} t[] = {
		{ NULL, "Duplicate ID 'd1' for drive", MONERR_DUPLICATE_ID },
		{ NULL, "Device 'nosuch' not found", MONERR_NOT_FOUND },
		{ "GenericError", "Duplicate ID 'n2'", MONERR_DUPLICATE_ID },
		{ "GenericError", "Duplicate nodes with node-name='b1'",
		    MONERR_DUPLICATE_ID },
		{ "GenericError", "Failed to find node with node-name='x'",
		    MONERR_NOT_FOUND },
		{ "GenericError", "No file descriptor supplied via SCM_RIGHTS",
		    MONERR_OTHER },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(monerr_classify(t[i].cls, t[i].text,
		    strlen(t[i].text)) == t[i].k, "%s", t[i].text);
	ck_assert_str_eq(monerr_name(MONERR_BUSY), "busy");
	ck_assert_int_eq(monerr_is_transport(MONERR_TIMEOUT), 1);
	ck_assert_int_eq(monerr_is_transport(MONERR_SLOT_OCCUPIED), 0);
}
END_TEST

/* Walk a recorded session: every "<- " line parses; events are events,
 * and only the DEVICE_DELETED with data.device == id means gone. */
START_TEST(session_events_and_device_deleted)
{
	size_t n, len;
	char *log = tu_fixture("qmp/guest-unplug-session.log", &n);
	const char *p = log, *end = log + n;
	int events = 0, gone = 0, replies = 0, gone_at = -1, idx = 0;

	while (p < end && (len = qmp_line_len(p, (size_t)(end - p))) > 0) {
		struct qmp_msg m;
		struct err e;

		if (len > 3 && memcmp(p, "<- ", 3) == 0) {
			ck_assert_int_eq(qmp_msg_parse(p + 3, len - 3, &m, &e),
			    0);
			if (m.kind == QMP_MSG_EVENT) {
				events++;
				ck_assert_str_eq(m.event, "DEVICE_DELETED");
				if (qmp_is_device_deleted(m.root,
				    "nic-6f1a2b3c-pci-5")) {
					gone++;
					gone_at = idx;
				}
				ck_assert_int_eq(qmp_is_device_deleted(m.root,
				    "nic-6f1a2b3c"), 0);
			} else if (m.kind == QMP_MSG_RETURN)
				replies++;
			qmp_msg_free(&m);
			idx++;
		}
		p += len;
	}
	ck_assert_int_eq(events, 2);
	ck_assert_int_eq(gone, 1);
	/* the virtio-backend event comes first and does not count */
	ck_assert_int_eq(gone_at, 6);
	ck_assert_int_ge(replies, 5);
	free(log);
}
END_TEST

/* DEVICE_DELETED ends a wait only for the very id awaited: not for an id
 * that is a prefix of it (nic-1 for nic-12), nor one it is a prefix of,
 * nor another event, nor an event without data.device. */
START_TEST(device_deleted_needs_the_whole_id)
{
	static const struct {
		const char *ev;
		const char *id;
		int gone;
	} t[] = {
		{ "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": "
		    "\"nic-12\", \"path\": \"/machine/peripheral/nic-12\"}}",
		    "nic-12", 1 },
		{ "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": "
		    "\"nic-1\", \"path\": \"/machine/peripheral/nic-1\"}}",
		    "nic-12", 0 },
		{ "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": "
		    "\"nic-12\", \"path\": \"/machine/peripheral/nic-12\"}}",
		    "nic-1", 0 },
		{ "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": "
		    "\"\", \"path\": \"/machine/peripheral/nic-12\"}}",
		    "nic-12", 0 },
		{ "{\"event\": \"DEVICE_DELETED\", \"data\": {\"path\": "
		    "\"/machine/peripheral/nic-12/virtio-backend\"}}",
		    "nic-12", 0 },
		{ "{\"event\": \"RESET\", \"data\": {\"device\": "
		    "\"nic-12\"}}", "nic-12", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		json_error_t je;
		json_t *j = json_loads(t[i].ev, 0, &je);

		ck_assert_ptr_nonnull(j);
		ck_assert_msg(qmp_is_device_deleted(j, t[i].id) == t[i].gone,
		    "%s awaiting %s: expected %d", t[i].ev, t[i].id,
		    t[i].gone);
		json_decref(j);
	}
}
END_TEST

START_TEST(garbage_is_refused)
{
	const char *bad[] = { "", "nope", "[1,2]", "{\"foo\": 1}",
		"{\"event\": 5}", "{\"error\": {\"class\": \"X\"}}",
		"{\"return\": {}, \"return\": 1}", "{\"QMP\": 1}" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct qmp_msg m;
		struct err e;

		ck_assert_msg(qmp_msg_parse(bad[i], strlen(bad[i]), &m, &e) ==
		    -1, "%s", bad[i]);
		ck_assert_ptr_null(m.root);
	}
	ck_assert_uint_eq(qmp_line_len("{}", 2), 0);
	ck_assert_uint_eq(qmp_line_len("{}\r\n{", 5), 4);
}
END_TEST

Suite *
qmp_suite(void)
{
	Suite *s = suite_create("qmp");
	TCase *t = tcase_create("qmp");

	tcase_add_test(t, every_json_line_is_a_message);
	tcase_add_test(t, versions);
	tcase_add_test(t, query_pci_equals_info_pci);
	tcase_add_test(t, hmp_passthrough_equals_query_pci);
	tcase_add_test(t, query_pci_after_add_del);
	tcase_add_test(t, query_pci_bridge_nesting);
	tcase_add_test(t, query_pci_refuses_malformed);
	tcase_add_test(t, class_without_desc);
	tcase_add_test(t, every_error_has_its_kind);
	tcase_add_test(t, kinds_of_texts_seen_elsewhere);
	tcase_add_test(t, session_events_and_device_deleted);
	tcase_add_test(t, device_deleted_needs_the_whole_id);
	tcase_add_test(t, garbage_is_refused);
	suite_add_tcase(s, t);
	return s;
}
