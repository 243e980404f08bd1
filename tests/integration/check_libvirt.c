/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_libvirt.c - libvirt domains through libvirt's C API, against the
 * harness's real libvirtd (tests/lib/virtd.h): the slots slotscope shows
 * are `virsh dumpxml`'s addresses while libvirt holds the monitors (and
 * nothing taints a domain), and domain events reach the fleet at once,
 * with no refresh asked for.  Each check has its own libvirtd.
 */
#include <check.h>
#include <glob.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "cmd/cmd.h"
#include "fleet/fleet.h"
#include "fleet/fleetvirt.h"
#include "liststream.h"
#include "fleetcount.h"
#include "testutil.h"
#include "virtd.h"

static struct tu_virtd vd;
TU_VIRTD_FIXTURE(vd, vd)

#define NIC(mac, addr) "    <interface type='user'><mac address='" mac \
	"'/><model type='virtio'/>" addr "</interface>\n"
#define AT(slot) "<address type='pci' domain='0' bus='0' slot='" slot \
	"' function='0'/>"

static int
count_lines(const char *s, const char *w)
{
	int n = 0;

	for (; (s = strstr(s, w)) != NULL; s += strlen(w))
		n++;
	return n;
}

/* Bus 0 slots of `virsh dumpxml NAME` as a bit mask, and the alias of
 * the device at slot `at` into alias. */
static unsigned
dump_slots(const char *name, int at, char *alias, size_t asz)
{
	static const char pat[] = "<address type='pci' domain='0x0000' "
	    "bus='0x00' slot='0x";
	char *out = NULL, *args, *p;
	unsigned mask = 0;

	ck_assert_int_ge(asprintf(&args, "dumpxml %s", name), 0);
	ck_assert_int_eq(tu_virsh(&vd, args, &out), 0);
	for (p = out; (p = strstr(p, pat)) != NULL; p += sizeof pat - 1) {
		unsigned s = (unsigned)strtoul(p + sizeof pat - 1, NULL, 16);
		char *al, *start;

		ck_assert_uint_lt(s, 32);
		mask |= 1u << s;
		if ((int)s != at)
			continue;
		/* the alias line comes just before the address */
		*p = '\0';
		al = strrchr(out, '\n');
		start = al ? strstr(al - 80 > out ? al - 80 : out,
		    "<alias name='") : NULL;
		if (start != NULL)
			sscanf(start, "<alias name='%127[^']'", alias);
		(void)asz;
		*p = '<';
	}
	free(out);
	free(args);
	return mask;
}

/* `show NAME` as slotscope prints it (--json): bit mask of the slots
 * that are neither free nor reserved, and the id at slot at. */
static unsigned
shown_cfg(const char *cfg, const char *name, int at, char *id, size_t isz)
{
	char *cmd, *out = NULL, src[4400];
	json_t *j, *slots, *v;
	json_error_t je;
	unsigned mask = 0;
	size_t k;

	if (cfg != NULL)
		snprintf(src, sizeof src, "--config '%s'", cfg);
	else
		snprintf(src, sizeof src, "--libvirt '%s'", vd.uri);
	ck_assert_int_ge(asprintf(&cmd, "'%s' --runtime-dir '%s/rt' %s "
	    "--json -c 'show %s'", tu_bin(), vd.dir, src, name), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	j = json_loads(out, 0, &je);
	ck_assert_msg(j != NULL, "%s", out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "protocol")),
	    "libvirt");
	ck_assert_str_eq(json_string_value(json_object_get(j, "conn")), "ok");
	slots = json_object_get(j, "slots");
	ck_assert_uint_eq(json_array_size(slots), 32);
	json_array_foreach(slots, k, v) {
		const char *st = json_string_value(json_object_get(v, "state"));
		const char *sid = json_string_value(json_object_get(v, "id"));

		if (strcmp(st, "free") != 0 && strcmp(st, "reserved") != 0)
			mask |= 1u << k;
		if ((int)k == at)
			snprintf(id, isz, "%s", sid ? sid : "");
	}
	json_decref(j);
	free(out);
	free(cmd);
	return mask;
}

static unsigned
shown_slots(const char *name, int at, char *id, size_t isz)
{
	return shown_cfg(NULL, name, at, id, isz);
}

/* The names `list --json` gives, in its order, each followed by a blank
 * (a static buffer); every one a libvirt instance that is ok.  cfg: a
 * config file to read instead of --libvirt vd.uri. */
