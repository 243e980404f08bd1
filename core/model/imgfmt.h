/* SPDX-License-Identifier: GPL-3.0-or-later */
/* imgfmt.h - which disk image format a file's first bytes say it is.
 *
 * QEMU warns against guessing raw: a qcow2 container attached as raw lets
 * the guest overwrite the image's metadata.  So when the operator gives no
 * format=, the format is read from the header, with the magic numbers of
 * QEMU 7.2's own probes (block/<fmt>.c: <fmt>_probe):
 *   qcow2  "QFI\xfb" then a big-endian version 2 or 3 (version 1: "qcow")
 *   qed    "QED\0"
 *   vmdk   "KDMV" (sparse extent), "COWD" (VMDK3), or a text descriptor
 *          starting "# Disk DescriptorFile"
 *   vhdx   "vhdxfile"
 *   vdi    little-endian 0xbeda107f at offset 0x40
 *   vpc    "conectix" (a dynamic VHD's footer copy at the start)
 *   luks   "LUKS\xba\xbe" then a big-endian version 1 or 2
 * Anything else is raw.  IMGFMT_HEADER bytes are enough for every rule.
 *
 * Pure functions over (buf, len); nothing is allocated.
 */
#ifndef SLOTSCOPE_IMGFMT_H
#define SLOTSCOPE_IMGFMT_H

#include <stddef.h>

#include "base/err.h"

#define IMGFMT_HEADER 512	/* bytes of a file's start the probe reads */

/* The format the header says ("qcow2", "qed", "vmdk", "vhdx", "vdi",
 * "vpc", "luks", "qcow", or "raw" when nothing matches or len is short);
 * a static string. */
const char *imgfmt_probe(const unsigned char *buf, size_t len);

/* Formats a hotplug may name with format= (QEMU opens them without a
 * secret or further options): raw qcow2 qed vmdk vhdx vdi vpc.  0, or -1
 * with a message listing them for anything else (luks needs its key, which
 * slotscope cannot pass). */
int imgfmt_check_name(const char *name, struct err *e);

/* The names imgfmt_check_name accepts, for help texts: "raw, qcow2, ..."
 * (a static string). */
const char *imgfmt_names(void);

#endif
