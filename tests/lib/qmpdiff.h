/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpdiff.h - the differential oracle of core/qemu/qmpscan: the bounded
 * reader against jansson (qmp.c, mon_ops.c's way) on the same bytes.
 * Shared by tests/unit/check_qmpscan.c (every QMP fixture) and
 * tests/fuzz/fuzz_qmpscan.c (any bytes); no Check in it.
 */
#ifndef SLOTSCOPE_QMPDIFF_H
#define SLOTSCOPE_QMPDIFF_H

#include <stddef.h>

/* What the bounded reader took from one message. */
struct qmpdiff_took {
	int msg;	/* qmpscan_msg read it (a return or a greeting) */
	int pci;	/* its return value read as query-pci */
	int version;	/* its greeting's version read */
	int cmd;	/* the bytes read as a command text, made compact */
	int value;	/* its return value made compact */
	int qom;	/* its return value read as qom-list's */
};

/* Read buf both ways; 1 when they agree (whatever the reader took, jansson
 * accepts and gives the same: kind, id, functions (also read in one
 * pass with the message), version, compact bytes, the compact return
 * value, qom-list's name/type pairs), 0 with why (a sentence) when they
 * do not.  took may be NULL. */
int tu_qmpscan_agrees(const char *buf, size_t len, struct qmpdiff_took *took,
    char *why, size_t whysz);

#endif
