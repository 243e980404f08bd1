/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsproc.h - the processes the harness starts (nsproc.c): a child that
 * dies with the check (tu_spawn: QEMU, libvirtd, sshd), and a daemon run
 * as PID 1 of its own PID namespace: libvirtd (virtd.h) and sshd (sshd.h)
 * are started through `unshare --pid --fork --kill-child`, whose one
 * child is that PID 1; the kernel kills every process of the namespace
 * once it dies (tu_ns_kill).  The others read /proc only (tu_ns_signal
 * also signals); nothing is allocated.
 */
#ifndef SLOTSCOPE_NSPROC_H
#define SLOTSCOPE_NSPROC_H

#include <sys/types.h>

/* Fork a child that dies with the calling process (PR_SET_PDEATHSIG
 * SIGKILL, and it exits at once when that process is already gone): when
 * Check kills a check that timed out, whose teardown never runs, the
 * kernel kills what it started too.  The child's stdout and stderr go to
 * the file log (truncated; appended with TU_SPAWN_APPEND), with
 * TU_SPAWN_ROOT it runs in / (out of the tree) and with TU_SPAWN_NOSTDIN
 * reads /dev/null; then it execs argv[0] (searched in PATH) with argv,
 * NULL-terminated.  A child that cannot set itself up exits 1, one that
 * cannot exec 127.  Returns its pid, -1 when fork failed. */
enum {
	TU_SPAWN_APPEND = 1,
	TU_SPAWN_ROOT = 2,
	TU_SPAWN_NOSTDIN = 4,
};
pid_t tu_spawn(const char *log, int flags, char *const argv[]);

/* End a namespace started through `unshare --pid --fork --kill-child`:
 * pid is the unshare process (a child of this one), init its PID 1 as the
 * host sees it (0: looked up).  unshare passes SIGKILL on to PID 1; the
 * kernel then kills the whole namespace, and PID 1 is gone only once
 * every process in it is: this waits for that (10 s at most).  Nothing
 * when pid is not above 0. */
void tu_ns_kill(pid_t pid, pid_t init);

/* For the checks that nothing outlives a check without its teardown: run
 * fn in a child process that then exits at once (_exit, no teardown), as
 * a failed check's process does; fn reports what to look for (pids, dirs)
 * by writing it to fd.  The report goes into buf (size bytes,
 * NUL-terminated) once the child is gone.  Returns its length, 0 when fn
 * wrote nothing (or fork failed). */
size_t tu_orphan(void (*fn)(int fd), char *buf, size_t size);

/* Still running?  A zombie counts as gone. */
int tu_pid_alive(pid_t pid);

/* The first child of pid (unshare --fork has exactly one), 0 if none. */
pid_t tu_first_child(pid_t pid);

/* Send sig to every process in the PID namespace whose PID 1 is init (as
 * the host sees it), init included.  Returns how many were signalled. */
int tu_ns_signal(pid_t init, int sig);

/* 1 while some process's command line contains s (e.g. guest=NAME).
 * Anywhere on the machine: give s a part no other run has (tu_marker), or
 * look in one namespace (tu_ns_proc_with). */
int tu_proc_with(const char *s);

/* The PID namespace pid is in, as its /proc/PID/ns/pid link reads
 * ("pid:[4026532...]"), into buf; "" when pid is gone. */
void tu_pidns_of(pid_t pid, char *buf, size_t size);
/* tu_proc_with among the processes of PID namespace ns only (a text from
 * tu_pidns_of, taken while its PID 1 ran: once it dies, so do they). */
int tu_ns_proc_with(const char *ns, const char *s);

/* A word no other process on the machine has in its command line now, to
 * put in one (this process's pid and the time in ns): "ck<pid>x<ns>". */
void tu_marker(char *buf, size_t size);

#endif
