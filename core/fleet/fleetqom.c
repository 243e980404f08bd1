/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetqom.c - the QOM phase of a refresh: on a machine with a bridge
 * firmware has not numbered, the refresh's session goes on with qom-list
 * /machine/peripheral and a qom-get of parent_bus and addr for every
 * device the PCI listing lacks (qemu/qom.h), so that a root port with a
 * hidden device is never shown free.  See fleet.c. */
#include <string.h>

#include "fleet/fleetpriv.h"

/* qom-list found nothing missing: what is behind the bridges is known
 * (empty). */
void
fleet_qom_merge_empty(struct ipriv *p)
{
	struct err e;

	qom_scan_merge(&p->scan, &p->pci, &e);
}

/* Queue qom-list /machine/peripheral; 0 when queued. */
int
fleet_qom_list(struct ipriv *p)
{
	char h[QOM_CMD_MAX], q[QOM_CMD_MAX];
	struct err e;

	if (qom_cmd_list(h, q, &e) < 0)
		return -1;
	p->opq = mon_add(p->m, &(struct mon_req){ .op = MON_OP_RAW,
	    .hmp = h, .qmp = q }, &e);
	if (p->opq < 0)
		return -1;
	p->phase = PH_QOMLIST;
	return 0;
}

/* qom-list answered: queue parent_bus and addr of each device the
 * listing lacks (ops opg + 2k, opg + 2k + 1); 0 when queued.  A scan
 * that cannot go on leaves what is behind the bridges unknown. */
int
fleet_qom_gets(struct ipriv *p)
{
	const struct mon_result *r = mon_result(p->m, p->opq);
	char h[QOM_CMD_MAX], q[QOM_CMD_MAX];
	const char *prop[2] = { "parent_bus", "addr" };
	struct err e;
	size_t k;
	int j, op;

	if (r == NULL || !r->ok || r->text == NULL ||
	    qom_scan_list(&p->scan, mon_protocol(p->m), r->text,
	    strlen(r->text), &p->pci, &e) < 0)
		return -1;
	p->opg = -1;
	for (k = 0; k < p->scan.n; k++)
		for (j = 0; j < 2; j++) {
			if (qom_cmd_get(p->scan.c[k].name, prop[j], h, q,
			    &e) < 0)
				return -1;
			op = mon_add(p->m, &(struct mon_req){ .op = MON_OP_RAW,
			    .hmp = h, .qmp = q }, &e);
			if (op < 0 || (p->opg >= 0 && op != p->opg +
			    (int)(2 * k) + j))
				return -1;
			if (p->opg < 0)
				p->opg = op;
		}
	p->phase = PH_QOMGET;
	return p->scan.n > 0 ? 0 : 1;
}

/* The qom-gets answered: enter what they found into the bus. */
void
fleet_qom_done(struct ipriv *p)
{
	struct err e;
	size_t k;

	for (k = 0; k < p->scan.n; k++) {
		const struct mon_result *b = mon_result(p->m,
		    p->opg + (int)(2 * k));
		const struct mon_result *a = mon_result(p->m,
		    p->opg + (int)(2 * k) + 1);

		if (b == NULL || !b->ok || b->text == NULL ||
		    qom_scan_set_bus(&p->scan, k, b->text, strlen(b->text),
		    &e) < 0)
			return;		/* not read: unknown */
		/* no addr: not a PCI device; it stays out */
		if (a != NULL && a->ok && a->text != NULL)
			qom_scan_set_addr(&p->scan, k, a->text, strlen(a->text),
			    &e);
	}
	qom_scan_merge(&p->scan, &p->pci, &e);
}

