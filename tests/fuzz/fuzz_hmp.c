/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_hmp.c - libFuzzer target: HMP framing (banner, reply completion,
 * echo stripping) and the info pci / info version parsers on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/hmp.h"
#include "qemu/qom.h"
#include "fuzztree.h"
#include "monsession.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

		tu_fuzz_tree_checks(&pi);
		/* the same bytes as a qom-list reply */
		qom_scan_init(&s);
		if (qom_scan_list(&s, MON_PROTO_HMP, t, n, &pi, &e) == 0 &&
		    s.n > 0) {
			(void)qom_scan_set_bus(&s, 0, t, n, &e);
			(void)qom_scan_set_addr(&s, 0, t, n, &e);
			(void)qom_scan_merge(&s, &pi, &e);
			tu_fuzz_tree_checks(&pi);
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
