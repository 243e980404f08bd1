/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nicmodel.c - the NIC model table; see nicmodel.h. */
#include "model/nicmodel.h"

#include <string.h>

static const struct nicmodel models[] = {
	{ "virtio-net-pci", 1 },
	{ "e1000", 0 },
	{ "e1000e", 0 },
	{ "rtl8139", 0 },
};

const struct nicmodel *
nicmodel_find(const char *name, struct err *e)
{
	size_t i;

	for (i = 0; i < sizeof models / sizeof models[0]; i++)
		if (strcmp(name, models[i].name) == 0)
			return &models[i];
	err_set(e, "model '%.40s' is not a NIC model slotscope plugs: "
	    "expected virtio-net-pci, e1000, e1000e or rtl8139", name);
	return NULL;
}

int
nicmodel_check(const struct nicmodel *m, int queues, int vhost,
    struct err *e)
{
	if (queues < 1 || queues > NICMODEL_MAX_QUEUES)
		return err_set(e, "queues=%d is out of range: use 1 to %d",
		    queues, NICMODEL_MAX_QUEUES);
	if (queues > 1 && !m->virtio)
		return err_set(e, "%s has one queue: queues= needs "
		    "virtio-net-pci", m->name);
	if (vhost && !m->virtio)
		return err_set(e, "vhost=on needs virtio-net-pci, not %s",
		    m->name);
	return 0;
}

int
nicmodel_vectors(int queues)
{
	return 2 * queues + 2;
}
