/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hpopts.c - the backend options of a hotplug request, as operators of
 * Ganeti, Proxmox or libvirt give them, and the checks made before the
 * monitor hears anything:
 *   nic   bridge=BR create=on vhost=on queues=N
 *   disk  readonly=on cache= aio= discard= serial= force=on
 * and, for a disk, which protocol driver its path needs (a regular file
 * is QEMU's `file`, a block device -- LVM, DRBD, a loop device --
 * `host_device`) and which format its header says: a qcow2 image attached
 * as raw lets the guest overwrite the image's metadata, so format=raw on
 * such a file is refused unless forced.  See hotplug.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet/hostnet.h"
#include "fleet/hotplug.h"
#include "model/blkopt.h"
#include "model/imgfmt.h"
#include "model/nicmodel.h"

enum {
	O_BRIDGE = 1, O_CREATE = 2, O_VHOST = 4, O_QUEUES = 8,
	O_READONLY = 16, O_CACHE = 32, O_AIO = 64, O_DISCARD = 128,
	O_SERIAL = 256, O_FORCE = 512,
};

struct key {
	const char *name;
	unsigned bit;
	int nic;
};

static const struct key keys[] = {
	{ "bridge", O_BRIDGE, 1 }, { "create", O_CREATE, 1 },
	{ "vhost", O_VHOST, 1 }, { "queues", O_QUEUES, 1 },
	{ "readonly", O_READONLY, 0 }, { "cache", O_CACHE, 0 },
	{ "aio", O_AIO, 0 }, { "discard", O_DISCARD, 0 },
	{ "serial", O_SERIAL, 0 }, { "force", O_FORCE, 0 },
};

static int
put(char *dst, size_t sz, const char *v)
{
	if (strlen(v) >= sz)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int
apply(struct hotplug_req *r, unsigned bit, const char *key, const char *v,
    struct err *e)
{
	char *end;
	long n;

	switch (bit) {
	case O_BRIDGE:
		if (hotplug_check_ifname(v, e) < 0)
			return err_prefix(e, "bridge");
		return put(r->bridge, sizeof r->bridge, v);
	case O_CREATE:
		return blkopt_parse_bool(key, v, &r->create, e);
	case O_VHOST:
		return blkopt_parse_bool(key, v, &r->vhost, e);
	case O_QUEUES:
		n = strtol(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || n < 1 ||
		    n > NICMODEL_MAX_QUEUES)
			return err_set(e, "queues '%.20s' is not a number from "
			    "1 to %d", v, NICMODEL_MAX_QUEUES);
		r->queues = (int)n;
		return 0;
	case O_READONLY:
		return blkopt_parse_bool(key, v, &r->readonly, e);
	case O_FORCE:
		return blkopt_parse_bool(key, v, &r->force, e);
	case O_CACHE:
		if (blkopt_check_cache(v, e) < 0)
			return -1;
		return put(r->cache, sizeof r->cache, v);
	case O_AIO:
		if (blkopt_check_aio(v, e) < 0)
			return -1;
		return put(r->aio, sizeof r->aio, v);
	case O_DISCARD:
		if (blkopt_check_discard(v, e) < 0)
			return -1;
		return put(r->discard, sizeof r->discard, v);
	case O_SERIAL:
		if (blkopt_check_serial(v, e) < 0)
			return -1;
		return put(r->serial, sizeof r->serial, v);
	}
	return err_set(e, "unknown option %s", key);
}

int
hpopts_set(struct hotplug_req *r, const char *key, const char *v,
    struct err *e)
{
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(key, keys[i].name) != 0 ||
		    keys[i].nic != (r->type == HOTPLUG_NIC))
			continue;
		if (r->given2 & keys[i].bit)
			return err_set(e, "%s= is given twice", key);
		if (apply(r, keys[i].bit, key, v, e) < 0)
			return -1;
		r->given2 |= keys[i].bit;
		return 1;
	}
	return 0;
}

/* The format the first bytes of path say. */
static int
probe(const char *path, char *out, size_t sz, struct err *e)
{
	unsigned char buf[IMGFMT_HEADER];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, "cannot read %.200s: %s", path,
		    strerror(errno));
	n = pread(fd, buf, sizeof buf, 0);
	close(fd);
	if (n < 0)
		return err_set(e, "cannot read %.200s: %s", path,
		    strerror(errno));
	snprintf(out, sz, "%s", imgfmt_probe(buf, (size_t)n));
	return 0;
}

int
hpopts_check_disk(struct hotplug_req *r, struct err *e)
{
	struct stat st;

	if (stat(r->path, &st) < 0)
		return err_set(e, "path %.200s: %s", r->path, strerror(errno));
	snprintf(r->protocol, sizeof r->protocol, "%s", S_ISBLK(st.st_mode) ?
	    "host_device" : "file");
	if (probe(r->path, r->probed, sizeof r->probed, e) < 0)
		return -1;
	if (r->format[0] == '\0') {
		if (imgfmt_check_name(r->probed, e) < 0)
			return err_prefix(e, "%.200s has a %s header", r->path,
			    r->probed);
		snprintf(r->format, sizeof r->format, "%s", r->probed);
	} else if (strcmp(r->format, "raw") == 0 &&
	    strcmp(r->probed, "raw") != 0 && !r->force)
		return err_set(e, "%.200s has a %s header: as format=raw the "
		    "guest could overwrite the image's metadata; give "
		    "format=%s (or --force to attach it raw)", r->path,
		    r->probed, r->probed);
	return blkopt_check_combo(r->cache[0] ? r->cache : NULL,
	    r->aio[0] ? r->aio : NULL, e);
}

int
hpopts_check_nic(struct hotplug_req *r, struct err *e)
{
	const char *model = r->model[0] ? r->model : HOTPLUG_DEFAULT_NIC;
	const struct nicmodel other = { model, 0 };
	const struct nicmodel *m = nicmodel_find(model, NULL);
	int tap = r->backend == STORE_BK_TAP;

	/* a model outside the table is QEMU's to take or refuse; it gets
	 * one queue and no vhost */
	if (nicmodel_check(m ? m : &other, r->queues ? r->queues : 1,
	    r->vhost, e) < 0)
		return -1;
	if (!tap && (r->bridge[0] || r->create || r->vhost || r->queues > 1))
		return err_set(e, "%s needs backend=tap:IFNAME",
		    r->bridge[0] ? "bridge=" : r->create ? "create=" :
		    r->vhost ? "vhost=" : "queues=");
	if (!tap)
		return 0;
	if (!r->create) {
		int x = hostnet_tap_exists(r->tap, e);

		if (x < 0)
			return -1;
		if (x == 0)
			return err_set(e, "tap %s does not exist: create it "
			    "first (ip tuntap add dev %s mode tap) or give "
			    "create=on", r->tap, r->tap);
	}
	if (r->bridge[0] && hostnet_bridge_check(r->bridge, e) < 0)
		return -1;
	if (r->vhost && hostnet_vhost_check(e) < 0)
		return -1;
	return 0;
}
