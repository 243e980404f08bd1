/* SPDX-License-Identifier: GPL-3.0-or-later */
/* storedirs.c - where the store's two dirs are by default (store.h).
 *
 * The runtime dir holds what dies with the QEMUs: the live runtime files
 * (the devices slotscope placed, the journal of operations under way) and
 * their locks.  It belongs on a tmpfs, where the syncs of a hotplug cost
 * nothing and a reboot clears it as it clears the QEMUs, as libvirt keeps
 * its live status XML in /run/libvirt/qemu, Ganeti its runtime files in
 * /var/run/ganeti and Proxmox its in /var/run/qemu-server.  The state dir
 * holds what an operator wants after a reboot: the reservation seeds, the
 * audit log, the command line's history.
 *
 * The rules take "am I root" and the environment as arguments (the _for
 * functions), so that tests give them any values; the others read the
 * process's own.
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int
too_long(struct err *e, const char *opt)
{
	return err_set(e, "the default %s path is too long; give a shorter "
	    "--%s", opt[0] == 'r' ? "runtime dir" : "state dir", opt);
}

int
store_state_dir_for(int root, const char *xdg_state_home, const char *home,
    char *out, size_t outsz, struct err *e)
{
	int n;

	if (root)
		n = snprintf(out, outsz, "/var/lib/slotscope");
	else if (xdg_state_home != NULL && xdg_state_home[0] == '/')
		n = snprintf(out, outsz, "%s/slotscope", xdg_state_home);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, outsz, "%s/.local/state/slotscope", home);
	else
		return err_set(e, "no state dir: neither XDG_STATE_HOME nor "
		    "HOME is set; give --state-dir DIR or --runtime-dir DIR");
	if (n < 0 || (size_t)n >= outsz)
		return too_long(e, "state-dir");
	return 0;
}

int
store_run_dir_for(int root, const char *xdg_runtime_dir,
    const char *state_dir, char *out, size_t outsz, struct err *e)
{
	int n;

	if (root)
		n = snprintf(out, outsz, "/run/slotscope");
	else if (xdg_runtime_dir != NULL && xdg_runtime_dir[0] == '/')
		n = snprintf(out, outsz, "%s/slotscope", xdg_runtime_dir);
	else if (state_dir != NULL && state_dir[0] != '\0')
		n = snprintf(out, outsz, "%s", state_dir);	/* one dir */
	else
		return err_set(e, "no runtime dir: XDG_RUNTIME_DIR is not set "
		    "and there is no state dir; give --runtime-dir DIR");
	if (n < 0 || (size_t)n >= outsz)
		return too_long(e, "runtime-dir");
	return 0;
}

int
store_default_dir(char *out, size_t outsz, struct err *e)
{
	return store_default_dir_as(geteuid() == 0, out, outsz, e);
}

int
store_default_dir_as(int root, char *out, size_t outsz, struct err *e)
{
	return store_state_dir_for(root, getenv("XDG_STATE_HOME"),
	    getenv("HOME"), out, outsz, e);
}

int
store_default_run_dir(const char *state_dir, char *out, size_t outsz,
    struct err *e)
{
	return store_run_dir_for(geteuid() == 0, getenv("XDG_RUNTIME_DIR"),
	    state_dir, out, outsz, e);
}
