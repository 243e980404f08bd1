/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmp.h - QEMU's JSON monitor (QMP): one message per line, classified,
 * and parsers for the replies slotscope reads.  JSON is jansson's here;
 * the hot replies of a session are read first by qmpscan.h's bounded
 * reader, which agrees with these parsers or leaves the bytes to them.
 *
 * QEMU 7.2 sends one JSON object per "\r\n"-terminated line (or, with the
 * monitor's pretty=on, one object over several lines): the greeting
 * {"QMP": {...}}, replies {"return": ...} / {"error": {"class", "desc"}},
 * and events {"event": NAME, "data": ..., "timestamp": ...} that may arrive
 * between a command and its reply; QEMU 10.0 the same (its replies and
 * events slotscope reads have the 7.2 shapes).  A qmp_msg owns its parsed
 * JSON (qmp_msg_free); the other pointers in it borrow from that tree.
 */
#ifndef SLOTSCOPE_QMP_H
#define SLOTSCOPE_QMP_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "qemu/monerr.h"
#include "model/pci.h"

#define QMP_LINE_MAX (16u << 20)	/* a longer line is refused */
#define QMP_BRIDGE_DEPTH 8		/* pci_bridge nesting we follow */

enum qmp_msg_kind {
	QMP_MSG_GREETING,
	QMP_MSG_RETURN,
	QMP_MSG_ERROR,
	QMP_MSG_EVENT,
};

struct qmp_msg {
	enum qmp_msg_kind kind;
	json_t *root;		/* owned: the whole object */
	json_t *ret;		/* RETURN: the "return" value (borrowed) */
	const char *err_class;	/* ERROR: "GenericError", ... (borrowed) */
	const char *err_desc;	/* ERROR: QEMU's text (borrowed) */
	enum monerr_kind err_kind; /* ERROR: classified */
	const char *event;	/* EVENT: "DEVICE_DELETED", ... (borrowed) */
	json_t *data;		/* EVENT: "data" or NULL (borrowed) */
};

/* Length of the first whole line in buf (with its "\n"), 0 if there is no
 * "\n" yet. */
size_t qmp_line_len(const char *buf, size_t len);

/* Length of the first whole message in buf, 0 while it is incomplete.
 * QEMU writes one JSON object per line, or with the monitor's pretty=on
 * one object over many lines ("{\r\n    \"QMP\": {\r\n ..."): a message
 * is the whitespace before it, a JSON object or array (braces counted
 * outside strings) and the line end after it.  A blank line is a message
 * of its own (qmp_blank); text that does not start like JSON is one line,
 * so that the parser refuses it. */
size_t qmp_msg_len(const char *buf, size_t len);
/* buf holds the start of a message that qmp_msg_len says is incomplete:
 * -1 with e set ("... is not JSON: ...") when its whole lines already
 * cannot begin a JSON value (a peer that sent garbage, not a message in
 * parts), 0 while it still may. */
int qmp_msg_check_partial(const char *buf, size_t len, struct err *e);
/* 1 when the len bytes are only blanks and line ends. */
int qmp_blank(const char *buf, size_t len);

/* Parse one line (a JSON object) and classify it.  -1 with e set on
 * anything that is not one of the four message kinds. */
int qmp_msg_parse(const char *buf, size_t len, struct qmp_msg *m,
    struct err *e);
void qmp_msg_free(struct qmp_msg *m);

/* The version in a greeting's "QMP" member, or in query-version's return
 * value ({"qemu": {"major",...}, "package"}). */
int qmp_greeting_version(const json_t *greeting_root,
    struct qemu_version *v, struct err *e);
int qmp_parse_version(const json_t *ret, struct qemu_version *v,
    struct err *e);

/* query-pci's return value into pi (appended).  Devices under a bridge's
 * pci_bridge.devices are entered with their own bus number (never 0), up to
 * QMP_BRIDGE_DEPTH levels; a device with a pci_bridge member is a bridge
 * (kind from its ids, secondary bus from pci_bridge.bus.secondary).
 * class_info.desc is optional: without it the class text is "Class %04x",
 * as HMP prints it. */
int qmp_parse_pci(const json_t *ret, struct pci_info *pi, struct err *e);

/* 1 when root is the DEVICE_DELETED event that means device `id` is gone:
 * data.device equals id.  (QEMU first sends one for ".../virtio-backend"
 * without "device": that one does not count.) */
int qmp_is_device_deleted(const json_t *root, const char *id);
/* 1 when root is QEMU's DEVICE_UNPLUG_GUEST_ERROR for id (6.2 and later:
 * the guest refused the unplug; the device stays). */
int qmp_is_unplug_refused(const json_t *root, const char *id);

#endif
