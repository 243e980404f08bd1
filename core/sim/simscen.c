/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simscen.c - scenarios, --simulate instances and the demo; see simscen.h.
 */
#include "sim/simscen.h"

#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fnv.h"
#include "model/devid.h"
#include "sim/simmgr.h"
#include "store/store.h"

static const struct simscen scens[] = {
	{ "full-bus", "every PCI slot is taken: a new device has nowhere "
	  "to go" },
	{ "orphan-device", "a live device whose id no runtime file knows "
	  "(shown as foreign): adopt records it, then it can be unplugged" },
	{ "stuck-unplug", "the guest ignores unplug requests: device_del "
	  "stays pending forever" },
	{ "busy-monitor", "another client holds the monitor sockets: "
	  "connections hear nothing" },
	{ "crashed-instance", "the monitor goes away after a few commands "
	  "(connection refused afterwards)" },
	{ "q35", "a q35 machine: its root bus pcie.0 refuses hotplug" },
	{ "q35-ports-full", "a paused q35 machine whose root ports run out: "
	  "two of its three hold devices only QOM shows, one hotplug takes "
	  "the last" },
	{ "ganeti-collision", "a Ganeti node: a device Ganeti does not "
	  "record sits where its next hotplug goes (#1620), a NIC is gone" },
};

#define NSCENS (sizeof scens / sizeof scens[0])

const struct simscen *
simscen_list(size_t *n)
{
	*n = NSCENS;
	return scens;
}

const struct simscen *
simscen_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < NSCENS; i++)
		if (strcmp(scens[i].name, name) == 0)
			return &scens[i];
	return NULL;
}

/* A stable uuid for device `k` of instance `name` (demo data). */
static void
make_uuid(const char *name, int k, char out[37])
{
	unsigned h, a, b;

	h = fnv32_word(fnv32_bytes(FNV32_OFFSET, name, strlen(name)),
	    (unsigned)k);
	/* murmur3's finaliser spreads neighbouring k apart */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	a = h * 2654435761u;
	b = a ^ (a >> 15) ^ (h << 7);
	snprintf(out, 37, "%08x-%04x-4%03x-a%03x-%08x%04x", h, a & 0xffff,
	    (a >> 16) & 0xfff, b & 0xfff, b, (h >> 3) & 0xffff);
}

/* A Ganeti-style NIC in `slot`: netdev hostnet-XXXXXXXX + virtio-net-pci
 * with id nic-XXXXXXXX-pci-SLOT.  Fills id when not NULL. */
static int
add_nic(struct simdev_machine *m, const char *inst, int k, int slot,
    char *id, struct simdev_err *de)
{
	char uuid[37], did[DEVID_MAX + 1], net[32], mac[18], addr[8];
	struct simdev_kv kv[6];
	struct err e;

	make_uuid(inst, k, uuid);
	if (devid_format("nic", uuid, slot, did, sizeof did, &e) < 0) {
		snprintf(de->desc, sizeof de->desc, "%s", e.msg);
		return -1;
	}
	snprintf(net, sizeof net, "hostnet-%.8s", uuid);
	snprintf(mac, sizeof mac, "52:54:00:%.2s:%.2s:%02x", uuid + 2,
	    uuid + 4, slot);
	snprintf(addr, sizeof addr, "0x%x", (unsigned)slot);
	if (simdev_netdev_add(m, "user", net, NULL, 0, de) < 0)
		return -1;
	kv[0] = (struct simdev_kv){ "driver", "virtio-net-pci" };
	kv[1] = (struct simdev_kv){ "netdev", net };
	kv[2] = (struct simdev_kv){ "id", did };
	kv[3] = (struct simdev_kv){ "bus", "pci.0" };
	kv[4] = (struct simdev_kv){ "addr", addr };
	kv[5] = (struct simdev_kv){ "mac", mac };
	if (simdev_device_add(m, kv, 6, de) < 0)
		return -1;
	if (id)
		strcpy(id, did);
	return 0;
}

