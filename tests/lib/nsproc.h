/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsproc.h - the processes of a daemon the harness runs as PID 1 of its
 * own PID namespace (nsproc.c): libvirtd (virtd.h) and sshd (sshd.h) are
 * started through `unshare --pid --fork --kill-child`, whose one child is
 * that PID 1; the kernel kills every process of the namespace once it
 * dies.  These read /proc only (tu_ns_signal also signals); nothing is
 * allocated.
 */
#ifndef SLOTSCOPE_NSPROC_H
#define SLOTSCOPE_NSPROC_H

#include <sys/types.h>

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
