/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_hmp.c - HMP framing, echo stripping, error texts and the info pci /
 * info version parsers, against every real QEMU transcript in
 * tests/fixtures/hmp. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/hmp.h"
#include "fixparse.h"
#include "testutil.h"

/* Every .raw reply (not the banner): complete only at its very end, even
 * fed byte by byte, and cleans to exactly its .txt. */
START_TEST(every_raw_frames_and_cleans_to_txt)
{
	DIR *d = opendir(tu_srcpath("tests/fixtures/hmp"));
	struct dirent *de;
	int count = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		char rel[300], txtrel[300];
		size_t rl, tl, cl, i;
		char *raw, *txt, *clean;
		size_t nl = strlen(de->d_name);

		if (nl < 5 || strcmp(de->d_name + nl - 4, ".raw") != 0 ||
		    strcmp(de->d_name, "banner.raw") == 0)
			continue;
		snprintf(rel, sizeof rel, "hmp/%s", de->d_name);
		snprintf(txtrel, sizeof txtrel, "hmp/%.*s.txt", (int)nl - 4,
		    de->d_name);
		raw = tu_fixture(rel, &rl);
		txt = tu_fixture(txtrel, &tl);
		for (i = 0; i < rl; i++)
			ck_assert_msg(!hmp_reply_complete(raw, i),
			    "%s complete after %zu of %zu bytes", rel, i, rl);
		ck_assert_msg(hmp_reply_complete(raw, rl), "%s", rel);
		clean = malloc(rl + 1);
		cl = hmp_reply_clean(raw, rl, clean);
		ck_assert_msg(cl == tl && memcmp(clean, txt, tl) == 0,
		    "%s does not clean to its .txt", rel);
		free(raw);
		free(txt);
		free(clean);
		count++;
	}
	closedir(d);
	ck_assert_int_ge(count, 39);
}
END_TEST

/* A reply whose echo came character by character (readline redrawing
 * with ESC sequences, no CRLF until the end of the echo): the echo goes
 * whole, and what is left is the reply with no ESC and no CR in it. */
START_TEST(charwise_echo_is_the_same)
{
	size_t a, n;
	char *x = tu_fixture("hmp/info-pci-default-charwise.raw", &a);
	char *t = fixparse_hmp_clean("hmp/info-pci-default-charwise.raw", &n);
	const char *crlf = strstr(x, "\r\n");
	struct pci_info pi;

	/* the echo holds ESC sequences and no CRLF; the reply starts after */
	ck_assert_ptr_nonnull(crlf);
	ck_assert_ptr_nonnull(memchr(x, '\x1b', (size_t)(crlf - x)));
	ck_assert_ptr_null(memchr(t, '\x1b', n));
	ck_assert_ptr_null(memchr(t, '\r', n));
	ck_assert_msg(strncmp(t, "  Bus  0, device   0, function 0:", 33) == 0,
	    "the echo was not removed: %.60s", t);
	fixparse_hmp_pci("hmp/info-pci-default-charwise.raw", &pi);
	ck_assert_uint_eq(pi.n, 6);
	pci_info_free(&pi);
	free(x);
	free(t);
}
END_TEST

/* ESC [ ... sequences after the echo (a terminal-minded monitor may send
 * them inside a reply) are removed too, whole: parameter bytes and the
 * final byte; a lone ESC goes alone. */
START_TEST(escapes_after_the_echo_are_removed)
{
	static const struct {
		const char *raw, *clean;
	} t[] = {
		{ "info x\r\n\x1b[Kfoo\r\n(qemu) ", "foo\n" },
		{ "info x\r\nBus \x1b[1;31m0\x1b[0m, device\r\n(qemu) ",
		    "Bus 0, device\n" },
		{ "info x\r\n\x1b[?25hok\x1b[2J\r\nnext\x1b[K\r\n(qemu) ",
		    "ok\nnext\n" },
		{ "info x\r\na\x1b" "b\r\n(qemu) ", "ab\n" },
		{ "drive_add dummy \x1b[K\r\nDuplicate ID 'drive-1' for "
		    "drive\x1b[K\r\n(qemu) ", "Duplicate ID 'drive-1' for "
		    "drive\n" },
	};
	char out[256];
	size_t i, n;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		n = hmp_reply_clean(t[i].raw, strlen(t[i].raw), out);
		ck_assert_msg(n == strlen(t[i].clean) &&
		    strcmp(out, t[i].clean) == 0, "case %zu: cleaned to "
		    "'%s'", i, out);
	}
}
END_TEST

