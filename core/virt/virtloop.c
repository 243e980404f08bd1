/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtloop.c - libvirt's process-wide setup and event loop thread; see
 * virtloop.h.
 *
 * The static state below is the loop's, which libvirt makes process-wide:
 * whether it was started, its thread, its stop flag, and the three libvirt
 * functions the thread and the exit handler call, copied from the table of
 * the source that started it (sources come and go; libvirt, opened
 * RTLD_NODELETE, stays mapped, so the copies stay valid).
 */
#include "virt/virtloop.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int started;		/* 0 not tried, 1 running, -1 failed */
static char why[200];		/* when it failed */
static pthread_t loop;
static int loop_stop;
static __typeof__(virEventRunDefaultImpl) *run_impl;
static __typeof__(virEventAddTimeout) *add_timeout;
static __typeof__(virEventRemoveTimeout) *remove_timeout;

static void
quiet(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

static void *
event_loop(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&loop_stop, __ATOMIC_ACQUIRE))
		if (run_impl() < 0)
			usleep(100000);
	return NULL;
}

static void
nudge(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
}

/* At exit: ask the loop to stop, wake it with a timer that fires at once,
 * and wait for it (2 s at most: a loop stuck in a library call is left
 * alone rather than hanging the exit). */
static void
stop_loop(void)
{
	struct timespec ts;
	int t;

	__atomic_store_n(&loop_stop, 1, __ATOMIC_RELEASE);
	t = add_timeout(0, nudge, NULL, NULL);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 2;
	if (pthread_timedjoin_np(loop, NULL, &ts) != 0)
		return;
	if (t >= 0)
		remove_timeout(t);
}

/* The setup proper (under mu): 1 or -1 with why filled. */
static int
setup(const struct virtlib *l)
{
	const char *m;

	if (l->virInitialize() < 0)
		goto fail;
	l->virSetErrorFunc(NULL, quiet);
	if (l->virEventRegisterDefaultImpl() < 0)
		goto fail;
	run_impl = l->virEventRunDefaultImpl;
	add_timeout = l->virEventAddTimeout;
	remove_timeout = l->virEventRemoveTimeout;
	if (pthread_create(&loop, NULL, event_loop, NULL) != 0) {
		snprintf(why, sizeof why, "cannot start its thread");
		return -1;
	}
	if (atexit(stop_loop) != 0) {
		pthread_detach(loop);
		snprintf(why, sizeof why, "cannot stop it at exit");
		return -1;
	}
	return 1;
fail:
	m = l->virGetLastErrorMessage();
	snprintf(why, sizeof why, "%s", m ? m : "unknown error");
	return -1;
}

int
virtloop_start(const struct virtlib *l, struct err *e)
{
	int st;

	pthread_mutex_lock(&mu);
	if (started == 0)
		started = setup(l);
	st = started;
	pthread_mutex_unlock(&mu);
	if (st < 0)
		return err_set(e, "libvirt's event loop did not start: %s",
		    why);
	return 0;
}