static const char *
listed(const char *cfg)
{
	static char names[1024];
	char *cmd, *out = NULL, src[4400];
	json_t *j, *v;
	json_error_t je;
	size_t k;

	if (cfg != NULL)
		snprintf(src, sizeof src, "--config '%s'", cfg);
	else
		snprintf(src, sizeof src, "--libvirt '%s'", vd.uri);
	ck_assert_int_ge(asprintf(&cmd, "'%s' --runtime-dir '%s/rt' %s "
	    "--json -c list", tu_bin(), vd.dir, src), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg((j = json_loads(out, 0, &je)) != NULL, "%s", out);
	names[0] = '\0';
	json_array_foreach(json_object_get(j, "instances"), k, v) {
		ck_assert_str_eq(json_string_value(json_object_get(v,
		    "protocol")), "libvirt");
		ck_assert_str_eq(json_string_value(json_object_get(v, "conn")),
		    "ok");
		strncat(names, json_string_value(json_object_get(v,
		    "instance")),
		    sizeof names - strlen(names) - 2);
		strcat(names, " ");
	}
	json_decref(j);
	free(out);
	free(cmd);
	return names;
}

/* No domain was tainted (custom-monitor: someone used its monitor behind
 * libvirt's back). */
static void
untainted(void)
{
	char *cmd, *out = NULL;

	ck_assert_int_ge(asprintf(&cmd, "grep -rh tainted '%s/var/log/libvirt' "
	    "| grep -v high-privileges", vd.dir), 0);
	ck_assert_int_ne(tu_run(cmd, &out), 0);
	free(out);
	free(cmd);
}

/* Owners, one vocabulary with the managers': tlb's devices (show's slots
 * and devices, list --devices) and libvirt's reserved slots are
 * libvirt's. */
static int ss(const char *args, char **out);

static void
owners(void)
{
	char *out = NULL;
	json_t *j, *v;
	size_t k;
	int n = 0;

	ck_assert_int_eq(ss("--json -c 'show tlb'", &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	free(out);
	v = json_object_get(j, "slots");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v,
	    7), "owner")), "libvirt");	/* net0 */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v,
	    1), "owner")), "libvirt");	/* PIIX3's, reserved */
	ck_assert(json_is_null(json_object_get(json_array_get(v, 9),
	    "owner")));			/* free */
	json_array_foreach(json_object_get(j, "devices"), k, v) {
		ck_assert_str_eq(json_string_value(json_object_get(v,
		    "owner")), "libvirt");
		n++;
	}
	ck_assert_int_eq(n, 2);
	json_decref(j);
	ck_assert_int_eq(ss("-c 'show tlb'", &out), 0);
	ck_assert_msg(strstr(out, "devices (libvirt's live XML):") != NULL &&
	    strstr(out, "net0  slot 7") != NULL && strstr(out, "[libvirt]"),
	    "%s", out);
	free(out);
	ck_assert_int_eq(ss("--json -c 'list --devices'", &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	free(out);
	n = 0;
	json_array_foreach(json_object_get(j, "devices"), k, v) {
		ck_assert_str_eq(json_string_value(json_object_get(v,
		    "owner")), "libvirt");
		n += strcmp(json_string_value(json_object_get(v, "instance")),
		    "tlb") == 0;
	}
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "devices")), 3);
	json_decref(j);
}

/* A --libvirt run loads libvirt.so.0 itself, with dlopen, as its
 * loader's trace says (check_virtlib: a run without one does not). */
static void
dlopens_libvirt(void)
{
	char *cmd, *out = NULL, *p;

	ck_assert_int_ge(asprintf(&cmd, "LD_DEBUG=files '%s' --runtime-dir "
	    "'%s/rt' --libvirt '%s' -c list", tu_bin(), vd.dir, vd.uri), 0);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	p = strstr(out, "file=libvirt.so.0 [0];  dynamically loaded by ");
	ck_assert_msg(p != NULL, "libvirt.so.0 not dlopen'd");
	ck_assert_ptr_null(strstr(out, "file=libvirt.so.0 [0];  needed by"));
	free(out);
	free(cmd);
}

START_TEST(two_domains_as_dumpxml)
{
	char alias[128] = "", id[128] = "", pat[4300], *out = NULL;
	glob_t g;
	unsigned want;

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tla",
	    NIC("52:54:00:0b:00:01", "")), 0);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tlb",
	    NIC("52:54:00:0b:00:02", AT("0x07"))
	    NIC("52:54:00:0b:00:03", "")), 0);
	/* libvirt holds each domain's QMP monitor */
	snprintf(pat, sizeof pat, "%s/var/lib/libvirt/qemu/domain-*-tl*/"
	    "monitor.sock", vd.dir);
	ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
	ck_assert_uint_eq(g.gl_pathc, 2);
	globfree(&g);

	want = dump_slots("tla", 2, alias, sizeof alias) | 1u;
	ck_assert_uint_eq(shown_slots("tla", 2, id, sizeof id), want);
	ck_assert_str_eq(id, alias);
	want = dump_slots("tlb", 7, alias, sizeof alias) | 1u;
	ck_assert_msg(want & (1u << 7), "dumpxml: %x", want);
	ck_assert_uint_eq(shown_slots("tlb", 7, id, sizeof id), want);
	ck_assert_str_eq(id, alias);
	ck_assert_str_eq(id, "net0");

	/* list: both, as libvirt instances */
	ck_assert_str_eq(listed(NULL), "tla tlb ");
	dlopens_libvirt();
	owners();
	/* libvirt still runs both domains, none tainted, no runtime file */
	ck_assert_int_eq(tu_virsh(&vd, "domstate tla", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "paused"));
	free(out);
	untainted();
	snprintf(pat, sizeof pat, "%s/rt/tla.json", vd.dir);
	ck_assert_int_ne(access(pat, F_OK), 0);
}
END_TEST

/* Poll the fleet (no refresh asked for) until cond holds or 10 s. */
#define POLL_UNTIL(f, cond) do { \
	double _end = clock_wall_s() + 10; \
	while (!(cond) && clock_wall_s() < _end) { \
		struct pollfd _p[8]; \
		int _t = 500; \
		size_t _n = fleet_pollfds(&(f), _p, 8, &_t); \
		poll(_p, _n, _t); \
		fleet_step(&(f), _p, _n, clock_wall_s()); \
	} \
} while (0)

