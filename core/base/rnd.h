/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rnd.h - random bytes from the kernel (getrandom(2)) for generated
 * uuids and MACs: one system call, no /dev/urandom file to open and close
 * each time. */
#ifndef SLOTSCOPE_RND_H
#define SLOTSCOPE_RND_H

#include <stddef.h>

#include "base/err.h"

/* Fill buf[0..n) with random bytes.  Returns 0, or -1 with e saying why
 * the kernel gave none. */
int rnd_bytes(void *buf, size_t n, struct err *e);

#endif
