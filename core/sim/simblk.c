/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simblk.c - QEMU 7.2's checks when a simulated drive or block node opens
 * its image, with QEMU's own texts: the protocol driver against what the
 * path is, aio=native against cache.direct, a qcow2 driver against the
 * header.  How it was opened (read-only, cache, protocol) is what
 * siminfo.c lists.  See simdev.h. */
#include "sim/simdev.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/imgfmt.h"
#include "sim/simdevpriv.h"

void
simdev_drive_opts_init(struct simdev_drive_opts *o)
{
	memset(o, 0, sizeof *o);
	o->writeback = 1;
}

static const char *
probe(const char *file)
{
	unsigned char buf[IMGFMT_HEADER];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, sizeof buf, 0);

	if (fd >= 0)
		close(fd);
	return imgfmt_probe(buf, n > 0 ? (size_t)n : 0);
}

int
simdev_drive_check(const char *file, struct simdev_drive_opts *o,
    struct simdev_err *e)
{
	struct stat st;
	int dev = stat(file, &st) == 0 && (S_ISBLK(st.st_mode) ||
	    S_ISCHR(st.st_mode));

	if (o->protocol[0] == '\0')
		snprintf(o->protocol, sizeof o->protocol, "%s", dev ?
		    "host_device" : "file");
	if (strcmp(o->protocol, "file") == 0 && dev)
		return simdev_eset(e, SIMDEV_GENERIC, "'file' driver requires "
		    "'%s' to be a regular file", file);
	if (strcmp(o->protocol, "host_device") == 0 && !dev)
		return simdev_eset(e, SIMDEV_GENERIC, "'host_device' driver "
		    "requires '%s' to be either a character or block device",
		    file);
	if (strcmp(o->aio, "native") == 0 && !o->direct)
		return simdev_eset(e, SIMDEV_GENERIC, "aio=native was "
		    "specified, but it requires cache.direct=on, which was "
		    "not specified.");
	if (o->format[0] == '\0')
		snprintf(o->format, sizeof o->format, "%s", probe(file));
	else if (strcmp(o->format, "qcow2") == 0 &&
	    strcmp(probe(file), "qcow2") != 0)
		return simdev_eset(e, SIMDEV_GENERIC, "Image is not in qcow2 "
		    "format");
	return 0;
}