START_TEST(echo_of_the_long_device_add)
{
	size_t rl, cl;
	char *raw = tu_fixture("hmp/device-add-nic-slot5.raw", &rl);
	char *clean = malloc(rl + 1);

	ck_assert_uint_gt(rl, 20000);	/* 2·L² bytes of readline redraws */
	cl = hmp_reply_clean(raw, rl, clean);
	ck_assert_uint_eq(cl, 0);	/* success prints nothing */
	ck_assert_int_eq(hmp_error_kind(clean, cl), MONERR_NONE);
	free(raw);
	free(clean);
}
END_TEST

START_TEST(prompt_inside_a_line_is_not_the_end)
{
	const char *a = "info x\r\nfoo (qemu) ";
	const char *b = "info x\r\nfoo\r\n(qemu) ";
	const char *c = "info x(qemu) ";	/* still in the echo */
	const char *d = "\r\n(qemu) ";		/* empty line */

	ck_assert_int_eq(hmp_reply_complete(a, strlen(a)), 0);
	ck_assert_int_eq(hmp_reply_complete(b, strlen(b)), 1);
	ck_assert_int_eq(hmp_reply_complete(c, strlen(c)), 0);
	ck_assert_int_eq(hmp_reply_complete(d, strlen(d)), 1);
}
END_TEST

START_TEST(banner)
{
	size_t n, i;
	char *b = tu_fixture("hmp/banner.raw", &n);
	struct err e;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(hmp_banner_check(b, i, &e), 0);
	ck_assert_int_eq(hmp_banner_check(b, n, &e), 1);
	ck_assert_int_eq(hmp_banner_check("{\"QMP\"", 6, &e), -1);
	ck_assert_int_eq(hmp_banner_check("HTTP/1.1 200", 12, &e), -1);
	ck_assert_int_eq(hmp_banner_check("QEMU x\r\nfoo", 11, &e), -1);
	free(b);
}
END_TEST

START_TEST(info_pci_default)
{
	struct pci_info pi;
	const struct pci_fn *f[8];

	fixparse_hmp_pci("hmp/info-pci-default.raw", &pi);
	ck_assert_uint_eq(pi.n, 6);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0xf);
	ck_assert_uint_eq(pci_info_slot(&pi, 1, f, 8), 3);
	ck_assert_int_eq(f[0]->func, 0);
	ck_assert_str_eq(f[0]->class_text, "ISA bridge");
	ck_assert_uint_eq(f[0]->vendor, 0x8086);
	ck_assert_uint_eq(f[0]->device, 0x7000);
	ck_assert_int_eq(f[1]->func, 1);
	ck_assert_uint_eq(f[1]->device, 0x7010);
	ck_assert_int_eq(f[2]->func, 3);
	ck_assert_str_eq(f[2]->class_text, "Bridge");
	ck_assert_uint_eq(pci_info_slot(&pi, 3, f, 8), 1);
	ck_assert_str_eq(f[0]->class_text, "Ethernet controller");
	ck_assert_uint_eq(f[0]->device, 0x100e);
	ck_assert_str_eq(f[0]->id, "");
	ck_assert_uint_eq(pci_info_slot(&pi, 2, f, 8), 1);
	ck_assert_str_eq(f[0]->class_text, "VGA controller");
	ck_assert_uint_eq(f[0]->vendor, 0x1234);
	pci_info_free(&pi);
}
END_TEST

