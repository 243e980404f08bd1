/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vmtarget.c - see vmtarget.h. */
#include "vmtarget.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

void
vmtarget_init(struct vmtarget *g, const struct tu_vm *v, const char *sock)
{
	ck_assert_msg(v->up, "QEMU did not start");
	snprintf(g->ep, sizeof g->ep, "unix:%s/%s", v->dir, sock);
	snprintf(g->rtdir, sizeof g->rtdir, "%s/rt", v->dir);
	memset(&g->t, 0, sizeof g->t);
	g->t.inst = "vm1";
	g->t.endpoint = g->ep;
	g->t.runtime_dir = g->rtdir;
}
