/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetseen.c - a refresh that reads the bus it read last time: when
 * query-pci's reply is, byte for byte but for its id, the one whose parse
 * the instance keeps (in->live), it is not parsed again (qemu/mon.h's
 * mon_pci_seen: a siphash13 under the fleet's key, so a guest, which
 * writes the BAR addresses in it, cannot make another reply pass for it)
 * and the kept parse is taken instead (moved for the read and back).
 * The same bytes give the same parse, so nothing shown is a guess.  The
 * hash is kept only for a live that is the reply's parse alone: none when the anonymous devices' marks
 * (qemu/anon.h) or QOM's look behind unnumbered bridges (fleetqom.c) went
 * into it, and forgotten whenever another writer replaces in->live
 * (fleet_seen_forget).
 *
 * A read that hits may keep the view as well (fleet_seen_view): the slots,
 * capacity and buses are made from the bus, the runtime file and the
 * manager alone, so for an instance without a manager, whose bus is the
 * kept one with nothing marked in it, and whose runtime hashes as the one
 * the view was made from (store_rt_hash: every field), the view made then
 * is the view that would be made now.  The runtime is read every time, as
 * ever; a view written by anything else (a failed read's unknown states,
 * a manager set, another backend) is no longer one to keep. */
#include "fleet/fleetpriv.h"

#include <string.h>

#include "base/rnd.h"
#include "store/store.h"

void
fleet_seen_init(struct fleet *f)
{
	struct err e;

	/* no key, no hashing: every reply is read */
	if (rnd_bytes(f->pci_key, sizeof f->pci_key, &e) < 0)
		memset(f->pci_key, 0, sizeof f->pci_key);
}

void
fleet_seen_ask(const struct fleet *f, const struct ipriv *p,
    struct mon_pci_seen *out)
{
	memcpy(out->key, f->pci_key, sizeof out->key);
	out->seen = p->seen;
	out->seen_ok = p->seen_ok;
}

int
fleet_seen_take(struct fleet *f, size_t i)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;
	const struct mon_result *r = mon_result(p->m, p->opp);
	int rc;

	pci_info_free(&p->pci);
	p->next_ok = 0;
	p->hit = 0;
	if ((rc = mon_take_pci(p->m, p->opp, &p->pci)) < 0)
		return -1;
	if (rc == 1) {
		/* the kept parse of these bytes, moved here until the end
		 * of this read moves it back (what follows may mark it,
		 * anon.h).  No hash is kept for a bus with an unnumbered
		 * bridge (fleet_seen_keep), so no QOM phase comes between:
		 * fleet_finish follows at once. */
		if (pci_info_has_unnumbered(&in->live))
			return -1;	/* (cannot be: see there) */
		p->pci = in->live;
		pci_info_init(&in->live);
		p->next = p->seen;
		p->next_ok = 1;
		p->hit = 1;
		f->pci_seen++;
	} else if (r->pci_hashed) {
		p->next = r->pci_hash;
		p->next_ok = 1;
	}
	return 0;
}

/* Nothing but the reply went into p->pci: no anonymous device's mark,
 * no QOM look behind an unnumbered bridge, nor any to come. */
static int
unmarked(const struct ipriv *p)
{
	return p->nanon == 0 && !p->pci.qom_read &&
	    !pci_info_has_unnumbered(&p->pci);
}

void
fleet_seen_keep(struct ipriv *p)
{
	p->seen_ok = p->next_ok && unmarked(p);
	p->seen = p->next;
	p->next_ok = 0;
}

void
fleet_seen_forget(struct instance *in)
{
	struct ipriv *p = in->priv;

	if (p != NULL)
		p->seen_ok = p->next_ok = p->hit = p->view_ok = 0;
}

void
fleet_seen_unview(struct instance *in)
{
	struct ipriv *p = in->priv;

	if (p != NULL)
		p->view_ok = 0;
}

/* The view of in may be kept or made from p->pci as it is: no manager,
 * nothing marked in the bus. */
static int
plain(const struct instance *in, const struct ipriv *p)
{
	return in->mgr->kind == MGR_NONE && in->mi == NULL && unmarked(p);
}

int
fleet_seen_view(struct fleet *f, size_t i, const struct store_rt *rt,
    uint64_t *rth, uint32_t *confirmed)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;

	*rth = store_rt_hash(rt, f->pci_key);
	if (!p->hit || !p->view_ok || *rth != p->view_rt || !plain(in, p))
		return 0;
	*confirmed = p->view_confirmed;
	f->views_kept++;
	return 1;
}

void
fleet_seen_view_made(struct fleet *f, size_t i, uint64_t rth,
    uint32_t confirmed)
{
	struct instance *in = &f->inst[i];
	struct ipriv *p = in->priv;

	p->view_ok = (f->pci_key[0] | f->pci_key[1]) != 0 && plain(in, p);
	p->view_rt = rth;
	p->view_confirmed = confirmed;
}