START_TEST(events_at_once)
{
	struct fleet f;
	struct err e;
	struct fleet_change *ch = NULL;
	size_t nch, k;
	char path[4300], *out = NULL;
	long a, c;
	FILE *x;
	int seen = 0;

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tla",
	    NIC("52:54:00:0b:00:11", "")), 0);
	fleet_init(&f, NULL);
	/* an hour between periodic refreshes: only events can be quick */
	ck_assert_msg(fleet_add_libvirt(&f, vd.uri, 3600, 10000, &e) == 1,
	    "%s", e.msg);
	ck_assert_int_ge(a = fleet_find(&f, "tla", &e), 0);
	ck_assert_int_eq(f.inst[a].slots.b[9].state, SLOT_FREE);
	ck_assert_str_eq(f.inst[a].vstate, "paused");

	/* device added: attached by virsh, at slot 9 */
	snprintf(path, sizeof path, "%s/nic9.xml", vd.dir);
	ck_assert_ptr_nonnull(x = fopen(path, "w"));
	fputs(NIC("52:54:00:0b:00:19", AT("0x09")), x);
	fclose(x);
	snprintf(path, sizeof path, "attach-device tla '%s/nic9.xml' --live",
	    vd.dir);
	ck_assert_msg(tu_virsh(&vd, path, &out) == 0, "%s", out);
	free(out);
	POLL_UNTIL(f, f.inst[a].slots.b[9].state == SLOT_USED);
	ck_assert_int_eq(f.inst[a].slots.b[9].state, SLOT_USED);
	nch = fleet_take_changes(&f, &ch);
	for (k = 0; k < nch; k++)
		seen |= ch[k].inst == (size_t)a && ch[k].slot == 9 &&
		    ch[k].from == SLOT_FREE && ch[k].to == SLOT_USED;
	free(ch);
	ck_assert(seen);

	/* lifecycle: a new domain appears, a destroyed one is not running */
	ck_assert_int_eq(tu_virtd_domain(&vd, "tlc",
	    NIC("52:54:00:0b:00:21", "")), 0);
	POLL_UNTIL(f, fleet_find(&f, "tlc", NULL) >= 0);
	ck_assert_int_ge(c = fleet_find(&f, "tlc", &e), 0);
	ck_assert_int_eq(f.inst[c].conn, INST_OK);
	ck_assert_int_eq(tu_virsh(&vd, "destroy tla", NULL), 0);
	POLL_UNTIL(f, f.inst[a].conn == INST_UNREACHABLE);
	ck_assert_int_eq(f.inst[a].conn, INST_UNREACHABLE);
	ck_assert_str_eq(f.inst[a].error, "the domain is not running");
	/* a refresh of all: counted as it starts and as it ends */
	fleet_refresh_start(&f, (size_t)-1, 0);
	tu_fleet_count_ok(&f);
	ck_assert_uint_gt(f.nrefreshing, 0);
	fleet_refresh_wait(&f, (size_t)-1);
	tu_fleet_count_ok(&f);
	ck_assert_uint_eq(f.nrefreshing, 0);
	fleet_free(&f);
}
END_TEST

