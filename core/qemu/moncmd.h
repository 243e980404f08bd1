/* SPDX-License-Identifier: GPL-3.0-or-later */
/* moncmd.h - the exact bytes slotscope sends to a QEMU monitor, built from
 * structured arguments and checked before anything is sent.
 *
 * Rules (QEMU 7.2): ids follow devid_check_qemu_id(); no value may hold a
 * control character (HMP reads them as readline keys); HMP option values
 * escape ',' by doubling it (QemuOpts' rule) and may not contain spaces
 * (HMP's argument reader ends the argument there) and an HMP line stays
 * under 1024 bytes; QMP is real JSON built with jansson.  `addr` is always
 * sent as hex with 0x ("0x5", or "0x5.0x1" for function 1): QEMU reads it
 * as hex even without 0x.
 * QEMU 10.0 (since 9.2) types QMP device_add's properties: a boolean must
 * be true/false and a number a JSON number, a string for them is refused.
 * The properties here are sent as strings, except the typed ones slotscope
 * sets (mq as a boolean, vectors as a number, which 7.2 takes typed too); addr stays a string because a
 * JSON integer is a devfn (slot * 8 + function) to 10.0 and hex to 7.2.
 *
 * Every builder writes a malloc'd NUL-terminated line ending in "\n" into
 * *out (the caller frees it) and returns 0, or returns -1 with e set and
 * *out NULL.
 */
#ifndef SLOTSCOPE_MONCMD_H
#define SLOTSCOPE_MONCMD_H

#include <stddef.h>

#include "base/err.h"

enum mon_proto { MON_PROTO_UNKNOWN = 0, MON_PROTO_HMP, MON_PROTO_QMP };
const char *mon_proto_name(enum mon_proto p);	/* "hmp", "qmp", "?" */

#define MONCMD_HMP_MAX 1023	/* HMP reads an argument into 1024 bytes */
#define MONCMD_MAX_PROPS 16

struct moncmd_prop {
	const char *key;	/* [a-z][a-z0-9_.-]*, e.g. "netdev", "mac" */
	const char *val;	/* any text without control characters */
};

struct moncmd_device {
	const char *driver;	/* "virtio-net-pci" */
	const char *id;		/* qdev id, required */
	const char *bus;	/* "pci.0", or NULL for QEMU's choice */
	int slot;		/* 0..31, or -1 for QEMU's choice */
	int func;		/* 0..7 (0 unless multifunction) */
	const struct moncmd_prop *props; /* extra properties, in order */
	size_t nprops;
};

enum moncmd_netdev_type { MONCMD_NETDEV_USER, MONCMD_NETDEV_TAP };
#define MONCMD_MAX_QUEUES 8	/* tap queues (one fd each) */

struct moncmd_netdev {
	enum moncmd_netdev_type type;
	const char *id;
	const char *fdname;	/* TAP: the name given with getfd */
	/* TAP multiqueue: nfds > 1 names given with getfd, sent as
	 * fds=a:b:c (QEMU takes the queue count from them; fd= and queues=
	 * cannot go with it); fdname is then unused */
	const char *const *fdnames;
	size_t nfds;
	int vhost;		/* TAP: vhost=on (HMP) / "vhost": true (QMP) */
};

struct moncmd_drive {
	const char *id;		/* HMP drive id = QMP node-name */
	const char *file;	/* path of the image */
	const char *format;	/* "raw", "qcow2"; NULL = "raw" */
	/* The protocol node's driver: "file" (a regular file) or
	 * "host_device" (a block device).  NULL: QMP sends "file", HMP sends
	 * no file.driver= and lets QEMU pick. */
	const char *protocol;
	int readonly;		/* readonly=on / "read-only": true */
	const char *cache;	/* a blkopt cache mode, NULL = QEMU's default:
				 * HMP cache=MODE, QMP cache.direct and
				 * cache.no-flush (the write cache is the
				 * device's write-cache) */
	const char *aio;	/* threads|native|io_uring, NULL = default:
				 * HMP aio=, QMP file.aio */
	const char *discard;	/* ignore|unmap, NULL = default */
};

/* Checks (no output) shared by the builders. */
int moncmd_check_value(const char *what, const char *val, struct err *e);
/* Copy val into out (outsz bytes) with ',' doubled; -1 if it doesn't fit
 * or is refused for HMP (control characters, spaces). */
int moncmd_hmp_escape(const char *val, char *out, size_t outsz,
    struct err *e);

/* Read-only queries: HMP `info pci` / QMP `query-pci`, and versions. */
int moncmd_query_pci(enum mon_proto p, char **out, struct err *e);
int moncmd_query_version(enum mon_proto p, char **out, struct err *e);
/* QMP's capability negotiation (QMP only). */
int moncmd_qmp_capabilities(char **out, struct err *e);

int moncmd_device_add(enum mon_proto p, const struct moncmd_device *d,
    char **out, struct err *e);
int moncmd_device_del(enum mon_proto p, const char *id, char **out,
    struct err *e);
int moncmd_netdev_add(enum mon_proto p, const struct moncmd_netdev *n,
    char **out, struct err *e);
int moncmd_netdev_del(enum mon_proto p, const char *id, char **out,
    struct err *e);
/* HMP: drive_add dummy file=F,if=none,id=ID,format=FMT
 *        [,file.driver=P][,readonly=on][,cache=C][,aio=A][,discard=D]
 * QMP: blockdev-add {driver: FMT, node-name: ID, [read-only: true,]
 *        [discard: D,] [cache: {direct, no-flush},] file: {driver: P,
 *        filename: F[, aio: A]}}
 * Option values are checked against core/model/blkopt's tables. */
int moncmd_drive_add(enum mon_proto p, const struct moncmd_drive *d,
    char **out, struct err *e);
/* HMP: drive_del ID; QMP: blockdev-del {node-name: ID} */
int moncmd_drive_del(enum mon_proto p, const char *id, char **out,
    struct err *e);
/* getfd NAME: the fd itself travels with these bytes (SCM_RIGHTS). */
int moncmd_getfd(enum mon_proto p, const char *name, char **out,
    struct err *e);
int moncmd_closefd(enum mon_proto p, const char *name, char **out,
    struct err *e);

#endif
