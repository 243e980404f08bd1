/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mon_results.c - what a monitor session leaves for its caller (see
 * mon.h): each op's result, the transport failure, the protocol and
 * endpoint, and the QMP events kept for mon_take_event(). */
#include "qemu/mon_int.h"

#include <stdlib.h>
#include <string.h>

void
mon_push_event(struct mon *m, json_t *ev)
{
	if (m->nev == MON_MAX_EVENTS) {
		json_decref(m->ev[0]);
		memmove(m->ev, m->ev + 1, (m->nev - 1) * sizeof m->ev[0]);
		m->nev--;
	}
	if (m->nev == m->capev) {
		size_t cap = m->capev ? m->capev * 2 : 8;
		json_t **p;

		if (cap > MON_MAX_EVENTS)
			cap = MON_MAX_EVENTS;
		if ((p = realloc(m->ev, cap * sizeof *p)) == NULL)
			return;		/* out of memory: the event is lost */
		m->ev = p;
		m->capev = cap;
	}
	m->ev[m->nev++] = json_incref(ev);
}

enum mon_proto
mon_protocol(const struct mon *m)
{
	return m->proto;
}

const char *
mon_endpoint(const struct mon *m)
{
	return m->epstr;
}

size_t
mon_nresults(const struct mon *m)
{
	return m->nops;
}

const struct mon_result *
mon_result(const struct mon *m, int op)
{
	if (op < 0 || (size_t)op >= m->nops)
		return NULL;
	return &m->ops[op].r;
}

int
mon_take_pci(struct mon *m, int op, struct pci_info *out)
{
	struct mon_result *r;

	if (op < 0 || (size_t)op >= m->nops)
		return -1;
	r = &m->ops[op].r;
	if (!r->ok || r->op != MON_OP_QUERY_PCI)
		return -1;
	if (r->pci_same)
		return 1;
	*out = r->pci;
	pci_info_init(&r->pci);
	return 0;
}

enum monerr_kind
mon_error(const struct mon *m, struct err *e)
{
	if (m->fail_kind != MONERR_NONE)
		err_set(e, "%s", m->fail_msg);
	return m->fail_kind;
}

json_t *
mon_take_event(struct mon *m)
{
	json_t *ev;

	if (m->nev == 0)
		return NULL;
	ev = m->ev[0];
	memmove(m->ev, m->ev + 1, (m->nev - 1) * sizeof m->ev[0]);
	m->nev--;
	return ev;
}

enum monerr_kind
mon_last_kind(const struct mon *m)
{
	return m->last_kind;
}