START_TEST(info_pci_nodefaults_and_bios)
{
	struct pci_info pi;
	const struct pci_fn *f[8];

	fixparse_hmp_pci("hmp/info-pci-nodefaults.raw", &pi);
	ck_assert_uint_eq(pi.n, 4);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x3);
	pci_info_free(&pi);
	/* real BAR addresses and IRQs change nothing */
	fixparse_hmp_pci("hmp/info-pci-running-bios.raw", &pi);
	ck_assert_uint_eq(pi.n, 6);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0xf);
	ck_assert_uint_eq(pci_info_slot(&pi, 3, f, 8), 1);
	ck_assert_uint_eq(f[0]->vendor, 0x8086);
	pci_info_free(&pi);
	fixparse_hmp_pci("guest/pc-info-pci-booted.raw", &pi);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0xf);
	pci_info_free(&pi);
}
END_TEST

START_TEST(info_pci_after_add_and_del)
{
	struct pci_info pi;
	const struct pci_fn *f;

	fixparse_hmp_pci("hmp/info-pci-after-add.raw", &pi);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x6f);
	f = pci_info_find_id(&pi, "nic-6f1a2b3c-pci-5");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->slot, 5);
	ck_assert_uint_eq(f->vendor, 0x1af4);
	ck_assert_uint_eq(f->device, 0x1000);
	f = pci_info_find_id(&pi, "disk-0d4e5f60-pci-6");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->slot, 6);
	ck_assert_str_eq(f->class_text, "SCSI controller");
	pci_info_free(&pi);
	/* without a guest, device_del leaves the device listed; slot 31 was
	 * added in between */
	fixparse_hmp_pci("hmp/info-pci-after-del.raw", &pi);
	ck_assert_ptr_nonnull(pci_info_find_id(&pi, "nic-6f1a2b3c-pci-5"));
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x8000006f);
	f = pci_info_find_id(&pi, "nic-cccccccc-pci-31");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->slot, 31);
	pci_info_free(&pi);
	fixparse_hmp_pci("guest/pc-info-pci-after-add.raw", &pi);
	ck_assert_ptr_nonnull(pci_info_find_id(&pi, "nic-6f1a2b3c-pci-5"));
	pci_info_free(&pi);
	fixparse_hmp_pci("guest/pc-info-pci-after-del.raw", &pi);
	ck_assert_ptr_null(pci_info_find_id(&pi, "nic-6f1a2b3c-pci-5"));
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0xf);
	pci_info_free(&pi);
}
END_TEST

START_TEST(info_pci_full_bus)
{
	struct pci_info pi;
	const struct pci_fn *f;
	int s;

	fixparse_hmp_pci("hmp/info-pci-full.raw", &pi);
	ck_assert_uint_eq(pi.n, 34);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0xffffffffu);
	for (s = 0; s < 32; s++)
		ck_assert_uint_ge(pci_info_slot(&pi, s, NULL, 0), 1);
	f = pci_info_find_id(&pi, "fill0");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->slot, 4);
	pci_info_free(&pi);
}
END_TEST

START_TEST(info_pci_addr_spellings)
{
	struct pci_info pi;
	const struct pci_fn *f;

	fixparse_hmp_pci("hmp/info-pci-addr-spellings.raw", &pi);
	/* addr=10 is slot 16, 0x0a slot 10, 7.0 slot 7, 1f slot 31,
	 * 0x8.1 slot 8 function 1, no id at 4 */
	ck_assert_int_eq((f = pci_info_find_id(&pi, "nic-a-10")) != NULL, 1);
	ck_assert_int_eq(f->slot, 16);
	ck_assert_int_eq(pci_info_find_id(&pi, "nic-a-0a")->slot, 10);
	ck_assert_int_eq(pci_info_find_id(&pi, "nic-a-7")->slot, 7);
	ck_assert_int_eq(pci_info_find_id(&pi, "nic-a-1f")->slot, 31);
	f = pci_info_find_id(&pi, "nic-a-8-1");
	ck_assert_int_eq(f->slot, 8);
	ck_assert_int_eq(f->func, 1);
	ck_assert_uint_eq(pci_info_slot(&pi, 4, &f, 1), 1);
	ck_assert_str_eq(f->id, "");
	pci_info_free(&pi);
}
END_TEST

