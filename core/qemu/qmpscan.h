/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan.h - a small bounded JSON reader for QMP's hot messages: the
 * greeting, a {"return": ..., "id": ...} reply, query-pci's return value,
 * and a command text sent as given.  It reads the bytes in place, builds
 * no tree and allocates nothing (but the caller's pci_info), which is
 * what a refresh of many instances needs; jansson (qmp.c) stays the
 * reader of everything else.
 *
 * The contract, which tests/unit/check_qmpscan.c checks against jansson
 * on every QMP fixture and tests/fuzz/fuzz_qmpscan.c on anything: when a
 * function here returns 0, jansson reading the same bytes the way qmp.c
 * does (JSON_REJECT_DUPLICATES) accepts them and qmp.c's parser gives the
 * same result.  -1 means "not read here": the bytes may be fine but use a
 * form this reader leaves to jansson (an escape in a member name, more
 * than QMPSCAN_MAX_MEMBERS members in an object, nesting deeper than
 * QMPSCAN_MAX_DEPTH, a number of 19 digits or more, a reply that is not a
 * return), or they are wrong; the caller then gives them to jansson,
 * whose verdict and message stand.  e says why in plain words.
 *
 * Every function takes (buf, len), never reads past len and needs no NUL;
 * nesting is followed by bounded recursion.  No global state.
 */
#ifndef SLOTSCOPE_QMPSCAN_H
#define SLOTSCOPE_QMPSCAN_H

#include <stddef.h>

#include "base/err.h"
#include "model/pci.h"
#include "qemu/qmp.h"

#define QMPSCAN_MAX_DEPTH 64	/* objects and arrays inside each other */
#define QMPSCAN_MAX_MEMBERS 48	/* members of one object */

/* One message, as qmp_msg_parse() would classify it: only a RETURN (an
 * object with "return") or a GREETING (an object with an object "QMP"
 * and none of "return", "error", "event") is read; anything else is -1. */
struct qmpscan_msg {
	enum qmp_msg_kind kind;
	const char *ret;	/* RETURN: the bytes of the "return" value */
	size_t retlen;
	const char *id;		/* the bytes of the "id" value, NULL if none */
	size_t idlen;
	const char *qmp;	/* GREETING: the bytes of the "QMP" object */
	size_t qmplen;
};

int qmpscan_msg(const char *buf, size_t len, struct qmpscan_msg *m,
    struct err *e);
/* The same in one pass for the reply to a query-pci: 0 only for a RETURN
 * whose value qmpscan_pci() reads, its devices appended to pi (on -1 pi
 * may hold some: clear it). */
int qmpscan_msg_pci(const char *buf, size_t len, struct qmpscan_msg *m,
    struct pci_info *pi, struct err *e);

/* 1 when the JSON value in buf is a string equal to want, else 0 (also
 * when it is not a string). */
int qmpscan_str_is(const char *buf, size_t len, const char *want);

/* query-pci's return value into pi (appended to), as qmp_parse_pci().  On
 * -1 pi may hold the devices read before the reader stopped: clear it. */
int qmpscan_pci(const char *buf, size_t len, struct pci_info *pi,
    struct err *e);

/* The version in the bytes of a greeting's "QMP" object, as
 * qmp_greeting_version(). */
int qmpscan_greeting_version(const char *buf, size_t len,
    struct qemu_version *v, struct err *e);
/* qmpscan_msg of a greeting and qmpscan_greeting_version of its "QMP"
 * member in one pass: 0 only when buf is a greeting whose version this
 * reader takes (m and v as those two give), else -1 (v zeroed). */
int qmpscan_greeting(const char *buf, size_t len, struct qmpscan_msg *m,
    struct qemu_version *v, struct err *e);

/* A QMP command given as text (a JSON object with an "execute" string and
 * no "id"), written without the blanks between its tokens into out (outsz
 * bytes, NUL-terminated): the bytes jansson's compact, order-preserving
 * encoding gives.  -1 when the text holds a backslash or a number (whose
 * encodings jansson may change), or when it does not fit. */
int qmpscan_compact_cmd(const char *buf, size_t len, char *out, size_t outsz,
    struct err *e);

/* A JSON value (a return's bytes) written as jansson's compact,
 * order-preserving encoder writes what it parsed from them
 * (JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER) into out (outsz
 * bytes, NUL-terminated; len + 1 is always enough).  -1 when the value
 * holds a real, a -0 or any form left to jansson, or does not fit. */
int qmpscan_compact_value(const char *buf, size_t len, char *out,
    size_t outsz, struct err *e);

/* qom-list's return value (a list of objects): each(arg, name, nlen,
 * type, tlen) for every element that is an object whose "name" and
 * "type" members are strings, in order, with their decoded bytes (not
 * always NUL-terminated: plain ones are given where they are in buf)
 * and lengths; other elements are passed over, and a
 * value that is no list calls nothing.  0 when read; -1 when the bytes
 * are not read here (not valid, a form left to jansson, a string of
 * QMPSCAN_QOM_MAX bytes or more): each may have been called for some
 * elements before, so the caller starts again with jansson. */
#define QMPSCAN_QOM_MAX 256
typedef void (*qmpscan_qom_fn)(void *arg, const char *name, size_t nlen,
    const char *type, size_t tlen);
int qmpscan_qom_list(const char *buf, size_t len, qmpscan_qom_fn each,
    void *arg);

#endif
