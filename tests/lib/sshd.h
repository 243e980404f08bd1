/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sshd.h - a real OpenSSH sshd for one test "host" (sshd.c), on 127.0.0.1
 * and a free port, started and stopped by the harness the way virtd.h
 * runs libvirtd: tests/scripts/sshd-private.sh makes it PID 1 of a
 * private PID and mount namespace, so when the test process ends --
 * also a failed or killed check whose teardown never runs -- sshd and
 * every session it started die with it.
 *
 * Its own sshd_config, host key, log and authorized_keys are in the
 * test's temp dir; authentication is by key only (no password, no
 * keyboard-interactive), with the client key made once per run with
 * ssh-keygen ($TMPDIR/slotscope-sshd-client, the runner's dir).  The
 * harness writes a client ssh_config for the host: `ssh -F CONFIG NAME
 * CMD` (s.ssh NAME CMD) logs in as the test's user (root) with that key,
 * BatchMode, and a known_hosts holding the host's key, so no prompt, no
 * ~/.ssh and no host key question.  Several run at once (two "hosts" on
 * two ports); each can be killed (the host is gone, its port closed),
 * paused (a host that does not answer) and started again on the same
 * port with the same keys.
 *
 * sshd logs in only the user it runs as unless it is root, and only root
 * can make the namespaces: the tests need root, as libvirtd's do.
 */
#ifndef SLOTSCOPE_SSHD_H
#define SLOTSCOPE_SSHD_H

#include <stdio.h>
#include <sys/types.h>

struct tu_sshd {
	char *dir;		/* the host's tree; removed by stop */
	char name[64];		/* its Host alias in the ssh_config */
	int port;		/* on 127.0.0.1 */
	char config[4200];	/* DIR/ssh_config: ssh -F config name CMD */
	char ssh[4300];		/* "ssh -F 'DIR/ssh_config'" */
	char key[4200];		/* the client's private key (the run's) */
	char known_hosts[4200];	/* DIR/known_hosts: [127.0.0.1]:PORT */
	char libvirt_run[4200];	/* bound on the host's /run/libvirt, or "" */
	pid_t pid;		/* the unshare process */
	pid_t init;		/* sshd, PID 1 of the namespace, host's view */
	int up;
};

/* Why no sshd can run here (for tu_tcase_require), or NULL: root,
 * /usr/sbin/sshd (openssh-server), ssh, ssh-keygen and unshare. */
const char *tu_missing_sshd(void);

/* Start an sshd for the host NAME (a word: letters, digits, '-', '.')
 * and wait until it listens (10 s at most, tu_ms: its socket in /proc/net/tcp,
 * held by sshd itself).  When it cannot, tu_skip()s with sshd's own
 * words: a failure in CI, a skip elsewhere. */
void tu_sshd_start(struct tu_sshd *s, const char *name);
/* The same, for a host whose libvirt is a harness libvirtd (virtd.h):
 * libvirt_run (its DIR/run/libvirt) is bound on the host's /run/libvirt,
 * libvirt's standard place, so `qemu+ssh://NAME/system` reaches it
 * through sshd and virt-ssh-helper as on a real host. */
void tu_sshd_start_libvirt(struct tu_sshd *s, const char *name,
    const char *libvirt_run);
/* The host goes down: sshd and all its sessions are killed and gone
 * when this returns; dir, keys and port are kept for tu_sshd_restart.
 * Harmless when not running. */
void tu_sshd_kill(struct tu_sshd *s);
/* Start it again on the same port with the same keys; 0 once it
 * listens, -1 (its log printed) when it does not. */
int tu_sshd_restart(struct tu_sshd *s);
/* on: SIGSTOP every process of the host (sshd and its sessions), so
 * connections hang rather than fail; off: SIGCONT them.  0, or -1 when
 * it is not running. */
int tu_sshd_pause(struct tu_sshd *s, int on);
/* Kill it and remove dir.  Safe to call twice and when not started. */
void tu_sshd_stop(struct tu_sshd *s);

/* Write this host's `Host NAME` block (HostName, Port, User,
 * IdentityFile, UserKnownHostsFile, BatchMode ...) to f: several hosts'
 * blocks in one file make one ssh_config for all of them. */
void tu_sshd_block(const struct tu_sshd *s, FILE *f);

/* Run `ssh -F CONFIG NAME CMD` (CMD: trusted test text, shell words);
 * output (stdout+stderr) in *out when out is not NULL.  Returns the exit
 * status (255: ssh itself failed). */
int tu_ssh(const struct tu_sshd *s, const char *cmd, char **out);

/* name_up / name_down for tcase_add_checked_fixture around var, the host
 * named host. */
#define TU_SSHD_FIXTURE(name, var, host) \
	static void name##_up(void) { tu_sshd_start(&var, host); } \
	static void name##_down(void) { tu_sshd_stop(&var); }

#endif