/* slotscope ARGS against vd; status returned, output in *out. */
static int
ss(const char *args, char **out)
{
	char *cmd;
	int rc;

	ck_assert_int_ge(asprintf(&cmd, "'%s' --runtime-dir '%s/rt' "
	    "--libvirt '%s' %s", tu_bin(), vd.dir, vd.uri, args), 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

/* A libvirt NIC's backend is the one QEMU has, read from the live XML
 * (interface type, target, source): a user-mode NIC is netdev user, an
 * ethernet one the tap libvirt made, each netdev named as libvirt names
 * it -- and QEMU's own `info network` (asked last: it taints the
 * domain) has those netdevs, of those types. */
START_TEST(nic_backend_as_qemu_has_it)
{
	char tap[16], devs[1024], want[256], *out = NULL;
	json_t *j, *v;
	size_t k;
	int n = 0;

	ck_assert(vd.up);
	snprintf(tap, sizeof tap, "ssvt%d", (int)(getpid() % 1000000));
	snprintf(devs, sizeof devs, "%s    <interface type='ethernet'><mac "
	    "address='52:54:00:0b:00:11'/><target dev='%s'/><model "
	    "type='virtio'/>%s</interface>\n", NIC("52:54:00:0b:00:10",
	    AT("0x06")), tap, AT("0x08"));
	ck_assert_int_eq(tu_virtd_domain(&vd, "tnb", devs), 0);
	ck_assert_int_eq(ss("-c 'show tnb'", &out), 0);
	ck_assert_msg(strstr(out, "net0  slot 6  virtio  mac 52:54:00:0b:00:10"
	    "  netdev hostnet0  user") != NULL, "%s", out);
	snprintf(want, sizeof want, "net1  slot 8  virtio  mac "
	    "52:54:00:0b:00:11  netdev hostnet1  tap %s", tap);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(ss("--json -c 'show tnb'", &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	free(out);
	json_array_foreach(json_object_get(j, "devices"), k, v) {
		json_t *b = json_object_get(v, "backend");
		const char *id = json_string_value(json_object_get(v, "id"));

		if (strcmp(id, "net0") == 0) {
			ck_assert_str_eq(json_string_value(json_object_get(b,
			    "kind")), "user");
			ck_assert_str_eq(json_string_value(json_object_get(b,
			    "netdev")), "hostnet0");
			n++;
		} else if (strcmp(id, "net1") == 0) {
			ck_assert_str_eq(json_string_value(json_object_get(b,
			    "kind")), "tap");
			ck_assert_str_eq(json_string_value(json_object_get(b,
			    "tap")), tap);
			ck_assert_str_eq(json_string_value(json_object_get(b,
			    "netdev")), "hostnet1");
			n++;
		}
	}
	ck_assert_int_eq(n, 2);
	json_decref(j);
	ck_assert_int_eq(tu_virsh(&vd, "qemu-monitor-command tnb --hmp "
	    "'info network'", &out), 0);
	ck_assert_msg(strstr(out, "hostnet0: index=0,type=user") != NULL &&
	    strstr(out, "hostnet1: index=0,type=tap") != NULL, "%s", out);
	free(out);
}
END_TEST

/* hotplug DOMAIN nic: slotscope picks the slot (next's answer, the lowest
 * free with libvirt's reservations), libvirt records it there; a reserved
 * slot is refused, libvirt's own error text is shown. */
START_TEST(hotplug_at_chosen_slot)
{
	char *out = NULL, alias[128] = "", want[128];
	json_t *j;
	json_error_t je;
	int next, slot;
	unsigned mask;

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tla",
	    NIC("52:54:00:0b:00:01", "")), 0);
	ck_assert_int_eq(ss("-c 'next tla'", &out), 0);
	next = atoi(out);
	free(out);
	ck_assert_int_eq(next, 3);	/* 0 host, 1 PIIX3, 2 net0 */
	ck_assert_int_eq(ss("--json -c 'hotplug tla nic mac=52:54:00:0b:00:33'",
	    &out), 0);
	ck_assert_msg((j = json_loads(out, 0, &je)) != NULL, "%s", out);
	slot = (int)json_integer_value(json_object_get(j, "slot"));
	ck_assert_int_eq(slot, next);
	ck_assert_str_eq(json_string_value(json_object_get(j, "owner")),
	    "libvirt");
	snprintf(want, sizeof want, "%s",
	    json_string_value(json_object_get(j, "id")));
	json_decref(j);
	free(out);
	/* libvirt's view: domiflist has the MAC, dumpxml the slot */
	ck_assert_int_eq(tu_virsh(&vd, "domiflist tla", &out), 0);
	ck_assert_msg(strstr(out, "52:54:00:0b:00:33") != NULL, "%s", out);
	free(out);
	mask = dump_slots("tla", slot, alias, sizeof alias);
	ck_assert_msg(mask & (1u << slot), "dumpxml: %x", mask);
	ck_assert_str_eq(alias, want);
	/* slot=1 is libvirt's (PIIX3): refused, nothing asked */
	ck_assert_int_ne(ss("-c 'hotplug tla nic slot=1'", &out), 0);
	ck_assert_msg(strstr(out, "slot 1") != NULL, "%s", out);
	free(out);
	/* a transient domain has no persistent config: libvirt says so */
	ck_assert_int_ne(ss("-c 'hotplug tla nic --persist'", &out), 0);
	ck_assert_msg(strstr(out, "hotplug: libvirt: cannot attach the "
	    "device to tla: ") && strstr(out, "transient domain"), "%s", out);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "domiflist tla", &out), 0);
	ck_assert_int_eq(count_lines(out, "52:54:00"), 2);
	free(out);
	untainted();
}
END_TEST

/* unplug through slotscope asks libvirt; a paused domain cannot let go,
 * so the removal is reported pending, and libvirt keeps the device. */
START_TEST(unplug_pending_on_paused)
{
	char *out = NULL;
	json_t *j;
	json_error_t je;
	char alias[128] = "";

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tla",
	    NIC("52:54:00:0b:00:01", "") NIC("52:54:00:0b:00:02", AT("0x06"))),
	    0);
	ck_assert_int_eq(ss("--json --unplug-wait 500 -c 'unplug tla 6'", &out),
	    0);
	ck_assert_msg((j = json_loads(out, 0, &je)) != NULL, "%s", out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "state")),
	    "unplugging");
	ck_assert(json_is_false(json_object_get(j, "confirmed")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "id")), "net1");
	json_decref(j);
	free(out);
	/* still there for libvirt */
	ck_assert(dump_slots("tla", 6, alias, sizeof alias) & (1u << 6));
	ck_assert_str_eq(alias, "net1");
	/* libvirt did send it: QEMU refuses a second request, and slotscope
	 * shows libvirt's words */
	ck_assert_int_ne(ss("--unplug-wait 0 -c 'unplug tla net1'", &out), 0);
	ck_assert_msg(strstr(out, "unplug: libvirt: cannot detach the device "
	    "from tla: ") != NULL && strstr(out, "unplug") != NULL, "%s", out);
	free(out);
	/* no device there */
	ck_assert_int_ne(ss("-c 'unplug tla 9'", &out), 0);
	ck_assert_msg(strstr(out, "slot 9 of tla holds no device") != NULL,
	    "%s", out);
	free(out);
	untainted();
}
END_TEST