static int
add_disk(struct simdev_machine *m, const char *inst, int k, int slot,
    char *id, struct simdev_err *de)
{
	char uuid[37], did[DEVID_MAX + 1], drv[32], addr[8];
	struct simdev_kv kv[5];
	struct err e;

	make_uuid(inst, k, uuid);
	if (devid_format("disk", uuid, slot, did, sizeof did, &e) < 0) {
		snprintf(de->desc, sizeof de->desc, "%s", e.msg);
		return -1;
	}
	snprintf(drv, sizeof drv, "drive-%.8s", uuid);
	snprintf(addr, sizeof addr, "0x%x", (unsigned)slot);
	/* an empty drive: the simulator has no image to open */
	if (simdev_drive_add(m, drv, NULL, NULL, 1, NULL, de) < 0)
		return -1;
	kv[0] = (struct simdev_kv){ "driver", "virtio-blk-pci" };
	kv[1] = (struct simdev_kv){ "drive", drv };
	kv[2] = (struct simdev_kv){ "id", did };
	kv[3] = (struct simdev_kv){ "bus", "pci.0" };
	kv[4] = (struct simdev_kv){ "addr", addr };
	if (simdev_device_add(m, kv, 5, de) < 0)
		return -1;
	if (id)
		strcpy(id, did);
	return 0;
}

int
simscen_guest_parse(const char *spec, enum simdev_guest *g, int *ack_ms,
    struct err *e)
{
	char *end;
	long v;

	if (strcmp(spec, "none") == 0)
		*g = SIMDEV_GUEST_NONE;
	else if (strcmp(spec, "ignore") == 0)
		*g = SIMDEV_GUEST_IGNORE;
	else if (strcmp(spec, "refuse") == 0) {
		*g = SIMDEV_GUEST_REFUSE;
		*ack_ms = 100;
	}
	else if (strcmp(spec, "ack") == 0) {
		*g = SIMDEV_GUEST_ACK;
		*ack_ms = 100;
	} else if (strncmp(spec, "ack=", 4) == 0) {
		v = strtol(spec + 4, &end, 10);
		if (end == spec + 4 || *end || v < 0 || v > 3600000)
			return err_set(e, "guest ack=MS needs a number of "
			    "milliseconds from 0 to 3600000");
		*g = SIMDEV_GUEST_ACK;
		*ack_ms = (int)v;
	} else
		return err_set(e, "unknown guest %s: use none, ack, ack=MS, "
		    "ignore or refuse", spec);
	return 0;
}

/* The slot a scenario's orphan device takes. */
#define ORPHAN_SLOT 7

int
simscen_apply(struct sim_inst *in, const char *scenario, struct err *e)
{
	struct simdev_machine *m = sim_inst_machine(in);
	const char *name = sim_inst_name(in);
	struct simdev_err de;
	struct sim_fault f;
	int slot;

	if (scenario == NULL || *scenario == '\0')
		return 0;
	if (simscen_find(scenario) == NULL)
		return err_set(e, "unknown scenario %s; `--scenario list` "
		    "shows them", scenario);
	memset(&f, 0, sizeof f);
	if (strcmp(scenario, "full-bus") == 0) {
		for (slot = 0; slot < 32; slot++) {
			int fn;
			int taken = 0;

			for (fn = 0; fn < (int)m->nfn; fn++)
				taken |= m->fn[fn].slot == slot;
			if (!taken && add_nic(m, name, slot, slot, NULL,
			    &de) < 0)
				goto fail;
		}
	} else if (strcmp(scenario, "orphan-device") == 0) {
		/* an id no runtime file has: someone hotplugged by hand */
		static const struct simdev_kv kv[] = {
			{ "driver", "e1000" }, { "id", "nic-0badc0de-pci-7" },
			{ "bus", "pci.0" }, { "addr", "0x7" } };

		if (simdev_device_add(m, kv, 4, &de) < 0)
			goto fail;
	} else if (strcmp(scenario, "stuck-unplug") == 0) {
		m->guest = SIMDEV_GUEST_IGNORE;
		if (add_nic(m, name, 5, 5, NULL, &de) < 0)
			goto fail;
	} else if (strcmp(scenario, "busy-monitor") == 0) {
		sim_inst_set_held(in, 1);
	} else if (strcmp(scenario, "crashed-instance") == 0) {
		f.crash_after = 4;
		sim_inst_set_fault(in, &f);
	} else if (strcmp(scenario, "ganeti-collision") == 0) {
		return simmgr_ganeti_devices(in, e);
	} else if (strcmp(scenario, "q35-ports-full") == 0) {
		/* cold-plugged, so hidden behind the unnumbered ports */
		if (simdev_plug_at(m, SIMDEV_VIRTIO_NET, "rp4", 0, "legacy-nic0",
		    &de) < 0 || simdev_plug_at(m, SIMDEV_E1000, "rp5", 0,
		    "legacy-nic1", &de) < 0)
			goto fail;
	}
	/* q35 and q35-ports-full are machine types: the caller created the
	 * instance with it (scen_machine) */
	return 0;
fail:
	return err_set(e, "scenario %s: %s", scenario, de.desc);
}

