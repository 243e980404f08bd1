/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgrref.h - which manager owns an instance, and where its files are: the
 * small part of core/mgr that instance sources (store/instsrc) and the
 * fleet carry for every instance.  The parsers and rules are in mgr.h.
 *
 * A manager is the program that built the VM and will build it again
 * (restart, live migration): Ganeti or Proxmox, or none.  slotscope reads
 * its files, never writes them.
 */
#ifndef SLOTSCOPE_MGRREF_H
#define SLOTSCOPE_MGRREF_H

enum mgr_kind {
	MGR_NONE,		/* nobody: slotscope's runtime file alone */
	MGR_GANETI,		/* Ganeti's KVM hypervisor (its runtime file) */
	MGR_PROXMOX,		/* Proxmox VE's qemu-server (VMID.conf) */
	MGR_NKINDS
};

/* The defaults of struct mgr_roots. */
#define MGR_GANETI_ROOT "/var/run/ganeti/kvm-hypervisor"
#define MGR_PROXMOX_RUN "/var/run/qemu-server"
#define MGR_PROXMOX_CONF "/etc/pve/qemu-server"

/* Where the managers keep their files (the config file may move them, so
 * that tests and odd installs point elsewhere). */
struct mgr_roots {
	char ganeti[1024];	/* has ctrl/NAME.qmp and runtime/NAME */
	char proxmox_run[1024];	/* has VMID.qmp */
	char proxmox_conf[1024]; /* has VMID.conf */
};

struct mgr_ref {
	enum mgr_kind kind;
	int forced;		/* set by the config (manager line), not
				 * detected */
	char vmid[16];		/* Proxmox: the VMID ("100"), else "" */
	char file[1024];	/* Ganeti: ROOT/runtime/NAME; Proxmox:
				 * CONF/VMID.conf; "" for none */
};

#endif
