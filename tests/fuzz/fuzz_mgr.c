/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_mgr.c - the managers' parsers (core/mgr): Ganeti's runtime file
 * (first byte even) or Proxmox's VMID.conf (odd), then the overlay of
 * what was parsed on an empty bus and the manager's commands. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mgr/mgr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mgr_info mi;
	struct pci_info live;
	struct store_rt rt;
	struct slot_view v[32];
	struct err e;
	char out[600];
	size_t k;
	int rc;

	if (size == 0)
		return 0;
	rc = data[0] & 1 ? mgr_proxmox_parse((const char *)data + 1,
	    size - 1, "100", &mi, &e) : mgr_ganeti_parse((const char *)data +
	    1, size - 1, &mi, &e);
	if (rc == 0) {
		/* every device is on bus 0 (0..31) or nowhere (-1) */
		for (k = 0; k < mi.ndev; k++)
			if (mi.dev[k].slot < -1 || mi.dev[k].slot > 31 ||
			    strlen(mi.dev[k].id) >= sizeof mi.dev[k].id)
				abort();
		if (mi.npci_reservations > 32)
			abort();
		pci_info_init(&live);
		store_rt_init(&rt, "fz");
		state_reconcile(&live, &rt, v);
		mgr_apply(&mi, &live, v);
		for (k = 0; k < 32; k++)
			if ((unsigned)v[k].state >= SLOT_NSTATES)
				abort();
		mgr_refusal(&mi, "fz", MGR_ACT_HOTPLUG, "nic", NULL, 0, out,
		    sizeof out);
		mgr_refusal(&mi, "fz", MGR_ACT_UNPLUG, "12", NULL, 0, out,
		    sizeof out);
		store_rt_free(&rt);
		pci_info_free(&live);
	}
	mgr_info_free(&mi);
	return 0;
}
