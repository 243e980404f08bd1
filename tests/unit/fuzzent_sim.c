/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_sim.c - tests/fuzz/fuzz_sim.c built into the Check runner under
 * the name fuzzent_sim, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_sim
#include "../fuzz/fuzz_sim.c"
