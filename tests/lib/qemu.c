/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qemu.c - the one way tests and benchmarks start a real QEMU
 * (tu_qemu_start, tu_qemu_stop, the tu_vm fixture; see testutil.h). */
#include "testutil.h"
#include "nsproc.h"

#include <check.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Is a unix socket listening on DIR/NAME?  Read from /proc/net/unix
 * (flag __SO_ACCEPTCON, 0x10000) rather than by connecting: QEMU serves one
 * client per monitor, and a probe connection that closes unserved disturbs
 * the next client's wait. */
int
tu_listening(const char *dir, const char *name)
{
	char path[PATH_MAX], line[PATH_MAX + 128];
	unsigned long flags;
	size_t plen;
	FILE *f;
	int found = 0;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	plen = strlen(path);
	f = fopen("/proc/net/unix", "r");
	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		if (n < plen + 1 || strcmp(line + n - plen, path) != 0 ||
		    line[n - plen - 1] != ' ')
			continue;
		if (sscanf(line, "%*s %*s %*s %lx", &flags) == 1 &&
		    (flags & 0x10000))
			found = 1;
	}
	fclose(f);
	return found;
}

/* QEMU is started as a child of the test process, not daemonized, that
 * dies with it (tu_spawn): when Check kills a test that timed out (its
 * teardown never runs), the kernel kills that test's QEMUs too, so no
 * paused QEMU outlives the suite.  spawn runs the shell command cmd
 * (which execs QEMU) that way, its output to log. */
static pid_t
spawn(char *cmd, const char *log)
{
	return tu_spawn(log, 0, (char *[]){ "/bin/sh", "-c", cmd, NULL });
}

