/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_virtd.c - the test harness's own libvirtd (tests/lib/virtd.h): it
 * runs paused TCG domains in its private tree, apart from the host's
 * libvirt, and nothing of it outlives the test that started it, even a
 * test that ends without its teardown.  Each check has its own libvirtd
 * (a checked fixture, run in the check's own process).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "virtd.h"

static struct tu_virtd vd;
TU_VIRTD_FIXTURE(vd, vd)

static int
count(const char *s, const char *w)
{
	int n = 0;

	for (; (s = strstr(s, w)) != NULL; s += strlen(w))
		n++;
	return n;
}

#define NIC(mac) "    <interface type='user'><mac address='" mac "'/>" \
	"<model type='virtio'/></interface>"

START_TEST(two_paused_domains)
{
	char *out = NULL, path[4200], ns[64];
	struct stat st;

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tva", NIC("52:54:00:0a:00:01")),
	    0);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tvb", NIC("52:54:00:0a:00:02")),
	    0);
	ck_assert_int_eq(tu_virsh(&vd, "list --all", &out), 0);
	ck_assert_msg(strstr(out, "tva") && strstr(out, "tvb"), "%s", out);
	ck_assert_msg(strstr(out, "running") == NULL, "%s", out);
	ck_assert_int_eq(count(out, "paused"), 2);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "dumpxml tva", &out), 0);
	ck_assert_msg(strstr(out, "type='qemu'") && strstr(out,
	    "52:54:00:0a:00:01") && !strstr(out, "<disk") &&
	    !strstr(out, "<graphics"), "%s", out);
	free(out);
	/* the domain's QEMU runs, with libvirt's monitor in our tree (this
	 * libvirtd's namespace: another run may have a tva too) */
	tu_pidns_of(vd.init, ns, sizeof ns);
	ck_assert(tu_ns_proc_with(ns, "guest=tva"));
	snprintf(path, sizeof path, "%s/var/lib/libvirt/qemu", vd.dir);
	ck_assert_int_eq(stat(path, &st), 0);
	snprintf(path, sizeof path, "%s/run/libvirt/qemu/tva.pid", vd.dir);
	ck_assert_int_eq(stat(path, &st), 0);
	tu_virtd_stop(&vd);
	ck_assert(!tu_ns_proc_with(ns, "guest=tva"));
	ck_assert(!tu_ns_proc_with(ns, "guest=tvb"));
}
END_TEST

/* The orphan: a libvirtd and a domain, left running (no tu_virtd_stop). */
static void
orphan(int fd)
{
	struct tu_virtd mine = { 0 };
	char ns[64];

	tu_virtd_start(&mine);
	if (tu_virtd_domain(&mine, "tvorphan", NIC("52:54:00:0a:00:03")) == 0) {
		tu_pidns_of(mine.init, ns, sizeof ns);
		if (tu_ns_proc_with(ns, "guest=tvorphan"))
			dprintf(fd, "%ld %s %s", (long)mine.init, ns, mine.dir);
	}
}

/* A child starts a libvirtd and a domain, then exits without stopping
 * them, as a failed check does: its namespace must die with it. */
START_TEST(gone_without_teardown)
{
	char buf[4300], dir[4200], ns[64];
	pid_t init;
	int i;

	ck_assert_msg(tu_orphan(orphan, buf, sizeof buf) > 0,
	    "the child's libvirtd did not run a domain");
	ck_assert_int_eq(sscanf(buf, "%d %63s %4199s", &init, ns, dir), 3);
	ck_assert_int_gt(init, 1);
	for (i = 0; i < tu_ms(5000) / 10 &&
	    (tu_ns_proc_with(ns, "guest=tvorphan") ||
	    tu_proc_with(dir)); i++)
		usleep(10000);
	ck_assert_msg(!tu_ns_proc_with(ns, "guest=tvorphan"),
	    "the orphaned domain's QEMU still runs");
	ck_assert_msg(!tu_proc_with(dir), "a process of %s still runs", dir);
	tu_rmrf(dir);
}
END_TEST

Suite *
virtd_suite(void)
{
	Suite *s = suite_create("virtd");
	TCase *tc = tu_tcase_new(s, "virtd", tu_missing_virtd(), NULL, NULL,
	    60);

	tcase_add_checked_fixture(tc, vd_up, vd_down);
	tcase_add_test(tc, two_paused_domains);
	tc = tu_tcase_new(s, "virtd_orphan", tu_missing_virtd(), NULL, NULL,
	    60);
	tcase_add_test(tc, gone_without_teardown);
	return s;
}
