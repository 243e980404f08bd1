/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_virtssh.c - libvirt's remote transports for real: the harness's
 * sshd (tests/lib/sshd.h) is a "host" whose libvirt is the harness's
 * libvirtd (virtd.h, bound on the host's /run/libvirt), so slotscope
 * reaches its domains as an operator reaches a remote node, by key only:
 *  - qemu+ssh:// runs OpenSSH's ssh (its config chosen by the URI's
 *    command=, the one thing libvirt's ssh transport cannot be told
 *    otherwise: a known_hosts file) and virt-ssh-helper on the host;
 *  - qemu+libssh:// takes keyfile= and known_hosts= from the URI, and
 *    refuses a host whose key is not the known one.
 * Listing, hotplug and events go through the tunnel; a host that goes
 * down shows its domains unreachable in libvirt's words, and they come
 * back with it.
 */
#include <check.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "fleet/fleet.h"
#include "fleet/fleetvirt.h"
#include "sshd.h"
#include "testutil.h"
#include "virtd.h"

static struct tu_virtd vd;
static struct tu_sshd h1;
static char ssh_uri[9000];	/* qemu+ssh://h1/system?command=... */

static const char *
missing(void)
{
	const char *m = tu_missing_virtd();

	return m ? m : tu_missing_sshd();
}

/* The host h1, whose libvirt is vd, and the ssh its URIs run. */
static void
up(void)
{
	char run[4300], wrap[4300];
	FILE *f;

	tu_virtd_start(&vd);
	snprintf(run, sizeof run, "%s/run/libvirt", vd.dir);
	tu_sshd_start_libvirt(&h1, "h1", run);
	snprintf(wrap, sizeof wrap, "%s/ssh", h1.dir);
	ck_assert_ptr_nonnull(f = fopen(wrap, "w"));
	fprintf(f, "#!/bin/sh\nexec ssh -F '%s' \"$@\"\n", h1.config);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(wrap, 0755), 0);
	snprintf(ssh_uri, sizeof ssh_uri,
	    "qemu+ssh://h1/system?command=%s&no_tty=1", wrap);
}

static void
down(void)
{
	tu_sshd_stop(&h1);
	tu_virtd_stop(&vd);
}

#define NIC(mac) "    <interface type='user'><mac address='" mac "'/>" \
	"<model type='virtio'/></interface>\n"

/* slotscope --libvirt URI ARGS; status returned, output in *out. */
static int
ss(const char *uri, const char *args, char **out)
{
	char *cmd;
	int rc;

	ck_assert_int_ge(asprintf(&cmd, "'%s' --runtime-dir '%s/rt' "
	    "--libvirt '%s' %s", tu_bin(), vd.dir, uri, args), 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

static json_t *
ss_json(const char *uri, const char *args)
{
	char *out = NULL;
	json_error_t je;
	json_t *j;

	ck_assert_msg(ss(uri, args, &out) == 0, "%.1500s", out);
	j = json_loads(out, 0, &je);
	ck_assert_msg(j != NULL, "%.1500s", out);
	free(out);
	return j;
}

START_TEST(ssh_list_and_hotplug)
{
	json_t *j, *in;
	char *out = NULL, ns[64];
	int slot;

	ck_assert(vd.up && h1.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "rem1",
	    NIC("52:54:00:0c:00:01")), 0);
	j = ss_json(ssh_uri, "--json -c list");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "instances")), 1);
	in = json_array_get(json_object_get(j, "instances"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(in, "instance")),
	    "rem1");
	ck_assert_str_eq(json_string_value(json_object_get(in, "conn")), "ok");
	/* the host is the URI's: h1, not this machine's name */
	ck_assert_str_eq(json_string_value(json_object_get(in, "host")), "h1");
	json_decref(j);

	/* a hotplug through the tunnel: libvirt on the host records it */
	j = ss_json(ssh_uri, "--json -c 'hotplug rem1 nic "
	    "mac=52:54:00:0c:00:09'");
	slot = (int)json_integer_value(json_object_get(j, "slot"));
	ck_assert_int_eq(slot, 3);	/* 0 host, 1 PIIX3, 2 net0 */
	json_decref(j);
	ck_assert_int_eq(tu_virsh(&vd, "domiflist rem1", &out), 0);
	ck_assert_msg(strstr(out, "52:54:00:0c:00:09") != NULL, "%.1500s", out);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "dumpxml rem1", &out), 0);
	ck_assert_msg(strstr(out, "bus='0x00' slot='0x03'") != NULL, "%s",
	    out);
	free(out);
	/* every session ended with slotscope: no virt-ssh-helper left on
	 * h1 (another run's may be on the machine) */
	tu_pidns_of(h1.init, ns, sizeof ns);
	ck_assert(*ns != '\0');
	ck_assert(!tu_ns_proc_with(ns, "virt-ssh-helper"));
	ck_assert_msg(!tu_proc_with(h1.config), "an ssh client of h1 (-F %s) "
	    "is left", h1.config);
}
END_TEST

/* qemu+libssh: libvirt's own ssh client, told the key and the known
 * hosts by the URI; another host key is refused, and so is another
 * client key. */
