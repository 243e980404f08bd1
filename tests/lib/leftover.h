/* SPDX-License-Identifier: GPL-3.0-or-later */
/* leftover.h - what a test run killed from outside left behind, undone by
 * the next run (leftover.c).  Used by the runner only. */
#ifndef SLOTSCOPE_LEFTOVER_H
#define SLOTSCOPE_LEFTOVER_H

/* Mark dir as the run dir of this process (DIR/runner.pid: the pid and
 * the process's start time, so that a reused pid is not taken for it).
 * 0, or -1 when the mark cannot be written. */
int tu_run_mark(const char *dir);

/* Undo the runs under tmpdir whose runner is gone: each slotscope-test.*
 * dir of this user with a mark whose process no longer runs gets the
 * tmux servers of its e2e sockets (DIR/tmux-UID/slotscope-e2e-*) killed,
 * then this user's processes whose command line names a path in DIR,
 * and is removed.  Dirs without a mark, of another user, or whose runner
 * still runs (a run of another worktree) are left alone.  Returns how
 * many dirs were removed. */
int tu_run_reap(const char *tmpdir);

#endif
