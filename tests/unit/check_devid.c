/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_devid.c - device ids, uuids and QEMU's id rule. */
#include <check.h>
#include <string.h>

#include "model/devid.h"

#define UUID "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"

START_TEST(format_like_the_seed)
{
	char id[DEVID_MAX + 1];
	struct err e;

	ck_assert_int_eq(devid_format("nic", UUID, 5, id, sizeof id, &e), 0);
	ck_assert_str_eq(id, "nic-6f1a2b3c-pci-5");
	ck_assert_int_eq(devid_format("DISK", UUID, 0, id, sizeof id, &e), 0);
	ck_assert_str_eq(id, "disk-6f1a2b3c-pci-0");
	ck_assert_int_eq(devid_format("Nic", UUID, 31, id, sizeof id, &e), 0);
	ck_assert_str_eq(id, "nic-6f1a2b3c-pci-31");
	ck_assert_int_eq(devid_format("scsicontroller", UUID, 31, id,
	    sizeof id, &e), 0);
	ck_assert_str_eq(id, "scsicontroller-6f1a2b3c-pci-31");
	ck_assert_uint_eq(strlen(id), DEVID_MAX);
	ck_assert_int_eq(devid_check_qemu_id(id, strlen(id), &e), 0);
}
END_TEST

START_TEST(format_refuses_no_slot)
{
	char id[DEVID_MAX + 1] = "untouched";
	struct err e;

	ck_assert_int_eq(devid_format("nic", UUID, DEVID_NO_SLOT, id,
	    sizeof id, &e), -1);
	ck_assert_str_eq(e.msg, "Hotplug is not supported for nic with UUID "
	    UUID ": it has no PCI slot");
	ck_assert_str_eq(id, "untouched");
}
END_TEST

