/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtd.c - the one way tests start a real libvirtd (see virtd.h). */
#include "virtd.h"
#include "nsproc.h"
#include "testutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *
tu_missing_virtd(void)
{
	static const char *const progs[] = { "libvirtd", "virtlogd", "virsh",
	    "unshare", "qemu-system-x86_64", NULL };

	if (geteuid() != 0)
		return "libvirtd tests need root (libvirt's system driver)";
	return tu_missing(progs);
}

/* The tail of the daemon's words, for a skip message: the script's own
 * output, then libvirtd's log. */
static void
why_not(const struct tu_virtd *v, const char *what)
{
	char *cmd, *out = NULL;
	static char why[1500];

	if (asprintf(&cmd, "tail -c 400 '%s/start.log'; tail -c 500 "
	    "'%s/var/log/libvirt/libvirtd.log' 2>/dev/null", v->dir,
	    v->dir) >= 0) {
		tu_run(cmd, &out);
		free(cmd);
	}
	snprintf(why, sizeof why, "no libvirtd could start here (%s): %s",
	    what, out ? out : "");
	for (char *p = why; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	free(out);
	tu_skip(why);
}

static int
ready(const struct tu_virtd *v)
{
	char path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/start.log", v->dir);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, "ready\n") != NULL;
}

static void
spawn(struct tu_virtd *v)
{
	char log[PATH_MAX], cache[PATH_MAX], script[PATH_MAX];
	const char *tmp = getenv("TMPDIR");

	/* the run's TMPDIR (runner.c) outlives each check's dir */
	snprintf(cache, sizeof cache, "%s/virtd-cache",
	    tmp && *tmp ? tmp : "/tmp");
	snprintf(script, sizeof script, "%s",
	    tu_srcpath("tests/scripts/libvirtd-private.sh"));
	snprintf(log, sizeof log, "%s/start.log", v->dir);
	/* in / (out of the tree): libvirtd chdirs there anyway */
	v->pid = tu_spawn(log, TU_SPAWN_ROOT, (char *[]){ "unshare", "--pid",
	    "--fork", "--mount-proc", "--kill-child", "--mount",
	    "--propagation", "private", "/bin/sh", script, v->dir, cache,
	    NULL });
}

void
tu_virtd_start(struct tu_virtd *v)
{
	const char *missing = tu_missing_virtd();
	int i, st;

	v->up = 0;
	v->pid = v->init = 0;
	if (missing != NULL)
		tu_skip(missing);
	if ((v->dir = tu_tmpdir()) == NULL)
		tu_skip("no temp dir for libvirtd");
	snprintf(v->uri, sizeof v->uri,
	    "qemu:///system?socket=%s/run/libvirt/libvirt-sock", v->dir);
	spawn(v);
	if (v->pid < 0)
		tu_skip("fork failed");
	for (i = 0; i < tu_ms(10000) / 10 && !ready(v); i++) {
		if (waitpid(v->pid, &st, WNOHANG) == v->pid) {
			v->pid = 0;
			why_not(v, "its starter ended");
		}
		usleep(10000);
	}
	v->init = tu_first_child(v->pid);
	if (!ready(v) || v->init == 0)
		why_not(v, "its socket did not appear in time");
	v->up = 1;
}

void
tu_virtd_stop(struct tu_virtd *v)
{
	tu_ns_kill(v->pid, v->init);	/* libvirtd, virtlogd, QEMUs */
	v->pid = v->init = 0;
	if (v->dir != NULL) {
		tu_rmrf(v->dir);
		free(v->dir);
		v->dir = NULL;
	}
	v->up = 0;
}

int
tu_virsh(const struct tu_virtd *v, const char *args, char **out)
{
	char *cmd;
	int rc;

	if (asprintf(&cmd, "virsh -q -c '%s' %s", v->uri, args) < 0)
		return -1;
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

int
tu_virtd_domain(const struct tu_virtd *v, const char *name,
    const char *devices)
{
	return tu_virtd_domain_on(v, name, "pc", devices);
}

int
tu_virtd_domain_on(const struct tu_virtd *v, const char *name,
    const char *machine, const char *devices)
{
	char path[PATH_MAX], *args, *out = NULL;
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/%s.xml", v->dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "<domain type='qemu'>\n  <name>%s</name>\n"
	    "  <memory unit='MiB'>64</memory>\n  <vcpu>1</vcpu>\n"
	    "  <os><type arch='x86_64' machine='%s'>hvm</type></os>\n"
	    /* without ACPI (libvirt's default then is -no-acpi) pci.0 takes
	     * no hotplug */
	    "  <features><acpi/></features>\n"
	    "  <devices>\n%s\n    <memballoon model='none'/>\n"
	    "  </devices>\n</domain>\n", name, machine,
	    devices ? devices : "");
	if (fclose(f) != 0)
		return -1;
	if (asprintf(&args, "create '%s' --paused", path) < 0)
		return -1;
	rc = tu_virsh(v, args, &out);
	free(args);
	if (rc != 0)
		fprintf(stderr, "virsh create %s: %s\n", name, out ? out : "");
	free(out);
	return rc == 0 ? 0 : -1;
}
