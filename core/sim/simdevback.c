/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simdevback.c - the backends of the simulated machine: netdevs, drives
 * and block nodes (one namespace, as in QEMU), and the fds received by
 * getfd; see simdev.h.
 */
#include "sim/simdev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/simdevpriv.h"

static int
valid_net_type(const char *t)
{
	static const char *const types[] = { "user", "tap", "socket",
		"stream", "dgram", "bridge", "l2tpv3", "vde", "hubport",
		"vhost-user", "vhost-vdpa", "none", NULL };
	const char *const *p;

	for (p = types; *p; p++)
		if (strcmp(*p, t) == 0)
			return 1;
	return 0;
}

static struct simdev_fd *
find_fd(struct simdev_machine *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nfds; i++)
		if (strcmp(m->fds[i].name, name) == 0)
			return &m->fds[i];
	return NULL;
}

/* A tap's fd=NAME or fds=A:B:C: every name must have come with getfd,
 * and the tap takes the fds over (one queue each). */
static int
take_fds(struct simdev_machine *m, const char *names, int *queues,
    int *first, struct simdev_err *e)
{
	char one[128];
	const char *p;
	size_t n;

	for (p = names; ; p += n + 1) {
		n = strcspn(p, ":");
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		if (find_fd(m, one) == NULL)
			return simdev_eset(e, SIMDEV_GENERIC, "File descriptor "
			    "named '%s' has not been found", one);
		if (p[n] == '\0')
			break;
	}
	*queues = 0;
	for (p = names; ; p += n + 1) {
		struct simdev_fd *fd;

		n = strcspn(p, ":");
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		fd = find_fd(m, one);
		if (*queues == 0)
			*first = fd->fd;
		close(fd->fd);
		free(fd->name);
		*fd = m->fds[--m->nfds];
		(*queues)++;
		if (p[n] == '\0')
			break;
	}
	return 0;
}

int
simdev_netdev_add(struct simdev_machine *m, const char *type,
    const char *id, const char *fdname, int hmp, struct simdev_err *e)
{
	struct simdev_netdev n;
	int tapfd = -1;
	int queues = 1;

	if (id == NULL)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Parameter 'id' is missing");
	if (type == NULL)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Parameter 'type' is missing");
	if (!valid_net_type(type))
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Parameter 'type' does not accept value '%s'", type);
	if (!simdev_id_wellformed(id))
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Parameter 'id' expects an identifier");
	if (simdev_find_net(m, id) != NULL)
		return simdev_eset(e, SIMDEV_GENERIC, "Duplicate ID '%s'", id);
	if (strcmp(type, "tap") == 0 && fdname != NULL &&
	    take_fds(m, fdname, &queues, &tapfd, e) < 0)
		return -1;
	if (m->nnet == m->capnet) {
		size_t cap = m->capnet ? m->capnet * 2 : 4;
		struct simdev_netdev *p = realloc(m->net, cap * sizeof *p);

		if (p == NULL)
			return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
		m->net = p;
		m->capnet = cap;
	}
	n.id = strdup(id);
	n.type = strdup(type);
	n.hmp_opts = hmp;
	n.in_use = 0;
	n.fd = tapfd;
	n.seq = m->seq++;
	n.queues = queues;
	n.vhost = 0;
	if (n.id == NULL || n.type == NULL) {
		free(n.id);
		free(n.type);
		return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
	}
	m->net[m->nnet++] = n;
	return 0;
}

int
simdev_netdev_del(struct simdev_machine *m, const char *id,
    struct simdev_err *e)
{
	struct simdev_netdev *n = simdev_find_net(m, id);

	if (n == NULL)
		return simdev_eset(e, SIMDEV_DEVICE_NOT_FOUND,
		    "Device '%s' not found", id);
	free(n->id);
	free(n->type);
	*n = m->net[--m->nnet];
	return 0;
}

int
simdev_drive_add(struct simdev_machine *m, const char *id, const char *file,
    const char *format, int legacy, const struct simdev_drive_opts *o,
    struct simdev_err *e)
{
	struct simdev_drive d, *d0;
	struct simdev_drive_opts opt;
	char gen[32];