START_TEST(libssh_known_hosts)
{
	char uri[9000], *out = NULL, cmd[9000];
	json_t *j;

	ck_assert(vd.up && h1.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "rem2",
	    NIC("52:54:00:0c:00:02")), 0);
	snprintf(uri, sizeof uri, "qemu+libssh://root@127.0.0.1:%d/system?"
	    "keyfile=%s&known_hosts=%s&sshauth=privkey", h1.port, h1.key,
	    h1.known_hosts);
	j = ss_json(uri, "--json -c 'show rem2'");
	ck_assert_str_eq(json_string_value(json_object_get(j, "conn")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "slots"), 2), "id")), "net0");
	json_decref(j);

	/* a known_hosts with another key for [127.0.0.1]:PORT */
	snprintf(cmd, sizeof cmd, "cd '%s' && ssh-keygen -q -t ed25519 -N '' "
	    "-f impostor && printf '[127.0.0.1]:%d ' >impostor_hosts && "
	    "cut -d' ' -f1,2 impostor.pub >>impostor_hosts", h1.dir, h1.port);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(uri, sizeof uri, "qemu+libssh://root@127.0.0.1:%d/system?"
	    "keyfile=%s&known_hosts=%s/impostor_hosts&sshauth=privkey&"
	    "known_hosts_verify=normal", h1.port, h1.key, h1.dir);
	ck_assert_int_eq(ss(uri, "-c list", &out), 1);
	ck_assert_msg(strstr(out, "rem2") == NULL && strstr(out,
	    "HOST KEY VERIFICATION FAILED") != NULL, "%.1500s", out);
	free(out);
	/* the right host, the wrong client key */
	snprintf(uri, sizeof uri, "qemu+libssh://root@127.0.0.1:%d/system?"
	    "keyfile=%s/impostor&known_hosts=%s&sshauth=privkey", h1.port,
	    h1.dir, h1.known_hosts);
	ck_assert_int_eq(ss(uri, "-c list", &out), 1);
	ck_assert_msg(strstr(out, "rem2") == NULL && strstr(out,
	    "Access denied for 'publickey'") != NULL, "%.1500s", out);
	free(out);
}
END_TEST

/* Poll the fleet (no refresh asked for) until cond holds or 10 s. */
#define POLL_UNTIL(f, cond) do { \
	double _end = clock_wall_s() + 10; \
	while (!(cond) && clock_wall_s() < _end) { \
		struct pollfd _p[8]; \
		int _t = 200; \
		size_t _n = fleet_pollfds(&(f), _p, 8, &_t); \
		poll(_p, _n, _t); \
		fleet_step(&(f), _p, _n, clock_wall_s()); \
	} \
} while (0)

/* Events through the tunnel; the host goes down and comes back. */
START_TEST(events_and_host_down)
{
	struct fleet f;
	struct err e;
	char path[4300], *out = NULL;
	FILE *x;
	long a;

	ck_assert(vd.up && h1.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "rem3",
	    NIC("52:54:00:0c:00:03")), 0);
	fleet_init(&f, NULL);
	/* an hour between periodic refreshes: only events are quick */
	ck_assert_msg(fleet_add_libvirt(&f, ssh_uri, 3600, 10000, &e) == 1,
	    "%s", e.msg);
	ck_assert_int_ge(a = fleet_find(&f, "rem3", &e), 0);
	ck_assert_int_eq(f.inst[a].slots.b[9].state, SLOT_FREE);
	snprintf(path, sizeof path, "%s/nic9.xml", vd.dir);
	ck_assert_ptr_nonnull(x = fopen(path, "w"));
	fputs("<interface type='user'><model type='virtio'/><address "
	    "type='pci' domain='0' bus='0' slot='9' function='0'/>"
	    "</interface>", x);
	fclose(x);
	snprintf(path, sizeof path, "attach-device rem3 '%s/nic9.xml' --live",
	    vd.dir);
	ck_assert_msg(tu_virsh(&vd, path, &out) == 0, "%.1500s", out);
	free(out);
	POLL_UNTIL(f, f.inst[a].slots.b[9].state == SLOT_USED);
	ck_assert_int_eq(f.inst[a].slots.b[9].state, SLOT_USED);

	/* the host goes down: the next refresh says so in libvirt's words */
	tu_sshd_kill(&h1);
	fleet_refresh_start(&f, (size_t)-1, clock_wall_s());
	POLL_UNTIL(f, f.inst[a].conn == INST_UNREACHABLE);
	ck_assert_int_eq(f.inst[a].conn, INST_UNREACHABLE);
	ck_assert_msg(strstr(f.inst[a].error, "libvirt") != NULL, "%s",
	    f.inst[a].error);
	ck_assert_int_eq(f.inst[a].slots.b[9].state, SLOT_UNKNOWN);
	/* back: the connection is opened again at the next refresh */
	ck_assert_int_eq(tu_sshd_restart(&h1), 0);
	fleet_refresh_start(&f, (size_t)-1, clock_wall_s());
	POLL_UNTIL(f, f.inst[a].conn == INST_OK);
	ck_assert_msg(f.inst[a].conn == INST_OK, "%s", f.inst[a].error);
	ck_assert_int_eq(f.inst[a].slots.b[9].state, SLOT_USED);
	fleet_free(&f);
}
END_TEST

Suite *
virtssh_suite(void)
{
	Suite *s = suite_create("virtssh");
	TCase *tc = tu_tcase_new(s, "virtssh", missing(), NULL, NULL, 60);

	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, ssh_list_and_hotplug);
	tcase_add_test(tc, libssh_known_hosts);
	tcase_add_test(tc, events_and_host_down);
	return s;
}
