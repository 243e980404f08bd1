/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monsession.c - see monsession.h. */
#include "monsession.h"

#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/mon.h"

void
tu_mon_session(const uint8_t *data, size_t size, const char *greet)
{
	struct mon_opts o = { .greet_ms = 10000, .op_ms = 10000 };
	struct moncmd_device d = { "virtio-net-pci", "nic-6f1a2b3c-pci-5",
		"pci.0", 5, 0, NULL, 0 };
	struct moncmd_drive dr = { .id = "drive-1", .file = "/tmp/x.img",
	    .format = "raw" };
	const struct mon_pci_seen seen = { { 1, 2 }, 0x5eed, 1 };
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
	mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_VERSION }, &e);
	/* with a key, so that every reply to it is looked at for the form
	 * that is hashed (mon_pci_seen) */
	mon_add(m, &(struct mon_req){ .op = MON_OP_QUERY_PCI, .seen = &seen },
	    &e);
	/* over QMP the next three go in one write with query-pci
	 * (pipelined: mon.h) */
	mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_ADD, .device = &d,
	    .pipe = 1 }, &e);
	mon_add(m, &(struct mon_req){ .op = MON_OP_DRIVE_ADD, .drive = &dr,
	    .pipe = 1 }, &e);
	mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = "info network",
	    .qmp = "{\"execute\": \"query-status\"}", .pipe = 1 }, &e);
	mon_add(m, &(struct mon_req){ .op = MON_OP_DEVICE_DEL, .id = d.id },
	    &e);
	mon_add(m, &(struct mon_req){ .op = MON_OP_WAIT_DELETED, .id = d.id,
	    .timeout_ms = 10000 }, &e);
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