START_TEST(format_refuses_bad_input)
{
	char id[DEVID_MAX + 1], small[8];
	struct err e;

	ck_assert_int_eq(devid_format("nic", UUID, 32, id, sizeof id, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "out of range"));
	ck_assert_int_eq(devid_format("nic", UUID, -2, id, sizeof id, &e), -1);
	ck_assert_int_eq(devid_format("nic2", UUID, 5, id, sizeof id, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "letters only"));
	ck_assert_int_eq(devid_format("", UUID, 5, id, sizeof id, &e), -1);
	ck_assert_int_eq(devid_format("scsicontrollerx", UUID, 5, id,
	    sizeof id, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "too long"));
	ck_assert_int_eq(devid_format("nic", "6f1a2b3c", 5, id, sizeof id,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "is not a UUID"));
	ck_assert_int_eq(devid_format("nic", UUID, 5, small, sizeof small,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no room"));
}
END_TEST

START_TEST(uuid_rules)
{
	static const char *good[] = {
		UUID,
		"00000000-0000-0000-0000-000000000000",
		"ABCDEF01-2345-6789-abcd-ef0123456789",
	};
	static const char *bad[] = {
		"",
		"6f1a2b3c",
		"6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4",
		"6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4bb",
		"6f1a2b3c4d5e-4f60-8a7b-9c0d1e2f3a4b-",
		"6f1a2b3g-4d5e-4f60-8a7b-9c0d1e2f3a4b",
		"6f1a2b3c-4d5e-4f60-8a7b 9c0d1e2f3a4b",
		"{6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a}",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(devid_valid_uuid(good[i], strlen(good[i])),
		    "%s", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!devid_valid_uuid(bad[i], strlen(bad[i])),
		    "%s", bad[i]);
	/* len is the bound, not a NUL */
	ck_assert(!devid_valid_uuid(UUID, 35));
}
END_TEST

START_TEST(qemu_id_rules)
{
	static const char *good[] = { "a", "nic-6f1a2b3c-pci-5", "A.b_c-9",
	    "x1" };
	static const char *bad[] = { "", "1abc", "-abc", "_a", "a b",
	    "a,b", "a=b", "a\nb", "é", "a/b", "a\"b", ".a" };
	char longid[QEMU_ID_MAX + 2];
	struct err e;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(devid_check_qemu_id(good[i], strlen(good[i]),
		    &e) == 0, "%s", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.msg[0] = '\0';
		ck_assert_msg(devid_check_qemu_id(bad[i], strlen(bad[i]),
		    &e) == -1, "%s", bad[i]);
		ck_assert(e.msg[0] != '\0');
		ck_assert(strchr(e.msg, '\n') == NULL);
	}
	ck_assert_int_eq(devid_check_qemu_id("a\0b", 3, &e), -1);
	memset(longid, 'a', sizeof longid);
	ck_assert_int_eq(devid_check_qemu_id(longid, QEMU_ID_MAX, &e), 0);
	ck_assert_int_eq(devid_check_qemu_id(longid, QEMU_ID_MAX + 1, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "too long"));
}
END_TEST

START_TEST(parse_round_trip)
{
	char id[DEVID_MAX + 1];
	struct devid d;
	struct err e;
	int slot;

	for (slot = 0; slot < 32; slot++) {
		ck_assert_int_eq(devid_format("disk", UUID, slot, id,
		    sizeof id, &e), 0);
		ck_assert_int_eq(devid_parse(id, strlen(id), &d, &e), 0);
		ck_assert_str_eq(d.type, "disk");
		ck_assert_str_eq(d.uuid8, "6f1a2b3c");
		ck_assert_int_eq(d.slot, slot);
	}
	ck_assert_int_eq(devid_parse("nic-ABCDEF01-pci-0", 18, &d, &e), 0);
	ck_assert_str_eq(d.uuid8, "ABCDEF01");
	ck_assert_int_eq(d.slot, 0);
}
END_TEST

START_TEST(parse_rejects_malformed)
{
	static const char *bad[] = {
		"", "nic", "nic-", "nic-6f1a2b3c", "nic-6f1a2b3c-pci-",
		"nic-6f1a2b3c-pci-32", "nic-6f1a2b3c-pci-05",
		"nic-6f1a2b3c-pci--1", "nic-6f1a2b3c-pci-5x",
		"nic-6f1a2b3-pci-5", "nic-6f1a2b3cd-pci-5",
		"nic-6f1a2b3g-pci-5", "nic-6f1a2b3c-PCI-5",
		"nic_6f1a2b3c-pci-5", "Nic-6f1a2b3c-pci-5",
		"n1c-6f1a2b3c-pci-5", "-6f1a2b3c-pci-5",
		"nic-6f1a2b3c-pci-5 ", " nic-6f1a2b3c-pci-5",
		"nic-6f1a2b3c-pci-100", "nic-6f1a2b3c_pci-5",
		"scsicontrollerxx-6f1a2b3c-pci-5",
		"fill0", "nic-6f1a2b3c-pci-5\n",
	};
	struct devid d = { "keep", "keep", 9, "" };
	struct err e;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.msg[0] = '\0';
		ck_assert_msg(devid_parse(bad[i], strlen(bad[i]), &d, &e) == -1,
		    "accepted '%s'", bad[i]);
		ck_assert(strstr(e.msg, "is not a slotscope device id") != NULL);
		ck_assert(strchr(e.msg, '\n') == NULL);
	}
	/* len bounds the read: a valid id cut short is refused */
	ck_assert_int_eq(devid_parse("nic-6f1a2b3c-pci-5", 17, &d, &e), -1);
	ck_assert_int_eq(devid_parse("nic-6f1a2b3c-pci-31", 18, &d, &e), 0);
	ck_assert_int_eq(d.slot, 3);
}
END_TEST

START_TEST(check_type)
{
	struct err e;

	ck_assert_int_eq(devid_check_type("nic", 3, &e), 0);
	ck_assert_int_eq(devid_check_type("Disk", 4, &e), 0);
	ck_assert_int_eq(devid_check_type("n-c", 3, &e), -1);
	ck_assert_int_eq(devid_check_type("", 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "missing device type"));
}
END_TEST

Suite *
devid_suite(void)
{
	Suite *s = suite_create("devid");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, format_like_the_seed);
	tcase_add_test(tc, format_refuses_no_slot);
	tcase_add_test(tc, format_refuses_bad_input);
	tcase_add_test(tc, uuid_rules);
	tcase_add_test(tc, qemu_id_rules);
	tcase_add_test(tc, parse_round_trip);
	tcase_add_test(tc, parse_rejects_malformed);
	tcase_add_test(tc, check_type);
	suite_add_tcase(s, tc);
	return s;
}
