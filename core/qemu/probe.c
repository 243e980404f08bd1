/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe.c - one look at a monitor; see probe.h. */
#include "qemu/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "qemu/anon.h"
#include "qemu/mon.h"

int
probe_run(const char *endpoint, int greet_ms, struct probe *p,
    enum monerr_kind *kind, struct err *e)
{
	struct mon_opts o = { .greet_ms = greet_ms, .keep_open = 1 };
	const struct mon_result *r;
	struct mon *m;
	int v, q;

	memset(p, 0, sizeof *p);
	pci_info_init(&p->pci);
	snprintf(p->endpoint, sizeof p->endpoint, "%s", endpoint);
	*kind = MONERR_BAD_ARGUMENT;
	if ((m = mon_new(endpoint, &o, e)) == NULL)
		return -1;
	if ((v = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION },
	    e)) < 0 ||
	    (q = mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI },
	        e)) < 0) {
		mon_free(m);
		return -1;
	}
	if (mon_run(m, e) < 0) {
		*kind = mon_error(m, e);
		mon_free(m);
		return -1;
	}
	p->proto = mon_protocol(m);
	r = mon_result(m, v);
	if (!r->ok) {
		*kind = r->kind;
		err_set(e, "info version: %s", r->msg);
		mon_free(m);
		return -1;
	}
	p->version = r->version;
	r = mon_result(m, q);
	if (!r->ok) {
		*kind = r->kind;
		err_set(e, "info pci: %s", r->msg);
		mon_free(m);
		return -1;
	}
	mon_take_pci(m, q, &p->pci);
	/* which of the id-less functions a user added (anon.h) */
	if (anon_run(m, &p->pci, e) < 0) {
		*kind = mon_error(m, e);
		mon_free(m);
		probe_free(p);
		pci_info_init(&p->pci);
		return -1;
	}
	mon_free(m);
	*kind = MONERR_NONE;
	return 0;
}

void
probe_free(struct probe *p)
{
	pci_info_free(&p->pci);
}

char *
probe_text(const struct probe *p)
{
	struct strbuf b = STRBUF_INIT;
	const struct pci_fn *f[8];
	int s;
	size_t i, n;

	strbuf_printf(&b, "%s: QEMU %d.%d.%d%s%s%s over %s\n", p->endpoint,
	    p->version.major, p->version.minor, p->version.micro,
	    p->version.package[0] ? " (" : "", p->version.package,
	    p->version.package[0] ? ")" : "",
	    p->proto == MON_PROTO_QMP ? "QMP" : "HMP");
	for (s = 0; s < 32; s++) {
		n = pci_info_slot(&p->pci, s, f, 8);
		strbuf_printf(&b, "slot %2d  %s", s, n ? "occupied" : "free");
		for (i = 0; i < n && i < 8; i++)
			strbuf_printf(&b, "%s fn %d %s [%04x:%04x]%s%s%s",
			    i ? ";" : " ", f[i]->func, f[i]->class_text[0] ?
			    f[i]->class_text : "(no class)", f[i]->vendor,
			    f[i]->device, f[i]->id[0] ? " id " : "",
			    f[i]->id, f[i]->anon ? " (anonymous: added "
			    "without an id)" : "");
		if (n > 8)
			strbuf_printf(&b, "; ... %zu functions", n);
		strbuf_str(&b, "\n");
	}
	return strbuf_take(&b);	/* NULL when out of memory */
}
