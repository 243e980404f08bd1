/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nofile.h - the open-files limit (RLIMIT_NOFILE) a fleet needs: the
 * simulator listens on one or two sockets per instance, the client holds
 * one per monitor session open at once.  The soft limit is raised to what
 * is needed, never beyond the hard limit and never lowered; a hard limit
 * that is too low is said in a sentence naming the figures. */
#ifndef SLOTSCOPE_NOFILE_H
#define SLOTSCOPE_NOFILE_H

#include "base/err.h"

/* Make the soft limit at least need.  Returns the soft limit now (>=
 * need), or -1 with e saying the hard limit and what to do. */
long nofile_need(long need, struct err *e);

#endif
