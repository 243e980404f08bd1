/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetback.c - the table of the fleet's backends (fleetback.h), and
 * what a backend other than the QEMU monitor (fleetvirt.c: libvirt) uses
 * to put its instances into the fleet: add one, publish a refresh's view,
 * and the display order that keeps each source's rows together.  See
 * fleet.h. */
#include "fleet/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "fleet/fleetback.h"
#include "fleet/fleetpriv.h"
#include "store/store.h"

const struct fleet_backend *const fleet_backends[FLEET_BACK_N] = {
	[FLEET_BACK_MONITOR] = &fleet_backend_monitor,
	[FLEET_BACK_LIBVIRT] = &fleet_backend_libvirt,
	[FLEET_BACK_AGENT] = &fleet_backend_agent,
};

const struct fleet_backend *
fleet_backend_of(const struct fleet *f, size_t i)
{
	int b = i < f->n ? f->inst[i].back : FLEET_BACK_MONITOR;

	if (b < 0 || b >= FLEET_BACK_N)
		b = FLEET_BACK_MONITOR;
	return fleet_backends[b];
}

/* Where an instance's rows go: by backend, then by source. */
static int
before(const struct instance *a, const struct instance *b)
{
	if (a->back != b->back)
		return a->back < b->back;
	return a->src < b->src;
}

void
fleet_display_order(const struct fleet *f, size_t *order)
{
	size_t i, n = 0;

	/* monitors as they came, then the sources' rows: an insertion
	 * into the sources' part, stable (their instances are few and
	 * come grouped already) */
	for (i = 0; i < f->n; i++)
		if (f->inst[i].back == FLEET_BACK_MONITOR)
			order[n++] = i;
	for (i = 0; i < f->n; i++) {
		size_t k;

		if (f->inst[i].back == FLEET_BACK_MONITOR)
			continue;
		for (k = n; k > 0 && f->inst[order[k - 1]].back !=
		    FLEET_BACK_MONITOR && before(&f->inst[i],
		    &f->inst[order[k - 1]]); k--)
			order[k] = order[k - 1];
		order[k] = i;
		n++;
	}
}

int
fleet_add_backend(struct fleet *f, const char *name, const char *endpoint,
    int back, int src, struct err *e)
{
	struct ipriv *p;
	int i;

	{
		/* NAME@HOST (libvirt) or HOST/NAME (agent): both halves as
		 * store_check_name has them */
		const char *at = strchr(name, '@');
		char dom[64];

		if (at == NULL)
			at = strchr(name, '/');
		if (at != NULL && ((size_t)(at - name) >= sizeof dom ||
		    strlen(name) > STORE_NAME_MAX))
			return err_set(e, "instance name %s is too long", name);
		if (at != NULL) {
			memcpy(dom, name, (size_t)(at - name));
			dom[at - name] = '\0';
		}
		if (store_check_name(at ? dom : name, e) < 0 ||
		    (at != NULL && store_check_name(at + 1, e) < 0))
			return -1;
	}
	if (fleet_find_exact(f, name) >= 0)
		return err_set(e, "instance %s is given twice", name);
	if ((p = calloc(1, sizeof *p)) == NULL)
		return err_set(e, "out of memory");
	if ((i = fleet_append(f, name, endpoint, p, e)) < 0)
		return -1;
	f->inst[i].back = back;
	f->inst[i].src = src;
	f->nother++;
	return i;
}

void
fleet_publish(struct fleet *f, size_t i, struct pci_info *live,
    const struct store_rt *rt, double now)
{
	struct instance *in = &f->inst[i];
	uint64_t before = fleet_view_hash(in);
	struct slot_view nv[32];

	state_reconcile(live, rt, nv);
	if (fleet_backend_of(f, i)->owners != NULL)
		fleet_backend_of(f, i)->owners(f, i, nv);
	/* changes against the last read view (an unreadable time between
	 * is no change), as fleet.c's finish() */
	if (in->last_read > 0)
		fleet_add_changes(f, i, nv);
	slotpack_set(&in->slots, nv);
	slotpack_copy(&in->last, &in->slots);
	in->last_read = now;
	fleet_seen_forget(in);
	pci_info_free(&in->live);
	in->live = *live;
	pci_info_init(live);
	in->conn = INST_OK;
	fleet_set_msg(&in->error, NULL);
	fleet_set_refreshing(f, i, 0);
	in->last_refresh = now;
	if (fleet_view_hash(in) != before)
		f->gen++;
}
