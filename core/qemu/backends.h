/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backends.h - the backends QEMU holds (netdevs, block backends and named
 * block nodes) and which of them no device uses: the orphans a killed
 * hotplug or a hand-made netdev_add leave behind, which `info pci` never
 * shows.
 *
 * What QEMU 7.2 offers (seen on Debian's 7.2.22):
 *   netdevs   no QMP listing at all (query-netdev came later); HMP `info
 *             network` prints each NIC with its peer indented under it
 *             (" \ hostnet-...: index=0,type=user,..."), and a netdev
 *             without a peer at the top level: that is an orphan.  Over
 *             QMP the same text comes from human-monitor-command.
 *   blocks    HMP `info block` lists block backends: one whose medium is
 *             inserted but that has no "Attached to:" line is an orphan
 *             (a drive_add drive whose device never came); `info block -n`
 *             adds the named nodes (blockdev-add), and one that is not the
 *             attached entry of `info block` is an orphan.  QMP:
 *             query-block (backends, "qdev" when attached, "inserted"
 *             with the root node-name) and query-named-block-nodes.
 *   Names QEMU makes up ("#net103", "#block089") and the legacy -net hub
 *   are left out: nobody can name them in a command.
 *
 * Nothing is allocated: a struct backends is fixed-size, caller-owned.
 */
#ifndef SLOTSCOPE_BACKENDS_H
#define SLOTSCOPE_BACKENDS_H

#include <stddef.h>

#include "base/err.h"

struct mon;

#define BACKENDS_MAX 128	/* more entries are counted, not kept */

enum backend_kind { BACKEND_NETDEV, BACKEND_BLOCK };

struct backend_entry {
	enum backend_kind kind;
	char name[64];		/* netdev id, drive id or node-name */
	char type[16];		/* netdevs: "user", "tap", ... from info
				 * network; "" otherwise */
	int attached;		/* a device uses it */
};

struct backends {
	struct backend_entry v[BACKENDS_MAX];
	size_t n;
	size_t dropped;		/* entries beyond BACKENDS_MAX */
};

void backends_init(struct backends *b);
/* The entry of this kind and name, or NULL. */
const struct backend_entry *backends_find(const struct backends *b,
    enum backend_kind kind, const char *name);
/* How many entries of b are orphans (attached == 0). */
size_t backends_orphans(const struct backends *b);

/* Parsers of QEMU's text (HMP, or human-monitor-command's "return"): add
 * what they find to b.  `info network`; `info block` and `info block -n`
 * (an entry seen attached once stays attached: parse plain `info block`,
 * whose entries say "Attached to:", before -n, whose nodes do not). */
int backends_parse_info_network(const char *buf, size_t len,
    struct backends *b, struct err *e);
int backends_parse_info_block(const char *buf, size_t len,
    struct backends *b, struct err *e);
/* QMP: the "return" of query-block, then of query-named-block-nodes, as
 * JSON text. */
int backends_parse_query_block(const char *buf, size_t len,
    struct backends *b, struct err *e);
int backends_parse_named_nodes(const char *buf, size_t len,
    struct backends *b, struct err *e);

/* Ask QEMU over m (HMP or QMP) and fill b (initialised here). */
int backends_query(struct mon *m, struct backends *b, struct err *e);

#endif
