/* SPDX-License-Identifier: GPL-3.0-or-later */
/* netinfo.c - NICs from `info network`; see netinfo.h. */
#include "qemu/netinfo.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "qemu/mon.h"

/* The value of key= in the comma list s..end into out ("" when absent). */
static void
kv(const char *s, const char *end, const char *key, char *out, size_t sz)
{
	size_t kl = strlen(key);
	const char *p = s;

	out[0] = '\0';
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *q = c ? c : end;

		if ((size_t)(q - p) > kl && memcmp(p, key, kl) == 0 &&
		    p[kl] == '=') {
			size_t n = (size_t)(q - p) - kl - 1;

			if (n >= sz)
				n = sz - 1;
			memcpy(out, p + kl + 1, n);
			out[n] = '\0';
			return;
		}
		p = q + 1;
	}
}

/* One line: its name (the client before ": index="), whether it is a
 * peer (indented "\ "), and its key list.  0 when it is no client line. */
static int
line(const char *s, const char *end, char *name, size_t nsz, int *peer,
    const char **kvs)
{
	const char *idx = NULL, *p, *st;
	size_t n;

	for (p = s; p + 8 <= end; p++)
		if (memcmp(p, ": index=", 8) == 0) {
			idx = p;
			break;
		}
	if (idx == NULL)
		return 0;
	for (p = s; p < idx && (*p == ' ' || *p == '\\'); p++)
		;
	*peer = p > s;
	/* the name is what follows the last ": " before idx */
	for (st = p; p + 1 < idx; p++)
		if (p[0] == ':' && p[1] == ' ')
			st = p + 2;
	n = (size_t)(idx - st);
	if (n == 0 || n >= nsz)
		return 0;
	memcpy(name, st, n);
	name[n] = '\0';
	*kvs = idx + 2;
	return 1;
}

int
netinfo_parse(const char *buf, size_t len, struct netinfo *ni,
    struct err *e)
{
	const char *p = buf, *end = buf + len;
	struct netinfo_nic *last = NULL;

	ni->n = 0;
	if (buf == NULL || len > (1u << 24))
		return err_set(e, "info network: no text to read");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *kvs;
		char name[128], type[16];
		int peer;

		if (le > p && le[-1] == '\r')
			le--;
		if (line(p, le, name, sizeof name, &peer, &kvs)) {
			kv(kvs, le, "type", type, sizeof type);
			if (strcmp(type, "nic") == 0) {
				struct netinfo_nic *f = (struct netinfo_nic *)
				    netinfo_find(ni, name);
				char mac[32];
				size_t i;

				if (f != NULL) {
					f->queues++;
					last = f;
				} else if (ni->n < NETINFO_MAX) {
					f = last = &ni->nic[ni->n++];
					memset(f, 0, sizeof *f);
					snprintf(f->name, sizeof f->name, "%s",
					    name);
					kv(kvs, le, "model", f->model,
					    sizeof f->model);
					kv(kvs, le, "macaddr", mac, sizeof mac);
					for (i = 0; i < 17 && mac[i]; i++)
						f->mac[i] = (char)tolower(
						    (unsigned char)mac[i]);
					f->mac[i] = '\0';
					f->queues = 1;
				} else
					last = NULL;
			} else if (peer && last != NULL && !last->peer[0]) {
				snprintf(last->peer, sizeof last->peer, "%s",
				    name);
				snprintf(last->peer_type,
				    sizeof last->peer_type, "%s", type);
			} else if (!peer)
				last = NULL;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

const struct netinfo_nic *
netinfo_find(const struct netinfo *ni, const char *name)
{
	size_t i;

	for (i = 0; i < ni->n; i++)
		if (strcmp(ni->nic[i].name, name) == 0)
			return &ni->nic[i];
	return NULL;
}

/* The one request for `info network` (over QMP inside
 * human-monitor-command); pipe as in struct mon_req. */
static struct mon_req
req(int pipe)
{
	return (struct mon_req){ .op = MON_OP_RAW, .hmp = "info network",
	    .qmp = "{\"execute\": \"human-monitor-command\", \"arguments\": "
	    "{\"command-line\": \"info network\"}}", .pipe = pipe };
}

int
netinfo_queue(struct mon *m, int pipe, struct err *e)
{
	struct mon_req r = req(pipe);

	return mon_add(m, &r, e);
}

int
netinfo_take(const struct mon *m, const char *text, struct netinfo *ni,
    struct err *e)
{
	json_t *j = NULL;
	int rc;

	ni->n = 0;
	if (text != NULL && mon_protocol(m) == MON_PROTO_QMP) {
		j = json_loads(text, JSON_DECODE_ANY, NULL);
		text = json_is_string(j) ? json_string_value(j) : NULL;
	}
	rc = text == NULL ? err_set(e, "info network gave no text") :
	    netinfo_parse(text, strlen(text), ni, e);
	json_decref(j);
	return rc;
}

int
netinfo_query(struct mon *m, struct netinfo *ni, struct err *e)
{
	struct mon_result res;
	struct mon_req r = req(0);
	int rc;

	ni->n = 0;
	if (mon_do(m, &r, &res, e) < 0) {
		mon_result_free(&res);
		return err_prefix(e, "info network");
	}
	rc = netinfo_take(m, res.text, ni, e);
	mon_result_free(&res);
	return rc;
}
