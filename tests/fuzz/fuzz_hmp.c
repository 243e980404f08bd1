/* fuzz_hmp.c - libFuzzer target: HMP framing (banner, reply completion,
 * echo stripping) and the info pci / info version parsers on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/hmp.h"
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
parse(const char *t, size_t n)
{
	struct pci_info pi;
	struct qemu_version v;
	struct err e;
	size_t i;

	pci_info_init(&pi);
	if (hmp_parse_info_pci(t, n, &pi, &e) == 0) {
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
	session(data, size, size > 0 && (data[0] & 1) ? NULL :
	    "QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) ");
	return 0;
}
