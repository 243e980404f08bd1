/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

const char *
tu_srcpath(const char *rel)
{
	static char path[PATH_MAX];
	const char *top = getenv("SLOTSCOPE_SRCDIR");

	snprintf(path, sizeof path, "%s/%s", top ? top : ".", rel);
	return path;
}

const char *
tu_bin(void)
{
	const char *b = getenv("SLOTSCOPE_BIN");

	return b ? b : "./slotscope";
}

char *
tu_fixture(const char *rel, size_t *len)
{
	char name[PATH_MAX];
	FILE *f;
	char *buf;
	long n;

	snprintf(name, sizeof name, "tests/fixtures/%s", rel);
	f = fopen(tu_srcpath(name), "rb");
	if (f == NULL)
		ck_abort_msg("fixture %s is missing", name);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

char *
tu_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *p;

	if (asprintf(&p, "%s/slotscope-test.XXXXXX", t ? t : "/tmp") < 0)
		return NULL;
	if (mkdtemp(p) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void
tu_rmrf(const char *path)
{
	char *cmd;

	if (path == NULL || strncmp(path, "/", 1) != 0)
		return;
	if (asprintf(&cmd, "rm -rf '%s'", path) < 0)
		return;
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
	free(cmd);
}

int
tu_in_ci(void)
{
	const char *ci = getenv("CI");

	return ci != NULL && *ci != '\0' && strcmp(ci, "false") != 0 &&
	    strcmp(ci, "0") != 0;
}

int
tu_have_program(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static char missing_prog[64];

START_TEST(missing)
{
	ck_abort_msg("%s is not installed, and CI must run this suite: "
	    "scripts/install-deps installs it", missing_prog);
}
END_TEST

Suite *
tu_missing_suite(const char *name, const char *prog)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("required-program");

	snprintf(missing_prog, sizeof missing_prog, "%s", prog);
	fprintf(stderr, "FAIL %s: %s not found on PATH and CI is set\n",
	    name, prog);
	tcase_add_test(tc, missing);
	suite_add_tcase(s, tc);
	return s;
}

Suite *
tu_skipped_suite(const char *name, const char *why)
{
	fprintf(stderr, "SKIP suite %s: %s (not counted as passed; set CI=true "
	    "to make this a failure)\n", name, why);
	return suite_create(name);
}

int
tu_run(const char *cmd, char **out)
{
	FILE *p;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char *full;
	int st;

	if (asprintf(&full, "(%s) 2>&1", cmd) < 0)
		return -1;
	p = popen(full, "r");
	free(full);
	if (p == NULL)
		return -1;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len - 1, p);
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Is a unix socket listening on DIR/NAME?  Read from /proc/net/unix
 * (flag __SO_ACCEPTCON, 0x10000) rather than by connecting: QEMU serves one
 * client per monitor, and a probe connection that closes unserved disturbs
 * the next client's wait. */
static int
listening(const char *dir, const char *name)
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

/* QEMU is started as a child of the test process, not daemonized, with
 * PR_SET_PDEATHSIG: when Check kills a test that timed out (its teardown
 * never runs), the kernel kills that test's QEMUs too, so no paused QEMU
 * outlives the suite. */
int
tu_qemu_start(const char *dir, const char *machine, const char *extra)
{
	char *cmd, sock[PATH_MAX], log[PATH_MAX];
	pid_t parent = getpid(), pid;
	int i, st;

	if (asprintf(&cmd, "rm -f '%s'/hmp.sock '%s'/qmp.sock '%s'/qemu.pid; "
	    "exec qemu-system-x86_64 -machine %s,accel=tcg -S -display none "
	    "-m 128 -monitor unix:'%s'/hmp.sock,server,nowait "
	    "-qmp unix:'%s'/qmp.sock,server,nowait -pidfile '%s'/qemu.pid "
	    "%s", dir, dir, dir, machine, dir, dir, dir,
	    extra ? extra : "") < 0)
		return -1;
	snprintf(log, sizeof log, "%s/qemu.log", dir);
	pid = fork();
	if (pid == -1) {
		free(cmd);
		return -1;
	}
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	free(cmd);
	/* Ready when both sockets listen and the pid file exists (10 s at
	 * most).  A socket file appears at bind(), a moment before listen(),
	 * so its existence alone is not enough. */
	for (i = 0; i < 1000; i++) {
		snprintf(sock, sizeof sock, "%s/qemu.pid", dir);
		if (access(sock, F_OK) == 0 && listening(dir, "hmp.sock") &&
		    listening(dir, "qmp.sock"))
			return 0;
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	{
		char *out = NULL;
		char *c;

		if (asprintf(&c, "cat '%s'", log) >= 0) {
			tu_run(c, &out);
			free(c);
		}
		fprintf(stderr, "qemu did not start: %s\n", out ? out : "");
		free(out);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* Still running?  A zombie (not yet reaped by init) counts as gone. */
static int
alive(long pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	if (kill((pid_t)pid, 0) != 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !(p != NULL && p[1] == ' ' && p[2] == 'Z');
}

void
tu_qemu_stop(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;
	long pid = 0;
	int i;

	snprintf(path, sizeof path, "%s/qemu.pid", dir);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 1)
		return;
	kill((pid_t)pid, SIGTERM);
	for (i = 0; i < 300 && alive(pid); i++) {
		waitpid((pid_t)pid, NULL, WNOHANG);	/* ours since not daemonized */
		usleep(10000);
	}
	if (alive(pid)) {
		kill((pid_t)pid, SIGKILL);
		for (i = 0; i < 300 && alive(pid); i++)
			usleep(10000);
	}
	unlink(path);
}

void
tu_vm_up(struct tu_vm *v)
{
	char *cmd, *out = NULL;

	v->up = 0;
	v->dir = tu_tmpdir();
	if (v->dir == NULL)
		return;
	if (!v->guest) {
		v->up = tu_qemu_start(v->dir, v->machine, v->extra) == 0;
		return;
	}
	if (asprintf(&cmd, "sh '%s' '%s' %s",
	    tu_srcpath("tests/scripts/boot-test-guest.sh"), v->dir,
	    v->machine) < 0)
		return;
	v->up = tu_run(cmd, &out) == 0;
	if (!v->up)
		fprintf(stderr, "guest did not boot: %s\n", out ? out : "");
	free(out);
	free(cmd);
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
