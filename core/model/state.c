/* state.c - slot states and the slot rules; see state.h. */
#include "model/state.h"

#include <stdio.h>
#include <string.h>

static const char *const names[SLOT_NSTATES] = {
	"free", "reserved", "builtin", "used", "foreign", "missing",
	"unplugging",
};

const char *
slot_state_name(enum slot_state s)
{
	if ((unsigned)s < SLOT_NSTATES)
		return names[s];
	return "?";
}

int
slot_state_parse(const char *buf, size_t len, enum slot_state *out,
    struct err *e)
{
	int i;

	for (i = 0; i < SLOT_NSTATES; i++)
		if (strlen(names[i]) == len && memcmp(names[i], buf, len) == 0) {
			*out = (enum slot_state)i;
			return 0;
		}
	return err_set(e, "unknown slot state '%.*s': expected free, reserved, "
	    "builtin, used, foreign, missing or unplugging",
	    (int)(len > 32 ? 32 : len), buf);
}

static void
copy(char *dst, size_t sz, const char *src)
{
	snprintf(dst, sz, "%s", src);
}

uint32_t
state_reconcile(const struct pci_info *live, const struct store_rt *rt,
    struct slot_view out[32])
{
	uint32_t done = 0;
	int s;

	for (s = 0; s < 32; s++) {
		struct slot_view *v = &out[s];
		const struct pci_fn *fn[8];
		const struct store_dev *d = NULL;
		const char *liveid = NULL;
		size_t n, k;

		memset(v, 0, sizeof *v);
		v->reserved = slotmap_is_free(&rt->reserved, s) == 0;
		n = pci_info_slot(live, s, fn, 8);
		v->nfn = (int)n;
		if (n > 8)
			n = 8;
		if (n > 0) {
			/* Another device took the slot of one whose unplug
			 * was pending: that unplug is confirmed too. */
			d = store_find_slot(rt, s);
			if (d != NULL && d->state == STORE_DEV_UNPLUGGING &&
			    pci_info_find_id(live, d->id) == NULL)
				done |= (uint32_t)1 << s;
			d = NULL;
			/* Prefer an id the runtime knows, then any id. */
			for (k = 0; k < n; k++) {
				if (fn[k]->id[0] == '\0')
					continue;
				if (liveid == NULL)
					liveid = fn[k]->id;
				if ((d = store_find_id(rt, fn[k]->id)) != NULL) {
					liveid = fn[k]->id;
					break;
				}
			}
			if (liveid == NULL) {
				v->state = SLOT_BUILTIN;
				continue;
			}
			copy(v->id, sizeof v->id, liveid);
			if (d == NULL) {
				v->state = SLOT_FOREIGN;
				continue;
			}
			v->state = d->state == STORE_DEV_UNPLUGGING ?
			    SLOT_UNPLUGGING : SLOT_USED;
			copy(v->type, sizeof v->type, d->type);
			copy(v->uuid, sizeof v->uuid, d->uuid);
			continue;
		}
		d = store_find_slot(rt, s);
		if (d != NULL && d->state == STORE_DEV_PLUGGED) {
			v->state = SLOT_MISSING;
			copy(v->id, sizeof v->id, d->id);
			copy(v->type, sizeof v->type, d->type);
			copy(v->uuid, sizeof v->uuid, d->uuid);
			continue;
		}
		if (d != NULL && pci_info_find_id(live, d->id) == NULL)
			done |= (uint32_t)1 << s;
		v->state = v->reserved ? SLOT_RESERVED : SLOT_FREE;
	}
	return done;
}

struct slotmap
state_taken(const struct pci_info *live, const struct store_rt *rt)
{
	struct slotmap m = rt->reserved;
	size_t i;

	m.bits |= pci_info_bus0_mask(live);
	for (i = 0; i < rt->ndev; i++)
		if (slotmap_valid_slot(rt->dev[i].slot))
			m.bits |= (uint32_t)1 << rt->dev[i].slot;
	return m;
}

int
state_first_free(const struct pci_info *live, const struct store_rt *rt,
    struct err *e)
{
	struct slotmap m = state_taken(live, rt);

	return slotmap_first_free(&m, 0, e);
}

/* Why a slot has something on it, or 0 when nothing live and no runtime
 * device is there. */
static int
occupied(const struct pci_info *live, const struct store_rt *rt, int slot,
    const char *what, struct err *e)
{
	const struct pci_fn *fn[8];
	const struct store_dev *d;
	size_t n, k;

	n = pci_info_slot(live, slot, fn, 8);
	if (n > 8)
		n = 8;
	for (k = 0; k < n; k++)
		if (fn[k]->id[0] != '\0')
			return err_set(e, "slot %d has a live device (%s); %s",
			    slot, fn[k]->id, what);
	if (n > 0)
		return err_set(e, "slot %d has a built-in device; %s", slot,
		    what);
	if ((d = store_find_slot(rt, slot)) != NULL)
		return err_set(e, "slot %d belongs to %s (%s in the runtime "
		    "file); %s", slot, d->id,
		    d->state == STORE_DEV_UNPLUGGING ? "unplugging" : "missing",
		    what);
	return 0;
}

int
state_check_new_slot(const struct pci_info *live, const struct store_rt *rt,
    int slot, struct err *e)
{
	if (slotmap_check_slot(slot, e) < 0)
		return -1;
	if (slotmap_is_free(&rt->reserved, slot) == 0)
		return err_set(e, "slot %d is reserved; free it first or choose "
		    "another slot", slot);
	return occupied(live, rt, slot, "choose another slot", e);
}

int
state_check_reserve(const struct pci_info *live, const struct store_rt *rt,
    int slot, struct err *e)
{
	if (slotmap_check_slot(slot, e) < 0)
		return -1;
	if (slotmap_is_free(&rt->reserved, slot) == 0)
		return err_set(e, "slot %d is already reserved", slot);
	return occupied(live, rt, slot, "reserve refuses a slot in use", e);
}

int
state_check_free(const struct pci_info *live, const struct store_rt *rt,
    int slot, int force, struct err *e)
{
	const struct pci_fn *fn[1];

	if (slotmap_check_slot(slot, e) < 0)
		return -1;
	if (slotmap_is_free(&rt->reserved, slot) == 1)
		return err_set(e, "slot %d is not reserved", slot);
	if (!force && pci_info_slot(live, slot, fn, 1) > 0)
		return err_set(e, "slot %d has a live device (%s); add --force "
		    "to free it anyway", slot,
		    fn[0]->id[0] ? fn[0]->id : "built-in");
	return 0;
}
