/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sshd.c - the one way tests start a real sshd (see sshd.h). */
#include "sshd.h"
#include "nsproc.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SSHD "/usr/sbin/sshd"

const char *
tu_missing_sshd(void)
{
	static const char *const progs[] = { "ssh", "ssh-keygen", "unshare",
	    NULL };

	if (access(SSHD, X_OK) != 0)
		return SSHD " is not installed (Debian's openssh-server)";
	if (geteuid() != 0)
		return "sshd tests need root (sshd logs in other users only "
		    "as root, and its private namespaces need root)";
	return tu_missing(progs);
}

/* A port nothing uses now on 127.0.0.1 (the kernel's pick); 0 if none. */
static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd, port = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* The inode of the socket listening on 127.0.0.1:port, 0 if none: read
 * from /proc/net/tcp, never by connecting (a probe connection would be
 * one more client in sshd's log and its MaxStartups). */
static unsigned long
listener(int port)
{
	char line[512], want[32];
	unsigned long ino = 0, i;
	FILE *f = fopen("/proc/net/tcp", "r");

	if (f == NULL)
		return 0;
	snprintf(want, sizeof want, "0100007F:%04X", port);
	while (ino == 0 && fgets(line, sizeof line, f) != NULL) {
		char local[64], st[8];

		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, "%*s %63s %*s %7s %*s %*s %*s %*s %*s %lu",
		    local, st, &i) == 3 && strcmp(local, want) == 0 &&
		    strcmp(st, "0A") == 0)
			ino = i;
	}
	fclose(f);
	return ino;
}

/* Does pid hold the socket with this inode? */
static int
holds(pid_t pid, unsigned long ino)
{
	char path[64], want[64], link[64], fd[320];
	struct dirent *e;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	snprintf(want, sizeof want, "socket:[%lu]", ino);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		ssize_t n;

		snprintf(fd, sizeof fd, "%s/%s", path, e->d_name);
		n = readlink(fd, link, sizeof link - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(d);
	return found;
}

static int
ready(const struct tu_sshd *s)
{
	unsigned long ino;

	return s->init > 0 && (ino = listener(s->port)) != 0 &&
	    holds(s->init, ino);
}

/* The end of sshd's log, one line, in a static buffer. */
static const char *
log_tail(const struct tu_sshd *s)
{
	static char why[1200];
	char *cmd, *out = NULL;

	why[0] = '\0';
	if (asprintf(&cmd, "tail -c 600 '%s/sshd.log'", s->dir) >= 0) {
		tu_run(cmd, &out);
		free(cmd);
	}
	snprintf(why, sizeof why, "%s", out ? out : "");
	free(out);
	for (char *p = why; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return why;
}

static void
spawn(struct tu_sshd *s)
{
	char log[PATH_MAX], conf[PATH_MAX], script[PATH_MAX];

	snprintf(log, sizeof log, "%s/sshd.log", s->dir);
	snprintf(conf, sizeof conf, "%s/sshd_config", s->dir);
	snprintf(script, sizeof script, "%s",
	    tu_srcpath("tests/scripts/sshd-private.sh"));
	s->init = 0;
	/* no libvirt run dir: the list ends before it */
	s->pid = tu_spawn(log, TU_SPAWN_APPEND | TU_SPAWN_ROOT |
	    TU_SPAWN_NOSTDIN, (char *[]){ "unshare", "--pid", "--fork",
	    "--mount-proc", "--kill-child", "/bin/sh", script, conf,
	    s->libvirt_run[0] ? s->libvirt_run : NULL, NULL });
}

/* Start sshd and wait until it listens: 0, 1 when it ended first (its
 * port may have been taken meanwhile), -1 when it did not listen in
 * 10 s (tu_ms). */
static int
run(struct tu_sshd *s)
{
	int i, st;

	spawn(s);
	if (s->pid < 0) {
		s->pid = 0;
		return -1;
	}
	for (i = 0; i < tu_ms(10000) / 10; i++) {
		if (s->init == 0)
			s->init = tu_first_child(s->pid);
		if (ready(s)) {
			s->up = 1;
			return 0;
		}
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = s->init = 0;
			return 1;
		}
		usleep(10000);
	}
	return -1;
}

static int
write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* The run's client key, made once ($TMPDIR is the runner's dir, removed
 * at the end of the run): made in a temp dir renamed into place, so two
 * checks making it at once both end with one whole key. */
