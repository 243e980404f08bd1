/* SPDX-License-Identifier: GPL-3.0-or-later */
/* blkinfo.c - block backends attached to devices; see blkinfo.h. */
#include "qemu/blkinfo.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/mon.h"

#define PERIPH "/machine/peripheral/"

/* "/machine/peripheral/ID/virtio-backend" (or ".../ID") -> ID */
static void
qdev_id(const char *path, char *out, size_t sz)
{
	size_t n;

	out[0] = '\0';
	if (strncmp(path, PERIPH, strlen(PERIPH)) != 0)
		return;
	path += strlen(PERIPH);
	n = strcspn(path, "/");
	if (n < sz) {
		memcpy(out, path, n);
		out[n] = '\0';
	}
}

static void
cpy(char *dst, size_t sz, const char *s)
{
	snprintf(dst, sz, "%s", s ? s : "");
}

/* The protocol driver of the node whose file is f (file/host_device). */
static void
set_protocols(struct blkinfo *bi, const char *file, const char *drv)
{
	size_t i;

	if (strcmp(drv, "file") != 0 && strcmp(drv, "host_device") != 0)
		return;
	for (i = 0; i < bi->n; i++)
		if (strcmp(bi->dev[i].file, file) == 0 &&
		    bi->dev[i].protocol[0] == '\0')
			cpy(bi->dev[i].protocol, sizeof bi->dev[i].protocol,
			    drv);
}

int
blkinfo_parse_qmp(const char *blocks, size_t blen, const char *nodes,
    size_t nlen, struct blkinfo *bi, struct err *e)
{
	json_t *a = json_loadb(blocks, blen, 0, NULL), *b, *in, *c;
	size_t i;

	bi->n = 0;
	if (!json_is_array(a)) {
		json_decref(a);
		return err_set(e, "query-block did not return a list");
	}
	json_array_foreach(a, i, b) {
		struct blkinfo_dev *d;

		in = json_object_get(b, "inserted");
		if (!json_is_object(in) || bi->n >= BLKINFO_MAX)
			continue;
		d = &bi->dev[bi->n++];
		memset(d, 0, sizeof *d);
		qdev_id(json_string_value(json_object_get(b, "qdev")) ?
		    json_string_value(json_object_get(b, "qdev")) : "",
		    d->qdev, sizeof d->qdev);
		cpy(d->node, sizeof d->node,
		    json_string_value(json_object_get(in, "node-name")));
		cpy(d->file, sizeof d->file,
		    json_string_value(json_object_get(in, "file")));
		cpy(d->format, sizeof d->format,
		    json_string_value(json_object_get(in, "drv")));
		d->ro = json_is_true(json_object_get(in, "ro"));
		c = json_object_get(in, "cache");
		d->writeback = json_is_true(json_object_get(c, "writeback"));
		d->direct = json_is_true(json_object_get(c, "direct"));
		d->no_flush = json_is_true(json_object_get(c, "no-flush"));
	}
	json_decref(a);
	if (nodes == NULL)
		return 0;
	a = json_loadb(nodes, nlen, 0, NULL);
	json_array_foreach(a, i, b)
		if (json_is_string(json_object_get(b, "file")) &&
		    json_is_string(json_object_get(b, "drv")))
			set_protocols(bi, json_string_value(json_object_get(b,
			    "file")), json_string_value(json_object_get(b,
			    "drv")));
	json_decref(a);
	return 0;
}

/* "NAME[ (#blockN)]: FILE (FMT[, read-only])" -> its parts; 0 if not. */
static int
head(const char *s, size_t n, char *name, size_t namesz, char *file,
    size_t filesz, char *fmt, size_t fmtsz, int *ro)
{
	const char *colon = memchr(s, ':', n), *lp, *end = s + n;
	size_t k;

	if (colon == NULL || colon == s || s[0] == ' ' || colon + 2 > end)
		return 0;
	k = strcspn(s, " :");
	if (k >= namesz)
		return 0;
	memcpy(name, s, k);
	name[k] = '\0';
	if (end[-1] != ')')
		return 0;
	for (lp = end - 1; lp > colon && *lp != '('; lp--)
		;
	if (lp <= colon + 2)
		return 0;
	k = (size_t)(lp - 1 - (colon + 2));
	if (k >= filesz)
		return 0;
	memcpy(file, colon + 2, k);
	file[k] = '\0';
	k = strcspn(lp + 1, ",)");
	if (k >= fmtsz)
		return 0;
	memcpy(fmt, lp + 1, k);
	fmt[k] = '\0';
	*ro = memmem(lp, (size_t)(end - lp), "read-only", 9) != NULL;
	return 1;
}

