/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_hmp.c - tests/fuzz/fuzz_hmp.c built into the Check runner under
 * the name fuzzent_hmp, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_hmp
#include "../fuzz/fuzz_hmp.c"
