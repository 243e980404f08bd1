/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_moncmd.c - tests/fuzz/fuzz_moncmd.c built into the Check runner under
 * the name fuzzent_moncmd, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_moncmd
#include "../fuzz/fuzz_moncmd.c"
