/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtd.h - a real libvirtd for one test (virtd.c), started and stopped by
 * the harness: tests/scripts/libvirtd-private.sh runs it, with its
 * virtlogd, as PID 1 of a private PID and mount namespace, so libvirt's
 * system paths (/etc/libvirt, /run, /var) are the test's own directories
 * and the host's libvirt is never touched.  The namespace dies with the
 * test process that started it (PR_SET_PDEATHSIG on unshare, which kills
 * its child with --kill-child): a failed or timed-out check leaves no
 * libvirtd, virtlogd or QEMU behind even though its teardown never runs.
 *
 * What libvirtd probed of QEMU is cached in $TMPDIR/virtd-cache (the
 * runner's dir, removed at the end of the run), so only the first
 * libvirtd of a run probes.
 *
 * Domains are transient, TCG (type='qemu'), `pc` with ACPI (so that bus 0
 * takes hotplugs; tu_virtd_domain_on picks another machine), paused, with
 * no disk and no graphics.  Strings returned are malloc'd; free() them.
 */
#ifndef SLOTSCOPE_VIRTD_H
#define SLOTSCOPE_VIRTD_H

#include <sys/types.h>

#include "nsproc.h"	/* tu_proc_with */

struct tu_virtd {
	char *dir;		/* the test's libvirt tree; removed by stop */
	char uri[4200];		/* qemu:///system?socket=DIR/run/libvirt/... */
	pid_t pid;		/* the unshare process */
	pid_t init;		/* PID 1 of the namespace, as the host sees it */
	int up;
};

/* Why no libvirtd can run here (for tu_tcase_require), or NULL: root,
 * libvirtd, virtlogd, virsh, unshare and qemu-system-x86_64 are needed. */
const char *tu_missing_virtd(void);

/* Start a libvirtd; waits until its socket is up (10 s at most,
 * tu_ms).  When it cannot start, tu_skip()s saying why and with the
 * daemon's own words: a failure in CI, a skip elsewhere. */
void tu_virtd_start(struct tu_virtd *v);
/* Kill the namespace (libvirtd, virtlogd, every QEMU in it), wait until
 * it is gone and remove dir.  Safe to call twice and when not started. */
void tu_virtd_stop(struct tu_virtd *v);

/* Run `virsh -c URI ARGS` (ARGS: trusted test text, shell words); output
 * (stdout+stderr) in *out when out is not NULL.  Returns the exit status. */
int tu_virsh(const struct tu_virtd *v, const char *args, char **out);

/* Create and leave paused a transient domain NAME with these extra
 * <devices> children (trusted XML, may be NULL).  0, or -1 with virsh's
 * output printed. */
int tu_virtd_domain(const struct tu_virtd *v, const char *name,
    const char *devices);
/* The same on another machine type (e.g. "pc-q35-6.0", whose root ports
 * use PCIe native hotplug: QEMU removes a device from a port the guest
 * never powered on at once, with no guest). */
int tu_virtd_domain_on(const struct tu_virtd *v, const char *name,
    const char *machine, const char *devices);

/* name_up / name_down for tcase_add_checked_fixture around var. */
#define TU_VIRTD_FIXTURE(name, var) \
	static void name##_up(void) { tu_virtd_start(&var); } \
	static void name##_down(void) { tu_virtd_stop(&var); }

#endif
