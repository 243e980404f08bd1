/* SPDX-License-Identifier: GPL-3.0-or-later */
/* liststream.h - `list` and `list --devices` run both ways on the same
 * fleet: with their rows in the result's JSON tree (the TUI's way,
 * json_dumps) and left for later (batch mode's, cmd_ctx.rows_later:
 * written one row at a time by cmd_result_dump, list's drawn one row at a
 * time by the table), and the two checked to be the same: the same
 * bytes, the streamed text parsed back by jansson equal to the tree,
 * every row equal, the text's other lines the same.  For the suites
 * whose fleets have managers, devices, libvirt domains and ssh hosts.
 */
#ifndef SLOTSCOPE_LISTSTREAM_H
#define SLOTSCOPE_LISTSTREAM_H

#include "cmd/cmd.h"

/* Ends the test when they differ; returns list's rows (the fleet's
 * instances).  c->rows_later is as it was afterwards. */
size_t tu_list_streamed_same(struct cmd_ctx *c);

#endif
