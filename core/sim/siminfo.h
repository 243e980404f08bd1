/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siminfo.h - the simulated machine's backends as QEMU 7.2 lists them:
 * HMP `info network`, `info block` and `info block -n`, QMP query-block
 * and query-named-block-nodes (see qemu/backends.h for what each shows,
 * and tests/fixtures/qmp/ *-orphan.json for the real bytes).  Text goes
 * to a caller-owned strbuf ("\n"; the HMP layer makes it "\r\n"); JSON is
 * a new jansson value the caller owns.
 *
 * Made-up names ("#net141", "#blockNNN") follow QEMU's form; their
 * numbers differ from a real QEMU's, as they differ between two runs of
 * QEMU itself.
 */
#ifndef SLOTSCOPE_SIMINFO_H
#define SLOTSCOPE_SIMINFO_H

#include <jansson.h>

#include "base/strbuf.h"
#include "sim/simdev.h"

void siminfo_network(const struct simdev_machine *m, struct strbuf *o);
/* nodes: `info block -n` (named and anonymous nodes, newest first). */
void siminfo_block(const struct simdev_machine *m, int nodes,
    struct strbuf *o);
json_t *siminfo_query_block(const struct simdev_machine *m);
json_t *siminfo_named_nodes(const struct simdev_machine *m);

#endif
