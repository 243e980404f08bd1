/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_cmd.c - tests/fuzz/fuzz_cmd.c built into the Check runner under
 * the name fuzzent_cmd, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_cmd
#include "../fuzz/fuzz_cmd.c"