/* Two `libvirt` config lines, two libvirtds, a domain of the same name on
 * each: both listed, the second as NAME@HOST, each connection's rows
 * together, and commands reach the right one. */
START_TEST(two_connections_grouped)
{
	struct tu_virtd v2 = { 0 };
	char cfg[4300], host[200] = "", want[512], name[300], id[128] = "";
	FILE *f;

	ck_assert(vd.up);
	tu_virtd_start(&v2);
	ck_assert(v2.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tsame",
	    NIC("52:54:00:0b:00:41", "")), 0);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tonly1",
	    NIC("52:54:00:0b:00:42", "")), 0);
	ck_assert_int_eq(tu_virtd_domain(&v2, "tsame",
	    NIC("52:54:00:0b:00:43", AT("0x08"))), 0);
	gethostname(host, sizeof host - 1);
	snprintf(cfg, sizeof cfg, "%s/config", vd.dir);
	ck_assert_ptr_nonnull(f = fopen(cfg, "w"));
	fprintf(f, "libvirt %s\nlibvirt %s\n", vd.uri, v2.uri);
	fclose(f);
	/* the first connection's two rows, then the second's */
	snprintf(want, sizeof want, "tonly1 tsame tsame@%s ", host);
	ck_assert_str_eq(listed(cfg), want);
	/* show reached the second libvirtd's domain: net0 at slot 8 */
	snprintf(name, sizeof name, "tsame@%s", host);
	ck_assert_uint_eq(shown_cfg(cfg, name, 8, id, sizeof id) & (1u << 8),
	    1u << 8);
	ck_assert_str_eq(id, "net0");
	{
		/* batch mode's list, its rows made as they are written, is
		 * the tree's: the libvirt rows, grouped by connection, after
		 * a monitor's added last (its monitor is not there) */
		struct cmd_ctx c;
		struct fleet fl;
		struct err e;

		fleet_init(&fl, NULL);
		ck_assert_msg(fleet_add_libvirt(&fl, vd.uri, 3600, 10000,
		    &e) == 2, "%s", e.msg);
		ck_assert_msg(fleet_add_libvirt(&fl, v2.uri, 3600, 10000,
		    &e) == 1, "%s", e.msg);
		ck_assert_int_eq(fleet_add(&fl, "tmon", "unix:/nonexistent/m",
		    &e), 3);
		memset(&c, 0, sizeof c);
		c.fleet = &fl;
		ck_assert_uint_eq(tu_list_streamed_same(&c), 4);
		fleet_free(&fl);
	}
	tu_virtd_stop(&v2);
}
END_TEST

/* hotplug DOMAIN disk: a raw file at the slot slotscope chose, named
 * vda by slotscope (the domain has no disk), recorded by libvirt
 * (domblklist, dumpxml); `show` then has it as libvirt's disk. */
START_TEST(disk_hotplug_at_chosen_slot)
{
	char *out = NULL, img[4300], cmd[4500], alias[128] = "", want[300];
	json_t *j;
	int slot;

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tld",
	    NIC("52:54:00:0b:00:61", "")), 0);
	snprintf(img, sizeof img, "%s/data.raw", vd.dir);
	snprintf(cmd, sizeof cmd, "truncate -s 1M '%s'", img);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(cmd, sizeof cmd, "--json -c 'hotplug tld disk path=%s "
	    "format=raw slot=9'", img);
	ck_assert_msg(ss(cmd, &out) == 0, "%s", out);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	slot = (int)json_integer_value(json_object_get(j, "slot"));
	ck_assert_int_eq(slot, 9);
	ck_assert_str_eq(json_string_value(json_object_get(j, "type")),
	    "disk");
	snprintf(want, sizeof want, "%s",
	    json_string_value(json_object_get(j, "id")));
	json_decref(j);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "domblklist tld", &out), 0);
	ck_assert_msg(strstr(out, "vda") != NULL && strstr(out, img) != NULL,
	    "%s", out);
	free(out);
	ck_assert(dump_slots("tld", 9, alias, sizeof alias) & (1u << 9));
	ck_assert_str_eq(alias, want);
	ck_assert_str_eq(alias, "virtio-disk0");
	/* without slot=: the lowest free one, and the next target name */
	/* another image: QEMU locks the first one's writes */
	snprintf(img, sizeof img, "%s/data2.raw", vd.dir);
	snprintf(cmd, sizeof cmd, "truncate -s 1M '%s'", img);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(cmd, sizeof cmd, "--json -c 'hotplug tld disk path=%s'", img);
	ck_assert_msg(ss(cmd, &out) == 0, "%s", out);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "slot")), 3);
	json_decref(j);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "domblklist tld", &out), 0);
	ck_assert_msg(strstr(out, "vdb") != NULL, "%s", out);
	free(out);
	/* a relative path is refused before libvirt is asked */
	ck_assert_int_ne(ss("-c 'hotplug tld disk path=data.raw'", &out), 0);
	ck_assert_msg(strstr(out, "absolute") != NULL, "%s", out);
	free(out);
	untainted();
}
END_TEST

