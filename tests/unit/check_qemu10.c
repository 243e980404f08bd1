/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_qemu10.c - the parsers and error kinds against the QEMU 10.0
 * transcripts in tests/fixtures/qemu10 (same commands as the 7.2 ones):
 * every reply frames and cleans, the versions read as 10.0.2, each bus
 * parses to the same functions as 7.2's (HMP's BAR lines changed, which
 * the parser ignores), each error text has the kind it has in 7.2, and
 * where 10.0 answers differently the test says what it answers. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/hmp.h"
#include "qemu/qmp.h"
#include "fixparse.h"
#include "testutil.h"

/* Every .raw of qemu10/hmp and qemu10/guest: complete only at its end,
 * cleans to exactly its .txt. */
START_TEST(every_raw_frames_and_cleans_to_txt)
{
	const char *dirs[] = { "hmp", "guest" };
	int count = 0;
	size_t k;

	for (k = 0; k < 2; k++) {
		char path[64];
		DIR *d;
		struct dirent *de;

		snprintf(path, sizeof path, "tests/fixtures/qemu10/%s", dirs[k]);
		d = opendir(tu_srcpath(path));
		ck_assert_ptr_nonnull(d);
		while ((de = readdir(d)) != NULL) {
			char rel[300], trel[300];
			size_t nl = strlen(de->d_name), rl, tl, cl, i;
			char *raw, *txt, *c;

			if (nl < 5 || strcmp(de->d_name + nl - 4, ".raw") != 0 ||
			    strcmp(de->d_name, "banner.raw") == 0)
				continue;
			snprintf(rel, sizeof rel, "qemu10/%s/%s", dirs[k],
			    de->d_name);
			snprintf(trel, sizeof trel, "qemu10/%s/%.*s.txt",
			    dirs[k], (int)nl - 4, de->d_name);
			raw = tu_fixture(rel, &rl);
			txt = tu_fixture(trel, &tl);
			/* no prefix is complete: the first that is fails
			 * (one assertion, not one per byte, each of which
			 * Check reports to the runner: 200,000 of them
			 * outlasted the default timeout under ASan on a
			 * loaded machine) */
			for (i = 0; i < rl && !hmp_reply_complete(raw, i); i++)
				;
			ck_assert_msg(i == rl, "%s complete after %zu bytes",
			    rel, i);
			ck_assert_msg(hmp_reply_complete(raw, rl), "%s", rel);
			c = malloc(rl + 1);
			cl = hmp_reply_clean(raw, rl, c);
			ck_assert_msg(cl == tl && memcmp(c, txt, tl) == 0,
			    "%s does not clean to its .txt", rel);
			free(raw);
			free(txt);
			free(c);
			count++;
		}
		closedir(d);
	}
	ck_assert_int_ge(count, 39);
}
END_TEST

START_TEST(banner_and_versions)
{
	size_t n;
	char *b = tu_fixture("qemu10/hmp/banner.raw", &n);
	struct qemu_version v;
	struct qmp_msg m;
	struct err e;
	char *t;

	ck_assert_int_eq(hmp_banner_check(b, n - 1, &e), 0);
	ck_assert_int_eq(hmp_banner_check(b, n, &e), 1);
	ck_assert_int_eq(strncmp(b, "QEMU 10.0.2 monitor - ", 22), 0);
	free(b);
	t = fixparse_hmp_clean("qemu10/hmp/info-version.raw", &n);
	ck_assert_int_eq(hmp_parse_info_version(t, n, &v, &e), 0);
	ck_assert_int_eq(v.major * 10000 + v.minor * 100 + v.micro, 100002);
	ck_assert_str_eq(v.package, "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1");
	free(t);
	fixparse_qmp_msg("qemu10/qmp/greeting.json", &m);
	ck_assert_int_eq(m.kind, QMP_MSG_GREETING);
	ck_assert_int_eq(qmp_greeting_version(m.root, &v, &e), 0);
	ck_assert_int_eq(v.major * 10000 + v.minor * 100 + v.micro, 100002);
	ck_assert_str_eq(v.package, "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1");
	qmp_msg_free(&m);
	fixparse_qmp_msg("qemu10/qmp/query-version.json", &m);
	ck_assert_int_eq(qmp_parse_version(m.ret, &v, &e), 0);
	ck_assert_int_eq(v.major, 10);
	ck_assert_int_eq(v.micro, 2);
	qmp_msg_free(&m);
}
END_TEST

