/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetinst.c - one instance's own state beside the refresh engine: its
 * messages (allocated only when there is one: most instances have
 * none), its journal note (counted, so a look for noted instances walks
 * the fleet only when some are), a flow's reply handed over for its next
 * refresh (fleet_session_anon), and freeing what it holds.  See fleet.h.
 */
#include "fleet/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "fleet/fleetpriv.h"
#include "qemu/mon.h"
#include "qemu/qom.h"

static const char oom[] = "out of memory";

void
fleet_set_msg(const char **dst, const char *msg)
{
	char *c = NULL;

	if (*dst != NULL && (*dst)[0] != '\0' && *dst != oom)
		free((char *)*dst);
	if (msg != NULL && msg[0] != '\0' && (c = strdup(msg)) == NULL) {
		*dst = oom;
		return;
	}
	*dst = c ? c : "";
}

static void
priv_free(struct instance *in)
{
	struct ipriv *p = in->priv;

	if (p == NULL)
		return;
	mon_free(p->m);
	pci_info_free(&p->pci);
	qom_scan_free(&p->scan);
	free(p->anon_text);
	free(p);
	in->priv = NULL;
}

void
fleet_inst_free(struct instance *in)
{
	size_t k;

	priv_free(in);
	fleet_mgr_free(in);
	if (in->mgr != &fleet_mgr_none)
		free((struct mgr_ref *)in->mgr);
	in->mgr = &fleet_mgr_none;
	pci_info_free(&in->live);
	for (k = 0; k < in->nbus; k++)
		slotpack_free(&in->bus[k].slots);
	free(in->bus);
	slotpack_free(&in->slots);
	slotpack_free(&in->last);
	fleet_set_msg(&in->error, NULL);
	fleet_set_msg(&in->rt_error, NULL);
	fleet_set_msg(&in->mgr_error, NULL);
}

void
fleet_set_journal(struct fleet *f, size_t i, int on)
{
	struct instance *in = &f->inst[i];

	on = on != 0;
	if (in->journal == on)
		return;
	in->journal = on;
	if (on)
		f->njournal++;
	else if (f->njournal > 0)
		f->njournal--;
}

void
fleet_set_refreshing(struct fleet *f, size_t i, int on)
{
	struct instance *in = &f->inst[i];

	on = on != 0;
	if (in->refreshing == on)
		return;
	in->refreshing = on;
	if (on)
		f->nrefreshing++;
	else if (f->nrefreshing > 0)
		f->nrefreshing--;
}

/* The flow's reply kept for the next refresh (fleet.c's ask_anon). */
int
fleet_session_anon(struct fleet *f, size_t i, const char *text)
{
	struct ipriv *p;

	if (fleet_session(f, i) == NULL || text == NULL)
		return -1;
	p = f->inst[i].priv;
	free(p->anon_text);
	p->anon_text = strdup(text);
	return p->anon_text != NULL ? 0 : -1;
}

const struct mon_result *
fleet_anon_reply(struct ipriv *p, struct mon_result *tmp)
{
	if (p->anon_text == NULL)
		return mon_result(p->m, p->opa);
	memset(tmp, 0, sizeof *tmp);
	tmp->op = MON_OP_RAW;
	tmp->done = tmp->ok = 1;
	tmp->text = p->anon_text;
	return tmp;
}

void
fleet_anon_drop(struct ipriv *p)
{
	free(p->anon_text);
	p->anon_text = NULL;
}