static void
hmp_lines(const char *buf, size_t len, struct blkinfo *bi, int nodes)
{
	const char *p = buf, *end = buf + len;
	struct blkinfo_dev *d = NULL;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char name[64], file[1024], fmt[32];
		int ro;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (head(p, n, name, sizeof name, file, sizeof file, fmt,
		    sizeof fmt, &ro)) {
			d = NULL;
			if (nodes)
				set_protocols(bi, file, fmt);
			else if (bi->n < BLKINFO_MAX) {
				d = &bi->dev[bi->n++];
				memset(d, 0, sizeof *d);
				cpy(d->node, sizeof d->node, name);
				cpy(d->file, sizeof d->file, file);
				cpy(d->format, sizeof d->format, fmt);
				d->ro = ro;
				d->writeback = 1;
			}
		} else if (d != NULL && n > 4 && memmem(p, n, "Attached to:",
		    12) != NULL) {
			const char *q = memmem(p, n, PERIPH, strlen(PERIPH));
			char path[256];

			if (q != NULL) {
				snprintf(path, sizeof path, "%.*s",
				    (int)(n - (size_t)(q - p)), q);
				qdev_id(path, d->qdev, sizeof d->qdev);
			}
		} else if (d != NULL && memmem(p, n, "Cache mode:", 11)) {
			d->writeback = memmem(p, n, "writeback", 9) != NULL;
			d->direct = memmem(p, n, "direct", 6) != NULL;
			d->no_flush = memmem(p, n, "ignore flushes", 14) !=
			    NULL;
		}
		p = nl ? nl + 1 : end;
	}
}

int
blkinfo_parse_hmp(const char *blocks, size_t blen, const char *nodes,
    size_t nlen, struct blkinfo *bi, struct err *e)
{
	(void)e;
	bi->n = 0;
	hmp_lines(blocks, blen, bi, 0);
	if (nodes != NULL)
		hmp_lines(nodes, nlen, bi, 1);
	return 0;
}

const struct blkinfo_dev *
blkinfo_find(const struct blkinfo *bi, const char *id)
{
	size_t i;

	for (i = 0; i < bi->n; i++)
		if (strcmp(bi->dev[i].qdev, id) == 0)
			return &bi->dev[i];
	return NULL;
}

static char *
ask(struct mon *m, const char *hmp, const char *qmp, struct err *e)
{
	struct mon_result res;
	char *t;

	if (mon_do(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = hmp,
	    .qmp = qmp }, &res, e) < 0) {
		mon_result_free(&res);
		return NULL;
	}
	t = res.text;
	res.text = NULL;
	mon_result_free(&res);
	if (t == NULL)
		err_set(e, "%s gave no answer", hmp);
	return t;
}

int
blkinfo_query(struct mon *m, struct blkinfo *bi, struct err *e)
{
	int qmp = mon_protocol(m) == MON_PROTO_QMP;
	char *b = ask(m, "info block", "{\"execute\": \"query-block\"}", e);
	char *n = b ? ask(m, "info block -n",
	    "{\"execute\": \"query-named-block-nodes\"}", e) : NULL;
	int rc;

	bi->n = 0;
	if (b == NULL || n == NULL)
		rc = -1;
	else if (qmp)
		rc = blkinfo_parse_qmp(b, strlen(b), n, strlen(n), bi, e);
	else
		rc = blkinfo_parse_hmp(b, strlen(b), n, strlen(n), bi, e);
	free(b);
	free(n);
	return rc;
}
