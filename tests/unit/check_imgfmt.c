/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_imgfmt.c - a disk image's format from its header (model/imgfmt)
 * and the disk option tables (model/blkopt).  The qcow2 header is the one
 * qemu-img 7.2 writes (tests/fixtures/img); the others are built from the
 * magic numbers QEMU's probes look for. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/blkopt.h"
#include "model/imgfmt.h"
#include "testutil.h"

static const char *
probe(const char *magic, size_t n, size_t off)
{
	static unsigned char buf[IMGFMT_HEADER];

	memset(buf, 0, sizeof buf);
	memcpy(buf + off, magic, n);
	return imgfmt_probe(buf, sizeof buf);
}

START_TEST(magic_numbers)
{
	ck_assert_str_eq(probe("QFI\xfb\0\0\0\3", 8, 0), "qcow2");
	ck_assert_str_eq(probe("QFI\xfb\0\0\0\2", 8, 0), "qcow2");
	ck_assert_str_eq(probe("QFI\xfb\0\0\0\1", 8, 0), "qcow");
	ck_assert_str_eq(probe("QFI\xfb\0\0\0\7", 8, 0), "raw");
	ck_assert_str_eq(probe("QED\0", 4, 0), "qed");
	ck_assert_str_eq(probe("KDMV", 4, 0), "vmdk");
	ck_assert_str_eq(probe("COWD", 4, 0), "vmdk");
	ck_assert_str_eq(probe("# Disk DescriptorFile", 21, 0), "vmdk");
	ck_assert_str_eq(probe("vhdxfile", 8, 0), "vhdx");
	ck_assert_str_eq(probe("\x7f\x10\xda\xbe", 4, 0x40), "vdi");
	ck_assert_str_eq(probe("\x7f\x10\xda\xbe", 4, 0), "raw");
	ck_assert_str_eq(probe("conectix", 8, 0), "vpc");
	ck_assert_str_eq(probe("LUKS\xba\xbe\0\1", 8, 0), "luks");
	ck_assert_str_eq(probe("LUKS\xba\xbe\0\2", 8, 0), "luks");
	ck_assert_str_eq(probe("LUKS\xba\xbe\0\3", 8, 0), "raw");
	ck_assert_str_eq(probe("\xeb\x63\x90", 3, 0), "raw");	/* an MBR */
	/* short buffers never read past their end */
	ck_assert_str_eq(imgfmt_probe((const unsigned char *)"QFI", 3), "raw");
	ck_assert_str_eq(imgfmt_probe((const unsigned char *)"QFI\xfb", 4),
	    "raw");
	ck_assert_str_eq(imgfmt_probe(NULL, 0), "raw");
}
END_TEST

START_TEST(real_qcow2_header)
{
	size_t len;
	char *b = tu_fixture("img/qcow2-7.2.hdr", &len);

	ck_assert_str_eq(imgfmt_probe((unsigned char *)b, len), "qcow2");
	free(b);
}
END_TEST

START_TEST(format_names)
{
	struct err e;

	ck_assert_int_eq(imgfmt_check_name("qcow2", &e), 0);
	ck_assert_int_eq(imgfmt_check_name("vpc", &e), 0);
	ck_assert_int_eq(imgfmt_check_name("luks", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "key"));
	ck_assert_int_eq(imgfmt_check_name("qcow2,x=1", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "raw, qcow2"));
}
END_TEST

START_TEST(cache_modes)
{
	const struct blkopt_cache *c;
	struct err e;
	int b;

	c = blkopt_cache("none");
	ck_assert(c != NULL && c->direct && !c->no_flush && c->writeback);
	c = blkopt_cache("writethrough");
	ck_assert(c != NULL && !c->direct && !c->writeback);
	c = blkopt_cache("unsafe");
	ck_assert(c != NULL && c->no_flush);
	ck_assert_ptr_null(blkopt_cache("fast"));
	ck_assert_ptr_null(blkopt_cache(NULL));
	/* query-block's three flags name the mode back */
	ck_assert_str_eq(blkopt_cache_of(1, 0, 0)->name, "directsync");
	ck_assert_str_eq(blkopt_cache_of(0, 0, 1)->name, "writeback");
	ck_assert_ptr_null(blkopt_cache_of(1, 1, 0));
	ck_assert_int_eq(blkopt_check_cache("directsync", &e), 0);
	ck_assert_int_eq(blkopt_check_cache("Direct", &e), -1);
	ck_assert_int_eq(blkopt_check_aio("io_uring", &e), 0);
	ck_assert_int_eq(blkopt_check_aio("posix", &e), -1);
	ck_assert_int_eq(blkopt_check_discard("unmap", &e), 0);
	ck_assert_int_eq(blkopt_check_discard("on", &e), -1);
	ck_assert_int_eq(blkopt_check_combo("none", "native", &e), 0);
	ck_assert_int_eq(blkopt_check_combo(NULL, "native", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "cache=none"));
	ck_assert_int_eq(blkopt_check_combo("unsafe", "threads", &e), 0);
	ck_assert_int_eq(blkopt_check_serial("WD-1234.x_y", &e), 0);
	ck_assert_int_eq(blkopt_check_serial("a,b", &e), -1);
	ck_assert_int_eq(blkopt_check_serial("123456789012345678901", &e),
	    -1);
	ck_assert_int_eq(blkopt_check_serial("", &e), -1);
	ck_assert_int_eq(blkopt_parse_bool("readonly", "on", &b, &e), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(blkopt_parse_bool("readonly", "no", &b, &e), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(blkopt_parse_bool("readonly", "maybe", &b, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "on or off"));
}
END_TEST

Suite *
imgfmt_suite(void)
{
	Suite *s = suite_create("imgfmt");
	TCase *t = tcase_create("core");

	tcase_add_test(t, magic_numbers);
	tcase_add_test(t, real_qcow2_header);
	tcase_add_test(t, format_names);
	tcase_add_test(t, cache_modes);
	suite_add_tcase(s, t);
	return s;
}
