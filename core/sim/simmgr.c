/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simmgr.c - the `ganeti-collision` training scenario; see simmgr.h.
 *
 * The bus: Ganeti's NIC eth0 at slot 12 and its disk at 13, as recorded;
 * at 14 an e1000 that Ganeti does not record (in #1620 it was the guest
 * agent's virtio-serial, placed outside the runtime file); Ganeti's
 * second NIC eth1, recorded at 15, is not on the bus.  Ganeti picks the
 * next slot from its runtime file alone (12 reserved, 12, 13 and 15
 * recorded: 14), so its next `gnt-instance modify --hotplug --net add`
 * would fail with "slot 14 function 0 not available".
 */
#include "sim/simmgr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/simdev.h"

#define ETH0 "nic-6a1c2e00-4b1d-4c2a"
#define ROOT "disk-6a1c2e01-4b1d-4c2a"
#define ETH1 "nic-6a1c2e02-4b1d-4c2a"

int
simmgr_ganeti_dirs(const char *dir, char *ctrl_out, size_t sz,
    struct err *e)
{
	static const char *const sub[] = { "gnt", "gnt/ctrl", "gnt/runtime" };
	char p[512];
	size_t k;

	for (k = 0; k < sizeof sub / sizeof *sub; k++) {
		snprintf(p, sizeof p, "%s/%s", dir, sub[k]);
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return err_set(e, "cannot create %s: %s", p,
			    strerror(errno));
	}
	if ((size_t)snprintf(ctrl_out, sz, "%s/gnt/ctrl", dir) >= sz)
		return err_set(e, "the demo dir's path is too long");
	return 0;
}

static int
dev(struct simdev_machine *m, const char *driver, const char *id,
    const char *addr, const char *back, struct simdev_err *de)
{
	struct simdev_kv kv[5] = {
		{ "driver", driver }, { "id", id }, { "bus", "pci.0" },
		{ "addr", addr }, { NULL, NULL } };
	size_t n = 4;

	if (back != NULL) {
		kv[4] = (struct simdev_kv){ strstr(driver, "blk") ? "drive" :
		    "netdev", back };
		n = 5;
		if (strstr(driver, "blk") ? simdev_drive_add(m, back, NULL,
		    NULL, 1, NULL, de) < 0 : simdev_netdev_add(m, "user", back, NULL,
		    0, de) < 0)
			return -1;
	}
	return simdev_device_add(m, kv, n, de);
}

int
simmgr_ganeti_devices(struct sim_inst *in, struct err *e)
{
	struct simdev_machine *m = sim_inst_machine(in);
	struct simdev_err de;

	if (dev(m, "virtio-net-pci", ETH0, "0xc", "hostnet-eth0", &de) < 0 ||
	    dev(m, "virtio-blk-pci", ROOT, "0xd", "drive-root", &de) < 0 ||
	    dev(m, "e1000", "agent-e1000", "0xe", NULL, &de) < 0)
		return err_set(e, "scenario ganeti-collision: %s", de.desc);
	return 0;
}

int
simmgr_ganeti_runtime(const char *ctrl, const struct sim_inst *in,
    struct err *e)
{
	const char *name = sim_inst_name(in);
	char path[600];
	FILE *fp;
	int n;

	n = snprintf(path, sizeof path, "%.*s/runtime/%s",
	    (int)(strlen(ctrl) - strlen("/ctrl")), ctrl, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return err_set(e, "the demo dir's path is too long");
	fp = fopen(path, "w");
	if (fp == NULL)
		return err_set(e, "cannot write %s: %s", path, strerror(errno));
	fprintf(fp, "[[\"/usr/bin/kvm\", \"-name\", \"%s\", \"-m\", 1024, "
	    "\"-machine\", \"pc\", \"-qmp\", \"unix:%s/%s.qmp,server,nowait\""
	    "],\n [{\"mac\": \"aa:00:00:6a:1c:00\", \"name\": \"eth0\", "
	    "\"nicparams\": {\"link\": \"br0\", \"mode\": \"bridged\"}, "
	    "\"uuid\": \"6a1c2e00-4b1d-4c2a-9e00-000000000000\", \"hvinfo\": "
	    "{\"driver\": \"virtio-net-pci\", \"id\": \"" ETH0 "\", \"bus\": "
	    "\"pci.0\", \"addr\": \"0xc\"}},\n  {\"mac\": \"aa:00:00:6a:1c:02\""
	    ", \"name\": \"eth1\", \"nicparams\": {\"link\": \"br1\", \"mode\":"
	    " \"bridged\"}, \"uuid\": \"6a1c2e02-4b1d-4c2a-9e02-000000000000\""
	    ", \"hvinfo\": {\"driver\": \"virtio-net-pci\", \"id\": \"" ETH1
	    "\", \"bus\": \"pci.0\", \"addr\": \"0xf\"}}],\n {\"kvm_pci_"
	    "reservations\": 12, \"nic_type\": \"paravirtual\", \"disk_type\":"
	    " \"paravirtual\", \"use_guest_agent\": true},\n [[{\"dev_type\": "
	    "\"plain\", \"iv_name\": \"disk/0\", \"name\": \"root\", \"size\": "
	    "10240, \"mode\": \"rw\", \"uuid\": \"6a1c2e01-4b1d-4c2a-9e01-"
	    "000000000000\", \"hvinfo\": {\"driver\": \"virtio-blk-pci\", "
	    "\"id\": \"" ROOT "\", \"bus\": \"pci.0\", \"addr\": \"0xd\"}}, "
	    "\"/var/run/ganeti/instance-disks/%s:0\", null]]]\n", name, ctrl,
	    name, name);
	if (fclose(fp) != 0)
		return err_set(e, "cannot write %s", path);
	return 0;
}
