/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_qmp.c - libFuzzer target: QMP line splitting, message
 * classification (greeting / reply / error / event), query-pci and
 * query-version parsing and DEVICE_DELETED matching on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qmp.h"
#include "qemu/qom.h"
#include "fuzztree.h"
#include "monsession.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const char *line, size_t len)
{
	struct qmp_msg m;
	struct pci_info pi;
	struct qemu_version v;
	struct err e;
	size_t i;

	if (qmp_msg_parse(line, len, &m, &e) < 0) {
		if (m.root != NULL)
			abort();
		return;
	}
	switch (m.kind) {
	case QMP_MSG_GREETING:
		(void)qmp_greeting_version(m.root, &v, &e);
		break;
	case QMP_MSG_RETURN:
		pci_info_init(&pi);
		if (qmp_parse_pci(m.ret, &pi, &e) == 0) {
			for (i = 0; i < pi.n; i++)
				if (pi.fn[i].slot < 0 || pi.fn[i].slot > 31 ||
				    pi.fn[i].vendor > 0xffff)
					abort();
			tu_fuzz_tree_checks(&pi);
		}
		{
			/* the return value as qom-list's, and qom-get's */
			char *j = json_dumps(m.ret, JSON_COMPACT |
			    JSON_ENCODE_ANY);
			struct qom_scan s;

			qom_scan_init(&s);
			if (j != NULL && qom_scan_list(&s, MON_PROTO_QMP, j,
			    strlen(j), &pi, &e) == 0 && s.n > 0) {
				(void)qom_scan_set_bus(&s, 0, j, strlen(j), &e);
				(void)qom_scan_set_addr(&s, 0, j, strlen(j), &e);
				(void)qom_scan_merge(&s, &pi, &e);
				tu_fuzz_tree_checks(&pi);
			}
			qom_scan_free(&s);
			free(j);
		}
		pci_info_free(&pi);
		(void)qmp_parse_version(m.ret, &v, &e);
		break;
	case QMP_MSG_ERROR:
		if (m.err_desc == NULL || m.err_kind == MONERR_NONE)
			abort();
		break;
	case QMP_MSG_EVENT:
		(void)qmp_is_device_deleted(m.root, "nic-6f1a2b3c-pci-5");
		break;
	}
	qmp_msg_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t left = size, len;

	while ((len = qmp_line_len(p, left)) > 0) {
		one(p, len);
		p += len;
		left -= len;
	}
	if (left > 0)
		one(p, left);
	/* the whole session: greeted, or the bytes must greet themselves */
	tu_mon_session(data, size, size > 0 && (data[0] & 1) ? NULL :
	    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": []}}\r\n{\"return\": {}}\r\n");
	return 0;
}
