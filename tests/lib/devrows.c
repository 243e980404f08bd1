/* SPDX-License-Identifier: GPL-3.0-or-later */
/* devrows.c - see devrows.h. */
#include "devrows.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

void
tu_rt_dev(struct store_dev *d, const char *id, const char *uuid,
    const char *bus, int slot, enum store_dev_state st)
{
	const char *dash = strchr(id, '-');

	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", id);
	snprintf(d->type, sizeof d->type, "%.*s",
	    (int)(dash != NULL ? dash - id : (int)strlen(id)), id);
	if (uuid != NULL)
		snprintf(d->uuid, sizeof d->uuid, "%s", uuid);
	else
		snprintf(d->uuid, sizeof d->uuid,
		    "%.8s-0000-4000-8000-000000000000",
		    dash != NULL ? dash + 1 : id);
	snprintf(d->bus, sizeof d->bus, "%s", bus);
	d->slot = slot;
	d->state = st;
}

void
tu_rt_add(const char *dir, const char *inst, const struct store_dev *d)
{
	struct store_txn t;
	struct err e;

	ck_assert_msg(store_open_locked(dir, inst, &t, 1000, &e) == 0, "%s",
	    e.msg);
	ck_assert_msg(store_add_dev(&t.rt, d, &e) == 0, "%s", e.msg);
	ck_assert_msg(store_commit(&t, &e) == 0, "%s", e.msg);
}

uint32_t
tu_rt_all_live(const struct store_rt *rt, const struct pci_info *pi)
{
	uint32_t seen = 0;
	size_t i;

	for (i = 0; i < rt->ndev; i++) {
		const struct pci_fn *f = pci_info_find_id(pi, rt->dev[i].id);

		ck_assert_msg(f != NULL, "%s is not live", rt->dev[i].id);
		ck_assert_int_eq(f->slot, rt->dev[i].slot);
		ck_assert_msg(!(seen & (1u << f->slot)), "slot %d twice",
		    f->slot);
		seen |= 1u << f->slot;
	}
	return seen;
}

json_t *
tu_list_dev(json_t *j, const char *id, int slot)
{
	json_t *d;
	size_t k;

	json_array_foreach(json_object_get(j, "devices"), k, d) {
		const char *did = json_string_value(json_object_get(d, "id"));

		if (id != NULL ? did != NULL && strcmp(did, id) == 0 :
		    json_integer_value(json_object_get(d, "slot")) == slot)
			return d;
	}
	if (id != NULL)
		ck_abort_msg("no device %s in list --devices", id);
	ck_abort_msg("no device in slot %d in list --devices", slot);
	return NULL;
}

const char *
tu_line_of(const char *text, const char *needle)
{
	static char line[1024];
	const char *p = strstr(text, needle), *q;

	ck_assert_msg(p != NULL, "no %s in:\n%s", needle, text);
	while (p > text && p[-1] != '\n')
		p--;
	q = strchr(p, '\n');
	snprintf(line, sizeof line, "%.*s", (int)(q ? q - p : (int)strlen(p)),
	    p);
	return line;
}
