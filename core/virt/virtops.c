/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtops.c - changes to a domain through a source's libvirt connection
 * (virtsrc.h): attach, detach by alias, and the removal events.
 *
 * The caller's thread borrows the worker's connection (virConnectRef under
 * the mutex; libvirt's connections may be used from several threads), so
 * libvirt's error, which is per thread, is this call's own. */
#include "virt/virtsrc.h"
#include "virt/virtsrc_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static virConnectPtr
borrow(struct virtsrc *s, struct err *e)
{
	virConnectPtr c;

	pthread_mutex_lock(&s->mu);
	c = s->conn;
	if (c != NULL)
		s->lib.virConnectRef(c);
	pthread_mutex_unlock(&s->mu);
	if (c == NULL)
		err_set(e, "libvirt %s is not connected (see the instance's "
		    "error)", s->uri);
	return c;
}

static int
lv_fail(const struct virtsrc *s, struct err *e, const char *what,
    const char *dom)
{
	const char *m = s->lib.virGetLastErrorMessage();

	return err_set(e, "libvirt: %s %s: %s", what, dom,
	    m ? m : "unknown error");
}

static unsigned
flags(int persist)
{
	return VIR_DOMAIN_AFFECT_LIVE | (persist ? VIR_DOMAIN_AFFECT_CONFIG :
	    0);
}

int
virtsrc_attach(struct virtsrc *s, const char *dom, const char *xml,
    int persist, struct err *e)
{
	virConnectPtr c = borrow(s, e);
	virDomainPtr d;
	int rc = 0;

	if (c == NULL)
		return -1;
	if ((d = s->lib.virDomainLookupByName(c, dom)) == NULL)
		rc = lv_fail(s, e, "no domain", dom);
	else if (s->lib.virDomainAttachDeviceFlags(d, xml,
	    flags(persist)) < 0)
		rc = lv_fail(s, e, "cannot attach the device to", dom);
	if (d != NULL)
		s->lib.virDomainFree(d);
	s->lib.virConnectClose(c);
	if (rc == 0)
		virtsrc_refresh(s);
	return rc;
}

/* Drop the records of alias (under mu). */
static void
forget(struct virtsrc *s, const char *dom, const char *alias)
{
	size_t k;

	for (k = 0; k < VIRTOPS_NRM; k++)
		if (strcmp(s->rm[k].dom, dom) == 0 &&
		    strcmp(s->rm[k].alias, alias) == 0)
			s->rm[k].dom[0] = s->rm[k].alias[0] = '\0';
}

int
virtsrc_detach(struct virtsrc *s, const char *dom, const char *alias,
    int persist, struct err *e)
{
	virConnectPtr c = borrow(s, e);
	virDomainPtr d;
	int rc = 0;

	if (c == NULL)
		return -1;
	pthread_mutex_lock(&s->mu);
	forget(s, dom, alias);
	pthread_mutex_unlock(&s->mu);
	if ((d = s->lib.virDomainLookupByName(c, dom)) == NULL)
		rc = lv_fail(s, e, "no domain", dom);
	else if (s->lib.virDomainDetachDeviceAlias(d, alias,
	    flags(persist)) < 0)
		rc = lv_fail(s, e, "cannot detach the device from", dom);
	if (d != NULL)
		s->lib.virDomainFree(d);
	s->lib.virConnectClose(c);
	virtsrc_refresh(s);
	return rc;
}

void
virtops_removal_event(struct virtsrc *s, const char *dom, const char *alias,
    int failed)
{
	struct virtops_rm *r;

	if (dom == NULL || alias == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	r = &s->rm[s->nrm++ % VIRTOPS_NRM];
	snprintf(r->dom, sizeof r->dom, "%s", dom);
	snprintf(r->alias, sizeof r->alias, "%s", alias);
	r->failed = failed;
	pthread_cond_broadcast(&s->rmcv);
	pthread_mutex_unlock(&s->mu);
}

static enum virtsrc_removal
seen(const struct virtsrc *s, const char *dom, const char *alias)
{
	size_t k;

	for (k = 0; k < VIRTOPS_NRM; k++)
		if (strcmp(s->rm[k].dom, dom) == 0 &&
		    strcmp(s->rm[k].alias, alias) == 0)
			return s->rm[k].failed ? VIRTSRC_RM_FAILED :
			    VIRTSRC_RM_REMOVED;
	return VIRTSRC_RM_PENDING;
}

enum virtsrc_removal
virtsrc_removal(struct virtsrc *s, const char *dom, const char *alias,
    int wait_ms)
{
	enum virtsrc_removal r;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += wait_ms / 1000;
	ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while ((r = seen(s, dom, alias)) == VIRTSRC_RM_PENDING &&
	    wait_ms > 0 &&
	    pthread_cond_timedwait(&s->rmcv, &s->mu, &ts) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&s->mu);
	return r;
}
