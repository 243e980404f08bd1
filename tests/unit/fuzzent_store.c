/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_store.c - tests/fuzz/fuzz_store.c built into the Check runner under
 * the name fuzzent_store, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_store
#include "../fuzz/fuzz_store.c"
