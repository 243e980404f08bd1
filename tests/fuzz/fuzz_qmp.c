/* fuzz_qmp.c - libFuzzer target: QMP line splitting, message
 * classification (greeting / reply / error / event), query-pci and
 * query-version parsing and DEVICE_DELETED matching on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/qmp.h"
#include "qemu/mon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Drive a whole monitor session (mon.c) over a socketpair with these bytes
 * as everything the monitor says, after a proper greeting when `greet`. */
static void
session(const uint8_t *data, size_t size, const char *greet)
{
	struct mon_opts o = { .greet_ms = 10000, .op_ms = 10000 };
	struct moncmd_device d = { "virtio-net-pci", "nic-6f1a2b3c-pci-5",
		"pci.0", 5, 0, NULL, 0 };
	struct moncmd_drive dr = { "drive-1", "/tmp/x.img", "raw" };
	struct err e;
	struct mon *m;
	char junk[4096];
	size_t off = 0;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	if ((m = mon_new_fd(sv[0], &o, &e)) == NULL) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	mon_add_query_version(m, &e);
	mon_add_query_pci(m, &e);
	mon_add_device_add(m, &d, &e);
	mon_add_drive_add(m, &dr, &e);
	mon_add_raw(m, "info network", "{\"execute\": \"query-status\"}", &e);
	mon_add_device_del(m, d.id, &e);
	mon_add_wait_deleted(m, d.id, 10000, &e);
	mon_start(m);
	if (greet != NULL && write(sv[1], greet, strlen(greet)) < 0)
		goto out;
	mon_step(m, POLLIN);
	while (off < size && mon_status(m) == MON_RUNNING) {
		size_t k = size - off < 512 ? size - off : 512;
		ssize_t w = send(sv[1], data + off, k, MSG_DONTWAIT);

		if (w <= 0)
			break;
		off += (size_t)w;
		mon_step(m, POLLIN | POLLOUT);
		while (recv(sv[1], junk, sizeof junk, MSG_DONTWAIT) > 0)
			;
	}
	close(sv[1]);
	sv[1] = -1;
	mon_step(m, POLLIN);
out:
	if (sv[1] >= 0)
		close(sv[1]);
	mon_free(m);
}

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
		if (qmp_parse_pci(m.ret, &pi, &e) == 0)
			for (i = 0; i < pi.n; i++)
				if (pi.fn[i].slot < 0 || pi.fn[i].slot > 31 ||
				    pi.fn[i].vendor > 0xffff)
					abort();
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
	session(data, size, size > 0 && (data[0] & 1) ? NULL :
	    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": []}}\r\n{\"return\": {}}\r\n");
	return 0;
}
