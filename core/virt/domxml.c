/* SPDX-License-Identifier: GPL-3.0-or-later */
/* domxml.c - libvirt's live domain XML into slotscope's model; see
 * domxml.h.  libxml2 builds the tree; only elements are looked at. */
#include "virt/domxml.h"
#include "base/strcopy.h"
#include "model/pcitree.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
domxml_init(struct domxml *d)
{
	memset(d, 0, sizeof *d);
}

void
domxml_free(struct domxml *d)
{
	free(d->dev);
	domxml_init(d);
}

static int
named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *
child(const xmlNode *n, const char *name)
{
	for (n = n ? n->children : NULL; n != NULL; n = n->next)
		if (named(n, name))
			return n;
	return NULL;
}

/* Attribute attr of n into out (cut to fit), "" when absent. */
static void
attr(const xmlNode *n, const char *name, char *out, size_t sz)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;

	snprintf(out, sz, "%s", v ? (const char *)v : "");
	xmlFree(v);
}

/* The text of n (cut to fit), "" when none. */
static void
text(const xmlNode *n, char *out, size_t sz)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;

	snprintf(out, sz, "%s", v ? (const char *)v : "");
	xmlFree(v);
}

/* A number as libvirt writes addresses: 0x.. hex or decimal, 0..max. */
static int
num(const char *s, int max, int *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	v = strtol(s, &end, 0);
	if (*end != '\0' || v < 0 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
address(const xmlNode *n, struct domxml_dev *v, struct err *e)
{
	const xmlNode *a = child(n, "address");
	char t[16], dom[16], bus[16], slot[16], fn[16];
	int domain;

	v->pci = 0;
	attr(a, "type", t, sizeof t);
	if (a == NULL || strcmp(t, "pci") != 0)
		return 0;
	attr(a, "domain", dom, sizeof dom);
	attr(a, "bus", bus, sizeof bus);
	attr(a, "slot", slot, sizeof slot);
	attr(a, "function", fn, sizeof fn);
	if (dom[0] == '\0')
		snprintf(dom, sizeof dom, "0");
	if (fn[0] == '\0')
		snprintf(fn, sizeof fn, "0");
	if (num(dom, 0xffff, &domain) < 0 || num(bus, 255, &v->bus) < 0 ||
	    num(slot, 31, &v->slot) < 0 || num(fn, 7, &v->func) < 0)
		return err_set(e, "device %s: PCI address bus='%s' slot='%s' "
		    "function='%s' is not one", v->alias, bus, slot, fn);
	if (domain != 0)
		return 0;	/* another PCI domain: not our 32 slots */
	v->pci = 1;
	return 0;
}

/* The source a user knows a device by. */
static void
source(const xmlNode *n, struct domxml_dev *v)
{
	static const char *const keys[] = { "file", "dev", "volume",
	    "network", "bridge", "name", "path", NULL };
	const xmlNode *s = child(n, "source");
	size_t i;

	v->source[0] = v->srckey[0] = '\0';
	for (i = 0; s != NULL && keys[i] != NULL && v->source[0] == '\0'; i++)
		attr(s, keys[i], v->source, sizeof v->source);
	if (v->source[0] != '\0')
		snprintf(v->srckey, sizeof v->srckey, "%s", keys[i - 1]);
}

/* A <disk>'s image: its target (guest name, bus), format and libvirt's
 * number for it (source/@index). */
static void
disk(const xmlNode *n, struct domxml_dev *v)
{
	char ix[16];

	attr(child(n, "target"), "bus", v->model, sizeof v->model);
	attr(child(n, "target"), "dev", v->target, sizeof v->target);
	attr(child(n, "driver"), "type", v->format, sizeof v->format);
	attr(child(n, "source"), "index", ix, sizeof ix);
	if (num(ix, 1 << 30, &v->srcindex) < 0)
		v->srcindex = 0;
}

/* An <interface>'s backend: its type, the tap libvirt made (target) and
 * the bridge it is on (source), vhost and queues (driver). */
static void
netback(const xmlNode *n, struct domxml_dev *v)
{
	char drv[16], q[16];

	attr(n, "type", v->nettype, sizeof v->nettype);
	attr(child(n, "target"), "dev", v->tap, sizeof v->tap);
	attr(child(n, "source"), "bridge", v->bridge, sizeof v->bridge);
	attr(child(n, "driver"), "name", drv, sizeof drv);
	attr(child(n, "driver"), "queues", q, sizeof q);
	v->vhost = strcmp(drv, "vhost") == 0;
	if (num(q, 1024, &v->queues) < 0)
		v->queues = 0;
}

/* A <controller type='pci' index='N'>: its index, the bus behind it. */
static int
pci_controller(const xmlNode *n, struct domxml_dev *v)
{
	char t[16], ix[16];

	attr(n, "type", t, sizeof t);
	if (strcmp(t, "pci") != 0)
		return 0;
	attr(n, "index", ix, sizeof ix);
	return num(ix, 255, &v->index);
}

static int
device(const xmlNode *n, struct domxml *d, struct err *e)
{
	struct domxml_dev v;
	const xmlNode *m;

	memset(&v, 0, sizeof v);
	v.index = -1;
	attr(child(n, "alias"), "name", v.alias, sizeof v.alias);
	if (v.alias[0] == '\0')
		return 0;	/* not in the live machine */
	snprintf(v.element, sizeof v.element, "%s", (const char *)n->name);
	if (named(n, "controller") && pci_controller(n, &v) < 0)
		return err_set(e, "controller %s: index is not a bus number",
		    v.alias);
	if (named(n, "interface") || named(n, "controller") ||
	    named(n, "memballoon") || named(n, "rng") || named(n, "video"))
		attr(named(n, "controller") || named(n, "memballoon") ? n :
		    child(n, "model"), named(n, "video") ? "type" : "model",
		    v.model, sizeof v.model);
	if (named(n, "interface") && (m = child(n, "model")) != NULL)
		attr(m, "type", v.model, sizeof v.model);
	if (named(n, "interface"))
		netback(n, &v);
	if (named(n, "disk"))
		disk(n, &v);
	attr(child(n, "mac"), "address", v.mac, sizeof v.mac);
	source(n, &v);
	if (address(n, &v, e) < 0)
		return -1;
	if (d->ndev >= DOMXML_MAX_DEVICES)
		return err_set(e, "domain %s has more than %d devices", d->name,
		    DOMXML_MAX_DEVICES);
	if (d->ndev == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct domxml_dev *p = realloc(d->dev, cap * sizeof *p);

		if (p == NULL)
			return err_set(e, "out of memory");
		d->dev = p;
		d->cap = cap;
	}
	d->dev[d->ndev++] = v;
	return 0;
}

int
domxml_parse(const char *buf, size_t len, struct domxml *d, struct err *e)
{
	xmlDoc *doc;
	const xmlNode *root, *n;
	int rc = 0;

	domxml_free(d);
	if (len == 0 || len > DOMXML_MAX)
		return err_set(e, "a domain XML of %zu bytes is not one "
		    "(at most %d)", len, DOMXML_MAX);
	doc = xmlReadMemory(buf, (int)len, "domain.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return err_set(e, "libvirt's domain XML does not parse");
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !named(root, "domain")) {
		xmlFreeDoc(doc);
		return err_set(e, "libvirt's XML is not a <domain>");
	}
	text(child(root, "name"), d->name, sizeof d->name);
	text(child(root, "uuid"), d->uuid, sizeof d->uuid);
	attr(child(child(root, "os"), "type"), "machine", d->machine,
	    sizeof d->machine);
	for (n = child(root, "devices"), n = n ? n->children : NULL;
	    n != NULL && rc == 0; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			rc = device(n, d, e);
	xmlFreeDoc(doc);
	if (rc == 0 && d->name[0] == '\0')
		rc = err_set(e, "libvirt's domain XML has no <name>");
	return rc;
}

const struct domxml_dev *
domxml_find(const struct domxml *d, const char *alias)
{
	size_t i;

	for (i = 0; i < d->ndev; i++)
		if (strcmp(d->dev[i].alias, alias) == 0)
			return &d->dev[i];
	return NULL;
}

const char *
domxml_type(const struct domxml_dev *v)
{
	return strcmp(v->element, "interface") == 0 ? "nic" : v->element;
}

static int
is_controller(const struct domxml_dev *v)
{
	return strcmp(v->element, "controller") == 0;
}

enum pci_bridge_kind
domxml_bridge_kind(const char *model)
{
	static const struct {
		const char *model;
		enum pci_bridge_kind kind;
	} kinds[] = {
		{ "pcie-root-port", PCI_BR_ROOT_PORT },
		{ "pci-bridge", PCI_BR_PCI },
		{ "pcie-to-pci-bridge", PCI_BR_PCIE_PCI },
		{ "dmi-to-pci-bridge", PCI_BR_DMI },
		{ "pcie-switch-upstream-port", PCI_BR_OTHER },
		{ "pcie-switch-downstream-port", PCI_BR_OTHER },
		{ "pci-expander-bus", PCI_BR_OTHER },
		{ "pcie-expander-bus", PCI_BR_OTHER },
	};
	size_t k;

	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strcmp(model, kinds[k].model) == 0)
			return kinds[k].kind;
	return PCI_BR_NONE;
}

/* A q35 machine: its root bus is PCIe (pcie.0, no hotplug). */
static int
is_pcie(const struct domxml *d)
{
	size_t i;

	for (i = 0; i < d->ndev; i++)
		if (d->dev[i].index == 0 &&
		    strcmp(d->dev[i].model, "pcie-root") == 0)
			return 1;
	return strstr(d->machine, "q35") != NULL;
}

/* Device v as a function of the live buses. */
static void
function(const struct domxml_dev *v, struct pci_fn *f)
{
	memset(f, 0, sizeof *f);
	f->bus = v->bus;
	f->slot = v->slot;
	f->func = v->func;
	strcopy(f->class_text, sizeof f->class_text, v->element);
	if (v->model[0] != '\0' &&
	    strlen(f->class_text) + 1 + strlen(v->model) <
	    sizeof f->class_text) {
		strcat(f->class_text, " ");
		strcat(f->class_text, v->model);
	}
	if (!is_controller(v))
		snprintf(f->id, sizeof f->id, "%s", v->alias);
	else if (v->index > 0 &&
	    (f->bridge = domxml_bridge_kind(v->model)) != PCI_BR_NONE) {
		/* QEMU's id for the bridge, and the bus libvirt numbers
		 * the addresses behind it with */
		snprintf(f->id, sizeof f->id, "%s", v->alias);
		f->sec_bus = v->index;
	}
}

int
domxml_pci(const struct domxml *d, struct pci_info *pi, struct err *e)
{
	struct pci_fn f;
	size_t i;

	pci_info_clear(pi);
	memset(&f, 0, sizeof f);
	snprintf(f.class_text, sizeof f.class_text, "Host bridge");
	f.vendor = 0x8086;
	f.device = is_pcie(d) ? 0x29c0 : 0x1237;
	if (pci_info_add(pi, &f, e) < 0)
		return -1;
	for (i = 0; i < d->ndev; i++) {
		if (!d->dev[i].pci)
			continue;
		function(&d->dev[i], &f);
		if (pci_info_add(pi, &f, e) < 0)
			return -1;
	}
	return 0;
}

/* The place ("" root, "1", "1-0" ...) of libvirt's bus number bus in t,
 * or NULL when the tree does not know it. */
static const char *
place_of(const struct pcitree *t, int bus)
{
	size_t b;

	if (bus == 0)
		return "";
	for (b = 1; b < t->nbus; b++)
		if (t->bus[b].number == bus)
			return t->bus[b].path;
	return NULL;
}

/* An interface's backend as QEMU has it: libvirt names the netdev of
 * alias A "hostA" (its hotplug and its command line do); user mode is
 * netdev user, the types libvirt opens a tap for are a tap (macvtap for
 * direct), the others are not known here and record none. */
static void
nic_backend(const struct domxml_dev *v, struct store_backend *b)
{
	static const char *const taps[] = { "network", "bridge", "ethernet",
	    "direct", NULL };
	size_t k;

	memset(b, 0, sizeof *b);
	if (strcmp(v->element, "interface") != 0)
		return;
	for (k = 0; taps[k] != NULL && strcmp(v->nettype, taps[k]) != 0; k++)
		;
	if (strcmp(v->nettype, "user") == 0)
		b->kind = STORE_BK_USER;
	else if (taps[k] != NULL)
		b->kind = STORE_BK_TAP;
	else
		return;
	snprintf(b->netdev, sizeof b->netdev, "host%.59s", v->alias);
	if (b->kind == STORE_BK_TAP) {
		strcopy(b->tap, sizeof b->tap, v->tap);
		strcopy(b->bridge, sizeof b->bridge, v->bridge);
	}
	b->vhost = v->vhost;
	b->queues = v->queues;
}

/* The last libvirt release known to give a raw image its raw format node
 * (Debian 12's 9.0.0; later ones may leave it out). */
#define RAW_NODE_UNTIL 9000999UL

void
domxml_drive(const struct domxml *d, const struct domxml_dev *v,
    char *out, size_t sz)
{
	int n = 0;

	out[0] = '\0';
	if (strcmp(v->element, "disk") != 0 || v->source[0] == '\0')
		return;
	if (v->srcindex == 0)
		n = snprintf(out, sz, "drive-%s", v->alias);
	else if ((v->format[0] != '\0' && strcmp(v->format, "raw") != 0) ||
	    (d->libvirt != 0 && d->libvirt <= RAW_NODE_UNTIL))
		n = snprintf(out, sz, "libvirt-%d-format", v->srcindex);
	if (n < 0 || (size_t)n >= sz)
		out[0] = '\0';	/* a cut name would be another node's */
}

/* A disk's backend as the XML has it (see domxml.h). */
static void
disk_backend(const struct domxml *d, const struct domxml_dev *v,
    struct store_backend *b)
{
	if (strcmp(v->element, "disk") != 0)
		return;
	b->kind = STORE_BK_FILE;
	if (strcmp(v->srckey, "file") == 0 || strcmp(v->srckey, "dev") == 0)
		strcopy(b->path, sizeof b->path, v->source);
	strcopy(b->format, sizeof b->format, v->format);
	domxml_drive(d, v, b->drive, sizeof b->drive);
}

static int
reservations(const struct domxml *d, struct store_rt *rt, struct err *e)
{
	memset(&rt->reserved, 0, sizeof rt->reserved);
	if (slotmap_reserve(&rt->reserved, 0, e) < 0)
		return -1;
	if (is_pcie(d))
		return slotmap_reserve(&rt->reserved, 31, e);
	if (strncmp(d->machine, "pc", 2) == 0)
		return slotmap_reserve(&rt->reserved, 1, e);
	return 0;
}

int
domxml_rt(const struct domxml *d, const char *inst, struct store_rt *rt,
    struct err *e)
{
	struct pci_info pi;
	struct pcitree t;
	size_t i;
	int rc = 0;

	store_rt_init(rt, inst);
	if (reservations(d, rt, e) < 0)
		return -1;
	pci_info_init(&pi);
	if (domxml_pci(d, &pi, e) < 0) {
		pci_info_free(&pi);
		return -1;
	}
	pcitree_build(&pi, &t);
	pci_info_free(&pi);
	for (i = 0; i < d->ndev && rc == 0; i++) {
		const struct domxml_dev *v = &d->dev[i];
		const char *bus = v->pci ? place_of(&t, v->bus) : NULL;
		struct store_dev sd;

		if (bus == NULL || is_controller(v) ||
		    store_find_place(rt, bus, v->slot) != NULL)
			continue;	/* one runtime device per place */
		memset(&sd, 0, sizeof sd);
		snprintf(sd.id, sizeof sd.id, "%s", v->alias);
		snprintf(sd.type, sizeof sd.type, "%s", domxml_type(v));
		snprintf(sd.bus, sizeof sd.bus, "%s", bus);
		sd.slot = v->slot;
		sd.state = STORE_DEV_PLUGGED;
		strcopy(sd.driver, sizeof sd.driver, v->model);
		snprintf(sd.mac, sizeof sd.mac, "%s", v->mac);
		nic_backend(v, &sd.backend);
		disk_backend(d, v, &sd.backend);
		/* an alias slotscope's ids cannot hold stays foreign */
		if (store_check_dev(&sd, NULL) == 0 &&
		    store_add_dev(rt, &sd, e) < 0)
			rc = err_prefix(e, "domain %s", d->name);
	}
	return rc;
}
