/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtsrc.c - a libvirt connection read by a worker thread; see
 * virtsrc.h.
 *
 * Threads: the caller's (open, refresh, take, close), the source's worker
 * (every libvirt call of this connection) and libvirt's event loop thread
 * (the event callbacks, which only ask the worker for a refresh).  The
 * mutex guards want, stop and the ready snapshot.  The struct is freed
 * when its last reference goes: the caller's (virtsrc_close, after the
 * worker is joined) and one per event registration (libvirt's freecb,
 * called once no callback can run any more).  Every libvirt call goes
 * through the source's own table (s->lib, virtlib.h), loaded when it
 * opens; libvirt's process-wide setup is virtloop.c's.
 */
#include "virt/virtsrc.h"
#include "virt/virtsrc_int.h"
#include "virt/virtloop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *
virtsrc_default_uri(void)
{
	const char *u = getenv("LIBVIRT_DEFAULT_URI");

	return u != NULL && *u != '\0' ? u : "qemu:///system";
}

void
virtsrc_snap_init(struct virtsrc_snap *sn)
{
	memset(sn, 0, sizeof *sn);
}

void
virtsrc_snap_free(struct virtsrc_snap *sn)
{
	size_t i;

	for (i = 0; i < sn->n; i++)
		domxml_free(&sn->dom[i].xml);
	free(sn->dom);
	virtsrc_snap_init(sn);
}

static void
unref(void *opaque)
{
	struct virtsrc *s = opaque;

	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	virtsrc_snap_free(&s->ready);
	close(s->pipe[0]);
	close(s->pipe[1]);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	pthread_cond_destroy(&s->rmcv);
	virtlib_unload(&s->lib);
	free(s);
}

/* An event: refresh at once. */
static void
wake(struct virtsrc *s)
{
	pthread_mutex_lock(&s->mu);
	s->want = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static int
on_lifecycle(virConnectPtr c, virDomainPtr d, int ev, int detail, void *op)
{
	(void)c;
	(void)d;
	(void)ev;
	(void)detail;
	wake(op);
	return 0;
}

static void
on_device(virConnectPtr c, virDomainPtr d, const char *alias, void *op)
{
	(void)c;
	(void)d;
	(void)alias;
	wake(op);
}

static void
on_removed(virConnectPtr c, virDomainPtr d, const char *alias, void *op)
{
	struct virtsrc *s = op;

	(void)c;
	virtops_removal_event(s, s->lib.virDomainGetName(d), alias, 0);
	wake(op);
}

static void
on_removal_failed(virConnectPtr c, virDomainPtr d, const char *alias,
    void *op)
{
	struct virtsrc *s = op;

	(void)c;
	virtops_removal_event(s, s->lib.virDomainGetName(d), alias, 1);
	wake(op);
}

/* How much of the URI a message shows: all of a short one; a long one
 * without its query (a remote URI's keyfile=, known_hosts=, command=
 * paths would crowd libvirt's words out of a message that ends up in a
 * 256-byte error), "?..." then saying there was one. */
static int
uri_len(const char *uri)
{
	size_t n = strlen(uri);

	if (n > 100)
		n = strcspn(uri, "?");
	return (int)(n > 100 ? 100 : n);
}

static void
set_error(const struct virtsrc *s, struct virtsrc_snap *sn, const char *what)
{
	const char *m = s->lib.virGetLastErrorMessage();

	snprintf(sn->error, sizeof sn->error, "libvirt %.*s%s: %s: %s",
	    uri_len(sn->uri), sn->uri, strlen(sn->uri) > (size_t)uri_len(
	    sn->uri) ? "?..." : "", what, m ? m : "unknown error");
	sn->ok = 0;
}

static void
disconnect(struct virtsrc *s)
{
	virConnectPtr c = s->conn;
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < NEVENTS; i++)
		if (s->cb[i] >= 0)
			s->lib.virConnectDomainEventDeregisterAny(s->conn,
			    s->cb[i]);
	pthread_mutex_lock(&s->mu);
	s->conn = NULL;
	pthread_mutex_unlock(&s->mu);
	s->lib.virConnectClose(c);
}

