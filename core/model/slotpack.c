/* SPDX-License-Identifier: GPL-3.0-or-later */
/* slotpack.c - 32 slot views packed small; see slotpack.h.
 *
 * A slot with strings has its nine strings, in the order of FIELDS, each
 * with its NUL, at str + brief.str - 1.  A slot whose strings are all
 * empty takes no room there.
 */
#include "model/slotpack.h"

#include <stdlib.h>
#include <string.h>

#include "base/fnv.h"

#define NFIELDS 9

/* The string fields of a view, in pack order, with their sizes. */
static void
fields(const struct slot_view *v, const char *f[NFIELDS])
{
	f[0] = v->id;
	f[1] = v->type;
	f[2] = v->uuid;
	f[3] = v->backend;
	f[4] = v->owner;
	f[5] = v->mname;
	f[6] = v->mac;
	f[7] = v->where;
	f[8] = v->conflict;
}

static void
targets(struct slot_view *v, char *f[NFIELDS], size_t sz[NFIELDS])
{
	f[0] = v->id, sz[0] = sizeof v->id;
	f[1] = v->type, sz[1] = sizeof v->type;
	f[2] = v->uuid, sz[2] = sizeof v->uuid;
	f[3] = v->backend, sz[3] = sizeof v->backend;
	f[4] = v->owner, sz[4] = sizeof v->owner;
	f[5] = v->mname, sz[5] = sizeof v->mname;
	f[6] = v->mac, sz[6] = sizeof v->mac;
	f[7] = v->where, sz[7] = sizeof v->where;
	f[8] = v->conflict, sz[8] = sizeof v->conflict;
}

/* The longest each field is kept: what fits its slot_view field. */
#define VSZ(m) (sizeof ((struct slot_view *)0)->m - 1)
static const size_t cut[NFIELDS] = {
	VSZ(id), VSZ(type), VSZ(uuid), VSZ(backend), VSZ(owner), VSZ(mname),
	VSZ(mac), VSZ(where), VSZ(conflict),
};
_Static_assert(VSZ(where) <= 255 && VSZ(backend) <= 255,
    "a field's length fits the uint8_t pack() keeps it in");

void
slotpack_init(struct slotpack *p)
{
	int s;

	memset(p, 0, sizeof *p);
	for (s = 0; s < 32; s++)
		p->b[s].state = SLOT_UNKNOWN;
}

void
slotpack_free(struct slotpack *p)
{
	free(p->str);
	slotpack_init(p);
}

/* The one packer of strings: slot s's strings f[s][0..NFIELDS) (NULL:
 * all ""; a NULL field is ""), each cut as a view's field is, into a new
 * block; p->b's small fields are the caller's (set, their padding
 * cleared, str and conflict 0), their str and conflict are set here.  A
 * slot whose strings are all "" takes no room (canonical: the hash
 * relies on it). */
static int
pack(struct slotpack *p, const char *const *const f[32])
{
	unsigned char len[32][NFIELDS];
	size_t total = 0, at = 0, ns[32];
	int s, k, rc = 0;
	char *str;

	for (s = 0; s < 32; s++) {
		size_t n = 0, any = 0;

		ns[s] = 0;
		if (f[s] == NULL)
			continue;
		for (k = 0; k < NFIELDS; k++) {
			/* most fields of most slots are "": no strnlen for
			 * them */
			const char *q = f[s][k];
			size_t l = q != NULL && q[0] != '\0' ?
			    strnlen(q, cut[k]) : 0;

			len[s][k] = (unsigned char)l;
			n += l + 1;
			any |= l;
		}
		total += ns[s] = any ? n : 0;
	}
	str = total && total < 65535 ? malloc(total) : NULL;
	if (total && str == NULL)
		rc = -1;
	free(p->str);
	p->str = str;
	for (s = 0; s < 32; s++) {
		struct slot_brief *b = &p->b[s];

		if (ns[s] == 0)
			continue;
		b->conflict = len[s][8] > 0;
		if (str == NULL)
			continue;
		b->str = (uint16_t)(at + 1);
		for (k = 0; k < NFIELDS; k++) {
			if (len[s][k] > 0)
				memcpy(str + at, f[s][k], len[s][k]);
			str[at + len[s][k]] = '\0';
			at += len[s][k] + 1u;
		}
	}
	return rc;
}

int
slotpack_set(struct slotpack *p, const struct slot_view v[32])
{
	const char *fv[32][NFIELDS];
	const char *const *f[32];
	int s;

	memset(p->b, 0, sizeof p->b);	/* no stray padding: they are hashed */
	for (s = 0; s < 32; s++) {
		struct slot_brief *b = &p->b[s];

		b->state = (uint8_t)v[s].state;
		b->reserved = v[s].reserved != 0;
		b->anonymous = v[s].anonymous != 0;
		b->bridge = (uint8_t)v[s].bridge;
		b->nfn = (uint16_t)v[s].nfn;
		b->behind = (int16_t)v[s].behind;
		b->places = (int16_t)v[s].places;
		fields(&v[s], fv[s]);
		f[s] = fv[s];
	}
	return pack(p, f);
}