static int
populate_one(struct sim *s, const char *dir, const char *name,
    enum simdev_machine_type machine, const char *scenario, struct err *e)
{
	struct sim_inst_opts o;
	struct sim_inst *in;

	memset(&o, 0, sizeof o);
	o.dir = dir;
	o.name = name;
	o.machine = machine;
	o.guest = SIMDEV_GUEST_NONE;
	in = sim_add(s, &o, e);
	if (in == NULL)
		return -1;
	return simscen_apply(in, scenario, e);
}

/* The machine a scenario needs, or def. */
static enum simdev_machine_type
scen_machine(const char *scenario, enum simdev_machine_type def)
{
	if (scenario && strcmp(scenario, "q35") == 0)
		return SIMDEV_Q35;
	if (scenario && strcmp(scenario, "q35-ports-full") == 0)
		return SIMDEV_Q35_PORTS;
	return def;
}

static int
check_scenario(const char *scenario, enum simdev_machine_type *machine,
    struct err *e)
{
	if (scenario && *scenario && simscen_find(scenario) == NULL)
		return err_set(e, "unknown scenario %s; `--scenario list` "
		    "shows them", scenario);
	*machine = scen_machine(scenario, *machine);
	return 0;
}

int
simscen_populate(struct sim *s, const char *dir, int count,
    enum simdev_machine_type machine, const char *scenario, struct err *e)
{
	int i;

	if (check_scenario(scenario, &machine, e) < 0)
		return -1;
	for (i = 1; i <= count; i++) {
		char name[32];

		snprintf(name, sizeof name, "vm%d", i);
		if (populate_one(s, dir, name, machine, scenario, e) < 0)
			return -1;
	}
	return 0;
}

int
simscen_populate_names(struct sim *s, const char *dir, const char *names,
    enum simdev_machine_type machine, const char *scenario, struct err *e)
{
	const char *p = names;