static int
connect_to(struct virtsrc *s, struct virtsrc_snap *sn)
{
	static const int ids[NEVENTS] = { VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
	    VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
	    VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED };
	int i;

	if (s->conn != NULL && s->lib.virConnectIsAlive(s->conn) == 1)
		return 0;
	disconnect(s);
	{
		virConnectPtr c = s->lib.virConnectOpen(s->uri);

		if (c == NULL) {
			set_error(s, sn, "cannot connect");
			return -1;
		}
		pthread_mutex_lock(&s->mu);
		s->conn = c;	/* virtops.c borrows it under the mutex */
		pthread_mutex_unlock(&s->mu);
	}
	s->lib.virConnectSetKeepAlive(s->conn, 5, 3);
	for (i = 0; i < NEVENTS; i++) {
		virConnectDomainEventGenericCallback cb = i == 0 ?
		    VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle) : i == 2 ?
		    VIR_DOMAIN_EVENT_CALLBACK(on_removed) : i == 3 ?
		    VIR_DOMAIN_EVENT_CALLBACK(on_removal_failed) :
		    VIR_DOMAIN_EVENT_CALLBACK(on_device);

		__atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
		s->cb[i] = s->lib.virConnectDomainEventRegisterAny(s->conn,
		    NULL, ids[i], cb, s, unref);
		if (s->cb[i] < 0)	/* no freecb call for a failed one */
			__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
	}
	return 0;
}

static const char *
state_name(int st)
{
	switch (st) {
	case VIR_DOMAIN_RUNNING: return "running";
	case VIR_DOMAIN_BLOCKED: return "blocked";
	case VIR_DOMAIN_PAUSED: return "paused";
	case VIR_DOMAIN_SHUTDOWN: return "shutting down";
	case VIR_DOMAIN_SHUTOFF: return "shut off";
	case VIR_DOMAIN_CRASHED: return "crashed";
	case VIR_DOMAIN_PMSUSPENDED: return "suspended";
	default: return "unknown";
	}
}

/* One domain into sn->dom[sn->n]. */
static void
read_dom(const struct virtlib *l, virDomainPtr d, unsigned long libver,
    struct virtsrc_dom *o)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	const char *name = l->virDomainGetName(d);
	int st = 0, reason = 0;
	char *xml;
	struct err e;

	memset(o, 0, sizeof *o);
	snprintf(o->name, sizeof o->name, "%s", name ? name : "?");
	if (l->virDomainGetUUIDString(d, uuid) == 0)
		snprintf(o->uuid, sizeof o->uuid, "%s", uuid);
	if (l->virDomainGetState(d, &st, &reason, 0) == 0)
		snprintf(o->state, sizeof o->state, "%s", state_name(st));
	domxml_init(&o->xml);
	if ((xml = l->virDomainGetXMLDesc(d, 0)) == NULL) {
		snprintf(o->error, sizeof o->error, "no live XML: %s",
		    l->virGetLastErrorMessage());
		return;
	}
	if (domxml_parse(xml, strlen(xml), &o->xml, &e) < 0)
		snprintf(o->error, sizeof o->error, "%s", e.msg);
	o->xml.libvirt = libver;	/* how libvirt names the disks' nodes */
	free(xml);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct virtsrc_dom *)a)->name,
	    ((const struct virtsrc_dom *)b)->name);
}

static void
read_all(struct virtsrc *s, struct virtsrc_snap *sn)
{
	virDomainPtr *doms = NULL;
	unsigned long libver = 0;
	char *p;
	int n, i;

	snprintf(sn->uri, sizeof sn->uri, "%s", s->uri);
	if (connect_to(s, sn) < 0)
		return;
	if ((p = s->lib.virConnectGetURI(s->conn)) != NULL) {
		snprintf(sn->uri, sizeof sn->uri, "%s", p);
		free(p);
	}
	if ((p = s->lib.virConnectGetHostname(s->conn)) != NULL) {
		snprintf(sn->host, sizeof sn->host, "%s", p);
		free(p);
	}
	if (s->lib.virConnectGetLibVersion(s->conn, &libver) < 0)
		libver = 0;	/* the daemon's libvirt: unknown */
	n = s->lib.virConnectListAllDomains(s->conn, &doms,
	    VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		set_error(s, sn, "cannot list domains");
		disconnect(s);
		return;
	}
	sn->dom = calloc(n > 0 ? (size_t)n : 1, sizeof *sn->dom);
	for (i = 0; i < n; i++) {
		if (sn->dom != NULL)
			read_dom(&s->lib, doms[i], libver,
			    &sn->dom[sn->n++]);
		s->lib.virDomainFree(doms[i]);
	}
	free(doms);
	if (sn->dom == NULL) {
		snprintf(sn->error, sizeof sn->error, "out of memory");
		return;
	}
	qsort(sn->dom, sn->n, sizeof *sn->dom, by_name);
	sn->ok = 1;
}

