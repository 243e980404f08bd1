/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtlib.c - what libvirt functions we use, loaded once per libvirt
 * source; see virtlib.h.
 *
 * libvirt is opened RTLD_NODELETE: once in, it stays mapped for the rest
 * of the process, even after the last source's virtlib_unload.  Unmapping
 * it would not be safe: libvirt keeps process-wide state (its
 * initialisation, the default event loop and the thread that runs it,
 * virtloop.c) and per-thread state (the last error) whose destructors run
 * when a thread that called libvirt exits, possibly long after the source
 * is gone.  So the handle is the source's to drop, the code is never
 * unloaded, and a second source's dlopen only finds it.
 */
#include "virt/virtlib.h"

#include <dlfcn.h>
#include <string.h>

/* dlsym's void * into the member's type (POSIX allows the conversion). */
#define LOAD(name) \
	if ((p = dlsym(l->handle, #name)) == NULL) { \
		missing = #name; \
		goto fail; \
	} \
	l->name = (__typeof__(name) *)p;

int
virtlib_load(struct virtlib *l, const char *soname, struct err *e)
{
	const char *missing;
	void *p;

	memset(l, 0, sizeof *l);
	dlerror();
	l->handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (l->handle == NULL) {
		const char *why = dlerror();

		return err_set(e, "cannot load libvirt (install it: apt-get "
		    "install libvirt0): %s", why ? why : soname);
	}
	VIRTLIB_FUNCS(LOAD)
	return 0;
fail:
	dlclose(l->handle);
	memset(l, 0, sizeof *l);
	return err_set(e, "%s has no %s: slotscope needs libvirt 4.4 or "
	    "later (apt-get install libvirt0)", soname, missing);
}

void
virtlib_unload(struct virtlib *l)
{
	if (l->handle != NULL)
		dlclose(l->handle);
	memset(l, 0, sizeof *l);
}
