/* SPDX-License-Identifier: GPL-3.0-or-later */
/* leftover.c - what a killed test run left behind (leftover.h).
 *
 * The runner removes its run dir at the end, and what a failed check left
 * is undone by its suite's fixtures (tmx_reg), but a runner killed from
 * outside (SIGKILL, a cancelled CI job, a closed terminal) does neither:
 * its run dir stays, and with it the tmux servers of the e2e checks,
 * which run detached and outlive every process of the run (the QEMUs,
 * simulators, sshd and libvirtd of a run die with the processes that
 * started them; tmux daemonizes).  Their panes keep slotscope TUIs and
 * demos running.  So each run marks its dir with its runner's pid and
 * start time, and the next run looks at the run dirs beside its own: one
 * whose runner is gone has its e2e tmux servers killed (by socket path,
 * only the sockets tmuxdrv names, in that dir), then this user's
 * processes whose command line names a path in it (the background
 * helpers a check started: simulators run through the shell do not die
 * with the run), and is removed.
 */
#include "leftover.h"
#include "testutil.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK "runner.pid"
#define PREFIX "slotscope-test."
#define E2E_PREFIX "slotscope-e2e-"

/* Field 22 of /proc/PID/stat: when the process started (clock ticks
 * since boot); 0 when it does not run. */
static unsigned long long
start_time(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	size_t n;
	FILE *f;
	int field;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name (field 2) may hold spaces: count after its ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &t) != 1)
		return 0;
	return t;
}

int
tu_run_mark(const char *dir)
{
	long pid = (long)getpid();
	FILE *f = fopen(tu_path(dir, MARK), "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = fprintf(f, "%ld %llu\n", pid, start_time(pid)) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* 1 when dir's mark names a process that no longer runs. */
static int
abandoned(const char *dir)
{
	unsigned long long t;
	long pid;
	FILE *f = fopen(tu_path(dir, MARK), "r");
	int n;

	if (f == NULL)
		return 0;
	n = fscanf(f, "%ld %llu", &pid, &t);
	fclose(f);
	if (n != 2 || pid <= 1 || t == 0)
		return 0;
	return start_time(pid) != t;
}

/* Kill the tmux servers of dir's e2e sockets; how many sockets. */
static int
kill_servers(const char *dir)
{
	char sub[4200], *cmd;
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(sub, sizeof sub, "%s/tmux-%ld", dir, (long)getuid());
	if ((d = opendir(sub)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, E2E_PREFIX, strlen(E2E_PREFIX)) != 0 ||
		    strchr(de->d_name, '\'') != NULL)
			continue;
		if (asprintf(&cmd, "tmux -S '%s/%s' kill-server >/dev/null "
		    "2>&1", sub, de->d_name) < 0)
			continue;
		tu_run(cmd, NULL);
		free(cmd);
		n++;
	}
	closedir(d);
	return n;
}

/* SIGKILL this user's processes whose command line names a path in dir
 * (helpers a check started in the background, e.g. a simulator through
 * `sh -c '... &'`, and the programs in the tmux panes): the dir's name is
 * mkdtemp's, so nothing else names it.  How many. */
static int
kill_procs(const char *dir)
{
	char want[4200], path[64], buf[8192];
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0;

	if (d == NULL)
		return 0;
	snprintf(want, sizeof want, "%s/", dir);
	while ((de = readdir(d)) != NULL) {
		long pid = strtol(de->d_name, NULL, 10);
		struct stat st;
		size_t len, i;
		FILE *f;

		if (pid <= 1 || pid == (long)getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
		if (stat(path, &st) != 0 || st.st_uid != getuid() ||
		    (f = fopen(path, "r")) == NULL)
			continue;
		len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		for (i = 0; i < len; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[len] = '\0';
		if (strstr(buf, want) != NULL && kill((pid_t)pid, SIGKILL) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int
tu_run_reap(const char *tmpdir)
{
	struct dirent *de;
	DIR *d = opendir(tmpdir);
	int removed = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char dir[4200];
		struct stat st;
		int n, k;

		if (strncmp(de->d_name, PREFIX, strlen(PREFIX)) != 0 ||
		    strchr(de->d_name, '\'') != NULL)
			continue;
		snprintf(dir, sizeof dir, "%s/%s", tmpdir, de->d_name);
		if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != getuid() || !abandoned(dir))
			continue;
		n = kill_servers(dir);
		k = kill_procs(dir);
		fprintf(stderr, "runner: %s was left by a killed run: %d tmux "
		    "server%s and %d process%s stopped, the dir removed\n", dir,
		    n, n == 1 ? "" : "s", k, k == 1 ? "" : "es");
		tu_rmrf(dir);
		removed++;
	}
	closedir(d);
	return removed;
}
