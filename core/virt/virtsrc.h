/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtsrc.h - one libvirt connection (a URI) as a source of instances:
 * every running domain, as libvirt's C API describes it.  Never through
 * the domain's QEMU monitor, which libvirt holds, and never through
 * qemu-monitor-command.
 *
 * libvirt's API blocks (a remote URI is a round trip each call), so each
 * source has a worker thread that owns its virConnect: it lists the active
 * domains, reads each one's live XML (domxml.h) and state, and hands the
 * result over as a snapshot, announced by a byte on a pipe whose read end
 * (virtsrc_fd) the caller polls with its other fds.  The worker refreshes
 * when asked (virtsrc_refresh), at once on a domain event (lifecycle,
 * device added, device removed, device removal failed), and every
 * `interval` seconds; a lost connection is reopened at the next refresh.
 * slotscope does not link libvirt: virtsrc_open loads it (virtlib.h), and
 * a missing libvirt.so.0 is its error, saying what to install.  Domain
 * events need libvirt's event loop: virtsrc runs libvirt's default
 * implementation in one thread of its own, started once per process
 * (virtloop.h: libvirt's event loop is process-wide by libvirt's design;
 * nothing of slotscope's is kept there).  libvirt's default error
 * printing to stderr is turned off for the process: errors come back as
 * messages instead.
 *
 * URI: as given, else LIBVIRT_DEFAULT_URI, else qemu:///system.
 *
 * Memory: virtsrc_open allocates, virtsrc_close frees (stops and joins the
 * worker).  A snapshot taken is the caller's: virtsrc_snap_free.
 */
#ifndef SLOTSCOPE_VIRTSRC_H
#define SLOTSCOPE_VIRTSRC_H

#include <stddef.h>

#include "base/err.h"
#include "model/pci.h"
#include "store/store.h"
#include "virt/domxml.h"

struct virtsrc_dom {
	char name[64];
	char uuid[40];
	char state[16];		/* "running", "paused", ... */
	struct domxml xml;	/* its live XML, read */
	char error[256];	/* its XML did not parse, "" */
};

struct virtsrc_snap {
	int ok;			/* 0: error says why (libvirt's words) */
	char error[512];
	char uri[1024];		/* the connection's canonical URI */
	char host[256];		/* virConnectGetHostname */
	struct virtsrc_dom *dom;
	size_t n;
	unsigned long seq;	/* counts snapshots made */
};

struct virtsrc;

/* The URI a NULL or "" one means. */
const char *virtsrc_default_uri(void);
/* Start a source (the worker connects; nothing blocks here). */
struct virtsrc *virtsrc_open(const char *uri, double interval,
    struct err *e);
void virtsrc_close(struct virtsrc *s);
/* The URI asked for (after defaults). */
const char *virtsrc_uri(const struct virtsrc *s);
/* Readable (POLLIN) when a new snapshot waits. */
int virtsrc_fd(const struct virtsrc *s);
/* Ask for a refresh now.  Returns the seq of the first snapshot that
 * begins after this call (a snapshot with seq >= it is fresh). */
unsigned long virtsrc_refresh(struct virtsrc *s);
/* Move the newest snapshot out, if one is new (1) or not (0); drains the
 * pipe.  *out is replaced (virtsrc_snap_free'd first). */
int virtsrc_take(struct virtsrc *s, struct virtsrc_snap *out);
/* Wait up to timeout_ms for a new snapshot and take it: 1, 0 on timeout. */
int virtsrc_wait(struct virtsrc *s, struct virtsrc_snap *out,
    int timeout_ms);
/* Changes, through the source's connection (virtops.c).  They block until
 * libvirt answers; a failure is libvirt's own message.  persist: also the
 * domain's persistent config (VIR_DOMAIN_AFFECT_CONFIG), else only the
 * live domain. */
int virtsrc_attach(struct virtsrc *s, const char *dom, const char *xml,
    int persist, struct err *e);
/* virDomainDetachDeviceAlias: asks for the removal, which completes when
 * the guest lets go (DEVICE_REMOVED) or fails (DEVICE_REMOVAL_FAILED). */
int virtsrc_detach(struct virtsrc *s, const char *dom, const char *alias,
    int persist, struct err *e);
enum virtsrc_removal {
	VIRTSRC_RM_PENDING,	/* no event yet */
	VIRTSRC_RM_REMOVED,
	VIRTSRC_RM_FAILED,
};
/* What libvirt's events said of alias's removal, waiting up to wait_ms
 * for one.  virtsrc_detach forgets earlier events of alias first. */
enum virtsrc_removal virtsrc_removal(struct virtsrc *s, const char *dom,
    const char *alias, int wait_ms);
void virtsrc_snap_init(struct virtsrc_snap *sn);
void virtsrc_snap_free(struct virtsrc_snap *sn);

#endif