/* The same machine state gives the same bus on 10.0 as on 7.2, over HMP
 * (whose unassigned BARs now read "(not mapped)") and over QMP, and HMP
 * and QMP agree on 10.0. */
START_TEST(buses_equal_7_2)
{
	static const char *const hmp[] = { "hmp/info-pci-default",
		"hmp/info-pci-after-add", "hmp/info-pci-nodefaults",
		"hmp/info-pci-q35", "hmp/info-pci-e1000",
		"guest/pc-info-pci-booted", "guest/pc-info-pci-after-add",
		"guest/pc-info-pci-after-del" };
	static const char *const qmp[][2] = {
		{ "qmp/query-pci-default.json", "hmp/info-pci-default.raw" },
		{ "qmp/query-pci-after-add.json", "hmp/info-pci-after-add.raw" },
		{ "qmp/query-pci-nodefaults.json", "hmp/info-pci-nodefaults.raw" },
		{ "qmp/query-pci-q35.json", "hmp/info-pci-q35.raw" },
		{ "qmp/query-pci-e1000.json", "hmp/info-pci-e1000.raw" },
	};
	struct pci_info a, b, c;
	char rel[128];
	size_t i;

	for (i = 0; i < sizeof hmp / sizeof hmp[0]; i++) {
		snprintf(rel, sizeof rel, "%s.raw", hmp[i]);
		fixparse_hmp_pci(rel, &a);
		snprintf(rel, sizeof rel, "qemu10/%s.raw", hmp[i]);
		fixparse_hmp_pci(rel, &b);
		ck_assert_uint_gt(b.n, 0);
		fixparse_same_bus(&a, &b, rel);
		pci_info_free(&a);
		pci_info_free(&b);
	}
	for (i = 0; i < sizeof qmp / sizeof qmp[0]; i++) {
		fixparse_qmp_pci(qmp[i][0], &a);
		snprintf(rel, sizeof rel, "qemu10/%s", qmp[i][0]);
		fixparse_qmp_pci(rel, &b);
		fixparse_same_bus(&a, &b, rel);
		snprintf(rel, sizeof rel, "qemu10/%s", qmp[i][1]);
		fixparse_hmp_pci(rel, &c);
		fixparse_same_bus(&b, &c, rel);
		pci_info_free(&a);
		pci_info_free(&b);
		pci_info_free(&c);
	}
}
END_TEST