/* A libvirt disk's drive and path, from the live XML, are the ones QEMU
 * has: two disks at start (a raw file, a qcow2 image) and one attached
 * by virsh; `show` names each one's image, format and the node its
 * device reads (libvirt-N-format here, Debian 12's libvirt 9.0), and
 * QEMU's own query-block (asked last: it taints the domain) has those
 * nodes on those files for those devices. */
#define DISK(fmt, file, dev) "    <disk type='file' device='disk'>" \
	"<driver name='qemu' type='" fmt "'/><source file='" file "'/>" \
	"<target dev='" dev "' bus='virtio'/></disk>\n"
START_TEST(disk_drive_and_path_as_qemu_has_them)
{
	static const char *const ids[] = { "virtio-disk0", "virtio-disk1",
	    "virtio-disk2" };
	char raw[4300], qc[4300], hot[4300], devs[9000], cmd[9000],
	    drive[3][64], path[3][4300], want[9000], *out = NULL;
	json_t *j, *v;
	size_t k, i;
	FILE *f;

	ck_assert(vd.up);
	snprintf(raw, sizeof raw, "%s/a.raw", vd.dir);
	snprintf(qc, sizeof qc, "%s/b.qcow2", vd.dir);
	snprintf(hot, sizeof hot, "%s/c.raw", vd.dir);
	snprintf(cmd, sizeof cmd, "truncate -s 1M '%s' '%s' && qemu-img "
	    "create -q -f qcow2 '%s' 1M", raw, hot, qc);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(devs, sizeof devs, DISK("raw", "%s", "vda")
	    DISK("qcow2", "%s", "vdb"), raw, qc);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tdk", devs), 0);
	snprintf(cmd, sizeof cmd, "%s/hot.xml", vd.dir);
	ck_assert_ptr_nonnull(f = fopen(cmd, "w"));
	fprintf(f, DISK("raw", "%s", "vdc"), hot);
	fclose(f);
	snprintf(want, sizeof want, "attach-device tdk '%s' --live", cmd);
	ck_assert_int_eq(tu_virsh(&vd, want, NULL), 0);

	/* slotscope's view: every disk with its image, format and drive */
	ck_assert_int_eq(ss("--json -c 'show tdk'", &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	free(out);
	memset(drive, 0, sizeof drive);
	json_array_foreach(json_object_get(j, "devices"), k, v) {
		json_t *b = json_object_get(v, "backend");
		const char *id = json_string_value(json_object_get(v, "id"));
		const char *dr = json_string_value(json_object_get(b, "drive"));

		for (i = 0; i < 3 && strcmp(id, ids[i]) != 0; i++)
			;
		if (i == 3)
			continue;
		ck_assert_str_eq(json_string_value(json_object_get(v, "type")),
		    "disk");
		ck_assert_str_eq(json_string_value(json_object_get(b,
		    "format")), i == 1 ? "qcow2" : "raw");
		ck_assert_msg(dr != NULL && strncmp(dr, "libvirt-", 8) == 0,
		    "%s: drive %s", id, dr ? dr : "(none)");
		snprintf(drive[i], sizeof drive[i], "%s", dr);
		snprintf(path[i], sizeof path[i], "%s", json_string_value(
		    json_object_get(b, "path")));
	}
	json_decref(j);
	ck_assert_str_eq(path[0], raw);
	ck_assert_str_eq(path[1], qc);
	ck_assert_str_eq(path[2], hot);
	/* three nodes, one each */
	ck_assert_str_ne(drive[0], drive[1]);
	ck_assert_str_ne(drive[1], drive[2]);
	ck_assert_str_ne(drive[0], drive[2]);
	/* the same in the text view, as virsh users read it */
	ck_assert_int_eq(ss("-c 'show tdk'", &out), 0);
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof want, "virtio  drive %s  %s (%s)  "
		    "[libvirt]", drive[i], path[i], i == 1 ? "qcow2" : "raw");
		ck_assert_msg(strstr(out, want) != NULL, "no '%s' in:\n%s", want,
		    out);
	}
	free(out);
	ck_assert_int_eq(ss("--json -c 'list --devices'", &out), 0);
	ck_assert_msg(strstr(out, drive[2]) != NULL && strstr(out, hot),
	    "%s", out);
	free(out);

	/* QEMU's: each device reads that node, on that file */
	ck_assert_int_eq(tu_virsh(&vd, "qemu-monitor-command tdk "
	    "'{\"execute\":\"query-block\"}'", &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	free(out);
	i = 0;
	json_array_foreach(json_object_get(j, "return"), k, v) {
		const char *qdev = json_string_value(json_object_get(v,
		    "qdev"));
		json_t *ins = json_object_get(v, "inserted");
		size_t d;
		char pre[64];

		for (d = 0; qdev != NULL && d < 3; d++) {
			snprintf(pre, sizeof pre, "/machine/peripheral/%s/",
			    ids[d]);
			if (strncmp(qdev, pre, strlen(pre)) != 0)
				continue;
			ck_assert_str_eq(json_string_value(json_object_get(ins,
			    "node-name")), drive[d]);
			ck_assert_str_eq(json_string_value(json_object_get(ins,
			    "file")), path[d]);
			i++;
		}
	}
	ck_assert_uint_eq(i, 3);
	json_decref(j);
}
END_TEST
#undef DISK

static int
has(char **v, const char *w)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, w) == 0)
			return 1;
	return 0;
}