static void
deadline(struct timespec *ts, double secs)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)secs;
	ts->tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *
work(void *arg)
{
	struct virtsrc *s = arg;
	struct timespec ts;
	char one = 1;
	ssize_t w;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		deadline(&ts, s->interval);
		while (!s->want && !s->stop &&
		    pthread_cond_timedwait(&s->cv, &s->mu, &ts) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		s->want = 0;
		s->busy = 1;
		pthread_mutex_unlock(&s->mu);
		{
			struct virtsrc_snap sn;

			virtsrc_snap_init(&sn);
			read_all(s, &sn);
			pthread_mutex_lock(&s->mu);
			virtsrc_snap_free(&s->ready);
			sn.seq = ++s->seq;
			s->ready = sn;
			s->have_ready = 1;
			s->busy = 0;
			pthread_mutex_unlock(&s->mu);
			/* a full pipe (EAGAIN) already says it */
			w = write(s->pipe[1], &one, 1);
			(void)w;
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	disconnect(s);
	return NULL;
}

struct virtsrc *
virtsrc_open(const char *uri, double interval, struct err *e)
{
	struct virtsrc *s;
	int i;

	if (uri == NULL || *uri == '\0')
		uri = virtsrc_default_uri();
	if (strlen(uri) >= sizeof s->uri)
		return err_set(e, "the libvirt URI is too long: at most %zu "
		    "bytes", sizeof s->uri - 1), NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return err_set(e, "out of memory"), NULL;
	/* libvirt is loaded here, by the first source, and never before */
	if (virtlib_load(&s->lib, VIRTLIB_SONAME, e) < 0) {
		free(s);
		return NULL;
	}
	if (virtloop_start(&s->lib, e) < 0) {
		virtlib_unload(&s->lib);
		free(s);
		return NULL;
	}
	snprintf(s->uri, sizeof s->uri, "%s", uri);
	s->interval = interval > 0 ? interval : 2.0;
	s->want = 1;
	s->refs = 1;
	for (i = 0; i < NEVENTS; i++)
		s->cb[i] = -1;
	virtsrc_snap_init(&s->ready);
	if (pipe2(s->pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		virtlib_unload(&s->lib);
		free(s);
		return err_set(e, "pipe: %s", strerror(errno)), NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_cond_init(&s->rmcv, NULL);
	if (pthread_create(&s->worker, NULL, work, s) != 0) {
		unref(s);
		return err_set(e, "cannot start the libvirt worker"), NULL;
	}
	return s;
}

void
virtsrc_close(struct virtsrc *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->worker, NULL);
	unref(s);
}

const char *
virtsrc_uri(const struct virtsrc *s)
{
	return s->uri;
}

int
virtsrc_fd(const struct virtsrc *s)
{
	return s->pipe[0];
}

unsigned long
virtsrc_refresh(struct virtsrc *s)
{
	unsigned long t;

	pthread_mutex_lock(&s->mu);
	s->want = 1;
	/* a read under way began before this call: the next one is ours */
	t = s->seq + 1 + (unsigned long)s->busy;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return t;
}

int
virtsrc_take(struct virtsrc *s, struct virtsrc_snap *out)
{
	char buf[64];
	int got = 0;

	while (read(s->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&s->mu);
	if (s->have_ready) {
		virtsrc_snap_free(out);
		*out = s->ready;
		virtsrc_snap_init(&s->ready);
		s->have_ready = 0;
		got = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return got;
}

int
virtsrc_wait(struct virtsrc *s, struct virtsrc_snap *out, int timeout_ms)
{
	struct pollfd p = { .fd = s->pipe[0], .events = POLLIN };

	if (virtsrc_take(s, out))
		return 1;
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	return virtsrc_take(s, out);
}