/* Error texts: the kinds of tests/fixtures/{hmp,qmp}'s 7.2 texts. */
static const struct {
	const char *file;
	enum monerr_kind kind;
} errs[] = {
	{ "hmp/err-addr-garbage.raw", MONERR_OTHER },
	{ "hmp/err-bad-id-space.raw", MONERR_OTHER },
	{ "hmp/err-device-add-no-args.raw", MONERR_OTHER },
	{ "hmp/err-device-del-unknown.raw", MONERR_NOT_FOUND },
	{ "hmp/err-drive-in-use.raw", MONERR_OTHER },
	{ "hmp/err-duplicate-id.raw", MONERR_DUPLICATE_ID },
	{ "hmp/err-missing-drive.raw", MONERR_OTHER },
	{ "hmp/err-netdev-add-duplicate.raw", MONERR_OTHER },
	{ "hmp/err-occupied-slot.raw", MONERR_SLOT_OCCUPIED },
	{ "hmp/err-slot-vga.raw", MONERR_SLOT_OCCUPIED },
	{ "hmp/err-slot1-fn0.raw", MONERR_SLOT_OCCUPIED },
	{ "hmp/err-unknown-command.raw", MONERR_UNKNOWN_COMMAND },
	{ "hmp/err-unknown-drive.raw", MONERR_OTHER },
	{ "hmp/err-unknown-driver.raw", MONERR_OTHER },
	{ "hmp/err-unknown-netdev.raw", MONERR_OTHER },
	{ "hmp/err-bus-full.raw", MONERR_BUS_FULL },
	{ "hmp/err-unplug-pending.raw", MONERR_UNPLUG_PENDING },
	{ "hmp/err-no-hotplug-q35.raw", MONERR_NO_HOTPLUG },
	{ "qmp/err-before-capabilities.json", MONERR_PROTOCOL },
	{ "qmp/err-occupied-slot.json", MONERR_SLOT_OCCUPIED },
	{ "qmp/err-duplicate-id.json", MONERR_DUPLICATE_ID },
	{ "qmp/err-unknown-driver.json", MONERR_OTHER },
	{ "qmp/err-slot-vga.json", MONERR_SLOT_OCCUPIED },
	{ "qmp/err-slot1-fn0.json", MONERR_SLOT_OCCUPIED },
	{ "qmp/err-missing-driver.json", MONERR_OTHER },
	{ "qmp/err-unknown-drive.json", MONERR_OTHER },
	{ "qmp/err-unknown-netdev.json", MONERR_OTHER },
	{ "qmp/err-unknown-command.json", MONERR_UNKNOWN_COMMAND },
	{ "qmp/err-device-del-unknown.json", MONERR_NOT_FOUND },
	{ "qmp/err-missing-execute.json", MONERR_OTHER },
	{ "qmp/err-bus-full.json", MONERR_BUS_FULL },
	{ "qmp/err-unplug-pending.json", MONERR_UNPLUG_PENDING },
	{ "qmp/err-no-hotplug-q35.json", MONERR_NO_HOTPLUG },
};

static enum monerr_kind
kind_of(const char *rel, int ten)
{
	char path[128];
	enum monerr_kind k;

	snprintf(path, sizeof path, "%s%s", ten ? "qemu10/" : "", rel);
	if (strncmp(rel, "hmp/", 4) == 0) {
		size_t n;
		char *t = fixparse_hmp_clean(path, &n);

		k = hmp_error_kind(t, n);
		free(t);
	} else {
		struct qmp_msg m;

		fixparse_qmp_msg(path, &m);
		ck_assert_msg(m.kind == QMP_MSG_ERROR, "%s", path);
		k = m.err_kind;
		qmp_msg_free(&m);
	}
	return k;
}

START_TEST(errors_have_the_kinds_of_7_2)
{
	size_t i;

	for (i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		ck_assert_msg(kind_of(errs[i].file, 0) == errs[i].kind,
		    "7.2 %s: %s", errs[i].file,
		    monerr_name(kind_of(errs[i].file, 0)));
		ck_assert_msg(kind_of(errs[i].file, 1) == errs[i].kind,
		    "10.0 %s: %s", errs[i].file,
		    monerr_name(kind_of(errs[i].file, 1)));
	}
}
END_TEST

