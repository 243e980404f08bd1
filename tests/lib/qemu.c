/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qemu.c - the one way tests and benchmarks start a real QEMU
 * (tu_qemu_start, tu_qemu_stop, the tu_vm fixture; see testutil.h). */
#include "testutil.h"
#include "nsproc.h"

#include <check.h>

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* The sockets on DIR/NAME in /proc/net/unix: how many listen (flag
 * __SO_ACCEPTCON, 0x10000) and how many are connections (a server's end
 * of an accepted connection carries the listener's path too).  Read
 * rather than probed by connecting: QEMU serves one client per monitor,
 * and a probe connection that closes unserved disturbs the next client's
 * wait. */
static void
unix_count(const char *dir, const char *name, int *nlisten, int *nconn)
{
	char path[PATH_MAX], line[PATH_MAX + 128];
	unsigned long flags;
	size_t plen;
	FILE *f;

	*nlisten = *nconn = 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	plen = strlen(path);
	f = fopen("/proc/net/unix", "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		if (n < plen + 1 || strcmp(line + n - plen, path) != 0 ||
		    line[n - plen - 1] != ' ' ||
		    sscanf(line, "%*s %*s %*s %lx", &flags) != 1)
			continue;
		if (flags & 0x10000)
			(*nlisten)++;
		else
			(*nconn)++;
	}
	fclose(f);
}

int
tu_listening(const char *dir, const char *name)
{
	int l, c;

	unix_count(dir, name, &l, &c);
	return l > 0;
}

/* 1 once QEMU has sent its QMP greeting on DIR/NAME (before the
 * monotonic ms end): its main loop runs and serves every monitor.  The
 * connection reads the greeting, sends nothing and closes, so the next
 * client is served as a first one; what is waited for is a served
 * connection, not one left unserved (see tu_listening). */
static int
greets(const char *dir, const char *name, long end)
{
	struct sockaddr_un sa;
	char buf[4096];
	size_t n = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ok = 0;

	if (fd < 0)
		return 0;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, name);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		while (!ok && n < sizeof buf - 1) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			long left = end - tu_ms_now();
			ssize_t r;

			if (left <= 0 || poll(&p, 1, (int)left) <= 0)
				break;
			if ((r = read(fd, buf + n, sizeof buf - 1 - n)) <= 0)
				break;
			n += (size_t)r;
			buf[n] = '\0';
			ok = strchr(buf, '\n') != NULL && strstr(buf, "QMP");
		}
	close(fd);
	return ok;
}

/* tu_unix_idle until the monotonic ms end. */
static int
idle_until(const char *dir, const char *name, long end)
{
	int l, c;

	for (;;) {
		unix_count(dir, name, &l, &c);
		if (l > 0 && c == 0)
			return 1;
		if (tu_ms_now() >= end)
			return 0;
		usleep(10000);
	}
}

int
tu_unix_idle(const char *dir, const char *name, int timeout_ms)
{
	return idle_until(dir, name, tu_ms_now() + tu_ms(timeout_ms));
}

int
tu_sim_serves(const char *dir, const char *name, int timeout_ms)
{
	char path[PATH_MAX];
	struct stat st;
	long end = tu_ms_now() + tu_ms(timeout_ms);

	snprintf(path, sizeof path, "%s/%s", dir, name);
	for (;;) {
		if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			return 1;
		if (tu_ms_now() >= end)
			return 0;
		usleep(10000);
	}
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
	long end;
	int st;

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
	/* Ready when both sockets listen and the pid file exists, and then
	 * QEMU greets on QMP (10 s at most, tu_ms).  A socket file appears
	 * at bind(), a moment before listen(), so its existence alone is not
	 * enough; and QEMU makes its monitors before the machine, answering
	 * none until its main loop runs: on a loaded machine that was more
	 * than the 500 ms a client waits for a greeting, so a check's first
	 * command could fail (check_truth held_socket: "sent nothing in
	 * 500 ms"). */
	end = tu_ms_now() + tu_ms(10000);
	snprintf(sock, sizeof sock, "%s/qemu.pid", dir);
	while (tu_ms_now() < end) {
		if (access(sock, F_OK) == 0 && tu_listening(dir, "hmp.sock") &&
		    tu_listening(dir, "qmp.sock"))
			break;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return failed(pid, log, "qemu did not start");
		usleep(10000);
	}
	/* the probe's end let go too, so the first client is served as one */
	if (tu_ms_now() < end && greets(dir, "qmp.sock", end) &&
	    idle_until(dir, "qmp.sock", end))
		return 0;
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
	for (i = 0; i < tu_ms(60000) / 10; i++) {
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
	return failed(pid, log, "guest did not boot in time");
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