/* The command line's completion (readline's): the domains, and a
 * libvirt hotplug's keys, not a monitor's. */
static void
readline_keys(void)
{
	struct fleet f;
	struct cmd_ctx c;
	struct err e;
	char **v;

	fleet_init(&f, NULL);
	ck_assert_msg(fleet_add_libvirt(&f, vd.uri, 3600, 10000, &e) == 2,
	    "%s", e.msg);
	memset(&c, 0, sizeof c);
	c.fleet = &f;
	v = cmd_complete(&c, "show tc", 7);
	ck_assert(has(v, "tca") && has(v, "tcb"));
	cmd_completions_free(v);
	v = cmd_complete(&c, "hotplug tca nic ", 16);
	ck_assert(has(v, "network=") && has(v, "bus=") && !has(v,
	    "backend="));
	cmd_completions_free(v);
	v = cmd_complete(&c, "hotplug tca disk format=", 24);
	ck_assert(has(v, "format=qcow2") && !has(v, "format=vmdk"));
	cmd_completions_free(v);
	fleet_free(&f);
}

/* The bash completion offers the running domains of the line's
 * --libvirt URI and of a config file's libvirt line (virsh list). */
START_TEST(bash_completes_domains)
{
	char drv[4300], cfg[4300], cmd[13000], *out = NULL;
	FILE *f;

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tca",
	    NIC("52:54:00:0b:00:71", "")), 0);
	ck_assert_int_eq(tu_virtd_domain(&vd, "tcb",
	    NIC("52:54:00:0b:00:72", "")), 0);
	snprintf(cfg, sizeof cfg, "%s/config", vd.dir);
	ck_assert_ptr_nonnull(f = fopen(cfg, "w"));
	fprintf(f, "libvirt %s\n", vd.uri);
	fclose(f);
	snprintf(drv, sizeof drv, "%s/driver", vd.dir);
	ck_assert_ptr_nonnull(f = fopen(drv, "w"));
	/* COMP_LINE as bash sets it, COMP_WORDS as it splits the line */
	fprintf(f, "source '%s'\n"
	    "comp() { COMP_LINE=\"$*\"; COMP_WORDS=(\"$@\"); "
	    "COMP_CWORD=$(($# - 1)); COMPREPLY=();\n"
	    "  _slotscope; local IFS='|'; echo \"${COMPREPLY[*]}\"; }\n"
	    "comp slotscope --config /dev/null --libvirt \"'%s'\" -c \"'show t\"\n"
	    "comp slotscope --config '%s' -c \"'unplug tcb\"\n",
	    tu_srcpath("completion/slotscope.bash"), vd.uri, cfg);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof cmd, "bash --norc --noprofile '%s'", drv);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_str_eq(out, "'show tca |'show tcb \n'unplug tcb \n");
	free(out);
	readline_keys();
}
END_TEST

/* `show NAME --json`'s bus whose id is id, with its slot k's state and
 * id (static buffers), or NULL state when there is no such bus. */
static const char *
bus_slot(const char *name, const char *id, int k, const char **dev)
{
	static char st[32], did[128];
	char *out = NULL, args[300];
	json_t *j, *b;
	json_error_t je;
	size_t n;
	const char *res = NULL;

	snprintf(args, sizeof args, "--json -c 'show %s'", name);
	ck_assert_int_eq(ss(args, &out), 0);
	ck_assert_msg((j = json_loads(out, 0, &je)) != NULL, "%s", out);
	json_array_foreach(json_object_get(j, "buses"), n, b) {
		json_t *v = json_array_get(json_object_get(b, "slots"),
		    (size_t)k);
		const char *bid = json_string_value(json_object_get(b, "id"));

		if (bid == NULL || strcmp(bid, id) != 0 || v == NULL)
			continue;
		snprintf(st, sizeof st, "%s", json_string_value(
		    json_object_get(v, "state")));
		snprintf(did, sizeof did, "%s", json_is_string(json_object_get(
		    v, "id")) ? json_string_value(json_object_get(v, "id")) :
		    "");
		res = st;
	}
	json_decref(j);
	free(out);
	*dev = did;
	return res;
}

#define PORT(i) "    <controller type='pci' index='" i "' " \
	"model='pcie-root-port'/>\n"

/* A q35 domain: libvirt's root ports and its pcie-to-pci-bridge are the
 * buses, the hotplug goes into the first empty root port (pcie.0 takes
 * none) with libvirt's bus number in its address, and on pc-q35-6.0
 * (PCIe native hotplug) QEMU removes a device from a port the guest never
 * powered on at once: libvirt's DEVICE_REMOVED completes the unplug, in
 * batch mode and in the fleet. */