/* Where 10.0 answers what 7.2 did not. */
START_TEST(what_10_0_answers_differently)
{
	struct qmp_msg m;

	/* device_add's arguments are typed since 9.2 */
	fixparse_qmp_msg("qemu10/qmp/err-bool-as-string.json", &m);
	ck_assert_int_eq(m.kind, QMP_MSG_ERROR);
	ck_assert_str_eq(m.err_desc, "Invalid parameter type for 'mq', "
	    "expected: boolean");
	ck_assert_int_eq(m.err_kind, MONERR_OTHER);
	qmp_msg_free(&m);
	fixparse_qmp_msg("qemu10/qmp/err-int-as-string.json", &m);
	ck_assert_str_eq(m.err_desc, "Parameter 'vectors' expects uint64");
	qmp_msg_free(&m);
	fixparse_qmp_msg("qemu10/qmp/device-add-typed-ok.json", &m);
	ck_assert_int_eq(m.kind, QMP_MSG_RETURN);
	qmp_msg_free(&m);
	/* a JSON integer addr is a devfn (slot 2 function 3), not hex text */
	fixparse_qmp_msg("qemu10/qmp/err-addr-int-is-devfn.json", &m);
	ck_assert_int_eq(m.kind, QMP_MSG_ERROR);
	ck_assert_ptr_nonnull(strstr(m.err_desc, "slot 2 function 0 already "
	    "occupied by VGA"));
	qmp_msg_free(&m);
	/* with slot 31 taken by address, QEMU places nothing itself */
	fixparse_qmp_msg("qemu10/qmp/err-auto-addr-after-slot31.json", &m);
	ck_assert_str_eq(m.err_desc, "PCI: slot 31 function 0 already "
	    "occupied by virtio-net-pci, new func virtio-net-pci cannot be "
	    "exposed to guest.");
	ck_assert_int_eq(m.err_kind, MONERR_OTHER);
	qmp_msg_free(&m);
	{
		size_t n;
		char *t = fixparse_hmp_clean("qemu10/hmp/err-auto-addr-after-slot31.raw", &n);

		ck_assert_int_eq(hmp_error_kind(t, n), MONERR_OTHER);
		ck_assert_int_eq(strncmp(t, "Error: PCI: slot 31 function 0 "
		    "already occupied", 40), 0);
		free(t);
	}
	/* QMP's device_add no longer checks the id: "a b" was created */
	fixparse_qmp_msg("qemu10/qmp/device-add-bad-id.json", &m);
	ck_assert_int_eq(m.kind, QMP_MSG_RETURN);
	qmp_msg_free(&m);
	fixparse_qmp_msg("qmp/err-bad-id.json", &m);
	ck_assert_int_eq(m.err_kind, MONERR_INVALID_ID);
	qmp_msg_free(&m);
}
END_TEST

/* The guest session: DEVICE_DELETED comes as in 7.2, the backend's event
 * first, then the one naming the device. */
START_TEST(device_deleted_as_in_7_2)
{
	size_t n, len;
	char *log = tu_fixture("qemu10/guest/pc-guest-session.log", &n);
	const char *p = log, *end = log + n;
	int backend_first = 0, gone = 0, events = 0;

	while (p < end && (len = qmp_line_len(p, (size_t)(end - p))) > 0) {
		struct qmp_msg m;
		struct err e;

		if (len > 3 && memcmp(p, "<- ", 3) == 0) {
			ck_assert_int_eq(qmp_msg_parse(p + 3, len - 3, &m, &e),
			    0);
			if (m.kind == QMP_MSG_EVENT) {
				ck_assert_str_eq(m.event, "DEVICE_DELETED");
				if (qmp_is_device_deleted(m.root,
				    "nic-6f1a2b3c-pci-5")) {
					gone++;
					ck_assert_int_eq(events, 1);
				} else if (events == 0)
					backend_first = 1;
				events++;
			}
			qmp_msg_free(&m);
		}
		p += len;
	}
	ck_assert_int_eq(backend_first, 1);
	ck_assert_int_eq(gone, 1);
	ck_assert_int_eq(events, 6);	/* three devices, two events each */
	free(log);
}
END_TEST

Suite *
qemu10_suite(void)
{
	Suite *s = suite_create("qemu10");
	TCase *t = tcase_create("fixtures");

	tcase_add_test(t, every_raw_frames_and_cleans_to_txt);
	tcase_add_test(t, banner_and_versions);
	tcase_add_test(t, buses_equal_7_2);
	tcase_add_test(t, errors_have_the_kinds_of_7_2);
	tcase_add_test(t, what_10_0_answers_differently);
	tcase_add_test(t, device_deleted_as_in_7_2);
	suite_add_tcase(s, t);
	return s;
}
