/* SPDX-License-Identifier: GPL-3.0-or-later */
/* imgfmt.c - a disk image's format from its header; see imgfmt.h. */
#include "model/imgfmt.h"

#include <string.h>

static int
at(const unsigned char *buf, size_t len, size_t off, const char *magic,
    size_t n)
{
	return len >= off + n && memcmp(buf + off, magic, n) == 0;
}

static unsigned
be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 |
	    (unsigned)p[2] << 8 | p[3];
}

const char *
imgfmt_probe(const unsigned char *buf, size_t len)
{
	if (buf == NULL)
		return "raw";
	if (at(buf, len, 0, "QFI\xfb", 4) && len >= 8) {
		unsigned v = be32(buf + 4);

		if (v == 2 || v == 3)
			return "qcow2";
		if (v == 1)
			return "qcow";
	}
	if (at(buf, len, 0, "QED\0", 4))
		return "qed";
	if (at(buf, len, 0, "KDMV", 4) || at(buf, len, 0, "COWD", 4) ||
	    at(buf, len, 0, "# Disk DescriptorFile", 21))
		return "vmdk";
	if (at(buf, len, 0, "vhdxfile", 8))
		return "vhdx";
	if (at(buf, len, 0x40, "\x7f\x10\xda\xbe", 4))
		return "vdi";
	if (at(buf, len, 0, "conectix", 8))
		return "vpc";
	if (at(buf, len, 0, "LUKS\xba\xbe", 6) && len >= 8 &&
	    (buf[6] << 8 | buf[7]) >= 1 && (buf[6] << 8 | buf[7]) <= 2)
		return "luks";
	return "raw";
}

static const char *const names[] = {
	"raw", "qcow2", "qed", "vmdk", "vhdx", "vdi", "vpc", NULL
};

const char *
imgfmt_names(void)
{
	return "raw, qcow2, qed, vmdk, vhdx, vdi or vpc";
}

int
imgfmt_check_name(const char *name, struct err *e)
{
	size_t i;

	for (i = 0; names[i]; i++)
		if (strcmp(name, names[i]) == 0)
			return 0;
	if (strcmp(name, "luks") == 0)
		return err_set(e, "format luks needs its key, which slotscope "
		    "cannot pass: attach it with QEMU's own secret objects");
	return err_set(e, "format '%.40s' is not supported: expected %s",
	    name, imgfmt_names());
}
