/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtloop.h - libvirt's process-wide setup for the libvirt sources
 * (virtsrc.h): virInitialize, libvirt's error printing to stderr turned
 * off (errors come back as messages), and libvirt's default event loop,
 * run by one thread of its own, which domain events need.
 *
 * libvirt makes these process-wide (one event implementation per
 * process, registered before the first connection), so this is the one
 * piece of core/virt kept per process, not per source: the first
 * virtloop_start does it with the caller's loaded table (virtlib.h), later
 * ones return what it did.  The thread is stopped at exit (atexit): exit()
 * runs the libraries' destructors (libssh's, for a qemu+libssh://
 * connection) while the loop may still be inside them, which crashed at
 * exit.  Nothing is allocated.
 */
#ifndef SLOTSCOPE_VIRTLOOP_H
#define SLOTSCOPE_VIRTLOOP_H

#include "base/err.h"
#include "virt/virtlib.h"

/* Set libvirt up and start its event loop, once per process; must precede
 * a source's first virConnectOpen.  0 when it runs (also when an earlier
 * call started it), -1 when it did not start (then it never will: e
 * repeats libvirt's reason). */
int virtloop_start(const struct virtlib *l, struct err *e);

#endif
