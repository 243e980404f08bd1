/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qom.c - devices behind unnumbered bridges, from QOM; see qom.h. */
#include "qemu/qom.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/devid.h"
#include "qemu/mon.h"

#define PERIPHERAL "/machine/peripheral"

void
qom_scan_init(struct qom_scan *s)
{
	s->c = NULL;
	s->n = 0;
}

void
qom_scan_free(struct qom_scan *s)
{
	free(s->c);
	qom_scan_init(s);
}

int
qom_cmd_list(char *hmp, char *qmp, struct err *e)
{
	(void)e;
	snprintf(hmp, QOM_CMD_MAX, "qom-list " PERIPHERAL);
	snprintf(qmp, QOM_CMD_MAX, "{\"execute\": \"qom-list\", "
	    "\"arguments\": {\"path\": \"" PERIPHERAL "\"}}");
	return 0;
}

int
qom_cmd_get(const char *name, const char *prop, char *hmp, char *qmp,
    struct err *e)
{
	if (devid_check_qemu_id(name, strlen(name), e) < 0)
		return -1;
	if (strcmp(prop, "parent_bus") != 0 && strcmp(prop, "addr") != 0)
		return err_set(e, "qom-get of '%.40s' is not asked for", prop);
	/* name is letters, digits, '-', '.', '_': safe in both forms */
	if (snprintf(hmp, QOM_CMD_MAX, "qom-get " PERIPHERAL "/%s %s", name,
	    prop) >= QOM_CMD_MAX ||
	    snprintf(qmp, QOM_CMD_MAX, "{\"execute\": \"qom-get\", "
	    "\"arguments\": {\"path\": \"" PERIPHERAL "/%s\", \"property\": "
	    "\"%s\"}}", name, prop) >= QOM_CMD_MAX)
		return err_set(e, "device id %.40s is too long for qom-get",
		    name);
	return 0;
}

enum pci_bridge_kind
qom_bridge_kind(const char *type)
{
	static const struct {
		const char *type;
		enum pci_bridge_kind kind;
	} t[] = {
		{ "pci-bridge", PCI_BR_PCI },
		{ "pcie-root-port", PCI_BR_ROOT_PORT },
		{ "ioh3420", PCI_BR_ROOT_PORT },
		{ "pcie-pci-bridge", PCI_BR_PCIE_PCI },
		{ "i82801b11-bridge", PCI_BR_DMI },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		if (strcmp(t[i].type, type) == 0)
			return t[i].kind;
	return PCI_BR_NONE;
}

/* One qom-list entry; keep it when it is a device pi lacks. */
static int
keep(struct qom_scan *s, const char *name, size_t nl, const char *type,
    size_t tl, const struct pci_info *pi, struct err *e)
{
	struct qom_cand *c;
	char id[PCI_ID_MAX];

	if (tl < 7 || memcmp(type, "child<", 6) != 0 || type[tl - 1] != '>')
		return 0;		/* a property, not a device */
	if (nl >= sizeof id || devid_check_qemu_id(name, nl, NULL) < 0)
		return 0;		/* not an id we could ask about */
	memcpy(id, name, nl);
	id[nl] = '\0';
	if (pci_info_find_any(pi, id) != NULL)
		return 0;		/* listed already */
	if (s->n >= QOM_MAX_CAND)
		return err_set(e, "more than %d devices missing from the PCI "
		    "listing", QOM_MAX_CAND);
	if (s->n % 16 == 0) {
		c = realloc(s->c, (s->n + 16) * sizeof *c);
		if (c == NULL)
			return err_set(e, "out of memory");
		s->c = c;
	}
	c = &s->c[s->n++];
	memset(c, 0, sizeof *c);
	memcpy(c->name, id, nl + 1);
	tl -= 7;
	if (tl >= sizeof c->type)
		tl = sizeof c->type - 1;
	memcpy(c->type, type + 6, tl);
	c->type[tl] = '\0';
	c->devfn = -1;
	return 0;
}

/* HMP: "rp1 (child<pcie-root-port>)" per line. */
static int
list_hmp(struct qom_scan *s, const char *buf, size_t len,
    const struct pci_info *pi, struct err *e)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *sp;
		size_t n = (size_t)(le - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		sp = memchr(p, ' ', n);
		if (n > 0 && (sp == NULL || sp + 3 > p + n || sp[1] != '(' ||
		    p[n - 1] != ')'))
			return err_set(e, "unexpected reply to qom-list: "
			    "'%.*s'", (int)(n > 80 ? 80 : n), p);
		if (n > 0 && keep(s, p, (size_t)(sp - p), sp + 2,
		    (size_t)(p + n - 1 - (sp + 2)), pi, e) < 0)
			return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int
list_qmp(struct qom_scan *s, const char *buf, size_t len,
    const struct pci_info *pi, struct err *e)
{
	json_error_t je;
	json_t *a = json_loadb(buf, len, JSON_DECODE_ANY, &je), *o;
	size_t i;
	int rc = 0;

	if (!json_is_array(a)) {
		json_decref(a);
		return err_set(e, "qom-list did not return a list");
	}
	json_array_foreach(a, i, o) {
		json_t *n = json_object_get(o, "name");
		json_t *t = json_object_get(o, "type");

		if (!json_is_string(n) || !json_is_string(t)) {
			rc = err_set(e, "qom-list: an entry without name and "
			    "type");
			break;
		}
		if ((rc = keep(s, json_string_value(n), json_string_length(n),
		    json_string_value(t), json_string_length(t), pi, e)) < 0)
			break;
	}
	json_decref(a);
	return rc;
}

int
qom_scan_list(struct qom_scan *s, enum mon_proto p, const char *buf,
    size_t len, const struct pci_info *pi, struct err *e)
{
	return p == MON_PROTO_QMP ? list_qmp(s, buf, len, pi, e) :
	    list_hmp(s, buf, len, pi, e);
}

int
qom_scan_set_bus(struct qom_scan *s, size_t i, const char *buf, size_t len,
    struct err *e)
{
	json_error_t je;
	json_t *v;
	const char *path, *last;
	size_t pl, bl;

	if (i >= s->n)
		return err_set(e, "no such QOM candidate");
	v = json_loadb(buf, len, JSON_DECODE_ANY, &je);
	if (!json_is_string(v)) {
		json_decref(v);
		return err_set(e, "qom-get parent_bus of %s is not a path",
		    s->c[i].name);
	}
	/* "/machine/peripheral/ID/BUS": the bus of bridge ID */
	path = json_string_value(v);
	pl = strlen(PERIPHERAL "/");
	last = strrchr(path, '/');
	if (strncmp(path, PERIPHERAL "/", pl) == 0 && last > path + pl &&
	    (bl = (size_t)(last - (path + pl))) < sizeof s->c[i].parent &&
	    memchr(path + pl, '/', bl) == NULL &&
	    devid_check_qemu_id(path + pl, bl, NULL) == 0) {
		memcpy(s->c[i].parent, path + pl, bl);
		s->c[i].parent[bl] = '\0';
	}
	json_decref(v);
	return 0;
}

int
qom_scan_set_addr(struct qom_scan *s, size_t i, const char *buf,
    size_t len, struct err *e)
{
	json_error_t je;
	json_t *v;
	json_int_t d;

	if (i >= s->n)
		return err_set(e, "no such QOM candidate");
	v = json_loadb(buf, len, JSON_DECODE_ANY, &je);
	if (!json_is_integer(v) || (d = json_integer_value(v)) < 0 ||
	    d > 255) {
		json_decref(v);
		return err_set(e, "qom-get addr of %s is not a devfn 0..255",
		    s->c[i].name);
	}
	s->c[i].devfn = (int)d;
	json_decref(v);
	return 0;
}

int
qom_scan_merge(const struct qom_scan *s, struct pci_info *pi, struct err *e)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct qom_cand *c = &s->c[i];
		struct pci_fn f;

		if (c->parent[0] == '\0' || c->devfn < 0)
			continue;
		memset(&f, 0, sizeof f);
		f.bus = PCI_BUS_UNNUMBERED;
		f.slot = c->devfn >> 3;
		f.func = c->devfn & 7;
		snprintf(f.class_text, sizeof f.class_text, "%.50s (from QOM)",
		    c->type);
		snprintf(f.id, sizeof f.id, "%s", c->name);
		snprintf(f.parent, sizeof f.parent, "%s", c->parent);
		f.bridge = qom_bridge_kind(c->type);
		if (pci_info_add(pi, &f, e) < 0)
			return -1;
	}
	pi->qom_read = 1;
	return 0;
}

