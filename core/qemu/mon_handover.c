/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_handover.c - an idle open session moved from one struct mon to
 * another (mon_hand_over, mon.h): a hotplug flow's connection goes on
 * as the fleet's refresh of the same instance, which then needs no new
 * connection, greeting or negotiation.  The connection's state moves
 * whole (socket, protocol, greeting, the command ids' salt and sequence,
 * bytes read and not yet used); the events the flow saw stay with it.
 * The bus the flow read last can answer the refresh's query-pci: nothing
 * was sent in between, so asking again would only repeat the answer. */
#include "qemu/mon_int.h"

#include <string.h>

void
mon_handed_drop(struct mon *m)
{
	pci_info_free(&m->handed);
	m->handed_ok = 0;
}

int
mon_handed_pci(struct mon *m, struct mon_task *t)
{
	if (!m->handed_ok || t->r.op != MON_OP_QUERY_PCI)
		return 0;
	pci_info_free(&t->r.pci);
	t->r.pci = m->handed;		/* moved: asked once */
	pci_info_init(&m->handed);
	m->handed_ok = 0;
	mon_task_finish(m, 1, MONERR_NONE, NULL);
	return 1;
}

/* A copy of live into to->handed: 0, or -1 (then nothing is handed). */
static int
hand_bus(struct mon *to, const struct pci_info *live)
{
	struct err e;
	size_t i;

	for (i = 0; i < live->n; i++)
		if (pci_info_add(&to->handed, &live->fn[i], &e) < 0) {
			mon_handed_drop(to);
			return -1;
		}
	to->handed.qom_read = live->qom_read;
	to->handed_ok = 1;
	return 0;
}

int
mon_hand_over(struct mon *from, struct mon *to, const struct pci_info *live,
    struct err *e)
{
	char *in;
	size_t incap;

	if (mon_status(from) != MON_IDLE || from->fd < 0 ||
	    from->outoff < from->outlen || from->out_fd >= 0)
		return err_set(e, "the monitor session is not idle");
	if (to->fd >= 0 || to->nops > 0 || to->adopt_fd >= 0 ||
	    to->no_endpoint || from->no_endpoint ||
	    strcmp(from->epstr, to->epstr) != 0)
		return err_set(e, "the session cannot take this connection");
	mon_reset(to);		/* no input buffer, no events */
	to->fd = from->fd;
	to->proto = from->proto;
	to->greeting = from->greeting;
	to->greeting_ok = from->greeting_ok;
	to->qsalt = from->qsalt;
	to->qseq = from->qseq;
	memcpy(to->qid, from->qid, sizeof to->qid);
	in = from->in;
	incap = from->incap;
	to->in = in;
	to->incap = incap;
	to->inlen = from->inlen;
	to->st = MON_S_IDLE;
	to->wait = MON_W_NONE;
	to->deadline = -1;
	from->fd = -1;		/* now to's: mon_close must not close it */
	from->in = NULL;
	from->inlen = from->incap = 0;
	mon_close(from);
	if (live != NULL)
		(void)hand_bus(to, live);	/* or it asks */
	return 0;
}