/* What went wrong, from the log; then the child goes. */
static int
failed(pid_t pid, const char *log, const char *what)
{
	char *out = NULL, *c;
	int st;

	if (asprintf(&c, "cat '%s'", log) >= 0) {
		tu_run(c, &out);
		free(c);
	}
	fprintf(stderr, "%s: %s\n", what, out ? out : "");
	free(out);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

int
tu_qemu_start(const char *dir, const char *machine, const char *extra)
{
	return tu_qemu_start_v(TU_QEMU_72, dir, machine, extra);
}

int
tu_qemu_start_v(enum tu_qemu q, const char *dir, const char *machine,
    const char *extra)
{
	char *cmd, sock[PATH_MAX], log[PATH_MAX];
	pid_t pid;
	int i, st;

	if (tu_missing_qemu() != NULL)
		return -1;	/* the checks skip, saying so */
	if (asprintf(&cmd, "rm -f '%s'/hmp.sock '%s'/qmp.sock '%s'/qemu.pid; "
	    "exec '%s' -machine %s,accel=tcg -S -display none "
	    "-m 128 -monitor unix:'%s'/hmp.sock,server,nowait "
	    "-qmp unix:'%s'/qmp.sock,server,nowait -pidfile '%s'/qemu.pid "
	    "%s", dir, dir, dir, tu_qemu_bin(q), machine, dir, dir, dir,
	    extra ? extra : "") < 0)
		return -1;
	snprintf(log, sizeof log, "%s/qemu.log", dir);
	pid = spawn(cmd, log);
	free(cmd);
	if (pid == -1)
		return -1;
	/* Ready when both sockets listen and the pid file exists (10 s at
	 * most).  A socket file appears at bind(), a moment before listen(),
	 * so its existence alone is not enough. */
	for (i = 0; i < 1000; i++) {
		snprintf(sock, sizeof sock, "%s/qemu.pid", dir);
		if (access(sock, F_OK) == 0 && tu_listening(dir, "hmp.sock") &&
		    tu_listening(dir, "qmp.sock"))
			return 0;
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	return failed(pid, log, "qemu did not start");
}

/* The booted guest: boot-test-guest.sh in its exec mode (it prepares the
 * initramfs, then becomes QEMU, not daemonized: a child that dies with
 * the test like any other); ready once the guest said GUEST-READY on its
 * console and both monitors listen (60 s at most). */
static int
guest_start(enum tu_qemu q, const char *dir, const char *machine,
    const char *extra)
{
	char *cmd, serial[PATH_MAX], log[PATH_MAX], *out = NULL;
	pid_t pid;
	int i, st;

	if (asprintf(&cmd, "BOOT_TEST_GUEST_EXEC=1 SLOTSCOPE_QEMU='%s' exec sh "
	    "'%s' '%s' %s %s", tu_qemu_bin(q),
	    tu_srcpath("tests/scripts/boot-test-guest.sh"), dir, machine,
	    extra ? extra : "") < 0)
		return -1;
	snprintf(log, sizeof log, "%s/qemu.log", dir);
	snprintf(serial, sizeof serial, "cat '%s/serial.log' 2>/dev/null",
	    dir);
	pid = spawn(cmd, log);
	free(cmd);
	if (pid == -1)
		return -1;
	for (i = 0; i < 6000; i++) {
		int up;

		if (waitpid(pid, &st, WNOHANG) == pid)
			return failed(pid, log, "guest did not boot");
		tu_run(serial, &out);
		up = out != NULL && strstr(out, "GUEST-READY") != NULL;
		free(out);
		out = NULL;
		if (up && tu_listening(dir, "hmp.sock") &&
		    tu_listening(dir, "qmp.sock"))
			return 0;
		usleep(10000);
	}
	return failed(pid, log, "guest did not boot in 60 s");
}

long
tu_qemu_pid(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;
	long pid = 0;

	snprintf(path, sizeof path, "%s/qemu.pid", dir);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = 0;
	fclose(f);
	return pid;
}

void
tu_qemu_stop(const char *dir)
{
	char path[PATH_MAX];
	long pid = tu_qemu_pid(dir);
	int i;

	if (pid == 0)
		return;
	snprintf(path, sizeof path, "%s/qemu.pid", dir);
	kill((pid_t)pid, SIGTERM);
	for (i = 0; i < 300 && tu_pid_alive((pid_t)pid); i++) {
		waitpid((pid_t)pid, NULL, WNOHANG);	/* ours since not daemonized */
		usleep(10000);
	}
	if (tu_pid_alive((pid_t)pid)) {
		kill((pid_t)pid, SIGKILL);
		for (i = 0; i < 300 && tu_pid_alive((pid_t)pid); i++)
			usleep(10000);
	}
	unlink(path);
}

void
tu_vm_up(struct tu_vm *v)
{
	v->up = 0;
	if (tu_missing_qemu_v(v->qemu) != NULL)	/* its checks skip */
		return;
	v->dir = tu_tmpdir();
	if (v->dir == NULL)
		return;
	if (!v->guest) {
		v->up = tu_qemu_start_v(v->qemu, v->dir, v->machine,
		    v->extra) == 0;
		return;
	}
	v->up = guest_start(v->qemu, v->dir, v->machine, v->extra) == 0;
}

void
tu_vm_down(struct tu_vm *v)
{
	if (v->dir != NULL) {
		tu_qemu_stop(v->dir);
		tu_rmrf(v->dir);
		free(v->dir);
		v->dir = NULL;
	}
	v->up = 0;
}

const char *
tu_qemu_name(enum tu_qemu q)
{
	return q == TU_QEMU_10 ? "10.0" : "7.2";
}

const char *
tu_qemu_bin(enum tu_qemu q)
{
	const char *b;

	if (q != TU_QEMU_10)
		return "qemu-system-x86_64";
	b = getenv("SLOTSCOPE_QEMU10");
	return b && *b ? b : "/opt/slotscope-qemu10/bin/qemu-system-x86_64";
}

/* NULL when the 10.0 binary runs and says 10.0 (asked once per process),
 * else why not. */
const char *
tu_missing_qemu10(void)
{
	static int known = -1;
	static char why[512];
	char *cmd, *out = NULL;
	const char *bin = tu_qemu_bin(TU_QEMU_10);

	if (known >= 0)
		return known ? NULL : why;
	known = 0;
	snprintf(why, sizeof why, "QEMU 10.0 (%s) is not installed: "
	    "scripts/install-qemu10 unpacks it", bin);
	if (access(bin, X_OK) != 0 ||
	    asprintf(&cmd, "'%s' --version", bin) < 0)
		return why;
	if (tu_run(cmd, &out) == 0 && strstr(out, "version 10.0.") != NULL)
		known = 1;
	else
		snprintf(why, sizeof why, "%s --version does not say 10.0: "
		    "%.300s", bin, out ? out : "");
	free(out);
	free(cmd);
	return known ? NULL : why;
}

const char *
tu_missing_qemu_v(enum tu_qemu q)
{
	const char *why = tu_missing_qemu();

	return why == NULL && q == TU_QEMU_10 ? tu_missing_qemu10() : why;
}

void
tu_qemu_cases(Suite *s, void (*add)(Suite *, enum tu_qemu))
{
	add(s, TU_QEMU_72);
	add(s, TU_QEMU_10);
}
