/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_ids.c - tests/fuzz/fuzz_ids.c built into the Check runner under
 * the name fuzzent_ids, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_ids
#include "../fuzz/fuzz_ids.c"
