/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtlib.h - the libvirt functions slotscope calls, loaded at run time
 * (dlopen of libvirt.so.0, dlsym of each) by the one that uses them.
 *
 * slotscope does not link libvirt: libvirt.so.0 brings some 50 shared
 * libraries and about 12 MiB of resident memory into a process before it
 * does anything, which a fleet of monitors alone never needs.  A libvirt
 * source (virtsrc.h) loads this table when it opens, so only a run with
 * `--libvirt` (or a `libvirt` config line) maps libvirt.
 *
 * VIRTLIB_FUNCS is the one list of what we use.  Each member is a pointer
 * of the type libvirt's own header declares (__typeof__ of the prototype
 * in <libvirt/libvirt.h>), named as the function, so a call through the
 * table (`l->virConnectOpen(uri)`) is checked against libvirt-dev's
 * declaration just as a direct call would be.
 *
 * Memory: the table is the caller's (a struct virtsrc holds one by
 * value); virtlib_load fills it, virtlib_unload drops its handle.  libvirt
 * itself is never unmapped once loaded (see virtlib.c).
 */
#ifndef SLOTSCOPE_VIRTLIB_H
#define SLOTSCOPE_VIRTLIB_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "base/err.h"

/* The library a source loads. */
#define VIRTLIB_SONAME "libvirt.so.0"

/* X(name) for every libvirt function called (the newest, in libvirt 4.4,
 * is virDomainDetachDeviceAlias). */
#define VIRTLIB_FUNCS(X) \
	X(virInitialize) \
	X(virSetErrorFunc) \
	X(virGetLastErrorMessage) \
	X(virEventRegisterDefaultImpl) \
	X(virEventRunDefaultImpl) \
	X(virEventAddTimeout) \
	X(virEventRemoveTimeout) \
	X(virConnectOpen) \
	X(virConnectRef) \
	X(virConnectClose) \
	X(virConnectIsAlive) \
	X(virConnectSetKeepAlive) \
	X(virConnectGetURI) \
	X(virConnectGetHostname) \
	X(virConnectGetLibVersion) \
	X(virConnectListAllDomains) \
	X(virConnectDomainEventRegisterAny) \
	X(virConnectDomainEventDeregisterAny) \
	X(virDomainLookupByName) \
	X(virDomainFree) \
	X(virDomainGetName) \
	X(virDomainGetUUIDString) \
	X(virDomainGetState) \
	X(virDomainGetXMLDesc) \
	X(virDomainAttachDeviceFlags) \
	X(virDomainDetachDeviceAlias)

#define VIRTLIB_MEMBER(name) __typeof__(name) *name;

struct virtlib {
	void *handle;		/* dlopen's; NULL when not loaded */
	VIRTLIB_FUNCS(VIRTLIB_MEMBER)
};

/* Load soname (VIRTLIB_SONAME; another name only for tests) and every
 * function of the list into l.  On failure l is left cleared, nothing
 * stays loaded, and e says what to do: "cannot load libvirt (...): is
 * libvirt installed? (Debian: apt-get install libvirt0)", or which
 * function an old libvirt lacks. */
int virtlib_load(struct virtlib *l, const char *soname, struct err *e);
/* Drop l's handle and clear l (harmless on a cleared one). */
void virtlib_unload(struct virtlib *l);

#endif
