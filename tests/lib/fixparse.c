/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fixparse.c - see fixparse.h. */
#include "fixparse.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/hmp.h"
#include "testutil.h"

char *
fixparse_hmp_clean(const char *rel, size_t *n)
{
	size_t rl;
	char *raw = tu_fixture(rel, &rl);
	char *out = malloc(rl + 1);

	ck_assert_ptr_nonnull(out);
	*n = hmp_reply_clean(raw, rl, out);
	free(raw);
	return out;
}

void
fixparse_hmp_pci(const char *rel, struct pci_info *pi)
{
	size_t n;
	char *t = fixparse_hmp_clean(rel, &n);
	struct err e;

	pci_info_init(pi);
	ck_assert_msg(hmp_parse_info_pci(t, n, pi, &e) == 0, "%s: %s", rel,
	    e.msg);
	free(t);
}

void
fixparse_qmp_msg(const char *rel, struct qmp_msg *m)
{
	size_t n;
	char *b = tu_fixture(rel, &n);
	struct err e;

	ck_assert_msg(qmp_line_len(b, n) == n, "%s is one line", rel);
	ck_assert_msg(qmp_msg_parse(b, n, m, &e) == 0, "%s: %s", rel, e.msg);
	free(b);
}

void
fixparse_qmp_pci(const char *rel, struct pci_info *pi)
{
	struct qmp_msg m;
	struct err e;

	fixparse_qmp_msg(rel, &m);
	ck_assert_int_eq(m.kind, QMP_MSG_RETURN);
	pci_info_init(pi);
	ck_assert_msg(qmp_parse_pci(m.ret, pi, &e) == 0, "%s: %s", rel,
	    e.msg);
	qmp_msg_free(&m);
}

void
fixparse_same_bus(const struct pci_info *a, const struct pci_info *b,
    const char *what)
{
	size_t i;

	ck_assert_msg(a->n == b->n, "%s: %zu vs %zu functions", what, a->n,
	    b->n);
	for (i = 0; i < a->n; i++) {
		const struct pci_fn *x = &a->fn[i], *y = &b->fn[i];

		ck_assert_msg(x->bus == y->bus && x->slot == y->slot &&
		    x->func == y->func && x->vendor == y->vendor &&
		    x->device == y->device &&
		    strcmp(x->class_text, y->class_text) == 0 &&
		    strcmp(x->id, y->id) == 0, "%s: function %zu differs", what,
		    i);
	}
}
