/* SPDX-License-Identifier: GPL-3.0-or-later */
/* audit.h - the audit log: one line per change an operator made.
 *
 * A line is
 *   2026-11-25T03:24:18Z user=alice instance=web1 what="reserve 7" result=ok
 * time in UTC; values without blanks are written bare, others in double
 * quotes with \\, \" and control characters escaped (\n, \t, \xHH), so one
 * change is always one line.  The file is opened O_APPEND|O_CREAT|O_NOFOLLOW|
 * O_NONBLOCK, mode 0600, through its directory opened O_NOFOLLOW: a symlink
 * (as the file or as the runtime dir it lives in), a FIFO, a device or a
 * directory is refused at once, never written to or waited on.  The line
 * goes out in one write(), so concurrent slotscopes do not interleave
 * their lines.  The same record can also go to syslog (and so to the
 * journal): audit_syslog().  Nothing is allocated.
 */
#ifndef SLOTSCOPE_AUDIT_H
#define SLOTSCOPE_AUDIT_H

#include <stddef.h>
#include <time.h>

#include "base/err.h"

#define AUDIT_LINE_MAX 2048	/* longer lines are cut, marked with "..." */
#define AUDIT_SYSLOG_SOCKET "/dev/log"	/* the local syslog daemon or journald */

/* DIR/audit.log, the default next to the runtime files. */
int audit_default_path(const char *runtime_dir, char *out, size_t outsz,
    struct err *e);

/* Who is acting: the login name of the effective uid, plus
 * "(sudo:NAME)" when running as root under sudo. */
void audit_user(char *out, size_t outsz);

/* Format one line (with its '\n') into out; when = 0 means now; user NULL
 * means audit_user().  Returns the length. */
size_t audit_format(char *out, size_t outsz, time_t when, const char *user,
    const char *inst, const char *what, const char *result);

/* Append one line to path (created 0600; a symlink is refused). */
int audit_append(const char *path, const char *user, const char *inst,
    const char *what, const char *result, struct err *e);

/* Send the record to syslog: one datagram to the unix socket sock (normally
 * AUDIT_SYSLOG_SOCKET; tests bind their own), in the traditional BSD form
 * that glibc's syslog(3) writes and journald and rsyslog read:
 *   <13>Dec  1 09:40:00 slotscope[4242]: user=alice instance=web1 ...
 * facility user, priority notice, local time, then the audit line's fields
 * without its own time and newline.  Not syslog(3) itself: its socket
 * cannot be chosen, and openlog() is state of the whole process.  Never
 * blocks: a daemon whose queue is full is an error like a missing one. */
int audit_syslog(const char *sock, const char *user, const char *inst,
    const char *what, const char *result, struct err *e);

/* One change recorded everywhere it is to go: appended to path (when not
 * NULL or "") and sent to syslog through syslog_sock (when not NULL or
 * "").  Both are tried; returns -1 with the first failure ("audit log not written: ..."
 * or "audit line not sent to syslog: ...") when either failed, 0 otherwise. */
int audit_record(const char *path, const char *syslog_sock, const char *user,
    const char *inst, const char *what, const char *result, struct err *e);

#endif
