/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe.h - `slotscope --probe ENDPOINT [--json]`: connect to one monitor,
 * detect its protocol, read the QEMU version and the live PCI slots,
 * disconnect, and format what was seen (one line per slot; the JSON
 * object is core/cmd's).  A struct probe owns its pci_info (probe_free); the formatters
 * return malloc'd text the caller frees (NULL when out of memory).
 */
#ifndef SLOTSCOPE_PROBE_H
#define SLOTSCOPE_PROBE_H

#include "base/err.h"
#include "qemu/moncmd.h"
#include "qemu/monerr.h"
#include "model/pci.h"

struct probe {
	char endpoint[4200];		/* as the user wrote it */
	enum mon_proto proto;
	struct qemu_version version;
	struct pci_info pci;
};

/* Run the probe.  greet_ms: the busy deadline (0 = default 500 ms).
 * 0, or -1 with e set and *kind saying why (MONERR_BAD_ARGUMENT for a bad
 * endpoint, a transport kind, or QEMU's refusal). */
int probe_run(const char *endpoint, int greet_ms, struct probe *p,
    enum monerr_kind *kind, struct err *e);
void probe_free(struct probe *p);

/* One header line, then one line per slot 0..31. */
char *probe_text(const struct probe *p);
/* The JSON object is cmd_json_probe's (core/cmd/cmd_json.h): one
 * vocabulary for every JSON output. */

#endif
