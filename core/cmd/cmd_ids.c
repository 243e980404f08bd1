/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_ids.c - the device-id commands, pure and without a fleet: id builds
 * TYPE-<uuid block>-pci-[BUS-]SLOT, parse-id splits one (model/devid). */
#include <string.h>

#include "cmd/cmd_int.h"
#include "model/devid.h"

int
cmd_id_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	char id[DEVID_MAX + 1];
	struct strbuf b = STRBUF_INIT;
	struct err e;
	int slot;

	(void)c;
	if (devid_check_type(a->w[1], strlen(a->w[1]), &e) < 0)
		return cmd_fail(r, "id: %s", e.msg);
	if (!devid_valid_uuid(a->w[2], strlen(a->w[2])))
		return cmd_fail(r, "id: '%s' is not a UUID (expected "
		    "8-4-4-4-12 hex digits)", a->w[2]);
	/* id TYPE UUID SLOT, or id TYPE UUID BUS SLOT behind a bridge */
	if (cmd_parse_slot(ce, a->w[a->n - 1], &slot, r) < 0)
		return -1;
	if (devid_format_at(a->w[1], a->w[2], a->n == 5 ? a->w[3] : "",
	    slot, id, sizeof id, &e) < 0)
		return cmd_fail(r, "id: %s", e.msg);
	strbuf_printf(&b, "%s", id);
	return cmd_succeed(r, &b, json_pack("{s:s}", "id", id));
}

int
cmd_parse_id_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r)
{
	struct devid d;
	struct strbuf b = STRBUF_INIT;
	struct err e;

	(void)c;
	(void)ce;
	if (devid_parse(a->w[1], strlen(a->w[1]), &d, &e) < 0)
		return cmd_fail(r, "parse-id: %s", e.msg);
	strbuf_printf(&b, "type %s  uuid %s...  slot %d", d.type, d.uuid8,
	    d.slot);
	if (d.bus[0])
		strbuf_printf(&b, "  bus %s", d.bus);
	return cmd_succeed(r, &b, json_pack("{s:s, s:s, s:s, s:i, s:s?}",
	    "id", a->w[1], "type", d.type, "uuid8", d.uuid8, "slot", d.slot,
	    "bus", d.bus[0] ? d.bus : NULL));
}