START_TEST(info_pci_bridge_keeps_bus0_right)
{
	struct pci_info pi;
	const struct pci_fn *f[4];
	size_t i;
	int behind = 0;

	fixparse_hmp_pci("hmp/info-pci-bridge.raw", &pi);
	/* bridge br1 at 0:4, a NIC at 1:3: bus 0 slot 3 is the e1000 only */
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), 0x1f);
	ck_assert_uint_eq(pci_info_slot(&pi, 3, f, 4), 1);
	ck_assert_uint_eq(f[0]->device, 0x100e);
	ck_assert_ptr_null(pci_info_find_id(&pi, "behind-3"));
	ck_assert_str_eq(pci_info_find_id(&pi, "br1")->class_text,
	    "PCI bridge");
	for (i = 0; i < pi.n; i++)
		if (strcmp(pi.fn[i].id, "behind-3") == 0) {
			ck_assert_int_eq(pi.fn[i].bus, 1);
			ck_assert_int_eq(pi.fn[i].slot, 3);
			behind++;
		}
	ck_assert_int_eq(behind, 1);
	pci_info_free(&pi);
}
END_TEST

/* The seed's regex matched inside id strings; a line-based parser must
 * not, nor take a bridge's "BUS 0." line for a header. */
START_TEST(info_pci_never_matches_inside_ids)
{
	const char *t =
	    "  Bus  0, device   0, function 0:\n"
	    "    Host bridge: PCI device 8086:1237\n"
	    "      id \"Bus.device.7\"\n"
	    "  Bus  0, device   9, function 0:\n"
	    "    Class 0c03: PCI device 1b36:000d\n"
	    "      BUS 0.\n"
	    "      id \"x-Bus-0-device-12\"\n";
	struct pci_info pi;
	struct err e;

	pci_info_init(&pi);
	ck_assert_int_eq(hmp_parse_info_pci(t, strlen(t), &pi, &e), 0);
	ck_assert_uint_eq(pi.n, 2);
	ck_assert_uint_eq(pci_info_bus0_mask(&pi), (1u << 0) | (1u << 9));
	ck_assert_str_eq(pi.fn[0].id, "Bus.device.7");
	ck_assert_str_eq(pi.fn[1].class_text, "Class 0c03");
	ck_assert_uint_eq(pi.fn[1].device, 0x000d);
	pci_info_free(&pi);
}
END_TEST

START_TEST(info_pci_refuses_garbage)
{
	struct pci_info pi;
	struct err e;
	const char *bad[] = {
		"unknown command: 'info'\n",
		"Error: something\n",
		"hello\n",
		"  Bus  0, device  32, function 0:\n",
		"  Bus  0, device   1, function 8:\n",
		"  Bus 256, device   1, function 0:\n",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pci_info_init(&pi);
		ck_assert_msg(hmp_parse_info_pci(bad[i], strlen(bad[i]), &pi,
		    &e) == -1, "accepted %s", bad[i]);
		ck_assert_uint_gt(strlen(e.msg), 0);
		pci_info_free(&pi);
	}
	/* empty listing and bounded reads: a header cut short */
	pci_info_init(&pi);
	ck_assert_int_eq(hmp_parse_info_pci("", 0, &pi, &e), 0);
	ck_assert_uint_eq(pi.n, 0);
	ck_assert_int_eq(hmp_parse_info_pci("  Bus  0, device   5, function 0:"
	    "XXXX", 33, &pi, &e), 0);
	ck_assert_uint_eq(pi.n, 1);
	ck_assert_int_eq(pi.fn[0].slot, 5);
	pci_info_free(&pi);
}
END_TEST

