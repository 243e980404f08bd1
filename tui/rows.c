/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rows.c - which instances the grid shows, and in which order: every one
 * in the fleet's display order (a host's or a libvirt connection's rows
 * together, fleet_display_order), or with a filter (`/TEXT` typed on the command line)
 * those whose name contains TEXT, whose connection state is TEXT (ok,
 * busy, unreachable, error, new), that have a slot in state TEXT
 * (`/foreign`, `/missing`, `/unplugging`, ..., and `/conflict`: a slot
 * the VM's manager records another device in) or whose devices' id or
 * type contains TEXT (`/nic-6f1a`, `/disk`).  Case does not matter.
 *
 * The list is recomputed before each draw, since a refresh changes the
 * states a filter may name.
 *
 * Under a filter each source's header line stays above its rows shown; a
 * host whose rows are all filtered out has none (it answered: none of
 * its instances matches).  A host that has not answered (connecting or
 * unreachable) keeps its own line under every filter: its instances are
 * unknown, so whether one matches is not known either.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "fleet/fleetagent.h"

static int
has_state(const struct instance *in, const char *f)
{
	int s, k;

	if (in->protocol[0] == '\0')
		return 0;		/* no slot data yet */
	for (k = 0; strcasecmp(f, "conflict") == 0 && k < 32; k++)
		if (in->slots.b[k].conflict &&
		    in->slots.b[k].state != SLOT_UNKNOWN)
			return 1;
	for (s = 0; s < SLOT_NSTATES; s++) {
		if (strcasecmp(f, slot_state_name((enum slot_state)s)) != 0)
			continue;
		for (k = 0; k < 32; k++)
			if (in->slots.b[k].state == s)
				return 1;
	}
	return 0;
}

static int
has_device(const struct instance *in, const char *f)
{
	int k;

	for (k = 0; k < 32; k++) {
		const char *id = slotpack_id(&in->slots, k),
		    *type = slotpack_type(&in->slots, k);

		if ((id[0] && strcasestr(id, f)) ||
		    (type[0] && strcasestr(type, f)))
			return 1;
	}
	return 0;
}

static int
match(const struct instance *in, const char *f)
{
	if (*f == '\0' || strcasestr(in->name, f) != NULL)
		return 1;
	if (strcasecmp(f, inst_conn_name(in->conn)) == 0)
		return 1;
	return has_state(in, f) || has_device(in, f);
}

void
rows_update(struct app *a)
{
	const struct fleet *fl = a->fleet;
	size_t i, n = fl->n;

	if (n > a->vis_cap) {
		size_t *v = realloc(a->vis, n * sizeof *v);
		unsigned char *h = realloc(a->vhead, n ? n : 1);

		if (h != NULL)
			a->vhead = h;
		if (v != NULL && h != NULL) {
			a->vis = v;
			a->vis_cap = n;
		} else if (v != NULL)
			a->vis = v;
	}
	if (n > a->vis_cap)
		n = a->vis_cap;		/* out of memory: the rows we can */
	a->nvis = 0;
	/* each source's rows together (a host's, a libvirt connection's):
	 * fleet_display_order; without the memory, fleet order */
	{
		size_t *order = fl->n ? malloc(fl->n * sizeof *order) : NULL;

		if (order != NULL)
			fleet_display_order(fl, order);
		for (i = 0; i < n; i++) {
			size_t k = order != NULL ? order[i] : i;

			if (match(&fl->inst[k], a->filter))
				a->vis[a->nvis++] = k;
		}
		free(order);
	}
	/* a header line where a source's rows begin */
	for (i = 0; i < a->nvis; i++) {
		const struct instance *in = &fl->inst[a->vis[i]];
		const struct instance *pv = i ? &fl->inst[a->vis[i - 1]] : NULL;

		a->vhead[i] = fl->nother > 0 && (pv == NULL ||
		    pv->back != in->back || pv->src != in->src);
	}
	/* the selection on a shown row: the next one after it, else the
	 * last one */
	if (a->nvis > 0 && rows_pos(a, a->sel_inst) == (size_t)-1) {
		for (i = 0; i < a->nvis && a->vis[i] < a->sel_inst; i++)
			;
		a->sel_inst = a->vis[i < a->nvis ? i : a->nvis - 1];
	}
	if (a->top >= a->nvis)
		a->top = 0;
}

size_t
rows_pos(const struct app *a, size_t inst)
{
	size_t lo = 0, hi = a->nvis;

	/* vis is in instance order when all are monitors: found at once */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->vis[mid] < inst)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->nvis && a->vis[lo] == inst)
		return lo;
	/* not in order after all (or not shown): look at each */
	for (lo = 0; lo < a->nvis; lo++)
		if (a->vis[lo] == inst)
			return lo;
	return (size_t)-1;
}

void
rows_set_filter(struct app *a, const char *text, size_t len)
{
	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	if (len >= sizeof a->filter)
		len = sizeof a->filter - 1;
	memcpy(a->filter, text, len);
	a->filter[len] = '\0';
	a->top = 0;
	rows_update(a);
	if (a->filter[0] == '\0')
		app_log(a, LOG_INFO, "filter off: all %zu instances",
		    a->fleet->n);
	else
		app_log(a, LOG_INFO, "filter \"%s\": %zu of %zu instances%s",
		    a->filter, a->nvis, a->fleet->n, a->nvis ? "" :
		    " (a lone / shows all again)");
}

void
rows_header(const struct app *a, size_t v, char *buf, size_t sz)
{
	const struct fleet *fl = a->fleet;
	const struct instance *in = &fl->inst[a->vis[v]];
	size_t h = (size_t)in->src - 1;

	switch (in->back) {
	case FLEET_BACK_AGENT:
		snprintf(buf, sz, "host %s  %s%s%s", fleet_host_name(fl, h),
		    fleet_host_url(fl, h), fleet_host_error(fl, h)[0] ?
		    "  " : "", fleet_host_error(fl, h));
		break;
	case FLEET_BACK_LIBVIRT:
		snprintf(buf, sz, "libvirt %s  %s", in->host, in->endpoint);
		break;
	default:
		snprintf(buf, sz, "local");
		break;
	}
}

size_t
rows_headers(const struct app *a, size_t from, size_t to)
{
	size_t n = 0;

	for (; from < to && from < a->nvis; from++)
		n += a->vhead[from] != 0;
	return n;
}

int
rows_lost_host(const struct app *a, size_t h, char *buf, size_t sz)
{
	const struct fleet *fl = a->fleet;
	enum fleet_host_state st = fleet_host_state(fl, h);

	if (fleet_host_ninst(fl, h) > 0 || st == FLEET_HOST_OK)
		return 0;
	if (st == FLEET_HOST_CONNECTING)
		snprintf(buf, sz, "host %s  %s  connecting, instances unknown",
		    fleet_host_name(fl, h), fleet_host_url(fl, h));
	else
		snprintf(buf, sz, "host %s  %s  unreachable, instances "
		    "unknown  %s", fleet_host_name(fl, h),
		    fleet_host_url(fl, h), fleet_host_error(fl, h));
	return 1;
}

size_t
rows_lost_hosts(const struct app *a)
{
	size_t h, n = 0;
	char line[8];

	for (h = 0; h < fleet_nhosts(a->fleet); h++)
		n += (size_t)rows_lost_host(a, h, line, sizeof line);
	return n;
}

void
rows_free(struct app *a)
{
	free(a->vis);
	free(a->vhead);
	a->vhead = NULL;
	a->vis = NULL;
	a->nvis = a->vis_cap = 0;
}
