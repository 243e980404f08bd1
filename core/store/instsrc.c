/* SPDX-License-Identifier: GPL-3.0-or-later */
/* instsrc.c - instance sources (see instsrc.h): the list, NAME=ENDPOINT
 * arguments and the monitor dir; the config file is instsrc_config.c. */
#include "store/instsrc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

void
instsrc_list_init(struct instsrc_list *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
	nameidx_init(&l->idx);
}

void
instsrc_list_free(struct instsrc_list *l)
{
	free(l->v);
	nameidx_free(&l->idx);
	instsrc_list_init(l);
}

static const char *
name_at(const void *ctx, size_t i)
{
	return ((const struct instsrc_list *)ctx)->v[i].name;
}

long
instsrc_list_find(const struct instsrc_list *l, const char *name)
{
	return nameidx_find(&l->idx, name, name_at, l);
}

int
instsrc_check_endpoint(const char *buf, size_t len, struct err *e)
{
	size_t i;

	if (len == 0)
		return err_set(e, "empty monitor endpoint: give unix:PATH, "
		    "tcp:HOST:PORT or a socket path");
	if (len >= sizeof ((struct instsrc *)0)->endpoint)
		return err_set(e, "monitor endpoint is longer than %zu bytes",
		    sizeof ((struct instsrc *)0)->endpoint - 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c <= ' ' || c == 0x7f)
			return err_set(e, "monitor endpoint '%.*s' contains a "
			    "blank or control character", (int)len, buf);
	}
	if ((len == 5 && memcmp(buf, "unix:", 5) == 0) ||
	    (len == 4 && memcmp(buf, "tcp:", 4) == 0))
		return err_set(e, "monitor endpoint '%.*s' has no address",
		    (int)len, buf);
	return 0;
}

int
instsrc_list_add(struct instsrc_list *l, const char *name,
    const char *endpoint, struct err *e)
{
	struct instsrc *s;

	if (store_check_name(name, e) < 0)
		return -1;
	if (instsrc_check_endpoint(endpoint, strlen(endpoint), e) < 0)
		return err_prefix(e, "instance %s", name);
	if (instsrc_list_find(l, name) >= 0)
		return err_set(e, "instance %s is given twice", name);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct instsrc *p = realloc(l->v, cap * sizeof *p);

		if (p == NULL)
			return err_set(e, "out of memory");
		l->v = p;
		l->cap = cap;
	}
	if (nameidx_add(&l->idx, name, l->n) < 0)
		return err_set(e, "out of memory");
	s = &l->v[l->n++];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(s->endpoint, sizeof s->endpoint, "%s", endpoint);
	return 0;
}

int
instsrc_parse_arg(const char *buf, size_t len, struct instsrc *out,
    struct err *e)
{
	const char *eq = memchr(buf, '=', len);
	size_t nl;

	memset(out, 0, sizeof *out);
	if (eq == NULL)
		return err_set(e, "'%.*s' is not NAME=ENDPOINT (e.g. "
		    "web1=unix:/run/web1.qmp)", (int)(len > 64 ? 64 : len),
		    buf);
	nl = (size_t)(eq - buf);
	if (nl == 0 || nl >= sizeof out->name)
		return err_set(e, "'%.*s': the instance name must be 1 to %zu "
		    "characters", (int)(len > 64 ? 64 : len), buf,
		    sizeof out->name - 1);
	if (memchr(buf, '\0', len) != NULL)
		return err_set(e, "NAME=ENDPOINT contains a NUL byte");
	memcpy(out->name, buf, nl);
	out->name[nl] = '\0';
	if (store_check_name(out->name, e) < 0)
		return -1;
	if (instsrc_check_endpoint(eq + 1, len - nl - 1, e) < 0)
		return err_prefix(e, "instance %s", out->name);
	memcpy(out->endpoint, eq + 1, len - nl - 1);
	out->endpoint[len - nl - 1] = '\0';
	return 0;
}

/* ---- monitor dir ---- */

struct found {
	char name[64];
	int qmp, hmp;
};

static const char *
found_name(const void *ctx, size_t i)
{
	return ((const struct found *)ctx)[i].name;
}

static int
cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name,
	    ((const struct found *)b)->name);
}

int
instsrc_scan_dir(const char *dir, struct instsrc_list *l, struct err *e)
{
	struct nameidx idx = NAMEIDX_INIT;	/* names found -> f[] */
	struct found *f = NULL;
	size_t nf = 0, capf = 0, i;
	struct dirent *de;
	int added = 0, dfd;
	DIR *d;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return err_set(e, "cannot read monitor dir %s: %s", dir,
		    strerror(errno));
	d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return err_set(e, "cannot read monitor dir %s: %s", dir,
		    strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		const char *dot = strrchr(de->d_name, '.');
		struct stat st;
		size_t nl;
		int qmp;

		if (dot == NULL)
			continue;
		if (strcmp(dot, ".qmp") == 0)
			qmp = 1;
		else if (strcmp(dot, ".monitor") == 0)
			qmp = 0;
		else
			continue;
		nl = (size_t)(dot - de->d_name);
		if (nl == 0 || nl >= sizeof f->name)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISSOCK(st.st_mode))
			continue;
		{
			/* NAME.qmp and NAME.monitor: one instance, found
			 * through the index (a scan per entry made 10,000
			 * instances cost 10^8 comparisons) */
			char nm[sizeof f->name];
			long at;

			memcpy(nm, de->d_name, nl);
			nm[nl] = '\0';
			at = nameidx_find(&idx, nm, found_name, f);
			i = at >= 0 ? (size_t)at : nf;
		}
		if (i == nf) {
			if (nf == capf) {
				size_t cap = capf ? capf * 2 : 16;
				struct found *p = realloc(f, cap * sizeof *p);

				if (p == NULL) {
					free(f);
					nameidx_free(&idx);
					closedir(d);
					return err_set(e, "out of memory");
				}
				f = p;
				capf = cap;
			}
			memset(&f[nf], 0, sizeof f[nf]);
			memcpy(f[nf].name, de->d_name, nl);
			if (nameidx_add(&idx, f[nf].name, nf) < 0) {
				free(f);
				nameidx_free(&idx);
				closedir(d);
				return err_set(e, "out of memory");
			}
			nf++;
		}
		if (qmp)
			f[i].qmp = 1;
		else
			f[i].hmp = 1;
	}
	closedir(d);
	nameidx_free(&idx);
	if (nf > 1)
		qsort(f, nf, sizeof *f, cmp_found);
	for (i = 0; i < nf; i++) {
		char ep[sizeof l->v->endpoint];
		struct err e2;
		int n;

		if (instsrc_list_find(l, f[i].name) >= 0)
			continue;
		if (store_check_name(f[i].name, &e2) < 0)
			continue;	/* not an instance name we can store */
		n = snprintf(ep, sizeof ep, "unix:%s/%s.%s", dir, f[i].name,
		    f[i].qmp ? "qmp" : "monitor");
		if (n < 0 || (size_t)n >= sizeof ep)
			continue;
		if (instsrc_list_add(l, f[i].name, ep, e) < 0) {
			free(f);
			return -1;
		}
		added++;
	}
	free(f);
	return added;
}

int
instsrc_scan_default(struct instsrc_list *l, struct err *e)
{
	struct stat st;

	if (stat(INSTSRC_GANETI_DIR, &st) < 0 && errno == ENOENT)
		return 0;
	return instsrc_scan_dir(INSTSRC_GANETI_DIR, l, e);
}