START_TEST(info_version)
{
	size_t n;
	char *t = fixparse_hmp_clean("hmp/info-version.raw", &n);
	struct qemu_version v;
	struct err e;

	ck_assert_int_eq(hmp_parse_info_version(t, n, &v, &e), 0);
	ck_assert_int_eq(v.major, 7);
	ck_assert_int_eq(v.minor, 2);
	ck_assert_int_eq(v.micro, 22);
	ck_assert_str_eq(v.package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
	free(t);
	ck_assert_int_eq(hmp_parse_info_version("8.0.0 (v8.0.0)\n", 15, &v,
	    &e), 0);
	ck_assert_int_eq(v.major, 8);
	ck_assert_str_eq(v.package, "v8.0.0");
	ck_assert_int_eq(hmp_parse_info_version("unknown command: 'x'\n",
	    21, &v, &e), -1);
	ck_assert_int_eq(hmp_parse_info_version("7.2\n", 4, &v, &e), -1);
}
END_TEST

static const struct {
	const char *file;
	enum monerr_kind kind;
} errs[] = {
	{ "err-addr-garbage", MONERR_OTHER },
	{ "err-bad-id-space", MONERR_OTHER },
	{ "err-device-add-no-args", MONERR_OTHER },
	{ "err-device-del-unknown", MONERR_NOT_FOUND },
	{ "err-drive-in-use", MONERR_OTHER },
	{ "err-duplicate-id", MONERR_DUPLICATE_ID },
	{ "err-missing-drive", MONERR_OTHER },
	{ "err-netdev-add-duplicate", MONERR_OTHER },
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

START_TEST(every_error_text_has_its_kind)
{
	size_t i, n;
	char rel[128];

	for (i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		char *t;

		snprintf(rel, sizeof rel, "hmp/%s.raw", errs[i].file);
		t = fixparse_hmp_clean(rel, &n);
		ck_assert_msg(hmp_error_kind(t, n) == errs[i].kind,
		    "%s: got %s", rel, monerr_name(hmp_error_kind(t, n)));
		free(t);
	}
}
END_TEST

START_TEST(success_texts_are_not_errors)
{
	const char *ok[] = { "device-add-nic-slot5", "device-add-disk-slot6",
		"device-add-slot31", "device-del-nic", "device-del-disk",
		"drive-add", "netdev-add", "empty-line", "info-pci-full",
		"info-version", "info-network", "info-block",
		"qom-list-peripheral" };
	size_t i, n;
	char rel[128];

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char *t;

		snprintf(rel, sizeof rel, "hmp/%s.raw", ok[i]);
		t = fixparse_hmp_clean(rel, &n);
		ck_assert_msg(hmp_error_kind(t, n) == MONERR_NONE, "%s", rel);
		free(t);
	}
}
END_TEST

Suite *
hmp_suite(void)
{
	Suite *s = suite_create("hmp");
	TCase *t = tcase_create("hmp");

	tcase_add_test(t, every_raw_frames_and_cleans_to_txt);
	tcase_add_test(t, charwise_echo_is_the_same);
	tcase_add_test(t, escapes_after_the_echo_are_removed);
	tcase_add_test(t, echo_of_the_long_device_add);
	tcase_add_test(t, prompt_inside_a_line_is_not_the_end);
	tcase_add_test(t, banner);
	tcase_add_test(t, info_pci_default);
	tcase_add_test(t, info_pci_nodefaults_and_bios);
	tcase_add_test(t, info_pci_after_add_and_del);
	tcase_add_test(t, info_pci_full_bus);
	tcase_add_test(t, info_pci_addr_spellings);
	tcase_add_test(t, info_pci_bridge_keeps_bus0_right);
	tcase_add_test(t, info_pci_never_matches_inside_ids);
	tcase_add_test(t, info_pci_refuses_garbage);
	tcase_add_test(t, info_version);
	tcase_add_test(t, every_error_text_has_its_kind);
	tcase_add_test(t, success_texts_are_not_errors);
	suite_add_tcase(s, t);
	return s;
}
