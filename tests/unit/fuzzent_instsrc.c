/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_instsrc.c - tests/fuzz/fuzz_instsrc.c built into the Check runner under
 * the name fuzzent_instsrc, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_instsrc
#include "../fuzz/fuzz_instsrc.c"