int
slotpack_set_res(struct slotpack *p, const struct slot_res r[32])
{
	const char *fv[32][NFIELDS];
	const char *const *f[32];
	char bk[32][VSZ(backend) + 1];
	int s, k;

	memset(p->b, 0, sizeof p->b);	/* as slotpack_set */
	for (s = 0; s < 32; s++) {
		const struct slot_res *x = &r[s];
		struct slot_brief *b = &p->b[s];

		b->state = (uint8_t)x->state;
		b->reserved = x->reserved != 0;
		b->anonymous = x->anonymous != 0;
		b->bridge = (uint8_t)x->bridge;
		b->nfn = (uint16_t)x->nfn;
		b->behind = (int16_t)x->behind;
		b->places = (int16_t)x->places;
		f[s] = NULL;
		if (x->id == NULL && x->dev == NULL && x->owner == NULL)
			continue;	/* (most slots) */
		for (k = 0; k < NFIELDS; k++)
			fv[s][k] = NULL;
		fv[s][0] = x->id;
		fv[s][4] = x->owner;
		if (x->dev != NULL) {
			store_backend_text(x->dev, bk[s], sizeof bk[s]);
			fv[s][1] = x->dev->type;
			fv[s][2] = x->dev->uuid;
			fv[s][3] = bk[s];
		}
		f[s] = fv[s];
	}
	return pack(p, f);
}

/* The size of the string block: the end of the last slot's strings. */
static size_t
str_size(const struct slotpack *p)
{
	size_t end = 0;
	int s, k;

	for (s = 0; s < 32; s++) {
		const char *q;

		if (p->b[s].str == 0 || p->b[s].str - 1u < end)
			continue;
		q = p->str + p->b[s].str - 1;
		for (k = 0; k < NFIELDS; k++)
			q += strlen(q) + 1;
		end = (size_t)(q - p->str);
	}
	return end;
}

int
slotpack_copy(struct slotpack *dst, const struct slotpack *src)
{
	size_t n = src->str ? str_size(src) : 0;
	char *str = n ? malloc(n) : NULL;
	int s;

	if (dst == src)
		return 0;
	free(dst->str);
	memcpy(dst->b, src->b, sizeof dst->b);
	dst->str = str;
	if (str != NULL) {
		memcpy(str, src->str, n);
		return 0;
	}
	for (s = 0; s < 32; s++)
		dst->b[s].str = 0;
	return n ? -1 : 0;
}

static const char *
field(const struct slotpack *p, int s, int k)
{
	const char *q;

	if (s < 0 || s >= 32 || p->b[s].str == 0 || p->str == NULL)
		return "";
	q = p->str + p->b[s].str - 1;
	while (k-- > 0)
		q += strlen(q) + 1;
	return q;
}

void
slotpack_get(const struct slotpack *p, int s, struct slot_view *out)
{
	const struct slot_brief *b = &p->b[s];
	char *f[NFIELDS];
	size_t sz[NFIELDS];
	int k;

	memset(out, 0, sizeof *out);
	out->state = (enum slot_state)b->state;
	out->reserved = b->reserved;
	out->anonymous = b->anonymous;
	out->bridge = (enum pci_bridge_kind)b->bridge;
	out->nfn = b->nfn;
	out->behind = b->behind;
	out->places = b->places;
	if (b->str == 0 || p->str == NULL)
		return;
	targets(out, f, sz);
	for (k = 0; k < NFIELDS; k++) {
		const char *q = field(p, s, k);
		size_t len = strlen(q);

		if (len >= sz[k])
			len = sz[k] - 1;
		memcpy(f[k], q, len);
		f[k][len] = '\0';
	}
}

void
slotpack_all(const struct slotpack *p, struct slot_view out[32])
{
	int s;

	for (s = 0; s < 32; s++)
		slotpack_get(p, s, &out[s]);
}

/* The small fields are hashed as they lie, a word at a time: every
 * writer clears their padding (slotpack_init, slotpack_set[_res]), their
 * str offsets follow from the strings before them, so equal packs hash
 * alike; then the string block, which str_size ends. */
_Static_assert(sizeof(((struct slotpack *)0)->b) % sizeof(uint64_t) == 0,
    "slotpack_hash reads the briefs as whole words");

uint64_t
slotpack_hash(const struct slotpack *p, uint64_t h)
{
	uint64_t w[(sizeof p->b) / 8];
	size_t k;

	memcpy(w, p->b, sizeof w);
	for (k = 0; k < sizeof w / sizeof w[0]; k++)
		h = fnv_word(h, w[k]);
	if (p->str != NULL)
		h = fnv_words(h, p->str, str_size(p));	/* ends with a NUL */
	return h;
}

const char *
slotpack_id(const struct slotpack *p, int s)
{
	return field(p, s, 0);
}

const char *
slotpack_type(const struct slotpack *p, int s)
{
	return field(p, s, 1);
}