static int
client_key(struct tu_sshd *s)
{
	const char *tmp = getenv("TMPDIR");
	char final[PATH_MAX], *mine, *cmd;
	int rc;

	snprintf(final, sizeof final, "%s/slotscope-sshd-client",
	    tmp && *tmp ? tmp : "/tmp");
	snprintf(s->key, sizeof s->key, "%s/id_ed25519", final);
	if (access(s->key, R_OK) == 0)
		return 0;
	if ((mine = tu_tmpdir()) == NULL)
		return -1;
	if (asprintf(&cmd, "ssh-keygen -q -t ed25519 -N '' -C "
	    "slotscope-test-client -f '%s/id_ed25519'", mine) < 0) {
		tu_rmrf(mine);
		free(mine);
		return -1;
	}
	rc = tu_run(cmd, NULL);
	free(cmd);
	if (rc == 0 && rename(mine, final) != 0 && errno != EEXIST &&
	    errno != ENOTEMPTY)
		rc = -1;
	tu_rmrf(mine);
	free(mine);
	return rc == 0 && access(s->key, R_OK) == 0 ? 0 : -1;
}

/* The host key and authorized_keys (the client's public key). */
static int
keys(struct tu_sshd *s)
{
	char *cmd;
	int rc;

	if (client_key(s) != 0)
		return -1;
	if (asprintf(&cmd, "cd '%s' && ssh-keygen -q -t ed25519 -N '' "
	    "-C %s -f host_ed25519 && cp '%s.pub' authorized_keys", s->dir,
	    s->name, s->key) < 0)
		return -1;
	rc = tu_run(cmd, NULL);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* The client's known_hosts: the host key for [127.0.0.1]:PORT. */
static int
known_hosts(struct tu_sshd *s)
{
	char path[PATH_MAX], key[1024] = "", *sp;
	FILE *f;

	snprintf(s->known_hosts, sizeof s->known_hosts, "%s/known_hosts",
	    s->dir);
	snprintf(path, sizeof path, "%s/host_ed25519.pub", s->dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(key, sizeof key, f) == NULL)
		key[0] = '\0';
	fclose(f);
	/* "TYPE BASE64 COMMENT": the comment is not wanted */
	if ((sp = strchr(key, ' ')) == NULL || (sp = strchr(sp + 1, ' ')) ==
	    NULL)
		return -1;
	*sp = '\0';
	if ((f = fopen(s->known_hosts, "w")) == NULL)
		return -1;
	fprintf(f, "[127.0.0.1]:%d %s\n", s->port, key);
	return fclose(f) == 0 ? 0 : -1;
}

/* sshd_config: loopback, our port and keys, keys only.  StrictModes no:
 * the test's tree is under /tmp (world-writable), which sshd's check of
 * every directory above authorized_keys would refuse.  No PAM: Debian's
 * PAM stack wants a login uid a container cannot set. */
static int
configs(struct tu_sshd *s)
{
	char text[6 * PATH_MAX], user[64] = "root";
	struct passwd *pw = getpwuid(geteuid());
	FILE *f;
	int rc;

	if (pw != NULL)
		snprintf(user, sizeof user, "%s", pw->pw_name);
	snprintf(text, sizeof text,
	    "ListenAddress 127.0.0.1:%d\n"
	    "HostKey %s/host_ed25519\n"
	    "PidFile %s/sshd.pid\n"
	    "AuthorizedKeysFile %s/authorized_keys\n"
	    "AllowUsers %s\n"
	    "PubkeyAuthentication yes\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "PermitRootLogin prohibit-password\n"
	    "StrictModes no\n"
	    "UsePAM no\n"
	    "UseDNS no\n"
	    "PrintMotd no\n"
	    "PrintLastLog no\n"
	    "X11Forwarding no\n"
	    "LogLevel VERBOSE\n", s->port, s->dir, s->dir, s->dir, user);
	if (write_file(s->dir, "sshd_config", text) != 0 ||
	    known_hosts(s) != 0)
		return -1;
	snprintf(s->config, sizeof s->config, "%s/ssh_config", s->dir);
	snprintf(s->ssh, sizeof s->ssh, "ssh -F '%s'", s->config);
	if ((f = fopen(s->config, "w")) == NULL)
		return -1;
	tu_sshd_block(s, f);
	rc = fclose(f);
	return rc == 0 ? 0 : -1;
}

void
tu_sshd_block(const struct tu_sshd *s, FILE *f)
{
	struct passwd *pw = getpwuid(geteuid());

	fprintf(f, "Host %s\n"
	    "  HostName 127.0.0.1\n"
	    "  Port %d\n"
	    "  User %s\n"
	    "  IdentityFile %s\n"
	    "  IdentitiesOnly yes\n"
	    "  UserKnownHostsFile %s\n"
	    "  GlobalKnownHostsFile /dev/null\n"
	    "  StrictHostKeyChecking yes\n"
	    "  BatchMode yes\n"
	    "  PasswordAuthentication no\n"
	    "  KbdInteractiveAuthentication no\n"
	    "  ConnectTimeout 5\n"
	    "  LogLevel ERROR\n", s->name, s->port,
	    pw != NULL ? pw->pw_name : "root", s->key, s->known_hosts);
}

void
tu_sshd_start(struct tu_sshd *s, const char *name)
{
	tu_sshd_start_libvirt(s, name, NULL);
}

void
tu_sshd_start_libvirt(struct tu_sshd *s, const char *name,
    const char *libvirt_run)
{
	const char *missing = tu_missing_sshd();
	char why[1500];
	int tries, rc = -1;

	memset(s, 0, sizeof *s);
	snprintf(s->libvirt_run, sizeof s->libvirt_run, "%s",
	    libvirt_run ? libvirt_run : "");
	if (missing != NULL)
		tu_skip(missing);
	snprintf(s->name, sizeof s->name, "%s", name);
	if ((s->dir = tu_tmpdir()) == NULL)
		tu_skip("no temp dir for sshd");
	/* the kernel's free port may be taken before sshd binds it: then
	 * sshd ends at once, and another port is tried */
	for (tries = 0; tries < 5; tries++) {
		if ((s->port = free_port()) == 0)
			tu_skip("no free port on 127.0.0.1 for sshd");
		if ((tries == 0 && keys(s) != 0) || configs(s) != 0)
			tu_skip("could not make sshd's keys and configs "
			    "(ssh-keygen)");
		if ((rc = run(s)) != 1)
			break;
	}
	if (rc != 0) {
		snprintf(why, sizeof why, "no sshd could start here (%s): %s",
		    rc == 1 ? "it ended" : "it did not listen in time",
		    log_tail(s));
		tu_sshd_kill(s);
		tu_skip(why);
	}
}

void
tu_sshd_kill(struct tu_sshd *s)
{
	tu_ns_kill(s->pid, s->init);	/* sshd, PID 1, and its sessions */
	s->pid = s->init = 0;
	s->up = 0;
}

int
tu_sshd_restart(struct tu_sshd *s)
{
	tu_sshd_kill(s);
	if (s->dir == NULL)
		return -1;
	if (run(s) == 0)
		return 0;
	fprintf(stderr, "sshd %s did not start again: %s\n", s->name,
	    log_tail(s));
	tu_sshd_kill(s);
	return -1;
}

int
tu_sshd_pause(struct tu_sshd *s, int on)
{
	if (!s->up || s->init <= 0)
		return -1;
	return tu_ns_signal(s->init, on ? SIGSTOP : SIGCONT) > 0 ? 0 : -1;
}

void
tu_sshd_stop(struct tu_sshd *s)
{
	tu_sshd_kill(s);	/* SIGKILL ends paused processes too */
	if (s->dir != NULL) {
		tu_rmrf(s->dir);
		free(s->dir);
		s->dir = NULL;
	}
}

int
tu_ssh(const struct tu_sshd *s, const char *cmd, char **out)
{
	char *full;
	int rc;

	if (asprintf(&full, "%s %s %s", s->ssh, s->name, cmd) < 0)
		return -1;
	rc = tu_run(full, out);
	free(full);
	return rc;
}
