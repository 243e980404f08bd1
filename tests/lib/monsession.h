/* SPDX-License-Identifier: GPL-3.0-or-later */
/* monsession.h - the fuzz targets' harness for a whole monitor session:
 * core/qemu/mon driven over a socketpair in one thread, with the fuzzer's
 * bytes as everything the monitor says.  Shared by fuzz_hmp and fuzz_qmp
 * (and so by their replay in check_fuzzregress).
 */
#ifndef SLOTSCOPE_MONSESSION_H
#define SLOTSCOPE_MONSESSION_H

#include <stddef.h>
#include <stdint.h>

/* Queue one of each kind of operation (queries, device and drive add, a
 * raw command, device_del and the wait for its event; over QMP the adds
 * and the raw one pipelined after query-pci), send greet first
 * when not NULL, then feed data in chunks while the session runs, and
 * free it.  Never fails: whatever the bytes, the session must end
 * without a crash, a hang or a leak. */
void tu_mon_session(const uint8_t *data, size_t size, const char *greet);

#endif