/* One RAW command to its text; -1 with e set when QEMU refused it. */
static int
raw(struct mon *m, const char *hmp, const char *qmp, char **text,
    struct err *e)
{
	struct mon_result r;
	int rc;

	rc = mon_do(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = hmp,
	    .qmp = qmp }, &r, e);
	*text = rc == 0 ? r.text : NULL;
	if (rc == 0)
		r.text = NULL;
	mon_result_free(&r);
	if (rc == 0 && *text == NULL)
		return err_set(e, "QEMU gave no reply to %s", hmp);
	return rc;
}

int
qom_scan_run(struct mon *m, struct pci_info *pi, struct err *e)
{
	char h[QOM_CMD_MAX], q[QOM_CMD_MAX], *t;
	struct qom_scan s;
	size_t i;
	int rc = -1;

	if (!pci_info_has_unnumbered(pi))
		return 0;
	qom_scan_init(&s);
	if (qom_cmd_list(h, q, e) < 0 || raw(m, h, q, &t, e) < 0)
		return err_prefix(e, "qom-list");
	rc = qom_scan_list(&s, mon_protocol(m), t, strlen(t), pi, e);
	free(t);
	for (i = 0; rc == 0 && i < s.n; i++) {
		struct err ignore;

		if (qom_cmd_get(s.c[i].name, "parent_bus", h, q, e) < 0 ||
		    raw(m, h, q, &t, e) < 0) {
			rc = -1;
			break;
		}
		rc = qom_scan_set_bus(&s, i, t, strlen(t), e);
		free(t);
		if (rc < 0 || s.c[i].parent[0] == '\0')
			continue;
		/* a device without addr (not PCI) is simply not placed */
		if (qom_cmd_get(s.c[i].name, "addr", h, q, e) < 0)
			rc = -1;
		else if (raw(m, h, q, &t, &ignore) == 0) {
			rc = qom_scan_set_addr(&s, i, t, strlen(t), e);
			free(t);
		}
	}
	if (rc == 0)
		rc = qom_scan_merge(&s, pi, e);
	qom_scan_free(&s);
	return rc;
}
