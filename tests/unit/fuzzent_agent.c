/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_agent.c - tests/fuzz/fuzz_agent.c built into the Check runner under
 * the name fuzzent_agent, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_agent
#include "../fuzz/fuzz_agent.c"