START_TEST(q35_ports_and_removed)
{
	char *out = NULL, alias[128] = "", want[64];
	const char *st, *id;
	struct fleet f;
	struct err e;
	json_t *j;
	long a;
	int rc;

	ck_assert(vd.up);
	ck_assert_int_eq(tu_virtd_domain_on(&vd, "tq", "pc-q35-6.0",
	    "    <controller type='pci' index='0' model='pcie-root'/>\n"
	    PORT("1") PORT("2") PORT("3")
	    "    <controller type='pci' index='4' model='pcie-to-pci-bridge'/>\n"
	    "    <controller type='usb' model='none'/>\n"
	    NIC("52:54:00:0b:00:51", "")), 0);
	/* libvirt put the bridge and net0 in ports 1 and 2: port 3 is the
	 * empty one, the bridge's slots are behind pci.1 */
	ck_assert_int_eq(tu_virsh(&vd, "dumpxml tq", &out), 0);
	ck_assert_msg(strstr(out, "<alias name='pci.3'/>") != NULL, "%s", out);
	free(out);
	st = bus_slot("tq", "pci.3", 0, &id);
	ck_assert_msg(st && strcmp(st, "free") == 0, "%s", st ? st : "-");
	st = bus_slot("tq", "pci.4", 5, &id);
	ck_assert_msg(st && strcmp(st, "free") == 0, "%s", st ? st : "-");
	ck_assert_int_eq(ss("-c 'next tq'", &out), 0);
	ck_assert_str_eq(out, "bus=pci.3 slot=0\n");
	free(out);

	/* into the empty port: libvirt records bus 3 slot 0 */
	ck_assert_int_eq(ss("--json -c 'hotplug tq nic mac=52:54:00:0b:00:52'",
	    &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "bus_id")),
	    "pci.3");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "slot")), 0);
	snprintf(alias, sizeof alias, "%s", json_string_value(
	    json_object_get(j, "id")));
	json_decref(j);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "dumpxml tq", &out), 0);
	snprintf(want, sizeof want, "<alias name='%s'/>", alias);
	ck_assert_msg(strstr(out, want) != NULL && strstr(strstr(out, want),
	    "bus='0x03' slot='0x00'") != NULL, "%s", out);
	free(out);
	st = bus_slot("tq", "pci.3", 0, &id);
	ck_assert_msg(st && strcmp(st, "used") == 0, "%s", st ? st : "-");
	ck_assert_str_eq(id, alias);
	/* behind the bridge, at the slot asked for */
	ck_assert_int_eq(ss("-c 'hotplug tq nic bus=pci.4 slot=5 "
	    "mac=52:54:00:0b:00:53'", &out), 0);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "dumpxml tq", &out), 0);
	ck_assert_msg(strstr(out, "bus='0x04' slot='0x05'") != NULL, "%s",
	    out);
	free(out);

	/* unplug: QEMU lets go at once, libvirt reports it removed */
	snprintf(want, sizeof want, "--json --unplug-wait 5000 -c 'unplug tq "
	    "%s'", alias);
	ck_assert_int_eq(ss(want, &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	ck_assert_msg(json_is_true(json_object_get(j, "confirmed")), "%s",
	    out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "state")),
	    "deleted");
	json_decref(j);
	free(out);
	ck_assert_int_eq(tu_virsh(&vd, "domiflist tq", &out), 0);
	ck_assert_msg(strstr(out, "52:54:00:0b:00:52") == NULL, "%s", out);
	free(out);

	/* the fleet: asked without waiting, completed by the event */
	ck_assert_int_eq(ss("--json -c 'hotplug tq nic "
	    "mac=52:54:00:0b:00:54'", &out), 0);
	ck_assert_msg((j = json_loads(out, 0, NULL)) != NULL, "%s", out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "bus_id")),
	    "pci.3");	/* free again */
	snprintf(alias, sizeof alias, "%s", json_string_value(
	    json_object_get(j, "id")));
	json_decref(j);
	free(out);
	fleet_init(&f, NULL);
	ck_assert_msg(fleet_add_libvirt(&f, vd.uri, 3600, 10000, &e) == 1,
	    "%s", e.msg);
	ck_assert_int_ge(a = fleet_find(&f, "tq", &e), 0);
	ck_assert_int_eq(f.inst[a].slots.b[1].state, SLOT_BRIDGE);
	ck_assert_ptr_nonnull(fleet_libvirt_dev_at(&f, (size_t)a, 3, 0));
	rc = fleet_libvirt_detach(&f, (size_t)a, alias, 0, 0, &e);
	ck_assert_msg(rc >= 0, "%s", e.msg);
	POLL_UNTIL(f, fleet_libvirt_dev_at(&f, (size_t)a, 3, 0) == NULL);
	ck_assert_ptr_null(fleet_libvirt_dev_at(&f, (size_t)a, 3, 0));
	fleet_free(&f);
	untainted();
}
END_TEST

Suite *
libvirt_suite(void)
{
	Suite *s = suite_create("libvirt");
	TCase *tc = tu_tcase_new(s, "libvirt", tu_missing_virtd(), NULL, NULL,
	    60);

	tcase_add_checked_fixture(tc, vd_up, vd_down);
	tcase_add_test(tc, two_domains_as_dumpxml);
	tcase_add_test(tc, nic_backend_as_qemu_has_it);
	tcase_add_test(tc, events_at_once);
	tcase_add_test(tc, hotplug_at_chosen_slot);
	tcase_add_test(tc, unplug_pending_on_paused);
	tcase_add_test(tc, two_connections_grouped);
	tcase_add_test(tc, q35_ports_and_removed);
	tcase_add_test(tc, disk_hotplug_at_chosen_slot);
	tcase_add_test(tc, disk_drive_and_path_as_qemu_has_them);
	tcase_add_test(tc, bash_completes_domains);
	return s;
}