	if (check_scenario(scenario, &machine, e) < 0)
		return -1;
	while (*p) {
		size_t n = strcspn(p, ",");
		char name[STORE_NAME_MAX + 1];
		size_t i;

		if (n == 0 || n > STORE_NAME_MAX)
			return err_set(e, "bad instance name list \"%s\": "
			    "names of 1 to %d characters, separated by commas",
			    names, STORE_NAME_MAX);
		memcpy(name, p, n);
		name[n] = '\0';
		if (store_check_name(name, e) < 0)
			return -1;
		for (i = 0; i < sim_count(s); i++)
			if (strcmp(sim_inst_name(sim_get(s, i)), name) == 0)
				return err_set(e, "instance %s is named twice",
				    name);
		if (populate_one(s, dir, name, machine, scenario, e) < 0)
			return -1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* ---- demo ----------------------------------------------------------- */

struct demo_spec {
	const char *name;
	const char *scenario;	/* NULL = one of the standard three */
};

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

static void
rm_tree(const char *dir)
{
	if (dir[0] == '/')
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* web1's extras, so the demo's first screen shows every state the legend
 * lists: an operator keeps slots 12-15 for storage controllers
 * (reserved), someone added an e1000 by hand in slot 10 (foreign: the
 * runtime file does not know it) and the runtime file still records a disk
 * in slot 11 that the bus no longer has (missing). */
#define DEMO_FOREIGN_SLOT 10
#define DEMO_FOREIGN_ID "hand-added-e1000"
#define DEMO_MISSING_SLOT 11
#define DEMO_RESERVED_FIRST 12
#define DEMO_RESERVED_LAST 15

static int
add_web_extras(struct store_rt *rt, const char *inst, struct err *e)
{
	struct store_dev d;
	int s;

	for (s = DEMO_RESERVED_FIRST; s <= DEMO_RESERVED_LAST; s++)
		if (slotmap_reserve(&rt->reserved, s, e) < 0)
			return -1;
	memset(&d, 0, sizeof d);
	/* uuid number 5: after the five live devices (0-4) */
	make_uuid(inst, 5, d.uuid);
	if (devid_format("disk", d.uuid, DEMO_MISSING_SLOT, d.id, sizeof d.id,
	    e) < 0)
		return -1;
	snprintf(d.type, sizeof d.type, "disk");
	d.slot = DEMO_MISSING_SLOT;
	d.state = STORE_DEV_PLUGGED;
	snprintf(d.driver, sizeof d.driver, "virtio-blk-pci");
	d.backend.kind = STORE_BK_FILE;
	snprintf(d.backend.drive, sizeof d.backend.drive, "drive-%.8s",
	    d.uuid);
	return store_add_dev(rt, &d, e);
}

/* Record every device with a Ganeti id as plugged in the runtime file,
 * except the orphan (ids that are not Ganeti's, like the demo's hand-added
 * e1000, are skipped too); web1 gets its extras. */
static int
write_runtime(const char *rundir, struct sim_inst *in, int web,
    struct err *e)
{
	struct simdev_machine *m = sim_inst_machine(in);
	struct store_txn t;
	size_t i;

	if (store_open_locked(rundir, sim_inst_name(in), &t, 1000, e) < 0)
		return -1;
	if (web && add_web_extras(&t.rt, sim_inst_name(in), e) < 0) {
		store_abort(&t);
		return -1;
	}
	for (i = 0; i < m->nfn; i++) {
		const struct simdev_fn *f = &m->fn[i];
		struct store_dev d;
		struct devid di;
		char uuid[37];
		int k;

		if (f->id == NULL || strcmp(f->id, "nic-0badc0de-pci-7") == 0)
			continue;
		if (devid_parse(f->id, strlen(f->id), &di, e) < 0)
			continue;
		memset(&d, 0, sizeof d);
		snprintf(d.id, sizeof d.id, "%s", f->id);
		snprintf(d.type, sizeof d.type, "%s",
		    f->kind == SIMDEV_VIRTIO_BLK ? "disk" : "nic");
		/* the uuid whose first block is in the id */
		for (k = 0; k < 64; k++) {
			make_uuid(sim_inst_name(in), k, uuid);
			if (strncmp(f->id + strlen(d.type) + 1, uuid, 8) == 0)
				break;
		}
		if (k < 64)
			snprintf(d.uuid, sizeof d.uuid, "%s", uuid);
		d.slot = f->slot;
		d.state = STORE_DEV_PLUGGED;
		snprintf(d.driver, sizeof d.driver, "%s",
		    simdev_kind_info(f->kind)->type);
		if (f->netdev) {
			d.backend.kind = STORE_BK_USER;
			snprintf(d.backend.netdev, sizeof d.backend.netdev,
			    "%s", f->netdev);
		} else if (f->drive) {
			d.backend.kind = STORE_BK_FILE;
			snprintf(d.backend.drive, sizeof d.backend.drive, "%s",
			    f->drive);
		}
		if (store_add_dev(&t.rt, &d, e) < 0) {
			store_abort(&t);
			return -1;
		}
	}
	return store_commit(&t, e);
}

static int
demo_build(struct sim *s, struct sim_demo *d, const char *scenario,
    struct err *e)
{
	static const char *const names[] = { "web1", "db1", "fresh1" };
	char gctrl[300];
	struct simdev_err de;
	size_t i;
	int k, slot;

	for (i = 0; i < 3 + (scenario != NULL); i++) {
		struct sim_inst_opts o;
		struct sim_inst *in;
		char name[32];
		struct simdev_machine *m;

		memset(&o, 0, sizeof o);
		if (i < 3)
			snprintf(name, sizeof name, "%s", names[i]);
		else {	/* full1, orphan1, stuck1, busy1, crashed1, q35-1 */
			int n = (int)strcspn(scenario, "-");

			snprintf(name, sizeof name, "%.*s%s1", n, scenario,
			    isdigit((unsigned char)scenario[n - 1]) ? "-" : "");
		}
		o.dir = d->monitor_dir;
		/* Ganeti's instance lives in Ganeti's layout */
		if (i == 3 && strcmp(scenario, "ganeti-collision") == 0) {
			if (simmgr_ganeti_dirs(d->dir, gctrl, sizeof gctrl,
			    e) < 0)
				return -1;
			o.dir = gctrl;
		}
		o.name = name;
		o.machine = i == 3 ? scen_machine(scenario, SIMDEV_PC) :
		    SIMDEV_PC;
		/* the demo's guests answer unplugs, like a booted VM */
		o.guest = SIMDEV_GUEST_ACK;
		o.ack_ms = 100;
		in = sim_add(s, &o, e);
		if (in == NULL)
			return -1;
		m = sim_inst_machine(in);
		if (i == 0) {
			/* a busy web VM: three NICs, two disks */
			for (k = 0; k < 3; k++)
				if (add_nic(m, name, k, 4 + k, NULL, &de) < 0)
					goto fail;
			for (k = 3; k < 5; k++)
				if (add_disk(m, name, k, 4 + k, NULL, &de) < 0)
					goto fail;
			/* and an e1000 someone added by hand (foreign) */
			{
				char addr[8];
				struct simdev_kv kv[4] = {
					{ "driver", "e1000" },
					{ "id", DEMO_FOREIGN_ID },
					{ "bus", "pci.0" }, { "addr", addr } };

				snprintf(addr, sizeof addr, "0x%x",
				    DEMO_FOREIGN_SLOT);
				if (simdev_device_add(m, kv, 4, &de) < 0)
					goto fail;
			}
		} else if (i == 1) {
			/* nearly full: two slots left (30, 31) */
			for (slot = 4; slot < 30; slot++)
				if ((slot % 3 ? add_nic(m, name, slot, slot,
				    NULL, &de) : add_disk(m, name, slot, slot,
				    NULL, &de)) < 0)
					goto fail;
		} else if (i == 3) {
			if (simscen_apply(in, scenario, e) < 0 ||
			    (o.dir == gctrl &&
			    simmgr_ganeti_runtime(gctrl, in, e) < 0))
				return -1;
		}
		if (write_runtime(d->runtime_dir, in, i == 0, e) < 0)
			return -1;
		snprintf(d->inst[d->n].name, sizeof d->inst[d->n].name, "%s",
		    name);
		snprintf(d->inst[d->n].hmp, sizeof d->inst[d->n].hmp, "%s",
		    sim_inst_hmp_path(in));
		snprintf(d->inst[d->n].qmp, sizeof d->inst[d->n].qmp, "%s",
		    sim_inst_qmp_path(in));
		snprintf(d->inst[d->n].endpoint, sizeof d->inst[d->n].endpoint,
		    "unix:%s", sim_inst_qmp_path(in));
		d->n++;
	}
	return 0;
fail:
	return err_set(e, "demo setup: %s", de.desc);
}

/* The child: serve until SIGTERM/SIGINT/SIGHUP (blocked since before the
 * fork, so none is lost; also sent when the parent dies), then remove the
 * sockets and the whole demo dir. */
static void
demo_child(struct sim *s, int ready_fd, const char *dir)
{
	struct err e;

	if (write(ready_fd, "ok\n", 3) != 3) {
		sim_free(s);
		_exit(1);
	}
	close(ready_fd);
	for (;;) {
		sigset_t pending;

		if (sim_poll(s, 200, &e) < 0)
			break;
		sigpending(&pending);
		if (sigismember(&pending, SIGTERM) ||
		    sigismember(&pending, SIGINT) ||
		    sigismember(&pending, SIGHUP))
			break;
	}
	sim_free(s);
	rm_tree(dir);
	_exit(0);
}

int
sim_demo_start(const char *scenario, struct sim_demo *d, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	int pfd[2];
	pid_t pid;
	char buf[300];
	ssize_t r;
	size_t got = 0;
	struct sim *s;
	sigset_t set, old;

	memset(d, 0, sizeof *d);
	d->child = -1;
	if (scenario && simscen_find(scenario) == NULL)
		return err_set(e, "unknown scenario %s; `--scenario list` "
		    "shows them", scenario);
	/* unix socket paths are short: keep the temp dir name short */
	if (tmp == NULL || strlen(tmp) > 60)
		tmp = "/tmp";
	snprintf(d->dir, sizeof d->dir, "%s/slotscope-demo.XXXXXX", tmp);
	if (mkdtemp(d->dir) == NULL)
		return err_set(e, "cannot create a temp dir in %s: %s", tmp,
		    strerror(errno));
	snprintf(d->monitor_dir, sizeof d->monitor_dir, "%s/mon", d->dir);
	snprintf(d->runtime_dir, sizeof d->runtime_dir, "%s/run", d->dir);
	if (mkdir(d->monitor_dir, 0700) < 0) {
		err_set(e, "cannot create %s: %s", d->monitor_dir,
		    strerror(errno));
		rm_tree(d->dir);
		return -1;
	}
	s = sim_new(e);
	if (s == NULL) {
		rm_tree(d->dir);
		return -1;
	}
	if (demo_build(s, d, scenario, e) < 0) {
		sim_free(s);
		rm_tree(d->dir);
		return -1;
	}
	if (pipe(pfd) < 0) {
		err_set(e, "cannot create a pipe: %s", strerror(errno));
		sim_free(s);
		rm_tree(d->dir);
		return -1;
	}
	/* the child must not miss a SIGTERM sent before it polls */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		err_set(e, "cannot fork the simulator: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		sim_free(s);
		rm_tree(d->dir);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		/* its own process group: a terminal's Ctrl-C goes to the
		 * UI, which stops the demo when it exits */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			kill(getpid(), SIGTERM);	/* parent already gone */
		demo_child(s, pfd[1], d->dir);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pfd[1]);
	d->child = pid;
	/* the parent's copy: close the sockets, leave the files */
	sim_forget(s);
	while (got < sizeof buf - 1 &&
	    (r = read(pfd[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)r;
	close(pfd[0]);
	buf[got] = '\0';
	if (strncmp(buf, "ok", 2) != 0) {
		err_set(e, "the simulator did not start");
		sim_demo_stop(d);
		return -1;
	}
	return 0;
}

void
sim_demo_stop(struct sim_demo *d)
{
	if (d->child > 0) {
		int st;

		kill(d->child, SIGTERM);
		while (waitpid(d->child, &st, 0) < 0 && errno == EINTR)
			;
		d->child = -1;
	}
	if (d->dir[0] == '/') {
		rm_tree(d->dir);
		d->dir[0] = '\0';
	}
}
