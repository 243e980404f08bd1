/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtsrc_int.h - struct virtsrc, shared by virtsrc.c (the worker, the
 * snapshots) and virtops.c (changes through the same connection). */
#ifndef SLOTSCOPE_VIRTSRC_INT_H
#define SLOTSCOPE_VIRTSRC_INT_H

#include <pthread.h>

#include "virt/virtlib.h"
#include "virt/virtsrc.h"

#define VIRTOPS_NRM 32

/* A DEVICE_REMOVED (failed 0) or DEVICE_REMOVAL_FAILED (1) event. */
struct virtops_rm {
	char dom[64];
	char alias[128];
	int failed;
};

#define NEVENTS 4

struct virtsrc {
	struct virtlib lib;		/* every libvirt call goes through it */
	char uri[1024];
	double interval;
	pthread_t worker;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int want, stop;
	int busy;			/* the worker is reading */
	int refs;			/* __atomic */
	int pipe[2];
	struct virtsrc_snap ready;	/* the newest, not yet taken */
	int have_ready;
	unsigned long seq;
	/* the worker's own; set and cleared under mu, borrowed by
	 * virtops.c (virConnectRef) */
	virConnectPtr conn;
	int cb[NEVENTS];
	/* removal events (virtops.c), a ring of the last VIRTOPS_NRM */
	pthread_cond_t rmcv;
	struct virtops_rm rm[VIRTOPS_NRM];
	size_t nrm;			/* ever recorded */
};

/* Record a removal event (libvirt's event thread). */
void virtops_removal_event(struct virtsrc *s, const char *dom,
    const char *alias, int failed);

#endif
