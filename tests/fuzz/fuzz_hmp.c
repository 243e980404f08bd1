/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_hmp.c - libFuzzer target: HMP framing (banner, reply completion,
 * echo stripping) and the info pci / info version parsers on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/devid.h"
#include "model/places.h"
#include "model/pcitree.h"
#include "model/state.h"
#include "qemu/hmp.h"
#include "qemu/qom.h"
#include "monsession.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* The tree of any listing: every bus named as ids name it, every place
 * the rule gives free by the same rule. */
static void
tree_checks(struct pci_info *pi)
{
	struct pcitree t;
	struct store_rt rt;
	struct slot_view v[32];
	struct place p;
	struct err e;
	size_t b;

	pcitree_build(pi, &t);
	for (b = 1; b < t.nbus; b++)
		if (devid_check_bus(t.bus[b].path, strlen(t.bus[b].path),
		    NULL) < 0)
			abort();
	store_rt_init(&rt, "f");
	(void)places_count(pi, &t, &rt);
	if (places_first(pi, &t, &rt, -1, &p, &e) == 0 &&
	    !places_is_free(pi, &t, &rt, p.bus, p.slot))
		abort();
	state_reconcile(pi, &rt, v);
	for (b = 1; b < t.nbus; b++)
		state_reconcile_bus(pi, &t, (int)b, &rt, v);
	store_rt_free(&rt);
}

static void
parse(const char *t, size_t n)
{
	struct pci_info pi;
	struct qemu_version v;
	struct err e;
	size_t i;

	pci_info_init(&pi);
	if (hmp_parse_info_pci(t, n, &pi, &e) == 0) {
		struct qom_scan s;

		tree_checks(&pi);
		/* the same bytes as a qom-list reply */
		qom_scan_init(&s);
		if (qom_scan_list(&s, MON_PROTO_HMP, t, n, &pi, &e) == 0 &&
		    s.n > 0) {
			(void)qom_scan_set_bus(&s, 0, t, n, &e);
			(void)qom_scan_set_addr(&s, 0, t, n, &e);
			(void)qom_scan_merge(&s, &pi, &e);
			tree_checks(&pi);
		}
		qom_scan_free(&s);
		(void)pci_info_bus0_mask(&pi);
		for (i = 0; i < pi.n; i++)
			if (pi.fn[i].bus == 0 && (pi.fn[i].slot < 0 ||
			    pi.fn[i].slot > 31 || pi.fn[i].func > 7 ||
			    memchr(pi.fn[i].id, '\0', sizeof pi.fn[i].id) ==
			    NULL))
				abort();
	}
	pci_info_free(&pi);
	(void)hmp_parse_info_version(t, n, &v, &e);
	(void)hmp_error_kind(t, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	char *clean;
	size_t n;
	struct err e;

	(void)hmp_banner_check(b, size, &e);
	(void)hmp_reply_complete(b, size);
	clean = malloc(size + 1);
	if (clean == NULL)
		return 0;
	n = hmp_reply_clean(b, size, clean);
	if (n > size || clean[n] != '\0')
		abort();
	parse(clean, n);
	parse(b, size);
	free(clean);
	/* the whole session: greeted, or the bytes must greet themselves */
	tu_mon_session(data, size, size > 0 && (data[0] & 1) ? NULL :
	    "QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) ");
	return 0;
}