	if (o != NULL)
		opt = *o;
	else
		simdev_drive_opts_init(&opt);
	if (format != NULL && opt.format[0] == '\0')
		snprintf(opt.format, sizeof opt.format, "%s", format);
	if (id == NULL) {
		snprintf(gen, sizeof gen, "none%u", m->drive_seq++);
		id = gen;
	}
	if (!simdev_id_wellformed(id))
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Parameter 'id' expects an identifier");
	d0 = simdev_find_drv(m, id);
	if (d0 != NULL) {
		/* drive ids and node names share one namespace */
		if (legacy)
			return d0->legacy ? simdev_eset(e, SIMDEV_GENERIC,
			    "Duplicate ID '%s' for drive", id) :
			    simdev_eset(e, SIMDEV_GENERIC, "Device name '%s' "
			    "conflicts with an existing node name", id);
		return d0->legacy ? simdev_eset(e, SIMDEV_GENERIC,
		    "node-name=%s is "
		    "conflicting with a device id", id) :
		    simdev_eset(e, SIMDEV_GENERIC,
		    "Duplicate nodes with node-name='%s'", id);
	}
	if (file != NULL) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return simdev_eset(e, SIMDEV_GENERIC,
			    "Could not open '%s': "
			    "%s", file, strerror(errno));
		close(fd);
		if (simdev_drive_check(file, &opt, e) < 0)
			return -1;
	}
	if (m->ndrv == m->capdrv) {
		size_t cap = m->capdrv ? m->capdrv * 2 : 4;
		struct simdev_drive *p = realloc(m->drv, cap * sizeof *p);

		if (p == NULL)
			return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
		m->drv = p;
		m->capdrv = cap;
	}
	memset(&d, 0, sizeof d);
	d.id = strdup(id);
	d.file = file != NULL ? strdup(file) : NULL;
	if (d.id == NULL || (file != NULL && d.file == NULL)) {
		free(d.id);
		free(d.file);
		return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
	}
	d.legacy = legacy;
	d.in_use = 0;
	d.o = opt;
	snprintf(d.format, sizeof d.format, "%s", opt.format[0] ? opt.format :
	    "raw");
	d.seq = m->seq++;
	/* the nodes QEMU names itself: a drive's format node and, for any
	 * image, the file node under it */
	if (file != NULL) {
		if (legacy)
			d.node[0] = m->block_seq++;
		d.node[1] = m->block_seq++;
	}
	m->drv[m->ndrv++] = d;
	return 0;
}

int
simdev_drive_del(struct simdev_machine *m, const char *id, int legacy,
    struct simdev_err *e)
{
	struct simdev_drive *d = simdev_find_drv(m, id);

	/* blockdev-del sees nodes only; drive_del sees drives, and does a
	 * blockdev-del when given a node name */
	if (d != NULL && legacy && !d->legacy)
		legacy = 0;
	if (d == NULL || d->legacy != legacy)
		return legacy ? simdev_eset(e, SIMDEV_GENERIC,
		    "Device '%s' not found", id) : simdev_eset(e,
		    SIMDEV_GENERIC, "Failed to find node with node-name='%s'",
		    id);
	if (!legacy && d->in_use)
		return simdev_eset(e, SIMDEV_GENERIC, "Node %s is in use", id);
	free(d->id);
	free(d->file);
	*d = m->drv[--m->ndrv];
	return 0;
}

int
simdev_getfd(struct simdev_machine *m, const char *name, int fd,
    struct simdev_err *e)
{
	struct simdev_fd *old;

	if (fd < 0)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "No file descriptor supplied via SCM_RIGHTS");
	if (name[0] >= '0' && name[0] <= '9') {
		close(fd);
		return simdev_eset(e, SIMDEV_GENERIC,
		    "Parameter 'fdname' expects "
		    "a name not starting with a digit");
	}
	old = find_fd(m, name);
	if (old != NULL) {
		close(old->fd);
		old->fd = fd;
		return 0;
	}
	if (m->nfds == m->capfds) {
		size_t cap = m->capfds ? m->capfds * 2 : 4;
		struct simdev_fd *p = realloc(m->fds, cap * sizeof *p);

		if (p == NULL) {
			close(fd);
			return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
		}
		m->fds = p;
		m->capfds = cap;
	}
	m->fds[m->nfds].name = strdup(name);
	if (m->fds[m->nfds].name == NULL) {
		close(fd);
		return simdev_eset(e, SIMDEV_GENERIC, "out of memory");
	}
	m->fds[m->nfds++].fd = fd;
	return 0;
}

int
simdev_closefd(struct simdev_machine *m, const char *name,
    struct simdev_err *e)
{
	struct simdev_fd *f = find_fd(m, name);

	if (f == NULL)
		return simdev_eset(e, SIMDEV_GENERIC,
		    "File descriptor named '%s' not found", name);
	close(f->fd);
	free(f->name);
	*f = m->fds[--m->nfds];
	return 0;
}

void
simdev_netdev_set_vhost(struct simdev_machine *m, const char *id)
{
	struct simdev_netdev *n = simdev_find_net(m, id);

	if (n != NULL)
		n->vhost = 1;
}
