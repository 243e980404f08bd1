/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent.h - the libFuzzer entry points of tests/fuzz/fuzz_*.c, renamed
 * (tests/unit/fuzzent_*.c) so that one Check runner can call them all. */
#ifndef SLOTSCOPE_FUZZENT_H
#define SLOTSCOPE_FUZZENT_H

#include <stddef.h>
#include <stdint.h>

int fuzzent_agent(const uint8_t *data, size_t size);
int fuzzent_cmd(const uint8_t *data, size_t size);
int fuzzent_hmp(const uint8_t *data, size_t size);
int fuzzent_ids(const uint8_t *data, size_t size);
int fuzzent_instsrc(const uint8_t *data, size_t size);
int fuzzent_mgr(const uint8_t *data, size_t size);
int fuzzent_moncmd(const uint8_t *data, size_t size);
int fuzzent_qmp(const uint8_t *data, size_t size);
int fuzzent_qmpscan(const uint8_t *data, size_t size);
int fuzzent_sim(const uint8_t *data, size_t size);
int fuzzent_store(const uint8_t *data, size_t size);

#endif
