/* SPDX-License-Identifier: GPL-3.0-or-later */
/* err.h - the one error type of slotscope's core.
 *
 * Every fallible core function returns 0 (or a value >= 0) on success and -1
 * on failure, and fills a caller-owned struct err with one sentence a user
 * can act on.  The struct lives on the caller's stack; nothing is allocated.
 */
#ifndef SLOTSCOPE_ERR_H
#define SLOTSCOPE_ERR_H

#include <stddef.h>

struct err {
	char msg[256];
};

/* Format the message (printf rules, truncated to fit) and return -1, so that
 * callers can write `return err_set(e, "...", ...);`.  e may be NULL. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix an existing message: "what: old message".  Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct err *e);

#endif
